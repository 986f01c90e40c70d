-- 0004_accounts: signing in and out, who is signed in, and the accounts of the pool —
-- enterprises (self sign-up), institutions, users — one function per endpoint.
--
-- Passwords never reach the database in clear: the daemon verifies and hashes them (argon2id)
-- and passes only hashes. Session tokens arrive as their SHA-256.
--
-- Login throttling: failed logins are counted per account ('email:<address>') and per client
-- ('addr:<ip>') in a window of login_window_seconds(); at 10 failures for an account or 50 from
-- one client, further logins are refused with TP429 until the window ends. Unknown emails count
-- like known ones, so a 429 tells nothing about which accounts exist. A successful login clears
-- the account's count only: clearing the client's would let someone who owns one account reset
-- the limit on guessing the passwords of others.
--
-- Additions to the contract: POST /api/v1/users takes optional "institution_id" and
-- "enterprise_id" (an admin names the organisation of the staff member it adds; staff adding a
-- colleague may leave it out); GET /api/v1/me adds the caller's organisation as "institution"
-- or "enterprise" for staff.

-- ---------------------------------------------------------------------------------------------
-- Shared pieces

-- Institutions by province, newest first (GET /api/v1/institutions?province=).
CREATE INDEX institutions_province_idx ON institutions (province, id);

-- How long failed logins are remembered, in seconds.
CREATE FUNCTION login_window_seconds() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 900
$$;

