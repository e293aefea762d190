#include "hub/domain/stats_figures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hub/domain/periods.h"

#define FIG_VALUES_MAX 6 /* answer values 0..5 */
#define FIG_RANK_OTHER 40

typedef enum hub_fig_kind {
    FIG_OTHER = 0, /* counts only */
    FIG_SCALE5,    /* SIPAS 1..5 */
    FIG_LEVEL3,    /* Circular 32 levels 1..3 */
    FIG_C01        /* Circular 01 points 0..2 */
} hub_fig_kind_t;

/* The indicators the hub computes and from what. */
typedef enum hub_fig_metric {
    FIG_METRIC_NONE = 0,
    FIG_METRIC_INDEX,  /* the SIPAS index over the row's fields */
    FIG_METRIC_KET_QUA /* the ket-qua element over the row's fields */
} hub_fig_metric_t;

static const struct {
    const char *slug;
    hub_fig_metric_t metric;
} hub_fig_metrics[] = {
    {"tthc", FIG_METRIC_INDEX},
    {"tthc-dat-dai-xay-dung-dau-tu", FIG_METRIC_INDEX},
    {"y-te-giao-duc", FIG_METRIC_INDEX},
    /* The service of state agencies is what the index measures; the
     * overall question stands beside the index, never in a verdict. */
    {"phuc-vu-hcnn", FIG_METRIC_INDEX},
    {"ket-qua-tthc", FIG_METRIC_KET_QUA},
};

/* A partial response counts for the questions it answered (domain §3d):
 * figures come from count, the answers of complete and partial responses;
 * the answer shows the two apart. */
typedef struct hub_fig_question {
    int qid;
    hub_fig_kind_t kind;
    size_t cb, ce; /* its cells */
    int64_t n;     /* answers counted, complete and partial */
    int64_t count[FIG_VALUES_MAX];   /* by value, complete and partial */
    int64_t partial[FIG_VALUES_MAX]; /* by value, partial only */
} hub_fig_question_t;

/* One group while its JSON is made. */
typedef struct hub_fig_group {
    const hub_figures_in_t *in;
    int id;
    const char *key;
    const hub_acc_cell_t *cells;
    size_t cb, ce;
    int64_t complete, partial, suppressed, c01_responses;
    hub_fig_question_t *qs;
    size_t nq;
    int year;
} hub_fig_group_t;

int hub_figures_rank_element(const char *element)
{
    int e = indices_find_element(element), c = indices_find_c01(element);

    if (strcmp(element, INDICES_OVERALL_SLUG) == 0)
        return 0;
    if (e >= 0)
        return 1 + e;
    if (c > 0)
        return 10 + c;
    if (strcmp(element, HUB_STATS_REASONS_QUESTION) == 0)
        return 30;
    return FIG_RANK_OTHER;
}

/* ---- numbers --------------------------------------------------------- */

/* A percent to two decimals, half away from zero: exactly from num/den
 * when the value carries them (targets_round_centi, as verdicts are
 * judged), else from the double. */
static double hub_fig_round_pct(const indices_value_t *v, double percent)
{
    int64_t centi;

    if (v && targets_round_centi(v->num, v->den, &centi) == TARGETS_MET)
        return (double)centi / 100.0;
    return round(percent * 100.0) / 100.0;
}

static json_t *hub_fig_make_pct(const indices_value_t *v)
{
    return v->has_data ? json_real(hub_fig_round_pct(v, v->percent))
                       : json_null();
}

static json_t *hub_fig_make_ci(const indices_value_t *v)
{
    if (!v->has_data)
        return json_null();
    return json_pack("[f, f]", hub_fig_round_pct(NULL, v->ci_low),
                     hub_fig_round_pct(NULL, v->ci_high));
}

static json_t *hub_fig_make_tenths(int has_data, int tenths)
{
    return has_data && tenths >= 0 ? json_real(tenths / 10.0) : json_null();
}

/* "0".."5" -> 0..5; -1 for any other answer. */
static int hub_fig_get_answer_value(const char *answer)
{
    if (answer[0] >= '0' && answer[0] <= '5' && answer[1] == '\0')
        return answer[0] - '0';
    return -1;
}

/* ---- questions ------------------------------------------------------- */

