/*
 * sqlx.c - the driver-neutral half of sqlx.h: which driver a target
 * names, the kept statements, parameter numbers and bindings, and the
 * errors' wording. Each driver does only what its library must.
 */
#include "hub/store/sqlx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/store/sqlx_driver.h"

static const char *const sqlx_pg_schemes[] = {"postgresql://",
                                              "postgres://"};

sqlx_dialect_t sqlx_target_dialect(const char *target)
{
    size_t i;

    for (i = 0; i < sizeof(sqlx_pg_schemes) / sizeof(sqlx_pg_schemes[0]);
         i++)
        if (strncmp(target, sqlx_pg_schemes[i],
                    strlen(sqlx_pg_schemes[i])) == 0)
            return SQLX_DIALECT_POSTGRES;
    return SQLX_DIALECT_SQLITE;
}

static const sqlx_driver_t *sqlx_pick_driver(const char *target)
{
    return sqlx_target_dialect(target) == SQLX_DIALECT_POSTGRES
               ? &sqlx_driver_pg
               : &sqlx_driver_sqlite;
}

/* The statement's text for an error: whitespace runs as one space, cut
 * at SQLX_ERR_SQL_MAX bytes on a character boundary, "..." when cut. */
static void sqlx_shorten_sql(const char *sql, char *out, size_t cap)
{
    size_t n = 0, lim = cap - 4 < SQLX_ERR_SQL_MAX ? cap - 4
                                                   : SQLX_ERR_SQL_MAX;
    int space = 0;
    const char *p;

    for (p = sql; *p && n < lim; p++) {
        if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
            space = n > 0;
            continue;
        }
        if (space && n + 1 < lim)
            out[n++] = ' ';
        space = 0;
        out[n++] = *p;
    }
    if (*p) {
        while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0 && ((unsigned char)out[n - 1] & 0xc0) == 0xc0)
            n--;
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

/* "DRIVER: STATEMENT: msg" into x->err; returns rc. */
static int sqlx_note(sqlx_t *x, int rc, const char *sql, const char *msg)
{
    char shown[SQLX_ERR_SQL_MAX + 4];

    sqlx_shorten_sql(sql, shown, sizeof(shown));
    snprintf(x->err, sizeof(x->err), "%s: %s: %s", x->drv->name, shown,
             msg[0] ? msg : "failed");
    return rc;
}

int sqlx_open(const char *target, const sqlx_options_t *opt, sqlx_t **out,
              char *err, size_t cap)
{
    static const sqlx_options_t none = {0};
    char msg[SQLX_ERR_MAX] = "";
    sqlx_t *x;
    int rc;

    *out = NULL;
    if (!target || !target[0] || strlen(target) >= SQLX_TARGET_MAX) {
        snprintf(err, cap, "sqlx: no database, or a name over %d bytes",
                 SQLX_TARGET_MAX - 1);
        return HUB_ERROR;
    }
    x = calloc(1, sizeof(*x));
    if (!x) {
        snprintf(err, cap, "sqlx: out of memory");
        return HUB_ERROR;
    }
    x->drv = sqlx_pick_driver(target);
    rc = x->drv->open(x, target, opt ? opt : &none, msg, sizeof(msg));
    if (rc != HUB_OK) {
        snprintf(err, cap, "%s: open: %s", x->drv->name,
                 msg[0] ? msg : "failed");
        free(x);
        return rc;
    }
    *out = x;
    return HUB_OK;
}

static size_t sqlx_slot_first(const char *sql)
{
    uint64_t h = (uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15);

    return (size_t)(h >> 32) & (SQLX_STMT_SLOTS - 1);
}

/* The slot of sql's statement, or the empty one where it would go. */
static size_t sqlx_slot_find(const sqlx_t *x, const char *sql)
{
    size_t j = sqlx_slot_first(sql);

    while (x->slots[j] && x->slots[j]->sql != sql)
        j = (j + 1) & (SQLX_STMT_SLOTS - 1);
    return j;
}

static void sqlx_drop(sqlx_t *x, int k)
{
    sqlx_stmt_t *st = x->stmts[k];
    int i;

    x->drv->finalize(st);
    free(st);
    x->stmts[k] = x->stmts[--x->n_stmts];
    x->stmts[x->n_stmts] = NULL;
    /* Rare (sqlx_finalize, the close): the slots are laid out again. */
    memset(x->slots, 0, sizeof(x->slots));
    for (i = 0; i < x->n_stmts; i++)
        x->slots[sqlx_slot_find(x, x->stmts[i]->sql)] = x->stmts[i];
}

