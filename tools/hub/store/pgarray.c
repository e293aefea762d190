/*
 * PostgreSQL array literals: the buffer keeps two bytes spare past len
 * so closing the literal ('}' and the NUL) never grows it.
 */
#include "hub/store/pgarray.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hub_pgarray_init(hub_pgarray_t *a)
{
    memset(a, 0, sizeof(*a));
}

void hub_pgarray_free(hub_pgarray_t *a)
{
    free(a->buf);
    memset(a, 0, sizeof(*a));
}

void hub_pgarray_reset(hub_pgarray_t *a)
{
    a->len = 0;
    a->n = 0;
    a->failed = 0;
}

/* Room for more bytes after len, and the two of the closing. */
static int hub_pgarray_reserve(hub_pgarray_t *a, size_t more)
{
    size_t need, cap;
    char *grown;

    if (a->failed)
        return -1;
    if (more > HUB_PGARRAY_MAX || a->len + more + 2 > HUB_PGARRAY_MAX) {
        a->failed = 1;
        return -1;
    }
    need = a->len + more + 2;
    if (need <= a->cap)
        return 0;
    cap = a->cap ? a->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > HUB_PGARRAY_MAX)
        cap = HUB_PGARRAY_MAX;
    if (!(grown = realloc(a->buf, cap))) {
        a->failed = 1;
        return -1;
    }
    a->buf = grown;
    a->cap = cap;
    return 0;
}

/* The opening brace or the comma before an element. */
static int hub_pgarray_sep(hub_pgarray_t *a, size_t more)
{
    if (hub_pgarray_reserve(a, more + 1) != 0)
        return -1;
    a->buf[a->len++] = a->n ? ',' : '{';
    a->n++;
    return 0;
}

int hub_pgarray_add_text(hub_pgarray_t *a, const char *s)
{
    size_t i, len, esc = 0;

    if (!s) {
        if (hub_pgarray_sep(a, 4) != 0)
            return -1;
        memcpy(a->buf + a->len, "NULL", 4);
        a->len += 4;
        return 0;
    }
    len = strlen(s);
    for (i = 0; i < len; i++)
        esc += s[i] == '"' || s[i] == '\\';
    if (len > HUB_PGARRAY_MAX || hub_pgarray_sep(a, len + esc + 2) != 0) {
        a->failed = 1;
        return -1;
    }
    a->buf[a->len++] = '"';
    for (i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            a->buf[a->len++] = '\\';
        a->buf[a->len++] = s[i];
    }
    a->buf[a->len++] = '"';
    return 0;
}

int hub_pgarray_add_int64(hub_pgarray_t *a, int64_t v)
{
    char num[24];
    int w = snprintf(num, sizeof(num), "%" PRId64, v);

    if (w <= 0 || (size_t)w >= sizeof(num) ||
        hub_pgarray_sep(a, (size_t)w) != 0) {
        a->failed = 1;
        return -1;
    }
    memcpy(a->buf + a->len, num, (size_t)w);
    a->len += (size_t)w;
    return 0;
}

const char *hub_pgarray_text(hub_pgarray_t *a)
{
    if (a->failed || hub_pgarray_reserve(a, 1) != 0)
        return NULL;
    if (a->n == 0) {
        memcpy(a->buf, "{}", 3);
        return a->buf;
    }
    a->buf[a->len] = '}';
    a->buf[a->len + 1] = '\0';
    return a->buf;
}
