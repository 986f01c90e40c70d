-- 0001_schema: the complete data model of the pool, with the constraints that guard its rules.
--
-- The database guards the invariants: CHECK constraints, partial unique indexes and trigger
-- guards refuse any row that breaks a rule of the contract, whatever the caller. Every rule has a
-- name; the daemon maps a violation to the contract by SQLSTATE and constraint name.
--
-- What a violation raises:
--   23514 check_violation (-> 409 conflict), constraint = the rule, e.g. payments_amount_positive,
--         licenses_paid_within_total (a payment beyond total_fen);
--   23505 unique_violation (-> 409 conflict): users_email_unique, enterprises_credit_code_unique,
--         trials_one_open_per_enterprise, trials_one_active_on_exclusive,
--         compensations_one_per_license, licenses_one_per_trial, installments_seq_unique;
--   TP409 invalid_transition (trigger guards): <table>_status_transition, trials_achievement_listed,
--         licenses_trial_active; TP422 invalid_field with COLUMN set:
--         trials_planned_months_within_trial_months (planned_months),
--         installments_sum_equals_total (installments);
--   23503 foreign_key_violation: <table>_<column>_fk.
-- Trigger guards that are programming errors rather than user input (fixed columns, ledger
-- books out of balance) raise 23514 with the rule's name.
--
-- Conventions kept here:
--   * every recorded instant or date comes from tp_now() / tp_today() (the service clock,
--     shifted by the setting techpool.today for demos and tests);
--   * money is bigint fen in columns ending _fen, never negative;
--   * enums are text with a CHECK (x IN (...)) named <table>_<column>_valid;
--   * achievements.version and updated_at are maintained by a trigger (achievements_20_version)
--     on every UPDATE that changes the row: SQL functions never set them;
--   * provinces are copied onto achievements, trials and licenses at insert (from the owning
--     organisation) for filters and statistics; composite foreign keys keep them right and an
--     organisation's province cannot change once something refers to it;
--   * licenses.installments add up to total_fen, and paid_fen matches the payments and the
--     installments, checked by deferred constraint triggers at commit (an SQL function may
--     run SET CONSTRAINTS license_books_balance IMMEDIATE to learn of a mistake earlier);
--   * bulk loaders (benchmarks) that must insert rows in later states may run with
--     session_replication_role = replica, which skips the trigger guards, never the CHECKs.
--
-- Search: achievements.search_grams holds every 1- and 2-character gram (whitespace excluded) of
-- the lower-cased title, title_en, abstract and keywords, with a GIN index. search_query(q) (0002)
-- is the AND of the query's bigrams, implied by "q is a substring", so the index only narrows
-- and search_match() rechecks with strpos(). Measured on this kind of machine (PostgreSQL 15,
-- C.UTF-8, 2 shared cores): 100,000 synthetic achievements from generate_series (Chinese titles,
-- ~185-character mixed Chinese/English abstracts; 5,000 contain 芯片, 4,000 contain 药);
-- loading them through the gram trigger took 34 s, the GIN index is 48 MB.
--   search_grams @@ search_query('芯片') AND search_match(...): Bitmap Index Scan on
--     achievements_search_grams, 5,000 rows in 9 ms; ranked first page (top 20) 9 ms;
--   search_query('药'): Bitmap Index Scan, 4,000 rows in 15-22 ms;
--   search_query('量子芯片') (357 rows): 1-2 ms;
--   the same filters by sequential strpos() scan: 240-300 ms.
-- A generic plan (prepared statement, q a parameter) still chooses the gram index.
-- Whole Latin words are not stored as lexemes: an index condition must follow from "q is a
-- substring of the text", and a whole word does not ('graph' is in 'graphene'); bigrams do.

-- ---------------------------------------------------------------------------------------------
-- The service clock

-- The service's current instant: the real time, or, when techpool.today is 'YYYY-MM-DD', that
-- calendar day (Asia/Shanghai) with the real Asia/Shanghai time of day.
CREATE FUNCTION tp_now() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN current_setting('techpool.today', true) ~ '^\d{4}-\d{2}-\d{2}$'
        THEN (current_setting('techpool.today', true)::date
              + (now() AT TIME ZONE 'Asia/Shanghai')::time) AT TIME ZONE 'Asia/Shanghai'
        ELSE now()
    END
$$;

