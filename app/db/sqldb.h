/*
 * sqldb.h - one SQLite connection with the project's rules: how a file is
 * opened (journal, durability, checks), how statements are kept, bound,
 * stepped and released, how a schema grows through PRAGMA user_version,
 * and how errors read ("FILE: what: SQLite's message").
 *
 * The kiosk's store (kiosk.db), the kiosk's sync state (sync.db) and the
 * provincial hub each hold one sqldb_t; what differs between them (WAL
 * checks, foreign keys, cache size, file mode, quick_check at open, an
 * advisory lock around writes) is an option, not a guess.
 *
 * Return codes: every int-returning call gives SQLite's result code
 * (SQLITE_OK, SQLITE_ROW, SQLITE_DONE as documented, or the failing code
 * with the reason in sqldb_last_error()). Callers map it to their own.
 *
 * Ownership: the caller owns the sqldb_t (usually inside its own handle),
 * calls sqldb_init() once, sqldb_open(), and sqldb_close() at the end.
 * Statements from sqldb_stmt() belong to the handle: release them with
 * sqldb_release() (or a call that says it does), never finalize them.
 * Strings passed in are borrowed; text bound with sqldb_bind_text() and
 * sqldb_bind_blob() must live until the statement is stepped.
 * Threads: a handle is used by one thread at a time; the caller
 * serialises (the connections are opened SQLITE_OPEN_NOMUTEX).
 */
#ifndef SIPAS_SQLDB_H
#define SIPAS_SQLDB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define SQLDB_PATH_MAX 1100 /* a data directory of 1024 and a file name */
#define SQLDB_ERR_MAX 1536
#define SQLDB_STMT_MAX 128  /* statements one handle keeps prepared */
#define SQLDB_LOCK_SUFFIX "-lock"
#define SQLDB_LOCK_POLL_MS 2

/* How sqldb_open() treats a missing file. */
enum sqldb_create {
    SQLDB_CREATE_NEVER = 0,  /* the file must exist */
    SQLDB_CREATE = 1,        /* SQLite creates it, with the umask's mode */
    SQLDB_CREATE_PRIVATE = 2 /* created (or restricted) to mode 0600 first;
                                SQLite gives -wal and -shm the same mode */
};

typedef struct sqldb_options {
    int readonly;        /* SQLITE_OPEN_READONLY; no pragma is written */
    int create;          /* enum sqldb_create (ignored when readonly) */
    int busy_timeout_ms; /* how long a statement waits for another writer */
    int quick_check;     /* PRAGMA quick_check before anything else: a
                            damaged file gives SQLITE_CORRUPT; until it
                            passes, closing does not checkpoint, so the
                            file and its WAL stay as they were found */
    int foreign_keys;    /* PRAGMA foreign_keys=ON */
    int wal;             /* PRAGMA journal_mode=WAL; refused unless granted */
    int synchronous_full; /* PRAGMA synchronous=FULL: NORMAL can lose
                             acknowledged transactions on power loss */
    int64_t cache_kib;   /* > 0: PRAGMA cache_size=-cache_kib, the most
                            page cache the connection keeps (read-only
                            ones too), set before quick_check reads */
    int write_lock;      /* every write transaction (and the closing
                            checkpoint) also holds flock on PATH-lock,
                            waiting up to busy_timeout_ms for it */
} sqldb_options_t;

typedef struct sqldb_cached {
    const char *sql;
    sqlite3_stmt *st;
} sqldb_cached_t;

/* How a read-only handle reached its file (sqldb_medium()). */
enum sqldb_medium {
    SQLDB_MEDIUM_WRITABLE = 0, /* the file itself, as usual */
    SQLDB_MEDIUM_RO_COPY = 1,  /* read-only medium, WAL not empty: a private
                                  copy of file and WAL, so SQLite replays
                                  the WAL's committed transactions */
    SQLDB_MEDIUM_RO_IMMUTABLE = 2 /* read-only medium, no WAL to replay:
                                     the file itself with immutable=1 */
};

/* Fields are the module's: read conn (for sqlite3_* calls the module has
 * no function for) and path, write nothing. */
typedef struct sqldb {
    sqlite3 *conn; /* NULL when not open */
    int medium;    /* enum sqldb_medium */
    char copy_dir[SQLDB_PATH_MAX]; /* SQLDB_MEDIUM_RO_COPY: removed at close */
    int lock_fd;   /* PATH-lock with write_lock, else -1 */
    int holds_lock;
    int busy_timeout_ms;
    char path[SQLDB_PATH_MAX];
    char err[SQLDB_ERR_MAX];
    sqldb_cached_t stmts[SQLDB_STMT_MAX];
    int n_stmts;
} sqldb_t;

/* One schema step: sql, then seed (optional, same transaction). */
typedef struct sqldb_migration {
    const char *sql;
    int (*seed)(sqldb_t *db, void *ctx); /* SQLite result code */
} sqldb_migration_t;

/* ---- life ----------------------------------------------------------- */

/* Empties db and names its file. SQLITE_TOOBIG when the path does not
 * fit, SQLITE_MISUSE when there is none; the reason is in err either way. */
int sqldb_init(sqldb_t *db, const char *path);
/* Connects with opt (NULL: read-write, nothing else). On failure the
 * connection is closed again and the reason kept. check (may be NULL)
 * gets quick_check's first problem, or SQLite's message when the file is
 * not a database or is damaged (sqldb_is_damage() of the result). */
