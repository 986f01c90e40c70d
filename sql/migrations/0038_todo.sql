-- 0038_todo: what waits for the caller — GET /api/v1/me/todo, the counts behind the menu's
-- to-do badge and the to-do page.
--
-- Per role, in this order (each item {"kind", "count"}; "total" adds them up):
--   institution     trial_requests      trials of its achievements waiting for a decision;
--                   extension_requests  extensions asked on its running trials;
--                   payments_due        unpaid installments of its active licenses that are due
--                                       (to receive and record);
--                   recordings_due      its licenses of patents not yet recorded with the patent
--                                       office, due within 14 days or overdue;
--   enterprise      proposals           license proposals waiting for its answer;
--                   reports_due         royalty reports of its active licenses due within 7
--                                       days or overdue;
--                   payments_due        unpaid installments of its active licenses due within
--                                       7 days or overdue;
--   province_admin, listings_to_review  achievements submitted for review (a province admin's:
--   admin                               of its province);
--                   claims_to_review    compensation claims pending (likewise).
-- Each count reads the caller's own rows through an index on its organisation or status.

CREATE INDEX installments_unpaid_idx ON installments (license_id, due_on)
    WHERE paid_fen < amount_fen;

CREATE FUNCTION api_me_todo(p_actor bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    u users;
    today date := tp_today();
    counts jsonb;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_actor AND NOT disabled;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP401', 'sign in to see what waits for you');
    END IF;
    IF u.role = 'institution' THEN
        counts := jsonb_build_array(
            jsonb_build_object('kind', 'trial_requests', 'count', (
                SELECT count(*) FROM trials t
                 WHERE t.institution_id = u.institution_id AND t.status = 'requested')),
            jsonb_build_object('kind', 'extension_requests', 'count', (
                SELECT count(*) FROM trials t JOIN trial_extensions x ON x.trial_id = t.id
                 WHERE t.institution_id = u.institution_id AND x.status = 'pending'
                   AND trial_effective_status(t.status, t.ends_on, today) = 'active')),
            jsonb_build_object('kind', 'payments_due', 'count', (
                SELECT count(*) FROM licenses l JOIN installments i ON i.license_id = l.id
                 WHERE l.institution_id = u.institution_id AND l.status = 'active'
                   AND i.paid_fen < i.amount_fen AND i.due_on <= today)),
            jsonb_build_object('kind', 'recordings_due', 'count', (
                SELECT count(*) FROM licenses l
                 WHERE l.institution_id = u.institution_id AND l.record_number IS NULL
                   AND l.recording_due_on <= today + 14
                   AND l.status IN ('active', 'settled', 'defaulted'))));
    ELSIF u.role = 'enterprise' THEN
        counts := jsonb_build_array(
            jsonb_build_object('kind', 'proposals', 'count', (
                SELECT count(*) FROM licenses l
                 WHERE l.enterprise_id = u.enterprise_id AND l.status = 'proposed'
                   AND license_effective_status(l) = 'proposed')),
            jsonb_build_object('kind', 'reports_due', 'count', (
                SELECT count(*) FROM licenses l, license_reports_due(l) d
                 WHERE l.enterprise_id = u.enterprise_id AND l.status = 'active'
                   AND l.payment_mode IN ('royalty', 'lump_sum_plus_royalty')
                   AND d.due_on <= today + 7)),
            jsonb_build_object('kind', 'payments_due', 'count', (
                SELECT count(*) FROM licenses l JOIN installments i ON i.license_id = l.id
                 WHERE l.enterprise_id = u.enterprise_id AND l.status = 'active'
                   AND i.paid_fen < i.amount_fen AND i.due_on <= today + 7)));
    ELSE
        counts := jsonb_build_array(
            jsonb_build_object('kind', 'listings_to_review', 'count', (
                SELECT count(*) FROM achievements a
                 WHERE a.status = 'pending'
                   AND (u.role = 'admin' OR a.province = u.province))),
            jsonb_build_object('kind', 'claims_to_review', 'count', (
                SELECT count(*) FROM compensations c
                 WHERE c.status = 'pending'
                   AND (u.role = 'admin' OR c.province = u.province))));
    END IF;
    RETURN jsonb_build_object(
        'total', (SELECT sum((x ->> 'count')::bigint) FROM jsonb_array_elements(counts) AS x),
        'items', counts);
END
$$;
