#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/agg.h"

#define T_2026_11_22 INT64_C(1795280400000) /* 2026-11-22T00:00+07:00 */
#define T_2026_10_01 INT64_C(1790787600000) /* 2026-10-01T00:00+07:00 */
#define T_2000_01_01 INT64_C(946659600000)  /* 2000-01-01T00:00+07:00 */
#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)
#define YEAR3_MS (INT64_C(1096) * DAY_MS) /* three years, one leap day */

static const agg_answer_t five[] = {
    {"overall", "overall", "5"},
    {"tiep-can", "tiep-can", "4"},
};

/* A complete, counted response of boot "B1" with a synced clock. */
static agg_response_t resp(int64_t seq, int64_t wall_ms)
{
    agg_response_t r;

    memset(&r, 0, sizeof(r));
    r.seq = seq;
    r.wall_ms = wall_ms;
    r.boot_ms = 1000 * seq;
    r.boot_id = "B1";
    r.clock_synced = 1;
    r.unit = "XA-MINHTAN";
    r.counter = "Quầy 1";
    r.officer = "CB001";
    r.field = "dat-dai";
    r.instrument = "sipas-short";
    r.version = 1;
    r.n_answers = 2;
    r.answers = five;
    return r;
}

static agg_t *make(const agg_limits_t *lim)
{
    agg_t *a = NULL;

    assert_int_equal(agg_create(&a, lim), AGG_OK);
    assert_non_null(a);
    return a;
}

static void get_day(const agg_t *a, int i, agg_day_t *d)
{
    assert_int_equal(agg_get_day(a, i, d), AGG_OK);
}

/* n of the answer row (question, answer, partial) of day i; -1 if none. */
static int64_t answer_n(const agg_t *a, int i, const char *question,
                        const char *answer, int partial)
{
    agg_day_t d;
    int k;

    get_day(a, i, &d);
    for (k = 0; k < d.n_answers; k++)
        if (strcmp(d.answers[k].question, question) == 0 &&
            strcmp(d.answers[k].answer, answer) == 0 &&
            d.answers[k].partial == partial)
            return d.answers[k].n;
    return -1;
}

/* n of the element row (element, partial) of day i; -1 if none. */
static int64_t element_n(const agg_t *a, int i, const char *element,
                         int partial)
{
    agg_day_t d;
    int k;

    get_day(a, i, &d);
    for (k = 0; k < d.n_elements; k++)
        if (strcmp(d.elements[k].element, element) == 0 &&
            d.elements[k].partial == partial)
            return d.elements[k].n;
    return -1;
}

/* ---- days ------------------------------------------------------------- */

static void test_day_turns_at_local_midnight(void **state)
{
    agg_t *a = make(NULL);
    agg_response_t r;
    char day[AGG_DAY_TEXT];
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22 - 1); /* 23:59:59.999 on the 21st, UTC+7 */
    assert_int_equal(agg_add_response(a, &r, NULL, 0, day), AGG_OK);
    assert_string_equal(day, "2026-11-21");
    r = resp(2, T_2026_11_22); /* 17:00:00.000 UTC is already the 22nd */
    assert_int_equal(agg_add_response(a, &r, NULL, 0, day), AGG_OK);
    assert_string_equal(day, "2026-11-22");
    r = resp(3, T_2026_11_22 + DAY_MS - 1);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, day), AGG_OK);
    assert_string_equal(day, "2026-11-22");
    assert_int_equal(agg_count_days(a), 2);
    get_day(a, 0, &d);
    assert_string_equal(d.day, "2026-11-21");
    assert_int_equal(d.start_ms, T_2026_11_22 - DAY_MS);
    assert_int_equal(d.counts[0].complete, 1);
    get_day(a, 1, &d);
    assert_string_equal(d.day, "2026-11-22");
    assert_int_equal(d.counts[0].complete, 2);
    assert_int_equal(d.estimated, 0);
    agg_free(a);
}

