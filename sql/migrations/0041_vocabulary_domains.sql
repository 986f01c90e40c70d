-- 0041_vocabulary_domains: each enum of the domain as a domain over text, its values listed once.
--
-- The values of an enum (the provinces, the achievement fields, the statuses, ...) were written
-- out in a CHECK on every column that holds them and again inside the functions that list them
-- in order (the stats, the annual report, the terms check). Now each enum has one IMMUTABLE
-- function returning its values in their order, and a domain whose CHECK asks that function;
-- the columns take the domain, the per-table CHECKs go, and the functions that listed the values
-- ask the enum's function. The service's vocabulary (src/domain/vocabulary.c) holds the same
-- values with their labels, and its unit test holds both to the contract.
--
-- A value outside its enum is still refused with SQLSTATE 23514, now under the domain's
-- constraint name (<domain>_valid) instead of the table's; no request reaches that check, the
-- handlers refuse such values first with a 422 naming the field.
--
-- The domains get their CHECK after the columns have their type: a change of type to a domain
-- without constraints rewrites no table, and ALTER DOMAIN ... ADD CONSTRAINT then only reads
-- the rows once to validate them. A column used by a view, a trigger's column list or a
-- generated column cannot change type; those are dropped here and made again as they were.

-- The enums: values in order, and a domain over text (its CHECK added at the end).

CREATE FUNCTION provinces() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['SH', 'JS', 'ZJ', 'AH'];
CREATE DOMAIN province AS text;

CREATE FUNCTION achievement_fields() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[
        'integrated_circuits', 'biomedicine', 'artificial_intelligence', 'advanced_manufacturing',
        'new_energy', 'new_materials', 'information_technology', 'agriculture', 'environment',
        'other'];
CREATE DOMAIN achievement_field AS text;

CREATE FUNCTION achievement_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[
        'invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'ic_layout',
        'plant_variety', 'technical_secret', 'other'];
CREATE DOMAIN achievement_kind AS text;

CREATE FUNCTION payment_modes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['lump_sum', 'installments', 'royalty', 'lump_sum_plus_royalty', 'equity'];
CREATE DOMAIN payment_mode AS text;

CREATE FUNCTION royalty_bases() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['net_sales', 'profit'];
CREATE DOMAIN royalty_base AS text;

CREATE FUNCTION achievement_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['draft', 'pending', 'listed', 'rejected', 'withdrawn', 'licensed'];
CREATE DOMAIN achievement_status AS text;

CREATE FUNCTION trial_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[
        'requested', 'active', 'declined', 'cancelled', 'converted', 'returned', 'expired'];
CREATE DOMAIN trial_status AS text;

CREATE FUNCTION return_reason_codes() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['technical_failure', 'not_mature', 'too_costly', 'market_changed', 'other'];
CREATE DOMAIN return_reason_code AS text;

CREATE FUNCTION enterprise_scales() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['micro', 'small', 'medium', 'large'];
CREATE DOMAIN enterprise_scale AS text;

CREATE FUNCTION institution_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['university', 'institute', 'hospital', 'other'];
CREATE DOMAIN institution_kind AS text;

CREATE FUNCTION user_roles() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['admin', 'province_admin', 'institution', 'enterprise'];
CREATE DOMAIN user_role AS text;

CREATE FUNCTION user_languages() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['zh', 'en'];
CREATE DOMAIN user_language AS text;

CREATE FUNCTION license_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['proposed', 'declined', 'active', 'settled', 'defaulted'];
CREATE DOMAIN license_status AS text;

CREATE FUNCTION compensation_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['pending', 'approved', 'rejected'];
CREATE DOMAIN compensation_status AS text;

CREATE FUNCTION fee_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['lump_sum', 'royalty', 'entry_plus_royalty'];
CREATE DOMAIN fee_kind AS text;

CREATE FUNCTION open_license_statuses() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY['active', 'withdrawn'];
CREATE DOMAIN open_license_status AS text;

CREATE FUNCTION audit_entities() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY[
        'achievement', 'trial', 'license', 'payment', 'compensation', 'user', 'institution',
        'enterprise', 'session', 'open_license'];
