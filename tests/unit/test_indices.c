#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "core/indices.h"

/*
 * Golden table: every expected figure below was worked out by hand (the
 * working is in the comment beside it) and is compared to two decimals:
 * round(100 * x) must equal the hundredths given. z = 1.96, z^2 = 3.8416.
 *
 * Wilson: c = (p + z^2/2n) / (1 + z^2/n),
 *         h = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2),
 *         interval = [c - h, c + h].
 * Normalised mean: d = x - 1 (0..4), percent = 25 * mean(d),
 *         s = 25 * sd(d) with n - 1, interval = percent +- 1.96 s / sqrt(n).
 */

#define NO 0 /* expected has_data */
#define YES 1

/* round(100 * x): the figure to two decimals, as hundredths. */
static long centi(double x)
{
    return lround(x * 100.0);
}

static void assert_no_data(const indices_value_t *v)
{
    assert_int_equal(v->has_data, 0);
    /* Never a plausible 0: the figures are NaN. */
    assert_true(isnan(v->percent));
    assert_true(isnan(v->ci_low));
    assert_true(isnan(v->ci_high));
}

static void assert_figure(const indices_value_t *v, long pct, long lo,
                          long hi)
{
    assert_int_equal(v->has_data, 1);
    assert_int_equal(centi(v->percent), pct);
    assert_int_equal(centi(v->ci_low), lo);
    assert_int_equal(centi(v->ci_high), hi);
}

/* ---- one question ------------------------------------------------------ */

typedef struct golden_question {
    const char *what;
    int64_t count[INDICES_SCALE_MAX]; /* answers of 1, 2, 3, 4, 5 */
    indices_method_t method;
    int has_data;
    long pct, lo, hi; /* hundredths of a percent */
} golden_question_t;

static const golden_question_t golden_questions[] = {
    /* No answers: no data, never 0. */
    {"empty, share", {0, 0, 0, 0, 0}, INDICES_SHARE_4_5, NO, 0, 0, 0},
    {"empty, mean", {0, 0, 0, 0, 0}, INDICES_NORMALISED_MEAN, NO, 0, 0, 0},
    /* One answer 4: share 1/1 = 100%. Wilson n=1, k=1:
     * 1 + z^2 = 4.8416; c = (1 + 1.9208) / 4.8416 = 0.603272;
     * h = 1.96 / 4.8416 * sqrt(0 + 3.8416/4) = 0.404825 * 0.98 = 0.396728;
     * [0.206544, 1] -> [20.65, 100.00]. */
    {"single 4, share", {0, 0, 0, 1, 0}, INDICES_SHARE_4_5, YES,
     10000, 2065, 10000},
    /* One answer 4: (4 - 1) / 4 * 100 = 75; one answer has no spread, so
     * the interval is the whole [0, 100]. */
    {"single 4, mean", {0, 0, 0, 1, 0}, INDICES_NORMALISED_MEAN, YES,
     7500, 0, 10000},
    /* Five answers 1: share 0/5 = 0%. Wilson n=5, k=0: z^2/n = 0.76832;
     * c = 0.38416 / 1.76832 = 0.217246; h = 1.96 / 1.76832 * sqrt(3.8416 /
     * 100) = 1.108397 * 0.196 = 0.217246; [0, 0.434491] -> [0, 43.45]. */
    {"all 1, share", {5, 0, 0, 0, 0}, INDICES_SHARE_4_5, YES, 0, 0, 4345},
    /* All d = 0: 0%; s = 0, so the normal interval is the point. */
    {"all 1, mean", {5, 0, 0, 0, 0}, INDICES_NORMALISED_MEAN, YES, 0, 0, 0},
    /* Five answers 5: 5/5 = 100%. Wilson n=5, k=5: c = (1 + 0.38416) /
     * 1.76832 = 0.782754, h = 0.217246 as above; [0.565509, 1]
     * -> [56.55, 100.00]. */
    {"all 5, share", {0, 0, 0, 0, 5}, INDICES_SHARE_4_5, YES,
     10000, 5655, 10000},
    {"all 5, mean", {0, 0, 0, 0, 5}, INDICES_NORMALISED_MEAN, YES,
     10000, 10000, 10000},
    /* Mixed 2,1,3,10,4 (N = 20): share (10 + 4)/20 = 70%. Wilson n=20,
     * k=14: z^2/n = 0.19208; c = (0.7 + 0.09604) / 1.19208 = 0.667774;
     * h = 1.96 / 1.19208 * sqrt(0.21/20 + 3.8416/1600)
     *   = 1.644185 * sqrt(0.0105 + 0.002401) = 1.644185 * 0.113583
     *   = 0.186751; [0.481023, 0.854525] -> [48.10, 85.45]. */
    {"mixed, share", {2, 1, 3, 10, 4}, INDICES_SHARE_4_5, YES,
     7000, 4810, 8545},
    /* Mixed, normalised: sum d = 0*2 + 1*1 + 2*3 + 3*10 + 4*4 = 53;
     * mean d = 2.65 -> 25 * 2.65 = 66.25. sum d^2 = 0 + 1 + 12 + 90 + 64 =
     * 167; var d = (167 - 53^2/20) / 19 = 26.55 / 19 = 1.397368;
     * s = 25 * 1.182103 = 29.552585; h = 1.96 * 29.552585 / sqrt(20) =
     * 1.96 * 6.608156 = 12.951986; [53.298, 79.202] -> [53.30, 79.20]. */
    {"mixed, mean", {2, 1, 3, 10, 4}, INDICES_NORMALISED_MEAN, YES,
     6625, 5330, 7920},
    /* One of each: mean d = 2 -> 50; var d = (4+1+0+1+4)/4 = 2.5;
     * s = 25 * 1.581139 = 39.528471; h = 1.96 * 39.528471 / sqrt(5) =
     * 1.96 * 17.677670 = 34.648232; [15.351768, 84.648232]
     * -> [15.35, 84.65]. */
    {"one of each, mean", {1, 1, 1, 1, 1}, INDICES_NORMALISED_MEAN, YES,
     5000, 1535, 8465},
    /* Five 4s and five 5s: mean d = 3.5 -> 87.5; var d = 10 * 0.25 / 9 =
     * 0.277778; s / sqrt(10) = 25 * sqrt(0.277778 / 10) = 25 / 6 =
     * 4.166667; h = 1.96 * 4.166667 = 8.166667; [79.33, 95.67].
     * Share of the same answers: 10/10 = 100%, Wilson n=10, k=10:
     * c = 1.19208 / 1.38416 = 0.861230, h = 1.416021 * 0.098 = 0.138770;
     * [0.722460, 1] -> [72.25, 100.00]. */
    {"4s and 5s, mean", {0, 0, 0, 5, 5}, INDICES_NORMALISED_MEAN, YES,
     8750, 7933, 9567},
    {"4s and 5s, share", {0, 0, 0, 5, 5}, INDICES_SHARE_4_5, YES,
     10000, 7225, 10000},
};

