# Uploads that arrive late, twice, a hundred times or in reverse order
# leave the hub's totals exact: each carries full per-day snapshots and the
# hub keeps the newest one per (kiosk, day).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start --rate-limit 0 # the replays below are more than a kiosk's minute
proxy_start http --plan "$T/plan"
provision "$PROXY_URL"

# Three local days, several uploads per day (batches of 2).
for k in 2 1 0; do
  SIPAS_CLOCK_OFFSET_S=$((-86400 * k)) SIPAS_CLOCK_SYNCED=1 rate 5 --seed $((30 + k)) --quick-every 4
done

# ---- the kiosk's uploads never reach the hub (the proxy acknowledges them
# itself) ...
plan '{"/api/v1/ingest": ["fake-ack","fake-ack","fake-ack","fake-ack","fake-ack","fake-ack","fake-ack","fake-ack"]}'
sync_ok --batch 2
n=$(grep -c '"fake-ack"' "$T/proxy.log")
[ "$n" -ge 7 ] || fail "expected at least 7 uploads, saw $n"
python3 - "$HUB_URL" "$TOKEN" <<'PY' || fail "the hub already has counts"
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/v1/stats?from=2020-01-01&to=2030-01-01&group=unit",
                             headers={"Authorization": "Bearer " + sys.argv[2]})
assert json.load(urllib.request.urlopen(req))["groups"] == []
PY
# ... and then arrive in reverse order: the newest snapshot of each day
# comes first, the older ones change nothing.
python3 "$SYNC_LIB/replay.py" --log "$T/proxy.log" --hub "$HUB_URL" --action fake-ack --reverse > /dev/null ||
  fail "reverse replay refused"
totals --hub-db "$HUB_DB"

# ---- one upload sent a hundred times, then everything again, shuffled
rate 3 --seed 40
plan '{}'
sync_ok
python3 "$SYNC_LIB/replay.py" --log "$T/proxy.log" --hub "$HUB_URL" --action forward --last --times 100 \
  > "$T/replay.out" || fail "replay refused"
expect_in "$T/replay.out" "replayed 100 uploads"
python3 "$SYNC_LIB/replay.py" --log "$T/proxy.log" --hub "$HUB_URL" --shuffle 7 > /dev/null ||
  fail "shuffled replay refused"
totals --hub-db "$HUB_DB"
# the kiosk itself has nothing left to send, and says so
sync_ok
expect_in "$T/sync.out" "nothing pending"
echo ok