-- The Asia/Shanghai calendar date of an instant.
CREATE FUNCTION tp_date(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (t AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- The service's calendar date (Asia/Shanghai).
CREATE FUNCTION tp_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT tp_date(tp_now())
$$;

-- ---------------------------------------------------------------------------------------------
-- Helpers that constraints use

-- True when every element of a is a non-blank string of at most max_len characters and there
-- are at most max_items of them.
CREATE FUNCTION tp_text_array_ok(a text[], max_items int, max_len int) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT cardinality(a) <= max_items
       AND array_ndims(a) IS NOT DISTINCT FROM CASE WHEN cardinality(a) = 0 THEN NULL ELSE 1 END
       AND NOT EXISTS (SELECT 1 FROM unnest(a) AS e
                        WHERE e IS NULL OR btrim(e) = '' OR length(e) > max_len)
$$;

-- Risk compensation owed on an outstanding amount at a ratio in basis points, rounded half up.
CREATE FUNCTION compensation_amount_fen(outstanding_fen bigint, ratio_bp int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT round(outstanding_fen::numeric * ratio_bp / 10000)::bigint
$$;

-- The search grams of an achievement's text: every distinct 1-gram and 2-gram of the lower-cased
-- fields, leaving out grams that contain whitespace. Fields are joined by a newline so that no
-- gram spans two fields. Set-based (regular expressions) so that long abstracts stay linear.
CREATE FUNCTION search_grams_of(title text, title_en text, abstract text, keywords text[])
RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH doc AS (
        SELECT lower(concat_ws(E'\n', title, title_en, abstract,
                               array_to_string(keywords, E'\n'))) AS t
    ), grams AS (
        SELECT c AS g FROM doc, regexp_split_to_table(doc.t, '') AS c
        UNION ALL
        SELECT m[1] FROM doc, regexp_matches(doc.t, '..', 'g') AS m
        UNION ALL
        SELECT m[1] FROM doc, regexp_matches(substr(doc.t, 2), '..', 'g') AS m
    )
    SELECT coalesce(array_to_tsvector(array_agg(g)), ''::tsvector)
      FROM grams
     WHERE g <> '' AND g !~ '\s'
$$;

-- ---------------------------------------------------------------------------------------------
-- Organisations and people

CREATE TABLE institutions (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL,
    name_en      text,
    province     text NOT NULL,
    kind         text NOT NULL,
    contact_name text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT institutions_pkey PRIMARY KEY (id),
    CONSTRAINT institutions_id_province_key UNIQUE (id, province),
    CONSTRAINT institutions_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200),
    CONSTRAINT institutions_name_en_valid
        CHECK (name_en IS NULL OR (btrim(name_en) <> '' AND length(name_en) <= 300)),
    CONSTRAINT institutions_province_valid CHECK (province IN ('SH', 'JS', 'ZJ', 'AH')),
    CONSTRAINT institutions_kind_valid
        CHECK (kind IN ('university', 'institute', 'hospital', 'other')),
    CONSTRAINT institutions_contact_name_valid
        CHECK (btrim(contact_name) <> '' AND length(contact_name) <= 100)
);

CREATE TABLE enterprises (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    name         text NOT NULL,
    credit_code  text NOT NULL,
    province     text NOT NULL,
    contact_name text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT enterprises_pkey PRIMARY KEY (id),
    CONSTRAINT enterprises_id_province_key UNIQUE (id, province),
    CONSTRAINT enterprises_credit_code_unique UNIQUE (credit_code),
    CONSTRAINT enterprises_name_valid CHECK (btrim(name) <> '' AND length(name) <= 200),
    -- GB 32100-2015 alphabet (no I, O, S, V, Z); the check digit is verified by the daemon.
    CONSTRAINT enterprises_credit_code_valid CHECK (credit_code ~ '^[0-9A-HJ-NP-RTUWXY]{18}$'),
    CONSTRAINT enterprises_province_valid CHECK (province IN ('SH', 'JS', 'ZJ', 'AH')),
    CONSTRAINT enterprises_contact_name_valid
        CHECK (btrim(contact_name) <> '' AND length(contact_name) <= 100)
);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    email          text NOT NULL,
    password_hash  text NOT NULL,
    role           text NOT NULL,
    province       text,
    institution_id bigint,
    enterprise_id  bigint,
    contact_name   text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT tp_now(),
    disabled       boolean NOT NULL DEFAULT false,
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_unique UNIQUE (email),
    CONSTRAINT users_email_lower CHECK (email = lower(email)),
    CONSTRAINT users_email_valid
        CHECK (length(email) BETWEEN 3 AND 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
    CONSTRAINT users_password_argon2id
        CHECK (password_hash LIKE '$argon2id$%' AND length(password_hash) <= 512),
    CONSTRAINT users_role_valid
        CHECK (role IN ('admin', 'province_admin', 'institution', 'enterprise')),
    CONSTRAINT users_province_valid CHECK (province IN ('SH', 'JS', 'ZJ', 'AH')),
    -- admin: nothing; province_admin: its province; staff: exactly their organisation.
    CONSTRAINT users_role_scope CHECK (CASE role
        WHEN 'admin' THEN province IS NULL AND institution_id IS NULL AND enterprise_id IS NULL
        WHEN 'province_admin'
            THEN province IS NOT NULL AND institution_id IS NULL AND enterprise_id IS NULL
        WHEN 'institution'
            THEN province IS NULL AND institution_id IS NOT NULL AND enterprise_id IS NULL
        WHEN 'enterprise'
            THEN province IS NULL AND institution_id IS NULL AND enterprise_id IS NOT NULL
        END),
    CONSTRAINT users_contact_name_valid
        CHECK (btrim(contact_name) <> '' AND length(contact_name) <= 100),
    CONSTRAINT users_institution_id_fk FOREIGN KEY (institution_id) REFERENCES institutions (id),
    CONSTRAINT users_enterprise_id_fk FOREIGN KEY (enterprise_id) REFERENCES enterprises (id)
);
CREATE INDEX users_institution_idx ON users (institution_id) WHERE institution_id IS NOT NULL;
CREATE INDEX users_enterprise_idx ON users (enterprise_id) WHERE enterprise_id IS NOT NULL;

-- A session is the sha256 of its bearer token; it expires after an idle limit the daemon passes.
CREATE TABLE sessions (
    token_hash   bytea NOT NULL,
    user_id      bigint NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT tp_now(),
    last_seen_at timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT sessions_token_hash_valid CHECK (length(token_hash) = 32),
    CONSTRAINT sessions_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_last_seen_idx ON sessions (last_seen_at);

-- Failed logins per key ('email:...', 'addr:...') since the first failure of the current window.
CREATE TABLE login_failures (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    failures     int NOT NULL DEFAULT 1,
    CONSTRAINT login_failures_pkey PRIMARY KEY (key),
    CONSTRAINT login_failures_key_valid CHECK (length(key) BETWEEN 1 AND 300),
    CONSTRAINT login_failures_failures_positive CHECK (failures > 0)
);
CREATE INDEX login_failures_window_idx ON login_failures (window_start);

-- ---------------------------------------------------------------------------------------------
-- Achievements (the pool)

CREATE TABLE achievements (
    id                bigint GENERATED ALWAYS AS IDENTITY,
    institution_id    bigint NOT NULL,
    province          text NOT NULL,            -- the institution's, set at insert
    title             text NOT NULL,
    title_en          text,
    abstract          text NOT NULL,
    field             text NOT NULL,
    kind              text NOT NULL,
    patent_numbers    text[] NOT NULL DEFAULT '{}',
    keywords          text[] NOT NULL DEFAULT '{}',
    maturity          smallint NOT NULL,
    trial_months      smallint NOT NULL,
    payment_mode      text NOT NULL,
    reference_fee_fen bigint NOT NULL DEFAULT 0,
    royalty_bp        int NOT NULL DEFAULT 0,
    exclusive         boolean NOT NULL DEFAULT false,
    open_license      boolean NOT NULL DEFAULT false,
    status            text NOT NULL DEFAULT 'draft',
    reject_reason     text,
    created_at        timestamptz NOT NULL DEFAULT tp_now(),
    updated_at        timestamptz NOT NULL DEFAULT tp_now(),
    version           int NOT NULL DEFAULT 1,
    search_grams      tsvector NOT NULL DEFAULT ''::tsvector,  -- set by achievements_10_search
    CONSTRAINT achievements_pkey PRIMARY KEY (id),
    CONSTRAINT achievements_owner_key UNIQUE (id, institution_id, province),
    CONSTRAINT achievements_institution_fk FOREIGN KEY (institution_id, province)
        REFERENCES institutions (id, province),
    CONSTRAINT achievements_title_valid CHECK (btrim(title) <> '' AND length(title) <= 300),
    CONSTRAINT achievements_title_en_valid
        CHECK (title_en IS NULL OR (btrim(title_en) <> '' AND length(title_en) <= 500)),
    CONSTRAINT achievements_abstract_valid
        CHECK (btrim(abstract) <> '' AND length(abstract) <= 20000),
    CONSTRAINT achievements_field_valid CHECK (field IN (
        'integrated_circuits', 'biomedicine', 'artificial_intelligence', 'advanced_manufacturing',
        'new_energy', 'new_materials', 'information_technology', 'agriculture', 'environment',
        'other')),
    CONSTRAINT achievements_kind_valid CHECK (kind IN (
        'invention_patent', 'utility_model', 'design_patent', 'software_copyright', 'ic_layout',
        'plant_variety', 'technical_secret', 'other')),
    CONSTRAINT achievements_patent_numbers_valid CHECK (tp_text_array_ok(patent_numbers, 100, 40)),
    CONSTRAINT achievements_keywords_valid CHECK (tp_text_array_ok(keywords, 30, 100)),
    CONSTRAINT achievements_maturity_valid CHECK (maturity BETWEEN 1 AND 9),
    CONSTRAINT achievements_trial_months_valid CHECK (trial_months BETWEEN 1 AND 36),
    CONSTRAINT achievements_payment_mode_valid CHECK (payment_mode IN (
        'lump_sum', 'installments', 'royalty', 'lump_sum_plus_royalty', 'equity')),
    CONSTRAINT achievements_reference_fee_nonnegative CHECK (reference_fee_fen >= 0),
    CONSTRAINT achievements_royalty_bp_valid CHECK (royalty_bp BETWEEN 0 AND 10000),
    CONSTRAINT achievements_status_valid CHECK (status IN (
        'draft', 'pending', 'listed', 'rejected', 'withdrawn', 'licensed')),
    CONSTRAINT achievements_licensed_exclusive CHECK (status <> 'licensed' OR exclusive),
    CONSTRAINT achievements_reject_reason_valid
        CHECK (reject_reason IS NULL OR (btrim(reject_reason) <> '' AND length(reject_reason) <= 2000)),
    CONSTRAINT achievements_version_positive CHECK (version >= 1)
);
-- Newest first with the common filters; search through the gram index.
CREATE INDEX achievements_status_idx ON achievements (status, id);
CREATE INDEX achievements_province_status_idx ON achievements (province, status, id);
CREATE INDEX achievements_field_status_idx ON achievements (field, status, id);
CREATE INDEX achievements_institution_idx ON achievements (institution_id, id);
CREATE INDEX achievements_search_grams ON achievements USING gin (search_grams);

-- ---------------------------------------------------------------------------------------------
-- Trials (use first)

CREATE TABLE trials (
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    achievement_id       bigint NOT NULL,
    institution_id       bigint NOT NULL,       -- the achievement's, set at insert
    institution_province text NOT NULL,         -- set at insert
    enterprise_id        bigint NOT NULL,
    enterprise_province  text NOT NULL,         -- set at insert
    exclusive            boolean NOT NULL,      -- the achievement's, copied at request time
    purpose              text NOT NULL,
    planned_months       smallint NOT NULL,
    status               text NOT NULL DEFAULT 'requested',
    requested_at         timestamptz NOT NULL DEFAULT tp_now(),
    started_on           date,
    ends_on              date,
    closed_at            timestamptz,
    close_reason         text,
    license_id           bigint,
    CONSTRAINT trials_pkey PRIMARY KEY (id),
    CONSTRAINT trials_achievement_fk FOREIGN KEY (achievement_id, institution_id, institution_province)
        REFERENCES achievements (id, institution_id, province),
    CONSTRAINT trials_enterprise_fk FOREIGN KEY (enterprise_id, enterprise_province)
        REFERENCES enterprises (id, province),
    CONSTRAINT trials_purpose_valid CHECK (btrim(purpose) <> '' AND length(purpose) <= 4000),
    CONSTRAINT trials_planned_months_valid CHECK (planned_months BETWEEN 1 AND 36),
    CONSTRAINT trials_status_valid CHECK (status IN (
        'requested', 'active', 'declined', 'cancelled', 'converted', 'returned', 'expired')),
    -- A trial that was approved has its period; one that never started has none.
    CONSTRAINT trials_started_dates CHECK (CASE
        WHEN status IN ('active', 'converted', 'returned', 'expired')
            THEN started_on IS NOT NULL AND ends_on IS NOT NULL
        ELSE started_on IS NULL AND ends_on IS NULL END),
    CONSTRAINT trials_ends_on_planned
        CHECK (ends_on IS NULL OR ends_on = (started_on + make_interval(months => planned_months))::date),
    CONSTRAINT trials_closed_at_set
        CHECK ((status IN ('requested', 'active')) = (closed_at IS NULL)),
    CONSTRAINT trials_converted_license CHECK ((status = 'converted') = (license_id IS NOT NULL)),
    CONSTRAINT trials_close_reason_valid
        CHECK (close_reason IS NULL OR (btrim(close_reason) <> '' AND length(close_reason) <= 2000))
);
CREATE UNIQUE INDEX trials_one_open_per_enterprise ON trials (enterprise_id, achievement_id)
    WHERE status IN ('requested', 'active');
CREATE UNIQUE INDEX trials_one_active_on_exclusive ON trials (achievement_id)
    WHERE status = 'active' AND exclusive;
CREATE INDEX trials_enterprise_idx ON trials (enterprise_id, id);
CREATE INDEX trials_achievement_idx ON trials (achievement_id, id);
CREATE INDEX trials_institution_idx ON trials (institution_id, id);
CREATE INDEX trials_status_idx ON trials (status, id);
CREATE INDEX trials_institution_province_idx ON trials (institution_province, id);
CREATE INDEX trials_enterprise_province_idx ON trials (enterprise_province, id);
CREATE INDEX trials_requested_at_idx ON trials (requested_at);
CREATE INDEX trials_active_ends_on_idx ON trials (ends_on) WHERE status = 'active';

-- ---------------------------------------------------------------------------------------------
-- Licenses and payments (pay later)

-- total_fen may be 0 only for the modes that need no fixed sum (royalty, equity); every other
-- mode has a positive total that its installments add up to.
CREATE TABLE licenses (
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    trial_id             bigint NOT NULL,
    achievement_id       bigint NOT NULL,       -- the trial's, set at insert
    institution_id       bigint NOT NULL,       -- set at insert
    institution_province text NOT NULL,         -- set at insert
    enterprise_id        bigint NOT NULL,       -- set at insert
    enterprise_province  text NOT NULL,         -- set at insert
    payment_mode         text NOT NULL,
    total_fen            bigint NOT NULL,
    royalty_bp           int NOT NULL DEFAULT 0,
    paid_fen             bigint NOT NULL DEFAULT 0,
    status               text NOT NULL DEFAULT 'active',
    signed_at            timestamptz NOT NULL DEFAULT tp_now(),
    defaulted_at         timestamptz,
    CONSTRAINT licenses_pkey PRIMARY KEY (id),
    CONSTRAINT licenses_one_per_trial UNIQUE (trial_id),
    CONSTRAINT licenses_id_trial_key UNIQUE (id, trial_id),
    CONSTRAINT licenses_id_province_key UNIQUE (id, institution_province),
    CONSTRAINT licenses_trial_id_fk FOREIGN KEY (trial_id) REFERENCES trials (id),
    CONSTRAINT licenses_payment_mode_valid CHECK (payment_mode IN (
        'lump_sum', 'installments', 'royalty', 'lump_sum_plus_royalty', 'equity')),
    CONSTRAINT licenses_fen_nonnegative CHECK (total_fen >= 0 AND paid_fen >= 0),
    CONSTRAINT licenses_total_positive
        CHECK (total_fen > 0 OR payment_mode IN ('royalty', 'equity')),
    CONSTRAINT licenses_royalty_bp_valid CHECK (royalty_bp BETWEEN 0 AND 10000),
    CONSTRAINT licenses_paid_within_total CHECK (paid_fen <= total_fen),
    CONSTRAINT licenses_status_valid CHECK (status IN ('active', 'settled', 'defaulted')),
    CONSTRAINT licenses_settled_paid CHECK (status <> 'settled' OR paid_fen = total_fen),
    CONSTRAINT licenses_defaulted_at_set CHECK ((status = 'defaulted') = (defaulted_at IS NOT NULL))
);
CREATE INDEX licenses_institution_idx ON licenses (institution_id, id);
CREATE INDEX licenses_enterprise_idx ON licenses (enterprise_id, id);
CREATE INDEX licenses_status_idx ON licenses (status, id);
CREATE INDEX licenses_institution_province_idx ON licenses (institution_province, id);
CREATE INDEX licenses_enterprise_province_idx ON licenses (enterprise_province, id);
CREATE INDEX licenses_achievement_idx ON licenses (achievement_id);

-- A converted trial points at the license signed on it, and at no other.
ALTER TABLE trials ADD CONSTRAINT trials_license_fk FOREIGN KEY (license_id, id)
    REFERENCES licenses (id, trial_id);

CREATE TABLE installments (
    license_id bigint NOT NULL,
    seq        int NOT NULL,
    due_on     date NOT NULL,
    amount_fen bigint NOT NULL,
    paid_fen   bigint NOT NULL DEFAULT 0,
    CONSTRAINT installments_seq_unique PRIMARY KEY (license_id, seq),
    CONSTRAINT installments_license_id_fk FOREIGN KEY (license_id) REFERENCES licenses (id),
    CONSTRAINT installments_seq_positive CHECK (seq >= 1),
    CONSTRAINT installments_amount_positive CHECK (amount_fen > 0),
    CONSTRAINT installments_paid_nonnegative CHECK (paid_fen >= 0),
    CONSTRAINT installments_paid_within_amount CHECK (paid_fen <= amount_fen)
);
CREATE INDEX installments_unpaid_due_idx ON installments (due_on) WHERE paid_fen < amount_fen;

CREATE TABLE payments (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    license_id  bigint NOT NULL,
    amount_fen  bigint NOT NULL,
    paid_on     date NOT NULL,
    reference   text NOT NULL DEFAULT '',
    recorded_by bigint,
    recorded_at timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT payments_pkey PRIMARY KEY (id),
    CONSTRAINT payments_license_id_fk FOREIGN KEY (license_id) REFERENCES licenses (id),
    CONSTRAINT payments_recorded_by_fk FOREIGN KEY (recorded_by) REFERENCES users (id),
    CONSTRAINT payments_amount_positive CHECK (amount_fen > 0),
    CONSTRAINT payments_reference_valid CHECK (length(reference) <= 200)
);
CREATE INDEX payments_license_idx ON payments (license_id, id);
CREATE INDEX payments_paid_on_idx ON payments (paid_on);

-- ---------------------------------------------------------------------------------------------
-- Risk compensation

CREATE TABLE province_compensation_ratios (
    province text NOT NULL,
    ratio_bp int NOT NULL DEFAULT 5000,
    CONSTRAINT province_compensation_ratios_pkey PRIMARY KEY (province),
    CONSTRAINT province_compensation_ratios_province_valid
        CHECK (province IN ('SH', 'JS', 'ZJ', 'AH')),
    CONSTRAINT province_compensation_ratios_ratio_valid CHECK (ratio_bp BETWEEN 0 AND 10000)
);
INSERT INTO province_compensation_ratios (province)
VALUES ('SH'), ('JS'), ('ZJ'), ('AH');

-- One claim per defaulted license, in the institution's province, for outstanding_fen at the
-- province's ratio (both recorded as they were when the claim was opened).
CREATE TABLE compensations (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    license_id      bigint NOT NULL,
    province        text NOT NULL,              -- the license's institution_province, set at insert
    outstanding_fen bigint NOT NULL,
    ratio_bp        int NOT NULL,
    amount_fen      bigint NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    reason          text NOT NULL,
    decided_by      bigint,
    decided_at      timestamptz,
    decision_reason text,
    created_at      timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT compensations_pkey PRIMARY KEY (id),
    CONSTRAINT compensations_one_per_license UNIQUE (license_id),
    CONSTRAINT compensations_license_fk FOREIGN KEY (license_id, province)
        REFERENCES licenses (id, institution_province),
    CONSTRAINT compensations_decided_by_fk FOREIGN KEY (decided_by) REFERENCES users (id),
    CONSTRAINT compensations_outstanding_nonnegative CHECK (outstanding_fen >= 0),
    CONSTRAINT compensations_ratio_valid CHECK (ratio_bp BETWEEN 0 AND 10000),
    CONSTRAINT compensations_amount_by_ratio
        CHECK (amount_fen = compensation_amount_fen(outstanding_fen, ratio_bp)),
    CONSTRAINT compensations_status_valid CHECK (status IN ('pending', 'approved', 'rejected')),
    CONSTRAINT compensations_decision_set CHECK ((status = 'pending') = (decided_at IS NULL)
        AND (status = 'pending') = (decided_by IS NULL)),
    CONSTRAINT compensations_reason_valid CHECK (btrim(reason) <> '' AND length(reason) <= 2000),
    CONSTRAINT compensations_decision_reason_valid CHECK (decision_reason IS NULL
        OR (btrim(decision_reason) <> '' AND length(decision_reason) <= 2000))
);
CREATE INDEX compensations_province_idx ON compensations (province, id);
CREATE INDEX compensations_status_idx ON compensations (status, id);

-- ---------------------------------------------------------------------------------------------
-- Idempotency and secrets

CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL,
    key          text NOT NULL,
    request_hash bytea NOT NULL,
    status       int,                         -- NULL with body: claimed, reply not yet stored
    body         text,
    created_at   timestamptz NOT NULL DEFAULT tp_now(),
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key),
    CONSTRAINT idempotency_keys_user_id_fk FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE,
    CONSTRAINT idempotency_keys_key_valid CHECK (key ~ '^[\x21-\x7e]{1,255}$'),
    CONSTRAINT idempotency_keys_request_hash_valid CHECK (length(request_hash) = 32),
    CONSTRAINT idempotency_keys_status_valid CHECK (status BETWEEN 100 AND 599),
    CONSTRAINT idempotency_keys_reply_whole CHECK ((status IS NULL) = (body IS NULL))
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE server_secrets (
    name  text NOT NULL,
    value bytea NOT NULL,
    CONSTRAINT server_secrets_pkey PRIMARY KEY (name)
);
-- 32 bytes from two random (v4) UUIDs: 244 random bits from the server's strong generator.
INSERT INTO server_secrets (name, value)
VALUES ('cursor_key', sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())))
ON CONFLICT (name) DO NOTHING;