static hub_fig_kind_t hub_fig_get_kind(const char *instrument,
                                       const char *element)
{
    int c01 = strcmp(instrument, HUB_STATS_C01_INSTRUMENT) == 0;

    if (indices_find_element(element) >= 0)
        return FIG_SCALE5;
    if (strcmp(element, INDICES_OVERALL_SLUG) == 0)
        return c01 ? FIG_LEVEL3 : FIG_SCALE5;
    if (c01 && indices_find_c01(element) > 0)
        return FIG_C01;
    return FIG_OTHER;
}

static void hub_fig_read_question(const hub_fig_group_t *fg,
                                  hub_fig_question_t *x)
{
    const hub_acc_t *acc = fg->in->acc;
    const hub_acc_question_t *q = hub_acc_get_question(acc, x->qid);
    int lo = 1, hi = 5, v;
    size_t i;

    x->kind = hub_fig_get_kind(hub_acc_text(acc, q->instrument),
                               hub_acc_text(acc, q->element));
    if (x->kind == FIG_LEVEL3)
        hi = 3;
    if (x->kind == FIG_C01) {
        lo = 0;
        hi = 2;
    }
    x->n = 0;
    memset(x->count, 0, sizeof(x->count));
    memset(x->partial, 0, sizeof(x->partial));
    for (i = x->cb; i < x->ce; i++) {
        v = hub_fig_get_answer_value(hub_acc_text(acc, fg->cells[i].answer));
        if (v < lo || v > hi)
            x->kind = FIG_OTHER;
        if (v >= 0) {
            x->count[v] += fg->cells[i].n + fg->cells[i].pn;
            x->partial[v] += fg->cells[i].pn;
        }
        x->n += fg->cells[i].n + fg->cells[i].pn;
    }
}

/* Splits the group's cells into questions (they come by question). */
static int hub_fig_read_questions(hub_fig_group_t *fg)
{
    size_t i, cap = 0;
    hub_fig_question_t *more;

    fg->qs = NULL;
    fg->nq = 0;
    for (i = fg->cb; i < fg->ce; i++) {
        if (fg->nq > 0 && fg->qs[fg->nq - 1].qid == fg->cells[i].question) {
            fg->qs[fg->nq - 1].ce = i + 1;
            continue;
        }
        if (fg->nq == cap) {
            cap = cap ? 2 * cap : 16;
            more = realloc(fg->qs, cap * sizeof(*more));
            if (!more)
                return -1;
            fg->qs = more;
        }
        fg->qs[fg->nq].qid = fg->cells[i].question;
        fg->qs[fg->nq].cb = i;
        fg->qs[fg->nq].ce = i + 1;
        fg->nq++;
    }
    for (i = 0; i < fg->nq; i++)
        hub_fig_read_question(fg, &fg->qs[i]);
    return 0;
}

static int hub_fig_is_in_scope(const hub_acc_t *acc, int field,
                               const targets_scope_t *scope)
{
    const char *f;
    int k;

    if (!scope || scope->n == 0)
        return 1;
    f = hub_acc_text(acc, field);
    for (k = 0; k < scope->n; k++)
        if (strcmp(scope->fields[k], f) == 0)
            return 1;
    return 0;
}

/* The form number of an instrument already given one, or -1. */
static int hub_fig_find_form(const int *forms, int n_forms, int instrument)
{
    int f;

    for (f = 0; f < n_forms; f++)
        if (forms[f] == instrument)
            return f;
    return -1;
}

/* The form number of an instrument: its place among the instruments of
 * the group's 1..5 questions, in order of first sight; -1 beyond
 * INDICES_FORM_MAX. */
static int hub_fig_get_form(int *forms, int *n_forms, int instrument)
{
    int f = hub_fig_find_form(forms, *n_forms, instrument);

    if (f >= 0)
        return f;
    if (*n_forms == INDICES_FORM_MAX)
        return -1;
    forms[*n_forms] = instrument;
    return (*n_forms)++;
}

/* respondents[f][e] of the group (indices_rate_forms): the responses of
 * form f that answered element e, complete and partial, of the fields in
 * scope, when every snapshot row behind them carried the kiosk's count;
 * -1 (the approximation) when any did not: adding exact counts of some
 * days to nothing for the others would undercount the form. */
