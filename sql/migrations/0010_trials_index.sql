-- 0010_trials_index: drops trials_requested_at_idx (0001). The statistics index
-- trials_stats_idx (0008) has the same key, requested_at, and serves every query that used it;
-- keeping both only made every new trial write one index more.
DROP INDEX trials_requested_at_idx;
