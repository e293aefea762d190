# A damaged database is moved aside and reported; a fresh one takes new
# ratings; the kiosk does not crash-loop.
. "$(dirname "$0")/lib.sh"
mkdir -p "$DATA"
head -c 100000 /dev/urandom > "$DATA/kiosk.db"
kiosk_ok "tap start
tap field.khac
$(answers 5 6)
expect thanks"
grep -q '"event":"recovered"' "$T/events" || fail "no recovered event"
ls "$DATA"/kiosk.db.corrupt-* > /dev/null || fail "damaged file not kept"
export_csv
expect_eq "len(rows)" "6"
echo ok