static void test_days_come_back_in_date_order(void **state)
{
    const int64_t order[] = {5, 1, 3, 0, 4, 2};
    agg_t *a = make(NULL);
    agg_response_t r;
    agg_day_t d;
    char want[AGG_DAY_TEXT];
    int i;

    (void)state;
    for (i = 0; i < 6; i++) {
        r = resp(i + 1, T_2026_11_22 + order[i] * DAY_MS + HOUR_MS);
        assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    }
    for (i = 0; i < 6; i++) {
        get_day(a, i, &d);
        agg_format_day(T_2026_11_22 + i * DAY_MS, want);
        assert_string_equal(d.day, want);
    }
    assert_int_equal(agg_find_day(a, "2026-11-24"), 2);
    assert_int_equal(agg_find_day(a, "2026-12-24"), -1);
    assert_int_equal(agg_find_day(a, "not a day"), -1);
    agg_free(a);
}

/* ---- clock correction --------------------------------------------------- */

/* A Pi boots three years in the past; ratings are recorded before NTP
 * syncs, then one after. The synced one anchors the boot: every response
 * of it lands on the real day. */
static void test_three_years_wrong_then_synced(void **state)
{
    const int64_t boot0 = T_2026_11_22 + 9 * HOUR_MS; /* real time at boot 0 */
    agg_anchor_t an;
    agg_response_t r[3];
    agg_t *a = make(NULL);
    agg_day_t d;
    int i, est;

    (void)state;
    for (i = 0; i < 2; i++) {
        r[i] = resp(i + 1, boot0 - YEAR3_MS + (i + 1) * 60000);
        r[i].boot_ms = (i + 1) * 60000;
        r[i].clock_synced = 0;
    }
    r[2] = resp(3, boot0 + 10 * 60000);
    r[2].boot_ms = 10 * 60000;
    /* The anchor a synced response of that boot gives. */
    snprintf(an.boot_id, sizeof(an.boot_id), "B1");
    an.wall_minus_boot_ms = agg_get_anchor(r[2].wall_ms, r[2].boot_ms);
    assert_int_equal(an.wall_minus_boot_ms, boot0);
    assert_int_equal(agg_correct_time(&r[0], &an, 1, &est), boot0 + 60000);
    assert_int_equal(est, 0);
    for (i = 0; i < 3; i++)
        assert_int_equal(agg_add_response(a, &r[i], &an, 1, NULL), AGG_OK);
    assert_int_equal(agg_count_days(a), 1);
    get_day(a, 0, &d);
    assert_string_equal(d.day, "2026-11-22");
    assert_int_equal(d.counts[0].complete, 3);
    assert_int_equal(d.estimated, 0);
    agg_free(a);
}

/* The hub's clock anchors a boot whose own clock never synced: the quarter
 * is right even though the device believed it was 2023. */
static void test_anchor_from_hub_time(void **state)
{
    const int64_t hub_time = T_2026_11_22 + 15 * HOUR_MS;
    const int64_t boot_at_reply = 8 * HOUR_MS;
    agg_anchor_t an[2];
    agg_response_t r;
    agg_t *a = make(NULL);
    char day[AGG_DAY_TEXT];
    int est;

    (void)state;
    snprintf(an[0].boot_id, sizeof(an[0].boot_id), "OTHER");
    an[0].wall_minus_boot_ms = 0;
    snprintf(an[1].boot_id, sizeof(an[1].boot_id), "B1");
    an[1].wall_minus_boot_ms = agg_get_anchor(hub_time, boot_at_reply);
    r = resp(1, T_2026_11_22 - YEAR3_MS);
    r.clock_synced = 0;
    r.boot_ms = 2 * HOUR_MS; /* six hours before the hub answered */
    assert_int_equal(agg_correct_time(&r, an, 2, &est),
                     hub_time - 6 * HOUR_MS);
    assert_int_equal(est, 0);
    assert_int_equal(agg_add_response(a, &r, an, 2, day), AGG_OK);
    assert_string_equal(day, "2026-11-22");
    /* A synced clock is its own authority: the anchor is not used. */
    r.clock_synced = 1;
    r.wall_ms = T_2026_10_01;
    assert_int_equal(agg_correct_time(&r, an, 2, &est), T_2026_10_01);
    assert_int_equal(est, 0);
    agg_free(a);
}

