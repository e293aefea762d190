/*
 * db.h - the hub's SQLite database: one connection, one writer.
 *
 * One file holds units, enrolment codes, kiosks, analyst tokens, the
 * per-(kiosk, day) snapshots and the audit trail. WAL with
 * synchronous=FULL, so an acknowledged upload survives a power cut.
 * SQLite 3.40 can corrupt a WAL file when two connections write or
 * checkpoint at the same moment, so the server uses exactly one connection
 * for all its request threads, serialised by hub_db_lock(), and every
 * write transaction (in the server and in the admin commands alike) also
 * holds an advisory lock on "PATH-lock", which keeps the admin commands'
 * short transactions from ever overlapping the server's.
 * The schema is versioned with PRAGMA user_version; hub_db_open() applies
 * what is missing, each step in its own transaction.
 *
 * Ownership: hub_db_open() returns a handle closed with hub_db_close().
 * Statements from hub_db_stmt() belong to the handle: use them under the
 * lock, release them with hub_db_release() (or a hub_db_step_* call that
 * says it does), never finalize them.
 * Threads: any thread may use the handle while it holds hub_db_lock().
 */
#ifndef SIPAS_HUB_DB_H
#define SIPAS_HUB_DB_H

#include "hub/store/sqlite_decl.h"
#include <stddef.h>
#include <stdint.h>

#define HUB_DB_PATH_MAX 1024
#define HUB_DB_ERR_MAX 512

/* Result of every database-backed call in the hub. */
typedef enum hub_rc {
    HUB_OK = 0,
    HUB_ERROR = -1,     /* see hub_db_last_error() */
    HUB_FULL = -2,      /* disk or --max-db-kb full: nothing written */
    HUB_BUSY = -3,      /* another process held the database too long */
    HUB_NOT_FOUND = -4, /* no such row (or no database file) */
    HUB_EXISTS = -5,    /* a row with that key is already there */
    HUB_DENIED = -6,    /* unknown kiosk or token, or a wrong secret */
    HUB_REVOKED = -7,   /* the kiosk was revoked */
    HUB_USED = -8,      /* a one-time code was used already */
    HUB_EXPIRED = -9    /* a one-time code is past its expiry */
} hub_rc_t;

typedef struct hub_db hub_db_t;

typedef struct hub_db_options {
    int create;     /* make the file (mode 0600) when it is missing */
    int check;      /* PRAGMA quick_check at open; refuse a damaged file */
    int64_t max_kb; /* > 0: cap the file (PRAGMA max_page_count) */
} hub_db_options_t;

/* HUB_OK with *out set; otherwise the reason is in hub_db_open_error(). */
int hub_db_open(const char *path, const hub_db_options_t *opt,
                hub_db_t **out);
const char *hub_db_open_error(void);
void hub_db_close(hub_db_t *db);

void hub_db_lock(hub_db_t *db);
void hub_db_unlock(hub_db_t *db);

/* The SQLite connection, for queries that have no function here (tests,
 * last_insert_rowid). Use it under the lock only. */
sqlite3 *hub_db_handle(hub_db_t *db);
/* Last error text of this handle (valid under the lock). */
const char *hub_db_last_error(const hub_db_t *db);
/* The schema version this program writes. */
int hub_db_schema_version(void);

/* BEGIN IMMEDIATE with the advisory lock; commit or roll back ends both.
 * Rollback is quiet and safe to call when no transaction is open. */
int hub_db_begin_write(hub_db_t *db);
int hub_db_commit(hub_db_t *db);
void hub_db_rollback(hub_db_t *db);
/* A read transaction, so a multi-statement answer sees one state. */
int hub_db_begin_read(hub_db_t *db);
void hub_db_end_read(hub_db_t *db);

/* The prepared statement for sql, prepared on first use and kept. sql
 * must be a string with static storage: the cache is keyed by its
 * address. NULL on failure (the reason in hub_db_last_error()). */
sqlite3_stmt *hub_db_stmt(hub_db_t *db, const char *sql);
/* Resets a statement and clears its bindings, ending its read. */
void hub_db_release(sqlite3_stmt *st);

/* Binders chain on *rc: after the first failure they do nothing, so a run
 * of binds needs one check. Text and blobs are copied by SQLite only when
 * the statement is stepped, so they must live until then. */
void hub_db_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc);
void hub_db_bind_int64(sqlite3_stmt *st, int i, int64_t v, int *rc);
void hub_db_bind_blob(sqlite3_stmt *st, int i, const void *v, int len,
                      int *rc);
/* Text of a column, "" for NULL. */
const char *hub_db_column_text(sqlite3_stmt *st, int i);

/* Steps a statement that returns no rows, then releases it. bind_rc is the
 * binders' result. HUB_OK or a hub_rc. */
int hub_db_run(hub_db_t *db, sqlite3_stmt *st, int bind_rc, const char *what);
/* One step: HUB_OK with a row ready (the caller releases the statement
 * when it stops early), HUB_NOT_FOUND when there are no more rows, or an
 * error; in those two cases the statement is already released. */
int hub_db_next(hub_db_t *db, sqlite3_stmt *st, const char *what);
/* First row of sql with a SHA-256 digest (HUB_SHA256_LEN bytes) bound as
 * parameter 1: how secrets are looked up, since only their digests are
 * stored. HUB_OK with *out on the row, for the caller to read and
 * release; otherwise, as hub_db_next, the statement is already released. */
int hub_db_find_digest(hub_db_t *db, const char *sql,
                       const unsigned char *hash, const char *what,
                       sqlite3_stmt **out);
/* Whether column i holds exactly that digest. The row was found by the
 * digest already; comparing again in constant time keeps the decision
 * itself independent of where bytes differ. */
int hub_db_column_digest_equal(sqlite3_stmt *st, int i,
                               const unsigned char *hash);
/* hub_rc for an SQLite result code, noting what failed. */
int hub_db_fail(hub_db_t *db, int sqlite_rc, const char *what);

/* One audit row: who (actor), what (action), on what (detail). Run it in
 * the transaction of the change it records. */
int hub_db_audit(hub_db_t *db, int64_t at_ms, const char *actor,
                 const char *action, const char *detail);
typedef struct hub_audit_row {
    int64_t id, at_ms;
    const char *actor, *action, *detail;
} hub_audit_row_t;

/* The last limit audit rows, oldest first; stops early (returning that
 * value) when fn returns non-zero. Rows are valid during the call only. */
int hub_db_each_audit(hub_db_t *db, int limit,
                      int (*fn)(void *ctx, const hub_audit_row_t *row),
                      void *ctx);
/* "SELECT 1": HUB_OK when the database answers. */
int hub_db_ping(hub_db_t *db);

#endif
