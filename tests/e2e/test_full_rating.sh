# A citizen rates through the default short survey: field, overall, a low
# answer opening reasons, skip, the five elements; thanks after commit.
. "$(dirname "$0")/lib.sh"
kiosk_ok "expect idle
tap start
expect field
tap field.xay-dung
expect question
tap answer.2
expect reasons
tap reason.cho-lau
tap reason.thai-do
tap next
expect question
tap answer.4
tap skip
tap answer.5
tap answer.3
tap answer.1
expect thanks
wait 6000
expect idle"
export_csv
expect_eq "[e['screen'] for e in events if e['event']=='screen']" \
  "['idle', 'field', 'question', 'reasons', 'question', 'thanks', 'idle']"
expect_eq "[e['seq'] for e in events if e['event']=='committed']" "[1]"
# committed comes before the thanks screen is announced
expect_eq "[e.get('screen', e['event']) for e in events][-3:]" "['committed', 'thanks', 'idle']"
expect_eq "[(r['question'], r['element'], r['answer']) for r in rows]" \
  "[('overall', 'overall', '2'), ('reasons', 'reasons', 'cho-lau'), ('reasons', 'reasons', 'thai-do'), ('tiep-can', 'tiep-can', '4'), ('cong-chuc', 'cong-chuc', '5'), ('ket-qua', 'ket-qua', '3'), ('gop-y', 'gop-y', '1')]"
expect_eq "{(r['seq'], r['unit'], r['counter'], r['field'], r['instrument'], r['partial'], r['suppressed']) for r in rows}" \
  "{('1', 'DEMO-XA-01', 'Quầy 1', 'xay-dung', 'sipas-short', '0', '0')}"
# a second low answer in the same response does not reopen reasons
expect_eq "sum(1 for r in rows if r['question']=='reasons')" "2"
# the recorded time is in the province's zone
expect_eq "all(r['recorded_at'].endswith('+07:00') for r in rows)" "True"
echo ok
