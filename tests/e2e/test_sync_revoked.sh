# A revoked kiosk: the hub answers 403, the kiosk says so plainly and
# uploads nothing more until it is provisioned with a new code; what it
# uploaded before stays at the hub. Enrolling again lifts it and the rest
# arrives exactly once.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
proxy_start http
provision "$PROXY_URL"
rate 5 --seed 60 --quick-every 3
sync_ok
totals
cp "$T/export.csv" "$T/before.csv"
install_id=$(sqlite3 "$DATA/sync.db" "SELECT install_id FROM enrollment")
"$HUB" kiosk revoke "$install_id" --db "$HUB_DB" 2> /dev/null || fail "revoke"

rate 3 --seed 61
sync_fails --timeout 10
expect_in "$T/sync.err" "revoked"
expect_in "$T/sync.err" "3 still pending"
# refused at once, not retried
[ "$(requests /api/v1/ingest 403)" = 1 ] || fail "the 403 was retried"
# a second run does not even ask the hub
before=$(wc -l < "$T/proxy.log")
sync_fails
expect_in "$T/sync.err" "revoked"
[ "$(wc -l < "$T/proxy.log")" = "$before" ] || fail "a revoked kiosk kept uploading"
"$CTL" status --data "$DATA" > "$T/status"
expect_in "$T/status" "sync STOPPED"
# the hub still holds what came before the revocation, exactly
python3 "$SYNC_LIB/check_totals.py" --export "$T/before.csv" --hub "$HUB_URL" --token "$TOKEN" \
  > /dev/null || fail "the hub lost data of the revoked kiosk"

# a new code lifts the revocation; the pending responses arrive once
provision "$PROXY_URL"
sync_ok
totals
echo ok
