# --latency: every frame is drawn and presented as the interactive loop
# does, and each tap writes one line: target, press and tap times, CPU
# time, frames so far. A citizen rates with it on and is stored as ever.
. "$(dirname "$0")/lib.sh"
kiosk_ok "expect idle
tap start
tap field.xay-dung
tap answer.5
tap answer.4
tap answer.3
tap answer.5
tap answer.4
tap answer.3
expect thanks
tap done
expect idle
tap 400 300
expect field" --latency "$T/latency"
export_csv
python3 - "$T/latency" <<'PY' || fail "latency lines"
import sys
lines = [l.split() for l in open(sys.argv[1])]
targets = [l[0] for l in lines]
want = ["start", "field.xay-dung"] + ["answer.%d" % a for a in (5, 4, 3, 5, 4, 3)] + ["done", "400,300"]
assert targets == want, targets
frames = [int(l[4]) for l in lines]
for l in lines:
    press, tap, cpu = float(l[1]), float(l[2]), float(l[3])
    # each finger event led to a presented frame, timed from its push
    assert press > 0 and tap > 0 and cpu > 0, l
# the pressed frame and the tap's own, at least, between two taps
assert all(b - a >= 2 for a, b in zip([0] + frames, frames)), frames
PY
expect_eq "[e['seq'] for e in events if e['event']=='committed']" "[1]"
expect_eq "[(r['field'], r['answer']) for r in rows if r['question']=='overall']" "[('xay-dung', '5')]"
# --latency belongs to script mode
if "$KIOSK" --latency "$T/x" --data "$DATA" 2> "$T/err"; then fail "--latency without --script ran"; fi
grep -q -- "--latency needs --script" "$T/err" || fail "no message: $(cat "$T/err")"
echo ok
