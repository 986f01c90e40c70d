-- pgbench: the statement of GET /api/v1/achievements/{id} (src/api/achievements.c, statement
-- achievement_get), anonymous, over the same listed ids as detail.lua (id % 20 >= 4, :listed of them).
\set r random(0, :listed - 1)
\set id 4 + (:r / 16) * 20 + :r % 16
SELECT * FROM api_achievement_get(NULL::bigint, :id::bigint);
