#!/usr/bin/env bash
# Ingest throughput of sipas-hub on loopback (plain HTTP): enrolls N kiosks,
# then keeps C uploads in flight for S seconds, each a day snapshot of R
# rows, and prints one line:
#   hub ingest: X uploads/s (C clients, R rows per upload)
# Usage: tests/bench/hub_bench.sh [BUILD]
#   (env: KIOSKS, CLIENTS, BENCH_SECONDS, ROWS; NEW_CONNECTIONS=1 for a
#   connection per upload, as kiosks uploading every few minutes open;
#   HUB_BENCH_DB: an existing database to write into instead of a new one;
#   HUB_BENCH_PROCS=N, N > 1: N hub processes on HUB_BENCH_DB, a
#   postgresql:// URI, behind nginx (tests/hub/nginx_env.sh);
#   HUB_BENCH_PG_PID: the PostgreSQL server's postmaster, whose CPU per
#   upload (its processes, live and exited) is reported too;
#   HUB_BENCH_PERF: a perf.data file of the measured seconds, the hub's
#   process ids in FILE.pids; HUB_BENCH_ON_LOAD: a command run just
#   before the measured load)
# Every upload is a real transaction (WAL, synchronous=FULL), so the
# figure depends on the disk's fsync latency as much as on the CPU.
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
# Hundreds of kiosks, as a province's hub serves (500 at most: one
# enroll-code call).
KIOSKS=${KIOSKS:-300}
CLIENTS=${CLIENTS:-16}
SECONDS_RUN=${BENCH_SECONDS:-10}
ROWS=${ROWS:-200}
DB=${HUB_BENCH_DB:-$T/hub.db}
LOAD="$BUILD/bench/hub-load"
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)

mkdir -p "$BUILD/bench"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
  "$ROOT/tests/bench/hub_load.c" $(pkg-config --cflags --libs libcurl) \
  -o "$LOAD" || fail "cannot build hub-load"

# A database written into before already holds the unit.
"$HUB" unit add BENCH-XA "Xã đo hiệu năng" --db "$DB" 2> /dev/null ||
  [ -n "${HUB_BENCH_DB:-}" ] || fail "unit add"
PROCS=${HUB_BENCH_PROCS:-1}
SERVE_OPTS=(--quiet --rate-limit 0 --max-per-ip 512 --max-connections 1024)
HUB_PIDS=()
if [ "$PROCS" -le 1 ]; then
  hub_start "$DB" "${SERVE_OPTS[@]}"
  HUB_PIDS=("$HUB_PID")
else
  case $DB in postgresql://*) ;; *) fail "HUB_BENCH_PROCS=$PROCS wants a postgresql:// database" ;; esac
  . "$ROOT/tests/hub/nginx_env.sh"
  stop_procs() {
    local p
    nginx_env_stop
    for p in "${HUB_PIDS[@]}"; do kill -TERM "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
    hub_cleanup
  }
  trap stop_procs EXIT
  ports=()
  for ((n = 1; n <= PROCS; n++)); do
    hub_serve "$T/serve$n.log" "$DB" "${SERVE_OPTS[@]}" --trusted-proxy 127.0.0.1
    HUB_PIDS+=("$SERVE_PID"); ports+=("${SERVE_URL##*:}")
  done
  # The shipped configuration less what would measure nginx's limits
  # instead of the hub: every upload here comes from one address, which
  # its hash would send to one process and its per-address limits would
  # hold to 10 requests a second. Round robin over the processes.
  grep -Ev '^[[:space:]]*(limit_|hash )' "$ROOT/firmware/etc/nginx/sipas-hub-pg.conf" \
    > "$T/bench-nginx.conf" || fail "nginx configuration"
  rc=0; nginx_env_start "$T/bench-nginx.conf" "${ports[@]}" || rc=$?
  [ "$rc" = 0 ] || fail "nginx did not start in front of $PROCS hub processes"
  HUB_URL=$NGINX_URL
fi
# One call makes every code (a provisioning file each); eight enrollments
# at a time.
"$HUB" enroll-code --unit BENCH-XA --db "$DB" --hub-url "$HUB_URL" \
  --out "$T/prov" --count "$KIOSKS" > /dev/null 2>&1 || fail "enroll-code"
enroll_one() { # provisioning file: prints "INSTALL_ID SECRET"
  local id code body try
  id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  code=$(sed -n 's/.*"code": *"\([^"]*\)".*/\1/p' "$1")
  # Busy (several processes on PostgreSQL colliding): tried again, as a
  # kiosk does.
  for try in 1 2 3 4 5 6 7 8; do
    body=$(curl -sS -X POST "$HUB_URL/api/v1/enroll" \
      -H 'Content-Type: application/json' \
      --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}")
    case $body in *'"busy"'*) sleep "0.$try" ;; *) break ;; esac
  done
  case $body in
    *'"secret":"'*) body=${body#*\"secret\":\"}; echo "$id ${body%%\"*}" ;;
    *) echo "$1: $body" >&2 ;;
  esac
}
export -f enroll_one
export HUB_URL
find "$T/prov" -name sipas-provision.json -print0 |
  xargs -0 -P 8 -n 1 bash -c 'enroll_one "$0"' > "$T/kiosks" 2> "$T/enroll.err"
