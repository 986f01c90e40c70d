-- 0030_stats_scope: the trials export decides who may read it, as every statistic already does
-- (api_stats_* call stats_scope with their actor). 0008's export_trial_rows took no actor: it
-- relied on the daemon asking stats_scope first, on another connection, and passing the province
-- that came back. Now:
--   * export_trial_rows(p_actor, p_from, p_to, p_province) returns only rows the actor may see,
--     and refuses before reading a trial (TP401 without a user, TP403 for anyone but an admin or
--     a province_admin, or a province_admin naming no province or another one). It does not
--     narrow: a province_admin names its own province. It stays plain SQL so that the planner
--     inlines it into the caller's query (the range is an index condition, the whole pool a scan
--     of the primary key in the export's order, as measured in 0008), which the narrowing of
--     stats_scope would prevent; for COPY and for queries by hand.
--   * api_export_trials(p_actor, p_from, p_to, p_province), the call behind both export
--     endpoints, narrows the province as the statistics do (stats_scope: a province_admin without
--     ?province= gets its own), refuses there and then, and opens a cursor over
--     export_trial_rows for the daemon to fetch from, returning its name and the province it
--     covers (for the file name). The daemon makes this one call on its export connection, in the
--     snapshot it reads the rows in; no C code checks the scope.

DROP FUNCTION export_trial_rows(date, date, text);

-- True when the actor may see exactly p_province (NULL: every province, which only an admin
-- may); otherwise raises as stats_scope does, or TP403 for a province_admin naming no province.
CREATE FUNCTION stats_scope_exact(p_actor bigint, p_province text) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF stats_scope(p_actor, p_province) IS DISTINCT FROM p_province THEN
        PERFORM tp_raise('TP403',
                         'a province administrator sees only its own province: name it');
    END IF;
    RETURN true;
END
$$;

-- One row per trial in the filter, oldest first, every value as the export writes it: dates
-- YYYY-MM-DD, instants RFC 3339 UTC, money in fen (NULL without a license). The scope check
-- names no column, so the planner runs it once, before the first row ("One-Time Filter"), even
-- when no trial is in the filter.
CREATE FUNCTION export_trial_rows(p_actor bigint, p_from date, p_to date, p_province text)
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
     WHERE stats_scope_exact(p_actor, p_province)
       AND stats_trial_in_filter(t.requested_at, t.institution_province, t.enterprise_province,
                                 p_from, p_to, p_province)
     ORDER BY t.id
$$;

-- GET /api/v1/exports/trials.csv and .xlsx: opens a cursor (NO SCROLL, fetched forward until
-- it is empty) over the actor's export rows and returns its name and the province the rows cover
-- (NULL: every province). Call it in a transaction: the cursor lives until its end. The query is
-- planned on each call with the values given (force_custom_plan), so the dates become the index
-- range; the caller's cursor_tuple_fraction applies, as it does to a DECLARE.
CREATE FUNCTION api_export_trials(p_actor bigint, p_from date, p_to date, p_province text,
                                  OUT rows refcursor, OUT province text)
LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    province := stats_scope(p_actor, p_province);
    OPEN rows NO SCROLL FOR
        SELECT * FROM export_trial_rows(p_actor, p_from, p_to, province);
END
$$;
