/*
 * hub/store/migrate.h: an SQLite hub copied into an empty PostgreSQL
 * database. Keys continue past what SQLite handed out, deleted rows'
 * ids included; a column PostgreSQL lacks, a value of the wrong type
 * met mid-copy, and a target holding data are refused, each leaving the
 * target as it was.
 *
 * PostgreSQL only: tests/hub/test_sqlx_pg.sh test_hub_migrate starts a
 * server (pg_env.sh); each case copies into a database of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub/store/db.h"
#include "hub/store/dbx.h"
#include "hub/store/migrate.h"
#include "hub/store/units.h"
#include "pg_half.h"
#include "testutil.h"

typedef struct migrate_ctx {
    const char *uri; /* the server's; each case makes a database on it */
    char dir[128];
    char target[HUB_DB_PATH_MAX];
    hub_db_t *src, *dst;
    char err[2048];
    hub_migrate_result_t res;
} migrate_ctx_t;

/* A fresh database on the server: URI's path replaced. */
static int make_database(migrate_ctx_t *c)
{
    static int serial;
    char sql[96], name[32], err[SQLX_ERR_MAX];
    const char *slash = strrchr(c->uri, '/');
    sqlx_t *x = NULL;
    int rc;

    snprintf(name, sizeof(name), "migrate_%d_%d", (int)getpid(), ++serial);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    if (!slash || sqlx_open(c->uri, NULL, &x, err, sizeof(err)) != HUB_OK)
        return -1;
    rc = sqlx_exec(x, sql);
    sqlx_close(x);
    snprintf(c->target, sizeof(c->target), "%.*s/%s",
             (int)(slash - c->uri), c->uri, name);
    return rc == HUB_OK ? 0 : -1;
}

