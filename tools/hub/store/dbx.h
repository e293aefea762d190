/*
 * dbx.h - the store's modules on the hub database's sqlx view (sqlx.h),
 * the same calls whichever driver holds the data.
 *
 * A module prepares with sqlx_prepare(hub_dbx(db), SQL), binds, and ends
 * with hub_dbx_run() or hub_dbx_next(), which reset the statement when
 * they are done with it and, on a failure, put sqlx's reason where
 * hub_db_last_error() reads it, as the sqldb_* calls do.
 *
 * Ownership: statements belong to the handle (sqlx.h); under the lock.
 */
#ifndef SIPAS_HUB_DBX_H
#define SIPAS_HUB_DBX_H

#include <jansson.h>

#include "hub/store/db.h"
#include "hub/store/sqlx.h"

/* The handle's view: SQLite's one connection, or PostgreSQL's. */
sqlx_t *hub_dbx(hub_db_t *db);
/* Whether the handle is on PostgreSQL. */
int hub_dbx_is_pg(const hub_db_t *db);
/* The kept statement of sqlite_sql or pg_sql, whichever is the handle's
 * dialect (both static, as sqlx_prepare() wants): for the few statements
 * whose words differ (JSON functions, SQLite's own tables). */
sqlx_stmt_t *hub_dbx_prepare_dialect(hub_db_t *db, const char *sqlite_sql,
                                     const char *pg_sql);
/* Notes sqlx's last error (prefixed with what) on db; returns rc. */
int hub_dbx_fail(hub_db_t *db, int rc, const char *what);
/* Steps st (bound with bind_rc, which may be a failure already) once,
 * expecting no row, and resets it: HUB_OK or a hub_rc. */
int hub_dbx_run(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                const char *what);
/* The next row of st: HUB_OK with the row to read (the caller resets
 * st when it stops early), HUB_NOT_FOUND after the last (st reset), or a
 * hub_rc (st reset, the reason noted). */
int hub_dbx_next(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                 const char *what);

/* Column 0 of st's one row (bound with bind_rc) as an integer, st
 * reset: HUB_OK with *out, HUB_ERROR when there is no row (the statement
 * always gives one), or a hub_rc. */
int hub_dbx_get_int(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                    const char *what, int64_t *out);

/* Reads st's rows (bound with bind_rc) one by one: row() reads the
 * current one (its text valid during the call only) and returns
 * non-zero to stop, which ends the walk with that value; HUB_OK after
 * the last row, or a hub_rc. st is reset either way. */
typedef int (*hub_dbx_row_fn)(void *ctx, sqlx_stmt_t *st);
int hub_dbx_each(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                 const char *what, hub_dbx_row_fn row, void *ctx);

/* A query of any size on PostgreSQL, whose results sqlx holds whole
 * and refuses past SQLX_RESULT_ROWS_MAX rows (sqlx.h): its PostgreSQL
 * text starts with HUB_DBX_DECLARE, and hub_dbx_each_cursor() fetches
 * its rows HUB_DBX_PAGE_ROWS at a time, so memory stays bounded and the
 * rows are exactly the query's, in no other order than a plain read's.
 * One such walk at a time per handle: row() must not start another.
 * Outside a transaction the walk makes a read transaction of its own
 * (a cursor lives in one). On SQLite, which steps rows, the text has no
 * prefix and the walk is hub_dbx_each(). */
#define HUB_DBX_CURSOR "hub_rows"
#define HUB_DBX_DECLARE "DECLARE " HUB_DBX_CURSOR " NO SCROLL CURSOR FOR "
#define HUB_DBX_PAGE_ROWS 10000
int hub_dbx_each_cursor(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                        const char *what, hub_dbx_row_fn row, void *ctx);

/* First row of sql with a SHA-256 digest (HUB_SHA256_LEN bytes) bound as
 * ?1: how secrets are looked up, since only their digests are stored.
 * HUB_OK with *out on the row, for the caller to read and reset;
 * otherwise *out is NULL (HUB_NOT_FOUND: no such row). */
int hub_dbx_find_digest(hub_db_t *db, const char *sql,
                        const unsigned char *hash, const char *what,
                        sqlx_stmt_t **out);
/* Whether column i holds exactly that digest. The row was found by the
 * digest already; comparing again in constant time keeps the decision
 * itself independent of where bytes differ. */
int hub_dbx_column_digest_equal(sqlx_stmt_t *st, int i,
                                const unsigned char *hash);

/* Runs sql with ?1 install_id, ?2 now_ms, ?3 obj as compact JSON with
 * sorted keys (equal objects give equal text) and ?4 extra (may be NULL):
 * how a kiosk's validated report is kept as it was checked. */
int hub_dbx_put_json(hub_db_t *db, const char *sql, const char *install_id,
                     int64_t now_ms, const json_t *obj, const char *extra,
                     const char *what);

#endif
