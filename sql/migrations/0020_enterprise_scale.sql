-- 0020_enterprise_scale: only small and medium enterprises ask for trials, and a credit code
-- belongs to the province it signs up in (contract 1.1, "Authentication and roles").
--
-- scale is the national SME classification (micro, small, medium, large), declared at sign-up;
-- enterprises registered before it was asked have none (enterprises_scale_declared holds for
-- every row written from now on). A large enterprise's trial request is refused (TP4SM: 403
-- not_sme); any enterprise may still take an open license. Characters 3-8 of the credit code are
-- the registering authority's division (GB/T 2260): its first two digits must be the declared
-- province's (31 SH, 32 JS, 33 ZJ, 34 AH) or 10 (registered nationally).

ALTER TABLE enterprises
    ADD COLUMN scale text,
    ADD CONSTRAINT enterprises_scale_valid
        CHECK (scale IS NULL OR scale IN ('micro', 'small', 'medium', 'large')),
    ADD CONSTRAINT enterprises_scale_declared CHECK (scale IS NOT NULL) NOT VALID;

-- Whether a credit code's registering division lies in the province (or is national).
CREATE FUNCTION credit_code_in_province(p_credit_code text, p_province text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substring(p_credit_code FROM 3 FOR 2)
           IN ('10', CASE p_province WHEN 'SH' THEN '31' WHEN 'JS' THEN '32'
                                     WHEN 'ZJ' THEN '33' WHEN 'AH' THEN '34' END)
$$;

CREATE OR REPLACE FUNCTION enterprise_json(e enterprises) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', e.id, 'name', e.name, 'credit_code', e.credit_code, 'province', e.province,
        'scale', e.scale, 'division_code', substring(e.credit_code FROM 3 FOR 6),
        'contact_name', e.contact_name, 'created_at', tp_instant(e.created_at))
$$;

-- POST /api/v1/enterprises (0004's, with scale and the credit code's province).
CREATE OR REPLACE FUNCTION api_enterprise_create(p_actor bigint, p_body jsonb,
                                                 p_password_hash text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    e enterprises;
    u users;
BEGIN
    IF NOT credit_code_in_province(p_body->>'credit_code', p_body->>'province') THEN
        PERFORM tp_raise('TP422', format('is registered in division %s, outside the province %s',
                                         substring(p_body->>'credit_code' FROM 3 FOR 6),
                                         p_body->>'province'), 'credit_code');
    END IF;
    IF EXISTS (SELECT 1 FROM enterprises WHERE credit_code = p_body->>'credit_code') THEN
        PERFORM tp_raise('TP410',
                         'credit_code: an enterprise with this credit code is already registered');
    END IF;
    PERFORM account_email_free(p_body->>'email');
    INSERT INTO enterprises (name, credit_code, province, scale, contact_name)
    VALUES (btrim(p_body->>'name'), p_body->>'credit_code', p_body->>'province',
            p_body->>'scale', btrim(p_body->>'contact_name'))
    RETURNING * INTO e;
    PERFORM audit_write(p_actor, 'enterprise.create', 'enterprise', e.id, NULL,
                        enterprise_json(e));
    u := account_user_insert(p_actor, p_body, p_password_hash, 'enterprise', NULL, NULL, e.id);
    RETURN json_build_object('enterprise', enterprise_json(e), 'user', user_json(u));
END
$$;

-- A trial is for a small or medium enterprise (after trials_birth, which found the enterprise).
CREATE FUNCTION trials_for_smes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM enterprises e WHERE e.id = NEW.enterprise_id AND e.scale = 'large') THEN
        RAISE EXCEPTION 'free trials are for small and medium enterprises; a large enterprise '
                        'may take an open license'
            USING ERRCODE = 'TP4SM', CONSTRAINT = 'trials_for_smes';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_07_for_smes BEFORE INSERT ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_for_smes();