void sqlx_close(sqlx_t *x)
{
    if (!x)
        return;
    x->closing = 1;
    while (x->n_stmts > 0) {
        x->drv->finalize(x->stmts[--x->n_stmts]);
        free(x->stmts[x->n_stmts]);
    }
    x->drv->close(x);
    free(x);
}

sqlx_dialect_t sqlx_dialect(const sqlx_t *x)
{
    return x->drv->dialect;
}

const char *sqlx_dialect_phrase(const sqlx_t *x, sqlx_phrase_t p)
{
    if ((int)p < 0 || p >= SQLX_PHRASE_COUNT || !x->drv->phrases[p])
        return "";
    return x->drv->phrases[p];
}

const char *sqlx_driver_name(const sqlx_t *x)
{
    return x->drv->name;
}

const char *sqlx_last_error(const sqlx_t *x)
{
    return x->err;
}

int sqlx_prepare_rc(const sqlx_t *x)
{
    return x->prepare_rc;
}

sqlx_stmt_t *sqlx_prepare(sqlx_t *x, const char *sql)
{
    /* Not zero-filled: every call has one, and only a failure reads it. */
    char msg[SQLX_ERR_MAX];
    sqlx_stmt_t *st;
    size_t slot = sqlx_slot_find(x, sql);
    int n = 0;

    msg[0] = '\0';
    if (x->slots[slot]) {
        sqlx_reset(x->slots[slot]);
        return x->slots[slot];
    }
    if (x->n_stmts >= SQLX_STMT_MAX) {
        x->prepare_rc = HUB_ERROR;
        sqlx_note(x, HUB_ERROR, sql, "more kept statements than "
                  "SQLX_STMT_MAX");
        return NULL;
    }
    if (strlen(sql) >= SQLX_SQL_MAX) {
        x->prepare_rc = HUB_ERROR;
        sqlx_note(x, HUB_ERROR, sql, "statement longer than SQLX_SQL_MAX");
        return NULL;
    }
    if (sqlx_sql_scan_params(sql, NULL, 0, &n, msg, sizeof(msg)) !=
        HUB_OK) {
        x->prepare_rc = HUB_ERROR;
        sqlx_note(x, HUB_ERROR, sql, msg);
        return NULL;
    }
    st = calloc(1, sizeof(*st));
    if (!st) {
        x->prepare_rc = HUB_ERROR;
        sqlx_note(x, HUB_ERROR, sql, "out of memory");
        return NULL;
    }
    st->x = x;
    st->sql = sql;
    st->n_params = n;
    x->prepare_rc = x->drv->prepare(st, msg, sizeof(msg));
    if (x->prepare_rc != HUB_OK) {
        sqlx_note(x, x->prepare_rc, sql, msg);
        free(st);
        return NULL;
    }
    x->stmts[x->n_stmts++] = st;
    x->slots[slot] = st;
    return st;
}

static void sqlx_end_run(sqlx_stmt_t *st)
{
    if (st->started)
        st->x->drv->reset(st);
    st->started = 0;
    st->has_row = 0;
    st->n_cols = 0;
    st->ended = 0;
}

void sqlx_reset(sqlx_stmt_t *st)
{
    if (!st)
        return;
    sqlx_end_run(st);
    /* Only the statement's own slots, and only when bound: every kept
     * statement is reset at each sqlx_prepare() too. */
    if (st->bound)
        memset(st->params, 0, (size_t)st->n_params * sizeof(st->params[0]));
    st->bound = 0;
}

void sqlx_finalize(sqlx_stmt_t *st)
{
    sqlx_t *x;
    int k;

    if (!st)
        return;
    x = st->x;
    for (k = 0; k < x->n_stmts; k++)
        if (x->stmts[k] == st) {
            sqlx_end_run(st);
            sqlx_drop(x, k);
            return;
        }
}

/* Apart, so the message's buffer costs nothing to every bind. */
static __attribute__((noinline)) int sqlx_refuse_param(sqlx_stmt_t *st,
                                                       int i)
{
    char msg[96];

    snprintf(msg, sizeof(msg), "no parameter %d (the statement has %d)", i,
             st->n_params);
    return sqlx_note(st->x, HUB_ERROR, st->sql, msg);
}

/* The slot of parameter i, or NULL with *rc set and the error noted. */
static sqlx_param_t *sqlx_param_slot(sqlx_stmt_t *st, int i, int *rc)
{
    if (*rc != HUB_OK)
        return NULL;
    if (!st) {
        *rc = HUB_ERROR; /* sqlx_prepare() failed and said why */
        return NULL;
    }
    if (i < 1 || i > st->n_params) {
        *rc = sqlx_refuse_param(st, i);
        return NULL;
    }
    /* Not started: there is no run to end (the common case, binds
     * after sqlx_prepare()). */
    if (st->started)
        sqlx_end_run(st);
    st->bound = 1;
    return &st->params[i - 1];
}

