-- 0014_exclusivity_in_use: exclusivity and the trial limit hold whatever order things happen in.
--
-- A trial copies the achievement's exclusivity and is planned within its trial_months when it
-- is requested; an institution that later made the achievement exclusive, or shortened its
-- trials, could then approve trials that break both rules, and convert two of them into two
-- licenses of one exclusive achievement. Now:
--   - an achievement's exclusivity does not change while it has an open trial (requested, or
--     active and not past its end) or a license in force (active or settled), and its
--     trial_months does not shrink below an open trial's planned months (TP410: 409 conflict);
--   - an approval checks the trial against the achievement as it is (exclusivity and limit);
--   - a license records whether its achievement was exclusive when it was signed, and at most
--     one license in force exists per exclusive achievement (licenses_one_in_force_on_exclusive).

-- The open trials of an achievement as of the service's day.
CREATE FUNCTION achievement_open_trials(p_achievement_id bigint)
RETURNS TABLE (trial_id bigint, planned_months smallint)
LANGUAGE sql STABLE AS $$
    SELECT t.id, t.planned_months
      FROM trials t
     WHERE t.achievement_id = p_achievement_id
       AND (t.status = 'requested' OR (t.status = 'active' AND t.ends_on >= tp_today()))
$$;

CREATE FUNCTION achievements_terms_in_use() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    longest smallint;
BEGIN
    IF NEW.exclusive <> OLD.exclusive THEN
        IF EXISTS (SELECT 1 FROM achievement_open_trials(OLD.id)) THEN
            RAISE EXCEPTION 'exclusivity cannot change while trials of the achievement are open'
                USING ERRCODE = 'TP410', COLUMN = 'exclusive',
                      CONSTRAINT = 'achievements_exclusive_fixed_in_use';
        END IF;
        IF EXISTS (SELECT 1 FROM licenses l
                    WHERE l.achievement_id = OLD.id AND l.status IN ('active', 'settled')) THEN
            RAISE EXCEPTION 'exclusivity cannot change while a license of the achievement is in force'
                USING ERRCODE = 'TP410', COLUMN = 'exclusive',
                      CONSTRAINT = 'achievements_exclusive_fixed_in_use';
        END IF;
    END IF;
    IF NEW.trial_months < OLD.trial_months THEN
        SELECT max(o.planned_months) INTO longest FROM achievement_open_trials(OLD.id) o;
        IF longest > NEW.trial_months THEN
            RAISE EXCEPTION 'an open trial of the achievement is planned for % months', longest
                USING ERRCODE = 'TP410', COLUMN = 'trial_months',
                      CONSTRAINT = 'achievements_trial_months_cover_open_trials';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER achievements_30_terms_in_use BEFORE UPDATE OF exclusive, trial_months
    ON achievements FOR EACH ROW EXECUTE FUNCTION achievements_terms_in_use();

-- A trial starts only as the achievement now allows: its exclusivity as copied at request
-- time, its plan within the achievement's trial_months.
CREATE FUNCTION trials_start_within_terms() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    a record;
BEGIN
    IF NEW.status <> 'active' OR OLD.status <> 'requested' THEN
        RETURN NEW;
    END IF;
    SELECT exclusive, trial_months INTO a FROM achievements WHERE id = NEW.achievement_id FOR SHARE;
    IF a.exclusive <> NEW.exclusive THEN
        RAISE EXCEPTION 'the achievement''s exclusivity changed since the request'
            USING ERRCODE = 'TP410', CONSTRAINT = 'trials_start_as_requested';
    END IF;
    IF NEW.planned_months > a.trial_months THEN
        RAISE EXCEPTION 'the achievement now allows trials of at most % months', a.trial_months
            USING ERRCODE = 'TP410', CONSTRAINT = 'trials_start_within_trial_months';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER trials_30_start_within_terms BEFORE UPDATE OF status ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_start_within_terms();

-- Licenses: whether the achievement was exclusive when signed. Existing licenses take their
-- trial's exclusivity (the terms of their request).
ALTER TABLE licenses ADD COLUMN exclusive boolean NOT NULL DEFAULT false;
UPDATE licenses l SET exclusive = t.exclusive FROM trials t WHERE t.id = l.trial_id AND t.exclusive;

CREATE FUNCTION licenses_exclusive_at_signing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.exclusive <> OLD.exclusive THEN
            RAISE EXCEPTION 'a license keeps its exclusivity'
                USING ERRCODE = '23514', CONSTRAINT = 'licenses_fixed_columns';
        END IF;
        RETURN NEW;
    END IF;
    SELECT a.exclusive INTO NEW.exclusive
      FROM achievements a WHERE a.id = NEW.achievement_id FOR SHARE;
    RETURN NEW;
END
$$;
CREATE TRIGGER licenses_06_exclusive BEFORE INSERT OR UPDATE ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_exclusive_at_signing();

CREATE UNIQUE INDEX licenses_one_in_force_on_exclusive ON licenses (achievement_id)
    WHERE exclusive AND status IN ('active', 'settled');
