#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory of its own: used by `make run` (persistent,
# under var/) and by the tests (throwaway). Never touches a system cluster.
#
#   deploy/pg.sh start DIR [--throwaway]   init if needed, start, create database techpool;
#                                          prints the libpq connection string
#   deploy/pg.sh stop DIR                  stop by PID (fast shutdown)
#   deploy/pg.sh url DIR                   print the connection string of a started cluster
#
# As root the cluster runs as the postgres user (PostgreSQL refuses root); otherwise as you.
# Local connections over the socket directory (DIR/socket, mode 0700) are trusted; the loopback
# port accepts only password (scram) logins, and the superuser has a random password.
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR [--throwaway]" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() {
  echo "host=$dir/socket port=$(cat "$dir/port") dbname=techpool user=postgres"
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

init_cluster() {
  local throwaway=$1
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg.sh: the postgres user is missing (install postgresql-15)" >&2; exit 1; }
    chown postgres "$dir"
    # the postgres user must be able to reach DIR through its parents
    local p=$dir
    while [ "$p" != "/" ]; do
      p=$(dirname "$p")
      [ -x "$p" ] && runuser -u postgres -- test -x "$p" || chmod o+x "$p"
    done
  fi
  local pwfile
  pwfile=$(mktemp)
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$pwfile"
  chmod 644 "$pwfile"
  as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pwfile" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -f "$pwfile"; exit 1; }
  rm -f "$pwfile"
  as_owner mkdir -p "$dir/socket"
  as_owner chmod 700 "$dir/socket"
  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$dir/socket'"
    echo "max_connections = 200"
    echo "shared_buffers = 256MB"
    echo "logging_collector = off"
    if [ "$throwaway" = yes ]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_owner tee -a "$dir/data/postgresql.conf" >/dev/null
}

start() {
  local throwaway=no
  [ "${3:-}" = "--throwaway" ] && throwaway=yes
  [ -f "$dir/data/PG_VERSION" ] || init_cluster "$throwaway"
  if [ -f "$dir/data/postmaster.pid" ] && kill -0 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null; then
    url
    return
  fi
  local port
  port=$(cat "$dir/port" 2>/dev/null || echo $((20000 + RANDOM % 12000)))
  for _ in 1 2 3 4 5 6 7 8; do
    port_free "$port" && break
    port=$((20000 + RANDOM % 12000))
  done
  echo "$port" > "$dir/port"
  as_owner "$PGBIN/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/data/server.log" -w -t 60 start >/dev/null \
    || { tail -20 "$dir/data/server.log" >&2; exit 1; }
  as_owner "$PGBIN/psql" -h "$dir/socket" -p "$port" -U postgres -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = 'techpool'" | grep -q 1 \
    || as_owner "$PGBIN/createdb" -h "$dir/socket" -p "$port" -U postgres techpool
  url
}

stop() {
  local pidfile=$dir/data/postmaster.pid
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(head -1 "$pidfile")
  kill -INT "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -QUIT "$pid" 2>/dev/null || true
}

case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url DIR [--throwaway]" >&2; exit 2 ;;
esac
