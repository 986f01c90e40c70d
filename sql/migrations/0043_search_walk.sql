-- 0043_search_walk: each rank of a search read the cheaper of two ways, so that neither a common
-- term nor a rare one costs more than a few hundred rows.
--
-- The ranking is unchanged (0005, 0039): title or English title 2, keywords 1, abstract alone 0,
-- newest first within a rank. 0039 read each rank from its RUM index ordered by id, but RUM
-- collects and sorts a gram's whole posting list before it yields the first row: a character in
-- every abstract cost 50-100 ms at 100,000 achievements, and the planner sometimes walked the
-- wrong index. Now, for each rank:
--   * walk: the achievements newest first along the primary key, each checked for the term,
--     stopping at the page; it reads about need * achievements / matches rows, cheap when the
--     term is common;
--   * collect: the matches from the rank's gram index, then the newest of them; it reads about
--     matches rows, cheap when the term is rare.
-- The matches are estimated from search_gram_counts, the number of achievements holding each
-- gram in each rank's text (for a term of several grams, its rarest gram: an upper bound). The
-- walk stops after four times the rows it expects; a term rarer than its grams then falls back
-- to the collect. The counts only choose the way: both ways give the same rows, so a count that
-- has drifted costs time, never a result.

-- Letter pairs say little: "en" and "nd" are in half the English titles, so a search for "end"
-- collected some 15,000 titles holding both to find the 800 that hold the word (60 ms at
-- 100,000 achievements). Every run of three letters or digits is now a gram as well, in the text
-- and in the term, where it stands for the pairs inside it (as a pair stands for its
-- characters): the query of "end" is the one gram "end", which only texts holding it have.
-- Chinese text keeps its pairs, as selective as an English trigram. The gram indexes become
-- plain GIN: they are read only as bitmaps now, and RUM's ordering by id, for which 0039 chose
-- it, is not used; GIN is a third of the size and quicker to keep. The matching rule is
-- unchanged.

