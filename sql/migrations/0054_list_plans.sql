-- 0054_list_plans: the pool's list, as visitors browse it, keeps one plan a session.
--
-- The list's statements called api_achievements_list, a SQL function that PostgreSQL inlines
-- into each statement, and PostgreSQL chose between a plan made once for the statement and a
-- plan made again for each request's values by their estimated costs. On a copy of the bench's
-- data after VACUUM FULL it chose the latter: every list was planned again, 1.1-1.5 ms against
-- 0.2-0.3 ms executing it, and the daemon served 963 lists a second instead of about 6,000.
-- The plan made once is the right one for every list a visitor asks for (newest first, by
-- province, by field, or both; achievements newest first along the primary key, stopping at
-- the page), so the daemon now asks for those through this function, whose statement keeps
-- its generic plan for the session. Lists with other filters (kind, institution, open license,
-- status: the staff's pages) still call api_achievements_list, planned for their values.
CREATE FUNCTION api_achievements_browse(p_actor bigint, p_province text, p_field text,
                                        p_limit integer, p_after_id bigint)
RETURNS TABLE(items json, next_position text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT l.items, l.next_position
      FROM api_achievements_list(p_actor, p_province, p_field, NULL, NULL, NULL, NULL, p_limit,
                                 p_after_id) AS l;
END
$$;
