# Attack: a hub (or whatever answers at its address) sends terminal escape
# sequences, C1 controls and a right-to-left override in its
# error text, and a unit code with a quote and a newline. Nothing of it
# may reach a terminal, sync.db or the kiosk as sent: the text is made
# printable, and an enrollment naming a unit that is not a unit code is
# refused, with nothing saved.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

python3 "$SYNC_LIB/hostilehub.py" --plan "$T/plan" --port-file "$T/hub.port" \
  --log "$T/hub.log" 2> "$T/hub.err" &
SYNC_PIDS+=("$!")
for ((i = 0; i < 100; i++)); do [ -s "$T/hub.port" ] && break; sleep 0.05; done
[ -s "$T/hub.port" ] || { cat "$T/hub.err" >&2; fail "the hostile hub did not start"; }
URL="http://127.0.0.1:$(cat "$T/hub.port")"
CODE=7KQ2-M9TX-4HBD
SECRET=$(printf 'a%.0s' {1..64})
ESC=$'\033' BEL=$'\007' RLO=$'\u202e'
# hostile_plan STATUS BODY-JSON
hostile_plan() { printf '{"status": %s, "body": %s}\n' "$1" "$2" > "$T/plan"; }
# clean FILE...: valid UTF-8 without control bytes but newline (C0, DEL,
# C1) and without bidi overrides or isolates, raw or as JSON escapes.
clean() {
  local f
  for f in "$@"; do
    iconv -f UTF-8 -t UTF-8 "$f" > /dev/null 2>&1 || fail "$f is not UTF-8"
    if LC_ALL=C grep -naP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$f" >&2 ||
      grep -naiE '\\u00([01][0-9a-f]|7f|[89][0-9a-f])|\\u20(2[a-e]|6[6-9])' "$f" >&2; then
      fail "hub text reached $f as sent"
    fi
  done
}
kiosk_ok "tap start
tap field.khac
$(answers 4 6)" --config "$KIOSK_CONFIG"

# 1. A refusal whose message would retitle the terminal, clear it and
#    reverse the rest of the line.
hostile_plan 400 '{"error": "bad\u001b[31m", "message": "code \u001b]0;owned\u0007\u001b[2J\u202eesrever\u0085 done"}'
if "$CTL" provision --data "$DATA" --hub "$URL" --code "$CODE" > "$T/p1.out" 2> "$T/p1.err"; then
  fail "a refusal enrolled"
fi
clean "$T/p1.out" "$T/p1.err"
expect_in "$T/p1.err" "esrever"
expect_in "$T/p1.err" "done"

# 2. An enrollment whose unit code carries a quote and a newline: refused
#    with a clear message, nothing saved.
hostile_plan 200 "{\"ok\": true, \"install_id\": \"\$INSTALL_ID\", \"secret\": \"$SECRET\", \"unit\": {\"code\": \"XA\\\"MINH\\nTAN\", \"name\": \"x\"}}"
if "$CTL" provision --data "$DATA" --hub "$URL" --code "$CODE" > "$T/p2.out" 2> "$T/p2.err"; then
  fail "a unit code with a quote and a newline was accepted"
fi
clean "$T/p2.out" "$T/p2.err"
expect_in "$T/p2.err" "not a unit code"
expect_in "$T/p2.err" "nothing was saved"
"$CTL" status --data "$DATA" > "$T/s2.out" 2> "$T/s2.err" || true
expect_in "$T/s2.out" "not provisioned"

# 3. The same with a right-to-left override in the code.
hostile_plan 200 "{\"ok\": true, \"install_id\": \"\$INSTALL_ID\", \"secret\": \"$SECRET\", \"unit\": {\"code\": \"XA-\\u202eNATHNIM\", \"name\": \"x\"}}"
if "$CTL" provision --data "$DATA" --hub "$URL" --code "$CODE" > "$T/p3.out" 2> "$T/p3.err"; then
  fail "a unit code with a right-to-left override was accepted"
fi
clean "$T/p3.out" "$T/p3.err"
expect_in "$T/p3.err" "not a unit code"

# 4. A valid code with an escape in the unit's name: enrolled, the name
#    kept printable in sync.db, status and every later rating.
hostile_plan 200 "{\"ok\": true, \"install_id\": \"\$INSTALL_ID\", \"secret\": \"$SECRET\", \"unit\": {\"code\": \"XA-MINHTAN\", \"name\": \"UBND\\u001b[2J x\\u00e3 \\u2066Minh\\u2069\"}}"
"$CTL" provision --data "$DATA" --hub "$URL" --code "$CODE" > "$T/p4.out" 2> "$T/p4.err" ||
  { cat "$T/p4.err" >&2; fail "a valid enrollment was refused"; }
clean "$T/p4.out" "$T/p4.err"
[ "$(sqlite3 "$DATA/sync.db" 'SELECT unit_code FROM enrollment')" = XA-MINHTAN ] || fail "unit code"
sqlite3 "$DATA/sync.db" 'SELECT unit_name FROM enrollment' > "$T/name"
clean "$T/name"
expect_in "$T/name" "xã"

# 5. Uploads refused with hostile text: what sipasctl prints, what sync.db
#    keeps (the kiosk's admin screen shows it) and what status shows.
hostile_plan 400 '{"error": "\u001b[5mnope", "message": "\u001b[2J\u202eecnatpecca on\u0007"}'
if "$CTL" sync --data "$DATA" --once > "$T/y.out" 2> "$T/y.err"; then fail "a refused upload succeeded"; fi
clean "$T/y.out" "$T/y.err"
expect_in "$T/y.err" "ecnatpecca on"
"$CTL" status --data "$DATA" > "$T/s5.out" 2> "$T/s5.err" || true
"$CTL" status --data "$DATA" --json > "$T/s5.json" 2>> "$T/s5.err" || true
sqlite3 "$DATA/sync.db" 'SELECT last_error FROM progress' > "$T/last_error"
clean "$T/s5.out" "$T/s5.err" "$T/last_error"
expect_in "$T/last_error" "ecnatpecca on"
clean "$T/s5.json"
echo ok