static void hub_fig_get_respondents(const hub_fig_group_t *fg,
                                    const targets_scope_t *scope,
                                    const int *forms, int n_forms,
                                    int64_t *respondents)
{
    int64_t approx[INDICES_FORM_MAX * INDICES_ELEMENT_COUNT] = {0};
    const hub_acc_t *acc = fg->in->acc;
    const hub_acc_elem_t *els;
    size_t i, n;
    int f, e, k;

    for (k = 0; k < INDICES_FORM_MAX * INDICES_ELEMENT_COUNT; k++)
        respondents[k] = 0;
    els = hub_acc_find_elements(acc, fg->id, &n);
    for (i = 0; i < n; i++) {
        f = hub_fig_find_form(forms, n_forms, els[i].instrument);
        e = indices_find_element(hub_acc_text(acc, els[i].element));
        if (f < 0 || e < 0 || !hub_fig_is_in_scope(acc, els[i].field, scope))
            continue;
        k = f * INDICES_ELEMENT_COUNT + e;
        respondents[k] += els[i].n + els[i].pn;
        approx[k] += els[i].approx;
    }
    for (k = 0; k < INDICES_FORM_MAX * INDICES_ELEMENT_COUNT; k++)
        if (approx[k] > 0 || respondents[k] <= 0 ||
            respondents[k] > INDICES_COUNT_MAX)
            respondents[k] = -1;
}

/* The SIPAS figures of the group's 1..5 questions by the method of
 * domain §3d (indices_rate_forms): each survey form (instrument) is a
 * form, a question id is pooled over the forms that ask it, and answers
 * of complete and partial responses of the fields in scope (NULL: all)
 * count. A form's element is weighted by its respondents as the kiosks
 * counted them, or by its largest answer count of one question of that
 * element where a snapshot came without counts (hub_fig_get_respondents,
 * indices.h). per_q, when given, gets one value per
 * question of fg (no data for the others). 0, or -1 when the group has
 * more questions or forms than indices_rate_forms() takes. */
static int hub_fig_rate_sipas(const hub_fig_group_t *fg,
                              const targets_scope_t *scope,
                              indices_method_t method, indices_value_t *per_q,
                              indices_forms_t *out)
{
    static const indices_value_t none = {0, NAN, NAN, NAN, 0, 0, 0, 0};
    indices_form_question_t qs[INDICES_QUESTION_MAX];
    indices_value_t vals[INDICES_QUESTION_MAX];
    size_t pos[INDICES_QUESTION_MAX], i, j, n = 0;
    const hub_acc_t *acc = fg->in->acc;
    const hub_acc_question_t *q;
    const hub_acc_cell_t *c;
    int forms[INDICES_FORM_MAX], n_forms = 0, v;
    int64_t respondents[INDICES_FORM_MAX * INDICES_ELEMENT_COUNT];

    for (i = 0; per_q && i < fg->nq; i++)
        per_q[i] = none;
    for (i = 0; i < fg->nq; i++) {
        if (fg->qs[i].kind != FIG_SCALE5)
            continue;
        if (n == INDICES_QUESTION_MAX)
            return -1;
        q = hub_acc_get_question(acc, fg->qs[i].qid);
        qs[n].form = hub_fig_get_form(forms, &n_forms, q->instrument);
        if (qs[n].form < 0)
            return -1;
        qs[n].id = hub_acc_text(acc, q->question);
        qs[n].element = hub_acc_text(acc, q->element);
        memset(qs[n].count, 0, sizeof(qs[n].count));
        for (j = fg->qs[i].cb; j < fg->qs[i].ce; j++) {
            c = &fg->cells[j];
            v = hub_fig_get_answer_value(hub_acc_text(acc, c->answer));
            if (v >= 1 && hub_fig_is_in_scope(acc, c->field, scope))
                qs[n].count[v - 1] += c->n + c->pn;
        }
        pos[n++] = i;
    }
    hub_fig_get_respondents(fg, scope, forms, n_forms, respondents);
    if (indices_rate_forms(n ? qs : NULL, n, respondents, method,
                           n ? vals : NULL, out) != INDICES_OK)
        return -1;
    for (i = 0; per_q && i < n; i++)
        per_q[pos[i]] = vals[i];
    return 0;
}

/* ---- JSON pieces ----------------------------------------------------- */

/* Counts by answer of complete responses (partial = 0) or of partial
 * ones (partial = 1). */
