# Statistics from a real streaming replica: a primary of the test's own,
# a hot standby made from it by pg_basebackup, one hub serving with
# --read-db at the standby and one on the primary alone. Once the
# standby has replayed, both answer the same statistics byte for byte;
# with replay paused an upload is acknowledged (written on the primary)
# and seen by the primary's hub only, then by both once replay resumes.
# The standby stopped: statistics 500 with a JSON error (a reconnection
# tried at most once a second), uploads go on; started again, statistics
# answer at the first request. The primary
# restarted under both hubs: uploads and statistics go on at the first
# request, nothing lost or counted twice. Skips only when PostgreSQL's
# binaries are missing.
. "$(dirname "$0")/../hub/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"
rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "no PostgreSQL server for the test"
STANDBY=$PG_ENV_DIR/standby
standby_ctl() { # pg_ctl ACTION [options...] on the standby
  pg_env_as "$PG_ENV_BIN/pg_ctl" -D "$STANDBY" -l "$PG_ENV_DIR/standby.log" "$@" > /dev/null 2>&1
}
cleanup() {
  [ -n "${B_PID:-}" ] && kill -TERM "$B_PID" 2> /dev/null
  hub_cleanup
  [ -f "$STANDBY/postmaster.pid" ] && standby_ctl -m immediate -w stop
  pg_env_stop
}
trap cleanup EXIT
DB=$PG_ENV_URI
psql_at() { "$PG_ENV_BIN/psql" "$1" -XAtqc "$2"; }

# ---- the standby ------------------------------------------------------------
pg_env_as "$PG_ENV_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_ENV_PORT" -U sipas \
  -D "$STANDBY" -R -X stream > "$T/basebackup.log" 2>&1 || fail "pg_basebackup: $(tail -3 "$T/basebackup.log")"
