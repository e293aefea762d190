#include "textbreak.h"

#include <string.h>
#include <utf8proc.h>

#define TB_COENG 0x17D2

size_t textbreak_zwsp_len(const char *s, size_t len, size_t pos)
{
    /* U+200B is E2 80 8B in UTF-8. */
    if (pos + 3 <= len && (unsigned char)s[pos] == 0xE2 &&
        (unsigned char)s[pos + 1] == 0x80 && (unsigned char)s[pos + 2] == 0x8B)
        return 3;
    return 0;
}

size_t textbreak_skip_gaps(const char *s, size_t len, size_t pos)
{
    while (pos < len) {
        size_t z = textbreak_zwsp_len(s, len, pos);
        if (s[pos] == ' ')
            pos++;
        else if (z)
            pos += z;
        else
            break;
    }
    return pos;
}

size_t textbreak_word_end(const char *s, size_t len, size_t pos)
{
    while (pos < len && s[pos] != ' ' && s[pos] != '\n' &&
           textbreak_zwsp_len(s, len, pos) == 0)
        pos++;
    return pos;
}

/* Next code point at pos; invalid bytes count as one byte each so a bad
 * string still advances. */
static size_t tb_next(const char *s, size_t len, size_t pos,
                      utf8proc_int32_t *cp)
{
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + pos,
                                          (utf8proc_ssize_t)(len - pos), cp);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    return (size_t)n;
}

size_t textbreak_cluster_end(const char *s, size_t len, size_t pos)
{
    utf8proc_int32_t prev, cp, state = 0;
    size_t at;

    if (pos >= len)
        return len;
    at = pos + tb_next(s, len, pos, &prev);
    while (at < len) {
        size_t n = tb_next(s, len, at, &cp);
        int brk;

        if (prev < 0 || cp < 0)
            break;
        /* Asked even after COENG, to keep the state in step. */
        brk = utf8proc_grapheme_break_stateful(prev, cp, &state);
        /* A subscript consonant belongs to the consonant before COENG. */
        if (brk && prev != TB_COENG)
            break;
        prev = cp;
        at += n;
    }
    return at;
}

long textbreak_cp_at(const char *s, size_t len, size_t pos)
{
    utf8proc_int32_t cp = -1;

    if (pos < len)
        tb_next(s, len, pos, &cp);
    return cp;
}

int textbreak_is_khmer_cp(long cp)
{
    return (cp >= 0x1780 && cp <= 0x17FF) || (cp >= 0x19E0 && cp <= 0x19FF);
}

int textbreak_has_khmer(const char *s, size_t len)
{
    size_t pos = 0;
    utf8proc_int32_t cp;

    while (pos < len) {
        /* Every Khmer code point starts with E1 9E, E1 9F or E1 A7. */
        if ((unsigned char)s[pos] != 0xE1) {
            pos++;
            continue;
        }
        pos += tb_next(s, len, pos, &cp);
        if (textbreak_is_khmer_cp(cp))
            return 1;
    }
    return 0;
}

int textbreak_strip_zwsp(const char *s, size_t len, char *out, size_t cap)
{
    size_t i = 0, o = 0;

    if (cap == 0)
        return -1;
    while (i < len) {
        size_t z = textbreak_zwsp_len(s, len, i);
        if (z) {
            i += z;
            continue;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return (int)o;
}