-- ---------------------------------------------------------------------------------------------
-- Audit: an append-only, hash-chained event log

-- id is a bigserial whose value the chaining trigger draws (see audit_events_chain).
CREATE SEQUENCE audit_events_id_seq AS bigint;
CREATE TABLE audit_events (
    id        bigint NOT NULL,
    at        timestamptz NOT NULL DEFAULT tp_now(),
    actor_id  bigint,                      -- NULL: the system or an anonymous caller
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id bigint,
    before    jsonb,
    after     jsonb,
    prev_hash bytea,
    hash      bytea NOT NULL,
    CONSTRAINT audit_events_pkey PRIMARY KEY (id),
    CONSTRAINT audit_events_action_valid CHECK (action ~ '^[a-z_]+\.[a-z_]+$' AND length(action) <= 64),
    CONSTRAINT audit_events_entity_valid CHECK (entity IN (
        'achievement', 'trial', 'license', 'payment', 'compensation', 'user', 'institution',
        'enterprise', 'session'))
);
ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);

-- The end of the chain; its row lock makes audit writers take turns so the chain stays linear.
CREATE TABLE audit_head (
    only_row  boolean NOT NULL DEFAULT true,
    last_id   bigint NOT NULL DEFAULT 0,
    last_hash bytea,
    CONSTRAINT audit_head_pkey PRIMARY KEY (only_row),
    CONSTRAINT audit_head_single_row CHECK (only_row)
);
INSERT INTO audit_head DEFAULT VALUES;

REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_head FROM PUBLIC;

-- The hash of an event: sha256(prev_hash || canonical text). The canonical text is a JSON array
-- whose instant is written in UTC with microseconds, so it does not depend on session settings.
CREATE FUNCTION audit_event_hash(prev_hash bytea, id bigint, at timestamptz, actor_id bigint,
                                 action text, entity text, entity_id bigint,
                                 before jsonb, after jsonb)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT sha256(coalesce(prev_hash, '\x'::bytea) || convert_to(jsonb_build_array(
        id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        actor_id, action, entity, entity_id, before, after)::text, 'UTF8'))
$$;

-- Every inserted event is chained: it takes the next id only once it holds the head, so id order
-- is chain order; its time, prev_hash and hash are set here whatever the writer supplied.
CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    head audit_head;
BEGIN
    SELECT * INTO head FROM audit_head WHERE only_row FOR UPDATE;
    NEW.id := nextval('audit_events_id_seq');
    NEW.at := tp_now();
    NEW.prev_hash := head.last_hash;
    NEW.hash := audit_event_hash(NEW.prev_hash, NEW.id, NEW.at, NEW.actor_id, NEW.action,
                                 NEW.entity, NEW.entity_id, NEW.before, NEW.after);
    UPDATE audit_head SET last_id = NEW.id, last_hash = NEW.hash WHERE only_row;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = '23514', CONSTRAINT = 'audit_events_append_only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- ---------------------------------------------------------------------------------------------