static void test_golden_questions(void **state)
{
    indices_value_t v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(golden_questions) / sizeof(golden_questions[0]);
         i++) {
        const golden_question_t *g = &golden_questions[i];

        memset(&v, 0x5a, sizeof(v));
        assert_int_equal(indices_rate_question(g->count, g->method, &v),
                         INDICES_OK);
        if (!g->has_data) {
            assert_no_data(&v);
            continue;
        }
        if (centi(v.percent) != g->pct || centi(v.ci_low) != g->lo ||
            centi(v.ci_high) != g->hi)
            fail_msg("%s: got %.4f [%.4f, %.4f], want %ld [%ld, %ld]",
                     g->what, v.percent, v.ci_low, v.ci_high, g->pct, g->lo,
                     g->hi);
        assert_figure(&v, g->pct, g->lo, g->hi);
    }
}

/* The exact fraction behind a question, for target comparisons. */
static void test_question_keeps_exact_fraction(void **state)
{
    static const int64_t mixed[INDICES_SCALE_MAX] = {2, 1, 3, 10, 4};
    indices_value_t v;

    (void)state;
    assert_int_equal(indices_rate_question(mixed, INDICES_SHARE_4_5, &v),
                     INDICES_OK);
    assert_int_equal(v.num, 14);
    assert_int_equal(v.den, 20);
    assert_int_equal(v.answers, 20);
    assert_int_equal(indices_rate_question(mixed, INDICES_NORMALISED_MEAN,
                                           &v),
                     INDICES_OK);
    /* 100 * 53 / 80 = 66.25 */
    assert_int_equal(v.num, 53);
    assert_int_equal(v.den, 80);
    /* 9 of 10 is exactly 90.0, not 89.99999... */
    assert_int_equal(indices_rate_share(9, 10, &v), INDICES_OK);
    assert_true(v.percent == 90.0);
}

/* ---- Wilson interval --------------------------------------------------- */

typedef struct golden_wilson {
    int64_t k, n;
    long lo, hi;
} golden_wilson_t;

static const golden_wilson_t golden_wilson[] = {
    /* n=1, k=1: [0.206544, 1] (worked above) -> [20.65, 100.00]. */
    {1, 1, 2065, 10000},
    /* n=1, k=0: mirror image, [0, 1 - 0.206544] -> [0, 79.35]. */
    {0, 1, 0, 7935},
    /* n=10, p=0.5: z^2/n = 0.38416; c = (0.5 + 0.19208) / 1.38416 = 0.5;
     * h = 1.96 / 1.38416 * sqrt(0.025 + 0.009604) = 1.416021 * 0.186021
     *   = 0.263410; [0.236590, 0.763410] -> [23.66, 76.34]. */
    {5, 10, 2366, 7634},
    /* n=100, p=0.9: z^2/n = 0.038416; c = (0.9 + 0.019208) / 1.038416 =
     * 0.885202; h = 1.96 / 1.038416 * sqrt(0.0009 + 0.00009604) =
     * 1.887490 * 0.031560 = 0.059569; [0.825633, 0.944771]
     * -> [82.56, 94.48]. */
    {90, 100, 8256, 9448},
};

static void test_golden_wilson(void **state)
{
    double lo, hi;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(golden_wilson) / sizeof(golden_wilson[0]); i++) {
        const golden_wilson_t *g = &golden_wilson[i];

        assert_int_equal(indices_get_wilson(g->k, g->n, &lo, &hi),
                         INDICES_OK);
        if (centi(lo) != g->lo || centi(hi) != g->hi)
            fail_msg("wilson %lld/%lld: got [%.4f, %.4f]", (long long)g->k,
                     (long long)g->n, lo, hi);
    }
    /* The edges are exact, not a hair off. */
    assert_int_equal(indices_get_wilson(0, 7, &lo, &hi), INDICES_OK);
    assert_true(lo == 0.0);
    assert_int_equal(indices_get_wilson(7, 7, &lo, &hi), INDICES_OK);
    assert_true(hi == 100.0);
}

static void test_wilson_refuses_bad_counts(void **state)
{
    double lo, hi;

    (void)state;
    assert_int_equal(indices_get_wilson(0, 0, &lo, &hi), INDICES_EINVAL);
    assert_int_equal(indices_get_wilson(3, 2, &lo, &hi), INDICES_EINVAL);
    assert_int_equal(indices_get_wilson(-1, 2, &lo, &hi), INDICES_EINVAL);
    assert_int_equal(indices_get_wilson(1, 2, NULL, &hi), INDICES_EINVAL);
    assert_int_equal(
        indices_get_wilson(1, INDICES_COUNT_MAX + 1, &lo, &hi),
        INDICES_EINVAL);
}

/* ---- elements and the index -------------------------------------------- */

