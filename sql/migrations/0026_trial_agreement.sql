-- 0026_trial_agreement: the terms of a later license are agreed before use, and the enterprise
-- decides.
--
-- Contract 1.1, "The trial agreement" and "Licenses and payments":
--   * an achievement offers standard terms: payment_mode, reference_fee_fen (the fee), royalty_bp
--     (> 0 exactly for the royalty modes), royalty_base, license_years, fee_schedule (payments
--     after_days from conversion, adding up to the fee; by default the whole fee 30 days after)
--     and exclusive, trial_months;
--   * a trial carries terms: requested by the enterprise, or the standard ones at request time;
--     the approval agrees them (terms_agreed_on) and from then on the database refuses any
--     change of them (trials_terms_fixed), whatever happens to the achievement;
--   * the enterprise converts at the agreed terms (license active at once, an installment for
--     each fee_schedule entry, due after_days after the conversion day); the institution may
--     instead propose a license on any terms (license proposed, trial still active), which the
--     enterprise accepts (license active, trial converted) or declines. One open proposal per
--     trial; a proposal lapses (declined, "trial ended") when its trial ends;
--   * a license has a term: signed_on (the day it became active) to ends_on (license_years
--     later).
--
-- Trials requested before this migration were never agreed on anything: their terms stay null
-- and only a proposal of the institution can license them.
--
-- A fixed-fee mode (lump_sum, installments, lump_sum_plus_royalty) needs a positive fee in
-- agreed terms; an achievement whose fixed-fee offer names no fee takes trial requests only
-- with terms that name one.

-- ---------------------------------------------------------------------------------------------
-- Terms

CREATE FUNCTION fee_schedule_default(p_fee bigint) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_fee > 0
                THEN jsonb_build_array(jsonb_build_object('after_days', 30, 'amount_fen', p_fee))
                ELSE '[]'::jsonb END
$$;