-- Trigger guards: achievements

CREATE FUNCTION achievements_search() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_grams := search_grams_of(NEW.title, NEW.title_en, NEW.abstract, NEW.keywords);
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_10_search BEFORE INSERT OR UPDATE OF title, title_en, abstract, keywords
    ON achievements FOR EACH ROW EXECUTE FUNCTION achievements_search();

-- An achievement is born a draft, in its institution's province.
CREATE FUNCTION achievements_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'draft' THEN
        RAISE EXCEPTION 'an achievement starts as a draft'
            USING ERRCODE = 'TP409', CONSTRAINT = 'achievements_status_transition';
    END IF;
    SELECT province INTO NEW.province FROM institutions WHERE id = NEW.institution_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no institution %', NEW.institution_id
            USING ERRCODE = '23503', CONSTRAINT = 'achievements_institution_fk';
    END IF;
    NEW.version := 1;
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_05_birth BEFORE INSERT ON achievements
    FOR EACH ROW EXECUTE FUNCTION achievements_birth();

-- Legal status changes only; owner fixed; version and updated_at move with every real change.
CREATE FUNCTION achievements_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.institution_id <> OLD.institution_id
       OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'an achievement keeps its id, institution and creation time'
            USING ERRCODE = '23514', CONSTRAINT = 'achievements_fixed_columns';
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (
            ('draft', 'pending'), ('rejected', 'pending'), ('pending', 'listed'),
            ('pending', 'rejected'), ('listed', 'withdrawn'), ('listed', 'licensed')) THEN
        RAISE EXCEPTION 'an achievement cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'TP409', CONSTRAINT = 'achievements_status_transition';
    END IF;
    NEW.version := OLD.version;
    NEW.updated_at := OLD.updated_at;
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := tp_now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_20_version BEFORE UPDATE ON achievements
    FOR EACH ROW EXECUTE FUNCTION achievements_change();

