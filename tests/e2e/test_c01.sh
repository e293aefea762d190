# The Circular 01 counter form: indicators 3, 4, 7 scored 2/1/0 and an
# overall three-level question, each stored with its indicator; it applies
# until 2025-06-30 (valid_to), so the kiosk's clock is put on days around
# that end: before it the form runs, after it a synchronised kiosk goes out
# of service naming the file and field, and an unsynchronised one runs and
# warns.
. "$(dirname "$0")/lib.sh"
# Seconds to add to the clock to stand at local time $1 (YYYY-MM-DDTHH:MM).
clock_at() { echo $(( $(date -d "$1:00+07:00" +%s) - $(date +%s) )); }
export SIPAS_CLOCK_OFFSET_S SIPAS_CLOCK_SYNCED=1
SIPAS_CLOCK_OFFSET_S=$(clock_at 2025-06-30T16:59)
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

# The next local day (2025-07-01, 00:00 in Hà Nội) by a synchronised clock:
# out of service, nothing recorded, the message names file, line and field.
SIPAS_CLOCK_OFFSET_S=$(clock_at 2025-07-01T00:00)
rm -rf "$DATA"
kiosk_script "expect out-of-service" --config "$T/cfg.json" || { cat "$T/stderr" >&2; fail "c01 after its period runs"; }
grep -q '"event": *"out-of-service".*c01-counter.json:5:[0-9]*: valid_to: survey .c01-counter. applies until 2025-06-30; today is 2025-07-01' "$T/events" ||
  fail "no out-of-service naming valid_to: $(cat "$T/events")"
# One day earlier in its period the same kiosk runs (the bound is included).
SIPAS_CLOCK_OFFSET_S=$(clock_at 2025-06-30T23:59)
rm -rf "$DATA"
kiosk_ok "expect idle" --config "$T/cfg.json"
grep -q '"event": *"warning"' "$T/events" && fail "a warning inside the period"

# The same day by an unsynchronised clock (a Pi after a power cut): the
# date is in doubt, so it runs, and says why.
SIPAS_CLOCK_OFFSET_S=$(clock_at 2026-03-02T08:00) SIPAS_CLOCK_SYNCED=0
rm -rf "$DATA"
kiosk_ok "expect idle
tap start
expect question" --config "$T/cfg.json"
grep -q '"event": *"warning".*valid_to: survey .c01-counter. applies until 2025-06-30; today is 2026-03-02' "$T/events" ||
  fail "no warning: $(cat "$T/events")"
grep -q "clock is not synchronised" "$T/stderr" || fail "no warning in the log"
echo ok
