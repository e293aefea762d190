#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/vntime.h"

/* Reference instants, computed independently (Python zoneinfo). */
#define T_2024_02_29 INT64_C(1709139600000)  /* 2024-02-29T00:00+07 */
#define T_2000_02_29 INT64_C(951757200000)   /* 2000-02-29T00:00+07 */
#define T_2026_11_01 INT64_C(1793466000000)  /* 2026-11-01T00:00+07 */
#define T_2026_11_22 INT64_C(1795280400000)  /* 2026-11-22T00:00+07 */
#define T_2026_11_23 INT64_C(1795366800000)  /* 2026-11-23T00:00+07 */
#define T_2026_12_01 INT64_C(1796058000000)  /* 2026-12-01T00:00+07 */
#define T_2027_01_01 INT64_C(1798736400000)  /* 2027-01-01T00:00+07 */
#define T_2026_11_22_091503 INT64_C(1795313703000)

static void test_parse_leap_days(void **state)
{
    (void)state;
    assert_int_equal(vntime_parse_date("2024-02-29"), T_2024_02_29);
    assert_int_equal(vntime_parse_date("2000-02-29"), T_2000_02_29);
    assert_int_equal(vntime_parse_date("2023-02-29"), -1);
    assert_int_equal(vntime_parse_date("1900-02-29"), -1);
    assert_int_equal(vntime_parse_date("2100-02-29"), -1);
    assert_int_equal(vntime_parse_date("2023-02-28") + VNTIME_DAY_MS,
                     vntime_parse_date("2023-03-01"));
}