/*
 * Share method, per question (Wilson worked as above):
 *   overall   1,0,0,1,2  3/4  = 75%   (reported apart, not in the index)
 *   tiep-can  0,0,2,3,5  8/10 = 80%   [49.02, 94.33]
 *   tiep-can  1,1,2,4,2  6/10 = 60%   [31.27, 83.18]
 *   thu-tuc   no answers              (left out of its element)
 *   thu-tuc   0,0,1,4,5  9/10 = 90%   [59.58, 98.21]
 *   cong-chuc 0,0,0,0,10 10/10 = 100% [72.25, 100]
 *   ket-qua   not asked               (no data: left out of the index)
 *   gop-y     1,2,2,3,2  5/10 = 50%   [23.66, 76.34]
 * Elements: tiep-can (80 + 60)/2 = 70, bounds ((49.015685 + 31.266955)/2,
 * (94.331905 + 83.182242)/2) = [40.14, 88.76]; thu-tuc 90 [59.58, 98.21];
 * cong-chuc 100 [72.25, 100]; gop-y 50 [23.66, 76.34].
 * Index: (70 + 90 + 100 + 50) / 4 = 77.5 over 4 elements; bounds
 * (40.141320 + 59.584361 + 72.245983 + 23.658959)/4 = 48.91 and
 * (88.757074 + 98.212425 + 100 + 76.341041)/4 = 90.83.
 * Had ket-qua counted as 0 it would read 62.0; had the overall question
 * been a sixth part, 77.0.
 */
static const indices_question_t sipas_questions[] = {
    {"overall", {1, 0, 0, 1, 2}},   {"tiep-can", {0, 0, 2, 3, 5}},
    {"tiep-can", {1, 1, 2, 4, 2}},  {"thu-tuc", {0, 0, 0, 0, 0}},
    {"thu-tuc", {0, 0, 1, 4, 5}},   {"cong-chuc", {0, 0, 0, 0, 10}},
    {"gop-y", {1, 2, 2, 3, 2}},
};
#define SIPAS_N (sizeof(sipas_questions) / sizeof(sipas_questions[0]))

static void test_golden_elements_share(void **state)
{
    indices_value_t per[SIPAS_N];
    indices_sipas_t r;

    (void)state;
    assert_int_equal(indices_rate_sipas(sipas_questions, SIPAS_N,
                                        INDICES_SHARE_4_5, per, &r),
                     INDICES_OK);
    assert_figure(&per[1], 8000, 4902, 9433);
    assert_figure(&per[2], 6000, 3127, 8318);
    assert_no_data(&per[3]);
    assert_figure(&r.element[INDICES_TIEP_CAN], 7000, 4014, 8876);
    assert_int_equal(r.element[INDICES_TIEP_CAN].parts, 2);
    assert_int_equal(r.element[INDICES_TIEP_CAN].answers, 20);
    assert_figure(&r.element[INDICES_THU_TUC], 9000, 5958, 9821);
    assert_int_equal(r.element[INDICES_THU_TUC].parts, 1);
    assert_figure(&r.element[INDICES_CONG_CHUC], 10000, 7225, 10000);
    assert_no_data(&r.element[INDICES_KET_QUA]);
    assert_figure(&r.element[INDICES_GOP_Y], 5000, 2366, 7634);
    assert_figure(&r.index, 7750, 4891, 9083);
    assert_int_equal(r.elements_with_data, 4);
    assert_int_equal(r.index.parts, 4);
    /* The overall question stands apart: 3/4, Wilson n=4, k=3:
     * c = (0.75 + 0.4802) / 1.9604 = 0.627525,
     * h = 1.96 / 1.9604 * sqrt(0.046875 + 0.060025) = 0.326889
     * -> [30.06, 95.44]. */
    assert_figure(&r.overall_question, 7500, 3006, 9544);
}

/*
 * Normalised mean of the same answers: tiep-can (33/40 = 82.5, 25/40 =
 * 62.5) -> 72.5; thu-tuc 34/40 = 85; cong-chuc 40/40 = 100; gop-y 23/40 =
 * 57.5. Index (72.5 + 85 + 100 + 57.5) / 4 = 78.75. Overall 11/16 = 68.75.
 */
static void test_golden_elements_normalised(void **state)
{
    indices_sipas_t r;

    (void)state;
    assert_int_equal(indices_rate_sipas(sipas_questions, SIPAS_N,
                                        INDICES_NORMALISED_MEAN, NULL, &r),
                     INDICES_OK);
    assert_int_equal(r.method, INDICES_NORMALISED_MEAN);
    assert_int_equal(centi(r.element[INDICES_TIEP_CAN].percent), 7250);
    assert_int_equal(centi(r.element[INDICES_THU_TUC].percent), 8500);
    assert_int_equal(centi(r.element[INDICES_CONG_CHUC].percent), 10000);
    assert_no_data(&r.element[INDICES_KET_QUA]);
    assert_int_equal(centi(r.element[INDICES_GOP_Y].percent), 5750);
    assert_int_equal(centi(r.index.percent), 7875);
    assert_int_equal(centi(r.overall_question.percent), 6875);
}

static void test_sipas_without_any_data(void **state)
{
    static const indices_question_t only_overall[] = {
        {"overall", {0, 0, 0, 3, 1}},
    };
    indices_sipas_t r;

    (void)state;
    assert_int_equal(indices_rate_sipas(NULL, 0, INDICES_SHARE_4_5, NULL, &r),
                     INDICES_OK);
    assert_no_data(&r.index);
    assert_no_data(&r.overall_question);
    assert_int_equal(r.elements_with_data, 0);
    /* An overall answer alone gives no index: it is not an element. */
    assert_int_equal(indices_rate_sipas(only_overall, 1, INDICES_SHARE_4_5,
                                        NULL, &r),
                     INDICES_OK);
    assert_no_data(&r.index);
    assert_int_equal(centi(r.overall_question.percent), 10000);
}

