# The officer signs in with a badge scan; responses carry the officer code;
# the sign-in survives a restart; a second scan signs out.
. "$(dirname "$0")/lib.sh"
kiosk_ok "type CB:CB001
expect idle
tap start
tap field.khac
$(answers 5 6)
expect thanks"
"$CTL" status --data "$DATA" > "$T/status.txt"
grep -q "^officer  *CB001$" "$T/status.txt" || { cat "$T/status.txt"; fail "status does not show CB001 on duty"; }
kiosk_ok "wait 1000
tap start
tap field.khac
$(answers 4 6)
wait 6000
type CB:CB001
wait 20000
tap start
tap field.khac
$(answers 3 6)
wait 6000
type CB:NOBODY"
export_csv
expect_eq "[ (r['seq'], r['officer']) for r in rows if r['question']=='overall']" \
  "[('1', 'CB001'), ('2', 'CB001'), ('3', '')]"
# signed out by the second scan; an unknown badge signs nobody in
"$CTL" status --data "$DATA" > "$T/status.txt"
grep -q "^officer  *none on duty$" "$T/status.txt" || { cat "$T/status.txt"; fail "status after sign-out"; }
[ "$(sqlite3 "$DATA/kiosk.db" "SELECT group_concat(kind || ':' || detail, ' ') FROM (SELECT kind, detail FROM audit WHERE kind LIKE 'officer-%' ORDER BY id)")" = \
  "officer-in:CB001 officer-out:" ] || fail "officer audit: $(sqlite3 "$DATA/kiosk.db" 'SELECT kind, detail FROM audit')"
expect_eq "[e['message'] for e in events if e['event']=='officer']" "['CB001', '-']" "officer events"
echo ok
