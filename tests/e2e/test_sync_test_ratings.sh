# Test ratings never count. Ratings made on a kiosk before it is enrolled
# (a technician trying it, the demo unit) are kept, exported and shown as
# tests, acknowledged with their range but never sent: the hub's
# statistics hold only the ratings made after enrollment. A hub also
# leaves out, with its reason, the demo rows an older kiosk still sends,
# and an older hub database loses the ones it took.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start

# hub_stats FROM TO: the hub's groups by unit as "UNIT=RESPONSES ..."
hub_stats() {
  python3 - "$HUB_URL" "$TOKEN" "$1" "$2" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(
    "%s/api/v1/stats?from=%s&to=%s&group=unit" % tuple(sys.argv[1:2] + sys.argv[3:5]),
    headers={"Authorization": "Bearer " + sys.argv[2]})
groups = json.load(urllib.request.urlopen(req))["groups"]
print(" ".join("%s=%d" % (g["key"]["unit"], g["responses"]) for g in groups))
PY
}
# counted_export TEST: complete, unsuppressed responses with that test flag
counted_export() {
  python3 -c "
import csv,sys
print(len({r['seq'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8'))
           if r['partial'] == '0' and r['suppressed'] == '0' and r['test'] == sys.argv[2]}))" \
    "$T/export.csv" "$1"
}
wide_from=$(vn_date -d "-3600 days" +%F)
wide_to=$(vn_date -d '+1 day' +%F)

# Tried out before enrollment: four citizens, all complete.
rate 4 --seed 120
"$CTL" status --data "$DATA" > "$T/status.out"
expect_in "$T/status.out" "test ratings  4 recorded before enrollment"
# the kiosk's own counts of real ratings leave the tests out, and name them
expect_in "$T/status.out" "responses     0 stored: 0 counted, 0 partial, 0 suppressed"
expect_in "$T/status.out" "never uploaded or counted (4 today)"
expect_in "$T/status.out" "today         0 (since 00:00"
"$CTL" status --data "$DATA" --json > "$T/status.json"
python3 -c "import json; assert json.load(open('$T/status.json'))['test'] == 4" ||
  fail "status --json does not count the test ratings"
python3 -c "
import json; s = json.load(open('$T/status.json'))
assert (s['counted'], s['today'], s['today_test']) == (0, 0, 4), s" ||
  fail "status --json counts test ratings as real ones"
export_csv
expect_eq "sorted({(r['unit'], r['test']) for r in rows})" "[('DEMO-XA-01', '1')]" \
  "ratings before enrollment are tests"
[ "$(counted_export 1)" = 4 ] || fail "the four test ratings are not all exported"

# Enrolled: three more, which count.
provision "$HUB_URL"
expect_in "$T/provision.out" "pending       0 responses to upload"
rate 3 --seed 121
export_csv
expect_eq "sorted({(r['unit'], r['test']) for r in rows})" "[('DEMO-XA-01', '1'), ('$UNIT', '0')]" \
  "ratings after enrollment are not tests"
after=$(counted_export 0)
[ "$after" -ge 1 ] || fail "no counted rating after enrollment"
# waiting to upload: the real ratings only, never the tests
real=$(python3 -c "
import csv,sys
print(len({r['seq'] for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['test'] == '0'}))" "$T/export.csv")
"$CTL" status --data "$DATA" --json > "$T/status.json"
python3 -c "
import json; s = json.load(open('$T/status.json'))
assert s['sync']['pending'] == $real, s['sync']
assert (s['counted'], s['test']) == ($after, 4), s" ||
  fail "status counts test ratings as waiting or counted"
"$CTL" status --data "$DATA" > "$T/status.out"
expect_in "$T/status.out" "sync pending  $real responses"
sync_ok
expect_in "$T/sync.out" "not sent: 4 test ratings recorded before enrollment"
# the kiosk itself left them out: the hub had nothing to leave out
! grep -q "does not know" "$HUB_LOG" || fail "the kiosk sent its test ratings"
[ "$("$CTL" status --data "$DATA" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['sync']['pending'])")" = 0 ] ||
  fail "test ratings are left pending"
[ "$(hub_stats "$wide_from" "$wide_to")" = "$UNIT=$after" ] ||
  fail "hub stats: $(hub_stats "$wide_from" "$wide_to"), expected $UNIT=$after only"
totals --groups unit,field

# An older kiosk still sends its demo rows: make the kiosk forget that its
# first four were tests and upload everything again. The hub leaves them
# out and says why; its figures do not move.
sqlite3 "$DATA/kiosk.db" "UPDATE responses SET test = 0"
sqlite3 "$DATA/sync.db" "UPDATE progress SET acked_seq = 0; DELETE FROM days"
sync_ok
grep -q "rows name a unit this hub does not know (such as DEMO-XA-01)" "$HUB_LOG" ||
  { cat "$HUB_LOG" >&2; fail "the hub did not say why it left rows out"; }
[ "$(hub_stats "$wide_from" "$wide_to")" = "$UNIT=$after" ] ||
  fail "demo rows were counted: $(hub_stats "$wide_from" "$wide_to")"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM day_responses WHERE unit = 'DEMO-XA-01'")" = 0 ] ||
  fail "demo rows stored"
hub_stop

# A hub database from before (schema 3) that took demo rows: the upgrade
# removes them, with the days made only of them, and the summaries follow.
# (What later versions added goes too, so each is applied again.) SQLite
# only: PostgreSQL's schema (pgschema.c) began after version 3, so no such
# database exists there to upgrade.
if [ "$HUB_BACKEND" = sqlite ]; then
day=$(vn_date +%F)
hub_sql "$HUB_DB" "
  INSERT INTO day_snapshots VALUES('old-kiosk', '2026-01-05', 9, 0, 'old-kiosk:9', 1);
  INSERT INTO day_responses VALUES('old-kiosk', '2026-01-05', 'DEMO-XA-01', '', '', 'khac', 'sipas-short', 1, 9, 0, 0);
  INSERT INTO day_answers VALUES('old-kiosk', '2026-01-05', 'DEMO-XA-01', '', '', 'khac', 'sipas-short', 1, 0, 'overall', 'overall', '5', 9);
  INSERT INTO day_responses VALUES('old-kiosk', '$day', 'DEMO-XA-01', '', '', 'khac', 'sipas-short', 1, 5, 0, 0);
  ALTER TABLE tokens DROP COLUMN audit; DROP TABLE dossier_ratings;
  PRAGMA user_version = 3"
hub_start
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM day_responses WHERE unit = 'DEMO-XA-01'")" = 0 ] ||
  fail "the upgrade kept demo rows"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM day_snapshots WHERE install_id = 'old-kiosk'")" = 0 ] ||
  fail "the upgrade kept a day made only of demo rows"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM stat_day_responses WHERE unit = 'DEMO-XA-01'")" = 0 ] ||
  fail "the summaries still hold demo rows"
[ "$(hub_stats "$wide_from" "$wide_to")" = "$UNIT=$after" ] ||
  fail "after the upgrade: $(hub_stats "$wide_from" "$wide_to")"
fi
echo ok
