/*
 * db_sql.h - the hub database's connection, for the store's own files.
 *
 * Only tools/hub/store includes this: the layers above see db.h's opaque
 * handle. Queries go through db->sql with the sqldb_* calls (db/sqldb.h);
 * hub_db_rc() turns their SQLite results into a hub_rc.
 *
 * Ownership: statements from sqldb_stmt(&db->sql, ...) belong to the
 * handle: use them under the lock, release them with sqldb_release() (or
 * an sqldb_* call that says it does), never finalize them.
 */
#ifndef SIPAS_HUB_DB_SQL_H
#define SIPAS_HUB_DB_SQL_H

#include <pthread.h>

#include "db/sqldb.h"
#include "hub/store/db.h"

struct hub_db {
    sqldb_t sql;           /* the one connection; under the lock only
                            * (on PostgreSQL never opened: see db.h) */
    struct sqlx *x;        /* the same connection through sqlx (dbx.h),
                            * or the PostgreSQL one */
    pthread_mutex_t mutex; /* the module's: see hub_db_lock() */
    int64_t min_free_kb;   /* disk reserve, 0: none; set at open only */
    struct hub_commitq *commitq; /* writers sharing a transaction */
};

/* The handle's group-commit queue (commitq.h). */
struct hub_commitq *hub_db_commitq(hub_db_t *db);

/* hub_rc for an SQLite result code: SQLITE_OK and SQLITE_ROW are HUB_OK,
 * SQLITE_DONE (no more rows) HUB_NOT_FOUND, a full disk HUB_FULL, a busy
 * or locked file HUB_BUSY, a constraint HUB_EXISTS; anything else
 * HUB_ERROR (the reason is in sqldb_last_error(&db->sql)). */
int hub_db_rc(int sqlite_rc);

#endif
