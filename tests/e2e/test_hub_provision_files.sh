# A batch of provisioning files from the hub: one per kiosk, each with its
# own one-time code and counter, readable by their owner only; a batch is
# made whole or not at all; each file enrols its kiosk against the real hub.
# With --ca, the hub's CA goes beside each file, named in it.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
codes() { hub_sql "$HUB_DB" "SELECT count(*) FROM enroll_codes"; }
files() { "$HUB" enroll-code --unit "$UNIT" --db "$HUB_DB" "$@" > "$T/out" 2> "$T/err"; }

files --hub-url "$HUB_URL" --out "$T/cards" --count 3 --counter "Quầy" ||
  { cat "$T/err" >&2; fail "no provisioning files"; }
expect_in "$T/err" "3 provisioning file(s) for $UNIT"
[ "$(codes)" = 3 ] || fail "3 files but $(codes) codes"
for i in 1 2 3; do
  f="$T/cards/$UNIT-0$i/sipas-provision.json"
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is readable by others"
  [ "$(stat -c %a "$(dirname "$f")")" = 700 ] || fail "$(dirname "$f") is open to others"
  python3 - "$f" "$HUB_URL" "$i" <<'PY' || fail "$f is not the provisioning file expected"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == 1 and d["hub"] == sys.argv[2], d
assert d["counter"] == "Quầy " + sys.argv[3], d["counter"]
assert len(d["code"]) == 14, d["code"]
PY
done
code() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$1"; }
[ "$(for i in 1 2 3; do code "$T/cards/$UNIT-0$i/sipas-provision.json"; done | sort -u | wc -l)" = 3 ] ||
  fail "two kiosks share a code"

# Whole or nothing: a directory already holding a card's file, an unknown
# unit, a bad address: no code, no file.
if files --hub-url "$HUB_URL" --out "$T/cards" --count 5; then fail "a card's file was overwritten"; fi
expect_in "$T/err" "File exists"
[ "$(codes)" = 3 ] || fail "a failed batch left codes behind"
[ ! -e "$T/cards/$UNIT-04" ] || fail "a failed batch left files behind"
if "$HUB" enroll-code --unit XA-NOWHERE --hub-url "$HUB_URL" --out "$T/none" --db "$HUB_DB" 2> "$T/err"; then
  fail "files for an unknown unit"
fi
expect_in "$T/err" "no unit XA-NOWHERE"
[ -z "$(ls -A "$T/none" 2> /dev/null)" ] || fail "files for an unknown unit were left"
for bad in "ftp://hub.example.vn" "https://" 'https://a"b' "https://a b"; do
  if files --hub-url "$bad" --out "$T/bad"; then fail "hub address \"$bad\" accepted"; fi
  expect_in "$T/err" "is not an http(s) address"
done
if files --count 2; then fail "--count without --out"; fi
if files --out "$T/x"; then fail "--out without --hub-url"; fi
if files --hub-url "$HUB_URL" --out "$T/x" --count 501; then fail "--count 501 accepted"; fi
[ "$(codes)" = 3 ] || fail "a refused command made codes"

# Each file, as written, provisions its own kiosk (the SD card's path).
for i in 1 2 3; do
  f="$T/cards/$UNIT-0$i/sipas-provision.json"
  "$CTL" provision --data "$T/k$i" --file "$f" --delete > "$T/out" 2> "$T/err" ||
    { cat "$T/out" "$T/err" >&2; fail "kiosk $i did not enrol with its file"; }
  [ ! -e "$f" ] || fail "the card's file $i was kept after enrolment"
  "$CTL" status --data "$T/k$i" --json > "$T/status.json"
  python3 - "$T/status.json" "$i" <<'PY' || fail "kiosk $i is not enrolled as Quầy $i"
import json, sys
s = json.load(open(sys.argv[1]))
text = json.dumps(s, ensure_ascii=False)
assert "Quầy " + sys.argv[2] in text, text
PY
done
# A single file without --counter still names its counter.
files --hub-url "$HUB_URL" --out "$T/one" || { cat "$T/err" >&2; fail "one file"; }
grep -q '"counter": "Quầy 1"' "$T/one/$UNIT-01/sipas-provision.json" || fail "no counter in a single file"
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM enroll_codes WHERE used_at IS NOT NULL")" = 3 ] ||
  fail "not every code was spent"

# --ca: the hub's CA beside every file, named in it; the kiosk keeps it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj "/CN=Test Province CA" 2> /dev/null
files --hub-url "$HUB_URL" --out "$T/ca-cards" --count 2 --ca "$T/ca.pem" ||
  { cat "$T/err" >&2; fail "no provisioning files with --ca"; }
for i in 1 2; do
  d="$T/ca-cards/$UNIT-0$i"
  cmp -s "$T/ca.pem" "$d/sipas-hub-ca.pem" || fail "$d has no copy of the CA"
  [ "$(stat -c %a "$d/sipas-hub-ca.pem")" = 644 ] || fail "$d/sipas-hub-ca.pem mode"
  grep -q '"ca": "sipas-hub-ca.pem"' "$d/sipas-provision.json" || fail "$d: no \"ca\" in the file"
done
# the hub here is plain http: the kiosk keeps the CA all the same
"$CTL" provision --data "$T/kca" --file "$T/ca-cards/$UNIT-01/sipas-provision.json" --delete \
  > "$T/out" 2> "$T/err" || { cat "$T/out" "$T/err" >&2; fail "the file with \"ca\" did not enrol"; }
cmp -s "$T/ca.pem" "$T/kca/hub-ca.pem" || fail "the kiosk did not keep the CA"
[ -e "$T/ca-cards/$UNIT-01/sipas-hub-ca.pem" ] || fail "the public CA file was deleted"
# anything but a PEM CA is refused before a code is made
n=$(codes)
openssl x509 -in "$T/ca.pem" -outform der -out "$T/ca.der"
for bad in "$T/ca.der" "$T/ca.key" "$T/missing.pem" "$T"; do
  if files --hub-url "$HUB_URL" --out "$T/bad-ca" --ca "$bad"; then fail "--ca $bad accepted"; fi
  expect_in "$T/err" "--ca: "
done
expect_in "$T/err" "is not a regular file"
[ "$(codes)" = "$n" ] || fail "a refused --ca made codes"
[ ! -e "$T/bad-ca" ] || fail "a refused --ca made files"
if files --ca "$T/ca.pem"; then fail "--ca without --out"; fi
# a failed batch takes its CA copies with it
mkdir -p "$T/ca-again/$UNIT-02" && : > "$T/ca-again/$UNIT-02/sipas-provision.json"
if files --hub-url "$HUB_URL" --out "$T/ca-again" --count 2 --ca "$T/ca.pem"; then
  fail "a batch over an existing card's file"
fi
[ ! -e "$T/ca-again/$UNIT-01/sipas-hub-ca.pem" ] || fail "a failed batch left a CA copy"
[ ! -e "$T/ca-again/$UNIT-02/sipas-hub-ca.pem" ] || fail "a failed batch wrote into an earlier folder"
echo ok
