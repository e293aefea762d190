/*
 * The kiosk's side of uploading, without the network: what sipas-sync
 * records in sync.db reaches the admin screen and the retention of the
 * one writer (sync/watch.h), and the wake-up datagram the kiosk sends
 * after each commit (platform/kick.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "platform/kick.h"
#include "sync/status.h"
#include "sync/syncdb.h"
#include "sync/watch.h"

#include "testutil.h"

typedef struct fixture {
    char dir[256];
    sync_watch_t *w;
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
    sync_watch_opts_t o;

    memset(&o, 0, sizeof(o));
    o.data_dir = f->dir;
    o.retention_days = retention_days;
    o.notify = on_notify;
    o.notify_ctx = f;
    assert_int_equal(sync_watch_start(&f->w, &o), 0);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f || testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-watch") != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    sync_watch_stop(f->w);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

/* What sipasctl provision and sipas-sync write, under the sync lock. */
static syncdb_t *writer(fixture_t *f, int *fd)
{
    char err[256];
    syncdb_t *db = NULL;

    assert_int_equal(syncdb_lock(f->dir, 5000, fd, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_open(f->dir, 0, &db, err, sizeof(err)), SYNCDB_OK);
    return db;
}

static void enroll(fixture_t *f, const char *unit)
{
    syncdb_enrollment_t e;
    syncdb_t *db;
    int reset, fd;

    memset(&e, 0, sizeof(e));
    snprintf(e.hub_url, sizeof(e.hub_url), "http://127.0.0.1:9");
    snprintf(e.install_id, sizeof(e.install_id), "0123456789abcdef");
    snprintf(e.secret, sizeof(e.secret), "%064d", 7);
    snprintf(e.unit_code, sizeof(e.unit_code), "%s", unit);
    snprintf(e.unit_name, sizeof(e.unit_name), "UBND %s", unit);
    e.enrolled_at_ms = mono_ms();
    db = writer(f, &fd);
    assert_int_equal(syncdb_set_enrollment(db, &e, &reset), SYNCDB_OK);
    syncdb_close(db);
    syncdb_unlock(fd);
}

static void record(fixture_t *f, int64_t acked, int64_t pending,
                   const char *error, int blocked)
{
    syncdb_progress_t p;
    syncdb_t *db;
    int fd;

    db = writer(f, &fd);
    assert_int_equal(syncdb_get_progress(db, &p), SYNCDB_OK);
    p.acked_seq = acked;
    p.pending = pending;
    p.last_ok_ms = error[0] ? p.last_ok_ms : INT64_C(1790000000000);
    snprintf(p.last_error, sizeof(p.last_error), "%s", error);
    p.blocked = blocked;
    assert_int_equal(syncdb_set_progress(db, &p), SYNCDB_OK);
    syncdb_close(db);
    syncdb_unlock(fd);
}

/* Polls as the UI thread does until pred holds or ms pass. */
static int wait_view(fixture_t *f, sync_view_t *v, int ms,
                     int (*pred)(const sync_view_t *v, const void *arg),
                     const void *arg)
{
    int64_t end = mono_ms() + ms;

    do {
        sync_watch_poll(f->w, v);
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

static int pending_is(const sync_view_t *v, const void *arg)
{
    return v->enrolled && v->pending == *(const int64_t *)arg;
}

static int blocked(const sync_view_t *v, const void *arg)
{
    (void)arg;
    return v->blocked;
}

static int prune_asked(const sync_view_t *v, const void *arg)
{
    (void)arg;
    return v->prune_max_seq > 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Provisioning and the uploader's progress reach the admin screen, each
 * within moments of being written. */
static void test_watch_follows_sync_db(void **state)
{
    fixture_t *f = *state;
    sync_view_t v;
    char line[200];
    int64_t three = 3, zero = 0;

    memset(&v, 0, sizeof(v));
    start(f, 0);
    assert_true(wait_view(f, &v, 2000, not_enrolled, NULL));
    enroll(f, "XA-MOT");
    assert_true(wait_view(f, &v, 3000, unit_is, "XA-MOT"));
    assert_true(atomic_load(&f->woken) > 0);
    record(f, 0, 3, "hub unreachable: cannot connect", 0);
    assert_true(wait_view(f, &v, 3000, pending_is, &three));
    sync_view_format(&v, line, sizeof(line));
    assert_string_equal(line, "XA-MOT · chờ gửi 3 · lần cuối chưa có · lỗi:"
                              " hub unreachable");
    record(f, 3, 0, "", 0);
    assert_true(wait_view(f, &v, 3000, pending_is, &zero));
    sync_view_format(&v, line, sizeof(line));
    assert_non_null(strstr(line, "XA-MOT · chờ gửi 0 · lần cuối 2026-"));
    assert_int_equal(v.prune_max_seq, 0); /* no retention configured */
    record(f, 3, 0, "revoked", SYNCDB_BLOCKED_REVOKED);
    assert_true(wait_view(f, &v, 3000, blocked, NULL));
    enroll(f, "XA-HAI");
    assert_true(wait_view(f, &v, 3000, unit_is, "XA-HAI"));
}

/* Retention: asked once per acknowledged position, by a clock that knows
 * the day; an unsynchronised one asks nothing. */
static void test_watch_asks_prune_once(void **state)
{
    fixture_t *f = *state;
    sync_view_t v;
    int64_t one = 1;

    memset(&v, 0, sizeof(v));
    enroll(f, "XA-MOT");
    record(f, 5, 0, "", 0);
    assert_int_equal(setenv("SIPAS_CLOCK_SYNCED", "0", 1), 0);
    start(f, 3);
    assert_true(wait_view(f, &v, 2000, unit_is, "XA-MOT"));
    assert_int_equal(v.prune_max_seq, 0);
    sync_watch_stop(f->w);
    f->w = NULL;
    assert_int_equal(setenv("SIPAS_CLOCK_SYNCED", "1", 1), 0);
    start(f, 3);
    assert_true(wait_view(f, &v, 2000, prune_asked, NULL));
    assert_int_equal(v.prune_max_seq, 5);
    assert_true(v.prune_before_ms > 0);
    sync_watch_pruned(f->w);
    /* written again with the same position: nothing more to prune */
    record(f, 5, 1, "", 0);
    assert_true(wait_view(f, &v, 3000, pending_is, &one));
    assert_int_equal(v.prune_max_seq, 0);
    assert_int_equal(unsetenv("SIPAS_CLOCK_SYNCED"), 0);
}

/* The wake-up: heard when someone listens, lost (never blocking) when
 * nobody does; a socket left by a killed listener is replaced. */
static void test_kick(void **state)
{
    fixture_t *f = *state;
    char err[256], path[512];
    struct stat st;
    int tx, rx, again;

    tx = kick_open_sender();
    assert_true(tx >= 0);
    assert_int_equal(kick_send(tx, f->dir), -1); /* nobody listens */
    assert_int_equal(kick_send(-1, f->dir), -1);
    rx = kick_open_listener(f->dir, err, sizeof(err));
    assert_true(rx >= 0);
    snprintf(path, sizeof(path), "%s/%s", f->dir, KICK_NAME);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(kick_drain(rx), 0);
    assert_int_equal(kick_send(tx, f->dir), 0);
    assert_int_equal(kick_send(tx, f->dir), 0);
    assert_int_equal(kick_drain(rx), 2);
    /* killed without closing: the next listener takes the name over */
    again = kick_open_listener(f->dir, err, sizeof(err));
    assert_true(again >= 0);
    assert_int_equal(kick_send(tx, f->dir), 0);
    assert_int_equal(kick_drain(again), 1);
    assert_int_equal(kick_drain(rx), 0);
    close(rx);
    kick_close_listener(again, f->dir);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(kick_send(tx, f->dir), -1);
    close(tx);
    /* a data directory whose socket path cannot fit */
    memset(path, 'a', 200);
    path[200] = '\0';
    assert_int_equal(kick_open_listener(path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too long"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_watch_follows_sync_db),
        T(test_watch_asks_prune_once),
        T(test_kick),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
