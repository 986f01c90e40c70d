#!/usr/bin/env bash
# Runs every libFuzzer harness in BUILD_DIR for SECONDS each, starting from the seed corpus in
# tests/fuzz/corpus/<name> (new inputs go to a scratch copy, not into the repository). A crash
# leaves its input in the scratch folder and fails the run; turn it into a Check regression test.
# Prints "fuzz: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build/fuzz}
seconds=${2:-10}
scratch=$(mktemp -d /tmp/techpool-fuzz.XXXXXX)
passed=0
failed=0
for bin in "$root/$build"/tests/fuzz/fuzz_*; do
  case "$bin" in *.o|*.d) continue ;; esac
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  name=${name#fuzz_}
  mkdir -p "$scratch/$name/corpus" "$scratch/$name/crashes"
  cp -r "$root/tests/fuzz/corpus/$name/." "$scratch/$name/corpus/" 2>/dev/null || true
  if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
       -artifact_prefix="$scratch/$name/crashes/" "$scratch/$name/corpus" \
       >"$scratch/$name/log" 2>&1; then
    echo "fuzz $name: ok ($(grep -Eo 'stat::number_of_executed_units: [0-9]+' "$scratch/$name/log" | awk '{print $2}') runs)"
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED (input kept in $scratch/$name/crashes)"
    tail -30 "$scratch/$name/log"
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ] && rm -rf "$scratch"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