-- The first problem of a fee schedule for a fee, or NULL: an array of at most 120
-- {"after_days": 0..3650, "amount_fen": > 0} adding up to the fee.
CREATE FUNCTION fee_schedule_problem(p_schedule jsonb, p_fee bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    entry jsonb;
    total numeric := 0;
BEGIN
    IF p_fee < 0 THEN
        RETURN NULL;  -- a negative fee is refused on its own (achievements_reference_fee_nonnegative)
    END IF;
    IF jsonb_typeof(p_schedule) IS DISTINCT FROM 'array' OR jsonb_array_length(p_schedule) > 120 THEN
        RETURN 'must be an array of at most 120 payments';
    END IF;
    FOR entry IN SELECT e FROM jsonb_array_elements(p_schedule) AS x(e) LOOP
        IF jsonb_typeof(entry) <> 'object'
           OR (SELECT count(*) FROM jsonb_object_keys(entry)) <> 2
           OR jsonb_typeof(entry->'after_days') IS DISTINCT FROM 'number'
           OR jsonb_typeof(entry->'amount_fen') IS DISTINCT FROM 'number'
           OR (entry->>'after_days')::numeric NOT BETWEEN 0 AND 3650
           OR (entry->>'after_days')::numeric <> trunc((entry->>'after_days')::numeric)
           OR (entry->>'amount_fen')::numeric <= 0
           OR (entry->>'amount_fen')::numeric <> trunc((entry->>'amount_fen')::numeric) THEN
            RETURN 'each payment is {"after_days": 0..3650, "amount_fen": > 0}';
        END IF;
        total := total + (entry->>'amount_fen')::numeric;
    END LOOP;
    IF total <> p_fee THEN
        RETURN format('payments add up to %s fen, not the fee of %s fen', total, p_fee);
    END IF;
    RETURN NULL;
END
$$;

-- The first problem of a terms object as {field, message}, or NULL. Fields are named as in the
-- contract, under "terms.".
CREATE FUNCTION terms_problem(t jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    mode text := t->>'payment_mode';
    fee numeric;
    problem text;
BEGIN
    IF jsonb_typeof(t) IS DISTINCT FROM 'object' THEN
        RETURN ARRAY['terms', 'must be an object'];
    END IF;
    IF mode IS NULL OR mode NOT IN ('lump_sum', 'installments', 'royalty',
                                    'lump_sum_plus_royalty', 'equity') THEN
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
    IF t->>'royalty_base' IS NULL OR t->>'royalty_base' NOT IN ('net_sales', 'profit') THEN
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

-- Raises TP422 on the first problem of t.
CREATE FUNCTION terms_require_valid(t jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    problem text[] := terms_problem(t);
BEGIN
    IF problem IS NOT NULL THEN
        PERFORM tp_raise('TP422', problem[2], problem[1]);
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Standard terms of achievements

ALTER TABLE achievements
    ADD COLUMN royalty_base text NOT NULL DEFAULT 'net_sales',
    ADD COLUMN license_years smallint NOT NULL DEFAULT 5,
    ADD COLUMN fee_schedule jsonb;
-- a rate on a mode that bills no royalty meant nothing: it goes (without an edit of its own)
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements
   SET fee_schedule = fee_schedule_default(reference_fee_fen),
       royalty_bp = CASE WHEN payment_mode IN ('royalty', 'lump_sum_plus_royalty')
                         THEN royalty_bp ELSE 0 END;
ALTER TABLE achievements ENABLE TRIGGER USER;
ALTER TABLE achievements
    ALTER COLUMN fee_schedule SET NOT NULL,
    ALTER COLUMN fee_schedule SET DEFAULT '[]',
    ADD CONSTRAINT achievements_royalty_base_valid CHECK (royalty_base IN ('net_sales', 'profit')),
    ADD CONSTRAINT achievements_license_years_valid CHECK (license_years BETWEEN 1 AND 20),
    ADD CONSTRAINT achievements_fee_schedule_valid
        CHECK (fee_schedule_problem(fee_schedule, reference_fee_fen) IS NULL),
    ADD CONSTRAINT achievements_royalty_bp_only_for_royalty_modes
        CHECK (payment_mode IN ('royalty', 'lump_sum_plus_royalty') OR royalty_bp = 0);

-- Without a schedule of its own (none, or the column's empty default), the fee is due 30 days
-- after conversion; a new fee without a new schedule takes that default again. (A loader that
-- skips triggers gives the schedule itself.)
CREATE FUNCTION achievements_fee_schedule_default() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.fee_schedule IS NULL OR NEW.fee_schedule = '[]' THEN
            NEW.fee_schedule := fee_schedule_default(NEW.reference_fee_fen);
        END IF;
    ELSIF NEW.reference_fee_fen <> OLD.reference_fee_fen
          AND NEW.fee_schedule IS NOT DISTINCT FROM OLD.fee_schedule THEN
        NEW.fee_schedule := fee_schedule_default(NEW.reference_fee_fen);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_04_fee_schedule BEFORE INSERT OR UPDATE ON achievements
    FOR EACH ROW EXECUTE FUNCTION achievements_fee_schedule_default();

-- The standard terms as the contract writes terms.
CREATE FUNCTION achievement_standard_terms(a achievements) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'payment_mode', a.payment_mode, 'fee_fen', a.reference_fee_fen,
        'fee_schedule', a.fee_schedule, 'royalty_bp', a.royalty_bp,
        'royalty_base', a.royalty_base, 'license_years', a.license_years,
        'exclusive', a.exclusive, 'field_of_use', NULL, 'territory', NULL,
        'max_trial_months', a.trial_months)
$$;

CREATE OR REPLACE VIEW achievement_replies AS
SELECT a.id, a.version, a.status, a.province, a.institution_id,
       json_build_object(
           'id', a.id, 'institution_id', a.institution_id,
           'institution_name', (SELECT i.name FROM institutions i WHERE i.id = a.institution_id),
           'province', a.province, 'title', a.title, 'title_en', a.title_en,
           'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
           'patent_numbers', a.patent_numbers, 'keywords', a.keywords,
           'maturity', a.maturity, 'trial_months', a.trial_months,
           'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen,
           'royalty_bp', a.royalty_bp, 'royalty_base', a.royalty_base,
           'license_years', a.license_years, 'fee_schedule', a.fee_schedule,
           'exclusive', a.exclusive, 'open_license', a.open_license,
           'standard_terms', achievement_standard_terms(a),
           'status', a.status, 'reject_reason', a.reject_reason,
           'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
           'version', a.version) AS item
  FROM achievements a;

CREATE OR REPLACE FUNCTION achievement_json(a achievements) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', a.id, 'institution_id', a.institution_id,
        'institution_name', (SELECT name FROM institutions WHERE id = a.institution_id),
        'province', a.province, 'title', a.title, 'title_en', a.title_en,
        'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
        'patent_numbers', to_jsonb(a.patent_numbers), 'keywords', to_jsonb(a.keywords),
        'maturity', a.maturity, 'trial_months', a.trial_months,
        'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen,
        'royalty_bp', a.royalty_bp, 'royalty_base', a.royalty_base,
        'license_years', a.license_years, 'fee_schedule', a.fee_schedule,
        'exclusive', a.exclusive, 'open_license', a.open_license,
        'standard_terms', achievement_standard_terms(a),
        'status', a.status, 'reject_reason', a.reject_reason,
        'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
        'version', a.version)
$$;

-- POST /api/v1/achievements: as 0005, with the standard terms (royalty_base, license_years,
-- fee_schedule; their defaults from the table and achievements_04_fee_schedule).
CREATE OR REPLACE FUNCTION api_achievement_create(p_actor bigint, p_body jsonb)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    new_id bigint;
    created jsonb;
BEGIN
    SELECT * INTO viewer FROM achievement_viewer(p_actor);
    IF NOT FOUND OR viewer.role <> 'institution' THEN
        PERFORM tp_raise('TP403', 'only institution staff register achievements');
    END IF;
    PERFORM achievement_terms_require_valid(p_body, NULL);
    INSERT INTO achievements (institution_id, province, title, title_en, abstract, field, kind,
                              patent_numbers, keywords, maturity, trial_months, payment_mode,
                              reference_fee_fen, royalty_bp, exclusive, open_license,
                              royalty_base, license_years, fee_schedule)
    SELECT viewer.institution_id, i.province, p_body->>'title', p_body->>'title_en',
           p_body->>'abstract', p_body->>'field', p_body->>'kind',
           achievement_text_array(coalesce(p_body->'patent_numbers', '[]')),
           achievement_text_array(coalesce(p_body->'keywords', '[]')),
           (p_body->>'maturity')::smallint, (p_body->>'trial_months')::smallint,
           p_body->>'payment_mode',
           coalesce((p_body->>'reference_fee_fen')::bigint, 0),
           coalesce((p_body->>'royalty_bp')::int, 0),
           coalesce((p_body->>'exclusive')::boolean, false), false,
           coalesce(p_body->>'royalty_base', 'net_sales'),
           coalesce((p_body->>'license_years')::smallint, 5),
           p_body->'fee_schedule'
      FROM institutions i WHERE i.id = viewer.institution_id
    RETURNING id INTO new_id;
    SELECT achievement_json(a) INTO created FROM achievements a WHERE a.id = new_id;
    PERFORM audit_write(p_actor, 'achievement.create', 'achievement', new_id, NULL, created);
    RETURN QUERY SELECT * FROM achievement_reply(new_id);
END
$$;

-- What a create or an edit may not say of its offer (p_stored: the row before an edit, NULL for
-- a create): a fee schedule that does not add up to the fee it will have (TP422 on
-- fee_schedule), and open_license other than it is — read-only from 1.1, it says whether an
-- open-license declaration is active (TP422 on open_license).
CREATE FUNCTION achievement_terms_require_valid(p_body jsonb, p_stored achievements)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    fee bigint := coalesce((p_body->>'reference_fee_fen')::bigint, p_stored.reference_fee_fen, 0);
    problem text;
BEGIN
    IF p_body ? 'open_license'
       AND (p_body->>'open_license')::boolean IS DISTINCT FROM coalesce(p_stored.open_license,
                                                                         false) THEN
        PERFORM tp_raise('TP422', 'is read-only: declare an open license of the achievement',
                         'open_license');
    END IF;
    IF jsonb_typeof(p_body->'fee_schedule') IS DISTINCT FROM 'array' THEN
        RETURN;
    END IF;
    problem := fee_schedule_problem(p_body->'fee_schedule', fee);
    IF problem IS NOT NULL THEN
        PERFORM tp_raise('TP422', problem, 'fee_schedule');
    END IF;
END
$$;

-- PATCH /api/v1/achievements/{id}: as 0005, with the standard terms. Trials already agreed keep
-- their own terms (0014 still guards exclusivity and trial_months in use).
CREATE OR REPLACE FUNCTION api_achievement_update(p_actor bigint, p_id bigint,
                                                  p_if_version integer, p_body jsonb)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
    body jsonb := jsonb_strip_nulls(p_body);
    old_item jsonb;
    new_item jsonb;
    change record;
BEGIN
    a := achievement_lock_for(p_actor, p_id, 'institution',
                              'only its institution edits an achievement');
    IF p_if_version IS NOT NULL AND p_if_version <> a.version THEN
        PERFORM tp_raise('TP412', format('the achievement is at version %s, not %s',
                                         a.version, p_if_version));
    END IF;
    IF a.status NOT IN ('draft', 'rejected', 'listed') THEN
        PERFORM tp_raise('TP409', format('a %s achievement cannot be edited', a.status));
    END IF;
    PERFORM achievement_terms_require_valid(body, a);
    old_item := achievement_json(a);
    UPDATE achievements SET
        title = coalesce(body->>'title', title),
        title_en = CASE WHEN p_body ? 'title_en' THEN p_body->>'title_en' ELSE title_en END,
        abstract = coalesce(body->>'abstract', abstract),
        field = coalesce(body->>'field', field),
        kind = coalesce(body->>'kind', kind),
        patent_numbers = CASE WHEN body ? 'patent_numbers'
                              THEN achievement_text_array(body->'patent_numbers')
                              ELSE patent_numbers END,
        keywords = CASE WHEN body ? 'keywords' THEN achievement_text_array(body->'keywords')
                        ELSE keywords END,
        maturity = coalesce((body->>'maturity')::smallint, maturity),
        trial_months = coalesce((body->>'trial_months')::smallint, trial_months),
        payment_mode = coalesce(body->>'payment_mode', payment_mode),
        reference_fee_fen = coalesce((body->>'reference_fee_fen')::bigint, reference_fee_fen),
        royalty_bp = coalesce((body->>'royalty_bp')::int, royalty_bp),
        exclusive = coalesce((body->>'exclusive')::boolean, exclusive),
        royalty_base = coalesce(body->>'royalty_base', royalty_base),
        license_years = coalesce((body->>'license_years')::smallint, license_years),
        fee_schedule = coalesce(body->'fee_schedule', fee_schedule)
     WHERE id = p_id
    RETURNING * INTO a;
    new_item := achievement_json(a);
    IF new_item IS DISTINCT FROM old_item THEN
        SELECT * INTO change FROM achievement_changes(old_item, new_item);
        PERFORM audit_write(p_actor, 'achievement.update', 'achievement', p_id,
                            change.before, change.after);
    END IF;
    RETURN QUERY SELECT * FROM achievement_reply(p_id);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Terms of trials

ALTER TABLE trials
    ADD COLUMN terms jsonb,
    ADD COLUMN terms_agreed_on date,
    ADD COLUMN terms_standard boolean,
    ADD CONSTRAINT trials_terms_valid CHECK (terms IS NULL OR terms_problem(terms) IS NULL),
    ADD CONSTRAINT trials_terms_agreed_when_started
        CHECK (terms IS NULL OR (terms_agreed_on IS NOT NULL) = (started_on IS NOT NULL)),
    ADD CONSTRAINT trials_terms_agreed_on_start
        CHECK (terms_agreed_on IS NULL OR terms_agreed_on = started_on),
    ADD CONSTRAINT trials_terms_exclusive
        CHECK (terms IS NULL OR (terms->>'exclusive')::boolean = exclusive),
    ADD CONSTRAINT trials_terms_max_trial_months
        CHECK (terms IS NULL OR (terms->>'max_trial_months')::int = max_trial_months);

-- A request takes the achievement's standard terms unless it brings its own (the daemon lays
-- them over the standard ones); either way max_trial_months is the achievement's (after
-- trials_06_max_at_request).
CREATE FUNCTION trials_terms_at_request() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
BEGIN
    SELECT * INTO a FROM achievements WHERE id = NEW.achievement_id;
    NEW.terms := achievement_standard_terms(a)
                 || coalesce(NEW.terms, '{}'::jsonb)
                 || jsonb_build_object('max_trial_months', a.trial_months);
    NEW.terms_standard := NEW.terms = achievement_standard_terms(a);
    NEW.terms_agreed_on := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_07_terms_at_request BEFORE INSERT ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_terms_at_request();

