-- 0013_service_clock: techpool.today may also be an RFC 3339 instant; the service's clock then
-- starts there when the real clock read techpool.clock_origin (seconds since 1970, set by the
-- daemon when it read its configuration) and runs on. Without an origin the clock stands at the
-- instant. A date keeps its meaning: that Asia/Shanghai day with the real time of day.
CREATE OR REPLACE FUNCTION tp_now() RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN current_setting('techpool.today', true) ~ '^\d{4}-\d{2}-\d{2}$'
        THEN (current_setting('techpool.today', true)::date
              + (now() AT TIME ZONE 'Asia/Shanghai')::time) AT TIME ZONE 'Asia/Shanghai'
        WHEN current_setting('techpool.today', true) ~ '^\d{4}-\d{2}-\d{2}[Tt ]'
        THEN current_setting('techpool.today', true)::timestamptz
             + (now() - to_timestamp(coalesce(
                   nullif(current_setting('techpool.clock_origin', true), '')::float8,
                   extract(epoch FROM now())::float8)))
        ELSE now()
    END
$$;
