/*
 * Hub quotas: the arithmetic of the per-kiosk upload bucket and row
 * quotas (pure), and the disk's free space (the real filesystem and the
 * injected figure). Uploads held to them on a real database are in
 * test_hub_ingest.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "core/vntime.h"

#include "hub/base/disk.h"
#include "hub/base/quota.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_refills_at_its_rate),
        cmocka_unit_test(test_bucket_edges),
        cmocka_unit_test(test_rows_day_and_total),
        cmocka_unit_test(test_hub_day_is_vietnams),
        cmocka_unit_test(test_table_keeps_kiosks_apart),
        cmocka_unit_test(test_disk_real_and_injected),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
