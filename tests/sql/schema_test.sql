-- schema_test: every rule that the schema guards is refused when broken, and the core helpers
-- (clock, audit chain, effective trial status, search, sessions, throttling, idempotency) work.
--
-- Run against a database with the migrations applied; it changes nothing (one transaction,
-- rolled back) and prints "schema_test: ok" last:
--   psql -X -v ON_ERROR_STOP=1 -d DB -f tests/sql/schema_test.sql

\set ON_ERROR_STOP on
\set QUIET on
\o /dev/null
BEGIN;
SET LOCAL techpool.today = '2026-03-01';

-- Names of the rows made here, so that statements can refer to them.
CREATE TEMP TABLE ids (name text PRIMARY KEY, id bigint NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.id(n text) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT id FROM ids WHERE name = n
$$;

CREATE FUNCTION pg_temp.expect(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'schema_test failed: %', what;
    END IF;
END
$$;

-- Runs the statements in a subtransaction and demands that they fail with this SQLSTATE and
-- constraint (any when NULL; and COLUMN, when given); raises when they succeed or fail otherwise.
CREATE FUNCTION pg_temp.refused(stmts text[], state text, rule text, field text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stmt text;
    got_state text;
    got_rule text;
    got_column text;
    got_message text;
BEGIN
    BEGIN
        FOREACH stmt IN ARRAY stmts LOOP
            EXECUTE stmt;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS got_state = RETURNED_SQLSTATE, got_rule = CONSTRAINT_NAME,
                                got_column = COLUMN_NAME, got_message = MESSAGE_TEXT;
        IF got_state = state AND (rule IS NULL OR got_rule = rule)
           AND (field IS NULL OR got_column = field) THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'schema_test failed: % refused with % "%" (column "%"): %, expected % "%"',
            stmts, got_state, got_rule, got_column, got_message, state, rule;
    END;
    RAISE EXCEPTION 'schema_test failed: NOT refused (% "%"): %', state, rule, stmts;
END
$$;
CREATE FUNCTION pg_temp.refused(stmt text, state text, rule text, field text DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    SELECT pg_temp.refused(ARRAY[stmt], state, rule, field)
$$;

-- A syntactically valid argon2id hash for test users.
CREATE FUNCTION pg_temp.pw() RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG'
$$;

-- ---------------------------------------------------------------------------------------------
-- Clock, seeds, secrets

SELECT pg_temp.expect(tp_today() = '2026-03-01', 'tp_today follows techpool.today');
SELECT pg_temp.expect(tp_date(tp_now()) = '2026-03-01'
                      AND (tp_now() AT TIME ZONE 'Asia/Shanghai')::time
                          = (now() AT TIME ZONE 'Asia/Shanghai')::time,
                      'tp_now is that day at the real Shanghai time of day');
SET LOCAL techpool.today = '2026-03-01T23:59:30+08:00';
SELECT set_config('techpool.clock_origin', (extract(epoch FROM now()) - 60)::text, true);
SELECT pg_temp.expect(tp_now() = '2026-03-02 00:00:30+08' AND tp_today() = '2026-03-02',
                      'an instant in techpool.today starts the clock there and it runs on');
SET LOCAL techpool.clock_origin = '';
SELECT pg_temp.expect(tp_now() = '2026-03-01 23:59:30+08', 'without an origin it stands there');
SET LOCAL techpool.today = '2026-03-01';
SELECT pg_temp.expect(tp_instant('2026-03-01 16:00:00+08') = '2026-03-01T08:00:00Z',
                      'tp_instant writes RFC 3339 UTC');
SELECT pg_temp.expect((SELECT count(*) FROM province_compensation_ratios WHERE ratio_bp = 5000) = 4,
                      'four provinces seeded at 50 %');
SELECT pg_temp.expect((SELECT length(value) FROM server_secrets WHERE name = 'cursor_key') = 32,
                      'cursor_key holds 32 bytes');

-- ---------------------------------------------------------------------------------------------
-- Organisations and users

WITH i AS (INSERT INTO institutions (name, province, kind, contact_name)
           VALUES ('上海交通测试大学', 'SH', 'university', '王老师') RETURNING id)
INSERT INTO ids SELECT 'inst', id FROM i;
WITH e AS (INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
           VALUES ('苏州测试科技有限公司', '91320500MA1MXXXX1A', 'JS', 'small', '李经理') RETURNING id)
INSERT INTO ids SELECT 'ent1', id FROM e;
WITH e AS (INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
           VALUES ('杭州测试智能有限公司', '91330100MA2BXXXX2B', 'ZJ', 'medium', '赵经理') RETURNING id)
INSERT INTO ids SELECT 'ent2', id FROM e;

SELECT pg_temp.refused($$INSERT INTO institutions (name, province, kind, contact_name)
                         VALUES ('x', 'BJ', 'university', 'y')$$, '23514', 'province_valid');
SELECT pg_temp.refused($$INSERT INTO institutions (name, province, kind, contact_name)
                         VALUES ('  ', 'SH', 'university', 'y')$$, '23514', 'institutions_name_not_blank');
SELECT pg_temp.refused($$INSERT INTO institutions (name, province, kind, contact_name)
                         VALUES (repeat('x', 201), 'SH', 'university', 'y')$$,
                       '23514', 'institutions_name_valid');
SELECT pg_temp.refused($$INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
                         VALUES ('x', '91330100MA2BXXXX9Z', 'ZJ', 'small', U&'\3000\200B')$$,
                       '23514', 'enterprises_contact_name_not_blank');
SELECT pg_temp.refused($$INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
                         VALUES ('x', '91320500MA1MXXXX1A', 'JS', 'small', 'y')$$,
                       '23505', 'enterprises_credit_code_unique');
SELECT pg_temp.refused($$INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
                         VALUES ('x', '91320500MA1MIIII1A', 'JS', 'small', 'y')$$,
                       '23514', 'enterprises_credit_code_valid');
SELECT pg_temp.refused($$INSERT INTO enterprises (name, credit_code, province, contact_name)
                         VALUES ('x', '91320500MA1MXXXX9A', 'JS', 'y')$$,
                       '23514', 'enterprises_scale_declared');
SELECT pg_temp.refused($$INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
                         VALUES ('x', '91320500MA1MXXXX9A', 'JS', 'giant', 'y')$$,
                       '23514', 'enterprise_scale_valid');
SELECT pg_temp.expect(credit_code_in_province('91320500MA1MXXXX1A', 'JS')
                      AND credit_code_in_province('91100000MA1MXXXX1A', 'AH')
                      AND NOT credit_code_in_province('91350100MA1MXXXX1A', 'ZJ')
                      AND NOT credit_code_in_province('91310000MA1MXXXX1A', 'JS'),
                      'a credit code lies in its province, or is national');

WITH u AS (INSERT INTO users (email, password_hash, role, institution_id, contact_name)
           VALUES ('staff@sjtu.test', pg_temp.pw(), 'institution', pg_temp.id('inst'), '王老师')
           RETURNING id)
INSERT INTO ids SELECT 'staff', id FROM u;
WITH u AS (INSERT INTO users (email, password_hash, role, enterprise_id, contact_name)
           VALUES ('boss@ent1.test', pg_temp.pw(), 'enterprise', pg_temp.id('ent1'), '李经理')
           RETURNING id)
INSERT INTO ids SELECT 'buyer', id FROM u;
WITH u AS (INSERT INTO users (email, password_hash, role, province, contact_name)
           VALUES ('sh-admin@gov.test', pg_temp.pw(), 'province_admin', 'SH', '陈处长')
           RETURNING id)
INSERT INTO ids SELECT 'sh_admin', id FROM u;

SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, contact_name)
                         VALUES ('Staff@SJTU.test', pg_temp.pw(), 'admin', 'x')$$,
                       '23514', 'users_email_lower');
SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, contact_name)
                         VALUES ('staff@sjtu.test', pg_temp.pw(), 'admin', 'x')$$,
                       '23505', 'users_email_unique');
SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, contact_name)
                         VALUES ('a@b.test', 'plain-password', 'admin', 'x')$$,
                       '23514', 'users_password_argon2id');
SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, contact_name)
                         VALUES ('a@b.test', pg_temp.pw(), 'province_admin', 'x')$$,
                       '23514', 'users_role_scope');
SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, institution_id,
                                            enterprise_id, contact_name)
                         VALUES ('a@b.test', pg_temp.pw(), 'institution', pg_temp.id('inst'),
                                 pg_temp.id('ent1'), 'x')$$,
                       '23514', 'users_role_scope');
SELECT pg_temp.refused($$INSERT INTO users (email, password_hash, role, enterprise_id, contact_name)
                         VALUES ('a@b.test', pg_temp.pw(), 'enterprise', 999999999, 'x')$$,
                       '23503', 'users_enterprise_id_fk');

-- ---------------------------------------------------------------------------------------------
-- Achievements

CREATE FUNCTION pg_temp.new_achievement(name text, title text, abstract text, keywords text[],
                                        exclusive boolean, trial_months int) RETURNS void