static void test_sipas_refuses_other_answers(void **state)
{
    indices_question_t bad[] = {
        {"tiep-can", {0, 0, 0, 1, 1}},
        {"c01-3", {0, 1, 1, 0, 0}},
    };
    indices_sipas_t r;

    (void)state;
    memset(&r, 0x11, sizeof(r));
    assert_int_equal(indices_rate_sipas(bad, 2, INDICES_SHARE_4_5, NULL, &r),
                     INDICES_EINVAL);
    /* Nothing written on error. */
    assert_int_equal(r.elements_with_data, 0x11111111);
    bad[1].element = NULL;
    assert_int_equal(indices_rate_sipas(bad, 2, INDICES_SHARE_4_5, NULL, &r),
                     INDICES_EINVAL);
    bad[1].element = "gop-y";
    bad[1].count[2] = -1;
    assert_int_equal(indices_rate_sipas(bad, 2, INDICES_SHARE_4_5, NULL, &r),
                     INDICES_EINVAL);
    bad[1].count[2] = 0;
    assert_int_equal(indices_rate_sipas(bad, 2, (indices_method_t)7, NULL, &r),
                     INDICES_EINVAL);
    assert_int_equal(indices_rate_sipas(bad, INDICES_QUESTION_MAX + 1,
                                        INDICES_SHARE_4_5, NULL, &r),
                     INDICES_EINVAL);
    assert_int_equal(indices_rate_sipas(bad, 2, INDICES_SHARE_4_5, NULL, &r),
                     INDICES_OK);
}

static void test_mean_values_skips_no_data(void **state)
{
    indices_value_t parts[3], m;

    (void)state;
    assert_int_equal(indices_rate_share(1, 2, &parts[0]), INDICES_OK);
    assert_int_equal(indices_rate_share(0, 0, &parts[1]), INDICES_OK);
    assert_int_equal(indices_rate_share(2, 2, &parts[2]), INDICES_OK);
    assert_int_equal(indices_mean_values(parts, 3, &m), INDICES_OK);
    /* (50 + 100) / 2, the empty part neither 0 nor counted. */
    assert_int_equal(centi(m.percent), 7500);
    assert_int_equal(m.parts, 2);
    assert_int_equal(m.answers, 4);
    assert_int_equal(indices_mean_values(NULL, 0, &m), INDICES_OK);
    assert_no_data(&m);
    assert_int_equal(indices_mean_values(&parts[1], 1, &m), INDICES_OK);
    assert_no_data(&m);
}

/* ---- several survey forms in one group (domain §3d) ------------------- */

#define FORM_SHORT 0
#define FORM_FULL 1

/*
 * One question over two forms: 30 of 40 satisfied on the short form, 10 of
 * 10 on the full form. Pooled: 40/50 = 80.00 (the mean of the two forms'
 * shares would read (75 + 100)/2 = 87.50). Wilson n=50, k=40:
 * c = (0.8 + 3.8416/100) / (1 + 3.8416/50) = 0.838416/1.076832 = 0.778596,
 * h = 1.96/1.076832 * sqrt(0.16/50 + 3.8416/10000) = 1.820155 * 0.059868
 *   = 0.108969 -> [66.96, 88.76] (the mean of the forms' bounds would read
 * [66.03, 92.91]).
 */
static void test_golden_forms_pool_a_question(void **state)
{
    static const indices_form_question_t qs[] = {
        {FORM_SHORT, "overall", "overall", {5, 3, 2, 20, 10}},
        {FORM_FULL, "overall", "overall", {0, 0, 0, 4, 6}},
    };
    indices_value_t per[2];
    indices_forms_t r;

    (void)state;
    assert_int_equal(
        indices_rate_forms(qs, 2, NULL, INDICES_SHARE_4_5, per, &r),
        INDICES_OK);
    assert_figure(&r.overall_question, 8000, 6696, 8876);
    assert_int_equal(r.overall_question.num, 40);
    assert_int_equal(r.overall_question.den, 50);
    /* Each form's row carries the question's pooled figure. */
    assert_figure(&per[0], 8000, 6696, 8876);
    assert_figure(&per[1], 8000, 6696, 8876);
    /* Never in the index. */
    assert_no_data(&r.index);
    assert_int_equal(r.elements_with_data, 0);
}

/*
 * An element over two forms. Short form: one ket-qua question, 90 of 100
 * satisfied, 100 respondents. Full form: three ket-qua criteria, 5 of 10
 * each, 10 respondents.
 *   short: 90 [82.56, 94.48] (Wilson 90/100, table above);
 *   full: (50 + 50 + 50)/3 = 50 [23.66, 76.34];
 *   across forms, weighted by respondents: (100*90 + 10*50)/110 = 86.36,
 *   bounds (100*82.563270 + 10*23.658959)/110 = 77.21 and
 *   (100*94.477146 + 10*76.341041)/110 = 92.83.
 * A mean of all four questions would read (90 + 3*50)/4 = 60.00: below a
 * "kết quả ≥ 85" target that the respondents' view meets.
 */
static const indices_form_question_t forms_ket_qua[] = {
    {FORM_SHORT, "ket-qua", "ket-qua", {2, 3, 5, 40, 50}},
    {FORM_FULL, "kq-dung-hen", "ket-qua", {1, 2, 2, 3, 2}},
    {FORM_FULL, "kq-day-du", "ket-qua", {0, 0, 5, 5, 0}},
    {FORM_FULL, "kq-chinh-xac", "ket-qua", {5, 0, 0, 0, 5}},
};

