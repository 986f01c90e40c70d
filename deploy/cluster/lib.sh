# shellcheck shell=bash
# Shell functions of the loopback cluster, sourced by deploy/cluster/cluster, rolling-restart and
# tests/cluster/run.sh with $dir set to the cluster's state directory.

# pg_auto_failover keeps its settings and state under the XDG directories: inside $dir.
as_pg() {
  local env=(env "XDG_CONFIG_HOME=$dir/pg/config" "XDG_DATA_HOME=$dir/pg/share"
             "XDG_RUNTIME_DIR=$dir/pg/run")
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "${env[@]}" "$@"
  else
    "${env[@]}" "$@"
  fi
}

# N loopback ports that no socket holds now, all different (the kernel's picks).
free_ports() {
  python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))' "$1"
}

# Starts the pg_auto_failover service of a node (monitor, node1, node2) in the background.
run_keeper() {
  as_pg pg_autoctl run --pgdata "$dir/pg/$1" >>"$dir/pg/$1.log" 2>&1 &
}

# Stops the service of a node and its PostgreSQL (mode: --fast or --immediate) and waits until
# it is gone.
pg_autoctl_stop() {
  local node=$1 mode=${2:---fast}
  as_pg pg_autoctl stop --pgdata "$dir/pg/$node" "$mode" >/dev/null 2>&1 || return 0
  for _ in $(seq 1 300); do
    as_pg pg_autoctl status --pgdata "$dir/pg/$node" >/dev/null 2>&1 || return 0
    sleep 0.1
  done
  echo "cluster: the $node service did not stop" >&2
  return 1
}

monitor_sql() {
  psql -X -qAt "host=127.0.0.1 port=${CLUSTER_MONITOR_PORT} user=postgres dbname=pg_auto_failover" \
    -c "$1"
}

# The formation as "node1:STATE node2:STATE", a node still moving between states as "moving".
formation() {
  monitor_sql "SELECT string_agg(nodename || ':' || CASE WHEN reportedstate = goalstate
                 THEN reportedstate::text ELSE 'moving' END, ' ' ORDER BY nodename)
                 FROM pgautofailover.node" 2>/dev/null
}

formation_is() {
  [ "$(formation)" = "$1" ]
}

# The daemon (or nginx) on a loopback port answers /readyz with 200.
ready() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz" 2>/dev/null
}

# Polls a condition (a command) every 0.1 s for at most SECONDS; fails naming what it awaited.
wait_for() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "cluster: $what not there after ${seconds}s" >&2
      return 1
    fi
    sleep 0.1
  done
}

# One server line of nginx's upstream: a daemon that fails once is left alone for 2 s.
upstream_line() {
  echo "server 127.0.0.1:$1 max_fails=1 fail_timeout=2s${2:+ $2};"
}

monitor_ready() {
  monitor_sql "SELECT 1" >/dev/null 2>&1
}
