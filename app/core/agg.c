#include "agg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vntime.h"

#define AGG_CHUNK_BYTES 65536
#define AGG_TEXT_SLOTS_MIN 256
#define AGG_ROW_SLOTS_MIN 64
/* A row is found through one 32-bit slot: kind, day and index packed. */
#define AGG_SLOT_KIND_SHIFT 30
#define AGG_SLOT_DAY_SHIFT 24
#define AGG_SLOT_ROW_MASK 0xFFFFFFu

enum agg_kind { AGG_KIND_COUNT = 0, AGG_KIND_ANSWER = 1, AGG_KIND_ELEMENT = 2 };

/* Text lives in chunks that never move, so interned pointers stay valid
 * and equal text has one address: rows compare by pointer. */
typedef struct agg_chunk {
    struct agg_chunk *next;
    size_t used, cap;
    char data[];
} agg_chunk_t;

typedef struct agg_day_store {
    char day[AGG_DAY_TEXT];
    int64_t start_ms;
    int64_t estimated;
    agg_count_row_t *counts;
    int n_counts, cap_counts;
    agg_answer_row_t *answers;
    int n_answers, cap_answers;
    agg_element_row_t *elements;
    int n_elements, cap_elements;
    int elements_unknown;
} agg_day_store_t;

struct agg {
    agg_limits_t lim;
    agg_chunk_t *chunks;
    size_t text_bytes;
    const char **texts;     /* open addressing set of interned text */
    size_t text_slots, n_texts;
    agg_day_store_t days[AGG_DAYS_MAX];
    int n_days;
    int order[AGG_DAYS_MAX]; /* day indexes in date order */
    int n_rows;
    uint32_t *rows;          /* open addressing: packed row ref + 1 */
    size_t row_slots;
};

/* The key of a row: interned pointers and small ints. */
typedef struct agg_key {
    int day;
    int kind;
    agg_dims_t d;
    int partial;
    const char *question, *element, *answer;
} agg_key_t;

/* ---- text ------------------------------------------------------------- */

static uint64_t agg_hash_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

#define AGG_HASH_SEED 1469598103934665603ull

/* Bytes of s that fit in max without splitting a UTF-8 sequence. */
static size_t agg_fit_utf8(const char *s, size_t max)
{
    size_t len = strlen(s);

    if (len <= max)
        return len;
    len = max;
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return len;
}

static char *agg_alloc_text(agg_t *a, size_t n)
{
    agg_chunk_t *c = a->chunks;
    size_t cap;
    char *p;

    if (a->text_bytes + n > AGG_TEXT_MAX)
        return NULL;
    if (!c || c->cap - c->used < n) {
        cap = n > AGG_CHUNK_BYTES ? n : AGG_CHUNK_BYTES;
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = a->chunks;
        c->used = 0;
        c->cap = cap;
        a->chunks = c;
    }
    p = c->data + c->used;
    c->used += n;
    a->text_bytes += n;
    return p;
}

static int agg_grow_texts(agg_t *a)
{
    size_t slots = a->text_slots ? a->text_slots * 2 : AGG_TEXT_SLOTS_MIN;
    const char **t = calloc(slots, sizeof(*t));
    size_t i, j;

    if (!t)
        return AGG_ENOMEM;
    for (i = 0; i < a->text_slots; i++) {
        if (!a->texts[i])
            continue;
        j = agg_hash_bytes(AGG_HASH_SEED, a->texts[i], strlen(a->texts[i])) &
            (slots - 1);
        while (t[j])
            j = (j + 1) & (slots - 1);
        t[j] = a->texts[i];
    }
    free(a->texts);
    a->texts = t;
    a->text_slots = slots;
    return AGG_OK;
}

/* The one copy of s (cut to max bytes); NULL when the text cap is hit or
 * memory ran out (*rc says which). */
