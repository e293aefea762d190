#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "report/report_model.h"

/* Reason shares: hundredths from the integer counts, half away from zero,
 * the rule of every figure the hub sends. */
static void test_share_centi_ties(void **state)
{
    (void)state;
    assert_int_equal(report_get_share_centi(5, 32), 1563);  /* 15.625 */
    assert_int_equal(report_get_share_centi(22, 64), 3438); /* 34.375 */
    assert_int_equal(report_get_share_centi(6, 64), 938);   /* 9.375 */
    assert_int_equal(report_get_share_centi(7, 40), 1750);  /* 17.5 */
    assert_int_equal(report_get_share_centi(1, 3), 3333);
    assert_int_equal(report_get_share_centi(0, 9), 0);
    assert_int_equal(report_get_share_centi(9, 9), 10000);
    /* No share without a total, or with a count outside it. */
    assert_int_equal(report_get_share_centi(1, 0), -1);
    assert_int_equal(report_get_share_centi(6, 5), -1);
    assert_int_equal(report_get_share_centi(-1, 5), -1);
}

/* The PDF's one decimal is rounded once from the counts: 4 of 64 is
 * 6.25% and reads 6,3 (printf's "%.1f" gives 6.2), and 15.249% never
 * becomes 15,3 through 15.25. */
static void test_share_one_decimal(void **state)
{
    char buf[32];

    (void)state;
    report_format_share(4, 64, buf, sizeof(buf));
    assert_string_equal(buf, "6,3");
    report_format_share(5, 32, buf, sizeof(buf));
    assert_string_equal(buf, "15,6");
    report_format_share(1, 8, buf, sizeof(buf));
    assert_string_equal(buf, "12,5");
    report_format_share(1, 400, buf, sizeof(buf)); /* 0.25 */
    assert_string_equal(buf, "0,3");
    report_format_share(15249, 100000, buf, sizeof(buf));
    assert_string_equal(buf, "15,2");
    report_format_share(3, 3, buf, sizeof(buf));
    assert_string_equal(buf, "100,0");
    report_format_share(0, 0, buf, sizeof(buf));
    assert_string_equal(buf, REPORT_NO_DATA);
    report_format_share(2, 1, buf, sizeof(buf));
    assert_string_equal(buf, REPORT_NO_DATA);
}

static void test_small_mark(void **state)
{
    report_group_t g;

    (void)state;
    memset(&g, 0, sizeof(g));
    g.responses = REPORT_SMALL_GROUP - 1;
    assert_string_equal(report_get_small_mark(&g), "*");
    g.responses = 0;
    assert_string_equal(report_get_small_mark(&g), "*");
    g.responses = REPORT_SMALL_GROUP;
    assert_string_equal(report_get_small_mark(&g), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_share_centi_ties),
        cmocka_unit_test(test_share_one_decimal),
        cmocka_unit_test(test_small_mark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
