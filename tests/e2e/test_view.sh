# High contrast and large text, switched on the idle screen, hold for one
# citizen: the event stream says so, the screen shows it, the stored
# response does not know it, and the next citizen finds the default view.
. "$(dirname "$0")/lib.sh"
kiosk_ok "tap view.contrast
tap view.large
shot idle-view
tap start
tap field.khac
shot field-view
$(answers 5 6)
expect thanks
wait 6000
expect idle
shot idle-next
tap start
tap field.khac
$(answers 5 6)
expect thanks" --screenshots "$T/shots"
export_csv
views="[(e['contrast'], e['large']) for e in events if e['event']=='view']"
# on, then both, then back to the default at idle after the thanks
expect_eq "$views" "[(True, False), (True, True), (False, False)]" "view events"
# no view event names a response, an answer or a sequence number (ms is
# when, as on every event)
expect_eq "[sorted(e) for e in events if e['event']=='view'][0]" \
  "['contrast', 'event', 'large', 'listen', 'ms']" "view event members"
# the two responses are stored alike, with no column for the view
expect_eq "len(rows)" "12" "answers stored"
expect_eq "[k for k in rows[0] if 'contrast' in k or 'large' in k or 'view' in k]" "[]" \
  "export columns"
expect_eq "[r['answer'] for r in rows[:6]] == [r['answer'] for r in rows[6:]]" "True"
# high contrast is drawn: the idle screen's ground is black, the next
# citizen's is the default light one
python3 - "$T/shots" <<'PY' || fail "screens not drawn in the view asked for"
import struct, sys, zlib
def pixel(path, x, y):
    data = open(path, "rb").read()
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype == 2, "RGB PNG expected"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, stride = zlib.decompress(idat), w * 3
    prev = bytearray(stride)
    for row in range(y + 1):
        f, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], (prev[i - 3] if i >= 3 else 0)
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
    return tuple(prev[x * 3:x * 3 + 3])
d = sys.argv[1]
assert pixel(d + "/idle-view.png", 400, 295) == (0, 0, 0), pixel(d + "/idle-view.png", 400, 295)
assert pixel(d + "/field-view.png", 2, 470) == (0, 0, 0)
assert pixel(d + "/idle-next.png", 400, 295) == (0xF3, 0xF6, 0xFA), pixel(d + "/idle-next.png", 400, 295)
PY
# left alone on idle, a view goes back to the default for the next citizen
kiosk_ok "tap view.large
wait 31000
expect idle"
expect_eq "[(e['contrast'], e['large']) for e in events if e['event']=='view'][-2:]" \
  "[(False, True), (False, False)]" "view reset on idle"
echo ok
