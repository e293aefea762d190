# Uploads through several hub processes on one PostgreSQL, at once: six
# kiosks of two units (three of one unit at one counter, so they share
# summary keys), each a sequence of 8 snapshots (days replaced, a late
# day of the month before, rows added and dropped), sent twice each in
# a shuffled order by 12 threads, each copy to nginx or straight to one
# of three processes (so one kiosk's duplicates meet in different
# processes at once), then every upload replayed from newest to oldest.
# A 503 busy is sent again as a kiosk does; no upload may end otherwise
# than 200. The end must equal the last snapshots sent once, serially,
# to a fresh SQLite hub: statistics JSON by unit, day and officer and
# the CSV byte for byte, and as many rows in every snapshot and summary
# table. Then four new months, each met by every process at once (their
# partitions made by one, the others waiting on it). Then the rows-added quota over three processes: through nginx
# (one address, one process) a kiosk adds at most the quota; sprayed at
# every process, at most 3 x the quota (docs/HUB.md, "Several hub
# processes behind nginx"). Skips only when PostgreSQL or nginx is
# missing. SEED=N replays one run's choices.
. "$(dirname "$0")/../hub/pg_nginx_env.sh"
LITE=$T/serial.db
MANY="$ROOT/tests/hub/ingest_many.py"
SEED=${SEED:-$(( $(date +%s) % 100000 ))}
echo "      seed $SEED"
psql_q() { "$PG_ENV_BIN/psql" "$DB" -XAtqc "$1"; }

for db in "$DB" "$LITE"; do
  "$HUB" unit add TINH "Tỉnh Mẫu" --db "$db" 2> /dev/null || fail "unit add"
  "$HUB" unit add XA-A "Xã A" --parent TINH --db "$db" 2> /dev/null || fail "unit add XA-A"
  "$HUB" unit add XA-B "Xã B" --parent TINH --db "$db" 2> /dev/null || fail "unit add XA-B"
done
PG_TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null) || fail "token add"
LITE_TOKEN=$("$HUB" token add --scope province --db "$LITE" 2> /dev/null) || fail "token add on SQLite"

start_procs() { # serve options...: three processes on $DB behind nginx
  local n
  URLS=(); PORTS=()
  for n in 1 2 3; do
    hub_serve "$T/serve$n.log" "$DB" --trusted-proxy 127.0.0.1 --rate-limit 1000 \
      --max-per-ip 512 --max-connections 512 "$@"
    PIDS+=("$SERVE_PID"); URLS+=("$SERVE_URL"); PORTS+=("${SERVE_URL##*:}")
  done
  rc=0; nginx_env_start "$ROOT/firmware/etc/nginx/sipas-hub-pg.conf" "${PORTS[@]}" || rc=$?
  [ "$rc" = 2 ] && exit 0
  [ "$rc" = 0 ] || fail "nginx did not start"
}
stop_procs() {
  local p
  nginx_env_stop
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
}
# What the processes and the server said around a 5xx, for a failure.
why_5xx() {
  grep -hE 'ingest from| 5[0-9][0-9] ' "$T"/serve?.log | grep -vE ' 503 [^ ]+ busy' | tail -20 >&2 || true
  grep -E 'ERROR|FATAL' "$PG_ENV_DIR/server.log" | grep -v 'could not serialize' | tail -10 >&2 || true
}
start_procs
hub_serve "$T/serial.log" "$LITE" --rate-limit 1000
PIDS+=("$SERVE_PID"); LITE_URL=$SERVE_URL

# ---- six kiosks, enrolled on both hubs ---------------------------------------
KIOSKS=(); : > "$T/targets"; : > "$T/lite_targets"
for k in 0 1 2 3 4 5; do
  unit=XA-A; [ "$k" -ge 4 ] && unit=XA-B
  id=$(new_install_id)
  HUB_URL=$NGINX_URL
  expect_status 200 "$(hub_enroll "$("$HUB" enroll-code --unit $unit --db "$DB" 2> /dev/null)" "$id")" "enroll $k"
  echo "$id $(jget 'd["secret"]') $NGINX_URL ${URLS[*]}" >> "$T/targets"
  HUB_URL=$LITE_URL
  expect_status 200 "$(hub_enroll "$("$HUB" enroll-code --unit $unit --db "$LITE" 2> /dev/null)" "$id")" "enroll $k on SQLite"
  echo "$id $(jget 'd["secret"]') $LITE_URL" >> "$T/lite_targets"
  KIOSKS+=("$unit:$id")
