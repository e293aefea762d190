/*
 * The hub's SQL driver interface (hub/store/sqlx.h): the same tests on
 * an SQLite file and on a PostgreSQL server. Rows with ?-parameters,
 * upserts, 64-bit extremes, NULL, Vietnamese text byte for byte and in
 * byte order, transactions that roll back, a unique violation as
 * HUB_EXISTS, a syntax error's message, a lock waited for too long as
 * HUB_BUSY, and two connections racing on one key that still count
 * exactly; statements run together (sqlx_run_all(), PostgreSQL's
 * pipeline) stopping at the first failure, array literals
 * (pgarray.h) read back by PostgreSQL as they were written, and a
 * connection the server dropped opened again (never inside a
 * transaction).
 *
 * PostgreSQL's half runs when SIPAS_TEST_PG_URI names a server: the
 * wrapper tests/hub/test_sqlx_pg.sh starts one of its own
 * (tests/hub/pg_env.sh) and sets it. Without it only SQLite's half runs,
 * and the binary says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub/store/pgarray.h"
#include "hub/store/sqlx.h"
#include "hub/store/sqlx_driver.h"
#include "pg_half.h"
#include "testutil.h"

typedef struct driver_ctx {
    const char *uri;    /* PostgreSQL; NULL: a fresh SQLite file */
    char dir[128];
    char target[SQLX_TARGET_MAX];
    sqlx_t *x;
} driver_ctx_t;

static const char *const TABLE_SQL =
    "DROP TABLE IF EXISTS t;"
    "CREATE TABLE t (k TEXT PRIMARY KEY, n BIGINT, note TEXT);";
static const char *const INSERT_SQL =
    "INSERT INTO t (k, n, note) VALUES (?, ?, ?)";
static const char *const SELECT_SQL =
    "SELECT k, n, note FROM t ORDER BY k";
static const char *const COUNT_SQL = "SELECT COUNT(*) FROM t";
static const char *const UPSERT_SQL =
    "INSERT INTO t (k, n) VALUES (?1, ?2) "
    "ON CONFLICT (k) DO UPDATE SET n = t.n + excluded.n";

static int setup(void **state)
{
    driver_ctx_t *c = *state;
    char err[SQLX_ERR_MAX];
    sqlx_options_t opt = {.create = 1};

    if (c->uri) {
        snprintf(c->target, sizeof(c->target), "%s", c->uri);
    } else {
        if (testutil_make_tmpdir(c->dir, sizeof(c->dir), "sqlx") != 0)
            return -1;
        snprintf(c->target, sizeof(c->target), "%s/hub.db", c->dir);
    }
    if (sqlx_open(c->target, &opt, &c->x, err, sizeof(err)) != HUB_OK) {
        fprintf(stderr, "open %s: %s\n", c->target, err);
        return -1;
    }
    if (sqlx_exec(c->x, TABLE_SQL) != HUB_OK) {
        fprintf(stderr, "%s\n", sqlx_last_error(c->x));
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    driver_ctx_t *c = *state;

    sqlx_close(c->x);
    c->x = NULL;
    if (!c->uri && c->dir[0])
        testutil_remove_tree(c->dir);
    c->dir[0] = '\0';
    return 0;
}

/* Runs an insert of (k, n, note); the step's result. */
static int insert_row(sqlx_t *x, const char *k, int64_t n, const char *note)
{
    sqlx_stmt_t *st = sqlx_prepare(x, INSERT_SQL);
    int rc = HUB_OK;

    assert_non_null(st);
    sqlx_bind_text(st, 1, k, &rc);
    sqlx_bind_int64(st, 2, n, &rc);
    sqlx_bind_text(st, 3, note, &rc);
    assert_int_equal(rc, HUB_OK);
    rc = sqlx_step(st);
    sqlx_reset(st);
    return rc;
}

/* The one integer a query with up to two text parameters answers. */
static int64_t query_int(sqlx_t *x, const char *sql, const char *p1)
{
    sqlx_stmt_t *st = sqlx_prepare(x, sql);
    int rc = HUB_OK;
    int64_t v;

    assert_non_null(st);
    if (p1)
        sqlx_bind_text(st, 1, p1, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    v = sqlx_column_int64(st, 0);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);
    return v;
}

static void test_rows_round_trip(void **state)
{
    driver_ctx_t *c = *state;
    sqlx_stmt_t *st;

    assert_int_equal(insert_row(c->x, "b", 2, "hai"), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "a", 1, "một"), SQLX_DONE);
    st = sqlx_prepare(c->x, SELECT_SQL);
    assert_non_null(st);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_int_equal(sqlx_column_count(st), 3);
    assert_string_equal(sqlx_column_text(st, 0), "a");
    assert_int_equal(sqlx_column_type(st, 0), SQLX_TEXT);
    assert_int_equal(sqlx_column_int64(st, 1), 1);
    assert_int_equal(sqlx_column_type(st, 1), SQLX_INT);
    assert_string_equal(sqlx_column_text(st, 1), "1");
    assert_string_equal(sqlx_column_text(st, 2), "một");
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "b");
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    /* Past the rows: no columns, and still done until reset. */
    assert_int_equal(sqlx_column_count(st), 0);
    assert_string_equal(sqlx_column_text(st, 0), "");
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);
    /* Again from the start after a reset, while another statement runs. */
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);
    assert_string_equal(sqlx_column_text(st, 0), "a");
    sqlx_reset(st);
}

