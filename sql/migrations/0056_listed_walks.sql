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
-- a search's walk is bounded by a number of listed achievements below the position instead of
-- a stretch of ids, and a search's window that holds too few hits is tried once more, reaching
-- as many listed achievements down, before everything below is collected. Staff
-- (administrators, province administrators, institutions), who see unlisted achievements too,
-- walk as before. Measured again on the same data: the list 0.33 ms; the 2,000 terms 1.8 ms on
-- average (p50 1.1, p99 6.7, the slowest 16 ms).

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
-- listed there. How far a walk or a window over listed achievements reaches: an entry of the
-- index of listed achievements costs a few hundredths of a microsecond.
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

-- As 0052's, but a filter that shows listed achievements only walks the listed ones: down to
-- the listed achievement as many below the position as the walk expects to read, so that
-- unlisted achievements in between cost nothing and cannot exhaust the walk. Its position is
-- written as a row of the listed index's columns, as the list's in api_achievements_browse, and
-- bitmap scans are off here (the collect turns them on again): given the choice, the plan made
-- once read every listed achievement of the walk's stretch and sorted them instead of stopping
-- at the page (0.5 ms against 0.14 for a character in every abstract).
CREATE OR REPLACE FUNCTION search_rank_hits(p_rank integer, t search_term, e search_extent,
                                            f achievement_filter, p_before bigint,
                                            p_need integer)
RETURNS bigint[]
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan SET enable_bitmapscan = off AS $$
DECLARE
    matches constant float8 := t.matches[p_rank + 1];
    walk_from bigint;
    walk_to bigint;
    hits bigint[];
BEGIN
    IF (matches * matches > p_need * e.total) IS NOT TRUE THEN
        RETURN search_rank_collect(p_rank, t, e, f, p_before, p_need, true);
    END IF;
    walk_from := least(e.last_id + 1, p_before);
    IF NOT achievement_filter_listed_only(f.viewer_role, f.viewer_province,
                                          f.viewer_institution_id, f.status) THEN
        walk_to := walk_from - ceil(4 * p_need / matches * (e.last_id - e.first_id + 1));
        hits := ARRAY(
            SELECT a.id FROM achievements a
             WHERE a.id >= walk_to AND a.id < walk_from
               AND search_hit(a, p_rank, t.needle, t.cased, f)
             ORDER BY a.id DESC LIMIT p_need);
    ELSE
        walk_to := achievement_listed_below(walk_from, 4 * p_need / matches * e.total);
        hits := ARRAY(
            SELECT a.id FROM achievements a
             WHERE a.status = 'listed'
               AND (a.status, a.id) < ('listed', walk_from)
               AND a.id >= coalesce(walk_to, e.first_id)
               AND search_hit(a, p_rank, t.needle, t.cased, f)
             ORDER BY a.id DESC LIMIT p_need);
        IF walk_to IS NULL THEN
            RETURN hits; /* every listed achievement below the position was walked */
        END IF;
    END IF;
    IF cardinality(hits) >= p_need THEN
        RETURN hits;
    END IF;
    RETURN hits || search_rank_collect(p_rank, t, e, f, walk_to, p_need - cardinality(hits),
                                       false);
END
$$;

-- As 0052's, but when the window below the position holds too few hits for a filter that shows
-- listed achievements only, unlisted ones may fill it: a second window reaches down to the
-- listed achievement as many below as the first was to hold, before everything below is
-- collected. A window or walk that reached the pool's first achievement collects nothing more.
CREATE OR REPLACE FUNCTION search_rank_collect(p_rank integer, t search_term, e search_extent,
                                               f achievement_filter, p_before bigint,
                                               p_need integer, p_window boolean)
RETURNS bigint[]
LANGUAGE plpgsql STABLE
SET enable_indexscan = off SET enable_seqscan = off SET enable_bitmapscan = on
SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    matches constant float8 := t.matches[p_rank + 1];
    in_titles constant tsquery := CASE WHEN p_rank = 2 THEN t.queries[3] END;
    in_keywords constant tsquery := CASE WHEN p_rank = 1 THEN t.queries[2] END;
    in_text constant tsquery := CASE WHEN p_rank = 0 THEN t.queries[1] END;
    windows integer := 0;
    window_to bigint := least(e.last_id + 1, p_before);
    window_from bigint := p_before;
    hits bigint[] := '{}';
BEGIN
    IF p_window AND 40 * matches * matches > p_need * e.total THEN
        windows := CASE WHEN achievement_filter_listed_only(f.viewer_role, f.viewer_province,
                                                            f.viewer_institution_id, f.status)
                        THEN 2 ELSE 1 END;
    END IF;
    FOR w IN 1..windows LOOP
        IF w = 1 THEN
            window_from := window_to - ceil(2 * p_need / matches * (e.last_id - e.first_id + 1));
        ELSE
            window_to := window_from;
            window_from := achievement_listed_below(window_to, 2 * p_need / matches * e.total);
        END IF;
        hits := hits || ARRAY(SELECT a.id FROM achievements a
                               WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                                      OR a.search_grams @@ in_text)
                                 AND a.id >= coalesce(window_from, e.first_id)
                                 AND a.id < window_to
                                 AND search_hit(a, p_rank, t.needle, t.cased, f)
                               ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
        IF cardinality(hits) >= p_need OR window_from IS NULL OR window_from <= e.first_id THEN
            RETURN hits;
        END IF;
    END LOOP;
    IF p_before <= e.first_id THEN
        RETURN hits;
    END IF;
    RETURN hits || ARRAY(SELECT a.id FROM achievements a
                          WHERE (a.title_grams @@ in_titles OR a.keyword_grams @@ in_keywords
                                 OR a.search_grams @@ in_text)
                            AND (a.id < window_from) IS TRUE
                            AND search_hit(a, p_rank, t.needle, t.cased, f)
                          ORDER BY a.id DESC LIMIT p_need - cardinality(hits));
END
$$;