LANGUAGE sql AS $$
    WITH a AS (
        INSERT INTO achievements (institution_id, title, title_en, abstract, field, kind,
                                  patent_numbers, keywords, maturity, trial_months,
                                  payment_mode, reference_fee_fen, exclusive)
        VALUES (pg_temp.id('inst'), title, 'Graphene Heat Spreader', abstract, 'new_materials',
                'invention_patent', ARRAY['ZL202110123456.7'], keywords, 6, trial_months,
                'installments', 5000000, exclusive)
        RETURNING id)
    INSERT INTO ids SELECT name, id FROM a
$$;
SELECT pg_temp.new_achievement('excl', '车规级芯片散热结构', '一种用于芯片的石墨烯散热膜。',
                               ARRAY['散热', '石墨烯'], true, 6);
SELECT pg_temp.new_achievement('open', '缓释药物载体', '可用于口服药的纳米载体。',
                               ARRAY['制药', '纳米'], false, 12);
SELECT pg_temp.new_achievement('draft', '土壤修复方法', '重金属污染土壤的修复。',
                               ARRAY['环境'], false, 12);

SELECT pg_temp.expect((SELECT province = 'SH' AND status = 'draft' AND version = 1
                         FROM achievements WHERE id = pg_temp.id('excl')),
                      'an achievement is a draft in its institution''s province');

SELECT pg_temp.refused($$UPDATE achievements SET reference_fee_fen = -1 WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_reference_fee_nonnegative');
SELECT pg_temp.refused($$UPDATE achievements SET payment_mode = 'royalty', royalty_bp = 10001 WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_royalty_bp_valid');
SELECT pg_temp.refused($$UPDATE achievements SET maturity = 10 WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_maturity_valid');
SELECT pg_temp.refused($$UPDATE achievements SET trial_months = 37 WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_trial_months_valid');
SELECT pg_temp.refused($$UPDATE achievements SET keywords = ARRAY['ok', ' '] WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_keywords_valid');

-- Text that shows nothing is blank (0017): zero-width characters, bidi controls, other format
-- characters and any whitespace, inserted or updated straight into the table.
SELECT pg_temp.refused($$INSERT INTO achievements (institution_id, title, abstract, field, kind,
                                                   maturity, trial_months, payment_mode)
                         VALUES (pg_temp.id('inst'), U&'\200B\200C\200D\2060\FEFF', '摘要',
                                 'other', 'other', 5, 6, 'lump_sum')$$,
                       '23514', 'achievements_title_not_blank');
SELECT pg_temp.refused($$UPDATE achievements SET title = U&'\200E\200F\202A\202E\2066\2069\061C'
                          WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_title_not_blank');
SELECT pg_temp.refused($$UPDATE achievements SET title = U&'\3000\00AD\180E' || E'\t\n'
                          WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_title_not_blank');
SELECT pg_temp.refused($$UPDATE achievements SET abstract = U&'\00A0\2028' WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_abstract_not_blank');
SELECT pg_temp.refused($$UPDATE achievements SET keywords = ARRAY['ok', U&'\200B']
                          WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_keywords_valid');
SELECT pg_temp.expect(NOT tp_text_blank(U&'\200B石\200B') AND tp_text_blank('')
                      AND NOT tp_text_blank(U&'\2010'),
                      'text with one visible character is not blank');

-- A royalty mode needs a royalty rate (0017): royalty_bp 0 could never be billed.
SELECT pg_temp.refused($$INSERT INTO achievements (institution_id, title, abstract, field, kind,
                                                   maturity, trial_months, payment_mode, royalty_bp)
                         VALUES (pg_temp.id('inst'), '提成', '摘要', 'other', 'other', 5, 6,
                                 'royalty', 0)$$,
                       '23514', 'achievements_royalty_bp_for_royalty_modes');
SELECT pg_temp.refused($$UPDATE achievements SET payment_mode = 'lump_sum_plus_royalty'
                          WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_royalty_bp_for_royalty_modes');
SELECT pg_temp.refused($$UPDATE achievements SET field = 'alchemy' WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievement_field_valid');
SELECT pg_temp.refused($$INSERT INTO achievements (institution_id, title, abstract, field, kind,
                           maturity, trial_months, payment_mode, status)
                         VALUES (pg_temp.id('inst'), 't', 'a', 'other', 'other', 1, 1,
                                 'lump_sum', 'listed')$$,
                       'TP409', 'achievements_status_transition');
SELECT pg_temp.refused($$UPDATE achievements SET status = 'listed' WHERE id = pg_temp.id('excl')$$,
                       'TP409', 'achievements_status_transition');
SELECT pg_temp.refused($$UPDATE achievements SET institution_id = 999999999 WHERE id = pg_temp.id('excl')$$,
                       '23514', 'achievements_fixed_columns');

-- Version moves with every real change, not with a no-op update.
UPDATE achievements SET status = 'pending' WHERE id IN (pg_temp.id('excl'), pg_temp.id('open'));
UPDATE achievements SET status = 'listed' WHERE id IN (pg_temp.id('excl'), pg_temp.id('open'));
UPDATE achievements SET title = title WHERE id = pg_temp.id('excl');
SELECT pg_temp.expect((SELECT version FROM achievements WHERE id = pg_temp.id('excl')) = 3,
                      'version counts real changes only');
SELECT pg_temp.refused($$UPDATE achievements SET status = 'licensed' WHERE id = pg_temp.id('open')$$,
                       '23514', 'achievements_licensed_exclusive');
SELECT pg_temp.refused($$UPDATE achievements SET status = 'draft' WHERE id = pg_temp.id('open')$$,
                       'TP409', 'achievements_status_transition');

SELECT pg_temp.expect((SELECT achievement_json(a) @> '{"institution_name": "上海交通测试大学",
                                                       "province": "SH", "version": 3,
                                                       "keywords": ["散热", "石墨烯"]}'
                         FROM achievements a WHERE id = pg_temp.id('excl')),
                      'achievement_json carries the institution and the version');
SELECT pg_temp.expect((SELECT NOT user_json(u) ? 'password_hash' AND user_json(u) ->> 'role' = 'institution'
                         FROM users u WHERE id = pg_temp.id('staff')),
                      'user_json never shows the password hash');

-- ---------------------------------------------------------------------------------------------
-- Search

SELECT pg_temp.expect(
    (SELECT array_agg(id ORDER BY id) FROM achievements
      WHERE search_grams @@ search_query('芯片')
        AND search_match('芯片', title, title_en, abstract, keywords))
    = ARRAY[pg_temp.id('excl')], 'two-character query 芯片');
SELECT pg_temp.expect(
    (SELECT array_agg(id ORDER BY id) FROM achievements
      WHERE search_grams @@ search_query('药')
        AND search_match('药', title, title_en, abstract, keywords))
    = ARRAY[pg_temp.id('open')], 'one-character query 药');
SELECT pg_temp.expect(
    (SELECT count(*) FROM achievements
      WHERE search_grams @@ search_query('GRAPHENE heat')
        AND search_match('GRAPHENE heat', title, title_en, abstract, keywords)) = 3,
    'Latin text matches case-insensitively across a space');
SELECT pg_temp.expect(
    (SELECT count(*) FROM achievements WHERE search_grams @@ search_query('量子芯片')) = 0,
    'absent text matches nothing');
SELECT pg_temp.expect(search_query('   ') IS NULL AND search_query('') IS NULL,
                      'blank query has no index condition');
SELECT pg_temp.expect(search_query($$it's \x$$) IS NOT NULL, 'quotes and backslashes are safe');
SELECT pg_temp.expect(
    search_in_titles('散热', '车规级芯片散热结构', NULL)
    AND search_in_titles('graphene', '车规', 'Graphene film')
    AND NOT search_in_titles('制药', '缓释', NULL) AND search_in_keywords('制药', ARRAY['制药'])
    AND NOT search_in_titles('口服', '缓释', NULL) AND NOT search_in_keywords('口服', ARRAY['制药']),
    'the ranks: in a title (2), in the keywords (1), else in the abstract (0)');
UPDATE achievements SET title = '量子芯片测试' WHERE id = pg_temp.id('draft');
SELECT pg_temp.expect(
    (SELECT array_agg(id) FROM achievements WHERE search_grams @@ search_query('量子芯片'))
    = ARRAY[pg_temp.id('draft')], 'grams follow an edited title');

-- The gram counts that choose between walking and collecting follow inserts and edits.
CREATE FUNCTION pg_temp.gram_counts_differ() RETURNS bigint LANGUAGE sql AS $$
    WITH kept AS (
        SELECT rank, gram, achievements FROM search_gram_counts WHERE achievements <> 0
    ), counted AS (
        SELECT g.rank, g.gram, count(*)::integer AS achievements
          FROM achievements a,
               search_grams_by_rank(a.title_grams, a.keyword_grams, a.search_grams) AS g
         GROUP BY g.rank, g.gram
    )
    SELECT count(*) FROM ((TABLE kept EXCEPT TABLE counted)
                          UNION ALL (TABLE counted EXCEPT TABLE kept)) AS d
$$;
SELECT pg_temp.expect(pg_temp.gram_counts_differ() = 0, 'gram counts follow inserts and edits');

-- Sixty listed achievements holding 测温 in titles, keywords and abstracts; every search term
-- pages through the same hits in the same order whether its ranks are walked or collected, and
-- that order is the ranking's own: titles, keywords, abstract, newest first within each.
WITH made AS (
    INSERT INTO achievements (institution_id, title, title_en, abstract, field, kind,
                              keywords, maturity, trial_months, payment_mode,
                              reference_fee_fen, exclusive)
    SELECT pg_temp.id('inst'),
           CASE WHEN i % 7 = 0 THEN '测温探针' ELSE '通用装置' END || i,
           CASE WHEN i % 3 = 0 THEN 'Thermal PROBE' ELSE 'Device' END,
           CASE WHEN i % 2 = 0 THEN '一种用于测温的方法。' ELSE '一种方法。' END,
           'new_materials', 'invention_patent',
           CASE WHEN i % 5 = 0 THEN ARRAY['测温'] ELSE ARRAY['其他'] END,
           6, 6, 'installments', 100000, false
      FROM generate_series(1, 60) AS i
    RETURNING id)
INSERT INTO ids SELECT 'many' || row_number() OVER (ORDER BY id), id FROM made;
UPDATE achievements SET status = 'pending' WHERE id IN (SELECT id FROM ids WHERE name LIKE 'many%');
UPDATE achievements SET status = 'listed' WHERE id IN (SELECT id FROM ids WHERE name LIKE 'many%');
SELECT pg_temp.expect(pg_temp.gram_counts_differ() = 0, 'gram counts follow bulk inserts');

CREATE FUNCTION pg_temp.search_pages(q text, page integer, actor bigint DEFAULT NULL,
                                     status text DEFAULT NULL)
RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    all_ids bigint[] := '{}';
    after_rank integer;
    after_id bigint;
    got record;
BEGIN
    LOOP
        SELECT * INTO got FROM api_achievements_search(actor, q, NULL, NULL, NULL, NULL, NULL,
                                                       status, page, after_rank, after_id);
        all_ids := all_ids || ARRAY(SELECT (x ->> 'id')::bigint
                                      FROM json_array_elements(got.items) AS x);
        EXIT WHEN got.next_position IS NULL;
        PERFORM pg_temp.expect(cardinality(all_ids) <= 1000, 'search pages end');
        after_rank := split_part(got.next_position, '|', 1)::integer;
        after_id := split_part(got.next_position, '|', 2)::bigint;
    END LOOP;
    RETURN all_ids;
END
$$;
-- The ranking worked out row by row over what the actor (anonymous when NULL) may see.
CREATE FUNCTION pg_temp.search_ranked(q text, actor bigint DEFAULT NULL) RETURNS bigint[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(id ORDER BY r DESC, id DESC), '{}')
      FROM (SELECT a.id, CASE WHEN strpos(lower(a.title), lower(q)) > 0
                                OR strpos(lower(coalesce(a.title_en, '')), lower(q)) > 0 THEN 2
                              WHEN strpos(lower(array_to_string(a.keywords, E'\n')), lower(q)) > 0
                              THEN 1
                              WHEN strpos(lower(a.abstract), lower(q)) > 0 THEN 0 END AS r
              FROM achievements a
              LEFT JOIN users u ON u.id = actor
             WHERE achievement_visible(a.status, a.province, a.institution_id, u.role,
                                       u.province, u.institution_id)) AS x
     WHERE r IS NOT NULL
$$;
CREATE TEMP TABLE search_terms (q text) ON COMMIT DROP;
INSERT INTO search_terms VALUES ('测温'), ('测'), ('探针'), ('方法'), ('probe'), ('THERMAL pr'),
                                ('石墨烯'), ('量子芯片'), ('e');
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.search_pages(q, 5) = pg_temp.search_ranked(q)) FROM search_terms),
    'search pages follow the ranking with the counts as kept');
UPDATE search_gram_counts SET achievements = 100;
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.search_pages(q, 5) = pg_temp.search_ranked(q)) FROM search_terms),
    'search pages follow the ranking when every rank is walked');
UPDATE search_gram_counts SET achievements = 0;
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.search_pages(q, 5) = pg_temp.search_ranked(q)
                     AND pg_temp.search_pages(q, 100) = pg_temp.search_ranked(q))
       FROM search_terms),
    'search pages follow the ranking when every rank is collected');
-- Counts between the walk's threshold and the window's (0052): small pages are collected in
-- windows of ids below the position, and below a window that holds too few.
ANALYZE achievements;
UPDATE search_gram_counts
   SET achievements = ceil(1.2 * sqrt((SELECT reltuples FROM pg_class
                                        WHERE oid = 'achievements'::regclass)));
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.search_pages(q, n) = pg_temp.search_ranked(q))
       FROM search_terms, generate_series(1, 5) AS n),
    'search pages follow the ranking when ranks are collected in windows');
