-- 0049_typed_achievements: an achievement's create and edit take its fields as typed
-- parameters (as the trials do since 0047). The rule that a royalty mode has a royalty rate and
-- the others none, checked by the daemon until now when a body named both, is checked here: on
-- a create always, on an edit when it names both (a change of one meets the stored other in
-- achievements_royalty_bp_for_royalty_modes).

DROP FUNCTION api_achievement_create(bigint, jsonb);
DROP FUNCTION api_achievement_update(bigint, bigint, integer, jsonb);
DROP FUNCTION achievement_terms_require_valid(jsonb, achievements);

-- A royalty mode has a royalty rate, the other modes none; checked when both are named.
CREATE FUNCTION achievement_royalty_require_valid(p_payment_mode payment_mode,
                                                  p_royalty_bp integer)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    problem text := payment_royalty_problem(p_payment_mode, p_royalty_bp);
BEGIN
    IF p_payment_mode IS NOT NULL AND p_royalty_bp IS NOT NULL AND problem IS NOT NULL THEN
        PERFORM tp_raise('TP422', problem, 'royalty_bp');
    END IF;
END
$$;

CREATE FUNCTION achievement_terms_require_valid(p_open_license boolean,
                                                p_reference_fee_fen bigint, p_fee_schedule jsonb,
                                                p_stored achievements)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    fee bigint := coalesce(p_reference_fee_fen, p_stored.reference_fee_fen, 0);
    problem text;
BEGIN
    IF p_open_license IS DISTINCT FROM coalesce(p_stored.open_license, false)
       AND p_open_license IS NOT NULL THEN
        PERFORM tp_raise('TP422', 'is read-only: declare an open license of the achievement',
                         'open_license');
    END IF;
    IF p_fee_schedule IS NULL THEN
        RETURN;
    END IF;
    problem := fee_schedule_problem(p_fee_schedule, fee);
    IF problem IS NOT NULL THEN
        PERFORM tp_raise('TP422', problem, 'fee_schedule');
    END IF;
END
$$;

CREATE FUNCTION api_achievement_create(p_actor bigint,
    p_title text, p_title_en text, p_abstract text, p_field achievement_field,
    p_kind achievement_kind, p_patent_numbers jsonb, p_keywords jsonb, p_maturity integer,
    p_trial_months integer, p_payment_mode payment_mode, p_reference_fee_fen bigint,
    p_royalty_bp integer, p_exclusive boolean, p_open_license boolean, p_royalty_base royalty_base,
    p_license_years integer, p_fee_schedule jsonb)
RETURNS TABLE(reply json, reply_version integer)
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    new_id bigint;
    created jsonb;
BEGIN
    PERFORM achievement_royalty_require_valid(p_payment_mode, coalesce(p_royalty_bp, 0));
    SELECT * INTO viewer FROM achievement_viewer(p_actor);
    IF NOT FOUND OR viewer.role <> 'institution' THEN
        PERFORM tp_raise('TP403', 'only institution staff register achievements');
    END IF;
    PERFORM achievement_terms_require_valid(p_open_license, p_reference_fee_fen, p_fee_schedule,
                                            NULL);
    INSERT INTO achievements (institution_id, province, title, title_en, abstract, field, kind,
                              patent_numbers, keywords, maturity, trial_months, payment_mode,
                              reference_fee_fen, royalty_bp, exclusive, open_license,
                              royalty_base, license_years, fee_schedule)
    SELECT viewer.institution_id, i.province, p_title, p_title_en, p_abstract, p_field, p_kind,
           achievement_text_array(coalesce(p_patent_numbers, '[]')),
           achievement_text_array(coalesce(p_keywords, '[]')), p_maturity, p_trial_months,
           p_payment_mode, coalesce(p_reference_fee_fen, 0), coalesce(p_royalty_bp, 0),
           coalesce(p_exclusive, false), false, coalesce(p_royalty_base, 'net_sales'),
           coalesce(p_license_years, 5), p_fee_schedule
      FROM institutions i WHERE i.id = viewer.institution_id
    RETURNING id INTO new_id;
    SELECT achievement_json(a) INTO created FROM achievements a WHERE a.id = new_id;
    PERFORM audit_write(p_actor, 'achievement.create', 'achievement', new_id, NULL, created);
    RETURN QUERY SELECT * FROM achievement_reply(new_id);
END
$$;

CREATE FUNCTION api_achievement_update(p_actor bigint, p_id bigint, p_if_version integer,
    p_title text, p_title_en text, p_abstract text, p_field achievement_field,
    p_kind achievement_kind, p_patent_numbers jsonb, p_keywords jsonb, p_maturity integer,
    p_trial_months integer, p_payment_mode payment_mode, p_reference_fee_fen bigint,
    p_royalty_bp integer, p_exclusive boolean, p_open_license boolean, p_royalty_base royalty_base,
    p_license_years integer, p_fee_schedule jsonb,
    p_title_en_sent boolean)
RETURNS TABLE(reply json, reply_version integer)
LANGUAGE plpgsql AS $$
DECLARE
    a achievements;
    old_item jsonb;
    new_item jsonb;
    change record;
BEGIN
    PERFORM achievement_royalty_require_valid(p_payment_mode, p_royalty_bp);
    a := achievement_lock_for(p_actor, p_id, 'institution',
                              'only its institution edits an achievement');
    IF p_if_version IS NOT NULL AND p_if_version <> a.version THEN
        PERFORM tp_raise('TP412', format('the achievement is at version %s, not %s',
                                         a.version, p_if_version));
    END IF;
    IF a.status NOT IN ('draft', 'rejected', 'listed') THEN
        PERFORM tp_raise('TP409', format('a %s achievement cannot be edited', a.status));
    END IF;
    PERFORM achievement_terms_require_valid(p_open_license, p_reference_fee_fen, p_fee_schedule,
                                            a);
    old_item := achievement_json(a);
    UPDATE achievements SET
        title = coalesce(p_title, title),
        title_en = CASE WHEN p_title_en_sent THEN p_title_en ELSE title_en END,
        abstract = coalesce(p_abstract, abstract),
        field = coalesce(p_field, field),
        kind = coalesce(p_kind, kind),
        patent_numbers = CASE WHEN p_patent_numbers IS NOT NULL
                              THEN achievement_text_array(p_patent_numbers)
                              ELSE patent_numbers END,
        keywords = CASE WHEN p_keywords IS NOT NULL THEN achievement_text_array(p_keywords)
                        ELSE keywords END,
        maturity = coalesce(p_maturity, maturity),
        trial_months = coalesce(p_trial_months, trial_months),
        payment_mode = coalesce(p_payment_mode, payment_mode),
        reference_fee_fen = coalesce(p_reference_fee_fen, reference_fee_fen),
        royalty_bp = coalesce(p_royalty_bp, royalty_bp),
        exclusive = coalesce(p_exclusive, exclusive),
        royalty_base = coalesce(p_royalty_base, royalty_base),
        license_years = coalesce(p_license_years, license_years),
        fee_schedule = coalesce(p_fee_schedule, fee_schedule)
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

