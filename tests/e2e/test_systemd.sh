# The systemd contract on the real notify socket: READY=1 after the first
# frame, WATCHDOG=1 pings from the UI loop at half the interval, a clean
# stop on SIGTERM (STOPPING=1, exit 0); the same of sipas-sync, the
# uploader beside it, whose pings come from its main loop while the upload
# thread turns. The shipped unit files pass systemd-analyze.
. "$(dirname "$0")/lib.sh"
python3 - "$KIOSK" "$T" <<'PY'
import os, signal, socket, subprocess, sys, time
kiosk, tmp = sys.argv[1], sys.argv[2]
path = os.path.join(tmp, "notify")
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000")
p = subprocess.Popen([kiosk, "--window", "800x480", "--data", os.path.join(tmp, "var")],
                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
msgs, t0 = [], time.time()
msgs.append(s.recv(256).decode())
assert msgs[0] == "READY=1", msgs
ready_at = time.time() - t0
s.settimeout(1)
end = time.time() + 1.0
while time.time() < end:
    try:
        msgs.append(s.recv(256).decode())
    except socket.timeout:
        break
pings = msgs.count("WATCHDOG=1")
assert 6 <= pings <= 14, f"{pings} watchdog pings in 1 s at a 200 ms interval"
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=10)
s.settimeout(2)
try:
    msgs.append(s.recv(256).decode())
except socket.timeout:
    pass
assert rc == 0, (rc, p.stderr.read())
assert msgs[-1] == "STOPPING=1", msgs[-3:]
print(f"ready after {ready_at*1000:.0f} ms, {pings} pings/s, clean stop")
PY
python3 - "$SYNCD" "$T" <<'PY'
import os, signal, socket, subprocess, sys, time
syncd, tmp = sys.argv[1], sys.argv[2]
path = os.path.join(tmp, "notify-sync")
data = os.path.join(tmp, "var-sync")
os.makedirs(data)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="200000")
p = subprocess.Popen([syncd, "--data", data], env=env,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
msgs = [s.recv(256).decode()]
assert msgs[0] == "READY=1", msgs
assert os.path.exists(os.path.join(data, "sync.wake")), "no wake-up socket at READY=1"
s.settimeout(1)
end = time.time() + 1.0
while time.time() < end:
    try:
        msgs.append(s.recv(256).decode())
    except socket.timeout:
        break
pings = msgs.count("WATCHDOG=1")
assert 4 <= pings <= 14, f"sipas-sync: {pings} watchdog pings in 1 s at a 200 ms interval"
p.send_signal(signal.SIGTERM)
rc = p.wait(timeout=10)
s.settimeout(2)
try:
    msgs.append(s.recv(256).decode())
except socket.timeout:
    pass
assert rc == 0, (rc, p.stderr.read())
assert msgs[-1] == "STOPPING=1", msgs[-3:]
assert not os.path.exists(os.path.join(data, "sync.wake")), "the wake-up socket stayed"
print(f"sipas-sync: {pings} pings/s, clean stop")
PY
# The unit files as installed, pointed at this build. Their manual pages
# are checked by the package test, where they are installed.
sed "s|/usr/bin/sipas-kiosk|$KIOSK|" "$ROOT/firmware/systemd/sipas-kiosk.service" > "$T/sipas-kiosk.service"
sed "s|/usr/bin/sipas-sync|$SYNCD|" "$ROOT/firmware/systemd/sipas-sync.service" > "$T/sipas-sync.service"
sed "s|/usr/bin/sipas-hub|$BUILD/sipas-hub|" "$ROOT/firmware/systemd/sipas-hub.service" > "$T/sipas-hub.service"
sed "s|/usr/bin/sipasctl|$CTL|" "$ROOT/firmware/systemd/sipas-provision.service" > "$T/sipas-provision.service"
sed "s|/usr/bin/sipas-hub|$BUILD/sipas-hub|" "$ROOT/firmware/systemd/sipas-hub-pg@.service" > "$T/sipas-hub-pg@8081.service"
cp "$ROOT/firmware/systemd/sipas-provision.timer" "$T/"
# The package installs the same provisioning units.
for u in sipas-provision.service sipas-provision.timer; do
  cmp -s "$ROOT/firmware/systemd/$u" "$ROOT/firmware/debian/sipas-kiosk.$u" ||
    fail "firmware/debian/sipas-kiosk.$u differs from firmware/systemd/$u"
done
cmp -s "$ROOT/firmware/systemd/sipas-hub-pg@.service" "$ROOT/firmware/debian/sipas-hub.sipas-hub-pg@.service" ||
  fail "firmware/debian/sipas-hub.sipas-hub-pg@.service differs from firmware/systemd/sipas-hub-pg@.service"
if command -v systemd-analyze > /dev/null; then
  out=$(systemd-analyze verify --man=no "$T/sipas-kiosk.service" "$T/sipas-sync.service" "$T/sipas-hub.service" \
    "$T/sipas-provision.service" "$T/sipas-provision.timer" "$T/sipas-hub-pg@8081.service" 2>&1 |
    grep -v "^$" || true)
  [ -z "$out" ] || fail "systemd-analyze: $out"
fi
echo ok
