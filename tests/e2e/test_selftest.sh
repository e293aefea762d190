# sipasctl selftest against the real hub on loopback: every check passes
# on an enrolled kiosk with an armed watchdog and a started display, and
# each fault is named with what to do: hub down, not enrolled, a captive
# portal (HTML, or a redirect) at the hub's address, watchdog not armed,
# too little free space. The record reaches GET /api/v1/kiosks and
# `sipas-hub kiosk list`.
#
# This machine has no hardware watchdog and no timesyncd: the self-test
# reads /sys and /run under --root, and the test hands it a tree of its
# own (a test double of the device's files; the reading code is the same).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

root="$T/root"
wd="$root/sys/class/watchdog/watchdog0"
mkdir -p "$wd" "$root/run/systemd/timesync"
printf 'active\n' > "$wd/state"
printf '10\n' > "$wd/timeout"
printf 'Broadcom BCM2835 Watchdog timer\n' > "$wd/identity"
: > "$root/run/systemd/timesync/synchronized"

# What a kiosk on a real panel writes at start (the dummy driver's own
# file is checked below).
display() {
  cat > "$DATA/display.json" <<JSON
{"driver": "KMSDRM", "width": 800, "height": 480, "rotation": 0,
 "touch_devices": ${1:-1}, "touch_names": ["ft5x06"], "started_at": 1}
JSON
}

# selftest [args...]: output in $T/st.out, messages in $T/st.err.
selftest() {
  "$CTL" selftest --data "$DATA" --root "$root" --timeout 3 "$@" \
    > "$T/st.out" 2> "$T/st.err"
}
st_ok() { selftest "$@" || { cat "$T/st.out" "$T/st.err" >&2; fail "selftest failed"; }; }
st_fails() { if selftest "$@"; then cat "$T/st.out" >&2; fail "selftest passed, expected a failure"; fi; }
# check_is ID STATUS: the JSON report gives check ID that status.
check_is() {
  local got
  got=$(python3 -c "
import json,sys
r=json.load(open(sys.argv[1]))
print(next((c['status'] for c in r['checks'] if c['id']==sys.argv[2]), 'absent'))" "$T/st.out" "$1")
  [ "$got" = "$2" ] || { cat "$T/st.out" >&2; fail "check $1: expected $2, got $got"; }
}

hub_init
hub_start
proxy_start http --plan "$T/plan"
mkdir -p "$DATA"

# Not enrolled: the hub check fails and says how to enroll.
display
st_fails --json --no-send
check_is hub fail
check_is watchdog pass
check_is storage.fsync pass
expect_in "$T/st.out" "sipasctl provision"
# Nor is there a hub to compare the clock with: unsynchronised, it fails.
rm "$root/run/systemd/timesync/synchronized"
SIPAS_CLOCK_SYNCED=0 st_fails --json --no-send
check_is clock fail
: > "$root/run/systemd/timesync/synchronized"

provision "$PROXY_URL"

# Everything in order: exit 0, the record at the hub.
st_ok
expect_in "$T/st.out" "hub             ĐẠT"
expect_in "$T/st.out" "Kết quả chung: ĐẠT"
expect_in "$T/st.out" "Đã gửi biên bản lắp đặt"
st_ok --json
for c in storage.fsync storage.free clock hub watchdog display; do check_is "$c" pass; done
check_is touch.grid absent
curl -sS -H "Authorization: Bearer $TOKEN" "$HUB_URL/api/v1/kiosks" > "$T/kiosks.json"
python3 - "$T/kiosks.json" <<'PY' || fail "the record is not in /api/v1/kiosks"
import json, sys
k = json.load(open(sys.argv[1]))["kiosks"][0]
rec = k["installation"]
assert rec["result"] == "pass", rec
assert rec["version"] == k["version"], (rec, k["version"])
assert rec["received_at"] > 0 and rec["tested_at"] > 0, rec
assert {c["id"] for c in rec["checks"]} >= {"storage.fsync", "hub", "watchdog", "display"}, rec
assert "install_id" not in rec and "format" not in rec, rec
PY
"$HUB" kiosk list --db "$HUB_DB" > "$T/list" 2>/dev/null
grep -q "pass at " "$T/list" || { cat "$T/list" >&2; fail "kiosk list shows no self-test"; }
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations")" = 2 ] ||
  fail "two runs should leave two records"

# A clock NTP never set, but agreeing with the hub's: a warning, exit 0.
mv "$root/run/systemd/timesync/synchronized" "$T/synced.away"
SIPAS_CLOCK_SYNCED=0 st_ok --json --no-send
check_is clock warn
mv "$T/synced.away" "$root/run/systemd/timesync/synchronized"

# --no-send leaves the hub as it was.
st_ok --no-send
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations")" = 2 ] ||
  fail "--no-send sent a record"

# The dummy driver (a headless test run) is a warning, not a failure.
kiosk_ok "wait 100"
st_ok --json --no-send
check_is display warn
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['driver']=='dummy'" "$DATA/display.json" ||
  fail "the kiosk did not note its driver"
# A panel without touch fails; a kiosk never started fails.
display 0
st_fails --json --no-send
check_is display fail
rm "$DATA/display.json"
st_fails --no-send
expect_in "$T/st.out" "Kiosk chưa từng khởi động"
display

# Watchdog present but not armed; then no watchdog at all.
printf 'inactive\n' > "$wd/state"
st_fails --no-send
expect_in "$T/st.out" "Watchdog phần cứng chưa được bật"
expect_in "$T/st.out" "RuntimeWatchdogSec"
mv "$wd" "$T/wd.away"
st_fails --json --no-send
check_is watchdog fail
mv "$T/wd.away" "$wd"
printf 'active\n' > "$wd/state"

# Low free space: the floor is raised past what the disk has.
st_fails --free-min-mb 2000000000 --json --no-send
check_is storage.free fail
check_is storage.fsync pass

# A captive portal at the hub's address: HTML, then a redirect.
plan '{"/api/v1/heartbeat": ["portal"]}'
st_fails
expect_in "$T/st.out" "captive portal: mở trình duyệt trên mạng này để đăng nhập Wi-Fi, hoặc dùng mạng khác"
expect_in "$T/st.err" "installation record was not sent"
plan '{"/api/v1/heartbeat": ["redirect"]}'
st_fails --json --no-send
check_is hub fail
expect_in "$T/st.out" "captive portal"
# A 200 in JSON that is not the hub's acknowledgement is no better.
plan '{"/api/v1/heartbeat": ["status:200"]}'
st_fails --no-send
expect_in "$T/st.out" "captive portal"
plan '{}'
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations")" = 2 ] ||
  fail "a record was sent through a captive portal"

# The hub down: unreachable, and nothing claims otherwise.
hub_stop
st_fails
expect_in "$T/st.out" "Không kết nối được hub"
expect_in "$T/st.out" "Kết quả chung: LỖI"
# With no hub to compare with, an unsynchronised clock is a warning only
# because the kiosk's uploader learnt this boot's true time already.
rm "$root/run/systemd/timesync/synchronized"
SIPAS_CLOCK_SYNCED=0 st_fails --json --no-send
check_is clock warn
expect_in "$T/st.out" "kiosk đã biết giờ đúng của lần khởi động này"
: > "$root/run/systemd/timesync/synchronized"

# A revoked kiosk is told so.
hub_start
id=$(sqlite3 "$DATA/sync.db" "SELECT install_id FROM enrollment")
"$HUB" kiosk revoke "$id" --db "$HUB_DB" 2>/dev/null
st_fails --no-send
expect_in "$T/st.out" "Hub đã thu hồi kiosk này"
echo ok
