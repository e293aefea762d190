#!/usr/bin/env bash
# The hub on PostgreSQL beside SQLite, on a PostgreSQL server of this
# script's own (tests/hub/pg_env.sh, settings below):
#
#  1. ingest: tests/bench/hub_bench.sh (hub-load, hundreds of simulated
#     kiosks, ROWS rows per upload) against the SQLite hub once more for
#     comparison, then one hub process on PostgreSQL, 2 and 4 behind
#     nginx, each on a new database; uploads/s, hub CPU per upload
#     and the server's CPU per upload (its processes from /proc); the
#     one-process run is sampled by perf and the server's statements by
#     pg_stat_statements.
#  2. statistics: a province generated into SQLite (tests/bench/hub_gen.c
#     through tests/bench/hub_scale.sh, which times its queries there),
#     copied with `sipas-hub migrate`, and the same queries timed on
#     PostgreSQL (hub_scale.sh again); a line per query with both medians
#     and their ratio, and each database's size per kiosk-year.
#
# Every line starts with "hub pg"; run.sh puts them in docs/BENCHMARKS.md.
# Usage: tests/bench/hub_pg.sh [BUILD]
#   env: PG_BENCH_QUICK=1 (a short try: 100 kiosks, 3 s of load, a province
#   of 30 kiosks x 60 days, 3 runs a query); KIOSKS (300), CLIENTS (16),
#   BENCH_SECONDS (10), ROWS (200), PG_BENCH_PROCS ("1 2 4"),
#   SCALE_KIOSKS (60: a larger province takes many minutes to generate
#   and copy on 2 shared cores), SCALE_DAYS (365), RUNS (5), PG_BENCH_PERF
#   (1; 0: no perf profile), PG_BENCH_SCALE (1; 0: ingest only),
#   PG_BENCH_OPTS (more server settings, "name=value ...").
# Skips, saying so and exiting 0, when PostgreSQL's binaries are missing.
BUILD=${1:-${BUILD:-build}}
export BUILD
. "$(dirname "$0")/../hub/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"

if [ "${PG_BENCH_QUICK:-0}" = 1 ]; then
  : "${KIOSKS:=100}" "${BENCH_SECONDS:=3}" "${SCALE_KIOSKS:=30}" "${SCALE_DAYS:=60}" "${RUNS:=3}"
fi
export KIOSKS=${KIOSKS:-300} CLIENTS=${CLIENTS:-16} BENCH_SECONDS=${BENCH_SECONDS:-10}
export ROWS=${ROWS:-200} RUNS=${RUNS:-5}
procs_list=${PG_BENCH_PROCS:-1 2 4}
scale_kiosks=${SCALE_KIOSKS:-60}
scale_days=${SCALE_DAYS:-365}

# The server as a small dedicated one would be set up for the hub:
# durable commits as SQLite's synchronous=FULL (fsync on, synchronous
# commit), buffers sized for a 2-core machine that also runs the hubs.
# (pg_ctl takes its -o on one line.)
opts=(fsync=on synchronous_commit=on full_page_writes=on shared_buffers=256MB
  effective_cache_size=1GB work_mem=16MB maintenance_work_mem=128MB max_wal_size=2GB
  checkpoint_timeout=15min shared_preload_libraries=pg_stat_statements max_connections=40)
