# Listening ("Nghe"): switched on at idle for one citizen, each question
# read as it appears, an answer read at its first touch and taken at its
# second, a province's recording played before the generated one, a cue
# where a prompt has no sound, twice the time before a survey is
# abandoned; and audio that fails never stops a rating.
. "$(dirname "$0")/lib.sh"
VOICE="$BUILD/voice"
[ -f "$VOICE/vi/sipas-short.overall.wav" ] || fail "no generated prompts in $VOICE (make voice)"
twice() { local i; for ((i = 0; i < $2; i++)); do echo "tap answer.$1"; echo "tap answer.$1"; done; }
prompts="[(e['name'], e['played']) for e in events if e['event']=='prompt']"

# One citizen listening: the first touch reads and records nothing.
kiosk_ok "tap view.listen
tap start
tap field.khac
expect question
tap answer.4
expect question
tap answer.5
tap prompt
tap answer.5
wait 500
expect question
$(twice 5 5)
expect thanks"
expect_eq "[e['listen'] for e in events if e['event']=='view']" "[True]" "listen view event"
expect_eq "$prompts[:6]" \
  "[('ui.voice.on', True), ('sipas-short.overall', True), ('sipas-short.sipas5.4', True), ('sipas-short.sipas5.5', True), ('sipas-short.overall', True), ('sipas-short.tiep-can', True)]" \
  "prompts played"
expect_eq "$prompts[-1]" "('ui.thanks.title', True)" "thanks read"
expect_eq "all(e['file'].startswith('$VOICE/vi/') for e in events if e['event']=='prompt')" "True" \
  "the generated Northern set"
expect_eq "len([e for e in events if e['event']=='committed'])" "1" "one response"
export_csv
expect_eq "len(rows)" "6" "answers stored"
expect_eq "[r['answer'] for r in rows]" "['5', '5', '5', '5', '5', '5']" "answers"

# A province's recording of the same name wins; the regional voice is
# the configuration's.
rm -f "$T/events"
mkdir -p "$DATA/voice/vi"
cp "$VOICE/vi-south/sipas-short.sipas5.3.wav" "$DATA/voice/vi/sipas-short.sipas5.5.wav"
cat > "$T/kiosk.json" <<J
{"voice": {"variant": "south"}}
J
kiosk_ok "tap view.listen
tap start
tap field.khac
tap answer.5
tap answer.4
expect question" --config "$T/kiosk.json"
expect_eq "[e['file'] for e in events if e['event']=='prompt' and e['name']=='sipas-short.sipas5.5']" \
  "['$DATA/voice/vi/sipas-short.sipas5.5.wav']" "the province's recording"
expect_eq "[e['file'] for e in events if e['event']=='prompt' and e['name']=='sipas-short.sipas5.4']" \
  "['$VOICE/vi-south/sipas-short.sipas5.4.wav']" "the Southern voice"
rm -rf "$DATA/voice"

# No file for a prompt (English has no generated set): the screen shows
# the cue and the rating goes on.
rm -f "$T/events"
kiosk_ok "tap lang.en
tap view.listen
tap start
tap field.khac
shot question-nosound
$(twice 4 6)
expect thanks" --screenshots "$T/shots"
expect_eq "set((e['file'], e['played']) for e in events if e['event']=='prompt')" "{(None, False)}" \
  "missing prompts"
expect_eq "len([e for e in events if e['event']=='committed' and not e['partial']])" "1" \
  "rated without sound"
# the struck speaker sits left of the cue's words in the footer
python3 - "$T/shots/question-nosound.png" <<'PY' || fail "no cue drawn"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IHDR": w, h = struct.unpack(">II", data[pos + 8:pos + 16])
    if kind == b"IDAT": idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * 3
rows, prev = [], bytearray(stride)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - 3] if i >= 3 else 0
        b, c = prev[i], (prev[i - 3] if i >= 3 else 0)
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
# dark ink in the footer between the buttons
dark = sum(1 for y in range(h - 70, h) for x in range(230, 570) if sum(rows[y][3 * x:3 * x + 3]) < 200)
assert dark > 200, dark
PY

# Left alone while listening, a survey waits twice as long.
rm -f "$T/events"
kiosk_ok "tap view.listen
tap start
tap field.khac
$(twice 5 1)
wait 31000
expect question
wait 29000
expect idle"
expect_eq "[(e['partial']) for e in events if e['event']=='committed']" "[True]" "abandoned at 60 s"

# Audio that cannot open: said once, and every rating still stored.
rm -f "$T/events"
SDL_AUDIODRIVER=nonexistent kiosk_ok "tap view.listen
tap start
tap field.khac
$(twice 5 6)
expect thanks
wait 6000
tap view.listen
tap start
tap field.khac
$(twice 4 6)
expect thanks"
expect_eq "len([e for e in events if e['event']=='audio-unavailable'])" "1" "audio noted once"
expect_eq "set(e['played'] for e in events if e['event']=='prompt')" "{False}" "nothing played"
expect_eq "len([e for e in events if e['event']=='committed' and not e['partial']])" "2" \
  "rated without audio"
grep -q "prompts are not read aloud" "$T/stderr" || fail "no message for the technician"
echo ok
