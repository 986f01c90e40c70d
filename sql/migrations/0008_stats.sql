-- 0008_stats: the administrators' statistics (summary, cross-provincial flows, monthly trend, by
-- field), the rows of the trials export, and the audit log list.
--
-- How a trial is counted, the same way in every statistic and in the exports (the first two
-- rules are stats_trial_in_filter):
--   * from/to are inclusive Asia/Shanghai calendar days of requested_at (tp_date). They become
--     the instant range [from 00:00, to + 1 00:00) Asia/Shanghai (stats_range_start/_end), which
--     is the same set of trials and lets the index on requested_at serve it;
--   * province matches either side (the institution's or the enterprise's), as in the trials list;
--   * a trial counts by its effective status (trial_effective_status, 0002): an active trial past
--     its ends_on is expired whether or not the sweep has stored that;
--   * money is counted on the trials in the filter: licensed_fen is the total_fen of the licenses
--     signed on them, paid_fen and outstanding_fen (total_fen - paid_fen) of those licenses,
--     compensated_fen the approved compensation claims on them;
--   * the monthly buckets are months of requested_at, so the months of a range add up to its
--     summary (requested, converted and paid_fen alike);
--   * achievements_listed (and listed per field) counts the pool as it is now, in the province of
--     the achievement's institution when filtered by province; the dates do not apply to it.
--
-- Who: an admin sees everything; a province_admin only its own province (without ?province= the
-- filter becomes its province; another province is TP403); everyone else TP403 (stats_scope).
--
-- Speed at the planned scale (1,000,000 trials): the statistics read the trials through
-- trials_stats_idx, a b-tree on requested_at that carries every column they need (INCLUDE), so
-- a summary or flows request is one index-only range scan, grouped by effective status (or by
-- province pair) before any pivoting, with licenses joined by hash for the money. Measured on
-- this kind of machine (PostgreSQL 15, 2 shared cores) with 1,000,000 synthetic trials over 2.5
-- years in every status, 100,000 achievements and 200,000 licenses: the plain heap scan of
-- trials (372 MB) with one FILTER aggregate per figure took 680 ms, 120 ms of it JIT compilation;
-- the index-only scan (index 53 MB) grouped by status takes about 200 ms for the whole summary
-- (290 ms without parallel workers), the flows about 110 ms, a one-month range 30 ms; through
-- the daemon, with other work on both cores, 0.3 s and 0.2 s. JIT is switched off for these
-- functions: compiling cost more than it saved. The trials export of the same million rows
-- streamed 155 MB of CSV in 8 s with the daemon at 9 MB resident throughout.
-- An aggregate table kept up to date by triggers was considered and not taken: the filters are
-- by day, so a (day, province pair, status) aggregate holds about a tenth of the trials, not a
-- handful of rows; expiry moves trials between statuses with no write to count it; bulk loads
-- under session_replication_role = replica skip triggers and would leave it wrong; and every
-- trial change would update a shared counter row, adding lock waits (and deadlocks against the
-- audit head, which writers hold until commit) on the hottest write path.
--
-- The trials export (export_trial_rows) is read by the daemon through a server-side cursor on a
-- connection of its own, in one REPEATABLE READ READ ONLY snapshot, so memory stays flat.
--
-- The audit log (api_audit_list): an admin sees every event; a province_admin sees the events on
-- objects of its province (audit_event_in_province: an achievement, institution or compensation
-- of the province, a trial or license with either side there, a payment on such a license, an
-- enterprise of the province, a user or session of a user whose province or organisation is
-- there). System-wide events about admins and objects of other provinces stay hidden from it.

-- ---------------------------------------------------------------------------------------------
-- Filters and scope

CREATE INDEX trials_stats_idx ON trials (requested_at)
    INCLUDE (institution_province, enterprise_province, status, ends_on, license_id);

