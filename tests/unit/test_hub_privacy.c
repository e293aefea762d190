/*
 * Officer privacy across groupings (hub/domain/privacy.c): which groups a
 * statistics answer withholds so that no grouping shows an officer the
 * officer grouping hides. Every case is worked out by hand in its comment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hub/domain/privacy.h"

#include "testutil.h"

#define GROUPS_MAX 8

typedef struct entry {
    int group;
    const char *officer;
    int64_t n;
} entry_t;

/* The verdicts for groups 0..n_groups-1 of entries at min_group. */
static void judge(const entry_t *e, size_t n_entries, int min_group,
                  int n_groups, unsigned char out[GROUPS_MAX])
{
    hub_privacy_t *p = hub_privacy_new();
    size_t i;

    assert_non_null(p);
    assert_true(n_groups <= GROUPS_MAX);
    memset(out, 0xAA, GROUPS_MAX);
    for (i = 0; i < n_entries; i++)
        assert_int_equal(hub_privacy_add(p, e[i].group, e[i].officer, e[i].n),
                         0);
    assert_int_equal(hub_privacy_judge(p, min_group, n_groups, out), 0);
    hub_privacy_free(p);
}

#define JUDGE(e, m, n, out) judge(e, sizeof(e) / sizeof(e[0]), m, n, out)

/* Counter 0 is served by CB1 alone (3 responses), counter 1 by CB2 (20):
 * counter 0 is CB1, whom the officer grouping hides at 5. */
