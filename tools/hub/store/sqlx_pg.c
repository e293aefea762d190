/*
 * sqlx_pg.c - sqlx's PostgreSQL driver on libpq.
 *
 * Statements are prepared on the server once per connection (PQprepare,
 * named "sqlx_N") and run with PQexecPrepared; parameters travel as text
 * and the server gives them the type the statement implies, results come
 * back as text (int8 as its decimal digits), both in UTF-8. Why whole
 * results rather than single-row mode: see sqlx.h.
 *
 * A connection the server dropped (a restart, a fail-over, an idle
 * timeout, a terminated backend) is opened again at the next command,
 * its statements prepared again, so a long-running hub outlives its
 * server's restarts. The command that finds it dropped fails, but for a
 * lone BEGIN or a SELECT outside a transaction, which wrote nothing and
 * are sent again on the new connection; whether another command ran
 * before the drop is unknown, so it is the caller's to retry. Never
 * inside a transaction: once the connection is lost in one, every
 * command fails until the caller's rollback, so no statement of a
 * half-lost transaction runs on its own on the new connection.
 *
 * libpq is loaded (dlopen) at the first PostgreSQL open, not linked:
 * linked, it and the thirteen libraries it brings (Kerberos, LDAP, ...)
 * were loaded and relocated at every start of sipas-hub, some 8.4
 * million instructions and 14 ms of CPU, paid by every command on an
 * SQLite file too. The sipas-hub package depends on libpq5.
 */
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/clock.h"
#include "hub/store/sqlx_driver.h"

#define SQLX_PG_NAME_MAX 24
#define SQLX_PG_LOCK_MS 5000
/* A server that did not answer a reconnection is not tried again for
 * this long: each try may wait for the network's timeout (the URI's
 * connect_timeout) under the database lock, and every request would. */
#define SQLX_PG_RETRY_MS 1000
#define SQLX_PG_INT_TEXT 24 /* "-9223372036854775808" and its NUL */
#define SQLX_PG_LOST "the connection to the server was lost inside a" \
                     " transaction: rolled back"

/* Type OIDs, fixed by PostgreSQL's catalog (pg_type.dat). */
#define SQLX_PG_BOOLOID 16
#define SQLX_PG_NAMEOID 19
#define SQLX_PG_INT8OID 20
#define SQLX_PG_INT2OID 21
#define SQLX_PG_INT4OID 23
#define SQLX_PG_TEXTOID 25
#define SQLX_PG_BYTEAOID 17
#define SQLX_PG_BPCHAROID 1042
#define SQLX_PG_VARCHAROID 1043

#define SQLX_PG_LIBPQ "libpq.so.5"
#define SQLX_PG_LOAD_ERR_MAX 256

/* Every libpq function the driver calls. */
#define SQLX_PQ_FUNCS(X)                                                  \
    X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdb)              \
    X(PQerrorMessage) X(PQexec) X(PQexecPrepared) X(PQfinish) X(PQftype)  \
    X(PQgetisnull) X(PQenterPipelineMode) X(PQexitPipelineMode)           \
    X(PQgetResult) X(PQpipelineSync) X(PQsendQueryPrepared) X(PQreset)    \
    X(PQgetlength) X(PQgetvalue) X(PQnfields) X(PQntuples) X(PQprepare)   \
    X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus)       \
    X(PQsetClientEncoding) X(PQsetNoticeProcessor) X(PQstatus)            \
    X(PQtransactionStatus)

#define SQLX_PQ_MEMBER(f) __typeof__(f) *f;
static struct sqlx_pq_api {
    SQLX_PQ_FUNCS(SQLX_PQ_MEMBER)
} sqlx_pq;

static pthread_once_t sqlx_pq_once = PTHREAD_ONCE_INIT;
static char sqlx_pq_failure[SQLX_PG_LOAD_ERR_MAX]; /* "": loaded */

/* memcpy: ISO C has no cast from dlsym()'s object pointer to a function
 * pointer; POSIX guarantees the representation is the same. */