-- The first instant of the inclusive day range (from's midnight, Asia/Shanghai).
CREATE FUNCTION stats_range_start(p_from date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_from IS NULL THEN '-infinity'::timestamptz
                ELSE p_from::timestamp AT TIME ZONE 'Asia/Shanghai' END
$$;

-- The instant just after the inclusive day range (the midnight after to, Asia/Shanghai).
CREATE FUNCTION stats_range_end(p_to date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_to IS NULL THEN 'infinity'::timestamptz
                ELSE (p_to + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' END
$$;

-- Whether a trial counts in a filter (see the header): requested within the inclusive day range,
-- with either side in the province (NULL = every province). The statistics and the export call
-- it with the trial's columns; the planner inlines it, so the range stays an index condition.
CREATE FUNCTION stats_trial_in_filter(requested_at timestamptz, institution_province text,
                                      enterprise_province text, p_from date, p_to date,
                                      p_province text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT requested_at >= stats_range_start(p_from) AND requested_at < stats_range_end(p_to)
       AND (p_province IS NULL OR institution_province = p_province
            OR enterprise_province = p_province)
$$;

-- The province an administrator's statistics cover: the asked one (NULL = all) for an admin,
-- its own for a province_admin. Raises TP401 for no user, TP422 for an unknown province, TP403
-- for anyone else or for a province_admin asking about another province.
CREATE FUNCTION stats_scope(p_actor bigint, p_province text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_actor AND NOT disabled;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP401', 'sign in to see statistics');
    END IF;
    IF p_province IS NOT NULL AND p_province NOT IN ('SH', 'JS', 'ZJ', 'AH') THEN
        PERFORM tp_raise('TP422', 'must be one of SH, JS, ZJ, AH', 'province');
    END IF;
    IF u.role = 'admin' THEN
        RETURN p_province;
    END IF;
    IF u.role <> 'province_admin' THEN
        PERFORM tp_raise('TP403', 'statistics are for administrators');
    END IF;
    IF p_province IS NOT NULL AND p_province <> u.province THEN
        PERFORM tp_raise('TP403', 'a province administrator sees only its own province');
    END IF;
    RETURN u.province;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Statistics

-- Each statistic is one query run by RETURN QUERY, so that PostgreSQL may scan with parallel
-- workers (a SELECT INTO in PL/pgSQL never runs in parallel), planned afresh on every call
-- (force_custom_plan): the generic plan that PL/pgSQL switches to after five calls cannot see
-- how many trials the dates select, and measured 24 s instead of 0.2 s for the whole pool
-- (it hashed a million trials it had estimated at two thousand).
CREATE FUNCTION api_stats_summary(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
    v_today date := tp_today();
BEGIN
    RETURN QUERY
    WITH by_status AS (
        SELECT trial_effective_status(t.status, t.ends_on, v_today) AS status,
               count(*) AS trials, sum(l.total_fen) AS licensed_fen, sum(l.paid_fen) AS paid_fen,
               sum(c.amount_fen) AS compensated_fen
          FROM trials t
          LEFT JOIN licenses l ON l.id = t.license_id
          LEFT JOIN compensations c ON c.license_id = l.id AND c.status = 'approved'
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    ), s AS (
        SELECT coalesce(sum(trials), 0) AS requested,
               coalesce(sum(trials) FILTER (WHERE status = 'active'), 0) AS active,
               coalesce(sum(trials) FILTER (WHERE status = 'converted'), 0) AS converted,
               coalesce(sum(trials) FILTER (WHERE status = 'returned'), 0) AS returned,
               coalesce(sum(trials) FILTER (WHERE status = 'expired'), 0) AS expired,
               coalesce(sum(trials) FILTER (WHERE status = 'declined'), 0) AS declined,
               coalesce(sum(licensed_fen), 0) AS licensed_fen,
               coalesce(sum(paid_fen), 0) AS paid_fen,
               coalesce(sum(compensated_fen), 0) AS compensated_fen
          FROM by_status
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
               'compensated_fen', s.compensated_fen)
      FROM s;
END
$$;

-- Rows: the institution's province; columns: the enterprise's; both in the order SH, JS, ZJ, AH.
-- A converted trial stays converted, so its stored status is its effective one.
CREATE FUNCTION api_stats_flows(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH pairs AS (
        SELECT t.institution_province, t.enterprise_province, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS conversions
          FROM trials t
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1, 2
    ), provinces AS (
        SELECT p, n FROM unnest(ARRAY['SH', 'JS', 'ZJ', 'AH']) WITH ORDINALITY AS x (p, n)
    ), matrix_rows AS (
        SELECT r.n,
               json_agg(coalesce(pairs.trials, 0) ORDER BY c.n) AS trials,
               json_agg(coalesce(pairs.conversions, 0) ORDER BY c.n) AS conversions
          FROM provinces r
         CROSS JOIN provinces c
          LEFT JOIN pairs ON pairs.institution_province = r.p AND pairs.enterprise_province = c.p
         GROUP BY r.n
    )
    SELECT json_build_object(
               'provinces', json_build_array('SH', 'JS', 'ZJ', 'AH'),
               'trials', json_agg(matrix_rows.trials ORDER BY matrix_rows.n),
               'conversions', json_agg(matrix_rows.conversions ORDER BY matrix_rows.n))
      FROM matrix_rows;
END
$$;

-- Every month from the first to the last with a trial in the filter, empty months included.
CREATE FUNCTION api_stats_monthly(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH months AS (
        SELECT date_trunc('month', t.requested_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
               count(*) AS requested,
               count(*) FILTER (WHERE t.status = 'converted') AS converted,
               coalesce(sum(l.paid_fen), 0) AS paid_fen
          FROM trials t
          LEFT JOIN licenses l ON l.id = t.license_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    ), span AS (
        SELECT m::date AS month
          FROM generate_series((SELECT min(month) FROM months)::timestamp,
                               (SELECT max(month) FROM months)::timestamp,
                               interval '1 month') AS m
    )
    SELECT json_build_object('items', coalesce(json_agg(json_build_object(
               'month', to_char(span.month, 'YYYY-MM'),
               'requested', coalesce(months.requested, 0),
               'converted', coalesce(months.converted, 0),
               'paid_fen', coalesce(months.paid_fen, 0)) ORDER BY span.month), '[]'::json))
      FROM span LEFT JOIN months ON months.month = span.month;
END
$$;

-- Every field of the contract, in its order, with zeros where nothing happened.
CREATE FUNCTION api_stats_fields(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH fields AS (
        SELECT f, n FROM unnest(ARRAY[
            'integrated_circuits', 'biomedicine', 'artificial_intelligence',
            'advanced_manufacturing', 'new_energy', 'new_materials', 'information_technology',
            'agriculture', 'environment', 'other']) WITH ORDINALITY AS x (f, n)
    ), listed AS (
        SELECT a.field, count(*) AS listed
          FROM achievements a
         WHERE a.status = 'listed' AND (v_province IS NULL OR a.province = v_province)
         GROUP BY 1
    ), tried AS (
        SELECT a.field, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS converted
          FROM trials t
          JOIN achievements a ON a.id = t.achievement_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    )
    SELECT json_build_object('items', json_agg(json_build_object(
               'field', fields.f, 'listed', coalesce(listed.listed, 0),
               'trials', coalesce(tried.trials, 0), 'converted', coalesce(tried.converted, 0))
               ORDER BY fields.n))
      FROM fields
      LEFT JOIN listed ON listed.field = fields.f
      LEFT JOIN tried ON tried.field = fields.f;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The trials export

-- One row per trial in the filter, oldest first, every value as the export writes it: dates
-- YYYY-MM-DD, instants RFC 3339 UTC, money in fen (NULL without a license). Plain SQL so that
-- the planner inlines it into the cursor's query. The caller checks the scope (stats_scope).
CREATE FUNCTION export_trial_rows(p_from date, p_to date, p_province text)
RETURNS TABLE (trial_id bigint, achievement_id bigint, achievement_title text, field text,
               institution text, institution_province text, enterprise text,
               enterprise_credit_code text, enterprise_province text, status text,
               requested_at text, started_on text, ends_on text, closed_at text,
               license_total_fen bigint, paid_fen bigint)
LANGUAGE sql STABLE AS $$
    SELECT t.id, t.achievement_id, t.achievement_title, t.field, t.institution_name,
           t.institution_province, t.enterprise_name, t.enterprise_credit_code,
           t.enterprise_province, t.status, tp_instant(t.requested_at),
           to_char(t.started_on, 'YYYY-MM-DD'), to_char(t.ends_on, 'YYYY-MM-DD'),
           tp_instant(t.closed_at), l.total_fen, l.paid_fen
      FROM trials_effective t
      LEFT JOIN licenses l ON l.id = t.license_id
     WHERE stats_trial_in_filter(t.requested_at, t.institution_province, t.enterprise_province,
                                 p_from, p_to, p_province)
     ORDER BY t.id
$$;

-- ---------------------------------------------------------------------------------------------
-- The audit log

-- Whether an audited object belongs to a province (see the header). Sessions are audited under
-- their user's id.
CREATE FUNCTION audit_event_in_province(p_entity text, p_entity_id bigint, p_province text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE p_entity
        WHEN 'achievement' THEN EXISTS (
            SELECT 1 FROM achievements a WHERE a.id = p_entity_id AND a.province = p_province)
        WHEN 'trial' THEN EXISTS (
            SELECT 1 FROM trials t WHERE t.id = p_entity_id
               AND (t.institution_province = p_province OR t.enterprise_province = p_province))
        WHEN 'license' THEN EXISTS (
            SELECT 1 FROM licenses l WHERE l.id = p_entity_id
               AND (l.institution_province = p_province OR l.enterprise_province = p_province))
        WHEN 'payment' THEN EXISTS (
            SELECT 1 FROM payments p JOIN licenses l ON l.id = p.license_id
             WHERE p.id = p_entity_id
               AND (l.institution_province = p_province OR l.enterprise_province = p_province))
        WHEN 'compensation' THEN EXISTS (
            SELECT 1 FROM compensations c WHERE c.id = p_entity_id AND c.province = p_province)
        WHEN 'institution' THEN EXISTS (
            SELECT 1 FROM institutions i WHERE i.id = p_entity_id AND i.province = p_province)
        WHEN 'enterprise' THEN EXISTS (
            SELECT 1 FROM enterprises e WHERE e.id = p_entity_id AND e.province = p_province)
        ELSE p_entity IN ('user', 'session') AND EXISTS (
            SELECT 1 FROM users u
              LEFT JOIN institutions i ON i.id = u.institution_id
              LEFT JOIN enterprises e ON e.id = u.enterprise_id
             WHERE u.id = p_entity_id
               AND coalesce(u.province, i.province, e.province) = p_province)
    END
$$;

-- GET /api/v1/audit: newest first, keyset on id. entity_id narrows within entity (the C layer
-- requires entity with it). Planned for each call with its values (force_custom_plan), so the
-- filters left NULL fold away and each shape keeps its index (audit_events_entity_idx for one
-- object's history, the primary key otherwise).
CREATE FUNCTION api_audit_list(p_actor bigint, p_entity text, p_entity_id bigint, p_limit integer,
                               p_position text)
RETURNS TABLE (items json, next_position text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    u users;
    v_province text;
    v_before bigint := coalesce(nullif(p_position, '')::bigint, 9223372036854775807);
BEGIN
    SELECT * INTO u FROM users WHERE id = p_actor AND NOT disabled;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP401', 'sign in to see the audit log');
    END IF;
    IF u.role NOT IN ('admin', 'province_admin') THEN
        PERFORM tp_raise('TP403', 'the audit log is for administrators');
    END IF;
    v_province := CASE WHEN u.role = 'province_admin' THEN u.province END;
    RETURN QUERY
    WITH hits AS (
        SELECT e FROM audit_events e
         WHERE (p_entity IS NULL OR e.entity = p_entity)
           AND (p_entity_id IS NULL OR e.entity_id = p_entity_id)
           AND e.id < v_before
           AND (v_province IS NULL OR audit_event_in_province(e.entity, e.entity_id, v_province))
         ORDER BY e.id DESC
         LIMIT p_limit + 1
    )
    SELECT page.items::json, page.next_position
      FROM keyset_page((SELECT jsonb_agg(audit_event_json(h.e) ORDER BY (h.e).id DESC)
                          FROM hits h), p_limit) page;
END
$$;
