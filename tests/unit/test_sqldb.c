#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/sqldb.h"

#include "testutil.h"

typedef struct fixture {
    char dir[256];
    char path[512];
    sqldb_t db;
} fixture_t;

static const sqldb_options_t durable = {
    .create = SQLDB_CREATE,
    .busy_timeout_ms = 200,
    .quick_check = 1,
    .foreign_keys = 1,
    .wal = 1,
    .synchronous_full = 1,
    .cache_kib = 2048,
};

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-sqldb") != 0)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    if (sqldb_init(&f->db, f->path) != SQLITE_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    sqldb_close(&f->db);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

static int64_t query_int(sqldb_t *db, const char *sql)
{
    int64_t v = -1;

    assert_int_equal(sqldb_query_int(db, sql, &v), SQLITE_OK);
    return v;
}

static void open_durable(fixture_t *f)
{
    char check[64];

    assert_int_equal(sqldb_open(&f->db, &durable, check, sizeof(check)),
                     SQLITE_OK);
    assert_string_equal(check, "ok");
}

/* ---- open and pragmas ------------------------------------------------- */

static void test_open_sets_pragmas(void **state)
{
    fixture_t *f = *state;
    char mode[16];

    open_durable(f);
    assert_int_equal(sqldb_query_text(&f->db, "PRAGMA journal_mode", mode,
                                      sizeof(mode)),
                     SQLITE_OK);
    assert_string_equal(mode, "wal");
    assert_int_equal(query_int(&f->db, "PRAGMA synchronous"), 2); /* FULL */
    assert_int_equal(query_int(&f->db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(query_int(&f->db, "PRAGMA cache_size"), -2048);
}

static void test_plain_open_leaves_defaults(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t o = {.create = SQLDB_CREATE, .busy_timeout_ms = 100};
    char mode[16];

    assert_int_equal(sqldb_open(&f->db, &o, NULL, 0), SQLITE_OK);
    assert_int_equal(sqldb_query_text(&f->db, "PRAGMA journal_mode", mode,
                                      sizeof(mode)),
                     SQLITE_OK);
    assert_string_equal(mode, "delete");
    assert_int_equal(query_int(&f->db, "PRAGMA foreign_keys"), 0);
}

static void test_private_file_is_0600(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t o = {.create = SQLDB_CREATE_PRIVATE, .wal = 1};
    struct stat st;

    assert_int_equal(sqldb_open(&f->db, &o, NULL, 0), SQLITE_OK);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

/* The cache is the connection's: a reader asking for a small one gets
 * it, as a writer does. */
static void test_read_only_connection_takes_its_cache_size(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t ro = {.readonly = 1, .cache_kib = 64};

    open_durable(f);
    sqldb_close(&f->db);
    assert_int_equal(sqldb_open(&f->db, &ro, NULL, 0), SQLITE_OK);
    assert_int_equal(query_int(&f->db, "PRAGMA cache_size"), -64);
}

static void test_missing_file_is_not_created(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t never = {.create = SQLDB_CREATE_NEVER};
    sqldb_options_t ro = {.readonly = 1};

    assert_int_not_equal(sqldb_open(&f->db, &never, NULL, 0), SQLITE_OK);
    assert_null(f->db.conn);
    assert_int_not_equal(sqldb_open(&f->db, &ro, NULL, 0), SQLITE_OK);
    assert_int_equal(access(f->path, F_OK), -1);
}

static void test_garbage_file_is_damage_with_file_name(void **state)
{
    fixture_t *f = *state;
    char check[128];
    FILE *fp = fopen(f->path, "w");
    int rc;

    assert_non_null(fp);
    for (rc = 0; rc < 512; rc++)
        fputs("not a database ", fp);
    assert_int_equal(fclose(fp), 0);
    rc = sqldb_open(&f->db, &durable, check, sizeof(check));
    assert_true(sqldb_is_damage(rc));
    assert_true(check[0] != '\0');
    assert_non_null(strstr(sqldb_last_error(&f->db), f->path));
    assert_null(f->db.conn);
}

static void test_init_refuses_long_path(void **state)
{
    fixture_t *f = *state;
    char path[SQLDB_PATH_MAX + 10];

    memset(path, 'a', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    assert_int_equal(sqldb_init(&f->db, path), SQLITE_TOOBIG);
    assert_int_equal(sqldb_init(&f->db, ""), SQLITE_MISUSE);
    assert_true(sqldb_last_error(&f->db)[0] != '\0');
}

/* ---- one-off queries -------------------------------------------------- */

static void test_query_text_and_int_with_null_and_no_row(void **state)
{
    fixture_t *f = *state;
    char buf[8];
    int64_t v = 7;

    open_durable(f);
    assert_int_equal(sqldb_exec(&f->db, "CREATE TABLE t(a, b);"
                                        "INSERT INTO t VALUES (42, 'hello world');"
                                        "INSERT INTO t VALUES (NULL, NULL)"),
                     SQLITE_OK);
    assert_int_equal(sqldb_query_int(&f->db, "SELECT a FROM t WHERE a = 42",
                                     &v),
                     SQLITE_OK);
    assert_int_equal(v, 42);
    /* Truncated to the buffer, never past it. */
    assert_int_equal(sqldb_query_text(&f->db, "SELECT b FROM t WHERE a = 42",
                                      buf, sizeof(buf)),
                     SQLITE_OK);
    assert_string_equal(buf, "hello w");
    /* NULL reads as 0 and "". */
    v = 7;
    assert_int_equal(sqldb_query_int(&f->db, "SELECT a FROM t WHERE a IS NULL",
                                     &v),
                     SQLITE_OK);
    assert_int_equal(v, 0);
    strcpy(buf, "x");
    assert_int_equal(sqldb_query_text(&f->db,
                                      "SELECT b FROM t WHERE a IS NULL", buf,
                                      sizeof(buf)),
                     SQLITE_OK);
    assert_string_equal(buf, "");
    /* No row reads the same. */
    v = 7;
    assert_int_equal(sqldb_query_int(&f->db, "SELECT a FROM t WHERE 0", &v),
                     SQLITE_OK);
    assert_int_equal(v, 0);
    strcpy(buf, "x");
    assert_int_equal(sqldb_query_text(&f->db, "SELECT b FROM t WHERE 0", buf,
                                      sizeof(buf)),
                     SQLITE_OK);
    assert_string_equal(buf, "");
}

static void test_error_text_names_file_and_step(void **state)
{
    fixture_t *f = *state;
    int64_t v;

    open_durable(f);
    assert_int_equal(sqldb_query_int(&f->db, "SELECT x FROM nowhere", &v),
                     SQLITE_ERROR);
    assert_non_null(strstr(sqldb_last_error(&f->db), f->path));
    assert_non_null(strstr(sqldb_last_error(&f->db), "no such table"));
    assert_int_equal(sqldb_exec(&f->db, "BOGUS"), SQLITE_ERROR);
    assert_non_null(strstr(sqldb_last_error(&f->db), "BOGUS"));
    assert_null(sqldb_stmt(&f->db, "SELECT * FROM nowhere"));
    assert_non_null(strstr(sqldb_last_error(&f->db), "prepare"));
}

/* ---- statements and binding ------------------------------------------ */

static const char sql_insert[] = "INSERT INTO t(a, b, c) VALUES (?1, ?2, ?3)";
static const char sql_select[] = "SELECT a, b, c FROM t ORDER BY rowid";

static void test_bind_run_and_next(void **state)
{
    fixture_t *f = *state;
    static const unsigned char blob[3] = {1, 0, 2};
    sqlite3_stmt *st;
    char copy[4];
    int rc = SQLITE_OK;

    open_durable(f);
    assert_int_equal(sqldb_exec(&f->db, "CREATE TABLE t(a, b, c)"), SQLITE_OK);
    st = sqldb_stmt(&f->db, sql_insert);
    assert_non_null(st);
    /* Kept: the same statement for the same text. */
    assert_ptr_equal(sqldb_stmt(&f->db, sql_insert), st);
    sqldb_bind_int64(st, 1, INT64_C(1) << 40, &rc);
    sqldb_bind_text(st, 2, "abcdef", &rc);
    sqldb_bind_blob(st, 3, blob, sizeof(blob), &rc);
    assert_int_equal(sqldb_run(&f->db, st, rc, "insert"), SQLITE_OK);
    rc = SQLITE_OK;
    sqldb_bind_int64(st, 1, 2, &rc);
    sqldb_bind_text(st, 2, NULL, &rc); /* SQL NULL */
    sqldb_bind_blob(st, 3, blob, 0, &rc);
    assert_int_equal(sqldb_run(&f->db, st, rc, "insert"), SQLITE_OK);
    /* A failed bind stops the chain and the run. */
    rc = SQLITE_OK;
    sqldb_bind_int64(st, 9, 1, &rc);
    assert_int_equal(rc, SQLITE_RANGE);
    sqldb_bind_text(st, 1, "not bound", &rc);
    assert_int_equal(rc, SQLITE_RANGE);
    assert_int_equal(sqldb_run(&f->db, st, rc, "insert"), SQLITE_RANGE);
    assert_non_null(strstr(sqldb_last_error(&f->db), "insert"));

    st = sqldb_stmt(&f->db, sql_select);
    assert_non_null(st);
    assert_int_equal(sqldb_next(&f->db, st, "select"), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), INT64_C(1) << 40);
    assert_string_equal(sqldb_column_text(st, 1), "abcdef");
    sqldb_column_copy(st, 1, copy, sizeof(copy));
    assert_string_equal(copy, "abc");
    assert_int_equal(sqlite3_column_bytes(st, 2), 3);
    assert_memory_equal(sqlite3_column_blob(st, 2), blob, 3);
    assert_int_equal(sqldb_next(&f->db, st, "select"), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(st, 1), SQLITE_NULL);
    assert_string_equal(sqldb_column_text(st, 1), "");
    assert_int_equal(sqldb_next(&f->db, st, "select"), SQLITE_DONE);
    /* Released: the statement starts over. */
    assert_int_equal(sqldb_next(&f->db, st, "select"), SQLITE_ROW);
    sqldb_release(st);
}

/* ---- transactions ------------------------------------------------------ */

static void test_rollback_keeps_the_reason(void **state)
{
    fixture_t *f = *state;

    open_durable(f);
    assert_int_equal(sqldb_exec(&f->db, "CREATE TABLE t(a PRIMARY KEY)"),
                     SQLITE_OK);
    assert_int_equal(sqldb_begin_write(&f->db), SQLITE_OK);
    assert_int_equal(sqldb_exec(&f->db, "INSERT INTO t VALUES (1)"),
                     SQLITE_OK);
    assert_int_equal(sqldb_exec(&f->db, "INSERT INTO t VALUES (1)"),
                     SQLITE_CONSTRAINT);
    sqldb_rollback(&f->db);
    assert_non_null(strstr(sqldb_last_error(&f->db), "UNIQUE"));
    assert_int_equal(query_int(&f->db, "SELECT count(*) FROM t"), 0);
    /* Quiet when nothing is open. */
    sqldb_rollback(&f->db);
    assert_int_equal(sqldb_begin_read(&f->db), SQLITE_OK);
    sqldb_end_read(&f->db);
    assert_int_not_equal(sqlite3_get_autocommit(f->db.conn), 0);
}

/* ---- migrations -------------------------------------------------------- */

static int seed_calls;

static int seed_v2(sqldb_t *db, void *ctx)
{
    seed_calls++;
    assert_ptr_equal(ctx, &seed_calls);
    return sqldb_exec(db, "INSERT INTO two VALUES ('seeded')");
}

static const sqldb_migration_t steps[] = {
    {"CREATE TABLE one(a)", NULL},
    {"CREATE TABLE two(b)", seed_v2},
    {"ALTER TABLE one ADD COLUMN c", NULL},
};

static void test_migrate_fresh_and_from_older(void **state)
{
    fixture_t *f = *state;
    int created = 0;

    open_durable(f);
    seed_calls = 0;
    /* A program that knew one step only. */
    assert_int_equal(sqldb_migrate(&f->db, steps, 1, &seed_calls, &created),
                     SQLITE_OK);
    assert_int_equal(created, 1);
    assert_int_equal(query_int(&f->db, "PRAGMA user_version"), 1);
    sqldb_close(&f->db);

    /* The newer program brings the file up to its version. */
    open_durable(f);
    created = 0;
    assert_int_equal(sqldb_migrate(&f->db, steps, 3, &seed_calls, &created),
                     SQLITE_OK);
    assert_int_equal(created, 0);
    assert_int_equal(seed_calls, 1);
    assert_int_equal(query_int(&f->db, "PRAGMA user_version"), 3);
    assert_int_equal(query_int(&f->db, "SELECT count(*) FROM two"), 1);
    assert_int_equal(sqldb_exec(&f->db, "INSERT INTO one(a, c) VALUES (1, 2)"),
                     SQLITE_OK);
    /* Nothing left to do: nothing done again. */
    assert_int_equal(sqldb_migrate(&f->db, steps, 3, &seed_calls, NULL),
                     SQLITE_OK);
    assert_int_equal(seed_calls, 1);
}

static void test_migrate_refuses_newer_file(void **state)
{
    fixture_t *f = *state;

    open_durable(f);
    assert_int_equal(sqldb_exec(&f->db, "PRAGMA user_version=9"), SQLITE_OK);
    assert_int_equal(sqldb_migrate(&f->db, steps, 3, &seed_calls, NULL),
                     SQLITE_ERROR);
    assert_non_null(strstr(sqldb_last_error(&f->db), "newer"));
    assert_non_null(strstr(sqldb_last_error(&f->db), f->path));
    /* Left alone, and no transaction left open. */
    assert_int_equal(query_int(&f->db, "PRAGMA user_version"), 9);
    assert_int_not_equal(sqlite3_get_autocommit(f->db.conn), 0);
}

static void test_failed_step_rolls_back(void **state)
{
    fixture_t *f = *state;
    static const sqldb_migration_t bad[] = {
        {"CREATE TABLE one(a)", NULL},
        {"CREATE TABLE two(b); CREATE TABLE one(a)", NULL},
    };

    open_durable(f);
    assert_int_not_equal(sqldb_migrate(&f->db, bad, 2, NULL, NULL),
                         SQLITE_OK);
    assert_int_equal(query_int(&f->db, "PRAGMA user_version"), 1);
    assert_int_equal(query_int(&f->db, "SELECT count(*) FROM sqlite_schema"
                                       " WHERE name = 'two'"),
                     0);
}

/* ---- checks and size cap ---------------------------------------------- */

static void test_check_and_cap(void **state)
{
    fixture_t *f = *state;
    char result[64];
    int64_t page;

    open_durable(f);
    assert_int_equal(sqldb_check(&f->db, "integrity_check", result,
                                 sizeof(result)),
                     SQLITE_OK);
    assert_string_equal(result, "ok");
    assert_int_equal(sqldb_exec(&f->db, "CREATE TABLE t(a)"), SQLITE_OK);
    page = query_int(&f->db, "PRAGMA page_size");
    assert_int_equal(sqldb_cap_size(&f->db, 0), SQLITE_OK);
    assert_int_equal(sqldb_cap_size(&f->db, 8 * page), SQLITE_OK);
    assert_int_equal(query_int(&f->db, "PRAGMA max_page_count"), 8);
    assert_int_equal(sqldb_exec(&f->db,
                                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
                                " SELECT i + 1 FROM n WHERE i < 2000)"
                                " INSERT INTO t SELECT randomblob(200) FROM n"),
                     SQLITE_FULL);
}

/* ---- busy: SQLite's timeout and the advisory write lock ---------------- */

static void test_busy_writer_times_out(void **state)
{
    fixture_t *f = *state;
    sqldb_t other;

    open_durable(f);
    assert_int_equal(sqldb_init(&other, f->path), SQLITE_OK);
    assert_int_equal(sqldb_open(&other, &durable, NULL, 0), SQLITE_OK);
    assert_int_equal(sqldb_begin_write(&f->db), SQLITE_OK);
    /* The second writer waits busy_timeout_ms, then gives up. */
    assert_int_equal(sqldb_begin_write(&other) & 0xff, SQLITE_BUSY);
    assert_non_null(strstr(sqldb_last_error(&other), f->path));
    assert_int_equal(sqldb_commit(&f->db), SQLITE_OK);
    assert_int_equal(sqldb_begin_write(&other), SQLITE_OK);
    assert_int_equal(sqldb_commit(&other), SQLITE_OK);
    sqldb_close(&other);
}

static void test_write_lock_is_held_per_transaction(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t o = durable;
    char lock[600];
    sqldb_t other;

    o.write_lock = 1;
    open_durable(f);
    sqldb_close(&f->db);
    assert_int_equal(sqldb_open(&f->db, &o, NULL, 0), SQLITE_OK);
    snprintf(lock, sizeof(lock), "%s%s", f->path, SQLDB_LOCK_SUFFIX);
    assert_int_equal(access(lock, F_OK), 0);
    assert_int_equal(sqldb_init(&other, f->path), SQLITE_OK);
    assert_int_equal(sqldb_open(&other, &o, NULL, 0), SQLITE_OK);
    assert_int_equal(sqldb_begin_write(&f->db), SQLITE_OK);
    assert_int_equal(sqldb_begin_write(&other), SQLITE_BUSY);
    assert_non_null(strstr(sqldb_last_error(&other), "locked"));
    sqldb_rollback(&f->db);
    assert_int_equal(sqldb_begin_write(&other), SQLITE_OK);
    assert_int_equal(sqldb_commit(&other), SQLITE_OK);
    sqldb_close(&other);
}

/* A held lock spans read transactions: the holder reads while every
 * other writer waits, until it lets go. */
static void test_held_write_lock_keeps_writers_out(void **state)
{
    fixture_t *f = *state;
    sqldb_options_t o = durable;
    sqldb_t other;
    int64_t n = -1;

    o.write_lock = 1;
    o.busy_timeout_ms = 20;
    open_durable(f);
    sqldb_close(&f->db);
    assert_int_equal(sqldb_open(&f->db, &o, NULL, 0), SQLITE_OK);
    assert_int_equal(sqldb_init(&other, f->path), SQLITE_OK);
    assert_int_equal(sqldb_open(&other, &o, NULL, 0), SQLITE_OK);
    assert_int_equal(sqldb_hold_write_lock(&f->db), SQLITE_OK);
    assert_int_equal(sqldb_begin_read(&f->db), SQLITE_OK);
    sqldb_end_read(&f->db);
    assert_int_equal(sqldb_begin_read(&f->db), SQLITE_OK);
    assert_int_equal(sqldb_query_int(&f->db, "SELECT 7", &n), SQLITE_OK);
    assert_int_equal(n, 7);
    sqldb_end_read(&f->db);
    assert_int_equal(sqldb_begin_write(&other), SQLITE_BUSY);
    assert_non_null(strstr(sqldb_last_error(&other), "locked"));
    sqldb_release_write_lock(&f->db);
    assert_int_equal(sqldb_begin_write(&other), SQLITE_OK);
    assert_int_equal(sqldb_commit(&other), SQLITE_OK);
    sqldb_close(&other);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_sets_pragmas),
        T(test_plain_open_leaves_defaults),
        T(test_private_file_is_0600),
        T(test_read_only_connection_takes_its_cache_size),
        T(test_missing_file_is_not_created),
        T(test_garbage_file_is_damage_with_file_name),
        T(test_init_refuses_long_path),
        T(test_query_text_and_int_with_null_and_no_row),
        T(test_error_text_names_file_and_step),
        T(test_bind_run_and_next),
        T(test_rollback_keeps_the_reason),
        T(test_migrate_fresh_and_from_older),
        T(test_migrate_refuses_newer_file),
        T(test_failed_step_rolls_back),
        T(test_check_and_cap),
        T(test_busy_writer_times_out),
        T(test_write_lock_is_held_per_transaction),
        T(test_held_write_lock_keeps_writers_out),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
