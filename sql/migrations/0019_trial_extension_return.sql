-- 0019_trial_extension_return: a trial can be extended within its limit, and a return says why.
--
-- Contract 1.1: the enterprise asks for `months` more (one pending request at a time); the
-- institution approves (ends_on and planned_months grow) or declines; planned_months never
-- exceeds max_trial_months, the achievement's trial_months when the trial was requested. A
-- return carries reason_code (technical_failure, not_mature, too_costly, market_changed, other;
-- default other) and an optional rating 1..5.
--
-- The database holds the rules: planned_months only grows, only while the trial is active and
-- not past its end, never past max_trial_months (trials_planned_within_max); reason_code and
-- rating belong to returned trials and are set once, by the return.

ALTER TABLE trials
    ADD COLUMN max_trial_months smallint,
    ADD COLUMN reason_code text,
    ADD COLUMN rating smallint;
UPDATE trials t SET max_trial_months = greatest(t.planned_months, a.trial_months)
  FROM achievements a WHERE a.id = t.achievement_id;
-- The default is the longest trial of any achievement: only a loader that skips the trigger
-- guards (which also skips trials_birth's limit) ever relies on it.
ALTER TABLE trials
    ALTER COLUMN max_trial_months SET NOT NULL,
    ALTER COLUMN max_trial_months SET DEFAULT 36,
    ADD CONSTRAINT trials_planned_within_max CHECK (planned_months <= max_trial_months),
    ADD CONSTRAINT trials_reason_code_valid CHECK (reason_code IS NULL OR reason_code IN (
        'technical_failure', 'not_mature', 'too_costly', 'market_changed', 'other')),
    ADD CONSTRAINT trials_rating_valid CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    ADD CONSTRAINT trials_return_details
        CHECK (status = 'returned' OR (reason_code IS NULL AND rating IS NULL));

-- A trial's limit is the achievement's trial_months when it is requested (after trials_birth,
-- which refused a plan beyond it).
CREATE FUNCTION trials_max_at_request() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.trial_months INTO NEW.max_trial_months
      FROM achievements a WHERE a.id = NEW.achievement_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_06_max_at_request BEFORE INSERT ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_max_at_request();

-- 0001's trials_change, with planned_months that grows by an extension, and the return's
-- details set once.
CREATE OR REPLACE FUNCTION trials_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.achievement_id <> OLD.achievement_id
       OR NEW.enterprise_id <> OLD.enterprise_id OR NEW.institution_id <> OLD.institution_id
       OR NEW.institution_province <> OLD.institution_province
       OR NEW.enterprise_province <> OLD.enterprise_province OR NEW.exclusive <> OLD.exclusive
       OR NEW.max_trial_months <> OLD.max_trial_months OR NEW.purpose <> OLD.purpose
       OR NEW.requested_at <> OLD.requested_at THEN
        RAISE EXCEPTION 'a trial keeps its parties, purpose, limit and request time'
            USING ERRCODE = '23514', CONSTRAINT = 'trials_fixed_columns';
    END IF;
    IF NEW.planned_months <> OLD.planned_months
       AND NOT (OLD.status = 'active' AND NEW.status = 'active'
                AND NEW.planned_months > OLD.planned_months AND OLD.ends_on >= tp_today()) THEN
        RAISE EXCEPTION 'planned months only grow, by extending an active trial'
            USING ERRCODE = '23514', CONSTRAINT = 'trials_fixed_columns';
    END IF;
    IF (NEW.reason_code, NEW.rating) IS DISTINCT FROM (OLD.reason_code, OLD.rating)
       AND NOT (OLD.status = 'active' AND NEW.status = 'returned') THEN
        RAISE EXCEPTION 'a return''s reason code and rating are given once, by the return'
            USING ERRCODE = '23514', CONSTRAINT = 'trials_fixed_columns';
    END IF;
    IF NEW.status = OLD.status THEN
        RETURN NEW;
    END IF;
    IF NOT (OLD.status, NEW.status) IN (
            ('requested', 'active'), ('requested', 'declined'), ('requested', 'cancelled'),
            ('active', 'converted'), ('active', 'returned'), ('active', 'expired')) THEN
        RAISE EXCEPTION 'a trial cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'TP409', CONSTRAINT = 'trials_status_transition';
    END IF;
    IF OLD.status = 'active' AND (NEW.status = 'expired') <> (OLD.ends_on < tp_today()) THEN
        RAISE EXCEPTION 'the trial %', CASE WHEN NEW.status = 'expired'
                THEN 'has not ended yet' ELSE 'has expired' END
            USING ERRCODE = 'TP409', CONSTRAINT = 'trials_status_transition';
    END IF;
    RETURN NEW;
END
$$;

CREATE TABLE trial_extensions (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    trial_id        bigint NOT NULL,
    months          smallint NOT NULL,
    reason          text NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    requested_by    bigint NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT tp_now(),
    decided_by      bigint,
    decided_at      timestamptz,
    decision_reason text,
    CONSTRAINT trial_extensions_pkey PRIMARY KEY (id),
    CONSTRAINT trial_extensions_trial_fk FOREIGN KEY (trial_id) REFERENCES trials (id),
    CONSTRAINT trial_extensions_requested_by_fk FOREIGN KEY (requested_by) REFERENCES users (id),
    CONSTRAINT trial_extensions_decided_by_fk FOREIGN KEY (decided_by) REFERENCES users (id),
    CONSTRAINT trial_extensions_months_valid CHECK (months BETWEEN 1 AND 35),
    CONSTRAINT trial_extensions_reason_valid CHECK (btrim(reason) <> '' AND length(reason) <= 2000),
    CONSTRAINT trial_extensions_status_valid CHECK (status IN ('pending', 'approved', 'declined')),
    CONSTRAINT trial_extensions_decision_set CHECK ((status = 'pending') = (decided_at IS NULL)
        AND (status = 'pending') = (decided_by IS NULL)),
    CONSTRAINT trial_extensions_decision_reason_valid CHECK (decision_reason IS NULL
        OR (btrim(decision_reason) <> '' AND length(decision_reason) <= 2000))
);
CREATE UNIQUE INDEX trial_extensions_one_pending ON trial_extensions (trial_id)
    WHERE status = 'pending';
CREATE INDEX trial_extensions_trial_idx ON trial_extensions (trial_id, id);

-- An extension request is decided once, and keeps what was asked.
CREATE FUNCTION trial_extensions_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.trial_id, NEW.months, NEW.reason, NEW.requested_by, NEW.requested_at)
       IS DISTINCT FROM
       (OLD.id, OLD.trial_id, OLD.months, OLD.reason, OLD.requested_by, OLD.requested_at)
       OR OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'an extension request is decided once and keeps what was asked'
            USING ERRCODE = 'TP409', CONSTRAINT = 'trial_extensions_decided_once';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER trial_extensions_20_change BEFORE UPDATE ON trial_extensions
    FOR EACH ROW EXECUTE FUNCTION trial_extensions_change();