int sqldb_open(sqldb_t *db, const sqldb_options_t *opt, char *check,
               size_t cap);
/* enum sqldb_medium of an open handle. A read-only open (opt->readonly)
 * whose file lies on a medium that cannot be written (a worn SD card
 * remounts read-only; a directory the reader may not write) cannot make
 * the -shm file SQLite needs for a WAL database. Such a file is still
 * read in full: SQLite's immutable=1 alone would ignore the WAL and so
 * miss committed transactions, so a non-empty WAL is read from a private
 * copy (under $TMPDIR, removed at close) and only a file with no WAL is
 * opened immutable. */
int sqldb_medium(const sqldb_t *db);

/* Finalizes every kept statement and closes; path and the last error
 * stay, so db can be opened again. Safe on a closed handle. */
void sqldb_close(sqldb_t *db);

/* 1 for results that mean the file itself is damaged. */
int sqldb_is_damage(int rc);

/* ---- errors --------------------------------------------------------- */

const char *sqldb_last_error(const sqldb_t *db);
void sqldb_set_error(sqldb_t *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Notes "PATH: what: SQLite's message" and returns rc. */
int sqldb_note(sqldb_t *db, int rc, const char *what);

/* ---- one-off SQL ---------------------------------------------------- */

/* Runs every statement in sql (no rows expected). */
int sqldb_exec(sqldb_t *db, const char *sql);
/* First column of the first row into buf (truncated to cap); "" when
 * there is no row or it is NULL. */
int sqldb_query_text(sqldb_t *db, const char *sql, char *buf, size_t cap);
/* First column of the first row; 0 when there is no row or it is NULL. */
int sqldb_query_int(sqldb_t *db, const char *sql, int64_t *v);
/* PRAGMA quick_check or integrity_check (which: "quick_check" or
 * "integrity_check"): result gets the first problem, or "ok". */
int sqldb_check(sqldb_t *db, const char *which, char *result, size_t cap);
/* PRAGMA max_page_count for at most max_bytes (at least one page);
 * nothing when max_bytes <= 0. SQLite never sets it below the file. */
int sqldb_cap_size(sqldb_t *db, int64_t max_bytes);

/* ---- kept statements ------------------------------------------------ */

/* The prepared statement for sql, prepared on first use and kept. sql must
 * have static storage: the cache is keyed by its address. NULL on failure
 * (the reason in sqldb_last_error()). */
sqlite3_stmt *sqldb_stmt(sqldb_t *db, const char *sql);
/* Resets a statement and clears its bindings, ending its read. */
void sqldb_release(sqlite3_stmt *st);

/* Binders chain on *rc: after the first failure they do nothing, so a run
 * of binds needs one check. NULL text binds SQL NULL. */
void sqldb_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc);
void sqldb_bind_int64(sqlite3_stmt *st, int i, int64_t v, int *rc);
void sqldb_bind_blob(sqlite3_stmt *st, int i, const void *v, int len,
                     int *rc);
/* Text of a column, "" for NULL; valid until the next step or release. */
const char *sqldb_column_text(sqlite3_stmt *st, int i);
/* The same, copied into out (truncated to cap, cap > 0). */
void sqldb_column_copy(sqlite3_stmt *st, int i, char *out, size_t cap);

/* Steps a statement that returns no rows (a row is not an error), then
 * releases it. bind_rc is the binders' result. SQLITE_OK or the error. */
int sqldb_run(sqldb_t *db, sqlite3_stmt *st, int bind_rc, const char *what);
/* One step: SQLITE_ROW with a row ready (the caller releases the
 * statement when it stops early); SQLITE_DONE when there are no more rows,
 * or an error: in those two cases the statement is already released. */
int sqldb_next(sqldb_t *db, sqlite3_stmt *st, const char *what);

/* ---- transactions ----------------------------------------------------- */

/* BEGIN IMMEDIATE (after the advisory lock, with write_lock; SQLITE_BUSY
 * when it stays held); commit or roll back ends both. A failed COMMIT
 * rolls back. Rollback keeps the error already noted, is quiet and safe
 * to call when no transaction is open. */
int sqldb_begin_write(sqldb_t *db);
int sqldb_commit(sqldb_t *db);
void sqldb_rollback(sqldb_t *db);
/* A read transaction, so several statements see one state. */
int sqldb_begin_read(sqldb_t *db);
void sqldb_end_read(sqldb_t *db);
/* Takes the advisory write lock (a write_lock handle; SQLITE_OK and
 * nothing done without one) and keeps it outside any transaction, so
 * read transactions one after the other see the same state while every
 * other writer of the file waits (SQLITE_BUSY when it stays held past
 * busy_timeout_ms). A write transaction on this handle ends it (commit
 * and rollback drop the lock), so the holder only reads; a copy of the
 * whole file holds it. Dropped by sqldb_release_write_lock() or at
 * close. */
int sqldb_hold_write_lock(sqldb_t *db);
void sqldb_release_write_lock(sqldb_t *db);

/* ---- schema --------------------------------------------------------- */

/* Brings PRAGMA user_version up to n: each missing step with its version
 * bump in one write transaction, the version read inside it so two
 * openers never apply the same step. A file newer than n is refused
 * (SQLITE_ERROR, "... newer than this program's n"). *created (may be
 * NULL) is set to 1 when the file had no schema. */
int sqldb_migrate(sqldb_t *db, const sqldb_migration_t *steps, int n,
                  void *ctx, int *created);

#endif
