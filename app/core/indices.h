/*
 * indices.h - the formulas behind every published satisfaction figure.
 *
 * Three instruments, kept apart (docs/INDICES.md has the formulas, the
 * sources and a table of worked examples):
 *
 *  1. SIPAS-style index (Decision 1001/QĐ-BNV method, 5-point scale). Per
 *     question, from the count of each answer 1..5:
 *       INDICES_SHARE_4_5 (default): share of answers 4 and 5, (n4 + n5) / N;
 *       INDICES_NORMALISED_MEAN: mean of (x - 1) / 4 * 100.
 *     Element index = mean of its questions' indices; the SIPAS index = mean
 *     of the five elements. Questions and elements without answers are left
 *     out of a mean, never counted as 0. The "overall" question (element
 *     "overall") is NOT one of the five elements: it is reported apart and
 *     never enters the index, so a kiosk short form and the full survey give
 *     comparable indices.
 *  2. Circular 01/2018/TT-VPCP Art. 12-15 per-dossier evaluation: nine
 *     indicators scored 2/1/0 per dossier; indicator score = points /
 *     dossiers rounded to one decimal (half away from zero, on the exact
 *     fraction, in integers); officer total = indicators 1+2+3+4+7, unit
 *     total = all nine, out of 18. Indicators without data are left out,
 *     never defaulted, and the total says whether it is complete.
 *  3. Circular 32/2017/TT-BTTTT three-level online-service rating: satisfied
 *     share = (Rất hài lòng + Hài lòng) / N.
 *
 * Every percentage carries a 95% interval (z = 1.96):
 *  - shares (4-5 share, three-level share): Wilson score interval, which
 *    stays inside 0..100 and keeps a width at 0% and 100%;
 *  - normalised mean: mean +- 1.96 * s / sqrt(N) with s the sample standard
 *    deviation (N - 1), cut to 0..100. With one answer s is unknown and the
 *    interval is the whole 0..100; when every answer is equal s = 0 and the
 *    interval is the point itself (a known weakness of the normal interval);
 *  - means of indices (elements, the SIPAS index): the mean of the parts'
 *    lower bounds to the mean of their upper bounds. The same people answer
 *    every question, so the parts are not independent; averaging the bounds
 *    is exact when the parts move together and wider than needed when they
 *    do not, and needs only the counts the hub receives.
 *
 * "No data" is explicit: has_data == 0, and then percent and the bounds are
 * NaN so that a caller who forgets the flag cannot print a plausible 0.
 *
 * Pure: no I/O, no clock, no allocation.
 * Ownership: plain value types filled in place; every string returned (slugs,
 * names, band labels) is static and lives for the whole program.
 */
#ifndef SIPAS_INDICES_H
#define SIPAS_INDICES_H

#include <stddef.h>
#include <stdint.h>

#define INDICES_SCALE_MAX 5      /* answers 1..5 */
#define INDICES_LEVEL3_MAX 3     /* online levels 1..3 */
#define INDICES_ELEMENT_COUNT 5  /* the five SIPAS elements */
#define INDICES_QUESTION_MAX 256 /* questions per indices_rate_sipas() call */
#define INDICES_C01_COUNT 9      /* Circular 01 indicators 1..9 */
#define INDICES_C01_POINTS_MAX 2 /* points of one dossier on one indicator */
/* Any one count (answers of a value, dossiers, points) is at most 10^12, so
 * sums and the integer rounding below stay far from int64 overflow. */
#define INDICES_COUNT_MAX INT64_C(1000000000000)
#define INDICES_Z95 1.96
#define INDICES_OVERALL_SLUG "overall"

enum indices_rc {
    INDICES_OK = 0,
    INDICES_EINVAL = -1 /* NULL, negative or too large count, unknown slug */
};

typedef enum indices_method {
    INDICES_SHARE_4_5 = 0,      /* percent of answers 4 and 5 */
    INDICES_NORMALISED_MEAN = 1 /* mean of (x - 1) / 4 * 100 */
} indices_method_t;

/* Order of the five elements in every array indexed by element. */
typedef enum indices_element {
    INDICES_TIEP_CAN = 0, /* tiep-can: access to the service */
    INDICES_THU_TUC,      /* thu-tuc: the administrative procedure */
    INDICES_CONG_CHUC,    /* cong-chuc: the officer */
    INDICES_KET_QUA,      /* ket-qua: the result */
    INDICES_GOP_Y         /* gop-y: handling of feedback */
} indices_element_t;

/* A stable code and its wording in Vietnamese and English. */
typedef struct indices_label {
    const char *code;
    const char *vi;
    const char *en;
} indices_label_t;

