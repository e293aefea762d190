#include "snapshot.h"

#include <string.h>

/* Adds key: value to obj; the first failure sticks in *bad. */
static void snapshot_set(json_t *obj, const char *key, json_t *value,
                         int *bad)
{
    if (!value || json_object_set_new(obj, key, value) != 0)
        *bad = 1;
}

static void snapshot_set_dims(json_t *o, const agg_dims_t *d, int *bad)
{
    snapshot_set(o, "unit", json_string(d->unit), bad);
    snapshot_set(o, "counter", json_string(d->counter), bad);
    snapshot_set(o, "officer", json_string(d->officer), bad);
    snapshot_set(o, "field", json_string(d->field), bad);
    snapshot_set(o, "instrument", json_string(d->instrument), bad);
    snapshot_set(o, "version", json_integer(d->version), bad);
}

/* o when it was built whole, else NULL (o released). */
static json_t *snapshot_finish(json_t *o, int bad)
{
    if (!bad)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *snapshot_count_row(const agg_count_row_t *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (o) {
        snapshot_set_dims(o, &r->d, &bad);
        snapshot_set(o, "complete", json_integer(r->complete), &bad);
        snapshot_set(o, "partial", json_integer(r->partial), &bad);
        snapshot_set(o, "suppressed", json_integer(r->suppressed), &bad);
    }
    return snapshot_finish(o, bad);
}

static json_t *snapshot_answer_row(const agg_answer_row_t *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (o) {
        snapshot_set_dims(o, &r->d, &bad);
        snapshot_set(o, "partial", json_integer(r->partial), &bad);
        snapshot_set(o, "question", json_string(r->question), &bad);
        snapshot_set(o, "element", json_string(r->element), &bad);
        snapshot_set(o, "answer", json_string(r->answer), &bad);
        snapshot_set(o, "n", json_integer(r->n), &bad);
    }
    return snapshot_finish(o, bad);
}

static json_t *snapshot_element_row(const agg_element_row_t *r)
{
    json_t *o = json_object();
    int bad = !o;

    if (o) {
        snapshot_set_dims(o, &r->d, &bad);
        snapshot_set(o, "partial", json_integer(r->partial), &bad);
        snapshot_set(o, "element", json_string(r->element), &bad);
        snapshot_set(o, "n", json_integer(r->n), &bad);
    }
    return snapshot_finish(o, bad);
}

/* The day's element rows, or none at all when an earlier snapshot left
 * them incomplete: the hub then falls back to its approximation for the
 * day rather than weigh by an undercount. */
static void snapshot_set_elements(json_t *day, const agg_day_t *d, int *bad)
{
    json_t *arr;
    int i;

    if (!d->elements_known || *bad)
        return;
    if (!(arr = json_array())) {
        *bad = 1;
        return;
    }
    for (i = 0; i < d->n_elements; i++)
        if (json_array_append_new(arr, snapshot_element_row(&d->elements[i])) !=
            0) {
            json_decref(arr);
            *bad = 1;
            return;
        }
    snapshot_set(day, "elements", arr, bad);
}

json_t *snapshot_build_day(const agg_day_t *d)
{
    json_t *day = json_object(), *counts = json_array(),
           *answers = json_array();
    int i, bad = !day || !counts || !answers;

    for (i = 0; !bad && i < d->n_counts; i++)
        if (json_array_append_new(counts, snapshot_count_row(&d->counts[i])) !=
            0)
            bad = 1;
    for (i = 0; !bad && i < d->n_answers; i++)
        if (json_array_append_new(answers,
                                  snapshot_answer_row(&d->answers[i])) != 0)
            bad = 1;
    if (!bad) {
        snapshot_set(day, "day", json_string(d->day), &bad);
        snapshot_set(day, "estimated", json_integer(d->estimated), &bad);
        snapshot_set(day, "responses", counts, &bad);
        counts = NULL;
        snapshot_set(day, "answers", answers, &bad);
        answers = NULL;
        snapshot_set_elements(day, d, &bad);
    }
    json_decref(counts);
    json_decref(answers);
    if (bad) {
        json_decref(day);
        return NULL;
    }
    return day;
}

/* ---- reading back ------------------------------------------------------ */

static json_t *snapshot_parse(const char *text)
{
    json_error_t je;
    json_t *root = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;

    if (root && (!json_is_object(root) ||
                 !json_is_array(json_object_get(root, "responses")) ||
                 !json_is_array(json_object_get(root, "answers")))) {
        json_decref(root);
        return NULL;
    }
    return root;
}

int snapshot_count_rows(const char *text)
{
    json_t *root = snapshot_parse(text);
    size_t n;

    if (!root)
        return -1;
    n = json_array_size(json_object_get(root, "responses")) +
        json_array_size(json_object_get(root, "answers")) +
        json_array_size(json_object_get(root, "elements"));
    json_decref(root);
    return n > (size_t)AGG_ROWS_MAX * 4 ? -1 : (int)n;
}

/* The stored row's dimensions; 0, or -1 when one is missing. */
static int snapshot_read_dims(json_t *o, agg_dims_t *d)
{
    json_t *v = json_object_get(o, "version");

    d->unit = json_string_value(json_object_get(o, "unit"));
    d->counter = json_string_value(json_object_get(o, "counter"));
    d->officer = json_string_value(json_object_get(o, "officer"));
    d->field = json_string_value(json_object_get(o, "field"));
    d->instrument = json_string_value(json_object_get(o, "instrument"));
    if (!d->unit || !d->counter || !d->officer || !d->field ||
        !d->instrument || !json_is_integer(v))
        return -1;
    d->version = (int)json_integer_value(v);
    return 0;
}

static int64_t snapshot_int(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static int snapshot_load_counts(agg_t *a, const char *day, json_t *arr)
{
    agg_dims_t d;
    json_t *o;
    size_t i;
    int rc = AGG_OK;

    json_array_foreach(arr, i, o) {
        if (snapshot_read_dims(o, &d) != 0)
            return AGG_EINVAL;
        rc = agg_add_count(a, day, &d, snapshot_int(o, "complete"),
                           snapshot_int(o, "partial"),
                           snapshot_int(o, "suppressed"));
        if (rc != AGG_OK)
            return rc;
    }
    return rc;
}

static int snapshot_load_answers(agg_t *a, const char *day, json_t *arr)
{
    const char *q, *e, *v;
    agg_dims_t d;
    json_t *o;
    size_t i;
    int rc = AGG_OK;

    json_array_foreach(arr, i, o) {
        q = json_string_value(json_object_get(o, "question"));
        e = json_string_value(json_object_get(o, "element"));
        v = json_string_value(json_object_get(o, "answer"));
        if (snapshot_read_dims(o, &d) != 0 || !q || !e || !v)
            return AGG_EINVAL;
        rc = agg_add_answer_count(a, day, &d,
                                  snapshot_int(o, "partial") != 0, q, e, v,
                                  snapshot_int(o, "n"));
        if (rc != AGG_OK)
            return rc;
    }
    return rc;
}

static int snapshot_load_elements(agg_t *a, const char *day, json_t *arr)
{
    const char *e;
    agg_dims_t d;
    json_t *o;
    size_t i;
    int rc = AGG_OK;

    /* Kept before element rows existed: the day's counts are unknown. */
    if (!arr)
        return agg_set_elements_unknown(a, day);
    if (!json_is_array(arr))
        return AGG_EINVAL;
    json_array_foreach(arr, i, o) {
        e = json_string_value(json_object_get(o, "element"));
        if (snapshot_read_dims(o, &d) != 0 || !e)
            return AGG_EINVAL;
        rc = agg_add_element_count(a, day, &d,
                                   snapshot_int(o, "partial") != 0, e,
                                   snapshot_int(o, "n"));
        if (rc != AGG_OK)
            return rc;
    }
    return rc;
}

int snapshot_load_day(agg_t *a, const char *day, const char *text)
{
    json_t *root = snapshot_parse(text);
    const char *named;
    int rc;

    if (!root)
        return AGG_EINVAL;
    named = json_string_value(json_object_get(root, "day"));
    rc = named && strcmp(named, day) == 0 ? AGG_OK : AGG_EINVAL;
    if (rc == AGG_OK)
        rc = agg_add_estimated(a, day, snapshot_int(root, "estimated"));
    if (rc == AGG_OK)
        rc = snapshot_load_counts(a, day, json_object_get(root, "responses"));
    if (rc == AGG_OK)
        rc = snapshot_load_answers(a, day, json_object_get(root, "answers"));
    if (rc == AGG_OK)
        rc = snapshot_load_elements(a, day, json_object_get(root, "elements"));
    json_decref(root);
    return rc;
}
