# Retention (sync.retention_days): once the hub has acknowledged them, raw
# responses older than N days are deleted on the kiosk by its one writer;
# the hub keeps counting them, and a late response for such a day still
# gives the hub that day's full count.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
provision "$HUB_URL"
# Ratings are recorded with the uploader off; the kiosk started later runs
# it with retention on.
echo '{"sync": {"interval_s": 1, "retention_days": 1}, "misuse": {"burst_count": 0}}' > "$T/running.json"
three_days=$((3 * 86400))
SIPAS_CLOCK_OFFSET_S=-$three_days SIPAS_CLOCK_SYNCED=1 rate 4 --seed 90 --partial-every 3
SIPAS_CLOCK_SYNCED=1 rate 2 --seed 91
"$CTL" export --data "$DATA" --format csv > "$T/all.csv"
old=$(python3 -c "
import csv
print(len({r['seq'] for r in csv.DictReader(open('$T/all.csv', encoding='utf-8'))
           if r['recorded_at'] < '$(vn_date -d '-2 days' +%F)'}))")
[ "$old" -ge 3 ] || fail "expected old responses in the export, got $old"

# The uploader beside the running kiosk uploads; the kiosk then prunes
# between citizens.
left_only_recent="[ \"\$(\"$CTL\" export --data \"$DATA\" --format csv | grep -c '^[0-9]*,$(vn_date -d '-3 days' +%F)')\" = 0 ]"
{
  echo "@until $left_only_recent 20"
} > "$T/steps"
SIPAS_CLOCK_SYNCED=1 syncd_start --config "$T/running.json"
SIPAS_CLOCK_SYNCED=1 python3 "$SYNC_LIB/drive.py" --steps "$T/steps" -- \
  "$KIOSK" --window 800x480 --data "$DATA" --config "$T/running.json" > "$T/drive.out" 2> "$T/drive.err" ||
  { cat "$T/drive.err" >&2; fail "the old responses were not pruned"; }
syncd_stop
"$CTL" status --data "$DATA" > "$T/status"
expect_in "$T/status" "prune"
expect_in "$T/status" "sync pending  0 responses"
# today's are still on the device; the hub counts all of them
"$CTL" export --data "$DATA" --format csv > "$T/now.csv"
[ "$(python3 -c "
import csv; print(len({r['seq'] for r in csv.DictReader(open('$T/now.csv', encoding='utf-8'))}))")" -ge 2 ] ||
  fail "recent responses were pruned"
python3 "$SYNC_LIB/check_totals.py" --export "$T/all.csv" --hub "$HUB_URL" --token "$TOKEN" > /dev/null ||
  fail "the hub lost pruned responses"

# A response recorded late for that pruned day: the day's snapshot is
# rebuilt from the acknowledged counts, so the hub's count only grows.
SIPAS_CLOCK_OFFSET_S=-$three_days SIPAS_CLOCK_SYNCED=1 rate 1 --seed 92
"$CTL" export --data "$DATA" --format csv > "$T/late.csv"
python3 - "$T/all.csv" "$T/late.csv" "$T/merged.csv" <<'PY'
import csv, sys
rows, seen = [], set()
for path in sys.argv[1:3]:
    with open(path, encoding="utf-8") as f:
        r = csv.DictReader(f)
        fields = r.fieldnames
        for row in r:
            key = tuple(row.values())
            if key not in seen:
                seen.add(key)
                rows.append(row)
with open(sys.argv[3], "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
PY
sync_ok
# The element respondents too, carried in the acknowledged snapshot.
python3 "$SYNC_LIB/check_totals.py" --export "$T/merged.csv" --hub "$HUB_URL" --token "$TOKEN" \
  --hub-db "$HUB_DB" > /dev/null 2> "$T/err" || { cat "$T/err" >&2; fail "a late response for a pruned day"; }
echo ok
