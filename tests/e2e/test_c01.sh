# The Circular 01 counter form: indicators 3, 4, 7 scored 2/1/0 and an
# overall three-level question, each stored with its indicator.
. "$(dirname "$0")/lib.sh"
printf '{"survey": "c01-counter", "fields": ["tu-phap"]}\n' > "$T/cfg.json"
python3 -c "
import json; d=json.load(open('$ROOT/assets/surveys/c01-counter.json'))
print(' '.join(q['id'] for q in d['questions'] if not q.get('follow_up_only')))" > "$T/ids"
kiosk_ok "tap start
expect question
tap answer.3
tap answer.0
tap answer.1
tap answer.2
expect thanks" --config "$T/cfg.json"
export_csv
expect_eq "sorted(r['element'] for r in rows)" "['c01-3', 'c01-4', 'c01-7', 'overall']"
expect_eq "{r['instrument'] for r in rows}" "{'c01-counter'}"
# each tap is stored with the question it answered, in the survey's order
expect_eq "[(r['question'], r['element'], r['answer']) for r in rows]" \
  "$(python3 -c "
ids = open('$T/ids').read().split()
print([(q, q, a) for q, a in zip(ids, ['3', '0', '1', '2'])])")"
expect_eq "len(set(r['seq'] for r in rows))" "1" "one response"
echo ok
