-- 0025_sign_in_throttle: sign-in throttling that cannot be turned against an account's owner,
-- and limits on creating accounts, both decided before any password is hashed.
--
-- Sign-in: failures are counted per (account, client address) and per client address, and a
-- key past its free failures must wait 2^(n - free) seconds after its last failure (15 minutes
-- at most) before the next try, answered 429 with Retry-After without looking at the password:
-- 5 free failures for one account from one address, 20 from one address across accounts
-- (credential stuffing). The account alone is no longer a key: ten wrong passwords from
-- anywhere used to lock its owner out for 15 minutes, renewable forever; now the right password
-- from an address without recent failures always gets in.
-- Accounts: anonymous sign-ups are limited to 10 per address in 10 minutes, people added by a
-- signed-in user to 100 per user (429 with Retry-After), and a duplicate e-mail or credit code
-- is refused (409) before the daemon spends a hash on it.

ALTER TABLE login_failures ADD COLUMN last_at timestamptz NOT NULL DEFAULT tp_now();

CREATE OR REPLACE FUNCTION login_failure_record(keys text[], window_seconds integer)
RETURNS void
LANGUAGE sql AS $$
    DELETE FROM login_failures WHERE window_start < tp_now() - interval '1 day';
    INSERT INTO login_failures (key, window_start, failures, last_at)
    SELECT DISTINCT k, tp_now(), 1, tp_now() FROM unnest(keys) AS k
    ON CONFLICT (key) DO UPDATE SET
        window_start = CASE
            WHEN login_failures.window_start <= tp_now() - make_interval(secs => window_seconds)
            THEN tp_now() ELSE login_failures.window_start END,
        failures = CASE
            WHEN login_failures.window_start <= tp_now() - make_interval(secs => window_seconds)
            THEN 1 ELSE login_failures.failures + 1 END,
        last_at = tp_now();
$$;

-- The key of one account tried from one address (hashed: both parts together may be long).
CREATE FUNCTION login_pair_key(email text, address text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'pair:' || md5(lower(btrim(email)) || '|' || address)
$$;

-- Seconds a key must still wait: none while it has at most free_failures in its window, then
-- 2^(failures - free_failures) seconds after its last failure, at most cap_seconds.
CREATE FUNCTION login_wait_seconds(p_key text, free_failures integer, cap_seconds integer)
RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(max(greatest(0, ceil(extract(epoch FROM
               f.last_at + make_interval(secs => least(cap_seconds::float8,
                                                       power(2, f.failures - free_failures)))
               - tp_now())))::integer), 0)
      FROM login_failures f
     WHERE f.key = p_key AND f.failures > free_failures
       AND f.window_start > tp_now() - make_interval(secs => login_window_seconds())
$$;

-- Step 1 of POST /api/v1/session: TP429 (COLUMN = seconds to wait) while the pair or the
-- address must wait; else the account behind the email (no row when none or disabled).
CREATE OR REPLACE FUNCTION api_session_lookup(p_email text, p_address text)
RETURNS TABLE (user_id bigint, password_hash text)
LANGUAGE plpgsql AS $$
DECLARE
    wait integer := greatest(login_wait_seconds(login_pair_key(p_email, p_address), 5, 900),
                             login_wait_seconds(login_address_key(p_address), 20, 900));
BEGIN
    IF wait > 0 THEN
        PERFORM tp_raise('TP429', 'too many failed sign-ins from here; wait and try again',
                         wait::text);
    END IF;
    RETURN QUERY
        SELECT u.id, u.password_hash FROM users u
         WHERE u.email = lower(btrim(p_email)) AND NOT u.disabled;
END
$$;

-- Step 2a: counts the failure against the pair, the address and (for the record) the account.
CREATE OR REPLACE FUNCTION api_session_refused(p_email text, p_address text) RETURNS void
LANGUAGE sql AS $$
    SELECT login_failure_record(ARRAY[login_pair_key(p_email, p_address),
                                      login_address_key(p_address), login_email_key(p_email)],
                                login_window_seconds())
$$;

-- Step 2b (0004's), forgetting the failures of this account from this address as well.
CREATE OR REPLACE FUNCTION api_session_start(p_user_id bigint, p_verified_hash text,
                                             p_token_hash bytea, p_address text,
                                             p_new_hash text, p_idle_minutes integer)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND OR u.disabled OR u.password_hash <> p_verified_hash THEN
        RETURN NULL;
    END IF;
    IF p_new_hash IS NOT NULL THEN
        UPDATE users SET password_hash = p_new_hash WHERE id = u.id;
    END IF;
    PERFORM login_failures_clear(ARRAY[login_email_key(u.email),
                                       login_pair_key(u.email, p_address)]);
    PERFORM sessions_purge(p_idle_minutes);
    PERFORM session_start(u.id, p_token_hash);
    PERFORM audit_write(u.id, 'session.create', 'session', u.id, NULL,
                        jsonb_build_object('address', p_address,
                                           'password_rehashed', p_new_hash IS NOT NULL));
    RETURN json_build_object('user', user_json(u));
END
$$;

-- Before a new account's password is hashed: TP429 when the caller has made too many accounts
-- (or tried to) in 10 minutes — an anonymous sign-up: 10 from its address; a signed-in
-- administrator or staff member adding people: 100 — and TP410 when the e-mail or the credit
-- code is taken; else the attempt is counted. Runs as its own statement, so that the count
-- stands whatever follows.
CREATE FUNCTION api_account_admit(p_actor bigint, p_address text, p_email text,
                                  p_credit_code text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    key text := CASE WHEN p_actor IS NULL THEN 'accounts:' || p_address
                     ELSE 'accounts-by:' || p_actor END;
BEGIN
    PERFORM login_throttle(ARRAY[key], CASE WHEN p_actor IS NULL THEN 10 ELSE 100 END, 600);
    PERFORM account_email_free(p_email);
    IF p_credit_code IS NOT NULL
       AND EXISTS (SELECT 1 FROM enterprises WHERE credit_code = p_credit_code) THEN
        PERFORM tp_raise('TP410',
                         'credit_code: an enterprise with this credit code is already registered');
    END IF;
    PERFORM login_failure_record(ARRAY[key], 600);
END
$$;
