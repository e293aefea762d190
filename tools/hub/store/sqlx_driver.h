/*
 * sqlx_driver.h - what sqlx.c asks of a driver (sqlx_sqlite.c,
 * sqlx_pg.c). Only the sqlx files include it; the store sees sqlx.h.
 *
 * sqlx.c keeps the statements, checks parameter numbers, holds the
 * bindings and writes the errors; a driver only talks to its library.
 * Driver calls that can fail return HUB_OK or a hub_rc and put the
 * library's message (no driver name, no statement: sqlx.c adds those)
 * into msg, cap bytes.
 *
 * Ownership: a driver owns what it hangs on x->impl (open to close) and
 * on st->impl (prepare to finalize); sqlx.c owns the structs.
 */
#ifndef SIPAS_HUB_SQLX_DRIVER_H
#define SIPAS_HUB_SQLX_DRIVER_H

#include "hub/store/sqlx.h"

#define SQLX_STMT_SLOTS (2 * SQLX_STMT_MAX) /* a power of two */

enum sqlx_param_kind {
    SQLX_PARAM_NULL = 0, /* also what an unbound parameter is */
    SQLX_PARAM_INT,
    SQLX_PARAM_TEXT,
    SQLX_PARAM_BLOB  /* bytes: a BLOB or BYTEA value */
};

typedef struct sqlx_param {
    int kind;         /* enum sqlx_param_kind */
    int64_t i;
    const char *text; /* borrowed until the reset; a blob's bytes */
    int len;          /* a blob's length */
} sqlx_param_t;

struct sqlx_stmt {
    sqlx_t *x;
    const char *sql; /* the caller's, static: the cache key */
    int n_params;    /* the highest parameter number in sql */
    sqlx_param_t params[SQLX_PARAM_MAX];
    int started;     /* executed since the last reset */
    int has_row;     /* the last step gave SQLX_ROW */
    int n_cols;      /* columns of this run's rows, read at its first
                      * (every column read checks the index) */
    int ended;       /* the last step gave SQLX_DONE or an error */
    int end_rc;      /* which, given again until the reset */
    int bound;       /* a parameter was bound since the reset */
    void *impl;
};

typedef struct sqlx_driver sqlx_driver_t;

struct sqlx {
    const sqlx_driver_t *drv;
    void *impl;
    char err[SQLX_ERR_MAX];
    int prepare_rc; /* the last failed sqlx_prepare()'s hub_rc */
    sqlx_stmt_t *stmts[SQLX_STMT_MAX];
    int n_stmts;
    /* The kept statements by the address of their SQL (open addressing):
     * an upload prepares some hundred statements of a hundred kept. */
    sqlx_stmt_t *slots[SQLX_STMT_SLOTS];
    int closing; /* finalize need not tell a server about to hang up */
};

struct sqlx_driver {
    const char *name; /* in every error */
    sqlx_dialect_t dialect;
    const char *phrases[SQLX_PHRASE_COUNT];
    int (*open)(sqlx_t *x, const char *target, const sqlx_options_t *opt,
                char *msg, size_t cap);
    void (*close)(sqlx_t *x);
    int (*prepare)(sqlx_stmt_t *st, char *msg, size_t cap);
    void (*finalize)(sqlx_stmt_t *st);
    /* first: the first step since the last reset, which binds
     * st->params and executes. SQLX_ROW, SQLX_DONE or a hub_rc. */
    int (*step)(sqlx_stmt_t *st, int first, char *msg, size_t cap);
    void (*reset)(sqlx_stmt_t *st);
    /* Rows the execution being read changed (before the reset). */
    int64_t (*changes)(sqlx_stmt_t *st);
    /* Column calls come only with a row and 0 <= i < column_count. */
    int (*column_count)(sqlx_stmt_t *st);
    sqlx_type_t (*column_type)(sqlx_stmt_t *st, int i);
    int64_t (*column_int64)(sqlx_stmt_t *st, int i);
    const char *(*column_text)(sqlx_stmt_t *st, int i); /* NULL: NULL */
    /* Copies a blob's bytes (cap at most): its length, or -1 when it is
     * NULL, no blob, or longer than cap. */
    int (*column_blob)(sqlx_stmt_t *st, int i, unsigned char *out,
                       int cap);
    /* Optional: runs st[0..n) as sqlx_run_all() says, *failed the index
     * of the failed one (-1 for none, or a failure of no statement). */
    int (*run_all)(sqlx_t *x, sqlx_stmt_t *const *st, int n, int *failed,
                   char *msg, size_t cap);
    int (*exec)(sqlx_t *x, const char *script, char *msg, size_t cap);
    int (*begin)(sqlx_t *x, char *msg, size_t cap);
    int (*commit)(sqlx_t *x, char *msg, size_t cap);
    void (*rollback)(sqlx_t *x);
    int (*in_transaction)(sqlx_t *x);
};

extern const sqlx_driver_t sqlx_driver_sqlite;
extern const sqlx_driver_t sqlx_driver_pg;

/* Reads sql's parameters ("?" takes the highest number so far plus one,
 * as SQLite does; "?N" is N), skipping quoted text, quoted names and
 * comments. *n gets the highest number. With out (cap bytes), writes sql
 * with each parameter as $N, PostgreSQL's spelling. HUB_OK, or HUB_ERROR
 * with the reason in msg: a number past SQLX_PARAM_MAX, or out too
 * small. */
int sqlx_sql_scan_params(const char *sql, char *out, size_t cap, int *n,
                         char *msg, size_t msg_cap);
/* The same, with bit k - 1 of *used set for each parameter number k the
 * text names (used may be NULL). */
int sqlx_sql_scan_params_used(const char *sql, char *out, size_t cap,
                              int *n, uint32_t *used, char *msg,
                              size_t msg_cap);

#endif