static void test_upsert(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const IGNORE_SQL =
        "INSERT INTO t (k, n) VALUES (?, ?) ON CONFLICT DO NOTHING";
    sqlx_stmt_t *st;
    int i, rc;

    for (i = 1; i <= 3; i++) {
        rc = HUB_OK;
        st = sqlx_prepare(c->x, UPSERT_SQL);
        assert_non_null(st);
        sqlx_bind_text(st, 1, "k", &rc);
        sqlx_bind_int64(st, 2, i * 10, &rc);
        assert_int_equal(rc, HUB_OK);
        assert_int_equal(sqlx_step(st), SQLX_DONE);
        sqlx_reset(st);
    }
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "k"),
                     60);
    rc = HUB_OK;
    st = sqlx_prepare(c->x, IGNORE_SQL);
    assert_non_null(st);
    sqlx_bind_text(st, 1, "k", &rc);
    sqlx_bind_int64(st, 2, 1, &rc);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "k"),
                     60);
}

static void test_int64_extremes(void **state)
{
    driver_ctx_t *c = *state;
    static const int64_t values[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1,
                                     INT64_MAX - 1, INT64_MAX};
    static const char *const CAST_SQL = "SELECT CAST(? AS BIGINT)";
    char k[8], text[32];
    size_t i;
    int rc;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        sqlx_stmt_t *st;

        snprintf(k, sizeof(k), "k%zu", i);
        assert_int_equal(insert_row(c->x, k, values[i], NULL), SQLX_DONE);
        assert_true(query_int(c->x, "SELECT n FROM t WHERE k = ?", k) ==
                    values[i]);
        rc = HUB_OK;
        st = sqlx_prepare(c->x, CAST_SQL);
        assert_non_null(st);
        sqlx_bind_int64(st, 1, values[i], &rc);
        assert_int_equal(sqlx_step(st), SQLX_ROW);
        assert_int_equal(sqlx_column_type(st, 0), SQLX_INT);
        assert_true(sqlx_column_int64(st, 0) == values[i]);
        snprintf(text, sizeof(text), "%" PRId64, values[i]);
        assert_string_equal(sqlx_column_text(st, 0), text);
        sqlx_reset(st);
    }
    /* The extremes sort and compare as integers, not as text. */
    assert_true(query_int(c->x, "SELECT MIN(n) FROM t", NULL) == INT64_MIN);
    assert_true(query_int(c->x, "SELECT MAX(n) FROM t", NULL) == INT64_MAX);
}

