/*
 * report_model.c - the hub's statistics as the figures of one report.
 */
#include "report_model.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/targets.h"

#define REPORT_YEAR_MIN 2000
#define REPORT_YEAR_MAX 2100

typedef struct report_name {
    const char *code, *vi;
} report_name_t;

/* Field names as in the domain brief (docs: fields.h keeps slugs only). */
static const report_name_t report_fields[] = {
    {"dat-dai", "Đất đai"},
    {"xay-dung", "Xây dựng"},
    {"dau-tu", "Đầu tư"},
    {"tu-phap", "Tư pháp – Hộ tịch"},
    {"moi-truong", "Tài nguyên – Môi trường"},
    {"lao-dong", "Lao động – Thương binh và Xã hội"},
    {"y-te", "Y tế"},
    {"giao-duc", "Giáo dục"},
    {"khac", "Lĩnh vực khác"},
    {"", "Chưa chọn lĩnh vực"},
};

/* Reason codes of the shipped surveys (assets/surveys, every file). */
static const report_name_t report_reasons[] = {
    {"di-lai-nhieu-lan", "Phải đi lại nhiều lần"},
    {"cho-lau", "Chờ đợi lâu"},
    {"thai-do", "Thái độ phục vụ chưa tốt"},
    {"huong-dan-kho-hieu", "Hướng dẫn khó hiểu"},
    {"phi-sai-quy-dinh", "Phí, lệ phí không đúng quy định"},
    {"tre-hen", "Trả kết quả trễ hẹn"},
    {"thu-tuc-ruom-ra", "Thủ tục rườm rà"},
    {"noi-cho-chua-tien-nghi", "Nơi chờ chưa tiện nghi"},
};

static const char *const report_roman[] = {"I", "II", "III", "IV"};

/* Tables show the target held against the index ("tthc" and the
 * field-scoped ones). The hub computes that index over the target's own
 * fields (administrative ones for "tthc"), so the row shows the judged
 * value beside the verdict, apart from the index of every field. */
const char *const report_prefer_unit[] = {"tthc", "phuc-vu-hcnn",
                                          "y-te-giao-duc", NULL};
const char *const report_prefer_field[] = {
    "tthc-dat-dai-xay-dung-dau-tu", "y-te-giao-duc", "tthc", "phuc-vu-hcnn",
    NULL};

#define REPORT_N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- periods ------------------------------------------------------------ */

static int report_set_dates(report_period_t *p, periodrule_kind_t kind,
                            int y, int index)
{
    p->year = y;
    return periodrule_get_range(p->rule, kind, y, index, p->from, p->to);
}