-- The approval agrees the terms (terms_agreed_on = started_on); after that, and before it,
-- nothing changes them: not an edit of the achievement, not plain SQL.
CREATE FUNCTION trials_terms_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'requested' AND NEW.status = 'active' AND OLD.terms IS NOT NULL THEN
        NEW.terms_agreed_on := NEW.started_on;
    END IF;
    IF (NEW.terms, NEW.terms_standard) IS DISTINCT FROM (OLD.terms, OLD.terms_standard)
       OR (NEW.terms_agreed_on IS DISTINCT FROM OLD.terms_agreed_on
           AND NOT (OLD.status = 'requested' AND NEW.status = 'active')) THEN
        RAISE EXCEPTION 'the terms of a trial are those of its request, agreed by its approval'
            USING ERRCODE = '23514', CONSTRAINT = 'trials_terms_fixed';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_21_terms_fixed BEFORE UPDATE ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_terms_fixed();

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
       t.rating,
       t.terms, t.terms_agreed_on, t.terms_standard,
       CASE WHEN t.status = 'active' AND t.ends_on >= tp_today() THEN pl.id END
           AS proposed_license_id
  FROM trials t
  JOIN achievements a ON a.id = t.achievement_id
  JOIN institutions i ON i.id = t.institution_id
  JOIN enterprises e ON e.id = t.enterprise_id
  -- at most one (licenses_one_proposal_per_trial), and removed from plans that do not read it;
  -- a join, not a sub-select in trial_json, so that trial_json stays inlined into its callers
  LEFT JOIN licenses pl ON pl.trial_id = t.id AND pl.status = 'proposed';

-- ---------------------------------------------------------------------------------------------
-- Licenses: proposed, accepted or declined; a term from signed_on to ends_on

ALTER TABLE licenses
    ADD COLUMN source text NOT NULL DEFAULT 'trial',
    ADD COLUMN terms jsonb,
    ADD COLUMN royalty_base text NOT NULL DEFAULT 'net_sales',
    ADD COLUMN license_years smallint NOT NULL DEFAULT 5,
    ADD COLUMN issued_fen bigint NOT NULL DEFAULT 0,
    ADD COLUMN signed_on date GENERATED ALWAYS AS (tp_date(signed_at)) STORED,
    ADD COLUMN ends_on date GENERATED ALWAYS AS
        ((tp_date(signed_at) + make_interval(years => license_years))::date) STORED,
    ADD COLUMN proposed_at timestamptz,
    ADD COLUMN declined_at timestamptz,
    ADD COLUMN decline_reason text;
ALTER TABLE installments
    ADD COLUMN kind text NOT NULL DEFAULT 'fixed',
    ADD CONSTRAINT installments_kind_valid CHECK (kind IN ('fixed', 'royalty'));

ALTER TABLE licenses DISABLE TRIGGER USER;
UPDATE licenses l
   SET issued_fen = l.total_fen,
       terms = jsonb_build_object(
           'payment_mode', l.payment_mode, 'fee_fen', l.total_fen,
           'fee_schedule', coalesce((
               SELECT jsonb_agg(jsonb_build_object('after_days', i.due_on - tp_date(l.signed_at),
                                                   'amount_fen', i.amount_fen) ORDER BY i.seq)
                 FROM installments i WHERE i.license_id = l.id), '[]'::jsonb),
           'royalty_bp', l.royalty_bp, 'royalty_base', l.royalty_base,
           'license_years', l.license_years, 'exclusive', l.exclusive,
           'field_of_use', NULL, 'territory', NULL,
           'max_trial_months', (SELECT t.max_trial_months FROM trials t WHERE t.id = l.trial_id));
ALTER TABLE licenses ENABLE TRIGGER USER;

ALTER TABLE licenses
    ALTER COLUMN signed_at DROP NOT NULL,
    ALTER COLUMN signed_at DROP DEFAULT,
    DROP CONSTRAINT licenses_one_per_trial,
    DROP CONSTRAINT licenses_paid_within_total,
    DROP CONSTRAINT licenses_settled_paid,
    DROP CONSTRAINT licenses_status_valid,
    ADD CONSTRAINT licenses_status_valid CHECK (status IN (
        'proposed', 'declined', 'active', 'settled', 'defaulted')),
    ADD CONSTRAINT licenses_source_valid CHECK (source IN ('trial', 'open_license')),
    ADD CONSTRAINT licenses_royalty_base_valid CHECK (royalty_base IN ('net_sales', 'profit')),
    ADD CONSTRAINT licenses_license_years_valid CHECK (license_years BETWEEN 1 AND 20),
    ADD CONSTRAINT licenses_paid_within_issued CHECK (paid_fen <= issued_fen),
    ADD CONSTRAINT licenses_settled_paid CHECK (status <> 'settled' OR paid_fen = issued_fen),
    ADD CONSTRAINT licenses_signed_when_in_force
        CHECK ((status IN ('proposed', 'declined')) = (signed_at IS NULL)),
    ADD CONSTRAINT licenses_declined_set CHECK (
        (status = 'declined') = (declined_at IS NOT NULL)
        AND (declined_at IS NULL) = (decline_reason IS NULL)),
    ADD CONSTRAINT licenses_decline_reason_valid CHECK (decline_reason IS NULL
        OR (NOT tp_text_blank(decline_reason) AND length(decline_reason) <= 2000));
