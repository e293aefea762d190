# The officer signs in with a badge scan; responses carry the officer code;
# the sign-in survives a restart; a second scan signs out.
. "$(dirname "$0")/lib.sh"
kiosk_ok "type CB:CB001
expect idle
tap start
tap field.khac
$(answers 5 6)
expect thanks"
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
"$CTL" status --data "$DATA" > "$T/status.txt"
grep -q "officer" "$T/status.txt" || fail "status does not show the officer"
echo ok
