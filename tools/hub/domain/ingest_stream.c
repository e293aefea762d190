/*
 * One pass over an upload's body with yajl's callbacks: the day rows into
 * their arrays, everything else into a small jansson tree.
 */
#include "hub/domain/ingest_stream.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "hub/domain/ingest.h"
#include "hub/domain/ingest_rows.h"

/* An upload nests five deep (body, days, day, rows, row) and its
 * heartbeat a little more; anything deeper is left to jansson. */
#define HUB_INGEST_STREAM_DEPTH 16
/* Longer numbers than any a valid upload holds are left to jansson. */
#define HUB_INGEST_STREAM_NUMBER_MAX 40
/* Digits of an integer read here: 18 never overflow int64_t. */
#define HUB_INGEST_STREAM_DIGITS_MAX 18
#define HUB_INGEST_STREAM_ROWS_FIRST 64

/* What a container is in an upload: where the day rows begin. */
typedef enum hub_ingest_role {
    HUB_INGEST_ROLE_OTHER = 0,
    HUB_INGEST_ROLE_BODY,
    HUB_INGEST_ROLE_DAYS,
    HUB_INGEST_ROLE_DAY,
    HUB_INGEST_ROLE_ROWS
} hub_ingest_role_t;

typedef struct hub_ingest_frame {
    json_t *node; /* borrowed: its parent (or up->root) holds it */
    hub_ingest_role_t role;
    int kind; /* ROLE_ROWS */
} hub_ingest_frame_t;

typedef struct hub_ingest_stream {
    const char *body;
    size_t len;
    hub_upload_t *up;
    size_t text_used, text_cap; /* of up->text */
    size_t cap[HUB_INGEST_KINDS]; /* rows room in up->resp, ans, el */
    hub_ingest_frame_t stack[HUB_INGEST_STREAM_DEPTH];
    size_t depth;
    size_t containers, containers_max;
    const char *key; /* the pending member name in an object, in body */
    size_t key_len;
    int row_kind; /* -1 outside a row object */
    int cell;     /* the row member being read, -1 before its name */
    int member;   /* members of the row read so far */
    hub_ingest_cell_t cells[HUB_INGEST_ROW_FIELDS_MAX];
    /* The field each member position had in the last row of a kind:
     * a kiosk writes every row's members in one order, so the name is
     * nearly always found at the first comparison. */
    signed char order[HUB_INGEST_KINDS][HUB_INGEST_ROW_FIELDS_MAX];
} hub_ingest_stream_t;

/* yajl hands unescaped strings as a slice of the body and escaped ones
 * decoded in a buffer of its own; only the first are taken. */
static int hub_ingest_stream_raw(const hub_ingest_stream_t *st,
                                 const unsigned char *s, size_t len)
{
    const char *p = (const char *)s;

    return p >= st->body && len <= st->len &&
           (size_t)(p - st->body) <= st->len - len;
}

/* A copy of a row's string, NUL-terminated, in up->text: every string
 * takes at least two bytes more in the body than here, so the text never
 * outgrows the body's length. */
static const char *hub_ingest_stream_keep(hub_ingest_stream_t *st,
                                          const unsigned char *s, size_t len)
{
    char *out;

    if (len + 1 > st->text_cap - st->text_used)
        return NULL;
    out = st->up->text + st->text_used;
    memcpy(out, s, len);
    out[len] = '\0';
    st->text_used += len + 1;
    return out;
}

/* A JSON integer of at most 18 digits; -1 for a fraction, an exponent
 * or more digits. */
static int hub_ingest_stream_int(const char *s, size_t len, int64_t *out)
{
    size_t i = len > 0 && s[0] == '-';
    int64_t v = 0;

    if (len == i || len - i > HUB_INGEST_STREAM_DIGITS_MAX)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = s[0] == '-' ? -v : v;
    return 0;
}

/* A number outside the rows as jansson would hold it; NULL when jansson
 * might read it otherwise (overflow, underflow, very long). */
static json_t *hub_ingest_stream_number_json(const char *s, size_t len)
{
    char text[HUB_INGEST_STREAM_NUMBER_MAX + 1];
    int64_t i;
    double x;
    char *end;

    if (hub_ingest_stream_int(s, len, &i) == 0)
        return json_integer((json_int_t)i);
    if (len > HUB_INGEST_STREAM_NUMBER_MAX ||
        (!memchr(s, '.', len) && !memchr(s, 'e', len) && !memchr(s, 'E', len)))
        return NULL;
    memcpy(text, s, len);
    text[len] = '\0';
    errno = 0;
    x = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !isfinite(x))
        return NULL;
    return json_real(x);
}