SELECT pg_temp.expect(cardinality(pg_temp.search_ranked('测温')) > 30,
                      'the ranking test has enough hits to page');
-- Drafts at the newest end holding the same terms, as an import leaves them (0056): a visitor's
-- walks and windows step over them, staff of their institution and its province's
-- administrator find them, and every page is the ranking's own whichever way ranks are read.
WITH made AS (
    INSERT INTO achievements (institution_id, title, title_en, abstract, field, kind,
                              keywords, maturity, trial_months, payment_mode,
                              reference_fee_fen, exclusive)
    SELECT pg_temp.id('inst'), '测温探针草稿' || i, 'Thermal probe draft',
           '一种用于测温的方法。', 'new_materials', 'invention_patent', ARRAY['测温'],
           6, 6, 'installments', 100000, false
      FROM generate_series(1, 40) AS i
    RETURNING id)
INSERT INTO ids SELECT 'top_draft' || row_number() OVER (ORDER BY id), id FROM made;
ANALYZE achievements;
CREATE TEMP TABLE search_viewers (actor bigint) ON COMMIT DROP;
INSERT INTO search_viewers VALUES (NULL), (pg_temp.id('buyer')), (pg_temp.id('staff')),
                                  (pg_temp.id('sh_admin'));
CREATE FUNCTION pg_temp.search_pages_ranked() RETURNS boolean LANGUAGE sql AS $$
    SELECT bool_and(pg_temp.search_pages(q, n, v.actor) = pg_temp.search_ranked(q, v.actor))
      FROM search_terms, search_viewers AS v, unnest(ARRAY[1, 5, 100]) AS n
$$;
SELECT search_gram_counts_rebuild();
SELECT pg_temp.expect(pg_temp.search_pages_ranked(),
                      'search pages over drafts at the top follow the ranking as counted');
UPDATE search_gram_counts SET achievements = 100;
SELECT pg_temp.expect(pg_temp.search_pages_ranked(),
                      'search pages over drafts at the top follow the ranking when walked');
UPDATE search_gram_counts
   SET achievements = ceil(1.2 * sqrt((SELECT reltuples FROM pg_class
                                        WHERE oid = 'achievements'::regclass)));
SELECT pg_temp.expect(pg_temp.search_pages_ranked(),
                      'search pages over drafts at the top follow the ranking in windows');
UPDATE search_gram_counts SET achievements = 0;
SELECT pg_temp.expect(pg_temp.search_pages_ranked(),
                      'search pages over drafts at the top follow the ranking when collected');
SELECT pg_temp.expect(pg_temp.search_ranked('草稿') = '{}'
                      AND cardinality(pg_temp.search_ranked('草稿', pg_temp.id('staff'))) = 40,
                      'the drafts on top are the institution''s own to find');
UPDATE search_gram_counts SET achievements = 100;
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.search_pages(q, n, v.actor, 'listed') = pg_temp.search_ranked(q))
       FROM search_terms, search_viewers AS v, unnest(ARRAY[1, 5]) AS n),
    'staff asking for listed achievements walk the listed ones and find what visitors find');
SELECT search_gram_counts_rebuild();

-- The list visitors browse (api_achievements_browse) walks the listed achievements only for a
-- viewer who sees no others; every viewer pages through what the general list shows.
CREATE FUNCTION pg_temp.browse_pages(actor bigint, province text, field text, page integer,
                                     general boolean) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    all_ids bigint[] := '{}';
    after_id bigint;
    got record;
BEGIN
    LOOP
        IF general THEN
            SELECT * INTO got FROM api_achievements_list(actor, province, field, NULL, NULL,
                                                         NULL, NULL, page, after_id);
        ELSE
            SELECT * INTO got FROM api_achievements_browse(actor, province, field, page,
                                                           after_id);
        END IF;
        all_ids := all_ids || ARRAY(SELECT (x ->> 'id')::bigint
                                      FROM json_array_elements(got.items) AS x);
        EXIT WHEN got.next_position IS NULL;
        PERFORM pg_temp.expect(cardinality(all_ids) <= 1000, 'browsed pages end');
        after_id := got.next_position::bigint;
    END LOOP;
    RETURN all_ids;
END
$$;
SELECT pg_temp.expect(
    (SELECT bool_and(pg_temp.browse_pages(v.actor, p.province, p.field, n, false)
                     = pg_temp.browse_pages(v.actor, p.province, p.field, n, true))
       FROM search_viewers AS v, unnest(ARRAY[1, 7, 100]) AS n,
            (VALUES (NULL, NULL), ('SH', NULL), ('ZJ', NULL), (NULL, 'new_materials'),
                    ('SH', 'new_materials'), (NULL, 'biomedicine')) AS p(province, field)),
    'the browsed list pages as the general list for every viewer and filter');
