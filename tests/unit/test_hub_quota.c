/*
 * Hub quotas: the arithmetic of the per-kiosk upload bucket and row
 * quotas (pure), the disk reserve (the real filesystem and the injected
 * figure), and uploads held to the quotas on a real SQLite file: a
 * refused upload writes nothing, re-sending held days always passes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "core/vntime.h"
#include "hub/api/handler.h"
#include "hub/api/reply.h"
#include "hub/base/crypto.h"
#include "hub/base/disk.h"
#include "hub/base/quota.h"
#include "hub/store/db.h"
#include "hub/store/db_sql.h"
#include "hub/store/kiosks.h"
#include "hub/store/units.h"

#include "testutil.h"

#define K1 "9f2c00000000000000000000000000a1"
#define K2 "9f2c00000000000000000000000000b2"
#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

/* ---- the upload bucket -------------------------------------------------- */

static void test_bucket_refills_at_its_rate(void **state)
{
    hub_quota_limits_t lim = {1000, 0, 0};
    hub_quota_usage_t u;
    int i;

    (void)state;
    hub_quota_usage_init(&u, 5000);
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 600, 5000), 0);
    /* 400 left; 600 more need 200 bytes: a fifth of an hour. */
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 600, 5000), 720000);
    assert_int_equal(u.tokens, 400); /* a refusal takes nothing */
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 600, 5000 + 719000), 3600);
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 600, 5000 + 720000), 0);
    assert_int_equal(u.tokens, 0);
    /* Asked every second at 1,000 bytes an hour (a byte every 3.6 s):
     * the fractions add up, 100 bytes come in 360 s. */
    for (i = 1; i <= 359; i++)
        assert_true(hub_quota_take_bytes(&lim, &u, 100, 725000 + i * 1000) > 0);
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 100, 725000 + 360000), 0);
    /* A clock that goes back refills nothing. */
    assert_true(hub_quota_take_bytes(&lim, &u, 1, 0) > 0);
    /* Idle for days: full, never more. */
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 1000, 10 * DAY_MS), 0);
    assert_true(hub_quota_take_bytes(&lim, &u, 1, 10 * DAY_MS) > 0);
}

static void test_bucket_edges(void **state)
{
    hub_quota_limits_t off = {0, 0, 0}, lim = {1000, 0, 0},
                       huge = {HUB_QUOTA_BYTES_MAX, 0, 0};
    hub_quota_usage_t u;

    (void)state;
    hub_quota_usage_init(&u, 0);
    assert_int_equal(hub_quota_take_bytes(&off, &u, INT64_MAX, 0), 0);
    /* A body larger than the bucket waits for a full bucket, not for
     * ever. */
    hub_quota_usage_init(&u, 0);
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 5000, 0), 0);
    assert_int_equal(hub_quota_take_bytes(&lim, &u, 5000, 0), HOUR_MS);
    /* The largest limit: no overflow after an hour's refill. */
    hub_quota_usage_init(&u, 0);
    assert_int_equal(hub_quota_take_bytes(&huge, &u, HUB_QUOTA_BYTES_MAX, 0),
                     0);
    assert_int_equal(
        hub_quota_take_bytes(&huge, &u, HUB_QUOTA_BYTES_MAX, HOUR_MS), 0);
}

/* ---- the row quotas ------------------------------------------------------- */

static void test_rows_day_and_total(void **state)
{
    hub_quota_limits_t lim = {0, 100, 250};
    hub_quota_usage_t u;

    (void)state;
    hub_quota_usage_init(&u, 0);
    u.held = 0;
    assert_int_equal(hub_quota_check_rows(&lim, &u, 7, 0, 100), HUB_QUOTA_OK);
    hub_quota_add_rows(&u, 7, 0, 100);
    assert_int_equal(hub_quota_check_rows(&lim, &u, 7, 0, 1), HUB_QUOTA_DAY);
    /* Replacing days with as many rows or fewer: always allowed. */
    assert_int_equal(hub_quota_check_rows(&lim, &u, 7, 100, 100),
                     HUB_QUOTA_OK);
    assert_int_equal(hub_quota_check_rows(&lim, &u, 7, 100, 40),
                     HUB_QUOTA_OK);
    /* Shrinking gives no credit for growing again the same day. */
    hub_quota_add_rows(&u, 7, 60, 0);
    assert_int_equal(u.held, 40);
    assert_int_equal(hub_quota_check_rows(&lim, &u, 7, 0, 1), HUB_QUOTA_DAY);
    /* A new day starts afresh; the total still holds. */
    assert_int_equal(hub_quota_check_rows(&lim, &u, 8, 0, 100),
                     HUB_QUOTA_OK);
    hub_quota_add_rows(&u, 8, 0, 100);
    hub_quota_add_rows(&u, 9, 0, 100);
    assert_int_equal(u.held, 240);
    assert_int_equal(hub_quota_check_rows(&lim, &u, 10, 0, 11),
                     HUB_QUOTA_TOTAL);
    assert_int_equal(hub_quota_check_rows(&lim, &u, 10, 5, 15),
                     HUB_QUOTA_OK);
    lim.rows_day = lim.rows_total = 0;
    assert_int_equal(hub_quota_check_rows(&lim, &u, 10, 0, INT64_C(1) << 40),
                     HUB_QUOTA_OK);
}

