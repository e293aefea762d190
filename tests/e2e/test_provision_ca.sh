# Provisioning from the SD card with a hub whose certificate comes from a
# private CA: the card's file names the CA file beside it ("ca"), the kiosk
# keeps it as DATA/hub-ca.pem, enrols over real TLS with it, and later
# syncs are acknowledged with it. A CA file that is missing, not PEM, a
# symbolic link or too large is a bad file: nothing changes, nothing is
# enrolled, the code stays unspent. A hub out of reach leaves a pending
# copy that still enrols once the card's files are gone.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

# ---- a private CA and the hub's certificate
tls_make_ca "$T"
cd "$T"
openssl x509 -in ca.pem -outform der -out ca.der
cd "$ROOT"

hub_init
hub_start --tls-cert "$T/hub.pem" --tls-key "$T/hub.key"
case "$HUB_URL" in https://*) ;; *) fail "hub is not on https: $HUB_URL" ;; esac
BOOT="$T/boot"
mkdir -p "$BOOT" "$DATA"
CARD="$BOOT/sipas-provision.json"
CA_ON_CARD="$BOOT/sipas-hub-ca.pem"

# card CODE [CA-NAME]: the technician's file, "ca" on line 6
card() {
  cat > "$CARD" <<JSON
{
  "format": 1,
  "hub": "$HUB_URL",
  "code": "$1",
  "counter": "Quầy 4",
  "ca": "${2:-sipas-hub-ca.pem}"
}
JSON
}

# from_card [DATA]: sipasctl provision --file ... --delete; sets rc
from_card() {
  rc=0
  "$CTL" provision --data "${1:-$DATA}" --file "$CARD" --delete --connect-timeout 3 \
    > "$T/out" 2> "$T/err" || rc=$?
}

result() { # KEY [DATA]
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
    "${2:-$DATA}/provision-result.json" "$1"
}
code_used() { hub_sql "$HUB_DB" "SELECT count(*) FROM enroll_codes WHERE used_at IS NOT NULL"; }

# ---- bad CA files: a bad file, nothing enrolled, the code kept ---------
CODE=$(new_code)
# bad NAME WORDS: the card's CA file is refused, the kiosk unchanged
bad() {
  from_card
  [ "$rc" = 3 ] || { cat "$T/out" "$T/err" >&2; fail "$1: exit $rc, expected 3 (bad file)"; }
  [ "$(result status)" = bad-file ] || fail "$1: result $(result status)"
  [ "$(result field)" = ca ] || fail "$1: field $(result field)"
  [ "$(result line)" = 6 ] || fail "$1: line $(result line)"
  [ "$(result ca_file)" = sipas-hub-ca.pem ] || fail "$1: ca_file $(result ca_file)"
  expect_in "$T/out" "$CARD:6:"
  expect_in "$T/out" "ca: the hub's CA file $CA_ON_CARD $2"
  expect_in "$DATA/provision-result.json" 'Tệp chứng chỉ \"sipas-hub-ca.pem\" (mục \"ca\") bị thiếu hoặc không đúng. Chưa thay đổi gì.'
  expect_in "$DATA/provision-result.json" 'Chép tệp này và tệp sipas-provision.json từ máy chủ tỉnh vào thẻ nhớ'
  [ ! -e "$CARD" ] || fail "$1: the card's file holding a code was kept"
  for f in sync.db provisioned.json hub-ca.pem provision-pending.json; do
    [ ! -e "$DATA/$f" ] || fail "$1: $f was written"
  done
  [ "$(code_used)" = 0 ] || fail "$1: the code was spent"
}

card "$CODE"
bad "a missing CA file" "does not exist"

card "$CODE"
cp "$T/ca.der" "$CA_ON_CARD"
bad "a DER file" "is not text"
cp "$T/hub.key" "$CA_ON_CARD"
card "$CODE"
bad "a private key" "holds no certificate"

# more than 64 KiB, though it starts with the certificate
{ cat "$T/ca.pem"; head -c 70000 /dev/zero | tr '\0' '#'; } > "$CA_ON_CARD"
card "$CODE"
bad "a 70 KB file" "is larger than 64 KiB"

# a link could make the card read any file of the kiosk
rm -f "$CA_ON_CARD"
ln -s "$T/ca.pem" "$CA_ON_CARD"
card "$CODE"
bad "a symbolic link" "is a symbolic link"
rm -f "$CA_ON_CARD"
mkdir "$CA_ON_CARD"
card "$CODE"
bad "a directory" "is not a regular file"
rmdir "$CA_ON_CARD"

