#!/usr/bin/env bash
# Runs every cmocka binary in BUILD/tests; prints cmocka's output and one
# line "unit: N passed, M failed" for the totals. Exit 1 if any failed.
set -u
build=${1:-build}
passed=0 failed=0 bins=0
# Binaries run TEST_JOBS at a time (default: processors + 1; each is one
# process, some wait on sockets or sleeps), their outputs reported in order.
. "$(dirname "$0")/pool.sh"
outs=$(mktemp -d)
trap 'rm -rf "$outs"' EXIT
list=()
# UNIT_SKIP: binaries left out (names, space-separated).
for t in "$build"/tests/test_*; do
  case " ${UNIT_SKIP:-} " in *" $(basename "$t") "*) continue ;; esac
  [ -x "$t" ] && list+=("$t")
done
# UNIT_RUNNER runs binaries of another architecture (qemu-aarch64-static).
export UNIT_RUNNER="${UNIT_RUNNER:-}" outs
[ "${#list[@]}" = 0 ] || printf '%s\n' "${list[@]}" |
  xargs -P "$(pool_jobs)" -I{} sh -c '$UNIT_RUNNER "$1" > "$outs/$(basename "$1").out" 2>&1; echo $? > "$outs/$(basename "$1").rc"' sh {}
for t in ${list[@]+"${list[@]}"}; do
  bins=$((bins + 1))
  out=$(cat "$outs/$(basename "$t").out"); rc=$(cat "$outs/$(basename "$t").rc")
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
