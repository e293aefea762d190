# The export agrees with the hub on days. A Pi boots three years in the
# past and citizens rate before NTP syncs: until the kiosk learns a good
# clock the export, like the uploader, keeps the device's day and says it
# is estimated; once the upload anchored the boot on the hub's time, the
# export's day (and --from/--to) is the day the hub counts, recorded_at the
# corrected time, device_time what the clock showed. Clocks are injected
# (SIPAS_CLOCK_OFFSET_S, SIPAS_CLOCK_SYNCED), never read from the real date.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
provision "$HUB_URL"
# The boot's anchor must come from the upload itself, not provisioning.
sqlite3 "$DATA/sync.db" "DELETE FROM anchors"

three_years=$((1096 * 86400))
export SIPAS_CLOCK_OFFSET_S=-$three_years SIPAS_CLOCK_SYNCED=0
rate 5 --seed 140 --partial-every 4
today=$(vn_date +%F)
then_day=$(vn_date -d "@$(( $(date +%s) - three_years ))" +%F)

# Before any good clock: the device's day, estimated, and raw = corrected.
export_csv
expect_eq "sorted({r['day'] for r in rows})" "['$then_day']" "day before the anchor"
expect_eq "all(r['day_estimated'] == '1' and r['recorded_at'] == r['device_time'] for r in rows)" True \
  "uncorrected rows"

sync_ok
[ "$(sqlite3 "$DATA/sync.db" "SELECT source FROM anchors")" = "hub time" ] ||
  fail "no anchor learned from the hub's time"

# After: the hub's day, corrected; the raw device time kept apart.
export_csv
expect_eq "sorted({r['day'] for r in rows})" "['$today']" "day after the anchor"
expect_eq "all(r['day_estimated'] == '0' and r['recorded_at'].startswith('$today') for r in rows)" True \
  "corrected rows"
expect_eq "all(r['device_time'].startswith('$then_day') for r in rows)" True "device time"
n=$(q "len(rows)")
[ "$n" -gt 0 ] || fail "nothing exported"
# --from/--to select by the corrected day
[ "$("$CTL" export --data "$DATA" --format csv --from "$today" --to "$today" | wc -l)" = $((n + 1)) ] ||
  fail "today's range misses corrected rows"
[ "$("$CTL" export --data "$DATA" --format csv --from "$then_day" --to "$then_day" | wc -l)" = 1 ] ||
  fail "the device's wrong day still selects rows"
"$CTL" export --data "$DATA" --format json --from "$today" --to "$today" > "$T/export.json"
python3 -c "
import json; d = json.load(open('$T/export.json'))
assert len(d) == $n and all(r['day'] == '$today' and r['test'] == 0 and r['device_time'].startswith('$then_day') for r in d), d[0]" ||
  fail "JSON export"
# the hub counts every day exactly as the export places it
totals --groups day,unit
totals --groups day --from "$today" --to "$today"
echo ok
