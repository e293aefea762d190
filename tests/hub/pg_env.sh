# tests/hub/pg_env.sh - a PostgreSQL server of the test's own, to source.
#
#   . tests/hub/pg_env.sh
#   pg_env_start; rc=$?
#   [ $rc = 2 ] && exit 0    # skipped: the message says why
#   [ $rc = 0 ] || exit 1
#   ... "$PG_ENV_URI" ...    # postgresql://sipas@127.0.0.1:PORT/postgres
#
# initdb and pg_ctl make a cluster in a fresh temporary directory, on a
# free loopback port and a socket in that directory: no system service,
# no root needed, nothing outside the directory. pg_env_start waits until
# the server accepts connections, and traps EXIT, INT and TERM to stop it
# and remove the directory (a caller with a trap of its own calls
# pg_env_stop from it). initdb refuses to run as root, so as root the
# server runs as the "postgres" user Debian's package creates (or
# "nobody"), owning the directory.
#
# The cluster is UTF-8 with the C collation, so ORDER BY on text sorts by
# bytes as SQLite does, and runs with fsync off: it holds test data only.
# PG_ENV_OPTS, server options ("-c name=value ..."), come last and so
# override these (a benchmark turns fsync back on and sizes its buffers).
#
# Returns 0 with PG_ENV_URI, PG_ENV_DIR and PG_ENV_PORT exported; 2 when
# the server's binaries are missing (the only reason to skip); 1 on any
# other failure, the server's log shown.

PG_ENV_BIN=${PG_ENV_BIN:-/usr/lib/postgresql/15/bin}
PG_ENV_DIR=
PG_ENV_RUNAS=

# pg_env_as command... : as the server's user, on the real clock. Under
# libfaketime (make test-anytime) the server keeps the real time: the
# hub never asks the server's clock (each date is the hub's, sent as a
# parameter), and PostgreSQL's own timers (lock_timeout, deadlock_timeout)
# never fire under libfaketime, so hub processes deadlocked on a new
# month's partitions waited for ever.
pg_env_as() {
  if [ -n "$PG_ENV_RUNAS" ]; then
    env -u LD_PRELOAD -u FAKETIME -u FAKETIME_SHARED runuser -u "$PG_ENV_RUNAS" -- "$@"
  else
    env -u LD_PRELOAD -u FAKETIME -u FAKETIME_SHARED "$@"
  fi
}

# A port nothing listens on now; the start below tries again if another
# process takes it first.
pg_env_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

pg_env_stop() {
  [ -n "$PG_ENV_DIR" ] || return 0
  if [ -f "$PG_ENV_DIR/data/postmaster.pid" ]; then
    pg_env_as "$PG_ENV_BIN/pg_ctl" -D "$PG_ENV_DIR/data" -m immediate -w stop >/dev/null 2>&1
  fi
  rm -rf "$PG_ENV_DIR"
  PG_ENV_DIR=
}

pg_env_start() {
  local base try port
  if [ ! -x "$PG_ENV_BIN/initdb" ] || [ ! -x "$PG_ENV_BIN/pg_ctl" ]; then
    echo "skip: no PostgreSQL server binaries in $PG_ENV_BIN (make deps-test installs postgresql-15)"
    return 2
  fi
  command -v python3 >/dev/null || { echo "pg_env: python3 is needed to find a free port" >&2; return 1; }
  base=${TMPDIR:-/tmp}
  if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then PG_ENV_RUNAS=postgres; else PG_ENV_RUNAS=nobody; fi
    # The server's user must reach the directory: root's TMPDIR may be
    # private to root.
    runuser -u "$PG_ENV_RUNAS" -- test -x "$base" 2>/dev/null || base=/tmp
  fi
  PG_ENV_DIR=$(mktemp -d "$base/sipas-pg.XXXXXX") || return 1
  trap pg_env_stop EXIT
  trap 'pg_env_stop; exit 130' INT
  trap 'pg_env_stop; exit 143' TERM
  if [ -n "$PG_ENV_RUNAS" ]; then
    chown "$PG_ENV_RUNAS" "$PG_ENV_DIR" || { pg_env_stop; return 1; }
  fi
  if ! pg_env_as "$PG_ENV_BIN/initdb" -D "$PG_ENV_DIR/data" -U sipas \
      --auth=trust -E UTF8 --locale=C --no-sync >"$PG_ENV_DIR/initdb.log" 2>&1; then
    echo "pg_env: initdb failed:" >&2; cat "$PG_ENV_DIR/initdb.log" >&2
    pg_env_stop; return 1
  fi
  for try in 1 2 3; do
    port=$(pg_env_free_port) || { pg_env_stop; return 1; }
    if pg_env_as "$PG_ENV_BIN/pg_ctl" -D "$PG_ENV_DIR/data" -l "$PG_ENV_DIR/server.log" \
        -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_ENV_DIR -c fsync=off -c max_connections=40 ${PG_ENV_OPTS:-}" \
        start >/dev/null 2>&1; then
      PG_ENV_PORT=$port
      PG_ENV_URI="postgresql://sipas@127.0.0.1:$port/postgres"
      export PG_ENV_URI PG_ENV_DIR PG_ENV_PORT
      return 0
    fi
  done
  echo "pg_env: the server did not start:" >&2; tail -20 "$PG_ENV_DIR/server.log" >&2
  pg_env_stop; return 1
}
