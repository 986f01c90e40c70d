-- 0029_annual_report: the yearly per-institution figures behind
-- GET /api/v1/exports/annual-report.xlsx?year=, modelled on the annual report on the
-- transformation of achievements (科技成果转化年度报告) that institutions file.
--
-- For each institution the caller may see (an admin: all; a province_admin: those of its
-- province; anyone else TP403, as every statistic: stats_scope), for the calendar year:
-- licenses signed (from trials, from open licenses), their contract amounts (the fixed fees
-- agreed), money received (payments dated in the year), contracts registered and their
-- registered amounts, trials started, returned and converted. Every institution in scope has a
-- row, zeros included. Each figure is one grouped pass: licenses by signed_on, payments by
-- paid_on (payments_paid_on_idx), registrations by registered_on, trials by the days they
-- started and closed.

CREATE INDEX licenses_signed_on_idx ON licenses (signed_on) WHERE signed_on IS NOT NULL;
CREATE INDEX licenses_registered_on_idx ON licenses (registered_on)
    WHERE registered_on IS NOT NULL;
CREATE INDEX trials_started_on_idx ON trials (started_on) WHERE started_on IS NOT NULL;

CREATE FUNCTION api_annual_report(p_actor bigint, p_year integer)
RETURNS TABLE (province text, institution_id bigint, institution_name text,
               licenses_from_trials bigint, licenses_from_open_licenses bigint,
               contract_fen bigint, received_fen bigint, contracts_registered bigint,
               registered_fen bigint, trials_started bigint, trials_returned bigint,
               trials_converted bigint)
LANGUAGE plpgsql STABLE SET jit = off AS $$
DECLARE
    v_province text := stats_scope(p_actor, NULL);
    y_from date;
    y_to date;
BEGIN
    IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 2100 THEN
        PERFORM tp_raise('TP422', 'must be a year from 2000 to 2100', 'year');
    END IF;
    y_from := make_date(p_year, 1, 1);
    y_to := make_date(p_year + 1, 1, 1);
    RETURN QUERY
    WITH signed AS (
        SELECT l.institution_id AS id,
               count(*) FILTER (WHERE l.source = 'trial') AS from_trials,
               count(*) FILTER (WHERE l.source = 'open_license') AS from_open,
               sum(l.total_fen) AS contract_fen
          FROM licenses l
         WHERE l.signed_on >= y_from AND l.signed_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), received AS (
        SELECT l.institution_id AS id, sum(p.amount_fen) AS fen
          FROM payments p JOIN licenses l ON l.id = p.license_id
         WHERE p.paid_on >= y_from AND p.paid_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), registered AS (
        SELECT l.institution_id AS id, count(*) AS contracts, sum(l.contract_amount_fen) AS fen
          FROM licenses l
         WHERE l.registered_on >= y_from AND l.registered_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), started AS (
        SELECT t.institution_id AS id, count(*) AS trials
          FROM trials t
         WHERE t.started_on >= y_from AND t.started_on < y_to
           AND (v_province IS NULL OR t.institution_province = v_province)
         GROUP BY 1
    ), closed AS (
        SELECT t.institution_id AS id,
               count(*) FILTER (WHERE t.status = 'returned') AS returned,
               count(*) FILTER (WHERE t.status = 'converted') AS converted
          FROM trials t
         WHERE t.status IN ('returned', 'converted') AND t.started_on < y_to
           AND t.closed_at >= y_from::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND t.closed_at < y_to::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND (v_province IS NULL OR t.institution_province = v_province)
         GROUP BY 1
    )
    SELECT i.province, i.id, i.name,
           coalesce(s.from_trials, 0), coalesce(s.from_open, 0), coalesce(s.contract_fen, 0)::bigint,
           coalesce(r.fen, 0)::bigint, coalesce(g.contracts, 0), coalesce(g.fen, 0)::bigint,
           coalesce(st.trials, 0), coalesce(c.returned, 0), coalesce(c.converted, 0)
      FROM institutions i
      LEFT JOIN signed s ON s.id = i.id
      LEFT JOIN received r ON r.id = i.id
      LEFT JOIN registered g ON g.id = i.id
      LEFT JOIN started st ON st.id = i.id
      LEFT JOIN closed c ON c.id = i.id
     WHERE v_province IS NULL OR i.province = v_province
     ORDER BY array_position(ARRAY['SH', 'JS', 'ZJ', 'AH'], i.province), i.id;
END
$$;
