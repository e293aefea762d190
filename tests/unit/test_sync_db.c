#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/agg.h"
#include "sync/snapshot.h"
#include "sync/syncdb.h"

#include "testutil.h"

typedef struct fixture {
    char dir[256];
    int fd;     /* the sync lock, held while writing */
    syncdb_t *db;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    char err[256];

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-syncdb") != 0 ||
        syncdb_lock(f->dir, 0, &f->fd, err, sizeof(err)) != SYNCDB_OK ||
        syncdb_open(f->dir, 0, &f->db, err, sizeof(err)) != SYNCDB_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    syncdb_close(f->db);
    syncdb_unlock(f->fd);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

static syncdb_enrollment_t enrollment(const char *hub, const char *id)
{
    syncdb_enrollment_t e;

    memset(&e, 0, sizeof(e));
    snprintf(e.hub_url, sizeof(e.hub_url), "%s", hub);
    snprintf(e.install_id, sizeof(e.install_id), "%s", id);
    snprintf(e.secret, sizeof(e.secret), "%064d", 1);
    snprintf(e.unit_code, sizeof(e.unit_code), "XA-A");
    snprintf(e.unit_name, sizeof(e.unit_name), "Xã Á");
    snprintf(e.counter, sizeof(e.counter), "Quầy 2");
    e.enrolled_at_ms = 42;
    return e;
}

/* ---- file ------------------------------------------------------------- */

static void test_file_is_private_and_read_only_open_never_creates(void **st)
{
    fixture_t *f = *st;
    char path[320], err[256], empty[300];
    struct stat s;
    syncdb_t *ro = NULL;

    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_equal(stat(path, &s), 0);
    assert_int_equal(s.st_mode & 0777, 0600);
    snprintf(empty, sizeof(empty), "%s/none", f->dir);
    assert_int_equal(syncdb_open(empty, 1, &ro, err, sizeof(err)),
                     SYNCDB_MISSING);
    assert_null(ro);
    assert_int_not_equal(access(empty, F_OK), 0);
}

static void test_enrollment_round_trip(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t in = enrollment("https://hub", "aa"), out;
    char err[256];
    syncdb_t *ro = NULL;
    int reset;

    assert_int_equal(syncdb_get_enrollment(f->db, &out), 0);
    assert_int_equal(syncdb_set_enrollment(f->db, &in, &reset), SYNCDB_OK);
    assert_int_equal(reset, 0);
    /* A reader without the lock sees it. */
    assert_int_equal(syncdb_open(f->dir, 1, &ro, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_get_enrollment(ro, &out), 1);
    syncdb_close(ro);
    assert_string_equal(out.hub_url, "https://hub");
    assert_string_equal(out.secret, in.secret);
    assert_string_equal(out.unit_name, "Xã Á");
    assert_string_equal(out.counter, "Quầy 2");
    assert_int_equal(out.enrolled_at_ms, 42);
}

/* A kiosk from before version 2 has its enrollment in the table of the
 * old spelling: sipasctl reads it as it is, and the first writer renames
 * it without losing a byte. */
static void test_version_1_file_is_read_and_migrated(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t in = enrollment("https://hub", "bb"), out;
    char path[320], err[256];
    sqlite3 *raw = NULL;
    sqlite3_stmt *q = NULL;
    syncdb_t *ro = NULL;
    int reset;

    assert_int_equal(syncdb_set_enrollment(f->db, &in, &reset), SYNCDB_OK);
    syncdb_close(f->db);
    f->db = NULL;
    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "ALTER TABLE enrollment RENAME TO enrolment;"
                                  "PRAGMA user_version=1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);

    assert_int_equal(syncdb_open(f->dir, 1, &ro, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_get_enrollment(ro, &out), 1);
    syncdb_close(ro);
    assert_string_equal(out.install_id, "bb");
    assert_string_equal(out.unit_name, "Xã Á");

    assert_int_equal(syncdb_open(f->dir, 0, &f->db, err, sizeof(err)),
                     SYNCDB_OK);
    memset(&out, 0, sizeof(out));
    assert_int_equal(syncdb_get_enrollment(f->db, &out), 1);
    assert_string_equal(out.install_id, "bb");
    assert_string_equal(out.secret, in.secret);
    assert_string_equal(out.counter, "Quầy 2");
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(raw,
                                        "SELECT (SELECT user_version FROM"
                                        " pragma_user_version),"
                                        " (SELECT group_concat(name) FROM"
                                        " sqlite_master WHERE name LIKE"
                                        " 'enrol%')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 2);
    assert_string_equal((const char *)sqlite3_column_text(q, 1),
                        "enrollment");
    sqlite3_finalize(q);
    sqlite3_close(raw);
}

static void commit_one_day(fixture_t *f, int64_t acked)
{
    syncdb_progress_t p;
    syncdb_day_t d = {"2026-11-20", 0, "{\"day\": \"2026-11-20\"}"};

    d.upto_seq = acked;
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    p.acked_seq = acked;
    p.last_ok_ms = 7;
    assert_int_equal(syncdb_commit_ack(f->db, &d, 1, &p), SYNCDB_OK);
}

/* The same hub again (a new code after a revocation) keeps the progress;
 * another hub or install id starts over. Either clears a block. */
static void test_enrolling_again(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t e = enrollment("https://hub", "aa");
    syncdb_progress_t p;
    int64_t n;
    int reset;

    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    commit_one_day(f, 10);
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    p.blocked = SYNCDB_BLOCKED_REVOKED;
    snprintf(p.last_error, sizeof(p.last_error), "revoked");
    p.failures = 3;
    assert_int_equal(syncdb_set_progress(f->db, &p), SYNCDB_OK);

    e.enrolled_at_ms = 43;
    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    assert_int_equal(reset, 0);
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    assert_int_equal(p.acked_seq, 10);
    assert_int_equal(p.blocked, 0);
    assert_int_equal(p.failures, 0);
    assert_string_equal(p.last_error, "");

    e = enrollment("https://other-hub", "aa");
    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    assert_int_equal(reset, 1);
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    assert_int_equal(p.acked_seq, 0);
    assert_int_equal(syncdb_count_days(f->db, &n), SYNCDB_OK);
    assert_int_equal(n, 0);
}

static void test_acknowledged_days(void **st)
{
    fixture_t *f = *st;
    syncdb_progress_t p;
    char *text = NULL;
    int64_t upto, n;

    commit_one_day(f, 5);
    commit_one_day(f, 9);
    assert_int_equal(syncdb_get_day(f->db, "2026-11-20", &text, &upto), 1);
    assert_string_equal(text, "{\"day\": \"2026-11-20\"}");
    assert_int_equal(upto, 9);
    free(text);
    assert_int_equal(syncdb_get_day(f->db, "2026-11-21", &text, &upto), 0);
    assert_null(text);
    assert_int_equal(syncdb_count_days(f->db, &n), SYNCDB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    assert_int_equal(p.acked_seq, 9);
    assert_int_equal(p.last_ok_ms, 7);
}

/* A busy day's acknowledged snapshot: some 55 KB of rows. */
#define BUSY_DAY_BYTES 55000
#define BUSY_DAYS 60
/* What opening and one answer may take beyond the page cache: the schema,
 * statements, and one snapshot read through its overflow pages. */
#define OPEN_SLACK_BYTES (384 * 1024)

static void commit_busy_days(fixture_t *f, int n)
{
    char *text = malloc(BUSY_DAY_BYTES + 32);
    char day[16];
    syncdb_progress_t p;
    syncdb_day_t d;
    int i;

    assert_non_null(text);
    memset(text, 'x', BUSY_DAY_BYTES);
    memcpy(text, "{\"rows\": \"", 10);
    snprintf(text + BUSY_DAY_BYTES, 32, "\"}");
    assert_int_equal(syncdb_get_progress(f->db, &p), SYNCDB_OK);
    for (i = 0; i < n; i++) {
        /* 28-day months: names without a calendar. */
        snprintf(day, sizeof(day), "2026-%02d-%02d", 3 + i / 28, 1 + i % 28);
        snprintf(d.day, sizeof(d.day), "%s", day);
        d.upto_seq = 300 * (int64_t)(i + 1);
        d.snapshot = text;
        p.acked_seq = d.upto_seq;
        p.last_ok_ms = 1772400000000 + (int64_t)i * 86400000;
        assert_int_equal(syncdb_commit_ack(f->db, &d, 1, &p), SYNCDB_OK);
    }
    free(text);
}

/* SQLite's most memory while db opens and answers: the writer's
 * quick_check at open and a reader's before its first answer read the
 * whole file. */
static int64_t open_and_answer_peak(const char *dir, int readonly)
{
    syncdb_enrollment_t e;
    syncdb_t *db = NULL;
    char err[256], *text = NULL;
    int64_t base, upto;

    base = sqlite3_memory_used();
    (void)sqlite3_memory_highwater(1);
    assert_int_equal(syncdb_open(dir, readonly, &db, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_get_enrollment(db, &e), 1);
    assert_int_equal(syncdb_get_day(db, "2026-03-01", &text, &upto), 1);
    assert_int_equal(strlen(text), BUSY_DAY_BYTES + 2);
    free(text);
    syncdb_close(db);
    return sqlite3_memory_highwater(0) - base;
}

/* Every acknowledged day stays in sync.db, so the file outgrows SQLite's
 * default page cache (2,000 KiB) within weeks; what a process holds while
 * it opens the file must not grow with it. */
static void test_page_cache_stays_capped_as_days_pile_up(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t e = enrollment("https://hub", "aa");
    char path[320];
    struct stat s;
    int64_t cap = (int64_t)SYNCDB_CACHE_KIB * 1024 + OPEN_SLACK_BYTES;
    int64_t n, peak;
    int reset;

    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    commit_busy_days(f, BUSY_DAYS);
    syncdb_close(f->db);
    f->db = NULL;
    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_equal(stat(path, &s), 0);
    assert_true(s.st_size > 3 * 1000 * 1024); /* well past 2,000 KiB */

    /* At least a full cache: the measure counts, and the check read. */
    peak = open_and_answer_peak(f->dir, 0);
    assert_in_range(peak, SYNCDB_CACHE_KIB * 1024 / 2, cap);
    peak = open_and_answer_peak(f->dir, 1);
    assert_in_range(peak, SYNCDB_CACHE_KIB * 1024 / 2, cap);
    /* Nothing was pruned to get there. */
    assert_int_equal(syncdb_open(f->dir, 1, &f->db, path, sizeof(path)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_count_days(f->db, &n), SYNCDB_OK);
    assert_int_equal(n, BUSY_DAYS);
}

/* An anchor, once recorded, never changes: a response never moves days. */
static void test_anchors_first_one_wins(void **st)
{
    fixture_t *f = *st;
    int found, known;
    int64_t v, n;

    assert_int_equal(syncdb_find_anchor(f->db, "boot-1", &found, &known, &v),
                     SYNCDB_OK);
    assert_false(found);
    assert_int_equal(syncdb_add_anchor(f->db, "boot-1", 1, 1000, "hub time",
                                       1), SYNCDB_OK);
    assert_int_equal(syncdb_add_anchor(f->db, "boot-1", 1, 2000, "hub time",
                                       2), SYNCDB_OK);
    assert_int_equal(syncdb_find_anchor(f->db, "boot-1", &found, &known, &v),
                     SYNCDB_OK);
    assert_true(found && known);
    assert_int_equal(v, 1000);
    assert_int_equal(syncdb_add_anchor(f->db, "boot-2", 0, 0, "none", 3),
                     SYNCDB_OK);
    assert_int_equal(syncdb_find_anchor(f->db, "boot-2", &found, &known, &v),
                     SYNCDB_OK);
    assert_true(found && !known);
    assert_int_equal(syncdb_count_anchors(f->db, &n), SYNCDB_OK);
    assert_int_equal(n, 1);
}

static void test_lock_is_exclusive(void **st)
{
    fixture_t *f = *st;
    char err[256];
    int fd = -1;

    /* The fixture holds it. */
    assert_int_equal(syncdb_lock(f->dir, 120, &fd, err, sizeof(err)),
                     SYNCDB_BUSY);
    assert_int_equal(fd, -1);
    assert_non_null(strstr(err, "another upload"));
    syncdb_unlock(f->fd);
    assert_int_equal(syncdb_lock(f->dir, 0, &f->fd, err, sizeof(err)),
                     SYNCDB_OK);
}

static void test_fingerprint_follows_writes(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t e = enrollment("https://hub", "aa");
    uint64_t a = syncdb_get_fingerprint(f->dir), b;
    char none[300];
    int reset;

    assert_true(a != 0);
    usleep(20000);
    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    b = syncdb_get_fingerprint(f->dir);
    assert_true(a != b);
    snprintf(none, sizeof(none), "%s/none", f->dir);
    assert_true(syncdb_get_fingerprint(none) == 0);
}

/* ---- snapshots: the text kept and uploaded --------------------------- */

static void test_snapshot_round_trip(void **st)
{
    static const agg_answer_t ans[] = {{"overall", "overall", "4"},
                                       {"reasons", "reasons", "cho-lau"}};
    agg_response_t r;
    agg_t *a = NULL, *b = NULL;
    agg_day_t d, d2;
    json_t *j, *j2;
    char *text;

    (void)st;
    memset(&r, 0, sizeof(r));
    r.wall_ms = INT64_C(1795107600000) + 3600000; /* 2026-11-20 */
    r.clock_synced = 1;
    r.unit = "XA-A";
    r.counter = "Quầy 1";
    r.field = "dat-dai";
    r.instrument = "sipas-short";
    r.version = 2;
    r.n_answers = 2;
    r.answers = ans;
    assert_int_equal(agg_create(&a, NULL), AGG_OK);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.partial = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.clock_synced = 0; /* estimated */
    r.suppressed = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    assert_int_equal(agg_get_day(a, 0, &d), AGG_OK);
    j = snapshot_build_day(&d);
    assert_non_null(j);
    text = json_dumps(j, JSON_COMPACT);
    /* A count row, four answer rows and four element rows (overall and
     * reasons, of the complete and of the partial response). */
    assert_int_equal(snapshot_count_rows(text), 9);
    assert_int_equal(json_array_size(json_object_get(j, "elements")), 4);
    assert_int_equal(json_integer_value(json_object_get(j, "estimated")), 1);

    assert_int_equal(agg_create(&b, NULL), AGG_OK);
    assert_int_equal(snapshot_load_day(b, "2026-11-20", text), AGG_OK);
    assert_int_equal(agg_get_day(b, 0, &d2), AGG_OK);
    j2 = snapshot_build_day(&d2);
    assert_true(json_equal(j, j2));
    /* Not this day's, or not a snapshot at all: refused, nothing added. */
    assert_int_equal(snapshot_load_day(b, "2026-11-21", text), AGG_EINVAL);
    assert_int_equal(snapshot_load_day(b, "2026-11-20", "[1, 2]"), AGG_EINVAL);
    assert_int_equal(snapshot_count_rows("{\"day\": 1}"), -1);
    assert_int_equal(agg_count_days(b), 1);
    free(text);
    /* A snapshot kept before element rows existed: the day's element
     * counts are unknown from then on, and none are sent. */
    agg_free(b);
    b = NULL;
    json_decref(j2);
    json_object_del(j, "elements");
    text = json_dumps(j, JSON_COMPACT);
    assert_int_equal(agg_create(&b, NULL), AGG_OK);
    assert_int_equal(snapshot_load_day(b, "2026-11-20", text), AGG_OK);
    r.suppressed = 0;
    r.clock_synced = 1;
    assert_int_equal(agg_add_response(b, &r, NULL, 0, NULL), AGG_OK);
    assert_int_equal(agg_get_day(b, 0, &d2), AGG_OK);
    assert_int_equal(d2.elements_known, 0);
    j2 = snapshot_build_day(&d2);
    assert_non_null(j2);
    assert_null(json_object_get(j2, "elements"));
    free(text);
    json_decref(j);
    json_decref(j2);
    agg_free(a);
    agg_free(b);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- a damaged file ----------------------------------------------------- */

enum damage { GARBAGE_HEADER, TRUNCATED, BAD_PAGE };

/* An enrolled sync.db, several pages long, closed, then damaged. */
static void enroll_and_damage(fixture_t *f, enum damage how)
{
    syncdb_enrollment_t e = enrollment("https://hub", "aa");
    char path[320], big[8192];
    syncdb_day_t day;
    syncdb_progress_t pg;
    struct stat s;
    FILE *fp;
    int reset, i;

    assert_int_equal(syncdb_set_enrollment(f->db, &e, &reset), SYNCDB_OK);
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memset(&pg, 0, sizeof(pg));
    for (i = 0; i < 8; i++) {
        snprintf(day.day, sizeof(day.day), "2026-11-%02d", i + 1);
        day.upto_seq = i;
        day.snapshot = big;
        assert_int_equal(syncdb_commit_ack(f->db, &day, 1, &pg), SYNCDB_OK);
    }
    syncdb_close(f->db); /* the last connection: the WAL goes into the file */
    f->db = NULL;
    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_equal(stat(path, &s), 0);
    assert_true(s.st_size > 8 * 4096);
    if (how == TRUNCATED) {
        assert_int_equal(truncate(path, s.st_size / 2), 0);
        return;
    }
    fp = fopen(path, "r+b");
    assert_non_null(fp);
    /* BAD_PAGE keeps the header and hits the tables' pages. */
    assert_int_equal(fseek(fp, how == GARBAGE_HEADER ? 0 : 4096, SEEK_SET), 0);
    for (i = 0; i < (how == GARBAGE_HEADER ? 100 : 3 * 4096); i++)
        assert_int_not_equal(fputc((i * 131 + 7) & 0xff, fp), EOF);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(stat(path, &s) == 0 && s.st_size > 0, 1);
}

/* Damage is an error, never "not enrolled", for the reader without the
 * lock (the kiosk, status) and the writer (uploads, provisioning), and
 * the writer leaves the file as it found it. */
static void check_damaged(fixture_t *f)
{
    syncdb_enrollment_t out;
    char err[256], path[320];
    syncdb_t *db = NULL;
    struct stat before, after;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", f->dir, SYNCDB_NAME);
    assert_int_equal(stat(path, &before), 0);
    rc = syncdb_open(f->dir, 1, &db, err, sizeof(err));
    if (rc == SYNCDB_OK) {
        rc = syncdb_get_enrollment(db, &out);
        if (rc < 0)
            snprintf(err, sizeof(err), "%s", syncdb_last_error(db));
        syncdb_close(db);
        db = NULL;
    }
    assert_true(rc < 0);
    assert_int_equal(rc, SYNCDB_DAMAGED);
    assert_non_null(strstr(err, SYNCDB_NAME));
    assert_int_equal(syncdb_open(f->dir, 0, &db, err, sizeof(err)),
                     SYNCDB_DAMAGED);
    assert_null(db);
    assert_int_equal(stat(path, &after), 0);
    assert_int_equal(after.st_size, before.st_size);
}

static void test_garbage_header_is_damage(void **st)
{
    enroll_and_damage(*st, GARBAGE_HEADER);
    check_damaged(*st);
}

static void test_truncated_file_is_damage(void **st)
{
    enroll_and_damage(*st, TRUNCATED);
    check_damaged(*st);
}

static void test_failing_quick_check_is_damage(void **st)
{
    enroll_and_damage(*st, BAD_PAGE);
    check_damaged(*st);
}

/* The repair: the damaged file is kept aside and a fresh one made. */
static void test_move_aside_then_fresh(void **st)
{
    fixture_t *f = *st;
    syncdb_enrollment_t out;
    char err[256], moved[SYNCDB_PATH_MAX + 48];
    struct stat s;

    enroll_and_damage(f, GARBAGE_HEADER);
    assert_int_equal(syncdb_move_aside(f->dir, moved, sizeof(moved), err,
                                       sizeof(err)),
                     SYNCDB_OK);
    assert_non_null(strstr(moved, "/sync.db.damaged-"));
    assert_int_equal(stat(moved, &s), 0);
    assert_int_equal(syncdb_open(f->dir, 0, &f->db, err, sizeof(err)),
                     SYNCDB_OK);
    assert_int_equal(syncdb_get_enrollment(f->db, &out), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_file_is_private_and_read_only_open_never_creates),
        T(test_enrollment_round_trip),
        T(test_enrolling_again),
        T(test_version_1_file_is_read_and_migrated),
        T(test_acknowledged_days),
        T(test_page_cache_stays_capped_as_days_pile_up),
        T(test_anchors_first_one_wins),
        T(test_lock_is_exclusive),
        T(test_fingerprint_follows_writes),
        T(test_garbage_header_is_damage),
        T(test_truncated_file_is_damage),
        T(test_failing_quick_check_is_damage),
        T(test_move_aside_then_fresh),
        cmocka_unit_test(test_snapshot_round_trip),
    };

    /* SQLite counts its memory only when asked before it starts; the
     * page cache test reads that count. */
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1) != SQLITE_OK)
        return 1;
    return cmocka_run_group_tests(tests, NULL, NULL);
}
