-- 0009_change_feed: every change of what anonymous visitors of the pool see — an achievement
-- (any column: its status decides whether it is listed) or an institution (its name is in every
-- achievement's reply) — notifies the channel techpool_pool when its transaction commits. The
-- daemon LISTENs on it (src/db/change_feed.c) and drops the replies it kept for anonymous
-- readers, whether the change came through this daemon, another one, or plain SQL.
--
-- Statement-level triggers: one notification per statement, and PostgreSQL folds identical
-- notifications of one transaction into one. TRUNCATE counts too.

CREATE FUNCTION pool_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('techpool_pool', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER achievements_90_pool_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON achievements
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();

CREATE TRIGGER institutions_90_pool_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON institutions
    FOR EACH STATEMENT EXECUTE FUNCTION pool_changed();
