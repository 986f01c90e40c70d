-- pgbench: the write run's cycle (write.lua) through the endpoints' own functions, as their
-- users: an enterprise requests a trial (POST /api/v1/achievements/{id}/trials), the
-- achievement's institution approves it, the enterprise returns it. Each client keeps to pairs
-- of its own (bench_write_pairs rows n = client_id + :clients * k, made by run.sh), so that no
-- two clients touch one pair and a returned trial leaves its pair free. A transaction is three
-- of the daemon's requests; run.sh counts it so.
\set n :client_id + :clients * random(0, :pairs / :clients - 1)
SELECT enterprise_user, institution_user, achievement_id FROM bench_write_pairs WHERE n = :n \gset
SELECT api_trial_request(:enterprise_user, :achievement_id, '在自有产线上验证该成果的关键指标', 1, false, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL) ->> 'id' AS trial \gset
SELECT api_trial_approve(:institution_user, :trial::bigint);
SELECT api_trial_return(:enterprise_user, :trial::bigint, '技术指标未达到预期', NULL, NULL);
