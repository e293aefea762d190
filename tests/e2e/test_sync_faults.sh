# Sync through a misbehaving network and hub (plain http on loopback, a
# fault proxy in python3 between kiosk and hub). After every fault the hub's
# totals equal the kiosk's export exactly: nothing lost, nothing counted
# twice.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
proxy_start http --plan "$T/plan" --hold-file "$T/hold"
provision "$PROXY_URL"
rate 6 --seed 11 --partial-every 4
sync_ok
totals

# ---- hub down, then up: one attempt fails clearly; a patient one succeeds
hub_stop
rate 3 --seed 12
sync_fails --timeout 0
expect_in "$T/sync.err" "connection to the hub failed"
expect_in "$T/sync.err" "3 still pending"
port=$HUB_PORT
sync_once --timeout 30 & bg=$!
sleep 0.5
hub_start --port "$port"
wait "$bg" || { cat "$T/sync.err" >&2; fail "sync did not get through once the hub was back"; }
expect_in "$T/sync.err" "retrying in"
totals

# ---- the same without the proxy between: connection refused
hub_stop
"$CTL" sync --data "$DATA" --timeout 0 > /dev/null 2> "$T/sync.err" && fail "no hub, but sync said done"
grep -q "pending" "$T/sync.err" || fail "no pending count in: $(cat "$T/sync.err")"
hub_start --port "$port"

# ---- the hub is SIGKILLed while an upload is half sent, then restarted
rate 4 --seed 13
plan '{"/api/v1/ingest": ["hold"]}'
rm -f "$T/hold"
sync_once --timeout 0 & bg=$!
for ((i = 0; i < 200; i++)); do [ -e "$T/hold" ] && break; sleep 0.02; done
[ -e "$T/hold" ] || fail "the upload never reached the proxy"
hub_kill9
rm -f "$T/hold"
if wait "$bg"; then fail "an upload to a killed hub counted as done"; fi
hub_start
sync_ok
totals

# ---- 503 with Retry-After, then 500: retried with backoff, the hub's
# wait honoured
rate 2 --seed 14
plan '{"/api/v1/ingest": ["status:503:1", "status:500"]}'
sync_ok --timeout 30
expect_in "$T/sync.err" "HTTP 503"
expect_in "$T/sync.err" "HTTP 500"
python3 - "$T/sync.err" <<'PY' || fail "Retry-After: 1 was not honoured"
import re, sys
waits = [float(w) for w in re.findall(r"retrying in ([0-9.]+) s", open(sys.argv[1]).read())]
assert len(waits) == 2 and waits[0] >= 1.0 and waits[1] <= 0.4, waits
PY
totals

# ---- answers that are not the hub's acknowledgement, and cut connections:
# each leaves the batch pending; the next attempt sends it again
rate 3 --seed 15
for fault in portal wrong-ack reset-request reset-response status:429:1 status:504; do
  plan "{\"/api/v1/ingest\": [\"$fault\"]}"
  sync_fails --timeout 0
  case $fault in
    portal) expect_in "$T/sync.err" "captive portal" ;;
    wrong-ack) expect_in "$T/sync.err" "names another upload" ;;
    status:429:1) expect_in "$T/sync.err" "HTTP 429" ;;
  esac
  expect_in "$T/sync.err" "3 still pending"
done
# reset-response: the hub stored the upload, the kiosk never heard; the
# retry must not count it twice
[ "$(requests /api/v1/ingest 200)" -ge 1 ] || fail "proxy log"
sync_ok
totals

# ---- the hub's disk is full: 503, retried, exact once there is room.
# SQLite's file only: on PostgreSQL the server owns its disk and
# --max-db-kb does not apply (docs/HUB.md).
if [ "$HUB_BACKEND" = sqlite ]; then
  hub_stop
  # No free pages left and the cap at the file's size: the next new rows
  # cannot be stored.
  sqlite3 "$HUB_DB" "VACUUM"
  kb=$(sqlite3 "$HUB_DB" "PRAGMA page_count; PRAGMA page_size" | paste -sd' ' |
    awk '{print int($1 * $2 / 1024)}')
  hub_start --max-db-kb "$kb"
  for k in 1 2 3 4 5 6; do # six earlier days: many new rows
    SIPAS_CLOCK_OFFSET_S=$((-86400 * k)) SIPAS_CLOCK_SYNCED=1 rate 3 --seed $((20 + k))
  done
  sync_fails --timeout 3
  expect_in "$T/sync.err" "HTTP 503"
  # the hub's Retry-After (minutes for a full disk) is what the kiosk waits
  expect_in "$T/sync.err" "next attempt in 300 s"
  hub_stop
  hub_start
  sync_ok
  totals
  "$CTL" status --data "$DATA" > "$T/status"
  expect_in "$T/status" "sync pending  0 responses"
fi

# ---- over this kiosk's quota at the hub: 429 quota-exceeded; the kiosk
# keeps its responses, waits as long as the hub says (not a tight loop)
# and tells the technician; once the quota allows, exact totals
hub_stop
hub_start --quota-rows-total 1
for k in 7 8; do # two days the hub holds nothing of: new rows
  SIPAS_CLOCK_OFFSET_S=$((-86400 * k)) SIPAS_CLOCK_SYNCED=1 rate 2 --seed $((30 + k))
done
sync_fails --timeout 3
expect_in "$T/sync.err" "over its quota (429: the hub holds its quota"
expect_in "$T/sync.err" "the responses stay on the kiosk"
expect_in "$T/sync.err" "next attempt in 3600 s"
[ "$(grep -c "quota-exceeded" "$HUB_LOG")" = 1 ] || fail "the kiosk asked again at once: $(cat "$HUB_LOG")"
"$CTL" status --data "$DATA" > "$T/status"
expect_in "$T/status" "over its quota"
expect_in "$T/status" "sync pending  4 responses"
hub_stop
hub_start
sync_ok
totals
echo ok
