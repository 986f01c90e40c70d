#!/usr/bin/env bash
# `make cluster-test`: a loopback cluster (deploy/cluster/cluster) under faults, checked by
# tests/cluster/cluster_test.py; ends with "cluster: N passed, M failed". Everything it started
# is stopped at the end, also on failure; the state directory is kept when the test failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/techpool-cluster-test.XXXXXX)
cluster_pid=

finish() {
  local rc=$?
  if [ -n "$cluster_pid" ]; then
    kill -TERM "$cluster_pid" 2>/dev/null
    wait "$cluster_pid" 2>/dev/null
  fi
  if [ "$rc" -eq 0 ]; then rm -rf "$dir"; else echo "cluster-test: state kept in $dir"; fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
"$root/deploy/cluster/cluster" "$dir" >"$dir/cluster.log" 2>&1 &
cluster_pid=$!
until [ -f "$dir/ready" ]; do
  if ! kill -0 "$cluster_pid" 2>/dev/null || [ $((SECONDS - started)) -ge 180 ]; then
    cat "$dir/cluster.log"
    echo "cluster: 0 passed, 1 failed"
    exit 1
  fi
  sleep 0.2
done
echo "cluster-test: cluster up in $((SECONDS - started)) s"
timeout 300 python3 "$root/tests/cluster/cluster_test.py" "$dir" \
  || { rc=$?; [ "$rc" -eq 124 ] && echo "cluster: 0 passed, 1 failed (over 300 s)"; exit "$rc"; }
