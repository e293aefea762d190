# Shared by the end-to-end tests: a fresh data directory per test, the
# kiosk under SDL's dummy driver, and queries over `sipasctl export`.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
KIOSK="$BUILD/sipas-kiosk"
SYNCD="$BUILD/sipas-sync"
CTL="$BUILD/sipasctl"
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
T=$(mktemp -d)
# sipas-sync processes a test started (syncd_start); stopped at exit.
SYNCD_PIDS=()
syncd_cleanup() {
  local p
  for p in "${SYNCD_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${SYNCD_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  SYNCD_PIDS=()
}
trap 'syncd_cleanup; rm -rf "$T"' EXIT
DATA="$T/var"

fail() { echo "FAIL: $*" >&2; exit 1; }

# vn_date [date ARGS...]: date(1) in Vietnam's time (UTC+7), where the
# kiosk's days begin: "today" is `vn_date +%F`, whatever the machine's TZ
# and whatever UTC day it is.
vn_date() { TZ=Asia/Ho_Chi_Minh date "$@"; }

# A script runs in virtual time: one that takes minutes is stuck.
KIOSK_TIMEOUT=${KIOSK_TIMEOUT:-300}

# kiosk_script SCRIPT-TEXT [kiosk args...]: runs a script; events in
# $T/events, stderr in $T/stderr; returns the kiosk's exit code (124 when
# it was stopped after $KIOSK_TIMEOUT s).
kiosk_script() {
  local text=$1; shift
  printf '%s\n' "$text" > "$T/script"
  timeout "$KIOSK_TIMEOUT" "$KIOSK" --window 800x480 --data "$DATA" --script "$T/script" \
    --events "$T/events" "$@" 2> "$T/stderr"
}

# kiosk_feed_start [kiosk args...]: the kiosk in script mode, fed step by
# step through a FIFO on fd 3 (closing it ends the script); events in
# $T/events, stderr in $T/stderr, KPID the kiosk's own process id.
kiosk_feed_start() {
  mkfifo "$T/fifo"
  "$KIOSK" --window 800x480 --data "$DATA" --script "$T/fifo" --events "$T/events" \
    --screenshots "$T/shots" "$@" 2> "$T/stderr" &
  KPID=$!
  exec 3> "$T/fifo"
  KIOSK_MARK=0
}
# steps LINE...: sends script steps to that kiosk and waits until it ran
# them (a marker screenshot, $T/shots/mark-N.bmp, appears only after every
# earlier step), at most KIOSK_STEPS_S seconds (30).
steps() {
  local i n=$((${KIOSK_STEPS_S:-30} * 20))
  KIOSK_MARK=$((KIOSK_MARK + 1))
  printf '%s\n' "$@" "shot mark-$KIOSK_MARK.bmp" >&3
  for ((i = 0; i < n; i++)); do
    [ -e "$T/shots/mark-$KIOSK_MARK.bmp" ] && return 0
    kill -0 "$KPID" 2> /dev/null || { cat "$T/stderr" >&2; fail "the kiosk exited at: ${1%%$'\n'*}"; }
    sleep 0.05
  done
  fail "the kiosk did not run: ${1%%$'\n'*}"
}

# Same, but the script must pass.
kiosk_ok() {
  kiosk_script "$@" || { cat "$T/stderr" >&2; fail "script failed"; }
}

export_csv() { "$CTL" export --data "$DATA" --format csv > "$T/export.csv"; }

# q 'PYTHON-EXPR': evaluates over rows (list of dicts of the CSV export)
# and events (list of dicts of the event stream); prints the result.
q() {
  python3 - "$T/export.csv" "$T/events" "$1" <<'PY'
import csv, json, sys, os
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"))) if os.path.exists(sys.argv[1]) else []
events = [json.loads(l) for l in open(sys.argv[2])] if os.path.exists(sys.argv[2]) else []
print(eval(sys.argv[3]))
PY
}

# expect_eq 'PYTHON-EXPR' VALUE [what]
expect_eq() {
  local got; got=$(q "$1")
  [ "$got" = "$2" ] || fail "${3:-$1}: expected $2, got $got"
}

# syncd_start [sipas-sync args...]: the uploader beside the kiosk, on
# $DATA, as systemd runs it on the device; SYNCD_PID, stderr appended to
# $T/syncd.err. Waits until its wake-up socket is there, so the kiosk's
# first kick is heard.
syncd_start() {
  local i
  mkdir -p "$DATA"
  [ -x "$SYNCD" ] || fail "no $SYNCD (make $SYNCD)"
  rm -f "$DATA/sync.wake"
  "$SYNCD" --data "$DATA" "$@" 2>> "$T/syncd.err" &
  SYNCD_PID=$!
  SYNCD_PIDS+=("$SYNCD_PID")
  for ((i = 0; i < 100; i++)); do
    [ -S "$DATA/sync.wake" ] && return 0
    kill -0 "$SYNCD_PID" 2>/dev/null || { cat "$T/syncd.err" >&2; fail "sipas-sync did not start"; }
    sleep 0.05
  done
  cat "$T/syncd.err" >&2; fail "sipas-sync opened no wake-up socket"
}
# syncd_stop [SIGNAL]: stops the last one started (SIGTERM by default).
syncd_stop() {
  kill -"${1:-TERM}" "$SYNCD_PID" 2>/dev/null || true
  wait "$SYNCD_PID" 2>/dev/null || true
}

answers() { local i; for ((i = 0; i < $2; i++)); do echo "tap answer.$1"; done; }
