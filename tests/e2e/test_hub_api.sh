# sipas-hub over real HTTP on loopback: admin commands, enrollment answers,
# ingest with replays and reordering, hostile requests that must change
# nothing, revocation, rate limit, a full disk, clean shutdown.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
YESTERDAY=$(TZ=Asia/Ho_Chi_Minh date -d yesterday +%F)
EARLIER=$(TZ=Asia/Ho_Chi_Minh date -d '3 days ago' +%F)

# ---- admin commands -------------------------------------------------------
"$HUB" --help > "$T/help"
grep -q enroll-code "$T/help" || fail "sipas-hub --help"
for c in serve unit enroll-code token kiosk audit; do
  "$HUB" $c --help > /dev/null || fail "$c --help"
done
rc=0; "$HUB" frobnicate 2> /dev/null || rc=$?; [ "$rc" = 2 ] || fail "unknown command exit $rc"
# A database that is not there is refused: on PostgreSQL one the server
# does not have (hub_db made $DB already), on SQLite a file not yet made.
case $DB in
  postgresql://*) missing=${DB%/*}/nosuch why="database \"nosuch\" does not exist" ;;
  *) missing=$DB why="no hub database" ;;
esac
rc=0; "$HUB" unit list --db "$missing" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -qF "$why" "$T/err" || fail "missing database: exit $rc: $(cat "$T/err")"
"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null
"$HUB" unit add HUYEN-A "Huyện A" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add XA-MINHTAN "UBND xã Minh Tân" --parent HUYEN-A --db "$DB" 2> /dev/null
"$HUB" unit add XA-KHAC "Xã Khác" --parent TINH --db "$DB" 2> /dev/null
rc=0; "$HUB" unit add XA-MOI "Mới" --parent NOPE --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "unit with missing parent: exit $rc"
rc=0; "$HUB" unit add TINH "again" --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "duplicate unit: exit $rc"
rc=0; "$HUB" unit add "bad code" "x" --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad unit code: exit $rc"
rc=0; "$HUB" unit add X --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "unit add without name: exit $rc"
[ "$("$HUB" unit list --db "$DB" 2> /dev/null | tail -n +2 | wc -l)" = 4 ] || fail "unit list"
"$HUB" unit list --db "$DB" 2> /dev/null | grep -q "^XA-MINHTAN	HUYEN-A	UBND xã Minh Tân$" || fail "unit list row"

CODE1=$("$HUB" enroll-code --unit XA-MINHTAN --db "$DB" 2> /dev/null)
CODE2=$("$HUB" enroll-code --unit XA-KHAC --ttl-hours 1 --db "$DB" 2> /dev/null)
EXPIRED=$("$HUB" enroll-code --unit XA-MINHTAN --ttl-hours 0 --db "$DB" 2> /dev/null)
[[ "$CODE1" =~ ^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$ ]] || fail "code format: $CODE1"
rc=0; "$HUB" enroll-code --unit NOPE --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "code for a missing unit: exit $rc"
hub_sql "$DB" "SELECT count(*) FROM enroll_codes" | grep -qx 3 || fail "codes stored"
hub_dump "$DB" > "$T/dump" && grep -q enroll_codes "$T/dump" || fail "no dump of the database"
! grep -q "$CODE1" "$T/dump" || fail "a code is stored in clear"
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
UTOKEN=$("$HUB" token add --scope unit:XA-KHAC --db "$DB" 2> /dev/null)
[[ "$TOKEN" =~ ^[0-9a-f]{64}$ ]] || fail "token format"
rc=0; "$HUB" token add --scope unit:NOPE --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "token for a missing unit: exit $rc"
rc=0; "$HUB" token add --scope everything --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "bad token scope: exit $rc"