SELECT pg_temp.expect(
    cardinality(pg_temp.browse_pages(NULL, 'SH', NULL, 7, false)) > 40
    AND NOT pg_temp.browse_pages(NULL, 'SH', NULL, 7, false) && ARRAY(SELECT id FROM ids WHERE name LIKE 'top_draft%')
    AND pg_temp.browse_pages(pg_temp.id('staff'), 'SH', NULL, 7, false) @> ARRAY(SELECT id FROM ids WHERE name LIKE 'top_draft%'),
    'visitors browse past the drafts on top; their institution sees them');

SELECT search_gram_counts_rebuild();
SELECT pg_temp.expect(pg_temp.gram_counts_differ() = 0, 'the counts rebuild');
SELECT pg_temp.expect(search_term_grams('Ab ab') = ARRAY['ab']
                      AND search_term_grams('芯 片') = ARRAY['片', '芯']
                      AND search_term_grams(' ') IS NULL,
                      'a term''s grams: lower-case pairs, single characters in no pair');
-- An achievement's grams (0059 cuts them as strings) are, position by position: every character
-- but a blank, every two adjacent ones without a blank, every three adjacent Latin letters or
-- digits.
CREATE FUNCTION pg_temp.grams_by_position(t text) RETURNS tsvector LANGUAGE sql AS $$
    WITH l AS (SELECT lower(t) AS t), p AS (SELECT l.t, i FROM l, generate_series(1, length(l.t)) AS i)
    SELECT coalesce(array_to_tsvector(array_agg(DISTINCT g)), '') FROM (
        SELECT substr(p.t, i, 1) AS g FROM p WHERE substr(p.t, i, 1) ~ '^\S$'
        UNION ALL SELECT substr(p.t, i, 2) FROM p WHERE substr(p.t, i, 2) ~ '^\S\S$'
        UNION ALL SELECT substr(p.t, i, 3) FROM p WHERE substr(p.t, i, 3) ~ '^[a-z0-9]{3}$') AS x
$$;
SELECT pg_temp.expect(
    (SELECT bool_and(search_grams_of(t, NULL, NULL, NULL) = pg_temp.grams_by_position(t))
       FROM unnest(ARRAY['', ' ', 'a', 'ab', 'abc', 'abcd', 'ABCDE fgh', E'芯片 Graphene\t5G  ab\nabc',
                         '石墨烯　全角 空格', 'x-y_z 12345 a1b2', 'Ⅻ 🙂😀a 😀', E'a\u00a0b c\u3000dd',
                         '  lead and trail  ', 'one2three4five six']) AS t)
    AND (SELECT bool_and(search_grams_of(a.title, a.title_en, a.abstract, a.keywords)
                         = pg_temp.grams_by_position(concat_ws(E'\n', a.title, a.title_en, a.abstract,
                                                               array_to_string(a.keywords, E'\n'))))
           FROM achievements a)
    AND search_grams_of(NULL, NULL, NULL, NULL) = ''::tsvector,
    'an achievement''s grams: its characters, their pairs, its Latin runs of three');
SELECT pg_temp.expect(search_term_grams('Trend 5G') = ARRAY['5g', 'end', 'ren', 'tre']
                      AND search_grams_of('The trend', NULL, NULL, NULL)
                          @@ search_query('REN')
                      AND NOT search_grams_of('re-nd', NULL, NULL, NULL) @@ search_query('rend'),
                      'Latin runs of three are grams, standing for the pairs inside them');
SELECT pg_temp.expect(search_contains('Ⅻ石墨烯', '石墨') AND search_contains('GRAPHENE', 'phen')
                      AND NOT search_contains('石墨', '石墨烯'),
                      'search_contains ignores case and needs the whole term');
SELECT pg_temp.expect(search_needle('GRAPHENE 石墨') = 'graphene 石墨' AND search_cased('GRAPHENE')
                      AND search_cased('石墨 5G-') AND NOT search_cased('石墨 5-')
                      AND search_has('Graphene', 'graph', true)
                      AND NOT search_has('Graphene', 'graph', false),
                      'a term is lowered once, and rows only when it has a letter with a case');

-- The stored replies (0051) are the replies built afresh: after every change above, after an
-- institution is renamed, and for rows written by a load that skips the trigger guards.
CREATE FUNCTION pg_temp.stale_items() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*)
      FROM achievements a
      JOIN institutions i ON i.id = a.institution_id
      LEFT JOIN achievement_items s ON s.id = a.id
     WHERE s.item IS NULL OR s.item::text <> achievement_item(a, i)::text
$$;
SELECT pg_temp.expect(pg_temp.stale_items() = 0
                      AND (SELECT count(*) FROM achievement_items) = (SELECT count(*) FROM achievements),
                      'every achievement has its reply as it is now');
SAVEPOINT items;
UPDATE institutions SET name = '上海交通测试大学（更名）' WHERE id = pg_temp.id('inst');
SELECT pg_temp.expect(pg_temp.stale_items() = 0
                      AND (SELECT item ->> 'institution_name' FROM achievement_items
                            WHERE id = pg_temp.id('excl')) = '上海交通测试大学（更名）',
                      'a renamed institution renames its achievements'' replies');
UPDATE institutions SET contact_name = '周老师' WHERE id = pg_temp.id('inst');
SELECT pg_temp.expect(pg_temp.stale_items() = 0
                      AND (SELECT item ->> 'institution_contact_name' FROM achievement_items
                            WHERE id = pg_temp.id('excl')) = '周老师',
                      'a new contact of the institution is in its achievements'' replies');
SET LOCAL session_replication_role = replica;
INSERT INTO achievements (institution_id, province, title, abstract, field, kind, maturity,
                          trial_months, payment_mode, status)
VALUES (pg_temp.id('inst'), 'SH', '直接载入的成果', '批量载入。', 'other', 'other', 5, 6,
        'lump_sum', 'listed');
UPDATE achievements SET title = '缓释药物载体（直接改）' WHERE id = pg_temp.id('open');
RESET session_replication_role;
SELECT pg_temp.expect(pg_temp.stale_items() = 0, 'replies follow a load that skips the guards');
DELETE FROM achievements WHERE id = pg_temp.id('top_draft1');
SELECT pg_temp.expect(NOT EXISTS (SELECT 1 FROM achievement_items
                                   WHERE id = pg_temp.id('top_draft1')),
                      'a deleted achievement''s reply goes with it');
ROLLBACK TO SAVEPOINT items;

-- ---------------------------------------------------------------------------------------------
-- Trials

CREATE FUNCTION pg_temp.request(name text, achievement text, enterprise text, months int)
RETURNS void LANGUAGE sql AS $$
    WITH t AS (INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months)
               VALUES (pg_temp.id(achievement), pg_temp.id(enterprise), '产线试用', months)
               RETURNING id)
    INSERT INTO ids SELECT name, id FROM t
$$;
CREATE FUNCTION pg_temp.approve(name text, started date) RETURNS void LANGUAGE sql AS $$
    UPDATE trials SET status = 'active', started_on = started,
           ends_on = (started + make_interval(months => planned_months))::date
     WHERE id = pg_temp.id(name)
$$;

SELECT pg_temp.refused($$SELECT pg_temp.request('x', 'draft', 'ent1', 3)$$,
                       'TP409', 'trials_achievement_listed');
SELECT pg_temp.refused($$SELECT pg_temp.request('x', 'excl', 'ent1', 7)$$,
                       'TP422', 'trials_planned_months_within_trial_months', 'planned_months');
SELECT pg_temp.refused($$INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months,
                                             status, started_on, ends_on)
                         VALUES (pg_temp.id('excl'), pg_temp.id('ent1'), 'p', 3, 'active',
                                 '2026-03-01', '2026-06-01')$$,
                       'TP409', 'trials_status_transition');

SELECT pg_temp.request('t1', 'excl', 'ent1', 6);
SELECT pg_temp.request('t2', 'excl', 'ent2', 3);
SELECT pg_temp.expect((SELECT exclusive AND institution_province = 'SH'
                              AND enterprise_province = 'JS' AND requested_at = tp_now()
                         FROM trials WHERE id = pg_temp.id('t1')),
                      'a trial copies exclusivity and provinces');
SELECT pg_temp.refused($$SELECT pg_temp.request('x', 'excl', 'ent1', 2)$$,
                       '23505', 'trials_one_open_per_enterprise');

SELECT pg_temp.refused($$UPDATE trials SET status = 'active' WHERE id = pg_temp.id('t1')$$,
                       '23514', 'trials_started_dates');
SELECT pg_temp.refused($$UPDATE trials SET status = 'active', started_on = '2026-03-01',
                                ends_on = '2026-08-01' WHERE id = pg_temp.id('t1')$$,
                       '23514', 'trials_ends_on_planned');
SELECT pg_temp.approve('t1', '2026-03-01');
SELECT pg_temp.expect((SELECT ends_on = '2026-09-01' FROM trials WHERE id = pg_temp.id('t1')),
                      'ends_on = started_on + planned_months');
SELECT pg_temp.refused($$SELECT pg_temp.approve('t2', '2026-03-01')$$,
                       '23505', 'trials_one_active_on_exclusive');