static void test_unanchored_boot_is_estimated(void **state)
{
    agg_anchor_t an;
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;
    int est;

    (void)state;
    snprintf(an.boot_id, sizeof(an.boot_id), "B2");
    an.wall_minus_boot_ms = 123;
    r = resp(1, T_2026_10_01 + HOUR_MS);
    r.clock_synced = 0;
    assert_int_equal(agg_correct_time(&r, &an, 1, &est), r.wall_ms);
    assert_int_equal(est, 1);
    assert_int_equal(agg_add_response(a, &r, &an, 1, NULL), AGG_OK);
    r.seq = 2;
    r.boot_id = NULL; /* no boot id at all: never anchored */
    assert_int_equal(agg_add_response(a, &r, &an, 1, NULL), AGG_OK);
    r.seq = 3;
    r.boot_id = "B1";
    r.clock_synced = 1;
    assert_int_equal(agg_add_response(a, &r, &an, 1, NULL), AGG_OK);
    get_day(a, 0, &d);
    assert_string_equal(d.day, "2026-10-01");
    assert_int_equal(d.estimated, 2);
    assert_int_equal(d.counts[0].complete, 3);
    agg_free(a);
}

/* A clock at 1970 (no RTC, no saved time) must not produce a day the hub
 * refuses: it goes to the fallback and counts as estimated. */
static void test_implausible_time_goes_to_fallback(void **state)
{
    agg_limits_t lim = {.min_ms = T_2000_01_01,
                        .max_ms = T_2026_11_22 + 2 * DAY_MS,
                        .fallback_ms = T_2026_11_22 + HOUR_MS};
    agg_response_t r;
    agg_t *a = make(&lim);
    char day[AGG_DAY_TEXT];
    agg_day_t d;

    (void)state;
    r = resp(1, 5000);
    r.clock_synced = 0;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, day), AGG_OK);
    assert_string_equal(day, "2026-11-22");
    r = resp(2, T_2026_11_22 + 400 * DAY_MS); /* a year ahead, "synced" */
    assert_int_equal(agg_add_response(a, &r, NULL, 0, day), AGG_OK);
    assert_string_equal(day, "2026-11-22");
    get_day(a, 0, &d);
    assert_int_equal(d.estimated, 2);
    assert_int_equal(d.counts[0].complete, 2);
    agg_free(a);
}

/* ---- counting ----------------------------------------------------------- */

static void test_kinds_of_response(void **state)
{
    static const agg_answer_t low[] = {
        {"overall", "overall", "2"},
        {"reasons", "reasons", "cho-lau"},
        {"reasons", "reasons", "thai-do"},
    };
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22 + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r = resp(2, T_2026_11_22 + HOUR_MS);
    r.partial = 1;
    r.answers = low;
    r.n_answers = 3;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r = resp(3, T_2026_11_22 + HOUR_MS);
    r.suppressed = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    /* A suppressed partial is counted once, as suppressed. */
    r = resp(4, T_2026_11_22 + HOUR_MS);
    r.suppressed = 2;
    r.partial = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r = resp(5, T_2026_11_22 + HOUR_MS);
    r.n_answers = 0; /* abandoned before the first answer */
    r.partial = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);

    get_day(a, 0, &d);
    assert_int_equal(d.n_counts, 1);
    assert_int_equal(d.counts[0].complete, 1);
    assert_int_equal(d.counts[0].partial, 2);
    assert_int_equal(d.counts[0].suppressed, 2);
    assert_int_equal(answer_n(a, 0, "overall", "5", 0), 1);
    assert_int_equal(answer_n(a, 0, "overall", "2", 1), 1);
    assert_int_equal(answer_n(a, 0, "reasons", "thai-do", 1), 1);
    /* Answers of suppressed responses are never counted. */
    assert_int_equal(d.n_answers, 5);
    /* Elements answered: overall and tiep-can (complete), overall and
     * reasons (partial). */
    assert_int_equal(d.n_elements, 4);
    assert_int_equal(agg_count_rows(a), 10);
    agg_free(a);
}