#define SQLX_PQ_RESOLVE(f)                                                \
    if (!sqlx_pq_failure[0]) {                                            \
        void *sym = dlsym(lib, #f);                                       \
        if (sym)                                                          \
            memcpy(&sqlx_pq.f, &sym, sizeof(sym));                        \
        else                                                              \
            snprintf(sqlx_pq_failure, sizeof(sqlx_pq_failure),            \
                     "%s has no %s", SQLX_PG_LIBPQ, #f);                  \
    }

/* Once a process; the library stays loaded until exit. */
static void sqlx_pq_load(void)
{
    void *lib = dlopen(SQLX_PG_LIBPQ, RTLD_NOW | RTLD_LOCAL);

    if (!lib) {
        snprintf(sqlx_pq_failure, sizeof(sqlx_pq_failure),
                 "cannot load %s (install libpq5): %s", SQLX_PG_LIBPQ,
                 dlerror());
        return;
    }
    SQLX_PQ_FUNCS(SQLX_PQ_RESOLVE)
}

static int sqlx_pq_ready(char *msg, size_t cap)
{
    if (pthread_once(&sqlx_pq_once, sqlx_pq_load) != 0) {
        snprintf(msg, cap, "cannot load %s", SQLX_PG_LIBPQ);
        return HUB_ERROR;
    }
    if (!sqlx_pq_failure[0])
        return HUB_OK;
    snprintf(msg, cap, "%s", sqlx_pq_failure);
    return HUB_ERROR;
}

/* From here on each PQ call goes through the loaded table. */
#define PQclear sqlx_pq.PQclear
#define PQcmdStatus sqlx_pq.PQcmdStatus
#define PQconnectdb sqlx_pq.PQconnectdb
#define PQerrorMessage sqlx_pq.PQerrorMessage
#define PQexec sqlx_pq.PQexec
#define PQexecPrepared sqlx_pq.PQexecPrepared
#define PQenterPipelineMode sqlx_pq.PQenterPipelineMode
#define PQexitPipelineMode sqlx_pq.PQexitPipelineMode
#define PQgetResult sqlx_pq.PQgetResult
#define PQpipelineSync sqlx_pq.PQpipelineSync
#define PQreset sqlx_pq.PQreset
#define PQsendQueryPrepared sqlx_pq.PQsendQueryPrepared
#define PQfinish sqlx_pq.PQfinish
#define PQftype sqlx_pq.PQftype
#define PQgetisnull sqlx_pq.PQgetisnull
#define PQgetlength sqlx_pq.PQgetlength
#define PQgetvalue sqlx_pq.PQgetvalue
#define PQnfields sqlx_pq.PQnfields
#define PQntuples sqlx_pq.PQntuples
#define PQprepare sqlx_pq.PQprepare
#define PQcmdTuples sqlx_pq.PQcmdTuples
#define PQresultErrorField sqlx_pq.PQresultErrorField
#define PQresultErrorMessage sqlx_pq.PQresultErrorMessage
#define PQresultStatus sqlx_pq.PQresultStatus
#define PQsetClientEncoding sqlx_pq.PQsetClientEncoding
#define PQsetNoticeProcessor sqlx_pq.PQsetNoticeProcessor
#define PQstatus sqlx_pq.PQstatus
#define PQtransactionStatus sqlx_pq.PQtransactionStatus

typedef struct sqlx_pg_conn {
    PGconn *conn;
    unsigned next_name; /* statement names are never reused */
    int lock_ms;        /* the session's lock_timeout */
    int in_txn;         /* in a transaction after the last command */
    int lost;           /* the connection dropped while in_txn: every
                         * command fails until the rollback */
    int64_t retry_ms;   /* no reconnection before this (monotonic) */
} sqlx_pg_conn_t;

typedef struct sqlx_pg_stmt {
    char name[SQLX_PG_NAME_MAX];
    int select;    /* a SELECT: run again after a drop outside a
                    * transaction, since it wrote nothing */
    PGresult *res; /* the execution's whole result, until reset */
    int row, rows;
} sqlx_pg_stmt_t;

static sqlx_pg_conn_t *sqlx_pg_conn(sqlx_t *x)
{
    return x->impl;
}

static sqlx_pg_stmt_t *sqlx_pg_stmt(sqlx_stmt_t *st)
{
    return st->impl;
}

/* libpq's messages end in a newline; errors read on one line. */
static void sqlx_pg_copy_msg(char *msg, size_t cap, const char *text)
{
    size_t n;

    snprintf(msg, cap, "%s", text && text[0] ? text : "failed");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
}

/* hub_rc for a SQLSTATE: integrity violations (class 23: unique, foreign
 * key, not null, check) are HUB_EXISTS as SQLITE_CONSTRAINT is in
 * hub_db_rc(); what a retried transaction gets past (serialization
 * failure, deadlock, a lock wait past lock_timeout) HUB_BUSY; a full
 * disk HUB_FULL. A row no partition takes is a check violation (23514)
 * too, but one without a constraint's name (a CHECK names its own):
 * HUB_NO_PARTITION, so the writer makes the month instead of calling
 * the row a duplicate. The name, not the message, which the server's
 * lc_messages may translate. */
static int sqlx_pg_rc(const char *state, const char *constraint)
{
    static const char *const busy[] = {"40001", "40P01", "55P03"};
    size_t i;

    if (!state)
        return HUB_ERROR;
    if (strcmp(state, "23514") == 0 && (!constraint || !constraint[0]))
        return HUB_NO_PARTITION;
    if (strncmp(state, "23", 2) == 0)
        return HUB_EXISTS;
    for (i = 0; i < sizeof(busy) / sizeof(busy[0]); i++)
        if (strcmp(state, busy[i]) == 0)
            return HUB_BUSY;
    if (strcmp(state, "53100") == 0)
        return HUB_FULL;
    return HUB_ERROR;
}

/* HUB_OK for a result of one of the two good statuses; otherwise the
 * hub_rc of its SQLSTATE, the message (with the SQLSTATE) in msg. res
 * may be NULL (libpq out of memory, or the connection lost). */
static int sqlx_pg_check(sqlx_pg_conn_t *c, const PGresult *res,
                         char *msg, size_t cap)
{
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    PGconn *conn = c->conn;
    const char *state, *primary;

    /* UNKNOWN: the connection is gone; what it was in stays known. */
    if (t == PQTRANS_UNKNOWN)
        c->lost = c->lost || c->in_txn;
    else if (t != PQTRANS_ACTIVE)
        c->in_txn = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
        return HUB_OK;
    state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary && state)
        snprintf(msg, cap, "%s (SQLSTATE %s)", primary, state);
    else
        sqlx_pg_copy_msg(msg, cap, res && PQresultErrorMessage(res)[0]
                                       ? PQresultErrorMessage(res)
                                       : PQerrorMessage(conn));
    return sqlx_pg_rc(state, res ? PQresultErrorField(
                                       res, PG_DIAG_CONSTRAINT_NAME)
                                 : NULL);
}

/* Runs sql (no parameters) and checks it; the result is cleared. */
static int sqlx_pg_run(sqlx_pg_conn_t *c, const char *sql, char *msg,
                       size_t cap)
{
    PGresult *res = PQexec(c->conn, sql);
    int rc = sqlx_pg_check(c, res, msg, cap);

    PQclear(res);
    return rc;
}

/* The server's notices (an IF NOT EXISTS that skipped, a ROLLBACK with
 * no transaction) are no errors and would go to stderr. */
static void sqlx_pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The session's settings, on a new connection or one opened again:
 * text is UTF-8 whatever the server's default; a lock waited for longer
 * than SQLite's busy timeout is HUB_BUSY, as with SQLite. */
static int sqlx_pg_session(sqlx_pg_conn_t *c, char *msg, size_t cap)
{
    char set[64];

    PQsetNoticeProcessor(c->conn, sqlx_pg_quiet, NULL);
    if (PQsetClientEncoding(c->conn, "UTF8") != 0) {
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(c->conn));
        return HUB_ERROR;
    }
    snprintf(set, sizeof(set), "SET lock_timeout = %d", c->lock_ms);
    return sqlx_pg_run(c, set, msg, cap);
}

