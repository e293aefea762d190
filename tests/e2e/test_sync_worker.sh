# The device's uploader (sipas-sync, beside the kiosk) at work while
# citizens rate in real time: the kiosk is provisioned while it runs and
# switches to the enrolled unit; every commit is uploaded soon after,
# through a hub that answers slowly; the screen keeps answering taps at
# once; exit is prompt even with an upload in flight, and stopping the
# uploader then loses nothing. At the end the hub's totals are exact.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
proxy_start http --plan "$T/plan"
# every upload takes 1.5 s to be answered
plan '{"/api/v1/ingest": ["delay:1500","delay:1500","delay:1500","delay:1500","delay:1500","delay:1500","delay:1500","delay:1500"]}'
echo '{"sync": {"interval_s": 1}, "misuse": {"burst_count": 0}}' > "$T/kiosk.json"
syncd_start --config "$T/kiosk.json"

# citizens N SEED: their steps, a little real time between taps
citizens() {
  python3 "$SYNC_LIB/ratings.py" "$1" --seed "$2" | sed 's/^tap /@sleep 0.03\ntap /'
}
check="\"$CTL\" export --data \"$DATA\" --format csv > \"$T/live.csv\" && python3"
check="$check \"$SYNC_LIB/check_totals.py\" --export \"$T/live.csv\" --hub \"$HUB_URL\" --token $TOKEN"
{
  echo "# before enrollment: the configured unit"
  citizens 1 80
  echo "@sh \"$CTL\" provision --data \"$DATA\" --hub \"$PROXY_URL\" --code $(new_code) > /dev/null"
  echo "@event enrolled 10"
  citizens 4 81
  echo "@until $check 30"
  echo "# one more: its upload is still on the way when the kiosk exits"
  citizens 1 82
  echo "@sleep 0.3"
} > "$T/steps"
python3 "$SYNC_LIB/drive.py" --steps "$T/steps" --max-latency-ms 300 --max-exit-ms 1500 -- \
  "$KIOSK" --window 800x480 --data "$DATA" --config "$T/kiosk.json" > "$T/drive.out" 2> "$T/drive.err" ||
  { cat "$T/drive.err" >&2; fail "driving the kiosk"; }
# the uploader stops with the last upload perhaps still on the way
syncd_stop

# the uploader beside the kiosk uploaded, several times, not sipasctl
n=$(python3 -c "
import json
print(sum(1 for l in open('$T/proxy.log') for e in [json.loads(l)]
          if e['path'] == '/api/v1/ingest' and e.get('status') == 200
          and e['headers'].get('User-Agent', '').startswith('sipas-sync/')))")
[ "$n" -ge 2 ] || fail "sipas-sync uploaded $n times"
# the unit switched while the kiosk ran
"$CTL" export --data "$DATA" --format csv > "$T/export.csv"
python3 -c "
import csv
rows = list(csv.DictReader(open('$T/export.csv', encoding='utf-8')))
units = [r['unit'] for r in sorted(rows, key=lambda r: int(r['seq']))]
assert units[0] == 'DEMO-XA-01' and units[-1] == '$UNIT', units
# while the kiosk ran: a test before enrollment, counted ones after
assert {(r['unit'], r['test']) for r in rows} == {('DEMO-XA-01', '1'), ('$UNIT', '0')}, rows" ||
  fail "unit did not switch, or the test flag did not follow"
# what was in flight at exit goes up with sipasctl, exactly once
plan '{}'
sync_ok
totals
echo ok