static void test_null(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const NULLS_SQL =
        "INSERT INTO t (k, n, note) VALUES ('x', ?, ?)";
    static const char *const UNBOUND_SQL = "SELECT CAST(? AS TEXT)";
    sqlx_stmt_t *st;
    int rc = HUB_OK;

    st = sqlx_prepare(c->x, NULLS_SQL);
    assert_non_null(st);
    sqlx_bind_null(st, 1, &rc);
    sqlx_bind_text(st, 2, NULL, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);
    st = sqlx_prepare(c->x, SELECT_SQL);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_false(sqlx_column_is_null(st, 0));
    assert_true(sqlx_column_is_null(st, 1));
    assert_true(sqlx_column_is_null(st, 2));
    assert_int_equal(sqlx_column_type(st, 2), SQLX_NULL);
    assert_int_equal(sqlx_column_int64(st, 1), 0);
    assert_string_equal(sqlx_column_text(st, 2), "");
    sqlx_reset(st);
    /* A parameter never bound is NULL. */
    st = sqlx_prepare(c->x, UNBOUND_SQL);
    assert_non_null(st);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_true(sqlx_column_is_null(st, 0));
    sqlx_reset(st);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static void test_utf8_text(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const LENGTH_SQL =
        "SELECT length(note) FROM t WHERE k = ?";
    static const char *const LITERAL_SQL =
        "SELECT 'Có hài lòng? ''?''' || ? -- a ? in a comment\n";
    const char *note = "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk: "
                       "Rất hài lòng, thủ tục nhanh gọn ✓";
    sqlx_stmt_t *st;
    int rc = HUB_OK;

    /* Byte order, as SQLite's BINARY and PostgreSQL's C collation. */
    assert_int_equal(insert_row(c->x, "Đắk Lắk", 1, note), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "Zeta", 2, "z"), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "an", 3, "a"), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "Điện Biên", 4, "đ"), SQLX_DONE);
    st = sqlx_prepare(c->x, SELECT_SQL);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "Zeta");
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "an");
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "Điện Biên");
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "Đắk Lắk");
    assert_string_equal(sqlx_column_text(st, 2), note);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);
    assert_int_equal(query_int(c->x, LENGTH_SQL, "Đắk Lắk"),
                     (int64_t)utf8_chars(note));
    /* A ? in quotes or a comment is no parameter. */
    st = sqlx_prepare(c->x, LITERAL_SQL);
    assert_non_null(st);
    sqlx_bind_text(st, 1, " Có.", &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 0), "Có hài lòng? '?' Có.");
    sqlx_reset(st);
}

static void test_rollback(void **state)
{
    driver_ctx_t *c = *state;

    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    assert_int_equal(insert_row(c->x, "a", 1, NULL), SQLX_DONE);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);
    sqlx_rollback(c->x);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 0);

    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    assert_int_equal(insert_row(c->x, "a", 1, NULL), SQLX_DONE);
    assert_int_equal(sqlx_commit(c->x), HUB_OK);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);

    /* The portable way out of a failed statement: roll back. */
    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    assert_int_equal(insert_row(c->x, "b", 2, NULL), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "a", 3, NULL), HUB_EXISTS);
    sqlx_rollback(c->x);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);
    /* Rolling back with no transaction open is quiet. */
    sqlx_rollback(c->x);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);
}

static void test_unique_violation(void **state)
{
    driver_ctx_t *c = *state;
    char want[64];

    assert_int_equal(insert_row(c->x, "a", 1, NULL), SQLX_DONE);
    assert_int_equal(insert_row(c->x, "a", 2, NULL), HUB_EXISTS);
    snprintf(want, sizeof(want), "%s: INSERT INTO t (k, n, note) VALUES",
             sqlx_driver_name(c->x));
    assert_non_null(strstr(sqlx_last_error(c->x), want));
    printf("%s\n", sqlx_last_error(c->x));
    /* The statement is usable again after its reset. */
    assert_int_equal(insert_row(c->x, "b", 2, NULL), SQLX_DONE);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);
}

static void test_syntax_error(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const BAD_SQL = "SELEC n\n  FROM t";
    char want[64];

    assert_null(sqlx_prepare(c->x, BAD_SQL));
    snprintf(want, sizeof(want), "%s: SELEC n FROM t: ",
             sqlx_driver_name(c->x));
    assert_memory_equal(sqlx_last_error(c->x), want, strlen(want));
    assert_non_null(strstr(sqlx_last_error(c->x), "syntax error"));
    assert_non_null(strstr(sqlx_last_error(c->x), "SELEC"));
    printf("%s\n", sqlx_last_error(c->x));
    /* Nothing is kept of it; good statements still run. */
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 0);
}

