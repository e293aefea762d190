#!/usr/bin/env bash
# The tests again with every program's clock moved (faketime) to moments
# where the local day in Vietnam (UTC+7) is not the UTC day and a quarter,
# a year or a leap day turns. Time keeps running from each moment: the
# clock is offset, not frozen, and intervals, timeouts and sleeps keep
# their real length.
#   - at every moment: the unit tests (but the layout sweep, which draws
#     and reads no clock) and the end-to-end scripts in CALENDAR below,
#     whose figures hang on the local day, month, quarter or year, or on a
#     certificate's dates;
#   - every other end-to-end script at one of the moments, in turn, and a
#     shorter crash test at the first.
# The AddressSanitizer half and the browser tests are left to `make test`.
#   tests/run-anytime.sh [BUILD] [MOMENT...]   (moments in UTC, date -d form)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
CALENDAR="test_c01 test_export test_export_clock test_full_rating
  test_hub_dossiers test_hub_method test_hub_national test_hub_privacy
  test_hub_provinces test_hub_stats test_hub_targets test_hub_tokens test_hub_tls
  test_report test_report_withheld test_sync_clock test_sync_replay
  test_sync_retention test_sync_tls"
CALENDAR=$(echo $CALENDAR)

# ---- inside one moment: run under faketime by the outer part below -----
# --inner BUILD INDEX COUNT: this is moment INDEX of COUNT.
if [ "${1:-}" = --inner ]; then
  build=$2 index=$3 moments=$4
  export BUILD="$build"
  . tests/pool.sh
  began=$(date +%s)
  pool_section "unit tests"
  pool_add_unit unit UNIT_SKIP=test_layout -- tests/run-unit.sh "$build"
  pool_section "end-to-end"
  for name in $CALENDAR; do
    [ -f "tests/e2e/$name.sh" ] || { echo "CALENDAR names $name: no tests/e2e/$name.sh"; exit 1; }
  done
  i=0
  while read -r t; do
    name=$(basename "$t" .sh)
    case " $CALENDAR " in
      *" $name "*) ;;
      *)
        # Not about dates: at one moment in turn, so that each runs once
        # at a moment where Vietnam's day is not UTC's.
        i=$((i + 1))
        [ $(( (i - 1) % moments )) = "$index" ] || continue
        # Several hub processes behind nginx on PostgreSQL: its dates are
        # fixed, not the clock's. Its servers keep the real clock
        # (pg_env.sh), which ended its hang, but under libfaketime one
        # upload in one run of three was still answered 502 by nginx, a
        # cause not yet found; it runs at the real time (make test).
        [ "$name" = test_hub_pg_concurrent ] && continue ;;
    esac
    pool_add "$name.sh" -- bash "$t"
  done < <(pool_order tests/e2e/test_*.sh)
  if [ "$index" = 0 ]; then
    pool_section "crash test"
    pool_add crash CRASH_RUNS="${CRASH_RUNS:-50}" -- tests/crash/crash.sh "$build"
  fi
  pool_run
  [ "$pool_failed" = 0 ] || printf 'failed: %s\n' "${pool_failures[*]}"
  echo "$pool_passed passed, $pool_failed failed"
  [ "$pool_failed" = 0 ]
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
index=-1
for at in "${moments[@]}"; do
  index=$((index + 1))
  target=$(date -u -d "$at" +%s) || { failed=$((failed + 1)); failures+=("bad moment: $at"); continue; }
  offset=$((target - $(date -u +%s)))
  start=$(date +%s)
  printf '\n== at %s UTC, %s in Vietnam\n' "$(date -u -d "@$target" '+%F %R')" \
    "$(TZ=Asia/Ho_Chi_Minh date -d "@$target" '+%F %R')"
  FAKETIME_DONT_FAKE_MONOTONIC=0 faketime -m -f "+${offset}s" \
    bash "$0" --inner "$build" "$index" "${#moments[@]}" | tee "$log"
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
