# sipas-hub serve on a PostgreSQL server of the test's own: healthz with
# the server's own check, the month partitions made at start on the
# hub's clock, enrollment (a code used once), heartbeat, units, tokens
# (revoked by the admin command while serving), statistics on an empty
# database, the dashboard; an upload written and summed, and the same
# upload again changing nothing. Then `sipas-hub partitions`: an old month added,
# listed, detached and archived (audited) while the current month's
# completeness and statistics stay byte for byte; the current month
# refused; an archived month not made again; SQLite has none. Statistics
# from a second database with --read-db (its schema checked, never
# written; tokens and units still from --db). Skips only when
# PostgreSQL's binaries are missing.
. "$(dirname "$0")/../hub/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"
rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "no PostgreSQL server for the test"
trap 'hub_cleanup; pg_env_stop' EXIT
DB=$PG_ENV_URI
psql_q() { "$PG_ENV_BIN/psql" "$DB" -XAtqc "$1"; }

# The hub's clock 400 days ahead: the partitions follow it, not the date.
export SIPAS_CLOCK_OFFSET_S=$((400 * 86400))
MONTHS=$(python3 -c '
import time, sys
t = time.time() + 400 * 86400 + 7 * 3600
y, m = time.gmtime(t)[:2]
for k in range(3):
    yy, mm = y + (m - 1 + k) // 12, (m - 1 + k) % 12 + 1
    print("%04d_%02d" % (yy, mm))')

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null || fail "unit add on PostgreSQL"
"$HUB" unit add XA-A "Xã A" --parent TINH --db "$DB" 2> /dev/null || fail "unit add child"
CODE=$("$HUB" enroll-code --unit XA-A --db "$DB" 2> /dev/null) || fail "enroll-code"
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null) || fail "token add"
UTOKEN=$("$HUB" token add --scope unit:XA-A --db "$DB" 2> /dev/null) || fail "unit token add"
UID_TOK=$(psql_q "SELECT max(id) FROM tokens")

hub_start "$DB" --rate-limit 1000
expect_status 200 "$(req GET /healthz)" "healthz"
[ "$(jget 'd["ok"] and d["integrity"]["method"] == "postgresql" and d["free_mb"] is None')" = True ] || fail "healthz: $(cat "$T/body")"
for i in $(seq 50); do
  req GET /healthz > /dev/null
  [ "$(jget 'd["integrity"]["result"]')" = ok ] && break
  sleep 0.1
done
[ "$(jget 'd["integrity"]["result"]')" = ok ] || fail "no integrity result: $(cat "$T/body")"
jget 'd["integrity"]["detail"]' | grep -q "the server checks its own pages" || fail "integrity detail: $(cat "$T/body")"
[ ! -e "$DB-serving" ] || fail "a marker file named after the URI"
want=$(for m in $MONTHS; do for t in day_answers day_elements day_responses day_snapshots; do echo "${t}_$m"; done; done | sort)
got=$(psql_q "SELECT relname FROM pg_class WHERE relispartition AND relkind = 'r' ORDER BY 1")
[ "$got" = "$want" ] || fail "partitions for the hub's months: $got"

psql_q "SELECT count(*) FROM hub_schema" | grep -qx 1 || fail "schema table"

K1=$(new_install_id); K2=$(new_install_id)
expect_status 200 "$(hub_enroll "$CODE" "$K1")" "enroll"
S1=$(jget 'd["secret"]')
[ "$(jget 'd["unit"]["code"]')" = XA-A ] || fail "enroll unit"
expect_status 409 "$(hub_enroll "$CODE" "$K2")" "the code again"
[ "$(jget 'd["error"]')" = code-used ] || fail "used code error"
psql_q "SELECT count(*) FROM kiosks" | grep -qx 1 || fail "one kiosk stored"
expect_status 200 "$(kiosk_req POST /api/v1/heartbeat "$K1" "$S1" --data-binary '{"pending": 3}')" "heartbeat"
expect_status 401 "$(kiosk_req POST /api/v1/heartbeat "$K1" "$(printf '0%.0s' $(seq 64))" --data-binary '{}')" "heartbeat, wrong secret"

