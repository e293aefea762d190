# Four processes opening a new PostgreSQL database at once all start
# (the schema's steps taken in turn). Three `sipas-hub serve` processes
# on one database behind nginx, with the shipped configuration
# (firmware/etc/nginx/sipas-hub-pg.conf): one enrollment code tried at once on every
# process (exactly one kiosk wins, the rest 409 code-used or 503 busy,
# then 409), a kiosk enrolled on one process heard by the others, a
# token revoked while serving refused by every process, /healthz through
# nginx, and a process killed (SIGKILL) while nginx and the others go on
# answering. Skips only when PostgreSQL's binaries or nginx are missing.
. "$(dirname "$0")/../hub/pg_nginx_env.sh"
psql_q() { "$PG_ENV_BIN/psql" "$DB" -XAtqc "$1"; }

# ---- processes starting at once on a new database --------------------------
# They take turns at the schema (an advisory lock): every one starts.
for r in 1 2; do
  psql_q "CREATE DATABASE fresh$r"
  pids=(); bad=0
  for i in 1 2 3 4; do
    "$HUB" unit list --db "${DB%/*}/fresh$r" > /dev/null 2> "$T/fresh$r.$i" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
  [ "$bad" = 0 ] || fail "$bad of 4 processes could not start on a new database: $(cat "$T"/fresh$r.*)"
done

"$HUB" unit add TINH "Tỉnh Mẫu" --db "$DB" 2> /dev/null || fail "unit add"
"$HUB" unit add XA-A "Xã A" --parent TINH --db "$DB" 2> /dev/null || fail "unit add child"
CODE=$("$HUB" enroll-code --unit XA-A --db "$DB" 2> /dev/null) || fail "enroll-code"
TOKEN=$("$HUB" token add --scope unit:XA-A --db "$DB" 2> /dev/null) || fail "token add"
TOKEN_ID=$(psql_q "SELECT max(id) FROM tokens")

URLS=(); PORTS=()
for n in 1 2 3; do
  hub_serve "$T/serve$n.log" "$DB" --trusted-proxy 127.0.0.1 --rate-limit 1000
  PIDS+=("$SERVE_PID"); URLS+=("$SERVE_URL"); PORTS+=("${SERVE_URL##*:}")
done
rc=0; nginx_env_start "$ROOT/firmware/etc/nginx/sipas-hub-pg.conf" "${PORTS[@]}" || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "nginx did not start"

# ---- one code, every process at once ---------------------------------------
for i in $(seq 0 8); do
  url=${URLS[$((i % 3))]}
  id=$(new_install_id); echo "$id" > "$T/id$i"
  curl -sS -o "$T/enroll$i" -w '%{http_code}' -X POST "$url/api/v1/enroll" \
    -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$CODE\", \"install_id\": \"$id\", \"counter\": \"Quầy 1\", \"version\": \"0.1.0\"}" > "$T/status$i" &
done
wait_curls() { local j; for j in $(jobs -p); do case " ${PIDS[*]} $NGINX_PID " in *" $j "*) ;; *) wait "$j" || true ;; esac; done; }
wait_curls
won=0; used=0; busy=0; WINNER=
for i in $(seq 0 8); do
  s=$(cat "$T/status$i")
  case $s in
    200) won=$((won + 1)); WINNER=$i ;;
    409) used=$((used + 1))
         grep -q '"code-used"' "$T/enroll$i" || fail "attempt $i: 409 $(cat "$T/enroll$i")" ;;
    503) busy=$((busy + 1))
         grep -q '"busy"' "$T/enroll$i" || fail "attempt $i: 503 $(cat "$T/enroll$i")"
         # The kiosk's retry: the code is used by now.
         id=$(cat "$T/id$i")
         HUB_URL=${URLS[$((i % 3))]}
         expect_status 409 "$(hub_enroll "$CODE" "$id")" "attempt $i again" ;;
    *) fail "attempt $i: HTTP $s $(cat "$T/enroll$i")" ;;
  esac
done
[ "$won" = 1 ] || fail "$won enrollments won with one code"
echo "      9 attempts on one code at once: 1 enrolled, $used code-used, $busy busy then code-used"
[ "$(psql_q "SELECT count(*) FROM kiosks")" = 1 ] || fail "kiosks stored: $(psql_q "SELECT count(*) FROM kiosks")"
K=$(cat "$T/id$WINNER")
S=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret"])' "$T/enroll$WINNER")
[ "$(psql_q "SELECT used_by FROM enroll_codes")" = "$K" ] || fail "the code names another kiosk"

# ---- shared state ------------------------------------------------------------
for n in 0 1 2; do
  HUB_URL=${URLS[$n]}
  expect_status 200 "$(kiosk_req POST /api/v1/heartbeat "$K" "$S" --data-binary '{"pending": 1}')" "heartbeat on process $((n + 1))"
  expect_status 200 "$(req GET /api/v1/units -H "Authorization: Bearer $TOKEN")" "token on process $((n + 1))"
done
"$HUB" token revoke "$TOKEN_ID" --db "$DB" 2> /dev/null || fail "token revoke"
for n in 0 1 2; do
  HUB_URL=${URLS[$n]}
  expect_status 401 "$(req GET /api/v1/units -H "Authorization: Bearer $TOKEN")" "revoked token on process $((n + 1))"
done

# ---- through nginx -----------------------------------------------------------
HUB_URL=$NGINX_URL
expect_status 200 "$(req GET /healthz)" "healthz through nginx"
[ "$(jget 'd["ok"] and d["integrity"]["method"] == "postgresql"')" = True ] || fail "healthz body through nginx"
expect_status 200 "$(kiosk_req POST /api/v1/heartbeat "$K" "$S" --data-binary '{"pending": 2}')" "heartbeat through nginx"
expect_status 200 "$(req GET /dashboard/)" "dashboard through nginx"
# One process took every request of this address (the hash), found by
# its log: killed outright.
CHOSEN=; n_seen=0
for n in 0 1 2; do
  grep -q "GET /healthz 200" "$T/serve$((n + 1)).log" || continue
  n_seen=$((n_seen + 1)); CHOSEN=$n
  grep -q "GET /dashboard/ 200" "$T/serve$((n + 1)).log" || fail "the dashboard went to another process than /healthz"
done
[ "$n_seen" = 1 ] || fail "$n_seen processes served one address through nginx"
kill -KILL "${PIDS[$CHOSEN]}"; wait "${PIDS[$CHOSEN]}" 2>/dev/null || true
for i in $(seq 10); do
  expect_status 200 "$(req GET /healthz)" "healthz through nginx with a process killed ($i)"
done
expect_status 200 "$(kiosk_req POST /api/v1/heartbeat "$K" "$S" --data-binary '{"pending": 3}')" "heartbeat through nginx after the kill"
for n in 0 1 2; do
  [ "$n" = "$CHOSEN" ] && continue
  HUB_URL=${URLS[$n]}
  expect_status 200 "$(req GET /healthz)" "process $((n + 1)) after the kill"
done
echo "ok    three hub processes on PostgreSQL behind nginx (process $((CHOSEN + 1)) killed)"
