-- 0055_notice_scans: the sweep's deadline scans skip the notices already sent before building
-- them again.
--
-- Every sweep (each 15 minutes, and when the daemon starts) looks at every deadline passed or
-- near and calls notify_organisation for each, whose dedupe keys let each notice be written once.
-- The notices already written were built again each time: their facts looked up and their text
-- made, to be dropped by the conflict. At the bench's full size (252,000 licenses, 39,600 of
-- them active with royalties) the reports overdue alone were 115,000 each sweep, and the scans
-- took about 62 s of one core, every sweep, while the daemon served. A deadline whose notice
-- every recipient already has is now passed over first (notice_sent, the unique index of user
-- and key), and the facts of a license are read by a statement planned once a session.

-- Who a notice to an institution's and an enterprise's users goes to: their users still able to
-- sign in (notify_organisation and notice_sent).
CREATE FUNCTION notice_recipients(p_institution_id bigint, p_enterprise_id bigint)
RETURNS SETOF users
LANGUAGE sql STABLE AS $$
    SELECT u.* FROM users u
     WHERE NOT u.disabled
       AND (u.institution_id = p_institution_id OR u.enterprise_id = p_enterprise_id)
$$;

-- Whether every recipient already has the notice with this dedupe key, so that notify_organisation
-- would write nothing.
CREATE FUNCTION notice_sent(p_institution_id bigint, p_enterprise_id bigint, p_dedupe text)
RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN NOT EXISTS (
        SELECT 1 FROM notice_recipients(p_institution_id, p_enterprise_id) u
         WHERE NOT EXISTS (SELECT 1 FROM notifications n
                            WHERE n.user_id = u.id AND n.dedupe_key = p_dedupe));
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
          FROM notice_recipients(p_institution_id, p_enterprise_id) u,
               notification_text(p_kind, u.language, p) x
        ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        RETURNING id, user_id
    )
    INSERT INTO mail_outbox (notification_id, recipient)
    SELECT made.id, u.email
      FROM made JOIN users u ON u.id = made.user_id
     WHERE u.email_notifications AND current_setting('techpool.mail', true) = 'on';
END
$$;

CREATE OR REPLACE FUNCTION license_notice_facts(p_license_id bigint)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT jsonb_build_object('achievement', a.title, 'party', i.name,
                                      'enterprise', e.name, 'institution', i.name)
              FROM licenses l
              JOIN achievements a ON a.id = l.achievement_id
              JOIN institutions i ON i.id = l.institution_id
              JOIN enterprises e ON e.id = l.enterprise_id
             WHERE l.id = p_license_id);
END
$$;

CREATE OR REPLACE FUNCTION notifications_scan_trial_and_money_deadlines()
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    before integer;
    r record;
    key text;
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
        key := format('trial.ends_soon:%s:%s', r.id, r.threshold);
        CONTINUE WHEN notice_sent(r.institution_id, r.enterprise_id, key);
        PERFORM notify_organisation('trial.ends_soon', 'trial', r.id, r.institution_id,
                                    r.enterprise_id,
                                    jsonb_build_object('achievement',
                                        (SELECT a.title FROM achievements a
                                          WHERE a.id = r.achievement_id),
                                        'date', r.ends_on, 'days', r.days_left),
                                    key);
    END LOOP;
    FOR r IN
        SELECT i.license_id, i.seq, i.due_on, i.amount_fen - i.paid_fen AS unpaid,
               l.institution_id, l.enterprise_id
          FROM installments i JOIN licenses l ON l.id = i.license_id
         WHERE i.paid_fen < i.amount_fen AND l.status = 'active'
           AND i.due_on BETWEEN today AND today + 15
    LOOP
        key := format('installment.due_soon:%s:%s', r.license_id, r.seq);
        CONTINUE WHEN notice_sent(NULL, r.enterprise_id, key);
        PERFORM notify_organisation('installment.due_soon', 'license', r.license_id, NULL,
                                    r.enterprise_id,
                                    license_notice_facts(r.license_id)
                                        || jsonb_build_object('amount_fen', r.unpaid,
                                                              'date', r.due_on),
                                    key);
    END LOOP;
    FOR r IN
        SELECT i.license_id, i.seq, i.due_on, i.amount_fen - i.paid_fen AS unpaid,
               l.institution_id, l.enterprise_id,
               (SELECT max(d) FROM unnest(ARRAY[1, 30, 60, 90]) d
                 WHERE today - i.due_on >= d) AS days
          FROM installments i JOIN licenses l ON l.id = i.license_id
         WHERE i.paid_fen < i.amount_fen AND l.status = 'active' AND i.due_on < today
    LOOP
        key := format('installment.overdue:%s:%s:%s', r.license_id, r.seq, r.days);
        CONTINUE WHEN notice_sent(CASE WHEN r.days = 90 THEN r.institution_id END,
                                  r.enterprise_id, key);
        PERFORM notify_organisation('installment.overdue', 'license', r.license_id,
                                    CASE WHEN r.days = 90 THEN r.institution_id END,
                                    r.enterprise_id,
                                    license_notice_facts(r.license_id)
                                        || jsonb_build_object('amount_fen', r.unpaid,
                                                              'date', r.due_on, 'days', r.days),
                                    key);
    END LOOP;
    RETURN (SELECT count(*) FROM notifications) - before;
