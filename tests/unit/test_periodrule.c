/*
 * Report periods under the calendar and under the data cut-off of Decree
 * 09/2019/NĐ-CP Art. 12: every kind, the year boundary, leap years, the
 * number of days each period holds, and periods of one kind tiling the
 * years without gap or overlap.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/periodrule.h"
#include "core/vntime.h"

#define DAY_MS INT64_C(86400000)

static void expect(periodrule_rule_t rule, periodrule_kind_t kind, int year,
                   int index, const char *want_from, const char *want_to)
{
    char from[PERIODRULE_DATE_MAX], to[PERIODRULE_DATE_MAX];

    assert_int_equal(periodrule_get_range(rule, kind, year, index, from, to),
                     0);
    assert_string_equal(from, want_from);
    assert_string_equal(to, want_to);
}

/* Days from from to to, both included. */
static int64_t count_days(periodrule_rule_t rule, periodrule_kind_t kind,
                          int year, int index)
{
    char from[PERIODRULE_DATE_MAX], to[PERIODRULE_DATE_MAX];

    assert_int_equal(periodrule_get_range(rule, kind, year, index, from, to),
                     0);
    return (vntime_parse_date(to) - vntime_parse_date(from)) / DAY_MS + 1;
}

static void test_calendar(void **state)
{
    (void)state;
    expect(PERIODRULE_CALENDAR, PERIODRULE_YEAR, 2026, 0, "2026-01-01",
           "2026-12-31");
    expect(PERIODRULE_CALENDAR, PERIODRULE_HALF, 2026, 1, "2026-01-01",
           "2026-06-30");
    expect(PERIODRULE_CALENDAR, PERIODRULE_HALF, 2026, 2, "2026-07-01",
           "2026-12-31");
    expect(PERIODRULE_CALENDAR, PERIODRULE_QUARTER, 2026, 1, "2026-01-01",
           "2026-03-31");
    expect(PERIODRULE_CALENDAR, PERIODRULE_QUARTER, 2026, 3, "2026-07-01",
           "2026-09-30");
    expect(PERIODRULE_CALENDAR, PERIODRULE_QUARTER, 2026, 4, "2026-10-01",
           "2026-12-31");
    expect(PERIODRULE_CALENDAR, PERIODRULE_MONTH, 2026, 2, "2026-02-01",
           "2026-02-28");
    /* Leap years: 2028 and 2000 (divisible by 400); 2100 is not one. */
    expect(PERIODRULE_CALENDAR, PERIODRULE_MONTH, 2028, 2, "2028-02-01",
           "2028-02-29");
    expect(PERIODRULE_CALENDAR, PERIODRULE_MONTH, 2000, 2, "2000-02-01",
           "2000-02-29");
    expect(PERIODRULE_CALENDAR, PERIODRULE_MONTH, 2100, 2, "2100-02-01",
           "2100-02-28");
    assert_int_equal(count_days(PERIODRULE_CALENDAR, PERIODRULE_YEAR, 2028, 0),
                     366);
    assert_int_equal(
        count_days(PERIODRULE_CALENDAR, PERIODRULE_QUARTER, 2028, 1), 91);
    assert_int_equal(
        count_days(PERIODRULE_CALENDAR, PERIODRULE_QUARTER, 2026, 1), 90);
}

static void test_decree_09(void **state)
{
    (void)state;
    /* Year: 15 December of the year before to 14 December. */
    expect(PERIODRULE_DECREE_09, PERIODRULE_YEAR, 2026, 0, "2025-12-15",
           "2026-12-14");
    /* Half years: 15 Dec - 14 Jun, 15 Jun - 14 Dec. */
    expect(PERIODRULE_DECREE_09, PERIODRULE_HALF, 2026, 1, "2025-12-15",
           "2026-06-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_HALF, 2026, 2, "2026-06-15",
           "2026-12-14");
    /* Quarters: the 15th of the month before to the 14th of the last. */
    expect(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2026, 1, "2025-12-15",
           "2026-03-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2026, 2, "2026-03-15",
           "2026-06-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2026, 3, "2026-06-15",
           "2026-09-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2026, 4, "2026-09-15",
           "2026-12-14");
    /* Months: the 15th of the month before to the 14th. */
    expect(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2026, 1, "2025-12-15",
           "2026-01-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2026, 3, "2026-02-15",
           "2026-03-14");
    expect(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2026, 12, "2026-11-15",
           "2026-12-14");
    /* The first year the rule can name starts in 1999. */
    expect(PERIODRULE_DECREE_09, PERIODRULE_YEAR, 2000, 0, "1999-12-15",
           "2000-12-14");
}

/* February's length moves into the cut-off periods that hold it. */
static void test_decree_09_leap_years(void **state)
{
    (void)state;
    /* 17 days of December, 31, 28 or 29, 14. */
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2026, 1), 90);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2028, 1), 91);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_QUARTER, 2100, 1), 90);
    /* The month "March" holds the end of February: 14 or 15 + 14 days. */
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2026, 3), 28);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2028, 3), 29);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_MONTH, 2000, 3), 29);
    /* The cut-off year 2028 holds 29 Feb 2028; 2029's holds none. */
    assert_int_equal(count_days(PERIODRULE_DECREE_09, PERIODRULE_YEAR, 2028, 0),
                     366);
    assert_int_equal(count_days(PERIODRULE_DECREE_09, PERIODRULE_YEAR, 2029, 0),
                     365);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_HALF, 2028, 1), 183);
    assert_int_equal(
        count_days(PERIODRULE_DECREE_09, PERIODRULE_HALF, 2028, 2), 183);
}

