-- 0052_search_per_term: what a search can work out once for its term, it works out once; the
-- gram indexes keep short pending lists.
--
-- The rows, the ranking and the two ways of reading a rank (0043) are unchanged. Measured at the
-- bench's full size (100,000 achievements, the 2,000 terms of search-distinct each searched once
-- in turn), these costs came before the search's own work:
--   * each gram index scanned its whole pending list on every search: GIN keeps new entries in
--     an unsorted list until a vacuum or 4 MB of them (gin_pending_list_limit), 200-300 pages
--     here, about 1 ms a scan. The lists are now held to 256 kB (32 pages) and merged now.
--     Taking every entry in its place as it is written (fastupdate off) would spare the scan
--     altogether, but the import of 5,000 achievements took 8.9 s so instead of 6.4; with
--     256 kB it took 6.1 s;
--   * every row a walk or a collect read tested the term again for a letter with a case (a
--     regular expression) and lowered it: about 1 microsecond of 1.1 per row. The term is now
--     lowered and tested once (search_needle, search_cased), each row only searched;
--   * each rank read the gram counts, the table's size and its smallest and largest id again.
--     They are read once a search;
--   * a collect asked its gram index for every gram of the term: the ten trigrams of
--     "conservation" took 23 ms to intersect, most of them in thousands of titles ("ion",
--     "ati"). It now asks for the grams held by at most eight times as many achievements as the
--     rarest in the rank's text: an index entry costs about 0.2 microseconds to read, a row
--     that it lets through about 2 (the row is read and tested for the whole term), so a gram
--     is worth reading while it may spare rows, never at many times the rarest's cost.
-- The page copies the stored replies of 0051.

ALTER INDEX achievements_search_grams SET (gin_pending_list_limit = 256);
ALTER INDEX achievements_title_grams SET (gin_pending_list_limit = 256);
ALTER INDEX achievements_keyword_grams SET (gin_pending_list_limit = 256);
SELECT gin_clean_pending_list(i)
  FROM unnest(ARRAY['achievements_search_grams', 'achievements_title_grams',
                    'achievements_keyword_grams']::regclass[]) AS i;

