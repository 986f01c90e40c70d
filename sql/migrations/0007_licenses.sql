-- 0007_licenses: the license endpoints ("pay later") — list and detail, payments, default —
-- and risk compensation (list, approve, reject): one function per endpoint.
--
-- A license is seen by both parties' staff, admins and the province_admin of either side's
-- province (party_visible, 0006); only the institution (the payee) records payments and marks
-- a default. A compensation claim is seen and decided by admins: an admin, or the
-- province_admin of the institution's province (the claim's province).
--
-- Money moves under the license's row lock: a payment goes to the oldest unpaid installment
-- first (due date, then number), and the books (0001's license_books_balance) are checked
-- before the reply, so a mistake is an error of the statement and never reaches a commit.

-- ---------------------------------------------------------------------------------------------
-- Licenses

-- Locks an active license for a change by its institution. TP404 when the actor may not see
-- it, TP403 when the actor is not staff of its institution (p_verb names the action in the
-- message), TP409 when the license is not active (p_inactive: the message, %s its status).
CREATE FUNCTION license_lock_active(p_actor bigint, p_id bigint, p_verb text, p_inactive text)
RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'institution',
                                format('only the licensing institution may %s', p_verb));
    IF l.status <> 'active' THEN
        PERFORM tp_raise('TP409', format(p_inactive, l.status));
    END IF;
    RETURN l;
END
$$;

