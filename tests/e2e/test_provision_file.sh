# Provisioning from sipas-provision.json on the SD card's boot partition:
# a good file enrols with the real hub, its settings reach the kiosk and
# the file is gone; a bad file changes nothing and says where it is wrong;
# a hub out of reach leaves a private copy that a later run enrols with; a
# refused code is said so; a Wi-Fi name or key cannot add a network.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
BOOT="$T/boot"
mkdir -p "$BOOT"
CARD="$BOOT/sipas-provision.json"
PIN_HASH=$(openssl passwd -6 2468)

# card HUB CODE [WIFI-JSON]: the technician's file
card() {
  cat > "$CARD" <<JSON
{
  "format": 1,
  "hub": "$1",
  "code": "$2",
  "counter": "Quầy 7",
  "fields": ["tu-phap"],
  "language": "en",
  "admin_pin_hash": "$PIN_HASH"${3:+,
  \"wifi\": $3}
}
JSON
}

# from_card: runs sipasctl provision --file; sets rc
from_card() {
  rc=0
  "$CTL" provision --data "$DATA" --file "$CARD" --delete --connect-timeout 3 \
    > "$T/out" 2> "$T/err" || rc=$?
}

status_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$DATA/provision-result.json"; }

# ---- a good file -------------------------------------------------------
card "$HUB_URL" "$(new_code)" '{"ssid": "UBND Xa", "psk": "mat khau 1234", "country": "VN"}'
from_card
[ "$rc" = 0 ] || { cat "$T/out" "$T/err" >&2; fail "a good file: exit $rc"; }
[ ! -e "$CARD" ] || fail "the card's file was kept after enrolment"
[ "$(status_of)" = ok ] || fail "result: $(status_of)"
expect_in "$DATA/provision-result.json" "Đã đăng ký với máy chủ tỉnh: UBND xã Minh Tân — Quầy 7"
expect_in "$T/out" "result        ok"
[ "$(sqlite3 "$DATA/sync.db" "SELECT unit_code FROM enrollment")" = "$UNIT" ] ||
  fail "not enrolled: $(sqlite3 "$DATA/sync.db" .dump | head -20)"
# the settings kept hold no secret
grep -q '"counter": "Quầy 7"' "$DATA/provisioned.json" || fail "counter not kept"
if grep -q -e code -e psk -e wifi "$DATA/provisioned.json"; then fail "a secret in provisioned.json"; fi
wpa="$DATA/network/wpa_supplicant-wlan0.conf"
[ "$(stat -c %a "$wpa")" = 600 ] || fail "wpa_supplicant file mode $(stat -c %a "$wpa")"
expect_in "$wpa" "ssid=$(printf 'UBND Xa' | od -An -tx1 | tr -d ' \n')"
expect_in "$wpa" 'psk="mat khau 1234"'
expect_in "$wpa" "country=VN"
[ ! -e "$DATA/provision-pending.json" ] || fail "a pending copy after enrolment"
"$CTL" status --data "$DATA" > "$T/status" || true
expect_in "$T/status" "provisioning  ok at"

# the kiosk starts in English with one field (no field screen) and the PIN
corner() { local i; for ((i = 0; i < $1; i++)); do echo "tap admin.corner"; done; }
kiosk_ok "expect idle
tap start
$(answers 5 6)
expect thanks
wait 6000
expect idle
$(corner 5)
expect pin
tap pin.2
tap pin.4
tap pin.6
tap pin.8
tap pin.ok
expect admin
tap admin.exit" --config "$KIOSK_CONFIG"
export_csv
expect_eq "[r['lang'] for r in rows if r['question']=='overall']" "['en']"
expect_eq "[r['field'] for r in rows if r['question']=='overall']" "['tu-phap']"
expect_eq "[r['counter'] for r in rows if r['question']=='overall']" "['Quầy 7']"

# settings damaged on the data partition: out of service, named like a
# bad configuration, never a silent fall back to the demo PIN
cp "$DATA/provisioned.json" "$T/provisioned.good"
printf '{\n  "format": 1,\n  "language": "French"\n}\n' > "$DATA/provisioned.json"
kiosk_ok "expect out-of-service" --config "$KIOSK_CONFIG"
grep -q "provisioned.json:3:.*language" "$T/stderr" || { cat "$T/stderr"; fail "bad provisioned.json not named"; }
mv "$T/provisioned.good" "$DATA/provisioned.json"

# ---- a refused code ----------------------------------------------------
card "$HUB_URL" "ZZZZ-ZZZZ-ZZZZ"
from_card
[ "$rc" = 5 ] || { cat "$T/out" "$T/err" >&2; fail "a refused code: exit $rc"; }
[ "$(status_of)" = code-refused ] || fail "result: $(status_of)"
expect_in "$DATA/provision-result.json" "Mã đăng ký bị từ chối"
[ ! -e "$CARD" ] || fail "the card kept a refused code"
[ ! -e "$DATA/provision-pending.json" ] || fail "a refused code kept for later"

# ---- a bad file: nothing changes, the place is named -------------------
before=$(md5sum "$DATA/provisioned.json" "$DATA/sync.db")
cat > "$CARD" <<'JSON'
{
  "format": 1,
  "hub": "https://sipas.example.gov.vn",
  "code": "7KQ2-M9TX-4HBD",
  "counter": "Quầy 7",
  "fields": ["tu-phap", "nope"]
}
JSON
from_card
[ "$rc" = 3 ] || { cat "$T/out" "$T/err" >&2; fail "a bad file: exit $rc"; }
[ "$(status_of)" = bad-file ] || fail "result: $(status_of)"
expect_in "$T/out" "$CARD:6:"
expect_in "$T/out" "fields[1]"
expect_in "$DATA/provision-result.json" 'dòng 6, mục \"fields[1]\"'
[ "$before" = "$(md5sum "$DATA/provisioned.json" "$DATA/sync.db")" ] || fail "a bad file changed the kiosk"
[ ! -e "$CARD" ] || fail "a bad file holding a code was kept on the card"

# ---- Wi-Fi that tries to add a network ---------------------------------
card "$HUB_URL" "$(new_code)" '{"ssid": "x\"\n}\nnetwork={\nssid=\"evil", "psk": "12345678", "country": "VN"}'
wpa_before=$(md5sum "$wpa")
from_card
[ "$rc" = 3 ] || fail "an SSID with a line break: exit $rc"
expect_in "$T/out" "wifi.ssid"
card "$HUB_URL" "$(new_code)" '{"ssid": "ok", "psk": "12345678\"\n}\nnetwork={\nkey_mgmt=NONE", "country": "VN"}'
from_card
[ "$rc" = 3 ] || fail "a key with a line break: exit $rc"
expect_in "$T/out" "wifi.psk"
[ "$wpa_before" = "$(md5sum "$wpa")" ] || fail "the wpa_supplicant file changed"
[ "$(grep -c 'network={' "$wpa")" = 1 ] || fail "more than one network"

# ---- the hub out of reach: a private copy, retried later ---------------
port=$HUB_PORT
url=$HUB_URL
hub_stop
card "$url" "$(new_code)"
from_card
[ "$rc" = 4 ] || { cat "$T/out" "$T/err" >&2; fail "no hub: exit $rc"; }
[ "$(status_of)" = hub-unreachable ] || fail "result: $(status_of)"
[ ! -e "$CARD" ] || fail "the card's file was kept with the hub down"
pending="$DATA/provision-pending.json"
[ "$(stat -c %a "$pending")" = 600 ] || fail "pending copy mode $(stat -c %a "$pending")"
# the kiosk starts meanwhile, with the settings already applied
kiosk_ok "expect idle" --config "$KIOSK_CONFIG"
hub_start --port "$port"
# the next boot: no file on the card, the copy in DATA is used
from_card
[ "$rc" = 0 ] || { cat "$T/out" "$T/err" >&2; fail "the later run: exit $rc"; }
[ "$(status_of)" = ok ] || fail "result: $(status_of)"
[ ! -e "$pending" ] || fail "the pending copy outlived enrolment"

# with neither file there is nothing to do
from_card
[ "$rc" = 1 ] || fail "no file at all: exit $rc"

# as the boot unit runs it: root reads and deletes a file only root may
# read; the data directory, created for the kiosk's user, is that user's
if [ "$(id -u)" = 0 ] && getent passwd nobody > /dev/null; then
  chmod 755 "$T"
  card "$HUB_URL" "$(new_code)"
  chmod 600 "$CARD"
  "$CTL" provision --data "$T/fresh" --file "$CARD" --delete --user nobody \
    > "$T/out" 2> "$T/err" || { cat "$T/out" "$T/err" >&2; fail "--user nobody"; }
  [ ! -e "$CARD" ] || fail "root did not delete the card's file"
  for f in "$T/fresh" "$T/fresh/sync.db" "$T/fresh/provisioned.json"; do
    [ "$(stat -c %U "$f")" = nobody ] || fail "$f belongs to $(stat -c %U "$f")"
  done
fi
echo ok