CREATE DOMAIN audit_entity AS text;

-- What depends on a column whose type changes: the two views (and trial_json, which takes the
-- first one's row), the generated trials.decision_days with the index that includes it, and the
-- triggers that name a column in UPDATE OF.
DROP FUNCTION trial_json(trials_effective);
DROP VIEW trials_effective;
DROP VIEW achievement_replies;
DROP TRIGGER achievements_91_notify ON achievements;
DROP TRIGGER compensations_90_notify ON compensations;
DROP TRIGGER licenses_90_notify ON licenses;
DROP TRIGGER open_license_declarations_90_flag ON open_license_declarations;
DROP TRIGGER trials_30_proposal_lapse ON trials;
DROP TRIGGER trials_30_start_within_terms ON trials;
DROP TRIGGER trials_90_notify ON trials;
DROP INDEX trials_report_idx;
ALTER TABLE trials DROP COLUMN decision_days;

-- The columns take their domains; the CHECKs that listed the values go.
ALTER TABLE users
    DROP CONSTRAINT users_province_valid,
    DROP CONSTRAINT users_role_valid,
    DROP CONSTRAINT users_language_valid,
    ALTER COLUMN province TYPE province,
    ALTER COLUMN role TYPE user_role,
    ALTER COLUMN language TYPE user_language;
ALTER TABLE enterprises
    DROP CONSTRAINT enterprises_province_valid,
    DROP CONSTRAINT enterprises_scale_valid,
    ALTER COLUMN province TYPE province,
    ALTER COLUMN scale TYPE enterprise_scale;
ALTER TABLE institutions
    DROP CONSTRAINT institutions_province_valid,
    DROP CONSTRAINT institutions_kind_valid,
    ALTER COLUMN province TYPE province,
    ALTER COLUMN kind TYPE institution_kind;
ALTER TABLE cities
    DROP CONSTRAINT cities_province_valid,
    ALTER COLUMN province TYPE province;
ALTER TABLE province_compensation_ratios
    DROP CONSTRAINT province_compensation_ratios_province_valid,
    ALTER COLUMN province TYPE province;
ALTER TABLE achievements
    DROP CONSTRAINT achievements_field_valid,
    DROP CONSTRAINT achievements_kind_valid,
    DROP CONSTRAINT achievements_payment_mode_valid,
    DROP CONSTRAINT achievements_royalty_base_valid,
    DROP CONSTRAINT achievements_status_valid,
    ALTER COLUMN field TYPE achievement_field,
    ALTER COLUMN kind TYPE achievement_kind,
    ALTER COLUMN payment_mode TYPE payment_mode,
    ALTER COLUMN royalty_base TYPE royalty_base,
    ALTER COLUMN status TYPE achievement_status;
ALTER TABLE licenses
    DROP CONSTRAINT licenses_payment_mode_valid,
    DROP CONSTRAINT licenses_royalty_base_valid,
    DROP CONSTRAINT licenses_status_valid,
    ALTER COLUMN payment_mode TYPE payment_mode,
    ALTER COLUMN royalty_base TYPE royalty_base,
    ALTER COLUMN status TYPE license_status;
ALTER TABLE open_license_declarations
    DROP CONSTRAINT open_license_declarations_royalty_base_valid,
    DROP CONSTRAINT open_license_declarations_fee_kind_valid,
    DROP CONSTRAINT open_license_declarations_status_valid,
    ALTER COLUMN royalty_base TYPE royalty_base,
    ALTER COLUMN fee_kind TYPE fee_kind,
    ALTER COLUMN status TYPE open_license_status;
ALTER TABLE trials
    DROP CONSTRAINT trials_status_valid,
    DROP CONSTRAINT trials_reason_code_valid,
    ALTER COLUMN status TYPE trial_status,
    ALTER COLUMN reason_code TYPE return_reason_code;
ALTER TABLE compensations
    DROP CONSTRAINT compensations_status_valid,
    ALTER COLUMN status TYPE compensation_status;
ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_entity_valid,
    ALTER COLUMN entity TYPE audit_entity;

ALTER TABLE trials ADD COLUMN decision_days integer GENERATED ALWAYS AS (
CASE
    WHEN (started_on IS NOT NULL) THEN (started_on - public.tp_date(requested_at))
    WHEN (status = 'declined'::text) THEN (public.tp_date(closed_at) - public.tp_date(requested_at))
    ELSE NULL::integer
END) STORED;
CREATE INDEX trials_report_idx ON trials USING btree (requested_at) INCLUDE (institution_province, enterprise_province, status, ends_on, license_id, enterprise_id, started_on, closed_at, requested_on, decision_days, reason_code, rating);

-- The views, trial_json and the triggers again, as they were.
CREATE VIEW trials_effective AS
 SELECT t.id,
    t.achievement_id,
    t.institution_id,
    t.institution_province,
    t.enterprise_id,
    t.enterprise_province,
    t.exclusive,
    t.purpose,
    t.planned_months,
    trial_effective_status(t.status, t.ends_on, tp_today()) AS status,
    t.requested_at,
    t.started_on,
    t.ends_on,
        CASE
            WHEN ((t.status = 'active'::text) AND (t.ends_on < tp_today())) THEN trial_expired_at(t.ends_on)
            ELSE t.closed_at
        END AS closed_at,
    t.close_reason,
    t.license_id,
    t.status AS stored_status,
    a.title AS achievement_title,
    a.field,
    i.name AS institution_name,
    e.name AS enterprise_name,
    e.credit_code AS enterprise_credit_code,
    t.max_trial_months,
        CASE
            WHEN (t.status = 'returned'::text) THEN COALESCE(t.reason_code, 'other'::text)
            ELSE NULL::text
        END AS reason_code,
    t.rating,
    t.terms,
    t.terms_agreed_on,
    t.terms_standard,
        CASE
            WHEN ((t.status = 'active'::text) AND (t.ends_on >= tp_today())) THEN pl.id
            ELSE NULL::bigint
        END AS proposed_license_id,
    i.contact_name AS institution_contact_name,
    e.contact_name AS enterprise_contact_name
   FROM ((((trials t
     JOIN achievements a ON ((a.id = t.achievement_id)))
     JOIN institutions i ON ((i.id = t.institution_id)))
     JOIN enterprises e ON ((e.id = t.enterprise_id)))
     LEFT JOIN licenses pl ON (((pl.trial_id = t.id) AND (pl.status = 'proposed'::text))));

CREATE VIEW achievement_replies AS
 SELECT a.id,
    a.version,
    a.status,
    a.province,
    a.institution_id,
    json_build_object('id', a.id, 'institution_id', a.institution_id, 'institution_name', i.name, 'institution_name_en', i.name_en, 'institution_contact_name', i.contact_name, 'province', a.province, 'title', a.title, 'title_en', a.title_en, 'abstract', a.abstract, 'field', a.field, 'kind', a.kind, 'patent_numbers', a.patent_numbers, 'keywords', a.keywords, 'maturity', a.maturity, 'trial_months', a.trial_months, 'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen, 'royalty_bp', a.royalty_bp, 'royalty_base', a.royalty_base, 'license_years', a.license_years, 'fee_schedule', a.fee_schedule, 'exclusive', a.exclusive, 'open_license', a.open_license, 'standard_terms', achievement_standard_terms(a.*), 'status', a.status, 'reject_reason', a.reject_reason, 'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at), 'version', a.version) AS item
   FROM (achievements a
     JOIN institutions i ON ((i.id = a.institution_id)));