static void test_hub_day_is_vietnams(void **state)
{
    /* 2026-11-22 00:00 in Vietnam is 2026-11-21 17:00 UTC. */
    int64_t midnight = vntime_parse_date("2026-11-22");

    (void)state;
    assert_int_equal(hub_quota_day_of(midnight) - hub_quota_day_of(midnight - 1),
                     1);
    assert_int_equal(hub_quota_day_of(midnight + DAY_MS - 1),
                     hub_quota_day_of(midnight));
    assert_int_equal(hub_quota_secs_to_next_day(midnight - 1000), 1);
    assert_int_equal(hub_quota_secs_to_next_day(midnight), 86400);
    assert_int_equal(hub_quota_secs_to_next_day(midnight + 12 * HOUR_MS),
                     43200);
}

static void test_table_keeps_kiosks_apart(void **state)
{
    hub_quota_limits_t lim = {1000, 10, 0};
    hub_quota_t *q = hub_quota_new(&lim, 2);
    int64_t held;

    (void)state;
    assert_non_null(q);
    assert_int_equal(hub_quota_take_upload(q, K1, 1000, 0), 0);
    assert_int_equal(hub_quota_take_upload(q, K1, 1, 0), 4); /* 3.6 s */
    assert_int_equal(hub_quota_take_upload(q, K2, 1000, 0), 0);
    /* A third kiosk finds no room: asked to come back, never let in
     * unmetered. */
    assert_int_equal(hub_quota_take_upload(q, "other", 1, 0), 60);
    assert_int_equal(hub_quota_check_write(q, "other", 0, 0, 1),
                     HUB_QUOTA_TABLE);
    assert_int_equal(hub_quota_get_held(q, K1, &held), 0);
    hub_quota_set_held(q, K1, 5);
    assert_int_equal(hub_quota_get_held(q, K1, &held), 1);
    assert_int_equal(held, 5);
    assert_int_equal(hub_quota_check_write(q, K1, 0, 0, 10), HUB_QUOTA_OK);
    hub_quota_add_write(q, K1, 0, 0, 10);
    assert_int_equal(hub_quota_check_write(q, K1, 0, 0, 1), HUB_QUOTA_DAY);
    hub_quota_set_held(q, K2, 0);
    assert_int_equal(hub_quota_check_write(q, K2, 0, 0, 10), HUB_QUOTA_OK);
    hub_quota_free(q);
}

/* ---- the disk ------------------------------------------------------------- */

static void test_disk_real_and_injected(void **state)
{
    char root[256];
    struct statvfs sv;
    int64_t free_kb, size_kb, want;

    (void)state;
    assert_int_equal(testutil_make_tmpdir(root, sizeof(root), "sipas-disk"),
                     0);
    assert_int_equal(unsetenv("SIPAS_HUB_DISK_FREE_KB"), 0);
    assert_int_equal(hub_disk_get_space(root, &free_kb, &size_kb), 0);
    assert_int_equal(statvfs(root, &sv), 0);
    want = (int64_t)((uint64_t)sv.f_blocks * sv.f_frsize / 1024);
    assert_int_equal(size_kb, want);
    assert_true(free_kb > 0 && free_kb <= size_kb);
    assert_int_equal(setenv("SIPAS_HUB_DISK_FREE_KB", "123", 1), 0);
    assert_int_equal(hub_disk_get_space(root, &free_kb, &size_kb), 0);
    assert_int_equal(free_kb, 123);
    assert_int_equal(size_kb, want);
    /* Anything but a number is ignored. */
    assert_int_equal(setenv("SIPAS_HUB_DISK_FREE_KB", "12x", 1), 0);
    assert_int_equal(hub_disk_get_space(root, &free_kb, &size_kb), 0);
    assert_true(free_kb != 12);
    assert_int_equal(unsetenv("SIPAS_HUB_DISK_FREE_KB"), 0);
    assert_int_equal(hub_disk_get_space("/no/such/dir", &free_kb, &size_kb),
                     -1);
    /* 5%, at most 512 MiB. */
    assert_int_equal(hub_disk_default_reserve_kb(INT64_C(1024) * 1024),
                     INT64_C(52425));
    assert_int_equal(hub_disk_default_reserve_kb(INT64_C(100) << 20),
                     INT64_C(512) * 1024);
    assert_int_equal(testutil_remove_tree(root), 0);
}

