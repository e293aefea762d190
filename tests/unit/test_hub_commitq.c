/*
 * Group commit (hub/store/commitq.c) on a real hub database: writers that
 * arrive while a transaction is being written share the next one; a
 * writer that fails loses only its own rows; two writers of one key never
 * share a transaction; a transaction that cannot begin fails every writer
 * in it, and nobody hears HUB_OK before the COMMIT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hub/store/commitq.h"
#include "hub/store/db_sql.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    hub_db_t *db;
    int commits;
} fixture_t;

static int count_commit(void *arg)
{
    fixture_t *f = arg;

    f->commits++;
    return 0;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    hub_db_options_t opt = {1, 0, 0};

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_hub_commitq.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/hub.db", f->dir);
    if (hub_db_open(f->path, &opt, &f->db) != HUB_OK)
        return -1;
    if (sqldb_exec(&f->db->sql, "CREATE TABLE t(k TEXT, v INTEGER)") !=
        SQLITE_OK)
        return -1;
    sqlite3_commit_hook(f->db->sql.conn, count_commit, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[160];

    hub_db_close(f->db);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* One writer: inserts (key, value); fails after inserting when asked;
 * the first one holds its transaction open until the others queue. */
typedef struct writer {
    fixture_t *f;
    const char *key;
    int value, fail;
    size_t hold_for; /* holds its transaction until this many wait */
    int rc, done_rc, done_calls;
    int saw_commit; /* commits counted when its result came */
    volatile int working;
    hub_commitq_item_t it;
    pthread_t thread;
} writer_t;

static int writer_work(hub_db_t *db, void *arg)
{
    writer_t *w = arg;
    sqlite3_stmt *st = NULL;
    struct timespec ts = {0, 1000000L};
    int rc, tries;

    if (sqlite3_prepare_v2(db->sql.conn, "INSERT INTO t VALUES(?1, ?2)", -1,
                           &st, NULL) != SQLITE_OK)
        return HUB_ERROR;
    sqlite3_bind_text(st, 1, w->key, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, w->value);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return HUB_ERROR;
    w->working = 1;
    for (tries = 0; w->hold_for && tries < 10000 &&
                    hub_commitq_waiting(hub_db_commitq(db)) < w->hold_for;
         tries++)
        nanosleep(&ts, NULL);
    return w->fail ? HUB_CONFLICT : HUB_OK;
}

static void writer_done(hub_db_t *db, void *arg, int rc)
{
    writer_t *w = arg;

    (void)db;
    w->done_rc = rc;
    w->done_calls++;
    w->saw_commit = w->f->commits;
}

static void *writer_run(void *arg)
{
    writer_t *w = arg;

    memset(&w->it, 0, sizeof(w->it));
    w->it.work = writer_work;
    w->it.done = writer_done;
    w->it.arg = w;
    snprintf(w->it.key, sizeof(w->it.key), "%s", w->key);
    w->rc = hub_commitq_run(hub_db_commitq(w->f->db), w->f->db, &w->it);
    return NULL;
}

static int64_t count_rows(fixture_t *f, const char *where)
{
    char sql[160];
    int64_t n = -1;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM t WHERE %s", where);
    assert_int_equal(sqldb_query_int(&f->db->sql, sql, &n), SQLITE_OK);
    return n;
}

static void start(writer_t *w)
{
    assert_int_equal(pthread_create(&w->thread, NULL, writer_run, w), 0);
}

static void join(writer_t *w)
{
    assert_int_equal(pthread_join(w->thread, NULL), 0);
    assert_int_equal(w->done_calls, 1);
    assert_int_equal(w->done_rc, w->rc);
}

static void test_alone(void **state)
{
    fixture_t *f = *state;
    writer_t w = {f, "K1", 1, 0, 0, 0, 0, 0, 0, 0, {0}, 0};

    writer_run(&w);
    assert_int_equal(w.rc, HUB_OK);
    assert_int_equal(f->commits, 1);
    assert_int_equal(w.saw_commit, 1);
    assert_int_equal(count_rows(f, "k = 'K1'"), 1);
}