-- One license in force (or settled, or defaulted) per trial; one open proposal at a time.
CREATE UNIQUE INDEX licenses_one_signed_per_trial ON licenses (trial_id)
    WHERE status NOT IN ('proposed', 'declined');
CREATE UNIQUE INDEX licenses_one_proposal_per_trial ON licenses (trial_id)
    WHERE status = 'proposed';
CREATE INDEX licenses_trial_idx ON licenses (trial_id);

-- A license starts proposed (unsigned) or active (signed today) with nothing paid, on an active,
-- unexpired trial, and takes its parties from it.
CREATE OR REPLACE FUNCTION licenses_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    IF NEW.status NOT IN ('proposed', 'active') OR NEW.paid_fen <> 0 OR NEW.issued_fen <> 0
       OR NEW.defaulted_at IS NOT NULL OR NEW.declined_at IS NOT NULL THEN
        RAISE EXCEPTION 'a license starts proposed or active with nothing issued or paid'
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_status_transition';
    END IF;
    SELECT status, ends_on, achievement_id, institution_id, institution_province,
           enterprise_id, enterprise_province, max_trial_months, exclusive INTO t
      FROM trials WHERE id = NEW.trial_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no trial %', NEW.trial_id
            USING ERRCODE = '23503', CONSTRAINT = 'licenses_trial_id_fk';
    END IF;
    IF t.status <> 'active' OR t.ends_on < tp_today() THEN
        RAISE EXCEPTION 'only an active trial converts into a license'
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_trial_active';
    END IF;
    NEW.achievement_id := t.achievement_id;
    NEW.institution_id := t.institution_id;
    NEW.institution_province := t.institution_province;
    NEW.enterprise_id := t.enterprise_id;
    NEW.enterprise_province := t.enterprise_province;
    IF NEW.status = 'proposed' THEN
        NEW.proposed_at := tp_now();
        NEW.signed_at := NULL;
    ELSE
        NEW.signed_at := coalesce(NEW.signed_at, tp_now());
    END IF;
    NEW.terms := coalesce(NEW.terms, jsonb_build_object(
        'payment_mode', NEW.payment_mode, 'fee_fen', NEW.total_fen, 'fee_schedule', '[]'::jsonb,
        'royalty_bp', NEW.royalty_bp, 'royalty_base', NEW.royalty_base,
        'license_years', NEW.license_years, 'exclusive', t.exclusive,
        'field_of_use', NULL, 'territory', NULL, 'max_trial_months', t.max_trial_months));
    RETURN NEW;
END
$$;

-- Terms are fixed once proposed or signed; issued and paid money only grows; proposed ->
-- active (on an active, unexpired trial) | declined; active -> settled | defaulted.
CREATE OR REPLACE FUNCTION licenses_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    accepting boolean := OLD.status = 'proposed' AND NEW.status = 'active';
BEGIN
    IF (NEW.id, NEW.trial_id, NEW.achievement_id, NEW.institution_id, NEW.institution_province,
        NEW.enterprise_id, NEW.enterprise_province, NEW.payment_mode, NEW.total_fen,
        NEW.royalty_bp, NEW.royalty_base, NEW.license_years, NEW.terms, NEW.source,
        NEW.proposed_at)
       IS DISTINCT FROM
       (OLD.id, OLD.trial_id, OLD.achievement_id, OLD.institution_id, OLD.institution_province,
        OLD.enterprise_id, OLD.enterprise_province, OLD.payment_mode, OLD.total_fen,
        OLD.royalty_bp, OLD.royalty_base, OLD.license_years, OLD.terms, OLD.source,
        OLD.proposed_at)
       OR (NEW.signed_at IS DISTINCT FROM OLD.signed_at AND NOT accepting) THEN
        RAISE EXCEPTION 'a license keeps its parties and terms'
            USING ERRCODE = '23514', CONSTRAINT = 'licenses_fixed_columns';
    END IF;
    IF NEW.paid_fen < OLD.paid_fen OR NEW.issued_fen < OLD.issued_fen THEN
        RAISE EXCEPTION 'issued and paid money never decreases'
            USING ERRCODE = '23514', CONSTRAINT = 'licenses_paid_never_decreases';
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (
            ('proposed', 'active'), ('proposed', 'declined'),
            ('active', 'settled'), ('active', 'defaulted')) THEN
        RAISE EXCEPTION 'a license cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_status_transition';
    END IF;
    IF accepting THEN
        IF NOT EXISTS (SELECT 1 FROM trials t WHERE t.id = NEW.trial_id AND t.status = 'active'
                          AND t.ends_on >= tp_today()) THEN
            RAISE EXCEPTION 'the trial of this proposal has ended'
                USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_trial_active';
        END IF;
        NEW.signed_at := tp_now();
    END IF;
    RETURN NEW;
END
$$;

-- When a trial ends (converted, returned, expired), its open proposal lapses.
CREATE FUNCTION trials_proposal_lapse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE licenses
       SET status = 'declined', declined_at = tp_now(), decline_reason = 'trial ended'
     WHERE trial_id = NEW.id AND status = 'proposed';
    RETURN NULL;
END
$$;
CREATE TRIGGER trials_30_proposal_lapse AFTER UPDATE OF status ON trials
    FOR EACH ROW WHEN (OLD.status = 'active' AND NEW.status <> 'active')
    EXECUTE FUNCTION trials_proposal_lapse();

-- An installment falls due from the day its license is signed (or, while proposed, the day of
-- the proposal); a fixed one at most ten years later (0015), a royalty one 30 days after its
-- report, whenever in the term that is.
CREATE OR REPLACE FUNCTION installments_due_within_term() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    from_day date;
BEGIN
    SELECT coalesce(l.signed_on, tp_date(l.proposed_at)) INTO from_day
      FROM licenses l WHERE l.id = NEW.license_id;
    IF NEW.due_on < from_day
       OR (NEW.kind = 'fixed' AND NEW.due_on > (from_day + interval '10 years')::date) THEN
        RAISE EXCEPTION 'an installment falls due from the day the license is signed (%) to ten '
                        'years later, not on %', from_day, NEW.due_on
            USING ERRCODE = 'TP422', COLUMN = 'installments',
                  CONSTRAINT = 'installments_due_within_term';
    END IF;
    RETURN NEW;
END
$$;

-- Every installment is issued money of its license, whoever inserts it.
CREATE FUNCTION installments_issue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE licenses SET issued_fen = issued_fen + NEW.amount_fen WHERE id = NEW.license_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER installments_10_issue AFTER INSERT ON installments
    FOR EACH ROW EXECUTE FUNCTION installments_issue();

-- The books of a license balance at commit: its fixed installments add up to total_fen, all of
-- them to issued_fen; what was paid on them and the sum of its payments both equal its
-- paid_fen; payments went to the oldest unpaid installment first.
CREATE OR REPLACE FUNCTION license_books_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lic_id bigint;
    lic licenses;
    fixed bigint;
    issued bigint;
    on_installments bigint;
    received bigint;
