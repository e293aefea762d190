/*
 * The month partitions on PostgreSQL (store/partitions.h): a row of a
 * month without its partition is HUB_NO_PARTITION (a CHECK still
 * HUB_EXISTS); months made ahead of a clock, and for a day; old months
 * detached and archived in one audited transaction, recent ones never,
 * and an archived month not made again; the server's thread making
 * them again on a moved clock. On SQLite every call answers
 * HUB_UNSUPPORTED. The server's half runs under
 * tests/hub/test_sqlx_pg.sh test_hub_partitions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "core/vntime.h"
#include "hub/domain/partmaint.h"
#include "hub/store/db.h"
#include "hub/store/dbx.h"
#include "hub/store/partitions.h"
#include "pg_half.h"
#include "testutil.h"

typedef struct part_ctx {
    const char *uri; /* PostgreSQL; NULL: a fresh SQLite file */
    char dir[128];
    hub_db_t *db;
} part_ctx_t;

static int setup(void **state)
{
    part_ctx_t *c = *state;
    hub_db_options_t opt = {.create = 1};
    char target[HUB_DB_PATH_MAX];

    if (c->uri) {
        snprintf(target, sizeof(target), "%s", c->uri);
    } else {
        if (testutil_make_tmpdir(c->dir, sizeof(c->dir), "parts") != 0)
            return -1;
        snprintf(target, sizeof(target), "%s/hub.db", c->dir);
    }
    if (hub_db_open(target, &opt, &c->db) != HUB_OK) {
        fprintf(stderr, "open: %s\n", hub_db_open_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    part_ctx_t *c = *state;

    hub_db_close(c->db);
    c->db = NULL;
    if (!c->uri && c->dir[0])
        testutil_remove_tree(c->dir);
    c->dir[0] = '\0';
    return 0;
}

static const char sql_put[] =
    "INSERT INTO day_snapshots(install_id, day, upto_seq, estimated,"
    " upload_id, received_at) VALUES('k', ?1, 1, 0, 'u', 1)";
static const char sql_count[] =
    "SELECT count(*) FROM day_snapshots WHERE day >= ?1 AND day < ?2";
static const char sql_count_archive[] =
    "SELECT count(*) FROM " HUB_PARTITIONS_ARCHIVE ".day_snapshots_2018_01";
static const char sql_bad_change[] =
    "INSERT INTO unit_changes(code, kind, valid_from, old_value, new_value,"
    " recorded_at, actor) VALUES('NOPE', 'explode', '2020-01-01', '', '',"
    " 1, 't')";
static const char sql_audit[] =
    "SELECT count(*) FROM audit WHERE action = 'partitions.detach'";

static int put_day(hub_db_t *db, const char *day)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql_put);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, day, &rc);
    return hub_dbx_run(db, st, rc, "put");
}

static int64_t count_sql(hub_db_t *db, const char *sql, const char *a,
                         const char *b)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;
    int64_t n;

    if (a)
        sqlx_bind_text(st, 1, a, &rc);
    if (b)
        sqlx_bind_text(st, 2, b, &rc);
    assert_int_equal(hub_dbx_next(db, st, rc, "count"), HUB_OK);
    n = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return n;
}

typedef struct seen {
    int n;
    char text[1024];
} seen_t;

static int note(void *ctx, const hub_partition_t *p)
{
    seen_t *s = ctx;
    size_t len = strlen(s->text);

    snprintf(s->text + len, sizeof(s->text) - len, "%04d-%02d:%s ", p->year,
             p->month, hub_partition_state_name(p->state));
    s->n++;
    return 0;
}

static void list_months(hub_db_t *db, seen_t *s)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(hub_partitions_each(db, note, s), HUB_OK);
}

static void test_no_partition_code(void **state)
{
    part_ctx_t *c = *state;

    assert_int_equal(put_day(c->db, "2017-03-04"), HUB_NO_PARTITION);
    assert_non_null(strstr(hub_db_last_error(c->db), "no partition"));
    /* A CHECK names its constraint: still a refused row, not a month. */
    assert_int_equal(hub_dbx_run(c->db,
                                 sqlx_prepare(hub_dbx(c->db), sql_bad_change),
                                 HUB_OK, "check"),
                     HUB_EXISTS);
}