/* Digits only, exactly len of them; the value or -1. */
static int report_read_digits(const char *s, size_t len)
{
    int v = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int report_parse_period(const char *text, periodrule_rule_t rule,
                        report_period_t *out)
{
    size_t len;
    int y, k, rc;

    memset(out, 0, sizeof(*out));
    out->rule = rule;
    if (!text || !periodrule_get_name(rule))
        return -1;
    len = strlen(text);
    if (len < 4 || (y = report_read_digits(text, 4)) < REPORT_YEAR_MIN ||
        y > REPORT_YEAR_MAX)
        return -1;
    if (len == 4) {
        out->kind = REPORT_YEAR;
        rc = report_set_dates(out, PERIODRULE_YEAR, y, 0);
        snprintf(out->label, sizeof(out->label), "Năm %d", y);
    } else if (len == 7 && text[4] == '-' && text[5] == 'Q' &&
               (k = report_read_digits(text + 6, 1)) >= 1 && k <= 4) {
        out->kind = REPORT_QUARTER;
        rc = report_set_dates(out, PERIODRULE_QUARTER, y, k);
        snprintf(out->label, sizeof(out->label), "Quý %s năm %d",
                 report_roman[k - 1], y);
    } else if (len == 7 && text[4] == '-' && text[5] == 'H' &&
               (k = report_read_digits(text + 6, 1)) >= 1 && k <= 2) {
        out->kind = REPORT_HALF;
        rc = report_set_dates(out, PERIODRULE_HALF, y, k);
        snprintf(out->label, sizeof(out->label), "6 tháng %s năm %d",
                 k == 1 ? "đầu" : "cuối", y);
    } else if (len == 7 && text[4] == '-' &&
               (k = report_read_digits(text + 5, 2)) >= 1 && k <= 12) {
        out->kind = REPORT_MONTH;
        rc = report_set_dates(out, PERIODRULE_MONTH, y, k);
        snprintf(out->label, sizeof(out->label), "Tháng %d năm %d", k, y);
    } else {
        return -1;
    }
    if (rc != 0)
        return -1;
    /* The file name tells a cut-off report from a calendar one. */
    snprintf(out->code, sizeof(out->code), "%s%s%s", text,
             rule == PERIODRULE_CALENDAR ? "" : "-",
             rule == PERIODRULE_CALENDAR ? "" : periodrule_get_name(rule));
    return 0;
}

int report_make_range(const char *from, const char *to,
                      report_period_t *out)
{
    char a[16], b[16];
    int64_t f, t;

    memset(out, 0, sizeof(*out));
    if (!from || !to)
        return -1;
    f = vntime_parse_date(from);
    t = vntime_parse_date(to);
    if (f == -1 || t == -1 || f > t)
        return -1;
    out->kind = REPORT_AD_HOC;
    out->rule = PERIODRULE_CALENDAR;
    out->year = report_read_digits(from, 4);
    snprintf(out->from, sizeof(out->from), "%s", from);
    snprintf(out->to, sizeof(out->to), "%s", to);
    snprintf(out->code, sizeof(out->code), "%s_%s", from, to);
    report_format_short_date(from, a, sizeof(a));
    report_format_short_date(to, b, sizeof(b));
    snprintf(out->label, sizeof(out->label), "Từ ngày %s đến ngày %s", a, b);
    return 0;
}

const char *report_get_rule_label(const report_period_t *p)
{
    if (p->kind == REPORT_AD_HOC)
        return "Báo cáo đột xuất: các ngày đã chọn";
    return periodrule_get_label(p->rule) ? periodrule_get_label(p->rule)
                                         : "";
}

const char *report_get_rule_code(const report_period_t *p)
{
    if (p->kind == REPORT_AD_HOC)
        return "ad-hoc";
    return periodrule_get_name(p->rule) ? periodrule_get_name(p->rule) : "";
}

/* ---- reading the hub's JSON --------------------------------------------- */

static void report_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

__attribute__((format(printf, 3, 4)))
static int report_fail(char *err, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return -1;
}

/* A JSON number (integer or real) as a double; 0 when it is one. */
static int report_get_number(const json_t *v, double *out)
{
    if (json_is_integer(v))
        *out = (double)json_integer_value(v);
    else if (json_is_real(v))
        *out = json_real_value(v);
    else
        return -1;
    return isfinite(*out) ? 0 : -1;
}

static int64_t report_get_count(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_integer(v) && json_integer_value(v) >= 0
               ? (int64_t)json_integer_value(v)
               : 0;
}

static void report_clear_figure(report_figure_t *f)
{
    f->has_data = 0;
    f->pct = f->lo = f->hi = NAN;
    f->n = 0;
}

/* pct (a number or null) with ci ([low, high] or null): a figure. A null
 * percentage is "no data"; a malformed one is an error. */
static int report_read_figure(const json_t *pct, const json_t *ci,
                              const json_t *n, report_figure_t *f)
{
    double v, lo, hi;

    report_clear_figure(f);
    if (!pct || json_is_null(pct))
        return 0;
    if (report_get_number(pct, &v) != 0 || v < 0 || v > 100)
        return -1;
    f->has_data = 1;
    f->pct = v;
    if (json_is_array(ci) && json_array_size(ci) == 2 &&
        report_get_number(json_array_get(ci, 0), &lo) == 0 &&
        report_get_number(json_array_get(ci, 1), &hi) == 0) {
        f->lo = lo;
        f->hi = hi;
    }
    if (json_is_integer(n))
        f->n = (int64_t)json_integer_value(n);
    return 0;
}

static int report_add_reason(report_group_t *g, const char *code, int64_t n,
                             char *err, size_t cap)
{
    int i;

    if (n <= 0)
        return 0;
    for (i = 0; i < g->n_reasons; i++)
        if (strcmp(g->reasons[i].code, code) == 0)
            break;
    if (i == g->n_reasons) {
        if (g->n_reasons >= REPORT_REASONS_MAX)
            return report_fail(err, cap, "more than 24 kinds of reasons"
                               " in group \"%s\"", g->code);
        report_copy(g->reasons[i].code, REPORT_CODE_MAX, code);
        g->n_reasons++;
    }
    g->reasons[i].n += n;
    g->reasons_total += n;
    return 0;
}

static int report_read_elements(const json_t *elements, report_group_t *g)
{
    const json_t *el;
    int e;

    g->elements_with_data = 0;
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++) {
        const indices_label_t *l =
            indices_get_element_label((indices_element_t)e);

        el = json_object_get(elements, l->code);
        if (el && !json_is_object(el) && !json_is_null(el))
            return -1;
        if (report_read_figure(json_object_get(el, "index"),
                               json_object_get(el, "ci95"),
                               json_object_get(el, "n"),
                               &g->element[e]) != 0)
            return -1;
        g->elements_with_data += g->element[e].has_data;
    }
    return 0;
}

