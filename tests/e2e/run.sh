#!/usr/bin/env bash
# Browser tests: a real daemon on a fresh database of the throwaway cluster, driven by
# playwright-core in Debian's Chromium. Usage: tests/e2e/run.sh PG_CONNINFO WORK_DIR
# (PG_CONNINFO names the cluster's postgres database; tests/run-all.sh passes both).
# A second daemon on the same database lives 130 days later (TECHPOOL_TODAY, no expiry sweep of
# its own): there a license signed today has a quarter that has ended, for the royalty journeys.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pg=$1
work=$2
cd "$root/tests/e2e"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

psql "$pg" -qc "DROP DATABASE IF EXISTS t_e2e WITH (FORCE)" -c "CREATE DATABASE t_e2e" >/dev/null
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((30000 + RANDOM % 20000))
}
port=$(free_port)
later_port=$(free_port)
while [ "$later_port" = "$port" ]; do later_port=$(free_port); done
later_today=$(TZ=Asia/Shanghai date -d '+130 days' +%F)
admin="e2e-admin@techpool.test:e2e-admin-password-2026"
log="$work/logs/e2e-daemon.log"
later_log="$work/logs/e2e-daemon-later.log"
daemons=()
trap 'for d in "${daemons[@]}"; do kill -TERM "$d" 2>/dev/null || true; done' EXIT

# serve PORT LOG [VAR=value...]: a daemon on the e2e database; waits until it is ready
serve() {
  local p=$1 l=$2
  shift 2
  env TECHPOOL_DATABASE_URL="${pg/dbname=postgres/dbname=t_e2e}" \
      TECHPOOL_LISTEN="127.0.0.1:$p" \
      TECHPOOL_STATIC_DIR="$root/static" \
      TECHPOOL_MIGRATIONS_DIR="$root/sql/migrations" \
      "$@" "$root/build/release/techpool" serve 2>"$l" &
  local pid=$!
  daemons+=("$pid")
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { tail -20 "$l"; exit 1; }
    sleep 0.1
  done
  echo "daemon on port $p not ready" >&2
  exit 1
}
serve "$port" "$log" TECHPOOL_BOOTSTRAP_ADMIN="$admin"
serve "$later_port" "$later_log" TECHPOOL_TODAY="$later_today" TECHPOOL_SWEEP_MINUTES=0

TECHPOOL_E2E_URL="http://127.0.0.1:$port" TECHPOOL_E2E_ADMIN="$admin" \
TECHPOOL_E2E_LATER_URL="http://127.0.0.1:$later_port" \
  node --test --test-concurrency=1 --test-reporter=tap modules.test.mjs journeys.test.mjs import.test.mjs \
    $(ls *.test.mjs | grep -vx 'modules.test.mjs\|journeys.test.mjs\|import.test.mjs')
