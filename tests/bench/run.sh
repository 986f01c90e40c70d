#!/usr/bin/env bash
# bench (`make bench`): loads a throwaway PostgreSQL cluster with the planned scale (100,000
# achievements, 1,000,000 trials), drives the daemon with wrk at 16, 64 and 256 connections, runs
# the baselines in the same run (pgbench on the endpoints' own SQL, nginx on the same static
# file, psql \copy of the export query, the list and detail endpoints written with Fastify and
# pg), imports 5,000 achievements from a CSV file (tests/bench/import.sh, which also runs alone
# against any daemon), and prints one table, the ratios, a line per target and
# "bench: N of M targets met".
# Results also go to tests/bench/out/ (report.json, results.jsonl).
#
#   BENCH_QUICK=1        10,000 achievements, 100,000 trials, 3-second runs (a few minutes)
#   BENCH_THREADS=N      daemon worker threads (TECHPOOL_THREADS; default 4: a thread waits
#                        for PostgreSQL on every request, so two per core keep both busy)
#   BENCH_DURATION=S     seconds per measured run (default 10, quick 3)
#   BENCH_CONNECTIONS    connection counts (default "16 64 256")
#   BENCH_PG_DIR         the throwaway cluster's directory (default /tmp/pg-bench; wiped)
#   BENCH_KEEP=1         leave the cluster running at the end (its URL is printed)
#
# Everything listens on 127.0.0.1 only; the daemon gets its own cluster, never another.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
BENCH=$ROOT/tests/bench
OUT=$BENCH/out
PG_DIR=${BENCH_PG_DIR:-/tmp/pg-bench}
THREADS=${BENCH_THREADS:-4}
CONNECTIONS=${BENCH_CONNECTIONS:-16 64 256}
WRK_THREADS=2
TIMEOUT_SECONDS=10
BENCH_PASSWORD=bench-password-2026
ADMIN_EMAIL=admin@bench.techpool.cn
INSTITUTIONS=400
ENTERPRISES=20000
BENCH_INSTITUTIONS=8
BENCH_ENTERPRISES=32
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  ACHIEVEMENTS=10000 TRIALS=100000 DURATION=${BENCH_DURATION:-3} WARMUP=1
else
  ACHIEVEMENTS=100000 TRIALS=1000000 DURATION=${BENCH_DURATION:-10} WARMUP=2
fi

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=tests/bench/cpu.sh
. "$BENCH/cpu.sh"

for tool in wrk nginx pgbench node npm curl psql; do
  command -v "$tool" >/dev/null || die "$tool is missing (make deps installs it)"
done
if [ -d "$PG_DIR" ] && [ ! -f "$PG_DIR/port" ] && [ -n "$(ls -A "$PG_DIR")" ]; then
  die "$PG_DIR is not a cluster of this benchmark: not wiping it (set BENCH_PG_DIR)"
fi

# ---------------------------------------------------------------------------------------------
# Processes of this run, stopped on exit by their ids