# ---- serve, enroll -----------------------------------------------------------
hub_start "$DB" --rate-limit 1000
[[ "$HUB_URL" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "url $HUB_URL"
expect_status 200 "$(req GET /healthz)" "healthz"
[ "$(jget 'd["ok"]')" = True ] || fail "healthz body"

K1=$(new_install_id); K2=$(new_install_id)
enroll() { # CODE INSTALL_ID
  req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$1\", \"install_id\": \"$2\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}"
}
expect_status 200 "$(enroll "$CODE1" "$K1")" "enroll"
S1=$(jget 'd["secret"]')
[[ "$S1" =~ ^[0-9a-f]{64}$ ]] || fail "secret format"
[ "$(jget 'd["unit"]["code"]')" = XA-MINHTAN ] || fail "enroll unit"
[ "$(jget 'd["unit"]["name"]')" = "UBND xã Minh Tân" ] || fail "enroll unit name"
[ "$(jget 'd["install_id"] == "'"$K1"'" and d["hub_time"] > 1700000000000')" = True ] || fail "enroll echo"
expect_status 409 "$(enroll "$CODE1" "$K2")" "used code"
[ "$(jget 'd["error"]')" = code-used ] || fail "used code error"
expect_status 410 "$(enroll "$EXPIRED" "$K2")" "expired code"
[ "$(jget 'd["error"]')" = code-expired ] || fail "expired code error"
expect_status 404 "$(enroll "ZZZZ-ZZZZ-ZZZZ" "$K2")" "unknown code"
[ "$(jget 'd["error"]')" = unknown-code ] || fail "unknown code error"
expect_status 200 "$(enroll "$(echo "$CODE2" | tr 'A-Z-' 'a-z ')" "$K2")" "enroll, code typed in lower case"
S2=$(jget 'd["secret"]')
hub_dump "$DB" > "$T/dump" && grep -q kiosks "$T/dump" || fail "no dump of the database"
! grep -q "$S1" "$T/dump" || fail "a secret is stored in clear"

# ---- ingest, replays, reordering --------------------------------------------
ingest() { # INSTALL_ID SECRET BODY-FILE [curl options...]
  kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$3" "${@:4}"
}
stats() { # TOKEN QUERY
  req GET "/api/v1/stats?from=$EARLIER&to=$TODAY$2" -H "Authorization: Bearer $1"
}
python3 "$UPLOAD" "$K1" 10 "$YESTERDAY,$TODAY" --complete 12 --fives 7 --rows 20 --heartbeat > "$T/up10.json"
expect_status 200 "$(ingest "$K1" "$S1" "$T/up10.json")" "ingest"
[ "$(jget 'd["ok"] is True and d["upload_id"] == "'"$K1"':10" and d["upto_seq"] == 10')" = True ] || fail "ack"
[ "$(jget '[d["days"], d["stale_days"]]')" = "[2, 0]" ] || fail "ack days"
expect_status 200 "$(stats "$TOKEN" "")" "stats"
cp "$T/body" "$T/stats-first.json"
[ "$(jget 'd["groups"][0]["responses"]')" = 24 ] || fail "stats responses"
[ "$(jget '[q["counts"]["5"] for q in d["groups"][0]["questions"] if q["id"] == "overall"][0]')" = 14 ] || fail "stats fives"

for i in $(seq 1 100); do
  s=$(ingest "$K1" "$S1" "$T/up10.json")
  [ "$s" = 200 ] || fail "replay $i: HTTP $s"
done
expect_status 200 "$(stats "$TOKEN" "")" "stats after replays"
cmp -s "$T/body" "$T/stats-first.json" || fail "100 replays changed the totals: $(cat "$T/body")"

# Snapshots 30, 20 of the same days arrive after 40: all stale.
for seq in 40 30 20; do
  python3 "$UPLOAD" "$K1" $seq "$YESTERDAY,$TODAY" --complete $((seq)) --fives $((seq / 10)) > "$T/up$seq.json"
done
expect_status 200 "$(ingest "$K1" "$S1" "$T/up40.json")" "seq 40"
expect_status 200 "$(stats "$TOKEN" "")" "stats 40"
cp "$T/body" "$T/stats-40.json"
[ "$(jget 'd["groups"][0]["responses"]')" = 80 ] || fail "stats after seq 40"
for seq in 30 20 10; do
  expect_status 200 "$(ingest "$K1" "$S1" "$T/up$seq.json")" "late seq $seq"
  [ "$(jget 'd["stale_days"]')" = 2 ] || fail "seq $seq not stale"
done
expect_status 200 "$(stats "$TOKEN" "")" "stats after late uploads"
cmp -s "$T/body" "$T/stats-40.json" || fail "late uploads changed the totals"

python3 "$UPLOAD" "$K2" 5 "$TODAY" --unit XA-KHAC --complete 4 --fives 3 > "$T/k2.json"
expect_status 200 "$(ingest "$K2" "$S2" "$T/k2.json")" "second kiosk"
expect_status 200 "$(stats "$TOKEN" "&group=unit")" "stats by unit"
[ "$(jget '[(g["key"]["unit"], g["responses"]) for g in d["groups"]]')" = '[["XA-KHAC", 4], ["XA-MINHTAN", 80]]' ] || fail "stats by unit: $(cat "$T/body")"
expect_status 200 "$(stats "$UTOKEN" "")" "unit token"
[ "$(jget 'd["groups"][0]["responses"]')" = 4 ] || fail "unit token scope"
expect_status 403 "$(stats "$UTOKEN" "&unit=XA-MINHTAN")" "unit token outside its subtree"

# ---- hostile requests change nothing ----------------------------------------
before=$(db_digest "$DB")
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' > "$T/big.json"
python3 -c "print('[' * 100000 + ']' * 100000)" > "$T/deep.json"
head -c 8192 /dev/urandom > "$T/garbage.bin"
sed 's/"complete": 12/"complete": -12/' "$T/up10.json" > "$T/negative.json"
sed 's/"complete": 12/"complete": 99999999999999999999/' "$T/up10.json" > "$T/huge.json"
sed 's/"officer": "CB001"/"officer": "CB001'"'"'; DROP TABLE day_answers;--"/' "$T/up10.json" > "$T/sql.json"
python3 - "$T/up10.json" "$T/wrongkiosk.json" "$K2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["install_id"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"))
PY
expect_status 401 "$(req POST /api/v1/ingest -H 'Content-Type: application/json' --data-binary "@$T/up10.json")" "no auth"
grep -qi '^WWW-Authenticate: Bearer' "$T/headers" || fail "401 without WWW-Authenticate"
expect_status 401 "$(ingest "$K1" "$S2" "$T/up10.json")" "wrong secret"
expect_status 401 "$(ingest "$K2" "$S1" "$T/wrongkiosk.json")" "another kiosk's id, this kiosk's secret"
expect_status 403 "$(ingest "$K1" "$S1" "$T/wrongkiosk.json")" "body naming another kiosk"
expect_status 401 "$(kiosk_req POST /api/v1/ingest "$K1" "' OR 1=1 --" --data-binary "@$T/up10.json")" "SQL as a secret"
expect_status 413 "$(ingest "$K1" "$S1" "$T/big.json")" "2 MiB body"
expect_status 411 "$(ingest "$K1" "$S1" "$T/big.json" -H 'Transfer-Encoding: chunked')" "chunked body"
expect_status 400 "$(ingest "$K1" "$S1" "$T/deep.json")" "deeply nested JSON"
expect_status 400 "$(ingest "$K1" "$S1" "$T/garbage.bin")" "garbage bytes"
# each refusal names the value that was wrong, so it is that value that
# was refused (and not, say, the body as a whole)
refused() { # WHAT KEY
  [ "$(jget "d['error'] == 'bad-request' and '$2' in d['message']")" = True ] ||
    fail "$1: refused for another reason: $(cat "$T/body")"
}
expect_status 400 "$(ingest "$K1" "$S1" "$T/negative.json")" "negative count"
refused "negative count" complete
expect_status 400 "$(ingest "$K1" "$S1" "$T/huge.json")" "huge count"
refused "huge count" 99999999999999999999
expect_status 400 "$(ingest "$K1" "$S1" "$T/sql.json")" "SQL-looking officer code"
refused "SQL-looking officer code" officer
expect_status 415 "$(req POST /api/v1/ingest -H "Authorization: Bearer $S1" -H "X-Sipas-Kiosk: $K1" -H 'Content-Type: text/plain' --data-binary "@$T/up10.json")" "text/plain body"
expect_status 405 "$(req GET /api/v1/ingest)" "GET ingest"
grep -qi '^Allow: POST' "$T/headers" || fail "405 without Allow"
# HEAD is GET without a body: a monitor's probe is answered, not refused
[ "$(curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -I ${CURL_TLS:-} "$HUB_URL/healthz")" = 200 ] ||
  fail "HEAD /healthz not answered: $(head -1 "$T/headers")"
