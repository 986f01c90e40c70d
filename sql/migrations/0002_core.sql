-- 0002_core: shared SQL helpers that the endpoint functions (api_*) build on: errors, audit,
-- effective trial status, search, reply JSON, sessions, login throttling, idempotency.
--
-- Error convention: tp_raise(code, message, field) raises SQLSTATE code ('TP400' bad_request,
-- 'TP401' unauthenticated, 'TP403' forbidden, 'TP404' not_found, 'TP409' invalid_transition,
-- 'TP410' conflict, 'TP412' precondition_failed, 'TP422' invalid_field with COLUMN = field,
-- 'TP429' rate_limited with COLUMN = seconds to wait); the daemon maps them to the contract.

-- ---------------------------------------------------------------------------------------------
-- Errors and formats

CREATE FUNCTION tp_raise(code text, message text, field text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, COLUMN = coalesce(field, '');
END
$$;

-- An instant as the contract writes it: RFC 3339 in UTC to the second, '2026-03-01T08:00:00Z'.
CREATE FUNCTION tp_instant(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- ---------------------------------------------------------------------------------------------
-- Audit

-- Appends one event to the chain (audit_events_chain sets its id, time and hashes). Holds the
-- chain's head until the transaction ends, so call it last in a state change.
CREATE FUNCTION audit_write(actor bigint, action text, entity text, entity_id bigint,
                            before jsonb, after jsonb) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO audit_events (actor_id, action, entity, entity_id, before, after, hash)
    VALUES ($1, $2, $3, $4, $5, $6, '\x')
$$;

-- Recomputes the chain in id order up to the head. ok is false when an event's hash does not
-- match its contents (edited) or its prev_hash does not match the event before it (one deleted,
-- or inserted around the chain); first_bad_id is that event, or the head's last_id when the
-- newest events are missing. checked counts the events that verified.
CREATE FUNCTION audit_verify()
RETURNS TABLE (ok boolean, first_bad_id bigint, checked bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    head audit_head;
    e audit_events;
    prev bytea := NULL;
    last_seen bigint := 0;
BEGIN
    SELECT * INTO head FROM audit_head WHERE only_row;
    checked := 0;
    FOR e IN SELECT * FROM audit_events WHERE id <= head.last_id ORDER BY id LOOP
        IF e.prev_hash IS DISTINCT FROM prev
           OR e.hash IS DISTINCT FROM audit_event_hash(e.prev_hash, e.id, e.at, e.actor_id,
                                       e.action, e.entity, e.entity_id, e.before, e.after) THEN
            ok := false;
            first_bad_id := e.id;
            RETURN NEXT;
            RETURN;
        END IF;
        prev := e.hash;
        last_seen := e.id;
        checked := checked + 1;
    END LOOP;
    IF last_seen <> head.last_id OR prev IS DISTINCT FROM head.last_hash THEN
        ok := false;
        first_bad_id := head.last_id;
    ELSE
        ok := true;
        first_bad_id := NULL;
    END IF;
    RETURN NEXT;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Trials: the effective status

-- An active trial whose ends_on has passed is expired, swept or not.
CREATE FUNCTION trial_effective_status(status text, ends_on date, today date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN status = 'active' AND ends_on < today THEN 'expired' ELSE status END
$$;

CREATE FUNCTION trial_effective_status(status text, ends_on date) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT trial_effective_status(status, ends_on, tp_today())
$$;

-- The instant a trial expires: the start of the day after ends_on, Asia/Shanghai.
CREATE FUNCTION trial_expired_at(ends_on date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (ends_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
$$;

-- Trials as every reader must see them: status (and closed_at) effective as of tp_today(),
-- with what lists and exports show. stored_status is the column as stored; to filter by an
-- effective status on an index, use the stored column:
--   active:  stored_status = 'active' AND ends_on >= tp_today()
--   expired: stored_status = 'expired' OR (stored_status = 'active' AND ends_on < tp_today())
--   others:  stored_status = <it>
CREATE VIEW trials_effective AS
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
       e.name AS enterprise_name, e.credit_code AS enterprise_credit_code
  FROM trials t
  JOIN achievements a ON a.id = t.achievement_id
  JOIN institutions i ON i.id = t.institution_id
  JOIN enterprises e ON e.id = t.enterprise_id;

-- Stores the expiry of every active trial past its ends_on (closed at trial_expired_at), with an
-- audit event each. Call it before checking the open-trial and exclusive rules so that a stale
-- active row does not block a new request or approval. Returns how many it expired.
CREATE FUNCTION trials_sweep_expired() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    expired_id bigint;
    n integer := 0;
BEGIN
    FOR expired_id IN
        UPDATE trials SET status = 'expired', closed_at = trial_expired_at(ends_on)
         WHERE status = 'active' AND ends_on < tp_today()
        RETURNING id
    LOOP
        PERFORM audit_write(NULL, 'trial.expire', 'trial', expired_id,
                            '{"status": "active"}', '{"status": "expired"}');
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Search

-- The index condition for q: the AND of its distinct 2-grams, plus any character that is in no
-- 2-gram (a one-character query, or a character beside whitespace). Every text that contains q
-- matches it, so it only narrows; recheck with search_match. NULL when q has no gram (empty or
-- blank): then skip the condition.
CREATE FUNCTION search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH query AS (
        SELECT lower(q) AS t
    ), pairs AS (
        SELECT DISTINCT g FROM (
            SELECT m[1] AS g FROM query, regexp_matches(query.t, '..', 'g') AS m
            UNION ALL
            SELECT m[1] FROM query, regexp_matches(substr(query.t, 2), '..', 'g') AS m
        ) AS p WHERE g !~ '\s'
    ), singles AS (
        SELECT DISTINCT c AS g FROM query, regexp_split_to_table(query.t, '') AS c
         WHERE c <> '' AND c !~ '\s'
           AND NOT EXISTS (SELECT 1 FROM pairs WHERE strpos(pairs.g, c) > 0)
    ), grams AS (
        SELECT g FROM pairs UNION ALL SELECT g FROM singles
    )
    SELECT string_agg('''' || replace(replace(g, '\', '\\'), '''', '''''') || '''', ' & '
                      ORDER BY g)::tsquery
      FROM grams
$$;

-- Whether q occurs (case-insensitively) in the title, title_en, abstract or a keyword. A plain
-- expression (STABLE, no subquery) so that the planner inlines it: three times faster as the
-- recheck of a gram index scan than a function call per row.
CREATE FUNCTION search_match(q text, title text, title_en text, abstract text, keywords text[])
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT strpos(lower(title), lower(q)) > 0
        OR strpos(lower(coalesce(title_en, '')), lower(q)) > 0
        OR strpos(lower(abstract), lower(q)) > 0
        OR strpos(lower(array_to_string(keywords, E'\n')), lower(q)) > 0
$$;

-- How well an achievement answers q: 2 when q is in a title, 1 in a keyword, 0 otherwise.
CREATE FUNCTION search_rank(q text, title text, title_en text, keywords text[]) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN strpos(lower(title), lower(q)) > 0
          OR strpos(lower(coalesce(title_en, '')), lower(q)) > 0 THEN 2
        WHEN strpos(lower(array_to_string(keywords, E'\n')), lower(q)) > 0 THEN 1
        ELSE 0
    END
$$;

-- ---------------------------------------------------------------------------------------------
-- Reply JSON: the contract's fields for each object

CREATE FUNCTION institution_json(i institutions) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', i.id, 'name', i.name, 'name_en', i.name_en, 'province', i.province,
        'kind', i.kind, 'contact_name', i.contact_name, 'created_at', tp_instant(i.created_at))
$$;

CREATE FUNCTION enterprise_json(e enterprises) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', e.id, 'name', e.name, 'credit_code', e.credit_code, 'province', e.province,
        'contact_name', e.contact_name, 'created_at', tp_instant(e.created_at))
$$;

-- Never the password hash.
CREATE FUNCTION user_json(u users) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', u.id, 'email', u.email, 'role', u.role, 'province', u.province,
        'institution_id', u.institution_id, 'enterprise_id', u.enterprise_id,
        'contact_name', u.contact_name, 'created_at', tp_instant(u.created_at),
        'disabled', u.disabled)
$$;

CREATE FUNCTION achievement_json(a achievements) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'institution_id', a.institution_id,
        'institution_name', (SELECT name FROM institutions WHERE id = a.institution_id),
        'province', a.province, 'title', a.title, 'title_en', a.title_en,
        'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
        'patent_numbers', to_jsonb(a.patent_numbers), 'keywords', to_jsonb(a.keywords),
        'maturity', a.maturity, 'trial_months', a.trial_months,
        'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen,
        'royalty_bp', a.royalty_bp, 'exclusive', a.exclusive, 'open_license', a.open_license,
        'status', a.status, 'reject_reason', a.reject_reason,
        'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
        'version', a.version)
$$;

CREATE FUNCTION trial_json(t trials_effective) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', t.id, 'achievement_id', t.achievement_id, 'achievement_title', t.achievement_title,
        'institution_id', t.institution_id, 'institution_province', t.institution_province,
        'enterprise_id', t.enterprise_id, 'enterprise_name', t.enterprise_name,
        'enterprise_province', t.enterprise_province, 'purpose', t.purpose,
        'planned_months', t.planned_months, 'status', t.status,
        'requested_at', tp_instant(t.requested_at), 'started_on', t.started_on,
        'ends_on', t.ends_on, 'closed_at', tp_instant(t.closed_at),
        'close_reason', t.close_reason, 'license_id', t.license_id)
$$;

-- An installment is overdue when it is not fully paid and its due date has passed.
CREATE FUNCTION installment_overdue(due_on date, amount_fen bigint, paid_fen bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT paid_fen < amount_fen AND due_on < tp_today()
$$;

CREATE FUNCTION license_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', l.id, 'trial_id', l.trial_id, 'achievement_id', l.achievement_id,
        'institution_id', l.institution_id, 'enterprise_id', l.enterprise_id,
        'payment_mode', l.payment_mode, 'total_fen', l.total_fen, 'royalty_bp', l.royalty_bp,
        'installments', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'seq', i.seq, 'due_on', i.due_on, 'amount_fen', i.amount_fen,
                       'paid_fen', i.paid_fen,
                       'overdue', installment_overdue(i.due_on, i.amount_fen, i.paid_fen))
                   ORDER BY i.seq)
              FROM installments i WHERE i.license_id = l.id), '[]'::jsonb),
        'paid_fen', l.paid_fen, 'outstanding_fen', l.total_fen - l.paid_fen,
        'status', l.status, 'signed_at', tp_instant(l.signed_at),
        'defaulted_at', tp_instant(l.defaulted_at))