CREATE OR REPLACE FUNCTION trial_json(t trials_effective) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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
        'terms', t.terms, 'terms_agreed_on', t.terms_agreed_on,
        'terms_standard', t.terms_standard,
        'proposed_license_id', t.proposed_license_id,
        'extension', trial_extension_json(t.id),
        'reason_code', t.reason_code, 'rating', t.rating,
        'institution_name', t.institution_name,
        'institution_contact_name', t.institution_contact_name,
        'enterprise_contact_name', t.enterprise_contact_name)
$$;

CREATE TRIGGER achievements_91_notify AFTER UPDATE OF status ON achievements FOR EACH ROW EXECUTE FUNCTION achievements_notify();
CREATE TRIGGER compensations_90_notify AFTER UPDATE OF status ON compensations FOR EACH ROW EXECUTE FUNCTION compensations_notify();
CREATE TRIGGER licenses_90_notify AFTER UPDATE OF status ON licenses FOR EACH ROW EXECUTE FUNCTION licenses_notify();
CREATE TRIGGER open_license_declarations_90_flag AFTER INSERT OR UPDATE OF status ON open_license_declarations FOR EACH ROW EXECUTE FUNCTION open_license_declarations_flag();
CREATE TRIGGER trials_30_proposal_lapse AFTER UPDATE OF status ON trials FOR EACH ROW WHEN (((old.status = 'active'::text) AND (new.status <> 'active'::text))) EXECUTE FUNCTION trials_proposal_lapse();
CREATE TRIGGER trials_30_start_within_terms BEFORE UPDATE OF status ON trials FOR EACH ROW EXECUTE FUNCTION trials_start_within_terms();
CREATE TRIGGER trials_90_notify AFTER INSERT OR UPDATE OF status ON trials FOR EACH ROW EXECUTE FUNCTION trials_notify();