static void test_parse_rejects_bad_dates(void **state)
{
    static const char *const bad[] = {
        "2026-13-01", "2026-00-10", "2026-04-31", "2026-06-31",
        "2026-01-32", "2026-01-00", "0000-01-01", "2026-4-01",
        "2026-04-1",  "2026/04/01", "2026-04-01x", "2026-04-01 ",
        " 2026-04-01", "20260401",  "",           "2026-04",
        "2026-0a-01", "-026-04-01", "2026--4-01", "2026-04-+1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (vntime_parse_date(bad[i]) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(vntime_parse_date(NULL), -1);
}

static void test_parse_is_local_midnight(void **state)
{
    (void)state;
    /* Local midnight is 17:00 UTC the day before. */
    assert_int_equal(vntime_parse_date("1970-01-01"), -7 * 3600 * 1000);
    assert_int_equal(vntime_parse_date("2026-11-22"), T_2026_11_22);
    assert_int_equal(vntime_parse_date("2026-12-31") + VNTIME_DAY_MS,
                     T_2027_01_01);
    assert_int_equal(vntime_parse_date("0001-01-01"), VNTIME_MIN_MS);
    assert_int_equal(vntime_parse_date("9999-12-31") + VNTIME_DAY_MS - 1,
                     VNTIME_MAX_MS);
}

static void test_month_lengths(void **state)
{
    (void)state;
    assert_int_equal(vntime_get_month_days(2024, 2), 29);
    assert_int_equal(vntime_get_month_days(2025, 2), 28);
    assert_int_equal(vntime_get_month_days(2025, 4), 30);
    assert_int_equal(vntime_get_month_days(2025, 12), 31);
    assert_int_equal(vntime_get_month_days(2025, 13), 0);
    assert_int_equal(vntime_get_month_days(2025, 0), 0);
    assert_true(vntime_is_leap_year(2000));
    assert_false(vntime_is_leap_year(1900));
}

static void test_day_start_boundaries(void **state)
{
    (void)state;
    assert_int_equal(vntime_get_day_start(T_2026_11_22), T_2026_11_22);
    assert_int_equal(vntime_get_day_start(T_2026_11_23 - 1), T_2026_11_22);
    assert_int_equal(vntime_get_day_start(T_2026_11_23), T_2026_11_23);
    assert_int_equal(vntime_get_day_start(T_2026_11_22_091503),
                     T_2026_11_22);
    /* Before 1970: 1969-12-31T23:59:59.999Z is 06:59 on 1 January. */
    assert_int_equal(vntime_get_day_start(-1), -7 * 3600 * 1000);
    assert_int_equal(vntime_get_day_start(-7 * 3600 * 1000 - 1),
                     -7 * 3600 * 1000 - VNTIME_DAY_MS);
}

static void test_month_start_boundaries(void **state)
{
    (void)state;
    assert_int_equal(vntime_get_month_start(T_2026_11_22_091503),
                     T_2026_11_01);
    assert_int_equal(vntime_get_month_start(T_2026_12_01 - 1), T_2026_11_01);
    assert_int_equal(vntime_get_month_start(T_2026_12_01), T_2026_12_01);
    assert_int_equal(vntime_get_next_month_start(T_2026_11_01), T_2026_12_01);
    assert_int_equal(vntime_get_next_month_start(T_2026_12_01),
                     T_2027_01_01);
    assert_int_equal(vntime_get_next_month_start(T_2024_02_29),
                     vntime_parse_date("2024-03-01"));
}

static void test_format_iso(void **state)
{
    char buf[VNTIME_ISO_MAX];

    (void)state;
    assert_int_equal(vntime_format_iso(T_2026_11_22_091503, buf, sizeof(buf)),
                     0);
    assert_string_equal(buf, "2026-11-22T09:15:03+07:00");
    /* Milliseconds are dropped, not rounded up. */
    assert_int_equal(
        vntime_format_iso(T_2026_11_22_091503 + 999, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2026-11-22T09:15:03+07:00");
    assert_int_equal(vntime_format_iso(T_2026_11_23 - 1, buf, sizeof(buf)),
                     0);
    assert_string_equal(buf, "2026-11-22T23:59:59+07:00");
    assert_int_equal(vntime_format_iso(-1, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "1970-01-01T06:59:59+07:00");
    assert_int_equal(vntime_format_iso(INT64_MAX, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "9999-12-31T23:59:59+07:00");
}

static void test_format_date_and_stamp(void **state)
{
    char date[VNTIME_DATE_MAX], stamp[VNTIME_STAMP_MAX];

    (void)state;
    assert_int_equal(vntime_format_date(T_2026_11_23 - 1, date, sizeof(date)),
                     0);
    assert_string_equal(date, "2026-11-22");
    assert_int_equal(vntime_format_date(T_2026_11_23, date, sizeof(date)), 0);
    assert_string_equal(date, "2026-11-23");
    assert_int_equal(
        vntime_format_stamp(T_2026_11_22_091503, stamp, sizeof(stamp)), 0);
    assert_string_equal(stamp, "20261122-091503");
}

static void test_format_refuses_short_buffer(void **state)
{
    char buf[VNTIME_ISO_MAX];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(vntime_format_iso(T_2026_11_22_091503, buf,
                                       VNTIME_ISO_MAX - 1), -1);
    assert_string_equal(buf, "");
    assert_int_equal(vntime_format_date(T_2026_11_22, buf, 10), -1);
    assert_string_equal(buf, "");
    assert_int_equal(vntime_format_date(T_2026_11_22, buf, 0), -1);
}

static void test_split_fields(void **state)
{
    vntime_civil_t c;

    (void)state;
    vntime_split_ms(T_2026_11_22_091503 + 250, &c);
    assert_int_equal(c.year, 2026);
    assert_int_equal(c.month, 11);
    assert_int_equal(c.day, 22);
    assert_int_equal(c.hour, 9);
    assert_int_equal(c.minute, 15);
    assert_int_equal(c.second, 3);
    assert_int_equal(c.millis, 250);
    assert_int_equal(c.weekday, 0); /* a Sunday */
    assert_int_equal(vntime_join_ms(2026, 11, 22, 9, 15, 3),
                     T_2026_11_22_091503);
    /* Month 13 rolls into the next year, as documented. */
    assert_int_equal(vntime_join_ms(2026, 13, 1, 0, 0, 0), T_2027_01_01);
}

/* Every day over three decades: midday formats to the date whose parse is
 * that day's midnight, 24 h after the previous one (no DST anywhere). */
static void test_round_trip_every_day(void **state)
{
    char date[VNTIME_DATE_MAX];
    int64_t t = vntime_parse_date("1999-01-01");
    int64_t end = vntime_parse_date("2031-01-01");

    (void)state;
    for (; t < end; t += VNTIME_DAY_MS) {
        assert_int_equal(vntime_format_date(t + 12 * 3600 * 1000, date,
                                            sizeof(date)), 0);
        assert_int_equal(vntime_parse_date(date), t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_leap_days),
        cmocka_unit_test(test_parse_rejects_bad_dates),
        cmocka_unit_test(test_parse_is_local_midnight),
        cmocka_unit_test(test_month_lengths),
        cmocka_unit_test(test_day_start_boundaries),
        cmocka_unit_test(test_month_start_boundaries),
        cmocka_unit_test(test_format_iso),
        cmocka_unit_test(test_format_date_and_stamp),
        cmocka_unit_test(test_format_refuses_short_buffer),
        cmocka_unit_test(test_split_fields),
        cmocka_unit_test(test_round_trip_every_day),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
