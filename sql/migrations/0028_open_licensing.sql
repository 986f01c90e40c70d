-- 0028_open_licensing: patent open licensing (专利开放许可), and the recording and registration
-- of licenses.
--
-- Contract 1.1, "Patent open licensing": an institution declares that anyone may use the
-- patents of a listed achievement on published terms; an enterprise that takes the declaration
-- gets an active, non-exclusive license at once. In the database:
--   * a declaration names a non-empty subset of the achievement's patent numbers, of a patent
--     kind (invention, utility model, design); one active declaration per achievement;
--   * terms above the national guidance (a fixed fee over 20,000,000 yuan; a royalty over 20 %
--     of net sales or 40 % of profit) need a public guideline_exception of at least 10
--     characters (TP4AG: 422 above_guideline);
--   * achievements.open_license is derived: true exactly while an active declaration exists,
--     whatever a writer sets; an achievement is never exclusive and open-licensed at once
--     (TP4EC: 409 exclusive_conflict, whichever comes second);
--   * withdrawal stops new licenses; licenses taken keep their terms;
--   * a license taken is active from the day it is taken, its fee due 30 days later, royalty
--     reports as for any license (0026); one active license per enterprise and declaration.
--
-- "Licenses and payments": a license of an achievement with patent numbers is to be recorded
-- with the patent office within three months of signing (recording_due_on); the institution
-- records it (record_number, recorded_on). Technology-contract registration (技术合同认定登记),
-- by either party: registration_number, registered_on, registry_province, contract_amount_fen.

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_entity_valid,
    ADD CONSTRAINT audit_events_entity_valid CHECK (entity IN (
        'achievement', 'trial', 'license', 'payment', 'compensation', 'user', 'institution',
        'enterprise', 'session', 'open_license'));

CREATE TABLE open_license_declarations (
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    achievement_id       bigint NOT NULL,
    institution_id       bigint NOT NULL,          -- the achievement's, set at insert
    institution_province text NOT NULL,            -- set at insert
    patent_numbers       text[] NOT NULL,
    fee_kind             text NOT NULL,
    fee_fen              bigint NOT NULL DEFAULT 0,
    royalty_bp           int NOT NULL DEFAULT 0,
    royalty_base         text NOT NULL DEFAULT 'net_sales',
    years                smallint NOT NULL,
    announcement_number  text,
    announced_on         date,
    guideline_exception  text,
    status               text NOT NULL DEFAULT 'active',
    declared_on          date NOT NULL DEFAULT tp_today(),
    declared_by          bigint NOT NULL,
    withdrawn_at         timestamptz,
    CONSTRAINT open_license_declarations_pkey PRIMARY KEY (id),
    CONSTRAINT open_license_declarations_achievement_fk
        FOREIGN KEY (achievement_id, institution_id, institution_province)
        REFERENCES achievements (id, institution_id, province),
    CONSTRAINT open_license_declarations_declared_by_fk
        FOREIGN KEY (declared_by) REFERENCES users (id),
    CONSTRAINT open_license_declarations_patent_numbers_valid
        CHECK (cardinality(patent_numbers) >= 1 AND tp_text_array_ok(patent_numbers, 100, 40)),
    CONSTRAINT open_license_declarations_fee_kind_valid
        CHECK (fee_kind IN ('lump_sum', 'royalty', 'entry_plus_royalty')),
    CONSTRAINT open_license_declarations_fee_valid CHECK (
        fee_fen BETWEEN 0 AND 10000000000000
        AND (fee_fen > 0) = (fee_kind IN ('lump_sum', 'entry_plus_royalty'))),
    CONSTRAINT open_license_declarations_royalty_valid CHECK (
        royalty_bp BETWEEN 0 AND 10000
        AND (royalty_bp > 0) = (fee_kind IN ('royalty', 'entry_plus_royalty'))),
    CONSTRAINT open_license_declarations_royalty_base_valid
        CHECK (royalty_base IN ('net_sales', 'profit')),
    CONSTRAINT open_license_declarations_years_valid CHECK (years BETWEEN 1 AND 20),
    CONSTRAINT open_license_declarations_announcement_valid CHECK (
        announcement_number IS NULL
        OR (NOT tp_text_blank(announcement_number) AND length(announcement_number) <= 100)),
    CONSTRAINT open_license_declarations_exception_valid CHECK (
        guideline_exception IS NULL
        OR (length(btrim(guideline_exception)) >= 10 AND length(guideline_exception) <= 2000)),
    CONSTRAINT open_license_declarations_within_guideline CHECK (
        guideline_exception IS NOT NULL
        OR (fee_fen <= 2000000000
            AND royalty_bp <= CASE royalty_base WHEN 'profit' THEN 4000 ELSE 2000 END)),
    CONSTRAINT open_license_declarations_status_valid CHECK (status IN ('active', 'withdrawn')),
    CONSTRAINT open_license_declarations_withdrawn_set
        CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);