-- Each domain checks its values.
ALTER DOMAIN province ADD CONSTRAINT province_valid CHECK (VALUE = ANY (provinces()));
ALTER DOMAIN achievement_field ADD CONSTRAINT achievement_field_valid CHECK (VALUE = ANY (achievement_fields()));
ALTER DOMAIN achievement_kind ADD CONSTRAINT achievement_kind_valid CHECK (VALUE = ANY (achievement_kinds()));
ALTER DOMAIN payment_mode ADD CONSTRAINT payment_mode_valid CHECK (VALUE = ANY (payment_modes()));
ALTER DOMAIN royalty_base ADD CONSTRAINT royalty_base_valid CHECK (VALUE = ANY (royalty_bases()));
ALTER DOMAIN achievement_status ADD CONSTRAINT achievement_status_valid CHECK (VALUE = ANY (achievement_statuses()));
ALTER DOMAIN trial_status ADD CONSTRAINT trial_status_valid CHECK (VALUE = ANY (trial_statuses()));
ALTER DOMAIN return_reason_code ADD CONSTRAINT return_reason_code_valid CHECK (VALUE = ANY (return_reason_codes()));
ALTER DOMAIN enterprise_scale ADD CONSTRAINT enterprise_scale_valid CHECK (VALUE = ANY (enterprise_scales()));
ALTER DOMAIN institution_kind ADD CONSTRAINT institution_kind_valid CHECK (VALUE = ANY (institution_kinds()));
ALTER DOMAIN user_role ADD CONSTRAINT user_role_valid CHECK (VALUE = ANY (user_roles()));
ALTER DOMAIN user_language ADD CONSTRAINT user_language_valid CHECK (VALUE = ANY (user_languages()));
ALTER DOMAIN license_status ADD CONSTRAINT license_status_valid CHECK (VALUE = ANY (license_statuses()));
ALTER DOMAIN compensation_status ADD CONSTRAINT compensation_status_valid CHECK (VALUE = ANY (compensation_statuses()));
ALTER DOMAIN fee_kind ADD CONSTRAINT fee_kind_valid CHECK (VALUE = ANY (fee_kinds()));
ALTER DOMAIN open_license_status ADD CONSTRAINT open_license_status_valid CHECK (VALUE = ANY (open_license_statuses()));
ALTER DOMAIN audit_entity ADD CONSTRAINT audit_entity_valid CHECK (VALUE = ANY (audit_entities()));

-- The functions that listed an enum's values ask its function instead; two that return a
-- column now of a domain as text say so (RETURN QUERY wants the declared types exactly).
CREATE OR REPLACE FUNCTION api_stats_fields(p_actor bigint, p_from date, p_to date, p_province text) RETURNS SETOF json
    LANGUAGE plpgsql STABLE
    SET jit TO 'off'
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH fields AS (
        SELECT f, n FROM unnest(achievement_fields()) WITH ORDINALITY AS x (f, n)
    ), listed AS (
        SELECT a.field, count(*) AS listed
          FROM achievements a
         WHERE a.status = 'listed' AND (v_province IS NULL OR a.province = v_province)
         GROUP BY 1
    ), tried AS (
        SELECT a.field, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS converted
          FROM trials t
          JOIN achievements a ON a.id = t.achievement_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    )
    SELECT json_build_object('items', json_agg(json_build_object(
               'field', fields.f, 'listed', coalesce(listed.listed, 0),
               'trials', coalesce(tried.trials, 0), 'converted', coalesce(tried.converted, 0))
               ORDER BY fields.n))
      FROM fields
      LEFT JOIN listed ON listed.field = fields.f
      LEFT JOIN tried ON tried.field = fields.f;
