#!/usr/bin/env bash
# The unit tests, the end-to-end scripts and a shorter crash test again,
# with every program's clock moved (faketime) to moments where the local
# day in Vietnam (UTC+7) is not the UTC day and a quarter, a year or a leap
# day turns. Time keeps running from each moment: the clock is offset, not
# frozen, and intervals, timeouts and sleeps keep their real length.
# The AddressSanitizer half and the browser tests are left to `make test`.
#   tests/run-anytime.sh [BUILD] [MOMENT...]   (moments in UTC, date -d form)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy

# ---- inside one moment: run under faketime by the outer part below -----
if [ "${1:-}" = --inner ]; then
  build=$2
  export BUILD="$build"
  passed=0 failed=0 failures=()
  count() { # name exit-code
    if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
  }
  ulog=$(mktemp)
  trap 'rm -f "$ulog"' EXIT
  tests/run-unit.sh "$build" | tee "$ulog"; rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$ulog")
  f=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$ulog")
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
  if [ "$rc" != 0 ]; then failures+=(unit); [ "${f:-0}" != 0 ] || failed=$((failed + 1)); fi
  for t in tests/e2e/test_*.sh; do
    # Several hub processes uploading at once on PostgreSQL: its dates are
    # fixed, not the clock's, and under libfaketime its uploads stop
    # being answered (a hang not yet understood), so it runs at the real
    # time only (make test).
    [ "$(basename "$t")" = test_hub_pg_concurrent.sh ] && continue
    if out=$(bash "$t" 2>&1); then
      printf 'ok    %s\n' "$(basename "$t")"; count "$t" 0
    else
      printf 'FAIL  %s\n' "$(basename "$t")"; printf '%s\n' "$out" | tail -25 | sed 's/^/      /'
      count "$t" 1
    fi
  done
  CRASH_RUNS=${CRASH_RUNS:-50} tests/crash/crash.sh "$build"; count crash $?
  [ "$failed" = 0 ] || printf 'failed: %s\n' "${failures[*]}"
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
  exit
fi

# ---- the moments --------------------------------------------------------
build=${1:-build}
shift || true
if [ "$#" -gt 0 ]; then
  moments=("$@")
else
  moments=("2027-03-31 17:30:00" "2027-12-31 17:30:00" "2028-02-29 23:50:00")
fi
command -v faketime >/dev/null 2>&1 ||
  { echo "faketime not found (Debian package faketime: make deps-test)"; exit 1; }

# One faketime per moment, around everything that moment runs: it uses
# libfaketime's threaded build (the kiosk, the hub and sipasctl run
# threads) and owns the state libfaketime shares between processes for as
# long as they run. (Preloaded by hand, each process makes its own and a
# hub started by a short-lived parent loses it.) The offset form ("+Ns")
# keeps time running, the same in every process, so what one program
# writes makes sense to the next. Monotonic clocks move by the same
# offset: with libfaketime 0.9.10 a real monotonic clock under a faked
# wall clock (FAKETIME_DONT_FAKE_MONOTONIC=1) makes absolute sleeps fail
# (Python's time.sleep: EINVAL); an offset one keeps every interval,
# timeout and sleep as long as it really is. This script's own
# bookkeeping (durations, the summary) keeps the real clock.
passed=0 failed=0 failures=() summary=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for at in "${moments[@]}"; do
  target=$(date -u -d "$at" +%s) || { failed=$((failed + 1)); failures+=("bad moment: $at"); continue; }
  offset=$((target - $(date -u +%s)))
  start=$(date +%s)
  printf '\n== at %s UTC, %s in Vietnam\n' "$(date -u -d "@$target" '+%F %R')" \
    "$(TZ=Asia/Ho_Chi_Minh date -d "@$target" '+%F %R')"
  FAKETIME_DONT_FAKE_MONOTONIC=0 faketime -m -f "+${offset}s" \
    bash "$0" --inner "$build" | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log" | tail -1)
  [ "$rc" = 0 ] || [ "${f:-0}" != 0 ] || f=1 # it stopped before its summary
  passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0}))
  [ "$rc" = 0 ] || failures+=("$at: $(sed -n 's/^failed: //p' "$log" | tail -1)")
  summary+=("$(printf '%s UTC: %d passed, %d failed, %d s' "$at" "${p:-0}" "${f:-0}" \
    $(( $(date +%s) - start )))")
done

echo
printf '%s\n' "${summary[@]}"
[ "$failed" = 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
