-- 0065_search_density_windows: what a search's walk found sizes the windows below it.
--
-- A rank's first page comes from a walk along the newest ids (a term held by many achievements)
-- or from a window of them sized by the term's gram counts (0052, 0056). When the walk found too
-- few, every match of the term's grams below it was read and sorted. A term whose hits are
-- spread unevenly, few among the newest and many further down (on the bench's data 石墨烯 and
-- its characters: 石, 墨, 烯, 石墨, 墨烯), read thousands of rows for the last few of a page.
-- The walk's own hits are a measure of the term's density below it: windows sized from it to
-- hold twice what is still needed, up to three, each sized from all the hits seen, before the
-- rest is collected as before. Windows are contiguous and each takes every hit of its stretch,
-- newest first, so the page is the same whatever their sizes; a wrong density costs time, never
-- a result. On the bench's data (2,001 search-distinct terms, anonymous, in psql): those five
-- terms 6.9-7.2 ms -> 2.3-2.8 ms, all terms 2,223 -> 2,164 ms, p99 4.9 -> 4.1 ms, the slowest
-- 9.5 -> 6.5 ms; first and second pages identical for every term as a visitor, an institution
-- and an administrator (11,790 pages).
DROP FUNCTION search_rank_collect(integer, search_term, search_extent, achievement_filter,
                                  bigint, integer, boolean);

-- p_density: hits per id expected below p_before (null: collect every match below at once).
-- p_follow: the density was seen in the rank's own hits, so each window's hits size the next,
-- and a window that would span more than a quarter of what is left below is not worth its
-- index scan of the ids (about 80 ns an id, against 3 µs a candidate row read and rechecked):
-- the rest is collected. Otherwise (a density from the gram counts) one window is tried, as
-- before: windows sized by a count that proved wrong cost more than they saved.
CREATE FUNCTION search_rank_collect(p_rank integer, t search_term, e search_extent,
                                    f achievement_filter, p_before bigint, p_need integer,
                                    p_density float8, p_follow boolean)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET enable_seqscan = off
    SET enable_indexscan = off SET enable_bitmapscan = on AS $$
DECLARE
    in_titles constant tsquery := CASE WHEN p_rank = 2 THEN t.queries[3] END;
    in_keywords constant tsquery := CASE WHEN p_rank = 1 THEN t.queries[2] END;
    in_text constant tsquery := CASE WHEN p_rank = 0 THEN t.queries[1] END;
    window_to bigint := least(e.last_id + 1, p_before);
    window_from bigint;
    density float8 := p_density;
    seen_ids float8 := 0;
    seen_hits integer := 0;
    found bigint[];
    hits bigint[] := '{}';
BEGIN
    FOR step IN 1..3 LOOP
        EXIT WHEN density IS NULL OR density <= 0 OR window_to <= e.first_id;
        window_from := window_to - ceil(2 * (p_need - cardinality(hits)) / density);
        EXIT WHEN p_follow AND 4 * (window_to - window_from) > window_to - e.first_id;
        found := ARRAY(SELECT a.id FROM achievements a
                        WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                               OR a.search_grams @@ in_text)
                          AND a.id >= window_from AND a.id < window_to
                          AND search_hit(a, p_rank, t.needle, t.cased, f)
                        ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
        hits := hits || found;
        IF cardinality(hits) >= p_need OR window_from <= e.first_id THEN
            RETURN hits;
        END IF;
        seen_ids := seen_ids + (window_to - window_from);
        seen_hits := seen_hits + cardinality(found);
        density := CASE WHEN seen_hits > 0 AND p_follow THEN seen_hits / seen_ids END;
        window_to := window_from;
    END LOOP;
    RETURN hits || ARRAY(SELECT a.id FROM achievements a
                          WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                                 OR a.search_grams @@ in_text)
                            AND (a.id < window_to) IS TRUE
                            AND search_hit(a, p_rank, t.needle, t.cased, f)
                          ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
END
$$;

-- The walk hands its own density down: what it found in the stretch it read.
CREATE OR REPLACE FUNCTION search_rank_hits(p_rank integer, t search_term, e search_extent,
                                            f achievement_filter, p_before bigint,
                                            p_need integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET enable_bitmapscan = off AS $$
DECLARE
    matches constant float8 := t.matches[p_rank + 1];
    walk_from constant bigint := least(e.last_id + 1, p_before);
    walk_to bigint;
    walked_to bigint := walk_from;
    hits bigint[] := '{}';
BEGIN
    IF (matches * matches > p_need * e.total) IS NOT TRUE THEN
        RETURN search_rank_collect(p_rank, t, e, f, p_before, p_need,
                                   CASE WHEN 40 * matches * matches > p_need * e.total
                                        THEN matches / (e.last_id - e.first_id + 1) END,
                                   false);
    END IF;
    walk_to := walk_from - ceil(4 * p_need / matches * (e.last_id - e.first_id + 1));
    IF NOT achievement_filter_listed_only(f.viewer_role, f.viewer_province,
                                          f.viewer_institution_id, f.status) THEN
        hits := ARRAY(
            SELECT a.id FROM achievements a
             WHERE a.id >= walk_to AND a.id < walk_from
               AND search_hit(a, p_rank, t.needle, t.cased, f)
             ORDER BY a.id DESC LIMIT p_need);
        walked_to := walk_to;
    ELSE
        FOR step IN 1..2 LOOP
            IF step = 2 THEN
                walk_to := coalesce(achievement_listed_below(walk_from,
                                                             4 * p_need / matches * e.total),
                                    e.first_id);
                EXIT WHEN walk_to >= walked_to;
            END IF;
            hits := hits || ARRAY(
                SELECT a.id FROM achievements a
                 WHERE a.status = 'listed'
                   AND (a.status, a.id) < ('listed', walked_to)
                   AND a.id >= walk_to
                   AND search_hit(a, p_rank, t.needle, t.cased, f)
                 ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
            walked_to := walk_to;
            EXIT WHEN cardinality(hits) >= p_need;
        END LOOP;
    END IF;
    IF cardinality(hits) >= p_need OR walked_to <= e.first_id THEN
        RETURN hits;
    END IF;
    RETURN hits || search_rank_collect(p_rank, t, e, f, walked_to, p_need - cardinality(hits),
                                       CASE WHEN cardinality(hits) > 0
                                            THEN cardinality(hits)::float8
                                                 / (walk_from - walked_to) END, true);
END
$$;