static const char *agg_intern(agg_t *a, const char *s, size_t max, int *rc)
{
    size_t len, j;
    char *copy;

    if (!s)
        s = "";
    len = agg_fit_utf8(s, max);
    if (2 * (a->n_texts + 1) > a->text_slots && agg_grow_texts(a) != AGG_OK) {
        *rc = AGG_ENOMEM;
        return NULL;
    }
    j = agg_hash_bytes(AGG_HASH_SEED, s, len) & (a->text_slots - 1);
    for (; a->texts[j]; j = (j + 1) & (a->text_slots - 1))
        if (strncmp(a->texts[j], s, len) == 0 && a->texts[j][len] == '\0')
            return a->texts[j];
    copy = agg_alloc_text(a, len + 1);
    if (!copy) {
        *rc = a->text_bytes + len + 1 > AGG_TEXT_MAX ? AGG_FULL : AGG_ENOMEM;
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    a->texts[j] = copy;
    a->n_texts++;
    return copy;
}

static int agg_is_code_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* A code in the hub's alphabet ([A-Za-z0-9._-], at most AGG_CODE_MAX
 * bytes): anything else becomes "_". Codes come from the configuration
 * and the survey, which already use that alphabet; a badge scanned with
 * odd characters must not make every later upload unacceptable. A code
 * the hub requires is never empty. */
static const char *agg_intern_code(agg_t *a, const char *s, int required,
                                   int *rc)
{
    char buf[AGG_CODE_MAX + 1];
    size_t i;

    if (!s)
        s = "";
    for (i = 0; s[i] && i < AGG_CODE_MAX; i++)
        buf[i] = agg_is_code_char((unsigned char)s[i]) ? s[i] : '_';
    buf[i] = '\0';
    if (i == 0 && required)
        snprintf(buf, sizeof(buf), "_");
    return agg_intern(a, buf, AGG_CODE_MAX, rc);
}

static int agg_intern_dims(agg_t *a, const agg_dims_t *in, agg_dims_t *out)
{
    int rc = AGG_OK;

    out->version = in->version < 0 ? 0 : in->version;
    if (!(out->unit = agg_intern_code(a, in->unit, 1, &rc)) ||
        !(out->counter = agg_intern(a, in->counter, AGG_NAME_MAX, &rc)) ||
        !(out->officer = agg_intern_code(a, in->officer, 0, &rc)) ||
        !(out->field = agg_intern_code(a, in->field, 0, &rc)) ||
        !(out->instrument = agg_intern_code(a, in->instrument, 1, &rc)))
        return rc;
    return AGG_OK;
}

/* ---- set life ----------------------------------------------------------- */

int agg_create(agg_t **out, const agg_limits_t *lim)
{
    agg_t *a;
    size_t slots = AGG_ROW_SLOTS_MIN;
    int rc = AGG_OK;

    if (!out)
        return AGG_EINVAL;
    *out = NULL;
    a = calloc(1, sizeof(*a));
    if (!a)
        return AGG_ENOMEM;
    if (lim)
        a->lim = *lim;
    if (a->lim.max_days <= 0 || a->lim.max_days > AGG_DAYS_MAX)
        a->lim.max_days = AGG_DAYS_MAX;
    if (a->lim.max_rows <= 0 || a->lim.max_rows > AGG_ROWS_MAX)
        a->lim.max_rows = AGG_ROWS_MAX;
    /* Load stays at or under one half for the largest set allowed. */
    while (slots < 2 * (size_t)a->lim.max_rows)
        slots *= 2;
    a->rows = calloc(slots, sizeof(*a->rows));
    a->row_slots = slots;
    if (!a->rows || !agg_intern(a, "", 0, &rc)) {
        agg_free(a);
        return AGG_ENOMEM;
    }
    *out = a;
    return AGG_OK;
}