static void test_kept_statements(void **state)
{
    driver_ctx_t *c = *state;
    sqlx_stmt_t *st = sqlx_prepare(c->x, COUNT_SQL);
    int rc = HUB_OK;

    assert_non_null(st);
    assert_ptr_equal(sqlx_prepare(c->x, COUNT_SQL), st);
    /* A parameter the statement does not have. */
    sqlx_bind_int64(st, 1, 5, &rc);
    assert_int_equal(rc, HUB_ERROR);
    assert_non_null(strstr(sqlx_last_error(c->x), "no parameter 1"));
    /* Binders after a failure do nothing. */
    st = sqlx_prepare(c->x, INSERT_SQL);
    sqlx_bind_text(st, 1, "a", &rc);
    assert_int_equal(rc, HUB_ERROR);
    sqlx_reset(st);
    /* Dropped, then prepared again on the next use. */
    sqlx_finalize(sqlx_prepare(c->x, COUNT_SQL));
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 0);
    /* A script runs every statement; a statement is one statement. */
    assert_int_equal(sqlx_exec(c->x, "INSERT INTO t (k) VALUES ('p');"
                                     "INSERT INTO t (k) VALUES ('q');"),
                     HUB_OK);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);
    assert_null(sqlx_prepare(c->x, "SELECT 1; SELECT 2"));
}

static void test_dialect_id_key(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const ID_INSERT_SQL =
        "INSERT INTO ids (label) VALUES (?)";
    char script[256];
    sqlx_stmt_t *st;
    int i, rc;

    assert_int_equal(sqlx_dialect(c->x),
                     c->uri ? SQLX_DIALECT_POSTGRES : SQLX_DIALECT_SQLITE);
    snprintf(script, sizeof(script),
             "DROP TABLE IF EXISTS ids; CREATE TABLE ids (id %s, label "
             "TEXT NOT NULL)",
             sqlx_dialect_phrase(c->x, SQLX_PHRASE_ID_KEY));
    assert_int_equal(sqlx_exec(c->x, script), HUB_OK);
    for (i = 0; i < 3; i++) {
        rc = HUB_OK;
        st = sqlx_prepare(c->x, ID_INSERT_SQL);
        sqlx_bind_text(st, 1, "x", &rc);
        assert_int_equal(sqlx_step(st), SQLX_DONE);
        sqlx_reset(st);
    }
    assert_int_equal(query_int(c->x, "SELECT MAX(id) FROM ids", NULL), 3);
    assert_string_equal(sqlx_dialect_phrase(c->x, SQLX_PHRASE_COUNT), "");
    assert_int_equal(sqlx_exec(c->x, "DROP TABLE ids"), HUB_OK);
}

/* A writer waiting past busy_timeout_ms for another's lock hears
 * HUB_BUSY: SQLite at its BEGIN (the file's write lock), PostgreSQL at
 * the row (lock_timeout). */
static void test_lock_wait_busy(void **state)
{
    driver_ctx_t *c = *state;
    static const char *const BUMP_SQL = "UPDATE t SET n = n + 1 WHERE k = ?";
    sqlx_options_t opt = {.busy_timeout_ms = 100};
    char err[SQLX_ERR_MAX];
    sqlx_stmt_t *st;
    sqlx_t *other = NULL;
    int rc = HUB_OK;

    assert_int_equal(insert_row(c->x, "a", 1, NULL), SQLX_DONE);
    assert_int_equal(sqlx_open(c->target, &opt, &other, err, sizeof(err)),
                     HUB_OK);
    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    st = sqlx_prepare(c->x, BUMP_SQL);
    sqlx_bind_text(st, 1, "a", &rc);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);

    rc = sqlx_begin(other);
    if (rc == HUB_OK) {
        st = sqlx_prepare(other, BUMP_SQL);
        sqlx_bind_text(st, 1, "a", &rc);
        rc = sqlx_step(st);
        sqlx_reset(st);
    }
    assert_int_equal(rc, HUB_BUSY);
    printf("%s\n", sqlx_last_error(other));
    sqlx_rollback(other);
    assert_int_equal(sqlx_commit(c->x), HUB_OK);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "a"), 2);
    sqlx_close(other);
}

/* The rewriting for PostgreSQL, whatever the driver: "?" after "?2"
 * is 3, as SQLite numbers it; quotes, quoted names and comments keep
 * their question marks. */
