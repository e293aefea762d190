# sipas-hub migrate: a province's SQLite hub, filled through the real
# serve (kiosks enrolled, uploads with dossiers and heartbeats, units
# renamed and merged, tokens, a national credential), moved into a
# PostgreSQL server of the test's own (tests/hub/pg_env.sh). Every table
# arrives with the same rows; a second run, or a target with any table
# filled, is refused and changes nothing; a run killed mid-copy leaves
# the target empty and the next one succeeds, while a serving hub's
# upload is not acknowledged during the copy; a missing or damaged file
# is refused clearly. Skips only without the server's binaries.
. "$(dirname "$0")/../hub/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"
rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "no PostgreSQL server"
trap 'pg_env_stop; hub_cleanup' EXIT
PSQL="$PG_ENV_BIN/psql"
DB="$T/hub.db"
URI=$PG_ENV_URI
uri_of() { echo "postgresql://sipas@127.0.0.1:$PG_ENV_PORT/$1"; }
sql() { "$PSQL" -X -q -At -v ON_ERROR_STOP=1 "${2:-$URI}" -c "$1"; }
new_db() { sql "CREATE DATABASE $1" > /dev/null || fail "create database $1"; }

# The tables migrate copies: all of the file's but SQLite's own.
tables() {
  sqlite3 "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'stat_writer_sums' ORDER BY name"
}
# counts_sqlite DB / counts_pg URI: "table rows" per line, name order.
# One statement each: "SELECT 'units', count(*) FROM units UNION ALL ...".
count_sql() {
  tables "$1" | sed "s/.*/SELECT '&', count(*) FROM &/; 1!s/^/UNION ALL /" | tr '\n' ' '
  echo "ORDER BY 1"
}
counts_sqlite() { sqlite3 -separator ' ' "$1" "$(count_sql "$1")"; }
counts_pg() { "$PSQL" -X -q -At -F ' ' "$1" -c "$(count_sql "${2:-$DB}")"; }
# Every row of the tables without bytes, in one order, as CSV: the same
# text from both databases.
rows_csv_sqlite() {
  local t; for t in $(tables "$DB" | grep -vx 'enroll_codes\|kiosks\|tokens\|national_credentials\|forward_months'); do
    echo "== $t"; sqlite3 -csv "$1" "SELECT * FROM $t ORDER BY $(order_of "$t")"
  done | csv_rows
}
rows_csv_pg() {
  local t; for t in $(tables "$DB" | grep -vx 'enroll_codes\|kiosks\|tokens\|national_credentials\|forward_months'); do
    echo "== $t"; "$PSQL" -X -q --csv -t "$1" -c "SELECT $(cols_of "$t") FROM $t $(own_row "$t") ORDER BY $(order_of "$t")"
  done | csv_rows
}
# SQLite's columns by name: PostgreSQL's snapshot rows also hold SQLite's
# implicit rowid as a column of their own, compared apart.
cols_of() { sqlite3 "$DB" "SELECT group_concat(name, ',') FROM pragma_table_info('$1')"; }
# The migration's audit row is the target's own.
own_row() { [ "$1" = audit ] && echo "WHERE action <> 'hub.migrate'"; }
# Each CSV row as a JSON list: the two programs quote differently.
csv_rows() { python3 -c 'import csv, json, sys; [print(json.dumps(r, ensure_ascii=False)) for r in csv.reader(sys.stdin)]'; }
order_of() { seq -s, 1 "$(sqlite3 "$DB" "SELECT count(*) FROM pragma_table_info('$1')")"; }