-- The throttling keys of a login attempt.
CREATE FUNCTION login_email_key(email text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'email:' || lower(btrim(email))
$$;

CREATE FUNCTION login_address_key(address text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'addr:' || address
$$;

-- Raises TP410 when a user already has this email.
CREATE FUNCTION account_email_free(p_email text) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM users WHERE email = lower(btrim(p_email))) THEN
        PERFORM tp_raise('TP410', 'email: a user with this email is already registered');
    END IF;
END
$$;

-- The signed-in user behind an actor id; NULL fields for an anonymous caller or a disabled user.
CREATE FUNCTION account_actor(p_actor bigint) RETURNS users
LANGUAGE sql STABLE AS $$
    SELECT * FROM users WHERE id = p_actor AND NOT disabled
$$;

-- Adds a user (the caller has settled role and scope) and audits it; returns the new row.
CREATE FUNCTION account_user_insert(p_actor bigint, p_body jsonb, p_password_hash text,
                                    p_role text, p_province text, p_institution_id bigint,
                                    p_enterprise_id bigint)
RETURNS users
LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    PERFORM account_email_free(p_body->>'email');
    INSERT INTO users (email, password_hash, role, province, institution_id, enterprise_id,
                       contact_name)
    VALUES (lower(btrim(p_body->>'email')), p_password_hash, p_role, p_province,
            p_institution_id, p_enterprise_id, btrim(p_body->>'contact_name'))
    RETURNING * INTO u;
    PERFORM audit_write(p_actor, 'user.create', 'user', u.id, NULL, user_json(u));
    RETURN u;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/session, in two steps around the password check that the daemon does.

-- Step 1: refuses with TP429 while the account or the client is throttled; else the account
-- behind the email (no row when there is none or it is disabled).
CREATE FUNCTION api_session_lookup(p_email text, p_address text)
RETURNS TABLE (user_id bigint, password_hash text)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM login_throttle(ARRAY[login_email_key(p_email)], 10, login_window_seconds());
    PERFORM login_throttle(ARRAY[login_address_key(p_address)], 50, login_window_seconds());
    RETURN QUERY
        SELECT u.id, u.password_hash FROM users u
         WHERE u.email = lower(btrim(p_email)) AND NOT u.disabled;
END
$$;

-- Step 2a, wrong credentials: counts the failure against the account and the client.
CREATE FUNCTION api_session_refused(p_email text, p_address text) RETURNS void
LANGUAGE sql AS $$
    SELECT login_failure_record(ARRAY[login_email_key(p_email), login_address_key(p_address)],
                                login_window_seconds())
$$;

-- Step 2b, password verified against p_verified_hash: stores the session (by its token's hash),
-- replaces the password hash when the daemon made a stronger one, forgets the account's
-- failures, drops sessions idle for longer than p_idle_minutes, and audits the login.
-- Returns {"user"}; NULL when the account changed since step 1 (disabled, new password).
CREATE FUNCTION api_session_start(p_user_id bigint, p_verified_hash text, p_token_hash bytea,
                                  p_address text, p_new_hash text, p_idle_minutes integer)
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
    PERFORM login_failures_clear(ARRAY[login_email_key(u.email)]);
    PERFORM sessions_purge(p_idle_minutes);
    PERFORM session_start(u.id, p_token_hash);
    -- a session has no id of its own: it is filed under its user
    PERFORM audit_write(u.id, 'session.create', 'session', u.id, NULL,
                        jsonb_build_object('address', p_address,
                                           'password_rehashed', p_new_hash IS NOT NULL));
    RETURN json_build_object('user', user_json(u));
END
$$;

-- ---------------------------------------------------------------------------------------------
-- DELETE /api/v1/session: ends the session at once; true when there was one (audited).

CREATE FUNCTION api_session_end(p_token_hash bytea) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    owner bigint;
BEGIN
    SELECT s.user_id INTO owner FROM sessions s WHERE s.token_hash = p_token_hash FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM session_end(p_token_hash);
    PERFORM audit_write(owner, 'session.delete', 'session', owner, NULL, NULL);
    RETURN true;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- GET /api/v1/me: the user, with its organisation for staff.

CREATE FUNCTION api_me(p_actor bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT user_json(u)
           || CASE WHEN i.id IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('institution', institution_json(i)) END
           || CASE WHEN e.id IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('enterprise', enterprise_json(e)) END
      FROM users u
      LEFT JOIN institutions i ON i.id = u.institution_id
      LEFT JOIN enterprises e ON e.id = u.enterprise_id
     WHERE u.id = p_actor AND NOT u.disabled
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/enterprises: self sign-up of an enterprise and its first staff member. The
-- daemon has checked every value (credit code check digits included). A taken credit_code or
-- email is TP410; a sign-up racing past that check meets the unique constraints (23505).

CREATE FUNCTION api_enterprise_create(p_actor bigint, p_body jsonb, p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e enterprises;
    u users;
BEGIN
    IF EXISTS (SELECT 1 FROM enterprises WHERE credit_code = p_body->>'credit_code') THEN
        PERFORM tp_raise('TP410',
                         'credit_code: an enterprise with this credit code is already registered');
    END IF;
    PERFORM account_email_free(p_body->>'email');
    INSERT INTO enterprises (name, credit_code, province, contact_name)
    VALUES (btrim(p_body->>'name'), p_body->>'credit_code', p_body->>'province',
            btrim(p_body->>'contact_name'))
    RETURNING * INTO e;
    PERFORM audit_write(p_actor, 'enterprise.create', 'enterprise', e.id, NULL,
                        enterprise_json(e));
    u := account_user_insert(p_actor, p_body, p_password_hash, 'enterprise', NULL, NULL, e.id);
    RETURN json_build_object('enterprise', enterprise_json(e), 'user', user_json(u));
END
$$;

-- GET /api/v1/enterprises/{id}: for its staff, admins and the province_admin of its province;
-- NULL (not found) for everyone else.
CREATE FUNCTION api_enterprise_get(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT enterprise_json(e)
      FROM enterprises e, account_actor(p_actor) a
     WHERE e.id = p_id
       AND (a.role = 'admin'
            OR (a.role = 'province_admin' AND a.province = e.province)
            OR (a.role = 'enterprise' AND a.enterprise_id = e.id))
$$;

-- ---------------------------------------------------------------------------------------------
-- Institutions

-- POST /api/v1/institutions: an institution and its first staff member; by an admin, or by the
-- province_admin of the institution's province.
CREATE FUNCTION api_institution_create(p_actor bigint, p_body jsonb, p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a users := account_actor(p_actor);
    i institutions;
    u users;
BEGIN
    IF a.role IS DISTINCT FROM 'admin' AND a.role IS DISTINCT FROM 'province_admin' THEN
        PERFORM tp_raise('TP403', 'only administrators register institutions');
    END IF;
    IF a.role = 'province_admin' AND a.province <> p_body->>'province' THEN
        PERFORM tp_raise('TP403', 'a province admin registers institutions of its own province');
    END IF;
    PERFORM account_email_free(p_body->>'email');
    INSERT INTO institutions (name, name_en, province, kind, contact_name)
    VALUES (btrim(p_body->>'name'), btrim(p_body->>'name_en'), p_body->>'province',
            p_body->>'kind', btrim(p_body->>'contact_name'))
    RETURNING * INTO i;
    PERFORM audit_write(p_actor, 'institution.create', 'institution', i.id, NULL,
                        institution_json(i));
    u := account_user_insert(p_actor, p_body, p_password_hash, 'institution', NULL, i.id, NULL);
    RETURN json_build_object('institution', institution_json(i), 'user', user_json(u));
END
$$;

-- GET /api/v1/institutions/{id}: anyone.
CREATE FUNCTION api_institution_get(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT institution_json(i) FROM institutions i WHERE i.id = p_id
$$;

-- GET /api/v1/institutions?province=: anyone; newest first, keyset position = the last id.
CREATE FUNCTION api_institutions_list(p_province text, p_limit integer, p_after_id bigint)
RETURNS TABLE (items json, next_position text)
LANGUAGE sql STABLE AS $$
    WITH hits AS (
        SELECT i AS institution, i.id
          FROM institutions i
         WHERE (p_province IS NULL OR i.province = p_province)
           AND (p_after_id IS NULL OR i.id < p_after_id)
         ORDER BY i.id DESC
         LIMIT p_limit + 1
    ), page AS (
        SELECT h.institution, h.id, row_number() OVER (ORDER BY h.id DESC) AS n FROM hits h
    )
    SELECT coalesce(json_agg(institution_json(p.institution) ORDER BY p.n)
                        FILTER (WHERE p.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit
                THEN (min(p.id) FILTER (WHERE p.n <= p_limit))::text END
      FROM page p
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/users
--
-- An admin adds any role: an admin (no scope), a province_admin (province required), staff
-- (institution_id or enterprise_id required, naming an existing organisation). Institution staff
-- add role institution colleagues to their own institution, enterprise staff role enterprise
-- colleagues to their own enterprise (the organisation id may be left out). Anything else is
-- forbidden (TP403); a scope that does not fit the role is TP422 on the field at fault.
-- Returns {"user"}.

CREATE FUNCTION api_user_create(p_actor bigint, p_body jsonb, p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a users := account_actor(p_actor);
    new_role text := p_body->>'role';
    new_province text := p_body->>'province';
    new_institution_id bigint := (p_body->>'institution_id')::bigint;
    new_enterprise_id bigint := (p_body->>'enterprise_id')::bigint;
    u users;
BEGIN
    IF a.role = 'institution' THEN
        IF new_role <> 'institution' OR coalesce(new_institution_id, a.institution_id)
                                        <> a.institution_id THEN
            PERFORM tp_raise('TP403', 'institution staff add colleagues to their own institution');
        END IF;
        new_institution_id := a.institution_id;
    ELSIF a.role = 'enterprise' THEN
        IF new_role <> 'enterprise' OR coalesce(new_enterprise_id, a.enterprise_id)
                                       <> a.enterprise_id THEN
            PERFORM tp_raise('TP403', 'enterprise staff add colleagues to their own enterprise');
        END IF;
        new_enterprise_id := a.enterprise_id;
    ELSIF a.role IS DISTINCT FROM 'admin' THEN
        PERFORM tp_raise('TP403', 'only an admin or staff adding colleagues create users');
    END IF;

    IF new_province IS NOT NULL AND new_role <> 'province_admin' THEN
        PERFORM tp_raise('TP422', 'only a province_admin has a province', 'province');
    ELSIF new_province IS NULL AND new_role = 'province_admin' THEN
        PERFORM tp_raise('TP422', 'is required for a province_admin', 'province');
    END IF;
    IF new_institution_id IS NOT NULL AND new_role <> 'institution' THEN
        PERFORM tp_raise('TP422', 'only institution staff belong to an institution',
                         'institution_id');
    ELSIF new_institution_id IS NULL AND new_role = 'institution' THEN
        PERFORM tp_raise('TP422', 'is required for institution staff', 'institution_id');
    ELSIF new_institution_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM institutions i WHERE i.id = new_institution_id) THEN
        PERFORM tp_raise('TP422', 'no such institution', 'institution_id');
    END IF;
    IF new_enterprise_id IS NOT NULL AND new_role <> 'enterprise' THEN
        PERFORM tp_raise('TP422', 'only enterprise staff belong to an enterprise',
                         'enterprise_id');
    ELSIF new_enterprise_id IS NULL AND new_role = 'enterprise' THEN
        PERFORM tp_raise('TP422', 'is required for enterprise staff', 'enterprise_id');
    ELSIF new_enterprise_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.id = new_enterprise_id) THEN
        PERFORM tp_raise('TP422', 'no such enterprise', 'enterprise_id');
    END IF;

    u := account_user_insert(p_actor, p_body, p_password_hash, new_role, new_province,
                             new_institution_id, new_enterprise_id);
    RETURN json_build_object('user', user_json(u));
END
$$;