BEGIN
    IF TG_TABLE_NAME = 'licenses' THEN
        lic_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        lic_id := OLD.license_id;
    ELSE
        lic_id := NEW.license_id;
    END IF;
    SELECT * INTO lic FROM licenses WHERE id = lic_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT coalesce(sum(amount_fen) FILTER (WHERE kind = 'fixed'), 0),
           coalesce(sum(amount_fen), 0), coalesce(sum(paid_fen), 0)
      INTO fixed, issued, on_installments FROM installments WHERE license_id = lic_id;
    IF fixed <> lic.total_fen THEN
        RAISE EXCEPTION 'installments add up to % fen, not total_fen %', fixed, lic.total_fen
            USING ERRCODE = 'TP422', COLUMN = 'installments',
                  CONSTRAINT = 'installments_sum_equals_total';
    END IF;
    IF issued <> lic.issued_fen THEN
        RAISE EXCEPTION 'installments add up to % fen, license % says % issued',
                issued, lic_id, lic.issued_fen
            USING ERRCODE = '23514', CONSTRAINT = 'installments_sum_equals_issued';
    END IF;
    IF on_installments <> lic.paid_fen THEN
        RAISE EXCEPTION 'installments hold % fen paid, license % says %',
                on_installments, lic_id, lic.paid_fen
            USING ERRCODE = '23514', CONSTRAINT = 'installments_paid_match_license';
    END IF;
    SELECT coalesce(sum(amount_fen), 0) INTO received FROM payments WHERE license_id = lic_id;
    IF received <> lic.paid_fen THEN
        RAISE EXCEPTION 'payments add up to % fen, license % says %', received, lic_id, lic.paid_fen
            USING ERRCODE = '23514', CONSTRAINT = 'payments_sum_match_license';
    END IF;
    IF EXISTS (SELECT 1 FROM installments later JOIN installments earlier
                  ON earlier.license_id = later.license_id
                 AND (earlier.due_on, earlier.seq) < (later.due_on, later.seq)
                WHERE later.license_id = lic_id AND later.paid_fen > 0
                  AND earlier.paid_fen < earlier.amount_fen) THEN
        RAISE EXCEPTION 'payments must go to the oldest unpaid installment first'
            USING ERRCODE = '23514', CONSTRAINT = 'installments_paid_oldest_first';
    END IF;
    RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Royalty reports

CREATE TABLE royalty_reports (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    license_id     bigint NOT NULL,
    period_start   date NOT NULL,              -- the first day of a calendar quarter
    net_sales_fen  bigint NOT NULL,
    profit_fen     bigint,
    note           text,
    royalty_fen    bigint NOT NULL,
    installment_seq int,                       -- the royalty installment it issued, if any
    reported_by    bigint NOT NULL,
    reported_at    timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT royalty_reports_pkey PRIMARY KEY (id),
    CONSTRAINT royalty_reports_license_fk FOREIGN KEY (license_id) REFERENCES licenses (id),
    CONSTRAINT royalty_reports_installment_fk FOREIGN KEY (license_id, installment_seq)
        REFERENCES installments (license_id, seq),
    CONSTRAINT royalty_reports_reported_by_fk FOREIGN KEY (reported_by) REFERENCES users (id),
    CONSTRAINT royalty_reports_one_per_period UNIQUE (license_id, period_start),
    CONSTRAINT royalty_reports_quarter_start
        CHECK (period_start = date_trunc('quarter', period_start)::date),
    CONSTRAINT royalty_reports_net_sales_valid
        CHECK (net_sales_fen BETWEEN 0 AND 10000000000000),
    CONSTRAINT royalty_reports_profit_valid
        CHECK (profit_fen IS NULL OR profit_fen BETWEEN -10000000000000 AND 10000000000000),
    CONSTRAINT royalty_reports_royalty_nonnegative CHECK (royalty_fen >= 0),
    CONSTRAINT royalty_reports_installment_when_due
        CHECK ((royalty_fen > 0) = (installment_seq IS NOT NULL)),
    CONSTRAINT royalty_reports_note_valid
        CHECK (note IS NULL OR (NOT tp_text_blank(note) AND length(note) <= 2000))
);
CREATE INDEX royalty_reports_license_idx ON royalty_reports (license_id, id);

CREATE FUNCTION royalty_reports_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'royalty reports are filed once: % refused', TG_OP
        USING ERRCODE = '23514', CONSTRAINT = 'royalty_reports_append_only';
END
$$;
CREATE TRIGGER royalty_reports_append_only BEFORE UPDATE OR DELETE ON royalty_reports
    FOR EACH ROW EXECUTE FUNCTION royalty_reports_refuse_change();

-- A quarter as the contract writes it ('2027-Q1') and back.
CREATE FUNCTION quarter_label(p_start date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(p_start, 'YYYY') || '-Q' || extract(quarter FROM p_start)
$$;
CREATE FUNCTION quarter_start(p_label text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_label ~ '^[0-9]{4}-Q[1-4]$'
                THEN make_date(left(p_label, 4)::int, (right(p_label, 1)::int - 1) * 3 + 1, 1) END
$$;

-- Whether a license bills royalties.
CREATE FUNCTION license_bills_royalty(l licenses) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT l.payment_mode IN ('royalty', 'lump_sum_plus_royalty')
$$;

-- The quarters a license reports on: from the quarter of signed_on to that of its last day.
CREATE FUNCTION license_quarters(l licenses) RETURNS SETOF date
LANGUAGE sql STABLE AS $$
    SELECT q::date
      FROM generate_series(date_trunc('quarter', l.signed_on),
                           date_trunc('quarter', l.ends_on - 1), interval '3 months') AS q
     WHERE license_bills_royalty(l) AND l.signed_on IS NOT NULL
$$;

-- The reports a license owes: quarters ended and not reported, each due 30 days after its end.
CREATE FUNCTION license_reports_due(l licenses)
RETURNS TABLE (period_start date, due_on date)
LANGUAGE sql STABLE AS $$
    SELECT q, (q + interval '3 months')::date + 29
      FROM license_quarters(l) AS q
     WHERE (q + interval '3 months')::date <= tp_today()
       AND NOT EXISTS (SELECT 1 FROM royalty_reports r
                        WHERE r.license_id = l.id AND r.period_start = q)
$$;

-- Whether nothing more can be issued on a license: it bills no royalty, or its term has ended
-- and every report is in.
CREATE FUNCTION license_issuing_done(l licenses) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT license_bills_royalty(l)
        OR (l.ends_on <= tp_today()
            AND NOT EXISTS (SELECT 1 FROM license_reports_due(l)))
$$;

CREATE FUNCTION royalty_report_json(r royalty_reports) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'id', r.id, 'license_id', r.license_id, 'period', quarter_label(r.period_start),
        'net_sales_fen', r.net_sales_fen, 'profit_fen', r.profit_fen, 'note', r.note,
        'royalty_fen', r.royalty_fen, 'installment_seq', r.installment_seq,
        'reported_by', r.reported_by, 'reported_at', tp_instant(r.reported_at))
$$;

-- The status a reader sees: a proposal whose trial has ended reads as declined.
CREATE FUNCTION license_effective_status(l licenses) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN l.status = 'proposed'
                 AND NOT EXISTS (SELECT 1 FROM trials t WHERE t.id = l.trial_id
                                    AND t.status = 'active' AND t.ends_on >= tp_today())
                THEN 'declined' ELSE l.status END
$$;

CREATE OR REPLACE FUNCTION license_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT jsonb_build_object(
        'id', l.id, 'source', l.source, 'trial_id', l.trial_id, 'open_license_id', NULL,
        'achievement_id', l.achievement_id,
        'institution_id', l.institution_id, 'enterprise_id', l.enterprise_id,
        'terms', l.terms, 'payment_mode', l.payment_mode, 'total_fen', l.total_fen,
        'royalty_bp', l.royalty_bp, 'royalty_base', l.royalty_base,
        'license_years', l.license_years, 'exclusive', l.exclusive,
        'installments', coalesce((
            SELECT jsonb_agg(jsonb_build_object(
                       'seq', i.seq, 'kind', i.kind, 'due_on', i.due_on,
                       'amount_fen', i.amount_fen, 'paid_fen', i.paid_fen,
                       'overdue', l.status IN ('active', 'defaulted')
                                  AND installment_overdue(i.due_on, i.amount_fen, i.paid_fen))
                   ORDER BY i.seq)
              FROM installments i WHERE i.license_id = l.id), '[]'::jsonb),
        'issued_fen', l.issued_fen, 'paid_fen', l.paid_fen,
        'outstanding_fen', l.issued_fen - l.paid_fen,
        'reports_due', CASE WHEN l.status = 'active' THEN coalesce((
            SELECT jsonb_agg(jsonb_build_object('period', quarter_label(d.period_start),
                                                'due_on', d.due_on,
                                                'overdue', d.due_on < tp_today())
                             ORDER BY d.period_start)
              FROM license_reports_due(l) d), '[]'::jsonb) ELSE '[]'::jsonb END,
        'status', license_effective_status(l),
        'proposed_at', tp_instant(l.proposed_at),
        'signed_at', tp_instant(l.signed_at), 'signed_on', l.signed_on, 'ends_on', l.ends_on,
        'declined_at', tp_instant(l.declined_at), 'decline_reason', l.decline_reason,
        'defaulted_at', tp_instant(l.defaulted_at))
$$;

-- ---------------------------------------------------------------------------------------------
-- Trials: the reply, the request with terms, the conversion by either party

CREATE OR REPLACE FUNCTION trial_json(t trials_effective) RETURNS jsonb
LANGUAGE sql STABLE AS $$
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
        'reason_code', t.reason_code, 'rating', t.rating)
