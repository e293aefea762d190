# An abandoned survey returns to idle after the inactivity timeout and keeps
# what was answered as a partial response; no thank-you is shown.
. "$(dirname "$0")/lib.sh"
kiosk_ok "tap start
tap field.dau-tu
tap answer.5
tap answer.4
wait 29000
expect question
wait 1500
expect idle
tap start
wait 31000
expect idle"
export_csv
expect_eq "[(r['question'], r['answer'], r['partial']) for r in rows]" \
  "[('overall', '5', '1'), ('tiep-can', '4', '1')]"
expect_eq "'thanks' in [e.get('screen') for e in events]" "False"
expect_eq "[e['partial'] for e in events if e['event']=='committed']" "[True]"
echo ok
