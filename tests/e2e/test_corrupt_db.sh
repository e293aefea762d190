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
echo ok