CREATE UNIQUE INDEX open_license_declarations_one_active
    ON open_license_declarations (achievement_id) WHERE status = 'active';
CREATE INDEX open_license_declarations_status_idx ON open_license_declarations (status, id);

-- A declaration is of a listed, non-exclusive achievement of a patent kind, over some of its
-- patent numbers; its parties come from the achievement.
CREATE FUNCTION open_license_declarations_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
BEGIN
    SELECT * INTO a FROM achievements WHERE id = NEW.achievement_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no achievement %', NEW.achievement_id
            USING ERRCODE = '23503', CONSTRAINT = 'open_license_declarations_achievement_fk';
    END IF;
    IF a.status <> 'listed' OR NEW.status <> 'active' THEN
        RAISE EXCEPTION 'only a listed achievement is declared open, and a declaration starts active'
            USING ERRCODE = 'TP409', CONSTRAINT = 'open_license_declarations_listed';
    END IF;
    IF a.kind NOT IN ('invention_patent', 'utility_model', 'design_patent')
       OR cardinality(a.patent_numbers) = 0 THEN
        RAISE EXCEPTION 'only a patent with its numbers is open-licensed'
            USING ERRCODE = 'TP422', COLUMN = 'kind',
                  CONSTRAINT = 'open_license_declarations_patent_kind';
    END IF;
    IF NOT NEW.patent_numbers <@ a.patent_numbers THEN
        RAISE EXCEPTION 'are not all patents of the achievement'
            USING ERRCODE = 'TP422', COLUMN = 'patent_numbers',
                  CONSTRAINT = 'open_license_declarations_patents_of_achievement';
    END IF;
    IF a.exclusive THEN
        RAISE EXCEPTION 'an exclusive achievement cannot be open-licensed'
            USING ERRCODE = 'TP4EC', CONSTRAINT = 'achievements_exclusive_or_open';
    END IF;
    NEW.institution_id := a.institution_id;
    NEW.institution_province := a.province;
    RETURN NEW;
END
$$;
CREATE TRIGGER open_license_declarations_05_birth BEFORE INSERT ON open_license_declarations
    FOR EACH ROW EXECUTE FUNCTION open_license_declarations_birth();

-- A declaration keeps its terms; active -> withdrawn, once.
CREATE FUNCTION open_license_declarations_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.achievement_id, NEW.institution_id, NEW.patent_numbers, NEW.fee_kind,
        NEW.fee_fen, NEW.royalty_bp, NEW.royalty_base, NEW.years, NEW.announcement_number,
        NEW.announced_on, NEW.guideline_exception, NEW.declared_on, NEW.declared_by)
       IS DISTINCT FROM
       (OLD.id, OLD.achievement_id, OLD.institution_id, OLD.patent_numbers, OLD.fee_kind,
        OLD.fee_fen, OLD.royalty_bp, OLD.royalty_base, OLD.years, OLD.announcement_number,
        OLD.announced_on, OLD.guideline_exception, OLD.declared_on, OLD.declared_by)
       OR (NEW.status <> OLD.status AND OLD.status <> 'active') THEN
        RAISE EXCEPTION 'a declaration keeps its terms and is withdrawn once'
            USING ERRCODE = '23514', CONSTRAINT = 'open_license_declarations_fixed';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER open_license_declarations_20_change BEFORE UPDATE ON open_license_declarations
    FOR EACH ROW EXECUTE FUNCTION open_license_declarations_change();

