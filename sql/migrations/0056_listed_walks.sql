-- 0056_listed_walks: the pool's newest-first walks step over the achievements a visitor cannot
-- see instead of reading them.
--
-- The list that visitors browse (0054) and a search's walk (0043, 0052) read achievements newest
-- first along the primary key and test each for being listed. That is cheap while the newest
-- achievements are mostly listed, and the bench measures it so. An institution that imports
-- 5,000 achievements adds 5,000 drafts at the newest end, and until they are reviewed every
-- walk reads through them first. Measured at the bench's full size after its import (100,000
-- achievements, 5,000 drafts on top):
--   * GET /api/v1/achievements?province=ZJ read 5,085 rows for a page of 20: 8 ms instead of
--     0.3;
--   * a search walk, sized from the ids' mean spacing to find its page, met drafts only, found
--     nothing and collected every match instead: the 2,000 terms of search-distinct took 9.8 ms
--     on average (p50 2.6, p99 165, the slowest 217 ms: a common character of the drafts'
--     abstract) instead of about 1.1.
-- Now a viewer who may see listed achievements only (anonymous, enterprises: nearly every
-- visitor) walks the index of listed achievements (status, id): the list reads its page there,
-- and a search's walk that finds too few in its stretch of ids walks on down to as many listed
-- achievements as it expected to read before it collects. Staff (administrators, province
-- administrators, institutions), who see unlisted achievements too, walk as before. Measured
-- again: the list 0.33 ms on the same data; the 2,000 terms, under 5,000 drafts copied from the
-- pool's first achievements, 1.4 ms on average instead of 9.3 (p50 0.7 instead of 2.4, p99 4.4
-- instead of 166, the slowest 8.4 ms instead of 210), and with no drafts on top 0.91 ms instead
-- of 0.86 (a phrase whose walk fails now counts listed achievements before it collects).

-- Whether a list or search filtered so shows listed achievements only: the viewer sees no
-- unlisted achievement (achievement_visible of an unlisted one in no province of no
-- institution: true for an administrator, unknown for a province administrator or an
-- institution, who each see some; false for everyone else), or the filter asks for listed ones.
CREATE FUNCTION achievement_filter_listed_only(viewer_role text, viewer_province text,
                                               viewer_institution_id bigint, p_status text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p_status IS NOT DISTINCT FROM 'listed'
        OR achievement_visible('pending', NULL, NULL, viewer_role, viewer_province,
                               viewer_institution_id) IS FALSE
$$;

-- The listed achievement p_count places below p_before, newest first; NULL when fewer are
-- listed there: how far a walk over listed achievements reaches (an entry of the index of
-- listed achievements costs about a tenth of a microsecond). Only a walk calls it: under a
-- collect's settings (index scans off) it would read every listed achievement through a
-- bitmap, 44 ms.
CREATE FUNCTION achievement_listed_below(p_before bigint, p_count float8)
RETURNS bigint
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN (SELECT a.id FROM achievements a
             WHERE a.status = 'listed' AND a.id < p_before
             ORDER BY a.id DESC
            OFFSET greatest(ceil(p_count), 1) - 1 LIMIT 1);
END
$$;

CREATE OR REPLACE FUNCTION api_achievements_browse(p_actor bigint, p_province text,
                                                   p_field text, p_limit integer,
                                                   p_after_id bigint)
RETURNS TABLE(items json, next_position text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    viewer record;
    ids bigint[];
BEGIN
    SELECT v.role, v.province, v.institution_id INTO viewer FROM achievement_viewer(p_actor) v;
    IF NOT achievement_filter_listed_only(viewer.role, viewer.province, viewer.institution_id,
                                          NULL) THEN
        RETURN QUERY
        SELECT l.items, l.next_position
          FROM api_achievements_list(p_actor, p_province, p_field, NULL, NULL, NULL, NULL,
                                     p_limit, p_after_id) AS l;
        RETURN;
    END IF;
    -- the position as a row of the listed index's columns: only that index can take it, so
    -- that the plan made once cannot walk the primary key instead
    ids := ARRAY(SELECT a.id FROM achievements a
                  WHERE a.status = 'listed'
                    AND (a.status, a.id) < ('listed', coalesce(p_after_id, 9223372036854775807))
                    AND (p_province IS NULL OR a.province = p_province)
                    AND (p_field IS NULL OR a.field = p_field)
                  ORDER BY a.id DESC LIMIT p_limit + 1);
    RETURN QUERY
    SELECT coalesce(json_agg(rep.item ORDER BY h.n) FILTER (WHERE h.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit THEN ids[p_limit]::text END
      FROM unnest(ids) WITH ORDINALITY AS h(id, n)
      JOIN achievement_items rep ON rep.id = h.id;
END
$$;

-- As 0052's, but a filter that shows listed achievements only walks the listed ones, in the
-- index of listed achievements, so that unlisted achievements in between cost nothing: first
-- the same stretch of ids below the position; when that holds too few hits (unlisted
-- achievements may fill it), on down to the listed achievement as many below the position as
-- the walk expects to read; then, as before, collecting below. Counting that far on every walk
-- instead cost the phrases whose walk fails (rarer than their grams) about 0.4 ms each.
-- The walk's position is written as a row of the listed index's columns, as the list's in
-- api_achievements_browse, and bitmap scans are off here (the collect turns them on again):
-- given the choice, the plan made once read every listed achievement of the stretch and sorted
-- them instead of stopping at the page (0.5 ms against 0.14 for a character in every abstract).
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
        RETURN search_rank_collect(p_rank, t, e, f, p_before, p_need, true);
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
                                       false);
END
$$;

-- The collect's gram indexes are read through bitmaps, which the walk above turns off.
ALTER FUNCTION search_rank_collect(integer, search_term, search_extent, achievement_filter,
                                   bigint, integer, boolean)
    SET enable_bitmapscan = on;
