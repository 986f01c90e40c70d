"""The cluster under faults: a steady mix of reads and idempotent payments through nginx while one
daemon is SIGKILLed, all are replaced one by one, and the PostgreSQL primary is stopped with an
immediate shutdown until its standby is promoted; then the proof, printed: every acknowledged
payment is in the database once, no 5xx outside the failover window, the window's length, a
change through one daemon seen at once through the others, the old primary back as a standby,
and a base backup with the WAL archive restored to the same state.

Run by tests/cluster/run.sh with the state directory of a running deploy/cluster/cluster.
"""
import collections
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

DIR = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIB = os.path.join(ROOT, "deploy", "cluster", "lib.sh")
PASSWORD = "techpool-demo-2026"  # the demo data's (deploy/run.sh)
FAILOVER_TARGET_S = 30
PAYERS = 3
READERS = 3

# one answer as a client saw it; status 0: the connection failed
Op = collections.namedtuple("Op", "start end kind status code retry_after")


def read_env():
    env = {}
    with open(os.path.join(DIR, "cluster.env")) as f:
        for line in f:
            name, _, value = line.strip().partition("=")
            env[name] = value.strip("'\"")
    return env


ENV = read_env()
NGINX_PORT = int(ENV["CLUSTER_URL"].rsplit(":", 1)[1])
DAEMON_PORTS = [int(p) for p in ENV["CLUSTER_DAEMON_PORTS"].split()]