END
$$;

CREATE OR REPLACE FUNCTION api_stats_flows(p_actor bigint, p_from date, p_to date, p_province text) RETURNS SETOF json
    LANGUAGE plpgsql STABLE
    SET jit TO 'off'
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH pairs AS (
        SELECT t.institution_province, t.enterprise_province, count(*) AS trials,
               count(*) FILTER (WHERE t.status = 'converted') AS conversions,
               coalesce(sum(l.total_fen), 0) AS licensed_fen,
               coalesce(sum(l.paid_fen), 0) AS paid_fen
          FROM trials t
          LEFT JOIN licenses l ON l.id = t.license_id
         WHERE stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1, 2
    ), provinces AS (
        SELECT p, n FROM unnest(provinces()) WITH ORDINALITY AS x (p, n)
    ), matrix_rows AS (
        SELECT r.n,
               json_agg(coalesce(pairs.trials, 0) ORDER BY c.n) AS trials,
               json_agg(coalesce(pairs.conversions, 0) ORDER BY c.n) AS conversions,
               json_agg(coalesce(pairs.licensed_fen, 0) ORDER BY c.n) AS licensed_fen,
               json_agg(coalesce(pairs.paid_fen, 0) ORDER BY c.n) AS paid_fen
          FROM provinces r
         CROSS JOIN provinces c
          LEFT JOIN pairs ON pairs.institution_province = r.p AND pairs.enterprise_province = c.p
         GROUP BY r.n
    )
    SELECT json_build_object(
               'provinces', (SELECT json_agg(p ORDER BY n)
                              FROM unnest(provinces()) WITH ORDINALITY AS x (p, n)),
               'trials', json_agg(matrix_rows.trials ORDER BY matrix_rows.n),
               'conversions', json_agg(matrix_rows.conversions ORDER BY matrix_rows.n),
               'licensed_fen', json_agg(matrix_rows.licensed_fen ORDER BY matrix_rows.n),
               'paid_fen', json_agg(matrix_rows.paid_fen ORDER BY matrix_rows.n))
      FROM matrix_rows;
END
$$;

CREATE OR REPLACE FUNCTION api_stats_returns(p_actor bigint, p_from date, p_to date, p_province text) RETURNS SETOF json
    LANGUAGE plpgsql STABLE
    SET jit TO 'off'
    SET plan_cache_mode TO 'force_custom_plan'
    AS $$
DECLARE
    v_province text := stats_scope(p_actor, p_province);
BEGIN
    RETURN QUERY
    WITH returned AS (
        SELECT coalesce(t.reason_code, 'other') AS reason_code, count(*) AS returned,
               avg(t.rating)::float8 AS average_rating
          FROM trials t
         WHERE t.status = 'returned'
           AND stats_trial_in_filter(t.requested_at, t.institution_province,
                                     t.enterprise_province, p_from, p_to, v_province)
         GROUP BY 1
    ), codes AS (
        SELECT code, n FROM unnest(return_reason_codes()) WITH ORDINALITY AS x (code, n)
    )
    SELECT json_build_object('items', json_agg(json_build_object(
               'reason_code', codes.code, 'returned', coalesce(r.returned, 0),
               'average_rating', r.average_rating) ORDER BY codes.n))
      FROM codes LEFT JOIN returned r ON r.reason_code = codes.code;
END
$$;

