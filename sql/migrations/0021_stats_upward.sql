-- 0021_stats_upward: the figures provinces report upward (contract 1.1, "Statistics and
-- exports"), counted by the rules of 0008's header:
--   summary adds enterprises_served (distinct enterprises whose trial in the filter was
--   approved), institutions_active (institutions with a listed achievement, as the pool is now),
--   licenses_signed (licenses on trials in the filter), median_days_to_decision (Shanghai days
--   from a request to its approval, started_on, or its decline, closed_at) and
--   median_days_to_conversion (days from a trial's start to its license's signing); both medians
--   are null without a trial to measure;
--   flows adds licensed_fen and paid_fen, 4×4 like the trials;
--   regions: per city of the enterprise (the first four digits of its credit code's division,
--   GB/T 2260; named for the 41 prefecture-level cities of the four provinces, null for others),
--   its province, how many enterprises, trials, conversions and licensed money;
--   returns: per reason code, the returned trials and their average rating (null unrated).
-- The open-licensing, recording and registration figures come with those features.
--
-- Speed: the figures read the trials through one covering index, as 0008's did; it now carries
-- the enterprise, the start and close, and a return's code and rating as well, so that every
-- statistic stays an index-only range scan.

CREATE INDEX trials_report_idx ON trials (requested_at)
    INCLUDE (institution_province, enterprise_province, status, ends_on, license_id,
             enterprise_id, started_on, closed_at, reason_code, rating);
DROP INDEX trials_stats_idx;

CREATE TABLE cities (
    division char(4) NOT NULL,
    province text NOT NULL,
    name     text NOT NULL,
    CONSTRAINT cities_pkey PRIMARY KEY (division),
    CONSTRAINT cities_province_valid CHECK (province IN ('SH', 'JS', 'ZJ', 'AH'))
);
INSERT INTO cities (division, province, name) VALUES
    ('3101', 'SH', '上海市'),
    ('3201', 'JS', '南京市'), ('3202', 'JS', '无锡市'), ('3203', 'JS', '徐州市'),
    ('3204', 'JS', '常州市'), ('3205', 'JS', '苏州市'), ('3206', 'JS', '南通市'),
    ('3207', 'JS', '连云港市'), ('3208', 'JS', '淮安市'), ('3209', 'JS', '盐城市'),
    ('3210', 'JS', '扬州市'), ('3211', 'JS', '镇江市'), ('3212', 'JS', '泰州市'),
    ('3213', 'JS', '宿迁市'),
    ('3301', 'ZJ', '杭州市'), ('3302', 'ZJ', '宁波市'), ('3303', 'ZJ', '温州市'),
    ('3304', 'ZJ', '嘉兴市'), ('3305', 'ZJ', '湖州市'), ('3306', 'ZJ', '绍兴市'),
    ('3307', 'ZJ', '金华市'), ('3308', 'ZJ', '衢州市'), ('3309', 'ZJ', '舟山市'),
    ('3310', 'ZJ', '台州市'), ('3311', 'ZJ', '丽水市'),
    ('3401', 'AH', '合肥市'), ('3402', 'AH', '芜湖市'), ('3403', 'AH', '蚌埠市'),
    ('3404', 'AH', '淮南市'), ('3405', 'AH', '马鞍山市'), ('3406', 'AH', '淮北市'),
    ('3407', 'AH', '铜陵市'), ('3408', 'AH', '安庆市'), ('3410', 'AH', '黄山市'),
    ('3411', 'AH', '滁州市'), ('3412', 'AH', '阜阳市'), ('3413', 'AH', '宿州市'),
    ('3415', 'AH', '六安市'), ('3416', 'AH', '亳州市'), ('3417', 'AH', '池州市'),
    ('3418', 'AH', '宣城市');

-- 0008's summary with the figures above.
CREATE OR REPLACE FUNCTION api_stats_summary(p_actor bigint, p_from date, p_to date,
                                             p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
    v_today date := tp_today();
BEGIN
    RETURN QUERY
    WITH in_filter AS (
        SELECT t.status, t.ends_on, t.license_id, t.enterprise_id, t.started_on, t.closed_at,
               t.requested_at
          FROM trials t
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
    ), by_status AS (
        SELECT trial_effective_status(t.status, t.ends_on, v_today) AS status,
               count(*) AS trials, count(l.id) AS licenses, sum(l.total_fen) AS licensed_fen,
               sum(l.paid_fen) AS paid_fen, sum(c.amount_fen) AS compensated_fen
          FROM in_filter t
          LEFT JOIN licenses l ON l.id = t.license_id
          LEFT JOIN compensations c ON c.license_id = l.id AND c.status = 'approved'
         GROUP BY 1
    ), s AS (
        SELECT coalesce(sum(trials), 0) AS requested,
               coalesce(sum(trials) FILTER (WHERE status = 'active'), 0) AS active,
               coalesce(sum(trials) FILTER (WHERE status = 'converted'), 0) AS converted,
               coalesce(sum(trials) FILTER (WHERE status = 'returned'), 0) AS returned,
               coalesce(sum(trials) FILTER (WHERE status = 'expired'), 0) AS expired,
               coalesce(sum(trials) FILTER (WHERE status = 'declined'), 0) AS declined,
               coalesce(sum(licenses), 0) AS licenses,
               coalesce(sum(licensed_fen), 0) AS licensed_fen,
               coalesce(sum(paid_fen), 0) AS paid_fen,
               coalesce(sum(compensated_fen), 0) AS compensated_fen
          FROM by_status
    ), timing AS (
        SELECT count(DISTINCT t.enterprise_id) FILTER (WHERE t.started_on IS NOT NULL)
                   AS enterprises_served,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE
                   WHEN t.started_on IS NOT NULL THEN t.started_on - tp_date(t.requested_at)
                   WHEN t.status = 'declined' THEN tp_date(t.closed_at) - tp_date(t.requested_at)
                   END) AS decision_days
          FROM in_filter t
    ), conversion AS (
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY tp_date(l.signed_at) - t.started_on)
                   AS days
          FROM in_filter t JOIN licenses l ON l.id = t.license_id
    )
    SELECT json_build_object(
               'achievements_listed', (
                   SELECT count(*) FROM achievements a
                    WHERE a.status = 'listed' AND (v_province IS NULL OR a.province = v_province)),
               'trials_requested', s.requested, 'trials_active', s.active,
               'trials_converted', s.converted, 'trials_returned', s.returned,
               'trials_expired', s.expired, 'trials_declined', s.declined,
               'conversion_rate', CASE WHEN s.converted + s.returned + s.expired = 0 THEN NULL
                   ELSE s.converted::float8 / (s.converted + s.returned + s.expired) END,
               'licensed_fen', s.licensed_fen, 'paid_fen', s.paid_fen,
               'outstanding_fen', s.licensed_fen - s.paid_fen,
               'compensated_fen', s.compensated_fen,
               'enterprises_served', timing.enterprises_served,
               'institutions_active', (
                   SELECT count(DISTINCT a.institution_id) FROM achievements a
                    WHERE a.status = 'listed' AND (v_province IS NULL OR a.province = v_province)),
               'licenses_signed', s.licenses,
               'median_days_to_decision', timing.decision_days,
               'median_days_to_conversion', conversion.days)
      FROM s, timing, conversion;
