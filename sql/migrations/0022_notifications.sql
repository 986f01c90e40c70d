-- 0022_notifications: every decision and deadline reaches the people concerned, in the app and
-- (when the daemon sends mail) by e-mail, in each user's language (contract 1.1, "Notifications").
--
-- A notification is written by a trigger on the change that causes it, in the same transaction
-- (never lost if the daemon dies after the commit, never written for a change rolled back): one
-- row per active user of the organisation concerned, in that user's language. When the session
-- says techpool.mail = 'on' (the daemon sets it when it has an SMTP server) and the user has
-- e-mail on, a mail_outbox row goes with it, for the delivery thread.
-- Deadline notices come from notifications_scan_deadlines(), run with the expiry sweep; each is
-- written once per object and threshold (dedupe_key, unique per user), and a scan after a long
-- stop writes only the tightest threshold reached, not one per missed day.
-- The texts of every kind, in Chinese and English, are in notification_text below, and nowhere
-- else.

ALTER TABLE users
    ADD COLUMN language text NOT NULL DEFAULT 'zh',
    ADD COLUMN email_notifications boolean NOT NULL DEFAULT true,
    ADD CONSTRAINT users_language_valid CHECK (language IN ('zh', 'en'));

CREATE TABLE notifications (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    user_id      bigint NOT NULL,
    kind         text NOT NULL,
    subject_type text NOT NULL,
    subject_id   bigint NOT NULL,
    title        text NOT NULL,
    body         text NOT NULL,
    dedupe_key   text,
    created_at   timestamptz NOT NULL DEFAULT tp_now(),
    read_at      timestamptz,
    CONSTRAINT notifications_pkey PRIMARY KEY (id),
    CONSTRAINT notifications_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT notifications_subject_type_valid
        CHECK (subject_type IN ('achievement', 'trial', 'license', 'compensation'))
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, dedupe_key)
    WHERE dedupe_key IS NOT NULL;

CREATE TABLE mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    notification_id bigint NOT NULL,
    recipient       text NOT NULL,
    status          text NOT NULL DEFAULT 'queued',
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT mail_outbox_pkey PRIMARY KEY (id),
    CONSTRAINT mail_outbox_notification_fk FOREIGN KEY (notification_id)
        REFERENCES notifications (id),
    CONSTRAINT mail_outbox_status_valid CHECK (status IN ('queued', 'sent', 'failed')),
    CONSTRAINT mail_outbox_sent_at_set CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'queued';