# a path instead of a name: refused by the parser, naming the field
cp "$T/ca.pem" "$T/elsewhere.pem"
card "$CODE" "../elsewhere.pem"
from_card
[ "$rc" = 3 ] || fail "a path as \"ca\": exit $rc"
expect_in "$T/out" "$CARD:6:"
expect_in "$T/out" "ca: must be a file name only"
[ ! -e "$DATA/sync.db" ] || fail "a path as \"ca\" enrolled"

# ---- the good card: enrolled over TLS with the card's CA ---------------
cp "$T/ca.pem" "$CA_ON_CARD"
chmod 644 "$CA_ON_CARD"
card "$CODE"
from_card
[ "$rc" = 0 ] || { cat "$T/out" "$T/err" >&2; fail "the good card: exit $rc"; }
[ "$(result status)" = ok ] || fail "result: $(result status)"
[ "$(result ca_file)" = "" ] || fail "an ok result names a bad CA file"
kept="$(cd "$DATA" && pwd)/hub-ca.pem"
cmp -s "$T/ca.pem" "$kept" || fail "DATA/hub-ca.pem is not the card's CA"
[ "$(stat -c %a "$kept")" = 644 ] || fail "hub-ca.pem mode $(stat -c %a "$kept")"
[ "$(sqlite3 "$DATA/sync.db" "SELECT unit_code, ca_file FROM enrollment")" = "$UNIT|$kept" ] ||
  fail "enrolment: $(sqlite3 "$DATA/sync.db" "SELECT unit_code, ca_file FROM enrollment")"
[ ! -e "$CARD" ] || fail "the card's file was kept after enrolment"
[ -e "$CA_ON_CARD" ] || fail "the card's CA file was deleted: it is public and stays"
if grep -q '"ca"' "$DATA/provisioned.json"; then fail "provisioned.json names the CA"; fi

# later syncs use the kept CA: the card's copy is gone by then
rm -f "$CA_ON_CARD"
rate 4 --seed 5
sync_ok
expect_in "$T/sync.out" "done: all acknowledged"
totals --ca "$T/ca.pem"

# ---- the hub out of reach: the pending copy relies on DATA's CA --------
K2="$T/k2"
mkdir -p "$K2"
port=$HUB_PORT
hub_stop
cp "$T/ca.pem" "$CA_ON_CARD"
card "$(new_code)"
from_card "$K2"
[ "$rc" = 4 ] || { cat "$T/out" "$T/err" >&2; fail "no hub: exit $rc"; }
cmp -s "$T/ca.pem" "$K2/hub-ca.pem" || fail "the CA was not kept before the pending copy"
[ -e "$K2/provision-pending.json" ] || fail "no pending copy"
# the card is reused elsewhere: neither file is on it any more
rm -f "$CA_ON_CARD" "$CARD"
hub_start --port "$port" --tls-cert "$T/hub.pem" --tls-key "$T/hub.key"
from_card "$K2"
[ "$rc" = 0 ] || { cat "$T/out" "$T/err" >&2; fail "the pending copy: exit $rc"; }
[ "$(result status "$K2")" = ok ] || fail "pending result: $(result status "$K2")"
[ ! -e "$K2/provision-pending.json" ] || fail "the pending copy outlived enrolment"
[ "$(sqlite3 "$K2/sync.db" "SELECT ca_file FROM enrollment")" = "$(cd "$K2" && pwd)/hub-ca.pem" ] ||
  fail "the pending enrolment does not use the kept CA"
DATA=$K2 rate 2 --seed 6
DATA=$K2 sync_ok
expect_in "$T/sync.out" "done: all acknowledged"

# ---- as the boot unit runs it: root reads both files from the card; the
# kiosk's user writes the CA into its data directory
if [ "$(id -u)" = 0 ] && getent passwd nobody > /dev/null; then
  chmod 755 "$T"
  cp "$T/ca.pem" "$CA_ON_CARD"
  card "$(new_code)"
  chmod 600 "$CARD" "$CA_ON_CARD"
  "$CTL" provision --data "$T/fresh" --file "$CARD" --delete --user nobody \
    > "$T/out" 2> "$T/err" || { cat "$T/out" "$T/err" >&2; fail "--user nobody"; }
  [ "$(stat -c %U "$T/fresh/hub-ca.pem")" = nobody ] ||
    fail "hub-ca.pem belongs to $(stat -c %U "$T/fresh/hub-ca.pem")"
  [ "$(stat -c %a "$T/fresh/hub-ca.pem")" = 644 ] || fail "hub-ca.pem is not 0644"
  [ -e "$CA_ON_CARD" ] || fail "root deleted the card's CA file"
fi
echo ok
