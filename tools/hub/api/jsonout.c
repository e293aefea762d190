/*
 * Compact JSON text of a jansson value, as json_dumps writes it
 * (JSON_COMPACT | JSON_REAL_PRECISION(15)), into one growing buffer.
 */
#include "hub/api/jsonout.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than any answer has is refused rather than recursed. */
#define HUB_JSONOUT_DEPTH_MAX 2048
/* jansson's precision for reals, as the answers ask for it. */
#define HUB_JSONOUT_PRECISION 15
/* Reals written without printf: two decimals at most, below this. */
#define HUB_JSONOUT_FAST_MAX 1e9

typedef struct hub_jsonout {
    char *buf;
    size_t n, cap;
} hub_jsonout_t;

/* Room for need more bytes and a NUL; -1 past HUB_JSONOUT_MAX. */
static int hub_jsonout_reserve(hub_jsonout_t *o, size_t need)
{
    size_t cap;
    char *grown;

    if (need > HUB_JSONOUT_MAX || o->n > HUB_JSONOUT_MAX - need)
        return -1;
    if (o->n + need < o->cap)
        return 0;
    cap = o->cap ? o->cap : 4096;
    while (cap <= o->n + need)
        cap *= 2;
    if (!(grown = realloc(o->buf, cap)))
        return -1;
    o->buf = grown;
    o->cap = cap;
    return 0;
}

static int hub_jsonout_put(hub_jsonout_t *o, const char *s, size_t len)
{
    if (hub_jsonout_reserve(o, len) != 0)
        return -1;
    memcpy(o->buf + o->n, s, len);
    o->n += len;
    return 0;
}

static int hub_jsonout_put_char(hub_jsonout_t *o, char c)
{
    return hub_jsonout_put(o, &c, 1);
}

/* The escape jansson writes for byte c, or NULL when c goes as it is;
 * control characters without a short form get \u00XX in esc. */
static const char *hub_jsonout_get_escape(unsigned char c, char esc[8])
{
    switch (c) {
    case '\\':
        return "\\\\";
    case '"':
        return "\\\"";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        break;
    }
    if (c >= 0x20)
        return NULL;
    snprintf(esc, 8, "\\u%04X", (unsigned)c);
    return esc;
}

/* A string in quotes, the runs between escapes copied whole. UTF-8 is
 * not checked again: jansson refused invalid text when it was made. */
static int hub_jsonout_put_string(hub_jsonout_t *o, const char *s, size_t len)
{
    const char *esc;
    char seq[8];
    size_t i, run = 0;

    if (hub_jsonout_put_char(o, '"') != 0)
        return -1;
    for (i = 0; i < len; i++) {
        if (!(esc = hub_jsonout_get_escape((unsigned char)s[i], seq)))
            continue;
        if (hub_jsonout_put(o, s + run, i - run) != 0 ||
            hub_jsonout_put(o, esc, strlen(esc)) != 0)
            return -1;
        run = i + 1;
    }
    if (hub_jsonout_put(o, s + run, len - run) != 0)
        return -1;
    return hub_jsonout_put_char(o, '"');
}

/* The digits of u at the end of out[24]; returns where they start. */
static size_t hub_jsonout_format_digits(unsigned long long u, char out[24])
{
    size_t i = 24;

    do {
        out[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return i;
}

static int hub_jsonout_put_integer(hub_jsonout_t *o, json_int_t v)
{
    char digits[24];
    /* Negated as unsigned: the most negative value has no positive. */
    size_t i = hub_jsonout_format_digits(
        v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, digits);

    if (v < 0)
        digits[--i] = '-';
    return hub_jsonout_put(o, digits + i, sizeof(digits) - i);
}

/* jansson's jsonp_dtostr: "%.15g", ".0" when it reads as an integer, no
 * '+' nor leading zeros in the exponent. */
static int hub_jsonout_put_real_printf(hub_jsonout_t *o, double v)
{
    char text[64], *e, *start, *end;
    int len = snprintf(text, sizeof(text), "%.*g", HUB_JSONOUT_PRECISION, v);

    if (len < 0 || (size_t)len >= sizeof(text) - 3)
        return -1;
    if (!strchr(text, '.') && !strchr(text, 'e')) {
        memcpy(text + len, ".0", 3);
        len += 2;
    }
    if ((e = strchr(text, 'e'))) {
        start = e + 1;
        end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, (size_t)len - (size_t)(end - text) + 1);
            len -= (int)(end - start);
        }
    }
    return hub_jsonout_put(o, text, (size_t)len);
}

