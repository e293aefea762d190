/*
 * The fields of day rows, once, for the jansson reader and the streaming
 * reader alike: same members, same order of checks, same limits.
 */
#include "hub/domain/ingest_rows.h"

#include <string.h>

#include "hub/base/valid.h"
#include "hub/domain/ingest.h"
#include "hub/domain/jv.h"

typedef enum hub_ingest_ftype {
    HUB_INGEST_F_CODE,
    HUB_INGEST_F_NAME, /* hi: the byte cap */
    HUB_INGEST_F_INT
} hub_ingest_ftype_t;

typedef struct hub_ingest_field {
    hub_ingest_ftype_t type;
    int flags; /* HUB_JV_* */
    int64_t lo, hi;
    size_t off; /* in the row's struct */
} hub_ingest_field_t;

typedef struct hub_ingest_spec {
    const char *name;
    const char *const *keys; /* NULL-terminated, one per field */
    const hub_ingest_field_t *fields;
} hub_ingest_spec_t;

/* counter, officer and field must be present but may be empty or null:
 * not every counter has an officer signed in or a field chosen. */
#define HUB_INGEST_MAYBE (HUB_JV_NULLABLE | HUB_JV_EMPTY)
#define HUB_INGEST_DIMS(T)                                                 \
    {HUB_INGEST_F_CODE, HUB_JV_REQUIRED, 0, 0, offsetof(T, d.unit)},       \
    {HUB_INGEST_F_NAME, HUB_INGEST_MAYBE, 0, HUB_NAME_MAX,                 \
     offsetof(T, d.counter)},                                              \
    {HUB_INGEST_F_CODE, HUB_INGEST_MAYBE, 0, 0, offsetof(T, d.officer)},   \
    {HUB_INGEST_F_CODE, HUB_INGEST_MAYBE, 0, 0, offsetof(T, d.field)},     \
    {HUB_INGEST_F_CODE, HUB_JV_REQUIRED, 0, 0, offsetof(T, d.instrument)}, \
    {HUB_INGEST_F_INT, HUB_JV_REQUIRED, 0, HUB_INGEST_COUNT_MAX,           \
     offsetof(T, d.version)}
#define HUB_INGEST_COUNT(T, m)                                             \
    {HUB_INGEST_F_INT, HUB_JV_REQUIRED, 0, HUB_INGEST_COUNT_MAX,           \
     offsetof(T, m)}
#define HUB_INGEST_FLAG(T, m)                                              \
    {HUB_INGEST_F_INT, HUB_JV_REQUIRED, 0, 1, offsetof(T, m)}
#define HUB_INGEST_CODE(T, m, flags)                                       \
    {HUB_INGEST_F_CODE, flags, 0, 0, offsetof(T, m)}

static const char *const hub_ingest_resp_keys[] = {
    "unit",    "counter",  "officer",  "field",      "instrument",
    "version", "complete", "partial",  "suppressed", NULL,
};
static const hub_ingest_field_t hub_ingest_resp_fields[] = {
    HUB_INGEST_DIMS(hub_resp_row_t),
    HUB_INGEST_COUNT(hub_resp_row_t, complete),
    HUB_INGEST_COUNT(hub_resp_row_t, partial),
    HUB_INGEST_COUNT(hub_resp_row_t, suppressed),
};

static const char *const hub_ingest_ans_keys[] = {
    "unit",    "counter",  "officer",  "field",   "instrument", "version",
    "partial", "question", "element",  "answer",  "n",          NULL,
};
static const hub_ingest_field_t hub_ingest_ans_fields[] = {
    HUB_INGEST_DIMS(hub_ans_row_t),
    HUB_INGEST_FLAG(hub_ans_row_t, partial),
    HUB_INGEST_CODE(hub_ans_row_t, question, HUB_JV_REQUIRED),
    HUB_INGEST_CODE(hub_ans_row_t, element,
                    HUB_JV_NULLABLE | HUB_JV_OPTIONAL | HUB_JV_EMPTY),
    HUB_INGEST_CODE(hub_ans_row_t, answer, HUB_JV_REQUIRED),
    HUB_INGEST_COUNT(hub_ans_row_t, n),
};

static const char *const hub_ingest_el_keys[] = {
    "unit",    "counter", "officer", "field", "instrument",
    "version", "partial", "element", "n",     NULL,
};
static const hub_ingest_field_t hub_ingest_el_fields[] = {
    HUB_INGEST_DIMS(hub_elem_row_t),
    HUB_INGEST_FLAG(hub_elem_row_t, partial),
    HUB_INGEST_CODE(hub_elem_row_t, element, HUB_JV_REQUIRED),
    HUB_INGEST_COUNT(hub_elem_row_t, n),
};