-- ---------------------------------------------------------------------------------------------
-- Trigger guards: trials

-- A trial is born requested, on a listed achievement, for no longer than its trial_months; it
-- takes the achievement's institution and exclusivity and the enterprise's province.
CREATE FUNCTION trials_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    a record;
BEGIN
    IF NEW.status <> 'requested' THEN
        RAISE EXCEPTION 'a trial starts as requested'
            USING ERRCODE = 'TP409', CONSTRAINT = 'trials_status_transition';
    END IF;
    SELECT status, trial_months, exclusive, institution_id, province INTO a
      FROM achievements WHERE id = NEW.achievement_id FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no achievement %', NEW.achievement_id
            USING ERRCODE = '23503', CONSTRAINT = 'trials_achievement_fk';
    END IF;
    IF a.status <> 'listed' THEN
        RAISE EXCEPTION 'only a listed achievement takes trial requests'
            USING ERRCODE = 'TP409', CONSTRAINT = 'trials_achievement_listed';
    END IF;
    IF NEW.planned_months > a.trial_months THEN
        RAISE EXCEPTION 'at most % months for this achievement', a.trial_months
            USING ERRCODE = 'TP422', COLUMN = 'planned_months',
                  CONSTRAINT = 'trials_planned_months_within_trial_months';
    END IF;
    SELECT province INTO NEW.enterprise_province FROM enterprises WHERE id = NEW.enterprise_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no enterprise %', NEW.enterprise_id
            USING ERRCODE = '23503', CONSTRAINT = 'trials_enterprise_fk';
    END IF;
    NEW.institution_id := a.institution_id;
    NEW.institution_province := a.province;
    NEW.exclusive := a.exclusive;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_05_birth BEFORE INSERT ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_birth();