static void test_golden_forms_weigh_respondents(void **state)
{
    int64_t resp[INDICES_FORM_MAX * INDICES_ELEMENT_COUNT];
    indices_forms_t r;
    size_t i;

    (void)state;
    for (i = 0; i < INDICES_FORM_MAX * INDICES_ELEMENT_COUNT; i++)
        resp[i] = -1;
    resp[FORM_SHORT * INDICES_ELEMENT_COUNT + INDICES_KET_QUA] = 100;
    resp[FORM_FULL * INDICES_ELEMENT_COUNT + INDICES_KET_QUA] = 10;
    assert_int_equal(indices_rate_forms(forms_ket_qua, 4, resp,
                                        INDICES_SHARE_4_5, NULL, &r),
                     INDICES_OK);
    assert_figure(&r.form_element[FORM_SHORT][INDICES_KET_QUA], 9000, 8256,
                  9448);
    assert_figure(&r.form_element[FORM_FULL][INDICES_KET_QUA], 5000, 2366,
                  7634);
    assert_figure(&r.element[INDICES_KET_QUA], 8636, 7721, 9283);
    assert_int_equal(r.respondents[INDICES_KET_QUA], 110);
    assert_int_equal(r.element[INDICES_KET_QUA].answers, 130);
    /* The index of one element is that element. */
    assert_figure(&r.index, 8636, 7721, 9283);
    assert_int_equal(r.elements_with_data, 1);
    /* Without respondent counts (older uploads) the largest answer count
     * of one question of the form's element stands in: 100 and 10, the
     * same here. */
    assert_int_equal(indices_rate_forms(forms_ket_qua, 4, NULL,
                                        INDICES_SHARE_4_5, NULL, &r),
                     INDICES_OK);
    assert_figure(&r.element[INDICES_KET_QUA], 8636, 7721, 9283);
    assert_int_equal(r.weight[FORM_FULL][INDICES_KET_QUA], 10);
}

/*
 * Partial responses count for the questions they answered. Full form,
 * tiep-can with two criteria: 10 complete respondents answered both (8/10
 * and 6/10 satisfied); 2 partial ones answered the first only, both with a
 * 1, and left. First criterion 8/12 = 66.67 [39.06, 86.19], second 6/10 =
 * 60 [31.27, 83.18]; element (66.67 + 60)/2 = 63.33. The element's
 * respondents: 12 (the largest answer count, the first criterion's), not
 * 10. Wilson 8/12: c = (0.666667 + 0.160067)/1.320133 = 0.626254,
 * h = 1.484697 * sqrt(0.018519 + 0.006669) = 0.235653.
 */
static void test_golden_forms_partial_answers(void **state)
{
    static const indices_form_question_t qs[] = {
        {FORM_FULL, "tc-thong-tin", "tiep-can", {2 + 2, 0, 0, 4, 4}},
        {FORM_FULL, "tc-noi-cho", "tiep-can", {0, 2, 2, 3, 3}},
    };
    indices_value_t per[2];
    indices_forms_t r;

    (void)state;
    assert_int_equal(
        indices_rate_forms(qs, 2, NULL, INDICES_SHARE_4_5, per, &r),
        INDICES_OK);
    assert_figure(&per[0], 6667, 3906, 8619);
    assert_int_equal(per[0].den, 12);
    assert_figure(&per[1], 6000, 3127, 8318);
    assert_int_equal(per[1].den, 10);
    assert_int_equal(centi(r.element[INDICES_TIEP_CAN].percent), 6333);
    assert_int_equal(r.respondents[INDICES_TIEP_CAN], 12);
}

/* One form alone gives what indices_rate_sipas() gives. */
static void test_forms_one_form_is_sipas(void **state)
{
    indices_form_question_t qs[SIPAS_N];
    indices_forms_t r;
    indices_sipas_t s;
    size_t i;
    int e;

    (void)state;
    for (i = 0; i < SIPAS_N; i++) {
        qs[i].form = 3;
        qs[i].id = sipas_questions[i].element;
        qs[i].element = sipas_questions[i].element;
        memcpy(qs[i].count, sipas_questions[i].count, sizeof(qs[i].count));
    }
    /* Two questions share an element, so they need ids of their own. */
    qs[1].id = "tc-1";
    qs[2].id = "tc-2";
    qs[3].id = "tt-1";
    qs[4].id = "tt-2";
    assert_int_equal(indices_rate_sipas(sipas_questions, SIPAS_N,
                                        INDICES_SHARE_4_5, NULL, &s),
                     INDICES_OK);
    assert_int_equal(indices_rate_forms(qs, SIPAS_N, NULL, INDICES_SHARE_4_5,
                                        NULL, &r),
                     INDICES_OK);
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++) {
        assert_int_equal(r.element[e].has_data, s.element[e].has_data);
        if (s.element[e].has_data)
            assert_figure(&r.element[e], centi(s.element[e].percent),
                          centi(s.element[e].ci_low),
                          centi(s.element[e].ci_high));
    }
    assert_figure(&r.index, 7750, 4891, 9083);
    assert_figure(&r.overall_question, 7500, 3006, 9544);
}

static void test_forms_refuses_bad_input(void **state)
{
    indices_form_question_t qs[] = {
        {0, "q", "tiep-can", {0, 0, 0, 1, 0}},
    };
    int64_t resp[INDICES_FORM_MAX * INDICES_ELEMENT_COUNT];
    indices_forms_t r;

    (void)state;
    memset(resp, 0, sizeof(resp));
    r.elements_with_data = 99;
    qs[0].form = INDICES_FORM_MAX;
    assert_int_equal(indices_rate_forms(qs, 1, NULL, INDICES_SHARE_4_5, NULL,
                                        &r),
                     INDICES_EINVAL);
    qs[0].form = 0;
    qs[0].element = "mong-doi";
    assert_int_equal(indices_rate_forms(qs, 1, NULL, INDICES_SHARE_4_5, NULL,
                                        &r),
                     INDICES_EINVAL);
    qs[0].element = "tiep-can";
    qs[0].id = NULL;
    assert_int_equal(indices_rate_forms(qs, 1, NULL, INDICES_SHARE_4_5, NULL,
                                        &r),
                     INDICES_EINVAL);
    qs[0].id = "q";
    resp[0] = -2;
    assert_int_equal(indices_rate_forms(qs, 1, resp, INDICES_SHARE_4_5, NULL,
                                        &r),
                     INDICES_EINVAL);
    /* Nothing was written. */
    assert_int_equal(r.elements_with_data, 99);
    /* A respondent count below the answers held is raised to them. */
    resp[0] = 0;
    assert_int_equal(indices_rate_forms(qs, 1, resp, INDICES_SHARE_4_5, NULL,
                                        &r),
                     INDICES_OK);
    assert_int_equal(r.respondents[INDICES_TIEP_CAN], 1);
}