done
mkdir "$T/up"
python3 "$MANY" plan "$T/up" "$SEED" "${KIOSKS[@]}" || fail "the plan"

# ---- at once: duplicates in parallel, out of order, then replays ------------
shuffled=$(ls "$T"/up/up-*.json "$T"/up/up-*.json | python3 -c '
import random, sys; l = sys.stdin.read().split(); random.Random(int(sys.argv[1])).shuffle(l); print(" ".join(l))' "$SEED")
replays=$(ls "$T"/up/up-*.json | sort -t- -k3,3nr)
t0=$(date +%s.%N)
python3 "$MANY" send 12 "$SEED" $shuffled < "$T/targets" > "$T/round1" || { why_5xx; fail "round 1: $(cat "$T/round1")"; }
python3 "$MANY" send 12 "$((SEED + 1))" $replays < "$T/targets" > "$T/round2" || { why_5xx; fail "replays: $(cat "$T/round2")"; }
t1=$(date +%s.%N)
python3 "$MANY" send 1 0 "$T"/up/final-*.json < "$T/lite_targets" > "$T/serial" || fail "serial: $(cat "$T/serial")"
echo "      at once: $(cat "$T/round1"); replays: $(cat "$T/round2") in $(python3 -c "print('%.1f' % ($t1 - $t0))") s"
echo "      serially to SQLite: $(cat "$T/serial")"
# The hub's log: a line per request; a 500 would be a lost upload.
busy=0
for n in 1 2 3; do
  ! grep -E ' (GET|POST) [^ ]+ 5[0-9][0-9] ' "$T/serve$n.log" | grep -vE ' 503 [^ ]+ busy' | head -3 | grep . ||
    fail "process $n answered a 5xx other than busy"
  busy=$((busy + $(grep -cE ' POST /api/v1/ingest 503 [^ ]+ busy' "$T/serve$n.log" || true)))
done
# Collisions as PostgreSQL saw them: each a transaction the hub ran again
# (store/commitq.c) or answered 503.
ser=$(grep -c 'could not serialize access' "$PG_ENV_DIR/server.log" || true)
dead=$(grep -c 'deadlock detected' "$PG_ENV_DIR/server.log" || true)
echo "      collisions: $ser serialization failures, $dead deadlocks; 503 busy answered: $busy"
# Every replay but each kiosk's newest snapshot of a day is stale.
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stale_days"])' "$T/round2")" -gt 0 ] ||
  fail "no replay was stale: $(cat "$T/round2")"

# ---- the same figures ---------------------------------------------------------
stats() { # URL TOKEN QUERY
  curl -sS -f -H "Authorization: Bearer $2" "$1/api/v1/stats?$3"
}
for q in "period=2025-Q1&group=unit" "period=2025-Q1&group=day" "period=2025-Q1&group=officer" \
         "period=2025-03&group=counter" "period=2025-02" "period=2025-Q1&group=unit&format=csv" \
         "period=2025-Q1&group=officer&format=csv"; do
  stats "$NGINX_URL" "$PG_TOKEN" "$q" > "$T/pg.out" || fail "stats $q on PostgreSQL"
  stats "$LITE_URL" "$LITE_TOKEN" "$q" > "$T/lite.out" || fail "stats $q on SQLite"
  cmp -s "$T/pg.out" "$T/lite.out" || { diff <(head -c 3000 "$T/pg.out") <(head -c 3000 "$T/lite.out") | head -10 >&2; fail "stats $q differ"; }
  [ -s "$T/pg.out" ] && ! grep -q '"groups": \[\]' "$T/pg.out" || fail "stats $q: empty"
