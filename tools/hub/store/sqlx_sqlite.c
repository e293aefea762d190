/*
 * sqlx_sqlite.c - sqlx's SQLite driver: a file opened the hub's way
 * (app/db's sqldb: WAL, synchronous=FULL, foreign keys, mode 0600, the
 * advisory write lock beside the file), its own prepared statements;
 * or, as sqlx_open_sqldb(), a view of a connection the caller opened,
 * sharing its kept statements and its write lock.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/sqldb.h"
#include "hub/store/db_sql.h"
#include "hub/store/sqlx_driver.h"

#define SQLX_SQLITE_BUSY_MS 5000

static sqldb_t *sqlx_sqlite_db(sqlx_t *x)
{
    return x->impl;
}

static sqlite3_stmt *sqlx_sqlite_stmt(sqlx_stmt_t *st)
{
    return st->impl;
}

static int sqlx_sqlite_fail(sqldb_t *db, int rc, char *msg, size_t cap)
{
    snprintf(msg, cap, "%s", sqlite3_errmsg(db->conn));
    return hub_db_rc(rc);
}

static int sqlx_sqlite_open(sqlx_t *x, const char *target,
                            const sqlx_options_t *opt, char *msg,
                            size_t cap)
{
    sqldb_options_t o = {
        .create = SQLDB_CREATE_NEVER,
        .busy_timeout_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms
                                                    : SQLX_SQLITE_BUSY_MS,
        .foreign_keys = 1,
        .wal = 1,
        .synchronous_full = 1,
        .write_lock = 1,
    };
    sqldb_t *db = calloc(1, sizeof(*db));
    int rc;

    if (!db) {
        snprintf(msg, cap, "out of memory");
        return HUB_ERROR;
    }
    rc = sqldb_init(db, target);
    if (rc == SQLITE_OK && access(target, F_OK) != 0) {
        if (opt->create)
            o.create = SQLDB_CREATE_PRIVATE;
        else {
            snprintf(msg, cap, "no database at %s", target);
            free(db);
            return HUB_NOT_FOUND;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqldb_open(db, &o, NULL, 0);
    if (rc == SQLITE_OK && opt->max_kb > 0)
        rc = sqldb_cap_size(db, opt->max_kb * 1024);
    if (rc != SQLITE_OK) {
        snprintf(msg, cap, "%s", sqldb_last_error(db));
        sqldb_close(db);
        free(db);
        return hub_db_rc(rc);
    }
    x->impl = db;
    return HUB_OK;
}

static void sqlx_sqlite_close(sqlx_t *x)
{
    sqldb_close(sqlx_sqlite_db(x));
    free(x->impl);
    x->impl = NULL;
}

/* One text, one statement: PostgreSQL's prepare refuses more too.
 * sqlite3_sql() holds the text up to the end of the first statement. */
static int sqlx_sqlite_check_single(sqlx_stmt_t *st, sqlite3_stmt *s,
                                    char *msg, size_t cap)
{
    const char *tail = st->sql + strlen(sqlite3_sql(s));

    tail += strspn(tail, " \t\r\n;");
    if (!*tail)
        return HUB_OK;
    snprintf(msg, cap, "more than one statement (sqlx_exec() runs "
             "scripts)");
    return HUB_ERROR;
}