/* ---- the tree of what is not a row ------------------------------------ */

static hub_ingest_frame_t *hub_ingest_stream_top(hub_ingest_stream_t *st)
{
    return st->depth ? &st->stack[st->depth - 1] : NULL;
}

/* v (owned) into the open container, under the pending name in an
 * object; a name given twice stops the reading, as jansson refuses it. */
static int hub_ingest_stream_put(hub_ingest_stream_t *st, json_t *v)
{
    hub_ingest_frame_t *top = hub_ingest_stream_top(st);

    if (!v)
        return 0;
    if (!top) {
        if (st->up->root || !json_is_object(v)) {
            json_decref(v);
            return 0;
        }
        st->up->root = v;
        return 1;
    }
    if (json_is_array(top->node))
        return json_array_append_new(top->node, v) == 0;
    if (!st->key || json_object_getn(top->node, st->key, st->key_len)) {
        json_decref(v);
        return 0;
    }
    /* Also checks the name is valid UTF-8, as jansson's parser does. */
    if (json_object_setn_new(top->node, st->key, st->key_len, v) != 0)
        return 0;
    st->key = NULL;
    return 1;
}

static int hub_ingest_stream_is_key(const hub_ingest_stream_t *st,
                                    const char *name)
{
    return strlen(name) == st->key_len &&
           memcmp(st->key, name, st->key_len) == 0;
}

/* Which container is opening, from where it opens. */
static hub_ingest_role_t hub_ingest_stream_role(const hub_ingest_stream_t *st,
                                                int is_object, int *kind)
{
    const hub_ingest_frame_t *top =
        st->depth ? &st->stack[st->depth - 1] : NULL;
    int k;

    if (!top)
        return is_object ? HUB_INGEST_ROLE_BODY : HUB_INGEST_ROLE_OTHER;
    if (top->role == HUB_INGEST_ROLE_BODY && !is_object && st->key &&
        hub_ingest_stream_is_key(st, "days"))
        return HUB_INGEST_ROLE_DAYS;
    if (top->role == HUB_INGEST_ROLE_DAYS && is_object)
        return HUB_INGEST_ROLE_DAY;
    if (top->role == HUB_INGEST_ROLE_DAY && !is_object && st->key) {
        for (k = 0; k < HUB_INGEST_KINDS; k++) {
            if (hub_ingest_stream_is_key(st, hub_ingest_rows_name(k))) {
                *kind = k;
                return HUB_INGEST_ROLE_ROWS;
            }
        }
    }
    return HUB_INGEST_ROLE_OTHER;
}

/* A day opens: its rows of each kind start where the upload's are. */
static int hub_ingest_stream_day_open(hub_ingest_stream_t *st)
{
    size_t i = json_array_size(hub_ingest_stream_top(st)->node);
    hub_day_t *d;

    if (i >= HUB_INGEST_DAYS_MAX)
        return 0;
    d = &st->up->days[i];
    d->resp_first = st->up->n_resp;
    d->ans_first = st->up->n_ans;
    d->el_first = st->up->n_el;
    return 1;
}

static void hub_ingest_stream_day_close(hub_ingest_stream_t *st)
{
    size_t i = json_array_size(hub_ingest_stream_top(st)->node) - 1;
    hub_day_t *d = &st->up->days[i];

    d->resp_n = st->up->n_resp - d->resp_first;
    d->ans_n = st->up->n_ans - d->ans_first;
    d->el_n = st->up->n_el - d->el_first;
}

static int hub_ingest_stream_open(hub_ingest_stream_t *st, int is_object)
{
    hub_ingest_frame_t *top = hub_ingest_stream_top(st);
    hub_ingest_role_t role;
    json_t *node;
    int kind = 0;

    if (st->row_kind >= 0)
        return 0; /* nothing nests in a valid row */
    /* What jansson's reading of a body is capped by: the caller's
     * refusal names the cap. */
    if (++st->containers > st->containers_max)
        return 0;
    if (top && top->role == HUB_INGEST_ROLE_ROWS) {
        if (!is_object)
            return 0;
        st->row_kind = top->kind;
        st->cell = -1;
        st->member = 0;
        memset(st->cells, 0, sizeof(st->cells));
        return 1;
    }
    if (st->depth == HUB_INGEST_STREAM_DEPTH)
        return 0;
    role = hub_ingest_stream_role(st, is_object, &kind);
    if (role == HUB_INGEST_ROLE_DAY && !hub_ingest_stream_day_open(st))
        return 0;
    node = is_object ? json_object() : json_array();
    if (!node)
        return 0;
    json_incref(node);
    if (!hub_ingest_stream_put(st, node)) {
        json_decref(node);
        return 0;
    }
    json_decref(node); /* the parent holds it now */
    st->stack[st->depth].node = node;
    st->stack[st->depth].role = role;
    st->stack[st->depth].kind = kind;
    st->depth++;
    return 1;
}

