# Attacks on the hub's analyst side and on enrollment, over real HTTP on
# loopback: scopes after a unit merge, tokens that expire and rotate, the
# audit of every token use and enrollment attempt, enrollment limits per
# code and per address, and client addresses behind a trusted proxy.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
DAY=86400

enroll() { # CODE INSTALL_ID [curl options...]
  local code=$1 id=$2
  shift 2
  req POST /api/v1/enroll -H 'Content-Type: application/json' "$@" \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}"
}
analyst() { # TOKEN PATH
  req GET "$2" -H "Authorization: Bearer $1"
}
# Python takes a second to start on a loaded machine: answers are checked
# with grep on the hub's compact JSON instead.
expect() { # WANT GOT WHAT [ERROR-CODE]
  [ "$2" = "$1" ] || fail "$3: expected HTTP $1, got $2: $(head -c 300 "$T/body")"
  [ -z "${4:-}" ] || grep -q "^{\"error\":\"$4\",\"message\":\"[^\"]" "$T/body" ||
    fail "$3: expected error $4: $(head -c 300 "$T/body")"
}
# The install ids of a /api/v1/kiosks answer, space-separated.
kiosk_ids() { grep -o '"install_id":"[0-9a-f]*"' "$T/body" | cut -d'"' -f4 | sort | tr '\n' ' '; }
# The units of a /api/v1/completeness answer as CODE:PARENT:KIOSKS.
compl_units() {
  grep -o '{"code":"[^"]*","name":"[^"]*","parent":[^,]*,"depth":[0-9]*,"kiosks":[0-9]*' "$T/body" |
    sed 's/{"code":"\([^"]*\)",.*"parent":"\{0,1\}\([^",]*\)"\{0,1\},.*"kiosks":\([0-9]*\)/\1:\2:\3/; s/:null:/:-:/' |
    sort | tr '\n' ' '
}

# ---- a merged unit's kiosks belong to the unit it joined ---------------------
"$HUB" unit add TINH "Tỉnh" --db "$DB" 2> /dev/null
"$HUB" unit add HA "Huyện A" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add HB "Huyện B" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add XA-CU "Xã cũ" --parent HA --db "$DB" 2> /dev/null
"$HUB" unit add XA-MOI "Xã mới" --parent HB --db "$DB" 2> /dev/null
TOK_HA=$("$HUB" token add --scope unit:HA --db "$DB" 2> /dev/null)
TOK_HB=$("$HUB" token add --scope unit:HB --db "$DB" 2> /dev/null)
CODE=$("$HUB" enroll-code --unit XA-CU --db "$DB" 2> /dev/null)
K1=$(new_install_id)
hub_start "$DB" --quiet
expect 200 "$(enroll "$CODE" "$K1")" "enroll in XA-CU"
expect 200 "$(analyst "$TOK_HA" /api/v1/kiosks)" "HA kiosks before the merge"
[ "$(kiosk_ids)" = "$K1 " ] || fail "HA sees its kiosk before the merge"
"$HUB" unit merge XA-CU --into XA-MOI --from "$TODAY" --db "$DB" 2> /dev/null || fail "merge"

expect 200 "$(analyst "$TOK_HA" /api/v1/kiosks)" "HA kiosks after the merge"
[ "$(kiosk_ids)" = "" ] || fail "the old parent still lists the merged unit's kiosk: $(cat "$T/body")"
expect 200 "$(analyst "$TOK_HB" /api/v1/kiosks)" "HB kiosks after the merge"
[ "$(kiosk_ids)" = "$K1 " ] || fail "the new parent does not see the kiosk: $(cat "$T/body")"
expect 200 "$(analyst "$TOK_HA" "/api/v1/completeness?from=$TODAY&to=$TODAY")" "HA completeness"
[ "$(compl_units)" = "HA:TINH:0 " ] || fail "HA completeness still holds XA-CU: $(compl_units)"
expect 200 "$(analyst "$TOK_HB" "/api/v1/completeness?from=$TODAY&to=$TODAY")" "HB completeness"
[ "$(compl_units)" = "HB:TINH:1 XA-CU:XA-MOI:1 XA-MOI:HB:1 " ] || fail "HB completeness: $(compl_units)"
expect 403 "$(analyst "$TOK_HA" "/api/v1/kiosks?unit=XA-CU")" "HA asking for the merged unit"
expect 200 "$(analyst "$TOK_HB" "/api/v1/kiosks?unit=XA-CU")" "HB asking for the merged unit"
hub_stop

