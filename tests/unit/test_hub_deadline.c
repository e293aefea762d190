/* When the hub cuts a slow client: each deadline exactly at its edge, the
 * minimum rate only after its grace, no deadline while the hub works, and
 * a kept-alive connection starting over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hub/http/deadline.h"

#define T0 1000000 /* any monotonic start: nothing depends on its value */

static const hub_deadline_limits_t LIMITS = {10000, 120000, 256};

static void test_head_deadline_is_exact(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0), HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 10000),
                     HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 10001),
                     HUB_DEADLINE_HEAD_LATE);
}

/* The request deadline counts from the head's start, not the body's: a
 * client cannot take 10 s for the head and then 120 s more for the body. */
static void test_request_deadline_counts_the_head(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_body(&d, T0 + 9000);
    hub_deadline_add_body(&d, 1024 * 1024);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 120000),
                     HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 120001),
                     HUB_DEADLINE_REQUEST_LATE);
}

static void test_min_rate_after_grace(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_body(&d, T0 + 1000);
    /* Nothing at all during the grace is allowed: a slow start. */
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 11000),
                     HUB_DEADLINE_OK);
    /* 20 s into the body: 256 B/s means 5120 bytes. */
    hub_deadline_add_body(&d, 5120);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 21000),
                     HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 21001),
                     HUB_DEADLINE_TOO_SLOW);
    hub_deadline_add_body(&d, 1);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 21001),
                     HUB_DEADLINE_OK);
}

static void test_min_rate_zero_is_off(void **state)
{
    hub_deadline_limits_t l = LIMITS;
    hub_deadline_t d;

    (void)state;
    l.min_rate = 0;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_body(&d, T0);
    assert_int_equal(hub_deadline_check(&d, &l, T0 + 119000),
                     HUB_DEADLINE_OK);
}

/* A request waiting on the database lock is the hub's time. */
static void test_work_has_no_deadline(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_body(&d, T0 + 100);
    hub_deadline_begin_work(&d, T0 + 200);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 3600000),
                     HUB_DEADLINE_OK);
}

static void test_reply_must_be_taken(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_work(&d, T0 + 100);
    hub_deadline_begin_reply(&d, T0 + 50000);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 170000),
                     HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 170001),
                     HUB_DEADLINE_REPLY_LATE);
}

/* The next request on a kept-alive connection starts afresh. */
static void test_keep_alive_starts_over(void **state)
{
    hub_deadline_t d;

    (void)state;
    hub_deadline_begin_head(&d, T0);
    hub_deadline_begin_body(&d, T0 + 100);
    hub_deadline_add_body(&d, 777);
    hub_deadline_begin_reply(&d, T0 + 200);
    hub_deadline_begin_head(&d, T0 + 300);
    assert_int_equal(d.body_bytes, 0);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 10300),
                     HUB_DEADLINE_OK);
    assert_int_equal(hub_deadline_check(&d, &LIMITS, T0 + 10301),
                     HUB_DEADLINE_HEAD_LATE);
}

static void test_describe(void **state)
{
    (void)state;
    assert_string_equal(hub_deadline_describe(HUB_DEADLINE_HEAD_LATE),
                        "request headers not complete in time");
    assert_string_equal(hub_deadline_describe(HUB_DEADLINE_TOO_SLOW),
                        "request body below the minimum rate");
    assert_string_equal(hub_deadline_describe(HUB_DEADLINE_OK), "in time");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head_deadline_is_exact),
        cmocka_unit_test(test_request_deadline_counts_the_head),
        cmocka_unit_test(test_min_rate_after_grace),
        cmocka_unit_test(test_min_rate_zero_is_off),
        cmocka_unit_test(test_work_has_no_deadline),
        cmocka_unit_test(test_reply_must_be_taken),
        cmocka_unit_test(test_keep_alive_starts_over),
        cmocka_unit_test(test_describe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