static json_t *hub_fig_make_counts(const hub_fig_group_t *fg,
                                   const hub_fig_question_t *x, int partial)
{
    static const char *const names[FIG_VALUES_MAX] = {"0", "1", "2",
                                                      "3", "4", "5"};
    const hub_acc_t *acc = fg->in->acc;
    json_t *counts = json_object(), *had;
    int lo = 1, hi = 5, v;
    const char *a;
    size_t i;

    if (!counts)
        return NULL;
    if (x->kind == FIG_OTHER) {
        for (i = x->cb; i < x->ce; i++) {
            a = hub_acc_text(acc, fg->cells[i].answer);
            had = json_object_get(counts, a);
            if (json_object_set_new(
                    counts, a,
                    json_integer(json_integer_value(had) +
                                 (partial ? fg->cells[i].pn
                                          : fg->cells[i].n)))) {
                json_decref(counts);
                return NULL;
            }
        }
        return counts;
    }
    if (x->kind == FIG_LEVEL3)
        hi = 3;
    if (x->kind == FIG_C01) {
        lo = 0;
        hi = 2;
    }
    for (v = lo; v <= hi; v++) {
        if (json_object_set_new(counts, names[v],
                                json_integer(partial ? x->partial[v]
                                                     : x->count[v] -
                                                           x->partial[v]))) {
            json_decref(counts);
            return NULL;
        }
    }
    return counts;
}