grep -qi '^Content-Type: application/json' "$T/headers" || fail "HEAD /healthz without GET's headers"
expect_status 405 "$(req DELETE /healthz)" "DELETE healthz"
grep -qi '^Allow: GET, HEAD' "$T/headers" || fail "405 on a GET endpoint without 'Allow: GET, HEAD'"
expect_status 404 "$(req GET /api/v1/nothing)" "unknown path"
expect_status 404 "$(req GET "/api/v1/stats/../../etc/passwd" --path-as-is)" "path traversal"
expect_status 401 "$(stats "$S1" "")" "kiosk secret as analyst token"
expect_status 400 "$(stats "$TOKEN" "&unit=XA'%20OR%201=1")" "SQL in a query parameter"
expect_status 400 "$(req POST /api/v1/enroll -H 'Content-Type: application/json' --data-binary "@$T/garbage.bin")" "garbage enrollment"
expect_status 400 "$(kiosk_req POST /api/v1/heartbeat "$K1" "$S1" --data-binary '{"pending": "lots"}')" "bad heartbeat"
after=$(db_digest "$DB")
[ "$before" = "$after" ] || fail "a refused request changed the database"

# ---- forgeries: a kiosk taken over, its sequence poisoned, another unit written
# A code of another unit does not take an active kiosk over.
CODE3=$("$HUB" enroll-code --unit XA-KHAC --db "$DB" 2> /dev/null)
expect_status 409 "$(enroll "$CODE3" "$K1")" "another unit's code for an enrolled kiosk"
[ "$(jget 'd["error"] == "other-unit" and "another unit" in d["message"]')" = True ] || fail "takeover refusal: $(cat "$T/body")"
[ "$(hub_sql "$DB" "SELECT unit FROM kiosks WHERE install_id = '$K1'")" = XA-MINHTAN ] || fail "takeover changed the unit"
[ "$(hub_sql "$DB" "SELECT count(*) FROM audit WHERE action = 'kiosk.enroll-refused'")" = 1 ] || fail "refused takeover not audited"
before=$(db_digest "$DB")
# One upload at upto_seq 2^53 would make every genuine later one stale.
python3 "$UPLOAD" "$K1" 9007199254740992 "$YESTERDAY,$TODAY" --complete 999 > "$T/poison.json"
expect_status 409 "$(ingest "$K1" "$S1" "$T/poison.json")" "upto_seq far above the kiosk's highest"
[ "$(jget 'd["error"] == "implausible-seq" and "upto_seq" in d["message"]')" = True ] || fail "poison refusal: $(cat "$T/body")"
# Rows of another unit the hub knows: the whole upload is refused.
python3 "$UPLOAD" "$K1" 41 "$TODAY" --unit XA-KHAC --complete 1000000 > "$T/foreign.json"
expect_status 403 "$(ingest "$K1" "$S1" "$T/foreign.json")" "rows of another unit"
[ "$(jget 'd["error"] == "wrong-unit" and "days[0].responses[0].unit" in d["message"]')" = True ] || fail "foreign rows refusal: $(cat "$T/body")"
[ "$(db_digest "$DB")" = "$before" ] || fail "a forged upload changed the database"
# The kiosk's own secret still works, and its uploads are not stale.
expect_status 200 "$(ingest "$K1" "$S1" "$T/up40.json")" "genuine upload after forgeries"
[ "$(jget 'd["stale_days"]')" = 0 ] || fail "genuine upload stale after forgeries"
expect_status 200 "$(stats "$TOKEN" "&group=unit")" "stats after forgeries"
[ "$(jget '[(g["key"]["unit"], g["responses"]) for g in d["groups"]]')" = '[["XA-KHAC", 4], ["XA-MINHTAN", 80]]' ] || fail "forgeries changed the figures: $(cat "$T/body")"