/* ---- rows ------------------------------------------------------------- */

/* Room for one more row of kind at the end of its array; NULL past the
 * upload's cap of rows. */
static void *hub_ingest_stream_row_slot(hub_ingest_stream_t *st, int kind)
{
    hub_upload_t *up = st->up;
    void **base = kind == HUB_INGEST_ANS  ? (void **)&up->ans
                  : kind == HUB_INGEST_EL ? (void **)&up->el
                                          : (void **)&up->resp;
    size_t *n = kind == HUB_INGEST_ANS  ? &up->n_ans
                : kind == HUB_INGEST_EL ? &up->n_el
                                        : &up->n_resp;
    size_t size = kind == HUB_INGEST_ANS  ? sizeof(*up->ans)
                  : kind == HUB_INGEST_EL ? sizeof(*up->el)
                                          : sizeof(*up->resp);
    size_t cap;
    void *grown;

    if (up->n_resp + up->n_ans + up->n_el >= HUB_INGEST_ROWS_MAX)
        return NULL;
    if (*n == st->cap[kind]) {
        cap = st->cap[kind] ? 2 * st->cap[kind] : HUB_INGEST_STREAM_ROWS_FIRST;
        if (cap > HUB_INGEST_ROWS_MAX)
            cap = HUB_INGEST_ROWS_MAX;
        grown = realloc(*base, cap * size);
        if (!grown)
            return NULL;
        *base = grown;
        st->cap[kind] = (size_t)cap;
    }
    return (char *)*base + *n * size;
}

static int hub_ingest_stream_row_close(hub_ingest_stream_t *st)
{
    hub_ingest_frame_t *top = hub_ingest_stream_top(st);
    int kind = st->row_kind;
    void *row = hub_ingest_stream_row_slot(st, kind);

    st->row_kind = -1;
    if (!row || !hub_ingest_rows_accept(kind, st->cells, row))
        return 0;
    if (kind == HUB_INGEST_ANS)
        st->up->n_ans++;
    else if (kind == HUB_INGEST_EL)
        st->up->n_el++;
    else
        st->up->n_resp++;
    /* The day's array keeps a null per row, so that its length is
     * checked against the caps as jansson's would be. */
    return json_array_append_new(top->node, json_null()) == 0;
}

/* The row member being read takes a value; once only. */
static hub_ingest_cell_t *hub_ingest_stream_cell(hub_ingest_stream_t *st)
{
    hub_ingest_cell_t *c;

    if (st->cell < 0)
        return NULL;
    c = &st->cells[st->cell];
    st->cell = -1;
    return c;
}

/* ---- yajl's callbacks ------------------------------------------------- */

static int hub_ingest_on_null(void *ctx)
{
    hub_ingest_stream_t *st = ctx;
    hub_ingest_cell_t *c;

    if (st->row_kind < 0)
        return hub_ingest_stream_put(st, json_null());
    if (!(c = hub_ingest_stream_cell(st)))
        return 0;
    c->type = HUB_INGEST_CELL_NULL;
    return 1;
}

static int hub_ingest_on_boolean(void *ctx, int b)
{
    hub_ingest_stream_t *st = ctx;

    /* A row has no boolean member: refused, as jansson's reading would. */
    if (st->row_kind >= 0)
        return 0;
    return hub_ingest_stream_put(st, json_boolean(b));
}

static int hub_ingest_on_number(void *ctx, const char *s, size_t len)
{
    hub_ingest_stream_t *st = ctx;
    hub_ingest_cell_t *c;

    if (st->row_kind < 0)
        return hub_ingest_stream_put(st, hub_ingest_stream_number_json(s, len));
    if (!(c = hub_ingest_stream_cell(st)) ||
        hub_ingest_stream_int(s, len, &c->i) != 0)
        return 0;
    c->type = HUB_INGEST_CELL_INT;
    return 1;
}

