# sipasctl selftest over real TLS: the hub check verifies the certificate
# against the CA the kiosk was enrolled with (a throw-away provincial CA),
# passes on the hub's acknowledgement, and fails when another certificate
# answers at the hub's address.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

cd "$T"
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
ext='subjectAltName=IP:127.0.0.1,DNS:localhost
basicConstraints=CA:FALSE
extendedKeyUsage=serverAuth'
# make_cert NAME: a CA NAME-ca.pem and a hub certificate NAME.pem it signed.
make_cert() {
  openssl req -x509 $ec -keyout "$1-ca.key" -out "$1-ca.pem" -days 2 -subj "/CN=$1 CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2> /dev/null
  openssl req $ec -keyout "$1.key" -out "$1.csr" -subj "/CN=127.0.0.1" 2> /dev/null
  printf '%s\n' "$ext" > ext
  openssl x509 -req -in "$1.csr" -CA "$1-ca.pem" -CAkey "$1-ca.key" -CAcreateserial \
    -out "$1.pem" -days 2 -extfile ext 2> /dev/null
}
make_cert province
make_cert stranger
cd "$ROOT"

root="$T/root"
mkdir -p "$root/sys/class/watchdog/watchdog0" "$root/run/systemd/timesync"
printf 'active\n' > "$root/sys/class/watchdog/watchdog0/state"
printf '10\n' > "$root/sys/class/watchdog/watchdog0/timeout"
: > "$root/run/systemd/timesync/synchronized"
mkdir -p "$DATA"
printf '{"driver": "KMSDRM", "width": 800, "height": 480, "rotation": 0, "touch_devices": 1, "started_at": 1}\n' \
  > "$DATA/display.json"

hub_init
hub_start --tls-cert "$T/province.pem" --tls-key "$T/province.key"
case "$HUB_URL" in https://*) ;; *) fail "hub is not on https: $HUB_URL" ;; esac
provision "$HUB_URL" --ca "$T/province-ca.pem"
port=$HUB_PORT

"$CTL" selftest --data "$DATA" --root "$root" --timeout 3 > "$T/st.out" 2> "$T/st.err" ||
  { cat "$T/st.out" "$T/st.err" >&2; fail "selftest failed over TLS"; }
expect_in "$T/st.out" "HTTPS"
expect_in "$T/st.out" "Đã gửi biên bản lắp đặt"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations")" = 1 ] || fail "no record over TLS"

# Another certificate at the same address: never trusted, nothing sent.
hub_stop
hub_start --port "$port" --tls-cert "$T/stranger.pem" --tls-key "$T/stranger.key"
if "$CTL" selftest --data "$DATA" --root "$root" --timeout 3 > "$T/st.out" 2> "$T/st.err"; then
  fail "selftest passed against an unknown certificate"
fi
expect_in "$T/st.out" "Không kết nối được hub"
expect_in "$T/st.out" "certificate"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations")" = 1 ] ||
  fail "a record went to an unverified hub"
echo ok