static void test_element_labels(void **state)
{
    (void)state;
    assert_string_equal(indices_get_element_label(INDICES_TIEP_CAN)->code,
                        "tiep-can");
    assert_string_equal(indices_get_element_label(INDICES_GOP_Y)->code,
                        "gop-y");
    assert_string_equal(indices_get_element_label(INDICES_CONG_CHUC)->vi,
                        "Công chức");
    assert_null(indices_get_element_label((indices_element_t)5));
    assert_int_equal(indices_find_element("ket-qua"), INDICES_KET_QUA);
    assert_int_equal(indices_find_element("overall"), -1);
    assert_int_equal(indices_find_element(NULL), -1);
}

/* ---- three-level online rating ----------------------------------------- */

static void test_golden_level3(void **state)
{
    /* Chưa hài lòng 2, Hài lòng 3, Rất hài lòng 5: (5 + 3) / 10 = 80%;
     * Wilson n=10, k=8: c = (0.8 + 0.19208) / 1.38416 = 0.716738,
     * h = 1.416021 * sqrt(0.016 + 0.009604) = 0.226581
     * -> [49.02, 94.33]. */
    static const int64_t counts[INDICES_LEVEL3_MAX] = {2, 3, 5};
    static const int64_t none[INDICES_LEVEL3_MAX] = {0, 0, 0};
    static const int64_t only_unhappy[INDICES_LEVEL3_MAX] = {4, 0, 0};
    indices_value_t v;

    (void)state;
    assert_int_equal(indices_rate_level3(counts, &v), INDICES_OK);
    assert_figure(&v, 8000, 4902, 9433);
    assert_int_equal(v.num, 8);
    assert_int_equal(v.den, 10);
    assert_int_equal(indices_rate_level3(none, &v), INDICES_OK);
    assert_no_data(&v);
    assert_int_equal(indices_rate_level3(only_unhappy, &v), INDICES_OK);
    assert_int_equal(centi(v.percent), 0);
}

/* ---- Circular 01/2018 -------------------------------------------------- */

typedef struct golden_c01 {
    int64_t points, dossiers;
    int has_data;
    int tenths;
} golden_c01_t;

static const golden_c01_t golden_c01[] = {
    /* 5/4 = 1.25 exactly: half away from zero -> 1.3 ("%.1f" says 1.2). */
    {5, 4, YES, 13},
    /* 1249/1000 = 1.249 -> 1.2 */
    {1249, 1000, YES, 12},
    /* 1250/1000 = 1.25 -> 1.3; 1251/1000 = 1.251 -> 1.3 */
    {1250, 1000, YES, 13},
    {1251, 1000, YES, 13},
    /* 2/3 = 0.666... -> 0.7; 1/3 = 0.333... -> 0.3 */
    {2, 3, YES, 7},
    {1, 3, YES, 3},
    /* 1/4 = 0.25 -> 0.3 ("%.1f" says 0.2) */
    {1, 4, YES, 3},
    /* 3/20 = 0.15 -> 0.2 ("%.1f" of the double 0.1499... says 0.1) */
    {3, 20, YES, 2},
    /* 29/20 = 1.45 -> 1.5 */
    {29, 20, YES, 15},
    /* 1/20 = 0.05 -> 0.1 */
    {1, 20, YES, 1},
    /* every dossier 0 points: a real 0.0, with data */
    {0, 5, YES, 0},
    /* every dossier 2 points: 2.0 */
    {10, 5, YES, 20},
    /* no dossier: left out, never defaulted */
    {0, 0, NO, -1},
};

static void test_golden_c01_rounding(void **state)
{
    indices_c01_tally_t t;
    indices_c01_score_t s;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(golden_c01) / sizeof(golden_c01[0]); i++) {
        t.points = golden_c01[i].points;
        t.dossiers = golden_c01[i].dossiers;
        assert_int_equal(indices_score_c01(&t, &s), INDICES_OK);
        if (s.has_data != golden_c01[i].has_data ||
            s.tenths != golden_c01[i].tenths)
            fail_msg("%lld/%lld: got %d tenths (data %d), want %d",
                     (long long)t.points, (long long)t.dossiers, s.tenths,
                     s.has_data, golden_c01[i].tenths);
    }
}

static void test_c01_round_and_tally(void **state)
{
    /* 1 dossier at 0, 2 at 1, 1 at 2: 4 dossiers, 0 + 2 + 2 = 4 points. */
    static const int64_t counts[3] = {1, 2, 1};
    indices_c01_tally_t t;
    indices_c01_score_t s;
    int64_t tenths;

    (void)state;
    assert_int_equal(indices_tally_c01(counts, &t), INDICES_OK);
    assert_int_equal(t.dossiers, 4);
    assert_int_equal(t.points, 4);
    assert_int_equal(indices_round_tenths(5, 4, &tenths), INDICES_OK);
    assert_int_equal(tenths, 13);
    /* Large counts stay exact. */
    assert_int_equal(
        indices_round_tenths(INDICES_COUNT_MAX + INDICES_COUNT_MAX / 4,
                             INDICES_COUNT_MAX, &tenths),
        INDICES_OK);
    assert_int_equal(tenths, 13);
    assert_int_equal(indices_round_tenths(1, 0, &tenths), INDICES_EINVAL);
    assert_int_equal(indices_round_tenths(-1, 3, &tenths), INDICES_EINVAL);
    /* More points than 2 per dossier cannot come from a real tally. */
    t.dossiers = 2;
    t.points = 5;
    assert_int_equal(indices_score_c01(&t, &s), INDICES_EINVAL);
    t.dossiers = 0;
    t.points = 1;
    assert_int_equal(indices_score_c01(&t, &s), INDICES_EINVAL);
    assert_int_equal(indices_find_c01("c01-7"), 7);
    assert_int_equal(indices_find_c01("c01-0"), -1);
    assert_int_equal(indices_find_c01("c01-10"), -1);
    assert_string_equal(indices_get_c01_label(3)->code, "c01-3");
    assert_string_equal(indices_get_c01_label(7)->vi,
                        "Thái độ của cán bộ, công chức");
    assert_null(indices_get_c01_label(10));
}

