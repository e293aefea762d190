#!/usr/bin/env bash
# The hub's and the uploader's end-to-end scripts with the hub on
# PostgreSQL (HUB_BACKEND=pg, tests/hub/backend.sh): every script that
# sources tests/hub/lib.sh or tests/sync/lib.sh, one after the other, each
# with a server of its own; one line per script with its time, a summary,
# exit 1 on any failure. Skipped (exit 0, said why) without PostgreSQL's
# server binaries. `make test-pg`; not part of `make test`, for its time.
#   tests/run-pg.sh [BUILD] [NAME...]   (NAME: test_hub_api ...; all by default)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export BUILD=${1:-build}
shift $(( $# > 0 ? 1 : 0 ))
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy HUB_BACKEND=pg

# Left out, and why: about SQLite files themselves, on PostgreSQL in a
# script of their own, or run on both backends by make test already.
declare -A OUT=(
  [test_hub_integrity]="SQLite's quick_check on damaged files"
  [test_hub_migrate]="moves an SQLite file onto PostgreSQL: both already"
  [test_hub_national]="the national hub: test_hub_national_pg"
  [test_hub_pg_serve]="on PostgreSQL already"
  [test_hub_pg_replica]="on PostgreSQL already"
  [test_hub_stats]="test_hub_backends (make test)"
  [test_hub_privacy]="test_hub_backends (make test)"
  [test_hub_targets]="test_hub_backends (make test)"
  [test_sync_faults]="test_hub_backends (make test)"
  [test_sync_replay]="test_hub_backends (make test)"
)

. tests/hub/pg_env.sh
if [ ! -x "$PG_ENV_BIN/initdb" ] || [ ! -x "$PG_ENV_BIN/pg_ctl" ]; then
  echo "skip: no PostgreSQL server binaries in $PG_ENV_BIN (make deps-test installs postgresql-15)"
  exit 0
fi

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for f in $(grep -l '/\(hub\|sync\)/lib\.sh"' tests/e2e/test_*.sh); do
    n=$(basename "$f" .sh)
    if [ -n "${OUT[$n]:-}" ]; then
      printf '      %-28s left out: %s\n' "$n" "${OUT[$n]}"
    else
      names+=("$n")
    fi
  done
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
passed=0 failed=()
began=$(date +%s)
for n in "${names[@]}"; do
  [ -f "tests/e2e/$n.sh" ] || { echo "FAIL: no tests/e2e/$n.sh"; failed+=("$n"); continue; }
  start=$(date +%s%N)
  rc=0
  # The CPU time next to the wall time: the machine may be shared.
  { time bash "tests/e2e/$n.sh" > "$out" 2>&1; } 2> "$out.cpu" || rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  cpu=$(awk '/^user/ {u = $2} /^sys/ {s = $2} END {print u "+" s}' "$out.cpu")
  rm -f "$out.cpu"
  if [ "$rc" = 0 ]; then
    printf 'ok    %-28s %7d ms (CPU %s)\n' "$n" "$ms" "$cpu"
    passed=$((passed + 1))
  else
    printf 'FAIL  %-28s %7d ms (exit %s):\n' "$n" "$ms" "$rc"
    grep -v '^sipas-hub: ' "$out" | tail -20 | sed 's/^/      /'
    failed+=("$n")
  fi
done
echo "PostgreSQL: $passed passed, ${#failed[@]} failed in $(( $(date +%s) - began )) s${failed:+: ${failed[*]}}"
[ ${#failed[@]} = 0 ]