# PG_BENCH_OPTS: more settings ("name=value ..."), to try one.
# shellcheck disable=SC2206
opts+=(${PG_BENCH_OPTS:-})
PG_ENV_OPTS=$(printf -- '-c %s ' "${opts[@]}")
export PG_ENV_OPTS
rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && { echo "hub pg: skipped: no PostgreSQL server binaries in $PG_ENV_BIN"; exit 0; }
[ "$rc" = 0 ] || fail "no PostgreSQL server for the benchmark"
trap 'pg_env_stop; hub_cleanup' EXIT
psql_q() { "$PG_ENV_BIN/psql" "$PG_ENV_URI" -XAtqc "$1"; }
base=${PG_ENV_URI%/*}
postmaster=$(head -1 "$PG_ENV_DIR/data/postmaster.pid")
psql_q "CREATE EXTENSION pg_stat_statements" || fail "pg_stat_statements"
echo "hub pg: server $(psql_q "SHOW server_version" | cut -d' ' -f1)," \
  "$(for s in shared_buffers effective_cache_size work_mem max_wal_size fsync synchronous_commit wal_level; do
    printf '%s=%s ' "$s" "$(psql_q "SHOW $s")"; done)" \
  "on $(df -PT "$PG_ENV_DIR" | awk 'NR == 2 { print $2 }'), over TCP on loopback, sharing the machine's $(nproc) cores with the hubs and the load"

# ---- 1. ingest -------------------------------------------------------------
perf_on=${PG_BENCH_PERF:-1}
printf '#!/bin/sh\nexec "%s/psql" "%s" -XAtqc "SELECT pg_stat_statements_reset()" > /dev/null\n' \
  "$PG_ENV_BIN" "$PG_ENV_URI" > "$T/stat-reset"
chmod +x "$T/stat-reset"
command -v perf > /dev/null || perf_on=0
# The SQLite hub under the same load just before, for the comparison.
"$ROOT/tests/bench/hub_bench.sh" "$BUILD" > "$T/ingest.out" 2>&1 ||
  { tail -5 "$T/ingest.out"; fail "ingest on SQLite"; }
sed -n "s/^hub ingest: /hub pg ingest, SQLite beside it, 1 process: /p" "$T/ingest.out"
for procs in $procs_list; do
  label="$procs process"
  [ "$procs" -gt 1 ] && label="$procs processes behind nginx"
  psql_q "CREATE DATABASE ingest$procs" || fail "create database"
  perf_file=
  [ "$procs" = 1 ] && [ "$perf_on" = 1 ] && perf_file=$T/perf.data
  HUB_BENCH_DB=$base/ingest$procs HUB_BENCH_PROCS=$procs HUB_BENCH_PG_PID=$postmaster \
    HUB_BENCH_PERF=$perf_file HUB_BENCH_ON_LOAD=$T/stat-reset \
    "$ROOT/tests/bench/hub_bench.sh" "$BUILD" > "$T/ingest.out" 2>&1 ||
    { sed 's/^/hub pg: /' "$T/ingest.out" | tail -5; echo "hub pg: ingest, $label: failed"; continue; }
  sed -n "s/^hub ingest: /hub pg ingest, $label: /p" "$T/ingest.out"
  uploads=$(sed -n 's/^hub ingest: .* CPU per upload (.*; \([0-9]*\) uploads)$/\1/p' "$T/ingest.out")
  [ "${uploads:-0}" -gt 0 ] || continue
  # What the server executed for the measured uploads alone.
  psql_q "SELECT round(sum(calls) / $uploads.0, 1) || ' statements per upload, '
      || to_char(sum(total_exec_time) / $uploads, 'FM990.00') || ' ms of their execution per upload'
    FROM pg_stat_statements" | sed "s/^/hub pg ingest, $label: server: /"
  [ "$procs" = 1 ] || continue
  psql_q "SELECT to_char(100 * total_exec_time / sum(total_exec_time) OVER (), 'FM990.0') || ' % of statement time, '
      || to_char(calls / $uploads.0, 'FM9990.0') || ' calls per upload, ' || to_char(mean_exec_time, 'FM990.000')
      || ' ms each: ' || left(regexp_replace(query, '\s+', ' ', 'g'), 80)
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 6" |
    sed 's/^/hub pg ingest profile, server statements: /'
  if [ -n "$perf_file" ] && [ -s "$perf_file" ]; then
    # Samples over the whole machine by command (the other work on it
    # included), then the hub's and the server's top symbols.
    { perf report -i "$perf_file" --sort comm --stdio 2> /dev/null || true; } |
      awk '/^ +[0-9.]+%/ && n < 6 { out = out (n++ ? ", " : "") $2 " " $1 } END { print out }' |
      sed 's/^/hub pg ingest profile, machine CPU samples by command: /'
    hub_pids=$(cat "$perf_file.pids")
    { perf report -i "$perf_file" --pid "$hub_pids" --sort dso,sym --percentage relative \
        --stdio 2> /dev/null || true; } | awk '/^ +[0-9.]+%/ && n++ < 8 { $2 = $2 ":"; $3 = ""; print }' |
      sed "s/^ */hub pg ingest profile, sipas-hub: /"
    { perf report -i "$perf_file" --comms postgres --sort dso,sym --percentage relative \
        --stdio 2> /dev/null || true; } | awk '/^ +[0-9.]+%/ && n++ < 8 { $2 = $2 ":"; $3 = ""; print }' |
      sed "s/^ */hub pg ingest profile, postgres: /"
  fi
done

# ---- 2. statistics, side by side -------------------------------------------
[ "${PG_BENCH_SCALE:-1}" != 0 ] || exit 0
prov=$T/province.db
KIOSKS=$scale_kiosks DAYS=$scale_days SCALE_DB=$prov \
  "$ROOT/tests/bench/hub_scale.sh" "$BUILD" > "$T/scale-sqlite.out" 2>&1 ||
  { tail -5 "$T/scale-sqlite.out"; fail "the province on SQLite"; }
echo "hub pg province: $scale_kiosks kiosks x $scale_days days, generated into SQLite:" \
  "$(sed -n '1s/^hub scale: //p' "$T/scale-sqlite.out")"
psql_q "CREATE DATABASE province" || fail "create database"
t0=$(date +%s%N)
"$HUB" migrate --from "$prov" --to "$base/province" > /dev/null 2> "$T/migrate.err" ||
  fail "migrate: $(tail -3 "$T/migrate.err")"
echo "hub pg province: migrate $(( ($(date +%s%N) - t0) / 1000000 )) ms wall: $(tail -1 "$T/migrate.err")"
"$PG_ENV_BIN/psql" "$base/province" -XAtqc "VACUUM ANALYZE" || fail "vacuum"
SCALE_DB=$base/province "$ROOT/tests/bench/hub_scale.sh" "$BUILD" > "$T/scale-pg.out" 2>&1 ||
  { tail -5 "$T/scale-pg.out"; fail "the province on PostgreSQL"; }
# One line per query: SQLite ms, PostgreSQL ms, their ratio.
awk '
  function key(line,  k) { k = line; sub(/ +[0-9.]+ ms .*/, "", k); return k }
  function ms(line,  m) { m = line; sub(/ ms .*/, "", m); sub(/.* /, "", m); return m }
  /^(stats|quarterly report)/ { if (FILENAME == ARGV[1]) { order[++n] = key($0); s[key($0)] = ms($0) }
    else p[key($0)] = ms($0) }
  END { for (i = 1; i <= n; i++) { k = order[i]; r = 0
    if (s[k] > 0) r = p[k] / s[k]
    printf "hub pg %-44s SQLite %8.1f ms  PostgreSQL %8.1f ms  ratio %.2f\n", k, s[k], p[k], r } }' "$T/scale-sqlite.out" "$T/scale-pg.out"
sed -n 's/^hub scale: \(serving after .*\)/hub pg province on PostgreSQL: \1/p; s/^hub scale: \(hub memory.*\)/hub pg province on PostgreSQL: \1/p' "$T/scale-pg.out"
lite_b=$(stat -c %s "$prov")
pg_b=$("$PG_ENV_BIN/psql" "$base/province" -XAtqc "SELECT pg_database_size(current_database())") ||
  fail "pg_database_size"
awk -v l="$lite_b" -v p="$pg_b" -v k="$scale_kiosks" -v d="$scale_days" 'BEGIN {
  ky = k * d / 365
  printf "hub pg province: size per kiosk-year: SQLite %.2f MiB (file %.1f MiB), PostgreSQL %.2f MiB (pg_database_size %.1f MiB), ratio %.2f\n",
    l / ky / 1048576, l / 1048576, p / ky / 1048576, p / 1048576, p / l }'
echo "hub pg: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
