-- 0012_compensation_get: GET /api/v1/compensations/{id}, one claim for those who decide it
-- (compensation_visible: an admin, or the province_admin of the claim's province); no row, so
-- 404, for anyone else, as the list and the decisions do.
CREATE FUNCTION api_compensation_get(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT compensation_json(c)
      FROM compensations c, party_viewer(p_actor) v
     WHERE c.id = p_id AND coalesce(compensation_visible(c.province, v.role, v.province), false)
$$;