# ---- revocation: refused, data kept -----------------------------------------
"$HUB" kiosk revoke "$K1" --db "$DB" 2> /dev/null
expect_status 403 "$(ingest "$K1" "$S1" "$T/up40.json")" "revoked kiosk"
[ "$(jget 'd["error"]')" = revoked ] || fail "revoked error code"
expect_status 403 "$(kiosk_req POST /api/v1/heartbeat "$K1" "$S1" --data-binary '{}')" "revoked heartbeat"
expect_status 200 "$(stats "$TOKEN" "&unit=XA-MINHTAN")" "stats after revocation"
[ "$(jget 'd["groups"][0]["responses"]')" = 80 ] || fail "revoked kiosk's data gone"
"$HUB" kiosk list --json --db "$DB" 2> /dev/null > "$T/body"
[ "$(jget '[k["revoked_at"] is not None for k in d if k["install_id"] == "'"$K1"'"][0]')" = True ] || fail "kiosk list revoked"
[ "$(jget '[k["heartbeat"]["acked_seq"] for k in d if k["install_id"] == "'"$K1"'"][0]')" = 10 ] || fail "kiosk list heartbeat"
"$HUB" kiosk list --db "$DB" 2> /dev/null > "$T/list"
grep "^$K1" "$T/list" | grep -q "clock synced" || fail "kiosk list text"
rc=0; "$HUB" kiosk revoke 00000000000000000000000000000000 --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "revoking an unknown kiosk: exit $rc"
"$HUB" audit --db "$DB" 2> /dev/null > "$T/audit"
for a in unit.add enroll-code.add token.add kiosk.enroll kiosk.revoke kiosk.list; do
  grep -q "	$a	" "$T/audit" || fail "no audit row $a"