-- Legal status changes only. An active trial whose ends_on has passed is expired: it can no
-- longer convert or be returned, and only then may it be marked expired.
CREATE FUNCTION trials_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.achievement_id <> OLD.achievement_id
       OR NEW.enterprise_id <> OLD.enterprise_id OR NEW.institution_id <> OLD.institution_id
       OR NEW.institution_province <> OLD.institution_province
       OR NEW.enterprise_province <> OLD.enterprise_province OR NEW.exclusive <> OLD.exclusive
       OR NEW.planned_months <> OLD.planned_months OR NEW.purpose <> OLD.purpose
       OR NEW.requested_at <> OLD.requested_at THEN
        RAISE EXCEPTION 'a trial keeps its parties, purpose, planned months and request time'
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
CREATE TRIGGER trials_20_change BEFORE UPDATE ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_change();

-- ---------------------------------------------------------------------------------------------
-- Trigger guards: licenses, installments, payments, compensations

-- A license is signed on an active, unexpired trial and takes its parties from it.
CREATE FUNCTION licenses_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t record;
BEGIN
    IF NEW.status <> 'active' OR NEW.paid_fen <> 0 OR NEW.defaulted_at IS NOT NULL THEN
        RAISE EXCEPTION 'a license starts active with nothing paid'
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_status_transition';
    END IF;
    SELECT status, ends_on, achievement_id, institution_id, institution_province,
           enterprise_id, enterprise_province INTO t
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
    RETURN NEW;
END
$$;
CREATE TRIGGER licenses_05_birth BEFORE INSERT ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_birth();

