# A damaged database is moved aside and reported; a fresh one takes new
# ratings; the kiosk does not crash-loop.
. "$(dirname "$0")/lib.sh"
mkdir -p "$DATA"
head -c 100000 /dev/urandom > "$T/damaged"
cp "$T/damaged" "$DATA/kiosk.db"
kiosk_ok "tap start
tap field.khac
$(answers 5 6)
expect thanks"
grep -q '"event":"recovered"' "$T/events" || fail "no recovered event"
# the damaged bytes are kept, whole, under the name the kiosk reports
moved=$(ls "$DATA"/kiosk.db.corrupt-* 2> /dev/null) || fail "damaged file not kept"
[ "$(printf '%s\n' "$moved" | wc -l)" = 1 ] || fail "more than one file moved aside: $moved"
cmp -s "$T/damaged" "$moved" || fail "$moved is not the damaged database"
grep -qF "$(basename "$moved")" "$T/stderr" || { cat "$T/stderr"; fail "stderr does not name $moved"; }
[ "$(sqlite3 "$DATA/kiosk.db" 'pragma integrity_check')" = ok ] || fail "the fresh database"
export_csv
expect_eq "len(rows)" "6"

# Attack: the responses table dropped (SQLite sees no damage, quick_check
# passes). Every commit would fail for ever: the kiosk must not sit
# "paused" behind a please-wait screen but be out of service, and say why
# on screen, on stderr and in the event stream; status must say so too.
rm -f "$T/events"
sqlite3 "$DATA/kiosk.db" 'DROP TABLE responses'
[ "$(sqlite3 "$DATA/kiosk.db" 'PRAGMA quick_check')" = ok ] || fail "the drop damaged the file"
kiosk_ok "expect out-of-service
tap 400 240
wait 10000
expect out-of-service"
grep -q '"screen":"paused"' "$T/events" && fail "paused instead of out of service"
grep -q '"event":"out-of-service".*responses' "$T/events" || { cat "$T/events"; fail "no out-of-service event naming the table"; }
grep -q "out of service.*responses" "$T/stderr" || { cat "$T/stderr"; fail "stderr does not name the missing table"; }
if "$CTL" status --data "$DATA" > "$T/status.out" 2> "$T/status.err"; then fail "status exits 0"; fi
grep -q "responses" "$T/status.err" && grep -qi "out of service" "$T/status.err" ||
  { cat "$T/status.err"; fail "status does not say the kiosk is out of service"; }
echo ok