# An upload of the hub's day is written on PostgreSQL (its month made at
# start) and summed; the same upload again changes nothing.
HUB_DAY=$(python3 -c 'import time; print(time.strftime("%Y-%m-%d", time.gmtime(time.time() + 400 * 86400 + 7 * 3600)))')
python3 "$UPLOAD" "$K1" 5 "$HUB_DAY" --unit XA-A --complete 3 --fives 2 --rows 12 --officer "" > "$T/up.json"
expect_status 200 "$(kiosk_req POST /api/v1/ingest "$K1" "$S1" --data-binary "@$T/up.json")" "upload on PostgreSQL"
AFTER=$(psql_q "SELECT (SELECT count(*) FROM day_snapshots) || '/' || (SELECT count(*) FROM day_responses) || '/' || (SELECT coalesce(sum(complete), 0) FROM stat_day_responses)")
case $AFTER in 1/*/*) ;; *) fail "the upload's rows: $AFTER" ;; esac
[ "${AFTER##*/}" -gt 0 ] || fail "no summary of the upload: $AFTER"
expect_status 200 "$(kiosk_req POST /api/v1/ingest "$K1" "$S1" --data-binary "@$T/up.json")" "the same upload again"
[ "$(psql_q "SELECT (SELECT count(*) FROM day_snapshots) || '/' || (SELECT count(*) FROM day_responses) || '/' || (SELECT coalesce(sum(complete), 0) FROM stat_day_responses)")" = "$AFTER" ] || fail "the upload again changed rows"
kill -0 "$HUB_PID" || fail "the hub died on an upload"

analyst() { req GET "$2" -H "Authorization: Bearer $1"; }
expect_status 200 "$(analyst "$TOKEN" /api/v1/units)" "units"
jget '[u["code"] for u in d["units"]] if isinstance(d, dict) else [u["code"] for u in d]' | grep -q XA-A || fail "units body: $(head -c 300 "$T/body")"
expect_status 200 "$(analyst "$TOKEN" /api/v1/kiosks)" "kiosks"
grep -q "$K1" "$T/body" || fail "the kiosk is not listed"
Y=$(TZ=Asia/Ho_Chi_Minh date +%Y)
expect_status 200 "$(analyst "$TOKEN" "/api/v1/stats?period=$Y&group=unit")" "stats on an empty database"
expect_status 200 "$(analyst "$TOKEN" "/api/v1/stats?period=$Y-Q1&format=csv")" "stats as CSV"
expect_status 200 "$(analyst "$UTOKEN" "/api/v1/stats?period=$Y&unit=XA-A")" "stats with a unit token"
expect_status 200 "$(req GET /dashboard/)" "dashboard"
grep -qi "<html" "$T/body" || fail "dashboard page"

# A token revoked by the admin command is refused by the running hub.
"$HUB" token revoke "$UID_TOK" --db "$DB" 2> /dev/null || fail "token revoke"
expect_status 401 "$(analyst "$UTOKEN" /api/v1/units)" "revoked token"
expect_status 401 "$(analyst "$(printf 'f%.0s' $(seq 64))" /api/v1/units)" "unknown token"
psql_q "SELECT count(*) FROM audit WHERE action LIKE 'token.%'" | grep -qvx 0 || fail "no token audit rows"

# ---- old months out of the live tables -----------------------------------
# Days of the kiosk in an old month (its partitions made by the command)
# and in the hub's current one, written as an upload would.
NOW_M=$(echo "$MONTHS" | head -1 | tr _ -)
"$HUB" partitions add --month 2020-03 --db "$DB" 2> "$T/err" || fail "partitions add: $(cat "$T/err")"
rc=0; "$HUB" partitions add --month 2020-13 --db "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "a month 13: exit $rc"
for d in 2020-03-02 2020-03-03 "$NOW_M-01" "$NOW_M-02"; do
  psql_q "INSERT INTO day_snapshots VALUES ('$K1', '$d', 1, 0, 'u', 1)"