static void test_scan_params(void **state)
{
    static const struct {
        const char *sql, *want;
        int n;
    } cases[] = {
        {"SELECT ?", "SELECT $1", 1},
        {"SELECT ?2, ?, ?1", "SELECT $2, $3, $1", 3},
        {"SELECT 'it''s ?', \"a?\" FROM t WHERE k = ?",
         "SELECT 'it''s ?', \"a?\" FROM t WHERE k = $1", 1},
        {"SELECT 1 -- ?\n, ? /* ? */", "SELECT 1 -- ?\n, $1 /* ? */", 1},
        {"SELECT 'open ?", "SELECT 'open ?", 0},
        {"SELECT ?32", "SELECT $32", 32},
    };
    char out[128], msg[128];
    size_t i;
    int n;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = -1;
        assert_int_equal(sqlx_sql_scan_params(cases[i].sql, out, sizeof(out),
                                              &n, msg, sizeof(msg)),
                         HUB_OK);
        assert_string_equal(out, cases[i].want);
        assert_int_equal(n, cases[i].n);
    }
    assert_int_equal(sqlx_sql_scan_params("SELECT ?33", NULL, 0, &n, msg,
                                          sizeof(msg)), HUB_ERROR);
    assert_int_equal(sqlx_sql_scan_params("SELECT ?0", NULL, 0, &n, msg,
                                          sizeof(msg)), HUB_ERROR);
    assert_int_equal(sqlx_sql_scan_params("SELECT ?1234567890123", NULL, 0,
                                          &n, msg, sizeof(msg)), HUB_ERROR);
    assert_int_equal(sqlx_sql_scan_params("SELECT ?, ?", out, 10, &n, msg,
                                          sizeof(msg)), HUB_ERROR);
}

/* ---- two connections, one key ----------------------------------------- */

#define RACE_ROUNDS 100
#define RACE_TRIES 1000

typedef struct racer {
    const char *target;
    pthread_barrier_t *start; /* both connections open before racing */
    int busy;      /* transactions run again after HUB_BUSY */
    int failed;    /* anything else */
    char err[SQLX_ERR_MAX];
} racer_t;

static const char *const READ_B_SQL = "SELECT n FROM t WHERE k = 'b'";
static const char *const WRITE_B_SQL = "UPDATE t SET n = ? WHERE k = 'b'";

/* One transaction: an upsert adding 1 to "a", and a read of "b" written
 * back plus 1, which only serializable isolation keeps exact. */
static int race_once(sqlx_t *x)
{
    sqlx_stmt_t *st;
    int64_t b;
    int rc = sqlx_begin(x);

    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(x, UPSERT_SQL);
    if (!st) {
        sqlx_rollback(x);
        return HUB_ERROR;
    }
    sqlx_bind_text(st, 1, "a", &rc);
    sqlx_bind_int64(st, 2, 1, &rc);
    if (rc == HUB_OK) {
        int s = sqlx_step(st);

        rc = s == SQLX_DONE ? HUB_OK : s;
    }
    sqlx_reset(st);
    if (rc == HUB_OK && (st = sqlx_prepare(x, READ_B_SQL))) {
        int s = sqlx_step(st);

        b = sqlx_column_int64(st, 0);
        rc = s == SQLX_ROW ? HUB_OK : s < 0 ? s : HUB_NOT_FOUND;
        sqlx_reset(st);
        if (rc == HUB_OK && (st = sqlx_prepare(x, WRITE_B_SQL))) {
            sqlx_bind_int64(st, 1, b + 1, &rc);
            if (rc == HUB_OK) {
                s = sqlx_step(st);
                rc = s == SQLX_DONE ? HUB_OK : s;
            }
            sqlx_reset(st);
        }
    }
    if (rc == HUB_OK)
        return sqlx_commit(x);
    sqlx_rollback(x);
    return rc;
}

static void *race_run(void *arg)
{
    racer_t *r = arg;
    sqlx_t *x = NULL;
    int i, tries, rc;

    if (sqlx_open(r->target, NULL, &x, r->err, sizeof(r->err)) != HUB_OK)
        r->failed++;
    pthread_barrier_wait(r->start);
    if (!x)
        return NULL;
    for (i = 0; i < RACE_ROUNDS && !r->failed; i++) {
        for (tries = 0; tries < RACE_TRIES; tries++) {
            rc = race_once(x);
            if (rc != HUB_BUSY)
                break;
            r->busy++;
        }
        if (rc != HUB_OK) {
            r->failed++;
            snprintf(r->err, sizeof(r->err), "%s", sqlx_last_error(x));
        }
    }
    sqlx_close(x);
    return NULL;
}