static void test_dimensions_split_rows(void **state)
{
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22 + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.field = "xay-dung";
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.officer = NULL; /* nobody on duty */
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.version = 2;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.version = 1;
    r.officer = "";
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    get_day(a, 0, &d);
    assert_int_equal(d.n_counts, 4);
    assert_string_equal(d.counts[1].d.field, "xay-dung");
    assert_string_equal(d.counts[2].d.officer, "");
    assert_int_equal(d.counts[2].complete, 2); /* NULL and "" are one */
    assert_int_equal(d.counts[3].d.version, 2);
    /* Two answers for each of the four dimension sets. */
    assert_int_equal(d.n_answers, 8);
    assert_int_equal(d.answers[4].n, 2);
    assert_string_equal(d.answers[4].d.officer, "");
    agg_free(a);
}

/* A day's acknowledged snapshot plus the responses recorded since is the
 * day's full snapshot: the upload replaces, never adds. */
static void test_snapshot_carries_earlier_counts(void **state)
{
    agg_dims_t dims = {"XA-MINHTAN", "Quầy 1", "CB001", "dat-dai",
                       "sipas-short", 1};
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    assert_int_equal(agg_add_count(a, "2026-11-22", &dims, 10, 1, 2), AGG_OK);
    assert_int_equal(agg_add_answer_count(a, "2026-11-22", &dims, 0,
                                          "overall", "overall", "5", 7),
                     AGG_OK);
    assert_int_equal(agg_add_answer_count(a, "2026-11-22", &dims, 1,
                                          "overall", "overall", "5", 1),
                     AGG_OK);
    assert_int_equal(agg_add_estimated(a, "2026-11-22", 3), AGG_OK);
    assert_int_equal(agg_add_element_count(a, "2026-11-22", &dims, 0,
                                           "tiep-can", 6),
                     AGG_OK);
    r = resp(40, T_2026_11_22 + 20 * HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    assert_int_equal(element_n(a, 0, "tiep-can", 0), 7);
    assert_int_equal(element_n(a, 0, "overall", 0), 1);
    assert_int_equal(agg_add_element_count(a, "2026-11-22", &dims, 0, "x",
                                           -1),
                     AGG_EINVAL);
    get_day(a, 0, &d);
    assert_int_equal(d.elements_known, 1);
    /* A snapshot kept before element rows existed: unknown, not sent. */
    assert_int_equal(agg_set_elements_unknown(a, "2026-11-21"), AGG_OK);
    get_day(a, 0, &d);
    assert_int_equal(d.elements_known, 0);
    get_day(a, 1, &d);
    assert_int_equal(d.n_counts, 1);
    assert_int_equal(d.counts[0].complete, 11);
    assert_int_equal(d.counts[0].partial, 1);
    assert_int_equal(d.counts[0].suppressed, 2);
    assert_int_equal(d.estimated, 3);
    assert_int_equal(answer_n(a, 1, "overall", "5", 0), 8);
    assert_int_equal(answer_n(a, 1, "overall", "5", 1), 1);
    assert_int_equal(answer_n(a, 1, "tiep-can", "4", 0), 1);
    assert_int_equal(agg_add_count(a, "2026-02-30", &dims, 1, 0, 0),
                     AGG_EINVAL);
    assert_int_equal(agg_add_count(a, "2026-11-22", &dims, -1, 0, 0),
                     AGG_EINVAL);
    agg_free(a);
}

/* Adds response seq of day 2026-11-22 with the first n of answers. */
static void add_answers(agg_t *a, int64_t seq, const agg_answer_t *answers,
                        int n, int partial, int suppressed)
{
    agg_response_t r = resp(seq, T_2026_11_22 + (8 + seq) * HOUR_MS);

    r.n_answers = n;
    r.answers = answers;
    r.partial = partial;
    r.suppressed = suppressed;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
}

/* Skippable criteria: one citizen answers criterion 1 of element "tc",
 * another criterion 2, a third both. Per question the largest answer
 * count is 2, but 3 responses answered the element: the element row says
 * 3 (complete). A partial response answering both counts once, apart. */
static void test_element_counts_each_response_once(void **state)
{
    static const agg_answer_t only_first[] = {{"tc1", "tc", "4"}};
    static const agg_answer_t only_second[] = {{"tc2", "tc", "5"}};
    static const agg_answer_t both[] = {
        {"tc1", "tc", "3"}, {"tc2", "tc", "4"}, {"overall", "overall", "5"}};
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    add_answers(a, 1, only_first, 1, 0, 0);
    add_answers(a, 2, only_second, 1, 0, 0);
    add_answers(a, 3, both, 3, 0, 0);
    add_answers(a, 4, both, 2, 1, 0);
    /* Suppressed responses are never counted, element rows included. */
    add_answers(a, 5, both, 3, 0, 1);
    assert_int_equal(answer_n(a, 0, "tc1", "4", 0), 1);
    assert_int_equal(answer_n(a, 0, "tc2", "5", 0), 1);
    assert_int_equal(element_n(a, 0, "tc", 0), 3);
    assert_int_equal(element_n(a, 0, "tc", 1), 1);
    assert_int_equal(element_n(a, 0, "overall", 0), 1);
    assert_int_equal(element_n(a, 0, "overall", 1), -1);
    get_day(a, 0, &d);
    assert_int_equal(d.n_elements, 3);
    assert_int_equal(d.elements_known, 1);
    agg_free(a);
}

/* ---- caps --------------------------------------------------------------- */

static void test_day_cap_refuses_without_change(void **state)
{
    agg_limits_t lim = {.max_days = 2};
    agg_response_t r;
    agg_t *a = make(&lim);
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22 + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r = resp(2, T_2026_11_22 + DAY_MS + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r = resp(3, T_2026_11_22 + 2 * DAY_MS + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_FULL);
    assert_int_equal(agg_count_days(a), 2);
    /* Per day: a count row, two answer rows, two element rows. */
    assert_int_equal(agg_count_rows(a), 10);
    /* A response of a day already held still fits. */
    r = resp(4, T_2026_11_22 + 2 * HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    get_day(a, 0, &d);
    assert_int_equal(d.counts[0].complete, 2);
    assert_int_equal(agg_add_estimated(a, "2026-12-01", 1), AGG_FULL);
    agg_free(a);
}

static void test_row_cap_refuses_without_change(void **state)
{
    agg_limits_t lim = {.max_rows = 6};
    agg_response_t r;
    agg_t *a = make(&lim);
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22 + HOUR_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    assert_int_equal(agg_count_rows(a), 5); /* count, 2 answers, 2 elements */
    r.field = "xay-dung"; /* five new rows, one left */
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_FULL);
    assert_int_equal(agg_count_rows(a), 5);
    get_day(a, 0, &d);
    assert_int_equal(d.n_counts, 1);
    assert_int_equal(d.counts[0].complete, 1);
    /* Same rows again: nothing new, fits. */
    r.field = "dat-dai";
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    r.suppressed = 1; /* no answer rows: fits */
    r.officer = "CB002";
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    assert_int_equal(agg_count_rows(a), 6);
    r.officer = "CB003";
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_FULL);
    {
        agg_dims_t dims = {"U", "C", "O", "F", "I", 1};
        assert_int_equal(agg_add_count(a, "2026-11-22", &dims, 1, 0, 0),
                         AGG_FULL);
    }
    agg_free(a);
}

static void test_hub_caps_are_the_defaults(void **state)
{
    agg_limits_t lim = {.max_days = 1000, .max_rows = 1000000};
    agg_response_t r;
    agg_t *a = make(&lim);
    int i;

    (void)state;
    for (i = 0; i < AGG_DAYS_MAX; i++) {
        r = resp(i + 1, T_2026_10_01 + i * DAY_MS);
        assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    }
    r = resp(99, T_2026_10_01 + AGG_DAYS_MAX * DAY_MS);
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_FULL);
    agg_free(a);
}