/* Scores for indicators 1..9 from tenths; -1 means no data. */
static void make_scores(indices_c01_score_t s[INDICES_C01_COUNT],
                        const int tenths[INDICES_C01_COUNT])
{
    int i;

    for (i = 0; i < INDICES_C01_COUNT; i++) {
        s[i].has_data = tenths[i] >= 0;
        s[i].tenths = tenths[i];
        s[i].dossiers = tenths[i] >= 0 ? 10 : 0;
    }
}

typedef struct golden_total {
    const char *what;
    int tenths[INDICES_C01_COUNT]; /* indicators 1..9; -1 = no data */
    int total, max_total;          /* tenths */
    int complete;
    const char *band, *band_max;
} golden_total_t;

/* Officer total = indicators 1+2+3+4+7 (5..6, 8..9 ignored). */
static const golden_total_t golden_officer[] = {
    /* 1.0 * 5 = 5.0: >= 5 -> "100" */
    {"exactly 5.0", {10, 10, 10, 10, 2, 2, 10, 2, 2}, 50, 50, 1, "100",
     "100"},
    /* 1.0 * 4 + 0.9 = 4.9 -> "70-100" */
    {"4.9", {10, 10, 10, 10, 0, 0, 9, 0, 0}, 49, 49, 1, "70-100", "70-100"},
    /* 0.7 * 5 = 3.5 -> "70-100" */
    {"exactly 3.5", {7, 7, 7, 7, -1, -1, 7, -1, -1}, 35, 35, 1, "70-100",
     "70-100"},
    /* 0.7 * 4 + 0.6 = 3.4 -> "under-70" */
    {"3.4", {7, 7, 7, 7, -1, -1, 6, -1, -1}, 34, 34, 1, "under-70",
     "under-70"},
    /* Only the kiosk's 3, 4, 7 at 2.0: 6.0 of a possible 6.0 + 2 * 2.0;
     * partial, at least "100". */
    {"kiosk only, high", {-1, -1, 20, 20, -1, -1, 20, -1, -1}, 60, 100, 0,
     "100", "100"},
    /* 3, 4, 7 at 1.0: 3.0 "under-70" so far; 1 and 2 could add 4.0 -> 7.0
     * "100": the band is not settled. */
    {"kiosk only, low", {-1, -1, 10, 10, -1, -1, 10, -1, -1}, 30, 70, 0,
     "under-70", "100"},
    /* Indicator 7 missing is left out: 1.0 * 4 = 4.0 (defaulting it to 2
     * would have made 6.0 "100"). */
    {"7 missing", {10, 10, 10, 10, 20, 20, -1, 20, 20}, 40, 60, 0, "70-100",
     "100"},
};

/* Unit total out of 18 = all nine indicators. */
static const golden_total_t golden_unit[] = {
    /* 2.0 * 6 + 1.0 * 3 = 15.0 -> "xuat-sac" (>= 15, not > 15) */
    {"exactly 15.0", {20, 20, 20, 20, 20, 20, 10, 10, 10}, 150, 150, 1,
     "xuat-sac", "xuat-sac"},
    /* 15.0 - 0.1 = 14.9 -> "tot" */
    {"14.9", {20, 20, 20, 20, 20, 20, 10, 10, 9}, 149, 149, 1, "tot", "tot"},
    /* 2.0 * 3 + 1.0 * 6 = 12.0 -> "tot" */
    {"exactly 12.0", {20, 20, 20, 10, 10, 10, 10, 10, 10}, 120, 120, 1, "tot",
     "tot"},
    {"11.9", {20, 20, 20, 10, 10, 10, 10, 10, 9}, 119, 119, 1, "kha", "kha"},
    /* 1.0 * 9 = 9.0 -> "kha" */
    {"exactly 9.0", {10, 10, 10, 10, 10, 10, 10, 10, 10}, 90, 90, 1, "kha",
     "kha"},
    {"8.9", {10, 10, 10, 10, 10, 10, 10, 10, 9}, 89, 89, 1, "trung-binh",
     "trung-binh"},
    /* 1.0 * 6 = 6.0 -> "trung-binh" */
    {"exactly 6.0", {10, 10, 10, 10, 10, 10, 0, 0, 0}, 60, 60, 1,
     "trung-binh", "trung-binh"},
    {"5.9", {10, 10, 10, 10, 10, 9, 0, 0, 0}, 59, 59, 1, "yeu", "yeu"},
    /* Eight indicators, 14.0: "tot" so far, 16.0 "xuat-sac" at most. */
    {"8 of 9", {20, 20, 20, 20, 20, 20, 10, 10, -1}, 140, 160, 0, "tot",
     "xuat-sac"},
};

