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
 * holds an advisory lock on "PATH-lock" (sqldb's write_lock), which keeps
 * the admin commands' short transactions from ever overlapping the
 * server's. The schema is versioned with PRAGMA user_version; hub_db_open()
 * applies what is missing, each step in its own transaction.
 *
 * Queries go through the connection db->sql with the sqldb_* calls
 * (db/sqldb.h); hub_db_rc() turns their SQLite results into a hub_rc.
 *
 * Ownership: hub_db_open() returns a handle closed with hub_db_close().
 * Statements from sqldb_stmt(&db->sql, ...) belong to the handle: use them
 * under the lock, release them with sqldb_release() (or an sqldb_* call
 * that says it does), never finalize them.
 * Threads: any thread may use the handle while it holds hub_db_lock().
 */
#ifndef SIPAS_HUB_DB_H
#define SIPAS_HUB_DB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "db/sqldb.h"

#define HUB_DB_PATH_MAX 1024

/* Result of every database-backed call in the hub. */
typedef enum hub_rc {
    HUB_OK = 0,
    HUB_ERROR = -1,     /* see sqldb_last_error(&db->sql) */
    HUB_FULL = -2,      /* disk or --max-db-kb full: nothing written */
    HUB_BUSY = -3,      /* another process held the database too long */
    HUB_NOT_FOUND = -4, /* no such row (or no database file) */
    HUB_EXISTS = -5,    /* a row with that key is already there */
    HUB_DENIED = -6,    /* unknown kiosk or token, or a wrong secret */
    HUB_REVOKED = -7,   /* the kiosk was revoked */
    HUB_USED = -8,      /* a one-time code was used already */
    HUB_EXPIRED = -9    /* a one-time code is past its expiry */
} hub_rc_t;

typedef struct hub_db {
    sqldb_t sql;           /* the one connection; under the lock only */
    pthread_mutex_t mutex; /* the module's: see hub_db_lock() */
} hub_db_t;

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

/* The schema version this program writes. */
int hub_db_schema_version(void);

/* hub_rc for an SQLite result code: SQLITE_OK and SQLITE_ROW are HUB_OK,
 * SQLITE_DONE (no more rows) HUB_NOT_FOUND, a full disk HUB_FULL, a busy
 * or locked file HUB_BUSY, a constraint HUB_EXISTS; anything else
 * HUB_ERROR (the reason is in sqldb_last_error(&db->sql)). */
int hub_db_rc(int sqlite_rc);

/* First row of sql with a SHA-256 digest (HUB_SHA256_LEN bytes) bound as
 * parameter 1: how secrets are looked up, since only their digests are
 * stored. HUB_OK with *out on the row, for the caller to read and
 * release; otherwise, as sqldb_next(), the statement is already released
 * (HUB_NOT_FOUND: no such row). */
int hub_db_find_digest(hub_db_t *db, const char *sql,
                       const unsigned char *hash, const char *what,
                       sqlite3_stmt **out);
/* Whether column i holds exactly that digest. The row was found by the
 * digest already; comparing again in constant time keeps the decision
 * itself independent of where bytes differ. */
int hub_db_column_digest_equal(sqlite3_stmt *st, int i,
                               const unsigned char *hash);

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