DAEMON_PID="" NGINX_PID="" FASTIFY_PID="" SAMPLER_PID="" CLUSTER_OURS=0
stop_pid() {
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$SAMPLER_PID"
  stop_pid "$FASTIFY_PID"
  stop_pid "$NGINX_PID"
  stop_pid "$DAEMON_PID"
  if [ "$CLUSTER_OURS" = 1 ] && [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "cluster left running: $(deploy/pg.sh url "$PG_DIR")"
  elif [ "$CLUSTER_OURS" = 1 ]; then
    deploy/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((30000 + RANDOM % 20000))
    port_free "$port" && { echo "$port"; return; }
  done
  die "no free port"
}
wait_http() {
  local url=$1
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  die "$url did not answer"
}
now() { date +%s.%N; }
elapsed() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.3f", end - start }'; }

# ---------------------------------------------------------------------------------------------
# Build, cluster, schema, data

rm -rf "$OUT"
mkdir -p "$OUT/static" "$OUT/nginx"
RESULTS=$OUT/results.jsonl
: > "$RESULTS"
# The phase the daemon's memory samples are labelled with, replaced whole: a file rewritten in
# place can be read empty by the sampler, and a sample taken beside the flood was once labelled
# "unknown" and counted against the daemon's memory target.
set_phase() {
  printf '%s\n' "$1" > "$OUT/phase.next" && mv "$OUT/phase.next" "$OUT/phase"
}
set_phase setup

say "building build/bench/techpool"
make -s -j2 OUT=build/bench BUILD=release build/bench/techpool
DAEMON=$ROOT/build/bench/techpool

# The migrations as they are now: the daemon checks them again when it starts, minutes later.
cp -r sql/migrations "$OUT/migrations"

deploy/pg.sh stop "$PG_DIR" >/dev/null 2>&1 || true
rm -rf "$PG_DIR"
CLUSTER_OURS=1
PG_URL=$(deploy/pg.sh start "$PG_DIR" --throwaway)
psql "$PG_URL" -XqAt -c "ALTER SYSTEM SET max_connections = 320" >/dev/null
deploy/pg.sh stop "$PG_DIR"
PG_URL=$(deploy/pg.sh start "$PG_DIR" --throwaway)
say "cluster: $PG_URL"

export TECHPOOL_DATABASE_URL=$PG_URL TECHPOOL_MIGRATIONS_DIR=$OUT/migrations
"$DAEMON" migrate > "$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "migration failed"; }
echo "$BENCH_PASSWORD" | "$DAEMON" admin create "$ADMIN_EMAIL" >> "$OUT/migrate.log" 2>&1 \
  || { cat "$OUT/migrate.log" >&2; die "could not create the bench admin"; }

say "seeding $ACHIEVEMENTS achievements and $TRIALS trials"
seed_start=$(now)
psql "$PG_URL" -Xq -v achievements="$ACHIEVEMENTS" -v trials="$TRIALS" \
  -v institutions="$INSTITUTIONS" -v enterprises="$ENTERPRISES" \
  -v bench_institutions="$BENCH_INSTITUTIONS" -v bench_enterprises="$BENCH_ENTERPRISES" \
  -v admin_email="$ADMIN_EMAIL" -f "$BENCH/seed.sql" > "$OUT/seed.log" 2>&1 \
  || { tail -20 "$OUT/seed.log" >&2; die "seeding failed (log: $OUT/seed.log)"; }
seed_seconds=$(elapsed "$seed_start")
counts=$(psql "$PG_URL" -XAt -F' ' -c "SELECT (SELECT count(*) FROM achievements),
  (SELECT count(*) FROM trials), (SELECT count(*) FROM licenses), (SELECT count(*) FROM payments)")
read -r n_achievements n_trials n_licenses n_payments <<< "$counts"
say "seeded in ${seed_seconds}s: $n_achievements achievements, $n_trials trials, $n_licenses licenses, $n_payments payments"
printf '{"kind":"seed","seconds":%s,"achievements":%s,"trials":%s,"licenses":%s,"payments":%s,"threads":%s,"duration":%s,"quick":%s}\n' \
  "$seed_seconds" "$n_achievements" "$n_trials" "$n_licenses" "$n_payments" "$THREADS" \
  "$DURATION" "${BENCH_QUICK:-0}" >> "$RESULTS"

# A 20 KB static file, the same for the daemon and nginx.
(set +o pipefail; yes '技术成果先用后付 techpool static benchmark file / 20 KB of text' \
  | head -c 20480 > "$OUT/static/bench-20k.txt")

# ---------------------------------------------------------------------------------------------
# The daemon, and its resident memory sampled five times a second, labelled by phase

DAEMON_PORT=$(free_port)
DAEMON_URL=http://127.0.0.1:$DAEMON_PORT
# Request log lines go nowhere: one per request would be gigabytes here; the cost of writing
# them is still paid.
# No expiry sweep: the seed leaves active trials past their end unswept on purpose (reads show
# them expired), and a catch-up sweep of them would run through the measured runs.
TECHPOOL_LISTEN=127.0.0.1:$DAEMON_PORT TECHPOOL_STATIC_DIR=$OUT/static TECHPOOL_SWEEP_MINUTES=0 \
  TECHPOOL_THREADS=$THREADS TECHPOOL_MAX_CONNECTIONS=1024 TECHPOOL_PER_IP_CONNECTIONS=1024 \
  "$DAEMON" serve 2>/dev/null &
DAEMON_PID=$!
wait_http "$DAEMON_URL/readyz"
say "daemon on $DAEMON_URL with $THREADS threads (pid $DAEMON_PID)"

sample_rss() {
  local phase key value _
  set +e
  while kill -0 "$DAEMON_PID" 2>/dev/null; do
    read -r phase < "$OUT/phase" || phase=unknown
    while read -r key value _; do
      if [ "$key" = VmRSS: ]; then
        printf '%s %s\n' "$phase" "$value"
      fi
    done < "/proc/$DAEMON_PID/status" || true
    sleep 0.2
  done >> "$OUT/rss.log"
}

login() {
  curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$BENCH_PASSWORD\"}" "$DAEMON_URL/api/v1/session" \
    | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p'
}

# Tokens for the write cycle: enterprises without trials, the institutions of the achievements.
say "signing in $BENCH_ENTERPRISES enterprise and $BENCH_INSTITUTIONS institution users"
{
  echo 'return {'
  echo '  enterprises = {'
  for n in $(seq 1 "$BENCH_ENTERPRISES"); do
    token=$(login "ent$n@bench.techpool.cn")
    [ -n "$token" ] || die "ent$n could not sign in"
    echo "    { id = $((ENTERPRISES + n)), token = \"$token\" },"
  done
  echo '  },'
  echo '  institutions = {'
  for i in $(seq 1 "$BENCH_INSTITUTIONS"); do
    token=$(login "inst$i@bench.techpool.cn")
    [ -n "$token" ] || die "inst$i could not sign in"
    echo "    \"$token\","
  done
  echo '  },'
  echo '  achievements = {'
  psql "$PG_URL" -XAt -F' ' -c "SELECT id, institution_id FROM achievements
      WHERE status = 'listed' AND NOT exclusive AND institution_id <= $BENCH_INSTITUTIONS
      ORDER BY id LIMIT 400" | while read -r id inst; do
    echo "    { id = $id, institution = $inst },"
  done
  echo '  },'
  echo '}'
} > "$OUT/write_data.lua"
# The same pairs for pgbench's run of the write cycle (sql/write.sql), numbered from 0.
psql "$PG_URL" -XqAt -v ON_ERROR_STOP=1 <<SQL
DROP TABLE IF EXISTS bench_write_pairs;
CREATE TABLE bench_write_pairs AS
SELECT row_number() OVER (ORDER BY a.id, e.n) - 1 AS n, eu.id AS enterprise_user,
       iu.id AS institution_user, a.id AS achievement_id
  FROM (SELECT id, institution_id FROM achievements
         WHERE status = 'listed' AND NOT exclusive AND institution_id <= $BENCH_INSTITUTIONS
         ORDER BY id LIMIT 400) AS a
  JOIN users iu ON iu.email = 'inst' || a.institution_id || '@bench.techpool.cn',
       generate_series(1, $BENCH_ENTERPRISES) AS e (n)
  JOIN users eu ON eu.email = 'ent' || e.n || '@bench.techpool.cn';
CREATE UNIQUE INDEX ON bench_write_pairs (n);
SQL
WRITE_PAIRS=$(psql "$PG_URL" -XAt -c "SELECT count(*) FROM bench_write_pairs")
ADMIN_TOKEN=$(login "$ADMIN_EMAIL")
[ -n "$ADMIN_TOKEN" ] || die "the admin could not sign in"
IMPORT_TOKEN=$(login "inst1@bench.techpool.cn")
[ -n "$IMPORT_TOKEN" ] || die "inst1 could not sign in for the import"
READER_TOKEN=$(login "ent1@bench.techpool.cn")
[ -n "$READER_TOKEN" ] || die "ent1 could not sign in for the read beside the flood"

# Sampling starts after the sign-ins: each argon2id check takes 64 MiB for a moment, by design.
set_phase idle
sample_rss 2> "$OUT/sampler.log" &
SAMPLER_PID=$!

# ---------------------------------------------------------------------------------------------
# Load

# The terms of the search-distinct run: 2,000 drawn from the seeded corpus (sql/terms.sql).
say "drawing the distinct search terms"
psql "$PG_URL" -XqAt -v ON_ERROR_STOP=1 -f "$BENCH/sql/terms.sql" > "$OUT/terms-by-kind.txt"
psql "$PG_URL" -XAt -c "SELECT term FROM bench_terms ORDER BY id" > "$OUT/terms.txt"
TERMS=$(wc -l < "$OUT/terms.txt")

export BENCH_LUA_DIR=$BENCH BENCH_RESULTS=$RESULTS BENCH_ACHIEVEMENTS=$n_achievements \
  BENCH_WRITE_DATA=$OUT/write_data.lua BENCH_WRITE_ERRORS=$OUT/write-errors.txt \
  BENCH_WRK_THREADS=$WRK_THREADS BENCH_TERMS=$OUT/terms.txt
LISTED=$(( n_achievements / 20 * 16 + (n_achievements % 20 > 3 ? n_achievements % 20 - 3 : 0) ))

# Closes the trials that the last write run left open (wrk stops mid-cycle) through the
# endpoints' own functions, as their enterprise, so that the next run finds every pair free.
# One transaction per trial, its row locked before its status is read: the daemon may still be
# finishing steps that were queued when wrk stopped.
close_open_trials() {
  sleep 0.5
  psql "$PG_URL" -XqAt -v ON_ERROR_STOP=1 > /dev/null <<SQL
SELECT format('SELECT count(CASE o.status WHEN %L THEN api_trial_cancel(o.actor, o.id)
                 WHEN %L THEN api_trial_return(o.actor, o.id, %L, NULL, NULL) END)
                 FROM (SELECT t.id, t.status, u.id AS actor
                         FROM trials t JOIN users u ON u.enterprise_id = t.enterprise_id
                        WHERE t.id = %s FOR UPDATE OF t) AS o',
              'requested', 'active', '基准测试轮次结束', t.id)
  FROM trials t
 WHERE t.enterprise_id > $ENTERPRISES AND t.status IN ('requested', 'active') \gexec
SQL
}

# wrk_warmup SERVER ENDPOINT SCRIPT URL: a short unrecorded run at 16 connections.
wrk_warmup() {
  local server=$1 endpoint=$2 script=$3 url=$4
  if [ "$endpoint" = write ]; then close_open_trials; fi
  set_phase "$server:$endpoint:warmup"
  BENCH_SERVER=$server BENCH_ENDPOINT=$endpoint BENCH_CONNECTIONS=16 BENCH_RESULTS=/dev/null \
    wrk -t "$WRK_THREADS" -c 16 -d "${WARMUP}s" -s "$BENCH/$script" "$url" >/dev/null
  set_phase idle
}

# The process behind each server, for cpu.sh.
server_pid() {
  case $1 in
    techpool) echo "$DAEMON_PID" ;;
    nginx) echo "$NGINX_PID" ;;
    fastify) echo "$FASTIFY_PID" ;;
  esac
}
postmaster_pid() {
  head -n 1 "$PG_DIR/data/postmaster.pid"
}

