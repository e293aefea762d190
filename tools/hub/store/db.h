/*
 * db.h - the hub's database: an SQLite file (one connection, one
 * writer), or a PostgreSQL server.
 *
 * One file holds units, enrollment codes, kiosks, analyst tokens, the
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
 * The layers above the store see an opaque handle, transactions and the
 * last error; the store's own files reach the connection through
 * hub/store/db_sql.h, and through hub/store/dbx.h (sqlx.h on the same
 * connection) once they run on both databases.
 *
 * PostgreSQL: hub_db_open() of a "postgresql://" (or "postgres://") URI
 * connects to that server and applies hub/store/pgschema.h's schema;
 * create, check and max_kb are SQLite's and ignored. Usable on it so
 * far: the transactions, hub_db_audit(), hub_db_each_audit(),
 * hub_db_ping(), and the modules on dbx.h: units.c, unittree.c,
 * enroll.c, kiosks.c, tokens.c, heartbeats.c, installations.c, fleet.c,
 * dossiers.c, stat_rows.c, partitions.c and pghealth.c (PostgreSQL's
 * only), and an upload's writes (snapshots.c, dayrows.c, statsums.c,
 * commitq.c: hub_ingest_store()), the summaries kept by statsums.c alone
 * there. Several hubs may ingest into one server at once: a write
 * transaction is SERIALIZABLE, and one that collides is run again by
 * commitq.c. The SQLite file's integrity check (integrity.c) has no
 * PostgreSQL side: pghealth.h is what is checked there.
 *
 * Ownership: hub_db_open() returns a handle closed with hub_db_close().
 * Threads: any thread may use the handle while it holds hub_db_lock().
 */
#ifndef SIPAS_HUB_DB_H
#define SIPAS_HUB_DB_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/sqlite_decl.h"

#define HUB_DB_PATH_MAX 1024

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
    HUB_EXPIRED = -9,   /* a one-time code is past its expiry */
    HUB_CONFLICT = -10, /* contradicts what the hub holds: nothing written */
    HUB_FOREIGN = -11,  /* names another unit than the kiosk's: nothing
                         * written */
    HUB_QUOTA = -12,    /* over the kiosk's quota (base/quota.h): nothing
                         * written */
    HUB_NO_PARTITION = -13, /* PostgreSQL: a row of a month without its
                             * partition (store/partitions.h): nothing
                             * written; make the month and run again */
    HUB_UNSUPPORTED = -14   /* not on this database yet: nothing written */
} hub_rc_t;

typedef struct hub_db hub_db_t;

typedef struct hub_db_options {
    int create;     /* make the file (mode 0600) when it is missing */
    int check;      /* PRAGMA quick_check at open; refuse a damaged file
                     * (reads the whole file: the server checks in the
                     * background instead, domain/checker.h) */
    int64_t max_kb; /* > 0: cap the file (PRAGMA max_page_count) */
} hub_db_options_t;

/* path: an SQLite file, or a PostgreSQL URI (above). HUB_OK with *out
 * set; otherwise the reason is in hub_db_open_error(). */
int hub_db_open(const char *path, const hub_db_options_t *opt,
                hub_db_t **out);
const char *hub_db_open_error(void);
/* A PostgreSQL connection for reads only, such as a streaming replica's
 * (docs/HUB.md, "Statistics from a replica"): the schema's version is
 * checked, never applied, since a standby refuses writes. An SQLite
 * path is refused (HUB_UNSUPPORTED). As hub_db_open() otherwise. */
int hub_db_open_read(const char *uri, hub_db_t **out);
void hub_db_close(hub_db_t *db);

void hub_db_lock(hub_db_t *db);
void hub_db_unlock(hub_db_t *db);

/* The schema version this program writes. */
int hub_db_schema_version(void);

/* Transactions for a group of store calls: BEGIN IMMEDIATE (with the
 * file's write lock), COMMIT (a failed one rolls back), ROLLBACK (safe
 * when none is open), and a read transaction so several reads see one
 * state. HUB_OK or a hub_rc; the reason in hub_db_last_error(). */
int hub_db_begin_write(hub_db_t *db);
/* Whether the disk has room for a write: HUB_OK, or HUB_FULL while the
 * filesystem holding the file has less than the reserve free (the reason
 * then in hub_db_last_error()). hub_db_begin_write() asks it first.
 * Under the lock. */
int hub_db_check_room(hub_db_t *db);
/* Refuse writes while the filesystem holding the file has less than
 * min_free_kb free: 0 never (as opened), < 0 the default of base/disk.h.
 * The server sets it once, before any thread uses the handle; the admin
 * commands keep none, so an operator can always act. */
void hub_db_set_reserve(hub_db_t *db, int64_t min_free_kb);
/* The same without the lock, for a health probe: 1 while writes are
 * refused, else 0; *free_kb (-1: unknown) and *reserve_kb (0: no
 * reserve) filled. */
int hub_db_is_short_of_room(hub_db_t *db, int64_t *free_kb,
                            int64_t *reserve_kb);
int hub_db_commit(hub_db_t *db);
void hub_db_rollback(hub_db_t *db);
int hub_db_begin_read(hub_db_t *db);
void hub_db_end_read(hub_db_t *db);
/* Why the last call failed: "FILE: what: SQLite's message". Valid until
 * the next call on the handle. */
const char *hub_db_last_error(hub_db_t *db);

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
/* 1 when the database is PostgreSQL. */
int hub_db_is_server(const hub_db_t *db);
/* 1 when uploads (snapshots, dayrows, statsums, commitq) can be written
 * on this database: on both now (a database without would answer an
 * upload HUB_UNSUPPORTED, never crash). */
int hub_db_has_uploads(const hub_db_t *db);

#endif