SELECT pg_temp.refused($$UPDATE trials SET status = 'declined' WHERE id = pg_temp.id('t2')$$,
                       '23514', 'trials_closed_at_set');
SELECT pg_temp.refused($$UPDATE trials SET status = 'converted', closed_at = tp_now()
                          WHERE id = pg_temp.id('t1')$$,
                       '23514', 'trials_converted_license');
SELECT pg_temp.refused($$UPDATE trials SET status = 'returned', closed_at = tp_now(),
                                started_on = '2026-03-01', ends_on = '2026-06-01'
                          WHERE id = pg_temp.id('t2')$$,
                       'TP409', 'trials_status_transition');
SELECT pg_temp.refused($$UPDATE trials SET status = 'expired', closed_at = tp_now()
                          WHERE id = pg_temp.id('t1')$$,
                       'TP409', 'trials_status_transition');
SELECT pg_temp.refused($$UPDATE trials SET planned_months = 1 WHERE id = pg_temp.id('t1')$$,
                       '23514', 'trials_fixed_columns');
UPDATE trials SET status = 'declined', closed_at = tp_now(), close_reason = '名额已满'
 WHERE id = pg_temp.id('t2');
SELECT pg_temp.refused($$UPDATE trials SET status = 'requested', closed_at = NULL
                          WHERE id = pg_temp.id('t2')$$,
                       'TP409', 'trials_status_transition');

-- Expiry: an active trial past ends_on reads as expired before any sweep, cannot convert or be
-- returned, and blocks a new request until swept.
SELECT pg_temp.request('stale', 'open', 'ent1', 1);
SELECT pg_temp.approve('stale', '2026-01-15');
SELECT pg_temp.expect((SELECT status = 'expired' AND stored_status = 'active'
                              AND closed_at = '2026-02-16 00:00:00+08'
                              AND achievement_title = '缓释药物载体' AND field = 'new_materials'
                              AND institution_name = '上海交通测试大学'
                              AND enterprise_name = '苏州测试科技有限公司'
                              AND enterprise_credit_code = '91320500MA1MXXXX1A'
                         FROM trials_effective WHERE id = pg_temp.id('stale')),
                      'trials_effective shows an unswept stale trial as expired');
SELECT pg_temp.expect((SELECT status = 'active' FROM trials_effective WHERE id = pg_temp.id('t1')),
                      'a running trial reads active');
SELECT pg_temp.expect(trial_effective_status('active', '2026-02-28', '2026-03-01') = 'expired'
                      AND trial_effective_status('active', '2026-03-01', '2026-03-01') = 'active'
                      AND trial_effective_status('declined', '2020-01-01', '2026-03-01') = 'declined'
                      AND trial_effective_status('active', '2026-02-28') = 'expired',
                      'trial_effective_status');
SELECT pg_temp.refused($$UPDATE trials SET status = 'returned', closed_at = tp_now()
                          WHERE id = pg_temp.id('stale')$$,
                       'TP409', 'trials_status_transition');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen)
                         VALUES (pg_temp.id('stale'), 'lump_sum', 100)$$,
                       'TP409', 'licenses_trial_active');
SELECT pg_temp.refused($$SELECT pg_temp.request('x', 'open', 'ent1', 2)$$,
                       '23505', 'trials_one_open_per_enterprise');
SELECT pg_temp.expect((SELECT trial_json(t) @> '{"status": "expired", "closed_at": "2026-02-15T16:00:00Z",
                                                  "started_on": "2026-01-15", "ends_on": "2026-02-15",
                                                  "institution_province": "SH", "enterprise_province": "JS"}'
                         FROM trials_effective t WHERE id = pg_temp.id('stale')),
                      'trial_json writes the effective status and contract formats');
SELECT pg_temp.expect(trials_sweep_expired() = 1, 'the sweep stores one expiry');
SELECT pg_temp.expect((SELECT status = 'expired' AND closed_at = '2026-02-16 00:00:00+08'
                         FROM trials WHERE id = pg_temp.id('stale')),
                      'the stored expiry matches what was shown');
SELECT pg_temp.expect((SELECT count(*) FROM audit_events
                        WHERE action = 'trial.expire' AND entity_id = pg_temp.id('stale')) = 1,
                      'the sweep audits the expiry');
SELECT pg_temp.expect(trials_sweep_expired() = 0, 'a second sweep has nothing to do');
SELECT pg_temp.request('t3', 'open', 'ent1', 6);
SELECT pg_temp.approve('t3', '2026-03-01');
SELECT pg_temp.request('t4', 'open', 'ent2', 6);
SELECT pg_temp.approve('t4', '2026-03-01');

-- Exclusivity and the trial limit hold whatever order things happen in (0014): the achievement's
-- terms stay while trials are open, an approval checks the achievement as it is now, and one
-- license at most is in force on an exclusive achievement.
SELECT pg_temp.refused($$UPDATE achievements SET exclusive = true WHERE id = pg_temp.id('open')$$,
                       'TP410', 'achievements_exclusive_fixed_in_use', 'exclusive');
SELECT pg_temp.refused($$UPDATE achievements SET exclusive = false WHERE id = pg_temp.id('excl')$$,
                       'TP410', 'achievements_exclusive_fixed_in_use', 'exclusive');
SELECT pg_temp.refused($$UPDATE achievements SET trial_months = 5 WHERE id = pg_temp.id('open')$$,
                       'TP410', 'achievements_trial_months_cover_open_trials', 'trial_months');
UPDATE achievements SET trial_months = 6 WHERE id = pg_temp.id('open');
UPDATE achievements SET trial_months = 12 WHERE id = pg_temp.id('open');
SELECT pg_temp.refused(ARRAY[
    $$ALTER TABLE achievements DISABLE TRIGGER achievements_30_terms_in_use$$,
    $$SELECT pg_temp.request('t5', 'excl', 'ent2', 6)$$,
    $$UPDATE achievements SET trial_months = 3 WHERE id = pg_temp.id('excl')$$,
    $$SELECT pg_temp.approve('t5', '2026-03-01')$$],
    'TP410', 'trials_start_within_trial_months');
SELECT pg_temp.refused(ARRAY[
    $$ALTER TABLE achievements DISABLE TRIGGER achievements_30_terms_in_use$$,
    $$SELECT pg_temp.request('t5', 'excl', 'ent2', 6)$$,
    $$UPDATE achievements SET exclusive = false WHERE id = pg_temp.id('excl')$$,
    $$SELECT pg_temp.approve('t5', '2026-03-01')$$],
    'TP410', 'trials_start_as_requested');
SELECT pg_temp.refused(ARRAY[
    $$ALTER TABLE achievements DISABLE TRIGGER achievements_30_terms_in_use$$,
    $$UPDATE achievements SET exclusive = true WHERE id = pg_temp.id('open')$$,
    $$INSERT INTO licenses (trial_id, payment_mode, total_fen)
      VALUES (pg_temp.id('t3'), 'lump_sum', 100)$$,
    $$INSERT INTO licenses (trial_id, payment_mode, total_fen)
      VALUES (pg_temp.id('t4'), 'lump_sum', 100)$$],
    '23505', 'licenses_one_in_force_on_exclusive');

-- Extensions and returns (0019): planned_months grows only while active, within the limit taken
-- at request time; a return's reason code and rating belong to the return.
SELECT pg_temp.expect((SELECT max_trial_months = 12 FROM trials WHERE id = pg_temp.id('t3')),
                      'a trial keeps the achievement''s trial_months as its limit');
SELECT pg_temp.refused($$UPDATE trials SET planned_months = 13,
                                ends_on = (started_on + interval '13 months')::date
                          WHERE id = pg_temp.id('t3')$$,
                       '23514', 'trials_planned_within_max');
SELECT pg_temp.refused($$UPDATE trials SET planned_months = 5,
                                ends_on = (started_on + interval '5 months')::date
                          WHERE id = pg_temp.id('t3')$$,
                       '23514', 'trials_fixed_columns');
SELECT pg_temp.refused($$UPDATE trials SET max_trial_months = 36 WHERE id = pg_temp.id('t3')$$,
                       '23514', 'trials_fixed_columns');
SELECT pg_temp.refused($$UPDATE trials SET reason_code = 'other' WHERE id = pg_temp.id('t3')$$,
                       '23514', 'trials_fixed_columns');
SELECT pg_temp.refused($$UPDATE trials SET status = 'returned', closed_at = tp_now(),
                                reason_code = 'too_cheap' WHERE id = pg_temp.id('t3')$$,
                       '23514', 'return_reason_code_valid');
SELECT pg_temp.refused($$UPDATE trials SET status = 'returned', closed_at = tp_now(),
                                rating = 6 WHERE id = pg_temp.id('t3')$$,
                       '23514', 'trials_rating_valid');
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO trial_extensions (trial_id, months, reason, requested_by)
      VALUES (pg_temp.id('t3'), 2, '中试延长', pg_temp.id('buyer'))$$,
    $$INSERT INTO trial_extensions (trial_id, months, reason, requested_by)
      VALUES (pg_temp.id('t3'), 1, '再延长', pg_temp.id('buyer'))$$],
    '23505', 'trial_extensions_one_pending');
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO trial_extensions (trial_id, months, reason, requested_by, status, decided_by,
                                    decided_at)
      VALUES (pg_temp.id('t3'), 2, '中试延长', pg_temp.id('buyer'), 'declined',
              pg_temp.id('staff'), tp_now())$$,
    $$UPDATE trial_extensions SET status = 'approved' WHERE trial_id = pg_temp.id('t3')$$],
    'TP409', 'trial_extensions_decided_once');

