#include "indices.h"

#include <math.h>
#include <string.h>

/* Slot of the "overall" question(s) in the accumulators of
 * indices_rate_sipas(), after the five elements. */
#define IDX_OVERALL_SLOT INDICES_ELEMENT_COUNT
#define IDX_SLOTS (INDICES_ELEMENT_COUNT + 1)
#define IDX_OFFICER_COUNT 5
#define IDX_TENTHS_PER_INDICATOR (10 * INDICES_C01_POINTS_MAX)

static const indices_label_t idx_elements[INDICES_ELEMENT_COUNT] = {
    {"tiep-can", "Tiếp cận dịch vụ", "Access to the service"},
    {"thu-tuc", "Thủ tục hành chính", "Administrative procedure"},
    {"cong-chuc", "Công chức", "The officer"},
    {"ket-qua", "Kết quả", "The result"},
    {"gop-y", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị",
     "Handling of feedback, complaints and suggestions"},
};

/* Only indicators 3, 4 and 7 are named: they are the ones a citizen answers
 * at the kiosk; the others come from the one-stop software, which names
 * them itself. */
static const indices_label_t idx_c01[INDICES_C01_COUNT] = {
    {"c01-1", "Chỉ số 1", "Indicator 1"},
    {"c01-2", "Chỉ số 2", "Indicator 2"},
    {"c01-3", "Số lần phải liên hệ để hoàn thiện hồ sơ",
     "Times the citizen had to come back to complete the dossier"},
    {"c01-4", "Số cơ quan, đơn vị phải liên hệ", "Agencies contacted"},
    {"c01-5", "Chỉ số 5", "Indicator 5"},
    {"c01-6", "Chỉ số 6", "Indicator 6"},
    {"c01-7", "Thái độ của cán bộ, công chức", "Officer attitude"},
    {"c01-8", "Chỉ số 8", "Indicator 8"},
    {"c01-9", "Chỉ số 9", "Indicator 9"},
};

static const int idx_officer_numbers[IDX_OFFICER_COUNT] = {1, 2, 3, 4, 7};
static const int idx_unit_numbers[INDICES_C01_COUNT] = {1, 2, 3, 4, 5,
                                                        6, 7, 8, 9};

static const indices_label_t idx_officer_bands[] = {
    {"100", "Hoàn thành 100% nhiệm vụ", "100% of duties completed"},
    {"70-100", "Hoàn thành từ 70% đến dưới 100% nhiệm vụ",
     "70% to under 100% of duties completed"},
    {"under-70", "Hoàn thành dưới 70% nhiệm vụ",
     "Under 70% of duties completed"},
};

static const indices_label_t idx_unit_bands[] = {
    {"xuat-sac", "Xuất sắc", "Excellent"},
    {"tot", "Tốt", "Good"},
    {"kha", "Khá", "Fair"},
    {"trung-binh", "Trung bình", "Average"},
    {"yeu", "Yếu", "Poor"},
};

/* Running sums for a mean of indices. */
typedef struct idx_acc {
    int parts;
    int64_t answers;
    double sum, sum_low, sum_high;
} idx_acc_t;

typedef const indices_label_t *(*idx_band_fn)(int tenths);

/* ---- small pieces ----------------------------------------------------- */

static int idx_count_ok(int64_t c)
{
    return c >= 0 && c <= INDICES_COUNT_MAX;
}

static int idx_counts_ok(const int64_t *count, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!idx_count_ok(count[i]))
            return 0;
    return 1;
}

static double idx_clamp_percent(double x)
{
    return x < 0.0 ? 0.0 : x > 100.0 ? 100.0 : x;
}

/* NaN rather than 0: a forgotten has_data check must not yield a figure
 * that looks real. */
static void idx_set_no_data(indices_value_t *out)
{
    memset(out, 0, sizeof(*out));
    out->percent = NAN;
    out->ci_low = NAN;
    out->ci_high = NAN;
}

static void idx_acc_add(idx_acc_t *a, const indices_value_t *v)
{
    if (!v->has_data)
        return;
    a->parts++;
    a->answers += v->answers;
    a->sum += v->percent;
    a->sum_low += v->ci_low;
    a->sum_high += v->ci_high;
}

