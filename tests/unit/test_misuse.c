#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/misuse.h"

/* Monotonic times well away from zero, as after a few hours of uptime. */
#define T0 UINT64_C(7200000)
#define SEC UINT64_C(1000)

static void test_init_clamps_negative_to_disabled(void **state)
{
    misuse_t m;

    (void)state;
    memset(&m, 0x7f, sizeof(m));
    misuse_init(&m, -5, -1, -100);
    assert_int_equal(m.min_interval_ms, 0);
    assert_int_equal(m.burst_count, 0);
    assert_int_equal(m.burst_window_ms, 0);
    assert_int_equal(m.n, 0);

    misuse_init(&m, 10000, 6, 120000);
    assert_int_equal(m.min_interval_ms, 10000);
    assert_int_equal(m.burst_count, 6);
    assert_int_equal(m.burst_window_ms, 120000);
    assert_int_equal(m.n, 0);
}

static void test_first_response_is_accepted(void **state)
{
    misuse_t m;

    (void)state;
    misuse_init(&m, 10000, 1, 120000);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.history[0], T0);
}

static void test_min_interval_boundary(void **state)
{
    misuse_t m;

    (void)state;
    misuse_init(&m, 10000, 0, 0);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    /* Same instant and one millisecond short: too soon, not recorded. */
    assert_int_equal(misuse_judge(&m, T0), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 1), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 9999), MISUSE_TOO_SOON);
    assert_int_equal(m.n, 1);
    /* Exactly min_interval_ms after the last accepted one: accepted. */
    assert_int_equal(misuse_judge(&m, T0 + 10000), MISUSE_OK);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.history[1], T0 + 10000);
    /* The interval runs from the last accepted response, not from the
     * suppressed ones in between. */
    assert_int_equal(misuse_judge(&m, T0 + 15000), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 19999), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 20000), MISUSE_OK);
    assert_int_equal(m.n, 3);
}

static void test_min_interval_near_clock_start(void **state)
{
    misuse_t m;

    (void)state;
    misuse_init(&m, 10000, 0, 0);
    assert_int_equal(misuse_judge(&m, 0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, 9999), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, 10000), MISUSE_OK);
}

static void test_burst_rule(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    /* Three accepted within a minute; the fourth inside it is a burst. */
    misuse_init(&m, 0, 3, 60000);
    for (i = 0; i < 3; i++)
        assert_int_equal(misuse_judge(&m, T0 + (uint64_t)i * 10 * SEC),
                         MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0 + 30 * SEC), MISUSE_BURST);
    assert_int_equal(m.n, 3);
    /* The oldest entry (T0) is still inside the window at T0 + 60 s: the
     * window includes its start. */
    assert_int_equal(misuse_judge(&m, T0 + 60 * SEC), MISUSE_BURST);
    assert_int_equal(m.n, 3);
    /* One millisecond later T0 has left the window. */
    assert_int_equal(misuse_judge(&m, T0 + 60 * SEC + 1), MISUSE_OK);
    assert_int_equal(m.n, 4);
    /* Now T0+10 s, T0+20 s and T0+60.001 s are in the window. */
    assert_int_equal(misuse_judge(&m, T0 + 70 * SEC), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, T0 + 70 * SEC + 1), MISUSE_OK);
}

static void test_burst_suppressed_do_not_extend(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    /* Suppressed responses do not enter history, so hammering the kiosk
     * does not keep it locked once the window has passed. */
    misuse_init(&m, 0, 2, 10000);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0 + 1000), MISUSE_OK);
    for (i = 2; i < 10; i++)
        assert_int_equal(misuse_judge(&m, T0 + (uint64_t)i * 1000),
                         MISUSE_BURST);
    assert_int_equal(m.n, 2);
    assert_int_equal(misuse_judge(&m, T0 + 10001), MISUSE_OK);
}

static void test_burst_window_longer_than_uptime(void **state)
{
    misuse_t m;

    (void)state;
    /* now - window would underflow: the whole history counts. */
    misuse_init(&m, 0, 2, 120000);
    assert_int_equal(misuse_judge(&m, 1000), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, 2000), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, 3000), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, 120000), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, 121001), MISUSE_OK);
}

static void test_too_soon_wins_over_burst(void **state)
{
    misuse_t m;

    (void)state;
    misuse_init(&m, 10000, 2, 60000);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0 + 10000), MISUSE_OK);
    /* Both rules are broken: the interval rule is reported. */
    assert_int_equal(misuse_judge(&m, T0 + 15000), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 20000), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, T0 + 60001), MISUSE_OK);
}

static void test_disabled_rules(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    misuse_init(&m, 0, 0, 0);
    for (i = 0; i < 10; i++)
        assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(m.n, 10);

    /* A burst count without a window is no rule, even for responses
     * finished at the same instant. */
    misuse_init(&m, 0, 1, 0);
    for (i = 0; i < 5; i++)
        assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(m.n, 5);

    /* A window without a count is no rule either. */
    misuse_init(&m, 0, 0, 60000);
    for (i = 0; i < 5; i++)
        assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);

    /* Only the burst rule. */
    misuse_init(&m, 0, 2, 60000);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_BURST);

    /* Only the interval rule. */
    misuse_init(&m, 5000, 0, 60000);
    assert_int_equal(misuse_judge(&m, T0), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0 + 4999), MISUSE_TOO_SOON);
    for (i = 1; i <= 20; i++)
        assert_int_equal(misuse_judge(&m, T0 + (uint64_t)i * 5000),
                         MISUSE_OK);
}