-- GET /api/v1/licenses?status=: newest first, keyset position = the last item's id. Planned
-- per call with the viewer's values, as api_trials_list (0006), so that a party's page comes
-- from its index.
CREATE FUNCTION api_licenses_list(p_actor bigint, p_status text, p_limit integer,
                                  p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM party_viewer(p_actor);
    RETURN QUERY EXECUTE $query$
        WITH hits AS (
            SELECT l.id
              FROM licenses l
             WHERE party_visible(l.institution_id, l.institution_province, l.enterprise_id,
                                 l.enterprise_province, $1, $2, $3, $4)
               AND ($5::text IS NULL OR l.status = $5)
               AND ($7::bigint IS NULL OR l.id < $7)
             ORDER BY l.id DESC
             LIMIT $6 + 1
        )
        SELECT * FROM keyset_page((SELECT jsonb_agg(license_json(l) ORDER BY l.id DESC)
                                     FROM hits JOIN licenses l ON l.id = hits.id), $6)
    $query$
    USING v.role, v.province, v.institution_id, v.enterprise_id, p_status, p_limit, p_after_id;
END
$$;

-- GET /api/v1/licenses/{id}: NULL when the caller may not see it.
CREATE FUNCTION api_license_get(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT license_json(l) FROM licenses l WHERE l.id = p_id AND party_visible_to(p_actor, l)
$$;

-- ---------------------------------------------------------------------------------------------
-- Payments

-- GET /api/v1/licenses/{id}/payments: newest first; TP404 when the license is not visible.
CREATE FUNCTION api_license_payments_list(p_actor bigint, p_license_id bigint,
                                          p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF api_license_get(p_actor, p_license_id) IS NULL THEN
        PERFORM tp_raise('TP404', 'no such license');
    END IF;
    RETURN QUERY
    WITH hits AS (
        SELECT p.id
          FROM payments p
         WHERE p.license_id = p_license_id
           AND (p_after_id IS NULL OR p.id < p_after_id)
         ORDER BY p.id DESC
         LIMIT p_limit + 1
    )
    SELECT * FROM keyset_page((SELECT jsonb_agg(payment_json(p) ORDER BY p.id DESC)
                                 FROM hits JOIN payments p ON p.id = hits.id), p_limit);
END
$$;

-- POST /api/v1/licenses/{id}/payments {"amount_fen","paid_on","reference"}: the institution
-- records money received on an active license. More than is outstanding is TP410 (409
-- conflict) and changes nothing; the payment that completes total_fen settles the license.
CREATE FUNCTION api_license_payment(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    amount bigint := (p_body->>'amount_fen')::bigint;
    paid_on date := (p_body->>'paid_on')::date;
    remaining bigint;
    share bigint;
    i installments;
    p payments;
BEGIN
    l := license_lock_active(p_actor, p_id, 'record payments', 'a %s license takes no payments');
    IF amount IS NULL OR amount <= 0 THEN
        PERFORM tp_raise('TP422', 'must be a positive number of fen', 'amount_fen');
    END IF;
    IF paid_on > tp_today() THEN
        PERFORM tp_raise('TP422', 'must not be in the future', 'paid_on');
    END IF;
    IF amount > l.total_fen - l.paid_fen THEN
        PERFORM tp_raise('TP410', format('%s fen is more than the %s fen outstanding',
                                         amount, l.total_fen - l.paid_fen));
    END IF;
    INSERT INTO payments (license_id, amount_fen, paid_on, reference, recorded_by)
    VALUES (p_id, amount, paid_on, p_body->>'reference', p_actor)
    RETURNING * INTO p;
    remaining := amount;
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
    UPDATE licenses
       SET paid_fen = paid_fen + amount,
           status = CASE WHEN paid_fen + amount = total_fen THEN 'settled' ELSE status END
     WHERE id = p_id
    RETURNING * INTO l;
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    PERFORM audit_write(p_actor, 'payment.record', 'payment', p.id, NULL, payment_json(p));
    IF l.status = 'settled' THEN
        PERFORM audit_write(p_actor, 'license.settle', 'license', p_id, '{"status": "active"}',
                            jsonb_build_object('status', 'settled', 'paid_fen', l.paid_fen));
    END IF;
    RETURN payment_json(p);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Default and risk compensation

-- POST /api/v1/licenses/{id}/default {"reason"}: the institution marks an active license
-- defaulted once an installment is 90 or more days overdue (unpaid and due_on at least 90 days
-- before today); a claim opens for outstanding_fen at the province's ratio (50 % unless set in
-- province_compensation_ratios) -> {"compensation"}.
CREATE FUNCTION api_license_default(p_actor bigint, p_id bigint, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    ratio integer;
    c compensations;
BEGIN
    l := license_lock_active(p_actor, p_id, 'mark a default', 'a %s license cannot default');
    IF NOT EXISTS (SELECT 1 FROM installments
                    WHERE license_id = p_id AND paid_fen < amount_fen
                      AND due_on <= tp_today() - 90) THEN
        PERFORM tp_raise('TP409', 'no installment is 90 or more days overdue');
    END IF;
    UPDATE licenses SET status = 'defaulted', defaulted_at = tp_now() WHERE id = p_id;
    SELECT coalesce((SELECT r.ratio_bp FROM province_compensation_ratios r
                      WHERE r.province = l.institution_province), 5000)
      INTO ratio;
    INSERT INTO compensations (license_id, province, outstanding_fen, ratio_bp, amount_fen,
                               reason)
    VALUES (p_id, l.institution_province, l.total_fen - l.paid_fen, ratio,
            compensation_amount_fen(l.total_fen - l.paid_fen, ratio), p_reason)
    RETURNING * INTO c;
    PERFORM audit_write(p_actor, 'license.default', 'license', p_id, '{"status": "active"}',
                        jsonb_build_object('status', 'defaulted', 'reason', p_reason));
    PERFORM audit_write(p_actor, 'compensation.open', 'compensation', c.id, NULL,
                        compensation_json(c));
    RETURN jsonb_build_object('compensation', compensation_json(c));
END
$$;

-- Whether a viewer decides claims of a province: an admin, or that province's province_admin.
-- NULL (not true) for a viewer without a role, as party_visible.
CREATE FUNCTION compensation_visible(province text, viewer_role text, viewer_province text)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT viewer_role = 'admin'
        OR (viewer_role = 'province_admin' AND province = viewer_province)
$$;

-- GET /api/v1/compensations?status=: newest first, keyset position = the last item's id;
-- planned per call with the viewer's values (a province_admin's page from
-- compensations_province_idx).
CREATE FUNCTION api_compensations_list(p_actor bigint, p_status text, p_limit integer,
                                       p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM party_viewer(p_actor);
    RETURN QUERY EXECUTE $query$
        WITH hits AS (
            SELECT c.id
              FROM compensations c
             WHERE compensation_visible(c.province, $1, $2)
               AND ($3::text IS NULL OR c.status = $3)
               AND ($5::bigint IS NULL OR c.id < $5)
             ORDER BY c.id DESC
             LIMIT $4 + 1
        )
        SELECT * FROM keyset_page((SELECT jsonb_agg(compensation_json(c) ORDER BY c.id DESC)
                                     FROM hits JOIN compensations c ON c.id = hits.id), $4)
    $query$
    USING v.role, v.province, p_status, p_limit, p_after_id;
END
$$;

-- POST /api/v1/compensations/{id}/approve {"reason"?} and /reject {"reason"}: a pending claim
-- is decided once (p_status: 'approved' or 'rejected'), the reason kept as decision_reason.
CREATE FUNCTION compensation_decide(p_actor bigint, p_id bigint, p_status text,
                                    p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    c compensations;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO c FROM compensations WHERE id = p_id FOR UPDATE;
    IF NOT FOUND
       OR NOT coalesce(compensation_visible(c.province, viewer.role, viewer.province), false) THEN
        PERFORM tp_raise('TP404', 'no such compensation claim');
    END IF;
    IF c.status <> 'pending' THEN
        PERFORM tp_raise('TP409', format('the claim is already %s', c.status));
    END IF;
    UPDATE compensations
       SET status = p_status, decided_by = p_actor, decided_at = tp_now(),
           decision_reason = p_reason
     WHERE id = p_id
    RETURNING * INTO c;
    PERFORM audit_write(p_actor,
                        'compensation.' || CASE p_status WHEN 'approved' THEN 'approve'
                                                         ELSE 'reject' END,
                        'compensation', p_id, '{"status": "pending"}',
                        jsonb_build_object('status', p_status, 'amount_fen', c.amount_fen,
                                           'decision_reason', p_reason));
    RETURN compensation_json(c);
END
$$;

CREATE FUNCTION api_compensation_approve(p_actor bigint, p_id bigint, p_reason text)
RETURNS jsonb
LANGUAGE sql AS $$
    SELECT compensation_decide(p_actor, p_id, 'approved', p_reason)
$$;

CREATE FUNCTION api_compensation_reject(p_actor bigint, p_id bigint, p_reason text)
RETURNS jsonb
LANGUAGE sql AS $$
    SELECT compensation_decide(p_actor, p_id, 'rejected', p_reason)
$$;
