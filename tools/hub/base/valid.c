#include "hub/base/valid.h"

#include <string.h>

static int hub_valid_is_code_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

int hub_valid_code(const char *s)
{
    size_t i;

    if (!s || !s[0])
        return 0;
    for (i = 0; s[i]; i++)
        if (i >= HUB_CODE_MAX || !hub_valid_is_code_char((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Length of the UTF-8 sequence at p and its code point, or 0 when the
 * bytes are not the shortest encoding of a scalar value: overlong forms
 * and surrogates would let two different byte strings show as one name. */
static size_t hub_valid_utf8_step(const unsigned char *p, unsigned *cp)
{
    unsigned c = p[0];
    size_t n, i;
    unsigned v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int hub_valid_name(const char *s, size_t max, int allow_empty)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len, step;
    unsigned cp;

    if (!s)
        return 0;
    len = strlen(s);
    if (len > max || (len == 0 && !allow_empty))
        return 0;
    while (*p) {
        step = hub_valid_utf8_step(p, &cp);
        if (step == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return 0;
        p += step;
    }
    return 1;
}

size_t hub_valid_utf8_prefix(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t step;
    unsigned cp;

    while (*p) {
        step = hub_valid_utf8_step(p, &cp);
        if (step == 0)
            break;
        p += step;
    }
    return (size_t)(p - (const unsigned char *)s);
}

int hub_valid_upload_id(const char *s)
{
    size_t i;

    if (!s || !s[0])
        return 0;
    for (i = 0; s[i]; i++)
        if (i >= HUB_UPLOAD_ID_MAX ||
            !(hub_valid_is_code_char((unsigned char)s[i]) || s[i] == ':'))
            return 0;
    return 1;
}

int hub_valid_version(const char *s)
{
    size_t i;

    if (!s || !s[0])
        return 0;
    for (i = 0; s[i]; i++)
        if (i >= HUB_VERSION_MAX || s[i] < 0x21 || s[i] > 0x7E)
            return 0;
    return 1;
}