void agg_free(agg_t *a)
{
    agg_chunk_t *c, *next;
    int i;

    if (!a)
        return;
    for (c = a->chunks; c; c = next) {
        next = c->next;
        free(c);
    }
    for (i = 0; i < a->n_days; i++) {
        free(a->days[i].counts);
        free(a->days[i].answers);
        free(a->days[i].elements);
    }
    free(a->texts);
    free(a->rows);
    free(a);
}

/* ---- clock ------------------------------------------------------------ */

int64_t agg_get_anchor(int64_t wall_ms, int64_t boot_ms)
{
    return wall_ms - boot_ms;
}

const agg_anchor_t *agg_find_anchor(const agg_anchor_t *anchors, int n,
                                    const char *boot_id)
{
    int i;

    if (!boot_id || !boot_id[0])
        return NULL;
    for (i = 0; i < n; i++)
        if (strcmp(anchors[i].boot_id, boot_id) == 0)
            return &anchors[i];
    return NULL;
}

int64_t agg_correct_time(const agg_response_t *r, const agg_anchor_t *anchors,
                         int n_anchors, int *estimated)
{
    const agg_anchor_t *an;

    *estimated = 0;
    if (r->clock_synced)
        return r->wall_ms;
    an = agg_find_anchor(anchors, n_anchors, r->boot_id);
    if (an)
        return r->boot_ms + an->wall_minus_boot_ms;
    *estimated = 1;
    return r->wall_ms;
}

void agg_format_day(int64_t unix_ms, char out[AGG_DAY_TEXT])
{
    if (vntime_format_date(unix_ms, out, AGG_DAY_TEXT) != 0)
        out[0] = '\0';
}

/* ---- days ------------------------------------------------------------- */

static int agg_lookup_day(const agg_t *a, int64_t start_ms)
{
    int i;

    for (i = 0; i < a->n_days; i++)
        if (a->days[i].start_ms == start_ms)
            return i;
    return -1;
}

/* Only called after the caps were checked. */
static int agg_new_day(agg_t *a, int64_t start_ms)
{
    agg_day_store_t *d = &a->days[a->n_days];
    int pos = a->n_days;

    memset(d, 0, sizeof(*d));
    d->start_ms = start_ms;
    agg_format_day(start_ms, d->day);
    while (pos > 0 && a->days[a->order[pos - 1]].start_ms > start_ms) {
        a->order[pos] = a->order[pos - 1];
        pos--;
    }
    a->order[pos] = a->n_days;
    return a->n_days++;
}

/* Local midnight of a "YYYY-MM-DD" day text, or -1. */
static int64_t agg_parse_day(const char *day)
{
    return day ? vntime_parse_date(day) : -1;
}

/* ---- rows ------------------------------------------------------------- */

static uint64_t agg_hash_key(const agg_key_t *k)
{
    const void *parts[] = {k->d.unit,   k->d.counter, k->d.officer,
                           k->d.field,  k->d.instrument, k->question,
                           k->element,  k->answer};
    int ints[] = {k->day, k->kind, k->d.version, k->partial};

    return agg_hash_bytes(agg_hash_bytes(AGG_HASH_SEED, parts, sizeof(parts)),
                          ints, sizeof(ints));
}

static int agg_same_dims(const agg_dims_t *x, const agg_dims_t *y)
{
    return x->unit == y->unit && x->counter == y->counter &&
           x->officer == y->officer && x->field == y->field &&
           x->instrument == y->instrument && x->version == y->version;
}

static int agg_key_matches(const agg_t *a, uint32_t ref, const agg_key_t *k)
{
    int kind = (int)(ref >> AGG_SLOT_KIND_SHIFT);
    int day = (int)((ref >> AGG_SLOT_DAY_SHIFT) & 0x3F);
    int row = (int)(ref & AGG_SLOT_ROW_MASK);
    const agg_answer_row_t *ar;
    const agg_element_row_t *er;

    if (kind != k->kind || day != k->day)
        return 0;
    if (kind == AGG_KIND_COUNT)
        return agg_same_dims(&a->days[day].counts[row].d, &k->d);
    if (kind == AGG_KIND_ELEMENT) {
        er = &a->days[day].elements[row];
        return agg_same_dims(&er->d, &k->d) && er->partial == k->partial &&
               er->element == k->element;
    }
    ar = &a->days[day].answers[row];
    return agg_same_dims(&ar->d, &k->d) && ar->partial == k->partial &&
           ar->question == k->question && ar->element == k->element &&
           ar->answer == k->answer;
}

