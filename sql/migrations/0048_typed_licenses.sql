-- 0048_typed_licenses: a license's payments, reports and legal records take their fields as
-- typed parameters (as the trials do since 0047), and an open license's declared terms too; the
-- rule that joins an open license's fee kind, fee and royalty rate lives here only.

DROP FUNCTION api_license_payment(bigint, bigint, jsonb);
CREATE FUNCTION api_license_payment(p_actor bigint, p_id bigint, p_amount_fen bigint,
                                    p_paid_on date, p_reference text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    remaining bigint;
    share bigint;
    i installments;
    p payments;
BEGIN
    l := license_lock_active(p_actor, p_id, 'record payments', 'a %s license takes no payments');
    IF p_paid_on > tp_today() THEN
        PERFORM tp_raise('TP422', 'must not be in the future', 'paid_on');
    END IF;
    IF p_amount_fen > l.issued_fen - l.paid_fen THEN
        PERFORM tp_raise('TP410', format('%s fen is more than the %s fen issued and unpaid',
                                         p_amount_fen, l.issued_fen - l.paid_fen));
    END IF;
    INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_by)
    VALUES (p_id, p_amount_fen, p_paid_on, p_reference, p_actor)
    RETURNING * INTO p;
    remaining := p_amount_fen;
    FOR i IN SELECT * FROM installments
              WHERE license_id = p_id AND paid_fen < amount_fen
              ORDER BY due_on, seq
    LOOP
        share := least(remaining, i.amount_fen - i.paid_fen);
        UPDATE installments SET paid_fen = paid_fen + share
         WHERE license_id = p_id AND seq = i.seq;
        remaining := remaining - share;
        EXIT WHEN remaining = 0;
    END LOOP;
    UPDATE licenses SET paid_fen = paid_fen + p_amount_fen WHERE id = p_id;
    PERFORM audit_write(p_actor, 'payment.record', 'payment', p.id, NULL, payment_json(p));
    PERFORM license_settle_if_done(p_actor, p_id);
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    RETURN payment_json(p);
END
$$;

DROP FUNCTION api_license_recording(bigint, bigint, jsonb);
CREATE FUNCTION api_license_recording(p_actor bigint, p_id bigint, p_record_number text, p_recorded_on date)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'institution',
                                'only the licensing institution records a license');
    IF l.signed_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license is recorded once signed');
    END IF;
    IF l.recording_due_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license of no patent is not recorded with the patent office');
    END IF;
    IF p_recorded_on < l.signed_on OR p_recorded_on > tp_today() THEN
        PERFORM tp_raise('TP422', format('must be from the signing (%s) to today', l.signed_on),
                         'recorded_on');
    END IF;
    UPDATE licenses SET record_number = p_record_number, recorded_on = p_recorded_on
     WHERE id = p_id
    RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.record', 'license', p_id, NULL,
                        license_recording_json(l));
    RETURN license_json(l);
END
$$;

DROP FUNCTION api_license_registration(bigint, bigint, jsonb);
CREATE FUNCTION api_license_registration(p_actor bigint, p_id bigint, p_registration_number text, p_registered_on date,
                                         p_registry_province province, p_contract_amount_fen bigint)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    l licenses;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(party_visible_to(p_actor, l), false) THEN
        PERFORM tp_raise('TP404', 'no such license');
    END IF;
    IF NOT (viewer.role = 'institution' AND viewer.institution_id = l.institution_id
            OR viewer.role = 'enterprise' AND viewer.enterprise_id = l.enterprise_id) THEN
        PERFORM tp_raise('TP403', 'only a party to the license registers it');
    END IF;
    IF l.signed_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license is registered once signed');
    END IF;
    IF p_registered_on < l.signed_on OR p_registered_on > tp_today() THEN
        PERFORM tp_raise('TP422', format('must be from the signing (%s) to today', l.signed_on),
                         'registered_on');
    END IF;
    UPDATE licenses
       SET registration_number = p_registration_number, registered_on = p_registered_on,
           registry_province = p_registry_province, contract_amount_fen = p_contract_amount_fen
     WHERE id = p_id
    RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.register', 'license', p_id, NULL,
                        jsonb_build_object('registration_number', l.registration_number,
                                           'registered_on', l.registered_on,
                                           'registry_province', l.registry_province,
                                           'contract_amount_fen', l.contract_amount_fen));
    RETURN license_json(l);
END
$$;