$$;

-- POST /api/v1/achievements/{id}/trials {"purpose","planned_months","terms"?}: an enterprise
-- asks for a free trial of a listed achievement, on the standard terms or on terms of its own
-- (laid over the standard ones; a new fee without a schedule is due 30 days after conversion).
DROP FUNCTION api_trial_request(bigint, bigint, jsonb);
CREATE FUNCTION api_trial_request(p_actor bigint, p_achievement_id bigint, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    a achievements;
    planned integer := (p_body->>'planned_months')::integer;
    asked jsonb := p_body->'terms';
    terms jsonb;
    new_id bigint;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO a FROM achievements WHERE id = p_achievement_id FOR SHARE;
    IF NOT FOUND OR a.status <> 'listed' THEN
        PERFORM tp_raise('TP404', 'no such achievement');
    END IF;
    IF viewer.role IS DISTINCT FROM 'enterprise' THEN
        PERFORM tp_raise('TP403', 'only enterprise staff request trials');
    END IF;
    IF planned > a.trial_months THEN
        PERFORM tp_raise('TP422', format('at most %s months for this achievement',
                                         a.trial_months), 'planned_months');
    END IF;
    IF asked ? 'exclusive' AND (asked->>'exclusive')::boolean <> a.exclusive THEN
        PERFORM tp_raise('TP422', format('this achievement is offered %s',
                                         CASE WHEN a.exclusive THEN 'exclusively'
                                              ELSE 'non-exclusively' END), 'terms.exclusive');
    END IF;
    IF asked ? 'fee_fen' AND NOT asked ? 'fee_schedule' THEN
        asked := asked || jsonb_build_object('fee_schedule',
                                             fee_schedule_default((asked->>'fee_fen')::bigint));
    END IF;
    terms := achievement_standard_terms(a) || coalesce(asked, '{}'::jsonb);
    IF asked IS NULL AND terms_problem(terms) IS NOT NULL THEN
        PERFORM tp_raise('TP422', 'the achievement''s standard terms name no fee: propose terms',
                         'terms');
    END IF;
    PERFORM terms_require_valid(terms);
    PERFORM trials_sweep_expired_on(p_achievement_id);
    IF EXISTS (SELECT 1 FROM trials t
                WHERE t.enterprise_id = viewer.enterprise_id
                  AND t.achievement_id = p_achievement_id
                  AND t.status IN ('requested', 'active')) THEN
        PERFORM tp_raise('TP410', 'your enterprise already has an open trial of this achievement');
    END IF;
    -- the parties' provinces, the exclusivity and the limit are set by the birth triggers
    INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months, terms)
    VALUES (p_achievement_id, viewer.enterprise_id, p_body->>'purpose', planned, terms)
    RETURNING id, trials.terms INTO new_id, terms;
    PERFORM audit_write(p_actor, 'trial.request', 'trial', new_id, NULL,
                        jsonb_build_object('status', 'requested', 'achievement_id',
                                           p_achievement_id, 'planned_months', planned,
                                           'terms', terms));
    RETURN trial_reply(new_id);
END
$$;

-- The license an enterprise signs at its trial's agreed terms: active today, an installment
-- for each fee_schedule entry due after_days after today.
CREATE FUNCTION license_sign_agreed(t trials) RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    lic licenses;
BEGIN
    IF t.terms IS NULL THEN
        PERFORM tp_raise('TP409', 'this trial started before terms were agreed: the institution '
                                  'proposes a license');
    END IF;
    INSERT INTO licenses (trial_id, status, payment_mode, total_fen, royalty_bp, royalty_base,
                          license_years, terms)
    VALUES (t.id, 'active', t.terms->>'payment_mode', (t.terms->>'fee_fen')::bigint,
            (t.terms->>'royalty_bp')::int, t.terms->>'royalty_base',
            (t.terms->>'license_years')::smallint, t.terms)
    RETURNING * INTO lic;
    INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
    SELECT lic.id, row_number() OVER (ORDER BY (x.e->>'after_days')::int, x.n), 'fixed',
           lic.signed_on + (x.e->>'after_days')::int, (x.e->>'amount_fen')::bigint
      FROM jsonb_array_elements(t.terms->'fee_schedule') WITH ORDINALITY AS x(e, n);
    SELECT * INTO lic FROM licenses WHERE id = lic.id;
    RETURN lic;
END
$$;

