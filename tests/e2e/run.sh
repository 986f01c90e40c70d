#!/usr/bin/env bash
# Browser tests: a real daemon on a fresh database of the throwaway cluster, driven by
# playwright-core in Debian's Chromium. Usage: tests/e2e/run.sh PG_CONNINFO WORK_DIR
# (PG_CONNINFO names the cluster's postgres database; tests/run-all.sh passes both).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
pg=$1
work=$2
cd "$root/tests/e2e"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

psql "$pg" -qc "DROP DATABASE IF EXISTS t_e2e WITH (FORCE)" -c "CREATE DATABASE t_e2e" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
       || echo $((30000 + RANDOM % 20000)))
admin="e2e-admin@techpool.test:e2e-admin-password-2026"
log="$work/logs/e2e-daemon.log"
TECHPOOL_DATABASE_URL="${pg/dbname=postgres/dbname=t_e2e}" \
TECHPOOL_LISTEN="127.0.0.1:$port" \
TECHPOOL_STATIC_DIR="$root/static" \
TECHPOOL_MIGRATIONS_DIR="$root/sql/migrations" \
TECHPOOL_BOOTSTRAP_ADMIN="$admin" \
  "$root/build/release/techpool" serve 2>"$log" &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 $daemon 2>/dev/null || { tail -20 "$log"; exit 1; }
  sleep 0.1
done

TECHPOOL_E2E_URL="http://127.0.0.1:$port" TECHPOOL_E2E_ADMIN="$admin" \
  node --test --test-concurrency=1 --test-reporter=tap modules.test.mjs journeys.test.mjs import.test.mjs