static void test_race_one_key(void **state)
{
    driver_ctx_t *c = *state;
    pthread_barrier_t start;
    racer_t r[2] = {{.target = c->target, .start = &start},
                    {.target = c->target, .start = &start}};
    pthread_t th[2];
    int i;

    assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);

    assert_int_equal(sqlx_exec(c->x, "INSERT INTO t (k, n) VALUES ('b', 0)"),
                     HUB_OK);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_run, &r[i]), 0);
    for (i = 0; i < 2; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    pthread_barrier_destroy(&start);
    for (i = 0; i < 2; i++) {
        if (r[i].failed)
            fprintf(stderr, "racer %d: %s\n", i, r[i].err);
        assert_int_equal(r[i].failed, 0);
    }
    printf("%s: 2 x %d transactions, %d run again after HUB_BUSY\n",
           sqlx_driver_name(c->x), RACE_ROUNDS, r[0].busy + r[1].busy);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "a"),
                     2 * RACE_ROUNDS);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "b"),
                     2 * RACE_ROUNDS);
}

static const char BLOB_INSERT_SQL[] = "INSERT INTO b (k, v) VALUES (?, ?)";
static const char BLOB_SELECT_SQL[] = "SELECT v, k FROM b WHERE v = ?";
static const char BLOB_NULL_SQL[] = "SELECT v FROM b WHERE k = 'none'";

/* Bytes, zeros and 0xff among them, in and out alike; found by
 * equality; NULL, and a buffer too small, are -1. */
static void test_blob_round_trip(void **state)
{
    driver_ctx_t *c = *state;
    const unsigned char bytes[] = {0x00, 0xff, 0x5c, 0x78, 0x27, 0x00, 0x80};
    unsigned char out[16];
    char script[256];
    sqlx_stmt_t *st;
    int rc = HUB_OK;

    snprintf(script, sizeof(script),
             "DROP TABLE IF EXISTS b; CREATE TABLE b (k TEXT PRIMARY KEY,"
             " v %s)", sqlx_dialect_phrase(c->x, SQLX_PHRASE_BLOB));
    assert_int_equal(sqlx_exec(c->x, script), HUB_OK);
    st = sqlx_prepare(c->x, BLOB_INSERT_SQL);
    sqlx_bind_text(st, 1, "a", &rc);
    sqlx_bind_blob(st, 2, bytes, (int)sizeof(bytes), &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_bind_text(st, 1, "none", &rc);
    sqlx_bind_blob(st, 2, NULL, 0, &rc);
    assert_int_equal(sqlx_step(st), SQLX_DONE);
    sqlx_reset(st);

    st = sqlx_prepare(c->x, BLOB_SELECT_SQL);
    sqlx_bind_blob(st, 1, bytes, (int)sizeof(bytes), &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_string_equal(sqlx_column_text(st, 1), "a");
    assert_int_equal(sqlx_column_blob(st, 0, out, (int)sizeof(out)),
                     (int)sizeof(bytes));
    assert_memory_equal(out, bytes, sizeof(bytes));
    assert_int_equal(sqlx_column_blob(st, 0, out, 3), -1);
    assert_int_equal(sqlx_column_blob(st, 1, out, (int)sizeof(out)), -1);
    sqlx_reset(st);

    st = sqlx_prepare(c->x, BLOB_NULL_SQL);
    assert_int_equal(sqlx_step(st), SQLX_ROW);
    assert_int_equal(sqlx_column_blob(st, 0, out, (int)sizeof(out)), -1);
    sqlx_reset(st);
}

static const char *const PAIR_SQL = "INSERT INTO t (k, n) VALUES (?1, ?2)";
static const char *const NOTE_SQL = "UPDATE t SET note = ?2 WHERE k = ?1";

static sqlx_stmt_t *bound(sqlx_t *x, const char *sql, const char *k,
                          int64_t n, const char *note)
{
    sqlx_stmt_t *st = sqlx_prepare(x, sql);
    int rc = HUB_OK;

    assert_non_null(st);
    sqlx_bind_text(st, 1, k, &rc);
    if (note)
        sqlx_bind_text(st, 2, note, &rc);
    else
        sqlx_bind_int64(st, 2, n, &rc);
    assert_int_equal(rc, HUB_OK);
    return st;
}

static void test_run_all(void **state)
{
    driver_ctx_t *c = *state;
    sqlx_stmt_t *st[3];
    char want[64];

    st[0] = bound(c->x, PAIR_SQL, "a", 1, NULL);
    st[1] = bound(c->x, UPSERT_SQL, "a", 5, NULL);
    st[2] = bound(c->x, NOTE_SQL, "a", 0, "first");
    assert_int_equal(sqlx_run_all(c->x, st, 3), HUB_OK);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "a"), 6);
    assert_int_equal(query_int(c->x, "SELECT COUNT(*) FROM t WHERE"
                                     " note = 'first'", NULL), 1);

    /* The second fails: the first is undone with the transaction, the
     * third never ran, and the error names the one that failed. */
    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    st[0] = bound(c->x, UPSERT_SQL, "b", 2, NULL);
    st[1] = bound(c->x, PAIR_SQL, "a", 7, NULL);
    st[2] = bound(c->x, NOTE_SQL, "a", 0, "second");
    assert_int_equal(sqlx_run_all(c->x, st, 3), HUB_EXISTS);
    snprintf(want, sizeof(want), "%s: INSERT INTO t (k, n) VALUES",
             sqlx_driver_name(c->x));
    assert_non_null(strstr(sqlx_last_error(c->x), want));
    sqlx_rollback(c->x);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);
    assert_int_equal(query_int(c->x, "SELECT COUNT(*) FROM t WHERE"
                                     " note = 'first'", NULL), 1);

    /* All of them usable again after the failure. */
    st[0] = bound(c->x, PAIR_SQL, "c", 3, NULL);
    st[1] = bound(c->x, NOTE_SQL, "c", 0, "third");
    assert_int_equal(sqlx_run_all(c->x, st, 2), HUB_OK);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);
    assert_int_equal(sqlx_run_all(c->x, st, 0), HUB_OK);
}