static int report_read_c01_block(const json_t *c01, report_group_t *g)
{
    const json_t *ind, *one;
    const char *key;
    double score;
    int k;

    if (!c01 || json_is_null(c01))
        return 0;
    ind = json_object_get(c01, "indicators");
    if (!json_is_object(ind))
        return -1;
    json_object_foreach((json_t *)ind, key, one) {
        k = indices_find_c01(key);
        if (k < 1)
            continue; /* an indicator this tool does not know */
        if (json_is_null(json_object_get(one, "score")))
            continue; /* no data: left out, never defaulted */
        if (report_get_number(json_object_get(one, "score"), &score) != 0 ||
            score < 0 || score > INDICES_C01_POINTS_MAX)
            return -1;
        g->c01.tenths[k - 1] = (int)lround(score * 10.0);
        g->c01.dossiers[k - 1] = report_get_count(one, "dossiers");
    }
    return 0;
}

static int report_read_targets(const json_t *targets, report_group_t *g)
{
    const json_t *t, *met;
    report_target_t *o;
    size_t i;

    if (!targets || json_is_null(targets))
        return 0;
    if (!json_is_array(targets) ||
        json_array_size(targets) > REPORT_TARGETS_MAX)
        return -1;
    json_array_foreach(targets, i, t) {
        o = &g->targets[g->n_targets];
        memset(o, 0, sizeof(*o));
        if (!json_is_string(json_object_get(t, "indicator")) ||
            report_get_number(json_object_get(t, "threshold"),
                              &o->threshold) != 0)
            return -1;
        report_copy(o->indicator, sizeof(o->indicator),
                    json_string_value(json_object_get(t, "indicator")));
        report_copy(o->name, sizeof(o->name),
                    json_string_value(json_object_get(t, "name")));
        report_copy(o->op, sizeof(o->op),
                    json_string_value(json_object_get(t, "operator")));
        if (strcmp(o->op, ">") != 0)
            report_copy(o->op, sizeof(o->op), ">=");
        o->year = (int)report_get_count(t, "year");
        o->has_value =
            report_get_number(json_object_get(t, "value"), &o->value) == 0;
        met = json_object_get(t, "met");
        o->met = json_is_boolean(met) ? json_is_true(met) : -1;
        o->national = json_is_true(json_object_get(t, "national"));
        report_copy(o->basis, sizeof(o->basis),
                    json_string_value(json_object_get(t, "basis")));
        if (!o->basis[0] && o->national)
            report_copy(o->basis, sizeof(o->basis), TARGETS_NATIONAL_BASIS_VI);
        g->n_targets++;
    }
    return 0;
}

