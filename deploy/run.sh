#!/usr/bin/env bash
# `make run`: a private PostgreSQL under var/ (unless TECHPOOL_DATABASE_URL is set), migrations,
# demo data loaded once, and the daemon in the foreground on http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=build/release/techpool
own_cluster=no

if [ -z "${TECHPOOL_DATABASE_URL:-}" ]; then
  own_cluster=yes
  TECHPOOL_DATABASE_URL=$(deploy/pg.sh start "$root/var/pg")
  export TECHPOOL_DATABASE_URL
  echo "PostgreSQL: private cluster in var/pg ($TECHPOOL_DATABASE_URL)"
fi
export TECHPOOL_LISTEN=${TECHPOOL_LISTEN:-127.0.0.1:8080}
export TECHPOOL_STATIC_DIR=${TECHPOOL_STATIC_DIR:-$root/static}
export TECHPOOL_MIGRATIONS_DIR=${TECHPOOL_MIGRATIONS_DIR:-$root/sql/migrations}

stop_cluster() {
  if [ "$own_cluster" = yes ]; then
    deploy/pg.sh stop "$root/var/pg" || true
    echo "PostgreSQL stopped; the data stays in var/pg"
  fi
}
trap stop_cluster EXIT

"$bin" migrate
"$bin" seed-demo   # loads nothing when the pool already has data

cat <<MSG

  techpool is starting on http://$TECHPOOL_LISTEN   (Ctrl-C stops it)

  Demo accounts (demo data only; every password is techpool-demo-2026):
    admin@techpool.demo            administrator of the whole delta
    admin.sh@techpool.demo         province administrator, Shanghai (also .js .zj .ah)
    tto@sjtu.demo                  institution staff (see README for more)
    engineer@xinxin-chip.demo      enterprise staff

MSG
"$bin" serve &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null || true' INT TERM
wait $daemon || true
wait $daemon 2>/dev/null || true
