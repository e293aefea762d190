#include "jsonpos.h"

#include <string.h>

#include "hex.h"

/*
 * The text has already been accepted by the real parser, so this scanner
 * only needs to find its way, not to validate. It never recurses: skipping
 * a container counts brackets, so deep nesting cannot exhaust the stack.
 *
 * Columns count Unicode characters, not bytes, as jansson does for its
 * syntax errors: both kinds of message then agree with an editor's column.
 *
 * Besides the documented key and [N] segments, a segment may be ["key"]
 * (with \" and \\ escapes) so that keys containing dots, such as the UI
 * word "button.back", can still be addressed.
 */

#define JSONPOS_SEGMENT_MAX 256

typedef struct jsonpos_scan {
    const char *text;
    size_t len;
    size_t pos;
    int line;
    int column;
} jsonpos_scan_t;

typedef enum jsonpos_seg_kind {
    JSONPOS_SEG_END = 0,
    JSONPOS_SEG_KEY,
    JSONPOS_SEG_INDEX,
    JSONPOS_SEG_BAD
} jsonpos_seg_kind_t;

typedef struct jsonpos_seg {
    jsonpos_seg_kind_t kind;
    char key[JSONPOS_SEGMENT_MAX];
    size_t key_len;
    long index;
} jsonpos_seg_t;

static int scan_at_end(const jsonpos_scan_t *sc)
{
    return sc->pos >= sc->len;
}

static int scan_peek(const jsonpos_scan_t *sc)
{
    return scan_at_end(sc) ? -1 : (unsigned char)sc->text[sc->pos];
}

static void scan_advance(jsonpos_scan_t *sc)
{
    unsigned char b;

    if (scan_at_end(sc))
        return;
    b = (unsigned char)sc->text[sc->pos++];
    if (b == '\n') {
        sc->line++;
        sc->column = 1;
    } else if ((b & 0xC0) != 0x80) {
        sc->column++;
    }
}

static void scan_skip_space(jsonpos_scan_t *sc)
{
    int c;

    for (c = scan_peek(sc); c == ' ' || c == '\t' || c == '\n' || c == '\r';
         c = scan_peek(sc))
        scan_advance(sc);
}

/* Skips a string starting at its opening quote. 0, or -1 if unterminated. */
static int scan_skip_string(jsonpos_scan_t *sc)
{
    int c;

    scan_advance(sc);
    while ((c = scan_peek(sc)) != -1) {
        scan_advance(sc);
        if (c == '"')
            return 0;
        if (c == '\\')
            scan_advance(sc);
    }
    return -1;
}

static int scan_is_scalar_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
           c == '+' || c == '.' || c == 'E';
}

static int scan_skip_scalar(jsonpos_scan_t *sc)
{
    size_t start = sc->pos;

    while (scan_is_scalar_char(scan_peek(sc)))
        scan_advance(sc);
    return sc->pos > start ? 0 : -1;
}

/* Skips a whole object or array by counting brackets outside strings. */
static int scan_skip_container(jsonpos_scan_t *sc)
{
    long depth = 0;
    int c;

    while ((c = scan_peek(sc)) != -1) {
        if (c == '"') {
            if (scan_skip_string(sc) != 0)
                return -1;
            continue;
        }
        scan_advance(sc);
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']')
            depth--;
        if (depth == 0)
            return 0;
    }
    return -1;
}

static int scan_skip_value(jsonpos_scan_t *sc)
{
    int c = scan_peek(sc);

    if (c == '"')
        return scan_skip_string(sc);
    if (c == '{' || c == '[')
        return scan_skip_container(sc);
    return scan_skip_scalar(sc);
}

static long scan_read_hex4(jsonpos_scan_t *sc)
{
    long v = 0;
    int i, h;

    for (i = 0; i < 4; i++) {
        h = hex_digit_value(scan_peek(sc));
        if (h < 0)
            return -1;
        v = v * 16 + h;
        scan_advance(sc);
    }
    return v;
}