# ---- a province on SQLite, through the real serve -----------------------
admin() { "$HUB" "$@" --db "$DB" > /dev/null 2> "$T/admin.err" || fail "$*: $(cat "$T/admin.err")"; }
admin unit add TINH "Tỉnh Mẫu"
admin unit add HUYEN-A "Huyện A" --parent TINH
admin unit add XA-A "Xã A" --parent HUYEN-A
admin unit add XA-B "Xã B" --parent HUYEN-A
admin unit add XA-C "Xã \"C\", phường" --parent TINH
admin token add --scope province --audit
admin token add --scope unit:XA-A
admin token revoke 2
admin national credential add --province TINH
admin enroll-code --unit XA-C # never used
hub_start "$DB" --rate-limit 1000
K=(); S=()
for unit in XA-A XA-B XA-C; do
  id=$(new_install_id)
  expect_status 200 "$(hub_enroll "$("$HUB" enroll-code --unit "$unit" --db "$DB" 2> /dev/null)" "$id")" "enroll at $unit"
  K+=("$id"); S+=("$(jget 'd["secret"]')")
done
# upload I SEQ DAYS UNIT OFFICER [DOSSIER]: days with 20 rows each, a
# heartbeat, and one dossier-bound rating on the last day.
upload() {
  python3 "$UPLOAD" "${K[$1]}" "$2" "$3" --unit "$4" --officer "$5" --complete 4 --fives 3 --rows 20 --heartbeat > "$T/up.json"
  if [ -n "${6:-}" ]; then
    python3 - "$T/up.json" "$6" "$2" <<'PY'
import datetime, json, sys
body = json.load(open(sys.argv[1], encoding="utf-8"))
day = body["days"][-1]["day"]
at = int(datetime.datetime.fromisoformat(day + "T10:00:00+07:00").timestamp() * 1000)
snap = body["days"][-1]["responses"][0]
body["dossiers"] = [{"seq": int(sys.argv[3]), "dossier": sys.argv[2], "at": at,
                     "day": day, "estimated": 0, "unit": snap["unit"],
                     "field": snap["field"], "instrument": snap["instrument"],
                     "version": snap["version"], "partial": 0,
                     "answers": ["overall=5", "tiep-can=4"]}]
json.dump(body, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
  fi
  expect_status 200 "$(kiosk_req POST /api/v1/ingest "${K[$1]}" "${S[$1]}" --data-binary "@$T/up.json")" "upload $1 $2"
}
upload 0 3 2026-09-28,2026-09-29,2026-09-30 XA-A CB001 000.00.07.H42-260930-0001
upload 0 6 2026-10-01,2026-10-02,2026-10-05 XA-A CB002 000.00.07.H42-261005-0002
upload 1 2 2026-09-30,2026-10-01 XA-B CB003
upload 1 4 2026-10-02,2026-10-06 XA-B "" 000.00.07.H42-261006-0003
upload 2 3 2026-10-01,2026-10-02,2026-10-03 XA-C ""
upload 0 7 2026-10-05,2026-10-07 XA-A CB001 # a day sent again, changed
admin unit rename XA-C "Phường C" --from 2026-10-02
admin unit merge XA-B --into XA-A --from 2026-10-04
hub_stop

# ---- migrate -----------------------------------------------------------------
"$HUB" migrate --help | grep -q "postgresql://" || fail "migrate --help"
"$HUB" --help | grep -q "migrate" || fail "migrate is not in the command list"
rc=0; "$HUB" migrate --from "$DB" --to "$URI" > "$T/out" 2> "$T/err" || rc=$?
[ "$rc" = 0 ] || fail "migrate exited $rc: $(cat "$T/err")"
grep -q "copied [0-9]* tables, [0-9]* rows, 2 month partitions in .* s (CPU .* s); row counts equal, 8 statistics requests identical" "$T/err" ||
  fail "summary: $(cat "$T/err")"
counts_sqlite "$DB" > "$T/c.sqlite"
counts_pg "$URI" > "$T/c.pg"
# The target has one audit row more: the migration's own.
plus_audit() { awk '$1 == "audit" { $2 += 1 } { print }' "$1"; }
plus_audit "$T/c.sqlite" | diff - "$T/c.pg" > /dev/null || fail "row counts differ: $(plus_audit "$T/c.sqlite" | diff - "$T/c.pg")"
# What migrate printed is what each side holds, table by table.
tail -n +2 "$T/out" | tr '\t' ' ' | sort > "$T/c.printed"
diff "$T/c.sqlite" "$T/c.printed" > /dev/null || fail "printed counts: $(diff "$T/c.sqlite" "$T/c.printed")"
for t in units unit_changes tokens enroll_codes kiosks heartbeats audit day_snapshots day_responses day_answers dossier_ratings national_credentials stat_month_responses stat_month_answers stat_staff_answers stat_year_responses stat_prov_month_answers; do
  grep -q "^$t [1-9]" "$T/c.pg" || fail "table $t was not filled: $(grep "^$t " "$T/c.pg")"
done
grep -q "^stat_writer_sums\|^sqlite_sequence" "$T/out" && fail "SQLite's own tables copied"
rows_csv_sqlite "$DB" > "$T/rows.sqlite"
rows_csv_pg "$URI" > "$T/rows.pg"
cmp -s "$T/rows.sqlite" "$T/rows.pg" || fail "rows differ: $(diff "$T/rows.sqlite" "$T/rows.pg" | head -5)"
for t in day_responses day_answers day_elements; do
  [ "$(sqlite3 "$DB" "SELECT group_concat(rowid, ',') FROM (SELECT rowid FROM $t ORDER BY rowid)")" = \
    "$("$PSQL" -X -q -A -t "$URI" -c "SELECT string_agg(rowid::text, ',' ORDER BY rowid) FROM $t")" ] ||
    fail "$t: the rows' keys differ"
done
# Bytes (digests) arrive as they were.
[ "$(sqlite3 "$DB" "SELECT group_concat(lower(hex(hash)), ',') FROM (SELECT hash FROM tokens ORDER BY id)")" = \
  "$(sql "SELECT string_agg(encode(hash, 'hex'), ',' ORDER BY id) FROM tokens")" ] || fail "token digests"
[ "$(sqlite3 "$DB" "SELECT group_concat(lower(hex(secret_hash)) || used, ',') FROM (SELECT k.secret_hash, coalesce(e.rowid, 0) AS used FROM kiosks k LEFT JOIN enroll_codes e ON e.used_by = k.install_id ORDER BY k.install_id)")" = \
  "$(sql "SELECT string_agg(encode(k.secret_hash, 'hex') || coalesce(e.rowid, 0), ',' ORDER BY k.install_id) FROM kiosks k LEFT JOIN enroll_codes e ON e.used_by = k.install_id")" ] ||
  fail "kiosk secrets or enrollment codes"
# Keys handed out go on past the copied ones, as SQLite's would.
[ "$(sql "SELECT nextval(pg_get_serial_sequence('tokens', 'id'))")" = 3 ] || fail "token ids start again"
"$HUB" audit --db "$URI" 2> /dev/null | grep -q "hub.migrate	from $DB: [0-9]* tables, [0-9]* rows" ||
  fail "the migration is not audited on the target"
"$HUB" unit list --db "$URI" 2> /dev/null | grep -q "^XA-C	TINH	Phường C$" || fail "units on PostgreSQL"

# ---- again: refused, the target unchanged ----------------------------------------
sql "SELECT count(*) FROM audit" > "$T/audit.before"
counts_pg "$URI" > "$T/c.before"
rc=0; "$HUB" migrate --from "$DB" --to "$URI" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] || fail "a second migration exited $rc"
grep -q "refused: the target already holds hub data (table units has rows); nothing was changed" "$T/err" || fail "second run: $(cat "$T/err")"
counts_pg "$URI" > "$T/c.after"
cmp -s "$T/c.before" "$T/c.after" || fail "a refused run changed the target"

