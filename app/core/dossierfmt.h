/*
 * dossierfmt.h - dossier code formats as data.
 *
 * A province writes the shapes of its receipt codes as templates in the
 * kiosk configuration; this module compiles a template and matches a code
 * against it. The template language is deliberately small so that a
 * configuration can never make matching slow (no regular expressions):
 *
 *   9          one digit 0-9
 *   A          one letter A-Z
 *   X          one letter or digit
 *   C{n}       a class repeated n times; C{m,n} from m to n times (1..16)
 *   . - _      that separator, literally (the characters a dossier code
 *              may hold on its way to the hub, with letters and digits)
 *   'TEXT'     those upper-case letters or digits, literally
 *   [ ... ]    optional, nested at most 4 deep
 *   <agency:...>  the issuing agency's part (exactly once, not optional)
 *   <serial:...>  the serial (exactly once, not optional, at most 15 chars)
 *   YYMMDD     the receiving date (exactly once, not optional)
 *
 * Matching is memoised over (template element, position), so its cost is
 * bounded by DOSSIERFMT_TOKENS_MAX x DOSSIERFMT_TEXT_MAX steps whatever the
 * template says.
 * Pure. Ownership: plain value types, no heap.
 */
#ifndef SIPAS_DOSSIERFMT_H
#define SIPAS_DOSSIERFMT_H

#include <stddef.h>

#define DOSSIERFMT_TEMPLATE_MAX 96
#define DOSSIERFMT_TOKENS_MAX 48
#define DOSSIERFMT_TEXT_MAX 48 /* codes are shorter than this */
#define DOSSIERFMT_REPEAT_MAX 16
#define DOSSIERFMT_NEST_MAX 4
#define DOSSIERFMT_SERIAL_MAX 16
#define DOSSIERFMT_ID_MAX 32
#define DOSSIERFMT_NAME_MAX 160
#define DOSSIERFMT_MSG_MAX 160

typedef struct dossierfmt_tok {
    unsigned char kind;
    unsigned char arg;      /* literal byte, class or part */
    unsigned char min, max; /* repetition of a class */
    unsigned char jump;     /* an optional group: index of its end */
} dossierfmt_tok_t;

typedef struct dossierfmt {
    char id[DOSSIERFMT_ID_MAX];     /* stored with nothing; shown to techs */
    char name[DOSSIERFMT_NAME_MAX]; /* the legal basis */
    int n_tokens;
    dossierfmt_tok_t tokens[DOSSIERFMT_TOKENS_MAX];
} dossierfmt_t;

/* Where the parts of a matched code are, as offsets into the text. */
typedef struct dossierfmt_spans {
    size_t agency_at, agency_len;
    size_t date_at; /* six digits */
    size_t serial_at, serial_len;
} dossierfmt_spans_t;

/* Compiles template into f->tokens (id and name are left as they are).
 * 0, or -1 with a plain-words reason naming the character in msg. */
int dossierfmt_compile(const char *template, dossierfmt_t *f, char *msg,
                       size_t msg_cap);
/* 1 when text[0..len) has the shape of f (spans filled), else 0. The text
 * is taken as it is: normalising it is the caller's job. */
int dossierfmt_match(const dossierfmt_t *f, const char *text, size_t len,
                     dossierfmt_spans_t *spans);

#endif