static void test_waiting_writers_share_one_commit(void **state)
{
    fixture_t *f = *state;
    writer_t first = {f, "K0", 0, 0, 5, 0, 0, 0, 0, 0, {0}, 0};
    writer_t w[5];
    static const char *const keys[] = {"K1", "K2", "K3", "K4", "K2"};
    struct timespec pause = {0, 1000000L};
    int i;

    /* The first writer leads alone, and holds its transaction open until
     * the five others wait. */
    start(&first);
    for (i = 0; i < 10000 && !first.working; i++)
        nanosleep(&pause, NULL);
    assert_true(first.working);
    for (i = 0; i < 5; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].f = f;
        w[i].key = keys[i];
        w[i].value = i + 1;
        w[i].fail = i == 2;
        start(&w[i]);
    }
    join(&first);
    for (i = 0; i < 5; i++)
        join(&w[i]);
    assert_int_equal(first.rc, HUB_OK);
    /* The first alone; K1, a K2, K3 (failing), K4 together; the other K2
     * in a transaction of its own. */
    assert_int_equal(f->commits, 3);
    assert_int_equal(w[0].rc, HUB_OK);
    assert_int_equal(w[1].rc, HUB_OK);
    assert_int_equal(w[2].rc, HUB_CONFLICT);
    assert_int_equal(w[3].rc, HUB_OK);
    assert_int_equal(w[4].rc, HUB_OK);
    assert_int_equal(w[0].saw_commit, 2);
    assert_int_equal(w[3].saw_commit, 2);
    /* The two K2 writers queue in whichever order their threads ran:
     * one shared the second transaction, the other had the third. */
    assert_true(w[1].saw_commit == 2 || w[1].saw_commit == 3);
    assert_int_equal(w[1].saw_commit + w[4].saw_commit, 5);
    /* The failing writer's row went; its neighbours' stayed. */
    assert_int_equal(count_rows(f, "k = 'K3'"), 0);
    assert_int_equal(count_rows(f, "k = 'K2'"), 2);
    assert_int_equal(count_rows(f, "1"), 5);
}

/* A transaction that cannot begin: the disk reserve says the disk is
 * full. Every writer hears HUB_FULL and nothing is written. */
static void test_no_room_fails_everyone(void **state)
{
    fixture_t *f = *state;
    writer_t w = {f, "K1", 1, 0, 0, 0, 0, 0, 0, 0, {0}, 0};

    f->db->min_free_kb = INT64_C(1) << 50;
    writer_run(&w);
    assert_int_equal(w.rc, HUB_FULL);
    assert_int_equal(w.done_rc, HUB_FULL);
    assert_int_equal(f->commits, 0);
    f->db->min_free_kb = 0;
    assert_int_equal(count_rows(f, "1"), 0);
}

/* Many writers of a few keys: every row lands exactly once. */
static void test_many_writers(void **state)
{
    fixture_t *f = *state;
    enum { N = 64 };
    static const char *const keys[] = {"A", "B", "C", "D"};
    writer_t *w = calloc(N, sizeof(*w));
    int i;

    assert_non_null(w);
    for (i = 0; i < N; i++) {
        w[i].f = f;
        w[i].key = keys[i % 4];
        w[i].value = i;
        w[i].fail = i % 7 == 0;
        start(&w[i]);
    }
    for (i = 0; i < N; i++) {
        join(&w[i]);
        assert_int_equal(w[i].rc, w[i].fail ? HUB_CONFLICT : HUB_OK);
    }
    assert_int_equal(count_rows(f, "v % 7 = 0"), 0);
    assert_int_equal(count_rows(f, "1"), N - (N + 6) / 7);
    assert_true(f->commits <= N);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waiting_writers_share_one_commit,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_room_fails_everyone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_many_writers, setup, teardown),
    };

    return cmocka_run_group_tests_name("hub group commit", tests, NULL, NULL);
}