static int report_cmp_reason(const void *a, const void *b)
{
    const report_reason_t *x = a, *y = b;

    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->code, y->code);
}

/* The first string of a group key that is not a name: the unit, field or
 * period the group stands for. */
static const char *report_get_key_code(const json_t *key)
{
    static const char *const order[] = {"unit", "field", "period", "month",
                                        "quarter", "half", "year", "day",
                                        NULL};
    size_t i;

    for (i = 0; order[i]; i++)
        if (json_is_string(json_object_get(key, order[i])))
            return json_string_value(json_object_get(key, order[i]));
    return "";
}

/* A group without responses: every figure "no data". */
static void report_clear_group(report_group_t *g)
{
    int k;

    memset(g, 0, sizeof(*g));
    for (k = 0; k < INDICES_C01_COUNT; k++)
        g->c01.tenths[k] = -1;
    report_clear_figure(&g->index);
    report_clear_figure(&g->overall);
    for (k = 0; k < INDICES_ELEMENT_COUNT; k++)
        report_clear_figure(&g->element[k]);
}

static int report_load_group(const json_t *grp, report_group_t *g,
                             char *err, size_t cap)
{
    const json_t *key = json_object_get(grp, "key"), *overall, *reasons, *v;
    indices_c01_score_t scores[INDICES_C01_COUNT];
    const char *code;
    int k;

    report_clear_group(g);
    if (!json_is_object(grp))
        return report_fail(err, cap, "a group is not an object");
    report_copy(g->code, sizeof(g->code), report_get_key_code(key));
    report_copy(g->name, sizeof(g->name),
                json_string_value(json_object_get(key, "name")));
    g->responses = report_get_count(grp, "responses");
    g->partial = report_get_count(grp, "partial");
    g->suppressed = report_get_count(grp, "suppressed");
    g->suppressed_group = json_is_true(json_object_get(grp,
                                                       "suppressed_group"));
    /* A hub that sends counts only predates the figures; a report of
     * dashes would look like "no data" and mislead. A group withheld for
     * the officers' privacy has counts only by design: the forms say so. */
    if (!g->suppressed_group && !json_object_get(grp, "index"))
        return report_fail(err, cap, "the hub sent counts without figures"
                           " (index, targets) for group \"%s\": it predates"
                           " docs/STATS_API.md; update the hub", g->code);
    overall = json_object_get(grp, "overall");
    if (!g->suppressed_group && (report_read_figure(json_object_get(grp, "index"),
                           json_object_get(grp, "index_ci95"), NULL,
                           &g->index) != 0 ||
        report_read_elements(json_object_get(grp, "elements"), g) != 0 ||
        report_read_figure(json_object_get(overall, "satisfied_pct"),
                           json_object_get(overall, "ci95"),
                           json_object_get(overall, "n"), &g->overall) != 0 ||
        report_read_c01_block(json_object_get(grp, "c01"), g) != 0 ||
        report_read_targets(json_object_get(grp, "targets"), g) != 0))
        return report_fail(err, cap, "the figures of group \"%s\" are not"
                           " as docs/STATS_API.md describes", g->code);
    reasons = json_object_get(grp, "reasons");
    json_object_foreach((json_t *)reasons, code, v) {
        if (report_add_reason(g, code, report_get_count(reasons, code), err,
                              cap) != 0)
            return -1;
    }
    qsort(g->reasons, (size_t)g->n_reasons, sizeof(g->reasons[0]),
          report_cmp_reason);
    for (k = 0; k < INDICES_C01_COUNT; k++) {
        scores[k].has_data = g->c01.tenths[k] >= 0;
        scores[k].tenths = g->c01.tenths[k];
        scores[k].dossiers = g->c01.dossiers[k];
        g->c01.has_data |= scores[k].has_data;
    }
    if (indices_total_c01_unit(scores, &g->c01.unit_total) != INDICES_OK)
        return report_fail(err, cap, "Circular 01 scores of group \"%s\" are"
                           " out of range", g->code);
    return 0;
}