done
TABLES=$(sqlite3 "$LITE" "SELECT name FROM sqlite_master WHERE type = 'table'
  AND (name LIKE 'stat\_%' ESCAPE '\' OR name LIKE 'day\_%' ESCAPE '\') ORDER BY 1")
counts=""
for t in $TABLES; do
  # SQLite's switch for its triggers; PostgreSQL has neither.
  [ "$t" = stat_writer_sums ] && continue
  a=$(sqlite3 "$LITE" "SELECT count(*) FROM $t"); b=$(psql_q "SELECT count(*) FROM $t")
  [ "$a" = "$b" ] || fail "table $t: $b rows on PostgreSQL, $a serially on SQLite"
  counts="$counts $t=$a"
done
[ "$(sqlite3 "$LITE" "SELECT count(*) FROM day_snapshots")" -gt 30 ] || fail "too few days held:$counts"
echo "ok    concurrent uploads on three processes equal the serial SQLite hub ($(echo $counts | wc -w) tables:$counts)"

# ---- new months met by every process at once ------------------------------
# In each of four months of 2023 a day of every kiosk, sent three times (to any of
# nginx and the processes) by 18 threads month after month: the month's
# partitions are made by whichever process meets it first, the others
# meet them being made.
mkdir "$T/new"
python3 "$MANY" months "$T/new" 100 2023 "${KIOSKS[@]}" || fail "the months"
news=$(for m in 01 02 03 04; do ls "$T"/new/new-*-2023-$m.json "$T"/new/new-*-2023-$m.json "$T"/new/new-*-2023-$m.json; done)
python3 "$MANY" send 18 "$SEED" $news < "$T/targets" > "$T/round3" || { why_5xx; fail "new months: $(cat "$T/round3")"; }
[ "$(psql_q "SELECT count(*) FROM day_snapshots WHERE day < '2024-01-01'")" = 24 ] || fail "new months: days held"
[ "$(psql_q "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relispartition AND relname LIKE 'day%2023%'")" = 16 ] || fail "new months: partitions"
echo "ok    4 new months met at once by three processes: $(cat "$T/round3")"

# ---- the rows-added quota over three processes -----------------------------
stop_procs
Q=200
start_procs --quota-rows-day $Q
HUB_URL=$NGINX_URL
QID=$(new_install_id)
expect_status 200 "$(hub_enroll "$("$HUB" enroll-code --unit XA-A --db "$DB" 2> /dev/null)" "$QID")" "enroll the sprayer"
QS=$(jget 'd["secret"]')
held() { psql_q "SELECT (SELECT count(*) FROM day_responses WHERE install_id = '$QID') + (SELECT count(*) FROM day_answers WHERE install_id = '$QID')"; }
SEQ=0; DAY=0
spray() { # URL: 50-row days never held until the process says quota-exceeded
  local i s
  for ((i = 0; i < 20; i++)); do
    SEQ=$((SEQ + 1)); DAY=$((DAY + 1))
    python3 "$UPLOAD" "$QID" "$SEQ" "$(date -d "2025-01-01 + $DAY days" +%F)" --unit XA-A --rows 50 > "$T/q.json"
    HUB_URL=$1
    s=$(kiosk_req POST /api/v1/ingest "$QID" "$QS" --data-binary "@$T/q.json")
    [ "$s" = 429 ] && { grep -q quota-exceeded "$T/body" || fail "429 $(cat "$T/body")"; return 0; }
    expect_status 200 "$s" "upload $SEQ"
  done
  fail "no quota after 20 uploads of 50 rows"
}
spray "$NGINX_URL"
H1=$(held)
[ "$H1" = $Q ] || fail "through nginx (one process) the kiosk holds $H1 rows, quota $Q"
for u in "${URLS[@]}"; do spray "$u"; done
H3=$(held)
[ "$H3" -le $((3 * Q)) ] && [ "$H3" -gt $Q ] || fail "sprayed at three processes the kiosk holds $H3 rows, quota $Q"
# A held day sent again costs nothing, at the quota too.
HUB_URL=${URLS[0]}
python3 "$UPLOAD" "$QID" "$SEQ" "$(date -d "2025-01-02" +%F)" --unit XA-A --rows 50 > "$T/q.json"
expect_status 200 "$(kiosk_req POST /api/v1/ingest "$QID" "$QS" --data-binary "@$T/q.json")" "a held day again at the quota"
echo "ok    rows-added quota $Q: $H1 rows through nginx, $H3 sprayed at three processes (at most $((3 * Q)))"