/* ---- uploads held to the quotas, on a real database ------------------------ */

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_db_t *db;
    hub_reply_t r;
    int64_t now;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    hub_db_options_t opt = {1, 1, 0};
    unsigned char hash[HUB_SHA256_LEN];

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->root, sizeof(f->root), "sipas-quota") != 0)
        return -1;
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (hub_db_open(f->db_path, &opt, &f->db) != HUB_OK)
        return -1;
    f->now = vntime_parse_date("2026-11-22") + 12 * HOUR_MS;
    if (hub_db_begin_write(f->db) != HUB_OK ||
        hub_units_add(f->db, "XA-MINHTAN", "UBND xã Minh Tân", NULL, 1) !=
            HUB_OK ||
        hub_crypto_hash_text("secret", hash) != 0 ||
        hub_kiosks_enroll(f->db, K1, "XA-MINHTAN", "Quầy 1", "0.1.0", hash,
                          1) != HUB_OK ||
        hub_kiosks_enroll(f->db, K2, "XA-MINHTAN", "Quầy 2", "0.1.0", hash,
                          1) != HUB_OK ||
        hub_db_commit(f->db) != HUB_OK)
        return -1;
    hub_reply_init(&f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc;

    hub_reply_clear(&f->r);
    hub_db_close(f->db);
    rc = testutil_remove_tree(f->root);
    free(f);
    return rc;
}

/* An upload of n_days days from first_day, each with one response row and
 * rows - 1 answer rows. */
static char *make_upload(const char *kiosk, int64_t seq, int first_day,
                         int n_days, int rows)
{
    json_t *days = json_array(), *root;
    char day[16], question[32];
    char *text;
    int d, i;

    assert_non_null(days);
    for (d = 0; d < n_days; d++) {
        json_t *resp = json_array(), *ans = json_array();

        snprintf(day, sizeof(day), "2026-%02d-%02d", 1 + (first_day + d) / 28,
                 1 + (first_day + d) % 28);
        assert_int_equal(
            json_array_append_new(
                resp, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i,"
                                " s:i}", "unit", "XA-MINHTAN", "counter", "Q1",
                                "officer", "CB1", "field", "", "instrument",
                                "sipas-short", "version", 1, "complete", 5,
                                "partial", 0, "suppressed", 0)),
            0);
        for (i = 1; i < rows; i++) {
            snprintf(question, sizeof(question), "q%d", i);
            assert_int_equal(
                json_array_append_new(
                    ans, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s,"
                                   " s:s, s:s, s:i}", "unit", "XA-MINHTAN",
                                   "counter", "Q1", "officer", "CB1", "field",
                                   "", "instrument", "sipas-short", "version",
                                   1, "partial", 0, "question", question,
                                   "element", question, "answer", "5", "n",
                                   1)),
                0);
        }
        assert_int_equal(
            json_array_append_new(days,
                                  json_pack("{s:s, s:i, s:o, s:o}", "day", day,
                                            "estimated", 0, "responses", resp,
                                            "answers", ans)),
            0);
    }
    snprintf(question, sizeof(question), "up:%lld", (long long)seq);
    root = json_pack("{s:s, s:s, s:I, s:o}", "install_id", kiosk, "upload_id",
                     question, "upto_seq", (json_int_t)seq, "days", days);
    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

static int upload(fixture_t *f, hub_quota_t *q, const char *kiosk,
                  int64_t seq, int first_day, int n_days, int rows)
{
    char *body = make_upload(kiosk, seq, first_day, n_days, rows);
    int status;

    hub_reply_clear(&f->r);
    status = hub_ingest_apply_quota(f->db, q, kiosk, body, strlen(body),
                                    f->now, &f->r);
    free(body);
    return status;
}