END
$$;

-- 0008's flows with the money of the licenses signed on each pair's trials.
CREATE OR REPLACE FUNCTION api_stats_flows(p_actor bigint, p_from date, p_to date,
                                           p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH pairs AS (
        SELECT t.institution_province, t.enterprise_province, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS conversions,
               coalesce(sum(l.total_fen), 0) AS licensed_fen,
               coalesce(sum(l.paid_fen), 0) AS paid_fen
          FROM trials t
          LEFT JOIN licenses l ON l.id = t.license_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1, 2
    ), provinces AS (
        SELECT p, n FROM unnest(ARRAY['SH', 'JS', 'ZJ', 'AH']) WITH ORDINALITY AS x (p, n)
    ), matrix_rows AS (
        SELECT r.n,
               json_agg(coalesce(pairs.trials, 0) ORDER BY c.n) AS trials,
               json_agg(coalesce(pairs.conversions, 0) ORDER BY c.n) AS conversions,
               json_agg(coalesce(pairs.licensed_fen, 0) ORDER BY c.n) AS licensed_fen,
               json_agg(coalesce(pairs.paid_fen, 0) ORDER BY c.n) AS paid_fen
          FROM provinces r
         CROSS JOIN provinces c
          LEFT JOIN pairs ON pairs.institution_province = r.p AND pairs.enterprise_province = c.p
         GROUP BY r.n
    )
    SELECT json_build_object(
               'provinces', json_build_array('SH', 'JS', 'ZJ', 'AH'),
               'trials', json_agg(matrix_rows.trials ORDER BY matrix_rows.n),
               'conversions', json_agg(matrix_rows.conversions ORDER BY matrix_rows.n),
               'licensed_fen', json_agg(matrix_rows.licensed_fen ORDER BY matrix_rows.n),
               'paid_fen', json_agg(matrix_rows.paid_fen ORDER BY matrix_rows.n))
      FROM matrix_rows;
END
$$;

-- GET /api/v1/stats/regions: the trials in the filter by the enterprise's city, most trials
-- first (then by division).
CREATE FUNCTION api_stats_regions(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH by_enterprise AS (
        SELECT t.enterprise_id, t.enterprise_province, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS converted,
               coalesce(sum(l.total_fen), 0) AS licensed_fen
          FROM trials t
          LEFT JOIN licenses l ON l.id = t.license_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1, 2
    ), by_city AS (
        SELECT substring(e.credit_code FROM 3 FOR 4) AS division, b.enterprise_province,
               count(*) AS enterprises, sum(b.trials) AS trials, sum(b.converted) AS converted,
               sum(b.licensed_fen) AS licensed_fen
          FROM by_enterprise b JOIN enterprises e ON e.id = b.enterprise_id
         GROUP BY 1, 2
    )
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
               'division', b.division, 'name', c.name,
               'province', coalesce(c.province, b.enterprise_province),
               'enterprises', b.enterprises, 'trials', b.trials, 'converted', b.converted,
               'licensed_fen', b.licensed_fen)
               ORDER BY b.trials DESC, b.division, b.enterprise_province), '[]'::json))
      FROM by_city b LEFT JOIN cities c ON c.division = b.division;
END
$$;

-- GET /api/v1/stats/returns: every reason code, in the contract's order, with zeros where no
-- trial was returned for it; a return from before reason codes counts as "other".
CREATE FUNCTION api_stats_returns(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH returned AS (
        SELECT coalesce(t.reason_code, 'other') AS reason_code, count(*) AS returned,
               avg(t.rating)::float8 AS average_rating
          FROM trials t
         WHERE t.status = 'returned'
           AND stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    ), codes AS (
        SELECT code, n FROM unnest(ARRAY['technical_failure', 'not_mature', 'too_costly',
                                         'market_changed', 'other']) WITH ORDINALITY AS x (code, n)
    )
    SELECT json_build_object('items', json_agg(json_build_object(
               'reason_code', codes.code, 'returned', coalesce(r.returned, 0),
               'average_rating', r.average_rating) ORDER BY codes.n))
      FROM codes LEFT JOIN returned r ON r.reason_code = codes.code;
END
$$;
