-- pgbench: the statement of GET /api/v1/achievements?province=:province (src/api/achievements_list.c,
-- statement achievements_list), anonymous (actor NULL), first page of :limit.
SELECT items, next_position FROM api_achievements_list(NULL::bigint, :province::text, NULL::text, NULL::text, NULL::bigint, NULL::boolean, NULL::text, :limit::integer, NULL::bigint);