-- The grams of a search term, sorted and without repeats (NULL for none, and for no term): its
-- runs of three letters or digits, its two-character pairs in no such run, and its characters
-- in no pair (one-character terms); search_query ANDs them. These are PL/pgSQL so that a
-- session plans their statements once: a SQL function that cannot be inlined is planned again
-- in every statement that calls it.
CREATE FUNCTION search_term_grams(q text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t constant text := lower(q);
    grams text[] := '{}';
    c text;
BEGIN
    FOR i IN 1 .. char_length(t) - 2 LOOP
        c := substr(t, i, 3);
        IF c ~ '^[a-z0-9]{3}$' THEN
            grams := grams || c;
        END IF;
    END LOOP;
    FOR i IN 1 .. char_length(t) - 1 LOOP
        c := substr(t, i, 2);
        IF c !~ '\s' AND NOT EXISTS (SELECT 1 FROM unnest(grams) AS g WHERE strpos(g, c) > 0) THEN
            grams := grams || c;
        END IF;
    END LOOP;
    FOR i IN 1 .. char_length(t) LOOP
        c := substr(t, i, 1);
        IF c !~ '\s' AND NOT EXISTS (SELECT 1 FROM unnest(grams) AS g WHERE strpos(g, c) > 0) THEN
            grams := grams || c;
        END IF;
    END LOOP;
    RETURN (SELECT array_agg(DISTINCT g ORDER BY g) FROM unnest(grams) AS g);
END
$$;

-- The grams ANDed into a text search query (NULL for none).
CREATE FUNCTION search_grams_query(grams text[])
RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN (SELECT string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || '''',
                              ' & ' ORDER BY g)::tsquery
              FROM unnest(grams) AS g);
END
$$;

CREATE OR REPLACE FUNCTION search_query(q text)
RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
    RETURN search_grams_query(search_term_grams(q));
END
$$;

-- Whether the text holds the term, ignoring case. lower() converts every character of the
-- text (about 2 microseconds for an abstract), so a term with no letter that has a case (Chinese,
-- digits, ASCII signs: no other character lowers to one of these) is looked for as it is.
CREATE FUNCTION search_contains(t text, q text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN q ~ '^[\x01-\x40\x5b-\x60\x7b-\x7f\u2e80-\u9fff\uf900-\ufaff]*$'
                THEN strpos(t, q) > 0
                ELSE strpos(lower(t), lower(q)) > 0
           END
$$;

CREATE OR REPLACE FUNCTION search_in_titles(q text, title text, title_en text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT search_contains(title, q) OR search_contains(coalesce(title_en, ''), q)
$$;

-- Stable, as array_to_string is: a SQL function is inlined into the statement that calls it
-- only when it claims no more than its body, and the walk calls this on every row it reads.
CREATE OR REPLACE FUNCTION search_in_keywords(q text, keywords text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_contains(array_to_string(keywords, E'\n'), q)
$$;

CREATE OR REPLACE FUNCTION search_match(q text, title text, title_en text, abstract text,
                                        keywords text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_in_titles(q, title, title_en) OR search_in_keywords(q, keywords)
        OR search_contains(abstract, q)
$$;

-- The grams of an achievement's text (0002): its characters, their pairs, and now its runs of
-- three letters or digits.
CREATE OR REPLACE FUNCTION search_grams_of(title text, title_en text, abstract text,
                                           keywords text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH doc AS (
        SELECT lower(concat_ws(E'\n', title, title_en, abstract,
                               array_to_string(keywords, E'\n'))) AS t
    ), runs AS (
        SELECT r FROM doc, regexp_split_to_table(doc.t, '\s+') AS r WHERE r <> ''
    ), grams AS (
        SELECT c AS g FROM runs, unnest(string_to_array(runs.r, NULL)) AS c
        UNION ALL
        SELECT m[1] FROM runs, generate_series(1, 2) AS k,
                         regexp_matches(substr(runs.r, k), '..', 'g') AS m
        UNION ALL
        SELECT m[1] FROM runs, generate_series(1, 3) AS k,
                         regexp_matches(substr(runs.r, k), '...', 'g') AS m
         WHERE m[1] ~ '^[a-z0-9]{3}$'
    )
    SELECT coalesce(array_to_tsvector(array_agg(g)), ''::tsvector) FROM grams
$$;

-- The fields are apart in search_grams_of (no gram spans two), so all the text's grams are the
-- titles', the keywords' and the abstract's together: the abstract alone is read again.
CREATE OR REPLACE FUNCTION achievements_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.title_grams := search_grams_of(NEW.title, NEW.title_en, NULL, NULL);
    NEW.keyword_grams := search_grams_of(NULL, NULL, NULL, NEW.keywords);
    NEW.search_grams := NEW.title_grams || NEW.keyword_grams
                        || search_grams_of(NULL, NULL, NEW.abstract, NULL);
    RETURN NEW;
END
$$;

-- The number of achievements holding each gram in each rank's text: title_grams (rank 2),
-- keyword_grams (1), search_grams (0, all the text). A planning figure, kept by a statement
-- trigger; nothing is refused on it.
CREATE TABLE search_gram_counts (
    rank smallint NOT NULL,
    gram text NOT NULL,
    achievements integer NOT NULL,
    PRIMARY KEY (rank, gram)
);

CREATE FUNCTION search_grams_by_rank(title_grams tsvector, keyword_grams tsvector,
                                     search_grams tsvector)
RETURNS TABLE(rank smallint, gram text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 2::smallint, g FROM unnest(tsvector_to_array(title_grams)) AS g
    UNION ALL
    SELECT 1::smallint, g FROM unnest(tsvector_to_array(keyword_grams)) AS g
    UNION ALL
    SELECT 0::smallint, g FROM unnest(tsvector_to_array(search_grams)) AS g
$$;

-- Adds the grams of the added achievements and takes away those of the removed ones, in the
-- order of the key, so that two writers lock the rows they share in the same order.
CREATE FUNCTION search_gram_counts_apply(added achievements[], removed achievements[])
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO search_gram_counts AS c (rank, gram, achievements)
    SELECT g.rank, g.gram, sum(x.sign)
      FROM (SELECT 1 AS sign, a.title_grams, a.keyword_grams, a.search_grams
              FROM unnest(added) AS a
            UNION ALL
            SELECT -1, r.title_grams, r.keyword_grams, r.search_grams
              FROM unnest(removed) AS r) AS x,
           search_grams_by_rank(x.title_grams, x.keyword_grams, x.search_grams) AS g
     GROUP BY g.rank, g.gram
    HAVING sum(x.sign) <> 0
     ORDER BY g.rank, g.gram
        ON CONFLICT (rank, gram) DO UPDATE SET achievements = c.achievements + excluded.achievements
$$;

CREATE FUNCTION achievements_gram_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM search_gram_counts_apply(ARRAY(SELECT n::achievements FROM new_rows n), '{}');
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM search_gram_counts_apply(ARRAY(SELECT n::achievements FROM new_rows n),
                                         ARRAY(SELECT o::achievements FROM old_rows o));
    ELSE
        PERFORM search_gram_counts_apply('{}', ARRAY(SELECT o::achievements FROM old_rows o));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER achievements_gram_counts_insert AFTER INSERT ON achievements
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_gram_counts();
CREATE TRIGGER achievements_gram_counts_update AFTER UPDATE ON achievements
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_gram_counts();
CREATE TRIGGER achievements_gram_counts_delete AFTER DELETE ON achievements
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION achievements_gram_counts();

-- Counts every achievement afresh: here, and after a load that bypassed the triggers.
CREATE FUNCTION search_gram_counts_rebuild()
RETURNS void
LANGUAGE sql AS $$
    DELETE FROM search_gram_counts;
    INSERT INTO search_gram_counts (rank, gram, achievements)
    SELECT g.rank, g.gram, count(*)
      FROM achievements a, search_grams_by_rank(a.title_grams, a.keyword_grams, a.search_grams) AS g
     GROUP BY g.rank, g.gram;
$$;

-- The grams of the achievements there are, with their indexes built afresh after (faster than
-- keeping them through the update); their versions and times stay as they are.
DROP INDEX achievements_search_rum, achievements_title_rum, achievements_keyword_rum;
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements
   SET search_grams = search_grams_of(title, title_en, abstract, keywords),
       title_grams = search_grams_of(title, title_en, NULL, NULL),
       keyword_grams = search_grams_of(NULL, NULL, NULL, keywords);
ALTER TABLE achievements ENABLE TRIGGER USER;
SELECT search_gram_counts_rebuild();
CREATE INDEX achievements_search_grams ON achievements USING gin (search_grams);
CREATE INDEX achievements_title_grams ON achievements USING gin (title_grams);
CREATE INDEX achievements_keyword_grams ON achievements USING gin (keyword_grams);

-- Who is looking and what they filter on: the arguments of achievement_in_list.
CREATE TYPE achievement_filter AS (
    viewer_role text,
    viewer_province text,
    viewer_institution_id bigint,
    province text,
    field text,
    kind text,
    institution_id bigint,
    open_license boolean,
    status text
);

-- Whether the achievement holds the term at this rank (2 titles, 1 keywords and not the titles,
-- 0 the abstract alone) and is shown by the filter. Each rank tests its own text first, the one
-- most rows fail.
CREATE FUNCTION search_hit(a achievements, p_rank integer, p_q text, f achievement_filter)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE p_rank
           WHEN 2 THEN search_in_titles(p_q, a.title, a.title_en)
           WHEN 1 THEN search_in_keywords(p_q, a.keywords)
                       AND NOT search_in_titles(p_q, a.title, a.title_en)
           ELSE search_contains(a.abstract, p_q)
                AND NOT search_in_titles(p_q, a.title, a.title_en)
                AND NOT search_in_keywords(p_q, a.keywords)
           END
       AND achievement_in_list(a, f.viewer_role, f.viewer_province, f.viewer_institution_id,
                               f.province, f.field, f.kind, f.institution_id, f.open_license,
                               f.status)
$$;

-- The collect: every hit from the rank's gram index, then the newest p_need. Index and
-- sequential scans are off so that the plan is the gram index's bitmap, never a walk along
-- another index nor a scan of the table; the position is a filter ("IS TRUE" keeps it out of
-- the index conditions), since a bitmap of every id below it costs more than it saves.
--
-- These functions keep one generic plan for each statement: a custom plan is planned on every
-- call (0.1-0.2 ms each), and the planner kept choosing it for the gram counts' lookup.
CREATE FUNCTION search_rank_collect(p_rank integer, p_q text, p_query tsquery,
                                    f achievement_filter, p_before bigint, p_need integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE
SET enable_indexscan = off SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF p_rank = 2 THEN
        RETURN ARRAY(SELECT a.id FROM achievements a
                      WHERE a.title_grams @@ p_query AND (a.id < p_before) IS TRUE
                        AND search_hit(a, p_rank, p_q, f)
                      ORDER BY a.id DESC LIMIT p_need);
    ELSIF p_rank = 1 THEN
        RETURN ARRAY(SELECT a.id FROM achievements a
                      WHERE a.keyword_grams @@ p_query AND (a.id < p_before) IS TRUE
                        AND search_hit(a, p_rank, p_q, f)
                      ORDER BY a.id DESC LIMIT p_need);
    END IF;
    RETURN ARRAY(SELECT a.id FROM achievements a
                  WHERE a.search_grams @@ p_query AND (a.id < p_before) IS TRUE
                    AND search_hit(a, p_rank, p_q, f)
                  ORDER BY a.id DESC LIMIT p_need);
END
$$;

-- The newest p_need hits of one rank before the position, by the cheaper way (see the top).
-- The walk reads the ids below the position down to a bound placed, from the ids' mean spacing,
-- four times as far as the hits are expected to lie; finding fewer there, it collects instead.
CREATE FUNCTION search_rank_hits(p_rank integer, p_q text, p_grams text[], p_query tsquery,
                                 f achievement_filter, p_before bigint, p_need integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    matches float8;
    total float8;
    walk_from bigint;
    walk_to bigint;
    hits bigint[];
BEGIN
    SELECT min(coalesce(c.achievements, 0)) INTO matches
      FROM unnest(p_grams) AS g
      LEFT JOIN search_gram_counts c ON c.rank = p_rank AND c.gram = g;
    SELECT greatest(reltuples, 1) INTO total FROM pg_class WHERE oid = 'achievements'::regclass;
    IF matches * matches > p_need * total THEN
        SELECT least(max(a.id) + 1, p_before),
               least(max(a.id) + 1, p_before)
                   - ceil(4 * p_need * total / matches * (max(a.id) - min(a.id) + 1) / total)
          INTO walk_from, walk_to FROM achievements a;
        hits := ARRAY(
            SELECT a.id FROM achievements a
             WHERE a.id >= walk_to AND a.id < walk_from AND search_hit(a, p_rank, p_q, f)
             ORDER BY a.id DESC LIMIT p_need);
        IF cardinality(hits) >= p_need THEN
            RETURN hits;
        END IF;
    END IF;
    RETURN search_rank_collect(p_rank, p_q, p_query, f, p_before, p_need);
END
$$;

CREATE OR REPLACE FUNCTION api_achievements_search(p_actor bigint, p_q text, p_province text,
                                                   p_field text, p_kind text,
                                                   p_institution_id bigint,
                                                   p_open_license boolean, p_status text,
                                                   p_limit integer, p_after_rank integer,
                                                   p_after_id bigint)
RETURNS TABLE(items json, next_position text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    grams constant text[] := search_term_grams(p_q);
    query constant tsquery := search_grams_query(grams);
    f achievement_filter;
    ids bigint[] := '{}';
    ranks integer[] := '{}';
    found bigint[];
    r integer;
BEGIN
    SELECT v.role, v.province, v.institution_id
      INTO f.viewer_role, f.viewer_province, f.viewer_institution_id
      FROM achievement_viewer(p_actor) v;
    f.province := p_province;
    f.field := p_field;
    f.kind := p_kind;
    f.institution_id := p_institution_id;
    f.open_license := p_open_license;
    f.status := p_status;
    FOREACH r IN ARRAY ARRAY[2, 1, 0] LOOP
        EXIT WHEN grams IS NULL OR cardinality(ids) > p_limit;
        CONTINUE WHEN r > p_after_rank;
        found := search_rank_hits(r, p_q, grams, query, f,
                                  CASE WHEN r = p_after_rank THEN p_after_id
                                       ELSE 9223372036854775807 END,
                                  p_limit + 1 - cardinality(ids));
        ids := ids || found;
        ranks := ranks || array_fill(r, ARRAY[cardinality(found)]);
    END LOOP;
    RETURN QUERY
    SELECT coalesce(json_agg(rep.item ORDER BY h.n) FILTER (WHERE h.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit THEN ranks[p_limit] || '|' || ids[p_limit] END
      FROM unnest(ids, ranks) WITH ORDINALITY AS h(id, rank, n)
      JOIN achievement_replies rep ON rep.id = h.id;
END
$$;