static json_t *hub_fig_make_question(const hub_fig_group_t *fg,
                                     const hub_fig_question_t *x,
                                     const indices_value_t *sipas_value)
{
    const hub_acc_t *acc = fg->in->acc;
    const hub_acc_question_t *q = hub_acc_get_question(acc, x->qid);
    indices_value_t v = {0, NAN, NAN, NAN, 0, 0, 0, 0};
    indices_c01_tally_t tally;
    indices_c01_score_t score = {0, -1, 0};
    int64_t level[INDICES_LEVEL3_MAX], points[INDICES_C01_POINTS_MAX + 1];
    json_t *o;

    if (x->kind == FIG_SCALE5)
        v = *sipas_value;
    if (x->kind == FIG_LEVEL3) {
        memcpy(level, x->count + 1, sizeof(level));
        if (indices_rate_level3(level, &v) != INDICES_OK)
            return NULL;
    }
    o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:I, s:o, s:o}", "id",
                  hub_acc_text(acc, q->question), "instrument",
                  hub_acc_text(acc, q->instrument), "element",
                  hub_acc_text(acc, q->element), "counts",
                  hub_fig_make_counts(fg, x, 0), "partial_counts",
                  hub_fig_make_counts(fg, x, 1), "n", (json_int_t)x->n,
                  "satisfied_pct", hub_fig_make_pct(&v), "ci95",
                  hub_fig_make_ci(&v));
    if (!o || x->kind != FIG_C01)
        return o;
    memcpy(points, x->count, sizeof(points));
    if (indices_tally_c01(points, &tally) != INDICES_OK ||
        indices_score_c01(&tally, &score) != INDICES_OK ||
        json_object_set_new(
            o, "score", hub_fig_make_tenths(score.has_data, score.tenths)) ||
        json_object_set_new(o, "dossiers", json_integer(tally.dossiers))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *hub_fig_make_value(const indices_value_t *v, const char *pct_key,
                                  const char *ci_key)
{
    return json_pack("{s:o, s:o, s:I}", pct_key, hub_fig_make_pct(v), ci_key,
                     hub_fig_make_ci(v), "n", (json_int_t)v->answers);
}

static json_t *hub_fig_make_elements(const indices_forms_t *s)
{
    json_t *o = json_object(), *x;
    int e;

    for (e = 0; o && e < INDICES_ELEMENT_COUNT; e++) {
        /* respondents: the weight of the element across survey forms. */
        x = hub_fig_make_value(&s->element[e], "index", "ci95");
        if (x && json_object_set_new(x, "respondents",
                                     json_integer(s->respondents[e]))) {
            json_decref(x);
            x = NULL;
        }
        if (!x || json_object_set_new(
                      o, indices_get_element_label((indices_element_t)e)->code,
                      x)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

typedef struct hub_fig_pick {
    int answer;
    int64_t n;
} hub_fig_pick_t;

static int hub_fig_compare_picks(const void *x, const void *y, void *ctx)
{
    const hub_fig_pick_t *p = x, *q = y;

    return hub_acc_compare_text(ctx, p->answer, q->answer);
}

/* Answers of every "reasons" question by option code, codes in order. */
static json_t *hub_fig_make_reasons(const hub_fig_group_t *fg)
{
    const hub_acc_t *acc = fg->in->acc;
    hub_fig_pick_t *picks = NULL, *more;
    size_t n = 0, cap = 0, i, j;
    json_t *o = json_object(), *had;
    const char *a;

    for (i = 0; o && i < fg->nq; i++) {
        const hub_acc_question_t *q = hub_acc_get_question(acc, fg->qs[i].qid);

        if (strcmp(hub_acc_text(acc, q->question),
                   HUB_STATS_REASONS_QUESTION) != 0)
            continue;
        for (j = fg->qs[i].cb; j < fg->qs[i].ce; j++) {
            if (n == cap) {
                cap = cap ? 2 * cap : 32;
                more = realloc(picks, cap * sizeof(*more));
                if (!more) {
                    free(picks);
                    json_decref(o);
                    return NULL;
                }
                picks = more;
            }
            picks[n].answer = fg->cells[j].answer;
            /* A partial response's reasons count like its answers. */
            picks[n++].n = fg->cells[j].n + fg->cells[j].pn;
        }
    }
    if (n > 0)
        qsort_r(picks, n, sizeof(*picks), hub_fig_compare_picks, (void *)acc);
    for (i = 0; o && i < n; i++) {
        a = hub_acc_text(acc, picks[i].answer);
        had = json_object_get(o, a);
        if (json_object_set_new(
                o, a, json_integer(json_integer_value(had) + picks[i].n))) {
            json_decref(o);
            o = NULL;
        }
    }
    free(picks);
    return o;
}

static json_t *hub_fig_make_total(const indices_c01_total_t *t)
{
    return json_pack(
        "{s:o, s:o, s:b, s:i, s:i, s:o, s:o}", "total",
        hub_fig_make_tenths(t->has_data, t->tenths), "max_total",
        hub_fig_make_tenths(t->has_data, t->max_tenths), "complete",
        t->complete, "present", t->present, "expected", t->expected, "band",
        t->band ? json_string(t->band->code) : json_null(), "band_max",
        t->band_max ? json_string(t->band_max->code) : json_null());
}

/* Circular 01 indicators and totals from c01-counter; NULL (no block)
 * when the group has none of its answers or responses. */
static json_t *hub_fig_make_c01(const hub_fig_group_t *fg, int *failed)
{
    int64_t points[INDICES_C01_COUNT][INDICES_C01_POINTS_MAX + 1];
    indices_c01_score_t score[INDICES_C01_COUNT];
    indices_c01_tally_t tally[INDICES_C01_COUNT];
    indices_c01_total_t officer, unit;
    indices_value_t level = {0, NAN, NAN, NAN, 0, 0, 0, 0};
    int64_t level_count[INDICES_LEVEL3_MAX] = {0, 0, 0};
    const hub_acc_t *acc = fg->in->acc;
    json_t *c01, *inds, *x;
    int k, any = fg->c01_responses > 0, num;
    size_t i;

    memset(points, 0, sizeof(points));
    for (i = 0; i < fg->nq; i++) {
        const hub_fig_question_t *qx = &fg->qs[i];
        const hub_acc_question_t *q = hub_acc_get_question(acc, qx->qid);

        if (qx->kind == FIG_C01) {
            num = indices_find_c01(hub_acc_text(acc, q->element));
            for (k = 0; k <= INDICES_C01_POINTS_MAX; k++)
                points[num - 1][k] += qx->count[k];
            any = 1;
        } else if (qx->kind == FIG_LEVEL3) {
            for (k = 0; k < INDICES_LEVEL3_MAX; k++)
                level_count[k] += qx->count[k + 1];
            any = 1;
        }
    }
    if (!any)
        return NULL;
    *failed = 1;
    for (k = 0; k < INDICES_C01_COUNT; k++)
        if (indices_tally_c01(points[k], &tally[k]) != INDICES_OK ||
            indices_score_c01(&tally[k], &score[k]) != INDICES_OK)
            return NULL;
    if (indices_total_c01_officer(score, &officer) != INDICES_OK ||
        indices_total_c01_unit(score, &unit) != INDICES_OK ||
        indices_rate_level3(level_count, &level) != INDICES_OK)
        return NULL;
    inds = json_object();
    /* The three a citizen answers always show; others when present. */
    for (k = 0; inds && k < INDICES_C01_COUNT; k++) {
        if (!score[k].has_data && k + 1 != 3 && k + 1 != 4 && k + 1 != 7)
            continue;
        x = json_pack("{s:o, s:I, s:{s:I, s:I, s:I}}", "score",
                      hub_fig_make_tenths(score[k].has_data, score[k].tenths),
                      "dossiers", (json_int_t)tally[k].dossiers, "counts", "0",
                      (json_int_t)points[k][0], "1", (json_int_t)points[k][1],
                      "2", (json_int_t)points[k][2]);
        if (json_object_set_new(inds, indices_get_c01_label(k + 1)->code, x)) {
            json_decref(inds);
            inds = NULL;
        }
    }
    c01 = json_pack("{s:I, s:o}", "responses", (json_int_t)fg->c01_responses,
                    "indicators", inds);
    x = hub_fig_make_total(&officer);
    if (!c01 || !x || json_object_update(c01, x) ||
        json_object_set_new(c01, "unit_total", hub_fig_make_total(&unit)) ||
        json_object_set_new(
            c01, "overall",
            hub_fig_make_value(&level, "satisfied_pct", "ci95"))) {
        json_decref(x);
        json_decref(c01);
        return NULL;
    }
    json_decref(x);
    *failed = 0;
    return c01;
}

/* ---- targets --------------------------------------------------------- */

static hub_fig_metric_t hub_fig_find_metric(const char *slug)
{
    size_t i;

    for (i = 0; i < sizeof(hub_fig_metrics) / sizeof(hub_fig_metrics[0]); i++)
        if (strcmp(hub_fig_metrics[i].slug, slug) == 0)
            return hub_fig_metrics[i].metric;
    return FIG_METRIC_NONE;
}

static json_t *hub_fig_make_threshold(int centi)
{
    return centi % 100 == 0 ? json_integer(centi / 100)
                            : json_real(centi / 100.0);
}

static json_t *hub_fig_make_target(const hub_fig_group_t *fg,
                                   const targets_indicator_t *ind,
                                   const targets_pick_t *pick,
                                   hub_fig_metric_t metric)
{
    const targets_row_t *row = pick->target;
    indices_forms_t s;
    indices_value_t v;
    json_t *fields = json_array(), *o;
    int met = -1, k;

    if (hub_fig_rate_sipas(fg, &row->scope, INDICES_SHARE_4_5, NULL, &s) != 0) {
        memset(&s, 0, sizeof(s)); /* too many questions: no value */
        s.index.has_data = 0;
    }
    v = metric == FIG_METRIC_INDEX ? s.index : s.element[INDICES_KET_QUA];
    if (v.has_data)
        met = v.den > 0 ? targets_is_met_ratio(row, v.num, v.den)
                        : targets_is_met(row, v.percent);
    for (k = 0; fields && k < row->scope.n; k++)
        if (json_array_append_new(fields, json_string(row->scope.fields[k]))) {
            json_decref(fields);
            fields = NULL;
        }
    o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:b, s:o, s:s, s:o, s:o, s:s,"
                  " s:b, s:s}",
                  "indicator", ind->slug, "name", ind->vi, "operator",
                  targets_op_code(row->op), "threshold",
                  hub_fig_make_threshold(row->threshold_centi), "year",
                  row->year, "due", pick->target_is_due, "fields", fields,
                  "method", "share", "value", hub_fig_make_pct(&v), "met",
                  met < 0 ? json_null() : json_boolean(met), "province",
                  row->province, "national", targets_is_national(row) == 1,
                  "basis", targets_get_basis(row, 0));
    return o;
}

/* A field group is held only against targets that cover its field. */
static int hub_fig_does_target_apply(const hub_fig_group_t *fg,
                                     const targets_row_t *row)
{
    int k;

    if (fg->in->q->group != HUB_STATS_BY_FIELD || row->scope.n == 0)
        return 1;
    for (k = 0; k < row->scope.n; k++)
        if (strcmp(row->scope.fields[k], fg->key) == 0)
            return 1;
    return 0;
}

static json_t *hub_fig_make_targets(const hub_fig_group_t *fg)
{
    const hub_stats_query_t *q = fg->in->q;
    const targets_t *t = q->targets, *own = NULL;
    const char *province = q->province ? q->province : TARGETS_ALL_PROVINCES;
    const char *own_province = NULL;
    json_t *list = json_array(), *x;
    targets_pick_t pick;
    hub_fig_metric_t metric;
    int i, node;

    /* The nearest unit up the tree that holds targets of its own. */
    for (node = q->depth && q->group_targets
                    ? hub_tree_find(fg->in->tree, fg->key)
                    : -1;
         node >= 0 && !own; node = fg->in->tree->nodes[node].up) {
        if (q->group_targets(q->group_targets_ctx,
                             fg->in->tree->nodes[node].code, &own,
                             &own_province) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    if (own) {
        t = own;
        province = own_province;
    }
    for (i = 0; list && t && i < t->n_indicators; i++) {
        metric = hub_fig_find_metric(t->indicators[i].slug);
        if (metric == FIG_METRIC_NONE ||
            targets_lookup(t, province, t->indicators[i].slug, fg->year,
                           &pick) != 0 ||
            !pick.target || !hub_fig_does_target_apply(fg, pick.target))
            continue;
        x = hub_fig_make_target(fg, &t->indicators[i], &pick, metric);
        if (json_array_append_new(list, x)) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

/* ---- groups ---------------------------------------------------------- */

static json_t *hub_fig_make_unit_ref(const hub_figures_in_t *in,
                                     const char *code)
{
    int node = hub_tree_find(in->tree, code);

    return json_pack("{s:s, s:o}", "unit", code, "name",
                     node >= 0 ? json_string(in->tree->nodes[node].name)
                               : json_null());
}

static json_t *hub_fig_make_key(const hub_figures_in_t *in, const char *key)
{
    hub_stats_group_t g = in->q->group;
    const char *name = hub_stats_get_group_name(g), *sep;

    switch (g) {
    case HUB_STATS_ALL:
        return json_object();
    case HUB_STATS_BY_UNIT:
        return hub_fig_make_unit_ref(in, key);
    case HUB_STATS_BY_COUNTER:
        sep = strchr(key, '\x1f');
        if (!sep)
            return NULL;
        return json_pack("{s:s%, s:s}", "unit", key, (size_t)(sep - key),
                         "counter", sep + 1);
    case HUB_STATS_BY_FIELD:
    case HUB_STATS_BY_OFFICER:
        return json_pack("{s:s}", name, key);
    default:
        /* "period", and the group's own name as earlier versions had. */
        return json_pack("{s:s, s:s}", "period", key, name, key);
    }
}

static int hub_fig_is_period(hub_stats_group_t g)
{
    return g >= HUB_STATS_BY_DAY && g <= HUB_STATS_BY_YEAR;
}

static json_t *hub_fig_add_figures(hub_fig_group_t *fg, json_t *o)
{
    indices_value_t *per_q = calloc(fg->nq + 1, sizeof(*per_q));
    json_t *questions = json_array(), *c01;
    indices_forms_t s;
    int failed = 0;
    size_t i;

    if (!per_q || !questions) {
        free(per_q);
        json_decref(questions);
        json_decref(o);
        return NULL;
    }
    /* Over INDICES_QUESTION_MAX questions: counts without figures. */
    if (hub_fig_rate_sipas(fg, NULL, fg->in->q->method, per_q, &s) != 0)
        memset(&s, 0, sizeof(s));
    for (i = 0; questions && i < fg->nq; i++) {
        if (json_array_append_new(
                questions, hub_fig_make_question(fg, &fg->qs[i], &per_q[i]))) {
            json_decref(questions);
            questions = NULL;
        }
    }
    free(per_q);
    c01 = hub_fig_make_c01(fg, &failed);
    if (failed || !questions ||
        json_object_set_new(o, "questions", questions) ||
        json_object_set_new(o, "elements", hub_fig_make_elements(&s)) ||
        json_object_set_new(o, "index", hub_fig_make_pct(&s.index)) ||
        json_object_set_new(o, "index_ci95", hub_fig_make_ci(&s.index)) ||
        json_object_set_new(o, "index_elements",
                            json_integer(s.elements_with_data)) ||
        json_object_set_new(
            o, "overall",
            hub_fig_make_value(&s.overall_question, "satisfied_pct", "ci95")) ||
        json_object_set_new(o, "reasons", hub_fig_make_reasons(fg)) ||
        json_object_set_new(o, "c01", c01 ? c01 : json_null()) ||
        json_object_set_new(o, "targets", hub_fig_make_targets(fg))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *hub_fig_make_group(hub_fig_group_t *fg)
{
    const hub_stats_query_t *q = fg->in->q;
    int hidden = (q->group == HUB_STATS_BY_OFFICER &&
                  fg->complete < (int64_t)q->min_group) ||
                 (fg->in->withheld && fg->in->withheld[fg->id]);
    json_t *o;

    o = json_pack("{s:o, s:I, s:I, s:I, s:b}", "key",
                  hub_fig_make_key(fg->in, fg->key), "responses",
                  (json_int_t)fg->complete, "partial", (json_int_t)fg->partial,
                  "suppressed", (json_int_t)fg->suppressed, "suppressed_group",
                  hidden);
    if (!o || hidden)
        return o;
    if (hub_fig_read_questions(fg) != 0) {
        json_decref(o);
        return NULL;
    }
    o = hub_fig_add_figures(fg, o);
    free(fg->qs);
    fg->qs = NULL;
    return o;
}

static int hub_fig_add_groups(hub_figures_in_t *in, int c01, json_t *groups)
{
    const hub_acc_resp_t *resps;
    const hub_acc_cell_t *cells;
    const int *order = hub_acc_get_group_order(in->acc);
    size_t n_cells, n_resps, ci = 0, ri = 0;
    int i, n = hub_acc_count_groups(in->acc);
    hub_fig_group_t fg;

    cells = hub_acc_get_cells(in->acc, &n_cells);
    resps = hub_acc_get_responses(in->acc, &n_resps);
    for (i = 0; i < n; i++) {
        memset(&fg, 0, sizeof(fg));
        fg.in = in;
        fg.id = order[i];
        fg.key = hub_acc_group_key(in->acc, fg.id);
        fg.cells = cells;
        for (; ri < n_resps && resps[ri].group == fg.id; ri++) {
            fg.complete += resps[ri].complete;
            fg.partial += resps[ri].partial;
            fg.suppressed += resps[ri].suppressed;
            if (resps[ri].instrument == c01)
                fg.c01_responses += resps[ri].complete;
        }
        fg.cb = ci;
        while (ci < n_cells && cells[ci].group == fg.id)
            ci++;
        fg.ce = ci;
        fg.year = hub_fig_is_period(in->q->group)
                      ? hub_periods_get_year(fg.key)
                      : hub_periods_get_year(in->q->to);
        if (json_array_append_new(groups, hub_fig_make_group(&fg)))
            return -1;
    }
    return 0;
}

json_t *hub_figures_build(hub_figures_in_t *in)
{
    const hub_stats_query_t *q = in->q;
    const hub_tree_node_t *root =
        in->root >= 0 ? &in->tree->nodes[in->root] : NULL;
    json_t *out, *groups = json_array();
    /* Texts are added before sorting only. */
    int c01 = hub_acc_intern(in->acc, HUB_STATS_C01_INSTRUMENT);

    if (!groups || c01 < 0 ||
        hub_acc_sort(in->acc, hub_figures_rank_element) != 0 ||
        hub_fig_add_groups(in, c01, groups) != 0) {
        json_decref(groups);
        return NULL;
    }
    out = json_pack(
        "{s:s, s:s, s:s*, s:{s:s?, s:s?}, s:s, s:s, s:s?, s:s?, s:i}", "from",
        q->from, "to", q->to, "period", q->period, "scope", "unit",
        root ? root->code : NULL, "name", root ? root->name : NULL, "method",
        q->method == INDICES_NORMALISED_MEAN ? "mean" : "share", "rollup",
        q->rollup == HUB_STATS_RECORDED ? "recorded" : "current", "group",
        q->group == HUB_STATS_ALL ? NULL : hub_stats_get_group_name(q->group),
        "instrument", q->instrument, "min_group", q->min_group);
    if (out && q->level >= 0 &&
        json_object_set_new(out, "level", json_integer(q->level)))
        out = NULL;
    if (out && q->depth &&
        json_object_set_new(out, "depth", json_integer(q->depth)))
        out = NULL;
    if (!out || json_object_set_new(out, "groups", groups)) {
        json_decref(out);
        json_decref(groups);
        return NULL;
    }
    return out;
}