# ---- a target with one table filled: refused, that row all there is -----------
new_db filled
FILLED=$(uri_of filled)
"$HUB" kiosk list --db "$FILLED" > /dev/null 2>&1 # makes the schema
sql "DELETE FROM audit; INSERT INTO forward_months(month, seq) VALUES('2026-09', 1)" "$FILLED"
rc=0; "$HUB" migrate --from "$DB" --to "$FILLED" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "table forward_months has rows" "$T/err" || fail "filled target: exit $rc: $(cat "$T/err")"
[ "$(sql "SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM audit) + (SELECT count(*) FROM forward_months)" "$FILLED")" = 1 ] ||
  fail "a refused run wrote into the target"

# ---- a missing, a damaged, and a wrong --from; a wrong --to ------------------------
rc=0; "$HUB" migrate --from "$T/none.db" --to "$URI" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "no hub database at $T/none.db" "$T/err" || fail "missing file: exit $rc: $(cat "$T/err")"
[ ! -e "$T/none.db" ] || fail "a missing file was created"
head -c 16384 "$DB" > "$T/damaged.db"
dd if=/dev/urandom of="$T/damaged.db" bs=1024 seek=8 count=4 conv=notrunc 2> /dev/null
rc=0; "$HUB" migrate --from "$T/damaged.db" --to "$URI" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "cannot use $T/damaged.db: .*nothing was copied" "$T/err" || fail "damaged file: exit $rc: $(cat "$T/err")"
# A file of a newer program is refused; an older one is upgraded first.
cp "$DB" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 99"
rc=0; "$HUB" migrate --from "$T/newer.db" --to "$URI" 2> "$T/err" || rc=$?
[ "$rc" = 1 ] && grep -q "newer than this program's" "$T/err" || fail "newer file: exit $rc: $(cat "$T/err")"
cp "$DB" "$T/older.db"
sqlite3 "$T/older.db" "DROP TABLE forward_months; DROP TABLE national_month_units; DROP TABLE national_months; DROP TABLE national_credentials; PRAGMA user_version = 13"
new_db older
rc=0; "$HUB" migrate --from "$T/older.db" --to "$(uri_of older)" > /dev/null 2> "$T/err" || rc=$?
[ "$rc" = 0 ] || fail "a version 13 file: exit $rc: $(cat "$T/err")"
[ "$(sqlite3 "$T/older.db" "PRAGMA user_version")" -gt 13 ] || fail "the older file was not upgraded"
[ "$(sql "SELECT count(*) FROM national_credentials" "$(uri_of older)")" = 0 ] || fail "older file: national tables"
rc=0; "$HUB" migrate --from "$URI" --to "$URI" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--from a URI: exit $rc"
rc=0; "$HUB" migrate --from "$DB" --to "$T/other.db" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "--to a file: exit $rc"
rc=0; "$HUB" migrate --from "$DB" 2> /dev/null || rc=$?
[ "$rc" = 2 ] || fail "no --to: exit $rc"