/* Slot holding k, or the empty slot where it would go. */
static size_t agg_find_slot(const agg_t *a, const agg_key_t *k)
{
    size_t j = agg_hash_key(k) & (a->row_slots - 1);

    while (a->rows[j] && !agg_key_matches(a, a->rows[j] - 1, k))
        j = (j + 1) & (a->row_slots - 1);
    return j;
}

static int agg_grow(void **arr, int *cap, size_t size)
{
    int ncap = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, (size_t)ncap * size);

    if (!p)
        return AGG_ENOMEM;
    *arr = p;
    *cap = ncap;
    return AGG_OK;
}

/* The row for k, created when absent (the caps were checked before). */
static int agg_row_for(agg_t *a, const agg_key_t *k, int *row)
{
    agg_day_store_t *d = &a->days[k->day];
    size_t j = agg_find_slot(a, k);
    int rc;

    if (a->rows[j]) {
        *row = (int)((a->rows[j] - 1) & AGG_SLOT_ROW_MASK);
        return AGG_OK;
    }
    if (k->kind == AGG_KIND_COUNT) {
        if (d->n_counts == d->cap_counts &&
            (rc = agg_grow((void **)&d->counts, &d->cap_counts,
                           sizeof(*d->counts))) != AGG_OK)
            return rc;
        *row = d->n_counts++;
        memset(&d->counts[*row], 0, sizeof(d->counts[*row]));
        d->counts[*row].d = k->d;
    } else if (k->kind == AGG_KIND_ELEMENT) {
        if (d->n_elements == d->cap_elements &&
            (rc = agg_grow((void **)&d->elements, &d->cap_elements,
                           sizeof(*d->elements))) != AGG_OK)
            return rc;
        *row = d->n_elements++;
        d->elements[*row] = (agg_element_row_t){
            .d = k->d, .partial = k->partial, .element = k->element, .n = 0};
    } else {
        if (d->n_answers == d->cap_answers &&
            (rc = agg_grow((void **)&d->answers, &d->cap_answers,
                           sizeof(*d->answers))) != AGG_OK)
            return rc;
        *row = d->n_answers++;
        d->answers[*row] = (agg_answer_row_t){
            .d = k->d, .partial = k->partial, .question = k->question,
            .element = k->element, .answer = k->answer, .n = 0};
    }
    a->rows[j] = ((uint32_t)k->kind << AGG_SLOT_KIND_SHIFT |
                  (uint32_t)k->day << AGG_SLOT_DAY_SHIFT | (uint32_t)*row) +
                 1;
    a->n_rows++;
    return AGG_OK;
}

/* Whether n_new more rows (and a new day when day < 0) fit. */
static int agg_fits(const agg_t *a, int day, int n_new)
{
    if (day < 0 && a->n_days >= a->lim.max_days)
        return 0;
    return a->n_rows + n_new <= a->lim.max_rows;
}

/* ---- adding ----------------------------------------------------------- */

/* Interned answer text of one response, kept while it is judged. */
typedef struct agg_texts {
    const char *q, *e, *v;
} agg_texts_t;

static int agg_intern_answers(agg_t *a, const agg_response_t *r,
                              agg_texts_t *t)
{
    int i, rc = AGG_OK;

    for (i = 0; i < r->n_answers; i++) {
        if (!(t[i].q = agg_intern_code(a, r->answers[i].question, 1, &rc)) ||
            !(t[i].e = agg_intern_code(a, r->answers[i].element, 0, &rc)) ||
            !(t[i].v = agg_intern_code(a, r->answers[i].answer, 1, &rc)))
            return rc;
    }
    return AGG_OK;
}