# ---- tokens expire, rotate, and every use is audited ----------------------
# The hub's clock is moved with SIPAS_CLOCK_OFFSET_S, never the real date.
TOK_SHORT=$("$HUB" token add --scope province --expires-days 2 --db "$DB" 2> /dev/null)
ID_SHORT=$(hub_sql "$DB" "SELECT max(id) FROM tokens")
ID_HB=$(hub_sql "$DB" "SELECT id FROM tokens WHERE scope_unit = 'HB'")
rc=0; "$HUB" token add --scope province --expires-days 0 --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "a token that never works: exit $rc"
rc=0; "$HUB" token add --scope province --expires-days 100000 --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "a token for ever: exit $rc"
hub_start "$DB" --quiet
expect 200 "$(analyst "$TOK_SHORT" /api/v1/units)" "a fresh token"
expect 401 "$(req GET /api/v1/units)" "no token"
expect 401 "$(analyst "$(printf 'f%.0s' $(seq 64))" /api/v1/units)" "a guessed token"
hub_stop
SIPAS_CLOCK_OFFSET_S=$((3 * DAY)) hub_start "$DB" --quiet
expect 401 "$(analyst "$TOK_SHORT" /api/v1/units)" "a token three days into its two" token-expired
grep -qi '^WWW-Authenticate: Bearer' "$T/headers" || fail "expired token without WWW-Authenticate"
expect 200 "$(analyst "$TOK_HB" /api/v1/units)" "a 90-day token on day 3"
hub_stop

# Rotation: the old token works through the overlap, then stops.
NEW_HB=$("$HUB" token rotate "$ID_HB" --db "$DB" 2> "$T/err") || fail "rotate: $(cat "$T/err")"
[[ "$NEW_HB" =~ ^[0-9a-f]{64}$ ]] && [ "$NEW_HB" != "$TOK_HB" ] || fail "rotate printed no new token"
hub_start "$DB" --quiet
expect 200 "$(analyst "$TOK_HB" /api/v1/kiosks)" "the old token within the overlap"
expect 200 "$(analyst "$NEW_HB" /api/v1/kiosks)" "the rotated token"
[ "$(kiosk_ids)" = "$K1 " ] || fail "the rotated token lost the scope"
hub_stop
SIPAS_CLOCK_OFFSET_S=$((2 * DAY)) hub_start "$DB" --quiet
expect 401 "$(analyst "$TOK_HB" /api/v1/kiosks)" "the old token after the overlap" token-expired
expect 200 "$(analyst "$NEW_HB" /api/v1/kiosks)" "the rotated token after the overlap"
hub_stop
# A leaked token is rotated with no overlap: refused at once.
ID_NEW=$(hub_sql "$DB" "SELECT replaced_by FROM tokens WHERE id = $ID_HB")
NEWER=$("$HUB" token rotate "$ID_NEW" --overlap-hours 0 --db "$DB" 2> /dev/null) || fail "rotate at once"
rc=0; "$HUB" token rotate "$ID_NEW" --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 1 ] || fail "rotating a revoked token: exit $rc"
hub_start "$DB" --quiet
expect 401 "$(analyst "$NEW_HB" /api/v1/kiosks)" "a token rotated with no overlap"
expect 200 "$(analyst "$NEWER" /api/v1/kiosks)" "its successor"
hub_stop
"$HUB" token list --db "$DB" 2> /dev/null > "$T/list"
head -1 "$T/list" | grep -q "^ID	SCOPE	CREATED	EXPIRES	LAST-USED	REVOKED	REPLACED-BY	ROLE$" || fail "token list header: $(head -1 "$T/list")"
grep -q "^$ID_HB	unit:HB	[^	]*	[^-][^	]*	[^-][^	]*	-	$ID_NEW	analyst$" "$T/list" || fail "token list row of a rotated token: $(cat "$T/list")"
grep -q "^$ID_NEW	unit:HB	.*	[^-][^	]*	$((ID_NEW + 1))	analyst$" "$T/list" || fail "token list row of a revoked token: $(cat "$T/list")"
"$HUB" audit --limit 1000 --db "$DB" 2> /dev/null > "$T/audit"
grep -q "	api:127.0.0.1	token.use	id=$ID_SHORT GET /api/v1/units 200$" "$T/audit" || fail "token use not audited: $(cat "$T/audit")"
grep -q "	api:127.0.0.1	token.refused	id=$ID_SHORT GET /api/v1/units 401 token-expired$" "$T/audit" || fail "expired token use not audited"
grep -q "	api:127.0.0.1	token.refused	id=0 GET /api/v1/units 401 unauthorized$" "$T/audit" || fail "refused guess not audited"
grep -q "	token.rotate	id=$ID_HB new=$ID_NEW overlap_h=24 days=90$" "$T/audit" || fail "rotation not audited"
! grep -q "$TOK_HB\|$NEW_HB\|$TOK_SHORT\|$CODE" "$T/audit" || fail "a secret in the audit trail"

