#!/usr/bin/env bash
# The SQL driver tests (tests/unit/test_sqlx.c) with their PostgreSQL
# half: a server of the test's own (pg_env.sh), both halves run, and
# every PostgreSQL case must have run and passed. Skips only when the
# server's binaries are missing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
bin=$build/tests/test_sqlx
[ -x "$bin" ] || { echo "FAIL: $bin is not built (make tests)" >&2; exit 1; }

. "$root/tests/hub/pg_env.sh"
pg_env_start; rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || exit 1

out=$(SIPAS_TEST_PG_URI=$PG_ENV_URI "$bin" 2>&1); rc=$?
[ "$rc" = 0 ] || { printf '%s\n' "$out"; echo "FAIL: test_sqlx on PostgreSQL (exit $rc)" >&2; exit 1; }
printf '%s\n' "$out" | grep -E 'transactions, [0-9]+ run again' | sed 's/^/      /'
want=$(sed -n '/^int main/,$p' "$root/tests/unit/test_sqlx.c" | grep -o 'BOTH(test_[a-z0-9_]*)' | wc -l)
ran=$(printf '%s\n' "$out" | grep -c '^\[       OK \] postgresql: ')
[ "$ran" = "$want" ] || { printf '%s\n' "$out"; echo "FAIL: $ran PostgreSQL cases passed, $want expected" >&2; exit 1; }
echo "ok    sqlx drivers on PostgreSQL ($ran cases, server on port $PG_ENV_PORT)"