/* Texts a literal could break on, through unnest() and back. */
static void test_pgarray_round_trip(void **state)
{
    static const char *const texts[] = {
        "plain", "", "a \"quoted\" word", "back\\slash\\", "{brace}, comma",
        "NULL", "  spaced  ", "Ph\xc6\xb0\xe1\xbb\x9dng 7", NULL};
    static const char *const SQL =
        "SELECT v, n FROM unnest(CAST(?1 AS TEXT[]), CAST(?2 AS BIGINT[]))"
        " WITH ORDINALITY AS u(v, n, i) ORDER BY i";
    driver_ctx_t *c = *state;
    size_t n = sizeof(texts) / sizeof(texts[0]), i;
    hub_pgarray_t a, b;
    sqlx_stmt_t *st;
    char *big;
    int rc = HUB_OK;

    hub_pgarray_init(&a);
    hub_pgarray_init(&b);
    for (i = 0; i < n; i++) {
        assert_int_equal(hub_pgarray_add_text(&a, texts[i]), 0);
        assert_int_equal(hub_pgarray_add_int64(&b, i ? -(int64_t)i
                                                     : INT64_MAX), 0);
    }
    if (sqlx_dialect(c->x) == SQLX_DIALECT_POSTGRES) {
        st = sqlx_prepare(c->x, SQL);
        sqlx_bind_text(st, 1, hub_pgarray_text(&a), &rc);
        sqlx_bind_text(st, 2, hub_pgarray_text(&b), &rc);
        for (i = 0; i < n; i++) {
            assert_int_equal(sqlx_step(st), SQLX_ROW);
            if (texts[i])
                assert_string_equal(sqlx_column_text(st, 0), texts[i]);
            else
                assert_true(sqlx_column_is_null(st, 0));
            assert_true(sqlx_column_int64(st, 1) ==
                        (i ? -(int64_t)i : INT64_MAX));
        }
        assert_int_equal(sqlx_step(st), SQLX_DONE);
        sqlx_reset(st);
        assert_int_equal(rc, HUB_OK);
    }
    /* Empty, and failed past the cap until reset. */
    hub_pgarray_reset(&a);
    assert_string_equal(hub_pgarray_text(&a), "{}");
    assert_int_equal(hub_pgarray_add_text(&a, "x"), 0);
    assert_string_equal(hub_pgarray_text(&a), "{\"x\"}");
    big = malloc(HUB_PGARRAY_MAX);
    assert_non_null(big);
    memset(big, 'x', HUB_PGARRAY_MAX - 1);
    big[HUB_PGARRAY_MAX - 1] = '\0';
    assert_int_equal(hub_pgarray_add_text(&a, big), -1);
    free(big);
    assert_null(hub_pgarray_text(&a));
    assert_int_equal(hub_pgarray_add_int64(&a, 1), -1);
    hub_pgarray_reset(&a);
    assert_int_equal(hub_pgarray_add_int64(&a, 1), 0);
    assert_string_equal(hub_pgarray_text(&a), "{1}");
    hub_pgarray_free(&a);
    hub_pgarray_free(&b);
}