static const json_t *report_get_groups(const json_t *answer, size_t max,
                                       const char *what, char *err,
                                       size_t cap)
{
    const json_t *groups = json_object_get(answer, "groups");

    if (!json_is_array(groups)) {
        report_fail(err, cap, "the hub's answer (%s) has no \"groups\"",
                    what);
        return NULL;
    }
    if (json_array_size(groups) > max) {
        report_fail(err, cap, "the hub's answer (%s) has more groups than"
                    " this report can show", what);
        return NULL;
    }
    return groups;
}

/* The groups of one answer into a new array (*out, *n). */
static int report_load_list(const json_t *answer, size_t max,
                            const char *what, report_group_t **out,
                            size_t *n, char *err, size_t cap)
{
    const json_t *groups = report_get_groups(answer, max, what, err, cap);
    const json_t *grp;
    size_t i;

    *out = NULL;
    *n = 0;
    if (!groups)
        return -1;
    if (json_array_size(groups) == 0)
        return 0;
    *out = calloc(json_array_size(groups), sizeof(**out));
    if (!*out)
        return report_fail(err, cap, "out of memory");
    json_array_foreach(groups, i, grp) {
        if (report_load_group(grp, &(*out)[i], err, cap) != 0)
            return -1;
        *n = i + 1;
    }
    return 0;
}

/* Every month of the period, in order, those without responses too: the
 * hub lists only months that have data, and a chart that silently skips
 * a month would draw a trend across it. */
static int report_fill_months(report_t *r, char *err, size_t cap)
{
    int y = report_read_digits(r->period.from, 4);
    int m = report_read_digits(r->period.from + 5, 2);
    int last = report_read_digits(r->period.to, 4) * 12 +
               report_read_digits(r->period.to + 5, 2) - 1;
    size_t n = (size_t)(last - (y * 12 + m - 1) + 1), i, j;
    report_group_t *all;
    char code[REPORT_CODE_MAX];

    if (n > REPORT_MONTHS_MAX)
        return report_fail(err, cap, "the period is longer than %s months",
                           "130");
    all = calloc(n, sizeof(*all));
    if (!all)
        return report_fail(err, cap, "out of memory");
    for (i = 0; i < n; i++, m = m % 12 + 1, y += m == 1) {
        snprintf(code, sizeof(code), "%04d-%02d", y, m);
        for (j = 0; j < r->n_months; j++)
            if (strcmp(r->months[j].code, code) == 0)
                break;
        if (j < r->n_months) {
            all[i] = r->months[j];
        } else {
            report_clear_group(&all[i]);
            report_copy(all[i].code, sizeof(all[i].code), code);
        }
    }
    free(r->months);
    r->months = all;
    r->n_months = n;
    return 0;
}

static void report_read_scope(report_t *r, const json_t *total)
{
    const json_t *scope = json_object_get(total, "scope");
    const char *method = json_string_value(json_object_get(total, "method"));

    report_copy(r->scope_code, sizeof(r->scope_code),
                json_string_value(json_object_get(scope, "unit")));
    report_copy(r->scope_name, sizeof(r->scope_name),
                json_string_value(json_object_get(scope, "name")));
    report_copy(r->method, sizeof(r->method), method ? method : "share");
    r->min_group = (int)json_integer_value(json_object_get(total,
                                                           "min_group"));
}

