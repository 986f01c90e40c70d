-- 0003_admins: creating administrators of the whole delta from the command line.

-- Creates an administrator of the whole delta unless a user has that email; returns the new
-- user's id, or NULL when the email is taken. Used by `techpool admin create` and the bootstrap
-- admin; audited as done by the system.
CREATE FUNCTION admin_create(p_email text, p_password_hash text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    INSERT INTO users (email, password_hash, role, contact_name)
    VALUES (lower(btrim(p_email)), p_password_hash, 'admin', 'Administrator')
    ON CONFLICT ON CONSTRAINT users_email_unique DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NOT NULL THEN
        PERFORM audit_write(NULL, 'user.create', 'user', new_id, NULL,
                            jsonb_build_object('email', lower(btrim(p_email)), 'role', 'admin'));
    END IF;
    RETURN new_id;
END
$$;