done
! grep -q "$S1\|$CODE1\|$TOKEN" "$T/audit" || fail "a secret in the audit trail"
hub_stop

# ---- rate limit ---------------------------------------------------------------
hub_start "$DB" --rate-limit 3
for i in 1 2 3; do
  expect_status 200 "$(kiosk_req POST /api/v1/heartbeat "$K2" "$S2" --data-binary '{"pending": 0}')" "heartbeat $i"
done
expect_status 429 "$(kiosk_req POST /api/v1/heartbeat "$K2" "$S2" --data-binary '{"pending": 0}')" "fourth heartbeat in a minute"
grep -qi '^Retry-After: [0-9]' "$T/headers" || fail "429 without Retry-After"
hub_stop

# ---- a full disk: 503, nothing half-written --------------------------------
# On PostgreSQL the server's disk is the server's to watch (docs/HUB.md):
# no cap, no reserve, and /healthz says so with nulls.
if [ "$HUB_BACKEND" = pg ]; then
hub_start "$DB" --max-db-kb 1 --min-free-mb 1
expect_status 200 "$(req GET /healthz)" "healthz on PostgreSQL"
[ "$(jget '[d["free_mb"], d["reserve_mb"]]')" = '[null, null]' ] ||
  fail "PostgreSQL's healthz speaks of a disk: $(cat "$T/body")"
python3 "$UPLOAD" "$K2" 900 "$YESTERDAY,$TODAY" --unit XA-KHAC --complete 9 --rows 1500 > "$T/full.json"
expect_status 200 "$(ingest "$K2" "$S2" "$T/full.json")" "ingest with SQLite's cap on PostgreSQL"
else
hub_start "$DB" --max-db-kb 1
python3 "$UPLOAD" "$K2" 900 "$YESTERDAY,$TODAY" --unit XA-KHAC --complete 9 --rows 1500 > "$T/full.json"
before=$(db_digest "$DB")
expect_status 503 "$(ingest "$K2" "$S2" "$T/full.json")" "ingest on a full disk"
[ "$(jget 'd["error"]')" = storage-full ] || fail "storage-full code"
grep -qi '^Retry-After: [0-9]' "$T/headers" || fail "503 without Retry-After"
[ "$(db_digest "$DB")" = "$before" ] || fail "a failed upload left rows behind"
expect_status 200 "$(req GET /healthz)" "healthz on a full disk"
fi
hub_stop
[ "$(hub_check "$DB")" = ok ] || fail "integrity"
echo ok