static int sqlx_pg_open(sqlx_t *x, const char *target,
                        const sqlx_options_t *opt, char *msg, size_t cap)
{
    sqlx_pg_conn_t *c;
    int rc;

    if (sqlx_pq_ready(msg, cap) != HUB_OK)
        return HUB_ERROR;
    c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(msg, cap, "out of memory");
        return HUB_ERROR;
    }
    c->conn = PQconnectdb(target);
    if (!c->conn || PQstatus(c->conn) != CONNECTION_OK) {
        sqlx_pg_copy_msg(msg, cap, c->conn ? PQerrorMessage(c->conn)
                                           : "out of memory");
        PQfinish(c->conn);
        free(c);
        return HUB_ERROR;
    }
    c->lock_ms = opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms
                                          : SQLX_PG_LOCK_MS;
    rc = sqlx_pg_session(c, msg, cap);
    if (rc != HUB_OK) {
        PQfinish(c->conn);
        free(c);
        return rc;
    }
    x->impl = c;
    return HUB_OK;
}

static void sqlx_pg_close(sqlx_t *x)
{
    sqlx_pg_conn_t *c = x->impl;

    PQfinish(c->conn);
    free(c);
    x->impl = NULL;
}

/* Prepares st's SQL on the server under name. */
static int sqlx_pg_prepare_as(sqlx_pg_conn_t *c, const sqlx_stmt_t *st,
                              const char *name, char *msg, size_t cap)
{
    PGresult *res;
    Oid types[SQLX_PARAM_MAX];
    uint32_t used = 0;
    char *text = malloc(SQLX_SQL_MAX);
    int n = 0, rc, i;

    if (!text) {
        snprintf(msg, cap, "out of memory");
        return HUB_ERROR;
    }
    rc = sqlx_sql_scan_params_used(st->sql, text, SQLX_SQL_MAX, &n, &used,
                                   msg, cap);
    /* The server infers each type it reads (0); one the text skips it
     * cannot, and would refuse the statement without being told. */
    for (i = 0; i < n; i++)
        types[i] = used & (UINT32_C(1) << i) ? 0 : SQLX_PG_TEXTOID;
    if (rc == HUB_OK) {
        res = PQprepare(c->conn, name, text, n, types);
        rc = sqlx_pg_check(c, res, msg, cap);
        PQclear(res);
    }
    free(text);
    return rc;
}

