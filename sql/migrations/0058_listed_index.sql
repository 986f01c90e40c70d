-- 0058_listed_index: an index of the listed achievements alone, so that the visitors' list walks
-- them whatever the statistics say.
--
-- 0056 made the visitors' list (api_achievements_browse) read its page from the index
-- (status, id), with the position written as a row of that index's columns so that the plan made
-- once would take it. It did on the data 0056 was measured on. With the bench's data after two
-- imports (10,000 drafts and 5,000 pending achievements at the newest end) the same generic plan
-- walked the primary key again and filtered: the planner costs a walk of (status, id) by the
-- correlation of its first column, which is low, and the primary key's by the ids', which is
-- one. GET /api/v1/achievements?province=ZJ read 5,071 rows for its first page (2.1 ms) and
-- 55,074 from the middle of the pool (40 ms).
-- An index over the listed achievements' ids carries no such choice: it is the primary key's
-- order restricted to what visitors see, smaller and as well correlated, so every plan of a
-- statement that asks for listed achievements newest first prefers it. Province and field are
-- carried in it, so a filtered page is read from the index alone. Measured on the same data:
-- 0.04 ms for the first page by province, 0.04 from the middle, 0.1 by province and field.
-- Achievements become listed rarely; drafts and imports do not enter it.
CREATE INDEX achievements_listed_idx ON achievements (id) INCLUDE (province, field)
    WHERE status = 'listed';

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
    ids := ARRAY(SELECT a.id FROM achievements a
                  WHERE a.status = 'listed'
                    AND a.id < coalesce(p_after_id, 9223372036854775807)
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
