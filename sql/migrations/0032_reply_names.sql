-- 0032_reply_names: the replies of trials, licenses, payments and compensation claims carry the
-- names a reader needs to know what they are looking at, not numbers alone.
--
-- Added to each (as additions to the contract):
--   achievement_title, institution_name, institution_province, institution_contact_name,
--   enterprise_name, enterprise_province, enterprise_contact_name
--     (a trial already had achievement_title, enterprise_name and both provinces);
-- and to a compensation claim, its license: the terms in brief, the overdue installments and
-- the royalty reports not filed, so that who decides it sees what defaulted (the claim's reason
-- is the one given when the license was marked defaulted).
--
-- The contact is the organisation's contact_name, which both parties gave for this purpose; no
-- e-mail address or other user data is shown. Every name is read by primary key, so lists pay
-- three index lookups a row.

-- The names of an achievement and of the two parties of a trial or license.
CREATE FUNCTION party_names_json(p_achievement_id bigint, p_institution_id bigint,
                                 p_enterprise_id bigint)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'achievement_title', (SELECT a.title FROM achievements a WHERE a.id = p_achievement_id),
        'institution_name', i.name, 'institution_province', i.province,
        'institution_contact_name', i.contact_name,
        'enterprise_name', e.name, 'enterprise_province', e.province,
        'enterprise_contact_name', e.contact_name)
      FROM (SELECT name, province, contact_name FROM institutions WHERE id = p_institution_id) i,
           (SELECT name, province, contact_name FROM enterprises WHERE id = p_enterprise_id) e
$$;

-- 0028's license_json, with the names.
CREATE OR REPLACE FUNCTION license_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT jsonb_build_object(
        'id', l.id, 'source', l.source, 'trial_id', l.trial_id,
        'open_license_id', l.open_license_id, 'achievement_id', l.achievement_id,
        'institution_id', l.institution_id, 'enterprise_id', l.enterprise_id,
        'terms', l.terms, 'payment_mode', l.payment_mode, 'total_fen', l.total_fen,
        'royalty_bp', l.royalty_bp, 'royalty_base', l.royalty_base,
        'license_years', l.license_years, 'exclusive', l.exclusive,
        'installments', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'seq', i.seq, 'kind', i.kind, 'due_on', i.due_on,
                       'amount_fen', i.amount_fen, 'paid_fen', i.paid_fen,
                       'overdue', l.status IN ('active', 'defaulted')
                                  AND installment_overdue(i.due_on, i.amount_fen, i.paid_fen))
                   ORDER BY i.seq)
              FROM installments i WHERE i.license_id = l.id), '[]'::jsonb),
        -- nothing is owed on a license until it is signed
        'issued_fen', CASE WHEN l.signed_at IS NOT NULL THEN l.issued_fen ELSE 0 END,
        'paid_fen', l.paid_fen,
        'outstanding_fen', CASE WHEN l.signed_at IS NOT NULL THEN l.issued_fen - l.paid_fen
                                ELSE 0 END,
        'reports_due', CASE WHEN l.status = 'active' THEN coalesce((
            SELECT jsonb_agg(jsonb_build_object('period', quarter_label(d.period_start),
                                                'due_on', d.due_on,
                                                'overdue', d.due_on < tp_today())
                             ORDER BY d.period_start)
              FROM license_reports_due(l) d), '[]'::jsonb) ELSE '[]'::jsonb END,
        'status', license_effective_status(l),
        'proposed_at', tp_instant(l.proposed_at),
        'signed_at', tp_instant(l.signed_at), 'signed_on', l.signed_on, 'ends_on', l.ends_on,
        'declined_at', tp_instant(l.declined_at), 'decline_reason', l.decline_reason,
        'defaulted_at', tp_instant(l.defaulted_at),
        'recording_due_on', l.recording_due_on, 'recording', license_recording_json(l),
        'registration', CASE WHEN l.registration_number IS NOT NULL THEN jsonb_build_object(
            'registration_number', l.registration_number, 'registered_on', l.registered_on,
            'registry_province', l.registry_province,
            'contract_amount_fen', l.contract_amount_fen) END)
        || party_names_json(l.achievement_id, l.institution_id, l.enterprise_id)
$$;

-- A payment names its license's achievement and parties: a list of payments is read without
-- the license beside it (exports, notices).
CREATE OR REPLACE FUNCTION payment_json(p payments) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'license_id', p.license_id, 'amount_fen', p.amount_fen,
        'paid_on', p.paid_on, 'reference', p.reference, 'recorded_by', p.recorded_by,
        'recorded_at', tp_instant(p.recorded_at))
        || coalesce((SELECT party_names_json(l.achievement_id, l.institution_id, l.enterprise_id)
                       FROM licenses l WHERE l.id = p.license_id), '{}'::jsonb)
$$;

