/*
 * The hub's store on both drivers (hub/store/dbx.h): hub_db_open() of
 * an SQLite file and of a PostgreSQL server, the modules already on sqlx
 * run the same on each, PostgreSQL's schema (hub/store/pgschema.h) has
 * the columns of SQLite's in the same order, and a module not yet on
 * PostgreSQL is refused with a message that says so.
 *
 * PostgreSQL's half runs when SIPAS_TEST_PG_URI names a server: the
 * wrapper tests/hub/test_sqlx_pg.sh test_hub_store_pg starts one of its
 * own (tests/hub/pg_env.sh). Without it only SQLite's half runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/store/db.h"
#include "hub/store/dbx.h"
#include "hub/store/kiosks.h"
#include "hub/store/pgschema.h"
#include "testutil.h"

#define COLS_MAX 1024

typedef struct store_ctx {
    const char *uri; /* PostgreSQL; NULL: a fresh SQLite file */
    char dir[128];
    char target[HUB_DB_PATH_MAX];
    hub_db_t *db;
} store_ctx_t;

static int open_store(store_ctx_t *c)
{
    hub_db_options_t opt = {.create = 1};

    if (c->uri) {
        snprintf(c->target, sizeof(c->target), "%s", c->uri);
    } else {
        if (testutil_make_tmpdir(c->dir, sizeof(c->dir), "store") != 0)
            return -1;
        snprintf(c->target, sizeof(c->target), "%s/hub.db", c->dir);
    }
    if (hub_db_open(c->target, &opt, &c->db) != HUB_OK) {
        fprintf(stderr, "open: %s\n", hub_db_open_error());
        return -1;
    }
    return 0;
}

static void close_store(store_ctx_t *c)
{
    hub_db_close(c->db);
    c->db = NULL;
    if (!c->uri && c->dir[0])
        testutil_remove_tree(c->dir);
    c->dir[0] = '\0';
}

static int setup(void **state)
{
    return open_store(*state);
}

static int teardown(void **state)
{
    close_store(*state);
    return 0;
}

/* "a,b,c": table's columns in their order, from each dialect's catalog. */
static const char sql_cols_sqlite[] =
    "SELECT name FROM pragma_table_info(?1) ORDER BY cid";
static const char sql_cols_pg[] =
    "SELECT column_name::text FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = ?1"
    " ORDER BY ordinal_position";

static void list_columns(hub_db_t *db, const char *table, char *out,
                         size_t cap)
{
    sqlx_t *x = hub_dbx(db);
    sqlx_stmt_t *st = sqlx_prepare(
        x, hub_dbx_is_pg(db) ? sql_cols_pg : sql_cols_sqlite);
    size_t n = 0;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, table, &rc);
    assert_int_equal(rc, HUB_OK);
    out[0] = '\0';
    while ((rc = sqlx_step(st)) == SQLX_ROW) {
        int w = snprintf(out + n, cap - n, "%s%s", n ? "," : "",
                         sqlx_column_text(st, 0));
        assert_true(w > 0 && (size_t)w < cap - n);
        n += (size_t)w;
    }
    assert_int_equal(rc, SQLX_DONE);
    sqlx_reset(st);
}

/* Every table of PostgreSQL's schema has SQLite's columns, in order. */
static void test_schema_matches_sqlite(void **state)
{
    store_ctx_t *pg = *state, lite = {0};
    char a[COLS_MAX], b[COLS_MAX];
    int i;

    assert_int_equal(open_store(&lite), 0);
    for (i = 0; hub_pgschema_tables[i]; i++) {
        list_columns(lite.db, hub_pgschema_tables[i], a, sizeof(a));
        list_columns(pg->db, hub_pgschema_tables[i], b, sizeof(b));
        assert_true(a[0] != '\0');
        if (strcmp(a, b) != 0)
            fprintf(stderr, "%s: sqlite (%s), postgresql (%s)\n",
                    hub_pgschema_tables[i], a, b);
        assert_string_equal(a, b);
    }
    close_store(&lite);
}

/* A second open finds the schema current and leaves it so. */
static void test_reopen_keeps_schema(void **state)
{
    store_ctx_t *c = *state;
    hub_db_t *again = NULL;
    hub_db_options_t opt = {0};

    assert_int_equal(hub_db_audit(c->db, 1, "cli:a", "x.keep", ""), HUB_OK);
    assert_int_equal(hub_db_open(c->target, &opt, &again), HUB_OK);
    assert_int_equal(hub_db_ping(again), HUB_OK);
    hub_db_close(again);
}

