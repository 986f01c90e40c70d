-- 0011_expiry_sweep: one way to expire trials, and the batches of the daemon's expiry sweep
-- (src/db/expiry_sweep.c).
--
-- trials_expire_locked stores the expiry of trials that the caller has locked and found past
-- their end: status expired, closed at the end of the last day, an audit event each. The
-- sweeps differ only in which trials they lock, so trials_sweep_expired (0002, the whole pool)
-- and trials_sweep_expired_on (0006, one achievement, before its open-trial rules are checked)
-- are redefined on it with the rows and lock order they had.
--
-- trials_sweep_expired_batch expires at most p_limit trials, oldest end first, and skips rows
-- that a request holds locked (that request expires its achievement's trials itself). The
-- daemon calls it one transaction at a time until a batch comes back short, so a pool with
-- many trials past their end neither holds thousands of row locks at once nor waits behind a
-- request, and daemons sweeping together expire each trial once.

CREATE FUNCTION trials_expire_locked(p_ids bigint[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    expired_id bigint;
    n integer := 0;
BEGIN
    FOR expired_id IN
        UPDATE trials SET status = 'expired', closed_at = trial_expired_at(ends_on)
         WHERE id = ANY (p_ids)
        RETURNING id
    LOOP
        PERFORM audit_write(NULL, 'trial.expire', 'trial', expired_id,
                            '{"status": "active"}', '{"status": "expired"}');
        n := n + 1;
    END LOOP;
    RETURN n;
END
$$;

CREATE FUNCTION trials_sweep_expired_batch(p_limit integer) RETURNS integer
LANGUAGE sql AS $$
    SELECT trials_expire_locked(ARRAY(
        SELECT t.id FROM trials t
         WHERE t.status = 'active' AND t.ends_on < tp_today()
         ORDER BY t.ends_on, t.id
         LIMIT p_limit
           FOR UPDATE SKIP LOCKED))
$$;

CREATE OR REPLACE FUNCTION trials_sweep_expired() RETURNS integer
LANGUAGE sql AS $$
    SELECT trials_expire_locked(ARRAY(
        SELECT t.id FROM trials t
         WHERE t.status = 'active' AND t.ends_on < tp_today()
         ORDER BY t.id
           FOR UPDATE))
$$;

CREATE OR REPLACE FUNCTION trials_sweep_expired_on(p_achievement_id bigint) RETURNS integer
LANGUAGE sql AS $$
    SELECT trials_expire_locked(ARRAY(
        SELECT s.id FROM trials s
         WHERE s.achievement_id = p_achievement_id AND s.status = 'active'
           AND s.ends_on < tp_today()
         ORDER BY s.id
           FOR UPDATE))
$$;