static void agg_answer_key(agg_key_t *k, int day, const agg_dims_t *d,
                           int partial, const agg_texts_t *t)
{
    k->day = day;
    k->kind = AGG_KIND_ANSWER;
    k->d = *d;
    k->partial = partial;
    k->question = t->q;
    k->element = t->e;
    k->answer = t->v;
}

static void agg_element_key(agg_key_t *k, int day, const agg_dims_t *d,
                            int partial, const char *element)
{
    memset(k, 0, sizeof(*k));
    k->day = day;
    k->kind = AGG_KIND_ELEMENT;
    k->d = *d;
    k->partial = partial;
    k->element = element;
}

/* Whether answer i is the response's first of a named element: one
 * response counts once per element however many of its questions (or
 * options) it answered. Interned text compares by pointer. */
static int agg_is_first_of_element(const agg_texts_t *t, int i)
{
    int j;

    if (!t[i].e[0])
        return 0;
    for (j = 0; j < i; j++)
        if (t[j].e == t[i].e)
            return 0;
    return 1;
}

static void agg_count_key(agg_key_t *k, int day, const agg_dims_t *d)
{
    memset(k, 0, sizeof(*k));
    k->day = day;
    k->kind = AGG_KIND_COUNT;
    k->d = *d;
}

/* Rows r would add to day (all of them when the day is new). Equal keys
 * within one response are counted twice: the check errs on the safe side. */
static int agg_count_new_rows(const agg_t *a, int day, const agg_dims_t *d,
                              int with_answers, int partial,
                              const agg_texts_t *t, int n)
{
    agg_key_t k;
    int i, fresh = 0;

    if (day < 0)
        return 1 + (with_answers ? 2 * n : 0);
    agg_count_key(&k, day, d);
    fresh += a->rows[agg_find_slot(a, &k)] == 0;
    for (i = 0; with_answers && i < n; i++) {
        agg_answer_key(&k, day, d, partial, &t[i]);
        fresh += a->rows[agg_find_slot(a, &k)] == 0;
        if (!agg_is_first_of_element(t, i))
            continue;
        agg_element_key(&k, day, d, partial, t[i].e);
        fresh += a->rows[agg_find_slot(a, &k)] == 0;
    }
    return fresh;
}

/* The response's time after correction and the plausibility window. */
static int64_t agg_place(const agg_t *a, const agg_response_t *r,
                         const agg_anchor_t *anchors, int n_anchors,
                         int *estimated)
{
    int64_t t = agg_correct_time(r, anchors, n_anchors, estimated);

    if ((a->lim.min_ms || a->lim.max_ms) &&
        (t < a->lim.min_ms || t > a->lim.max_ms)) {
        *estimated = 1;
        t = a->lim.fallback_ms;
    }
    return t;
}

void agg_get_response_day(const agg_t *a, const agg_response_t *r,
                          const agg_anchor_t *anchors, int n_anchors,
                          char day_out[AGG_DAY_TEXT], int *estimated)
{
    agg_format_day(agg_place(a, r, anchors, n_anchors, estimated), day_out);
}

void agg_get_room(const agg_t *a, int *days, int *rows)
{
    *days = a->lim.max_days - a->n_days;
    *rows = a->lim.max_rows - a->n_rows;
}