# wrk_run SERVER ENDPOINT SCRIPT URL CONNECTIONS [HEADER]: one measured run, and where its
# processor time went (not beside the flood, whose time is not the run's).
wrk_run() {
  local server=$1 endpoint=$2 script=$3 url=$4 c=$5 header=() before
  if [ -n "${6:-}" ]; then header=(-H "$6"); fi
  say "$server $endpoint at $c connections"
  if [ "$endpoint" = write ]; then close_open_trials; fi
  set_phase "$server:$endpoint:$c"
  before=$(cpu_sample "$(server_pid "$server")" "$(postmaster_pid)")
  BENCH_SERVER=$server BENCH_ENDPOINT=$endpoint BENCH_CONNECTIONS=$c \
    wrk -t "$WRK_THREADS" -c "$c" -d "${DURATION}s" --timeout "${TIMEOUT_SECONDS}s" \
    "${header[@]}" -s "$BENCH/$script" "$url" > "$OUT/wrk-$server-$endpoint-$c.txt"
  if [ "$endpoint" != read-under-flood ]; then
    cpu_record "$before" "$(cpu_sample "$(server_pid "$server")" "$(postmaster_pid)")" \
      "$server" "$endpoint" "$c" >> "$RESULTS"
  fi
  set_phase idle
  if [ "$server" = techpool ] && ! kill -0 "$DAEMON_PID" 2>/dev/null; then
    die "the daemon exited during $endpoint at $c connections"
  fi
  # the daemon's counters after each run (its log is not kept): what closed connections, say
  if [ "$server" = techpool ]; then
    curl -fsS "$DAEMON_URL/metrics" > "$OUT/metrics-$endpoint-$c.txt" || true
  fi
}