-- The achievement's flag follows its declarations.
CREATE FUNCTION open_license_declarations_flag() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE achievements SET open_license = NOT open_license WHERE id = NEW.achievement_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER open_license_declarations_90_flag
    AFTER INSERT OR UPDATE OF status ON open_license_declarations
    FOR EACH ROW EXECUTE FUNCTION open_license_declarations_flag();

-- open_license is true exactly while an active declaration exists; exclusive and open are
-- never both true.
CREATE FUNCTION achievements_open_license_derived() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.open_license := TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM open_license_declarations d
         WHERE d.achievement_id = NEW.id AND d.status = 'active');
    IF NEW.exclusive AND NEW.open_license THEN
        RAISE EXCEPTION 'an open-licensed achievement cannot be exclusive'
            USING ERRCODE = 'TP4EC', COLUMN = 'exclusive',
                  CONSTRAINT = 'achievements_exclusive_or_open';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_03_open_license BEFORE INSERT OR UPDATE ON achievements
    FOR EACH ROW EXECUTE FUNCTION achievements_open_license_derived();

-- No declaration exists yet: the flag an institution ticked before 1.1 meant nothing.
ALTER TABLE achievements DISABLE TRIGGER USER;
UPDATE achievements SET open_license = false WHERE open_license;
ALTER TABLE achievements ENABLE TRIGGER USER;
ALTER TABLE achievements
    ADD CONSTRAINT achievements_exclusive_or_open CHECK (NOT (exclusive AND open_license));

-- ---------------------------------------------------------------------------------------------
-- Licenses taken from a declaration; recording and registration

ALTER TABLE licenses
    ALTER COLUMN trial_id DROP NOT NULL,
    ADD COLUMN open_license_id bigint,
    ADD COLUMN recording_due_on date,
    ADD COLUMN record_number text,
    ADD COLUMN recorded_on date,
    ADD COLUMN registration_number text,
    ADD COLUMN registered_on date,
    ADD COLUMN registry_province text,
    ADD COLUMN contract_amount_fen bigint,
    ADD CONSTRAINT licenses_open_license_fk FOREIGN KEY (open_license_id)
        REFERENCES open_license_declarations (id),
    ADD CONSTRAINT licenses_source_matches CHECK (
        (source = 'trial') = (trial_id IS NOT NULL)
        AND (source = 'open_license') = (open_license_id IS NOT NULL)),
    ADD CONSTRAINT licenses_recorded_set CHECK (
        (record_number IS NULL) = (recorded_on IS NULL)
        AND (record_number IS NULL
             OR (NOT tp_text_blank(record_number) AND length(record_number) <= 100))),
    ADD CONSTRAINT licenses_registered_set CHECK (
        (registration_number IS NULL) = (registered_on IS NULL)
        AND (registration_number IS NULL) = (registry_province IS NULL)
        AND (registration_number IS NULL) = (contract_amount_fen IS NULL)
        AND (registration_number IS NULL
             OR (NOT tp_text_blank(registration_number) AND length(registration_number) <= 100
                 AND registry_province IN ('SH', 'JS', 'ZJ', 'AH')
                 AND contract_amount_fen BETWEEN 0 AND 10000000000000)));
CREATE UNIQUE INDEX licenses_one_active_per_taker
    ON licenses (open_license_id, enterprise_id) WHERE status = 'active';
CREATE INDEX licenses_recording_due_idx ON licenses (recording_due_on)
    WHERE record_number IS NULL AND recording_due_on IS NOT NULL;