int report_load(report_t *r, const report_source_t *src,
                const report_period_t *period, const char *issued,
                char *err, size_t cap)
{
    const json_t *groups;

    memset(r, 0, sizeof(*r));
    r->period = *period;
    report_copy(r->issued, sizeof(r->issued), issued);
    report_read_scope(r, src->total);
    groups = report_get_groups(src->total, 1, "whole scope", err, cap);
    if (!groups)
        return -1;
    /* The hub always sends the whole scope as one group; an empty list
     * is read as a scope without any response. */
    if (json_array_size(groups) == 1) {
        if (report_load_group(json_array_get(groups, 0), &r->total, err,
                              cap) != 0)
            return -1;
    } else {
        report_clear_group(&r->total);
    }
    if (report_load_list(src->units, REPORT_UNITS_MAX, "group=unit",
                         &r->units, &r->n_units, err, cap) != 0 ||
        report_load_list(src->fields, REPORT_FIELDS_MAX, "group=field",
                         &r->fields, &r->n_fields, err, cap) != 0 ||
        report_load_list(src->months, REPORT_MONTHS_MAX, "group=month",
                         &r->months, &r->n_months, err, cap) != 0 ||
        report_fill_months(r, err, cap) != 0) {
        report_free(r);
        return -1;
    }
    return 0;
}

void report_free(report_t *r)
{
    free(r->units);
    free(r->fields);
    free(r->months);
    r->units = r->fields = r->months = NULL;
    r->n_units = r->n_fields = r->n_months = 0;
}

/* ---- labels ------------------------------------------------------------- */

static const char *report_find_name(const report_name_t *t, size_t n,
                                    const char *code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(t[i].code, code) == 0)
            return t[i].vi;
    return code;
}

const char *report_get_field_name(const char *slug)
{
    return report_find_name(report_fields, REPORT_N(report_fields), slug);
}

int report_is_priority_field(const char *slug)
{
    return strcmp(slug, "dat-dai") == 0 || strcmp(slug, "xay-dung") == 0 ||
           strcmp(slug, "dau-tu") == 0;
}

const char *report_get_reason_name(const char *code)
{
    return report_find_name(report_reasons, REPORT_N(report_reasons), code);
}

void report_format_month(const char *key, char *buf, size_t cap)
{
    int y = report_read_digits(key, 4), m;

    if (strlen(key) == 7 && y > 0 && key[4] == '-' &&
        (m = report_read_digits(key + 5, 2)) >= 1 && m <= 12)
        snprintf(buf, cap, "Tháng %d/%d", m, y);
    else
        snprintf(buf, cap, "%s", key);
}

void report_format_period_month(const report_period_t *p, const char *key,
                                char *buf, size_t cap)
{
    int y = report_read_digits(key, 4), m, first = 1, last;
    size_t len;

    report_format_month(key, buf, cap);
    if (strlen(key) != 7 || y <= 0 ||
        (m = report_read_digits(key + 5, 2)) < 1 || m > 12)
        return;
    last = vntime_get_month_days(y, m);
    /* The period's dates are valid YYYY-MM-DD: compare their months. */
    if (strncmp(p->from, key, 7) == 0)
        first = report_read_digits(p->from + 8, 2);
    if (strncmp(p->to, key, 7) == 0)
        last = report_read_digits(p->to + 8, 2);
    len = strlen(buf);
    if ((first != 1 || last != vntime_get_month_days(y, m)) && len < cap)
        snprintf(buf + len, cap - len, " (%d–%d)", first, last);
}

const char *report_get_group_name(const report_group_t *g, int is_field)
{
    if (g->name[0])
        return g->name;
    if (is_field)
        return report_get_field_name(g->code);
    return g->code;
}

const report_target_t *report_pick_target(const report_group_t *g,
                                          const char *const *prefer)
{
    const report_target_t *first = NULL;
    size_t p;
    int i;

    /* The first preferred one the hub could judge: a hospital's unit has
     * no administrative answers, and its health target says more. */
    for (p = 0; prefer && prefer[p]; p++)
        for (i = 0; i < g->n_targets; i++)
            if (strcmp(g->targets[i].indicator, prefer[p]) == 0) {
                if (g->targets[i].has_value)
                    return &g->targets[i];
                if (!first)
                    first = &g->targets[i];
            }
    if (first)
        return first;
    return g->n_targets > 0 ? &g->targets[0] : NULL;
}