# pgbench_run ENDPOINT FILE CONNECTIONS [REQUESTS]: the endpoint's own statements, prepared;
# REQUESTS: how many of the daemon's requests one transaction of the file stands for (1).
pgbench_run() {
  local endpoint=$1 file=$2 c=$3 per=${4:-1} output tps processed failed before children
  say "pgbench $endpoint at $c connections"
  children=$(pg_children "$(postmaster_pid)")
  before=$(cpu_sample "" "$(postmaster_pid)")
  output=$(pgbench -n -M prepared -c "$c" -j "$WRK_THREADS" -T "$DURATION" \
    -D province=ZJ -D limit=20 -D q=芯片 -D listed="$LISTED" -D terms="$TERMS" \
    -D clients="$c" -D pairs="$WRITE_PAIRS" \
    -f "$BENCH/sql/$file" "$PG_URL" 2>&1) \
    || { echo "$output" >&2; die "pgbench $endpoint failed"; }
  pg_settle "$(postmaster_pid)" "$children"
  cpu_record "$before" "$(cpu_sample "" "$(postmaster_pid)")" pgbench "$endpoint" "$c" \
    >> "$RESULTS"
  echo "$output" > "$OUT/pgbench-$endpoint-$c.txt"
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<< "$output")
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<< "$output")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<< "$output")
  printf '{"kind":"sql","server":"pgbench","endpoint":"%s","connections":%d,"seconds":%s,"requests":%s,"rps":%s,"errors":%s}\n' \
    "$endpoint" "$c" "$DURATION" "$(( ${processed:-0} * per ))" \
    "$(awk -v t="${tps:-0}" -v p="$per" 'BEGIN { print t * p }')" "${failed:-0}" >> "$RESULTS"
}

