# A damaged sync.db is a fault, never "not enrolled": status says so and
# fails, new ratings keep the enrolled unit, and provisioning refuses before
# it spends a code at the hub, so the same code enrolls once the damaged
# file is moved aside.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
provision "$HUB_URL"
rate 2 --seed 300
export_csv
expect_eq "sorted({r['unit'] for r in rows})" "['$UNIT']" "units before the damage"

# Garbage over the header, the size kept: SQLite says "not a database".
SYNCDB="$DATA/sync.db"
size=$(stat -c %s "$SYNCDB")
head -c 100 /dev/urandom | dd of="$SYNCDB" bs=1 conv=notrunc status=none
[ "$(stat -c %s "$SYNCDB")" = "$size" ] || fail "the damage changed the size"

if "$CTL" status --data "$DATA" > "$T/status.out" 2> "$T/status.err"; then
  fail "status exits 0 on a damaged sync.db"
fi
grep -q "not provisioned" "$T/status.out" && fail "a damaged sync.db shown as not provisioned"
grep -qi "sync.*damaged" "$T/status.out" "$T/status.err" ||
  { cat "$T/status.out" "$T/status.err" >&2; fail "status does not say sync.db is damaged"; }

# A rating now still carries the enrolled unit, and the kiosk says why.
rate 1 --seed 301
export_csv
expect_eq "rows[-1]['unit']" "$UNIT" "unit of a rating after the damage"
grep -q "sync.db" "$T/kiosk.err" && grep -qi "damaged\|not a database" "$T/kiosk.err" ||
  { cat "$T/kiosk.err" >&2; fail "the kiosk did not report the damaged sync.db"; }
expect_eq "any(e['event'] == 'error' and 'sync.db' in e.get('message', '') for e in events)" \
  True "an error event for the damaged sync.db"

# Provisioning refuses before the exchange: the code stays usable.
code=$(new_code)
if "$CTL" provision --data "$DATA" --hub "$HUB_URL" --code "$code" > "$T/out" 2> "$T/err"; then
  fail "provision succeeded on a damaged sync.db"
fi
grep -qi "damaged" "$T/err" || { cat "$T/err" >&2; fail "provision did not name the damage"; }
grep -q "used already" "$T/err" && fail "provision spent the code"
used=$(hub_sql "$HUB_DB" "SELECT count(*) FROM enroll_codes WHERE used_at IS NOT NULL")
[ "$used" = 1 ] || fail "the hub marked the code used ($used codes used)"

# The repair the message names: move the damaged file aside.
"$CTL" provision --data "$DATA" --hub "$HUB_URL" --code "$code" --repair > "$T/out" 2> "$T/err" ||
  { cat "$T/err" >&2; fail "provision --repair with the unspent code failed"; }
expect_in "$T/out" "enrolled      $UNIT"
ls "$DATA"/sync.db.damaged-* > /dev/null 2>&1 || fail "the damaged file was not kept"
"$CTL" status --data "$DATA" > "$T/status.out" || fail "status after the repair"
expect_in "$T/status.out" "sync unit     $UNIT"
echo ok
