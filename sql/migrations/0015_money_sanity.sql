-- 0015_money_sanity: money follows the calendar of the license it belongs to.
--
-- A license could be signed with installments due in 1900 and any amount, marked defaulted
-- seconds later and a claim opened for half of it. Now, in the database:
--   - an installment falls due on or after the day its license is signed and at most ten years
--     later (installments_due_within_term, TP422 on installments);
--   - a payment is not dated before its license was signed (payments_paid_on_after_signing,
--     TP422 on paid_on);
--   - a claim opens only on a license signed at least 90 days before
--     (compensations_license_active_90_days, TP409);
--   - a claim above its province's cap for a single claim (province_compensation_ratios.
--     claim_cap_fen, default 5,000,000 yuan) opens flagged above_province_cap, and only a
--     delta administrator may approve it (compensations_above_cap_delta_approval, TP403); the
--     province's administrator may still reject it.

ALTER TABLE province_compensation_ratios
    ADD COLUMN claim_cap_fen bigint NOT NULL DEFAULT 500000000,
    ADD CONSTRAINT province_compensation_ratios_claim_cap_positive CHECK (claim_cap_fen > 0);

ALTER TABLE compensations ADD COLUMN above_province_cap boolean NOT NULL DEFAULT false;

CREATE FUNCTION installments_due_within_term() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    signed_on date;
BEGIN
    SELECT tp_date(l.signed_at) INTO signed_on FROM licenses l WHERE l.id = NEW.license_id;
    IF NEW.due_on < signed_on OR NEW.due_on > (signed_on + interval '10 years')::date THEN
        RAISE EXCEPTION 'an installment falls due from the day the license is signed (%) to ten '
                        'years later, not on %', signed_on, NEW.due_on
            USING ERRCODE = 'TP422', COLUMN = 'installments',
                  CONSTRAINT = 'installments_due_within_term';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER installments_05_due_within_term BEFORE INSERT OR UPDATE OF due_on ON installments
    FOR EACH ROW EXECUTE FUNCTION installments_due_within_term();

CREATE FUNCTION payments_paid_on_after_signing() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    signed_on date;
BEGIN
    SELECT tp_date(l.signed_at) INTO signed_on FROM licenses l WHERE l.id = NEW.license_id;
    IF NEW.paid_on < signed_on THEN
        RAISE EXCEPTION 'must not be before the license was signed on %', signed_on
            USING ERRCODE = 'TP422', COLUMN = 'paid_on',
                  CONSTRAINT = 'payments_paid_on_after_signing';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER payments_05_paid_on_after_signing BEFORE INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_paid_on_after_signing();

-- After compensations_05_birth, which sets the province.
CREATE FUNCTION compensations_claim_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    signed_on date;
BEGIN
    SELECT tp_date(l.signed_at) INTO signed_on FROM licenses l WHERE l.id = NEW.license_id;
    IF signed_on > tp_today() - 90 THEN
        RAISE EXCEPTION 'a claim needs the license to have been in force for 90 days (signed on %)',
                        signed_on
            USING ERRCODE = 'TP409', CONSTRAINT = 'compensations_license_active_90_days';
    END IF;
    NEW.above_province_cap := NEW.amount_fen > coalesce(
        (SELECT r.claim_cap_fen FROM province_compensation_ratios r
          WHERE r.province = NEW.province), 500000000);
    RETURN NEW;
END
$$;
CREATE TRIGGER compensations_10_claim_rules BEFORE INSERT ON compensations
    FOR EACH ROW EXECUTE FUNCTION compensations_claim_rules();

CREATE FUNCTION compensations_above_cap_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.above_province_cap <> OLD.above_province_cap THEN
        RAISE EXCEPTION 'a compensation claim keeps its license and amount'
            USING ERRCODE = '23514', CONSTRAINT = 'compensations_fixed_columns';
    END IF;
    IF NEW.status = 'approved' AND OLD.status = 'pending' AND OLD.above_province_cap
       AND NEW.decided_by IS NOT NULL  -- without a decider compensations_decision_set refuses
       AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.decided_by AND u.role = 'admin') THEN
        RAISE EXCEPTION 'this claim is above the province''s cap for one claim: a delta '
                        'administrator approves it'
            USING ERRCODE = 'TP403', CONSTRAINT = 'compensations_above_cap_delta_approval';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER compensations_30_above_cap_decision BEFORE UPDATE ON compensations
    FOR EACH ROW EXECUTE FUNCTION compensations_above_cap_decision();

CREATE OR REPLACE FUNCTION compensation_json(c compensations) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'license_id', c.license_id, 'province', c.province,
        'outstanding_fen', c.outstanding_fen, 'ratio_bp', c.ratio_bp,
        'amount_fen', c.amount_fen, 'above_province_cap', c.above_province_cap,
        'status', c.status, 'reason', c.reason,
        'decided_by', c.decided_by, 'decided_at', tp_instant(c.decided_at),
        'decision_reason', c.decision_reason, 'created_at', tp_instant(c.created_at))
$$;