DROP FUNCTION api_license_report(bigint, bigint, jsonb);
CREATE FUNCTION api_license_report(p_actor bigint, p_id bigint, p_period text, p_net_sales_fen bigint,
                                   p_profit_fen bigint, p_note text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    q date := quarter_start(p_period);
    base bigint;
    royalty bigint;
    seq_no int;
    r royalty_reports;
    installment jsonb;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'enterprise',
                                'only the licensee enterprise reports its sales');
    IF l.status <> 'active' THEN
        PERFORM tp_raise('TP409', format('a %s license takes no reports', l.status));
    END IF;
    IF NOT license_bills_royalty(l) THEN
        PERFORM tp_raise('TP409', 'this license bills no royalty');
    END IF;
    IF q IS NULL THEN
        PERFORM tp_raise('TP422', 'must be a quarter such as 2027-Q1', 'period');
    END IF;
    IF l.royalty_base = 'profit' AND p_profit_fen IS NULL THEN
        PERFORM tp_raise('TP422', 'this license''s royalty is on profit: report it', 'profit_fen');
    END IF;
    IF (q + interval '3 months')::date > tp_today() THEN
        PERFORM tp_raise('TP410', format('%s has not ended yet', p_period));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM license_quarters(l) x WHERE x = q) THEN
        PERFORM tp_raise('TP410', format('%s lies outside the license''s term (%s to %s)',
                                         p_period, l.signed_on, l.ends_on));
    END IF;
    IF EXISTS (SELECT 1 FROM royalty_reports x WHERE x.license_id = p_id AND x.period_start = q) THEN
        PERFORM tp_raise('TP410', format('%s is already reported', p_period));
    END IF;
    base := CASE WHEN l.royalty_base = 'profit' THEN p_profit_fen ELSE p_net_sales_fen END;
    royalty := CASE WHEN base > 0 THEN round(base::numeric * l.royalty_bp / 10000)::bigint
                    ELSE 0 END;
    IF royalty > 0 THEN
        SELECT coalesce(max(i.seq), 0) + 1 INTO seq_no FROM installments i WHERE i.license_id = p_id;
        INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
        VALUES (p_id, seq_no, 'royalty', tp_today() + 30, royalty);
        installment := jsonb_build_object('seq', seq_no, 'kind', 'royalty',
                                          'due_on', tp_today() + 30, 'amount_fen', royalty,
                                          'paid_fen', 0, 'overdue', false);
    END IF;
    INSERT INTO royalty_reports (license_id, period_start, net_sales_fen, profit_fen, note,
                                 royalty_fen, installment_seq, reported_by)
    VALUES (p_id, q, p_net_sales_fen, p_profit_fen, p_note, royalty, seq_no, p_actor)
    RETURNING * INTO r;
    PERFORM audit_write(p_actor, 'license.report', 'license', p_id, NULL, royalty_report_json(r));
    PERFORM license_settle_if_done(p_actor, p_id);
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    RETURN jsonb_build_object('report', royalty_report_json(r))
           || CASE WHEN installment IS NOT NULL
                   THEN jsonb_build_object('installment', installment) ELSE '{}' END;
END
$$;

DROP FUNCTION api_open_license_declare(bigint, bigint, jsonb);
CREATE FUNCTION api_open_license_declare(p_actor bigint, p_achievement_id bigint,
                                         p_patent_numbers jsonb, p_fee_kind fee_kind,
                                         p_fee_fen bigint, p_royalty_bp integer,
                                         p_royalty_base royalty_base, p_years integer,
                                         p_announcement_number text, p_announced_on date,
                                         p_guideline_exception text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
    d open_license_declarations;
    fee bigint := coalesce(p_fee_fen, 0);
    rate int := coalesce(p_royalty_bp, 0);
    base text := coalesce(p_royalty_base, 'net_sales');
    fixed boolean := p_fee_kind <> 'royalty';
    royalty boolean := p_fee_kind <> 'lump_sum';
BEGIN
    -- a fee exactly for the kinds with a fixed part, a rate exactly for those with a royalty
    IF (fee > 0) <> fixed THEN
        PERFORM tp_raise('TP422', CASE WHEN fixed THEN 'must be positive for this fee kind'
                                       ELSE 'must be 0 for a pure royalty' END, 'fee_fen');
    END IF;
    IF (rate > 0) <> royalty THEN
        PERFORM tp_raise('TP422', CASE WHEN royalty THEN 'must be positive for this fee kind'
                                       ELSE 'must be 0 for a lump sum' END, 'royalty_bp');
    END IF;
    a := achievement_lock_for(p_actor, p_achievement_id, 'institution',
                              'only its institution declares an open license');
    IF a.status <> 'listed' THEN
        PERFORM tp_raise('TP409', format('a %s achievement cannot be declared open', a.status));
    END IF;
    IF p_guideline_exception IS NULL
       AND (fee > 2000000000 OR rate > CASE base WHEN 'profit' THEN 4000 ELSE 2000 END) THEN
        PERFORM tp_raise('TP4AG', CASE WHEN fee > 2000000000
                THEN 'the national guidance puts a fixed fee at 20,000,000 yuan at most: give a guideline_exception'
                ELSE 'the national guidance puts a royalty at 20 % of net sales or 40 % of profit at most: give a guideline_exception' END,
            CASE WHEN fee > 2000000000 THEN 'fee_fen' ELSE 'royalty_bp' END);
    END IF;
    IF EXISTS (SELECT 1 FROM open_license_declarations x
                WHERE x.achievement_id = a.id AND x.status = 'active') THEN
        PERFORM tp_raise('TP410', 'the achievement already has an active open-license declaration');
    END IF;
    INSERT INTO open_license_declarations (achievement_id, patent_numbers, fee_kind, fee_fen,
                                           royalty_bp, royalty_base, years, announcement_number,
                                           announced_on, guideline_exception, declared_by)
    VALUES (a.id, achievement_text_array(p_patent_numbers), p_fee_kind, fee, rate, base,
            p_years, p_announcement_number, p_announced_on, p_guideline_exception, p_actor)
    RETURNING * INTO d;
    PERFORM audit_write(p_actor, 'open_license.declare', 'open_license', d.id, NULL,
                        open_license_json(d));
    RETURN open_license_json(d);
END
$$;

