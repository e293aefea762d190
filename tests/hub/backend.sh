# tests/hub/backend.sh - which database the hub of an end-to-end test
# stands on, to source after a library that defines T and fail
# (tests/hub/lib.sh, tests/sync/lib.sh).
#
#   HUB_BACKEND=sqlite (the default): a file in $T, as always.
#   HUB_BACKEND=pg: a PostgreSQL server of the script's own
#     (tests/hub/pg_env.sh), one database per hub_db name.
#
# A script asks for its database with DB=$(hub_db NAME), reads it with
# hub_sql DB QUERY and proves it unchanged with db_digest DB, so one
# script runs on either backend unchanged. With HUB_RECORD=DIR, every
# statistics answer (JSON or CSV) a script's req() gets is kept in DIR,
# numbered in order, for tests/e2e/test_hub_backends.sh to compare the
# backends' bytes.
HUB_BACKEND=${HUB_BACKEND:-sqlite}

# hub_backend_start CLEANUP: on PostgreSQL starts the server and makes the
# EXIT trap run CLEANUP (which stops the hub) before stopping it; exits 0
# when the server's binaries are missing (skipped: pg_env says why).
hub_backend_start() {
  local rc=0
  case $HUB_BACKEND in
    sqlite) return 0 ;;
    pg) ;;
    *) fail "HUB_BACKEND=$HUB_BACKEND: sqlite or pg" ;;
  esac
  . "$ROOT/tests/hub/pg_env.sh"
  pg_env_start || rc=$?
  export PG_ENV_BIN # for tests/sync/check_totals.py
  [ "$rc" = 2 ] && exit 0
  [ "$rc" = 0 ] || fail "no PostgreSQL server for the test"
  # The hub goes first: it holds connections the server's stop would cut.
  # Only the script's own shell stops the server, never a subshell.
  trap "$1; [ \"\$BASHPID\" != \"\$\$\" ] || pg_env_stop" EXIT
}

# hub_db NAME: the --db argument of a fresh database called NAME.
hub_db() {
  if [ "$HUB_BACKEND" = pg ]; then
    "$PG_ENV_BIN/psql" "$PG_ENV_URI" -XAtqc "CREATE DATABASE \"$1\"" > /dev/null ||
      fail "CREATE DATABASE $1"
    echo "${PG_ENV_URI%/*}/$1"
  else
    echo "$T/$1.db"
  fi
}

# hub_sql DB QUERY: the rows, columns joined by "|" on both backends.
hub_sql() {
  case $1 in
    postgresql://*) "$PG_ENV_BIN/psql" "$1" -XAtqc "$2" ;;
    *) sqlite3 "$1" "$2" ;;
  esac
}

# hub_dump DB: every row of every table as text (SQLite's .dump, pg_dump's
# data), for a check that a secret is nowhere in clear.
hub_dump() {
  case $1 in
    postgresql://*) "$PG_ENV_BIN/pg_dump" --data-only "$1" 2> /dev/null ;;
    *) sqlite3 "$1" .dump ;;
  esac
}

# hub_check DB: "ok" when the database reads back whole: SQLite's
# integrity_check; on PostgreSQL amcheck over every B-tree index of the
# hub's tables (heap and index together) and every row read by pg_dump.
hub_check() {
  case $1 in
    postgresql://*)
      "$PG_ENV_BIN/psql" "$1" -XAtqc "CREATE EXTENSION IF NOT EXISTS amcheck" > /dev/null || return 1
      "$PG_ENV_BIN/psql" "$1" -XAtq -v ON_ERROR_STOP=1 > /dev/null <<'SQL' || return 1
SELECT bt_index_check(c.oid, true)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
WHERE n.nspname = 'public' AND a.amname = 'btree' AND c.relkind = 'i';
SQL
      "$PG_ENV_BIN/pg_dump" --data-only "$1" > /dev/null 2>&1 || return 1
      echo ok ;;
    *) sqlite3 "$1" 'PRAGMA integrity_check' ;;
  esac
}

# hub_size_kb DB: what the database takes on disk, in KiB (the file's
# size; on PostgreSQL pg_database_size, tables, indexes and partitions).
hub_size_kb() {
  case $1 in
    postgresql://*) hub_sql "$1" "SELECT pg_database_size(current_database()) / 1024" ;;
    *) du -k --apparent-size "$1" | cut -f1 ;;
  esac
}

# db_digest DB: one hash over every table's rows, to prove "unchanged";
# the audit trail is left out, since it records refusals too. So are
# PostgreSQL's sequences: a write rolled back still moves them (nextval
# is never undone), though no row changed.
db_digest() {
  case $1 in
    postgresql://*)
      # \restrict carries a key new on every run; the warnings are
      # about restoring units, which this never does.
      "$PG_ENV_BIN/pg_dump" --data-only --exclude-table=audit "$1" 2> /dev/null |
        grep -v '^--\|^SET \|^SELECT pg_catalog.set_config\|^SELECT pg_catalog.setval\|^\\\(un\)\?restrict ' ;;
    *)
      sqlite3 "$1" .dump |
        grep -v '^PRAGMA\|^BEGIN\|^COMMIT\|^INSERT INTO audit\|^INSERT INTO sqlite_sequence' ;;
  esac | sha256sum | cut -d' ' -f1
}

# hub_record PATH: keeps the last body ($T/body) when PATH is a statistics
# request and HUB_RECORD names a directory; files 001, 002, ... in order.
hub_record() {
  local n
  [ -n "${HUB_RECORD:-}" ] || return 0
  case $1 in /api/v1/stats*) ;; *) return 0 ;; esac
  mkdir -p "$HUB_RECORD" || fail "HUB_RECORD=$HUB_RECORD"
  n=$(find "$HUB_RECORD" -type f | wc -l)
  cp "$T/body" "$HUB_RECORD/$(printf '%03d' $((n + 1)))" || fail "recording $1"
}