-- Terms are fixed once signed; paid_fen only grows; active -> settled | defaulted.
CREATE FUNCTION licenses_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.trial_id, NEW.achievement_id, NEW.institution_id, NEW.institution_province,
        NEW.enterprise_id, NEW.enterprise_province, NEW.payment_mode, NEW.total_fen,
        NEW.royalty_bp, NEW.signed_at)
       IS DISTINCT FROM
       (OLD.id, OLD.trial_id, OLD.achievement_id, OLD.institution_id, OLD.institution_province,
        OLD.enterprise_id, OLD.enterprise_province, OLD.payment_mode, OLD.total_fen,
        OLD.royalty_bp, OLD.signed_at) THEN
        RAISE EXCEPTION 'a license keeps its parties and terms'
            USING ERRCODE = '23514', CONSTRAINT = 'licenses_fixed_columns';
    END IF;
    IF NEW.paid_fen < OLD.paid_fen THEN
        RAISE EXCEPTION 'paid_fen never decreases'
            USING ERRCODE = '23514', CONSTRAINT = 'licenses_paid_never_decreases';
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (
            ('active', 'settled'), ('active', 'defaulted')) THEN
        RAISE EXCEPTION 'a license cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'TP409', CONSTRAINT = 'licenses_status_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER licenses_20_change BEFORE UPDATE ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_change();

-- An installment keeps its license, place, due date and amount; what is paid only grows.
CREATE FUNCTION installments_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.license_id, NEW.seq, NEW.due_on, NEW.amount_fen)
       IS DISTINCT FROM (OLD.license_id, OLD.seq, OLD.due_on, OLD.amount_fen)
       OR NEW.paid_fen < OLD.paid_fen THEN
        RAISE EXCEPTION 'an installment keeps its terms and what was paid on it'
            USING ERRCODE = '23514', CONSTRAINT = 'installments_fixed_columns';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER installments_20_change BEFORE UPDATE ON installments
    FOR EACH ROW EXECUTE FUNCTION installments_change();

-- Payments are a ledger: recorded once, never changed or removed.
CREATE FUNCTION payments_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments are append-only: % refused', TG_OP
        USING ERRCODE = '23514', CONSTRAINT = 'payments_append_only';
END
$$;
CREATE TRIGGER payments_append_only BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_refuse_change();
CREATE TRIGGER payments_no_truncate BEFORE TRUNCATE ON payments
    FOR EACH STATEMENT EXECUTE FUNCTION payments_refuse_change();

-- The books of a license balance at commit: its installments add up to total_fen, what was paid
-- on them and the sum of its payments both equal its paid_fen, and payments went to the oldest
-- unpaid installment first (no installment holds money while an earlier one is short).
CREATE FUNCTION license_books_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    lic_id bigint;
    lic licenses;
    planned bigint;
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
    SELECT coalesce(sum(amount_fen), 0), coalesce(sum(paid_fen), 0)
      INTO planned, on_installments FROM installments WHERE license_id = lic_id;
    IF planned <> lic.total_fen THEN
        RAISE EXCEPTION 'installments add up to % fen, not total_fen %', planned, lic.total_fen
            USING ERRCODE = 'TP422', COLUMN = 'installments',
                  CONSTRAINT = 'installments_sum_equals_total';
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
CREATE CONSTRAINT TRIGGER license_books_balance AFTER INSERT OR UPDATE ON licenses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION license_books_check();
CREATE CONSTRAINT TRIGGER license_books_balance AFTER INSERT OR UPDATE OR DELETE ON installments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION license_books_check();
CREATE CONSTRAINT TRIGGER license_books_balance AFTER INSERT ON payments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION license_books_check();

-- A claim is opened pending, in the license's institution province.
CREATE FUNCTION compensations_birth() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'pending' OR NEW.decided_by IS NOT NULL OR NEW.decided_at IS NOT NULL THEN
        RAISE EXCEPTION 'a compensation claim starts pending'
            USING ERRCODE = 'TP409', CONSTRAINT = 'compensations_status_transition';
    END IF;
    SELECT institution_province INTO NEW.province FROM licenses WHERE id = NEW.license_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no license %', NEW.license_id
            USING ERRCODE = '23503', CONSTRAINT = 'compensations_license_fk';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER compensations_05_birth BEFORE INSERT ON compensations
    FOR EACH ROW EXECUTE FUNCTION compensations_birth();

-- A claim keeps its amount; pending -> approved | rejected, once.
CREATE FUNCTION compensations_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.license_id, NEW.province, NEW.outstanding_fen, NEW.ratio_bp, NEW.amount_fen,
        NEW.reason, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.license_id, OLD.province, OLD.outstanding_fen, OLD.ratio_bp, OLD.amount_fen,
        OLD.reason, OLD.created_at) THEN
        RAISE EXCEPTION 'a compensation claim keeps its license and amount'
            USING ERRCODE = '23514', CONSTRAINT = 'compensations_fixed_columns';
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status, NEW.status) IN (
            ('pending', 'approved'), ('pending', 'rejected')) THEN
        RAISE EXCEPTION 'a compensation claim cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'TP409', CONSTRAINT = 'compensations_status_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER compensations_20_change BEFORE UPDATE ON compensations
    FOR EACH ROW EXECUTE FUNCTION compensations_change();
