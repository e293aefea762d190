# Script mode reports the failing step with file and line and exits 1.
. "$(dirname "$0")/lib.sh"
if kiosk_script "tap start
tap no-such-widget"; then fail "missing widget passed"; fi
grep -q "script:2: tap no-such-widget" "$T/stderr" || { cat "$T/stderr"; fail "step not named"; }
if kiosk_script "expect thanks"; then fail "wrong expect passed"; fi
grep -q "screen is 'idle'" "$T/stderr" || fail "expect message"
if kiosk_script "frobnicate"; then fail "unknown step passed"; fi
if kiosk_script "tap 5000 10"; then fail "tap outside passed"; fi
kiosk_ok "# a comment
tap 400 200   # the start button by position
expect field"
"$KIOSK" --window 12x12 2> "$T/err" && fail "bad --window accepted"
grep -q -- "--window" "$T/err" || fail "bad --window not explained"
"$KIOSK" --help | grep -q -- "--script" || fail "help"
echo ok
