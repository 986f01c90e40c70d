#!/usr/bin/env bash
# Runs the debug daemon under valgrind's memcheck; `make valgrind` points the API tests here.
# A leak or memory error makes the daemon exit 99, which the tests see when they stop it.
# The freed-block queue is kept small (as the ASan quarantine is in test_hostile) so that the
# memory-growth test measures the daemon's allocations rather than valgrind's queue.
root=$(cd "$(dirname "$0")/.." && pwd)
exec valgrind --quiet --vgdb=no --freelist-vol=2000000 --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
  --suppressions="$root/tests/valgrind.supp" "$root/build/debug/techpool" "$@"
