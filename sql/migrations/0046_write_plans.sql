-- 0046_write_plans: the helpers every state change calls keep their plans for the session.
--
-- A SQL function that PostgreSQL cannot inline into its caller is parsed and planned again on
-- every call. The trial cycle (request, approve, return) spent about a third of its database
-- time so (pg_stat_user_functions at the bench's full size, per cycle: notify_organisation
-- 1.3 ms for its three notices, trial_reply 0.4 ms a reply, trials_sweep_expired_on 0.6 ms,
-- audit_write 0.2 ms an event). The same statements in PL/pgSQL are planned once a session;
-- what they do is unchanged.

CREATE OR REPLACE FUNCTION audit_write(actor bigint, action text, entity text, entity_id bigint,
                                       before jsonb, after jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_events (actor_id, action, entity, entity_id, before, after, hash)
    VALUES ($1, $2, $3, $4, $5, $6, '\x');
END
$$;

CREATE OR REPLACE FUNCTION notify_organisation(p_kind text, p_subject_type text,
                                               p_subject_id bigint, p_institution_id bigint,
                                               p_enterprise_id bigint, p jsonb,
                                               p_dedupe text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    WITH made AS (
        INSERT INTO notifications (user_id, kind, subject_type, subject_id, title, body,
                                   dedupe_key)
        SELECT u.id, p_kind, p_subject_type, p_subject_id, x.title, x.body, p_dedupe
          FROM users u, notification_text(p_kind, u.language, p) x
         WHERE NOT u.disabled
           AND (u.institution_id = p_institution_id OR u.enterprise_id = p_enterprise_id)
        ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING id, user_id
    )
    INSERT INTO mail_outbox (notification_id, recipient)
    SELECT made.id, u.email
      FROM made JOIN users u ON u.id = made.user_id
     WHERE u.email_notifications AND current_setting('techpool.mail', true) = 'on';
END
$$;

CREATE OR REPLACE FUNCTION trials_sweep_expired_on(p_achievement_id bigint)
RETURNS integer
LANGUAGE plpgsql AS $$
BEGIN
    RETURN trials_expire_locked(ARRAY(
        SELECT s.id FROM trials s
         WHERE s.achievement_id = p_achievement_id AND s.status = 'active'
           AND s.ends_on < tp_today()
         ORDER BY s.id
           FOR UPDATE));
END
$$;

CREATE OR REPLACE FUNCTION trial_reply(p_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT trial_json(t) FROM trials_effective t WHERE t.id = p_id);
END
$$;

CREATE OR REPLACE FUNCTION trial_extension_json(p_trial_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('months', x.months, 'reason', x.reason,
                                      'status', x.status,
                                      'requested_at', tp_instant(x.requested_at),
                                      'decided_at', tp_instant(x.decided_at),
                                      'decision_reason', x.decision_reason)
              FROM trial_extensions x WHERE x.trial_id = p_trial_id
             ORDER BY x.id DESC LIMIT 1);
END
$$;