static void test_seed_history(void **state)
{
    misuse_t m;

    (void)state;
    misuse_init(&m, 10000, 3, 60000);
    misuse_seed(&m, T0);
    misuse_seed(&m, T0 + 20000);
    assert_int_equal(m.n, 2);
    assert_int_equal(m.history[0], T0);
    assert_int_equal(m.history[1], T0 + 20000);
    /* The interval counts from the newest seeded time. */
    assert_int_equal(misuse_judge(&m, T0 + 25000), MISUSE_TOO_SOON);
    assert_int_equal(misuse_judge(&m, T0 + 30000), MISUSE_OK);
    /* Seeded entries count towards the burst. */
    assert_int_equal(misuse_judge(&m, T0 + 40000), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, T0 + 60001), MISUSE_OK);
}

static void test_seed_before_any_rule(void **state)
{
    misuse_t m;

    (void)state;
    /* A restart moments after a response: the next one is still too soon. */
    misuse_init(&m, 10000, 0, 0);
    misuse_seed(&m, T0);
    assert_int_equal(misuse_judge(&m, T0 + 3000), MISUSE_TOO_SOON);
    assert_int_equal(m.n, 1);
}

static void test_history_cap(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    misuse_init(&m, 0, 0, 0);
    for (i = 0; i < MISUSE_HISTORY_MAX + 6; i++)
        misuse_seed(&m, T0 + (uint64_t)i * SEC);
    assert_int_equal(m.n, MISUSE_HISTORY_MAX);
    /* The oldest six were dropped; order is kept, oldest first. */
    assert_int_equal(m.history[0], T0 + 6 * SEC);
    for (i = 1; i < MISUSE_HISTORY_MAX; i++)
        assert_true(m.history[i] == m.history[i - 1] + SEC);
    assert_int_equal(m.history[MISUSE_HISTORY_MAX - 1],
                     T0 + (uint64_t)(MISUSE_HISTORY_MAX + 5) * SEC);

    /* Judging at the cap keeps the newest and drops one more. */
    assert_int_equal(misuse_judge(&m, T0 + 1000 * SEC), MISUSE_OK);
    assert_int_equal(m.n, MISUSE_HISTORY_MAX);
    assert_int_equal(m.history[0], T0 + 7 * SEC);
    assert_int_equal(m.history[MISUSE_HISTORY_MAX - 1], T0 + 1000 * SEC);
}

static void test_burst_at_history_cap(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    /* A burst count as large as the history is still enforced. */
    misuse_init(&m, 0, MISUSE_HISTORY_MAX, 3600000);
    for (i = 0; i < MISUSE_HISTORY_MAX; i++)
        assert_int_equal(misuse_judge(&m, T0 + (uint64_t)i * SEC), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, T0 + 100 * SEC), MISUSE_BURST);
    assert_int_equal(m.n, MISUSE_HISTORY_MAX);
    /* Once the first accepted one is out of the window, one more fits. */
    assert_int_equal(misuse_judge(&m, T0 + 3600 * SEC), MISUSE_BURST);
    assert_int_equal(misuse_judge(&m, T0 + 3600 * SEC + 1), MISUSE_OK);
    assert_int_equal(m.history[0], T0 + SEC);
    assert_int_equal(misuse_judge(&m, T0 + 3600 * SEC + 2), MISUSE_BURST);
}

static void test_verdict_names(void **state)
{
    (void)state;
    assert_string_equal(misuse_verdict_name(MISUSE_OK), "ok");
    assert_string_equal(misuse_verdict_name(MISUSE_TOO_SOON), "too-soon");
    assert_string_equal(misuse_verdict_name(MISUSE_BURST), "burst");
    assert_string_equal(misuse_verdict_name((misuse_verdict_t)3), "unknown");
    assert_string_equal(misuse_verdict_name((misuse_verdict_t)-1), "unknown");
    /* Stored values: 0 counts, anything else is a reason not to. */
    assert_int_equal(MISUSE_OK, 0);
    assert_int_equal(MISUSE_TOO_SOON, 1);
    assert_int_equal(MISUSE_BURST, 2);
}

/* A burst count beyond what the history holds is held to the history
 * size, so the rule still trips instead of silently never firing. */
static void test_burst_count_clamped_to_history(void **state)
{
    misuse_t m;
    int i;

    (void)state;
    misuse_init(&m, 0, 1000, 3600000);
    assert_int_equal(m.burst_count, MISUSE_HISTORY_MAX);
    for (i = 0; i < MISUSE_HISTORY_MAX; i++)
        assert_int_equal(misuse_judge(&m, 1000u + (uint64_t)i), MISUSE_OK);
    assert_int_equal(misuse_judge(&m, 5000), MISUSE_BURST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_count_clamped_to_history),
        cmocka_unit_test(test_init_clamps_negative_to_disabled),
        cmocka_unit_test(test_first_response_is_accepted),
        cmocka_unit_test(test_min_interval_boundary),
        cmocka_unit_test(test_min_interval_near_clock_start),
        cmocka_unit_test(test_burst_rule),
        cmocka_unit_test(test_burst_suppressed_do_not_extend),
        cmocka_unit_test(test_burst_window_longer_than_uptime),
        cmocka_unit_test(test_too_soon_wins_over_burst),
        cmocka_unit_test(test_disabled_rules),
        cmocka_unit_test(test_seed_history),
        cmocka_unit_test(test_seed_before_any_rule),
        cmocka_unit_test(test_history_cap),
        cmocka_unit_test(test_burst_at_history_cap),
        cmocka_unit_test(test_verdict_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