static void test_single_officer_counter(void **state)
{
    const entry_t e[] = {{0, "CB1", 3}, {1, "CB2", 20}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(e, 5, 2, w);
    assert_int_equal(w[0], 1);
    assert_int_equal(w[1], 0);
    JUDGE(e, 3, 2, w); /* at 3, CB1 is shown by officer too */
    assert_int_equal(w[0], 0);
    assert_int_equal(w[1], 0);
}

/* One unit: CB-A 4, CB-B 5. At 5 CB-A is hidden; unit less CB-B = CB-A:
 * A = B = 4, withheld. At 4 nobody is hidden. At 9 both are hidden, but
 * pooled they make 9 >= 9: shown. At 10 the pool of 9 is too small. */
static void test_difference_with_a_shown_officer(void **state)
{
    const entry_t e[] = {{0, "CB-A", 4}, {0, "CB-B", 5}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(e, 5, 1, w);
    assert_int_equal(w[0], 1);
    JUDGE(e, 4, 1, w);
    assert_int_equal(w[0], 0);
    JUDGE(e, 9, 1, w);
    assert_int_equal(w[0], 0);
    JUDGE(e, 10, 1, w);
    assert_int_equal(w[0], 1);
}

/* CB1 2 and CB2 3 (both hidden at 5) beside CB3 40: what is left after
 * taking CB3 away is a pool of 5 responses of two officers, A = B = 5:
 * shown. Without CB2 the pool is 2: withheld. */
static void test_hidden_officers_pool(void **state)
{
    const entry_t pooled[] = {{0, "CB1", 2}, {0, "CB2", 3}, {0, "CB3", 40}};
    const entry_t alone[] = {{0, "CB1", 2}, {0, "CB3", 40}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(pooled, 5, 1, w);
    assert_int_equal(w[0], 0);
    JUDGE(alone, 5, 1, w);
    assert_int_equal(w[0], 1);
}

/* Days 0..2 of one counter. CB1 answers 2, 2 and 6 times (10 in all: the
 * officer grouping of the whole range shows CB1), CB2 30 times on day 0.
 * Asked for one day, the officer grouping hides CB1 on days 0 and 1:
 * day 0 less CB2 is CB1's 2 (B = 2), day 1 is CB1 alone (B = 2): both
 * withheld. Day 2 is CB1's 6: shown, as officer would show it. */
static void test_officer_small_within_a_group(void **state)
{
    const entry_t e[] = {
        {0, "CB1", 2}, {0, "CB2", 30}, {1, "CB1", 2}, {2, "CB1", 6}};
    const entry_t whole[] = {{0, "CB1", 10}, {0, "CB2", 30}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(e, 5, 3, w);
    assert_int_equal(w[0], 1);
    assert_int_equal(w[1], 1);
    assert_int_equal(w[2], 0);
    JUDGE(whole, 5, 1, w);
    assert_int_equal(w[0], 0);
}

/* CB-C answers 3 times in all (hidden); CB-D 4 times in group 0 and 96
 * in group 1 (shown). In group 0 the officers small there pool to 7
 * (B = 7), but those hidden by this very answer make only 3 (A = 3): the
 * group less CB-D's part would be CB-C alone. Withheld. Group 1: shown. */
static void test_request_hidden_officer_with_a_small_part(void **state)
{
    const entry_t e[] = {{0, "CB-C", 3}, {0, "CB-D", 4}, {1, "CB-D", 96}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(e, 5, 2, w);
    assert_int_equal(w[0], 1);
    assert_int_equal(w[1], 0);
}

/* Responses without an officer ("") belong to nobody: 50 of them shown
 * alone, and they never pool with CB1's 3 (the officer grouping lists
 * the "" group too, so the group less it is CB1). */
static void test_responses_without_officer(void **state)
{
    const entry_t e[] = {{0, "", 50}, {1, "", 10}, {1, "CB1", 3}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(e, 5, 2, w);
    assert_int_equal(w[0], 0);
    assert_int_equal(w[1], 1);
}

/* Counts of a pair add up: 2 + 2 = 4 < 5 withheld, one more makes 5. A
 * zero or a negative count adds nothing. min_group 1 or 0 hides nothing. */
static void test_adding_up_and_edges(void **state)
{
    const entry_t four[] = {{0, "CB1", 2}, {0, "CB1", 2}, {1, "CB2", 0},
                            {1, "CB3", -7}};
    const entry_t five[] = {{0, "CB1", 2}, {0, "CB1", 2}, {0, "CB1", 1}};
    unsigned char w[GROUPS_MAX];

    (void)state;
    JUDGE(four, 5, 2, w);
    assert_int_equal(w[0], 1);
    assert_int_equal(w[1], 0);
    JUDGE(five, 5, 1, w);
    assert_int_equal(w[0], 0);
    JUDGE(four, 1, 2, w);
    assert_int_equal(w[0], 0);
    JUDGE(four, 0, 2, w);
    assert_int_equal(w[0], 0);
}

/* A group beyond n_groups is left out (never written); a negative group
 * is refused; no groups, nothing to do. */
static void test_groups_out_of_range(void **state)
{
    hub_privacy_t *p = hub_privacy_new();
    unsigned char w[GROUPS_MAX];

    (void)state;
    assert_non_null(p);
    assert_int_equal(hub_privacy_add(p, -1, "CB1", 3), -1);
    assert_int_equal(hub_privacy_add(p, 0, "CB1", 3), 0);
    assert_int_equal(hub_privacy_add(p, 5, "CB1", 3), 0);
    memset(w, 0xAA, sizeof(w));
    assert_int_equal(hub_privacy_judge(p, 5, 2, w), 0);
    assert_int_equal(w[0], 1); /* CB1: 6 in all (A = 0), 3 here: B = 3 */
    assert_int_equal(w[1], 0);
    assert_int_equal(w[2], 0xAA);
    assert_int_equal(hub_privacy_judge(p, 5, 0, w), 0);
    hub_privacy_free(p);
}

/* Many cells, so that the table grows several times while pairs come
 * back: 1,000 groups, officer CB<g mod 7> once in each (n = 1 < 2:
 * B = 1, withheld), and again in the even groups after all were added
 * (n = 2: B = 0; every officer's total is over 100, so A = 0). */
static void test_many_cells_add_up(void **state)
{
    enum { N = 1000 };
    static unsigned char w[N];
    hub_privacy_t *p = hub_privacy_new();
    char officer[8];
    int g;

    (void)state;
    assert_non_null(p);
    for (g = 0; g < N; g++) {
        snprintf(officer, sizeof(officer), "CB%d", g % 7);
        assert_int_equal(hub_privacy_add(p, g, officer, 1), 0);
    }
    for (g = 0; g < N; g += 2) {
        snprintf(officer, sizeof(officer), "CB%d", g % 7);
        assert_int_equal(hub_privacy_add(p, g, officer, 1), 0);
    }
    assert_int_equal(hub_privacy_judge(p, 2, N, w), 0);
    for (g = 0; g < N; g++)
        assert_int_equal(w[g], g % 2);
    hub_privacy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_officer_counter),
        cmocka_unit_test(test_difference_with_a_shown_officer),
        cmocka_unit_test(test_hidden_officers_pool),
        cmocka_unit_test(test_officer_small_within_a_group),
        cmocka_unit_test(test_request_hidden_officer_with_a_small_part),
        cmocka_unit_test(test_responses_without_officer),
        cmocka_unit_test(test_adding_up_and_edges),
        cmocka_unit_test(test_groups_out_of_range),
        cmocka_unit_test(test_many_cells_add_up),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
