#!/usr/bin/env bash
# Runs tests/sql/schema_test.sql (the database's own guards of the invariants) on a freshly
# migrated database of the throwaway cluster. Usage: tests/sql/run.sh PG_CONNINFO (postgres db).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pg=$1
psql "$pg" -qc "DROP DATABASE IF EXISTS t_schema WITH (FORCE)" -c "CREATE DATABASE t_schema" >/dev/null
db=${pg/dbname=postgres/dbname=t_schema}
TECHPOOL_DATABASE_URL="$db" TECHPOOL_MIGRATIONS_DIR="$root/sql/migrations" \
  "$root/build/release/techpool" migrate
psql "$db" -X -v ON_ERROR_STOP=1 -f "$root/tests/sql/schema_test.sql" | tee /dev/stderr | grep -q '^schema_test: ok'