/* Ends connection x's server process from another connection, as a
 * server restart or an administrator would, and waits until it is gone. */
static void drop_connection(const char *target, sqlx_t *x)
{
    char err[SQLX_ERR_MAX], sql[96];
    int64_t pid = query_int(x, "SELECT pg_backend_pid()", NULL);
    sqlx_t *other = NULL;
    int i;

    assert_int_equal(sqlx_open(target, NULL, &other, err, sizeof(err)),
                     HUB_OK);
    snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%" PRId64 ")",
             pid);
    assert_int_equal(sqlx_exec(other, sql), HUB_OK);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM pg_stat_activity WHERE pid = %" PRId64, pid);
    for (i = 0; i < 500 && query_int(other, sql, NULL) > 0; i++)
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    assert_int_equal(query_int(other, sql, NULL), 0);
    sqlx_close(other);
}

/* A connection the server dropped: a write that finds it gone fails, the
 * next runs on a connection opened again, with the statements kept
 * before; a SELECT or a lone BEGIN goes through at once. Lost inside a transaction,
 * every command fails until the rollback: no statement of the lost
 * transaction runs on its own on the new connection. */
static void test_reconnect(void **state)
{
    driver_ctx_t *c = *state;

    assert_int_equal(insert_row(c->x, "a", 1, NULL), SQLX_DONE);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 1);

    drop_connection(c->target, c->x);
    assert_int_not_equal(insert_row(c->x, "b", 1, NULL), SQLX_DONE);
    printf("%s\n", sqlx_last_error(c->x));
    assert_int_equal(insert_row(c->x, "b", 2, NULL), SQLX_DONE);
    drop_connection(c->target, c->x);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);

    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    assert_int_equal(insert_row(c->x, "c", 3, NULL), SQLX_DONE);
    drop_connection(c->target, c->x);
    assert_int_not_equal(insert_row(c->x, "d", 4, NULL), SQLX_DONE);
    assert_int_not_equal(insert_row(c->x, "e", 5, NULL), SQLX_DONE);
    assert_true(sqlx_in_transaction(c->x));
    assert_int_not_equal(sqlx_commit(c->x), HUB_OK);
    sqlx_rollback(c->x);
    assert_false(sqlx_in_transaction(c->x));
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 2);

    drop_connection(c->target, c->x);
    assert_int_equal(sqlx_begin(c->x), HUB_OK);
    assert_int_equal(insert_row(c->x, "f", 6, NULL), SQLX_DONE);
    assert_int_equal(sqlx_commit(c->x), HUB_OK);
    drop_connection(c->target, c->x);
    assert_int_equal(
        sqlx_exec(c->x, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"),
        HUB_OK);
    assert_int_equal(query_int(c->x, COUNT_SQL, NULL), 3);
    assert_int_equal(sqlx_commit(c->x), HUB_OK);
    assert_int_equal(query_int(c->x, "SELECT n FROM t WHERE k = ?", "f"), 6);
}

int main(void)
{
    driver_ctx_t sqlite_ctx = {0}, pg_ctx = {0};
    /* Each test twice, SQLite's first: without a server only the
     * SQLite half runs. */
    const struct CMUnitTest all[] = {
        cmocka_unit_test(test_scan_params),
        BOTH(test_rows_round_trip), BOTH(test_upsert),
        BOTH(test_int64_extremes),  BOTH(test_null),
        BOTH(test_utf8_text),       BOTH(test_rollback),
        BOTH(test_unique_violation), BOTH(test_syntax_error),
        BOTH(test_kept_statements), BOTH(test_dialect_id_key),
        BOTH(test_lock_wait_busy),  BOTH(test_race_one_key),
        BOTH(test_blob_round_trip), BOTH(test_run_all),
        BOTH(test_pgarray_round_trip),
        PG_ONLY(test_reconnect),
    };
    return pg_half_run("sqlx drivers", all, sizeof(all) / sizeof(all[0]),
                       &pg_ctx, &pg_ctx.uri);
}
