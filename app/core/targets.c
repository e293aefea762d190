#include "targets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "jsonload.h"

#define TG_PATH_MAX JSONLOAD_PATH_MAX
#define TG_CENTI_MAX 10000 /* 100.00% */
/* A threshold read from JSON as a double is accepted as hundredths when it
 * lies this close to one: 90.1 is 9010.000000000002 after * 100. */
#define TG_CENTI_SLACK 1e-6

typedef struct tg_ctx {
    jsonload_t j;
    targets_t *t;
} tg_ctx_t;

/* The closed list, in the order targets_t.indicators keeps. */
static const char *const tg_known_indicators[] = {
    "tthc",          "tthc-dat-dai-xay-dung-dau-tu",
    "phuc-vu-hcnn",  "y-te-giao-duc",
    "dvc-truc-tuyen", "ket-qua-tthc",
    NULL,
};

static const char *const tg_root_keys[] = {"format", "indicators", "targets",
                                           NULL};
static const char *const tg_indicator_keys[] = {"vi", "en", "scope", NULL};
static const char *const tg_row_keys[] = {
    "province", "indicator", "scope", "op", "threshold",
    "year",     "source",    "note",  NULL};
static const char *const tg_op_codes[] = {">=", ">", NULL};

/* ---- values ------------------------------------------------------------ */

static int tg_is_province(const char *s)
{
    return strcmp(s, TARGETS_ALL_PROVINCES) == 0 ||
           jsonload_is_word(s, TARGETS_SLUG_MAX, jsonload_is_slug_char);
}

static int tg_parse_scope(tg_ctx_t *x, json_t *v, const char *path,
                          targets_scope_t *out)
{
    char p[TG_PATH_MAX];
    const char *slug;
    size_t i, n;
    int k;

    if (jsonload_check_list(&x->j, v, path, 0, TARGETS_SCOPE_MAX,
                            "field slugs") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        jsonload_append_index(p, path, i);
        slug = json_string_value(json_array_get(v, i));
        if (slug == NULL || !fields_is_known(slug))
            return jsonload_set_error(
                &x->j, p,
                "must be a procedure field: dat-dai, xay-dung, dau-tu, "
                "tu-phap, moi-truong, lao-dong, y-te, giao-duc or khac");
        for (k = 0; k < (int)i; k++)
            if (strcmp(out->fields[k], slug) == 0)
                return jsonload_set_error(&x->j, p, "\"%s\" is listed twice",
                                          slug);
        snprintf(out->fields[i], sizeof(out->fields[i]), "%s", slug);
    }
    out->n = (int)n;
    return 0;
}

/* Optional text member into the pool; absent, *out keeps its value. */
static int tg_text_member(tg_ctx_t *x, json_t *obj, const char *path,
                          const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(obj, key);
    char p[TG_PATH_MAX];

    if (v == NULL)
        return 0;
    jsonload_append_key(p, path, key);
    return jsonload_read_pooled(&x->j, v, p, max, out);
}

/* Percent with at most two decimals, above 0 and at most 100. */
static int tg_parse_threshold(tg_ctx_t *x, json_t *v, const char *path,
                              int *centi)
{
    double hundredths;
    long long c;

    hundredths = json_is_number(v) ? json_number_value(v) * 100.0 : -1.0;
    c = isfinite(hundredths) ? llround(hundredths) : -1;
    if (c <= 0 || c > TG_CENTI_MAX ||
        fabs(hundredths - (double)c) > TG_CENTI_SLACK)
        return jsonload_set_error(&x->j, path,
                                  "must be a percent above 0 and at most "
                                  "100, with at most 2 decimals");
    *centi = (int)c;
    return 0;
}

/* ---- indicators -------------------------------------------------------- */

static int tg_parse_indicator(tg_ctx_t *x, json_t *v, const char *path,
                              const char *slug)
{
    targets_indicator_t *ind = &x->t->indicators[x->t->n_indicators];
    json_t *e;
    char p[TG_PATH_MAX];

    if (jsonload_check_keys(&x->j, v, path, tg_indicator_keys) != 0)
        return -1;
    snprintf(ind->slug, sizeof(ind->slug), "%s", slug);
    /* Both languages are required: every target is shown with its wording
     * and a report in either language must never fall back to a slug. */
    if (jsonload_require_member(&x->j, v, path, "vi", &e) != 0 ||
        tg_text_member(x, v, path, "vi", TARGETS_WORDING_MAX, &ind->vi) !=
            0 ||
        jsonload_require_member(&x->j, v, path, "en", &e) != 0 ||
        tg_text_member(x, v, path, "en", TARGETS_WORDING_MAX, &ind->en) != 0)
        return -1;
    e = json_object_get(v, "scope");
    if (e != NULL) {
        jsonload_append_key(p, path, "scope");
        if (tg_parse_scope(x, e, p, &ind->scope) != 0)
            return -1;
    }
    x->t->n_indicators++;
    return 0;
}

