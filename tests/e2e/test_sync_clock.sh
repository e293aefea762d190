# A Pi without RTC boots three years in the past, citizens rate before NTP
# syncs, then the clock is corrected and more rate. The kiosk learns the
# hub's time in the same boot and corrects before counting days: every
# response lands in today's quarter at the hub, none in the wrong year.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
provision "$HUB_URL"
# Forget the hub time learned while provisioning: this boot's anchor must
# come from the first exchange of the upload itself.
sqlite3 "$DATA/sync.db" "DELETE FROM anchors"

three_years=$((1096 * 86400))
SIPAS_CLOCK_OFFSET_S=-$three_years SIPAS_CLOCK_SYNCED=0 rate 6 --seed 50 --partial-every 5
SIPAS_CLOCK_SYNCED=1 rate 2 --seed 51
"$CTL" export --data "$DATA" --format csv > "$T/export.csv"
# the year the device believed in (three years of 365 days and one more
# day back: at New Year or after a leap day that is not "this year - 3")
then_year=$(vn_date -d "@$(( $(date +%s) - three_years ))" +%Y)
# the six citizens before the sync carry the device's wrong year, the two
# after it the right one: device_time keeps what the clock showed
expect_eq "len({r['seq'] for r in rows if r['device_time'].startswith('$then_year')})" 6 \
  "responses recorded with the wrong clock"
expect_eq "len({r['seq'] for r in rows if not r['device_time'].startswith('$then_year')})" 2 \
  "responses recorded with the corrected clock"
python3 -c "
import csv; rows=list(csv.DictReader(open('$T/export.csv', encoding='utf-8')))
assert any(r['device_time'].startswith('$then_year') and r['clock_synced']=='0' for r in rows)
assert any(not r['device_time'].startswith('$then_year') and r['clock_synced']=='1' for r in rows)" ||
  fail "the export does not show both clocks"
# ... while recorded_at and day are corrected through the boot's anchor
# (its synchronised responses), as the uploader will correct them
today=$(vn_date +%F)
expect_eq "sorted({r['day'] for r in rows})" "['$today']" "the corrected day"
expect_eq "all(r['recorded_at'].startswith(r['day']) and r['day_estimated'] == '0' for r in rows)" True \
  "recorded_at is the corrected time"

sync_ok
[ "$(sqlite3 "$DATA/sync.db" "SELECT source FROM anchors")" = "hub time" ] ||
  fail "no anchor learned from the hub's time"

# Today's quarter holds every counted response ...
read -r qfrom qto < <(python3 -c "
import datetime
d = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=7))).date()
q = (d.month - 1) // 3 * 3 + 1
s = datetime.date(d.year, q, 1)
e = datetime.date(d.year + (q == 10), (q + 2) % 12 + 1, 1) - datetime.timedelta(days=1)
print(s, e)")
totals --from "$qfrom" --to "$qto"
# ... and the year the device believed in holds none.
python3 - "$HUB_URL" "$TOKEN" "$then_year" <<'PY' || fail "responses counted in the wrong year"
import json, sys, urllib.request
req = urllib.request.Request(
    "%s/api/v1/stats?from=%s-01-01&to=%s-12-31&group=unit" % (sys.argv[1], sys.argv[3], sys.argv[3]),
    headers={"Authorization": "Bearer " + sys.argv[2]})
assert json.load(urllib.request.urlopen(req))["groups"] == []
PY
echo ok