$$;

CREATE FUNCTION payment_json(p payments) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', p.id, 'license_id', p.license_id, 'amount_fen', p.amount_fen,
        'paid_on', p.paid_on, 'reference', p.reference, 'recorded_by', p.recorded_by,
        'recorded_at', tp_instant(p.recorded_at))
$$;

CREATE FUNCTION compensation_json(c compensations) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', c.id, 'license_id', c.license_id, 'province', c.province,
        'outstanding_fen', c.outstanding_fen, 'ratio_bp', c.ratio_bp,
        'amount_fen', c.amount_fen, 'status', c.status, 'reason', c.reason,
        'decided_by', c.decided_by, 'decided_at', tp_instant(c.decided_at),
        'decision_reason', c.decision_reason, 'created_at', tp_instant(c.created_at))
$$;

CREATE FUNCTION audit_event_json(e audit_events) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', e.id, 'at', tp_instant(e.at), 'actor_id', e.actor_id, 'action', e.action,
        'entity', e.entity, 'entity_id', e.entity_id, 'before', e.before, 'after', e.after,
        'hash', encode(e.hash, 'hex'))
$$;

-- ---------------------------------------------------------------------------------------------
-- Sessions

CREATE FUNCTION session_start(user_id bigint, token_hash bytea) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO sessions (token_hash, user_id) VALUES ($2, $1)
$$;

