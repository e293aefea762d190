#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>

#include "platform/pclock.h"
#include "store/store.h"
#include "sync/syncdb.h"
#include "upload/thread.h"

#include "fakehub.h"
#include "testutil.h"

typedef struct fixture {
    char dir[256];
    fakehub_t hub;
    store_t *store;
    pclock_t clock;
    sync_thread_t *t;
    atomic_int woken;
} fixture_t;

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_notify(void *ctx)
{
    fixture_t *f = ctx;

    atomic_fetch_add(&f->woken, 1);
}

static void start(fixture_t *f, int retention_days)
{
    sync_thread_opts_t o;

    memset(&o, 0, sizeof(o));
    o.sync.data_dir = f->dir;
    o.sync.version = "0.1.0";
    o.sync.retention_days = retention_days;
    o.interval_s = 3600; /* only kicks and provisioning start a pass */
    o.notify = on_notify;
    o.notify_ctx = f;
    assert_int_equal(sync_thread_start(&f->t, &o), 0);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-thread") != 0 ||
        fakehub_start(&f->hub) != 0 ||
        store_open(f->dir, NULL, &f->store, NULL) != STORE_OK)
        return -1;
    pclock_init(&f->clock, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    sync_thread_stop(f->t);
    fakehub_stop(&f->hub);
    store_close(f->store);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

static void enroll(fixture_t *f, const char *unit)
{
    syncdb_enrollment_t e;
    char err[256];
    syncdb_t *db = NULL;
    int reset, fd;

    memset(&e, 0, sizeof(e));
    snprintf(e.hub_url, sizeof(e.hub_url), "%s", f->hub.url);
    snprintf(e.install_id, sizeof(e.install_id), "%s",
             store_get_install_id(f->store));
    snprintf(e.secret, sizeof(e.secret), "%064d", 7);
    snprintf(e.unit_code, sizeof(e.unit_code), "%s", unit);
    snprintf(e.unit_name, sizeof(e.unit_name), "UBND %s", unit);
    e.enrolled_at_ms = mono_ms();
    assert_int_equal(syncdb_lock(f->dir, 5000, &fd, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_open(f->dir, 0, &db, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_set_enrollment(db, &e, &reset), SYNCDB_OK);
    syncdb_close(db);
    syncdb_unlock(fd);
}

static void commit(fixture_t *f, int64_t wall_ms)
{
    static const store_answer_t a[] = {{"overall", "overall", 5, NULL}};
    store_response_t r;
    int64_t seq;

    memset(&r, 0, sizeof(r));
    r.unit = "XA-THU";
    r.field = "dat-dai";
    r.instrument = "sipas-short";
    r.wall_ms = wall_ms;
    r.boot_ms = (int64_t)pclock_boot_ms(&f->clock);
    r.boot_id = f->clock.boot_id;
    r.clock_synced = 1;
    r.n_answers = 1;
    r.answers = a;
    assert_int_equal(store_commit_response(f->store, &r, &seq), STORE_OK);
}

/* Polls as the UI thread does until pred holds or ms pass. */
static int wait_view(fixture_t *f, sync_view_t *v, int ms,
                     int (*pred)(const sync_view_t *v, const void *arg),
                     const void *arg)
{
    int64_t end = mono_ms() + ms;

    do {
        sync_thread_poll(f->t, v);
        if (pred(v, arg))
            return 1;
        usleep(20000);
    } while (mono_ms() < end);
    return 0;
}

static int unit_is(const sync_view_t *v, const void *arg)
{
    return v->enrolled && strcmp(v->enrollment.unit_code, arg) == 0;
}

static int not_enrolled(const sync_view_t *v, const void *arg)
{
    (void)arg;
    return v->enrollment_rev > 0 && !v->enrolled;
}

static int nothing_pending(const sync_view_t *v, const void *arg)
{
    (void)arg;
    return v->last_ok_ms > 0 && v->pending == 0;
}

static int prune_asked(const sync_view_t *v, const void *arg)
{
    (void)arg;
    return v->prune_max_seq > 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Provisioning while the kiosk runs: the UI hears of the new unit within
 * seconds, and uploading starts. */
static void test_enrollment_is_noticed(void **state)
{
    fixture_t *f = *state;
    sync_view_t v;
    char line[160];

    memset(&v, 0, sizeof(v));
    assert_int_equal(sync_thread_alive(NULL), 0);
    start(f, 0);
    assert_int_equal(sync_thread_alive(f->t), 1);
    assert_true(wait_view(f, &v, 2000, not_enrolled, NULL));
    sync_view_format(&v, line, sizeof(line));
    assert_non_null(strstr(line, "chưa đăng ký"));
    enroll(f, "XA-MOT");
    assert_true(wait_view(f, &v, 4000, unit_is, "XA-MOT"));
    assert_true(atomic_load(&f->woken) > 0);
    assert_true(wait_view(f, &v, 3000, nothing_pending, NULL));
    sync_view_format(&v, line, sizeof(line));
    assert_non_null(strstr(line, "XA-MOT · chờ gửi 0 · lần cuối 20"));
    /* Enrolled again into another unit: noticed too. */
    enroll(f, "XA-HAI");
    assert_true(wait_view(f, &v, 4000, unit_is, "XA-HAI"));
}

/* A commit is uploaded at once, not at the next interval. */
static void test_commit_is_uploaded_soon(void **state)
{
    fixture_t *f = *state;
    sync_view_t v;
    int64_t t0;

    memset(&v, 0, sizeof(v));
    enroll(f, "XA-MOT");
    start(f, 0);
    assert_true(wait_view(f, &v, 3000, nothing_pending, NULL));
    commit(f, f->hub.hub_time); /* the hub's now, not the machine's */
    t0 = mono_ms();
    sync_thread_kick(f->t);
    while (fakehub_count(&f->hub, "/api/v1/ingest") == 0 &&
           mono_ms() - t0 < 3000)
        usleep(10000);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/ingest"), 1);
    assert_true(mono_ms() - t0 < 1500);
}

/* Retention is asked of the UI thread, never done by the uploader. */
static void test_prune_is_requested(void **state)
{
    fixture_t *f = *state;
    sync_view_t v;
    int n = 0;

    memset(&v, 0, sizeof(v));
    enroll(f, "XA-MOT");
    /* Ten days before the hub's today: the hub's clock is the one that
     * decides what retention keeps. */
    commit(f, f->hub.hub_time - 10 * INT64_C(86400000));
    start(f, 3);
    assert_true(wait_view(f, &v, 4000, prune_asked, NULL));
    assert_int_equal(v.prune_max_seq, 1);
    /* what the kiosk's loop does with it */
    assert_int_equal(store_prune_responses(f->store, v.prune_before_ms,
                                           v.prune_max_seq, 500, &n),
                     STORE_OK);
    assert_int_equal(n, 1);
    sync_thread_pruned(f->t);
}

/* Stopping with a transfer hung on the hub returns at once. */
static void test_stop_is_prompt(void **state)
{
    fixture_t *f = *state;
    int64_t t0;

    enroll(f, "XA-MOT");
    atomic_store(&f->hub.hang_ms, 20000);
    start(f, 0);
    while (fakehub_count(&f->hub, NULL) == 0)
        usleep(10000);
    usleep(100000);
    /* A pass waiting on a slow hub is alive: its limits bound it. */
    assert_int_equal(sync_thread_alive(f->t), 1);
    t0 = mono_ms();
    sync_thread_stop(f->t);
    f->t = NULL;
    assert_true(mono_ms() - t0 < 500);
    atomic_store(&f->hub.hang_ms, 0);
}

/* The admin screen shows the cause of an error, not its whole story. */
static void test_status_line(void **state)
{
    sync_view_t v;
    char line[160];

    (void)state;
    memset(&v, 0, sizeof(v));
    v.enrolled = 1;
    v.pending = 12;
    snprintf(v.enrollment.unit_code, sizeof(v.enrollment.unit_code), "XA-A");
    snprintf(v.last_error, sizeof(v.last_error),
             "hub unreachable: cannot connect to http://127.0.0.1:9: refused");
    sync_view_format(&v, line, sizeof(line));
    assert_string_equal(line, "XA-A · chờ gửi 12 · lần cuối chưa có · lỗi:"
                              " hub unreachable");
    snprintf(v.last_error, sizeof(v.last_error),
             "the hub is not accepting now (HTTP 503: full): more");
    sync_view_format(&v, line, sizeof(line));
    assert_non_null(strstr(line, "lỗi: the hub is not accepting now (HTTP"
                                 " 503: full)"));
    v.blocked = 1;
    snprintf(v.last_error, sizeof(v.last_error), "revoked");
    sync_view_format(&v, line, sizeof(line));
    assert_string_equal(line, "XA-A · dừng: revoked");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_enrollment_is_noticed),
        T(test_commit_is_uploaded_soon),
        T(test_prune_is_requested),
        T(test_stop_is_prompt),
        cmocka_unit_test(test_status_line),
    };
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