static void test_ensure_ahead(void **state)
{
    part_ctx_t *c = *state;
    /* 2031-12-31 23:30 in the province is already 2032 there, 2031 in
     * UTC: the months are the province's. */
    int64_t now = vntime_join_ms(2031, 12, 31, 23, 30, 0);
    seen_t s;

    assert_int_equal(hub_partitions_month_of(now), 2031 * 12 + 11);
    assert_int_equal(hub_partitions_ensure(c->db, now, 2), HUB_OK);
    assert_int_equal(hub_partitions_ensure(c->db, now, 2), HUB_OK);
    list_months(c->db, &s);
    assert_non_null(strstr(s.text, "2031-12:attached 2032-01:attached"
                                   " 2032-02:attached"));
    assert_null(strstr(s.text, "2032-03"));
    assert_int_equal(put_day(c->db, "2032-02-29"), HUB_OK);
    assert_int_equal(put_day(c->db, "2032-03-01"), HUB_NO_PARTITION);
}

static void test_ensure_day(void **state)
{
    part_ctx_t *c = *state;

    assert_int_equal(hub_partitions_ensure_day(c->db, "2019-07-03"), HUB_OK);
    assert_int_equal(hub_partitions_ensure_day(c->db, "2019-07-04"), HUB_OK);
    assert_int_equal(put_day(c->db, "2019-07-31"), HUB_OK);
    assert_int_equal(hub_partitions_ensure_day(c->db, "2019-02-30"),
                     HUB_ERROR);
    assert_int_equal(hub_partitions_ensure_day(c->db, NULL), HUB_ERROR);
}

static void test_detach_old_months(void **state)
{
    part_ctx_t *c = *state;
    int64_t now = vntime_join_ms(2018, 5, 10, 12, 0, 0);
    int n = -1;
    seen_t s;

    assert_int_equal(hub_partitions_ensure_day(c->db, "2018-01-02"), HUB_OK);
    assert_int_equal(hub_partitions_ensure_day(c->db, "2018-02-02"), HUB_OK);
    assert_int_equal(hub_partitions_ensure(c->db, now, 1), HUB_OK);
    assert_int_equal(put_day(c->db, "2018-01-02"), HUB_OK);
    assert_int_equal(put_day(c->db, "2018-01-31"), HUB_OK);
    assert_int_equal(put_day(c->db, "2018-02-02"), HUB_OK);
    assert_int_equal(put_day(c->db, "2018-05-09"), HUB_OK);

    /* The current month and the one before always stay. */
    assert_int_equal(hub_partitions_detach(c->db, 2018 * 12 + 4, 1, now,
                                           "cli:t", &n),
                     HUB_CONFLICT);
    assert_int_equal(n, 0);
    assert_int_equal(count_sql(c->db, sql_audit, NULL, NULL), 0);

    assert_int_equal(hub_partitions_detach(c->db, 2018 * 12 + 1, 1, now,
                                           "cli:t", &n),
                     HUB_OK);
    assert_int_equal(n, 1); /* 2017-03 was never made; 2018-01 only */
    assert_int_equal(count_sql(c->db, sql_count, "2018-01-01", "2018-02-01"),
                     0);
    assert_int_equal(count_sql(c->db, sql_count_archive, NULL, NULL), 2);
    assert_int_equal(count_sql(c->db, sql_count, "2018-02-01", "2018-06-01"),
                     2);
    assert_int_equal(count_sql(c->db, sql_audit, NULL, NULL), 1);
    list_months(c->db, &s);
    assert_non_null(strstr(s.text, "2018-01:archived 2018-02:attached"));
    /* Its rows left on purpose: not made again for a late row. */
    assert_int_equal(hub_partitions_ensure_day(c->db, "2018-01-20"),
                     HUB_CONFLICT);
    assert_non_null(strstr(hub_db_last_error(c->db), "2018-01 is archived"));
    assert_int_equal(put_day(c->db, "2018-01-20"), HUB_NO_PARTITION);

    /* Detached only: the tables stay beside the live ones. */
    assert_int_equal(hub_partitions_detach(c->db, 2018 * 12 + 2, 0, now,
                                           "cli:t", &n),
                     HUB_OK);
    assert_int_equal(n, 1);
    list_months(c->db, &s);
    assert_non_null(strstr(s.text, "2018-02:detached"));
    assert_int_equal(count_sql(c->db, sql_count, "2018-01-01", "2018-06-01"),
                     1);
    /* Nothing left to take: done, none taken. */
    assert_int_equal(hub_partitions_detach(c->db, 2018 * 12 + 2, 1, now,
                                           "cli:t", &n),
                     HUB_OK);
    assert_int_equal(n, 0);
}