static int tg_parse_indicators(tg_ctx_t *x, json_t *v, const char *path)
{
    char p[TG_PATH_MAX], names[200];
    const char *key;
    json_t *e;
    size_t i;

    if (!json_is_object(v))
        return jsonload_set_error(&x->j, path, "must be an object");
    json_object_foreach(v, key, e) {
        if (jsonload_find_word(key, tg_known_indicators) >= 0)
            continue;
        jsonload_append_key(p, path, key);
        jsonload_join_words(names, sizeof(names), tg_known_indicators);
        return jsonload_set_error(&x->j, p,
                                  "unknown indicator; expected one of: %s",
                                  names);
    }
    /* In the order of the closed list, whatever the file's order, so the
     * indices in targets_row_t.indicator do not depend on the editor. */
    for (i = 0; tg_known_indicators[i] != NULL; i++) {
        e = json_object_get(v, tg_known_indicators[i]);
        if (e == NULL)
            continue;
        jsonload_append_key(p, path, tg_known_indicators[i]);
        if (tg_parse_indicator(x, e, p, tg_known_indicators[i]) != 0)
            return -1;
    }
    return 0;
}

static int tg_find_declared(const targets_t *t, const char *slug)
{
    int i;

    for (i = 0; i < t->n_indicators; i++)
        if (strcmp(t->indicators[i].slug, slug) == 0)
            return i;
    return -1;
}

/* ---- rows -------------------------------------------------------------- */

static int tg_parse_row_ids(tg_ctx_t *x, json_t *v, const char *path,
                            targets_row_t *r)
{
    char p[TG_PATH_MAX], names[200];
    const char *s;
    json_t *e;

    jsonload_append_key(p, path, "province");
    if (jsonload_require_member(&x->j, v, path, "province", &e) != 0)
        return -1;
    s = json_string_value(e);
    if (s == NULL || !tg_is_province(s))
        return jsonload_set_error(&x->j, p,
                                  "must be \"*\" (every province) or a slug "
                                  "of 1 to %d characters a-z, 0-9, \"-\"",
                                  TARGETS_SLUG_MAX - 1);
    snprintf(r->province, sizeof(r->province), "%s", s);
    jsonload_append_key(p, path, "indicator");
    if (jsonload_require_member(&x->j, v, path, "indicator", &e) != 0)
        return -1;
    s = json_string_value(e);
    if (s == NULL || !targets_is_known_indicator(s)) {
        jsonload_join_words(names, sizeof(names), tg_known_indicators);
        return jsonload_set_error(&x->j, p, "must be one of: %s", names);
    }
    r->indicator = tg_find_declared(x->t, s);
    if (r->indicator < 0)
        return jsonload_set_error(
            &x->j, p, "\"%s\" is not declared under \"indicators\"", s);
    return 0;
}

static int tg_parse_row_rule(tg_ctx_t *x, json_t *v, const char *path,
                             targets_row_t *r)
{
    char p[TG_PATH_MAX];
    const char *s;
    json_t *e;
    int op;

    jsonload_append_key(p, path, "op");
    if (jsonload_require_member(&x->j, v, path, "op", &e) != 0)
        return -1;
    s = json_string_value(e);
    op = s != NULL ? jsonload_find_word(s, tg_op_codes) : -1;
    if (op < 0)
        return jsonload_set_error(
            &x->j, p, "must be \">=\" (tối thiểu) or \">\" (trên)");
    r->op = op == 0 ? TARGETS_OP_AT_LEAST : TARGETS_OP_ABOVE;
    jsonload_append_key(p, path, "threshold");
    if (jsonload_require_member(&x->j, v, path, "threshold", &e) != 0 ||
        tg_parse_threshold(x, e, p, &r->threshold_centi) != 0)
        return -1;
    jsonload_append_key(p, path, "year");
    if (jsonload_require_member(&x->j, v, path, "year", &e) != 0 ||
        jsonload_read_int(&x->j, e, p, TARGETS_YEAR_MIN, TARGETS_YEAR_MAX,
                          &r->year) != 0)
        return -1;
    return 0;
}