done
"$HUB" partitions list --db "$DB" > "$T/list" 2> /dev/null || fail "partitions list"
head -1 "$T/list" | grep -qx "MONTH	STATE" || fail "list header"
grep -qx "2020-03	attached" "$T/list" || fail "list: $(cat "$T/list")"
[ "$(grep -c attached "$T/list")" = 4 ] || fail "four months attached: $(cat "$T/list")"
compl() { analyst "$TOKEN" "/api/v1/completeness?$1" > /dev/null; cat "$T/body"; }
RECENT=$(compl "period=$NOW_M"); OLD=$(compl "period=2020-03")
STATS=$(analyst "$TOKEN" "/api/v1/stats?period=$NOW_M&group=unit" > /dev/null; cat "$T/body")
# While the hub serves.
rc=0; "$HUB" partitions detach --before "$NOW_M" --archive --db "$DB" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "stay" "$T/err" || fail "detaching the current month: exit $rc $(cat "$T/err")"
"$HUB" partitions detach --before 2021-01 --archive --db "$DB" > "$T/out" 2> "$T/err" || fail "detach: $(cat "$T/err")"
grep -qx "1 month detached and archived" "$T/out" || fail "detach said: $(cat "$T/out")"
"$HUB" partitions list --db "$DB" > "$T/list" 2> /dev/null
grep -qx "2020-03	archived" "$T/list" || fail "list after detach: $(cat "$T/list")"
[ "$(psql_q "SELECT count(*) FROM day_snapshots WHERE day < '2021-01-01'")" = 0 ] || fail "old rows still live"
[ "$(psql_q "SELECT count(*) FROM sipas_archive.day_snapshots_2020_03")" = 2 ] || fail "old rows not archived"
psql_q "SELECT detail FROM audit WHERE action = 'partitions.detach'" | grep -q "^2020-03: snapshot rows detached, moved to schema sipas_archive$" || fail "detach audit"
rc=0; "$HUB" partitions add --month 2020-03 --db "$DB" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "archived" "$T/err" || fail "an archived month made again: exit $rc"
[ "$(compl "period=$NOW_M")" = "$RECENT" ] || fail "the current month's completeness changed"
[ "$(analyst "$TOKEN" "/api/v1/stats?period=$NOW_M&group=unit" > /dev/null; cat "$T/body")" = "$STATS" ] || fail "the current month's statistics changed"
[ "$(compl "period=2020-03")" != "$OLD" ] || fail "the archived month's days still counted"
hub_stop
# ---- statistics from a second connection (a replica's, in production) ------
# "replica" has the schema and TINH, XA-A, but not XA-B, which the
# primary has: a statistics request for XA-B tells which one answered.
psql_q "CREATE DATABASE replica" && psql_q "CREATE DATABASE empty"
READ=${DB%/*}/replica
"$HUB" unit add TINH "Tỉnh Mẫu" --db "$READ" 2> /dev/null && "$HUB" unit add XA-A "Xã A" --parent TINH --db "$READ" 2> /dev/null || fail "the read database"
"$HUB" unit add XA-B "Xã B" --parent TINH --db "$DB" 2> /dev/null || fail "unit on the primary"
rc=0; "$HUB" serve --db "$DB" --read-db "${DB%/*}/empty" --listen 127.0.0.1:0 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "no hub schema" "$T/err" || fail "a read database without the schema: exit $rc $(cat "$T/err")"
[ "$("$PG_ENV_BIN/psql" "${DB%/*}/empty" -XAtqc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] || fail "the read connection wrote a schema"
rc=0; "$HUB" serve --db "$T/lite.db" --read-db "$READ" --listen 127.0.0.1:0 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--read-db with an SQLite file: exit $rc"
hub_start "$DB" --quiet
expect_status 200 "$(analyst "$TOKEN" "/api/v1/stats?period=$Y&unit=XA-B")" "XA-B from the primary"
hub_stop
hub_start "$DB" --quiet --read-db "$READ"
expect_status 404 "$(analyst "$TOKEN" "/api/v1/stats?period=$Y&unit=XA-B")" "XA-B from the read database"
expect_status 200 "$(analyst "$TOKEN" "/api/v1/stats?period=$Y&unit=XA-A")" "XA-A from the read database"
expect_status 200 "$(analyst "$TOKEN" "/api/v1/units")" "units, on the primary"
grep -q XA-B "$T/body" || fail "units read from the read database"
hub_stop

"$HUB" unit add TINH "Tỉnh" --db "$T/lite.db" 2> /dev/null || fail "an SQLite hub"
rc=0; "$HUB" partitions list --db "$T/lite.db" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "SQLite file" "$T/err" || fail "partitions on SQLite: exit $rc $(cat "$T/err")"
echo "ok    sipas-hub serve on PostgreSQL (server on port $PG_ENV_PORT)"
