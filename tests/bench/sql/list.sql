-- pgbench: the statement of GET /api/v1/achievements?province=:province (src/api/achievements_list.c,
-- statement achievements_list_browsed), anonymous (actor NULL), first page of :limit.
SELECT items, next_position FROM api_achievements_browse(NULL::bigint, :province::text, NULL::text, :limit::integer, NULL::bigint);