static int tg_parse_row(tg_ctx_t *x, json_t *v, const char *path, int ri)
{
    targets_row_t *r = &x->t->rows[ri];
    const targets_row_t *o;
    char p[TG_PATH_MAX];
    json_t *e;
    int k;

    if (jsonload_check_keys(&x->j, v, path, tg_row_keys) != 0 ||
        tg_parse_row_ids(x, v, path, r) != 0 ||
        tg_parse_row_rule(x, v, path, r) != 0)
        return -1;
    r->scope = x->t->indicators[r->indicator].scope;
    e = json_object_get(v, "scope");
    if (e != NULL) {
        jsonload_append_key(p, path, "scope");
        memset(&r->scope, 0, sizeof(r->scope));
        if (tg_parse_scope(x, e, p, &r->scope) != 0)
            return -1;
    }
    r->source = "";
    r->note = "";
    if (tg_text_member(x, v, path, "source", TARGETS_SOURCE_TEXT_MAX,
                       &r->source) != 0 ||
        tg_text_member(x, v, path, "note", TARGETS_NOTE_MAX, &r->note) != 0)
        return -1;
    /* Two rows for one province, indicator and year would make the lookup
     * depend on file order. */
    for (k = 0; k < ri; k++) {
        o = &x->t->rows[k];
        if (o->indicator == r->indicator && o->year == r->year &&
            strcmp(o->province, r->province) == 0)
            return jsonload_set_error(&x->j, path,
                                      "same province, indicator and year "
                                      "as targets[%d]",
                                      k);
    }
    return 0;
}

static int tg_parse_rows(tg_ctx_t *x, json_t *v, const char *path)
{
    char p[TG_PATH_MAX];
    size_t i, n;

    if (jsonload_check_list(&x->j, v, path, 1, TARGETS_ROW_MAX, "targets") !=
        0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        jsonload_append_index(p, path, i);
        if (tg_parse_row(x, json_array_get(v, i), p, (int)i) != 0)
            return -1;
        x->t->n_rows = (int)i + 1;
    }
    return 0;
}

static int tg_parse_root(tg_ctx_t *x, json_t *root)
{
    json_t *v;

    if (!json_is_object(root))
        return jsonload_set_error(&x->j, "", "must be a JSON object");
    if (jsonload_check_keys(&x->j, root, "", tg_root_keys) != 0)
        return -1;
    if (jsonload_require_member(&x->j, root, "", "format", &v) != 0)
        return -1;
    if (!json_is_string(v) ||
        strcmp(json_string_value(v), TARGETS_FORMAT_NAME) != 0)
        return jsonload_set_error(&x->j, "format", "must be \"%s\"",
                                  TARGETS_FORMAT_NAME);
    if (jsonload_require_member(&x->j, root, "", "indicators", &v) != 0 ||
        tg_parse_indicators(x, v, "indicators") != 0)
        return -1;
    if (jsonload_require_member(&x->j, root, "", "targets", &v) != 0)
        return -1;
    return tg_parse_rows(x, v, "targets");
}

/* ---- entry points ------------------------------------------------------ */