static int setup(void **state)
{
    migrate_ctx_t *c = *state;
    hub_db_options_t opt = {.create = 1};
    char path[256];

    c->src = c->dst = NULL;
    if (testutil_make_tmpdir(c->dir, sizeof(c->dir), "migrate") != 0 ||
        make_database(c) != 0)
        return -1;
    snprintf(path, sizeof(path), "%s/hub.db", c->dir);
    if (hub_db_open(path, &opt, &c->src) != HUB_OK ||
        hub_db_open(c->target, NULL, &c->dst) != HUB_OK) {
        fprintf(stderr, "open: %s\n", hub_db_open_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    migrate_ctx_t *c = *state;

    hub_db_close(c->dst);
    hub_db_close(c->src);
    testutil_remove_tree(c->dir);
    return 0;
}

static void exec_ok(hub_db_t *db, const char *sql)
{
    if (sqlx_exec(hub_dbx(db), sql) != HUB_OK)
        fail_msg("%s", sqlx_last_error(hub_dbx(db)));
}

static int64_t query_int(hub_db_t *db, const char *sql)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int64_t v;

    if (sqlx_step(st) != SQLX_ROW)
        fail_msg("%s", sqlx_last_error(hub_dbx(db)));
    v = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return v;
}

/* A small province: two units, a day's snapshot rows, three audit rows
 * of which the last was deleted (SQLite's AUTOINCREMENT remembers it). */
static void fill_source(hub_db_t *src)
{
    assert_int_equal(hub_units_add(src, "TINH", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(src, "XA", "Xã", "TINH", 2), HUB_OK);
    exec_ok(src,
            "INSERT INTO day_snapshots VALUES('k1', '2031-03-31', 4, 0,"
            " 'k1:4', 9);"
            "INSERT INTO day_responses VALUES('k1', '2031-03-31', 'XA',"
            " 'c1', 'o1', 'dat-dai', 'sipas-short', 1, 3, 1, 0);"
            "INSERT INTO audit(at, actor, action, detail) VALUES"
            " (1, 'cli:a', 'x', ''), (2, 'cli:a', 'y', ''),"
            " (3, 'cli:a', 'z', '');"
            "DELETE FROM audit WHERE at = 3");
}

static int copy(migrate_ctx_t *c)
{
    int rc = hub_migrate_hold_source(c->src, c->err, sizeof(c->err));

    assert_int_equal(rc, HUB_OK);
    rc = hub_migrate_copy(c->src, c->dst, 100, "cli:test", "from test",
                          &c->res, c->err, sizeof(c->err));
    hub_migrate_release_source(c->src);
    return rc;
}

static int64_t target_rows(migrate_ctx_t *c)
{
    return query_int(c->dst,
                     "SELECT (SELECT count(*) FROM units) +"
                     " (SELECT count(*) FROM audit) +"
                     " (SELECT count(*) FROM day_snapshots) +"
                     " (SELECT count(*) FROM day_responses) +"
                     " (SELECT count(*) FROM stat_month_responses) +"
                     " (SELECT count(*) FROM pg_class"
                     "  WHERE relname = 'day_responses_2031_03')");
}

static void test_copy_continues_keys(void **state)
{
    migrate_ctx_t *c = *state;
    int i;

    fill_source(c->src);
    if (copy(c) != HUB_OK)
        fail_msg("%s", c->err);
    assert_string_equal(c->res.first_day, "2031-03-31");
    assert_int_equal(c->res.months, 1);
    for (i = 0; i < c->res.n_tables; i++)
        if (strcmp(c->res.tables[i].name, "audit") == 0)
            assert_int_equal(c->res.tables[i].rows, 2);
    assert_string_equal(c->res.tables[0].name, "units");
    /* Summaries come as they are: the triggers made one, SQLite's. */
    assert_int_equal(query_int(c->dst, "SELECT complete FROM"
                                       " stat_month_responses"),
                     3);
    /* Ids 1 and 2 copied, 3 handed out and deleted: the migration's
     * own row is 4, the next one 5. */
    assert_int_equal(query_int(c->dst, "SELECT id FROM audit WHERE action"
                                       " = 'hub.migrate'"),
                     4);
    assert_int_equal(hub_db_audit(c->dst, 200, "cli:test", "after", ""),
                     HUB_OK);
    assert_int_equal(query_int(c->dst, "SELECT max(id) FROM audit"), 5);
    /* Copying twice is refused: the target holds data now. */
    assert_int_equal(copy(c), HUB_EXISTS);
    assert_non_null(strstr(c->err, "already holds hub data"));
    assert_int_equal(query_int(c->dst, "SELECT count(*) FROM audit"), 4);
}

static void test_unknown_column_refused(void **state)
{
    migrate_ctx_t *c = *state;

    fill_source(c->src);
    exec_ok(c->src, "ALTER TABLE kiosks ADD COLUMN colour TEXT");
    assert_int_equal(copy(c), HUB_CONFLICT);
    assert_non_null(strstr(c->err, "kiosks.colour has no column on"
                                   " PostgreSQL"));
    assert_int_equal(target_rows(c), 0);
    assert_int_equal(hub_migrate_check_empty(c->dst, c->err,
                                             sizeof(c->err)),
                     HUB_OK);
}

/* A value PostgreSQL cannot take, met after units, the partitions and
 * the snapshot rows went in: all of it rolls back. */
static void test_failure_mid_copy_leaves_nothing(void **state)
{
    migrate_ctx_t *c = *state;

    fill_source(c->src);
    exec_ok(c->src, "UPDATE stat_year_responses SET rows = 'many'");
    assert_int_equal(copy(c), HUB_CONFLICT);
    assert_non_null(strstr(c->err, "stat_year_responses.rows"));
    assert_int_equal(target_rows(c), 0);
    exec_ok(c->src, "UPDATE stat_year_responses SET rows = 1");
    if (copy(c) != HUB_OK)
        fail_msg("%s", c->err);
    assert_int_equal(target_rows(c), 2 + 3 + 1 + 1 + 1 + 1);
}

/* Only an SQLite file into PostgreSQL. */
static void test_wrong_directions_refused(void **state)
{
    migrate_ctx_t *c = *state;

    assert_int_equal(hub_migrate_hold_source(c->dst, c->err,
                                             sizeof(c->err)),
                     HUB_ERROR);
    assert_int_equal(hub_migrate_copy(c->dst, c->src, 1, "a", "b", &c->res,
                                      c->err, sizeof(c->err)),
                     HUB_ERROR);
    assert_non_null(strstr(c->err, "SQLite file into PostgreSQL"));
}

int main(void)
{
    migrate_ctx_t sqlite_ctx = {0}, pg_ctx = {0};
    const struct CMUnitTest all[] = {
        PG_ONLY(test_copy_continues_keys),
        PG_ONLY(test_unknown_column_refused),
        PG_ONLY(test_failure_mid_copy_leaves_nothing),
        PG_ONLY(test_wrong_directions_refused),
    };

    (void)sqlite_ctx;
    return pg_half_run("hub_migrate", all, sizeof(all) / sizeof(all[0]),
                       &pg_ctx, &pg_ctx.uri);
}
