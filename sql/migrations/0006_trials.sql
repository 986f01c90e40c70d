-- 0006_trials: the trial endpoints ("use first") — request, approve, decline, cancel, return,
-- convert into a license, expiry, list and detail — one function per endpoint.
--
-- Who sees a trial (party_visible): the enterprise's staff, the institution's staff, an admin,
-- and a province_admin of either side's province. A trial the caller may not see is not found
-- (TP404) whatever the action; one it sees but may not act on is TP403; a state that forbids
-- the action is TP409; the open-trial and exclusive rules give TP410 (409 conflict).
--
-- Every reader sees the effective status (trials_effective): an active trial past its ends_on
-- reads as expired from the next day on. A request, and an approval on an exclusive
-- achievement, first store the expiry of the achievement's stale active trials
-- (trials_sweep_expired_on), so that a trial that has ended blocks neither a new request nor
-- the approval of another trial. The partial unique indexes of 0001 stay the guard when two
-- requests race.
--
-- Beyond the contract's words: decline and return require a reason; a trial whose achievement
-- is no longer listed (withdrawn, or licensed exclusively to another) cannot be approved.

-- ---------------------------------------------------------------------------------------------
-- Shared pieces (also used by the licenses and compensations of 0007; keyset_page by 0008's
-- audit log)