int targets_parse(const char *text, size_t len, const char *name,
                  targets_t **out, err_t *err)
{
    tg_ctx_t x;
    json_t *root;
    int rc;

    if (err == NULL)
        return -1;
    jsonload_reset_err(err, name);
    if (out == NULL) {
        err_set(err, "", "no place for the result");
        return -1;
    }
    *out = NULL;
    if (text == NULL || len > TARGETS_SOURCE_MAX) {
        err_set(err, "", "a targets file must be text of at most %d bytes",
                TARGETS_SOURCE_MAX);
        return -1;
    }
    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    x.t = calloc(1, sizeof(*x.t));
    if (x.t == NULL) {
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    x.j = (jsonload_t){
        .text = text,
        .len = len,
        .err = err,
        .wording = JSONLOAD_WORD_BREAKS | JSONLOAD_WORD_UTF8,
        .pool = x.t->pool,
        .pool_cap = sizeof(x.t->pool),
        .pool_used = &x.t->pool_used,
        .pool_what = "targets' texts",
    };
    rc = tg_parse_root(&x, root);
    json_decref(root);
    if (rc != 0) {
        free(x.t);
        return -1;
    }
    *out = x.t;
    return 0;
}

void targets_free(targets_t *t)
{
    free(t);
}

int targets_is_known_indicator(const char *slug)
{
    return slug != NULL && jsonload_find_word(slug, tg_known_indicators) >= 0;
}

const targets_indicator_t *targets_get_indicator(const targets_t *t,
                                                 const char *slug)
{
    int i;

    if (t == NULL || slug == NULL)
        return NULL;
    i = tg_find_declared(t, slug);
    return i < 0 ? NULL : &t->indicators[i];
}

/* Whether row r beats best for the year rule: want_late picks the latest
 * year (due), otherwise the earliest (goal); at the same year the
 * province's own row beats "*". */
static int tg_is_better(const targets_row_t *r, const targets_row_t *best,
                        int want_late)
{
    if (best == NULL)
        return 1;
    if (r->year != best->year)
        return want_late ? r->year > best->year : r->year < best->year;
    return strcmp(best->province, TARGETS_ALL_PROVINCES) == 0 &&
           strcmp(r->province, TARGETS_ALL_PROVINCES) != 0;
}

int targets_lookup(const targets_t *t, const char *province,
                   const char *indicator, int year, targets_pick_t *out)
{
    const targets_row_t *r;
    targets_pick_t pick;
    int ind, i;

    if (t == NULL || out == NULL || province == NULL ||
        !tg_is_province(province) || !targets_is_known_indicator(indicator) ||
        year < TARGETS_YEAR_MIN || year > TARGETS_YEAR_MAX)
        return -1;
    memset(&pick, 0, sizeof(pick));
    ind = tg_find_declared(t, indicator);
    for (i = 0; ind >= 0 && i < t->n_rows; i++) {
        r = &t->rows[i];
        if (r->indicator != ind ||
            (strcmp(r->province, province) != 0 &&
             strcmp(r->province, TARGETS_ALL_PROVINCES) != 0))
            continue;
        if (r->year <= year && tg_is_better(r, pick.due, 1))
            pick.due = r;
        if (r->year >= year && tg_is_better(r, pick.goal, 0))
            pick.goal = r;
    }
    pick.target = pick.due != NULL ? pick.due : pick.goal;
    pick.target_is_due = pick.due != NULL;
    *out = pick;
    return 0;
}

static int tg_judge_centi(const targets_row_t *row, long long centi)
{
    if (row->op == TARGETS_OP_ABOVE)
        return centi > row->threshold_centi ? TARGETS_MET : TARGETS_NOT_MET;
    return centi >= row->threshold_centi ? TARGETS_MET : TARGETS_NOT_MET;
}

int targets_is_met(const targets_row_t *row, double percent)
{
    long long centi;

    if (row == NULL || !isfinite(percent) || percent < -0.005 ||
        percent > 100.005)
        return TARGETS_EINVAL;
    /* llround() rounds halves away from zero, as the ratio form does. */
    centi = llround(percent * 100.0);
    if (centi < 0 || centi > TG_CENTI_MAX)
        return TARGETS_EINVAL;
    return tg_judge_centi(row, centi);
}

int targets_round_centi(int64_t num, int64_t den, int64_t *centi)
{
    if (centi == NULL || den < 1 || den > TARGETS_RATIO_MAX || num < 0 ||
        num > den)
        return TARGETS_EINVAL;
    /* round(10000 * num / den), half away from zero:
     * floor((20000 * num + den) / (2 * den)); 20000 * 10^14 < 2^63. */
    *centi = (20000 * num + den) / (2 * den);
    return TARGETS_MET;
}

int targets_is_met_ratio(const targets_row_t *row, int64_t num, int64_t den)
{
    int64_t centi;

    if (row == NULL || targets_round_centi(num, den, &centi) != TARGETS_MET)
        return TARGETS_EINVAL;
    return tg_judge_centi(row, (long long)centi);
}

int targets_is_national(const targets_row_t *row)
{
    if (row == NULL)
        return -1;
    return strcmp(row->province, TARGETS_ALL_PROVINCES) == 0;
}

const char *targets_get_basis(const targets_row_t *row, int en)
{
    int national = targets_is_national(row);

    if (national < 0)
        return NULL;
    if (national)
        return en ? TARGETS_NATIONAL_BASIS_EN : TARGETS_NATIONAL_BASIS_VI;
    return en ? TARGETS_PROVINCE_BASIS_EN : TARGETS_PROVINCE_BASIS_VI;
}

const char *targets_op_code(targets_op_t op)
{
    return op == TARGETS_OP_ABOVE ? ">" : ">=";
}

const char *targets_op_sign(targets_op_t op)
{
    return op == TARGETS_OP_ABOVE ? ">" : "≥";
}
