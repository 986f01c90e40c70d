-- 0031_stats_licensing: the 1.1 summary figures of open licensing, registration and recording.
--
-- GET /api/v1/stats/summary adds, for the same ?from=&to=&province= (dates inclusive, the
-- province on either side, a province_admin's own):
--   open_licenses_declared  declarations made in the period (declared_on; the institution's
--                           province);
--   open_licenses_taken     licenses taken from declarations, signed in the period;
--   contracts_registered, registered_amount_fen
--                           technology contracts registered in the period (registered_on) and
--                           their registered amounts;
--   recordings_overdue      licenses signed in the period whose recording is overdue today.
-- The figures of 0021 stay in api_stats_summary_trials (renamed); api_stats_summary adds these
-- to them, each one grouped pass over an index on its date.

ALTER FUNCTION api_stats_summary(bigint, date, date, text) RENAME TO api_stats_summary_trials;

CREATE INDEX open_license_declarations_declared_on_idx ON open_license_declarations (declared_on);

CREATE FUNCTION api_stats_summary(p_actor bigint, p_from date, p_to date, p_province text)
RETURNS SETOF json
LANGUAGE plpgsql STABLE SET jit = off AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
    v_from date := coalesce(p_from, '-infinity'::date);
    v_to date := coalesce(p_to, 'infinity'::date);
    v_today date := tp_today();
    licensing jsonb;
BEGIN
    SELECT jsonb_build_object(
        'open_licenses_declared', (
            SELECT count(*) FROM open_license_declarations d
             WHERE d.declared_on BETWEEN v_from AND v_to
               AND (v_province IS NULL OR d.institution_province = v_province)),
        'open_licenses_taken', count(*) FILTER (WHERE l.source = 'open_license'
                                                  AND l.signed_on BETWEEN v_from AND v_to),
        'recordings_overdue', count(*) FILTER (WHERE l.signed_on BETWEEN v_from AND v_to
                                                 AND l.record_number IS NULL
                                                 AND l.recording_due_on < v_today),
        'contracts_registered', count(*) FILTER (WHERE l.registered_on BETWEEN v_from AND v_to),
        'registered_amount_fen', coalesce(sum(l.contract_amount_fen)
                                          FILTER (WHERE l.registered_on BETWEEN v_from AND v_to),
                                          0))
      INTO licensing
      FROM licenses l
     WHERE (l.signed_on BETWEEN v_from AND v_to OR l.registered_on BETWEEN v_from AND v_to)
       AND (v_province IS NULL OR l.institution_province = v_province
            OR l.enterprise_province = v_province);
    RETURN QUERY
    SELECT (s::jsonb || licensing)::json
      FROM api_stats_summary_trials(p_actor, p_from, p_to, p_province) AS s;
END
$$;