static size_t utf8_encode(long cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes a \uXXXX escape (the scanner stands after the 'u'), joining a
 * surrogate pair, into UTF-8. Returns the byte count, 0 on a bad escape. */
static size_t scan_read_unicode(jsonpos_scan_t *sc, char out[4])
{
    long cp = scan_read_hex4(sc), lo;

    if (cp < 0)
        return 0;
    if (cp >= 0xD800 && cp <= 0xDBFF && scan_peek(sc) == '\\') {
        scan_advance(sc);
        if (scan_peek(sc) != 'u')
            return 0;
        scan_advance(sc);
        lo = scan_read_hex4(sc);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return utf8_encode(cp, out);
}

/* Decodes one character of a string body into out. Returns its byte
 * count, 0 at the closing quote (consumed), -1 on broken text. */
static int scan_read_char(jsonpos_scan_t *sc, char out[4])
{
    static const char plain[] = "\"\\/bfnrt";
    static const char decoded[] = "\"\\/\b\f\n\r\t";
    const char *hit;
    int c = scan_peek(sc);

    if (c == -1)
        return -1;
    scan_advance(sc);
    if (c == '"')
        return 0;
    if (c != '\\') {
        out[0] = (char)c;
        return 1;
    }
    c = scan_peek(sc);
    if (c == -1)
        return -1;
    scan_advance(sc);
    if (c == 'u') {
        size_t n = scan_read_unicode(sc, out);
        return n > 0 ? (int)n : -1;
    }
    hit = strchr(plain, c);
    if (hit == NULL || c == 0)
        return -1;
    out[0] = decoded[hit - plain];
    return 1;
}

/* Reads a key string at its opening quote and compares it with want.
 * Returns 1 when equal, 0 when not, -1 on broken text. */
static int scan_key_equals(jsonpos_scan_t *sc, const char *want, size_t n)
{
    char buf[4];
    size_t got = 0;
    int equal = 1, k;

    if (scan_peek(sc) != '"')
        return -1;
    scan_advance(sc);
    while ((k = scan_read_char(sc, buf)) > 0) {
        if (got + (size_t)k > n || memcmp(want + got, buf, (size_t)k) != 0)
            equal = 0;
        got += (size_t)k;
    }
    if (k < 0)
        return -1;
    return equal && got == n;
}

/* Moves from '{' to the value of key. 0 found, 1 absent, -1 broken text. */
static int scan_find_key(jsonpos_scan_t *sc, const jsonpos_seg_t *seg)
{
    int eq;

    scan_advance(sc);
    for (;;) {
        scan_skip_space(sc);
        if (scan_peek(sc) == '}')
            return 1;
        eq = scan_key_equals(sc, seg->key, seg->key_len);
        if (eq < 0)
            return -1;
        scan_skip_space(sc);
        if (scan_peek(sc) != ':')
            return -1;
        scan_advance(sc);
        scan_skip_space(sc);
        if (eq)
            return 0;
        if (scan_skip_value(sc) != 0)
            return -1;
        scan_skip_space(sc);
        if (scan_peek(sc) == ',')
            scan_advance(sc);
        else if (scan_peek(sc) != '}')
            return -1;
    }
}

/* Moves from '[' to element index. 0 found, 1 absent, -1 broken text. */
static int scan_find_index(jsonpos_scan_t *sc, long index)
{
    long i;

    scan_advance(sc);
    for (i = 0;; i++) {
        scan_skip_space(sc);
        if (scan_peek(sc) == ']')
            return 1;
        if (i == index)
            return 0;
        if (scan_skip_value(sc) != 0)
            return -1;
        scan_skip_space(sc);
        if (scan_peek(sc) == ',')
            scan_advance(sc);
        else if (scan_peek(sc) != ']')
            return -1;
    }
}

static int seg_append(jsonpos_seg_t *seg, char c)
{
    if (seg->key_len + 1 >= sizeof(seg->key))
        return -1;
    seg->key[seg->key_len++] = c;
    seg->key[seg->key_len] = '\0';
    return 0;
}

/* ["key"] form; *p stands after the quote. */
static void seg_read_quoted(const char **p, jsonpos_seg_t *seg)
{
    const char *s = *p;

    seg->kind = JSONPOS_SEG_BAD;
    while (*s != '\0' && *s != '"') {
        if (*s == '\\' && s[1] != '\0')
            s++;
        if (seg_append(seg, *s++) != 0)
            return;
    }
    if (s[0] != '"' || s[1] != ']')
        return;
    seg->kind = JSONPOS_SEG_KEY;
    *p = s + 2;
}

static void seg_read_index(const char **p, jsonpos_seg_t *seg)
{
    const char *s = *p;
    long v = 0;

    seg->kind = JSONPOS_SEG_BAD;
    if (*s < '0' || *s > '9')
        return;
    while (*s >= '0' && *s <= '9') {
        if (v > 100000000L)
            return;
        v = v * 10 + (*s++ - '0');
    }
    if (*s != ']')
        return;
    seg->kind = JSONPOS_SEG_INDEX;
    seg->index = v;
    *p = s + 1;
}

static void seg_read_plain(const char **p, jsonpos_seg_t *seg)
{
    const char *s = *p;

    seg->kind = JSONPOS_SEG_KEY;
    while (*s != '\0' && *s != '.' && *s != '[') {
        if (seg_append(seg, *s++) != 0) {
            seg->kind = JSONPOS_SEG_BAD;
            return;
        }
    }
    *p = s;
}

/* Reads the next segment of the path and moves *p past it. */
static void seg_next(const char **p, int first, jsonpos_seg_t *seg)
{
    const char *s = *p;

    seg->key_len = 0;
    seg->key[0] = '\0';
    seg->index = 0;
    if (*s == '\0') {
        seg->kind = JSONPOS_SEG_END;
        return;
    }
    if (*s == '.' && !first)
        s++;
    if (s[0] == '[' && s[1] == '"') {
        s += 2;
        seg_read_quoted(&s, seg);
    } else if (s[0] == '[') {
        s++;
        seg_read_index(&s, seg);
    } else {
        seg_read_plain(&s, seg);
    }
    *p = s;
}

/* Descends one segment. 0 moved, 1 absent, -1 broken text. */
static int scan_descend(jsonpos_scan_t *sc, const jsonpos_seg_t *seg)
{
    int c = scan_peek(sc);

    if (seg->kind == JSONPOS_SEG_KEY && c == '{')
        return scan_find_key(sc, seg);
    if (seg->kind == JSONPOS_SEG_INDEX && c == '[')
        return scan_find_index(sc, seg->index);
    return 1;
}

int jsonpos_locate(const char *text, size_t len, const char *path, int *line,
                   int *column)
{
    jsonpos_scan_t sc = {text, len, 0, 1, 1};
    jsonpos_seg_t seg;
    const char *p = path ? path : "";
    int first = 1, rc = 0;

    if (text == NULL)
        return -1;
    scan_skip_space(&sc);
    if (scan_at_end(&sc))
        return -1;
    for (;;) {
        int found_line = sc.line, found_col = sc.column;

        seg_next(&p, first, &seg);
        first = 0;
        if (seg.kind == JSONPOS_SEG_END || seg.kind == JSONPOS_SEG_BAD)
            rc = seg.kind == JSONPOS_SEG_END ? 0 : 1;
        else
            rc = scan_descend(&sc, &seg);
        if (rc != 0 || seg.kind == JSONPOS_SEG_END) {
            if (rc < 0)
                return -1;
            if (line)
                *line = found_line;
            if (column)
                *column = found_col;
            return rc;
        }
    }
}
