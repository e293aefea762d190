# A malformed survey (here: a label without its Vietnamese text, which
# every other language falls back to) is refused at start with file, line
# and field; the kiosk shows out-of-service instead of crashing or running half a survey.
. "$(dirname "$0")/lib.sh"
cat > "$T/broken.json" <<'J'
{
  "format": "sipas-survey/1",
  "id": "broken",
  "version": 1,
  "languages": ["vi", "en"],
  "title": {"vi": "Khảo sát", "en": "Survey"},
  "scales": {"s": [{"value": 1, "face": "sad", "label": {"vi": "Không", "en": "No"}},
                   {"value": 2, "face": "happy", "label": {"en": "Yes"}}]},
  "questions": [{"id": "q", "element": "overall", "scale": "s", "text": {"vi": "?", "en": "?"}}]
}
J
printf '{"survey": "%s"}\n' "$T/broken.json" > "$T/cfg.json"
kiosk_ok "expect out-of-service
tap 400 240
expect out-of-service
type 000.00.07.H42-230815-0005
expect out-of-service" --config "$T/cfg.json"
grep -q "broken.json:8:" "$T/stderr" || { cat "$T/stderr"; fail "no file:line in the message"; }
grep -q "label.vi" "$T/stderr" || { cat "$T/stderr"; fail "the field is not named"; }
# a syntax error is placed too
printf '{"format": "sipas-survey/1",\n "id": "x",,\n}\n' > "$T/broken.json"
kiosk_ok "expect out-of-service" --config "$T/cfg.json"
grep -q "broken.json:2:" "$T/stderr" || { cat "$T/stderr"; fail "syntax error not placed"; }
[ ! -e "$DATA/kiosk.db" ] || [ "$(sqlite3 "$DATA/kiosk.db" 'select count(*) from responses')" = 0 ] || fail "rows written"
echo ok
