# POST /api/v1/installation on the real hub: a kiosk writes only its own
# record; a malformed, oversized or hostile body is refused with a 4xx and
# changes nothing; the history per kiosk is capped. The version a kiosk
# reports (heartbeat, installation record) replaces the one it enrolled
# with, so an upgraded kiosk shows its new version; a version with control
# characters is refused.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/sync/lib.sh"

hub_init
hub_start
DATA_A="$T/a" DATA_B="$T/b"
DATA=$DATA_A; provision "$HUB_URL"
DATA=$DATA_B; provision "$HUB_URL"
cred() { sqlite3 "$1/sync.db" "SELECT $2 FROM enrollment"; }
A=$(cred "$DATA_A" install_id) A_SECRET=$(cred "$DATA_A" secret)
B=$(cred "$DATA_B" install_id) B_SECRET=$(cred "$DATA_B" secret)

# post PATH ID SECRET BODY-FILE: the HTTP status.
post() {
  curl -sS -o "$T/body" -w '%{http_code}' -X POST -H "Content-Type: application/json" \
    -H "Authorization: Bearer $3" -H "X-Sipas-Kiosk: $2" --data-binary "@$4" "$HUB_URL$1"
}
# record ID VERSION [python edits of r]: an installation record in $T/rec.
record() {
  python3 - "$1" "$2" "${3:-}" > "$T/rec" <<'PY'
import json, sys
r = {"format": 1, "install_id": sys.argv[1], "version": sys.argv[2],
     "tested_at": 1790000000000, "result": "pass",
     "checks": [{"id": "hub", "status": "pass", "value": "HTTPS, 12 ms",
                 "message": "Hub đã xác nhận kiosk."}]}
exec(sys.argv[3])
sys.stdout.write(json.dumps(r, ensure_ascii=False))
PY
}
rows() { hub_sql "$HUB_DB" "SELECT count(*) FROM installations"; }
version_of() { hub_sql "$HUB_DB" "SELECT version FROM kiosks WHERE install_id = '$1'"; }
expect_status() { # WANT GOT WHAT
  [ "$2" = "$1" ] || { cat "$T/body" >&2; fail "$3: expected HTTP $1, got $2"; }
}

record "$A" 0.1.0
expect_status 200 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "a kiosk's own record"
[ "$(rows)" = 1 ] || fail "the record was not stored"

# Another kiosk's credentials cannot write a record for the victim.
record "$A" 9.9.9 'r["result"] = "fail"'
expect_status 403 "$(post /api/v1/installation "$B" "$B_SECRET" "$T/rec")" "B writing A's record"
expect_in "$T/body" "wrong-kiosk"
# ... nor can a guessed secret.
expect_status 401 "$(post /api/v1/installation "$A" "$B_SECRET" "$T/rec")" "A's id with B's secret"
[ "$(rows)" = 1 ] && [ "$(version_of "$A")" = 0.1.0 ] || fail "a refused record changed the hub"

# Malformed and hostile bodies: 4xx, nothing stored.
refuse() { # WHAT EDIT
  record "$A" 0.1.0 "$2"
  local got; got=$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")
  case "$got" in 4??) ;; *) cat "$T/body" >&2; fail "$1: expected a 4xx, got $got" ;; esac
  [ "$(rows)" = 1 ] || fail "$1: stored anyway"
}
refuse "control character in the version" 'r["version"] = "0.2\u0001"'
refuse "newline in the version" 'r["version"] = "0.2.0\nX"'
refuse "unknown key" 'r["extra"] = 1'
refuse "unknown check key" 'r["checks"][0]["html"] = "<b>"'
refuse "bad status" 'r["checks"][0]["status"] = "ok"'
refuse "bad result" 'r["result"] = "great"'
refuse "no checks" 'r["checks"] = []'
refuse "too many checks" 'r["checks"] = r["checks"] * 17'
refuse "control character in a message" 'r["checks"][0]["message"] = "a\u0007b"'
refuse "long value" 'r["checks"][0]["value"] = "x" * 97'
refuse "long message" 'r["checks"][0]["message"] = "ồ" * 200'
refuse "string as a number" 'r["tested_at"] = "1"'
refuse "wrong format" 'r["format"] = 2'
refuse "not an object" 'r = [r]'
refuse "invalid install id" 'r["install_id"] = "../etc"'
printf '{"format": 1, "format": 1}' > "$T/rec"
expect_status 400 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "duplicate keys"
printf '{"format": 1,' > "$T/rec"
expect_status 400 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "truncated JSON"
head -c 20000 /dev/zero | tr '\0' ' ' > "$T/rec"
expect_status 413 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "oversized body"
[ "$(rows)" = 1 ] && [ "$(version_of "$A")" = 0.1.0 ] || fail "a refused body changed the hub"

