#include "hubtext.h"

#include <string.h>
#include <utf8proc.h>

/* What one code point becomes: 0 kept, ' ' or HUBTEXT_REPLACEMENT. */
static char hubtext_judge(utf8proc_int32_t cp)
{
    if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 ||
        cp == 0x2029)
        return ' ';
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
        return HUBTEXT_REPLACEMENT;
    /* Bidi controls reorder what follows them: a message could show its
     * words in another order than they were sent. */
    if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
        (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
        return HUBTEXT_REPLACEMENT;
    return 0;
}

int hubtext_sanitize(const char *in, char *out, size_t cap)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)(in ? in : "");
    size_t left = strlen((const char *)p), n = 0, room;
    const size_t dots = sizeof(HUBTEXT_ELLIPSIS) - 1;
    utf8proc_ssize_t step;
    utf8proc_int32_t cp;
    int changed = 0;
    char as;

    if (cap == 0)
        return 1;
    room = cap - 1;
    while (left > 0) {
        step = utf8proc_iterate(p, (utf8proc_ssize_t)left, &cp);
        as = step > 0 ? hubtext_judge(cp) : HUBTEXT_REPLACEMENT;
        if (step <= 0)
            step = 1; /* one bad byte at a time, so the rest is kept */
        if (n + (as ? 1 : (size_t)step) > room) {
            changed = 1;
            break;
        }
        if (as) {
            out[n++] = as;
            changed = 1;
        } else {
            memcpy(out + n, p, (size_t)step);
            n += (size_t)step;
        }
        p += step;
        left -= (size_t)step;
    }
    if (left > 0 && room >= dots) {
        /* Cut: whole characters go until the ellipsis fits. */
        while (n > 0 && n + dots > room) {
            do
                n--;
            while (n > 0 && ((unsigned char)out[n] & 0xC0) == 0x80);
        }
        memcpy(out + n, HUBTEXT_ELLIPSIS, dots);
        n += dots;
    }
    out[n] = '\0';
    return changed;
}

int hubtext_is_unit_code(const char *s)
{
    size_t i;
    unsigned char c;

    if (!s || !s[0])
        return 0;
    for (i = 0; s[i]; i++) {
        c = (unsigned char)s[i];
        if (i >= HUBTEXT_CODE_MAX ||
            !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}
