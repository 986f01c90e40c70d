-- 0050_typed_accounts: creating an enterprise, an institution or a user takes the fields as
-- typed parameters (as the trials do since 0047); the password reaches the database only as its
-- hash, as before.

DROP FUNCTION api_enterprise_create(bigint, jsonb, text);
DROP FUNCTION api_institution_create(bigint, jsonb, text);
DROP FUNCTION api_user_create(bigint, jsonb, text);
DROP FUNCTION account_user_insert(bigint, jsonb, text, text, text, bigint, bigint);

CREATE FUNCTION account_user_insert(p_actor bigint, p_email text, p_contact_name text,
                                    p_password_hash text, p_role text, p_province text,
                                    p_institution_id bigint, p_enterprise_id bigint)
RETURNS public.users
LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    PERFORM account_email_free(p_email);
    INSERT INTO users (email, password_hash, role, province, institution_id, enterprise_id,
                       contact_name)
    VALUES (lower(btrim(p_email)), p_password_hash, p_role, p_province,
            p_institution_id, p_enterprise_id, btrim(p_contact_name))
    RETURNING * INTO u;
    PERFORM audit_write(p_actor, 'user.create', 'user', u.id, NULL, user_json(u));
    RETURN u;
END
$$;

CREATE FUNCTION api_enterprise_create(p_actor bigint, p_name text, p_credit_code text,
                                      p_province province, p_scale enterprise_scale,
                                      p_contact_name text, p_email text, p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e enterprises;
    u users;
BEGIN
    IF NOT credit_code_in_province(p_credit_code, p_province) THEN
        PERFORM tp_raise('TP422', format('is registered in division %s, outside the province %s',
                                         substring(p_credit_code FROM 3 FOR 6), p_province),
                         'credit_code');
    END IF;
    IF EXISTS (SELECT 1 FROM enterprises WHERE credit_code = p_credit_code) THEN
        PERFORM tp_raise('TP410',
                         'credit_code: an enterprise with this credit code is already registered');
    END IF;
    PERFORM account_email_free(p_email);
    INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
    VALUES (btrim(p_name), p_credit_code, p_province, p_scale, btrim(p_contact_name))
    RETURNING * INTO e;
    PERFORM audit_write(p_actor, 'enterprise.create', 'enterprise', e.id, NULL,
                        enterprise_json(e));
    u := account_user_insert(p_actor, p_email, p_contact_name, p_password_hash, 'enterprise',
                             NULL, NULL, e.id);
    RETURN json_build_object('enterprise', enterprise_json(e), 'user', user_json(u));
END
$$;

CREATE FUNCTION api_institution_create(p_actor bigint, p_name text, p_name_en text,
                                       p_province province, p_kind institution_kind,
                                       p_contact_name text, p_email text, p_password_hash text)
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
    IF a.role = 'province_admin' AND a.province <> p_province THEN
        PERFORM tp_raise('TP403', 'a province admin registers institutions of its own province');
    END IF;
    PERFORM account_email_free(p_email);
    INSERT INTO institutions (name, name_en, province, kind, contact_name)
    VALUES (btrim(p_name), btrim(p_name_en), p_province, p_kind, btrim(p_contact_name))
    RETURNING * INTO i;
    PERFORM audit_write(p_actor, 'institution.create', 'institution', i.id, NULL,
                        institution_json(i));
    u := account_user_insert(p_actor, p_email, p_contact_name, p_password_hash, 'institution',
                             NULL, i.id, NULL);
    RETURN json_build_object('institution', institution_json(i), 'user', user_json(u));
END
$$;

CREATE FUNCTION api_user_create(p_actor bigint, p_email text, p_role user_role,
                                p_province province, p_contact_name text,
                                p_institution_id bigint, p_enterprise_id bigint,
                                p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    a users := account_actor(p_actor);
    new_role text := p_role;
    new_province text := p_province;
    new_institution_id bigint := p_institution_id;
    new_enterprise_id bigint := p_enterprise_id;
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

    u := account_user_insert(p_actor, p_email, p_contact_name, p_password_hash, new_role,
                             new_province, new_institution_id, new_enterprise_id);
    RETURN json_build_object('user', user_json(u));
END
$$;

