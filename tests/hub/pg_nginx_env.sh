# tests/hub/pg_nginx_env.sh - to source at the top of a test of several
# hub processes on one PostgreSQL behind nginx: lib.sh, pg_env.sh and
# nginx_env.sh sourced, the server started (the test exits 0, skipped,
# when nginx or PostgreSQL's binaries are missing), DB its URI. The
# test appends its serve processes' pids to PIDS; at exit nginx, those
# processes and the server are stopped and $T removed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
. "$ROOT/tests/hub/pg_env.sh"
. "$ROOT/tests/hub/nginx_env.sh"
[ -x "$NGINX_BIN" ] || { echo "skip: no nginx (make deps-test installs nginx-light)"; exit 0; }
rc=0; pg_env_start || rc=$?
[ "$rc" = 2 ] && exit 0
[ "$rc" = 0 ] || fail "no PostgreSQL server for the test"
PIDS=()
stop_all() {
  local p
  nginx_env_stop
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  hub_cleanup; pg_env_stop
}
trap stop_all EXIT
DB=$PG_ENV_URI