-- The signed-in user behind an actor id; no row for an anonymous caller (NULL) or a disabled
-- user.
CREATE FUNCTION party_viewer(actor bigint)
RETURNS TABLE (role text, province text, institution_id bigint, enterprise_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT u.role, u.province, u.institution_id, u.enterprise_id
      FROM users u WHERE u.id = actor AND NOT u.disabled
$$;

-- Whether a viewer may see what lies between an institution and an enterprise (a trial, a
-- license): either party's staff, an admin, or the province_admin of either side's province.
-- NULL (not true) for an anonymous viewer: wrap it in coalesce(..., false) in an IF. Without
-- coalesce it stays an expression that the planner folds, once the viewer's values are known,
-- into an indexable condition (t.enterprise_id = 42).
CREATE FUNCTION party_visible(institution_id bigint, institution_province text,
                              enterprise_id bigint, enterprise_province text,
                              viewer_role text, viewer_province text,
                              viewer_institution_id bigint, viewer_enterprise_id bigint)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT viewer_role = 'admin'
        OR (viewer_role = 'province_admin'
            AND (institution_province = viewer_province OR enterprise_province = viewer_province))
        OR (viewer_role = 'institution' AND institution_id = viewer_institution_id)
        OR (viewer_role = 'enterprise' AND enterprise_id = viewer_enterprise_id)
$$;

-- Whether the actor may see p_object, a row between an institution and an enterprise (a trial, a
-- license: any row with institution_id, institution_province, enterprise_id and
-- enterprise_province); false for an anonymous actor.
CREATE FUNCTION party_visible_to(p_actor bigint, p_object record) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer record;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    RETURN coalesce(party_visible(p_object.institution_id, p_object.institution_province,
                                  p_object.enterprise_id, p_object.enterprise_province,
                                  viewer.role, viewer.province, viewer.institution_id,
                                  viewer.enterprise_id),
                    false);
END
$$;

-- For a change by one party to p_object, a row locked by the caller (all nulls when there is
-- none): raises TP404 'no such <p_noun>' when the actor may not see it, and TP403 with
-- p_refusal when the actor is not staff of its p_party ('institution' or 'enterprise').
CREATE FUNCTION party_require_staff(p_actor bigint, p_object record, p_noun text, p_party text,
                                    p_refusal text)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer record;
BEGIN
    IF p_object.id IS NULL OR NOT party_visible_to(p_actor, p_object) THEN
        PERFORM tp_raise('TP404', 'no such ' || p_noun);
    END IF;
    SELECT * INTO viewer FROM party_viewer(p_actor);
    IF NOT coalesce(viewer.role = p_party AND CASE p_party
            WHEN 'institution' THEN viewer.institution_id = p_object.institution_id
            ELSE viewer.enterprise_id = p_object.enterprise_id END, false) THEN
        PERFORM tp_raise('TP403', p_refusal);
    END IF;
END
$$;

-- One page of a keyset list (newest first, keyset position = the last item's id) from its items
-- in list order, fetched one beyond the page (at most p_limit + 1; NULL for none): the first
-- p_limit items, and the position after them when more follow (NULL on the last page).
CREATE FUNCTION keyset_page(p_items jsonb, p_limit integer,
                            OUT items jsonb, OUT next_position text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_array_length(x.items) > p_limit THEN x.items - p_limit
                ELSE x.items END,
           CASE WHEN jsonb_array_length(x.items) > p_limit
                THEN x.items -> (p_limit - 1) ->> 'id' END
      FROM (SELECT coalesce(p_items, '[]'::jsonb) AS items) x
$$;

-- The reply object of one trial, effective as of today.
CREATE FUNCTION trial_reply(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT trial_json(t) FROM trials_effective t WHERE t.id = p_id
$$;

-- Stores the expiry of the active trials of one achievement whose ends_on has passed, with an
-- audit event each (as trials_sweep_expired does for the whole pool). Rows are locked in id
-- order so that two sweeps of the same achievement wait for each other instead of deadlocking.
-- Returns how many it expired.
CREATE FUNCTION trials_sweep_expired_on(p_achievement_id bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    expired_id bigint;
    n integer := 0;
BEGIN
    FOR expired_id IN
        UPDATE trials SET status = 'expired', closed_at = trial_expired_at(ends_on)
         WHERE id IN (SELECT s.id FROM trials s
                       WHERE s.achievement_id = p_achievement_id AND s.status = 'active'
                         AND s.ends_on < tp_today()
                       ORDER BY s.id FOR UPDATE)
        RETURNING id
    LOOP
        PERFORM audit_write(NULL, 'trial.expire', 'trial', expired_id,
                            '{"status": "active"}', '{"status": "expired"}');
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

-- Locks a trial for a change by one of its parties (p_party: 'institution' or 'enterprise').
-- Raises TP404 when the actor may not see it and TP403 when the actor is not staff of that
-- party; p_verb names the action in the message.
CREATE FUNCTION trial_lock_for(p_actor bigint, p_id bigint, p_party text, p_verb text)
RETURNS trials
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
BEGIN
    SELECT * INTO t FROM trials WHERE id = p_id FOR UPDATE;
    PERFORM party_require_staff(p_actor, t, 'trial', p_party,
                                format('only the trial''s %s may %s it', p_party, p_verb));
    RETURN t;
END
$$;

-- Raises TP409 unless the trial's effective status is p_status.
CREATE FUNCTION trial_require_status(t trials, p_status text, p_verb text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    effective text := trial_effective_status(t.status, t.ends_on);
BEGIN
    IF effective <> p_status THEN
        PERFORM tp_raise('TP409', format('a trial that is %s cannot be %s', effective, p_verb));
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- GET /api/v1/trials?status=&achievement_id=&province=: newest first, keyset position = the
-- last item's id. status filters on the effective status; province matches either side.
-- The query is planned for each call with the viewer's values (EXECUTE ... USING: parameters,
-- never text), so that an enterprise's page is read from trials_enterprise_idx and an
-- institution's from trials_institution_idx instead of filtering the whole table.

CREATE FUNCTION api_trials_list(p_actor bigint, p_status text, p_achievement_id bigint,
                                p_province text, p_limit integer, p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v record;
BEGIN
    SELECT * INTO v FROM party_viewer(p_actor);
    RETURN QUERY EXECUTE $query$
        WITH hits AS (
            SELECT t.id
              FROM trials t
             WHERE party_visible(t.institution_id, t.institution_province, t.enterprise_id,
                                 t.enterprise_province, $1, $2, $3, $4)
               AND ($5::text IS NULL
                    OR ($5 = 'active' AND t.status = 'active' AND t.ends_on >= tp_today())
                    OR ($5 = 'expired' AND (t.status = 'expired'
                            OR (t.status = 'active' AND t.ends_on < tp_today())))
                    OR ($5 NOT IN ('active', 'expired') AND t.status = $5))
               AND ($6::bigint IS NULL OR t.achievement_id = $6)
               AND ($7::text IS NULL OR t.institution_province = $7
                    OR t.enterprise_province = $7)
               AND ($9::bigint IS NULL OR t.id < $9)
             ORDER BY t.id DESC
             LIMIT $8 + 1
        )
        SELECT * FROM keyset_page((SELECT jsonb_agg(trial_json(e) ORDER BY e.id DESC)
                                     FROM hits JOIN trials_effective e ON e.id = hits.id), $8)
    $query$
    USING v.role, v.province, v.institution_id, v.enterprise_id, p_status, p_achievement_id,
          p_province, p_limit, p_after_id;
END
$$;

-- GET /api/v1/trials/{id}: NULL when the caller may not see it.
CREATE FUNCTION api_trial_get(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT trial_json(e) FROM trials_effective e
     WHERE e.id = p_id AND party_visible_to(p_actor, e)
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/achievements/{id}/trials {"purpose","planned_months"}: an enterprise asks for a
-- free trial of a listed achievement (the only ones an enterprise sees).

CREATE FUNCTION api_trial_request(p_actor bigint, p_achievement_id bigint, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    a record;
    planned integer := (p_body->>'planned_months')::integer;
    new_id bigint;
BEGIN
    SELECT * INTO viewer FROM party_viewer(p_actor);
    SELECT id, status, trial_months INTO a
      FROM achievements WHERE id = p_achievement_id FOR SHARE;
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
    PERFORM trials_sweep_expired_on(p_achievement_id);
    IF EXISTS (SELECT 1 FROM trials t
                WHERE t.enterprise_id = viewer.enterprise_id
                  AND t.achievement_id = p_achievement_id
                  AND t.status IN ('requested', 'active')) THEN
        PERFORM tp_raise('TP410', 'your enterprise already has an open trial of this achievement');
    END IF;
    -- the parties' provinces and the exclusivity are copied by trials_birth
    INSERT INTO trials (achievement_id, enterprise_id, purpose, planned_months)
    VALUES (p_achievement_id, viewer.enterprise_id, p_body->>'purpose', planned)
    RETURNING id INTO new_id;
    PERFORM audit_write(p_actor, 'trial.request', 'trial', new_id, NULL,
                        jsonb_build_object('status', 'requested', 'achievement_id',
                                           p_achievement_id, 'planned_months', planned));
    RETURN trial_reply(new_id);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/trials/{id}/approve: the institution starts the trial today, for planned_months.
-- On an exclusive achievement the achievement row is locked first, so that of two approvals at
-- once the second sees the first and gets TP410; the unique index guards the rest.

CREATE FUNCTION api_trial_approve(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
    achievement_status text;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'institution', 'approve');
    PERFORM trial_require_status(t, 'requested', 'approved');
    IF t.exclusive THEN
        SELECT status INTO achievement_status
          FROM achievements WHERE id = t.achievement_id FOR NO KEY UPDATE;
    ELSE
        SELECT status INTO achievement_status
          FROM achievements WHERE id = t.achievement_id FOR SHARE;
    END IF;
    IF achievement_status <> 'listed' THEN
        PERFORM tp_raise('TP409', format('the achievement is %s: no trial of it can start',
                                         achievement_status));
    END IF;
    IF t.exclusive THEN
        PERFORM trials_sweep_expired_on(t.achievement_id);
        IF EXISTS (SELECT 1 FROM trials o
                    WHERE o.achievement_id = t.achievement_id AND o.status = 'active'
                      AND o.exclusive) THEN
            PERFORM tp_raise('TP410', 'this exclusive achievement is already in an active trial');
        END IF;
    END IF;
    UPDATE trials
       SET status = 'active', started_on = tp_today(),
           ends_on = (tp_today() + make_interval(months => planned_months))::date
     WHERE id = p_id
    RETURNING * INTO t;
    PERFORM audit_write(p_actor, 'trial.approve', 'trial', p_id, '{"status": "requested"}',
                        jsonb_build_object('status', 'active', 'started_on', t.started_on,
                                           'ends_on', t.ends_on));
    RETURN trial_reply(p_id);
END
$$;

-- Closes a trial (p_status: declined, cancelled, returned) with an optional reason: the action
-- (p_action) of its p_party, allowed while the trial is p_from_status.
CREATE FUNCTION trial_close(p_actor bigint, p_id bigint, p_party text, p_action text,
                            p_from_status text, p_status text, p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
BEGIN
    t := trial_lock_for(p_actor, p_id, p_party, p_action);
    PERFORM trial_require_status(t, p_from_status, p_status);
    UPDATE trials SET status = p_status, closed_at = tp_now(), close_reason = p_reason
     WHERE id = t.id;
    PERFORM audit_write(p_actor, 'trial.' || p_action, 'trial', t.id,
                        jsonb_build_object('status', t.status),
                        jsonb_build_object('status', p_status, 'close_reason', p_reason));
    RETURN trial_reply(t.id);
END
$$;

-- POST /api/v1/trials/{id}/decline {"reason"}: the institution, while requested.
CREATE FUNCTION api_trial_decline(p_actor bigint, p_id bigint, p_reason text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT trial_close(p_actor, p_id, 'institution', 'decline', 'requested', 'declined', p_reason)
$$;

-- POST /api/v1/trials/{id}/cancel: the enterprise, while requested.
CREATE FUNCTION api_trial_cancel(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT trial_close(p_actor, p_id, 'enterprise', 'cancel', 'requested', 'cancelled', NULL)
$$;

-- POST /api/v1/trials/{id}/return {"reason"}: the enterprise gives the trial back, while active
-- ("no loss if it fails").
CREATE FUNCTION api_trial_return(p_actor bigint, p_id bigint, p_reason text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT trial_close(p_actor, p_id, 'enterprise', 'return', 'active', 'returned', p_reason)
$$;

-- ---------------------------------------------------------------------------------------------
-- POST /api/v1/trials/{id}/convert {"payment_mode","total_fen","royalty_bp"?,"installments"}:
-- the institution signs a license on an active trial -> {"license"}. Installments are numbered
-- in due-date order (the order payments fill them). royalty_bp defaults to the achievement's
-- for the royalty modes, else 0. An exclusive achievement becomes licensed. The books are
-- checked before the reply (installments add up to total_fen: TP422 installments).

CREATE FUNCTION api_trial_convert(p_actor bigint, p_id bigint, p_body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
    a achievements;
    mode text := p_body->>'payment_mode';
    total bigint := (p_body->>'total_fen')::bigint;
    planned bigint;
    lic licenses;
BEGIN
    t := trial_lock_for(p_actor, p_id, 'institution', 'convert');
    PERFORM trial_require_status(t, 'active', 'converted');
    SELECT coalesce(sum((e->>'amount_fen')::bigint), 0) INTO planned
      FROM jsonb_array_elements(coalesce(p_body->'installments', '[]')) AS e;
    IF planned <> total THEN
        PERFORM tp_raise('TP422', format('installments add up to %s fen, not total_fen %s',
                                         planned, total), 'installments');
    END IF;
    SELECT * INTO a FROM achievements WHERE id = t.achievement_id;
    -- the parties are copied from the trial by licenses_birth
    INSERT INTO licenses (trial_id, payment_mode, total_fen, royalty_bp)
    VALUES (p_id, mode, total,
            coalesce((p_body->>'royalty_bp')::int,
                     CASE WHEN mode IN ('royalty', 'lump_sum_plus_royalty')
                          THEN a.royalty_bp ELSE 0 END))
    RETURNING * INTO lic;
    INSERT INTO installments (license_id, seq, due_on, amount_fen)
    SELECT lic.id, row_number() OVER (ORDER BY (x.e->>'due_on')::date, x.n),
           (x.e->>'due_on')::date, (x.e->>'amount_fen')::bigint
      FROM jsonb_array_elements(coalesce(p_body->'installments', '[]'))
           WITH ORDINALITY AS x(e, n);
    UPDATE trials SET status = 'converted', closed_at = tp_now(), license_id = lic.id
     WHERE id = p_id;
    IF a.exclusive AND a.status = 'listed' THEN
        UPDATE achievements SET status = 'licensed' WHERE id = a.id;
    END IF;
    SET CONSTRAINTS license_books_balance IMMEDIATE;
    PERFORM audit_write(p_actor, 'trial.convert', 'trial', p_id, '{"status": "active"}',
                        jsonb_build_object('status', 'converted', 'license_id', lic.id));
    PERFORM audit_write(p_actor, 'license.sign', 'license', lic.id, NULL, license_json(lic));
    IF a.exclusive AND a.status = 'listed' THEN
        PERFORM audit_write(p_actor, 'achievement.license', 'achievement', a.id,
                            '{"status": "listed"}', '{"status": "licensed"}');
    END IF;
    RETURN jsonb_build_object('license', (SELECT license_json(l) FROM licenses l
                                           WHERE l.id = lic.id));
END
$$;