END
$$;

CREATE OR REPLACE FUNCTION notifications_scan_recording_deadlines()
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    r record;
    kind text;
    key text;
BEGIN
    FOR r IN
        SELECT l.id, l.institution_id, l.recording_due_on
          FROM licenses l
         WHERE l.record_number IS NULL AND l.recording_due_on <= today + 14
           AND l.status IN ('active', 'settled', 'defaulted')
    LOOP
        kind := CASE WHEN r.recording_due_on >= today THEN 'recording.due_soon'
                     ELSE 'recording.overdue' END;
        key := format('%s:%s', kind, r.id);
        CONTINUE WHEN notice_sent(r.institution_id, NULL, key);
        PERFORM notify_organisation(
            kind, 'license', r.id, r.institution_id, NULL,
            license_notice_facts(r.id)
                || jsonb_build_object('party', (SELECT e.name FROM licenses l
                                                  JOIN enterprises e ON e.id = l.enterprise_id
                                                 WHERE l.id = r.id),
                                      'date', r.recording_due_on),
            key);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION notifications_scan_report_deadlines()
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    r record;
    key text;
BEGIN
    FOR r IN
        SELECT l.id, l.institution_id, l.enterprise_id, d.period_start, d.due_on,
               (SELECT max(x) FROM unnest(ARRAY[1, 30, 60, 90]) x WHERE today - d.due_on >= x)
                   AS days
          FROM licenses l, license_reports_due(l) d
         WHERE l.status = 'active' AND l.payment_mode IN ('royalty', 'lump_sum_plus_royalty')
           AND d.due_on <= today + 7
    LOOP
        IF r.due_on >= today THEN
            key := format('report.due_soon:%s:%s', r.id, r.period_start);
            CONTINUE WHEN notice_sent(NULL, r.enterprise_id, key);
            PERFORM notify_organisation('report.due_soon', 'license', r.id, NULL, r.enterprise_id,
                                        license_notice_facts(r.id)
                                            || jsonb_build_object('period',
                                                                  quarter_label(r.period_start),
                                                                  'date', r.due_on),
                                        key);
        ELSIF r.days IS NOT NULL THEN
            key := format('report.overdue:%s:%s:%s', r.id, r.period_start, r.days);
            CONTINUE WHEN notice_sent(CASE WHEN r.days = 90 THEN r.institution_id END,
                                      r.enterprise_id, key);
            PERFORM notify_organisation('report.overdue', 'license', r.id,
                                        CASE WHEN r.days = 90 THEN r.institution_id END,
                                        r.enterprise_id,
                                        license_notice_facts(r.id)
                                            || jsonb_build_object('period',
                                                                  quarter_label(r.period_start),
                                                                  'date', r.due_on,
                                                                  'days', r.days),
                                        key);
        END IF;
    END LOOP;
END
$$;