-- Whether a term holds a letter that has a case: then a text holds it when the text lowered
-- holds it lowered. A term without one (Chinese, digits, ASCII signs: no other character lowers
-- to one of these) is looked for as it is, which spares lowering every text it is sought in.
CREATE FUNCTION search_cased(q text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT q !~ '^[\x01-\x40\x5b-\x60\x7b-\x7f\u2e80-\u9fff\uf900-\ufaff]*$'
$$;

-- The term as texts are searched for it: lowered when it has a letter with a case.
CREATE FUNCTION search_needle(q text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN search_cased(q) THEN lower(q) ELSE q END
$$;

-- Whether the text holds the needle of a term (cased: whether the term has a letter with a case).
CREATE FUNCTION search_has(t text, needle text, cased boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cased THEN strpos(lower(t), needle) > 0 ELSE strpos(t, needle) > 0 END
$$;

CREATE FUNCTION search_titles_have(title text, title_en text, needle text, cased boolean)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT search_has(title, needle, cased) OR search_has(coalesce(title_en, ''), needle, cased)
$$;

-- Stable, as array_to_string is (see search_in_keywords, 0043).
CREATE FUNCTION search_keywords_have(keywords text[], needle text, cased boolean)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_has(array_to_string(keywords, E'\n'), needle, cased)
$$;

-- The term-at-a-time forms, which the count of matches (0033) still calls on each row, are the
-- same tests.
CREATE OR REPLACE FUNCTION search_contains(t text, q text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT search_has(t, search_needle(q), search_cased(q))
$$;

CREATE OR REPLACE FUNCTION search_in_titles(q text, title text, title_en text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT search_titles_have(title, title_en, search_needle(q), search_cased(q))
$$;

CREATE OR REPLACE FUNCTION search_in_keywords(q text, keywords text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT search_keywords_have(keywords, search_needle(q), search_cased(q))
$$;

DROP FUNCTION search_rank_hits(integer, text, text[], tsquery, achievement_filter, bigint,
                               integer);
DROP FUNCTION search_rank_collect(integer, text, tsquery, achievement_filter, bigint, integer);
DROP FUNCTION search_hit(achievements, integer, text, achievement_filter);

-- A search's term, worked out once: its needle and case (above) and, for each rank (0 abstract,
-- 1 keywords, 2 titles; element rank + 1), the achievements holding its rarest gram in that
-- rank's text (search_gram_counts, 0043: an upper bound of the matches) and the query of its
-- selective grams there (below).
CREATE TYPE search_term AS (
    needle text,
    cased boolean,
    matches float8[],
    queries tsquery[]
);

-- The pool's extent, read once a search for the walks: the achievements by the planner's
-- count, the smallest and the largest id.
CREATE TYPE search_extent AS (
    total float8,
    first_id bigint,
    last_id bigint
);

-- Whether the achievement holds the term at this rank (2 titles, 1 keywords and not the titles,
-- 0 the abstract alone) and is shown by the filter. Each rank tests its own text first, the one
-- most rows fail.
CREATE FUNCTION search_hit(a achievements, p_rank integer, p_needle text, p_cased boolean,
                           f achievement_filter)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE p_rank
           WHEN 2 THEN search_titles_have(a.title, a.title_en, p_needle, p_cased)
           WHEN 1 THEN search_keywords_have(a.keywords, p_needle, p_cased)
                       AND NOT search_titles_have(a.title, a.title_en, p_needle, p_cased)
           ELSE search_has(a.abstract, p_needle, p_cased)
                AND NOT search_titles_have(a.title, a.title_en, p_needle, p_cased)
                AND NOT search_keywords_have(a.keywords, p_needle, p_cased)
           END
       AND achievement_in_list(a, f.viewer_role, f.viewer_province, f.viewer_institution_id,
                               f.province, f.field, f.kind, f.institution_id, f.open_license,
                               f.status)
$$;

-- The collect (0043): the hits among the rank's gram-index matches below the position, newest
-- first. Only the rank's own index is given a query (the others NULL, which match nothing and
-- cost nothing), so that one statement serves the three ranks.
--
-- Collecting reads every match (about 2 microseconds a row) to keep the newest: 1.9 ms for a
-- character in 1,000 titles. A term in more than a few hundred achievements is now collected
-- first in a window of ids just below the position, sized from the ids' mean spacing to hold
-- about twice p_need matches: the index's matches are ANDed with the window's ids before any
-- row is read (a bitmap of the window's ids costs about 0.05 microseconds an id), and 0.55 ms
-- found the same page. Finding fewer hits there (the hits are fewer than the rarest gram's
-- matches, or lie unevenly), it collects below the window. After a walk that found fewer hits
-- than the matches promised (below), the window would be placed on the same promise: p_window
-- false collects at once.
CREATE FUNCTION search_rank_collect(p_rank integer, t search_term, e search_extent,
                                    f achievement_filter, p_before bigint, p_need integer,
                                    p_window boolean)
RETURNS bigint[]
LANGUAGE plpgsql STABLE
SET enable_indexscan = off SET enable_seqscan = off SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    matches constant float8 := t.matches[p_rank + 1];
    in_titles constant tsquery := CASE WHEN p_rank = 2 THEN t.queries[3] END;
    in_keywords constant tsquery := CASE WHEN p_rank = 1 THEN t.queries[2] END;
    in_text constant tsquery := CASE WHEN p_rank = 0 THEN t.queries[1] END;
    window_to constant bigint := least(e.last_id + 1, p_before);
    window_from bigint := p_before;
    hits bigint[] := '{}';
BEGIN
    IF p_window AND 40 * matches * matches > p_need * e.total THEN
        window_from := window_to - ceil(2 * p_need / matches * (e.last_id - e.first_id + 1));
        hits := ARRAY(SELECT a.id FROM achievements a
                       WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                              OR a.search_grams @@ in_text)
                         AND a.id >= window_from AND a.id < window_to
                         AND search_hit(a, p_rank, t.needle, t.cased, f)
                       ORDER BY a.id DESC LIMIT p_need);
        IF cardinality(hits) >= p_need THEN
            RETURN hits;
        END IF;
    END IF;
    RETURN hits || ARRAY(SELECT a.id FROM achievements a
                          WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                                 OR a.search_grams @@ in_text)
                            AND (a.id < window_from) IS TRUE
                            AND search_hit(a, p_rank, t.needle, t.cased, f)
                          ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
END
$$;

-- The newest p_need hits of one rank before the position, by the cheaper way (0043): the walk
-- reads the ids below the position down to a bound placed, from the ids' mean spacing, four
-- times as far as the hits are expected to lie; finding fewer there, it collects below that
-- bound.
CREATE FUNCTION search_rank_hits(p_rank integer, t search_term, e search_extent,
                                 f achievement_filter, p_before bigint, p_need integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    matches constant float8 := t.matches[p_rank + 1];
    walk_from bigint;
    walk_to bigint;
    hits bigint[];
BEGIN
    IF matches * matches > p_need * e.total THEN
        walk_from := least(e.last_id + 1, p_before);
        walk_to := walk_from - ceil(4 * p_need / matches * (e.last_id - e.first_id + 1));
        hits := ARRAY(
            SELECT a.id FROM achievements a
             WHERE a.id >= walk_to AND a.id < walk_from
               AND search_hit(a, p_rank, t.needle, t.cased, f)
             ORDER BY a.id DESC LIMIT p_need);
        IF cardinality(hits) >= p_need THEN
            RETURN hits;
        END IF;
        RETURN hits || search_rank_collect(p_rank, t, e, f, walk_to,
                                           p_need - cardinality(hits), false);
    END IF;
    RETURN search_rank_collect(p_rank, t, e, f, p_before, p_need, true);
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
    t search_term;
    e search_extent;
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
    IF grams IS NOT NULL THEN
        t.needle := search_needle(p_q);
        t.cased := search_cased(p_q);
        SELECT array_agg(m.matches ORDER BY m.rank),
               array_agg(search_grams_query(m.selective) ORDER BY m.rank)
          INTO t.matches, t.queries
          FROM (SELECT n.rank, min(n.achievements)::float8 AS matches,
                       array_agg(n.gram ORDER BY n.gram)
                           FILTER (WHERE n.achievements <= 8 * n.fewest) AS selective
                  FROM (SELECT k.rank, g AS gram, coalesce(c.achievements, 0) AS achievements,
                               min(coalesce(c.achievements, 0))
                                   OVER (PARTITION BY k.rank) AS fewest
                          FROM generate_series(0, 2) AS k(rank)
                         CROSS JOIN unnest(grams) AS g
                          LEFT JOIN search_gram_counts c ON c.rank = k.rank AND c.gram = g) AS n
                 GROUP BY n.rank) AS m;
        SELECT greatest(reltuples, 1) INTO e.total
          FROM pg_class WHERE oid = 'achievements'::regclass;
        SELECT min(a.id), max(a.id) INTO e.first_id, e.last_id FROM achievements a;
    END IF;
    FOREACH r IN ARRAY ARRAY[2, 1, 0] LOOP
        EXIT WHEN grams IS NULL OR cardinality(ids) > p_limit;
        CONTINUE WHEN r > p_after_rank;
        found := search_rank_hits(r, t, e, f,
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
      JOIN achievement_items rep ON rep.id = h.id;
END
$$;