void sqlx_bind_int64(sqlx_stmt_t *st, int i, int64_t v, int *rc)
{
    sqlx_param_t *p = sqlx_param_slot(st, i, rc);

    if (p) {
        p->kind = SQLX_PARAM_INT;
        p->i = v;
    }
}

void sqlx_bind_text(sqlx_stmt_t *st, int i, const char *v, int *rc)
{
    sqlx_param_t *p = sqlx_param_slot(st, i, rc);

    if (p) {
        p->kind = v ? SQLX_PARAM_TEXT : SQLX_PARAM_NULL;
        p->text = v;
    }
}

void sqlx_bind_blob(sqlx_stmt_t *st, int i, const void *v, int len,
                    int *rc)
{
    sqlx_param_t *p = sqlx_param_slot(st, i, rc);

    if (p) {
        p->kind = v && len >= 0 ? SQLX_PARAM_BLOB : SQLX_PARAM_NULL;
        p->text = v;
        p->len = len;
    }
}

void sqlx_bind_null(sqlx_stmt_t *st, int i, int *rc)
{
    sqlx_param_t *p = sqlx_param_slot(st, i, rc);

    if (p)
        p->kind = SQLX_PARAM_NULL;
}

int sqlx_step(sqlx_stmt_t *st)
{
    char msg[SQLX_ERR_MAX]; /* as in sqlx_prepare() */
    int first, rc;

    if (!st)
        return HUB_ERROR;
    msg[0] = '\0';
    first = !st->started;
    /* SQLite would run the statement again: both stay at their end. */
    if (st->ended)
        return st->end_rc;
    st->started = 1;
    rc = st->x->drv->step(st, first, msg, sizeof(msg));
    st->has_row = rc == SQLX_ROW;
    if (first && st->has_row)
        st->n_cols = st->x->drv->column_count(st);
    st->ended = rc != SQLX_ROW;
    st->end_rc = rc;
    if (rc < 0)
        sqlx_note(st->x, rc, st->sql, msg);
    return rc;
}

int sqlx_run_all(sqlx_t *x, sqlx_stmt_t *const *st, int n)
{
    char msg[SQLX_ERR_MAX]; /* as in sqlx_prepare() */
    int i, failed = -1, rc = HUB_OK;

    if (n < 0 || n > SQLX_RUN_ALL_MAX)
        rc = sqlx_note(x, HUB_ERROR, "", "more than SQLX_RUN_ALL_MAX");
    for (i = 0; rc == HUB_OK && i < n; i++)
        if (!st[i] || st[i]->x != x)
            rc = sqlx_note(x, HUB_ERROR, "", "a statement not prepared");
    if (rc == HUB_OK && n > 1 && x->drv->run_all) {
        msg[0] = '\0';
        rc = x->drv->run_all(x, st, n, &failed, msg, sizeof(msg));
        if (rc != HUB_OK)
            sqlx_note(x, rc, failed >= 0 ? st[failed]->sql : "", msg);
    } else {
        for (i = 0; rc == HUB_OK && i < n; i++) {
            rc = sqlx_step(st[i]);
            rc = rc == SQLX_DONE || rc == SQLX_ROW ? HUB_OK : rc;
        }
    }
    for (i = 0; i < n; i++)
        sqlx_reset(st[i]);
    return rc;
}

int sqlx_column_count(sqlx_stmt_t *st)
{
    return st->has_row ? st->n_cols : 0;
}

static int sqlx_has_column(sqlx_stmt_t *st, int i)
{
    return st->has_row && i >= 0 && i < st->n_cols;
}

sqlx_type_t sqlx_column_type(sqlx_stmt_t *st, int i)
{
    return sqlx_has_column(st, i) ? st->x->drv->column_type(st, i)
                                  : SQLX_NULL;
}

int sqlx_column_is_null(sqlx_stmt_t *st, int i)
{
    return sqlx_column_type(st, i) == SQLX_NULL;
}

int64_t sqlx_column_int64(sqlx_stmt_t *st, int i)
{
    return sqlx_has_column(st, i) ? st->x->drv->column_int64(st, i) : 0;
}

const char *sqlx_column_text(sqlx_stmt_t *st, int i)
{
    const char *t = sqlx_has_column(st, i)
                        ? st->x->drv->column_text(st, i) : NULL;

    return t ? t : "";
}