CREATE OR REPLACE FUNCTION stats_scope(p_actor bigint, p_province text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_actor AND NOT disabled;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP401', 'sign in to see statistics');
    END IF;
    IF p_province IS NOT NULL AND p_province <> ALL (provinces()) THEN
        PERFORM tp_raise('TP422', 'must be one of SH, JS, ZJ, AH', 'province');
    END IF;
    IF u.role = 'admin' THEN
        RETURN p_province;
    END IF;
    IF u.role <> 'province_admin' THEN
        PERFORM tp_raise('TP403', 'statistics are for administrators');
    END IF;
    IF p_province IS NOT NULL AND p_province <> u.province THEN
        PERFORM tp_raise('TP403', 'a province administrator sees only its own province');
    END IF;
    RETURN u.province;
END
$$;

CREATE OR REPLACE FUNCTION terms_problem(t jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
DECLARE
    mode text := t->>'payment_mode';
    fee numeric;
    problem text;
BEGIN
    IF jsonb_typeof(t) IS DISTINCT FROM 'object' THEN
        RETURN ARRAY['terms', 'must be an object'];
    END IF;
    IF mode IS NULL OR mode <> ALL (payment_modes()) THEN
        RETURN ARRAY['terms.payment_mode', 'is not one of the allowed values'];
    END IF;
    IF jsonb_typeof(t->'fee_fen') IS DISTINCT FROM 'number'
       OR (t->>'fee_fen')::numeric NOT BETWEEN 0 AND 10000000000000 THEN
        RETURN ARRAY['terms.fee_fen', 'must be 0 to 10000000000000 fen'];
    END IF;
    fee := (t->>'fee_fen')::numeric;
    IF fee = 0 AND mode IN ('lump_sum', 'installments', 'lump_sum_plus_royalty') THEN
        RETURN ARRAY['terms.fee_fen', format('a %s license needs a fee', mode)];
    END IF;
    problem := fee_schedule_problem(t->'fee_schedule', fee::bigint);
    IF problem IS NOT NULL THEN
        RETURN ARRAY['terms.fee_schedule', problem];
    END IF;
    IF jsonb_typeof(t->'royalty_bp') IS DISTINCT FROM 'number'
       OR (t->>'royalty_bp')::numeric NOT BETWEEN 0 AND 10000 THEN
        RETURN ARRAY['terms.royalty_bp', 'must be 0 to 10000 basis points'];
    END IF;
    IF ((t->>'royalty_bp')::numeric > 0) <> (mode IN ('royalty', 'lump_sum_plus_royalty')) THEN
        RETURN ARRAY['terms.royalty_bp',
                     'must be above 0 exactly for the royalty modes'];
    END IF;
    IF t->>'royalty_base' IS NULL OR t->>'royalty_base' <> ALL (royalty_bases()) THEN
        RETURN ARRAY['terms.royalty_base', 'is not one of the allowed values'];
    END IF;
    IF jsonb_typeof(t->'license_years') IS DISTINCT FROM 'number'
       OR (t->>'license_years')::numeric NOT BETWEEN 1 AND 20 THEN
        RETURN ARRAY['terms.license_years', 'must be 1 to 20'];
    END IF;
    IF jsonb_typeof(t->'exclusive') IS DISTINCT FROM 'boolean' THEN
        RETURN ARRAY['terms.exclusive', 'must be true or false'];
    END IF;
    IF jsonb_typeof(t->'max_trial_months') IS DISTINCT FROM 'number'
       OR (t->>'max_trial_months')::numeric NOT BETWEEN 1 AND 36 THEN
        RETURN ARRAY['terms.max_trial_months', 'must be 1 to 36'];
    END IF;
    IF coalesce(jsonb_typeof(t->'field_of_use'), 'null') NOT IN ('null', 'string')
       OR tp_text_blank(t->>'field_of_use') OR length(t->>'field_of_use') > 500 THEN
        RETURN ARRAY['terms.field_of_use', 'must be text of 1 to 500 characters'];
    END IF;
    IF coalesce(jsonb_typeof(t->'territory'), 'null') NOT IN ('null', 'string')
       OR tp_text_blank(t->>'territory') OR length(t->>'territory') > 500 THEN
        RETURN ARRAY['terms.territory', 'must be text of 1 to 500 characters'];
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_object_keys(t) k
                WHERE k NOT IN ('payment_mode', 'fee_fen', 'fee_schedule', 'royalty_bp',
                                'royalty_base', 'license_years', 'exclusive', 'field_of_use',
                                'territory', 'max_trial_months')) THEN
        RETURN ARRAY['terms', 'has fields the contract does not name'];
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION api_annual_report(p_actor bigint, p_year integer) RETURNS TABLE(province text, institution_id bigint, institution_name text, licenses_from_trials bigint, licenses_from_open_licenses bigint, contract_fen bigint, received_fen bigint, contracts_registered bigint, registered_fen bigint, trials_started bigint, trials_returned bigint, trials_converted bigint)
    LANGUAGE plpgsql STABLE
    SET jit TO 'off'
    AS $$
DECLARE
    v_province text := stats_scope(p_actor, NULL);
    y_from date;
    y_to date;
BEGIN
    IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 2100 THEN
        PERFORM tp_raise('TP422', 'must be a year from 2000 to 2100', 'year');
    END IF;
    y_from := make_date(p_year, 1, 1);
    y_to := make_date(p_year + 1, 1, 1);
    RETURN QUERY
    WITH signed AS (
        SELECT l.institution_id AS id,
               count(*) FILTER (WHERE l.source = 'trial') AS from_trials,
               count(*) FILTER (WHERE l.source = 'open_license') AS from_open,
               sum(l.total_fen) AS contract_fen
          FROM licenses l
         WHERE l.signed_on >= y_from AND l.signed_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), received AS (
        SELECT l.institution_id AS id, sum(p.amount_fen) AS fen
          FROM payments p JOIN licenses l ON l.id = p.license_id
         WHERE p.paid_on >= y_from AND p.paid_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), registered AS (
        SELECT l.institution_id AS id, count(*) AS contracts, sum(l.contract_amount_fen) AS fen
          FROM licenses l
         WHERE l.registered_on >= y_from AND l.registered_on < y_to
           AND (v_province IS NULL OR l.institution_province = v_province)
         GROUP BY 1
    ), started AS (
        SELECT t.institution_id AS id, count(*) AS trials
          FROM trials t
         WHERE t.started_on >= y_from AND t.started_on < y_to
           AND (v_province IS NULL OR t.institution_province = v_province)
         GROUP BY 1
    ), closed AS (
        SELECT t.institution_id AS id,
               count(*) FILTER (WHERE t.status = 'returned') AS returned,
               count(*) FILTER (WHERE t.status = 'converted') AS converted
          FROM trials t
         WHERE t.status IN ('returned', 'converted') AND t.started_on < y_to
           AND t.closed_at >= y_from::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND t.closed_at < y_to::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND (v_province IS NULL OR t.institution_province = v_province)
         GROUP BY 1
    )
    SELECT i.province::text, i.id, i.name,
           coalesce(s.from_trials, 0), coalesce(s.from_open, 0), coalesce(s.contract_fen, 0)::bigint,
           coalesce(r.fen, 0)::bigint, coalesce(g.contracts, 0), coalesce(g.fen, 0)::bigint,
           coalesce(st.trials, 0), coalesce(c.returned, 0), coalesce(c.converted, 0)
      FROM institutions i
      LEFT JOIN signed s ON s.id = i.id
      LEFT JOIN received r ON r.id = i.id
      LEFT JOIN registered g ON g.id = i.id
      LEFT JOIN started st ON st.id = i.id
      LEFT JOIN closed c ON c.id = i.id
     WHERE v_province IS NULL OR i.province = v_province
     ORDER BY array_position(provinces(), i.province::text), i.id;
END
$$;

CREATE OR REPLACE FUNCTION session_resolve(token_hash bytea, idle_minutes integer) RETURNS TABLE(user_id bigint, role text, province text, institution_id bigint, enterprise_id bigint)
    LANGUAGE plpgsql
    AS $_$
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
        SELECT u.id, u.role::text, coalesce(u.province, i.province, e.province)::text,
               u.institution_id,
               u.enterprise_id
          FROM users u
          LEFT JOIN institutions i ON i.id = u.institution_id
          LEFT JOIN enterprises e ON e.id = u.enterprise_id
         WHERE u.id = s.user_id AND NOT u.disabled;
END
$_$;
