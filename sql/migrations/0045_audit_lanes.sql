-- 0045_audit_lanes: the audit chain in 32 lanes, so that writers stop taking turns on one row.
--
-- Every state-changing transaction writes audit events, and each event carries the hash of the
-- one before it. Until now the chain was one line: a transaction locked its single head row
-- (audit_head) from its first event to its commit, so every write of the service waited for
-- the one before it to commit (about 1,100 audited commits a second on two cores, 230-357 with
-- a synchronous standby). Now the chain has 32 lanes, each a line of its own with its head row
-- in audit_lanes. A transaction takes the lowest lane no other transaction holds (SKIP LOCKED)
-- at its first event and keeps it to its commit, so its events stay consecutive in the lane and
-- the ids in a lane rise in the order the lane was written; writers wait only when 32 hold
-- every lane. With one writer at a time every event goes to lane 0, as the one line did.
--
-- An event's hash is computed as before; its lane is not hashed, but it cannot be changed
-- unseen: an event moved to another lane breaks the link of the event after it in its lane (or
-- its lane's head, when it was the last) and its own link in the other lane. audit_verify reads
-- the events in id order in one snapshot with the lane heads, keeping each lane's last hash;
-- the first event whose link or hash is wrong, or that lies beyond its lane's head, is where the
-- chain breaks; a lane whose head names an event that is not its last breaks at the head's id.
-- The events written before this migration are lane 0, which continues the one line.

CREATE TABLE audit_lanes (
    lane smallint NOT NULL,
    last_id bigint NOT NULL DEFAULT 0,
    last_hash bytea,
    CONSTRAINT audit_lanes_pkey PRIMARY KEY (lane),
    CONSTRAINT audit_lanes_lane_valid CHECK (lane >= 0 AND lane < 32)
);
INSERT INTO audit_lanes (lane, last_id, last_hash)
SELECT 0, last_id, last_hash FROM audit_head;
INSERT INTO audit_lanes (lane) SELECT n FROM generate_series(1, 31) AS n;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_lanes FROM PUBLIC;

ALTER TABLE audit_events
    ADD COLUMN lane smallint NOT NULL DEFAULT 0,
    ADD CONSTRAINT audit_events_lane_valid CHECK (lane >= 0 AND lane < 32);

-- Links the new event to the last of its transaction's lane, taking a lane at the first event.
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    taken audit_lanes;
BEGIN
    IF coalesce(current_setting('techpool.audit_chain_id', true), '') = '' THEN
        SELECT * INTO taken FROM audit_lanes ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN
            SELECT * INTO taken FROM audit_lanes WHERE lane = pg_backend_pid() % 32 FOR UPDATE;
        END IF;
        NEW.lane := taken.lane;
        NEW.prev_hash := taken.last_hash;
    ELSE
        NEW.lane := current_setting('techpool.audit_lane')::smallint;
        NEW.prev_hash := decode(current_setting('techpool.audit_chain_hash'), 'hex');
    END IF;
    NEW.id := nextval('audit_events_id_seq');
    NEW.at := tp_now();
    NEW.hash := audit_event_hash(NEW.prev_hash, NEW.id, NEW.at, NEW.actor_id, NEW.action,
                                 NEW.entity, NEW.entity_id, NEW.before, NEW.after);
    PERFORM set_config('techpool.audit_chain_id', NEW.id::text, true),
            set_config('techpool.audit_chain_hash', encode(NEW.hash, 'hex'), true),
            set_config('techpool.audit_lane', NEW.lane::text, true);
    RETURN NEW;
END
$$;

-- After each statement that wrote events: the transaction's lane ends at its last event.
CREATE OR REPLACE FUNCTION audit_events_head_write() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('techpool.audit_chain_id', true), '') <> '' THEN
        UPDATE audit_lanes
           SET last_id = current_setting('techpool.audit_chain_id')::bigint,
               last_hash = decode(current_setting('techpool.audit_chain_hash'), 'hex')
         WHERE lane = current_setting('techpool.audit_lane')::smallint
           AND last_id IS DISTINCT FROM current_setting('techpool.audit_chain_id')::bigint;
    END IF;
    RETURN NULL;
END
$$;

-- STABLE: the lane heads and the events are read in the snapshot of the calling statement.
CREATE OR REPLACE FUNCTION audit_verify()
RETURNS TABLE(ok boolean, first_bad_id bigint, checked bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    head_id bigint[] := array_fill(0::bigint, ARRAY[32], ARRAY[0]);
    head_hash bytea[] := array_fill(NULL::bytea, ARRAY[32], ARRAY[0]);
    seen_id bigint[] := array_fill(0::bigint, ARRAY[32], ARRAY[0]);
    seen_hash bytea[] := array_fill(NULL::bytea, ARRAY[32], ARRAY[0]);
    l audit_lanes;
    e audit_events;
BEGIN
    FOR l IN SELECT * FROM audit_lanes LOOP
        head_id[l.lane] := l.last_id;
        head_hash[l.lane] := l.last_hash;
    END LOOP;
    ok := true;
    checked := 0;
    FOR e IN SELECT * FROM audit_events ORDER BY id LOOP
        IF e.id > head_id[e.lane] OR e.prev_hash IS DISTINCT FROM seen_hash[e.lane]
           OR e.hash IS DISTINCT FROM audit_event_hash(e.prev_hash, e.id, e.at, e.actor_id,
                                       e.action, e.entity, e.entity_id, e.before, e.after) THEN
            ok := false;
            first_bad_id := e.id;
            EXIT;
        END IF;
        seen_id[e.lane] := e.id;
        seen_hash[e.lane] := e.hash;
        checked := checked + 1;
    END LOOP;
    -- a lane whose head names an event that is not the last one read (events gone from its end)
    SELECT least(first_bad_id, min(head_id[n])) INTO first_bad_id
      FROM generate_series(0, 31) AS n
     WHERE seen_id[n] <> head_id[n] OR seen_hash[n] IS DISTINCT FROM head_hash[n];
    ok := first_bad_id IS NULL;
    RETURN NEXT;
END
$$;

DROP TABLE audit_head;