-- The title and body of a notification of kind in lang, from its facts p (achievement, party,
-- date, months, amount_fen, days, ...).
CREATE FUNCTION notification_text(p_kind text, p_lang text, p jsonb,
                                  OUT title text, OUT body text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    zh boolean := p_lang = 'zh';
    a text := coalesce(p->>'achievement', '');
    party text := coalesce(p->>'party', '');
    day text := coalesce(p->>'date', '');
    yuan text := CASE WHEN p ? 'amount_fen'
                      THEN to_char((p->>'amount_fen')::numeric / 100, 'FM999,999,999,990.00') END;
BEGIN
    CASE p_kind
    WHEN 'trial.requested' THEN
        title := CASE WHEN zh THEN format('新的试用申请：%s', a) ELSE format('New trial request: %s', a) END;
        body := CASE WHEN zh THEN format('%s 申请试用“%s”%s 个月，请审批。', party, a, p->>'months')
                     ELSE format('%s asks to try "%s" for %s months. Please decide.', party, a, p->>'months') END;
    WHEN 'trial.approved' THEN
        title := CASE WHEN zh THEN format('试用已获同意：%s', a) ELSE format('Trial approved: %s', a) END;
        body := CASE WHEN zh THEN format('%s 同意了您对“%s”的试用，试用至 %s。', party, a, day)
                     ELSE format('%s approved your trial of "%s"; it runs until %s.', party, a, day) END;
    WHEN 'trial.declined' THEN
        title := CASE WHEN zh THEN format('试用申请未获同意：%s', a) ELSE format('Trial request declined: %s', a) END;
        body := CASE WHEN zh THEN format('%s 未同意您对“%s”的试用申请。理由：%s', party, a, p->>'reason')
                     ELSE format('%s declined your request to try "%s". Reason: %s', party, a, p->>'reason') END;
    WHEN 'trial.cancelled' THEN
        title := CASE WHEN zh THEN format('试用申请已撤回：%s', a) ELSE format('Trial request withdrawn: %s', a) END;
        body := CASE WHEN zh THEN format('%s 撤回了对“%s”的试用申请。', party, a)
                     ELSE format('%s withdrew its request to try "%s".', party, a) END;
    WHEN 'trial.returned' THEN
        title := CASE WHEN zh THEN format('成果已退还：%s', a) ELSE format('Trial given back: %s', a) END;
        body := CASE WHEN zh THEN format('%s 退还了“%s”的试用。理由：%s', party, a, p->>'reason')
                     ELSE format('%s gave back its trial of "%s". Reason: %s', party, a, p->>'reason') END;
    WHEN 'trial.converted' THEN
        title := CASE WHEN zh THEN format('许可已签订：%s', a) ELSE format('License signed: %s', a) END;
        body := CASE WHEN zh THEN format('您对“%s”的试用已转为许可，许可费 ¥%s。', a, yuan)
                     ELSE format('Your trial of "%s" became a license for ¥%s.', a, yuan) END;
    WHEN 'trial.extension_requested' THEN
        title := CASE WHEN zh THEN format('延期申请：%s', a) ELSE format('Extension requested: %s', a) END;
        body := CASE WHEN zh THEN format('%s 申请将“%s”的试用延长 %s 个月。理由：%s', party, a, p->>'months', p->>'reason')
                     ELSE format('%s asks for %s more months of "%s". Reason: %s', party, p->>'months', a, p->>'reason') END;
    WHEN 'trial.extension_decided' THEN
        title := CASE WHEN zh THEN format('延期申请已处理：%s', a) ELSE format('Extension decided: %s', a) END;
        body := CASE WHEN p->>'status' = 'approved'
                     THEN CASE WHEN zh THEN format('%s 同意延期，试用至 %s。', party, day)
                               ELSE format('%s approved the extension; the trial runs until %s.', party, day) END
                     ELSE CASE WHEN zh THEN format('%s 未同意延期。理由：%s', party, p->>'reason')
                               ELSE format('%s declined the extension. Reason: %s', party, p->>'reason') END END;
    WHEN 'payment.recorded' THEN
        title := CASE WHEN zh THEN format('已收到付款：%s', a) ELSE format('Payment recorded: %s', a) END;
        body := CASE WHEN zh THEN format('%s 确认收到 ¥%s（%s）。', party, yuan, day)
                     ELSE format('%s recorded a payment of ¥%s on %s.', party, yuan, day) END;
    WHEN 'license.defaulted' THEN
        title := CASE WHEN zh THEN format('许可已被认定违约：%s', a) ELSE format('License in default: %s', a) END;
        body := CASE WHEN zh THEN format('%s 因逾期未付将“%s”的许可标记为违约。', party, a)
                     ELSE format('%s marked the license of "%s" defaulted for non-payment.', party, a) END;
    WHEN 'compensation.decided' THEN
        title := CASE WHEN zh THEN format('风险补偿申请已处理：%s', a) ELSE format('Compensation claim decided: %s', a) END;
        body := CASE WHEN p->>'status' = 'approved'
                     THEN CASE WHEN zh THEN format('补偿申请已批准，金额 ¥%s。', yuan)
                               ELSE format('The claim was approved for ¥%s.', yuan) END
                     ELSE CASE WHEN zh THEN format('补偿申请未获批准。理由：%s', p->>'reason')
                               ELSE format('The claim was rejected. Reason: %s', p->>'reason') END END;
    WHEN 'achievement.approved' THEN
        title := CASE WHEN zh THEN format('成果已上架：%s', a) ELSE format('Achievement listed: %s', a) END;
        body := CASE WHEN zh THEN format('“%s”已通过审核，企业现在可以申请试用。', a)
                     ELSE format('"%s" was approved; enterprises can now ask to try it.', a) END;
    WHEN 'achievement.rejected' THEN
        title := CASE WHEN zh THEN format('成果未通过审核：%s', a) ELSE format('Achievement not approved: %s', a) END;
        body := CASE WHEN zh THEN format('“%s”未通过审核。理由：%s', a, p->>'reason')
                     ELSE format('"%s" was not approved. Reason: %s', a, p->>'reason') END;
    WHEN 'trial.ends_soon' THEN
        title := CASE WHEN zh THEN format('试用将于 %s 天后结束：%s', p->>'days', a)
                      ELSE format('Trial ends in %s days: %s', p->>'days', a) END;
        body := CASE WHEN zh THEN format('“%s”的试用于 %s 结束。请在此之前决定转为许可或退还。', a, day)
                     ELSE format('The trial of "%s" ends on %s. Decide before then: keep it under license or give it back.', a, day) END;
    WHEN 'installment.due_soon' THEN
        title := CASE WHEN zh THEN format('付款将到期：%s', a) ELSE format('Payment due soon: %s', a) END;
        body := CASE WHEN zh THEN format('“%s”的一期许可费 ¥%s 将于 %s 到期。', a, yuan, day)
                     ELSE format('An installment of ¥%s for "%s" is due on %s.', yuan, a, day) END;
    WHEN 'installment.overdue' THEN
        title := CASE WHEN zh THEN format('付款已逾期 %s 天：%s', p->>'days', a)
                      ELSE format('Payment %s days overdue: %s', p->>'days', a) END;
        body := CASE WHEN zh THEN format('“%s”的一期许可费 ¥%s 应于 %s 支付，已逾期 %s 天。', a, yuan, day, p->>'days')
                     ELSE format('An installment of ¥%s for "%s" was due on %s and is %s days overdue.', yuan, a, day, p->>'days') END;
    ELSE
        RAISE EXCEPTION 'no text for notification kind %', p_kind;
    END CASE;
END
$$;

-- Notifies every active user of an institution or an enterprise (one of the two ids), each in
-- their language, and queues the e-mails; p_dedupe, when given, makes it once per user.
CREATE FUNCTION notify_organisation(p_kind text, p_subject_type text, p_subject_id bigint,
                                    p_institution_id bigint, p_enterprise_id bigint, p jsonb,
                                    p_dedupe text DEFAULT NULL)
RETURNS void
LANGUAGE sql AS $$
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
     WHERE u.email_notifications AND current_setting('techpool.mail', true) = 'on'
$$;

-- The facts of a trial that its notices name.
CREATE FUNCTION trial_notice_facts(t trials) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('achievement', a.title, 'enterprise', e.name, 'institution', i.name,
                              'months', t.planned_months, 'date', t.ends_on,
                              'reason', t.close_reason)
      FROM achievements a, enterprises e, institutions i
     WHERE a.id = t.achievement_id AND e.id = t.enterprise_id AND i.id = t.institution_id
$$;

CREATE FUNCTION trials_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    f jsonb := trial_notice_facts(NEW);
    to_enterprise jsonb := f || jsonb_build_object('party', f->>'institution');
    to_institution jsonb := f || jsonb_build_object('party', f->>'enterprise');
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM notify_organisation('trial.requested', 'trial', NEW.id, NEW.institution_id, NULL,
                                    to_institution);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        CASE NEW.status
        WHEN 'active' THEN
            PERFORM notify_organisation('trial.approved', 'trial', NEW.id, NULL, NEW.enterprise_id,
                                        to_enterprise);
        WHEN 'declined' THEN
            PERFORM notify_organisation('trial.declined', 'trial', NEW.id, NULL, NEW.enterprise_id,
                                        to_enterprise);
        WHEN 'cancelled' THEN
            PERFORM notify_organisation('trial.cancelled', 'trial', NEW.id, NEW.institution_id,
                                        NULL, to_institution);
        WHEN 'returned' THEN
            PERFORM notify_organisation('trial.returned', 'trial', NEW.id, NEW.institution_id,
                                        NULL, to_institution);
        WHEN 'converted' THEN
            PERFORM notify_organisation('trial.converted', 'license', NEW.license_id, NULL,
                                        NEW.enterprise_id,
                                        to_enterprise || jsonb_build_object('amount_fen',
                                            (SELECT l.total_fen FROM licenses l
                                              WHERE l.id = NEW.license_id)));
        ELSE
            NULL;  -- an expiry is announced by the deadline notices before it
        END CASE;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER trials_90_notify AFTER INSERT OR UPDATE OF status ON trials
    FOR EACH ROW EXECUTE FUNCTION trials_notify();

CREATE FUNCTION trial_extensions_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t trials;
    f jsonb;
BEGIN
    SELECT * INTO t FROM trials WHERE id = NEW.trial_id;
    f := trial_notice_facts(t) || jsonb_build_object('months', NEW.months, 'reason',
                                                     coalesce(NEW.decision_reason, NEW.reason),
                                                     'status', NEW.status);
    IF TG_OP = 'INSERT' THEN
        PERFORM notify_organisation('trial.extension_requested', 'trial', t.id, t.institution_id,
                                    NULL, f || jsonb_build_object('party', f->>'enterprise'));
    ELSIF NEW.status <> OLD.status THEN
        PERFORM notify_organisation('trial.extension_decided', 'trial', t.id, NULL,
                                    t.enterprise_id,
                                    f || jsonb_build_object('party', f->>'institution'));
    END IF;
    RETURN NULL;
END
$$;
-- after the trial's own change (an approval moves ends_on first)
CREATE TRIGGER trial_extensions_90_notify AFTER INSERT OR UPDATE OF status ON trial_extensions
    FOR EACH ROW EXECUTE FUNCTION trial_extensions_notify();

-- The facts of a license that its notices name.
CREATE FUNCTION license_notice_facts(p_license_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('achievement', a.title, 'party', i.name,
                              'enterprise', e.name, 'institution', i.name)
      FROM licenses l
      JOIN achievements a ON a.id = l.achievement_id
      JOIN institutions i ON i.id = l.institution_id
      JOIN enterprises e ON e.id = l.enterprise_id
     WHERE l.id = p_license_id
$$;

CREATE FUNCTION payments_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM notify_organisation('payment.recorded', 'license', NEW.license_id, NULL,
                                (SELECT l.enterprise_id FROM licenses l WHERE l.id = NEW.license_id),
                                license_notice_facts(NEW.license_id)
                                    || jsonb_build_object('amount_fen', NEW.amount_fen,
                                                          'date', NEW.paid_on));
    RETURN NULL;
END
$$;
CREATE TRIGGER payments_90_notify AFTER INSERT ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_notify();

CREATE FUNCTION licenses_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'defaulted' AND OLD.status <> 'defaulted' THEN
        PERFORM notify_organisation('license.defaulted', 'license', NEW.id, NULL,
                                    NEW.enterprise_id, license_notice_facts(NEW.id));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER licenses_90_notify AFTER UPDATE OF status ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_notify();

CREATE FUNCTION compensations_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    IF NEW.status <> OLD.status THEN
        SELECT * INTO l FROM licenses WHERE id = NEW.license_id;
        PERFORM notify_organisation('compensation.decided', 'license', NEW.license_id,
                                    l.institution_id, NULL,
                                    license_notice_facts(NEW.license_id)
                                        || jsonb_build_object('status', NEW.status,
                                                              'amount_fen', NEW.amount_fen,
                                                              'reason', NEW.decision_reason));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER compensations_90_notify AFTER UPDATE OF status ON compensations
    FOR EACH ROW EXECUTE FUNCTION compensations_notify();

CREATE FUNCTION achievements_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'listed' AND OLD.status = 'pending' THEN
        PERFORM notify_organisation('achievement.approved', 'achievement', NEW.id,
                                    NEW.institution_id, NULL,
                                    jsonb_build_object('achievement', NEW.title));
    ELSIF NEW.status = 'rejected' AND OLD.status = 'pending' THEN
        PERFORM notify_organisation('achievement.rejected', 'achievement', NEW.id,
                                    NEW.institution_id, NULL,
                                    jsonb_build_object('achievement', NEW.title,
                                                       'reason', NEW.reject_reason));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER achievements_91_notify AFTER UPDATE OF status ON achievements
    FOR EACH ROW EXECUTE FUNCTION achievements_notify();

-- The deadline notices due as of the service's day: trials ending in 30, 7 or 1 days (both
-- parties), installments due in 15 days (the licensee), installments overdue by 1, 30, 60 or 90
-- days (the licensee; at 90 also the licensor, who may now mark a default). Each object and
-- threshold once; only the tightest threshold reached is written. Returns how many notices.
CREATE FUNCTION notifications_scan_deadlines() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    before integer;
    r record;
BEGIN
    SELECT count(*) INTO before FROM notifications;
    FOR r IN
        SELECT t.id, t.achievement_id, t.institution_id, t.enterprise_id, t.ends_on,
               t.ends_on - today AS days_left,
               (SELECT min(d) FROM unnest(ARRAY[30, 7, 1]) d WHERE t.ends_on - today <= d)
                   AS threshold
          FROM trials t
         WHERE t.status = 'active' AND t.ends_on BETWEEN today AND today + 30
    LOOP
        PERFORM notify_organisation('trial.ends_soon', 'trial', r.id, r.institution_id,
                                    r.enterprise_id,
                                    jsonb_build_object('achievement',
                                        (SELECT a.title FROM achievements a
                                          WHERE a.id = r.achievement_id),
                                        'date', r.ends_on, 'days', r.days_left),
                                    format('trial.ends_soon:%s:%s', r.id, r.threshold));
    END LOOP;
    FOR r IN
        SELECT i.license_id, i.seq, i.due_on, i.amount_fen - i.paid_fen AS unpaid,
               l.institution_id, l.enterprise_id
          FROM installments i JOIN licenses l ON l.id = i.license_id
         WHERE i.paid_fen < i.amount_fen AND l.status = 'active'
           AND i.due_on BETWEEN today AND today + 15
    LOOP
        PERFORM notify_organisation('installment.due_soon', 'license', r.license_id, NULL,
                                    r.enterprise_id,
                                    license_notice_facts(r.license_id)
                                        || jsonb_build_object('amount_fen', r.unpaid,
                                                              'date', r.due_on),
                                    format('installment.due_soon:%s:%s', r.license_id, r.seq));
    END LOOP;
    FOR r IN
        SELECT i.license_id, i.seq, i.due_on, i.amount_fen - i.paid_fen AS unpaid,
               l.institution_id, l.enterprise_id,
               (SELECT max(d) FROM unnest(ARRAY[1, 30, 60, 90]) d
                 WHERE today - i.due_on >= d) AS days
          FROM installments i JOIN licenses l ON l.id = i.license_id
         WHERE i.paid_fen < i.amount_fen AND l.status = 'active' AND i.due_on < today
    LOOP
        PERFORM notify_organisation('installment.overdue', 'license', r.license_id,
                                    CASE WHEN r.days = 90 THEN r.institution_id END,
                                    r.enterprise_id,
                                    license_notice_facts(r.license_id)
                                        || jsonb_build_object('amount_fen', r.unpaid,
                                                              'date', r.due_on, 'days', r.days),
                                    format('installment.overdue:%s:%s:%s', r.license_id, r.seq,
                                           r.days));
    END LOOP;
    RETURN (SELECT count(*) FROM notifications) - before;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- The endpoints: a signed-in user's own notifications and preferences.

CREATE FUNCTION notification_json(n notifications) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('id', n.id, 'kind', n.kind,
                              'subject', jsonb_build_object('type', n.subject_type,
                                                            'id', n.subject_id),
                              'title', n.title, 'body', n.body,
                              'created_at', tp_instant(n.created_at),
                              'read_at', tp_instant(n.read_at))
$$;

-- GET /api/v1/notifications?unread=: newest first; the third column adds "unread": the count.
CREATE FUNCTION api_notifications_list(p_actor bigint, p_unread boolean, p_limit integer,
                                       p_after_id bigint)
RETURNS TABLE (items jsonb, next_position text, more text)
LANGUAGE sql STABLE AS $$
    WITH hits AS (
        SELECT n.* FROM notifications n
         WHERE n.user_id = p_actor
           AND (p_unread IS NULL OR (n.read_at IS NULL) = p_unread)
           AND (p_after_id IS NULL OR n.id < p_after_id)
         ORDER BY n.id DESC
         LIMIT p_limit + 1
    )
    SELECT page.items, page.next_position,
           format('"unread":%s', (SELECT count(*) FROM notifications u
                                   WHERE u.user_id = p_actor AND u.read_at IS NULL))
      FROM keyset_page((SELECT jsonb_agg(notification_json(h) ORDER BY h.id DESC) FROM hits h),
                       p_limit) page
$$;

-- POST /api/v1/notifications/{id}/read: the user's own (else no row: 404); reading twice keeps
-- the first time.
CREATE FUNCTION api_notification_read(p_actor bigint, p_id bigint) RETURNS jsonb
LANGUAGE sql AS $$
    UPDATE notifications SET read_at = coalesce(read_at, tp_now())
     WHERE id = p_id AND user_id = p_actor
    RETURNING notification_json(notifications)
$$;

-- POST /api/v1/notifications/read-all -> {"marked": N, "unread": 0}
CREATE FUNCTION api_notifications_read_all(p_actor bigint) RETURNS jsonb
LANGUAGE sql AS $$
    WITH marked AS (
        UPDATE notifications SET read_at = tp_now()
         WHERE user_id = p_actor AND read_at IS NULL
        RETURNING 1
    )
    SELECT jsonb_build_object('marked', (SELECT count(*) FROM marked), 'unread', 0)
$$;

-- GET and PUT /api/v1/me/preferences {"email": bool, "language": "zh"|"en"}
CREATE FUNCTION api_preferences_get(p_actor bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('email', u.email_notifications, 'language', u.language)
      FROM users u WHERE u.id = p_actor
$$;

CREATE FUNCTION api_preferences_put(p_actor bigint, p_email boolean, p_language text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    u users;
BEGIN
    SELECT * INTO u FROM users WHERE id = p_actor FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM tp_raise('TP401', 'sign in first');
    END IF;
    IF (u.email_notifications, u.language) IS DISTINCT FROM (p_email, p_language) THEN
        UPDATE users SET email_notifications = p_email, language = p_language WHERE id = p_actor;
        PERFORM audit_write(p_actor, 'user.preferences', 'user', p_actor,
                            jsonb_build_object('email', u.email_notifications,
                                               'language', u.language),
                            jsonb_build_object('email', p_email, 'language', p_language));
    END IF;
    RETURN jsonb_build_object('email', p_email, 'language', p_language);
END
$$;