# A database from before expiry existed: its tokens get 90 days from the
# upgrade, not from their creation. An SQLite file on either backend: no
# PostgreSQL schema predates expiry; the fresh file is the version wanted.
OLD="$T/old.db"
"$HUB" unit add TINH "Tỉnh" --db "$T/fresh.db" 2> /dev/null
"$HUB" unit add TINH "Tỉnh" --db "$OLD" 2> /dev/null
OLD_TOK=$("$HUB" token add --scope province --db "$OLD" 2> /dev/null)
sqlite3 "$OLD" "ALTER TABLE tokens DROP COLUMN expires_at; ALTER TABLE tokens DROP COLUMN last_used_at;
  ALTER TABLE tokens DROP COLUMN replaced_by; ALTER TABLE tokens DROP COLUMN audit; DROP TABLE dossier_ratings; UPDATE tokens SET created_at = created_at - 400 * 86400000;
  PRAGMA user_version = 2"
SIPAS_CLOCK_OFFSET_S=$((10 * DAY)) "$HUB" token list --db "$OLD" > /dev/null 2>&1 || fail "migrating tokens"
[ "$(sqlite3 "$OLD" "PRAGMA user_version")" = "$(sqlite3 "$T/fresh.db" "PRAGMA user_version")" ] ||
  fail "schema version after migration"
[ "$(sqlite3 "$OLD" "SELECT audit FROM tokens")" = 0 ] || fail "an old token is an ordinary one after the upgrade"
SIPAS_CLOCK_OFFSET_S=$((99 * DAY)) hub_start "$OLD" --quiet
expect 200 "$(analyst "$OLD_TOK" /api/v1/units)" "an old token 89 days after the upgrade"
hub_stop
SIPAS_CLOCK_OFFSET_S=$((101 * DAY)) hub_start "$OLD" --quiet
expect 401 "$(analyst "$OLD_TOK" /api/v1/units)" "an old token 91 days after the upgrade" token-expired
hub_stop

# ---- enrollment behind a proxy ------------------------------------------------
# The test's curl is the proxy: 127.0.0.1 is trusted, the client is named
# in X-Forwarded-For. One address's bogus attempts use up its allowance
# only, not every client's behind the proxy.
"$HUB" unit add XA-KHAC "Xã khác" --parent HA --db "$DB" 2> /dev/null
HONEST=$("$HUB" enroll-code --unit XA-KHAC --db "$DB" 2> /dev/null)
hub_start "$DB" --quiet --rate-limit 5 --trusted-proxy 10.9.0.0/16,127.0.0.1
for i in 1 2 3 4 5; do
  expect 404 "$(enroll ZZZZ-ZZZZ-ZZZ$i "$(new_install_id)" -H 'X-Forwarded-For: 198.51.100.7')" "bogus attempt $i"