[ "$(wc -l < "$T/kiosks")" = "$KIOSKS" ] || fail "enrolled $(wc -l < "$T/kiosks") of $KIOSKS kiosks: $(head -3 "$T/enroll.err")"

# The hub's own CPU time per upload (user + system, from /proc) does not
# depend on what else the machine runs, unlike the rate.
# Each kiosk's day once, unmeasured: a hub in service holds it already,
# and its first upload (all rows new) is not what the kiosks then send.
"$LOAD" "$HUB_URL" "$T/kiosks" "$TODAY" "$CLIENTS" 1 "$ROWS" warm-up \
  > "$T/load.out" 2>&1 || { cat "$T/load.out"; fail "warm-up refused"; }
# User and system apart: the system part is the network and fsync.
cpu_ticks() { local p; for p in "${HUB_PIDS[@]}"; do cat "/proc/$p/stat"; done |
  awk '{ u += $14; s += $15 } END { print u, s }'; }
# tree_ticks PID: user + system ticks of PID, of its children it reaped
# and of its live children (a server's backends come and go).
tree_ticks() {
  [ -n "$1" ] || { echo 0; return; }
  # (a process gone between the listing and its reading is no error)
  { cat /proc/[0-9]*/stat 2> /dev/null || true; } | awk -v p="$1" '
    $1 == p { t += $14 + $15 + $16 + $17 } $4 == p { t += $14 + $15 }
    END { print t + 0 }'
}
PG_PID=${HUB_BENCH_PG_PID:-}
# HUB_BENCH_ON_LOAD: a command run just before the measured load (a
# statistics reset, so that only the measured uploads count).
[ -z "${HUB_BENCH_ON_LOAD:-}" ] || "$HUB_BENCH_ON_LOAD" || fail "$HUB_BENCH_ON_LOAD failed"
read -r ub sb < <(cpu_ticks)
pg_b=$(tree_ticks "$PG_PID") ngx_b=$(tree_ticks "${NGINX_PID:-}")
"$LOAD" "$HUB_URL" "$T/kiosks" "$TODAY" "$CLIENTS" "$SECONDS_RUN" "$ROWS" \
  ${NEW_CONNECTIONS:+new-connections} > "$T/load.out" 2> "$T/load.err" &
load_pid=$!
# HUB_BENCH_PERF=FILE: the whole machine sampled by perf while the load
# runs (its report filters by process).
perf_pid=
if [ -n "${HUB_BENCH_PERF:-}" ]; then
  # The hub's threads carry libmicrohttpd's names: its report picks them
  # by process id.
  (IFS=,; echo "${HUB_PIDS[*]}") > "$HUB_BENCH_PERF.pids"
  perf record -a -F 499 -o "$HUB_BENCH_PERF" -- sleep "$SECONDS_RUN" > /dev/null 2>&1 &
  perf_pid=$!
fi
wait "$load_pid" || { cat "$T/load.out" "$T/load.err"; fail "uploads were refused"; }
[ -z "$perf_pid" ] || wait "$perf_pid" || echo "hub ingest: perf record failed" >&2
read -r ua sa < <(cpu_ticks)
pg_a=$(tree_ticks "$PG_PID") ngx_a=$(tree_ticks "${NGINX_PID:-}")
done_n=$(sed -n 's/^hub ingest: \([0-9]*\) uploads acknowledged$/\1/p' "$T/load.out")
grep -v "acknowledged" "$T/load.out"
awk -v u=$((ua - ub)) -v s=$((sa - sb)) -v hz="$(getconf CLK_TCK)" -v n="${done_n:-0}" \
  'BEGIN { if (n > 0) printf "hub ingest: %.2f ms of hub CPU per upload (%.2f user, %.2f system; %d uploads)\n", 1000 * (u + s) / hz / n, 1000 * u / hz / n, 1000 * s / hz / n, n }'
# per_upload WHAT TICKS: one line of another process's CPU per upload.
per_upload() {
  awk -v w="$1" -v t="$2" -v hz="$(getconf CLK_TCK)" -v n="${done_n:-0}" \
    'BEGIN { if (n > 0) printf "hub ingest: %.2f ms of %s CPU per upload\n", 1000 * t / hz / n, w }'
}
[ -n "$PG_PID" ] && per_upload "PostgreSQL server" $((pg_a - pg_b))
[ "$PROCS" -gt 1 ] && per_upload "nginx" $((ngx_a - ngx_b))
sed -n 's/^hub-load: cpu /hub ingest: load generator /p' "$T/load.err"
echo "hub ingest: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
if [ "$PROCS" -le 1 ]; then
  hub_stop
else
  nginx_env_stop
  for p in "${HUB_PIDS[@]}"; do
    kill -TERM "$p"; rc=0; wait "$p" || rc=$?
    [ "$rc" = 0 ] || fail "a hub process exited $rc on SIGTERM"
  done
  HUB_PIDS=()
fi