static int sqlx_sqlite_prepare(sqlx_stmt_t *st, char *msg, size_t cap)
{
    sqldb_t *db = sqlx_sqlite_db(st->x);
    sqlite3_stmt *s = NULL;
    int rc;

    rc = sqlite3_prepare_v3(db->conn, st->sql, -1,
                            SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return sqlx_sqlite_fail(db, rc, msg, cap);
    if (!s) {
        snprintf(msg, cap, "no statement in the text");
        return HUB_ERROR;
    }
    if (sqlx_sqlite_check_single(st, s, msg, cap) != HUB_OK) {
        sqlite3_finalize(s);
        return HUB_ERROR;
    }
    st->impl = s;
    return HUB_OK;
}

static void sqlx_sqlite_finalize(sqlx_stmt_t *st)
{
    sqlite3_finalize(sqlx_sqlite_stmt(st));
    st->impl = NULL;
}

/* A shared connection's statements are sqldb's, kept under the same
 * static text, so a module's statement is prepared once whichever
 * interface asks; sqldb finalizes them at its close. */
static int sqlx_sqlite_shared_prepare(sqlx_stmt_t *st, char *msg,
                                      size_t cap)
{
    sqldb_t *db = sqlx_sqlite_db(st->x);
    sqlite3_stmt *s = sqldb_stmt(db, st->sql);

    if (!s) {
        snprintf(msg, cap, "%s", sqldb_last_error(db));
        return HUB_ERROR;
    }
    if (sqlx_sqlite_check_single(st, s, msg, cap) != HUB_OK)
        return HUB_ERROR;
    st->impl = s;
    return HUB_OK;
}

static void sqlx_sqlite_shared_finalize(sqlx_stmt_t *st)
{
    sqldb_release(sqlx_sqlite_stmt(st));
    st->impl = NULL;
}

static void sqlx_sqlite_shared_close(sqlx_t *x)
{
    x->impl = NULL; /* the caller's connection stays open */
}

/* Text and bytes are not copied (SQLITE_STATIC): sqlx.h has them live
 * until the statement is reset, and the reset clears SQLite's bindings,
 * so SQLite never reads them later. A copy a statement cost 3 % of the
 * instructions of a unit import. */
static int sqlx_sqlite_bind(sqlx_stmt_t *st)
{
    sqlite3_stmt *s = sqlx_sqlite_stmt(st);
    int i, rc = SQLITE_OK;

    for (i = 0; i < st->n_params && rc == SQLITE_OK; i++) {
        const sqlx_param_t *p = &st->params[i];

        if (p->kind == SQLX_PARAM_INT)
            rc = sqlite3_bind_int64(s, i + 1, p->i);
        else if (p->kind == SQLX_PARAM_TEXT)
            rc = sqlite3_bind_text(s, i + 1, p->text, -1, SQLITE_STATIC);
        else if (p->kind == SQLX_PARAM_BLOB)
            rc = sqlite3_bind_blob(s, i + 1, p->text, p->len,
                                   SQLITE_STATIC);
        else
            rc = sqlite3_bind_null(s, i + 1);
    }
    return rc;
}

static int sqlx_sqlite_step(sqlx_stmt_t *st, int first, char *msg,
                            size_t cap)
{
    sqldb_t *db = sqlx_sqlite_db(st->x);
    int rc = first ? sqlx_sqlite_bind(st) : SQLITE_OK;

    if (rc == SQLITE_OK)
        rc = sqlite3_step(sqlx_sqlite_stmt(st));
    if (rc == SQLITE_ROW)
        return SQLX_ROW;
    if (rc == SQLITE_DONE)
        return SQLX_DONE;
    return sqlx_sqlite_fail(db, rc, msg, cap);
}

static void sqlx_sqlite_reset(sqlx_stmt_t *st)
{
    sqlite3_reset(sqlx_sqlite_stmt(st));
    sqlite3_clear_bindings(sqlx_sqlite_stmt(st));
}

static int64_t sqlx_sqlite_changes(sqlx_stmt_t *st)
{
    return sqlite3_changes64(sqlx_sqlite_db(st->x)->conn);
}

static int sqlx_sqlite_in_transaction(sqlx_t *x)
{
    return !sqlite3_get_autocommit(sqlx_sqlite_db(x)->conn);
}

static int sqlx_sqlite_column_count(sqlx_stmt_t *st)
{
    return sqlite3_column_count(sqlx_sqlite_stmt(st));
}

static sqlx_type_t sqlx_sqlite_column_type(sqlx_stmt_t *st, int i)
{
    switch (sqlite3_column_type(sqlx_sqlite_stmt(st), i)) {
    case SQLITE_NULL:
        return SQLX_NULL;
    case SQLITE_INTEGER:
        return SQLX_INT;
    case SQLITE_TEXT:
        return SQLX_TEXT;
    default:
        return SQLX_OTHER;
    }
}

static int64_t sqlx_sqlite_column_int64(sqlx_stmt_t *st, int i)
{
    return sqlite3_column_int64(sqlx_sqlite_stmt(st), i);
}

static const char *sqlx_sqlite_column_text(sqlx_stmt_t *st, int i)
{
    return (const char *)sqlite3_column_text(sqlx_sqlite_stmt(st), i);
}

static int sqlx_sqlite_column_blob(sqlx_stmt_t *st, int i,
                                   unsigned char *out, int cap)
{
    sqlite3_stmt *s = sqlx_sqlite_stmt(st);
    const void *v;
    int n;

    if (sqlite3_column_type(s, i) != SQLITE_BLOB)
        return -1;
    v = sqlite3_column_blob(s, i);
    n = sqlite3_column_bytes(s, i);
    if (n > cap || (n > 0 && !v))
        return -1;
    if (n > 0)
        memcpy(out, v, (size_t)n);
    return n;
}

static int sqlx_sqlite_exec(sqlx_t *x, const char *script, char *msg,
                            size_t cap)
{
    sqldb_t *db = sqlx_sqlite_db(x);
    int rc = sqldb_exec(db, script);

    return rc == SQLITE_OK ? HUB_OK : sqlx_sqlite_fail(db, rc, msg, cap);
}

/* The transactions are sqldb's, whose messages also name the advisory
 * lock when it is what stayed busy. */
static int sqlx_sqlite_ended(sqldb_t *db, int rc, char *msg, size_t cap)
{
    if (rc == SQLITE_OK)
        return HUB_OK;
    snprintf(msg, cap, "%s", sqldb_last_error(db));
    return hub_db_rc(rc);
}

static int sqlx_sqlite_begin(sqlx_t *x, char *msg, size_t cap)
{
    return sqlx_sqlite_ended(sqlx_sqlite_db(x),
                             sqldb_begin_write(sqlx_sqlite_db(x)), msg, cap);
}

static int sqlx_sqlite_commit(sqlx_t *x, char *msg, size_t cap)
{
    return sqlx_sqlite_ended(sqlx_sqlite_db(x),
                             sqldb_commit(sqlx_sqlite_db(x)), msg, cap);
}

static void sqlx_sqlite_rollback(sqlx_t *x)
{
    sqldb_rollback(sqlx_sqlite_db(x));
}

#define SQLX_SQLITE_COMMON                                                \
    .name = "sqlite",                                                     \
    .dialect = SQLX_DIALECT_SQLITE,                                       \
    .phrases = {                                                          \
        [SQLX_PHRASE_ID_KEY] = "INTEGER PRIMARY KEY",                     \
        [SQLX_PHRASE_BLOB] = "BLOB",                                      \
    },                                                                    \
    .step = sqlx_sqlite_step,                                             \
    .reset = sqlx_sqlite_reset,                                           \
    .changes = sqlx_sqlite_changes,                                       \
    .in_transaction = sqlx_sqlite_in_transaction,                         \
    .column_count = sqlx_sqlite_column_count,                             \
    .column_type = sqlx_sqlite_column_type,                               \
    .column_int64 = sqlx_sqlite_column_int64,                             \
    .column_text = sqlx_sqlite_column_text,                               \
    .column_blob = sqlx_sqlite_column_blob,                               \
    .exec = sqlx_sqlite_exec,                                             \
    .begin = sqlx_sqlite_begin,                                           \
    .commit = sqlx_sqlite_commit,                                         \
    .rollback = sqlx_sqlite_rollback

const sqlx_driver_t sqlx_driver_sqlite = {
    SQLX_SQLITE_COMMON,
    .open = sqlx_sqlite_open,
    .close = sqlx_sqlite_close,
    .prepare = sqlx_sqlite_prepare,
    .finalize = sqlx_sqlite_finalize,
};

/* No open: sqlx_open_sqldb() hands the connection over. */
static const sqlx_driver_t sqlx_driver_sqlite_shared = {
    SQLX_SQLITE_COMMON,
    .close = sqlx_sqlite_shared_close,
    .prepare = sqlx_sqlite_shared_prepare,
    .finalize = sqlx_sqlite_shared_finalize,
};

int sqlx_open_sqldb(struct sqldb *db, sqlx_t **out, char *err, size_t cap)
{
    sqlx_t *x;

    *out = NULL;
    if (!db || !db->conn) {
        snprintf(err, cap, "sqlite: open: no open connection to share");
        return HUB_ERROR;
    }
    x = calloc(1, sizeof(*x));
    if (!x) {
        snprintf(err, cap, "sqlite: open: out of memory");
        return HUB_ERROR;
    }
    x->drv = &sqlx_driver_sqlite_shared;
    x->impl = db;
    *out = x;
    return HUB_OK;
}