PORT2=$(pg_env_free_port)
SOPTS="-c listen_addresses=127.0.0.1 -p $PORT2 -c unix_socket_directories=$PG_ENV_DIR -c fsync=off"
standby_ctl -w -t 60 -o "$SOPTS" start || fail "the standby did not start: $(tail -5 "$PG_ENV_DIR/standby.log")"
READ="postgresql://sipas@127.0.0.1:$PORT2/postgres"
[ "$(psql_at "$READ" "SELECT pg_is_in_recovery()")" = t ] || fail "the standby is not in recovery"
[ "$(psql_at "$DB" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] ||
  fail "no streaming replication: $(psql_at "$DB" "SELECT state FROM pg_stat_replication")"

# replayed: waits until the standby has replayed all the primary wrote.
replayed() {
  local lsn i
  lsn=$(psql_at "$DB" "SELECT pg_current_wal_lsn()")
  for ((i = 0; i < 300; i++)); do
    [ "$(psql_at "$READ" "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
    sleep 0.05
  done
  fail "the standby did not replay up to $lsn"
}

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null || fail "unit add"
"$HUB" unit add XA-A "Xã A" --parent TINH --db "$DB" 2> /dev/null || fail "unit add child"
CODE=$("$HUB" enroll-code --unit XA-A --db "$DB" 2> /dev/null) || fail "enroll-code"
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null) || fail "token add"
replayed
# A: statistics from the standby. B: everything on the primary.
hub_start "$DB" --quiet --read-db "$READ"
hub_serve "$T/b.log" "$DB" --quiet
B_PID=$SERVE_PID B_URL=$SERVE_URL
K1=$(new_install_id)
expect_status 200 "$(hub_enroll "$CODE" "$K1")" "enroll"
S1=$(jget 'd["secret"]')

# The hub's day (Vietnam's), and its year for the statistics.
DAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
Y=${DAY%%-*}
stats_a() { req GET "/api/v1/stats?period=$Y&group=unit" -H "Authorization: Bearer $TOKEN"; }
stats_b() {
  curl -sS -o "$T/b.body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$B_URL/api/v1/stats?period=$Y&group=unit"
}
complete_of() { # FILE: XA-A's complete responses in a stats body
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
rows = [g for g in d["groups"] if g["key"]["unit"] == "XA-A"]
print(rows[0]["responses"] if rows else 0)
PY
}

expect_status 200 "$(hub_upload "$K1" "$S1" 1 "$DAY" XA-A 7 5)" "upload through the hub reading from the standby"
replayed
expect_status 200 "$(stats_a)" "statistics from the standby"
[ "$(stats_b)" = 200 ] || fail "statistics from the primary: $(cat "$T/b.body")"
cmp -s "$T/body" "$T/b.body" || fail "the standby's statistics differ from the primary's"
[ "$(complete_of "$T/body")" = 7 ] || fail "the upload's 7 responses: $(head -c 400 "$T/body")"

# ---- replay paused: the standby answers what it has replayed ---------------
psql_at "$READ" "SELECT pg_wal_replay_pause()" > /dev/null || fail "pause replay"
expect_status 200 "$(hub_upload "$K1" "$S1" 2 "$DAY" XA-A 11 5)" "upload while replay is paused"
[ "$(stats_b)" = 200 ] && [ "$(complete_of "$T/b.body")" = 11 ] || fail "the primary's hub: $(head -c 400 "$T/b.body")"
expect_status 200 "$(stats_a)" "statistics from the paused standby"
[ "$(complete_of "$T/body")" = 7 ] || fail "the paused standby answered $(complete_of "$T/body"): not read there"
psql_at "$READ" "SELECT pg_wal_replay_resume()" > /dev/null || fail "resume replay"
replayed
expect_status 200 "$(stats_a)" "statistics after replay resumed"
cmp -s "$T/body" "$T/b.body" || fail "after replay resumed the statistics differ"

# ---- the standby down, then back -------------------------------------------
standby_ctl -m fast -w stop || fail "stopping the standby"
expect_status 500 "$(stats_a)" "statistics with the standby down"
# Asked again at once, the hub does not wait on the server a second time.
expect_status 500 "$(stats_a)" "statistics with the standby down, again"
grep -q "tried again within 1000 ms" "$T/serve.log" || fail "no pause between reconnections: $(tail -3 "$T/serve.log")"
expect_status 200 "$(hub_upload "$K1" "$S1" 3 "$DAY" XA-A 13 5)" "upload with the standby down"
standby_ctl -w -t 60 -o "$SOPTS" start || fail "the standby did not start again"
sleep 1 # past the pause between reconnections
replayed
expect_status 200 "$(stats_a)" "statistics at the first request after the standby came back"
[ "$(stats_b)" = 200 ] && cmp -s "$T/body" "$T/b.body" || fail "after the standby came back the statistics differ"
[ "$(complete_of "$T/body")" = 13 ] || fail "13 responses after the standby came back: $(head -c 400 "$T/body")"

# ---- the primary restarted under both hubs ---------------------------------
pg_env_as "$PG_ENV_BIN/pg_ctl" -D "$PG_ENV_DIR/data" -m fast -w -t 60 restart > /dev/null 2>&1 ||
  fail "restarting the primary: $(tail -5 "$PG_ENV_DIR/server.log")"
expect_status 200 "$(hub_upload "$K1" "$S1" 4 "$DAY" XA-A 17 5)" "upload at the first request after the primary restarted"
expect_status 200 "$(hub_upload "$K1" "$S1" 4 "$DAY" XA-A 17 5)" "the same upload again"
[ "$(stats_b)" = 200 ] || fail "the primary's hub after the restart: $(cat "$T/b.body")"
[ "$(complete_of "$T/b.body")" = 17 ] || fail "17 responses after the restart: $(head -c 400 "$T/b.body")"
replayed
expect_status 200 "$(stats_a)" "statistics from the standby after the primary restarted"
cmp -s "$T/body" "$T/b.body" || fail "after the primary restarted the statistics differ"
[ "$(psql_at "$DB" "SELECT count(*) FROM day_snapshots")" = 1 ] || fail "day snapshots: $(psql_at "$DB" "SELECT count(*) FROM day_snapshots")"
kill -0 "$HUB_PID" && kill -0 "$B_PID" || fail "a hub exited"
hub_stop
echo "ok    statistics from a streaming replica (primary on port $PG_ENV_PORT, standby on $PORT2)"