static int agg_apply_response(agg_t *a, int day, const agg_dims_t *d,
                              const agg_response_t *r, const agg_texts_t *t,
                              int estimated)
{
    agg_key_t k;
    int i, row, rc, partial = r->partial != 0;

    agg_count_key(&k, day, d);
    if ((rc = agg_row_for(a, &k, &row)) != AGG_OK)
        return rc;
    if (r->suppressed)
        a->days[day].counts[row].suppressed++;
    else if (partial)
        a->days[day].counts[row].partial++;
    else
        a->days[day].counts[row].complete++;
    a->days[day].estimated += estimated;
    /* Suppressed responses are kept on the device but never counted. */
    for (i = 0; !r->suppressed && i < r->n_answers; i++) {
        agg_answer_key(&k, day, d, partial, &t[i]);
        if ((rc = agg_row_for(a, &k, &row)) != AGG_OK)
            return rc;
        a->days[day].answers[row].n++;
        if (!agg_is_first_of_element(t, i))
            continue;
        agg_element_key(&k, day, d, partial, t[i].e);
        if ((rc = agg_row_for(a, &k, &row)) != AGG_OK)
            return rc;
        a->days[day].elements[row].n++;
    }
    return AGG_OK;
}

int agg_add_response(agg_t *a, const agg_response_t *r,
                     const agg_anchor_t *anchors, int n_anchors,
                     char day_out[AGG_DAY_TEXT])
{
    agg_dims_t raw, d;
    agg_texts_t *t = NULL;
    int64_t when, start;
    int estimated, day, fresh, rc;

    if (!a || !r || r->n_answers < 0 || (r->n_answers > 0 && !r->answers) ||
        (n_anchors > 0 && !anchors))
        return AGG_EINVAL;
    when = agg_place(a, r, anchors, n_anchors, &estimated);
    start = vntime_get_day_start(when);
    raw = (agg_dims_t){r->unit, r->counter, r->officer, r->field,
                       r->instrument, r->version};
    if (r->n_answers > 0 && !(t = calloc((size_t)r->n_answers, sizeof(*t))))
        return AGG_ENOMEM;
    /* Interning first: text that does not fit fails before any count
     * moves, so AGG_FULL leaves the counts as they were. */
    rc = agg_intern_dims(a, &raw, &d);
    if (rc == AGG_OK)
        rc = agg_intern_answers(a, r, t);
    if (rc == AGG_OK) {
        day = agg_lookup_day(a, start);
        fresh = agg_count_new_rows(a, day, &d, !r->suppressed,
                                   r->partial != 0, t, r->n_answers);
        if (!agg_fits(a, day, fresh))
            rc = AGG_FULL;
        else {
            if (day < 0)
                day = agg_new_day(a, start);
            rc = agg_apply_response(a, day, &d, r, t, estimated);
        }
    }
    free(t);
    if (rc == AGG_OK && day_out)
        agg_format_day(start, day_out);
    return rc;
}

/* The day index for an earlier snapshot's row, created when it fits. */
static int agg_base_day(agg_t *a, const char *day, int *index)
{
    int64_t start = agg_parse_day(day);

    if (start == -1)
        return AGG_EINVAL;
    *index = agg_lookup_day(a, start);
    if (!agg_fits(a, *index, 0))
        return AGG_FULL;
    if (*index < 0)
        *index = agg_new_day(a, start);
    return AGG_OK;
}

static int agg_base_row(agg_t *a, agg_key_t *k, int *row)
{
    size_t j;

    if (a->rows[(j = agg_find_slot(a, k))]) {
        *row = (int)((a->rows[j] - 1) & AGG_SLOT_ROW_MASK);
        return AGG_OK;
    }
    if (!agg_fits(a, k->day, 1))
        return AGG_FULL;
    return agg_row_for(a, k, row);
}

int agg_add_count(agg_t *a, const char *day, const agg_dims_t *d,
                  int64_t complete, int64_t partial, int64_t suppressed)
{
    agg_dims_t in;
    agg_key_t k;
    int di, row, rc;

    if (!a || !d || complete < 0 || partial < 0 || suppressed < 0)
        return AGG_EINVAL;
    if ((rc = agg_intern_dims(a, d, &in)) != AGG_OK ||
        (rc = agg_base_day(a, day, &di)) != AGG_OK)
        return rc;
    agg_count_key(&k, di, &in);
    if ((rc = agg_base_row(a, &k, &row)) != AGG_OK)
        return rc;
    a->days[di].counts[row].complete += complete;
    a->days[di].counts[row].partial += partial;
    a->days[di].counts[row].suppressed += suppressed;
    return AGG_OK;
}