typedef struct audit_seen {
    int n;
    char actions[4][32];
    int64_t at[4];
} audit_seen_t;

static int audit_collect(void *ctx, const hub_audit_row_t *row)
{
    audit_seen_t *s = ctx;

    if (s->n >= 4)
        return 1;
    snprintf(s->actions[s->n], sizeof(s->actions[0]), "%s", row->action);
    s->at[s->n++] = row->at_ms;
    return 0;
}

/* The last rows, oldest first, with their text as written. */
static void test_audit_round_trip(void **state)
{
    store_ctx_t *c = *state;
    audit_seen_t seen = {0};
    const int64_t big = INT64_C(1) << 42; /* past int4 */

    assert_int_equal(hub_db_ping(c->db), HUB_OK);
    assert_int_equal(hub_db_begin_write(c->db), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big, "cli:Nguyễn", "unit.add",
                                  "XA-MINHTAN"), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big + 1, "cli:b", "unit.rename",
                                  NULL), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, big + 2, "cli:c", "token.use",
                                  "Ủy ban"), HUB_OK);
    assert_int_equal(hub_db_commit(c->db), HUB_OK);
    assert_int_equal(hub_db_each_audit(c->db, 2, audit_collect, &seen),
                     HUB_OK);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.actions[0], "unit.rename");
    assert_string_equal(seen.actions[1], "token.use");
    assert_true(seen.at[0] == big + 1 && seen.at[1] == big + 2);
}

/* A rolled back audit row is gone on both. */
static void test_audit_rollback(void **state)
{
    store_ctx_t *c = *state;
    audit_seen_t seen = {0};

    assert_int_equal(hub_db_audit(c->db, 5, "cli:a", "kept", ""), HUB_OK);
    assert_int_equal(hub_db_begin_write(c->db), HUB_OK);
    assert_int_equal(hub_db_audit(c->db, 6, "cli:a", "dropped", ""),
                     HUB_OK);
    hub_db_rollback(c->db);
    assert_int_equal(hub_db_each_audit(c->db, 1, audit_collect, &seen),
                     HUB_OK);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.actions[0], "kept");
}

/* What has not moved to sqlx says so instead of misbehaving. */
static void test_not_yet_refused(void **state)
{
    store_ctx_t *c = *state;

    assert_int_equal(hub_kiosks_check_active(c->db, "k-none"), HUB_ERROR);
    assert_non_null(strstr(hub_db_last_error(c->db),
                           "not yet on PostgreSQL"));
}

#define BOTH(fn)                                                          \
    {"sqlite: " #fn, fn, setup, teardown, &sqlite_ctx},                   \
    {                                                                     \
        "postgresql: " #fn, fn, setup, teardown, &pg_ctx                  \
    }
#define PG_ONLY(fn)                                                       \
    {                                                                     \
        "postgresql: " #fn, fn, setup, teardown, &pg_ctx                  \
    }

int main(void)
{
    store_ctx_t sqlite_ctx = {0}, pg_ctx = {0};
    const struct CMUnitTest all[] = {
        BOTH(test_audit_round_trip), BOTH(test_audit_rollback),
        BOTH(test_reopen_keeps_schema),
        PG_ONLY(test_schema_matches_sqlite), PG_ONLY(test_not_yet_refused),
    };
    enum { N = sizeof(all) / sizeof(all[0]) };
    struct CMUnitTest tests[N];
    size_t i, n = 0;

    pg_ctx.uri = getenv("SIPAS_TEST_PG_URI");
    if (pg_ctx.uri && !pg_ctx.uri[0])
        pg_ctx.uri = NULL;
    for (i = 0; i < N; i++)
        if (all[i].initial_state != &pg_ctx || pg_ctx.uri)
            tests[n++] = all[i];
    if (!pg_ctx.uri)
        printf("hub store: PostgreSQL half not run: SIPAS_TEST_PG_URI is "
               "unset (tests/hub/test_sqlx_pg.sh starts a server)\n");
    return _cmocka_run_group_tests("hub store", tests, n, NULL, NULL);
}