-- The license the institution proposes on its own terms (the body of "Licenses and
-- payments"): proposed, its installments at the dates given; royalty_bp defaults to the
-- agreed (or the achievement's) rate for the royalty modes, royalty_base and license_years to
-- the agreed ones.
CREATE FUNCTION license_propose(t trials, p_body jsonb) RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    mode text := p_body->>'payment_mode';
    base jsonb := coalesce(t.terms, (SELECT achievement_standard_terms(a) FROM achievements a
                                       WHERE a.id = t.achievement_id));
    terms jsonb;
    lic licenses;
BEGIN
    IF EXISTS (SELECT 1 FROM licenses l WHERE l.trial_id = t.id AND l.status = 'proposed') THEN
        PERFORM tp_raise('TP410', 'this trial already has an open proposal');
    END IF;
    terms := jsonb_build_object(
        'payment_mode', mode, 'fee_fen', (p_body->>'total_fen')::bigint,
        'fee_schedule', coalesce((
            SELECT jsonb_agg(jsonb_build_object('after_days', (x.e->>'due_on')::date - tp_today(),
                                                'amount_fen', (x.e->>'amount_fen')::bigint)
                             ORDER BY (x.e->>'due_on')::date, x.n)
              FROM jsonb_array_elements(coalesce(p_body->'installments', '[]'))
                   WITH ORDINALITY AS x(e, n)), '[]'::jsonb),
        'royalty_bp', coalesce((p_body->>'royalty_bp')::int,
                               CASE WHEN mode IN ('royalty', 'lump_sum_plus_royalty')
                                    THEN (base->>'royalty_bp')::int END, 0),
        'royalty_base', coalesce(p_body->>'royalty_base', base->>'royalty_base'),
        'license_years', coalesce((p_body->>'license_years')::int, (base->>'license_years')::int),
        'exclusive', t.exclusive, 'field_of_use', base->'field_of_use',
        'territory', base->'territory', 'max_trial_months', t.max_trial_months);
    INSERT INTO licenses (trial_id, status, payment_mode, total_fen, royalty_bp, royalty_base,
                          license_years, issued_fen, terms)
    VALUES (t.id, 'proposed', mode, (terms->>'fee_fen')::bigint, (terms->>'royalty_bp')::int,
            terms->>'royalty_base', (terms->>'license_years')::smallint, 0, terms)
    RETURNING * INTO lic;
    INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
    SELECT lic.id, row_number() OVER (ORDER BY (x.e->>'due_on')::date, x.n), 'fixed',
           (x.e->>'due_on')::date, (x.e->>'amount_fen')::bigint
      FROM jsonb_array_elements(coalesce(p_body->'installments', '[]')) WITH ORDINALITY AS x(e, n);
    SELECT * INTO lic FROM licenses WHERE id = lic.id;
    RETURN lic;
END
$$;

-- A trial becomes converted on its license (signed by the enterprise's conversion or its
-- acceptance of a proposal); an exclusive achievement becomes licensed. Writes the audit events.
CREATE FUNCTION trial_converted(p_actor bigint, t trials, lic licenses) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
BEGIN
    UPDATE trials SET status = 'converted', closed_at = tp_now(), license_id = lic.id
     WHERE id = t.id;
    SELECT * INTO a FROM achievements WHERE id = t.achievement_id;
    IF a.exclusive AND a.status = 'listed' THEN
        UPDATE achievements SET status = 'licensed' WHERE id = a.id;
    END IF;
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    PERFORM audit_write(p_actor, 'trial.convert', 'trial', t.id, '{"status": "active"}',
                        jsonb_build_object('status', 'converted', 'license_id', lic.id));
    PERFORM audit_write(p_actor, 'license.sign', 'license', lic.id, NULL,
                        (SELECT license_json(l) FROM licenses l WHERE l.id = lic.id));
    IF a.exclusive AND a.status = 'listed' THEN
        PERFORM audit_write(p_actor, 'achievement.license', 'achievement', a.id,
                            '{"status": "listed"}', '{"status": "licensed"}');
    END IF;
END
$$;

-- POST /api/v1/trials/{id}/convert -> {"license"}, while the trial is active. The enterprise
-- (body {}) signs at the agreed terms: license active, trial converted. The institution (body
-- {"payment_mode","total_fen","royalty_bp"?,"royalty_base"?,"license_years"?,"installments"})
-- proposes: license proposed, the trial stays active.
DROP FUNCTION api_trial_convert(bigint, bigint, jsonb);
CREATE FUNCTION api_trial_convert(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    t trials;
    lic licenses;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    IF viewer.role = 'enterprise' THEN
        t := trial_lock_for(p_actor, p_id, 'enterprise', 'convert');
        PERFORM trial_require_status(t, 'active', 'converted');
        lic := license_sign_agreed(t);
        PERFORM trial_converted(p_actor, t, lic);
    ELSE
        t := trial_lock_for(p_actor, p_id, 'institution', 'convert');
        PERFORM trial_require_status(t, 'active', 'converted');
        lic := license_propose(t, p_body);
        SET CONSTRAINTS license_books_balance IMMEDIATE;
        PERFORM audit_write(p_actor, 'license.propose', 'license', lic.id, NULL,
                            license_json(lic));
    END IF;
    RETURN jsonb_build_object('license', (SELECT license_json(l) FROM licenses l
                                           WHERE l.id = lic.id));
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Proposals: the enterprise accepts or declines

-- Locks a proposed license for its enterprise's answer: TP404 unseen, TP403 not the
-- enterprise's staff, TP409 when it is no longer proposed (or its trial has ended).
CREATE FUNCTION license_lock_proposed(p_actor bigint, p_id bigint, p_verb text) RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'enterprise',
                                format('only the licensee enterprise may %s a proposal', p_verb));
    IF license_effective_status(l) <> 'proposed' THEN
        PERFORM tp_raise('TP409', format('the license is %s, not proposed',
                                         license_effective_status(l)));
    END IF;
    RETURN l;
END
$$;

-- POST /api/v1/licenses/{id}/accept: license active (signed today), trial converted.
CREATE FUNCTION api_license_accept(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    t trials;
BEGIN
    l := license_lock_proposed(p_actor, p_id, 'accept');
    SELECT * INTO t FROM trials WHERE id = l.trial_id FOR UPDATE;
    UPDATE licenses SET status = 'active' WHERE id = p_id RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.accept', 'license', p_id, '{"status": "proposed"}',
                        jsonb_build_object('status', 'active', 'signed_on', l.signed_on));
    PERFORM trial_converted(p_actor, t, l);
    RETURN license_json(l);
END
$$;

-- POST /api/v1/licenses/{id}/decline {"reason"}: license declined, the trial stays active.
CREATE FUNCTION api_license_decline(p_actor bigint, p_id bigint, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    l := license_lock_proposed(p_actor, p_id, 'decline');
    UPDATE licenses SET status = 'declined', declined_at = tp_now(), decline_reason = p_reason
     WHERE id = p_id
    RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.decline', 'license', p_id, '{"status": "proposed"}',
                        jsonb_build_object('status', 'declined', 'reason', p_reason));
    RETURN license_json(l);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Money: payments capped by what is issued, royalty reports, default

-- Settles an active license whose issued money is all paid once nothing more can be issued;
-- writes the audit event. Returns the license as it is now.
CREATE FUNCTION license_settle_if_done(p_actor bigint, p_id bigint) RETURNS licenses
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id;
    IF l.status = 'active' AND l.paid_fen = l.issued_fen AND license_issuing_done(l) THEN
        UPDATE licenses SET status = 'settled' WHERE id = p_id RETURNING * INTO l;
        PERFORM audit_write(p_actor, 'license.settle', 'license', p_id, '{"status": "active"}',
                            jsonb_build_object('status', 'settled', 'paid_fen', l.paid_fen));
    END IF;
    RETURN l;
END
$$;

-- POST /api/v1/licenses/{id}/payments {"amount_fen","paid_on","reference"}: the institution
-- records money received on an active license, at most what is issued and unpaid (TP410, 409
-- conflict, changing nothing); oldest unpaid installment first.
CREATE OR REPLACE FUNCTION api_license_payment(p_actor bigint, p_id bigint, p_body jsonb)
RETURNS jsonb
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
    IF amount > l.issued_fen - l.paid_fen THEN
        PERFORM tp_raise('TP410', format('%s fen is more than the %s fen issued and unpaid',
                                         amount, l.issued_fen - l.paid_fen));
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
    UPDATE licenses SET paid_fen = paid_fen + amount WHERE id = p_id;
    PERFORM audit_write(p_actor, 'payment.record', 'payment', p.id, NULL, payment_json(p));
    PERFORM license_settle_if_done(p_actor, p_id);
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    RETURN payment_json(p);
END
$$;

-- POST /api/v1/licenses/{id}/reports {"period","net_sales_fen","profit_fen"?,"note"?}: the
-- licensee reports a quarter's sales -> {"report","installment"?}. The royalty is royalty_bp of
-- the base (net sales, or profit when royalty_base is profit), rounded half up, due 30 days
-- after today; none when it is 0. A quarter not ended, outside the term or already reported is
-- TP410 (409 conflict).
CREATE FUNCTION api_license_report(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    q date := quarter_start(p_body->>'period');
    base bigint;
    royalty bigint;
    seq_no int;
    r royalty_reports;
    installment jsonb;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'enterprise',
                                'only the licensee enterprise reports its sales');
    IF l.status <> 'active' THEN
        PERFORM tp_raise('TP409', format('a %s license takes no reports', l.status));
    END IF;
    IF NOT license_bills_royalty(l) THEN
        PERFORM tp_raise('TP409', 'this license bills no royalty');
    END IF;
    IF q IS NULL THEN
        PERFORM tp_raise('TP422', 'must be a quarter such as 2027-Q1', 'period');
    END IF;
    IF l.royalty_base = 'profit' AND NOT p_body ? 'profit_fen' THEN
        PERFORM tp_raise('TP422', 'this license''s royalty is on profit: report it', 'profit_fen');
    END IF;
    IF (q + interval '3 months')::date > tp_today() THEN
        PERFORM tp_raise('TP410', format('%s has not ended yet', p_body->>'period'));
    END IF;
    IF NOT EXISTS (SELECT 1 FROM license_quarters(l) x WHERE x = q) THEN
        PERFORM tp_raise('TP410', format('%s lies outside the license''s term (%s to %s)',
                                         p_body->>'period', l.signed_on, l.ends_on));
    END IF;
    IF EXISTS (SELECT 1 FROM royalty_reports x WHERE x.license_id = p_id AND x.period_start = q) THEN
        PERFORM tp_raise('TP410', format('%s is already reported', p_body->>'period'));
    END IF;
    base := CASE WHEN l.royalty_base = 'profit' THEN (p_body->>'profit_fen')::bigint
                 ELSE (p_body->>'net_sales_fen')::bigint END;
    royalty := CASE WHEN base > 0 THEN round(base::numeric * l.royalty_bp / 10000)::bigint
                    ELSE 0 END;
    IF royalty > 0 THEN
        SELECT coalesce(max(i.seq), 0) + 1 INTO seq_no FROM installments i WHERE i.license_id = p_id;
        INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
        VALUES (p_id, seq_no, 'royalty', tp_today() + 30, royalty);
        installment := jsonb_build_object('seq', seq_no, 'kind', 'royalty',
                                          'due_on', tp_today() + 30, 'amount_fen', royalty,
                                          'paid_fen', 0, 'overdue', false);
    END IF;
    INSERT INTO royalty_reports (license_id, period_start, net_sales_fen, profit_fen, note,
                                 royalty_fen, installment_seq, reported_by)
    VALUES (p_id, q, (p_body->>'net_sales_fen')::bigint, (p_body->>'profit_fen')::bigint,
            p_body->>'note', royalty, seq_no, p_actor)
    RETURNING * INTO r;
    PERFORM audit_write(p_actor, 'license.report', 'license', p_id, NULL, royalty_report_json(r));
    PERFORM license_settle_if_done(p_actor, p_id);
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    RETURN jsonb_build_object('report', royalty_report_json(r))
           || CASE WHEN installment IS NOT NULL
                   THEN jsonb_build_object('installment', installment) ELSE '{}' END;
END
$$;

-- GET /api/v1/licenses/{id}/reports: newest first; TP404 when the license is not visible.
CREATE FUNCTION api_license_reports_list(p_actor bigint, p_license_id bigint,
                                         p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM licenses l WHERE l.id = p_license_id
                                              AND party_visible_to(p_actor, l)) THEN
        PERFORM tp_raise('TP404', 'no such license');
    END IF;
    RETURN QUERY
    WITH hits AS (
        SELECT r.id FROM royalty_reports r
         WHERE r.license_id = p_license_id AND (p_after_id IS NULL OR r.id < p_after_id)
         ORDER BY r.id DESC
         LIMIT p_limit + 1
    )
    SELECT * FROM keyset_page((SELECT jsonb_agg(royalty_report_json(r) ORDER BY r.id DESC)
                                 FROM hits JOIN royalty_reports r ON r.id = hits.id), p_limit);
END
$$;

-- POST /api/v1/licenses/{id}/default {"reason"}: as 0007, once an installment or a report is 90
-- or more days overdue; the claim is for what is issued and unpaid.
CREATE OR REPLACE FUNCTION api_license_default(p_actor bigint, p_id bigint, p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    ratio integer;
    c compensations;
BEGIN
    l := license_lock_active(p_actor, p_id, 'mark a default', 'a %s license cannot default');
    IF NOT EXISTS (SELECT 1 FROM installments
                    WHERE license_id = p_id AND paid_fen < amount_fen
                      AND due_on <= tp_today() - 90)
       AND NOT EXISTS (SELECT 1 FROM license_reports_due(l) d WHERE d.due_on <= tp_today() - 90)
    THEN
        PERFORM tp_raise('TP409', 'no installment and no report is 90 or more days overdue');
    END IF;
    UPDATE licenses SET status = 'defaulted', defaulted_at = tp_now() WHERE id = p_id;
    SELECT coalesce((SELECT r.ratio_bp FROM province_compensation_ratios r
                      WHERE r.province = l.institution_province), 5000)
      INTO ratio;
    INSERT INTO compensations (license_id, province, outstanding_fen, ratio_bp, amount_fen,
                               reason)
    VALUES (p_id, l.institution_province, l.issued_fen - l.paid_fen, ratio,
            compensation_amount_fen(l.issued_fen - l.paid_fen, ratio), p_reason)
    RETURNING * INTO c;
    PERFORM audit_write(p_actor, 'license.default', 'license', p_id, '{"status": "active"}',
                        jsonb_build_object('status', 'defaulted', 'reason', p_reason));
    PERFORM audit_write(p_actor, 'compensation.open', 'compensation', c.id, NULL,
                        compensation_json(c));
    RETURN jsonb_build_object('compensation', compensation_json(c));
END
$$;
