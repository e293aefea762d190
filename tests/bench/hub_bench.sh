#!/usr/bin/env bash
# Ingest throughput of sipas-hub on loopback (plain HTTP): enrolls N kiosks,
# then keeps C uploads in flight for S seconds, each a day snapshot of R
# rows, and prints one line:
#   hub ingest: X uploads/s (C clients, R rows per upload)
# Usage: tests/bench/hub_bench.sh [BUILD]   (env: KIOSKS, CLIENTS, BENCH_SECONDS, ROWS,
#   HUB_BENCH_DB: an existing database to write into instead of a new one)
# Every upload is a real transaction (WAL, synchronous=FULL), so the
# figure depends on the disk's fsync latency as much as on the CPU.
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
KIOSKS=${KIOSKS:-50}
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
for ((i = 0; i < KIOSKS; i++)); do
  "$HUB" enroll-code --unit BENCH-XA --db "$DB" 2> /dev/null
done > "$T/codes"
hub_start "$DB" --quiet --rate-limit 0 --max-per-ip 512 --max-connections 1024

: > "$T/kiosks"
while read -r code; do
  id=$(new_install_id)
  s=$(req POST /api/v1/enroll -H 'Content-Type: application/json' \
    --data-binary "{\"code\": \"$code\", \"install_id\": \"$id\"}")
  [ "$s" = 200 ] || fail "enrollment: HTTP $s"
  echo "$id $(jget 'd["secret"]')" >> "$T/kiosks"
done < "$T/codes"

# The hub's own CPU time per upload (user + system, from /proc) does not
# depend on what else the machine runs, unlike the rate.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$HUB_PID/stat"; }
before=$(cpu_ticks)
"$LOAD" "$HUB_URL" "$T/kiosks" "$TODAY" "$CLIENTS" "$SECONDS_RUN" "$ROWS" \
  > "$T/load.out" || { cat "$T/load.out"; fail "uploads were refused"; }
after=$(cpu_ticks)
done_n=$(sed -n 's/^hub ingest: \([0-9]*\) uploads acknowledged$/\1/p' "$T/load.out")
grep -v "acknowledged" "$T/load.out"
awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="${done_n:-0}" \
  'BEGIN { if (n > 0) printf "hub ingest: %.2f ms of hub CPU per upload (%d uploads)\n", 1000 * t / hz / n, n }'
hub_stop