# An upgraded kiosk shows its new version: from its heartbeat ...
printf '{"version": "0.2.0"}' > "$T/hb"
expect_status 200 "$(post /api/v1/heartbeat "$A" "$A_SECRET" "$T/hb")" "heartbeat"
[ "$(version_of "$A")" = 0.2.0 ] || fail "the heartbeat's version was not kept"
printf '{"version": "0.3.0\\u001b[2J"}' > "$T/hb"
expect_status 400 "$(post /api/v1/heartbeat "$A" "$A_SECRET" "$T/hb")" "heartbeat version with ESC"
[ "$(version_of "$A")" = 0.2.0 ] || fail "a refused heartbeat changed the version"
# ... and from its installation record; B is untouched.
record "$A" 0.3.0
expect_status 200 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "record of 0.3.0"
curl -sS -H "Authorization: Bearer $TOKEN" "$HUB_URL/api/v1/kiosks" > "$T/kiosks.json"
python3 - "$T/kiosks.json" "$A" "$B" <<'PY' || fail "/api/v1/kiosks shows the wrong versions"
import json, sys
ks = {k["install_id"]: k for k in json.load(open(sys.argv[1]))["kiosks"]}
a, b = ks[sys.argv[2]], ks[sys.argv[3]]
assert a["version"] == "0.3.0", a["version"]
assert a["installation"]["version"] == "0.3.0", a["installation"]
assert b["version"] != "0.3.0" and b["installation"] is None, b
PY
# The real kiosk's path: B was enrolled by an older release; its next
# sync (a heartbeat: nothing pending) carries the version it runs now.
hub_sql "$HUB_DB" "UPDATE kiosks SET version = '0.0.9' WHERE install_id = '$B'"
DATA=$DATA_B; sync_ok
now=$("$CTL" --version 2>/dev/null | sed -n 's/^sipasctl \([^ ]*\).*/\1/p')
[ -n "$now" ] || now=$(sed -n 's/^#define SIPAS_VERSION "\(.*\)"/\1/p' "$ROOT/app/core/version.h")
[ "$(version_of "$B")" = "$now" ] || fail "after sync B shows $(version_of "$B"), not $now"

# A unit token outside the kiosk's unit sees none of it.
"$HUB" unit add XA-KHAC "UBND xã Khác" --db "$HUB_DB" 2>/dev/null
other=$("$HUB" token add --scope unit:XA-KHAC --db "$HUB_DB" 2>/dev/null)
curl -sS -H "Authorization: Bearer $other" "$HUB_URL/api/v1/kiosks" > "$T/kiosks.json"
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['kiosks']==[]" "$T/kiosks.json" ||
  fail "another unit's token sees the kiosks"

# The history is capped per kiosk: the newest 20 stay.
for i in $(seq 1 25); do
  record "$A" "0.3.$i"
  expect_status 200 "$(post /api/v1/installation "$A" "$A_SECRET" "$T/rec")" "record $i"
done
[ "$(hub_sql "$HUB_DB" "SELECT count(*) FROM installations WHERE install_id = '$A'")" = 20 ] ||
  fail "the history is not capped at 20"
[ "$(version_of "$A")" = 0.3.25 ] || fail "the newest record's version is not kept"
"$HUB" kiosk list --json --db "$HUB_DB" 2>/dev/null > "$T/list.json"
python3 - "$T/list.json" "$A" <<'PY' || fail "kiosk list --json lacks the latest record"
import json, sys
k = next(k for k in json.load(open(sys.argv[1])) if k["install_id"] == sys.argv[2])
assert k["installation"]["version"] == "0.3.25", k["installation"]
assert k["installation_at"], k
PY
echo ok
