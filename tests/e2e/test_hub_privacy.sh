# Officer privacy over real HTTP: a counter served by one officer who had
# too few ratings is withheld under group=counter and group=day as under
# group=officer; min_group below the server's floor is refused to an
# ordinary token (400, nothing changed) and allowed to an audit token,
# each such answer on the audit trail; serve --min-group-floor moves the
# floor.
. "$(dirname "$0")/../hub/lib.sh"
DB=$(hub_db hub)
Y=$(( $(TZ=Asia/Ho_Chi_Minh date +%Y) - 1 )) # last year: always in the past

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null
"$HUB" unit add HA "Huyện A" --parent TINH --db "$DB" 2> /dev/null
"$HUB" unit add XA1 "Xã 1" --parent HA --db "$DB" 2> /dev/null
CODE1=$("$HUB" enroll-code --unit XA1 --db "$DB" 2> /dev/null)
CODE2=$("$HUB" enroll-code --unit XA1 --db "$DB" 2> /dev/null)
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null)
AUDIT=$("$HUB" token add --scope province --audit --db "$DB" 2> /dev/null) || fail "token add --audit"
[ ${#AUDIT} = 64 ] || fail "an audit token: $AUDIT"
ID_TOKEN=$(hub_sql "$DB" "SELECT max(id) - 1 FROM tokens")
ID_AUDIT=$(hub_sql "$DB" "SELECT max(id) FROM tokens")

# ---- the audit role: the province's only, shown in token list ---------------
rc=0; "$HUB" token add --scope unit:HA --audit --db "$DB" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 2 ] && grep -q "province" "$T/err" || fail "an audit unit token: exit $rc, $(cat "$T/err")"
"$HUB" token list --db "$DB" 2> /dev/null > "$T/list"
grep -q "^$ID_TOKEN	province	.*	analyst$" "$T/list" || fail "an ordinary token listed: $(cat "$T/list")"
grep -q "^$ID_AUDIT	province	.*	audit$" "$T/list" || fail "the audit token listed: $(cat "$T/list")"
[ "$(wc -l < "$T/list")" = 3 ] || fail "token list: $(cat "$T/list")"
rc=0; "$HUB" serve --db "$DB" --listen 127.0.0.1:0 --min-group-floor 0 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--min-group-floor 0: exit $rc"

hub_start "$DB" --rate-limit 1000 --quiet

enroll() { # CODE INSTALL_ID COUNTER
  req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$1\", \"install_id\": \"$2\", \"counter\": \"$3\", \"version\": \"0.1.0\"}"
}
K1=$(new_install_id); K2=$(new_install_id)
expect_status 200 "$(enroll "$CODE1" "$K1" "Quầy 1")" "enroll K1"
S1=$(jget 'd["secret"]')
expect_status 200 "$(enroll "$CODE2" "$K2" "Quầy 2")" "enroll K2"
S2=$(jget 'd["secret"]')

upload() { # INSTALL_ID SECRET SEQ DAY COUNTER OFFICER COMPLETE FIVES
  python3 "$UPLOAD" "$1" "$3" "$4" --unit XA1 --counter "$5" --officer "$6" \
    --complete "$7" --fives "$8" > "$T/up.json"
  kiosk_req POST /api/v1/ingest "$1" "$2" --data-binary "@$T/up.json"
}
# Quầy 1: CB-BUSY, 10 ratings on the 5th. Quầy 2: CB-ALONE, 3 on the 6th.
expect_status 200 "$(upload "$K1" "$S1" 4 "$Y-05-05" "Quầy 1" CB-BUSY 10 8)" "upload K1"
expect_status 200 "$(upload "$K2" "$S2" 9 "$Y-05-06" "Quầy 2" CB-ALONE 3 3)" "upload K2"

stats() { # TOKEN QUERY
  req GET "/api/v1/stats?$2" -H "Authorization: Bearer $1"
}
# [key, responses, suppressed_group, fives or None] per group (JSON with
# \u escapes: "Qu\u1ea7y 1" is Quầy 1).
SHAPE='[[g["key"].get(k) for k in ("officer", "counter", "period") if k in g["key"]] + [g["responses"], g["suppressed_group"], ([q["counts"]["5"] for q in g["questions"] if q["id"] == "overall"] or [None])[0] if "questions" in g else None] for g in d["groups"]]'

# ---- the default floor: CB-ALONE hidden in every grouping ---------------------
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=officer")" "by officer"
[ "$(jget "$SHAPE")" = '[["CB-ALONE", 3, true, null], ["CB-BUSY", 10, false, 8]]' ] ||
  fail "by officer: $(jget "$SHAPE")"
[ "$(jget 'd["min_group"]')" = 5 ] || fail "the default min_group is the floor"
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=counter")" "by counter"
[ "$(jget "$SHAPE")" = '[["Qu\u1ea7y 1", 10, false, 8], ["Qu\u1ea7y 2", 3, true, null]]' ] ||
  fail "a single-officer counter under group=counter: $(jget "$SHAPE")"
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=day")" "by day"
[ "$(jget "$SHAPE")" = "[[\"$Y-05-05\", 10, false, 8], [\"$Y-05-06\", 3, true, null]]" ] ||
  fail "a single-officer counter under group=day: $(jget "$SHAPE")"
# The unit less CB-BUSY would be CB-ALONE: withheld too; the 5th alone is not.
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=unit")" "by unit"
[ "$(jget "$SHAPE")" = '[[13, true, null]]' ] ||
  fail "the unit of a hidden officer: $(jget "$SHAPE")"
expect_status 200 "$(stats "$TOKEN" "period=$Y-05-05")" "the 5th"
[ "$(jget "$SHAPE")" = '[[10, false, 8]]' ] || fail "the 5th alone: $(jget "$SHAPE")"
# CSV carries no figure of a withheld group either.
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=counter&format=csv")" "CSV by counter"
grep -a '^XA1/Quầy 2,' "$T/body" > "$T/rows" || fail "CSV: no row for Quầy 2: $(cat "$T/body")"
[ "$(wc -l < "$T/rows")" = 1 ] && ! grep -q ',overall,' "$T/rows" || fail "CSV: figures of a withheld counter: $(cat "$T/rows")"

# ---- below the floor: refused to an ordinary token, nothing changed --------------
BEFORE=$(db_digest "$DB")
for m in 1 4; do
  expect_status 400 "$(stats "$TOKEN" "period=$Y-05&group=officer&min_group=$m")" "min_group=$m, ordinary token"
  [ "$(jget 'd["error"]')" = bad-request ] || fail "min_group=$m: $(cat "$T/body")"
  grep -q "below this server's floor of 5" "$T/body" || fail "min_group=$m: unclear message: $(cat "$T/body")"
done
[ "$(db_digest "$DB")" = "$BEFORE" ] || fail "a refused request changed the database"
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=counter&min_group=6")" "min_group above the floor"
[ "$(jget "$SHAPE")" = '[["Qu\u1ea7y 1", 10, false, 8], ["Qu\u1ea7y 2", 3, true, null]]' ] || fail "min_group=6: $(jget "$SHAPE")"

# ---- an audit token goes down to 1, on the record ------------------------------
expect_status 200 "$(stats "$AUDIT" "period=$Y-05&group=counter&min_group=1")" "audit token at 1"
[ "$(jget "$SHAPE")" = '[["Qu\u1ea7y 1", 10, false, 8], ["Qu\u1ea7y 2", 3, false, 3]]' ] ||
  fail "the audit token's counters: $(jget "$SHAPE")"
expect_status 200 "$(stats "$AUDIT" "period=$Y-05&group=officer&min_group=3")" "audit token at 3"
[ "$(jget "$SHAPE")" = '[["CB-ALONE", 3, false, 3], ["CB-BUSY", 10, false, 8]]' ] ||
  fail "the audit token's officers: $(jget "$SHAPE")"
expect_status 400 "$(stats "$AUDIT" "period=$Y-05&min_group=0")" "audit token at 0"
expect_status 200 "$(stats "$AUDIT" "period=$Y-05&group=day")" "audit token at the floor"
[ "$(jget "$SHAPE")" = "[[\"$Y-05-05\", 10, false, 8], [\"$Y-05-06\", 3, true, null]]" ] ||
  fail "the audit token at the floor: $(jget "$SHAPE")"
hub_stop

"$HUB" audit --limit 1000 --db "$DB" 2> /dev/null > "$T/audit"
grep "stats.below-floor" "$T/audit" > "$T/below" || fail "no below-floor answer audited: $(cat "$T/audit")"
[ "$(wc -l < "$T/below")" = 2 ] || fail "below-floor rows: $(cat "$T/below")"
grep -q "	api:127.0.0.1	stats.below-floor	id=$ID_AUDIT min_group=1 floor=5 from=$Y-05-01 to=$Y-05-31 unit=- group=counter$" "$T/below" ||
  fail "the first below-floor answer: $(cat "$T/below")"
grep -q "	stats.below-floor	id=$ID_AUDIT min_group=3 floor=5 .* group=officer$" "$T/below" ||
  fail "the second below-floor answer: $(cat "$T/below")"
grep -q "	token.refused	id=$ID_TOKEN GET /api/v1/stats 400 bad-request$" "$T/audit" ||
  fail "the ordinary token's refusal not audited: $(cat "$T/audit")"
! grep -q "$TOKEN\|$AUDIT" "$T/audit" || fail "a token in the audit trail"

# ---- the operator moves the floor --------------------------------------------------
hub_start "$DB" --quiet --min-group-floor 3
expect_status 200 "$(stats "$TOKEN" "period=$Y-05&group=counter")" "floor 3"
[ "$(jget 'd["min_group"]')" = 3 ] || fail "the default min_group with floor 3"
[ "$(jget "$SHAPE")" = '[["Qu\u1ea7y 1", 10, false, 8], ["Qu\u1ea7y 2", 3, false, 3]]' ] ||
  fail "floor 3: $(jget "$SHAPE")"
expect_status 400 "$(stats "$TOKEN" "period=$Y-05&min_group=2")" "below floor 3"
grep -q "floor of 3" "$T/body" || fail "floor 3: $(cat "$T/body")"
hub_stop
echo ok
