-- 0027_agreement_notices: the notices of the use-first agreement (0026).
--
--   * trial.converted now tells the institution: the enterprise keeps the achievement by its
--     own conversion at the agreed terms;
--   * license.proposed tells the enterprise that a license awaits its answer, license.accepted
--     and license.declined tell the institution its answer (a lapsed proposal is declined too);
--   * open_license.taken tells the institution that an enterprise took an open license;
--   * royalty.reported tells the institution of a quarterly report and the royalty it issued;
--   * report.due_soon (7 days before) and report.overdue (1, 30, 60, 90 days after; at 90 also
--     the institution, which may now mark a default) remind the licensee of a report.
--
-- The texts of the kinds before 1.1 stay in notification_text_base (0022's function, renamed);
-- notification_text answers the kinds above and hands every other to it. The deadline scan of
-- 0022 likewise becomes notifications_scan_trial_and_money_deadlines, which
-- notifications_scan_deadlines (what the daemon's sweep calls) runs before the reports' scan.

ALTER FUNCTION notification_text(text, text, jsonb) RENAME TO notification_text_base;

CREATE FUNCTION notification_text(p_kind text, p_lang text, p jsonb,
                                  OUT title text, OUT body text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    zh boolean := p_lang = 'zh';
    a text := coalesce(p->>'achievement', '');
    party text := coalesce(p->>'party', '');
    day text := coalesce(p->>'date', '');
    period text := coalesce(p->>'period', '');
    yuan text := CASE WHEN p ? 'amount_fen'
                      THEN to_char((p->>'amount_fen')::numeric / 100, 'FM999,999,999,990.00') END;
BEGIN
    CASE p_kind
    WHEN 'trial.converted' THEN
        title := CASE WHEN zh THEN format('试用已转为许可：%s', a) ELSE format('Trial converted: %s', a) END;
        body := CASE WHEN zh THEN format('%s 决定继续使用“%s”，按约定条件签订许可，固定许可费 ¥%s。', party, a, yuan)
                     ELSE format('%s keeps "%s" under license on the agreed terms; fixed fee ¥%s.', party, a, yuan) END;
    WHEN 'license.proposed' THEN
        title := CASE WHEN zh THEN format('待确认的许可方案：%s', a) ELSE format('License proposed: %s', a) END;
        body := CASE WHEN zh THEN format('%s 为“%s”提出许可方案，固定许可费 ¥%s。请接受或拒绝。', party, a, yuan)
                     ELSE format('%s proposes a license of "%s" with a fixed fee of ¥%s. Please accept or decline.', party, a, yuan) END;
    WHEN 'license.accepted' THEN
        title := CASE WHEN zh THEN format('许可方案已被接受：%s', a) ELSE format('License proposal accepted: %s', a) END;
        body := CASE WHEN zh THEN format('%s 接受了“%s”的许可方案，许可自今日生效，固定许可费 ¥%s。', party, a, yuan)
                     ELSE format('%s accepted the proposed license of "%s"; it is in force from today, fixed fee ¥%s.', party, a, yuan) END;
    WHEN 'recording.due_soon' THEN
        title := CASE WHEN zh THEN format('许可合同备案将到期：%s', a) ELSE format('License recording due soon: %s', a) END;
        body := CASE WHEN zh THEN format('与 %s 的“%s”许可合同应于 %s 前向国家知识产权局备案。', party, a, day)
                     ELSE format('The license of "%s" to %s must be recorded with the patent office by %s.', a, party, day) END;
    WHEN 'recording.overdue' THEN
        title := CASE WHEN zh THEN format('许可合同备案已逾期：%s', a) ELSE format('License recording overdue: %s', a) END;
        body := CASE WHEN zh THEN format('与 %s 的“%s”许可合同应于 %s 前备案，现已逾期。', party, a, day)
                     ELSE format('The license of "%s" to %s was to be recorded by %s and is overdue.', a, party, day) END;
    WHEN 'license.declined' THEN
        title := CASE WHEN zh THEN format('许可方案未被接受：%s', a) ELSE format('License proposal declined: %s', a) END;
        body := CASE WHEN zh THEN format('%s 未接受“%s”的许可方案。理由：%s', party, a, p->>'reason')
                     ELSE format('%s declined the proposed license of "%s". Reason: %s', party, a, p->>'reason') END;
    WHEN 'open_license.taken' THEN
        title := CASE WHEN zh THEN format('开放许可已被实施：%s', a) ELSE format('Open license taken: %s', a) END;
        body := CASE WHEN zh THEN format('%s 按公告条件取得了“%s”的开放许可，许可费 ¥%s。', party, a, yuan)
                     ELSE format('%s took an open license of "%s" on the declared terms; fee ¥%s.', party, a, yuan) END;
    WHEN 'royalty.reported' THEN
        title := CASE WHEN zh THEN format('收到提成报告：%s', a) ELSE format('Royalty report filed: %s', a) END;
        body := CASE WHEN zh THEN format('%s 报告了 %s 的销售额，应付提成 ¥%s。', party, period, yuan)
                     ELSE format('%s reported its sales for %s; the royalty is ¥%s.', party, period, yuan) END;
    WHEN 'report.due_soon' THEN
        title := CASE WHEN zh THEN format('提成报告将到期：%s', a) ELSE format('Royalty report due soon: %s', a) END;
        body := CASE WHEN zh THEN format('“%s”%s 的销售额报告应于 %s 前提交。', a, period, day)
                     ELSE format('The sales report of "%s" for %s is due on %s.', a, period, day) END;
    WHEN 'report.overdue' THEN
        title := CASE WHEN zh THEN format('提成报告已逾期 %s 天：%s', p->>'days', a)
                      ELSE format('Royalty report %s days overdue: %s', p->>'days', a) END;
        body := CASE WHEN zh THEN format('“%s”%s 的销售额报告应于 %s 提交，已逾期 %s 天。', a, period, day, p->>'days')
                     ELSE format('The sales report of "%s" for %s was due on %s and is %s days overdue.', a, period, day, p->>'days') END;
    ELSE
        SELECT b.title, b.body INTO title, body FROM notification_text_base(p_kind, p_lang, p) b;
    END CASE;
END
$$;

-- 0022's trials_notify with the conversion told to the institution.
CREATE OR REPLACE FUNCTION trials_notify() RETURNS trigger
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
            -- an accepted proposal is announced as such (licenses_notify)
            IF (SELECT l.proposed_at FROM licenses l WHERE l.id = NEW.license_id) IS NULL THEN
                PERFORM notify_organisation('trial.converted', 'license', NEW.license_id,
                                            NEW.institution_id, NULL,
                                            to_institution || jsonb_build_object('amount_fen',
                                                (SELECT l.total_fen FROM licenses l
                                                  WHERE l.id = NEW.license_id)));
            END IF;
        ELSE
            NULL;  -- an expiry is announced by the deadline notices before it
        END CASE;
    END IF;
    RETURN NULL;
END
$$;

-- A proposal goes to the enterprise; a default (0022) to the enterprise; a declined proposal to
-- the institution.
CREATE OR REPLACE FUNCTION licenses_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    f jsonb := license_notice_facts(NEW.id);
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'proposed' THEN
            PERFORM notify_organisation('license.proposed', 'license', NEW.id, NULL,
                                        NEW.enterprise_id,
                                        f || jsonb_build_object('amount_fen', NEW.total_fen));
        ELSIF NEW.source = 'open_license' THEN
            PERFORM notify_organisation('open_license.taken', 'license', NEW.id,
                                        NEW.institution_id, NULL,
                                        f || jsonb_build_object('party', f->>'enterprise',
                                                                'amount_fen', NEW.total_fen));
        END IF;
    ELSIF NEW.status = 'defaulted' AND OLD.status <> 'defaulted' THEN
        PERFORM notify_organisation('license.defaulted', 'license', NEW.id, NULL,
                                    NEW.enterprise_id, f);
    ELSIF NEW.status = 'active' AND OLD.status = 'proposed' THEN
        PERFORM notify_organisation('license.accepted', 'license', NEW.id, NEW.institution_id,
                                    NULL,
                                    f || jsonb_build_object('party', f->>'enterprise',
                                                            'amount_fen', NEW.total_fen));
    ELSIF NEW.status = 'declined' AND OLD.status = 'proposed' THEN
        PERFORM notify_organisation('license.declined', 'license', NEW.id, NEW.institution_id,
                                    NULL,
                                    f || jsonb_build_object('party', f->>'enterprise',
                                                            'reason', NEW.decline_reason));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER licenses_91_notify_proposed AFTER INSERT ON licenses
    FOR EACH ROW EXECUTE FUNCTION licenses_notify();

CREATE FUNCTION royalty_reports_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    l licenses;
BEGIN
    SELECT * INTO l FROM licenses WHERE id = NEW.license_id;
    PERFORM notify_organisation('royalty.reported', 'license', NEW.license_id, l.institution_id,
                                NULL,
                                license_notice_facts(NEW.license_id)
                                    || jsonb_build_object('party', (SELECT e.name FROM enterprises e
                                                                     WHERE e.id = l.enterprise_id),
                                                          'period', quarter_label(NEW.period_start),
                                                          'amount_fen', NEW.royalty_fen));
    RETURN NULL;
END
$$;
CREATE TRIGGER royalty_reports_90_notify AFTER INSERT ON royalty_reports
    FOR EACH ROW EXECUTE FUNCTION royalty_reports_notify();

-- The reports' deadline notices as of the service's day: due in 7 days, overdue by 1, 30, 60 or
-- 90 days (as the installments' of 0022).
CREATE FUNCTION notifications_scan_report_deadlines() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    today date := tp_today();
    r record;
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
            PERFORM notify_organisation('report.due_soon', 'license', r.id, NULL, r.enterprise_id,
                                        license_notice_facts(r.id)
                                            || jsonb_build_object('period',
                                                                  quarter_label(r.period_start),
                                                                  'date', r.due_on),
                                        format('report.due_soon:%s:%s', r.id, r.period_start));
        ELSIF r.days IS NOT NULL THEN
            PERFORM notify_organisation('report.overdue', 'license', r.id,
                                        CASE WHEN r.days = 90 THEN r.institution_id END,
                                        r.enterprise_id,
                                        license_notice_facts(r.id)
                                            || jsonb_build_object('period',
                                                                  quarter_label(r.period_start),
                                                                  'date', r.due_on,
                                                                  'days', r.days),
                                        format('report.overdue:%s:%s:%s', r.id, r.period_start,
                                               r.days));
        END IF;
    END LOOP;
END
$$;

ALTER FUNCTION notifications_scan_deadlines() RENAME TO notifications_scan_trial_and_money_deadlines;

CREATE FUNCTION notifications_scan_deadlines() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    made integer := notifications_scan_trial_and_money_deadlines();
    before integer;
BEGIN
    SELECT count(*) INTO before FROM notifications;
    PERFORM notifications_scan_report_deadlines();
    RETURN made + (SELECT count(*) FROM notifications) - before;
END
$$;
