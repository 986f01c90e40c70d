-- 0039_search_tiers: a search whose first page does not cost more as a term matches more.
--
-- The ranking is unchanged (0005): an achievement whose title or English title holds the term
-- ranks 2, one whose keywords do (and not its titles) 1, one whose abstract alone does 0; newest
-- first within a rank. Before, every achievement holding the term's grams was re-checked and
-- ranked before the page was cut: about 430 ms for a common character at 100,000 achievements.
-- Now each rank has its own grams — title_grams (title and English title), keyword_grams, and
-- search_grams (everything, as before) — in a RUM index that carries the id beside each gram
-- (extension rum, Debian postgresql-15-rum), so that the index itself returns the matches of a
-- rank newest first (ORDER BY id <=| position) and the page stops after limit + 1 of them: the
-- ranks are read in turn, the next one only while the page is not full. RUM measures the
-- distance to the position in float8: the first page starts from 2^52, beyond any id, where
-- every distance is still exact (from the largest bigint, ids a few apart tie).
--
-- The extension is created here; where the database role may not create extensions, a
-- superuser runs CREATE EXTENSION rum first (deploy/README.md).

CREATE EXTENSION IF NOT EXISTS rum;

ALTER TABLE achievements
    ADD COLUMN title_grams tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN keyword_grams tsvector NOT NULL DEFAULT ''::tsvector;

CREATE OR REPLACE FUNCTION achievements_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_grams := search_grams_of(NEW.title, NEW.title_en, NEW.abstract, NEW.keywords);
    NEW.title_grams := search_grams_of(NEW.title, NEW.title_en, NULL, NULL);
    NEW.keyword_grams := search_grams_of(NULL, NULL, NULL, NEW.keywords);
    RETURN NEW;
END
$$;

-- The grams of the achievements there are; their versions and times stay as they are.
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements
   SET title_grams = search_grams_of(title, title_en, NULL, NULL),
       keyword_grams = search_grams_of(NULL, NULL, NULL, keywords);
ALTER TABLE achievements ENABLE TRIGGER USER;

DROP INDEX achievements_search_grams;
CREATE INDEX achievements_search_rum ON achievements
    USING rum (search_grams rum_tsvector_addon_ops, id) WITH (attach = 'id', to = 'search_grams');
CREATE INDEX achievements_title_rum ON achievements
    USING rum (title_grams rum_tsvector_addon_ops, id) WITH (attach = 'id', to = 'title_grams');
CREATE INDEX achievements_keyword_rum ON achievements
    USING rum (keyword_grams rum_tsvector_addon_ops, id) WITH (attach = 'id', to = 'keyword_grams');

-- Whether the term is in the title or the English title, in the keywords (rank 2, rank 1).
CREATE FUNCTION search_in_titles(q text, title text, title_en text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT strpos(lower(title), lower(q)) > 0 OR strpos(lower(coalesce(title_en, '')), lower(q)) > 0
$$;

CREATE FUNCTION search_in_keywords(q text, keywords text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT strpos(lower(array_to_string(keywords, E'\n')), lower(q)) > 0
$$;

CREATE OR REPLACE FUNCTION api_achievements_search(p_actor bigint, p_q text, p_province text,
                                                   p_field text, p_kind text,
                                                   p_institution_id bigint,
                                                   p_open_license boolean, p_status text,
                                                   p_limit integer, p_after_rank integer,
                                                   p_after_id bigint)
RETURNS TABLE(items json, next_position text)
LANGUAGE sql STABLE AS $$
    WITH viewer AS (
        SELECT * FROM achievement_viewer(p_actor)
    ), hits AS (
        (SELECT a.id, 2 AS rank
           FROM achievements a
          WHERE (p_after_rank IS NULL OR p_after_rank >= 2)
            AND a.title_grams @@ search_query(p_q)
            AND a.id < CASE WHEN p_after_rank = 2 THEN p_after_id ELSE 4503599627370496 END
            AND search_in_titles(p_q, a.title, a.title_en)
            AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                                    (SELECT v.province FROM viewer v),
                                    (SELECT v.institution_id FROM viewer v), p_province,
                                    p_field, p_kind, p_institution_id, p_open_license, p_status)
          ORDER BY a.id <=| CASE WHEN p_after_rank = 2 THEN p_after_id
                                 ELSE 4503599627370496 END
          LIMIT p_limit + 1)
        UNION ALL
        (SELECT a.id, 1 AS rank
           FROM achievements a
          WHERE (p_after_rank IS NULL OR p_after_rank >= 1)
            AND a.keyword_grams @@ search_query(p_q)
            AND a.id < CASE WHEN p_after_rank = 1 THEN p_after_id ELSE 4503599627370496 END
            AND search_in_keywords(p_q, a.keywords)
            AND NOT search_in_titles(p_q, a.title, a.title_en)
            AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                                    (SELECT v.province FROM viewer v),
                                    (SELECT v.institution_id FROM viewer v), p_province,
                                    p_field, p_kind, p_institution_id, p_open_license, p_status)
          ORDER BY a.id <=| CASE WHEN p_after_rank = 1 THEN p_after_id
                                 ELSE 4503599627370496 END
          LIMIT p_limit + 1)
        UNION ALL
        (SELECT a.id, 0 AS rank
           FROM achievements a
          WHERE a.search_grams @@ search_query(p_q)
            AND a.id < CASE WHEN p_after_rank = 0 THEN p_after_id ELSE 4503599627370496 END
            AND strpos(lower(a.abstract), lower(p_q)) > 0
            AND NOT search_in_titles(p_q, a.title, a.title_en)
            AND NOT search_in_keywords(p_q, a.keywords)
            AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                                    (SELECT v.province FROM viewer v),
                                    (SELECT v.institution_id FROM viewer v), p_province,
                                    p_field, p_kind, p_institution_id, p_open_license, p_status)
          ORDER BY a.id <=| CASE WHEN p_after_rank = 0 THEN p_after_id
                                 ELSE 4503599627370496 END
          LIMIT p_limit + 1)
        LIMIT p_limit + 1
    ), page AS (
        SELECT h.id, h.rank, row_number() OVER (ORDER BY h.rank DESC, h.id DESC) AS n
          FROM hits h
    )
    SELECT coalesce(json_agg(r.item ORDER BY p.n) FILTER (WHERE p.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit
                THEN (SELECT l.rank || '|' || l.id FROM page l WHERE l.n = p_limit) END
      FROM page p
      JOIN achievement_replies r ON r.id = p.id
$$;