# ---- killed mid-copy: the target stays empty, the next run succeeds -----------
# A province big enough for the copy to take seconds (tests/bench/hub_gen.c,
# through the hub's own ingest).
GEN="$T/hub-gen"
cc -O2 -std=c11 -D_GNU_SOURCE -w -I"$ROOT/app" -I"$ROOT/tools" "$ROOT/tests/bench/hub_gen.c" \
  "$BUILD/libsipashub.a" "$BUILD/libsipasdb.a" "$BUILD/libsipascore.a" \
  $(pkg-config --cflags --libs sqlite3 jansson libutf8proc gnutls libmicrohttpd) \
  -lm -lpthread -o "$GEN" || fail "cannot build hub-gen"
BIG="$T/big.db"
"$GEN" "$BIG" --kiosks "${MIGRATE_KIOSKS:-40}" --days 90 --year 2026 > /dev/null || fail "hub-gen"
new_db big
BIGURI=$(uri_of big)
# copying: until migrate's own transaction is writing snapshot rows.
copying() {
  for ((i = 0; i < 600; i++)); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'big' AND query LIKE 'INSERT INTO day\\_%'")" != 0 ] && return 0
    kill -0 "$1" 2> /dev/null || return 1
    sleep 0.05
  done
  return 1
}
"$HUB" migrate --from "$BIG" --to "$BIGURI" > /dev/null 2>&1 &
MPID=$!
copying "$MPID" || fail "the copy was never seen running"
kill -KILL "$MPID"
wait "$MPID" 2> /dev/null || true
for ((i = 0; i < 100; i++)); do
  [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = 'big' AND pid <> pg_backend_pid()")" = 0 ] && break
  sleep 0.1
