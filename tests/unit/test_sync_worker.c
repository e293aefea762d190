#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "core/vntime.h"
#include "platform/pclock.h"
#include "store/store.h"
#include "sync/dayclock.h"
#include "sync/syncdb.h"
#include "upload/worker.h"

#include "fakehub.h"
#include "testutil.h"

#define DAY_MS INT64_C(86400000)
#define HOUR_MS INT64_C(3600000)
#define T_2026_11_20 INT64_C(1795107600000) /* 2026-11-20T00:00+07:00 */
#define T_2025_06_01 INT64_C(1748710800000) /* 2025-06-01T00:00+07:00 */
#define PAST_BOOT "0b0b0b0b-past-boot-0000-000000000001"

typedef struct fixture {
    char dir[256];
    fakehub_t hub;
    store_t *store;       /* the kiosk's writer */
    pclock_t clock;       /* this boot, real time */
    int batches;
    sync_batch_report_t last;
} fixture_t;

static const store_answer_t five_answers[] = {
    {"overall", "overall", 5, NULL},
    {"tiep-can", "tiep-can", 4, NULL},
    {"reasons", "reasons", 0, "cho-lau"},
};

/* ---- fixture ---------------------------------------------------------- */

static void enroll(fixture_t *f, const char *install_id)
{
    syncdb_enrollment_t e;
    char err[256];
    syncdb_t *db = NULL;
    int reset, fd;

    memset(&e, 0, sizeof(e));
    snprintf(e.hub_url, sizeof(e.hub_url), "%s", f->hub.url);
    snprintf(e.install_id, sizeof(e.install_id), "%s", install_id);
    snprintf(e.secret, sizeof(e.secret), "%064d", 7);
    snprintf(e.unit_code, sizeof(e.unit_code), "XA-THU");
    snprintf(e.unit_name, sizeof(e.unit_name), "UBND xã Thử");
    e.enrolled_at_ms = 1;
    assert_int_equal(syncdb_lock(f->dir, 0, &fd, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_open(f->dir, 0, &db, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_set_enrollment(db, &e, &reset), SYNCDB_OK);
    syncdb_close(db);
    syncdb_unlock(fd);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-sync") != 0 ||
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

    fakehub_stop(&f->hub);
    store_close(f->store);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static int64_t commit_flagged(fixture_t *f, int64_t wall_ms, int64_t boot_ms,
                              const char *boot_id, int synced,
                              const char *field, int partial, int suppressed,
                              int test)
{
    store_response_t r;
    int64_t seq = 0;

    memset(&r, 0, sizeof(r));
    r.test = test;
    r.unit = test ? "DEMO-XA-01" : "XA-THU";
    r.counter = "Quầy 1";
    r.field = field;
    r.officer = "CB001";
    r.instrument = "sipas-short";
    r.instrument_version = 1;
    r.partial = partial;
    r.suppressed = suppressed;
    r.wall_ms = wall_ms;
    r.boot_ms = boot_ms;
    r.boot_id = boot_id;
    r.clock_synced = synced;
    r.n_answers = 3;
    r.answers = five_answers;
    assert_int_equal(store_commit_response(f->store, &r, &seq), STORE_OK);
    return seq;
}

static int64_t commit(fixture_t *f, int64_t wall_ms, int64_t boot_ms,
                      const char *boot_id, int synced, const char *field,
                      int partial, int suppressed)
{
    return commit_flagged(f, wall_ms, boot_ms, boot_id, synced, field,
                          partial, suppressed, 0);
}

/* A counted response of this boot, with a good clock, at wall_ms. */
static int64_t commit_at(fixture_t *f, int64_t wall_ms)
{
    return commit(f, wall_ms, (int64_t)pclock_boot_ms(&f->clock),
                  f->clock.boot_id, 1, "dat-dai", 0, 0);
}

static void on_batch(void *ctx, const sync_batch_report_t *b)
{
    fixture_t *f = ctx;

    f->batches++;
    f->last = *b;
}

static sync_outcome_t run(fixture_t *f, int batch, sync_result_t *res)
{
    sync_hooks_t hooks = {f, on_batch, NULL, NULL};
    sync_options_t o;

    memset(&o, 0, sizeof(o));
    o.data_dir = f->dir;
    o.batch = batch;
    o.version = "0.1.0";
    return sync_run_once(&o, &hooks, res);
}

static syncdb_progress_t progress(fixture_t *f)
{
    syncdb_progress_t p;
    char err[256];
    syncdb_t *db = NULL;

    assert_int_equal(syncdb_open(f->dir, 1, &db, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_get_progress(db, &p), SYNCDB_OK);
    syncdb_close(db);
    return p;
}

/* Total of one count column over all days and rows of an upload. */
static int64_t total(json_t *upload, const char *column)
{
    json_t *day, *row;
    size_t i, j;
    int64_t n = 0;

    json_array_foreach(json_object_get(upload, "days"), i, day)
        json_array_foreach(json_object_get(day, "responses"), j, row)
            n += json_integer_value(json_object_get(row, column));
    return n;
}

static json_t *day_of(json_t *upload, const char *day)
{
    json_t *d;
    size_t i;

    json_array_foreach(json_object_get(upload, "days"), i, d)
        if (strcmp(json_string_value(json_object_get(d, "day")), day) == 0)
            return d;
    return NULL;
}

static char *install_id(fixture_t *f)
{
    static char id[STORE_ID_MAX];

    snprintf(id, sizeof(id), "%s", store_get_install_id(f->store));
    return id;
}

/* ---- tests ------------------------------------------------------------ */

static void test_not_provisioned(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;
    char path[320];

    assert_int_equal(run(f, 0, &res), SYNC_NOT_ENROLLED);
    assert_non_null(strstr(res.message, "sipasctl provision"));
    /* Nothing is created in a directory nobody provisioned. */
    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(fakehub_count(&f->hub, NULL), 0);
}

static void test_heartbeat_when_nothing_pending(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;
    json_t *hb;

    enroll(f, install_id(f));
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/heartbeat"), 1);
    assert_int_equal(fakehub_count(&f->hub, NULL), 1);
    pthread_mutex_lock(&f->hub.mu);
    assert_string_equal(f->hub.reqs[0].kiosk, install_id(f));
    assert_string_equal(f->hub.reqs[0].auth,
                        "Bearer 0000000000000000000000000000000000000000000000"
                        "000000000000000007");
    pthread_mutex_unlock(&f->hub.mu);
    hb = fakehub_body(&f->hub, "/api/v1/heartbeat", 0);
    assert_int_equal(json_integer_value(json_object_get(hb, "pending")), 0);
    assert_true(json_is_null(json_object_get(hb, "last_response_at")));
    assert_string_equal(json_string_value(json_object_get(hb, "version")),
                        "0.1.0");
    json_decref(hb);
    assert_non_null(strstr(res.message, "nothing pending"));
    /* The next pass: the boot's anchor is known, one heartbeat again. */
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/heartbeat"), 2);
}

/* A backlog drains oldest first in bounded batches; every upload of a day
 * carries the whole day so far. */
static void test_batches_carry_whole_days(void **state)
{
    fixture_t *f = *state;
    const int64_t noon = T_2026_11_20 + 12 * HOUR_MS;
    sync_result_t res;
    json_t *up;
    int i;

    enroll(f, install_id(f));
    for (i = 0; i < 5; i++)
        commit_at(f, noon + i * 60000);
    commit(f, noon, 1, f->clock.boot_id, 1, "dat-dai", 1, 0);  /* partial */
    commit(f, noon, 2, f->clock.boot_id, 1, "dat-dai", 0, 1);  /* suppressed */
    assert_int_equal(run(f, 2, &res), SYNC_DONE);
    assert_int_equal(res.uploaded, 7);
    assert_int_equal(res.batches, 4);
    assert_int_equal(f->batches, 4);
    assert_int_equal(f->last.pending, 0);
    assert_int_equal(f->last.acked_seq, 7);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/ingest"), 4);
    for (i = 0; i < 4; i++) {
        up = fakehub_body(&f->hub, "/api/v1/ingest", i);
        assert_int_equal(json_integer_value(json_object_get(up, "upto_seq")),
                         i < 3 ? 2 * (i + 1) : 7);
        assert_non_null(day_of(up, "2026-11-20"));
        /* 2, 4, 5 complete; then the partial and the suppressed one. */
        assert_int_equal(total(up, "complete"), i < 2 ? 2 * (i + 1) : 5);
        assert_int_equal(total(up, "partial"), i < 2 ? 0 : 1);
        assert_int_equal(total(up, "suppressed"), i < 3 ? 0 : 1);
        json_decref(up);
    }
    up = fakehub_body(&f->hub, "/api/v1/ingest", 0);
    assert_string_equal(json_string_value(json_object_get(up, "upload_id")),
                        strcat(install_id(f), ":2"));
    json_decref(up);
    assert_int_equal(progress(f).acked_seq, 7);
}

static void test_too_large_halves_the_batch(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;
    json_t *up;
    int i;

    enroll(f, install_id(f));
    for (i = 0; i < 8; i++)
        commit_at(f, T_2026_11_20 + HOUR_MS);
    fakehub_push(&f->hub, 200, NULL, "{\"ok\": true, \"hub_time\": 1}");
    fakehub_push(&f->hub, 413, NULL, "{\"error\": \"too-large\"}");
    assert_int_equal(run(f, 8, &res), SYNC_DONE);
    up = fakehub_body(&f->hub, "/api/v1/ingest", 1);
    assert_int_equal(json_integer_value(json_object_get(up, "upto_seq")), 4);
    json_decref(up);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/ingest"), 3);
    assert_int_equal(progress(f).acked_seq, 8);
}

/* A captive portal's 200 is not an acknowledgement: retried, and the
 * retry is the same upload. */
static void test_portal_answer_is_not_an_ack(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;
    syncdb_progress_t p;
    json_t *a, *b;

    enroll(f, install_id(f));
    commit_at(f, T_2026_11_20 + HOUR_MS);
    fakehub_push(&f->hub, 200, NULL, "{\"ok\": true, \"hub_time\": 1}");
    fakehub_push(&f->hub, 200, NULL, "<html>login</html>");
    assert_int_equal(run(f, 0, &res), SYNC_FAILED);
    assert_non_null(strstr(res.message, "captive portal"));
    assert_true(res.retry_in_ms >= 0 && res.retry_in_ms <= 2000);
    p = progress(f);
    assert_int_equal(p.acked_seq, 0);
    assert_int_equal(p.failures, 1);
    assert_non_null(strstr(p.last_error, "captive portal"));
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    a = fakehub_body(&f->hub, "/api/v1/ingest", 0);
    b = fakehub_body(&f->hub, "/api/v1/ingest", 1);
    assert_true(json_equal(json_object_get(a, "days"),
                           json_object_get(b, "days")));
    json_decref(a);
    json_decref(b);
    p = progress(f);
    assert_int_equal(p.acked_seq, 1);
    assert_int_equal(p.failures, 0);
    assert_string_equal(p.last_error, "");
}

static void test_retry_after_is_honoured(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;

    enroll(f, install_id(f));
    commit_at(f, T_2026_11_20 + HOUR_MS);
    fakehub_push(&f->hub, 503, "Retry-After: 7\r\n",
                 "{\"error\": \"storage-full\", \"message\": \"disk full\"}");
    assert_int_equal(run(f, 0, &res), SYNC_FAILED);
    assert_true(res.retry_in_ms >= 7000);
    assert_non_null(strstr(res.message, "HTTP 503: disk full"));
}

/* 403: stop, say why, and do not ask again until provisioned anew. */
static void test_revoked_stops_uploading(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;

    enroll(f, install_id(f));
    commit_at(f, T_2026_11_20 + HOUR_MS);
    fakehub_push(&f->hub, 403, NULL,
                 "{\"error\": \"revoked\", \"message\": \"revoked\"}");
    assert_int_equal(run(f, 0, &res), SYNC_BLOCKED);
    assert_non_null(strstr(res.message, "revoked"));
    assert_int_equal(fakehub_count(&f->hub, NULL), 1);
    assert_int_equal(run(f, 0, &res), SYNC_BLOCKED);
    assert_int_equal(fakehub_count(&f->hub, NULL), 1);
    assert_int_equal(progress(f).blocked, SYNCDB_BLOCKED_REVOKED);
    /* Provisioned again: uploading resumes. */
    enroll(f, install_id(f));
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(progress(f).acked_seq, 1);
}

/* This boot's clock was three years behind and never synced: the hub's
 * time, learned before the first upload, puts the responses on the right
 * day. */
static void test_hub_time_corrects_this_boot(void **state)
{
    fixture_t *f = *state;
    const int64_t boot = (int64_t)pclock_boot_ms(&f->clock);
    sync_result_t res;
    json_t *up, *d;

    enroll(f, install_id(f));
    commit(f, f->hub.hub_time - 1096 * DAY_MS, boot - 60000,
           f->clock.boot_id, 0, "dat-dai", 0, 0);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(fakehub_count(&f->hub, "/api/v1/heartbeat"), 1);
    up = fakehub_body(&f->hub, "/api/v1/ingest", 0);
    d = day_of(up, "2026-11-22");
    assert_non_null(d);
    assert_int_equal(json_integer_value(json_object_get(d, "estimated")), 0);
    json_decref(up);
}

/* An earlier boot: its first synchronised response anchors the others;
 * a boot that never had a good clock is counted as estimated. */
static void test_earlier_boots(void **state)
{
    fixture_t *f = *state;
    const int64_t good = T_2026_11_20 + 10 * HOUR_MS;
    sync_result_t res;
    json_t *up, *d;
    int found, known;
    int64_t v;
    syncdb_t *db = NULL;
    char err[256];

    enroll(f, install_id(f));
    /* boot A: wrong clock (2023) at boottime 1 min, synced at 10 min */
    commit(f, good - 1096 * DAY_MS, 60000, PAST_BOOT, 0, "dat-dai", 0, 0);
    commit(f, good + 9 * 60000, 600000, PAST_BOOT, 1, "dat-dai", 0, 0);
    /* boot B: never synced, believed it was 2025-06-01 */
    commit(f, T_2025_06_01 + HOUR_MS, 5000,
           "0b0b0b0b-past-boot-0000-000000000002", 0, "khac", 0, 0);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    up = fakehub_body(&f->hub, "/api/v1/ingest", 0);
    d = day_of(up, "2026-11-20");
    assert_non_null(d);
    assert_int_equal(json_integer_value(json_object_get(d, "estimated")), 0);
    assert_int_equal(total(up, "complete"), 3);
    d = day_of(up, "2025-06-01");
    assert_non_null(d);
    assert_int_equal(json_integer_value(json_object_get(d, "estimated")), 1);
    json_decref(up);
    /* Both decisions are frozen. */
    assert_int_equal(syncdb_open(f->dir, 1, &db, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_find_anchor(db, PAST_BOOT, &found, &known, &v),
                     SYNCDB_OK);
    assert_true(found && known);
    assert_int_equal(v, good - 60000 * 0 + 9 * 60000 - 600000);
    assert_int_equal(syncdb_find_anchor(db,
                                        "0b0b0b0b-past-boot-0000-000000000002",
                                        &found, &known, &v),
                     SYNCDB_OK);
    assert_true(found && !known);
    syncdb_close(db);
}

/* Test ratings (recorded before enrollment) are acknowledged with their
 * range and never sent: no row, no day of their own, no count. */
static void test_test_ratings_are_never_sent(void **state)
{
    fixture_t *f = *state;
    const int64_t noon = T_2026_11_20 + 12 * HOUR_MS;
    const int64_t boot = (int64_t)pclock_boot_ms(&f->clock);
    const char *id = f->clock.boot_id;
    sync_result_t res;
    json_t *up, *row;
    size_t i, j;
    json_t *d;
    int days = 0;

    commit_flagged(f, noon - DAY_MS, boot, id, 1, "khac", 0, 0, 1);
    commit_flagged(f, noon - DAY_MS, boot, id, 1, "khac", 1, 0, 1);
    commit_flagged(f, noon, boot, id, 1, "dat-dai", 0, 0, 1);
    enroll(f, install_id(f));
    commit_at(f, noon);
    commit_at(f, noon + 60000);
    commit(f, noon, boot, id, 1, "dat-dai", 1, 0); /* partial */
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(res.uploaded, 3);
    assert_int_equal(res.tests, 3);
    assert_int_equal(f->last.responses, 3);
    assert_int_equal(f->last.tests, 3);
    assert_int_equal(f->last.pending, 0);
    assert_int_equal(progress(f).acked_seq, 6);
    assert_non_null(strstr(res.message, "never sent"));
    up = fakehub_body(&f->hub, "/api/v1/ingest", 0);
    assert_null(day_of(up, "2026-11-19"));
    assert_non_null(day_of(up, "2026-11-20"));
    assert_int_equal(total(up, "complete"), 2);
    assert_int_equal(total(up, "partial"), 1);
    json_array_foreach(json_object_get(up, "days"), i, d) {
        days++;
        json_array_foreach(json_object_get(d, "responses"), j, row)
            assert_string_equal(json_string_value(json_object_get(row, "unit")),
                                "XA-THU");
        json_array_foreach(json_object_get(d, "answers"), j, row)
            assert_string_equal(json_string_value(json_object_get(row, "unit")),
                                "XA-THU");
    }
    assert_int_equal(days, 1);
    json_decref(up);
    /* Only tests pending: acknowledged as an empty range, still nothing
     * sent. */
    commit_flagged(f, noon, boot, id, 1, "khac", 0, 0, 1);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(progress(f).acked_seq, 7);
    up = fakehub_body(&f->hub, "/api/v1/ingest", 1);
    assert_int_equal(json_array_size(json_object_get(up, "days")), 0);
    json_decref(up);
}

/* Day of one response as a reader places it. */
static void reader_day(dayclock_t *dc, int64_t wall_ms, int64_t boot_ms,
                       const char *boot_id, int synced, const char *want,
                       int want_estimated)
{
    agg_response_t r;
    char day[AGG_DAY_TEXT];
    int64_t corrected;
    int est;

    memset(&r, 0, sizeof(r));
    r.wall_ms = wall_ms;
    r.boot_ms = boot_ms;
    r.boot_id = boot_id;
    r.clock_synced = synced;
    assert_int_equal(dayclock_place(dc, &r, day, &corrected, &est), 0);
    assert_string_equal(day, want);
    assert_int_equal(est, want_estimated);
}

/* A reader (sipasctl export) places responses on the days the uploader
 * sent them, from what the uploader froze in sync.db, and writes nothing. */
static void test_reader_places_as_the_uploader(void **state)
{
    fixture_t *f = *state;
    const int64_t good = T_2026_11_20 + 10 * HOUR_MS;
    const int64_t boot = (int64_t)pclock_boot_ms(&f->clock);
    const char *other = "0b0b0b0b-past-boot-0000-000000000002";
    sync_result_t res;
    dayclock_t *dc = NULL;
    syncdb_t *db = NULL;
    char err[256];
    int64_t before, after;

    enroll(f, install_id(f));
    /* this boot: a clock three years behind, corrected by the hub's time */
    commit(f, f->hub.hub_time - 1096 * DAY_MS, boot - 60000,
           f->clock.boot_id, 0, "dat-dai", 0, 0);
    /* an earlier boot anchored by its own synchronised response */
    commit(f, good - 1096 * DAY_MS, 60000, PAST_BOOT, 0, "dat-dai", 0, 0);
    commit(f, good + 9 * 60000, 600000, PAST_BOOT, 1, "dat-dai", 0, 0);
    /* one that never had a good clock */
    commit(f, T_2025_06_01 + HOUR_MS, 5000, other, 0, "khac", 0, 0);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(syncdb_open(f->dir, 1, &db, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(syncdb_count_anchors(db, &before), SYNCDB_OK);
    assert_int_equal(dayclock_open(&dc, db, f->store, &f->clock), 0);
    reader_day(dc, f->hub.hub_time - 1096 * DAY_MS, boot - 60000,
               f->clock.boot_id, 0, "2026-11-22", 0);
    reader_day(dc, good - 1096 * DAY_MS, 60000, PAST_BOOT, 0, "2026-11-20",
               0);
    reader_day(dc, T_2025_06_01 + HOUR_MS, 5000, other, 0, "2025-06-01", 1);
    /* A boot the uploader never saw: its wall time, estimated. */
    reader_day(dc, T_2025_06_01, 5000, "0b0b0b0b-past-boot-0000-000000000003",
               0, "2025-06-01", 1);
    dayclock_free(dc);
    assert_int_equal(syncdb_count_anchors(db, &after), SYNCDB_OK);
    assert_int_equal(after, before);
    syncdb_close(db);
    /* Without sync.db (never provisioned): the synchronised response
     * still anchors its boot; this boot has nothing yet. */
    assert_int_equal(dayclock_open(&dc, NULL, f->store, &f->clock), 0);
    reader_day(dc, good - 1096 * DAY_MS, 60000, PAST_BOOT, 0, "2026-11-20",
               0);
    dayclock_free(dc);
}

/* After retention deleted a day's raw responses, a late response of that
 * day still uploads the day's full count. */
static void test_pruned_day_keeps_its_count(void **state)
{
    fixture_t *f = *state;
    const int64_t noon = T_2026_11_20 + 12 * HOUR_MS;
    sync_result_t res;
    json_t *up;
    int n = 0;

    enroll(f, install_id(f));
    commit_at(f, noon);
    commit_at(f, noon + 1);
    commit_at(f, noon + 2);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    assert_int_equal(store_prune_responses(f->store, noon + DAY_MS, 3, 100,
                                           &n),
                     STORE_OK);
    assert_int_equal(n, 3);
    commit_at(f, noon + 3);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
    up = fakehub_body(&f->hub, "/api/v1/ingest", 1);
    assert_int_equal(total(up, "complete"), 4);
    json_decref(up);
}

static void test_retention_plan(void **state)
{
    fixture_t *f = *state;
    sync_hooks_t hooks = {f, on_batch, NULL, NULL};
    sync_options_t o;
    sync_result_t res;
    int64_t now_day;

    enroll(f, install_id(f));
    commit_at(f, f->hub.hub_time); /* the hub's now, not the machine's */
    memset(&o, 0, sizeof(o));
    o.data_dir = f->dir;
    o.retention_days = 2;
    assert_int_equal(sync_run_once(&o, &hooks, &res), SYNC_DONE);
    assert_int_equal(res.prune_max_seq, 1);
    /* The hub's clock decides what "today" is. */
    now_day = vntime_get_day_start(f->hub.hub_time);
    assert_true(res.prune_before_ms == now_day - 2 * DAY_MS ||
                res.prune_before_ms == now_day - DAY_MS);
}

/* ---- integrity verdicts ------------------------------------------------ */

/* Overwrites the cells of one index page of dir's kiosk.db: the header
 * stays sound, only a check that walks the tree can tell. */
static void smash_index(const char *dir, const char *index)
{
    char path[300];
    unsigned char junk[3900];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t page = -1;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, STORE_DB_NAME);
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT rootpage FROM sqlite_master"
                                        " WHERE name = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, index, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        page = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(page > 1);
    fp = fopen(path, "r+b");
    assert_non_null(fp);
    memset(junk, 0x55, sizeof(junk));
    assert_int_equal(fseek(fp, (long)((page - 1) * 4096 + 100), SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
    assert_int_equal(fclose(fp), 0);
}

/* Two databases in one process: each gets its own verdict, and a verdict
 * stays until its day is over. */
static void test_integrity_is_per_database(void **state)
{
    fixture_t *f = *state;
    char other[256], verdict[STORE_TEXT_MAX], small[4];
    store_t *w = NULL, *a = NULL, *b = NULL;
    int64_t now = (int64_t)pclock_mono_ms(&f->clock);
    int i;

    assert_int_equal(testutil_make_tmpdir(other, sizeof(other), "sipas-other"),
                     0);
    assert_int_equal(store_open(other, NULL, &w, NULL), STORE_OK);
    for (i = 0; i < 300; i++)
        commit_at(f, T_2026_11_20 + i);
    store_close(w);
    store_close(f->store);
    f->store = NULL;
    smash_index(f->dir, "responses_recorded_at");

    assert_int_equal(store_open_readonly(other, &a), STORE_OK);
    assert_int_equal(store_open_readonly(f->dir, &b), STORE_OK);
    sync_integrity_verdict(a, now, verdict, sizeof(verdict));
    assert_string_equal(verdict, "ok");
    sync_integrity_verdict(b, now, verdict, sizeof(verdict));
    assert_string_not_equal(verdict, "ok");
    assert_string_not_equal(verdict, "unreadable");
    /* The healthy one is not tainted by the other's check, nor by order. */
    sync_integrity_verdict(a, now + 1000, verdict, sizeof(verdict));
    assert_string_equal(verdict, "ok");
    /* The caller's buffer is respected. */
    sync_integrity_verdict(b, now + 1000, small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);
    sync_integrity_verdict(NULL, now, verdict, sizeof(verdict));
    assert_string_equal(verdict, "ok");
    store_close(a);
    store_close(b);
    testutil_remove_tree(other);
}

static void test_one_uploader_at_a_time(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;
    char err[256];
    int fd;

    enroll(f, install_id(f));
    assert_int_equal(syncdb_lock(f->dir, 0, &fd, err, sizeof(err)), SYNCDB_OK);
    assert_int_equal(run(f, 0, &res), SYNC_BUSY);
    assert_int_equal(fakehub_count(&f->hub, NULL), 0);
    syncdb_unlock(fd);
    assert_int_equal(run(f, 0, &res), SYNC_DONE);
}

/* kiosk.db was replaced (a new install id): the enrollment is not its. */
static void test_replaced_database_is_refused(void **state)
{
    fixture_t *f = *state;
    sync_result_t res;

    enroll(f, "ffffffffffffffffffffffffffffffff");
    commit_at(f, T_2026_11_20);
    assert_int_equal(run(f, 0, &res), SYNC_BLOCKED);
    assert_non_null(strstr(res.message, "provision it again"));
    assert_int_equal(fakehub_count(&f->hub, NULL), 0);
}

typedef struct stopper {
    fixture_t *f;
    atomic_int stop;
    sync_client_t *client;
    pthread_mutex_t mu;
    sync_result_t res;
} stopper_t;

static void stopper_client(void *ctx, sync_client_t *c)
{
    stopper_t *s = ctx;

    pthread_mutex_lock(&s->mu);
    s->client = c;
    pthread_mutex_unlock(&s->mu);
}

static void *stopper_run(void *arg)
{
    stopper_t *s = arg;
    sync_hooks_t hooks = {s, NULL, stopper_client,
                          (const atomic_int *)&s->stop};
    sync_options_t o;

    memset(&o, 0, sizeof(o));
    o.data_dir = s->f->dir;
    sync_run_once(&o, &hooks, &s->res);
    return NULL;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A hung hub: stopping interrupts the transfer at once. */
static void test_stop_interrupts_a_transfer(void **state)
{
    fixture_t *f = *state;
    stopper_t s;
    pthread_t tid;
    int64_t t0;

    enroll(f, install_id(f));
    commit_at(f, T_2026_11_20);
    memset(&s, 0, sizeof(s));
    s.f = f;
    pthread_mutex_init(&s.mu, NULL);
    atomic_store(&f->hub.hang_ms, 10000);
    assert_int_equal(pthread_create(&tid, NULL, stopper_run, &s), 0);
    usleep(300000);
    t0 = mono_ms();
    atomic_store(&s.stop, 1);
    pthread_mutex_lock(&s.mu);
    sync_client_wake(s.client);
    pthread_mutex_unlock(&s.mu);
    pthread_join(tid, NULL);
    assert_true(mono_ms() - t0 < 500);
    assert_int_equal(s.res.outcome, SYNC_INTERRUPTED);
    atomic_store(&f->hub.hang_ms, 0);
    pthread_mutex_destroy(&s.mu);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_not_provisioned),
        T(test_heartbeat_when_nothing_pending),
        T(test_batches_carry_whole_days),
        T(test_too_large_halves_the_batch),
        T(test_portal_answer_is_not_an_ack),
        T(test_retry_after_is_honoured),
        T(test_revoked_stops_uploading),
        T(test_hub_time_corrects_this_boot),
        T(test_earlier_boots),
        T(test_test_ratings_are_never_sent),
        T(test_reader_places_as_the_uploader),
        T(test_pruned_day_keeps_its_count),
        T(test_retention_plan),
        T(test_integrity_is_per_database),
        T(test_one_uploader_at_a_time),
        T(test_replaced_database_is_refused),
        T(test_stop_interrupts_a_transfer),
    };
    int rc;

    /* As in the programs' main(): before any thread. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
