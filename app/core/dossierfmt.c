#include "dossierfmt.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    FMT_LIT,
    FMT_CLASS,
    FMT_OPT,
    FMT_OPT_END,
    FMT_PART,
    FMT_PART_END,
    FMT_DATE,
};

enum { FMT_DIGIT, FMT_LETTER, FMT_ALNUM };
enum { FMT_AGENCY, FMT_SERIAL, FMT_PARTS };

#define FMT_DATE_WORD "YYMMDD"
#define FMT_DATE_LEN 6

typedef struct fmt_build {
    const char *t;
    size_t at;
    dossierfmt_t *f;
    char *msg;
    size_t msg_cap;
    int open_opt[DOSSIERFMT_NEST_MAX];
    int n_open;
    int part_open;         /* index of the open part's token, or -1 */
    int seen[FMT_PARTS + 1]; /* agency, serial, date */
    int serial_max;
    int part_needs; /* tokens of the open part a match cannot skip */
} fmt_build_t;

static int fmt_fail(fmt_build_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fmt_fail(fmt_build_t *b, const char *fmt, ...)
{
    char what[DOSSIERFMT_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (b->msg && b->msg_cap)
        snprintf(b->msg, b->msg_cap, "template, character %zu: %s",
                 b->at + 1, what);
    return -1;
}

static int fmt_push(fmt_build_t *b, int kind, int arg, int min, int max)
{
    dossierfmt_tok_t *k;

    if (b->f->n_tokens >= DOSSIERFMT_TOKENS_MAX)
        return fmt_fail(b, "more than %d elements", DOSSIERFMT_TOKENS_MAX);
    k = &b->f->tokens[b->f->n_tokens++];
    k->kind = (unsigned char)kind;
    k->arg = (unsigned char)arg;
    k->min = (unsigned char)min;
    k->max = (unsigned char)max;
    k->jump = 0;
    /* A character or a class of at least one, outside any optional
     * group: the open part cannot match empty. */
    if (b->part_open >= 0 && b->n_open == 0 &&
        (kind == FMT_LIT || (kind == FMT_CLASS && min >= 1)))
        b->part_needs++;
    return 0;
}

static int fmt_read_count(fmt_build_t *b, int *out)
{
    int v = 0, digits = 0;

    while (b->t[b->at] >= '0' && b->t[b->at] <= '9' && digits < 3) {
        v = v * 10 + (b->t[b->at++] - '0');
        digits++;
    }
    if (digits == 0 || v < 1 || v > DOSSIERFMT_REPEAT_MAX)
        return fmt_fail(b, "a repetition is a number from 1 to %d",
                        DOSSIERFMT_REPEAT_MAX);
    *out = v;
    return 0;
}

/* A class letter, then "{n}" or "{m,n}" when repeated. */
static int fmt_compile_class(fmt_build_t *b, int cls)
{
    int min = 1, max = 1;

    b->at++;
    if (b->t[b->at] == '{') {
        b->at++;
        if (fmt_read_count(b, &min) != 0)
            return -1;
        max = min;
        if (b->t[b->at] == ',') {
            b->at++;
            if (fmt_read_count(b, &max) != 0)
                return -1;
        }
        if (b->t[b->at] != '}')
            return fmt_fail(b, "a repetition ends with \"}\"");
        if (max < min)
            return fmt_fail(b, "a repetition's maximum is below its minimum");
        b->at++;
    }
    if (b->part_open >= 0)
        b->serial_max += max;
    return fmt_push(b, FMT_CLASS, cls, min, max);
}

static int fmt_compile_quoted(fmt_build_t *b)
{
    size_t start = ++b->at;
    char ch;

    while ((ch = b->t[b->at]) != '\'') {
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            return fmt_fail(b, "quoted text is upper-case letters or digits "
                               "and ends with \"'\"");
        if (fmt_push(b, FMT_LIT, ch, 1, 1) != 0)
            return -1;
        if (b->part_open >= 0)
            b->serial_max++;
        b->at++;
    }
    if (b->at == start)
        return fmt_fail(b, "quoted text is empty");
    b->at++;
    return 0;
}

static int fmt_compile_part(fmt_build_t *b)
{
    static const char *const names[FMT_PARTS] = {"agency", "serial"};
    size_t len;
    int i;

    if (b->part_open >= 0 || b->n_open > 0)
        return fmt_fail(b, "a part cannot be inside a part or an optional "
                           "group");
    for (i = 0; i < FMT_PARTS; i++) {
        len = strlen(names[i]);
        if (strncmp(b->t + b->at + 1, names[i], len) == 0 &&
            b->t[b->at + 1 + len] == ':')
            break;
    }
    if (i == FMT_PARTS)
        return fmt_fail(b, "a part starts \"<agency:\" or \"<serial:\"");
    if (b->seen[i]++)
        return fmt_fail(b, "the %s part is given twice", names[i]);
    b->part_open = b->f->n_tokens;
    b->serial_max = 0;
    b->part_needs = 0;
    if (fmt_push(b, FMT_PART, i, 0, 0) != 0)
        return -1;
    b->at += len + 2;
    return 0;
}

static int fmt_close_part(fmt_build_t *b)
{
    int part;

    if (b->part_open < 0)
        return fmt_fail(b, "\">\" closes no part");
    if (b->n_open > 0)
        return fmt_fail(b, "an optional group inside a part ends before it");
    part = b->f->tokens[b->part_open].arg;
    if (b->f->n_tokens == b->part_open + 1)
        return fmt_fail(b, "a part is empty");
    if (b->part_needs == 0)
        return fmt_fail(b, "a part needs at least one character that is"
                           " not optional");
    if (part == FMT_SERIAL && b->serial_max >= DOSSIERFMT_SERIAL_MAX)
        return fmt_fail(b, "a serial is at most %d characters",
                        DOSSIERFMT_SERIAL_MAX - 1);
    b->part_open = -1;
    b->at++;
    return fmt_push(b, FMT_PART_END, part, 0, 0);
}

static int fmt_open_opt(fmt_build_t *b)
{
    if (b->n_open >= DOSSIERFMT_NEST_MAX)
        return fmt_fail(b, "optional groups nest at most %d deep",
                        DOSSIERFMT_NEST_MAX);
    b->open_opt[b->n_open++] = b->f->n_tokens;
    b->at++;
    return fmt_push(b, FMT_OPT, 0, 0, 0);
}

static int fmt_close_opt(fmt_build_t *b)
{
    int open;

    if (b->n_open == 0)
        return fmt_fail(b, "\"]\" closes no optional group");
    open = b->open_opt[--b->n_open];
    if (b->f->n_tokens == open + 1)
        return fmt_fail(b, "an optional group is empty");
    b->f->tokens[open].jump = (unsigned char)b->f->n_tokens;
    b->at++;
    return fmt_push(b, FMT_OPT_END, 0, 0, 0);
}

static int fmt_compile_date(fmt_build_t *b)
{
    if (b->part_open >= 0 || b->n_open > 0)
        return fmt_fail(b, "YYMMDD cannot be inside a part or an optional "
                           "group");
    if (b->seen[FMT_PARTS]++)
        return fmt_fail(b, "YYMMDD is given twice");
    b->at += FMT_DATE_LEN;
    return fmt_push(b, FMT_DATE, 0, 0, 0);
}

static int fmt_compile_one(fmt_build_t *b)
{
    char ch = b->t[b->at];

    switch (ch) {
    case '9':
        return fmt_compile_class(b, FMT_DIGIT);
    case 'A':
        return fmt_compile_class(b, FMT_LETTER);
    case 'X':
        return fmt_compile_class(b, FMT_ALNUM);
    case '.':
    case '-':
    case '_':
        if (b->part_open >= 0)
            b->serial_max++;
        b->at++;
        return fmt_push(b, FMT_LIT, ch, 1, 1);
    case '\'':
        return fmt_compile_quoted(b);
    case '[':
        return fmt_open_opt(b);
    case ']':
        return fmt_close_opt(b);
    case '<':
        return fmt_compile_part(b);
    case '>':
        return fmt_close_part(b);
    default:
        break;
    }
    if (strncmp(b->t + b->at, FMT_DATE_WORD, FMT_DATE_LEN) == 0)
        return fmt_compile_date(b);
    if (ch > 0x20 && ch < 0x7f)
        return fmt_fail(b, "\"%c\" is not part of the template language "
                           "(9 A X . - _ 'TEXT' [ ] <agency:> "
                           "<serial:> YYMMDD)", ch);
    return fmt_fail(b, "byte 0x%02X is not part of the template language",
                    (unsigned)(unsigned char)ch);
}

int dossierfmt_compile(const char *template, dossierfmt_t *f, char *msg,
                       size_t msg_cap)
{
    fmt_build_t b;

    memset(&b, 0, sizeof(b));
    b.t = template;
    b.f = f;
    b.msg = msg;
    b.msg_cap = msg_cap;
    b.part_open = -1;
    f->n_tokens = 0;
    if (template == NULL || template[0] == '\0' ||
        strlen(template) >= DOSSIERFMT_TEMPLATE_MAX)
        return fmt_fail(&b, "a template is 1 to %d characters",
                        DOSSIERFMT_TEMPLATE_MAX - 1);
    while (template[b.at] != '\0')
        if (fmt_compile_one(&b) != 0) {
            f->n_tokens = 0;
            return -1;
        }
    if (b.n_open > 0 || b.part_open >= 0) {
        f->n_tokens = 0;
        return fmt_fail(&b, "a \"[\" or \"<\" is not closed");
    }
    if (!b.seen[FMT_AGENCY] || !b.seen[FMT_SERIAL] || !b.seen[FMT_PARTS]) {
        f->n_tokens = 0;
        return fmt_fail(&b, "a template has <agency:...>, YYMMDD and "
                            "<serial:...>");
    }
    return 0;
}

/* ---- matching ------------------------------------------------------- */

typedef struct fmt_run {
    const dossierfmt_t *f;
    const char *s;
    size_t len;
    /* (token, position) pairs already known to fail. */
    uint8_t dead[DOSSIERFMT_TOKENS_MAX][DOSSIERFMT_TEXT_MAX + 1];
    dossierfmt_spans_t *out;
    size_t part_at[FMT_PARTS];
} fmt_run_t;

static int fmt_in_class(int cls, char ch)
{
    int digit = ch >= '0' && ch <= '9';
    int letter = ch >= 'A' && ch <= 'Z';

    return cls == FMT_DIGIT ? digit : cls == FMT_LETTER ? letter
                                                        : digit || letter;
}

static int fmt_step(fmt_run_t *r, int ti, size_t pos);

static int fmt_step_class(fmt_run_t *r, int ti, size_t pos)
{
    const dossierfmt_tok_t *k = &r->f->tokens[ti];
    int n = 0;

    while (n < k->max && pos + (size_t)n < r->len &&
           fmt_in_class(k->arg, r->s[pos + (size_t)n]))
        n++;
    for (; n >= k->min && n > 0; n--)
        if (fmt_step(r, ti + 1, pos + (size_t)n))
            return 1;
    return 0;
}

static int fmt_step_date(fmt_run_t *r, int ti, size_t pos)
{
    size_t i;

    if (pos + FMT_DATE_LEN > r->len)
        return 0;
    for (i = 0; i < FMT_DATE_LEN; i++)
        if (!fmt_in_class(FMT_DIGIT, r->s[pos + i]))
            return 0;
    if (!fmt_step(r, ti + 1, pos + FMT_DATE_LEN))
        return 0;
    r->out->date_at = pos;
    return 1;
}

static int fmt_step_kind(fmt_run_t *r, int ti, size_t pos)
{
    const dossierfmt_tok_t *k = &r->f->tokens[ti];

    switch (k->kind) {
    case FMT_LIT:
        return pos < r->len && r->s[pos] == (char)k->arg &&
               fmt_step(r, ti + 1, pos + 1);
    case FMT_CLASS:
        return fmt_step_class(r, ti, pos);
    case FMT_OPT:
        return fmt_step(r, ti + 1, pos) || fmt_step(r, k->jump + 1, pos);
    case FMT_OPT_END:
        return fmt_step(r, ti + 1, pos);
    case FMT_PART:
        if (!fmt_step(r, ti + 1, pos))
            return 0;
        r->part_at[k->arg] = pos;
        return 1;
    case FMT_PART_END:
        if (!fmt_step(r, ti + 1, pos))
            return 0;
        /* Set before the PART token above records its start. */
        if (k->arg == FMT_AGENCY)
            r->out->agency_len = pos;
        else
            r->out->serial_len = pos;
        return 1;
    case FMT_DATE:
        return fmt_step_date(r, ti, pos);
    default:
        return 0;
    }
}

static int fmt_step(fmt_run_t *r, int ti, size_t pos)
{
    if (ti >= r->f->n_tokens)
        return pos == r->len;
    if (pos > r->len || r->dead[ti][pos])
        return 0;
    if (fmt_step_kind(r, ti, pos))
        return 1;
    r->dead[ti][pos] = 1;
    return 0;
}

int dossierfmt_match(const dossierfmt_t *f, const char *text, size_t len,
                     dossierfmt_spans_t *spans)
{
    fmt_run_t r;
    dossierfmt_spans_t out;

    if (f == NULL || text == NULL || f->n_tokens < 1 ||
        f->n_tokens > DOSSIERFMT_TOKENS_MAX || len > DOSSIERFMT_TEXT_MAX)
        return 0;
    memset(&r, 0, sizeof(r));
    memset(&out, 0, sizeof(out));
    r.f = f;
    r.s = text;
    r.len = len;
    r.out = &out;
    if (!fmt_step(&r, 0, 0))
        return 0;
    /* The ends were stored as positions; make them lengths. */
    out.agency_at = r.part_at[FMT_AGENCY];
    out.agency_len -= out.agency_at;
    out.serial_at = r.part_at[FMT_SERIAL];
    out.serial_len -= out.serial_at;
    if (spans)
        *spans = out;
    return 1;
}