-- Existing licenses of patents are due for recording three months after signing.
ALTER TABLE licenses DISABLE TRIGGER USER;
UPDATE licenses l
   SET recording_due_on = (l.signed_on + interval '3 months')::date
  FROM achievements a
 WHERE a.id = l.achievement_id AND cardinality(a.patent_numbers) > 0 AND l.signed_on IS NOT NULL;
ALTER TABLE licenses ENABLE TRIGGER USER;

-- 0026's licenses_birth, with licenses taken from a declaration (active at once, parties from
-- the declaration and the taker's enterprise) beside those of trials.
CREATE OR REPLACE FUNCTION licenses_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t record;
    d open_license_declarations;
BEGIN
    IF NEW.status NOT IN ('proposed', 'active') OR NEW.paid_fen <> 0 OR NEW.issued_fen <> 0
       OR NEW.defaulted_at IS NOT NULL OR NEW.declined_at IS NOT NULL THEN
        RAISE EXCEPTION 'a license starts proposed or active with nothing issued or paid'
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_status_transition';
    END IF;
    IF NEW.source = 'open_license' THEN
        SELECT * INTO d FROM open_license_declarations WHERE id = NEW.open_license_id FOR SHARE;
        IF NOT FOUND OR d.status <> 'active' OR NEW.status <> 'active' THEN
            RAISE EXCEPTION 'only an active declaration is taken, at once'
                USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_declaration_active';
        END IF;
        NEW.achievement_id := d.achievement_id;
        NEW.institution_id := d.institution_id;
        NEW.institution_province := d.institution_province;
        SELECT province INTO NEW.enterprise_province FROM enterprises WHERE id = NEW.enterprise_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no enterprise %', NEW.enterprise_id
                USING ERRCODE = '23503', CONSTRAINT = 'licenses_enterprise_fk';
        END IF;
        NEW.exclusive := false;
    ELSE
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
        NEW.terms := coalesce(NEW.terms, jsonb_build_object(
            'payment_mode', NEW.payment_mode, 'fee_fen', NEW.total_fen,
            'fee_schedule', '[]'::jsonb, 'royalty_bp', NEW.royalty_bp,
            'royalty_base', NEW.royalty_base, 'license_years', NEW.license_years,
            'exclusive', t.exclusive, 'field_of_use', NULL, 'territory', NULL,
            'max_trial_months', t.max_trial_months));
    END IF;
    IF NEW.status = 'proposed' THEN
        NEW.proposed_at := tp_now();
        NEW.signed_at := NULL;
    ELSE
        NEW.signed_at := coalesce(NEW.signed_at, tp_now());
    END IF;
    NEW.recording_due_on := CASE WHEN NEW.signed_at IS NOT NULL AND EXISTS (
            SELECT 1 FROM achievements a WHERE a.id = NEW.achievement_id
                                           AND cardinality(a.patent_numbers) > 0)
        THEN (tp_date(NEW.signed_at) + interval '3 months')::date END;
    RETURN NEW;
END
$$;

-- An accepted proposal is due for recording three months after its acceptance (after 0026's
-- licenses_change, which signs it).
CREATE FUNCTION licenses_recording_due() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'proposed' AND NEW.status = 'active' THEN
        NEW.recording_due_on := CASE WHEN EXISTS (
                SELECT 1 FROM achievements a WHERE a.id = NEW.achievement_id
                                               AND cardinality(a.patent_numbers) > 0)
            THEN (tp_date(NEW.signed_at) + interval '3 months')::date END;
    ELSIF NEW.recording_due_on IS DISTINCT FROM OLD.recording_due_on
          OR NEW.open_license_id IS DISTINCT FROM OLD.open_license_id THEN
        RAISE EXCEPTION 'a license keeps its declaration and recording deadline'
            USING ERRCODE = '23514', CONSTRAINT = 'licenses_fixed_columns';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER licenses_21_recording_due BEFORE UPDATE ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_recording_due();