def shell(script):
    """Runs bash with the cluster's functions (deploy/cluster/lib.sh) loaded; its stdout."""
    env = dict(os.environ, dir=DIR, CLUSTER_MONITOR_PORT=ENV["CLUSTER_MONITOR_PORT"])
    done = subprocess.run(["bash", "-c", f'set -euo pipefail; . "{LIB}"; {script}'], env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout.strip()


def sql(query, **values):
    """The rows of a query on the primary; values are psql variables (:'name' quotes one)."""
    args = ["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", ENV["TECHPOOL_DATABASE_URL"]]
    for name, value in values.items():
        args += ["-v", f"{name}={value}"]
    return subprocess.run(args, input=query, capture_output=True, text=True,
                          check=True).stdout.strip()


def call(method, path, token=None, body=None, headers=None, port=NGINX_PORT):
    """(status, parsed body or None); status 0 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = conn.getresponse()
        text = r.read()
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        return r.status, parsed, r.getheader("Retry-After")
    except (OSError, http.client.HTTPException):
        return 0, None, None
    finally:
        conn.close()


def wait_until(what, seconds, condition):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {seconds} s")
        time.sleep(0.1)


class Load:
    """Client threads: payers pay 1 fen under a new Idempotency-Key each, sent again under the
    same key on a 5xx, a broken connection or 409 idempotency_conflict until a 2xx; readers read
    the license and the public pool. Every answer is logged with its start and end."""

    def __init__(self, token, license_id, today):
        self.token = token
        self.license = license_id
        self.today = today
        self.ops = []  # Op
        self.acknowledged = []  # keys with a 2xx, and the payment id it named
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.errors = []
        self.threads = [threading.Thread(target=self.pay) for _ in range(PAYERS)]
        self.threads += [threading.Thread(target=self.read, args=(i,)) for i in range(READERS)]

    def log(self, start, kind, answer):
        status, body, retry_after = answer
        code = body.get("code", "") if isinstance(body, dict) else ""
        with self.lock:
            self.ops.append(Op(start, time.monotonic(), kind, status, code, retry_after))

    def pay(self):
        try:
            self.pay_on()
        except Exception as e:  # the check at the end names it
            self.errors.append(str(e))

    def pay_on(self):
        path = f"/api/v1/licenses/{self.license}/payments"
        while not self.stopping.is_set():
            key = str(uuid.uuid4())
            body = {"amount_fen": 1, "paid_on": self.today, "reference": key}
            while True:
                start = time.monotonic()
                answer = call("POST", path, self.token, body, {"Idempotency-Key": key})
                self.log(start, "pay", answer)
                status, reply, _ = answer
                if 200 <= status < 300:
                    with self.lock:
                        self.acknowledged.append((key, reply["id"]))
                    break
                code = reply.get("code") if isinstance(reply, dict) else None
                if status not in (0, 409) and status < 500 or \
                        status == 409 and code != "idempotency_conflict":
                    raise RuntimeError(f"payment refused: {status} {reply}")
                time.sleep(0.05)

    def read(self, i):
        paths = [f"/api/v1/licenses/{self.license}", "/api/v1/achievements?limit=5",
                 "/api/v1/achievements?province=SH&limit=5"]
        n = 0
        while not self.stopping.is_set():
            path = paths[(n + i) % len(paths)]
            n += 1
            start = time.monotonic()
            self.log(start, "read", call("GET", path, self.token if "licenses" in path else None))
            time.sleep(0.01)

    def count(self):
        with self.lock:
            return len(self.acknowledged)

    def progress(self, more):
        target = self.count() + more
        wait_until(f"{more} more acknowledged payments", 60, lambda: self.count() >= target)

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join()


results = []


def check(ok, what):
    results.append(ok)
    print(("ok   " if ok else "FAIL ") + what, flush=True)


def daemon_pid(i):
    with open(os.path.join(DIR, f"daemon-{i}.pid")) as f:
        return int(f.read())


def metric(port, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/metrics")
        for line in conn.getresponse().read().decode().splitlines():
            if line.startswith(name + " "):
                return int(line.split()[1])
    finally:
        conn.close()
    raise RuntimeError(f"no {name} in the /metrics of the daemon on port {port}")


def title_through(port, achievement):
    status, reply, _ = call("GET", f"/api/v1/achievements/{achievement}", port=port)
    return reply["title"] if status == 200 else None


def main():
    t_begin = time.monotonic()
    status, reply, _ = call("POST", "/api/v1/session",
                            body={"email": "admin@techpool.demo", "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"sign-in of the administrator: {status} {reply}")
    status, reply, _ = call("GET", "/api/v1/licenses?status=active&limit=100", reply["token"])
    chosen = max(reply["items"], key=lambda item: item["outstanding_fen"])
    license_id, institution = chosen["id"], chosen["institution_id"]
    email = sql("SELECT email FROM users WHERE institution_id = :'i' ORDER BY id LIMIT 1",
                i=institution)
    achievement = sql("SELECT id FROM achievements WHERE institution_id = :'i'"
                      " AND status = 'listed' ORDER BY id LIMIT 1", i=institution)
    today = sql("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")
    status, reply, _ = call("POST", "/api/v1/session", body={"email": email, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"sign-in of {email}: {status} {reply}")
    token = reply["token"]

    load = Load(token, license_id, today)
    load.start()
    try:
        load.progress(20)

        # 1. one daemon SIGKILLed; the cluster script starts it again
        victim = daemon_pid(1)
        os.kill(victim, signal.SIGKILL)
        wait_until("daemon 1 again", 60, lambda: daemon_pid(1) != victim and
                   call("GET", "/readyz", port=DAEMON_PORTS[0])[0] == 200)
        print(f"     daemon 1 SIGKILLed and back", flush=True)
        load.progress(20)

        # 2. every daemon replaced, one at a time
        t0 = time.monotonic()
        print("     " + shell(f'"{ROOT}/deploy/cluster/rolling-restart" "$dir"').replace(
            "\n", "\n     "), flush=True)
        print(f"     rolling restart: {time.monotonic() - t0:.1f} s", flush=True)
        load.progress(20)

        # 3. the primary stopped dead; the standby promoted; the old primary back as a standby
        failover_from = time.monotonic()
        shell("pg_autoctl_stop node1 --immediate")
        stopped = time.monotonic()  # the old primary is gone: no write it takes counts now
        wait_until("the promotion of node2", 60, lambda: "node2:wait_primary" in shell("formation"))

        # the window ends with the first payment that the new primary acknowledged
        def first_write_after_stop():
            with load.lock:
                return min((op.end for op in load.ops if op.kind == "pay" and
                            op.start > stopped and 200 <= op.status < 300), default=None)

        wait_until("a payment acknowledged by the new primary", 60,
                   lambda: first_write_after_stop() is not None)
        failover_to = first_write_after_stop()
        print(f"     formation after the stop: {shell('formation')}", flush=True)
        load.progress(20)
        rejoin_from = time.monotonic()
        shell("run_keeper node1")
        shell('wait_for "the old primary as a standby" 90 '
              'formation_is "node1:secondary node2:primary"')
        rejoin_s = time.monotonic() - rejoin_from
        load.progress(20)
    finally:
        load.stop()
        for error in load.errors:
            print(f"     a payer stopped: {error}", flush=True)

    # the failover window: from the stop to the first payment acknowledged after it; a request
    # begun after that has no excuse for a 5xx
    failures = [op for op in load.ops if op.status == 0 or op.status >= 500]
    in_failover = [op for op in failures if op.end >= failover_from and op.start < failover_to]
    outside = [op for op in failures if op not in in_failover]
    window = failover_to - failover_from
    kinds = collections.Counter((op.kind, op.status, op.code) for op in in_failover)
    print(f"     requests: {len(load.ops)}, acknowledged payments: {load.count()}", flush=True)
    print(f"     in the failover window: {sorted(kinds.items())}", flush=True)
    check(not load.errors, f"every payment was taken ({load.errors[:3]})")
    # 409 idempotency_conflict: a payment sent again (by nginx or the client) while its daemon's
    # database session, whose daemon was killed, still held the key; the next try replays it
    in_flight = [op for op in load.ops if op.status == 409 and op.code == "idempotency_conflict"]
    odd = [op for op in load.ops
           if 0 < op.status < 500 and not 200 <= op.status < 300 and op not in in_flight]
    check(not odd, f"every other answer is a 2xx ({len(odd)} not: {odd[:5]};"
                   f" {len(in_flight)} payments met their first try still in flight)")
    check(not outside, f"no 5xx or broken connection outside the failover window "
                       f"({len(outside)}: {outside[:5]})")
    check(all(op.status == 503 and op.code == "unavailable" and op.retry_after
              for op in in_failover),
          "every failure in the failover window is 503 unavailable with Retry-After")
    check(window < FAILOVER_TARGET_S, f"failover window {window:.1f} s (target under "
                                      f"{FAILOVER_TARGET_S} s)")

    keys = [k for k, _ in load.acknowledged]
    rows = sql("SELECT p.reference || ' ' || p.id || ' ' || count(*) OVER (PARTITION BY reference)"
               " FROM payments p WHERE p.license_id = :'license'"
               " AND p.reference = ANY (string_to_array(:'keys', ' '))",
               license=license_id, keys=" ".join(keys)).splitlines()
    found = {}
    for row in rows:
        ref, pid, n = row.split()
        found[ref] = (int(pid), int(n))
    wrong = [(k, pid, found.get(k)) for k, pid in load.acknowledged
             if found.get(k) != (pid, 1)]
    check(not wrong, f"every acknowledged payment ({len(keys)}) is in the database exactly once"
                     f" ({len(wrong)} not: {wrong[:5]})")
    doubled = sql("SELECT count(*) FROM (SELECT reference FROM payments WHERE license_id ="
                  " :'license' GROUP BY reference HAVING count(*) > 1) d", license=license_id)
    check(doubled == "0", f"no payment recorded twice under one key ({doubled})")

    # the reply caches, after the failover: every daemon's change feed listening on the new
    # primary, the detail read twice through every daemon (the second from its cache), then
    # changed through one
    wait_until("every change feed listening", 10,
               lambda: all(metric(p, "techpool_change_feed_listening") == 1 for p in DAEMON_PORTS))
    hits = [metric(p, "techpool_reply_cache_hits_total") for p in DAEMON_PORTS]
    for port in DAEMON_PORTS:
        title_through(port, achievement)
        title_through(port, achievement)
    kept = all(metric(p, "techpool_reply_cache_hits_total") > h for p, h in zip(DAEMON_PORTS, hits))
    check(kept, "every daemon listens to the new primary and answered the second read from its"
                " cache")
    title = f"集群标题 {uuid.uuid4().hex[:8]}"
    status, _, _ = call("PATCH", f"/api/v1/achievements/{achievement}", token, {"title": title},
                        port=DAEMON_PORTS[0])
    changed_at = time.monotonic()
    # Each daemon empties its cache when its LISTEN connection hears the change: milliseconds
    # after the commit, a race that a reader sending right after the reply can win by a hair
    # (and cannot tell from having read just before the change).
    wait_until("the new title through every daemon", 1,
               lambda: all(title_through(p, achievement) == title for p in DAEMON_PORTS[1:]))
    check(status == 200, f"a change through daemon 1 is seen through the others within"
                         f" {1000 * (time.monotonic() - changed_at):.0f} ms (bound 1 s)")

    check(shell("formation") == "node1:secondary node2:primary",
          f"the old primary rejoined as a standby in {rejoin_s:.1f} s ({shell('formation')})")
    node1_port = ENV["CLUSTER_NODE_PORTS"].split()[0]
    in_recovery = subprocess.run(
        ["psql", "-X", "-qAt", f"host=127.0.0.1 port={node1_port} user=postgres dbname=techpool",
         "-c", "SELECT pg_is_in_recovery()"], capture_output=True, text=True).stdout.strip()
    sync = sql("SELECT current_setting('synchronous_standby_names') <> ''"
               " AND current_setting('synchronous_commit') = 'on'")
    check(in_recovery == "t" and sync == "t",
          f"node1 in recovery ({in_recovery}); the new primary commits synchronously ({sync})")
    restore_from = time.monotonic()
    try:
        out = shell(f'"{ROOT}/deploy/cluster/restore-check" "$dir"')
        restored = True
    except RuntimeError as e:
        out, restored = str(e), False
    check(restored, f"a base backup and the WAL archive restore the database as the primary has"
                    f" it, in {time.monotonic() - restore_from:.1f} s")
    print("     " + out.replace("\n", "\n     "), flush=True)
    print(f"     cluster test: {time.monotonic() - t_begin:.1f} s", flush=True)


try:
    main()
except Exception as e:  # a step that could not be done is one failure, named
    check(False, f"the run stopped: {e}")
passed = sum(1 for r in results if r)
print(f"cluster: {passed} passed, {len(results) - passed} failed")
sys.exit(0 if passed == len(results) else 1)
