-- 0005_achievements: the pool's endpoints — list and search, detail, create, partial update, and
-- the review workflow (submit, approve, reject, withdraw) — one function per endpoint.
--
-- Who sees what (achievement_visible): everyone sees listed achievements; institution staff also
-- see their own institution's in every status; a province_admin sees every achievement of its
-- province (and the other provinces' listed ones); an admin sees all. An achievement the caller
-- may not see is not found (TP404), whatever the action.
--
-- Editing a listed achievement keeps it listed: the pool must not lose an offer (and the trials
-- requested on it) because its institution corrected a keyword or the fee. Every edit, of a
-- listed achievement as of a draft, is audited as achievement.update with the fields it changed
-- (before and after), so a reviewer can follow what changed after approval. Only draft, rejected
-- and listed achievements are editable; pending ones wait for their review.
--
-- Replies are built here as json (not jsonb: measured 2.7 times faster for a 20-item page), from
-- the view achievement_replies, so that a list item, the detail and every state change answer
-- the same object. Lists return one row (items, next position); the daemon passes the items
-- through untouched.
--
-- The list and search functions are plain SQL so that the planner inlines them into the caller's
-- statement: filters that are NULL fold away, and EXPLAIN on the caller's statement shows the
-- real plan (the search runs as a Bitmap Index Scan on achievements_search_grams, also under a
-- generic plan). The viewer is looked up once per statement (uncorrelated subqueries become
-- InitPlans), not once per row.

-- ---------------------------------------------------------------------------------------------
-- Shared pieces

-- The reply object of each achievement: the contract's fields (and reject_reason). The
-- institution's name is looked up by its key (the foreign key guarantees the row): a join would
-- let a generic plan scan institutions once per page row (measured 0.9 ms of a 1.1 ms page).
CREATE VIEW achievement_replies AS
SELECT a.id, a.version, a.status, a.province, a.institution_id,
       json_build_object(
           'id', a.id, 'institution_id', a.institution_id,
           'institution_name', (SELECT i.name FROM institutions i WHERE i.id = a.institution_id),
           'province', a.province, 'title', a.title, 'title_en', a.title_en,
           'abstract', a.abstract, 'field', a.field, 'kind', a.kind,
           'patent_numbers', a.patent_numbers, 'keywords', a.keywords,
           'maturity', a.maturity, 'trial_months', a.trial_months,
           'payment_mode', a.payment_mode, 'reference_fee_fen', a.reference_fee_fen,
           'royalty_bp', a.royalty_bp, 'exclusive', a.exclusive, 'open_license', a.open_license,
           'status', a.status, 'reject_reason', a.reject_reason,
           'created_at', tp_instant(a.created_at), 'updated_at', tp_instant(a.updated_at),
           'version', a.version) AS item
  FROM achievements a;

-- Whether a viewer (role, province, institution; all NULL for an anonymous caller) may see an
-- achievement of that status, province and institution. Written so that each argument is used
-- once, and declared STABLE although it is immutable: the planner inlines a function only then,
-- when the lists pass the viewer's lookups (stable subqueries) as arguments.
CREATE FUNCTION achievement_visible(status text, province text, institution_id bigint,
                                    viewer_role text, viewer_province text,
                                    viewer_institution_id bigint)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT status = 'listed' OR CASE viewer_role
        WHEN 'admin' THEN true
        WHEN 'province_admin' THEN viewer_province = province
        WHEN 'institution' THEN viewer_institution_id = institution_id
        ELSE false
    END
$$;

-- Whether an achievement belongs in a viewer's list: visible to the viewer (achievement_visible)
-- and matching each filter given (NULL: any). STABLE, with each viewer value used once, as
-- achievement_visible, so that the planner inlines it into the list and the search: the filters
-- left NULL fold away and the plans are those of the conditions written out.
CREATE FUNCTION achievement_in_list(a achievements, viewer_role text, viewer_province text,
                                    viewer_institution_id bigint, p_province text,
                                    p_field text, p_kind text, p_institution_id bigint,
                                    p_open_license boolean, p_status text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT achievement_visible(a.status, a.province, a.institution_id, viewer_role,
                               viewer_province, viewer_institution_id)
       AND (p_province IS NULL OR a.province = p_province)
       AND (p_field IS NULL OR a.field = p_field)
       AND (p_kind IS NULL OR a.kind = p_kind)
       AND (p_institution_id IS NULL OR a.institution_id = p_institution_id)
       AND (p_open_license IS NULL OR a.open_license = p_open_license)
       AND (p_status IS NULL OR a.status = p_status)
$$;

-- The signed-in user behind an actor id; no row for an anonymous caller (NULL) or a disabled
-- user.
CREATE FUNCTION achievement_viewer(actor bigint)
RETURNS TABLE (role text, province text, institution_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT u.role, u.province, u.institution_id FROM users u WHERE u.id = actor AND NOT u.disabled
$$;

-- Locks an achievement for a change. Raises TP404 when the actor may not see it, and TP403 with
-- p_refusal unless the change is the actor's to make: p_by 'institution', staff of its
-- institution; p_by 'reviewer', an admin or the province_admin of its province.
CREATE FUNCTION achievement_lock_for(p_actor bigint, p_id bigint, p_by text, p_refusal text)
RETURNS achievements
LANGUAGE plpgsql AS $$
DECLARE
    viewer record;
    a achievements;
    allowed boolean;
BEGIN
    SELECT * INTO viewer FROM achievement_viewer(p_actor);
    SELECT * INTO a FROM achievements WHERE id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(achievement_visible(a.status, a.province, a.institution_id,
                                     viewer.role, viewer.province, viewer.institution_id),
                                 false) THEN
        PERFORM tp_raise('TP404', 'no such achievement');
    END IF;
    IF p_by = 'institution' THEN
        allowed := viewer.role = 'institution' AND viewer.institution_id = a.institution_id;
    ELSE
        allowed := viewer.role = 'admin'
                OR (viewer.role = 'province_admin' AND viewer.province = a.province);
    END IF;
    IF NOT coalesce(allowed, false) THEN
        PERFORM tp_raise('TP403', p_refusal);
    END IF;
    RETURN a;
END
$$;

-- The top-level keys whose values differ between two objects: (before, after), each holding
-- only those keys. For audit events that say what changed.
CREATE FUNCTION achievement_changes(old_item jsonb, new_item jsonb,
                                    OUT before jsonb, OUT after jsonb)
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(jsonb_object_agg(o.key, o.value), '{}'::jsonb),
           coalesce(jsonb_object_agg(o.key, n.value), '{}'::jsonb)
      FROM jsonb_each(old_item) o
      JOIN jsonb_each(new_item) n ON n.key = o.key
     WHERE o.value IS DISTINCT FROM n.value
$$;

-- ---------------------------------------------------------------------------------------------
-- GET /api/v1/achievements (without q): newest first, keyset position = the last item's id.
--
-- Shaped so that the pages most callers ask for (no filter, one province, one field) can run on
-- a cached plan: the daemon prepares a statement for each of these with the absent filters as
-- literal NULLs, which fold away, leaving the one given as plain equality (a NULL-or-equal
-- parameter stays in a generic plan, which then costs more than replanning, so PostgreSQL
-- replanned every call: 0.54 ms of planning on 1.37 ms); the keyset bound is an index
-- condition even when the position is a parameter; and the scan reads a fixed 101 rows (the
-- largest page and one more) and keeps limit + 1 of them, because a LIMIT given as a parameter
-- makes a generic plan guess at 10% of the table and lose to replanning every time (measured with
-- pgbench on 20,000 rows: 0.6 ms of planning on a 0.3 ms query; 1,800 -> 4,000 pages/s). With
-- other filter sets, each call is planned for its values and uses the matching index.

CREATE FUNCTION api_achievements_list(p_actor bigint, p_province text, p_field text,
                                      p_kind text, p_institution_id bigint,
                                      p_open_license boolean, p_status text, p_limit integer,
                                      p_after_id bigint)
RETURNS TABLE (items json, next_position text)
LANGUAGE sql STABLE AS $$
    WITH viewer AS (
        SELECT * FROM achievement_viewer(p_actor)
    ), hits AS (
        SELECT a.id
          FROM achievements a
         WHERE achievement_in_list(a, (SELECT v.role FROM viewer v),
                                   (SELECT v.province FROM viewer v),
                                   (SELECT v.institution_id FROM viewer v), p_province, p_field,
                                   p_kind, p_institution_id, p_open_license, p_status)
           AND a.id < coalesce(p_after_id, 9223372036854775807)
         ORDER BY a.id DESC
         LIMIT 101
    ), page AS (
        SELECT h.id, row_number() OVER (ORDER BY h.id DESC) AS n FROM hits h
    )
    SELECT coalesce(json_agg(r.item ORDER BY p.n) FILTER (WHERE p.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit
                THEN (min(p.id) FILTER (WHERE p.n <= p_limit))::text END
      FROM page p
      JOIN achievement_replies r ON r.id = p.id
     WHERE p.n <= p_limit + 1
$$;

-- ---------------------------------------------------------------------------------------------
-- GET /api/v1/achievements?q=: best match first (search_rank: title, then keyword, then
-- abstract), newest first within a rank; keyset position = 'rank|id' of the last item.

CREATE FUNCTION api_achievements_search(p_actor bigint, p_q text, p_province text,
                                        p_field text, p_kind text, p_institution_id bigint,
                                        p_open_license boolean, p_status text, p_limit integer,
                                        p_after_rank integer, p_after_id bigint)
RETURNS TABLE (items json, next_position text)
LANGUAGE sql STABLE AS $$
    WITH viewer AS (
        SELECT * FROM achievement_viewer(p_actor)
    ), matches AS (
        SELECT a.id, search_rank(p_q, a.title, a.title_en, a.keywords) AS rank
          FROM achievements a
         WHERE a.search_grams @@ search_query(p_q)
           AND search_match(p_q, a.title, a.title_en, a.abstract, a.keywords)
           AND achievement_in_list(a, (SELECT v.role FROM viewer v),
                                   (SELECT v.province FROM viewer v),
                                   (SELECT v.institution_id FROM viewer v), p_province, p_field,
                                   p_kind, p_institution_id, p_open_license, p_status)
    ), hits AS (
        SELECT m.id, m.rank
          FROM matches m
         WHERE p_after_id IS NULL OR (m.rank, m.id) < (p_after_rank, p_after_id)
         ORDER BY m.rank DESC, m.id DESC
         LIMIT p_limit + 1
    ), page AS (
        SELECT h.id, h.rank, row_number() OVER (ORDER BY h.rank DESC, h.id DESC) AS n
          FROM hits h
    )
    SELECT coalesce(json_agg(r.item ORDER BY p.n) FILTER (WHERE p.n <= p_limit), '[]'::json),
           CASE WHEN count(*) > p_limit
                THEN (SELECT l.rank || '|' || l.id FROM page l WHERE l.n = p_limit) END
      FROM page p
      JOIN achievement_replies r ON r.id = p.id
$$;

-- ---------------------------------------------------------------------------------------------
-- GET /api/v1/achievements/{id}: the object and its version (the ETag); no row when the caller
-- may not see it.

CREATE FUNCTION api_achievement_get(p_actor bigint, p_id bigint)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql STABLE AS $$
    SELECT r.item, r.version
      FROM achievement_replies r
      LEFT JOIN achievement_viewer(p_actor) v ON true
     WHERE r.id = p_id
       AND achievement_visible(r.status, r.province, r.institution_id,
                               v.role, v.province, v.institution_id)
$$;

-- ---------------------------------------------------------------------------------------------
-- State changes

-- The reply of one achievement after a change.
CREATE FUNCTION achievement_reply(p_id bigint)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql STABLE AS $$
    SELECT r.item, r.version FROM achievement_replies r WHERE r.id = p_id
$$;

-- A text array from a JSON array of strings.
CREATE FUNCTION achievement_text_array(value jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(e ORDER BY n), '{}') FROM jsonb_array_elements_text(value)
           WITH ORDINALITY AS x(e, n)
$$;

-- POST /api/v1/achievements: a draft of the caller's institution. Required: title, abstract,
-- field, kind, maturity, trial_months, payment_mode. Optional (default): title_en (none),
-- patent_numbers ([]), keywords ([]), reference_fee_fen (0), royalty_bp (0), exclusive (false),
-- open_license (false). The daemon has checked every value; the table's constraints stand
-- behind it.
CREATE FUNCTION api_achievement_create(p_actor bigint, p_body jsonb)
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
    INSERT INTO achievements (institution_id, province, title, title_en, abstract, field, kind,
                              patent_numbers, keywords, maturity, trial_months, payment_mode,
                              reference_fee_fen, royalty_bp, exclusive, open_license)
    SELECT viewer.institution_id, i.province, p_body->>'title', p_body->>'title_en',
           p_body->>'abstract', p_body->>'field', p_body->>'kind',
           achievement_text_array(coalesce(p_body->'patent_numbers', '[]')),
           achievement_text_array(coalesce(p_body->'keywords', '[]')),
           (p_body->>'maturity')::smallint, (p_body->>'trial_months')::smallint,
           p_body->>'payment_mode',
           coalesce((p_body->>'reference_fee_fen')::bigint, 0),
           coalesce((p_body->>'royalty_bp')::int, 0),
           coalesce((p_body->>'exclusive')::boolean, false),
           coalesce((p_body->>'open_license')::boolean, false)
      FROM institutions i WHERE i.id = viewer.institution_id
    RETURNING id INTO new_id;
    SELECT achievement_json(a) INTO created FROM achievements a WHERE a.id = new_id;
    PERFORM audit_write(p_actor, 'achievement.create', 'achievement', new_id, NULL, created);
    RETURN QUERY SELECT * FROM achievement_reply(new_id);
END
$$;

-- PATCH /api/v1/achievements/{id}: changes the fields present in the body (JSON null counts as
-- absent, except title_en, which null clears). p_if_version: the If-Match version, or NULL.
CREATE FUNCTION api_achievement_update(p_actor bigint, p_id bigint, p_if_version integer,
                                       p_body jsonb)
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
        open_license = coalesce((body->>'open_license')::boolean, open_license)
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

-- The review workflow. action: submit (draft|rejected -> pending), withdraw (listed ->
-- withdrawn), both by the achievement's institution; approve (pending -> listed) and reject
-- (pending -> rejected, with a reason), by an admin or the province_admin of its province.
-- Order of refusals: not visible (TP404), not this caller's to do (TP403), wrong state (TP409).
CREATE FUNCTION achievement_move(p_actor bigint, p_id bigint, p_action text, p_reason text)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE plpgsql AS $$
DECLARE
    by_institution boolean := p_action IN ('submit', 'withdraw');
    a achievements;
    from_states text[];
    to_state text;
    old_item jsonb;
    change record;
BEGIN
    a := achievement_lock_for(p_actor, p_id,
        CASE WHEN by_institution THEN 'institution' ELSE 'reviewer' END,
        CASE WHEN by_institution THEN format('only its institution may %s an achievement', p_action)
             ELSE format('only an admin of its province may %s an achievement', p_action) END);
    CASE p_action
        WHEN 'submit' THEN from_states := '{draft,rejected}'; to_state := 'pending';
        WHEN 'withdraw' THEN from_states := '{listed}'; to_state := 'withdrawn';
        WHEN 'approve' THEN from_states := '{pending}'; to_state := 'listed';
        WHEN 'reject' THEN from_states := '{pending}'; to_state := 'rejected';
    END CASE;
    IF NOT a.status = ANY (from_states) THEN
        PERFORM tp_raise('TP409', format('a %s achievement cannot be %s', a.status,
            CASE p_action WHEN 'submit' THEN 'submitted' WHEN 'withdraw' THEN 'withdrawn'
                          WHEN 'approve' THEN 'approved' ELSE 'rejected' END));
    END IF;
    old_item := achievement_json(a);
    UPDATE achievements
       SET status = to_state,
           reject_reason = CASE WHEN p_action = 'reject' THEN p_reason END
     WHERE id = p_id
    RETURNING * INTO a;
    SELECT * INTO change FROM achievement_changes(old_item, achievement_json(a));
    PERFORM audit_write(p_actor, 'achievement.' || p_action, 'achievement', p_id,
                        change.before, change.after);
    RETURN QUERY SELECT * FROM achievement_reply(p_id);
END
$$;

-- POST /api/v1/achievements/{id}/submit
CREATE FUNCTION api_achievement_submit(p_actor bigint, p_id bigint)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql AS $$
    SELECT * FROM achievement_move(p_actor, p_id, 'submit', NULL)
$$;

-- POST /api/v1/achievements/{id}/withdraw
CREATE FUNCTION api_achievement_withdraw(p_actor bigint, p_id bigint)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql AS $$
    SELECT * FROM achievement_move(p_actor, p_id, 'withdraw', NULL)
$$;

-- POST /api/v1/achievements/{id}/approve
CREATE FUNCTION api_achievement_approve(p_actor bigint, p_id bigint)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql AS $$
    SELECT * FROM achievement_move(p_actor, p_id, 'approve', NULL)
$$;

-- POST /api/v1/achievements/{id}/reject {"reason"}
CREATE FUNCTION api_achievement_reject(p_actor bigint, p_id bigint, p_reason text)
RETURNS TABLE (reply json, reply_version integer)
LANGUAGE sql AS $$
    SELECT * FROM achievement_move(p_actor, p_id, 'reject', p_reason)
$$;