/* One percentage figure. */
typedef struct indices_value {
    int has_data;           /* 0: nothing behind it; the doubles are NaN */
    double percent;         /* 0..100 */
    double ci_low, ci_high; /* 95% interval, within 0..100 */
    int64_t answers;        /* answers behind it (summed over parts) */
    int parts;              /* means: parts with data averaged; else 1 */
    /* Single questions and shares: percent = 100 * num / den exactly, for
     * comparisons that must not depend on floating point (targets.h).
     * Means: num = den = 0. */
    int64_t num, den;
} indices_value_t;

/* ---- SIPAS-style index ------------------------------------------------ */

/* Slug ("tiep-can" ...) and wording of element e; NULL when out of range. */
const indices_label_t *indices_get_element_label(indices_element_t e);
/* Element of slug, or -1 ("overall" is not an element: -1 too). */
int indices_find_element(const char *slug);

/* Wilson score interval of k successes in n trials, in percent (z = 1.96).
 * n must be 1..INDICES_COUNT_MAX and k 0..n. */
int indices_get_wilson(int64_t k, int64_t n, double *low, double *high);

/* Share k / n in percent with its Wilson interval; n == 0 gives no data. */
int indices_rate_share(int64_t k, int64_t n, indices_value_t *out);

/* One question, from count[v - 1] = answers of value v (v = 1..5). */
int indices_rate_question(const int64_t count[INDICES_SCALE_MAX],
                          indices_method_t method, indices_value_t *out);

/* Mean of the parts that have data; interval = means of their bounds. No
 * part with data gives no data. parts may be NULL when n is 0. */
int indices_mean_values(const indices_value_t *parts, size_t n,
                        indices_value_t *out);

/* One question's counts and the element it feeds. */
typedef struct indices_question {
    const char *element; /* one of the five slugs, or "overall" */
    int64_t count[INDICES_SCALE_MAX]; /* count[v - 1]: answers of value v */
} indices_question_t;

typedef struct indices_sipas {
    indices_method_t method;
    indices_value_t element[INDICES_ELEMENT_COUNT]; /* by indices_element_t */
    indices_value_t index;            /* mean of the elements with data */
    int elements_with_data;           /* 0..5: index is partial below 5 */
    indices_value_t overall_question; /* the "overall" question(s), apart */
} indices_sipas_t;

/* Everything at once for n (0..INDICES_QUESTION_MAX) questions. Several
 * "overall" questions are averaged like an element's. per_question (NULL,
 * or room for n values, caller-owned) receives each question's figure. A
 * question whose element is neither one of the five nor "overall" is an
 * error: such answers (expectations, reasons, Circular 01 indicators) are
 * not on the 1..5 satisfaction scale and must not be mixed in. */
int indices_rate_sipas(const indices_question_t *questions, size_t n,
                       indices_method_t method, indices_value_t *per_question,
                       indices_sipas_t *out);

/* ---- several survey forms in one group (domain §3d) -------------------- */

#define INDICES_FORM_MAX 16 /* survey forms per indices_rate_forms() call */

/* One question as asked by one form: its answers pooled over complete and
 * partial responses alike (a partial response counts for the questions it
 * answered). */
typedef struct indices_form_question {
    int form;           /* 0..INDICES_FORM_MAX - 1 */
    const char *id;     /* question id: one id is one question, any form */
    const char *element; /* one of the five slugs, or "overall" */
    int64_t count[INDICES_SCALE_MAX]; /* count[v - 1]: answers of value v */
} indices_form_question_t;

typedef struct indices_forms {
    indices_method_t method;
    /* Across forms: the forms' element indices weighted by weight[e]. */
    indices_value_t element[INDICES_ELEMENT_COUNT];
    indices_value_t index;            /* mean of the elements with data */
    int elements_with_data;           /* 0..5: index is partial below 5 */
    indices_value_t overall_question; /* pooled over every form, apart */
    /* Within each form: mean of that form's question figures. */
    indices_value_t form_element[INDICES_FORM_MAX][INDICES_ELEMENT_COUNT];
    /* The respondents each form's element index was weighted by. */
    int64_t weight[INDICES_FORM_MAX][INDICES_ELEMENT_COUNT];
    int64_t respondents[INDICES_ELEMENT_COUNT]; /* summed over forms */
} indices_forms_t;