-- The latest extension request of a trial as the contract writes it, or null.
CREATE FUNCTION trial_extension_json(p_trial_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('months', x.months, 'reason', x.reason, 'status', x.status,
                              'requested_at', tp_instant(x.requested_at),
                              'decided_at', tp_instant(x.decided_at),
                              'decision_reason', x.decision_reason)
      FROM trial_extensions x WHERE x.trial_id = p_trial_id
     ORDER BY x.id DESC LIMIT 1
$$;

-- trials_effective with the new columns (appended, as a view may only grow at its end).
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
       t.rating
  FROM trials t
  JOIN achievements a ON a.id = t.achievement_id
  JOIN institutions i ON i.id = t.institution_id
  JOIN enterprises e ON e.id = t.enterprise_id;

CREATE OR REPLACE FUNCTION trial_json(t trials_effective) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
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
        'extension', trial_extension_json(t.id),
        'reason_code', t.reason_code, 'rating', t.rating)
$$;

-- POST /api/v1/trials/{id}/return {"reason","reason_code"?,"rating"?}: the enterprise gives the
-- trial back while it is active ("no loss if it fails").
DROP FUNCTION api_trial_return(bigint, bigint, text);
CREATE FUNCTION api_trial_return(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'enterprise', 'return');
    PERFORM trial_require_status(t, 'active', 'returned');
    UPDATE trials
       SET status = 'returned', closed_at = tp_now(), close_reason = p_body->>'reason',
           reason_code = coalesce(p_body->>'reason_code', 'other'),
           rating = (p_body->>'rating')::smallint
     WHERE id = t.id
    RETURNING * INTO t;
    PERFORM audit_write(p_actor, 'trial.return', 'trial', t.id, '{"status": "active"}',
                        jsonb_build_object('status', 'returned', 'close_reason', t.close_reason,
                                           'reason_code', t.reason_code, 'rating', t.rating));
    RETURN trial_reply(t.id);