int sqlx_column_blob(sqlx_stmt_t *st, int i, unsigned char *out, int cap)
{
    if (!sqlx_has_column(st, i) || cap < 0)
        return -1;
    return st->x->drv->column_blob(st, i, out, cap);
}

int sqlx_exec(sqlx_t *x, const char *script)
{
    char msg[SQLX_ERR_MAX] = "";
    int rc = x->drv->exec(x, script, msg, sizeof(msg));

    return rc == HUB_OK ? HUB_OK : sqlx_note(x, rc, script, msg);
}

int sqlx_begin(sqlx_t *x)
{
    char msg[SQLX_ERR_MAX] = "";
    int rc = x->drv->begin(x, msg, sizeof(msg));

    return rc == HUB_OK ? HUB_OK : sqlx_note(x, rc, "BEGIN", msg);
}

int sqlx_commit(sqlx_t *x)
{
    char msg[SQLX_ERR_MAX] = "";
    int rc = x->drv->commit(x, msg, sizeof(msg));

    return rc == HUB_OK ? HUB_OK : sqlx_note(x, rc, "COMMIT", msg);
}

void sqlx_rollback(sqlx_t *x)
{
    x->drv->rollback(x);
}

int sqlx_in_transaction(sqlx_t *x)
{
    return x->drv->in_transaction(x);
}

int sqlx_parameter_count(sqlx_stmt_t *st)
{
    return st ? st->n_params : 0;
}

int64_t sqlx_changes(sqlx_stmt_t *st)
{
    return st && st->started ? st->x->drv->changes(st) : 0;
}

/* ---- parameters ------------------------------------------------------ */

/* Where the quoted part or comment that starts at p ends (just past
 * it), or p itself when none starts there. */
static const char *sqlx_skip_quoted(const char *p)
{
    if (*p == '\'' || *p == '"') {
        char q = *p++;

        /* A doubled quote is the quote itself and keeps going. */
        while (*p && !(*p == q && p[1] != q))
            p += *p == q ? 2 : 1;
        return *p ? p + 1 : p;
    }
    if (p[0] == '-' && p[1] == '-') {
        while (*p && *p != '\n')
            p++;
        return p;
    }
    if (p[0] == '/' && p[1] == '*') {
        const char *end = strstr(p + 2, "*/");

        return end ? end + 2 : p + strlen(p);
    }
    return p;
}

int sqlx_sql_scan_params(const char *sql, char *out, size_t cap, int *n,
                         char *msg, size_t msg_cap)
{
    return sqlx_sql_scan_params_used(sql, out, cap, n, NULL, msg, msg_cap);
}

int sqlx_sql_scan_params_used(const char *sql, char *out, size_t cap,
                              int *n, uint32_t *used, char *msg,
                              size_t msg_cap)
{
    const char *p = sql, *q;
    size_t len = 0;
    int max = 0;

    if (used)
        *used = 0;
    while (*p) {
        size_t chunk;
        char num[16];
        int k;

        q = sqlx_skip_quoted(p);
        if (q == p && *p != '?')
            q = p + 1;
        if (q != p) {
            chunk = (size_t)(q - p);
            if (out) {
                if (len + chunk >= cap)
                    goto too_long;
                memcpy(out + len, p, chunk);
            }
            len += chunk;
            p = q;
            continue;
        }
        /* A parameter: "?" or "?N". */
        p++;
        if (*p >= '0' && *p <= '9') {
            k = 0;
            while (*p >= '0' && *p <= '9' && k <= SQLX_PARAM_MAX)
                k = k * 10 + (*p++ - '0');
        } else {
            k = max + 1;
        }
        if (k < 1 || k > SQLX_PARAM_MAX ||
            (*p >= '0' && *p <= '9')) {
            snprintf(msg, msg_cap, "parameter number past SQLX_PARAM_MAX"
                     " (%d)", SQLX_PARAM_MAX);
            return HUB_ERROR;
        }
        if (k > max)
            max = k;
        if (used)
            *used |= UINT32_C(1) << (k - 1);
        snprintf(num, sizeof(num), "$%d", k);
        chunk = strlen(num);
        if (out) {
            if (len + chunk >= cap)
                goto too_long;
            memcpy(out + len, num, chunk);
        }
        len += chunk;
    }
    if (out)
        out[len] = '\0';
    *n = max;
    return HUB_OK;
too_long:
    snprintf(msg, msg_cap, "statement longer than %zu bytes with $N "
             "parameters", cap);
    return HUB_ERROR;
}