static void idx_acc_result(const idx_acc_t *a, indices_value_t *out)
{
    idx_set_no_data(out);
    if (a->parts == 0)
        return;
    out->has_data = 1;
    out->parts = a->parts;
    out->answers = a->answers;
    out->percent = idx_clamp_percent(a->sum / a->parts);
    out->ci_low = idx_clamp_percent(a->sum_low / a->parts);
    out->ci_high = idx_clamp_percent(a->sum_high / a->parts);
}

static int idx_value_ok(const indices_value_t *v)
{
    if (!v->has_data)
        return 1;
    return isfinite(v->percent) && isfinite(v->ci_low) &&
           isfinite(v->ci_high) && v->answers >= 0;
}

/* ---- SIPAS-style index ------------------------------------------------ */

const indices_label_t *indices_get_element_label(indices_element_t e)
{
    if ((int)e < 0 || (int)e >= INDICES_ELEMENT_COUNT)
        return NULL;
    return &idx_elements[e];
}

int indices_find_element(const char *slug)
{
    int i;

    if (slug == NULL)
        return -1;
    for (i = 0; i < INDICES_ELEMENT_COUNT; i++)
        if (strcmp(slug, idx_elements[i].code) == 0)
            return i;
    return -1;
}

int indices_get_wilson(int64_t k, int64_t n, double *low, double *high)
{
    double p, z2, nn, denom, centre, half;

    if (low == NULL || high == NULL || n < 1 || n > INDICES_COUNT_MAX ||
        k < 0 || k > n)
        return INDICES_EINVAL;
    nn = (double)n;
    p = (double)k / nn;
    z2 = INDICES_Z95 * INDICES_Z95;
    denom = 1.0 + z2 / nn;
    centre = (p + z2 / (2.0 * nn)) / denom;
    half = INDICES_Z95 / denom *
           sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    /* At 0% and 100% one bound is exactly the edge; rounding in the two
     * terms above could otherwise leave it a hair inside or outside. */
    *low = k == 0 ? 0.0 : idx_clamp_percent(100.0 * (centre - half));
    *high = k == n ? 100.0 : idx_clamp_percent(100.0 * (centre + half));
    return INDICES_OK;
}

int indices_rate_share(int64_t k, int64_t n, indices_value_t *out)
{
    indices_value_t v;

    if (out == NULL || !idx_count_ok(n) || k < 0 || k > n)
        return INDICES_EINVAL;
    idx_set_no_data(&v);
    if (n > 0) {
        if (indices_get_wilson(k, n, &v.ci_low, &v.ci_high) != INDICES_OK)
            return INDICES_EINVAL;
        v.has_data = 1;
        v.parts = 1;
        v.answers = n;
        /* 100 * k is exact in a double for k <= 10^12 and the division is
         * correctly rounded, so a share that is exactly 90% reads 90.0. */
        v.percent = 100.0 * (double)k / (double)n;
        v.num = k;
        v.den = n;
    }
    *out = v;
    return INDICES_OK;
}

/* Mean of (x - 1) / 4 * 100 with a normal interval; d = x - 1 is 0..4. */
static void idx_rate_normalised(const int64_t count[INDICES_SCALE_MAX],
                                int64_t total, indices_value_t *v)
{
    int64_t sum_d = 0;
    double mean_d, ss = 0.0, half;
    int d;

    for (d = 0; d < INDICES_SCALE_MAX; d++)
        sum_d += (int64_t)d * count[d];
    v->has_data = 1;
    v->parts = 1;
    v->answers = total;
    v->num = sum_d;
    v->den = 4 * total;
    v->percent = 100.0 * (double)sum_d / (double)v->den;
    if (total < 2) {
        /* One answer says nothing about spread: the honest interval is
         * everything. */
        v->ci_low = 0.0;
        v->ci_high = 100.0;
        return;
    }
    mean_d = (double)sum_d / (double)total;
    /* Sum of squared deviations over the five values, not the textbook
     * sum(x^2) - n*mean^2, which loses digits for large counts. */
    for (d = 0; d < INDICES_SCALE_MAX; d++)
        ss += (double)count[d] * ((double)d - mean_d) * ((double)d - mean_d);
    half = INDICES_Z95 * 25.0 * sqrt(ss / (double)(total - 1) / (double)total);
    v->ci_low = idx_clamp_percent(v->percent - half);
    v->ci_high = idx_clamp_percent(v->percent + half);
}

