#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/backoff.h"

/* A random source that hands out a fixed value. */
static uint64_t fixed_random(void *ctx)
{
    return *(const uint64_t *)ctx;
}

/* xorshift64*: a real spread of values, repeatable. */
static uint64_t xorshift_random(void *ctx)
{
    uint64_t *s = ctx;

    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static void test_defaults(void **state)
{
    backoff_t b;

    (void)state;
    backoff_init(&b, 0, 0);
    assert_int_equal(b.base_ms, 2000);
    assert_int_equal(b.cap_ms, 15 * 60 * 1000);
    assert_int_equal(b.failures, 0);
    assert_int_equal(backoff_get_ceiling(&b), 0);
    /* A cap below the base is raised to it. */
    backoff_init(&b, 5000, 1000);
    assert_int_equal(b.cap_ms, 5000);
}

static void test_ceiling_doubles_to_cap(void **state)
{
    const int64_t want[] = {2000,   4000,   8000,   16000,  32000,  64000,
                            128000, 256000, 512000, 900000, 900000, 900000};
    uint64_t zero = 0;
    backoff_t b;
    size_t i;

    (void)state;
    backoff_init(&b, 0, 0);
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        backoff_next_delay(&b, -1, fixed_random, &zero);
        assert_int_equal(backoff_get_ceiling(&b), want[i]);
    }
}

static void test_many_failures_do_not_overflow(void **state)
{
    uint64_t all = UINT64_MAX;
    backoff_t b;
    int64_t d = 0;
    int i;

    (void)state;
    backoff_init(&b, 0, 0);
    for (i = 0; i < 10000; i++) {
        d = backoff_next_delay(&b, -1, fixed_random, &all);
        assert_true(d >= 0 && d <= BACKOFF_CAP_MS);
    }
    assert_int_equal(b.failures, BACKOFF_FAILURES_MAX);
    assert_int_equal(backoff_get_ceiling(&b), BACKOFF_CAP_MS);
}

static void test_jitter_bounds_are_inclusive(void **state)
{
    uint64_t v;
    backoff_t b;

    (void)state;
    /* The window is [0, ceiling]: both ends reachable. */
    backoff_init(&b, 0, 0);
    v = 0;
    assert_int_equal(backoff_next_delay(&b, -1, fixed_random, &v), 0);
    backoff_reset(&b);
    v = 2000;
    assert_int_equal(backoff_next_delay(&b, -1, fixed_random, &v), 2000);
    backoff_reset(&b);
    v = 2001;
    assert_int_equal(backoff_next_delay(&b, -1, fixed_random, &v), 0);
}

static void test_jitter_spreads_over_the_window(void **state)
{
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    int64_t lo = INT64_MAX, hi = -1, d, ceiling;
    long long sum = 0;
    backoff_t b;
    int i, n = 20000;

    (void)state;
    backoff_init(&b, 0, 0);
    b.failures = 4; /* the next delay is the fifth failure's: 32 s */
    for (i = 0; i < n; i++) {
        d = backoff_next_delay(&b, -1, xorshift_random, &seed);
        ceiling = backoff_get_ceiling(&b);
        b.failures = 4;
        assert_int_equal(ceiling, 32000);
        assert_true(d >= 0 && d <= ceiling);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        sum += d;
    }
    /* Full jitter: the whole window is used, the mean near its middle. */
    assert_true(lo < 320);
    assert_true(hi > 31680);
    assert_true(sum / n > 15000 && sum / n < 17000);
}

static void test_retry_after_is_honoured(void **state)
{
    uint64_t zero = 0, all = UINT64_MAX;
    backoff_t b;

    (void)state;
    backoff_init(&b, 0, 0);
    /* The hub's word wins over a shorter jitter ... */
    assert_int_equal(backoff_next_delay(&b, 5000, fixed_random, &zero), 5000);
    /* ... but not over a longer one. */
    backoff_reset(&b);
    b.failures = 9;
    assert_true(backoff_next_delay(&b, 1000, fixed_random, &all) >= 1000);
    /* Even beyond the cap, up to an hour. */
    backoff_reset(&b);
    assert_int_equal(backoff_next_delay(&b, 30 * 60 * 1000, fixed_random,
                                        &zero),
                     30 * 60 * 1000);
    backoff_reset(&b);
    assert_int_equal(backoff_next_delay(&b, INT64_C(86400000) * 7,
                                        fixed_random, &zero),
                     BACKOFF_RETRY_AFTER_MAX_MS);
    /* Retry-After: 0 asks for no wait at all. */
    backoff_reset(&b);
    assert_int_equal(backoff_next_delay(&b, 0, fixed_random, &zero), 0);
}

static void test_permanent_waits_the_cap(void **state)
{
    backoff_t b;

    (void)state;
    backoff_init(&b, 0, 0);
    assert_int_equal(backoff_cap_delay(&b, -1), BACKOFF_CAP_MS);
    assert_int_equal(b.failures, 1);
    assert_int_equal(backoff_cap_delay(&b, 1000), BACKOFF_CAP_MS);
    assert_int_equal(backoff_cap_delay(&b, 40 * 60 * 1000), 40 * 60 * 1000);
}

static void test_reset_starts_over(void **state)
{
    uint64_t zero = 0;
    backoff_t b;

    (void)state;
    backoff_init(&b, 100, 1000);
    backoff_next_delay(&b, -1, fixed_random, &zero);
    backoff_next_delay(&b, -1, fixed_random, &zero);
    backoff_next_delay(&b, -1, fixed_random, &zero);
    assert_int_equal(backoff_get_ceiling(&b), 400);
    backoff_reset(&b);
    assert_int_equal(backoff_get_ceiling(&b), 0);
    backoff_next_delay(&b, -1, fixed_random, &zero);
    assert_int_equal(backoff_get_ceiling(&b), 100);
}

static void test_no_random_source_waits_the_ceiling(void **state)
{
    backoff_t b;

    (void)state;
    backoff_init(&b, 0, 0);
    assert_int_equal(backoff_next_delay(&b, -1, NULL, NULL), 2000);
}

static void test_parse_retry_after(void **state)
{
    (void)state;
    assert_int_equal(backoff_parse_retry_after("120"), 120000);
    assert_int_equal(backoff_parse_retry_after("0"), 0);
    assert_int_equal(backoff_parse_retry_after(" 3 \r\n"), 3000);
    assert_int_equal(backoff_parse_retry_after(""), -1);
    assert_int_equal(backoff_parse_retry_after("-1"), -1);
    assert_int_equal(backoff_parse_retry_after("1.5"), -1);
    assert_int_equal(backoff_parse_retry_after("abc"), -1);
    assert_int_equal(backoff_parse_retry_after(NULL), -1);
    assert_int_equal(
        backoff_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
    /* Absurd values stay finite; the backoff holds them to an hour. */
    assert_true(backoff_parse_retry_after("99999999999999999999999") > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_ceiling_doubles_to_cap),
        cmocka_unit_test(test_many_failures_do_not_overflow),
        cmocka_unit_test(test_jitter_bounds_are_inclusive),
        cmocka_unit_test(test_jitter_spreads_over_the_window),
        cmocka_unit_test(test_retry_after_is_honoured),
        cmocka_unit_test(test_permanent_waits_the_cap),
        cmocka_unit_test(test_reset_starts_over),
        cmocka_unit_test(test_no_random_source_waits_the_ceiling),
        cmocka_unit_test(test_parse_retry_after),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
