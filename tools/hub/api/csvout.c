#include "hub/api/csvout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"

#define HUB_CSV_CELL_MAX 64 /* a number as text */
#define HUB_CSV_COLS 22

typedef struct hub_csv {
    FILE *fp; /* a memory stream */
    int failed;
} hub_csv_t;

static void hub_csv_put_str(hub_csv_t *c, const char *s)
{
    fputs(s, c->fp);
}

/* A JSON number, boolean or string as a cell; null and absent are empty. */
static void hub_csv_put_value(hub_csv_t *c, const json_t *v)
{
    char num[HUB_CSV_CELL_MAX];

    if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        hub_csv_put_str(c, num);
    } else if (json_is_real(v)) {
        snprintf(num, sizeof(num), "%.15g", json_real_value(v));
        hub_csv_put_str(c, num);
    } else if (json_is_boolean(v)) {
        hub_csv_put_str(c, json_is_true(v) ? "true" : "false");
    } else if (json_is_string(v)) {
        csv_put_text(c->fp, json_string_value(v), CSV_GUARD_FORMULAS);
    }
}

/* A row of HUB_CSV_COLS cells; NULL cells are empty. */
static void hub_csv_put_row(hub_csv_t *c,
                            const json_t *const cells[HUB_CSV_COLS])
{
    int i;

    for (i = 0; i < HUB_CSV_COLS; i++) {
        if (i > 0)
            hub_csv_put_str(c, ",");
        if (cells[i])
            hub_csv_put_value(c, cells[i]);
    }
    hub_csv_put_str(c, CSV_EOL);
}

enum {
    COL_KEY,
    COL_NAME,
    COL_RESPONSES,
    COL_PARTIAL,
    COL_SUPPRESSED,
    COL_QUESTION,
    COL_INSTRUMENT,
    COL_ELEMENT,
    COL_N,
    COL_C1,
    COL_PCT = COL_C1 + 5,
    COL_LOW,
    COL_HIGH,
    COL_INDEX,
    COL_T_INDICATOR,
    COL_T_OPERATOR,
    COL_T_THRESHOLD,
    COL_T_MET
};

/* The key of a group as one cell: the unit, "unit/counter", the field,
 * the officer or the period. */
static json_t *hub_csv_make_key(const json_t *key)
{
    const json_t *unit = json_object_get(key, "unit");
    const json_t *counter = json_object_get(key, "counter");
    const char *one[] = {"field", "officer", "period"};
    size_t i;

    if (unit && counter)
        return json_sprintf("%s/%s", json_string_value(unit),
                            json_string_value(counter));
    if (unit)
        return json_incref((json_t *)unit);
    for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
        if (json_object_get(key, one[i]))
            return json_incref(json_object_get(key, one[i]));
    return json_string("");
}

/* 1 when every answer of counts is a scale value "0".."5". */
static int hub_csv_is_scale(const json_t *counts)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)counts, k, v)
    {
        (void)v;
        if (!(k[0] >= '0' && k[0] <= '5' && k[1] == '\0'))
            return 0;
    }
    return 1;
}

static void hub_csv_clear_cells(const json_t **cells, int from)
{
    int i;

    for (i = from; i < HUB_CSV_COLS; i++)
        cells[i] = NULL;
}

/* Answers of value (or option) key counted in the figures: those of
 * complete and of partial responses, as "n" counts them. A new reference
 * (NULL when neither has the key, or out of memory). */
static json_t *hub_csv_get_counted(const json_t *q, const char *key)
{
    const json_t *a = json_object_get(json_object_get(q, "counts"), key);
    const json_t *b =
        json_object_get(json_object_get(q, "partial_counts"), key);

    if (!a && !b)
        return NULL;
    return json_integer(json_integer_value(a) + json_integer_value(b));
}

static void hub_csv_put_question(hub_csv_t *c, const json_t **cells,
                                 const json_t *q, const json_t *index)
{
    static const char *const values[5] = {"1", "2", "3", "4", "5"};
    const json_t *counts = json_object_get(q, "counts"), *ci, *n;
    json_t *counted[5] = {NULL, NULL, NULL, NULL, NULL};
    const char *code;
    json_t *name, *sum;
    int i;

    hub_csv_clear_cells(cells, COL_QUESTION);
    cells[COL_INSTRUMENT] = json_object_get(q, "instrument");
    cells[COL_ELEMENT] = json_object_get(q, "element");
    cells[COL_INDEX] = index;
    if (!hub_csv_is_scale(counts)) {
        /* A multiple choice: one row per option, "question:option". */
        json_object_foreach((json_t *)counts, code, n)
        {
            name = json_sprintf(
                "%s:%s", json_string_value(json_object_get(q, "id")), code);
            if (!name) {
                c->failed = 1;
                return;
            }
            sum = hub_csv_get_counted(q, code);
            if (!sum)
                c->failed = 1;
            cells[COL_QUESTION] = name;
            cells[COL_N] = sum ? sum : n;
            hub_csv_put_row(c, cells);
            json_decref(name);
            json_decref(sum);
        }
        return;
    }
    ci = json_object_get(q, "ci95");
    cells[COL_QUESTION] = json_object_get(q, "id");
    cells[COL_N] = json_object_get(q, "n");
    for (i = 0; i < 5; i++) {
        counted[i] = hub_csv_get_counted(q, values[i]);
        cells[COL_C1 + i] = counted[i];
    }
    cells[COL_PCT] = json_object_get(q, "satisfied_pct");
    cells[COL_LOW] = json_array_get(ci, 0);
    cells[COL_HIGH] = json_array_get(ci, 1);
    hub_csv_put_row(c, cells);
    for (i = 0; i < 5; i++)
        json_decref(counted[i]);
}

