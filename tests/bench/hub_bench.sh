#!/usr/bin/env bash
# Ingest throughput of sipas-hub on loopback (plain HTTP): enrolls N kiosks,
# then keeps C uploads in flight for S seconds, each a day snapshot of R
# rows, and prints one line:
#   hub ingest: X uploads/s (C clients, R rows per upload)
# Usage: tests/bench/hub_bench.sh [BUILD]
#   (env: KIOSKS, CLIENTS, BENCH_SECONDS, ROWS; NEW_CONNECTIONS=1 for a
#   connection per upload, as kiosks uploading every few minutes open;
#   HUB_BENCH_DB: an existing database to write into instead of a new one)
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
hub_start "$DB" --quiet --rate-limit 0 --max-per-ip 512 --max-connections 1024
# One call makes every code (a provisioning file each); eight enrollments
# at a time.
"$HUB" enroll-code --unit BENCH-XA --db "$DB" --hub-url "$HUB_URL" \
  --out "$T/prov" --count "$KIOSKS" > /dev/null 2>&1 || fail "enroll-code"
enroll_one() { # provisioning file: prints "INSTALL_ID SECRET"
  local id code body
  id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  code=$(sed -n 's/.*"code": *"\([^"]*\)".*/\1/p' "$1")
  body=$(curl -sS -X POST "$HUB_URL/api/v1/enroll" \
    -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}")
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
cpu_ticks() { awk '{print $14, $15}' "/proc/$HUB_PID/stat"; }
read -r ub sb < <(cpu_ticks)
"$LOAD" "$HUB_URL" "$T/kiosks" "$TODAY" "$CLIENTS" "$SECONDS_RUN" "$ROWS" \
  ${NEW_CONNECTIONS:+new-connections} > "$T/load.out" 2> "$T/load.err" &
load_pid=$!
wait "$load_pid" || { cat "$T/load.out" "$T/load.err"; fail "uploads were refused"; }
read -r ua sa < <(cpu_ticks)
done_n=$(sed -n 's/^hub ingest: \([0-9]*\) uploads acknowledged$/\1/p' "$T/load.out")
grep -v "acknowledged" "$T/load.out"
awk -v u=$((ua - ub)) -v s=$((sa - sb)) -v hz="$(getconf CLK_TCK)" -v n="${done_n:-0}" \
  'BEGIN { if (n > 0) printf "hub ingest: %.2f ms of hub CPU per upload (%.2f user, %.2f system; %d uploads)\n", 1000 * (u + s) / hz / n, 1000 * u / hz / n, 1000 * s / hz / n, n }'
sed -n 's/^hub-load: cpu /hub ingest: load generator /p' "$T/load.err"
echo "hub ingest: load average $(cut -d' ' -f1-3 /proc/loadavg) after the run"
hub_stop
