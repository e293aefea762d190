# Script mode reports the failing step with file and line and exits 1.
. "$(dirname "$0")/lib.sh"
if kiosk_script "tap start
tap no-such-widget"; then fail "missing widget passed"; fi
grep -q "script:2: tap no-such-widget" "$T/stderr" || { cat "$T/stderr"; fail "step not named"; }
if kiosk_script "expect thanks"; then fail "wrong expect passed"; fi
grep -q "screen is 'idle'" "$T/stderr" || fail "expect message"
if kiosk_script "frobnicate"; then fail "unknown step passed"; fi
grep -q "script:1: unknown step 'frobnicate'" "$T/stderr" || { cat "$T/stderr"; fail "unknown step not named"; }
if kiosk_script "tap 5000 10"; then fail "tap outside passed"; fi
grep -q "script:1: tap: 5000 10 is outside the 800x480 screen" "$T/stderr" || { cat "$T/stderr"; fail "tap outside not explained"; }
# a failing step stops the run: nothing after it happens
if kiosk_script "tap start
expect idle
tap field.khac"; then fail "a failed expect let the run go on"; fi
expect_eq "[e['screen'] for e in events if e['event']=='screen'][-1]" "field" "screen after a failed step"
[ ! -e "$DATA/kiosk.db" ] || [ "$(sqlite3 "$DATA/kiosk.db" 'SELECT count(*) FROM responses')" = 0 ] ||
  fail "steps after a failure were run"
kiosk_ok "# a comment
tap 400 200   # the start button by position
expect field"
"$KIOSK" --window 12x12 2> "$T/err" && fail "bad --window accepted"
grep -q -- "--window" "$T/err" || fail "bad --window not explained"
"$KIOSK" --help > "$T/help"
grep -q -- "--script" "$T/help" || fail "help"
echo ok