static int hub_ingest_on_string(void *ctx, const unsigned char *s,
                                size_t len)
{
    hub_ingest_stream_t *st = ctx;
    hub_ingest_cell_t *c;

    if (!hub_ingest_stream_raw(st, s, len))
        return 0;
    /* json_stringn() checks the text is valid UTF-8, as jansson's parser
     * does; a row's codes and names are checked by their rules. */
    if (st->row_kind < 0)
        return hub_ingest_stream_put(st, json_stringn((const char *)s, len));
    if (!(c = hub_ingest_stream_cell(st)) ||
        !(c->s = hub_ingest_stream_keep(st, s, len)))
        return 0;
    c->type = HUB_INGEST_CELL_STRING;
    return 1;
}

static int hub_ingest_on_start_map(void *ctx)
{
    return hub_ingest_stream_open(ctx, 1);
}

static int hub_ingest_on_map_key(void *ctx, const unsigned char *s,
                                 size_t len)
{
    hub_ingest_stream_t *st = ctx;
    int i;

    if (!hub_ingest_stream_raw(st, s, len))
        return 0;
    if (st->row_kind < 0) {
        st->key = (const char *)s;
        st->key_len = len;
        return 1;
    }
    if (st->member >= HUB_INGEST_ROW_FIELDS_MAX)
        return 0; /* more members than fields: one is unknown or twice */
    i = st->order[st->row_kind][st->member];
    if (!hub_ingest_rows_key_is(st->row_kind, i, (const char *)s, len)) {
        i = hub_ingest_rows_key_index(st->row_kind, (const char *)s, len);
        st->order[st->row_kind][st->member] = (signed char)i;
    }
    st->member++;
    if (i < 0 || st->cells[i].type != HUB_INGEST_CELL_ABSENT)
        return 0; /* unknown or given twice */
    /* Taken now, so that a second member of this name is seen. */
    st->cells[i].type = HUB_INGEST_CELL_OTHER;
    st->cell = i;
    return 1;
}

static int hub_ingest_on_end_map(void *ctx)
{
    hub_ingest_stream_t *st = ctx;
    hub_ingest_frame_t *top;

    if (st->row_kind >= 0)
        return hub_ingest_stream_row_close(st);
    top = hub_ingest_stream_top(st);
    st->depth--;
    if (top->role == HUB_INGEST_ROLE_DAY)
        hub_ingest_stream_day_close(st);
    return 1;
}

static int hub_ingest_on_start_array(void *ctx)
{
    return hub_ingest_stream_open(ctx, 0);
}

static int hub_ingest_on_end_array(void *ctx)
{
    hub_ingest_stream_t *st = ctx;

    st->depth--;
    return 1;
}

static const yajl_callbacks hub_ingest_callbacks = {
    .yajl_null = hub_ingest_on_null,
    .yajl_boolean = hub_ingest_on_boolean,
    .yajl_number = hub_ingest_on_number,
    .yajl_string = hub_ingest_on_string,
    .yajl_start_map = hub_ingest_on_start_map,
    .yajl_map_key = hub_ingest_on_map_key,
    .yajl_end_map = hub_ingest_on_end_map,
    .yajl_start_array = hub_ingest_on_start_array,
    .yajl_end_array = hub_ingest_on_end_array,
};

int hub_ingest_stream_read(const char *body, size_t len,
                           size_t containers_max, hub_upload_t *up)
{
    hub_ingest_stream_t st;
    yajl_handle h;
    int ok;

    if (memchr(body, '\v', len) || memchr(body, '\f', len))
        return 0;
    memset(&st, 0, sizeof(st));
    memset(st.order, -1, sizeof(st.order));
    st.containers_max = containers_max;
    st.body = body;
    st.len = len;
    st.up = up;
    st.row_kind = -1;
    st.cell = -1;
    st.text_cap = len + 1;
    if (!(up->text = malloc(st.text_cap)))
        return 0;
    if (!(h = yajl_alloc(&hub_ingest_callbacks, NULL, &st)))
        return 0;
    ok = yajl_parse(h, (const unsigned char *)body, len) == yajl_status_ok &&
         yajl_complete_parse(h) == yajl_status_ok && up->root != NULL &&
         st.depth == 0;
    yajl_free(h);
    return ok;
}
