#!/usr/bin/env bash
# The unit tests, the end-to-end scripts and the crash test again, with
# every program's clock moved (libfaketime) to moments where the local day
# in Vietnam (UTC+7) is not the UTC day and a quarter, a year or a leap day
# turns. Time keeps running from each moment: the clock is offset, not
# frozen, and intervals, timeouts and sleeps keep their real length.
# The AddressSanitizer half and the browser tests are left to `make test`.
#   tests/run-anytime.sh [BUILD] [MOMENT...]   (moments as UTC, date -d form)
set -u
build=${1:-build}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$#" -gt 0 ]; then
  moments=("$@")
else
  moments=("2027-03-31 17:30:00" "2027-12-31 17:30:00" "2028-02-29 23:50:00")
fi

command -v faketime >/dev/null 2>&1 ||
  { echo "faketime not found (Debian package faketime: make deps-test)"; exit 1; }

export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy BUILD="$build"
passed=0 failed=0
failures=() summary=()

count() { # name exit-code
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}
count_unit() { # name log exit-code
  local p f
  p=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$2")
  f=$(sed -n 's/^unit ([^)]*): \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$2")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$3" != 0 ]; then failures+=("$1"); [ "${f:-0}" != 0 ] || failed=$((failed + 1)); fi
}
ulog=$(mktemp)
trap 'rm -f "$ulog"' EXIT

# faked OFFSET COMMAND...: runs COMMAND with every clock offset by OFFSET
# seconds, through faketime's wrapper with libfaketime's threaded build
# (the kiosk, the hub and sipasctl run threads). The offset form ("+Ns")
# keeps time running, the same in every process, so what one program
# writes makes sense to the next. The wrapper owns the state libfaketime
# shares between processes for as long as COMMAND runs: preloaded by hand,
# each process would make its own and remove it on exit, under a hub that
# a short-lived parent started. Monotonic clocks move by the same offset:
# with libfaketime 0.9.10 a real monotonic clock under a faked wall clock
# (FAKETIME_DONT_FAKE_MONOTONIC=1) makes absolute sleeps fail (Python's
# time.sleep: EINVAL), while an offset one keeps every interval, timeout
# and sleep as long as it really is.
faked() {
  local offset=$1; shift
  FAKETIME_DONT_FAKE_MONOTONIC=0 faketime -m -f "+${offset}s" "$@"
}

# run_at MOMENT: the suite with its clocks starting at MOMENT (UTC). This
# script's own bookkeeping (durations, the summary) keeps the real clock.
run_at() {
  local at=$1 target offset start p0=$passed f0=$failed t out
  target=$(date -u -d "$at" +%s) || { count "bad moment: $at" 1; return; }
  offset=$((target - $(date -u +%s)))
  start=$(date +%s)
  printf '\n== at %s UTC, %s in Vietnam (clock says %s)\n' "$at" \
    "$(TZ=Asia/Ho_Chi_Minh date -d "@$target" '+%F %R')" "$(faked "$offset" date -u '+%F %T UTC')"
  faked "$offset" tests/run-unit.sh "$build" | tee "$ulog"
  count_unit "unit@$at" "$ulog" "${PIPESTATUS[0]}"
  for t in tests/e2e/test_*.sh; do
    if out=$(faked "$offset" bash "$t" 2>&1); then
      printf 'ok    %s\n' "$(basename "$t")"; count "$t@$at" 0
    else
      printf 'FAIL  %s\n' "$(basename "$t")"; printf '%s\n' "$out" | tail -25 | sed 's/^/      /'
      count "$t@$at" 1
    fi
  done
  CRASH_RUNS=${CRASH_RUNS:-50} faked "$offset" tests/crash/crash.sh "$build"
  count "crash@$at" $?
  summary+=("$(printf '%s UTC: %d passed, %d failed, %d s' "$at" \
    $((passed - p0)) $((failed - f0)) $(( $(date +%s) - start )))")
}

for m in "${moments[@]}"; do run_at "$m"; done

echo
printf '%s\n' "${summary[@]}"
[ "$failed" = 0 ] || printf 'failed: %s\n' "${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