int indices_rate_question(const int64_t count[INDICES_SCALE_MAX],
                          indices_method_t method, indices_value_t *out)
{
    indices_value_t v;
    int64_t total = 0;
    int i;

    if (out == NULL || count == NULL ||
        !idx_counts_ok(count, INDICES_SCALE_MAX) ||
        (method != INDICES_SHARE_4_5 && method != INDICES_NORMALISED_MEAN))
        return INDICES_EINVAL;
    for (i = 0; i < INDICES_SCALE_MAX; i++)
        total += count[i];
    if (total == 0) {
        idx_set_no_data(out);
        return INDICES_OK;
    }
    if (method == INDICES_SHARE_4_5)
        return indices_rate_share(count[3] + count[4], total, out);
    idx_set_no_data(&v);
    idx_rate_normalised(count, total, &v);
    *out = v;
    return INDICES_OK;
}

int indices_mean_values(const indices_value_t *parts, size_t n,
                        indices_value_t *out)
{
    idx_acc_t acc;
    size_t i;

    if (out == NULL || (parts == NULL && n > 0))
        return INDICES_EINVAL;
    for (i = 0; i < n; i++)
        if (!idx_value_ok(&parts[i]))
            return INDICES_EINVAL;
    memset(&acc, 0, sizeof(acc));
    for (i = 0; i < n; i++)
        idx_acc_add(&acc, &parts[i]);
    idx_acc_result(&acc, out);
    return INDICES_OK;
}

/* Accumulator slot of a question's element, or -1. */
static int idx_slot_of(const char *element)
{
    if (element == NULL)
        return -1;
    if (strcmp(element, INDICES_OVERALL_SLUG) == 0)
        return IDX_OVERALL_SLOT;
    return indices_find_element(element);
}

int indices_rate_sipas(const indices_question_t *questions, size_t n,
                       indices_method_t method, indices_value_t *per_question,
                       indices_sipas_t *out)
{
    idx_acc_t acc[IDX_SLOTS];
    indices_value_t v, elements;
    indices_sipas_t r;
    size_t i;
    int e;

    if (out == NULL || n > INDICES_QUESTION_MAX ||
        (questions == NULL && n > 0) ||
        (method != INDICES_SHARE_4_5 && method != INDICES_NORMALISED_MEAN))
        return INDICES_EINVAL;
    /* Everything is checked before anything is written, so an error leaves
     * the caller's results as they were. */
    for (i = 0; i < n; i++)
        if (idx_slot_of(questions[i].element) < 0 ||
            !idx_counts_ok(questions[i].count, INDICES_SCALE_MAX))
            return INDICES_EINVAL;
    memset(acc, 0, sizeof(acc));
    for (i = 0; i < n; i++) {
        if (indices_rate_question(questions[i].count, method, &v) !=
            INDICES_OK)
            return INDICES_EINVAL;
        idx_acc_add(&acc[idx_slot_of(questions[i].element)], &v);
        if (per_question != NULL)
            per_question[i] = v;
    }
    memset(&r, 0, sizeof(r));
    r.method = method;
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++)
        idx_acc_result(&acc[e], &r.element[e]);
    idx_acc_result(&acc[IDX_OVERALL_SLOT], &r.overall_question);
    /* The index averages elements, not questions: an element asked with
     * eight criteria weighs the same as one asked with two. */
    if (indices_mean_values(r.element, INDICES_ELEMENT_COUNT, &elements) !=
        INDICES_OK)
        return INDICES_EINVAL;
    r.index = elements;
    r.elements_with_data = elements.parts;
    *out = r;
    return INDICES_OK;
}

/* ---- several survey forms in one group ---------------------------------- */

/* Index of the first question with the same id and element as question
 * i: the one that stands for the pooled question. */
