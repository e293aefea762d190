# The statistics scripts and the sync fault matrix on both of the hub's
# backends: each statistics script (test_hub_stats, test_hub_privacy,
# test_hub_targets) runs on an SQLite file and on a PostgreSQL server of
# its own (HUB_BACKEND=pg, tests/hub/backend.sh), passes on both, and
# every statistics answer it got, JSON and CSV, is the same bytes on
# both, in the same order. The sync fault matrix (test_sync_faults: hub
# down, killed mid-upload, 5xx, resets, wrong acknowledgements, quota)
# and the replays (test_sync_replay: late, repeated, reversed, shuffled
# uploads, element rows read back with psql) run on PostgreSQL; on SQLite
# they run in the end-to-end loop already. Without PostgreSQL's binaries
# the statistics scripts run on SQLite alone (tests/run-all.sh leaves
# them to this script, so they run once).
#
# Kept to these five for make test's time; every other hub and sync
# script (all read the database through backend.sh) runs on PostgreSQL
# in `make test-pg` (tests/run-pg.sh), one at a time.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# Read by tests/run-all.sh too: one list.
STATS_SCRIPTS="test_hub_stats test_hub_privacy test_hub_targets"
. "$ROOT/tests/hub/pg_env.sh"
pg=1
[ -x "$PG_ENV_BIN/initdb" ] || { pg=0; echo "      no PostgreSQL server binaries in $PG_ENV_BIN: SQLite only"; }
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
failed=0

# run NAME BACKEND: the script with its statistics answers kept in
# $R/BACKEND/NAME; its output shown when it fails.
run() {
  local start rc=0 cpu TIMEFORMAT=%U+%S
  start=$(date +%s%N)
  { time HUB_BACKEND=$2 HUB_RECORD="$R/$2/$1" \
      bash "$ROOT/tests/e2e/$1.sh" > "$R/out" 2>&1; } 2> "$R/cpu" || rc=$?
  cpu=$(tail -1 "$R/cpu")
  if [ "$rc" = 0 ]; then
    printf '      %-22s %-6s %6d ms (CPU %s s)\n' "$1" "$2" \
      $(( ($(date +%s%N) - start) / 1000000 )) "$cpu"
  else
    echo "FAIL: $1 on $2 (exit $rc):"; grep -v '^sipas-hub: ' "$R/out" | tail -20
    failed=1
  fi
  return "$rc"
}

for s in $STATS_SCRIPTS; do
  run "$s" sqlite && [ "$pg" = 1 ] && run "$s" pg || continue
  n=$(find "$R/sqlite/$s" -type f | wc -l)
  [ "$n" -gt 0 ] || { echo "FAIL: $s kept no statistics answer"; failed=1; continue; }
  if diff -r "$R/sqlite/$s" "$R/pg/$s" > "$R/diff"; then
    echo "      $s: $n statistics answers byte-identical"
  else
    echo "FAIL: $s: the backends' answers differ:"; head -40 "$R/diff"; failed=1
  fi
done
if [ "$pg" = 1 ]; then
  for s in test_sync_faults test_sync_replay; do run "$s" pg || true; done
fi
[ "$failed" = 0 ] || exit 1
if [ "$pg" = 1 ]; then
  echo "ok    statistics and sync faults on SQLite and PostgreSQL"
else
  echo "ok    statistics on SQLite (PostgreSQL skipped: no server binaries)"
fi