static int64_t rows_of(fixture_t *f, const char *kiosk)
{
    char sql[256];
    sqlite3_stmt *st = NULL;
    int64_t v;

    snprintf(sql, sizeof(sql),
             "SELECT (SELECT count(*) FROM day_responses WHERE install_id ="
             " '%s') + (SELECT count(*) FROM day_answers WHERE install_id ="
             " '%s')", kiosk, kiosk);
    assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn, sql, -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_new_days_in_a_loop_stop_at_the_day_quota(void **state)
{
    fixture_t *f = *state;
    hub_quota_limits_t lim = {0, 1000, 0};
    hub_quota_t *q = hub_quota_new(&lim, 16);
    int i, accepted = 0;

    assert_non_null(q);
    /* The attack: every upload 2 new days of 200 rows. */
    for (i = 0; i < 10; i++) {
        int s = upload(f, q, K1, 10 + i, 2 * i, 2, 200);

        if (s == 200) {
            accepted++;
            continue;
        }
        assert_int_equal(s, 429);
        assert_string_equal(f->r.error, "quota-exceeded");
        assert_int_equal(f->r.retry_after_s, 43200); /* to midnight */
        assert_non_null(strstr(f->r.message, "1000 rows for today"));
    }
    assert_int_equal(accepted, 2);
    assert_int_equal(rows_of(f, K1), 800); /* nothing of a refused one */
    /* Re-sending held days passes at the quota, and another kiosk is not
     * touched by this one's. */
    assert_int_equal(upload(f, q, K1, 30, 0, 2, 200), 200);
    assert_int_equal(upload(f, q, K2, 10, 0, 4, 250), 200);
    /* Tomorrow the kiosk may add rows again. */
    f->now += DAY_MS;
    assert_int_equal(upload(f, q, K1, 31, 40, 2, 200), 200);
    assert_int_equal(rows_of(f, K1), 1200);
    hub_quota_free(q);
}

static void test_total_counts_what_the_database_holds(void **state)
{
    fixture_t *f = *state;
    hub_quota_limits_t lim = {0, 0, 1000};
    hub_quota_t *q = hub_quota_new(&lim, 16);

    assert_non_null(q);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 4, 200), 200);
    /* A new table (a restarted hub) counts the 800 rows held. */
    assert_int_equal(upload(f, q, K1, 11, 4, 1, 200), 200);
    assert_int_equal(upload(f, q, K1, 12, 5, 1, 1), 429);
    assert_string_equal(f->r.error, "quota-exceeded");
    assert_int_equal(f->r.retry_after_s, 3600);
    assert_non_null(strstr(f->r.message, "--quota-rows-total"));
    /* Replacing a day by a smaller one makes room. */
    assert_int_equal(upload(f, q, K1, 13, 0, 1, 100), 200);
    assert_int_equal(upload(f, q, K1, 14, 5, 1, 100), 200);
    assert_int_equal(rows_of(f, K1), 1000);
    hub_quota_free(q);
}

static void test_busy_counter_never_refused_by_defaults(void **state)
{
    fixture_t *f = *state;
    /* serve's defaults */
    hub_quota_limits_t lim = {INT64_C(256) << 20, 1000000, 20000000};
    hub_quota_t *q = hub_quota_new(&lim, 16);
    int pass, i;

    assert_non_null(q);
    /* 60 days of a busy counter (600 rows a day: 300 responses on the
     * short survey over a few officers; the end-to-end test sends more),
     * in uploads of 4 days, sent twice. */
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < 15; i++)
            assert_int_equal(upload(f, q, K1, 100 * (pass + 1) + i, 4 * i, 4,
                                    600),
                             200);
    assert_int_equal(rows_of(f, K1), 36000);
    hub_quota_free(q);
}

static void test_disk_reserve_refuses_writes(void **state)
{
    fixture_t *f = *state;
    int64_t free_kb, reserve_kb;
    int short_of_room;

    hub_db_set_reserve(f->db, INT64_C(1) << 50); /* more than any disk */
    assert_int_equal(hub_db_is_short_of_room(f->db, &free_kb, &reserve_kb),
                     1);
    assert_true(free_kb > 0);
    hub_db_lock(f->db);
    assert_int_equal(hub_db_begin_write(f->db), HUB_FULL);
    assert_non_null(strstr(hub_db_last_error(f->db), "below the reserve"));
    hub_db_unlock(f->db);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 1, 3), 503);
    assert_string_equal(f->r.error, "storage-full");
    assert_int_equal(rows_of(f, K1), 0);
    /* The default reserve of this filesystem, and none. */
    hub_db_set_reserve(f->db, -1);
    short_of_room = hub_db_is_short_of_room(f->db, &free_kb, &reserve_kb);
    assert_int_equal(short_of_room, free_kb < reserve_kb);
    assert_true(reserve_kb > 0 && reserve_kb <= HUB_DISK_RESERVE_MAX_KB);
    hub_db_set_reserve(f->db, 0);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 1, 3), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_refills_at_its_rate),
        cmocka_unit_test(test_bucket_edges),
        cmocka_unit_test(test_rows_day_and_total),
        cmocka_unit_test(test_hub_day_is_vietnams),
        cmocka_unit_test(test_table_keeps_kiosks_apart),
        cmocka_unit_test(test_disk_real_and_injected),
        cmocka_unit_test_setup_teardown(
            test_new_days_in_a_loop_stop_at_the_day_quota, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_total_counts_what_the_database_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_busy_counter_never_refused_by_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disk_reserve_refuses_writes,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