-- ---------------------------------------------------------------------------------------------
-- Licenses, installments, payments

SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen)
                         VALUES (pg_temp.id('t2'), 'lump_sum', 100)$$,
                       'TP409', 'licenses_trial_active');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen, royalty_bp)
                         VALUES (pg_temp.id('t1'), 'royalty', -1, 300)$$,
                       '23514', 'licenses_fen_nonnegative');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen)
                         VALUES (pg_temp.id('t1'), 'royalty', 0)$$,
                       '23514', 'licenses_royalty_bp_for_royalty_modes');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen)
                         VALUES (pg_temp.id('t1'), 'lump_sum', 0)$$,
                       '23514', 'licenses_total_positive');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen, paid_fen)
                         VALUES (pg_temp.id('t1'), 'lump_sum', 100, 100)$$,
                       'TP409', 'licenses_status_transition');

-- Installments that do not add up to total_fen are refused at commit (here: forced earlier).
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO licenses (trial_id, payment_mode, total_fen)
      VALUES (pg_temp.id('t3'), 'installments', 100000)$$,
    $$INSERT INTO installments (license_id, seq, due_on, amount_fen)
      SELECT id, 1, '2026-06-01', 60000 FROM licenses WHERE trial_id = pg_temp.id('t3')$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    'TP422', 'installments_sum_equals_total', 'installments');
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO licenses (trial_id, payment_mode, total_fen)
      VALUES (pg_temp.id('t3'), 'lump_sum', 100000)$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    'TP422', 'installments_sum_equals_total', 'installments');

-- The license of t1: 100,000 fen in two installments; t1 converts on it.
WITH l AS (INSERT INTO licenses (trial_id, payment_mode, total_fen)
           VALUES (pg_temp.id('t1'), 'installments', 100000) RETURNING id)
INSERT INTO ids SELECT 'lic1', id FROM l;
INSERT INTO installments (license_id, seq, due_on, amount_fen)
VALUES (pg_temp.id('lic1'), 1, '2026-04-01', 60000), (pg_temp.id('lic1'), 2, '2026-07-01', 40000);
SET CONSTRAINTS license_books_balance IMMEDIATE;
SET CONSTRAINTS license_books_balance DEFERRED;
SELECT pg_temp.refused($$INSERT INTO installments (license_id, seq, due_on, amount_fen)
                         VALUES (pg_temp.id('lic1'), 3, '2026-02-28', 1)$$,
                       'TP422', 'installments_due_within_term', 'installments');
SELECT pg_temp.refused($$INSERT INTO installments (license_id, seq, due_on, amount_fen)
                         VALUES (pg_temp.id('lic1'), 3, '2036-03-02', 1)$$,
                       'TP422', 'installments_due_within_term', 'installments');
SELECT pg_temp.refused($$UPDATE installments SET due_on = '1900-01-01'
                          WHERE license_id = pg_temp.id('lic1') AND seq = 1$$,
                       'TP422', 'installments_due_within_term', 'installments');
SELECT pg_temp.refused($$INSERT INTO payments (license_id, amount_fen, paid_on)
                         VALUES (pg_temp.id('lic1'), 1, '2026-02-28')$$,
                       'TP422', 'payments_paid_on_after_signing', 'paid_on');
UPDATE trials SET status = 'converted', closed_at = tp_now(), license_id = pg_temp.id('lic1')
 WHERE id = pg_temp.id('t1');
UPDATE achievements SET status = 'licensed' WHERE id = pg_temp.id('excl');
SELECT pg_temp.expect((SELECT achievement_id = pg_temp.id('excl') AND enterprise_id = pg_temp.id('ent1')
                              AND institution_province = 'SH' AND enterprise_province = 'JS'
                         FROM licenses WHERE id = pg_temp.id('lic1')),
                      'a license takes its parties from the trial');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen)
                         VALUES (pg_temp.id('t1'), 'lump_sum', 100)$$,
                       'TP409', 'licenses_trial_active');

-- The license of t4, to be pointed at wrongly.
WITH l AS (INSERT INTO licenses (trial_id, payment_mode, total_fen, royalty_bp)
           VALUES (pg_temp.id('t4'), 'royalty', 0, 300) RETURNING id)
INSERT INTO ids SELECT 'lic4', id FROM l;
SELECT pg_temp.refused($$UPDATE trials SET status = 'converted', closed_at = tp_now(),
                                license_id = pg_temp.id('lic1') WHERE id = pg_temp.id('t3')$$,
                       '23503', 'trials_license_fk');
SELECT pg_temp.refused($$INSERT INTO licenses (trial_id, payment_mode, total_fen, royalty_bp)
                         VALUES (pg_temp.id('t4'), 'royalty', 0, 300)$$,
                       '23505', 'licenses_one_signed_per_trial');

SELECT pg_temp.refused(ARRAY[
    $$DELETE FROM installments WHERE license_id = pg_temp.id('lic1') AND seq = 2$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    'TP422', 'installments_sum_equals_total', 'installments');
SELECT pg_temp.refused($$INSERT INTO installments (license_id, seq, due_on, amount_fen)
                         VALUES (pg_temp.id('lic1'), 3, '2026-09-01', 0)$$,
                       '23514', 'installments_amount_positive');
SELECT pg_temp.refused($$INSERT INTO installments (license_id, seq, due_on, amount_fen)
                         VALUES (pg_temp.id('lic1'), 2, '2026-09-01', 10)$$,
                       '23505', 'installments_seq_unique');
SELECT pg_temp.refused($$UPDATE installments SET paid_fen = 60001
                          WHERE license_id = pg_temp.id('lic1') AND seq = 1$$,
                       '23514', 'installments_paid_within_amount');
SELECT pg_temp.refused($$UPDATE installments SET amount_fen = 50000
                          WHERE license_id = pg_temp.id('lic1') AND seq = 1$$,
                       '23514', 'installments_fixed_columns');
SELECT pg_temp.refused($$INSERT INTO payments (license_id, amount_fen, paid_on)
                         VALUES (pg_temp.id('lic1'), 0, '2026-03-01')$$,
                       '23514', 'payments_amount_positive');
SELECT pg_temp.refused($$INSERT INTO payments (license_id, amount_fen, paid_on)
                         VALUES (pg_temp.id('lic1'), -500, '2026-03-01')$$,
                       '23514', 'payments_amount_positive');
SELECT pg_temp.refused($$UPDATE licenses SET paid_fen = 100001 WHERE id = pg_temp.id('lic1')$$,
                       '23514', 'licenses_paid_within_issued');
-- A bulk loader that skips the trigger guards still meets the CHECKs.
SELECT pg_temp.refused(ARRAY[$$SET LOCAL session_replication_role = replica$$,
                             $$UPDATE licenses SET paid_fen = -1 WHERE id = pg_temp.id('lic1')$$],
                       '23514', 'licenses_fen_nonnegative');
SELECT pg_temp.refused($$UPDATE licenses SET status = 'settled' WHERE id = pg_temp.id('lic1')$$,
                       '23514', 'licenses_settled_paid');
SELECT pg_temp.refused($$UPDATE licenses SET status = 'defaulted' WHERE id = pg_temp.id('lic1')$$,
                       '23514', 'licenses_defaulted_at_set');
SELECT pg_temp.refused($$UPDATE licenses SET total_fen = 90000 WHERE id = pg_temp.id('lic1')$$,
                       '23514', 'licenses_fixed_columns');
-- Books out of balance: a payment not spread over the installments, money on installments with
-- no payment behind it, and a payment applied to the newer installment first.
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO payments (license_id, amount_fen, paid_on) VALUES (pg_temp.id('lic1'), 100, '2026-03-01')$$,
    $$UPDATE licenses SET paid_fen = 100 WHERE id = pg_temp.id('lic1')$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    '23514', 'installments_paid_match_license');
SELECT pg_temp.refused(ARRAY[
    $$INSERT INTO payments (license_id, amount_fen, paid_on) VALUES (pg_temp.id('lic1'), 100, '2026-03-01')$$,
    $$UPDATE installments SET paid_fen = 100 WHERE license_id = pg_temp.id('lic1') AND seq = 2$$,
    $$UPDATE licenses SET paid_fen = 100 WHERE id = pg_temp.id('lic1')$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    '23514', 'installments_paid_oldest_first');
SELECT pg_temp.refused(ARRAY[
    $$UPDATE installments SET paid_fen = 100 WHERE license_id = pg_temp.id('lic1') AND seq = 1$$,
    $$UPDATE licenses SET paid_fen = 100 WHERE id = pg_temp.id('lic1')$$,
    $$SET CONSTRAINTS license_books_balance IMMEDIATE$$],
    '23514', 'payments_sum_match_license');

-- A correct payment of 70,000 fen: oldest installment first, books balance.
INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_by)
VALUES (pg_temp.id('lic1'), 70000, '2026-03-01', '银行回单 0001', pg_temp.id('staff'));
UPDATE installments SET paid_fen = 60000 WHERE license_id = pg_temp.id('lic1') AND seq = 1;
UPDATE installments SET paid_fen = 10000 WHERE license_id = pg_temp.id('lic1') AND seq = 2;
UPDATE licenses SET paid_fen = 70000 WHERE id = pg_temp.id('lic1');
SET CONSTRAINTS license_books_balance IMMEDIATE;
SET CONSTRAINTS license_books_balance DEFERRED;
SELECT pg_temp.refused($$UPDATE payments SET amount_fen = 1 WHERE license_id = pg_temp.id('lic1')$$,
                       '23514', 'payments_append_only');