/* The method of domain §3d for n (0..INDICES_QUESTION_MAX) questions
 * asked by up to INDICES_FORM_MAX survey forms (a short and a full form in
 * one group):
 *  - one question (same id, whatever form asked it): the figure of its
 *    answers pooled over every form, interval from the pooled counts;
 *  - an element within one form: mean of that form's question figures
 *    for the element;
 *  - an element across forms: the forms' element indices weighted by how
 *    many responses of each form answered at least one question of the
 *    element, respondents[f][e]; the interval the same weighted mean of
 *    the bounds. A respondent weighs the same whichever form they got,
 *    and a form's many criteria never outweigh another form's
 *    respondents;
 *  - the index: mean of the five elements with data (missing ones left
 *    out, never defaulted); the "overall" question pooled like any
 *    question and reported apart, never in the index.
 * respondents (NULL, or INDICES_FORM_MAX * INDICES_ELEMENT_COUNT counts)
 * may be NULL, and a count may be -1 (unknown: uploads from
 * kiosks that did not send it): the largest number of answers to one
 * question of that form's element stands for it, which is exact when
 * every respondent who starts an element answers all of its questions
 * (the short form asks one per element). per_question (NULL, or room for
 * n values, caller-owned) receives each question's pooled figure. Errors
 * (unknown element, form out of range, bad count) leave *out unchanged. */
int indices_rate_forms(const indices_form_question_t *questions, size_t n,
                       const int64_t *respondents,
                       indices_method_t method, indices_value_t *per_question,
                       indices_forms_t *out);

/* ---- three-level online-service rating (Circular 32/2017) ------------- */

/* count[v - 1] = answers of level v: 1 Chưa hài lòng, 2 Hài lòng,
 * 3 Rất hài lòng (the values of the "level3" scale in the shipped surveys).
 * Satisfied share = (level 3 + level 2) / N with its Wilson interval. */
int indices_rate_level3(const int64_t count[INDICES_LEVEL3_MAX],
                        indices_value_t *out);

/* ---- Circular 01/2018 per-dossier evaluation -------------------------- */

/* Points of the dossiers evaluated on one indicator. */
typedef struct indices_c01_tally {
    int64_t dossiers; /* 0 = no data */
    int64_t points;   /* 0 .. 2 * dossiers */
} indices_c01_tally_t;

/* One indicator's score. */
typedef struct indices_c01_score {
    int has_data;     /* 0: left out of every total */
    int tenths;       /* score * 10, 0..20; -1 when there is no data */
    int64_t dossiers;
} indices_c01_score_t;

/* A total and where it stands. */
typedef struct indices_c01_total {
    int has_data;      /* at least one indicator counted */
    int complete;      /* every indicator of the total has data */
    int present;       /* indicators with data */
    int expected;      /* 5 for an officer, 9 for a unit */
    int tenths;        /* sum of the present scores * 10; -1 without data */
    /* tenths plus 2.0 points per missing indicator: the most the complete
     * total could reach. A partial total can only rise, so the true band
     * lies from band to band_max. -1 without data. */
    int max_tenths;
    const indices_label_t *band;     /* of tenths; NULL without data */
    const indices_label_t *band_max; /* of max_tenths; NULL without data */
} indices_c01_total_t;

/* Slug "c01-N" and wording of indicator number (1..9); NULL otherwise. */
const indices_label_t *indices_get_c01_label(int number);
/* Number of slug "c01-1" .. "c01-9", or -1. */
int indices_find_c01(const char *slug);

/* round(10 * num / den), half away from zero, exactly in integers:
 * 5/4 -> 13, 1249/1000 -> 12, 2/3 -> 7, 3/20 -> 2. Printing the double
 * with "%.1f" would give 1.2 for 1.25 (ties go to even) and 0.1 for 0.15
 * (stored as 0.1499...). num 0..2*INDICES_COUNT_MAX, den
 * 1..INDICES_COUNT_MAX. */
int indices_round_tenths(int64_t num, int64_t den, int64_t *tenths);

/* count[p] = dossiers that scored p points (p = 0, 1, 2). */
int indices_tally_c01(const int64_t count[INDICES_C01_POINTS_MAX + 1],
                      indices_c01_tally_t *out);
/* points / dossiers to one decimal; no dossiers gives no data. */
int indices_score_c01(const indices_c01_tally_t *tally,
                      indices_c01_score_t *out);

/* Officer total: indicators 1+2+3+4+7 (score[number - 1]) with data.
 * Bands: >= 5.0 "100", 3.5 to < 5.0 "70-100", < 3.5 "under-70". */
int indices_total_c01_officer(
    const indices_c01_score_t score[INDICES_C01_COUNT],
    indices_c01_total_t *out);
/* Unit total out of 18: the nine indicators with data. Bands: >= 15.0
 * "xuat-sac", 12.0 to < 15.0 "tot", 9.0 to < 12.0 "kha", 6.0 to < 9.0
 * "trung-binh", < 6.0 "yeu". */
int indices_total_c01_unit(
    const indices_c01_score_t score[INDICES_C01_COUNT],
    indices_c01_total_t *out);
/* Band of a total given in tenths (50 = 5.0 points); never NULL. */
const indices_label_t *indices_band_c01_officer(int tenths);
const indices_label_t *indices_band_c01_unit(int tenths);

#endif