static const hub_ingest_spec_t hub_ingest_specs[HUB_INGEST_KINDS] = {
    {"responses", hub_ingest_resp_keys, hub_ingest_resp_fields},
    {"answers", hub_ingest_ans_keys, hub_ingest_ans_fields},
    {"elements", hub_ingest_el_keys, hub_ingest_el_fields},
};

const char *hub_ingest_rows_name(int kind)
{
    return hub_ingest_specs[kind].name;
}

const char *const *hub_ingest_rows_keys(int kind)
{
    return hub_ingest_specs[kind].keys;
}

int hub_ingest_rows_key_is(int kind, int i, const char *name, size_t len)
{
    const char *key;

    if (i < 0)
        return 0;
    key = hub_ingest_specs[kind].keys[i];
    return strlen(key) == len && memcmp(key, name, len) == 0;
}

int hub_ingest_rows_key_index(int kind, const char *name, size_t len)
{
    int i;

    for (i = 0; hub_ingest_specs[kind].keys[i]; i++)
        if (hub_ingest_rows_key_is(kind, i, name, len))
            return i;
    return -1;
}

static const char **hub_ingest_text_at(void *row, const hub_ingest_field_t *f)
{
    return (const char **)(void *)((char *)row + f->off);
}

static int64_t *hub_ingest_int_at(void *row, const hub_ingest_field_t *f)
{
    return (int64_t *)(void *)((char *)row + f->off);
}

/* A text field that may be absent or null reads as "". */
static void hub_ingest_rows_defaults(const hub_ingest_spec_t *s, void *row)
{
    size_t i;

    for (i = 0; s->keys[i]; i++)
        if (s->fields[i].type != HUB_INGEST_F_INT &&
            (s->fields[i].flags & (HUB_JV_NULLABLE | HUB_JV_OPTIONAL)))
            *hub_ingest_text_at(row, &s->fields[i]) = "";
}

int hub_ingest_rows_read_json(int kind, const json_t *v, const char *path,
                              void *row, hub_problem_t *pb)
{
    const hub_ingest_spec_t *s = &hub_ingest_specs[kind];
    const hub_ingest_field_t *f;
    const char *key;
    size_t i;
    int rc;

    if (hub_jv_check_object(v, path, s->keys, pb) != 0)
        return -1;
    hub_ingest_rows_defaults(s, row);
    for (i = 0; (key = s->keys[i]) != NULL; i++) {
        f = &s->fields[i];
        if (f->type == HUB_INGEST_F_INT)
            rc = hub_jv_read_int(v, path, key, f->flags, f->lo, f->hi,
                                 hub_ingest_int_at(row, f), pb);
        else if (f->type == HUB_INGEST_F_NAME)
            rc = hub_jv_read_name(v, path, key, f->flags, (size_t)f->hi,
                                  hub_ingest_text_at(row, f), pb);
        else
            rc = hub_jv_read_code(v, path, key, f->flags,
                                  hub_ingest_text_at(row, f), pb);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The rules of hub_jv_read_code, hub_jv_read_name and hub_jv_read_int
 * (jv.h) for one cell, without their messages. */
static int hub_ingest_rows_accept_cell(const hub_ingest_field_t *f,
                                       const hub_ingest_cell_t *c, void *row)
{
    const int empty = (f->flags & HUB_JV_EMPTY) != 0;

    if (c->type == HUB_INGEST_CELL_ABSENT)
        return (f->flags & HUB_JV_OPTIONAL) != 0;
    if (c->type == HUB_INGEST_CELL_NULL)
        return (f->flags & HUB_JV_NULLABLE) != 0;
    if (f->type == HUB_INGEST_F_INT) {
        if (c->type != HUB_INGEST_CELL_INT || c->i < f->lo || c->i > f->hi)
            return 0;
        *hub_ingest_int_at(row, f) = c->i;
        return 1;
    }
    if (c->type != HUB_INGEST_CELL_STRING)
        return 0;
    if (f->type == HUB_INGEST_F_NAME
            ? !hub_valid_name(c->s, (size_t)f->hi, empty)
            : !hub_valid_code(c->s) && !(c->s[0] == '\0' && empty))
        return 0;
    *hub_ingest_text_at(row, f) = c->s;
    return 1;
}

int hub_ingest_rows_accept(int kind, const hub_ingest_cell_t *cells,
                           void *row)
{
    const hub_ingest_spec_t *s = &hub_ingest_specs[kind];
    size_t i;

    hub_ingest_rows_defaults(s, row);
    for (i = 0; s->keys[i]; i++)
        if (!hub_ingest_rows_accept_cell(&s->fields[i], &cells[i], row))
            return 0;
    return 1;
}