static size_t idx_first_of(const indices_form_question_t *qs, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (strcmp(qs[j].id, qs[i].id) == 0 &&
            strcmp(qs[j].element, qs[i].element) == 0)
            return j;
    return i;
}

/* Whether form f already listed this question before i: a form counts a
 * question once in its element mean. */
static int idx_is_repeat_in_form(const indices_form_question_t *qs, size_t i)
{
    size_t j;

    for (j = 0; j < i; j++)
        if (qs[j].form == qs[i].form && strcmp(qs[j].id, qs[i].id) == 0 &&
            strcmp(qs[j].element, qs[i].element) == 0)
            return 1;
    return 0;
}

static int64_t idx_sum_counts(const int64_t count[INDICES_SCALE_MAX])
{
    int64_t total = 0;
    int v;

    for (v = 0; v < INDICES_SCALE_MAX; v++)
        total += count[v];
    return total;
}

static int idx_forms_check(const indices_form_question_t *qs, size_t n,
                           const int64_t *respondents)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (qs[i].id == NULL || qs[i].form < 0 ||
            qs[i].form >= INDICES_FORM_MAX || idx_slot_of(qs[i].element) < 0 ||
            !idx_counts_ok(qs[i].count, INDICES_SCALE_MAX))
            return 0;
    for (i = 0; respondents && i < INDICES_FORM_MAX * INDICES_ELEMENT_COUNT;
         i++)
        if (respondents[i] < -1 || respondents[i] > INDICES_COUNT_MAX)
            return 0;
    return 1;
}

/* Each question's figure over the answers of every form that asked it. */
static int idx_forms_pool(const indices_form_question_t *qs, size_t n,
                          indices_method_t method, indices_value_t *pooled)
{
    int64_t count[INDICES_SCALE_MAX];
    size_t i, j;
    int v;

    for (i = 0; i < n; i++) {
        if (idx_first_of(qs, i) != i) {
            pooled[i] = pooled[idx_first_of(qs, i)];
            continue;
        }
        memset(count, 0, sizeof(count));
        for (j = i; j < n; j++) {
            if (idx_first_of(qs, j) != i)
                continue;
            for (v = 0; v < INDICES_SCALE_MAX; v++)
                count[v] += qs[j].count[v];
        }
        if (indices_rate_question(count, method, &pooled[i]) != INDICES_OK)
            return INDICES_EINVAL; /* pooled counts beyond the cap */
    }
    return INDICES_OK;
}

/* Weighted mean of the forms' element indices; the weights are
 * respondents, never questions. */
static void idx_forms_weigh(indices_forms_t *r, int e)
{
    double sum = 0.0, low = 0.0, high = 0.0, total = 0.0;
    int64_t answers = 0;
    int f, parts = 0;
    const indices_value_t *v;

    idx_set_no_data(&r->element[e]);
    for (f = 0; f < INDICES_FORM_MAX; f++) {
        v = &r->form_element[f][e];
        if (!v->has_data || r->weight[f][e] <= 0)
            continue;
        sum += (double)r->weight[f][e] * v->percent;
        low += (double)r->weight[f][e] * v->ci_low;
        high += (double)r->weight[f][e] * v->ci_high;
        total += (double)r->weight[f][e];
        answers += v->answers;
        parts += v->parts;
        r->respondents[e] += r->weight[f][e];
    }
    if (total <= 0.0)
        return;
    r->element[e].has_data = 1;
    r->element[e].parts = parts;
    r->element[e].answers = answers;
    r->element[e].percent = idx_clamp_percent(sum / total);
    r->element[e].ci_low = idx_clamp_percent(low / total);
    r->element[e].ci_high = idx_clamp_percent(high / total);
}