/* The maintenance thread's clock, moved by the test. */
static int64_t fake_now_ms;

static int64_t fake_now(void)
{
    return __atomic_load_n(&fake_now_ms, __ATOMIC_SEQ_CST);
}

static void set_fake_now(int64_t ms)
{
    __atomic_store_n(&fake_now_ms, ms, __ATOMIC_SEQ_CST);
}

/* Waits (5 s at most) until the months listed contain want. */
static int wait_for_months(hub_db_t *db, const char *want)
{
    struct timespec nap = {0, 20 * 1000 * 1000};
    seen_t s;
    int i;

    for (i = 0; i < 250; i++) {
        hub_db_lock(db);
        list_months(db, &s);
        hub_db_unlock(db);
        if (strstr(s.text, want))
            return 1;
        (void)nanosleep(&nap, NULL);
    }
    fprintf(stderr, "months: %s\n", s.text);
    return 0;
}

/* The server's thread: the months made at start, then again when its
 * clock reaches a new day (a new month here), and after a jump. */
static void test_maintenance_daily(void **state)
{
    part_ctx_t *c = *state;
    char err[512];
    hub_partmaint_t *p;
    seen_t s;

    set_fake_now(vntime_join_ms(2033, 1, 15, 12, 0, 0));
    p = hub_partmaint_start(c->db, 1, fake_now, err, sizeof(err));
    assert_non_null(p);
    hub_db_lock(c->db);
    list_months(c->db, &s);
    hub_db_unlock(c->db);
    assert_non_null(strstr(s.text, "2033-01:attached 2033-02:attached"));
    assert_null(strstr(s.text, "2033-03"));

    /* 23:59 on the last day of January: still January's round. */
    set_fake_now(vntime_join_ms(2033, 1, 31, 23, 59, 0));
    hub_partmaint_wake(p);
    set_fake_now(vntime_join_ms(2033, 2, 1, 0, 1, 0));
    hub_partmaint_wake(p);
    assert_true(wait_for_months(c->db, "2033-03:attached"));
    set_fake_now(vntime_join_ms(2033, 4, 10, 8, 0, 0));
    hub_partmaint_wake(p);
    assert_true(wait_for_months(c->db, "2033-04:attached 2033-05:attached"));
    hub_partmaint_stop(p);
    hub_db_lock(c->db);
    list_months(c->db, &s);
    hub_db_unlock(c->db);
    assert_null(strstr(s.text, "2033-06"));
}

static void test_sqlite_has_none(void **state)
{
    part_ctx_t *c = *state;
    int n = -1;
    seen_t s;

    assert_int_equal(hub_partitions_ensure(c->db, 0, 2), HUB_UNSUPPORTED);
    assert_int_equal(hub_partitions_ensure_day(c->db, "2020-01-01"),
                     HUB_UNSUPPORTED);
    assert_int_equal(hub_partitions_each(c->db, note, &s), HUB_UNSUPPORTED);
    assert_int_equal(hub_partitions_detach(c->db, 0, 1, 0, "t", &n),
                     HUB_UNSUPPORTED);
    assert_non_null(strstr(hub_db_last_error(c->db), "SQLite"));
    assert_true(hub_db_has_uploads(c->db));
    assert_false(hub_db_is_server(c->db));
}

int main(void)
{
    part_ctx_t sqlite_ctx = {0}, pg_ctx = {0};
    const struct CMUnitTest all[] = {
        {"sqlite: test_sqlite_has_none", test_sqlite_has_none, setup,
         teardown, &sqlite_ctx},
        PG_ONLY(test_no_partition_code), PG_ONLY(test_ensure_ahead),
        PG_ONLY(test_ensure_day), PG_ONLY(test_detach_old_months),
        PG_ONLY(test_maintenance_daily),
    };
    return pg_half_run("hub partitions", all, sizeof(all) / sizeof(all[0]),
                       &pg_ctx, &pg_ctx.uri);
}