/* HUB_OK when the connection can take a command, opening it again (and
 * preparing the kept statements again) if the server dropped it outside
 * a transaction. */
static int sqlx_pg_alive(sqlx_t *x, char *msg, size_t cap)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);
    int i, rc;

    if (c->lost) {
        snprintf(msg, cap, SQLX_PG_LOST);
        return HUB_ERROR;
    }
    if (PQstatus(c->conn) == CONNECTION_OK)
        return HUB_OK;
    if (hub_clock_mono_ms() < c->retry_ms) {
        snprintf(msg, cap, "no connection to the server (tried again"
                 " within %d ms)", SQLX_PG_RETRY_MS);
        return HUB_ERROR;
    }
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        c->retry_ms = hub_clock_mono_ms() + SQLX_PG_RETRY_MS;
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(c->conn));
        return HUB_ERROR;
    }
    c->in_txn = 0;
    rc = sqlx_pg_session(c, msg, cap);
    for (i = 0; rc == HUB_OK && i < x->n_stmts; i++)
        if (x->stmts[i]->impl)
            rc = sqlx_pg_prepare_as(
                c, x->stmts[i],
                ((sqlx_pg_stmt_t *)x->stmts[i]->impl)->name, msg, cap);
    return rc;
}

/* After a failed command: 1 when it wrote nothing (wrote_nothing: a lone
 * BEGIN, a SELECT) outside a transaction and failed because the server
 * had dropped the connection, now opened again: it may be sent again. */
static int sqlx_pg_may_resend(sqlx_t *x, int wrote_nothing, char *msg,
                              size_t cap)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);

    return wrote_nothing && !c->in_txn && !c->lost &&
           PQstatus(c->conn) != CONNECTION_OK &&
           sqlx_pg_alive(x, msg, cap) == HUB_OK;
}

static int sqlx_pg_prepare(sqlx_stmt_t *st, char *msg, size_t cap)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(st->x);
    sqlx_pg_stmt_t *ps;
    int rc = sqlx_pg_alive(st->x, msg, cap);

    if (rc != HUB_OK)
        return rc;
    ps = calloc(1, sizeof(*ps));
    if (!ps) {
        snprintf(msg, cap, "out of memory");
        return HUB_ERROR;
    }
    snprintf(ps->name, sizeof(ps->name), "sqlx_%u", c->next_name++);
    ps->select = strncmp(st->sql, "SELECT ", 7) == 0;
    rc = sqlx_pg_prepare_as(c, st, ps->name, msg, cap);
    if (rc != HUB_OK) {
        free(ps);
        return rc;
    }
    st->impl = ps;
    return HUB_OK;
}

static void sqlx_pg_reset(sqlx_stmt_t *st)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);

    PQclear(ps->res);
    ps->res = NULL;
    ps->row = ps->rows = 0;
}