SELECT pg_temp.refused($$DELETE FROM payments WHERE license_id = pg_temp.id('lic1')$$,
                       '23514', 'payments_append_only');
SELECT pg_temp.refused($$UPDATE licenses SET paid_fen = 60000 WHERE id = pg_temp.id('lic1')$$,
                       '23514', 'licenses_paid_never_decreases');
SELECT pg_temp.expect((SELECT license_json(l) -> 'outstanding_fen' = '30000'
                              AND jsonb_array_length(license_json(l) -> 'installments') = 2
                              AND (license_json(l) -> 'installments' -> 1 ->> 'overdue') = 'false'
                         FROM licenses l WHERE id = pg_temp.id('lic1')),
                      'license_json: outstanding and installments');

-- ---------------------------------------------------------------------------------------------
-- Risk compensation

UPDATE licenses SET status = 'defaulted', defaulted_at = tp_now() WHERE id = pg_temp.id('lic1');
SELECT pg_temp.refused($$INSERT INTO compensations (license_id, outstanding_fen, ratio_bp,
                                                    amount_fen, reason)
                         VALUES (pg_temp.id('lic1'), 30000, 5000, 15000, '签约当天')$$,
                       'TP409', 'compensations_license_active_90_days');
-- 90 days after signing (2026-03-01) a claim may open; the clock moves on to 2026-05-30.
SET LOCAL techpool.today = '2026-05-30';
-- Shanghai's cap for one claim, lowered below this claim: only a delta administrator approves.
UPDATE province_compensation_ratios SET claim_cap_fen = 14999 WHERE province = 'SH';
WITH u AS (INSERT INTO users (email, password_hash, role, contact_name)
           VALUES ('delta@admin.test', pg_temp.pw(), 'admin', '长三角') RETURNING id)
INSERT INTO ids SELECT 'delta_admin', id FROM u;
SELECT pg_temp.refused($$UPDATE licenses SET status = 'active', defaulted_at = NULL
                          WHERE id = pg_temp.id('lic1')$$,
                       'TP409', 'licenses_status_transition');
SELECT pg_temp.refused($$INSERT INTO compensations (license_id, outstanding_fen, ratio_bp,
                                                    amount_fen, reason)
                         VALUES (pg_temp.id('lic1'), 30000, 5000, 20000, '逾期')$$,
                       '23514', 'compensations_amount_by_ratio');
SELECT pg_temp.refused($$INSERT INTO compensations (license_id, outstanding_fen, ratio_bp,
                                                    amount_fen, reason)
                         VALUES (pg_temp.id('lic1'), -30000, 5000, -15000, '逾期')$$,
                       '23514', 'compensations_outstanding_nonnegative');
WITH c AS (INSERT INTO compensations (license_id, outstanding_fen, ratio_bp, amount_fen, reason)
           VALUES (pg_temp.id('lic1'), 30000, 5000, compensation_amount_fen(30000, 5000),
                   '第二期逾期超过90天') RETURNING id)
INSERT INTO ids SELECT 'comp', id FROM c;
SELECT pg_temp.expect((SELECT province = 'SH' AND amount_fen = 15000 AND status = 'pending'
                              AND above_province_cap
                         FROM compensations WHERE id = pg_temp.id('comp')),
                      'a claim is pending, in the institution''s province, at the ratio, '
                      'flagged above the province''s cap');
SELECT pg_temp.refused($$INSERT INTO compensations (license_id, outstanding_fen, ratio_bp,
                                                    amount_fen, reason)
                         VALUES (pg_temp.id('lic1'), 30000, 5000, 15000, '再次')$$,
                       '23505', 'compensations_one_per_license');
SELECT pg_temp.refused($$UPDATE compensations SET status = 'approved' WHERE id = pg_temp.id('comp')$$,
                       '23514', 'compensations_decision_set');
SELECT pg_temp.refused($$UPDATE compensations SET status = 'approved',
                                decided_by = pg_temp.id('sh_admin'), decided_at = tp_now()
                          WHERE id = pg_temp.id('comp')$$,
                       'TP403', 'compensations_above_cap_delta_approval');
SELECT pg_temp.refused($$UPDATE compensations SET above_province_cap = false
                          WHERE id = pg_temp.id('comp')$$,
                       '23514', 'compensations_fixed_columns');
UPDATE compensations SET status = 'approved', decided_by = pg_temp.id('delta_admin'),
       decided_at = tp_now() WHERE id = pg_temp.id('comp');
SELECT pg_temp.refused($$UPDATE compensations SET status = 'rejected' WHERE id = pg_temp.id('comp')$$,
                       'TP409', 'compensations_status_transition');

-- ---------------------------------------------------------------------------------------------
-- Audit: a hash chain that refuses edits and reveals tampering

SELECT audit_write(pg_temp.id('staff'), 'achievement.submit', 'achievement', pg_temp.id('excl'),
                   '{"status": "draft"}', '{"status": "pending"}');
SELECT audit_write(pg_temp.id('sh_admin'), 'achievement.approve', 'achievement', pg_temp.id('excl'),
                   '{"status": "pending"}', '{"status": "listed"}');
SELECT audit_write(NULL, 'session.create', 'session', NULL, NULL, '{"email": "boss@ent1.test"}');
CREATE TEMP TABLE chain ON COMMIT DROP AS
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_events;
SELECT pg_temp.expect((SELECT bool_and(e.prev_hash = p.hash) FROM audit_events e
                         JOIN chain c ON c.id = e.id JOIN chain pc ON pc.n = c.n - 1
                         JOIN audit_events p ON p.id = pc.id),
                      'each event links to the one before');
SELECT pg_temp.expect((SELECT ok AND first_bad_id IS NULL AND checked = (SELECT count(*) FROM chain)
                         FROM audit_verify()), 'audit_verify accepts the intact chain');
SELECT pg_temp.expect((SELECT at = tp_now() FROM audit_events ORDER BY id DESC LIMIT 1),
                      'audit times come from the service clock');

SELECT pg_temp.refused($$UPDATE audit_events SET action = 'achievement.reject'
                          WHERE id = (SELECT max(id) FROM audit_events)$$,
                       '23514', 'audit_events_append_only');
SELECT pg_temp.refused($$DELETE FROM audit_events WHERE id = (SELECT min(id) FROM audit_events)$$,
                       '23514', 'audit_events_append_only');
SELECT pg_temp.refused($$TRUNCATE audit_events$$, '23514', 'audit_events_append_only');
SELECT pg_temp.expect(NOT has_table_privilege('public', 'audit_events', 'UPDATE')
                      AND NOT has_table_privilege('public', 'audit_events', 'DELETE')
                      AND NOT has_table_privilege('public', 'audit_events', 'TRUNCATE'),
                      'PUBLIC may not change audit events');