int agg_add_answer_count(agg_t *a, const char *day, const agg_dims_t *d,
                         int partial, const char *question,
                         const char *element, const char *answer, int64_t n)
{
    agg_dims_t in;
    agg_texts_t t;
    agg_key_t k;
    int di, row, rc = AGG_OK;

    if (!a || !d || n < 0)
        return AGG_EINVAL;
    if ((rc = agg_intern_dims(a, d, &in)) != AGG_OK)
        return rc;
    if (!(t.q = agg_intern_code(a, question, 1, &rc)) ||
        !(t.e = agg_intern_code(a, element, 0, &rc)) ||
        !(t.v = agg_intern_code(a, answer, 1, &rc)))
        return rc;
    if ((rc = agg_base_day(a, day, &di)) != AGG_OK)
        return rc;
    agg_answer_key(&k, di, &in, partial != 0, &t);
    if ((rc = agg_base_row(a, &k, &row)) != AGG_OK)
        return rc;
    a->days[di].answers[row].n += n;
    return AGG_OK;
}

int agg_add_element_count(agg_t *a, const char *day, const agg_dims_t *d,
                          int partial, const char *element, int64_t n)
{
    agg_dims_t in;
    agg_key_t k;
    const char *e;
    int di, row, rc = AGG_OK;

    if (!a || !d || n < 0)
        return AGG_EINVAL;
    if ((rc = agg_intern_dims(a, d, &in)) != AGG_OK)
        return rc;
    if (!(e = agg_intern_code(a, element, 1, &rc)))
        return rc;
    if ((rc = agg_base_day(a, day, &di)) != AGG_OK)
        return rc;
    agg_element_key(&k, di, &in, partial != 0, e);
    if ((rc = agg_base_row(a, &k, &row)) != AGG_OK)
        return rc;
    a->days[di].elements[row].n += n;
    return AGG_OK;
}

int agg_set_elements_unknown(agg_t *a, const char *day)
{
    int di, rc;

    if (!a)
        return AGG_EINVAL;
    if ((rc = agg_base_day(a, day, &di)) != AGG_OK)
        return rc;
    a->days[di].elements_unknown = 1;
    return AGG_OK;
}

int agg_add_estimated(agg_t *a, const char *day, int64_t n)
{
    int di, rc;

    if (!a || n < 0)
        return AGG_EINVAL;
    if ((rc = agg_base_day(a, day, &di)) != AGG_OK)
        return rc;
    a->days[di].estimated += n;
    return AGG_OK;
}

/* ---- reading back ----------------------------------------------------- */

int agg_count_days(const agg_t *a)
{
    return a ? a->n_days : 0;
}

int agg_count_rows(const agg_t *a)
{
    return a ? a->n_rows : 0;
}

int agg_get_day(const agg_t *a, int i, agg_day_t *out)
{
    const agg_day_store_t *d;

    if (!a || !out || i < 0 || i >= a->n_days)
        return AGG_EINVAL;
    d = &a->days[a->order[i]];
    memcpy(out->day, d->day, sizeof(out->day));
    out->start_ms = d->start_ms;
    out->estimated = d->estimated;
    out->n_counts = d->n_counts;
    out->n_answers = d->n_answers;
    out->n_elements = d->n_elements;
    out->counts = d->counts;
    out->answers = d->answers;
    out->elements = d->elements;
    out->elements_known = !d->elements_unknown;
    return AGG_OK;
}

int agg_find_day(const agg_t *a, const char *day)
{
    int64_t start = agg_parse_day(day);
    int i;

    if (!a || start == -1)
        return -1;
    for (i = 0; i < a->n_days; i++)
        if (a->days[a->order[i]].start_ms == start)
            return i;
    return -1;
}