/* Under either rule, the periods of one kind follow each other day after
 * day from 2000 to 2100, and the smaller kinds tile the year exactly. */
static void test_periods_tile(void **state)
{
    static const struct {
        periodrule_kind_t kind;
        int n;
    } kinds[] = {{PERIODRULE_YEAR, 1},
                 {PERIODRULE_HALF, 2},
                 {PERIODRULE_QUARTER, 4},
                 {PERIODRULE_MONTH, 12}};
    char from[PERIODRULE_DATE_MAX], to[PERIODRULE_DATE_MAX];
    char yfrom[PERIODRULE_DATE_MAX], yto[PERIODRULE_DATE_MAX];
    int r, k, y, i;
    int64_t prev_to, days;

    (void)state;
    for (r = PERIODRULE_CALENDAR; r <= PERIODRULE_DECREE_09; r++)
        for (k = 0; k < 4; k++) {
            prev_to = -1;
            for (y = PERIODRULE_YEAR_MIN; y <= PERIODRULE_YEAR_MAX; y++) {
                assert_int_equal(periodrule_get_range(
                                     (periodrule_rule_t)r, PERIODRULE_YEAR,
                                     y, 0, yfrom, yto),
                                 0);
                days = 0;
                for (i = 1; i <= kinds[k].n; i++) {
                    assert_int_equal(
                        periodrule_get_range((periodrule_rule_t)r,
                                             kinds[k].kind, y, i, from, to),
                        0);
                    assert_true(vntime_parse_date(from) != -1);
                    assert_true(vntime_parse_date(to) >=
                                vntime_parse_date(from));
                    if (prev_to != -1)
                        assert_true(vntime_parse_date(from) ==
                                    prev_to + DAY_MS);
                    if (i == 1)
                        assert_string_equal(from, yfrom);
                    if (i == kinds[k].n)
                        assert_string_equal(to, yto);
                    prev_to = vntime_parse_date(to);
                    days += (prev_to - vntime_parse_date(from)) / DAY_MS + 1;
                }
                assert_int_equal(days, (vntime_parse_date(yto) -
                                        vntime_parse_date(yfrom)) /
                                               DAY_MS +
                                           1);
            }
        }
}

static void test_refuses(void **state)
{
    char from[PERIODRULE_DATE_MAX] = "x", to[PERIODRULE_DATE_MAX] = "x";
    periodrule_rule_t rule = PERIODRULE_CALENDAR;

    (void)state;
    assert_int_equal(periodrule_get_range(PERIODRULE_DECREE_09,
                                          PERIODRULE_QUARTER, 2026, 5, from,
                                          to),
                     -1);
    assert_string_equal(from, "");
    assert_string_equal(to, "");
    assert_int_equal(periodrule_get_range(PERIODRULE_DECREE_09,
                                          PERIODRULE_QUARTER, 2026, 0, from,
                                          to),
                     -1);
    assert_int_equal(periodrule_get_range(PERIODRULE_CALENDAR,
                                          PERIODRULE_HALF, 2026, 3, from, to),
                     -1);
    assert_int_equal(periodrule_get_range(PERIODRULE_CALENDAR,
                                          PERIODRULE_MONTH, 2026, 13, from,
                                          to),
                     -1);
    assert_int_equal(periodrule_get_range(PERIODRULE_CALENDAR,
                                          PERIODRULE_YEAR, 1999, 0, from, to),
                     -1);
    assert_int_equal(periodrule_get_range(PERIODRULE_DECREE_09,
                                          PERIODRULE_YEAR, 2101, 0, from, to),
                     -1);
    assert_int_equal(periodrule_get_range((periodrule_rule_t)7,
                                          PERIODRULE_YEAR, 2026, 0, from, to),
                     -1);
    assert_int_equal(periodrule_get_range(PERIODRULE_CALENDAR,
                                          (periodrule_kind_t)9, 2026, 1, from,
                                          to),
                     -1);
    assert_int_equal(periodrule_parse("decree-09", &rule), 0);
    assert_int_equal(rule, PERIODRULE_DECREE_09);
    assert_int_equal(periodrule_parse("calendar", &rule), 0);
    assert_int_equal(rule, PERIODRULE_CALENDAR);
    assert_int_equal(periodrule_parse("Decree-09", &rule), -1);
    assert_int_equal(periodrule_parse("", &rule), -1);
    assert_int_equal(periodrule_parse(NULL, &rule), -1);
    assert_int_equal(rule, PERIODRULE_CALENDAR);
    assert_string_equal(periodrule_get_name(PERIODRULE_DECREE_09),
                        "decree-09");
    assert_non_null(
        strstr(periodrule_get_label(PERIODRULE_DECREE_09), "09/2019/NĐ-CP"));
    assert_null(periodrule_get_name((periodrule_rule_t)2));
    assert_null(periodrule_get_label((periodrule_rule_t)2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_decree_09),
        cmocka_unit_test(test_decree_09_leap_years),
        cmocka_unit_test(test_periods_tile),
        cmocka_unit_test(test_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