END
$$;

-- POST /api/v1/trials/{id}/extension {"months","reason"}: the enterprise asks for more months
-- while the trial is active; one pending request at a time (TP410), never past the trial's
-- limit (TP422 on months).
CREATE FUNCTION api_trial_extension_request(p_actor bigint, p_id bigint, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
    months smallint := (p_body->>'months')::smallint;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'enterprise', 'extend');
    PERFORM trial_require_status(t, 'active', 'extended');
    IF EXISTS (SELECT 1 FROM trial_extensions x WHERE x.trial_id = t.id AND x.status = 'pending') THEN
        PERFORM tp_raise('TP410', 'an extension request of this trial is already pending');
    END IF;
    IF t.planned_months + months > t.max_trial_months THEN
        PERFORM tp_raise('TP422', format('at most %s more months: the trial is planned for %s of '
                                         'at most %s', t.max_trial_months - t.planned_months,
                                         t.planned_months, t.max_trial_months), 'months');
    END IF;
    INSERT INTO trial_extensions (trial_id, months, reason, requested_by)
    VALUES (t.id, months, p_body->>'reason', p_actor);
    PERFORM audit_write(p_actor, 'trial.extension_request', 'trial', t.id, NULL,
                        jsonb_build_object('months', months, 'reason', p_body->>'reason'));
    RETURN trial_reply(t.id);
END
$$;

-- POST /api/v1/trials/{id}/extension/approve and /decline {"reason"}: the institution decides
-- the pending request (TP409 when none is); an approval moves ends_on and planned_months on.
CREATE FUNCTION trial_extension_decide(p_actor bigint, p_id bigint, p_status text,
                                       p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
    x trial_extensions;
    verb text := CASE p_status WHEN 'approved' THEN 'approve' ELSE 'decline' END;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'institution', verb || ' an extension of');
    SELECT * INTO x FROM trial_extensions
     WHERE trial_id = t.id AND status = 'pending' FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP409', 'no extension request of this trial is pending');
    END IF;
    IF p_status = 'approved' THEN
        PERFORM trial_require_status(t, 'active', 'extended');
        IF t.planned_months + x.months > t.max_trial_months THEN
            PERFORM tp_raise('TP422', format('the trial may last at most %s months',
                                             t.max_trial_months), 'months');
        END IF;
        UPDATE trials
           SET planned_months = planned_months + x.months,
               ends_on = (started_on + make_interval(months => planned_months + x.months))::date
         WHERE id = t.id;
    END IF;
    UPDATE trial_extensions
       SET status = p_status, decided_by = p_actor, decided_at = tp_now(),
           decision_reason = p_reason
     WHERE id = x.id;
    PERFORM audit_write(p_actor, 'trial.extension_' || verb, 'trial', t.id,
                        jsonb_build_object('planned_months', t.planned_months,
                                           'ends_on', t.ends_on),
                        (SELECT jsonb_build_object('planned_months', n.planned_months,
                                                   'ends_on', n.ends_on, 'months', x.months,
                                                   'reason', p_reason)
                           FROM trials n WHERE n.id = t.id));
    RETURN trial_reply(t.id);
END
$$;

CREATE FUNCTION api_trial_extension_approve(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT trial_extension_decide(p_actor, p_id, 'approved', NULL)
$$;

CREATE FUNCTION api_trial_extension_decline(p_actor bigint, p_id bigint, p_reason text)
RETURNS jsonb
LANGUAGE sql AS $$
    SELECT trial_extension_decide(p_actor, p_id, 'declined', p_reason)
$$;