done
[ "$(counts_pg "$BIGURI" "$BIG" | awk '{ s += $2 } END { print s }')" = 0 ] || fail "a killed run left rows: $(counts_pg "$BIGURI" "$BIG" | grep -v ' 0$')"
[ "$(sql "SELECT count(*) FROM pg_class WHERE relname LIKE 'day\\_answers\\_2026\\_%'" "$BIGURI")" = 0 ] || fail "a killed run left partitions"

# Run again with the hub serving the file: an upload sent during the copy is
# not acknowledged while it runs (it waits for the lock, then is refused
# busy and the kiosk sends it again); afterwards serve is to be stopped.
BIGUNIT=$("$HUB" unit list --db "$BIG" 2> /dev/null | awk -F'\t' 'NR == 2 { print $1 }')
BIGCODE=$("$HUB" enroll-code --unit "$BIGUNIT" --db "$BIG" 2> /dev/null)
hub_start "$BIG" --rate-limit 1000
LATE=$(new_install_id)
expect_status 200 "$(hub_enroll "$BIGCODE" "$LATE")" "enroll on the big province"
LATE_SECRET=$(jget 'd["secret"]')
python3 "$UPLOAD" "$LATE" 1 2026-03-30 --unit "$BIGUNIT" --officer "" > "$T/late.json"
# migrate says "copied ..." before it lets go of the file's lock: the
# upload in the file before that line would be one written during the copy.
"$HUB" migrate --from "$BIG" --to "$BIGURI" > "$T/out" 2> "$T/err" &
MPID=$!
copying "$MPID" || fail "the second copy was never seen running"
curl -sS -o "$T/late.out" -w '%{http_code}' -H "Authorization: Bearer $LATE_SECRET" \
  -H "X-Sipas-Kiosk: $LATE" -H 'Content-Type: application/json' \
  --data-binary "@$T/late.json" "$HUB_URL/api/v1/ingest" > "$T/late.code" &
CPID=$!
while kill -0 "$MPID" 2> /dev/null; do
  if [ "$(sqlite3 "$BIG" "SELECT count(*) FROM day_snapshots WHERE install_id = '$LATE'" 2> /dev/null)" = 1 ] &&
     ! grep -q "copied" "$T/err"; then
    fail "an upload was written into the file during the copy"
  fi
  sleep 0.1
done
rc=0; wait "$MPID" || rc=$?
[ "$rc" = 0 ] || fail "the run after a killed one exited $rc: $(cat "$T/err")"
wait "$CPID" || true
hub_stop
counts_pg "$BIGURI" "$BIG" > "$T/c.big"
if [ "$(cat "$T/late.code")" = 200 ]; then
  # Acknowledged after the copy: in the file only, which is why serve is
  # stopped before migrating. Everything else is the same.
  grep -q "^day_snapshots $(( $(sqlite3 "$BIG" "SELECT count(*) FROM day_snapshots") - 1 ))$" "$T/c.big" ||
    fail "the late upload: $(grep day_snapshots "$T/c.big")"
else
  [ "$(cat "$T/late.code")" = 503 ] || fail "the upload during the copy: HTTP $(cat "$T/late.code")"
  counts_sqlite "$BIG" > "$T/c.bigsrc"
  plus_audit "$T/c.bigsrc" | diff - "$T/c.big" > /dev/null || fail "big province: counts differ"
fi
echo "ok    migrate: $(sed -n 's/.*copied \(.*\); row.*/\1/p' "$T/err") for ${MIGRATE_KIOSKS:-40} kiosks x 90 days; an upload during the copy: HTTP $(cat "$T/late.code")"