int indices_rate_forms(const indices_form_question_t *questions, size_t n,
                       const int64_t *respondents, indices_method_t method,
                       indices_value_t *per_question, indices_forms_t *out)
{
    indices_value_t pooled[INDICES_QUESTION_MAX], elements;
    idx_acc_t acc[INDICES_FORM_MAX][INDICES_ELEMENT_COUNT], overall;
    int64_t most[INDICES_FORM_MAX][INDICES_ELEMENT_COUNT], own, given;
    indices_forms_t r;
    size_t i, first_overall = 0;
    int f, e, slot;

    if (out == NULL || n > INDICES_QUESTION_MAX ||
        (questions == NULL && n > 0) ||
        (method != INDICES_SHARE_4_5 && method != INDICES_NORMALISED_MEAN) ||
        !idx_forms_check(questions, n, respondents))
        return INDICES_EINVAL;
    if (idx_forms_pool(questions, n, method, pooled) != INDICES_OK)
        return INDICES_EINVAL;
    memset(acc, 0, sizeof(acc));
    memset(most, 0, sizeof(most));
    memset(&overall, 0, sizeof(overall));
    for (i = 0; i < n; i++) {
        slot = idx_slot_of(questions[i].element);
        if (slot == IDX_OVERALL_SLOT) {
            /* One pooled figure per overall question id. */
            if (idx_first_of(questions, i) == i) {
                if (overall.parts == 0)
                    first_overall = i;
                idx_acc_add(&overall, &pooled[i]);
            }
            continue;
        }
        if (idx_is_repeat_in_form(questions, i))
            continue;
        f = questions[i].form;
        own = idx_sum_counts(questions[i].count);
        if (own > most[f][slot])
            most[f][slot] = own;
        /* The form's part is the pooled question figure, but only where
         * the form itself has answers to it. */
        if (own > 0)
            idx_acc_add(&acc[f][slot], &pooled[i]);
    }
    memset(&r, 0, sizeof(r));
    r.method = method;
    for (f = 0; f < INDICES_FORM_MAX; f++) {
        for (e = 0; e < INDICES_ELEMENT_COUNT; e++) {
            idx_acc_result(&acc[f][e], &r.form_element[f][e]);
            given = respondents ? respondents[f * INDICES_ELEMENT_COUNT + e]
                                : -1;
            /* Unknown, or fewer than could have given the answers held:
             * the largest answer count of one question stands for it. */
            r.weight[f][e] = given > most[f][e] ? given : most[f][e];
            if (!r.form_element[f][e].has_data)
                r.weight[f][e] = 0;
        }
    }
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++)
        idx_forms_weigh(&r, e);
    idx_acc_result(&overall, &r.overall_question);
    /* One overall question (the usual case) keeps its exact fraction. */
    if (overall.parts == 1)
        r.overall_question = pooled[first_overall];
    if (indices_mean_values(r.element, INDICES_ELEMENT_COUNT, &elements) !=
        INDICES_OK)
        return INDICES_EINVAL;
    r.index = elements;
    r.elements_with_data = elements.parts;
    for (i = 0; per_question && i < n; i++)
        per_question[i] = pooled[i];
    *out = r;
    return INDICES_OK;
}

/* ---- three-level online-service rating -------------------------------- */

int indices_rate_level3(const int64_t count[INDICES_LEVEL3_MAX],
                        indices_value_t *out)
{
    if (out == NULL || count == NULL ||
        !idx_counts_ok(count, INDICES_LEVEL3_MAX))
        return INDICES_EINVAL;
    /* count[0] is level 1, Chưa hài lòng: the only unsatisfied level. */
    return indices_rate_share(count[1] + count[2],
                              count[0] + count[1] + count[2], out);
}

/* ---- Circular 01/2018 ------------------------------------------------- */

const indices_label_t *indices_get_c01_label(int number)
{
    if (number < 1 || number > INDICES_C01_COUNT)
        return NULL;
    return &idx_c01[number - 1];
}

int indices_find_c01(const char *slug)
{
    if (slug == NULL || strncmp(slug, "c01-", 4) != 0 || slug[4] < '1' ||
        slug[4] > '9' || slug[5] != '\0')
        return -1;
    return slug[4] - '0';
}

int indices_round_tenths(int64_t num, int64_t den, int64_t *tenths)
{
    if (tenths == NULL || den < 1 || den > INDICES_COUNT_MAX || num < 0 ||
        num > INDICES_C01_POINTS_MAX * INDICES_COUNT_MAX)
        return INDICES_EINVAL;
    /* floor(10 * num / den + 1/2) = floor((20 * num + den) / (2 * den)):
     * half away from zero for a non-negative fraction, with no binary
     * fraction in between that could sit a hair below the tie. */
    *tenths = (20 * num + den) / (2 * den);
    return INDICES_OK;
}

