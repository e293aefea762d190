#!/usr/bin/env bash
# A unit test with a PostgreSQL half (default tests/unit/test_sqlx.c, the
# SQL drivers; or the one named, as test_hub_store_pg): a server of the
# test's own (pg_env.sh), both halves run, and every PostgreSQL case
# (BOTH(...) and PG_ONLY(...) in its main) must have run and passed.
# Skips only when the server's binaries are missing.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$root/$build ;; esac
name=${1:-test_sqlx}
bin=$build/tests/$name
[ -x "$bin" ] || { echo "FAIL: $bin is not built (make tests)" >&2; exit 1; }

. "$root/tests/hub/pg_env.sh"
pg_env_start; rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || exit 1

out=$(SIPAS_TEST_PG_URI=$PG_ENV_URI "$bin" 2>&1); rc=$?
[ "$rc" = 0 ] || { printf '%s\n' "$out"; echo "FAIL: $name on PostgreSQL (exit $rc)" >&2; exit 1; }
printf '%s\n' "$out" | grep -E 'transactions, [0-9]+ run again' | sed 's/^/      /'
want=$(sed -n '/^int main/,$p' "$root/tests/unit/$name.c" | grep -oE '(BOTH|PG_ONLY)\(test_[a-z0-9_]*\)' | wc -l)
ran=$(printf '%s\n' "$out" | grep -c '^\[       OK \] postgresql: ')
[ "$ran" = "$want" ] || { printf '%s\n' "$out"; echo "FAIL: $ran PostgreSQL cases passed, $want expected" >&2; exit 1; }
echo "ok    $name on PostgreSQL ($ran cases, server on port $PG_ENV_PORT)"