-- The recording status a reader sees, or null for a license of no patent.
CREATE FUNCTION license_recording_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN l.recording_due_on IS NOT NULL THEN jsonb_build_object(
        'status', CASE WHEN l.record_number IS NOT NULL THEN 'done'
                       WHEN l.recording_due_on < tp_today() THEN 'overdue'
                       ELSE 'pending' END,
        'record_number', l.record_number, 'recorded_on', l.recorded_on) END
$$;

CREATE OR REPLACE FUNCTION license_json(l licenses) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED AS $$
    SELECT jsonb_build_object(
        'id', l.id, 'source', l.source, 'trial_id', l.trial_id,
        'open_license_id', l.open_license_id, 'achievement_id', l.achievement_id,
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
        -- nothing is owed on a license until it is signed
        'issued_fen', CASE WHEN l.signed_at IS NOT NULL THEN l.issued_fen ELSE 0 END,
        'paid_fen', l.paid_fen,
        'outstanding_fen', CASE WHEN l.signed_at IS NOT NULL THEN l.issued_fen - l.paid_fen
                                ELSE 0 END,
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
        'defaulted_at', tp_instant(l.defaulted_at),
        'recording_due_on', l.recording_due_on, 'recording', license_recording_json(l),
        'registration', CASE WHEN l.registration_number IS NOT NULL THEN jsonb_build_object(
            'registration_number', l.registration_number, 'registered_on', l.registered_on,
            'registry_province', l.registry_province,
            'contract_amount_fen', l.contract_amount_fen) END)
$$;

-- A proposal of a trial: its effective status needs the trial; a license taken from a
-- declaration is never proposed.
CREATE OR REPLACE FUNCTION license_effective_status(l licenses) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN l.status = 'proposed'
                 AND NOT EXISTS (SELECT 1 FROM trials t WHERE t.id = l.trial_id
                                    AND t.status = 'active' AND t.ends_on >= tp_today())
                THEN 'declined' ELSE l.status END
$$;

CREATE FUNCTION open_license_json(d open_license_declarations) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object(
        'id', d.id, 'achievement_id', d.achievement_id, 'institution_id', d.institution_id,
        'achievement_title', (SELECT a.title FROM achievements a WHERE a.id = d.achievement_id),
        'institution_name', (SELECT i.name FROM institutions i WHERE i.id = d.institution_id),
        'institution_province', d.institution_province,
        'patent_numbers', to_jsonb(d.patent_numbers), 'fee_kind', d.fee_kind,
        'fee_fen', d.fee_fen, 'royalty_bp', d.royalty_bp, 'royalty_base', d.royalty_base,
        'years', d.years, 'announcement_number', d.announcement_number,
        'announced_on', d.announced_on, 'guideline_exception', d.guideline_exception,
        'status', d.status, 'declared_on', d.declared_on,
        'withdrawn_at', tp_instant(d.withdrawn_at),
        'licenses', (SELECT count(*) FROM licenses l WHERE l.open_license_id = d.id
                                                      AND l.status <> 'declined'))
$$;

-- ---------------------------------------------------------------------------------------------
-- The endpoints: declarations