-- What a claim's decider needs of the defaulted license: its terms in brief, what was owed
-- and paid, the installments unpaid past their due date and the quarters not reported.
CREATE FUNCTION compensation_license_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT jsonb_build_object(
        'id', l.id, 'source', l.source, 'status', l.status,
        'payment_mode', l.payment_mode, 'total_fen', l.total_fen,
        'royalty_bp', l.royalty_bp, 'royalty_base', l.royalty_base,
        'issued_fen', l.issued_fen, 'paid_fen', l.paid_fen,
        'signed_on', l.signed_on, 'ends_on', l.ends_on,
        'defaulted_at', tp_instant(l.defaulted_at),
        'overdue_installments', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'seq', i.seq, 'kind', i.kind, 'due_on', i.due_on,
                       'amount_fen', i.amount_fen, 'paid_fen', i.paid_fen,
                       'days_overdue', tp_today() - i.due_on)
                   ORDER BY i.seq)
              FROM installments i
             WHERE i.license_id = l.id
               AND installment_overdue(i.due_on, i.amount_fen, i.paid_fen)), '[]'::jsonb),
        'reports_overdue', coalesce((
            SELECT jsonb_agg(jsonb_build_object('period', quarter_label(d.period_start),
                                                'due_on', d.due_on)
                             ORDER BY d.period_start)
              FROM license_reports_due(l) d WHERE d.due_on < tp_today()), '[]'::jsonb))
$$;

-- 0015's compensation_json, with the names and the license.
CREATE OR REPLACE FUNCTION compensation_json(c compensations) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'license_id', c.license_id, 'province', c.province,
        'outstanding_fen', c.outstanding_fen, 'ratio_bp', c.ratio_bp,
        'amount_fen', c.amount_fen, 'above_province_cap', c.above_province_cap,
        'status', c.status, 'reason', c.reason,
        'decided_by', c.decided_by, 'decided_at', tp_instant(c.decided_at),
        'decision_reason', c.decision_reason, 'created_at', tp_instant(c.created_at))
        || coalesce((SELECT party_names_json(l.achievement_id, l.institution_id, l.enterprise_id)
                            || jsonb_build_object('license', compensation_license_json(l))
                       FROM licenses l WHERE l.id = c.license_id), '{}'::jsonb)
$$;

-- 0026's trials_effective with both parties' contacts (from the rows it joins already), and its
-- trial_json with the institution's name and the contacts: no sub-select, so that trial_json
-- is still inlined into the statements that call it.
CREATE OR REPLACE VIEW trials_effective AS
SELECT t.id, t.achievement_id, t.institution_id, t.institution_province,
       t.enterprise_id, t.enterprise_province, t.exclusive, t.purpose, t.planned_months,
       trial_effective_status(t.status, t.ends_on, tp_today()) AS status,
       t.requested_at, t.started_on, t.ends_on,
       CASE WHEN t.status = 'active' AND t.ends_on < tp_today()
            THEN trial_expired_at(t.ends_on) ELSE t.closed_at END AS closed_at,
       t.close_reason, t.license_id,
       t.status AS stored_status,
       a.title AS achievement_title, a.field,
       i.name AS institution_name,
       e.name AS enterprise_name, e.credit_code AS enterprise_credit_code,
       t.max_trial_months,
       CASE WHEN t.status = 'returned' THEN coalesce(t.reason_code, 'other') END AS reason_code,
       t.rating,
       t.terms, t.terms_agreed_on, t.terms_standard,
       CASE WHEN t.status = 'active' AND t.ends_on >= tp_today() THEN pl.id END
           AS proposed_license_id,
       i.contact_name AS institution_contact_name, e.contact_name AS enterprise_contact_name
  FROM trials t
  JOIN achievements a ON a.id = t.achievement_id
  JOIN institutions i ON i.id = t.institution_id
  JOIN enterprises e ON e.id = t.enterprise_id
  LEFT JOIN licenses pl ON pl.trial_id = t.id AND pl.status = 'proposed';


CREATE OR REPLACE FUNCTION trial_json(t trials_effective) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', t.id, 'achievement_id', t.achievement_id, 'achievement_title', t.achievement_title,
        'institution_id', t.institution_id, 'institution_province', t.institution_province,
        'enterprise_id', t.enterprise_id, 'enterprise_name', t.enterprise_name,
        'enterprise_province', t.enterprise_province, 'purpose', t.purpose,
        'planned_months', t.planned_months, 'max_trial_months', t.max_trial_months,
        'status', t.status,
        'requested_at', tp_instant(t.requested_at), 'started_on', t.started_on,
        'ends_on', t.ends_on, 'closed_at', tp_instant(t.closed_at),
        'close_reason', t.close_reason, 'license_id', t.license_id,
        'terms', t.terms, 'terms_agreed_on', t.terms_agreed_on,
        'terms_standard', t.terms_standard,
        'proposed_license_id', t.proposed_license_id,
        'extension', trial_extension_json(t.id),
        'reason_code', t.reason_code, 'rating', t.rating,
        'institution_name', t.institution_name,
        'institution_contact_name', t.institution_contact_name,
        'enterprise_contact_name', t.enterprise_contact_name)
$$;