/* Text longer than the hub accepts is cut at a character boundary, so an
 * odd configuration can never make every upload unacceptable. */
static void test_long_text_is_cut_at_a_character(void **state)
{
    char unit[200], counter[400];
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;
    size_t i;

    (void)state;
    memset(unit, 'U', sizeof(unit) - 1);
    unit[sizeof(unit) - 1] = '\0';
    counter[0] = '\0';
    for (i = 0; i < 130; i++)
        strcat(counter, "ầ"); /* three bytes each: 390 */
    r = resp(1, T_2026_11_22);
    r.unit = unit;
    r.counter = counter;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    get_day(a, 0, &d);
    assert_int_equal(strlen(d.counts[0].d.unit), AGG_CODE_MAX);
    assert_int_equal(strlen(d.counts[0].d.counter), 198);
    agg_free(a);
}

/* A badge scanned with odd characters, or an empty code the hub requires,
 * must not make an upload unacceptable. */
static void test_codes_keep_to_the_hub_alphabet(void **state)
{
    static const agg_answer_t odd[] = {{"overall", NULL, ""}};
    agg_response_t r;
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    r = resp(1, T_2026_11_22);
    r.officer = "Nguyễn Văn";
    r.unit = "";
    r.field = NULL;
    r.answers = odd;
    r.n_answers = 1;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_OK);
    get_day(a, 0, &d);
    assert_string_equal(d.counts[0].d.officer, "Nguy___n_V__n");
    assert_string_equal(d.counts[0].d.unit, "_");
    assert_string_equal(d.counts[0].d.field, "");
    assert_string_equal(d.counts[0].d.counter, "Quầy 1"); /* a name */
    assert_string_equal(d.answers[0].element, "");
    assert_string_equal(d.answers[0].answer, "_");
    agg_free(a);
}