# The baselines run beside the daemon (idle while they are not measured): nginx on the same
# file with as many workers as the daemon has threads, and the list and detail in Node.js.
NGINX_PORT=$(free_port)
NGINX_URL=http://127.0.0.1:$NGINX_PORT
sed -e "s|@PREFIX@|$OUT/nginx|g; s|@ROOT@|$OUT/static|g; s|@PORT@|$NGINX_PORT|g" \
    -e "s|@WORKERS@|$THREADS|g" "$BENCH/nginx.conf.template" > "$OUT/nginx/nginx.conf"
nginx -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" 2> "$OUT/nginx/stderr.log" &
NGINX_PID=$!
wait_http "$NGINX_URL/bench-20k.txt"

if [ ! -d "$BENCH/fastify/node_modules" ]; then
  say "installing the Fastify comparison's packages (npm ci)"
  (cd "$BENCH/fastify" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
FASTIFY_PORT=$(free_port)
FASTIFY_URL=http://127.0.0.1:$FASTIFY_PORT
PGHOST=$PG_DIR/socket PGPORT=$(cat "$PG_DIR/port") PGDATABASE=techpool PGUSER=postgres \
  BENCH_FASTIFY_PORT=$FASTIFY_PORT node "$BENCH/fastify/server.js" > "$OUT/fastify.log" 2>&1 &
FASTIFY_PID=$!
wait_http "$FASTIFY_URL/api/v1/achievements?limit=1"

# Each daemon run is followed at once by its baselines at the same connection count, so that a
# change in what else the machine does between runs touches both sides of a ratio alike.
# The list and the search run twice: "list" and "search" with Cache-Control: no-cache, which
# makes the daemon run their SQL every time (the comparison with the SQL and with Fastify), and
# "list-cached" and "search-cached" as any anonymous visitor asks, answered from the reply
# cache after the first time. The detail asks for random ids among all listed achievements,
# more than the cache holds: it mostly runs its SQL.
LIST=/api/v1/achievements?province=ZJ
SEARCH=/api/v1/achievements?q=%E8%8A%AF%E7%89%87
STATIC=/bench-20k.txt
FRESH="Cache-Control: no-cache"
wrk_warmup techpool list plain.lua "$DAEMON_URL$LIST"
wrk_warmup fastify list plain.lua "$FASTIFY_URL$LIST"
for c in $CONNECTIONS; do
  wrk_run techpool list plain.lua "$DAEMON_URL$LIST" "$c" "$FRESH"
  pgbench_run list list.sql "$c"
  wrk_run fastify list plain.lua "$FASTIFY_URL$LIST" "$c"
  wrk_run techpool list-cached plain.lua "$DAEMON_URL$LIST" "$c"
done
wrk_warmup techpool detail detail.lua "$DAEMON_URL"
wrk_warmup fastify detail detail.lua "$FASTIFY_URL"
for c in $CONNECTIONS; do
  wrk_run techpool detail detail.lua "$DAEMON_URL" "$c"
  pgbench_run detail detail.sql "$c"
  wrk_run fastify detail detail.lua "$FASTIFY_URL" "$c"
done
wrk_warmup techpool search plain.lua "$DAEMON_URL$SEARCH"
for c in $CONNECTIONS; do
  wrk_run techpool search plain.lua "$DAEMON_URL$SEARCH" "$c" "$FRESH"
  pgbench_run search search.sql "$c"
  wrk_run techpool search-cached plain.lua "$DAEMON_URL$SEARCH" "$c"
done
# search-distinct: a different term each request, each running its SQL, as visitors search.
wrk_warmup techpool search-distinct search_distinct.lua "$DAEMON_URL"
for c in $CONNECTIONS; do
  wrk_run techpool search-distinct search_distinct.lua "$DAEMON_URL" "$c"
  pgbench_run search-distinct search_distinct.sql "$c"
done
wrk_warmup techpool static plain.lua "$DAEMON_URL$STATIC"
wrk_warmup nginx static plain.lua "$NGINX_URL$STATIC"
for c in $CONNECTIONS; do
  wrk_run techpool static plain.lua "$DAEMON_URL$STATIC" "$c"
  wrk_run nginx static plain.lua "$NGINX_URL$STATIC" "$c"
done
wrk_warmup techpool write write.lua "$DAEMON_URL"
for c in $CONNECTIONS; do
  wrk_run techpool write write.lua "$DAEMON_URL" "$c"
  close_open_trials
  pgbench_run write write.sql "$c" 3
done
stop_pid "$NGINX_PID"
NGINX_PID=""
stop_pid "$FASTIFY_PID"
FASTIFY_PID=""

# ---------------------------------------------------------------------------------------------
# The CSV export of every trial: the daemon against psql \copy of the same query

say "export: psql \\copy"
# the admin's every trial; the id written out, so that the planner inlines the function as the
# daemon's cursor has it (an argument that is a sub-select would keep it from doing so)
admin_id=$(psql "$PG_URL" -XAt -c "SELECT id FROM users WHERE email = '$ADMIN_EMAIL'")
copy_start=$(now)
copied=$(psql "$PG_URL" -XAt -c "\\copy (SELECT * FROM export_trial_rows($admin_id, NULL, NULL, NULL)) TO '/dev/null' WITH (FORMAT csv, HEADER)")
copy_seconds=$(elapsed "$copy_start")
copy_rows=$(sed -n 's/^COPY \([0-9]*\)$/\1/p' <<< "$copied")
printf '{"kind":"copy","server":"psql","endpoint":"export","seconds":%s,"rows":%s}\n' \
  "$copy_seconds" "${copy_rows:-0}" >> "$RESULTS"

say "export: GET /api/v1/exports/trials.csv"
rss_before=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$DAEMON_PID/status")
set_phase export
lines=$(curl -sS -H "Authorization: Bearer $ADMIN_TOKEN" \
  -w '%{stderr}%{http_code} %{time_total} %{size_download}\n' \
  "$DAEMON_URL/api/v1/exports/trials.csv" 2> "$OUT/export-curl.txt" | wc -l)
sleep 0.3
set_phase idle
read -r export_status export_seconds export_bytes < <(tail -1 "$OUT/export-curl.txt")
printf '{"kind":"export","server":"techpool","endpoint":"export","status":%s,"seconds":%s,"bytes":%s,"lines":%s,"rss_before_kb":%s}\n' \
  "${export_status:-0}" "${export_seconds:-0}" "${export_bytes:-0}" "$lines" "$rss_before" >> "$RESULTS"

# ---------------------------------------------------------------------------------------------
# The statistics over the whole pool (1M trials at full size), each asked once as the admin:
# what provinces report upward is computed by the database in one pass over indexed data

say "statistics: every endpoint over the whole pool, and the annual report"
set_phase stats
year=$(date -u +%Y)
for endpoint in summary flows monthly fields regions returns; do
  read -r stats_status stats_seconds < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $ADMIN_TOKEN" "$DAEMON_URL/api/v1/stats/$endpoint")
  printf '{"kind":"stats","endpoint":"%s","status":%s,"seconds":%s}\n' \
    "$endpoint" "${stats_status:-0}" "${stats_seconds:-0}" >> "$RESULTS"
done
read -r stats_status stats_seconds < <(curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' \
  -H "Authorization: Bearer $ADMIN_TOKEN" \
  "$DAEMON_URL/api/v1/exports/annual-report.xlsx?year=$year")
printf '{"kind":"stats","endpoint":"annual-report","status":%s,"seconds":%s}\n' \
  "${stats_status:-0}" "${stats_seconds:-0}" >> "$RESULTS"
set_phase idle

# ---------------------------------------------------------------------------------------------
# Bulk import: 5,000 achievements in one CSV file, then the same file again (changes nothing)

say "import: POST /api/v1/achievements/import (5,000 rows, twice)"
set_phase import
"$BENCH/import.sh" "$DAEMON_URL" "$IMPORT_TOKEN" "$OUT" "$DAEMON_PID" >> "$RESULTS"
set_phase idle

# ---------------------------------------------------------------------------------------------
# A signed-in read beside a flood of sign-ups and failed sign-ins (64 connections), whose
# password hashes must not hold the read up; the flood's own replies are not results. Last, so
# that the memory argon2id takes during it (64 MiB a check) does not count against the others.
say "a signed-in read beside a sign-up and sign-in flood"
set_phase flood
BENCH_RESULTS=/dev/null BENCH_SERVER=techpool BENCH_ENDPOINT=flood BENCH_CONNECTIONS=64 \
  BENCH_FLOOD_EMAIL="$ADMIN_EMAIL" \
  wrk -t 1 -c 64 -d "$((DURATION + 2))s" --timeout "${TIMEOUT_SECONDS}s" -s "$BENCH/flood.lua" \
  "$DAEMON_URL" > "$OUT/wrk-flood.txt" &
FLOOD_PID=$!
wait_http "$DAEMON_URL/healthz"
wrk_run techpool read-under-flood plain.lua "$DAEMON_URL/api/v1/trials?limit=20" 4 \
  "Authorization: Bearer $READER_TOKEN"
set_phase flood
wait "$FLOOD_PID" || die "the flood's wrk failed"

stop_pid "$SAMPLER_PID"
SAMPLER_PID=""
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$DAEMON_PID/status")
printf '{"kind":"memory","server":"techpool","hwm_kb":%s}\n' "${hwm:-0}" >> "$RESULTS"

# ---------------------------------------------------------------------------------------------
# The table, the targets and the JSON

node "$BENCH/report.js" "$RESULTS" "$OUT/rss.log" "$OUT/write-errors.txt" "$OUT/report.json"
