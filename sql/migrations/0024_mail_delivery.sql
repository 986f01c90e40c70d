-- 0024_mail_delivery: the delivery thread's side of the e-mail outbox (0022).
--
-- A daemon claims due rows with FOR UPDATE SKIP LOCKED and leases them by moving
-- next_attempt_at past the time a delivery can take, so several daemons share one outbox and
-- no row is sent twice at once; a sent row is marked sent; a failed attempt is retried later,
-- each wait twice the last (1 minute, 2, 4, ... at most an hour), and a row still unsent 24 hours
-- after it was queued is marked failed.

-- Claims up to p_limit due rows for p_lease_seconds: the recipient, the notice, and its user's
-- language and role (which page the link opens), oldest first.
CREATE FUNCTION mail_claim(p_limit integer, p_lease_seconds integer)
RETURNS TABLE (id bigint, recipient text, title text, body text, subject_type text,
               subject_id bigint, language text, role text, attempts integer)
LANGUAGE sql AS $$
    WITH due AS (
        SELECT m.id FROM mail_outbox m
         WHERE m.status = 'queued' AND m.next_attempt_at <= now()
         ORDER BY m.next_attempt_at
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED
    ), leased AS (
        UPDATE mail_outbox m
           SET attempts = m.attempts + 1,
               next_attempt_at = now() + make_interval(secs => p_lease_seconds)
          FROM due WHERE m.id = due.id
        RETURNING m.id, m.recipient, m.notification_id, m.attempts
    )
    SELECT l.id, l.recipient, n.title, n.body, n.subject_type, n.subject_id, u.language, u.role,
           l.attempts
      FROM leased l
      JOIN notifications n ON n.id = l.notification_id
      JOIN users u ON u.id = n.user_id
     ORDER BY l.id
$$;

CREATE FUNCTION mail_sent(p_id bigint) RETURNS void
LANGUAGE sql AS $$
    UPDATE mail_outbox SET status = 'sent', sent_at = now(), last_error = NULL
     WHERE id = p_id AND status = 'queued'
$$;

-- After a failed attempt: retried after 2^(attempts - 1) minutes (an hour at most), or failed
-- for good once the row has waited 24 hours. Returns the row's status.
CREATE FUNCTION mail_attempt_failed(p_id bigint, p_error text) RETURNS text
LANGUAGE sql AS $$
    UPDATE mail_outbox
       SET last_error = left(p_error, 500),
           status = CASE WHEN created_at <= now() - interval '24 hours' THEN 'failed'
                         ELSE 'queued' END,
           next_attempt_at = now() + least(make_interval(mins => 1) * power(2, attempts - 1),
                                           interval '1 hour')
     WHERE id = p_id AND status = 'queued'
    RETURNING status
$$;

-- The outbox for /metrics: rows by status.
CREATE FUNCTION mail_outbox_counts(OUT queued bigint, OUT sent bigint, OUT failed bigint)
LANGUAGE sql STABLE AS $$
    SELECT count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'sent'),
           count(*) FILTER (WHERE status = 'failed')
      FROM mail_outbox
$$;
