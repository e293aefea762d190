#!/usr/bin/env bash
# Statistics at the scale of a province: writes a year of 1,000 kiosks into
# a hub database (tests/bench/hub_gen.c, through the hub's own ingest
# function), serves it, and times GET /api/v1/stats as an analyst clicks
# around: a year by unit, by field, by quarter, one district, the CSV, and
# two heavier ones (a quarter by day, a district's officers). One line per
# query with the median of RUNS timed runs after one untimed run.
#
# Usage: tests/bench/hub_scale.sh [BUILD]
#   env: KIOSKS (1000), DAYS (365), YEAR (2025), RUNS (5),
#        SCALE_DB (a database to reuse instead of generating one; a
#        postgresql:// URI is always reused, e.g. one `sipas-hub migrate`
#        filled, its size read with psql from PG_ENV_BIN)
# Not part of `make test`; `make bench` runs it (tests/bench/run.sh).
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
KIOSKS=${KIOSKS:-1000}
DAYS=${DAYS:-365}
YEAR=${YEAR:-2025}
RUNS=${RUNS:-5}
GEN="$BUILD/bench/hub-gen"
DB=${SCALE_DB:-$T/hub.db}

. "$ROOT/tests/bench/hub_gen_build.sh"
hub_gen_build

PG=
case $DB in postgresql://*) PG=1 ;; esac
if [ -z "$PG" ] && { [ -z "${SCALE_DB:-}" ] || [ ! -f "$DB" ]; }; then
  line=$("$GEN" "$DB" --kiosks "$KIOSKS" --days "$DAYS" --year "$YEAR") ||
    fail "hub-gen failed"
else
  line="reused $DB"
fi
echo "hub scale: $line"
echo "hub scale: written through hub_ingest_store() (the ingest path behind" \
  "POST /api/v1/ingest, without HTTP and JSON parsing), one upload per kiosk" \
  "and month, synchronous=OFF while generating"
if [ -n "$PG" ]; then
  db_mb=$("${PG_ENV_BIN:-/usr/lib/postgresql/15/bin}/psql" "$DB" -XAtqc \
    "SELECT pg_database_size(current_database()) / 1048576") || fail "pg_database_size"
else
  db_mb=$(du -m "$DB" | awk '{ print $1 }')
fi
echo "hub scale: database $db_mb MiB"
TOKEN=$("$HUB" token add --scope province --db "$DB" 2> /dev/null) ||
  fail "token add"

# serve: at once, the whole-file check runs in the background (its time
# is reported at the end).
start=$(date +%s%N)
"$HUB" serve --db "$DB" --listen 127.0.0.1:0 --quiet 2> "$T/serve.log" &
HUB_PID=$!
for ((i = 0; i < 60000; i++)); do
  HUB_URL=$(sed -n 's/^listening on \(.*\)$/\1/p' "$T/serve.log")
  [ -n "$HUB_URL" ] && break
  kill -0 "$HUB_PID" 2> /dev/null || { HUB_PID=""; fail "the hub exited: $(cat "$T/serve.log")"; }
  sleep 0.01
done
[ -n "$HUB_URL" ] || fail "the hub did not start"
curl -fsS -o /dev/null "$HUB_URL/healthz" || fail "/healthz"
echo "hub scale: serving after $(( ($(date +%s%N) - start) / 1000000 )) ms" \
  "(/healthz answered; the integrity check in the background)"

# timed NAME QUERY: the median wall time of RUNS requests, curl's view.
timed() {
  local name=$1 query=$2 i ms
  : > "$T/times"
  for ((i = 0; i <= RUNS; i++)); do
    ms=$(curl -sS -o "$T/out" -w '%{time_total}' \
      -H "Authorization: Bearer $TOKEN" "$HUB_URL/api/v1/stats?$query" |
      awk '{ printf "%.1f", $1 * 1000 }') || fail "$name: request failed"
    [ "$i" = 0 ] || echo "$ms" >> "$T/times"
  done
  grep -q '"error"' "$T/out" && fail "$name: $(head -c 300 "$T/out")"
  sort -g "$T/times" | awk -v n="$name" -v kb="$(( $(wc -c < "$T/out") / 1024 ))" \
    -v runs="$RUNS" '{ v[NR] = $1 } END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "stats %-34s %8.1f ms  (median of %d, %d KiB)\n", n, m, runs, kb }'
}
timed "year by unit" "period=$YEAR&group=unit"
timed "year by field" "period=$YEAR&group=field"
timed "year by quarter" "period=$YEAR&group=quarter"
timed "year, one district, by unit" "period=$YEAR&unit=HUYEN-03&group=unit"
timed "year by unit, CSV" "period=$YEAR&group=unit&format=csv"
timed "quarter by day" "period=$YEAR-Q3&group=day"
timed "year, one district, by officer" "period=$YEAR&unit=HUYEN-03&group=officer"
timed "15 Jan to 20 Dec by unit (day edges)" "from=$YEAR-01-15&to=$YEAR-12-20&group=unit"

# The province's quarterly report, end to end: sipas-report asks the hub for
# its tables and writes the file.
for fmt in csv xlsx pdf; do
  : > "$T/times"
  for ((i = 0; i <= RUNS; i++)); do
    t0=$(date +%s%N)
    "$BUILD/sipas-report" --hub "$HUB_URL" --token "$TOKEN" --period "$YEAR-Q3" \
      --format "$fmt" --output "$T/report.$fmt" 2> "$T/report.err" ||
      fail "report $fmt: $(cat "$T/report.err")"
    [ "$i" = 0 ] || echo $(( ($(date +%s%N) - t0) / 1000000 )) >> "$T/times"
  done
  sort -g "$T/times" | awk -v n="quarterly report, $fmt" -v kb="$(( $(wc -c < "$T/report.$fmt") / 1024 ))" \
    -v runs="$RUNS" '{ v[NR] = $1 } END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%-40s %8.1f ms  (median of %d, %d KiB)\n", n, m, runs, kb }'
done
# The background check of a never-checked file, while the queries ran
# (PostgreSQL has no file to check: the server checks its pages).
for ((i = 0; i < 6000 && !PG; i++)); do
  curl -fsS -o "$T/health" "$HUB_URL/healthz" || fail "/healthz"
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["integrity"]["result"] in ("never", "running"))' \
    "$T/health" && break
  sleep 0.1
done
[ -n "$PG" ] || python3 -c 'import json,sys; i = json.load(open(sys.argv[1]))["integrity"]
if i["started_at"] is None:
    print("hub scale: integrity check: none due at this start (last: %s)" % i["result"])
else:
    print("hub scale: integrity check in the background: %s in %d ms" % (i["result"], i["finished_at"] - i["started_at"]))' \
  "$T/health"
grep -E '^Vm(HWM|RSS)' "/proc/$HUB_PID/status" | awk '{ kb[$1] = $2 } END {
  printf "hub scale: hub memory after the queries: peak RSS %d MiB, RSS %d MiB\n",
    kb["VmHWM:"] / 1024, kb["VmRSS:"] / 1024 }'
hub_stop