-- POST /api/v1/achievements/{id}/open-licenses {"patent_numbers","fee_kind","fee_fen"?,
-- "royalty_bp"?,"royalty_base"?,"years","announcement_number"?,"announced_on"?,
-- "guideline_exception"?}: its institution, while the achievement is listed.
CREATE FUNCTION api_open_license_declare(p_actor bigint, p_achievement_id bigint, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
    d open_license_declarations;
    fee bigint := coalesce((p_body->>'fee_fen')::bigint, 0);
    rate int := coalesce((p_body->>'royalty_bp')::int, 0);
    base text := coalesce(p_body->>'royalty_base', 'net_sales');
BEGIN
    a := achievement_lock_for(p_actor, p_achievement_id, 'institution',
                              'only its institution declares an open license');
    IF a.status <> 'listed' THEN
        PERFORM tp_raise('TP409', format('a %s achievement cannot be declared open', a.status));
    END IF;
    IF p_body->>'guideline_exception' IS NULL
       AND (fee > 2000000000 OR rate > CASE base WHEN 'profit' THEN 4000 ELSE 2000 END) THEN
        PERFORM tp_raise('TP4AG', CASE WHEN fee > 2000000000
                THEN 'the national guidance puts a fixed fee at 20,000,000 yuan at most: give a guideline_exception'
                ELSE 'the national guidance puts a royalty at 20 % of net sales or 40 % of profit at most: give a guideline_exception' END,
            CASE WHEN fee > 2000000000 THEN 'fee_fen' ELSE 'royalty_bp' END);
    END IF;
    IF EXISTS (SELECT 1 FROM open_license_declarations x
                WHERE x.achievement_id = a.id AND x.status = 'active') THEN
        PERFORM tp_raise('TP410', 'the achievement already has an active open-license declaration');
    END IF;
    INSERT INTO open_license_declarations (achievement_id, patent_numbers, fee_kind, fee_fen,
                                           royalty_bp, royalty_base, years, announcement_number,
                                           announced_on, guideline_exception, declared_by)
    VALUES (a.id, achievement_text_array(p_body->'patent_numbers'), p_body->>'fee_kind', fee,
            rate, base, (p_body->>'years')::smallint, p_body->>'announcement_number',
            (p_body->>'announced_on')::date, p_body->>'guideline_exception', p_actor)
    RETURNING * INTO d;
    PERFORM audit_write(p_actor, 'open_license.declare', 'open_license', d.id, NULL,
                        open_license_json(d));
    RETURN open_license_json(d);
END
$$;

-- GET /api/v1/open-licenses?achievement_id=&status=: anyone; newest first.
CREATE FUNCTION api_open_licenses_list(p_achievement_id bigint, p_status text, p_limit integer,
                                       p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE sql STABLE AS $$
    WITH hits AS (
        SELECT d.* FROM open_license_declarations d
         WHERE (p_achievement_id IS NULL OR d.achievement_id = p_achievement_id)
           AND (p_status IS NULL OR d.status = p_status)
           AND (p_after_id IS NULL OR d.id < p_after_id)
         ORDER BY d.id DESC
         LIMIT p_limit + 1
    )
    SELECT * FROM keyset_page((SELECT jsonb_agg(open_license_json(h) ORDER BY h.id DESC)
                                 FROM hits h), p_limit)
$$;

-- GET /api/v1/open-licenses/{id}: anyone; NULL when there is none.
CREATE FUNCTION api_open_license_get(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT open_license_json(d) FROM open_license_declarations d WHERE d.id = p_id
$$;

-- POST /api/v1/open-licenses/{id}/withdraw: its institution; licenses taken keep their terms.
CREATE FUNCTION api_open_license_withdraw(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    d open_license_declarations;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO d FROM open_license_declarations WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP404', 'no such open-license declaration');
    END IF;
    IF viewer.role IS DISTINCT FROM 'institution' OR viewer.institution_id <> d.institution_id THEN
        PERFORM tp_raise('TP403', 'only the declaring institution withdraws a declaration');
    END IF;
    IF d.status <> 'active' THEN
        PERFORM tp_raise('TP409', 'the declaration is already withdrawn');
    END IF;
    UPDATE open_license_declarations SET status = 'withdrawn', withdrawn_at = tp_now()
     WHERE id = p_id
    RETURNING * INTO d;
    PERFORM audit_write(p_actor, 'open_license.withdraw', 'open_license', p_id,
                        '{"status": "active"}', '{"status": "withdrawn"}');
    RETURN open_license_json(d);
END
$$;

-- POST /api/v1/open-licenses/{id}/take: any enterprise -> {"license"}, active at once at the
-- declared terms, non-exclusive, the fee due 30 days after today. One active license per
-- enterprise and declaration (TP410).
CREATE FUNCTION api_open_license_take(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    d open_license_declarations;
    mode text;
    terms jsonb;
    lic licenses;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO d FROM open_license_declarations WHERE id = p_id FOR SHARE;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP404', 'no such open-license declaration');
    END IF;
    IF viewer.role IS DISTINCT FROM 'enterprise' THEN
        PERFORM tp_raise('TP403', 'only enterprise staff take an open license');
    END IF;
    IF d.status <> 'active' THEN
        PERFORM tp_raise('TP409', 'the declaration is withdrawn: it takes no new licenses');
    END IF;
    IF EXISTS (SELECT 1 FROM licenses l WHERE l.open_license_id = p_id
                  AND l.enterprise_id = viewer.enterprise_id AND l.status = 'active') THEN
        PERFORM tp_raise('TP410', 'your enterprise already holds a license of this declaration');
    END IF;
    mode := CASE d.fee_kind WHEN 'entry_plus_royalty' THEN 'lump_sum_plus_royalty'
                            ELSE d.fee_kind END;
    terms := jsonb_build_object(
        'payment_mode', mode, 'fee_fen', d.fee_fen, 'fee_schedule', fee_schedule_default(d.fee_fen),
        'royalty_bp', d.royalty_bp, 'royalty_base', d.royalty_base, 'license_years', d.years,
        'exclusive', false, 'field_of_use', NULL, 'territory', NULL, 'max_trial_months', NULL);
    INSERT INTO licenses (source, open_license_id, enterprise_id, status, payment_mode,
                          total_fen, royalty_bp, royalty_base, license_years, terms)
    VALUES ('open_license', p_id, viewer.enterprise_id, 'active', mode, d.fee_fen, d.royalty_bp,
            d.royalty_base, d.years, terms)
    RETURNING * INTO lic;
    INSERT INTO installments (license_id, seq, kind, due_on, amount_fen)
    SELECT lic.id, 1, 'fixed', lic.signed_on + 30, d.fee_fen WHERE d.fee_fen > 0;
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    SELECT * INTO lic FROM licenses WHERE id = lic.id;
    PERFORM audit_write(p_actor, 'open_license.take', 'license', lic.id, NULL, license_json(lic));
    RETURN jsonb_build_object('license', license_json(lic));
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The endpoints: recording and registration

-- PUT /api/v1/licenses/{id}/recording {"record_number","recorded_on"}: the institution, on a
-- signed license of a patent; recorded_on from signing to today.
CREATE FUNCTION api_license_recording(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
    recorded date := (p_body->>'recorded_on')::date;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, l, 'license', 'institution',
                                'only the licensing institution records a license');
    IF l.signed_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license is recorded once signed');
    END IF;
    IF l.recording_due_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license of no patent is not recorded with the patent office');
    END IF;
    IF recorded < l.signed_on OR recorded > tp_today() THEN
        PERFORM tp_raise('TP422', format('must be from the signing (%s) to today', l.signed_on),
                         'recorded_on');
    END IF;
    UPDATE licenses SET record_number = p_body->>'record_number', recorded_on = recorded
     WHERE id = p_id
    RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.record', 'license', p_id, NULL,
                        license_recording_json(l));
    RETURN license_json(l);
END
$$;

-- PUT /api/v1/licenses/{id}/registration {"registration_number","registered_on",
-- "registry_province","contract_amount_fen"}: either party, on a signed license.
CREATE FUNCTION api_license_registration(p_actor bigint, p_id bigint, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    l licenses;
    registered date := (p_body->>'registered_on')::date;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT * INTO l FROM licenses WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(party_visible_to(p_actor, l), false) THEN
        PERFORM tp_raise('TP404', 'no such license');
    END IF;
    IF NOT (viewer.role = 'institution' AND viewer.institution_id = l.institution_id
            OR viewer.role = 'enterprise' AND viewer.enterprise_id = l.enterprise_id) THEN
        PERFORM tp_raise('TP403', 'only a party to the license registers it');
    END IF;
    IF l.signed_on IS NULL THEN
        PERFORM tp_raise('TP409', 'a license is registered once signed');
    END IF;
    IF registered < l.signed_on OR registered > tp_today() THEN
        PERFORM tp_raise('TP422', format('must be from the signing (%s) to today', l.signed_on),
                         'registered_on');
    END IF;
    UPDATE licenses
       SET registration_number = p_body->>'registration_number', registered_on = registered,
           registry_province = p_body->>'registry_province',
           contract_amount_fen = (p_body->>'contract_amount_fen')::bigint
     WHERE id = p_id
    RETURNING * INTO l;
    PERFORM audit_write(p_actor, 'license.register', 'license', p_id, NULL,
                        jsonb_build_object('registration_number', l.registration_number,
                                           'registered_on', l.registered_on,
                                           'registry_province', l.registry_province,
                                           'contract_amount_fen', l.contract_amount_fen));
    RETURN license_json(l);
END
$$;

-- GET /api/v1/licenses?status=&recording=: as 0007, with the recording status filter
-- (pending, overdue, done; as license_recording_json says); proposed and declined as a reader
-- sees them (a proposal whose trial has ended is declined).
DROP FUNCTION api_licenses_list(bigint, text, integer, bigint);
CREATE FUNCTION api_licenses_list(p_actor bigint, p_status text, p_recording text,
                                  p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM party_viewer(p_actor);
    RETURN QUERY EXECUTE $query$
        WITH hits AS (
            SELECT l.id
              FROM licenses l
             WHERE party_visible(l.institution_id, l.institution_province, l.enterprise_id,
                                 l.enterprise_province, $1, $2, $3, $4)
               AND ($5::text IS NULL OR l.status = $5 AND $5 NOT IN ('proposed', 'declined')
                    OR $5 IN ('proposed', 'declined') AND license_effective_status(l) = $5)
               AND ($8::text IS NULL OR (l.recording_due_on IS NOT NULL AND
                    CASE WHEN l.record_number IS NOT NULL THEN 'done'
                         WHEN l.recording_due_on < tp_today() THEN 'overdue'
                         ELSE 'pending' END = $8))
               AND ($7::bigint IS NULL OR l.id < $7)
             ORDER BY l.id DESC
             LIMIT $6 + 1
        )
        SELECT * FROM keyset_page((SELECT jsonb_agg(license_json(l) ORDER BY l.id DESC)
                                     FROM hits JOIN licenses l ON l.id = hits.id), $6)
    $query$
    USING v.role, v.province, v.institution_id, v.enterprise_id, p_status, p_limit, p_after_id,
          p_recording;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Recording deadlines: the institution hears 14 days before and once overdue (0027's texts).

CREATE FUNCTION notifications_scan_recording_deadlines() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    r record;
BEGIN
    FOR r IN
        SELECT l.id, l.institution_id, l.recording_due_on
          FROM licenses l
         WHERE l.record_number IS NULL AND l.recording_due_on <= today + 14
           AND l.status IN ('active', 'settled', 'defaulted')
    LOOP
        PERFORM notify_organisation(
            CASE WHEN r.recording_due_on >= today THEN 'recording.due_soon'
                 ELSE 'recording.overdue' END,
            'license', r.id, r.institution_id, NULL,
            license_notice_facts(r.id)
                || jsonb_build_object('party', (SELECT e.name FROM licenses l
                                                  JOIN enterprises e ON e.id = l.enterprise_id
                                                 WHERE l.id = r.id),
                                      'date', r.recording_due_on),
            format('%s:%s', CASE WHEN r.recording_due_on >= today THEN 'recording.due_soon'
                                 ELSE 'recording.overdue' END, r.id));
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION notifications_scan_deadlines() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    made integer := notifications_scan_trial_and_money_deadlines();
    before integer;
BEGIN
    SELECT count(*) INTO before FROM notifications;
    PERFORM notifications_scan_report_deadlines();
    PERFORM notifications_scan_recording_deadlines();
    RETURN made + (SELECT count(*) FROM notifications) - before;
END
$$;