/* Elements with data: question empty, element = its slug, the element
 * index under satisfied_pct. */
static size_t hub_csv_put_elements(hub_csv_t *c, const json_t **cells,
                                   const json_t *g, const json_t *index)
{
    const json_t *x, *ci;
    const char *slug;
    json_t *e;
    size_t rows = 0;

    json_object_foreach(json_object_get(g, "elements"), slug, x)
    {
        if (json_is_null(json_object_get(x, "index")))
            continue;
        e = json_string(slug);
        if (!e) {
            c->failed = 1;
            return rows;
        }
        hub_csv_clear_cells(cells, COL_QUESTION);
        ci = json_object_get(x, "ci95");
        cells[COL_ELEMENT] = e;
        cells[COL_N] = json_object_get(x, "n");
        cells[COL_PCT] = json_object_get(x, "index");
        cells[COL_LOW] = json_array_get(ci, 0);
        cells[COL_HIGH] = json_array_get(ci, 1);
        cells[COL_INDEX] = index;
        hub_csv_put_row(c, cells);
        json_decref(e);
        rows++;
    }
    return rows;
}

/* Targets: question empty, the value held against the target under
 * satisfied_pct. */
static size_t hub_csv_put_targets(hub_csv_t *c, const json_t **cells,
                                  const json_t *g, const json_t *index)
{
    const json_t *x;
    size_t i, rows = 0;

    json_array_foreach(json_object_get(g, "targets"), i, x)
    {
        hub_csv_clear_cells(cells, COL_QUESTION);
        cells[COL_PCT] = json_object_get(x, "value");
        cells[COL_INDEX] = index;
        cells[COL_T_INDICATOR] = json_object_get(x, "indicator");
        cells[COL_T_OPERATOR] = json_object_get(x, "operator");
        cells[COL_T_THRESHOLD] = json_object_get(x, "threshold");
        cells[COL_T_MET] = json_object_get(x, "met");
        hub_csv_put_row(c, cells);
        rows++;
    }
    return rows;
}

static int hub_csv_put_group(hub_csv_t *c, const json_t *g)
{
    const json_t *cells[HUB_CSV_COLS], *x;
    const json_t *index = json_object_get(g, "index");
    json_t *key = hub_csv_make_key(json_object_get(g, "key"));
    size_t i, rows = 0;

    if (!key)
        return -1;
    hub_csv_clear_cells(cells, 0);
    cells[COL_KEY] = key;
    cells[COL_NAME] = json_object_get(json_object_get(g, "key"), "name");
    cells[COL_RESPONSES] = json_object_get(g, "responses");
    cells[COL_PARTIAL] = json_object_get(g, "partial");
    cells[COL_SUPPRESSED] = json_object_get(g, "suppressed");
    json_array_foreach(json_object_get(g, "questions"), i, x)
    {
        hub_csv_put_question(c, cells, x, index);
        rows++;
    }
    rows += hub_csv_put_elements(c, cells, g, index);
    rows += hub_csv_put_targets(c, cells, g, index);
    if (rows == 0) {
        hub_csv_clear_cells(cells, COL_QUESTION);
        hub_csv_put_row(c, cells);
    }
    json_decref(key);
    return 0;
}

int hub_csv_write_stats(const json_t *answer, char **text, size_t *len)
{
    const json_t *groups = json_object_get(answer, "groups"), *g;
    hub_csv_t c = {NULL, 0};
    char *buf = NULL;
    size_t size = 0, i;

    *text = NULL;
    *len = 0;
    if (!json_is_array(groups))
        return -1;
    c.fp = open_memstream(&buf, &size);
    if (!c.fp)
        return -1;
    hub_csv_put_str(&c, CSV_BOM HUB_CSV_HEADER CSV_EOL);
    json_array_foreach(groups, i, g)
    {
        if (hub_csv_put_group(&c, g) != 0)
            c.failed = 1;
    }
    if (ferror(c.fp))
        c.failed = 1;
    if (fclose(c.fp) != 0)
        c.failed = 1;
    if (c.failed) {
        free(buf);
        return -1;
    }
    *text = buf;
    *len = size;
    return 0;
}