static void test_bad_arguments(void **state)
{
    agg_response_t r = resp(1, T_2026_11_22);
    agg_t *a = make(NULL);
    agg_day_t d;

    (void)state;
    assert_int_equal(agg_create(NULL, NULL), AGG_EINVAL);
    assert_int_equal(agg_add_response(NULL, &r, NULL, 0, NULL), AGG_EINVAL);
    r.n_answers = 3;
    r.answers = NULL;
    assert_int_equal(agg_add_response(a, &r, NULL, 0, NULL), AGG_EINVAL);
    assert_int_equal(agg_get_day(a, 0, &d), AGG_EINVAL);
    assert_int_equal(agg_count_days(NULL), 0);
    agg_free(a);
    agg_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_turns_at_local_midnight),
        cmocka_unit_test(test_days_come_back_in_date_order),
        cmocka_unit_test(test_three_years_wrong_then_synced),
        cmocka_unit_test(test_anchor_from_hub_time),
        cmocka_unit_test(test_unanchored_boot_is_estimated),
        cmocka_unit_test(test_implausible_time_goes_to_fallback),
        cmocka_unit_test(test_kinds_of_response),
        cmocka_unit_test(test_dimensions_split_rows),
        cmocka_unit_test(test_snapshot_carries_earlier_counts),
        cmocka_unit_test(test_element_counts_each_response_once),
        cmocka_unit_test(test_day_cap_refuses_without_change),
        cmocka_unit_test(test_row_cap_refuses_without_change),
        cmocka_unit_test(test_hub_caps_are_the_defaults),
        cmocka_unit_test(test_long_text_is_cut_at_a_character),
        cmocka_unit_test(test_codes_keep_to_the_hub_alphabet),
        cmocka_unit_test(test_bad_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