-- The user behind a session token's hash, with the province of the caller's scope (a
-- province_admin's own, staff's organisation's), or no row when the session is unknown, idle for
-- more than idle_minutes (it is then removed) or its user is disabled. Marks the session seen, at
-- most once a minute so that reads rarely write.
CREATE FUNCTION session_resolve(token_hash bytea, idle_minutes integer)
RETURNS TABLE (user_id bigint, role text, province text, institution_id bigint,
               enterprise_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
    s sessions;
BEGIN
    SELECT * INTO s FROM sessions WHERE sessions.token_hash = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF s.last_seen_at < tp_now() - make_interval(mins => idle_minutes) THEN
        DELETE FROM sessions WHERE sessions.token_hash = $1;
        RETURN;
    END IF;
    IF s.last_seen_at < tp_now() - interval '1 minute' THEN
        UPDATE sessions SET last_seen_at = tp_now() WHERE sessions.token_hash = $1;
    END IF;
    RETURN QUERY
        SELECT u.id, u.role, coalesce(u.province, i.province, e.province), u.institution_id,
               u.enterprise_id
          FROM users u
          LEFT JOIN institutions i ON i.id = u.institution_id
          LEFT JOIN enterprises e ON e.id = u.enterprise_id
         WHERE u.id = s.user_id AND NOT u.disabled;
END
$$;

-- Ends a session at once; true when there was one.
CREATE FUNCTION session_end(token_hash bytea) RETURNS boolean
LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM sessions WHERE sessions.token_hash = $1 RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM gone)
$$;

-- Removes sessions idle for more than idle_minutes; returns how many.
CREATE FUNCTION sessions_purge(idle_minutes integer) RETURNS integer
LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM sessions
                   WHERE last_seen_at < tp_now() - make_interval(mins => idle_minutes)
                   RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;

-- ---------------------------------------------------------------------------------------------
-- Login throttling: failures counted per key (e.g. 'email:a@b.cn', 'addr:203.0.113.9') in a
-- window that opens at the first failure and lasts window_seconds.

-- Raises TP429 (COLUMN = seconds to wait) when any key has max_failures or more in its window.
CREATE FUNCTION login_throttle(keys text[], max_failures integer, window_seconds integer)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    wait_seconds integer;
BEGIN
    SELECT max(ceil(extract(epoch FROM
               f.window_start + make_interval(secs => window_seconds) - tp_now())))::integer
      INTO wait_seconds
      FROM login_failures f
     WHERE f.key = ANY (keys) AND f.failures >= max_failures
       AND f.window_start > tp_now() - make_interval(secs => window_seconds);
    IF wait_seconds IS NOT NULL THEN
        PERFORM tp_raise('TP429', 'too many failed logins; try again later',
                         greatest(wait_seconds, 1)::text);
    END IF;
END
$$;

-- Counts one failure against each key. It must commit: record it in a statement that then
-- returns normally (the reply is 401), not in one that raises afterwards.
CREATE FUNCTION login_failure_record(keys text[], window_seconds integer) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE window_start < tp_now() - interval '1 day';
    INSERT INTO login_failures (key, window_start, failures)
    SELECT DISTINCT k, tp_now(), 1 FROM unnest(keys) AS k
    ON CONFLICT (key) DO UPDATE SET
        window_start = CASE
            WHEN login_failures.window_start <= tp_now() - make_interval(secs => window_seconds)
            THEN tp_now() ELSE login_failures.window_start END,
        failures = CASE
            WHEN login_failures.window_start <= tp_now() - make_interval(secs => window_seconds)
            THEN 1 ELSE login_failures.failures + 1 END;
$$;

-- Forgets the failures of keys (after a successful login).
CREATE FUNCTION login_failures_clear(keys text[]) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE key = ANY (keys)
$$;

-- ---------------------------------------------------------------------------------------------
-- Idempotency keys (kept 24 hours)
--
-- Within one transaction (an api_* function): idempotency_begin; on 'replay' return the stored
-- body; on 'new' do the work, then idempotency_finish with the reply, all before commit.
-- Across statements: idempotency_begin commits a claim; then the work; then idempotency_finish,
-- or idempotency_release when the work failed. Outcomes: 'new', 'replay' (status and body of
-- the first reply), 'mismatch' (same key, other request: 422 idempotency_conflict),
-- 'in_flight' (the first is still running: 409 idempotency_conflict). A claim left unfinished
-- for 10 minutes (a daemon that died) is taken over.

CREATE FUNCTION idempotency_begin(user_id bigint, key text, request_hash bytea)
RETURNS TABLE (outcome text, status integer, body text)
LANGUAGE plpgsql AS $$
DECLARE
    k idempotency_keys;
BEGIN
    IF NOT pg_try_advisory_xact_lock(7401, hashtext($1::text || ' ' || $2)) THEN
        RETURN QUERY SELECT 'in_flight'::text, NULL::integer, NULL::text;
        RETURN;
    END IF;
    DELETE FROM idempotency_keys i
     WHERE i.user_id = $1 AND i.key = $2
       AND (i.created_at < tp_now() - interval '24 hours'
            OR (i.status IS NULL AND i.created_at < tp_now() - interval '10 minutes'));
    SELECT * INTO k FROM idempotency_keys i WHERE i.user_id = $1 AND i.key = $2;
    IF NOT FOUND THEN
        INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3);
        RETURN QUERY SELECT 'new'::text, NULL::integer, NULL::text;
    ELSIF k.request_hash <> $3 THEN
        RETURN QUERY SELECT 'mismatch'::text, NULL::integer, NULL::text;
    ELSIF k.status IS NULL THEN
        RETURN QUERY SELECT 'in_flight'::text, NULL::integer, NULL::text;
    ELSE
        RETURN QUERY SELECT 'replay'::text, k.status, k.body;
    END IF;
END
$$;

-- Stores the reply of a claimed key; true when the claim was there to finish.
CREATE FUNCTION idempotency_finish(user_id bigint, key text, status integer, body text)
RETURNS boolean
LANGUAGE sql AS $$
    WITH done AS (
        UPDATE idempotency_keys i SET status = $3, body = $4
         WHERE i.user_id = $1 AND i.key = $2 AND i.status IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM done)
$$;

-- Drops an unfinished claim (the work failed), so that a retry runs it again.
CREATE FUNCTION idempotency_release(user_id bigint, key text) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM idempotency_keys i WHERE i.user_id = $1 AND i.key = $2 AND i.status IS NULL
$$;

-- Removes keys older than 24 hours; returns how many.
CREATE FUNCTION idempotency_purge() RETURNS integer
LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM idempotency_keys
                   WHERE created_at < tp_now() - interval '24 hours' RETURNING 1)
    SELECT count(*)::integer FROM gone
$$;
