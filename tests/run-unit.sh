#!/usr/bin/env bash
# Runs every cmocka binary in BUILD/tests; prints cmocka's output and one
# line "unit: N passed, M failed" for the totals. Exit 1 if any failed.
set -u
build=${1:-build}
passed=0 failed=0 bins=0
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  bins=$((bins + 1))
  # UNIT_RUNNER runs binaries of another architecture (qemu-aarch64-static).
  out=$(${UNIT_RUNNER:-} "$t" 2>&1); rc=$?
  printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED) |^\[  ERROR|Assertion|ERROR:|runtime error|AddressSanitizer' || true
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  passed=$((passed + ${p:-0}))
  if [ "$rc" != 0 ]; then
    failed=$((failed + ${f:-1}))
    echo "  ^ $(basename "$t") FAILED (exit $rc)"
    printf '%s\n' "$out" | tail -30
  fi
done
[ "$bins" -gt 0 ] || { echo "unit: no test binaries in $build/tests"; exit 1; }
echo "unit ($build): $passed passed, $failed failed"
[ "$failed" = 0 ]
