#include "hub/store/dbx.h"
#include "hub/store/db_sql.h"

#include <stdlib.h>
#include <string.h>

#include "hub/base/crypto.h"

sqlx_t *hub_dbx(hub_db_t *db)
{
    return db->x;
}

int hub_dbx_is_pg(const hub_db_t *db)
{
    return sqlx_dialect(db->x) == SQLX_DIALECT_POSTGRES;
}

sqlx_stmt_t *hub_dbx_prepare_dialect(hub_db_t *db, const char *sqlite_sql,
                                     const char *pg_sql)
{
    return sqlx_prepare(db->x, hub_dbx_is_pg(db) ? pg_sql : sqlite_sql);
}

int hub_dbx_fail(hub_db_t *db, int rc, const char *what)
{
    sqldb_set_error(&db->sql, "%s: %s", what, sqlx_last_error(db->x));
    return rc;
}

/* A statement that could not be prepared (NULL) keeps the reason's rc,
 * which the binds and step on NULL cannot know. */
static int hub_dbx_first_rc(hub_db_t *db, sqlx_stmt_t *st, int bind_rc)
{
    if (!st)
        return sqlx_prepare_rc(db->x);
    return bind_rc == HUB_OK ? sqlx_step(st) : bind_rc;
}

int hub_dbx_run(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                const char *what)
{
    int rc = hub_dbx_first_rc(db, st, bind_rc);

    sqlx_reset(st);
    if (rc == SQLX_DONE || rc == SQLX_ROW)
        return HUB_OK;
    return hub_dbx_fail(db, rc, what);
}

int hub_dbx_next(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                 const char *what)
{
    int rc = hub_dbx_first_rc(db, st, bind_rc);

    if (rc == SQLX_ROW)
        return HUB_OK;
    sqlx_reset(st);
    if (rc == SQLX_DONE)
        return HUB_NOT_FOUND;
    return hub_dbx_fail(db, rc, what);
}

int hub_dbx_get_int(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                    const char *what, int64_t *out)
{
    int rc = hub_dbx_next(db, st, bind_rc, what);

    *out = 0;
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    *out = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return HUB_OK;
}

int hub_dbx_each(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                 const char *what, hub_dbx_row_fn row, void *ctx)
{
    int rc = bind_rc, stop;

    while ((rc = hub_dbx_next(db, st, rc, what)) == HUB_OK) {
        stop = row(ctx, st);
        if (stop) {
            sqlx_reset(st);
            return stop;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

#define HUB_DBX_TEXT(x) #x
#define HUB_DBX_STR(x) HUB_DBX_TEXT(x)
/* Every row of the query is read: planned as a plain query would be,
 * not for the first tenth (a cursor's default, cursor_tuple_fraction). */
static const char hub_dbx_cursor_plan_sql[] =
    "SET LOCAL cursor_tuple_fraction = 1.0";
static const char hub_dbx_fetch_sql[] =
    "FETCH FORWARD " HUB_DBX_STR(HUB_DBX_PAGE_ROWS) " FROM " HUB_DBX_CURSOR;
static const char hub_dbx_close_sql[] = "CLOSE " HUB_DBX_CURSOR;

/* Counts the rows of one page on their way to the caller's row(). */
typedef struct hub_dbx_page {
    hub_dbx_row_fn row;
    void *ctx;
    int n;
} hub_dbx_page_t;

static int hub_dbx_each_page_row(void *ctx, sqlx_stmt_t *st)
{
    hub_dbx_page_t *p = ctx;

    p->n++;
    return p->row(p->ctx, st);
}

/* The cursor's pages until one comes short, the cursor open. */
static int hub_dbx_fetch_pages(hub_db_t *db, const char *what,
                               hub_dbx_row_fn row, void *ctx)
{
    hub_dbx_page_t page = {row, ctx, HUB_DBX_PAGE_ROWS};
    int rc = HUB_OK;

    while (rc == HUB_OK && page.n == HUB_DBX_PAGE_ROWS) {
        page.n = 0;
        rc = hub_dbx_each(db, sqlx_prepare(db->x, hub_dbx_fetch_sql),
                          HUB_OK, what, hub_dbx_each_page_row, &page);
    }
    return rc;
}

int hub_dbx_each_cursor(hub_db_t *db, sqlx_stmt_t *st, int bind_rc,
                        const char *what, hub_dbx_row_fn row, void *ctx)
{
    int own = 0, rc = HUB_OK, closed;

    if (!hub_dbx_is_pg(db))
        return hub_dbx_each(db, st, bind_rc, what, row, ctx);
    if (!sqlx_in_transaction(db->x)) {
        rc = hub_db_begin_read(db);
        own = rc == HUB_OK;
    }
    if (rc == HUB_OK && (rc = sqlx_exec(db->x, hub_dbx_cursor_plan_sql)) !=
                            HUB_OK)
        hub_dbx_fail(db, rc, what);
    if (rc == HUB_OK)
        rc = hub_dbx_run(db, st, bind_rc, what);
    else
        sqlx_reset(st);
    if (rc != HUB_OK) {
        if (own)
            hub_db_end_read(db);
        return rc;
    }
    rc = hub_dbx_fetch_pages(db, what, row, ctx);
    /* The caller may read again in its transaction: the name is free
     * once closed. After a failure the transaction is lost anyway. */
    closed = hub_dbx_run(db, sqlx_prepare(db->x, hub_dbx_close_sql), HUB_OK,
                         what);
    if (own)
        hub_db_end_read(db);
    return rc != HUB_OK ? rc : closed;
}

int hub_dbx_put_json(hub_db_t *db, const char *sql, const char *install_id,
                     int64_t now_ms, const json_t *obj, const char *extra,
                     const char *what)
{
    sqlx_stmt_t *st;
    char *body;
    int rc = HUB_OK;

    body = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    if (!body)
        return HUB_ERROR;
    st = sqlx_prepare(db->x, sql);
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    sqlx_bind_text(st, 3, body, &rc);
    if (extra)
        sqlx_bind_text(st, 4, extra, &rc);
    rc = hub_dbx_run(db, st, rc, what);
    free(body);
    return rc;
}

int hub_dbx_find_digest(hub_db_t *db, const char *sql,
                        const unsigned char *hash, const char *what,
                        sqlx_stmt_t **out)
{
    sqlx_stmt_t *st = sqlx_prepare(db->x, sql);
    int rc = HUB_OK;

    *out = NULL;
    sqlx_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    rc = hub_dbx_next(db, st, rc, what);
    if (rc == HUB_OK)
        *out = st;
    return rc;
}

int hub_dbx_column_digest_equal(sqlx_stmt_t *st, int i,
                                const unsigned char *hash)
{
    unsigned char held[HUB_SHA256_LEN];
    int n;

    memset(held, 0, sizeof(held));
    n = sqlx_column_blob(st, i, held, (int)sizeof(held));
    return hub_crypto_equal(held, hash, HUB_SHA256_LEN) &&
           n == HUB_SHA256_LEN;
}

int hub_db_is_server(const hub_db_t *db)
{
    return hub_dbx_is_pg(db);
}

int hub_db_has_uploads(const hub_db_t *db)
{
    (void)db;
    return 1;
}
