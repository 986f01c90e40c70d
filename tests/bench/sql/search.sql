-- pgbench: the statement of GET /api/v1/achievements?q=:q (src/api/achievements_list.c, statement
-- achievements_search), anonymous, first page of :limit.
SELECT items, next_position FROM api_achievements_search(NULL::bigint, :q::text, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::text, :limit::integer, NULL::integer, NULL::bigint);
