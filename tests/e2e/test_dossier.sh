# A scanned dossier code binds the rating and skips the field screen; the
# same dossier cannot be rated twice; a bad code is refused politely.
. "$(dirname "$0")/lib.sh"
code=000.00.07.H42-230815-0005
kiosk_ok "type NOT-A-CODE
expect idle
type $code
expect question
$(answers 4 6)
expect thanks
wait 6000
type $(echo $code | tr 'A-Z' 'a-z')
expect already-rated
wait 6000
expect idle
tap start
tap field.dat-dai
tap answer.5
type 000.00.07.H42-230815-0006
expect question"
export_csv
expect_eq "sorted({(r['seq'], r['dossier'], r['field']) for r in rows})" \
  "[('1', '$code', 'khac'), ('2', '', 'dat-dai')]"
# the second citizen was still rating when the kiosk stopped: kept, partial
expect_eq "[(e['seq'], e['partial']) for e in events if e['event']=='committed']" "[(1, False), (2, True)]"
echo ok