int indices_tally_c01(const int64_t count[INDICES_C01_POINTS_MAX + 1],
                      indices_c01_tally_t *out)
{
    int64_t dossiers;

    if (out == NULL || count == NULL ||
        !idx_counts_ok(count, INDICES_C01_POINTS_MAX + 1))
        return INDICES_EINVAL;
    dossiers = count[0] + count[1] + count[2];
    if (dossiers > INDICES_COUNT_MAX)
        return INDICES_EINVAL;
    out->dossiers = dossiers;
    out->points = count[1] + 2 * count[2];
    return INDICES_OK;
}

int indices_score_c01(const indices_c01_tally_t *tally,
                      indices_c01_score_t *out)
{
    int64_t tenths;

    if (out == NULL || tally == NULL || !idx_count_ok(tally->dossiers) ||
        tally->points < 0 ||
        tally->points > INDICES_C01_POINTS_MAX * tally->dossiers)
        return INDICES_EINVAL;
    if (tally->dossiers == 0) {
        /* Left out, never defaulted: a missing indicator scored as 2
         * would inflate every total. */
        out->has_data = 0;
        out->tenths = -1;
        out->dossiers = 0;
        return INDICES_OK;
    }
    if (indices_round_tenths(tally->points, tally->dossiers, &tenths) !=
        INDICES_OK)
        return INDICES_EINVAL;
    out->has_data = 1;
    out->tenths = (int)tenths;
    out->dossiers = tally->dossiers;
    return INDICES_OK;
}

const indices_label_t *indices_band_c01_officer(int tenths)
{
    if (tenths >= 50)
        return &idx_officer_bands[0];
    if (tenths >= 35)
        return &idx_officer_bands[1];
    return &idx_officer_bands[2];
}

const indices_label_t *indices_band_c01_unit(int tenths)
{
    if (tenths >= 150)
        return &idx_unit_bands[0];
    if (tenths >= 120)
        return &idx_unit_bands[1];
    if (tenths >= 90)
        return &idx_unit_bands[2];
    if (tenths >= 60)
        return &idx_unit_bands[3];
    return &idx_unit_bands[4];
}

/* Sum of the listed indicators that have data; the total is the sum of the
 * rounded indicator scores, as Art. 15 adds scores, not raw points. */
static int idx_total_c01(const indices_c01_score_t score[INDICES_C01_COUNT],
                         const int *numbers, int expected, idx_band_fn band,
                         indices_c01_total_t *out)
{
    indices_c01_total_t t;
    const indices_c01_score_t *s;
    int i;

    if (out == NULL || score == NULL)
        return INDICES_EINVAL;
    memset(&t, 0, sizeof(t));
    t.expected = expected;
    for (i = 0; i < expected; i++) {
        s = &score[numbers[i] - 1];
        if (!s->has_data)
            continue;
        if (s->tenths < 0 || s->tenths > IDX_TENTHS_PER_INDICATOR)
            return INDICES_EINVAL;
        t.present++;
        t.tenths += s->tenths;
    }
    t.has_data = t.present > 0;
    t.complete = t.present == expected;
    if (!t.has_data) {
        t.tenths = -1;
        t.max_tenths = -1;
        *out = t;
        return INDICES_OK;
    }
    t.max_tenths =
        t.tenths + IDX_TENTHS_PER_INDICATOR * (expected - t.present);
    t.band = band(t.tenths);
    t.band_max = band(t.max_tenths);
    *out = t;
    return INDICES_OK;
}

int indices_total_c01_officer(
    const indices_c01_score_t score[INDICES_C01_COUNT],
    indices_c01_total_t *out)
{
    return idx_total_c01(score, idx_officer_numbers, IDX_OFFICER_COUNT,
                         indices_band_c01_officer, out);
}

int indices_total_c01_unit(
    const indices_c01_score_t score[INDICES_C01_COUNT],
    indices_c01_total_t *out)
{
    return idx_total_c01(score, idx_unit_numbers, INDICES_C01_COUNT,
                         indices_band_c01_unit, out);
}
