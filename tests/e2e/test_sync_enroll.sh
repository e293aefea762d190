# Provisioning: clear words for an unknown, used or expired code and for a
# hub that cannot be reached; a kiosk that already holds responses is
# enrolled with them pending (they keep the unit they were recorded with,
# and are test ratings: acknowledged, never sent).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
rate 3 --seed 100   # before any enrollment: the configured demo unit

enroll() { "$CTL" provision --data "$DATA" --hub "$HUB_URL" --code "$1" > "$T/out" 2> "$T/err"; }

if enroll "ZZZZ-ZZZZ-ZZZZ"; then fail "an unknown code enrolled"; fi
expect_in "$T/err" "unknown enrollment code"
code=$(new_code)
hub_sql "$HUB_DB" "UPDATE enroll_codes SET expires_at = 1"
if enroll "$code"; then fail "an expired code enrolled"; fi
expect_in "$T/err" "expired"
code=$(new_code)
enroll "$code" || { cat "$T/err" >&2; fail "a fresh code was refused"; }
expect_in "$T/out" "enrolled      $UNIT"
# ... and they are tests, which never wait to be sent
expect_in "$T/out" "pending       0 responses to upload"
expect_in "$T/out" "test ratings  3 recorded before enrollment"
if enroll "$code"; then fail "a code enrolled twice"; fi
expect_in "$T/err" "used already"
# a typed code is forgiving: lower case
enroll "$(new_code | tr 'A-Z' 'a-z')" || { cat "$T/err" >&2; fail "lower-case code refused"; }

port=$HUB_PORT
hub_stop
if enroll "$(hub_sql "$HUB_DB" "SELECT 1")"; then fail "enrolled with no hub"; fi
expect_in "$T/err" "hub unreachable"
if "$CTL" provision --data "$DATA" --hub "$HUB_URL" --code X --pin nonsense 2> "$T/err"; then
  fail "a bad pin accepted"
fi
expect_in "$T/err" "--pin"

# the responses recorded before enrollment are tests: acknowledged, never
# sent, so the hub counts nothing
hub_start --port "$port"
sync_ok
expect_in "$T/sync.out" "not sent: 3 test ratings recorded before enrollment"
totals --groups unit --allow-empty --expect-responses 0
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM day_responses")" = 0 ] ||
  fail "test ratings reached the hub"
echo ok