done
expect 429 "$(enroll ZZZZ-ZZZZ-ZZZY "$(new_install_id)" -H 'X-Forwarded-For: 198.51.100.7')" "sixth bogus attempt in a minute"
# Prepending an address of one's own choosing does not escape the limit:
# the right-most hop that is not a trusted proxy is the client.
expect 429 "$(enroll ZZZZ-ZZZZ-ZZZY "$(new_install_id)" -H 'X-Forwarded-For: 203.0.113.77, 198.51.100.7')" "a forged hop on the left"
expect 429 "$(enroll ZZZZ-ZZZZ-ZZZY "$(new_install_id)" -H 'X-Forwarded-For: 203.0.113.77, 198.51.100.7, 10.9.3.4')" "behind two proxies"
# A proxy that adds its own header line after the client's: lines join in order.
expect 429 "$(enroll ZZZZ-ZZZZ-ZZZY "$(new_install_id)" -H 'X-Forwarded-For: 203.0.113.78' -H 'X-Forwarded-For: 198.51.100.7')" "a forged header line"
K3=$(new_install_id)
expect 200 "$(enroll "$HONEST" "$K3" -H 'X-Forwarded-For: 203.0.113.9')" "an honest kiosk behind the same proxy"
hub_stop
"$HUB" audit --limit 1000 --db "$DB" 2> /dev/null > "$T/audit"
grep -q "	api:198.51.100.7	kiosk.enroll-failed	install_id=[0-9a-f]* code_id=- unit=-: unknown-code$" "$T/audit" || fail "bogus attempt not audited with its address: $(tail -5 "$T/audit")"
grep -q "	api:198.51.100.7	kiosk.enroll-failed	install_id=- code_id=- unit=-: rate-limited$" "$T/audit" || fail "refused attempt not audited"
grep -q "	api:203.0.113.9	kiosk.enroll	install_id=$K3 code_id=[0-9]* unit=XA-KHAC " "$T/audit" || fail "enrollment not audited with its address"
! grep -q "$HONEST" "$T/audit" || fail "a code in the audit trail"

# Without --trusted-proxy (or from a peer not listed) the headers are
# ignored: a client cannot take a fresh address per request.
for opts in "" "--trusted-proxy 10.9.0.1"; do
  hub_start "$DB" --quiet --rate-limit 5 $opts
  for i in 1 2 3 4 5; do
    expect 404 "$(enroll ZZZZ-ZZZZ-ZZZ$i "$(new_install_id)" -H "X-Forwarded-For: 198.51.100.$i" -H "X-Real-IP: 198.51.100.$i")" "spoofed attempt $i ($opts)"
  done
  expect 429 "$(enroll ZZZZ-ZZZZ-ZZZY "$(new_install_id)" -H 'X-Forwarded-For: 198.51.100.99' -H 'X-Real-IP: 198.51.100.99')" "a sixth spoofed address ($opts)"
  hub_stop
done

# ---- brute force on one code ------------------------------------------------------
# A live code of XA-KHAC tried against kiosks of other units: each try
# tells whether an install id is enrolled elsewhere (409), so after ten
# failures the code is locked for the hour, whoever asks.
PROBED=$("$HUB" enroll-code --unit XA-KHAC --db "$DB" 2> /dev/null)
OTHER=$("$HUB" enroll-code --unit XA-KHAC --db "$DB" 2> /dev/null)
hub_start "$DB" --quiet
for i in $(seq 1 10); do
  expect 409 "$(enroll "$PROBED" "$K1")" "probe $i"
done
expect 429 "$(enroll "$PROBED" "$(new_install_id)")" "the probed code after ten failures" code-locked
grep -qi '^Retry-After: [0-9]' "$T/headers" || fail "code-locked without Retry-After"
expect 200 "$(enroll "$OTHER" "$(new_install_id)")" "another code of the same unit"
# Failed kiosk authentication is audited; an accepted request is not.
expect 401 "$(req POST /api/v1/heartbeat -H "X-Sipas-Kiosk: $K1" -H "Authorization: Bearer $(printf '0%.0s' $(seq 64))" -H 'Content-Type: application/json' --data-binary '{}')" "a wrong kiosk secret"
hub_stop
"$HUB" audit --limit 1000 --db "$DB" 2> /dev/null > "$T/audit"
[ "$(grep -c "	kiosk.enroll-refused	install_id=$K1 code_id=[0-9]* unit=XA-KHAC: other-unit$" "$T/audit")" = 10 ] || fail "probes not audited"
grep -q "	kiosk.enroll-failed	install_id=[0-9a-f]* code_id=[0-9]* unit=XA-KHAC: code-locked$" "$T/audit" || fail "locked attempt not audited"
grep -q "	api:127.0.0.1	kiosk.auth-refused	install_id=$K1 POST /api/v1/heartbeat: unknown kiosk or wrong secret$" "$T/audit" || fail "failed kiosk authentication not audited"
! grep -q "$PROBED\|$OTHER" "$T/audit" || fail "a code in the audit trail"

echo "test_hub_tokens: ok"