static void sqlx_pg_finalize(sqlx_stmt_t *st)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);
    char sql[SQLX_PG_NAME_MAX + 16];
    char ignored[8];

    sqlx_pg_reset(st);
    /* Fails inside an aborted transaction: the server then keeps the
     * statement until the connection closes, which is harmless. */
    if (!st->x->closing && PQstatus(sqlx_pg_conn(st->x)->conn) ==
                               CONNECTION_OK) {
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", ps->name);
        (void)sqlx_pg_run(sqlx_pg_conn(st->x), sql, ignored,
                          sizeof(ignored));
    }
    free(ps);
    st->impl = NULL;
}

/* A statement's parameters as libpq takes them; ints[i] holds the text
 * of an integer. */
typedef struct sqlx_pg_params {
    char ints[SQLX_PARAM_MAX][SQLX_PG_INT_TEXT];
    const char *values[SQLX_PARAM_MAX];
    int lengths[SQLX_PARAM_MAX], formats[SQLX_PARAM_MAX];
} sqlx_pg_params_t;

static void sqlx_pg_params(const sqlx_stmt_t *st, sqlx_pg_params_t *pp)
{
    int i;

    for (i = 0; i < st->n_params; i++) {
        const sqlx_param_t *p = &st->params[i];

        pp->values[i] = NULL;
        pp->lengths[i] = 0;
        pp->formats[i] = 0;
        if (p->kind == SQLX_PARAM_TEXT)
            pp->values[i] = p->text;
        else if (p->kind == SQLX_PARAM_BLOB) {
            /* bytea's binary format is the bytes themselves: no escaping
             * on the way in. */
            pp->values[i] = p->text;
            pp->lengths[i] = p->len;
            pp->formats[i] = 1;
        }
        else if (p->kind == SQLX_PARAM_INT) {
            snprintf(pp->ints[i], sizeof(pp->ints[i]), "%" PRId64, p->i);
            pp->values[i] = pp->ints[i];
        }
    }
}

static int sqlx_pg_execute(sqlx_stmt_t *st, char *msg, size_t cap)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);
    sqlx_pg_conn_t *c = sqlx_pg_conn(st->x);
    sqlx_pg_params_t pp;
    int rc = sqlx_pg_alive(st->x, msg, cap);

    if (rc != HUB_OK)
        return rc;
    sqlx_pg_params(st, &pp);
    ps->res = PQexecPrepared(c->conn, ps->name, st->n_params, pp.values,
                             pp.lengths, pp.formats, 0);
    rc = sqlx_pg_check(c, ps->res, msg, cap);
    if (rc != HUB_OK && sqlx_pg_may_resend(st->x, ps->select, msg, cap)) {
        PQclear(ps->res);
        ps->res = PQexecPrepared(c->conn, ps->name, st->n_params, pp.values,
                                 pp.lengths, pp.formats, 0);
        rc = sqlx_pg_check(c, ps->res, msg, cap);
    }
    if (rc == HUB_OK && PQresultStatus(ps->res) == PGRES_TUPLES_OK)
        ps->rows = PQntuples(ps->res);
    if (rc == HUB_OK && ps->rows > SQLX_RESULT_ROWS_MAX) {
        snprintf(msg, cap, "%d rows, more than SQLX_RESULT_ROWS_MAX (%d):"
                 " page the query with LIMIT", ps->rows,
                 SQLX_RESULT_ROWS_MAX);
        rc = HUB_ERROR;
    }
    if (rc != HUB_OK)
        sqlx_pg_reset(st);
    ps->row = -1;
    return rc;
}

/* The statements in one pipeline: all sent, one Sync, then each one's
 * result read (the first failure kept; the server answers the rest
 * PGRES_PIPELINE_ABORTED) and the Sync's. Results hold no rows, so the
 * connection's blocking sends cannot wait on results not read. */
