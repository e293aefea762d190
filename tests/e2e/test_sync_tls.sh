# Sync over real TLS with a throw-away provincial CA: enrollment checks the
# certificate (and a key pin), ratings go up with `sipasctl sync --once`,
# and the hub's statistics by unit and by field equal the kiosk's export.
# A certificate that is not valid yet is reported as a clock problem.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

# ---- a private CA and the hub's certificate
tls_make_ca "$T"
cd "$T"
# The same key, certified from 2030 on: what a kiosk whose clock is years
# behind sees.
mkdir -p ca/new && : > ca/index.txt && echo 1000 > ca/serial
cat > ca.cnf <<EOF
[ca]
default_ca = tca
[tca]
database = $T/ca/index.txt
new_certs_dir = $T/ca/new
serial = $T/ca/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in hub.csr -out future.pem \
  -startdate 20300101000000Z -enddate 20310101000000Z -extfile ext -notext 2> /dev/null
pin=$(openssl x509 -in hub.pem -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)
cd "$ROOT"

hub_init
hub_start --tls-cert "$T/hub.pem" --tls-key "$T/hub.key"
case "$HUB_URL" in https://*) ;; *) fail "hub is not on https: $HUB_URL" ;; esac

# ---- enrollment: the certificate must check out
if "$CTL" provision --data "$DATA" --hub "$HUB_URL" --code "$(new_code)" 2> "$T/err"; then
  fail "enrolled without the province's CA"
fi
expect_in "$T/err" "certificate"
if "$CTL" provision --data "$DATA" --hub "$HUB_URL" --code "$(new_code)" --ca "$T/ca.pem" \
  --pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" 2> "$T/err"; then
  fail "enrolled with the wrong key pin"
fi
expect_in "$T/err" "pin"
if "$CTL" provision --data "$DATA" --hub "http://hub.example.vn" --code X 2> "$T/err"; then
  fail "plain http to a remote host accepted"
fi
expect_in "$T/err" "https://"
provision "$HUB_URL" --ca "$T/ca.pem" --pin "sha256//$pin" --counter "Quầy 2"
expect_in "$T/provision.out" "$UNIT"
[ "$(stat -c %a "$DATA/sync.db")" = 600 ] || fail "sync.db is readable by others"

# ---- ratings, then one upload
rate 14 --seed 3 --partial-every 6 --quick-every 5
sync_ok --batch 5
expect_in "$T/sync.out" "uploaded 5 responses"
expect_in "$T/sync.out" "done: all acknowledged"
totals --ca "$T/ca.pem"
# the enrolled unit and counter are on every response recorded after it
"$CTL" export --data "$DATA" --format csv > "$T/export.csv"
python3 -c "
import csv,sys
rows=list(csv.DictReader(open('$T/export.csv', encoding='utf-8')))
assert rows and all(r['unit']=='$UNIT' and r['counter']=='Quầy 2' for r in rows), rows[:2]"
"$CTL" status --data "$DATA" > "$T/status"
expect_in "$T/status" "sync pending  0 responses"

# ---- a certificate from the future: the device clock is to blame
hub_stop
hub_start --port "$HUB_PORT" --tls-cert "$T/future.pem" --tls-key "$T/hub.key"
rate 2 --seed 4
sync_fails --timeout 0
expect_in "$T/sync.err" "not yet valid — the device clock may be wrong"
# the message tells the time the kiosk's clock says, offset included
off=$(( $(date -d '2019-06-01T12:00:00+07:00' +%s) - $(date +%s) ))
SIPAS_CLOCK_OFFSET_S=$off sync_fails --timeout 0
expect_in "$T/sync.err" "(it says 2019-06-01T1"
"$CTL" status --data "$DATA" > "$T/status"
expect_in "$T/status" "not yet valid"

# ---- back to a good certificate: everything arrives, exactly once
hub_stop
hub_start --port "$HUB_PORT" --tls-cert "$T/hub.pem" --tls-key "$T/hub.key"
sync_ok
totals --ca "$T/ca.pem"
echo ok