/* ---- numbers as text ---------------------------------------------------- */

/* Decimal point to comma, in place. */
static void report_use_comma(char *s)
{
    char *p = strchr(s, '.');

    if (p)
        *p = ',';
}

static void report_format_one(double v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.1f", v);
    report_use_comma(buf);
}

int64_t report_get_share_centi(int64_t n, int64_t total)
{
    int64_t centi;

    return targets_round_centi(n, total, &centi) == TARGETS_MET ? centi : -1;
}

void report_format_share(int64_t n, int64_t total, char *buf, size_t cap)
{
    int64_t tenths;

    if (total < 1 || total > TARGETS_RATIO_MAX || n < 0 || n > total) {
        snprintf(buf, cap, REPORT_NO_DATA);
        return;
    }
    /* round(1000 * n / total), half away from zero, in one step: rounding
     * the hundredths again would turn 15.25 (from 15.249) into 15.3. */
    tenths = (2000 * n + total) / (2 * total);
    snprintf(buf, cap, "%lld,%lld", (long long)(tenths / 10),
             (long long)(tenths % 10));
}

void report_format_withheld(const report_t *r, char *buf, size_t cap)
{
    if (r->min_group > 0)
        snprintf(buf, cap, REPORT_WITHHELD " (có cán bộ dưới %d phiếu)",
                 r->min_group);
    else
        snprintf(buf, cap, REPORT_WITHHELD);
}

const char *report_get_small_mark(const report_group_t *g)
{
    return g->responses < REPORT_SMALL_GROUP ? REPORT_SMALL_MARK : "";
}

void report_format_pct(const report_figure_t *f, char *buf, size_t cap)
{
    if (!f->has_data) {
        snprintf(buf, cap, "—");
        return;
    }
    report_format_one(f->pct, buf, cap);
}

void report_format_ci(const report_figure_t *f, char *buf, size_t cap)
{
    char lo[32], hi[32];

    if (!f->has_data || isnan(f->lo) || isnan(f->hi)) {
        snprintf(buf, cap, "—");
        return;
    }
    report_format_one(f->lo, lo, sizeof(lo));
    report_format_one(f->hi, hi, sizeof(hi));
    snprintf(buf, cap, "%s–%s", lo, hi);
}

void report_format_count(int64_t n, char *buf, size_t cap)
{
    char digits[32];
    size_t len, i, o = 0;

    snprintf(digits, sizeof(digits), "%lld", (long long)(n < 0 ? -n : n));
    len = strlen(digits);
    if (cap == 0)
        return;
    if (n < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (i = 0; i < len && o + 1 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < cap)
            buf[o++] = '.';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void report_format_tenths(int tenths, char *buf, size_t cap)
{
    if (tenths < 0)
        snprintf(buf, cap, "—");
    else
        snprintf(buf, cap, "%d,%d", tenths / 10, tenths % 10);
}

void report_format_threshold(const report_target_t *t, char *buf, size_t cap)
{
    char v[32];

    snprintf(v, sizeof(v), "%g", t->threshold);
    report_use_comma(v);
    snprintf(buf, cap, "%s %s%%", strcmp(t->op, ">") == 0 ? ">" : "≥", v);
}

const char *report_get_verdict(int met)
{
    if (met == 1)
        return "Đạt";
    if (met == 0)
        return "Chưa đạt";
    return "—";
}

void report_format_long_date(const char *date, char *buf, size_t cap)
{
    if (strlen(date) != 10) {
        snprintf(buf, cap, "%s", date);
        return;
    }
    snprintf(buf, cap, "ngày %.2s tháng %.2s năm %.4s", date + 8, date + 5,
             date);
}

void report_format_short_date(const char *date, char *buf, size_t cap)
{
    if (strlen(date) != 10) {
        snprintf(buf, cap, "%s", date);
        return;
    }
    snprintf(buf, cap, "%.2s/%.2s/%.4s", date + 8, date + 5, date);
}