-- With the guards switched off (as an intruder with the owner's rights could), an edited event,
-- a deleted one and a deleted newest one are each reported. Each case is undone afterwards.
CREATE FUNCTION pg_temp.tampered(stmt text, expected_bad text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v record;
    bad bigint;
BEGIN
    EXECUTE 'SELECT ' || expected_bad INTO bad;
    BEGIN
        ALTER TABLE audit_events DISABLE TRIGGER ALL;
        EXECUTE stmt;
        SELECT * INTO v FROM audit_verify();
        IF v.ok OR v.first_bad_id IS DISTINCT FROM bad THEN
            RAISE EXCEPTION 'schema_test failed: tampering not reported (%): ok=% first_bad_id=%, expected %',
                stmt, v.ok, v.first_bad_id, bad;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'TPT00', MESSAGE = 'undo';
    EXCEPTION WHEN SQLSTATE 'TPT00' THEN
        NULL;
    END;
END
$$;
SELECT pg_temp.tampered(
    $$UPDATE audit_events SET after = '{"status": "rejected"}'
       WHERE id = (SELECT id FROM chain WHERE n = 2)$$,
    $$(SELECT id FROM chain WHERE n = 2)$$);
SELECT pg_temp.tampered(
    $$DELETE FROM audit_events WHERE id = (SELECT id FROM chain WHERE n = 2)$$,
    $$(SELECT id FROM chain WHERE n = 3)$$);
SELECT pg_temp.tampered(
    $$DELETE FROM audit_events WHERE id = (SELECT max(id) FROM chain)$$,
    $$(SELECT max(id) FROM chain)$$);
SELECT pg_temp.expect((SELECT ok FROM audit_verify()), 'the chain is intact again after the undo');

-- ---------------------------------------------------------------------------------------------
-- Notices: a deadline scan passes over a notice only when every recipient already has it (0055)

SAVEPOINT notices;
SELECT notify_organisation('trial.ends_soon', 'trial', 1, pg_temp.id('inst'), pg_temp.id('ent1'),
                           '{"achievement": "测温探针", "date": "2026-03-09", "days": 8}',
                           'trial.ends_soon:1:30');
SELECT pg_temp.expect(notice_sent(pg_temp.id('inst'), pg_temp.id('ent1'), 'trial.ends_soon:1:30')
                      AND NOT notice_sent(pg_temp.id('inst'), pg_temp.id('ent1'),
                                          'trial.ends_soon:1:7'),
                      'a notice is sent when each of its recipients has it');
INSERT INTO users (email, password_hash, role, enterprise_id, contact_name)
VALUES ('late@ent1.test', pg_temp.pw(), 'enterprise', pg_temp.id('ent1'), '赵工');
SELECT pg_temp.expect(NOT notice_sent(pg_temp.id('inst'), pg_temp.id('ent1'),
                                      'trial.ends_soon:1:30'),
                      'a user who joined since has not had the notice');
UPDATE users SET disabled = true WHERE email = 'late@ent1.test';
SELECT pg_temp.expect(notice_sent(pg_temp.id('inst'), pg_temp.id('ent1'), 'trial.ends_soon:1:30'),
                      'a disabled user is no recipient');
ROLLBACK TO SAVEPOINT notices;

-- ---------------------------------------------------------------------------------------------
-- Sessions

SELECT session_start(pg_temp.id('buyer'), sha256('token-1'));
SELECT pg_temp.expect((SELECT user_id = pg_temp.id('buyer') AND role = 'enterprise'
                              AND enterprise_id = pg_temp.id('ent1')
                         FROM session_resolve(sha256('token-1'), 480)),
                      'a fresh session resolves to its user');
SELECT pg_temp.refused($$SELECT session_start(pg_temp.id('buyer'), '\x01')$$,
                       '23514', 'sessions_token_hash_valid');
UPDATE sessions SET last_seen_at = tp_now() - interval '9 hours' WHERE token_hash = sha256('token-1');
SELECT pg_temp.expect(NOT EXISTS (SELECT 1 FROM session_resolve(sha256('token-1'), 480)),
                      'an idle session no longer resolves');
SELECT pg_temp.expect(NOT EXISTS (SELECT 1 FROM sessions WHERE token_hash = sha256('token-1')),
                      'an idle session is removed');
SELECT session_start(pg_temp.id('buyer'), sha256('token-2'));
UPDATE users SET disabled = true WHERE id = pg_temp.id('buyer');
SELECT pg_temp.expect(NOT EXISTS (SELECT 1 FROM session_resolve(sha256('token-2'), 480)),
                      'a disabled user''s session does not resolve');
UPDATE users SET disabled = false WHERE id = pg_temp.id('buyer');
SELECT pg_temp.expect(session_end(sha256('token-2')) AND NOT session_end(sha256('token-2')),
                      'session_end ends it once');

-- ---------------------------------------------------------------------------------------------
-- Login throttling

SELECT login_failure_record(ARRAY['email:boss@ent1.test', 'addr:203.0.113.9'], 900)
  FROM generate_series(1, 3);
SELECT login_throttle(ARRAY['email:boss@ent1.test'], 5, 900);
SELECT pg_temp.refused($$SELECT login_throttle(ARRAY['email:nobody@x.test', 'addr:203.0.113.9'], 3, 900)$$,
                       'TP429', NULL);
SELECT login_failures_clear(ARRAY['email:boss@ent1.test', 'addr:203.0.113.9']);
SELECT login_throttle(ARRAY['email:boss@ent1.test', 'addr:203.0.113.9'], 3, 900);

-- ---------------------------------------------------------------------------------------------
-- Idempotency keys

SELECT pg_temp.expect((SELECT outcome = 'new' FROM idempotency_begin(pg_temp.id('buyer'), 'req-1', sha256('body-a'))),
                      'a first key is new');
SELECT pg_temp.expect((SELECT outcome = 'in_flight' FROM idempotency_begin(pg_temp.id('buyer'), 'req-1', sha256('body-a'))),
                      'an unfinished claim is in flight');
SELECT pg_temp.expect(idempotency_finish(pg_temp.id('buyer'), 'req-1', 201, '{"id": 1}'), 'finish');
SELECT pg_temp.expect((SELECT outcome = 'replay' AND status = 201 AND body = '{"id": 1}'
                         FROM idempotency_begin(pg_temp.id('buyer'), 'req-1', sha256('body-a'))),
                      'the same request replays');
SELECT pg_temp.expect((SELECT outcome = 'mismatch'
                         FROM idempotency_begin(pg_temp.id('buyer'), 'req-1', sha256('body-b'))),
                      'another body with the same key is a mismatch');
UPDATE idempotency_keys SET created_at = tp_now() - interval '25 hours' WHERE key = 'req-1';
SELECT pg_temp.expect((SELECT outcome = 'new' FROM idempotency_begin(pg_temp.id('buyer'), 'req-1', sha256('body-b'))),
                      'a key older than 24 hours is forgotten');
SELECT idempotency_release(pg_temp.id('buyer'), 'req-1');
SELECT pg_temp.expect(NOT EXISTS (SELECT 1 FROM idempotency_keys WHERE key = 'req-1'),
                      'a released claim is gone');
SELECT pg_temp.refused($$SELECT idempotency_begin(pg_temp.id('buyer'), 'bad key', sha256('x'))$$,
                       '23514', 'idempotency_keys_key_valid');

-- ---------------------------------------------------------------------------------------------
-- Statistics helpers

SELECT pg_temp.expect(median_of_counts(ARRAY[]::integer[], ARRAY[]::bigint[]) IS NULL,
                      'no values, no median');
SELECT pg_temp.expect(median_of_counts(ARRAY[7, NULL], ARRAY[1, 5]::bigint[]) = 7,
                      'one value is its own median; null values do not count');
SELECT pg_temp.expect(median_of_counts(ARRAY[1, 4], ARRAY[1, 1]::bigint[]) = 2.5,
                      'an even count takes the mean of the two middle values');
SELECT pg_temp.expect((SELECT bool_and(median_of_counts(v, n) = (
                                 SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
                                   FROM unnest(v, n) AS u (x, k), generate_series(1, k)))
                         FROM (SELECT array_agg(x) AS v, array_agg(k) AS n
                                 FROM (SELECT s, x, 1 + (random() * 4)::bigint AS k
                                         FROM generate_series(1, 40) AS s,
                                              generate_series(0, (random() * 12)::int) AS x
                                        WHERE random() < 0.6) AS r
                                GROUP BY s) AS samples),
                      'median_of_counts agrees with percentile_cont over the values repeated');

-- ---------------------------------------------------------------------------------------------
-- Replies built per row: the statement that builds a page inlines the reply's function, so that
-- the functions it calls are planned once per page, not once per row (0061-0063); the reads of
-- one object are inlined into the daemon's prepared statements (0064)

CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan text := '';
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END
$$;

SELECT pg_temp.expect(pg_temp.plan_of('SELECT license_json(l) FROM licenses l')
                          NOT LIKE '%license_json(%',
                      'license_json is inlined into a page of licenses');
SELECT pg_temp.expect(pg_temp.plan_of('SELECT compensation_json(c, l) FROM compensations c'
                                      ' JOIN licenses l ON l.id = c.license_id')
                          NOT LIKE '%compensation_json(%',
                      'compensation_json is inlined into a page of compensations');
SELECT pg_temp.expect(pg_temp.plan_of('SELECT payment_json(p, l) FROM payments p'
                                      ' JOIN licenses l ON l.id = p.license_id')
                          NOT LIKE '%payment_json(%',
                      'payment_json is inlined into a page of payments');
SELECT pg_temp.expect(pg_temp.plan_of('SELECT trial_json(s.e) FROM (SELECT e FROM trials_effective e'
                                      ' OFFSET 0) s')
                          NOT LIKE '%trial_json(%',
                      'trial_json is inlined into a page of trials');
SELECT pg_temp.expect(pg_temp.plan_of(format('SELECT * FROM %s(1, 1)', f))
                          NOT LIKE format('%%Function Scan on %s%%', f),
                      f || ' is inlined into the statement that reads one object')
  FROM unnest(ARRAY['api_trial_get', 'api_license_get', 'api_compensation_get',
                    'api_enterprise_get']) AS f;
SELECT pg_temp.expect(pg_temp.plan_of('SELECT * FROM api_me(1)') NOT LIKE '%Function Scan on api_me%',
                      'api_me is inlined into the statement that reads it');

-- A write by a role that may write achievements but owns no index still merges the gram lists
-- (0066: gin_clean_pending_list asks for the index's owner; the trigger runs as its owner).
CREATE ROLE techpool_schema_test_writer NOLOGIN;
GRANT USAGE ON SCHEMA public TO techpool_schema_test_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO techpool_schema_test_writer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO techpool_schema_test_writer;
SET LOCAL ROLE techpool_schema_test_writer;
UPDATE achievements SET title = title || '（修订）'
 WHERE id = (SELECT min(id) FROM achievements);
RESET ROLE;
SELECT pg_temp.expect(EXISTS (SELECT 1 FROM achievements WHERE title LIKE '%（修订）'),
                      'a role that owns no gram index writes an achievement');

ROLLBACK;
\echo schema_test: ok