/* A real that is exactly the double nearest k/100, 0.01 <= |v| < 1e9:
 * "%.15g" writes k/100 without trailing zeros (15 digits hold every
 * digit it has), fixed-point (its exponent is above -5), so it is
 * written here directly; other reals go to printf. */
static int hub_jsonout_put_real(hub_jsonout_t *o, double v)
{
    char digits[24], tail[3];
    double a = fabs(v);
    long long k;
    unsigned long long cents;
    size_t i, n = 0;

    if (!isfinite(v))
        return -1;
    if (!(a >= 0.01 && a < HUB_JSONOUT_FAST_MAX))
        return hub_jsonout_put_real_printf(o, v);
    k = llround(v * 100.0);
    if ((double)k / 100.0 != v)
        return hub_jsonout_put_real_printf(o, v);
    cents = (unsigned long long)(k < 0 ? -k : k);
    i = hub_jsonout_format_digits(cents / 100, digits);
    if (k < 0)
        digits[--i] = '-';
    tail[n++] = '.';
    tail[n++] = (char)('0' + cents % 100 / 10);
    if (cents % 10)
        tail[n++] = (char)('0' + cents % 10);
    if (hub_jsonout_put(o, digits + i, sizeof(digits) - i) != 0)
        return -1;
    return hub_jsonout_put(o, tail, n);
}

static int hub_jsonout_put_value(hub_jsonout_t *o, const json_t *v, int depth);

static int hub_jsonout_put_array(hub_jsonout_t *o, const json_t *v, int depth)
{
    size_t i, n = json_array_size(v);

    if (hub_jsonout_put_char(o, '[') != 0)
        return -1;
    for (i = 0; i < n; i++)
        if ((i && hub_jsonout_put_char(o, ',') != 0) ||
            hub_jsonout_put_value(o, json_array_get(v, i), depth + 1) != 0)
            return -1;
    return hub_jsonout_put_char(o, ']');
}

static int hub_jsonout_put_object(hub_jsonout_t *o, const json_t *v,
                                  int depth)
{
    /* jansson's iterator takes a non-const object; it only reads it. */
    json_t *obj = (json_t *)(uintptr_t)v;
    void *it = json_object_iter(obj);
    const char *key;
    int first = 1;

    if (hub_jsonout_put_char(o, '{') != 0)
        return -1;
    for (; it; it = json_object_iter_next(obj, it)) {
        key = json_object_iter_key(it);
        if ((!first && hub_jsonout_put_char(o, ',') != 0) ||
            hub_jsonout_put_string(o, key, strlen(key)) != 0 ||
            hub_jsonout_put_char(o, ':') != 0 ||
            hub_jsonout_put_value(o, json_object_iter_value(it), depth + 1) !=
                0)
            return -1;
        first = 0;
    }
    return hub_jsonout_put_char(o, '}');
}

static int hub_jsonout_put_value(hub_jsonout_t *o, const json_t *v, int depth)
{
    if (!v || depth > HUB_JSONOUT_DEPTH_MAX)
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return hub_jsonout_put_object(o, v, depth);
    case JSON_ARRAY:
        return hub_jsonout_put_array(o, v, depth);
    case JSON_STRING:
        return hub_jsonout_put_string(o, json_string_value(v),
                                      json_string_length(v));
    case JSON_INTEGER:
        return hub_jsonout_put_integer(o, json_integer_value(v));
    case JSON_REAL:
        return hub_jsonout_put_real(o, json_real_value(v));
    case JSON_TRUE:
        return hub_jsonout_put(o, "true", 4);
    case JSON_FALSE:
        return hub_jsonout_put(o, "false", 5);
    case JSON_NULL:
        return hub_jsonout_put(o, "null", 4);
    default:
        return -1;
    }
}

int hub_jsonout_write(const json_t *v, char **text, size_t *len)
{
    hub_jsonout_t o = {NULL, 0, 0};

    *text = NULL;
    *len = 0;
    if (hub_jsonout_put_value(&o, v, 0) != 0 || hub_jsonout_reserve(&o, 0)) {
        free(o.buf);
        return -1;
    }
    o.buf[o.n] = '\0';
    *text = o.buf;
    *len = o.n;
    return 0;
}
