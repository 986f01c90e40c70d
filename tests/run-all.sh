#!/usr/bin/env bash
# Runs every test: the format check, the schema checks, unit and API suites in the release and
# the ASan+UBSan builds against one throwaway PostgreSQL cluster, then the browser tests and the
# cluster under faults (tests/cluster); ends with one summary line.
set -uo pipefail

# Usage: tests/run-all.sh [--kinds "release asan"]   (other kinds run only the C suites)
root=$(cd "$(dirname "$0")/.." && pwd)
kinds="release asan"
full=yes
if [ "${1:-}" = "--kinds" ]; then
  kinds=$2
  full=no
fi
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d /tmp/techpool-check.XXXXXX)
chmod 755 "$work"
passed=0
failed=0
failures=()

cleanup() {
  deploy/pg.sh stop "$work/pg" >/dev/null 2>&1 || true
  if [ "${KEEP_TEST_DIR:-}" = "" ] && [ "$failed" -eq 0 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

# Check prints "NN%: Checks: N, Failures: F, Errors: E" per suite; count those.
count_check_output() {
  local log=$1 name=$2 rc=$3
  local line
  line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    failures+=("$name (no result, exit $rc)")
    return
  fi
  local checks fails errors
  checks=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
  fails=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
  errors=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
  passed=$((passed + checks - fails - errors))
  failed=$((failed + fails + errors))
  if [ $((fails + errors)) -gt 0 ] || [ "$rc" -ne 0 ]; then
    [ $((fails + errors)) -eq 0 ] && failed=$((failed + 1))
    failures+=("$name")
    grep -E ':[EF]:' "$log" | head -20
  fi
}

run_suite() {
  local bin=$1 kind=$2
  local name="$kind/$(basename "$bin")"
  local log="$work/logs/$kind-$(basename "$bin").out"
  echo "== $name"
  TECHPOOL_TEST_LOGS="$work/logs/$kind" "$bin" >"$log" 2>&1
  local rc=$?
  grep -E '^[0-9]+%: Checks' "$log" || true
  count_check_output "$log" "$name" "$rc"
  if grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error:' "$log"; then
    failed=$((failed + 1))
    failures+=("$name (sanitizer report)")
    grep -A5 'ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error:' "$log" | head -30
  fi
}

echo "== building ($kinds)"
for kind in $kinds; do
  make -s -j"$jobs" BUILD="$kind" tests || { echo "check: 0 passed, 1 failed"; exit 1; }
done

for kind in $kinds; do mkdir -p "$work/logs/$kind"; done
chmod -R 777 "$work/logs"
pg_url=$(deploy/pg.sh start "$work/pg" --throwaway) || { echo "0 passed, 1 failed"; exit 1; }
export TECHPOOL_TEST_PG=${pg_url/dbname=techpool/dbname=postgres}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}

if [ "$full" = yes ]; then
  echo "== format (.clang-format)"
  if make -s format-check >"$work/logs/format.out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("format (make format rewrites the files)")
    head -40 "$work/logs/format.out"
  fi
  echo "== sql/schema_test"
  if tests/sql/run.sh "$TECHPOOL_TEST_PG" >"$work/logs/schema.out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("sql/schema_test"); tail -20 "$work/logs/schema.out"
  fi
  echo "== sql/schema.sql"
  if tests/sql/dump-schema.sh --check "$TECHPOOL_TEST_PG" >"$work/logs/schema-dump.out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); failures+=("sql/schema.sql (differs from the migrations: make schema)")
    head -80 "$work/logs/schema-dump.out"
  fi
fi

for kind in $kinds; do
  for bin in build/$kind/tests/unit/test_* build/$kind/tests/api/test_*; do
    [ -x "$bin" ] && [ "${bin%.d}" = "$bin" ] && [ "${bin%.o}" = "$bin" ] || continue
    if [ -n "${TEST:-}" ] && [[ "$bin" != *"$TEST"* ]]; then continue; fi
    run_suite "$bin" "$kind"
  done
done

# the suites that record and compare calendar days, once a minute before and once a minute
# after Asia/Shanghai midnight (16:00 UTC, where a UTC date and the service's day part)
for time in 23:59:00 00:01:00; do
  for bin in build/release/tests/api/test_trials build/release/tests/api/test_licenses; do
    [ -x "$bin" ] && [[ " $kinds " == *" release "* ]] || continue
    if [ -n "${TEST:-}" ] && [[ "$bin" != *"$TEST"* ]]; then continue; fi
    mkdir -p "$work/logs/release-$time"
    TECHPOOL_TEST_TIME=$time run_suite "$bin" "release-$time"
  done
done

if [ "$full" = yes ]; then
echo "== fuzz (briefly: every harness a few seconds)"
if make -s -j"$jobs" BUILD=fuzz CC=clang fuzz-build >"$work/logs/fuzz-build.out" 2>&1; then
  tests/fuzz/run.sh build/fuzz "${FUZZ_SECONDS:-3}" >"$work/logs/fuzz.out" 2>&1
  cat "$work/logs/fuzz.out" | grep -E '^fuzz'
  fuzz_line=$(grep -E '^fuzz: [0-9]+ passed' "$work/logs/fuzz.out" | tail -1)
  fp=$(echo "$fuzz_line" | sed -E 's/fuzz: ([0-9]+) passed.*/\1/')
  ff=$(echo "$fuzz_line" | sed -E 's/.*, ([0-9]+) failed/\1/')
  passed=$((passed + ${fp:-0})); failed=$((failed + ${ff:-1}))
  [ "${ff:-1}" -gt 0 ] && failures+=("fuzz")
else
  tail -20 "$work/logs/fuzz-build.out"
  failed=$((failed + 1)); failures+=("fuzz build")
fi
fi

# daemon logs: a sanitizer report in any daemon fails the run even if its test passed
for log in "$work"/logs/*/*.log; do
  [ -f "$log" ] || continue
  if grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error:' "$log"; then
    failed=$((failed + 1))
    failures+=("daemon $(basename "$log") (sanitizer report)")
    grep -A8 'ERROR: \(AddressSanitizer\|LeakSanitizer\)\|runtime error:' "$log" | head -20
  fi
done

if [ "$full" = yes ] && [ -z "${TEST:-}" ]; then
  echo "== e2e"
  if tests/e2e/run.sh "$TECHPOOL_TEST_PG" "$work" >"$work/logs/e2e.out" 2>&1; then :; fi
  tail -30 "$work/logs/e2e.out"
  e2e_pass=$(grep -E '^# pass [0-9]+' "$work/logs/e2e.out" | awk '{print $3}' | tail -1)
  e2e_fail=$(grep -E '^# fail [0-9]+' "$work/logs/e2e.out" | awk '{print $3}' | tail -1)
  if [ -z "$e2e_pass" ]; then
    failed=$((failed + 1)); failures+=("e2e (did not run)")
  else
    passed=$((passed + e2e_pass)); failed=$((failed + ${e2e_fail:-0}))
    [ "${e2e_fail:-0}" -gt 0 ] && failures+=("e2e")
  fi
fi

if [ "$full" = yes ] && [ -z "${TEST:-}" ]; then
  echo "== cluster"
  tests/cluster/run.sh >"$work/logs/cluster.out" 2>&1
  cat "$work/logs/cluster.out"
  cluster_line=$(grep -E '^cluster: [0-9]+ passed, [0-9]+ failed' "$work/logs/cluster.out" | tail -1)
  if [ -z "$cluster_line" ]; then
    failed=$((failed + 1)); failures+=("cluster (did not run)")
  else
    cp=$(echo "$cluster_line" | sed -E 's/cluster: ([0-9]+) passed.*/\1/')
    cf=$(echo "$cluster_line" | sed -E 's/.*, ([0-9]+) failed/\1/')
    passed=$((passed + cp)); failed=$((failed + cf))
    [ "$cf" -gt 0 ] && failures+=("cluster")
  fi
fi

if [ ${#failures[@]} -gt 0 ]; then
  echo "failed: ${failures[*]}"
  echo "logs kept in $work/logs"
fi
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