static int sqlx_pg_run_all(sqlx_t *x, sqlx_stmt_t *const *st, int n,
                           int *failed, char *msg, size_t cap)
{
    PGconn *conn;
    sqlx_pg_params_t pp;
    PGresult *res;
    int i, sent = 0, rc, one;

    *failed = -1;
    if ((rc = sqlx_pg_alive(x, msg, cap)) != HUB_OK)
        return rc;
    conn = sqlx_pg_conn(x)->conn;
    if (PQenterPipelineMode(conn) != 1) {
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(conn));
        return HUB_ERROR;
    }
    for (i = 0; i < n; i++, sent++) {
        sqlx_pg_params(st[i], &pp);
        if (PQsendQueryPrepared(conn, sqlx_pg_stmt(st[i])->name,
                                st[i]->n_params, pp.values, pp.lengths,
                                pp.formats, 0) != 1) {
            sqlx_pg_copy_msg(msg, cap, PQerrorMessage(conn));
            *failed = i;
            rc = HUB_ERROR;
            break;
        }
    }
    if (PQpipelineSync(conn) != 1 && rc == HUB_OK) {
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(conn));
        rc = HUB_ERROR;
    }
    for (i = 0; i < sent; i++)
        while ((res = PQgetResult(conn))) {
            if (rc == HUB_OK &&
                (one = sqlx_pg_check(sqlx_pg_conn(x), res, msg, cap))) {
                rc = one;
                *failed = i;
            }
            PQclear(res);
        }
    res = PQgetResult(conn);
    if (rc == HUB_OK && (!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC)) {
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(conn));
        rc = HUB_ERROR;
    }
    PQclear(res);
    if (PQexitPipelineMode(conn) != 1 && rc == HUB_OK) {
        sqlx_pg_copy_msg(msg, cap, PQerrorMessage(conn));
        rc = HUB_ERROR;
    }
    return rc;
}

static int sqlx_pg_step(sqlx_stmt_t *st, int first, char *msg, size_t cap)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);
    int rc;

    if (first) {
        rc = sqlx_pg_execute(st, msg, cap);
        if (rc != HUB_OK)
            return rc;
    }
    if (!ps->res || ps->row >= ps->rows)
        return SQLX_DONE;
    ps->row++;
    return ps->row < ps->rows ? SQLX_ROW : SQLX_DONE;
}

static int64_t sqlx_pg_changes(sqlx_stmt_t *st)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);

    /* "" for a command that reports no count. */
    return ps->res ? strtoll(PQcmdTuples(ps->res), NULL, 10) : 0;
}

static int sqlx_pg_column_count(sqlx_stmt_t *st)
{
    return PQnfields(sqlx_pg_stmt(st)->res);
}

static sqlx_type_t sqlx_pg_column_type(sqlx_stmt_t *st, int i)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);

    if (PQgetisnull(ps->res, ps->row, i))
        return SQLX_NULL;
    switch (PQftype(ps->res, i)) {
    case SQLX_PG_INT2OID:
    case SQLX_PG_INT4OID:
    case SQLX_PG_INT8OID:
        return SQLX_INT;
    case SQLX_PG_TEXTOID:
    case SQLX_PG_VARCHAROID:
    case SQLX_PG_BPCHAROID:
    case SQLX_PG_NAMEOID:
        return SQLX_TEXT;
    default:
        return SQLX_OTHER;
    }
}

/* As SQLite reads text as a number: the leading integer, 0 for none;
 * a bool is 1 or 0, as SQLite stores it. */
static int64_t sqlx_pg_column_int64(sqlx_stmt_t *st, int i)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);
    const char *v;
    long long n;

    if (PQgetisnull(ps->res, ps->row, i))
        return 0;
    v = PQgetvalue(ps->res, ps->row, i);
    if (PQftype(ps->res, i) == SQLX_PG_BOOLOID)
        return v[0] == 't';
    errno = 0;
    n = strtoll(v, NULL, 10);
    return errno == ERANGE ? 0 : (int64_t)n;
}

static const char *sqlx_pg_column_text(sqlx_stmt_t *st, int i)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);

    if (PQgetisnull(ps->res, ps->row, i))
        return NULL;
    return PQgetvalue(ps->res, ps->row, i);
}

static int sqlx_pg_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Results are text: a bytea comes as \x and two lowercase hex digits
 * a byte (bytea_output = hex, the default since PostgreSQL 9.0). */
static int sqlx_pg_column_blob(sqlx_stmt_t *st, int i, unsigned char *out,
                               int cap)
{
    sqlx_pg_stmt_t *ps = sqlx_pg_stmt(st);
    const char *v;
    int n, k, hi, lo;

    if (PQgetisnull(ps->res, ps->row, i) ||
        PQftype(ps->res, i) != SQLX_PG_BYTEAOID)
        return -1;
    v = PQgetvalue(ps->res, ps->row, i);
    n = PQgetlength(ps->res, ps->row, i);
    if (n < 2 || v[0] != '\\' || v[1] != 'x' || (n - 2) % 2 != 0 ||
        (n - 2) / 2 > cap)
        return -1;
    for (k = 0; k < (n - 2) / 2; k++) {
        hi = sqlx_pg_hex_digit(v[2 + 2 * k]);
        lo = sqlx_pg_hex_digit(v[3 + 2 * k]);
        if (hi < 0 || lo < 0)
            return -1;
        out[k] = (unsigned char)(hi << 4 | lo);
    }
    return k;
}