static void check_totals(const golden_total_t *rows, size_t n, int officer)
{
    indices_c01_score_t s[INDICES_C01_COUNT];
    indices_c01_total_t t;
    size_t i;

    for (i = 0; i < n; i++) {
        make_scores(s, rows[i].tenths);
        if (officer)
            assert_int_equal(indices_total_c01_officer(s, &t), INDICES_OK);
        else
            assert_int_equal(indices_total_c01_unit(s, &t), INDICES_OK);
        if (t.tenths != rows[i].total || t.max_tenths != rows[i].max_total ||
            t.complete != rows[i].complete ||
            strcmp(t.band->code, rows[i].band) != 0 ||
            strcmp(t.band_max->code, rows[i].band_max) != 0)
            fail_msg("%s: got %d..%d %s..%s complete %d", rows[i].what,
                     t.tenths, t.max_tenths, t.band->code, t.band_max->code,
                     t.complete);
        assert_int_equal(t.has_data, 1);
        assert_int_equal(t.expected, officer ? 5 : 9);
    }
}

static void test_golden_officer_totals(void **state)
{
    (void)state;
    check_totals(golden_officer,
                 sizeof(golden_officer) / sizeof(golden_officer[0]), 1);
}

static void test_golden_unit_totals(void **state)
{
    (void)state;
    check_totals(golden_unit, sizeof(golden_unit) / sizeof(golden_unit[0]),
                 0);
}

/*
 * "3.49": five indicators each at 698 points over 1000 dossiers, 0.698.
 * The raw sum would be 3.49 ("under-70"), but Art. 15 adds indicator
 * scores, each first rounded to one decimal: 0.7 * 5 = 3.5 -> "70-100".
 * With one of them at 640/1000 = 0.64 -> 0.6 the total is 3.4 ("under-70").
 */
static void test_officer_total_adds_rounded_scores(void **state)
{
    static const int numbers[5] = {1, 2, 3, 4, 7};
    indices_c01_score_t s[INDICES_C01_COUNT];
    indices_c01_tally_t tally = {1000, 698};
    indices_c01_total_t t;
    int i;

    (void)state;
    for (i = 0; i < INDICES_C01_COUNT; i++)
        assert_int_equal(indices_score_c01(&(indices_c01_tally_t){0, 0},
                                           &s[i]),
                         INDICES_OK);
    for (i = 0; i < 5; i++)
        assert_int_equal(indices_score_c01(&tally, &s[numbers[i] - 1]),
                         INDICES_OK);
    assert_int_equal(indices_total_c01_officer(s, &t), INDICES_OK);
    assert_int_equal(t.tenths, 35);
    assert_string_equal(t.band->code, "70-100");
    assert_int_equal(t.complete, 1);
    tally.points = 640;
    assert_int_equal(indices_score_c01(&tally, &s[6]), INDICES_OK);
    assert_int_equal(indices_total_c01_officer(s, &t), INDICES_OK);
    assert_int_equal(t.tenths, 34);
    assert_string_equal(t.band->code, "under-70");
    assert_string_equal(t.band->vi, "Hoàn thành dưới 70% nhiệm vụ");
}

static void test_totals_without_data(void **state)
{
    static const int none[INDICES_C01_COUNT] = {-1, -1, -1, -1, -1,
                                                -1, -1, -1, -1};
    static const int only_five[INDICES_C01_COUNT] = {-1, -1, -1, -1, 20,
                                                     -1, -1, -1, -1};
    indices_c01_score_t s[INDICES_C01_COUNT];
    indices_c01_total_t t;

    (void)state;
    make_scores(s, none);
    assert_int_equal(indices_total_c01_officer(s, &t), INDICES_OK);
    assert_int_equal(t.has_data, 0);
    assert_int_equal(t.tenths, -1);
    assert_null(t.band);
    /* Indicator 5 is no part of an officer's total. */
    make_scores(s, only_five);
    assert_int_equal(indices_total_c01_officer(s, &t), INDICES_OK);
    assert_int_equal(t.has_data, 0);
    assert_int_equal(indices_total_c01_unit(s, &t), INDICES_OK);
    assert_int_equal(t.has_data, 1);
    assert_int_equal(t.present, 1);
    assert_int_equal(t.tenths, 20);
    assert_int_equal(t.max_tenths, 180);
    /* A score out of range is refused. */
    s[4].tenths = 21;
    assert_int_equal(indices_total_c01_unit(s, &t), INDICES_EINVAL);
}

static void test_band_labels(void **state)
{
    (void)state;
    assert_string_equal(indices_band_c01_officer(50)->vi,
                        "Hoàn thành 100% nhiệm vụ");
    assert_string_equal(indices_band_c01_officer(50)->en,
                        "100% of duties completed");
    assert_string_equal(indices_band_c01_unit(150)->vi, "Xuất sắc");
    assert_string_equal(indices_band_c01_unit(150)->en, "Excellent");
    assert_string_equal(indices_band_c01_unit(0)->vi, "Yếu");
    assert_string_equal(indices_band_c01_unit(180)->code, "xuat-sac");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_questions),
        cmocka_unit_test(test_question_keeps_exact_fraction),
        cmocka_unit_test(test_golden_wilson),
        cmocka_unit_test(test_wilson_refuses_bad_counts),
        cmocka_unit_test(test_golden_elements_share),
        cmocka_unit_test(test_golden_elements_normalised),
        cmocka_unit_test(test_sipas_without_any_data),
        cmocka_unit_test(test_sipas_refuses_other_answers),
        cmocka_unit_test(test_mean_values_skips_no_data),
        cmocka_unit_test(test_golden_forms_pool_a_question),
        cmocka_unit_test(test_golden_forms_weigh_respondents),
        cmocka_unit_test(test_golden_forms_partial_answers),
        cmocka_unit_test(test_forms_one_form_is_sipas),
        cmocka_unit_test(test_forms_refuses_bad_input),
        cmocka_unit_test(test_element_labels),
        cmocka_unit_test(test_golden_level3),
        cmocka_unit_test(test_golden_c01_rounding),
        cmocka_unit_test(test_c01_round_and_tally),
        cmocka_unit_test(test_golden_officer_totals),
        cmocka_unit_test(test_golden_unit_totals),
        cmocka_unit_test(test_officer_total_adds_rounded_scores),
        cmocka_unit_test(test_totals_without_data),
        cmocka_unit_test(test_band_labels),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
