-- 0047_typed_trials: the trial endpoints take their fields as typed parameters.
--
-- The daemon checks a body's shape once and passes each field as its own parameter, so the
-- functions no longer pick a JSON body apart again. The rules that join fields (a license's
-- installments add up to its total, a royalty rate exactly for the royalty modes) are kept here
-- only; the daemon no longer repeats them.

-- The royalty rate a payment mode allows: above 0 for the royalty modes, 0 otherwise.
CREATE FUNCTION payment_royalty_problem(p_mode text, p_royalty_bp integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN coalesce(p_mode IN ('royalty', 'lump_sum_plus_royalty'), false)
            THEN CASE WHEN p_royalty_bp <= 0 THEN 'must be positive for a royalty payment mode' END
        WHEN p_royalty_bp <> 0 THEN 'must be 0 for a payment mode without royalty'
    END
$$;

-- The terms an institution proposes fit together: a fixed total for the modes that have one,
-- the royalty rate for the mode, and installments that add up to the total.
CREATE FUNCTION license_proposal_require_valid(p_payment_mode text, p_total_fen bigint,
                                               p_royalty_bp integer, p_installments jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    problem text := payment_royalty_problem(p_payment_mode, p_royalty_bp);
    sum_fen numeric;
BEGIN
    IF p_total_fen = 0 AND p_payment_mode NOT IN ('royalty', 'equity') THEN
        PERFORM tp_raise('TP422', 'must be positive for this payment mode', 'total_fen');
    END IF;
    IF p_royalty_bp IS NOT NULL AND problem IS NOT NULL THEN
        PERFORM tp_raise('TP422', problem, 'royalty_bp');
    END IF;
    SELECT coalesce(sum((e->>'amount_fen')::numeric), 0) INTO sum_fen
      FROM jsonb_array_elements(p_installments) e;
    IF sum_fen <> p_total_fen THEN
        PERFORM tp_raise('TP422', format('amounts add up to %s fen, not total_fen %s', sum_fen,
                                         p_total_fen), 'installments');
    END IF;
END
$$;

DROP FUNCTION api_trial_request(bigint, bigint, jsonb);
CREATE FUNCTION api_trial_request(p_actor bigint, p_achievement_id bigint, p_purpose text,
                                  p_planned_months integer, p_terms boolean,
                                  p_payment_mode payment_mode, p_fee_fen bigint,
                                  p_fee_schedule jsonb, p_royalty_bp integer,
                                  p_royalty_base royalty_base, p_license_years integer,
                                  p_exclusive boolean, p_field_of_use text, p_territory text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    a achievements;
    -- the terms the enterprise asked for, laid over the standard ones; NULL when it sent none
    asked jsonb := CASE WHEN p_terms THEN jsonb_strip_nulls(jsonb_build_object(
        'payment_mode', p_payment_mode, 'fee_fen', p_fee_fen,
        'fee_schedule', CASE WHEN p_fee_schedule IS NULL AND p_fee_fen IS NOT NULL
                             THEN fee_schedule_default(p_fee_fen) ELSE p_fee_schedule END,
        'royalty_bp', p_royalty_bp, 'royalty_base', p_royalty_base,
        'license_years', p_license_years, 'exclusive', p_exclusive,
        'field_of_use', p_field_of_use, 'territory', p_territory)) END;
    terms jsonb;
    new_id bigint;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO a FROM achievements WHERE id = p_achievement_id FOR SHARE;
    IF NOT FOUND OR a.status <> 'listed' THEN
        PERFORM tp_raise('TP404', 'no such achievement');
    END IF;
    IF viewer.role IS DISTINCT FROM 'enterprise' THEN
        PERFORM tp_raise('TP403', 'only enterprise staff request trials');
    END IF;
    IF p_planned_months > a.trial_months THEN
        PERFORM tp_raise('TP422', format('at most %s months for this achievement',
                                         a.trial_months), 'planned_months');
    END IF;
    IF p_exclusive <> a.exclusive THEN
        PERFORM tp_raise('TP422', format('this achievement is offered %s',
                                         CASE WHEN a.exclusive THEN 'exclusively'
                                              ELSE 'non-exclusively' END), 'terms.exclusive');
    END IF;
    terms := achievement_standard_terms(a) || coalesce(asked, '{}'::jsonb);
    IF asked IS NULL AND terms_problem(terms) IS NOT NULL THEN
        PERFORM tp_raise('TP422', 'the achievement''s standard terms name no fee: propose terms',
                         'terms');
    END IF;
    PERFORM terms_require_valid(terms);
    PERFORM trials_sweep_expired_on(p_achievement_id);
    IF EXISTS (SELECT 1 FROM trials t
                WHERE t.enterprise_id = viewer.enterprise_id
                  AND t.achievement_id = p_achievement_id
                  AND t.status IN ('requested', 'active')) THEN
        PERFORM tp_raise('TP410', 'your enterprise already has an open trial of this achievement');
    END IF;
    -- the parties' provinces, the exclusivity and the limit are set by the birth triggers
    INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months, terms)
    VALUES (p_achievement_id, viewer.enterprise_id, p_purpose, p_planned_months, terms)
    RETURNING id, trials.terms INTO new_id, terms;
    PERFORM audit_write(p_actor, 'trial.request', 'trial', new_id, NULL,
                        jsonb_build_object('status', 'requested', 'achievement_id',
                                           p_achievement_id, 'planned_months', p_planned_months,
                                           'terms', terms));
    RETURN trial_reply(new_id);
END
$$;

DROP FUNCTION api_trial_return(bigint, bigint, jsonb);
CREATE FUNCTION api_trial_return(p_actor bigint, p_id bigint, p_reason text,
                                 p_reason_code return_reason_code, p_rating integer)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'enterprise', 'return');
    PERFORM trial_require_status(t, 'active', 'returned');
    UPDATE trials
       SET status = 'returned', closed_at = tp_now(), close_reason = p_reason,
           reason_code = coalesce(p_reason_code, 'other'), rating = p_rating
     WHERE id = t.id
    RETURNING * INTO t;
    PERFORM audit_write(p_actor, 'trial.return', 'trial', t.id, '{"status": "active"}',
                        jsonb_build_object('status', 'returned', 'close_reason', t.close_reason,
                                           'reason_code', t.reason_code, 'rating', t.rating));
    RETURN trial_reply(t.id);
END
$$;

DROP FUNCTION api_trial_extension_request(bigint, bigint, jsonb);
CREATE FUNCTION api_trial_extension_request(p_actor bigint, p_id bigint, p_months integer,
                                            p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'enterprise', 'extend');
    PERFORM trial_require_status(t, 'active', 'extended');
    IF EXISTS (SELECT 1 FROM trial_extensions x WHERE x.trial_id = t.id AND x.status = 'pending') THEN
        PERFORM tp_raise('TP410', 'an extension request of this trial is already pending');
    END IF;
    IF t.planned_months + p_months > t.max_trial_months THEN
        PERFORM tp_raise('TP422', format('at most %s more months: the trial is planned for %s of '
                                         'at most %s', t.max_trial_months - t.planned_months,
                                         t.planned_months, t.max_trial_months), 'months');
    END IF;
    INSERT INTO trial_extensions (trial_id, months, reason, requested_by)
    VALUES (t.id, p_months, p_reason, p_actor);
    PERFORM audit_write(p_actor, 'trial.extension_request', 'trial', t.id, NULL,
                        jsonb_build_object('months', p_months, 'reason', p_reason));
    RETURN trial_reply(t.id);
END
$$;

DROP FUNCTION api_trial_convert(bigint, bigint, jsonb);
DROP FUNCTION license_propose(trials, jsonb);

-- The institution's proposal from the trial's agreed terms and the fields it sets; the
-- installments' due days become the schedule's days after today.
CREATE FUNCTION license_propose(t trials, p_payment_mode payment_mode, p_total_fen bigint,
                                p_royalty_bp integer, p_royalty_base royalty_base,
                                p_license_years integer, p_installments jsonb)
RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    base jsonb := coalesce(t.terms, (SELECT achievement_standard_terms(a) FROM achievements a
                                       WHERE a.id = t.achievement_id));
    terms jsonb;
    lic licenses;
BEGIN
    IF EXISTS (SELECT 1 FROM licenses l WHERE l.trial_id = t.id AND l.status = 'proposed') THEN
        PERFORM tp_raise('TP410', 'this trial already has an open proposal');
    END IF;
    terms := jsonb_build_object(
        'payment_mode', p_payment_mode, 'fee_fen', p_total_fen,
        'fee_schedule', coalesce((
            SELECT jsonb_agg(jsonb_build_object('after_days', (x.e->>'due_on')::date - tp_today(),
                                                'amount_fen', (x.e->>'amount_fen')::bigint)
                             ORDER BY (x.e->>'due_on')::date, x.n)
              FROM jsonb_array_elements(p_installments) WITH ORDINALITY AS x(e, n)), '[]'::jsonb),
        'royalty_bp', coalesce(p_royalty_bp,
                               CASE WHEN p_payment_mode IN ('royalty', 'lump_sum_plus_royalty')
                                    THEN (base->>'royalty_bp')::int END, 0),
        'royalty_base', coalesce(p_royalty_base, base->>'royalty_base'),
        'license_years', coalesce(p_license_years, (base->>'license_years')::int),
        'exclusive', t.exclusive, 'field_of_use', base->'field_of_use',
        'territory', base->'territory', 'max_trial_months', t.max_trial_months);
    INSERT INTO licenses (trial_id, status, payment_mode, total_fen, royalty_bp, royalty_base,
                          license_years, issued_fen, terms)
    VALUES (t.id, 'proposed', p_payment_mode, (terms->>'fee_fen')::bigint,
            (terms->>'royalty_bp')::int, terms->>'royalty_base',
            (terms->>'license_years')::smallint, 0, terms)
    RETURNING * INTO lic;
    INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
    SELECT lic.id, row_number() OVER (ORDER BY (x.e->>'due_on')::date, x.n), 'fixed',
           (x.e->>'due_on')::date, (x.e->>'amount_fen')::bigint
      FROM jsonb_array_elements(p_installments) WITH ORDINALITY AS x(e, n);
    SELECT * INTO lic FROM licenses WHERE id = lic.id;
    RETURN lic;
END
$$;

-- The enterprise signs at the agreed terms and sends no fields (all NULL); the institution
-- proposes a license with them.
CREATE FUNCTION api_trial_convert(p_actor bigint, p_id bigint, p_payment_mode payment_mode,
                                  p_total_fen bigint, p_royalty_bp integer,
                                  p_royalty_base royalty_base, p_license_years integer,
                                  p_installments jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    t trials;
    lic licenses;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    IF viewer.role = 'enterprise' THEN
        t := trial_lock_for(p_actor, p_id, 'enterprise', 'convert');
        PERFORM trial_require_status(t, 'active', 'converted');
        lic := license_sign_agreed(t);
        PERFORM trial_converted(p_actor, t, lic);
    ELSE
        PERFORM license_proposal_require_valid(p_payment_mode, p_total_fen, p_royalty_bp,
                                               p_installments);
        t := trial_lock_for(p_actor, p_id, 'institution', 'convert');
        PERFORM trial_require_status(t, 'active', 'converted');
        lic := license_propose(t, p_payment_mode, p_total_fen, p_royalty_bp, p_royalty_base,
                               p_license_years, p_installments);
        SET CONSTRAINTS license_books_balance IMMEDIATE;
        PERFORM audit_write(p_actor, 'license.propose', 'license', lic.id, NULL,
                            license_json(lic));
    END IF;
    RETURN jsonb_build_object('license', (SELECT license_json(l) FROM licenses l
                                           WHERE l.id = lic.id));
END
$$;