/* Runs sql on a live connection. A connection that turns out dropped
 * (the server restarted while it sat idle, which libpq learns only by
 * sending) is opened again and a lone BEGIN sent again: it changed
 * nothing on the lost one. */
static int sqlx_pg_run_live(sqlx_t *x, const char *sql, int lone_begin,
                            char *msg, size_t cap)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);
    int rc = sqlx_pg_alive(x, msg, cap);

    if (rc == HUB_OK)
        rc = sqlx_pg_run(c, sql, msg, cap);
    if (rc != HUB_OK && sqlx_pg_may_resend(x, lone_begin, msg, cap))
        rc = sqlx_pg_run(c, sql, msg, cap);
    return rc;
}

static int sqlx_pg_exec(sqlx_t *x, const char *script, char *msg, size_t cap)
{
    return sqlx_pg_run_live(x, script,
                            strncmp(script, "BEGIN", 5) == 0 &&
                                !strchr(script, ';'),
                            msg, cap);
}

static int sqlx_pg_begin(sqlx_t *x, char *msg, size_t cap)
{
    return sqlx_pg_run_live(x, "BEGIN ISOLATION LEVEL SERIALIZABLE", 1, msg,
                            cap);
}

/* COMMIT of a transaction a failed statement aborted succeeds as a
 * command but rolls back (its tag says ROLLBACK): that is a failure. A
 * dropped connection is not opened again here: its transaction is gone. */
static int sqlx_pg_commit(sqlx_t *x, char *msg, size_t cap)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);
    PGresult *res;
    int rc;

    if (c->lost || PQstatus(c->conn) != CONNECTION_OK) {
        snprintf(msg, cap, SQLX_PG_LOST);
        return HUB_ERROR;
    }
    res = PQexec(c->conn, "COMMIT");
    rc = sqlx_pg_check(c, res, msg, cap);
    if (rc == HUB_OK && strcmp(PQcmdStatus(res), "COMMIT") != 0) {
        snprintf(msg, cap, "a statement of the transaction had failed: "
                 "rolled back");
        rc = HUB_ERROR;
    }
    PQclear(res);
    return rc;
}

/* On a dropped connection the server has rolled back already; the next
 * command may open it again. */
static void sqlx_pg_rollback(sqlx_t *x)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);
    char ignored[8];

    if (PQstatus(c->conn) != CONNECTION_OK) {
        c->lost = 0;
        c->in_txn = 0;
        return;
    }
    if (PQtransactionStatus(c->conn) != PQTRANS_IDLE)
        (void)sqlx_pg_run(c, "ROLLBACK", ignored, sizeof(ignored));
}

static int sqlx_pg_in_transaction(sqlx_t *x)
{
    sqlx_pg_conn_t *c = sqlx_pg_conn(x);
    PGTransactionStatusType t = PQtransactionStatus(c->conn);

    return c->lost || t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

const sqlx_driver_t sqlx_driver_pg = {
    .name = "postgresql",
    .dialect = SQLX_DIALECT_POSTGRES,
    .phrases = {
        [SQLX_PHRASE_ID_KEY] =
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        [SQLX_PHRASE_BLOB] = "BYTEA",
    },
    .open = sqlx_pg_open,
    .close = sqlx_pg_close,
    .prepare = sqlx_pg_prepare,
    .finalize = sqlx_pg_finalize,
    .step = sqlx_pg_step,
    .reset = sqlx_pg_reset,
    .changes = sqlx_pg_changes,
    .column_count = sqlx_pg_column_count,
    .column_type = sqlx_pg_column_type,
    .column_int64 = sqlx_pg_column_int64,
    .column_text = sqlx_pg_column_text,
    .column_blob = sqlx_pg_column_blob,
    .run_all = sqlx_pg_run_all,
    .exec = sqlx_pg_exec,
    .begin = sqlx_pg_begin,
    .commit = sqlx_pg_commit,
    .rollback = sqlx_pg_rollback,
    .in_transaction = sqlx_pg_in_transaction,
};
