#!/usr/bin/env bash
# How the hub's costs grow with its database: provinces of a year each,
# of more and more kiosks (tests/bench/hub_gen.c), and on each the start
# time (spawn to /healthz answering), ingest (tests/bench/hub_bench.sh
# against that database: uploads/s and hub CPU per upload) and a year's
# statistics by unit (median wall time of RUNS and the hub's CPU time).
# One "hub growth:" line per database; the table and an SVG plot of the
# three against the database's size (tests/bench/growth_svg.py) go to
# OUT (docs/hub-growth.svg and its .tsv next to it).
#
# Usage: tests/bench/hub_growth.sh [BUILD]
#   env: GROWTH_KIOSKS ("25 250 640": about 0.1, 1 and 2.6 GB),
#        GROWTH_DIR (keeps the databases and reuses those already there;
#        default: a temporary directory, removed), SCALE_DB (one more
#        point: a database hub_scale.sh made or reused), YEAR (2025),
#        RUNS (5), BENCH_SECONDS (5: ingest per point), OUT.
# Ingest writes into each database (hub_bench.sh's unit BENCH-XA, its
# kiosks and today's uploads); the year measured is not touched.
# Not part of `make test`; `make bench` runs it unless BENCH_GROWTH=0.
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
KIOSKS_LIST=${GROWTH_KIOSKS:-25 250 640}
YEAR=${YEAR:-2025}
RUNS=${RUNS:-5}
OUT=${OUT:-$ROOT/docs/hub-growth.svg}
DIR=${GROWTH_DIR:-$T/growth}
GEN="$BUILD/bench/hub-gen"
mkdir -p "$DIR"

# hub-gen is built by hub_scale.sh, which make bench runs first.
[ -x "$GEN" ] || fail "$GEN is missing (run tests/bench/hub_scale.sh first)"

# median FILE: of the numbers in FILE.
median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END {
    printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$1/stat"; }

# measure DB: one line of the table.
measure() {
  local db=$1 mb start_ms token i c0 w ingest rate per_upload
  mb=$(du -m "$db" | awk '{ print $1 }')
  token=$("$HUB" token add --scope province --db "$db" 2> /dev/null) ||
    fail "token add on $db"
  start_ms=$(date +%s%N)
  hub_start "$db" --quiet
  for ((i = 0; i < 6000; i++)); do
    curl -fsS -o /dev/null "$HUB_URL/healthz" 2> /dev/null && break
    sleep 0.01
  done
  start_ms=$(( ($(date +%s%N) - start_ms) / 1000000 ))
  : > "$T/wall"
  : > "$T/cpu"
  for ((i = 0; i <= RUNS; i++)); do
    c0=$(cpu_ms "$HUB_PID")
    w=$(curl -fsS -o "$T/year.json" -w '%{time_total}' \
      -H "Authorization: Bearer $token" \
      "$HUB_URL/api/v1/stats?period=$YEAR&group=unit") || fail "stats on $db"
    [ "$i" = 0 ] && continue
    awk -v w="$w" 'BEGIN { printf "%.1f\n", w * 1000 }' >> "$T/wall"
    echo $(( $(cpu_ms "$HUB_PID") - c0 )) >> "$T/cpu"
  done
  hub_stop
  ingest=$(HUB_BENCH_DB="$db" BENCH_SECONDS=${BENCH_SECONDS:-5} \
    "$ROOT/tests/bench/hub_bench.sh" "$BUILD") || fail "ingest on $db: $ingest"
  rate=$(sed -n 's/^hub ingest: \([0-9.]*\) uploads\/s.*/\1/p' <<< "$ingest")
  per_upload=$(sed -n 's/^hub ingest: \([0-9.]*\) ms of hub CPU.*/\1/p' <<< "$ingest")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mb" "$start_ms" "${rate:-0}" \
    "${per_upload:-0}" "$(median "$T/wall")" "$(median "$T/cpu")"
}

tsv="${OUT%.svg}.tsv"
{
  printf 'db_mib\tstart_ms\tuploads_per_s\tcpu_ms_per_upload\tyear_by_unit_ms\tyear_by_unit_cpu_ms\n'
  for k in $KIOSKS_LIST; do
    db="$DIR/k$k.db"
    if [ ! -f "$db" ]; then
      "$GEN" "$db" --kiosks "$k" --days 365 --year "$YEAR" > /dev/null ||
        fail "hub-gen --kiosks $k"
    fi
    measure "$db"
  done
  [ -n "${SCALE_DB:-}" ] && [ -f "$SCALE_DB" ] && measure "$SCALE_DB"
} > "$T/growth.tsv"
cp "$T/growth.tsv" "$tsv"
awk -F'\t' 'NR > 1 { printf "hub growth: %6d MiB: serving after %5d ms, ingest %s uploads/s (%s ms hub CPU each), year by unit %s ms (%s ms CPU)\n", $1, $2, $3, $4, $5, $6 }' "$tsv"
python3 "$ROOT/tests/bench/growth_svg.py" "$tsv" "$OUT" || fail "growth plot"
echo "hub growth: plot in ${OUT#"$ROOT"/}"
