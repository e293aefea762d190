#include "dossier.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DOSSIER_SERIAL_DIGITS_MAX 9 /* fits an int */

static int dossier_read_digits(const char *s, size_t n)
{
    size_t i;
    int v = 0;

    if (n == 0 || n > DOSSIER_SERIAL_DIGITS_MAX)
        return -1;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int dossier_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* Trimmed and upper-cased into buf; its length, or -1 when it cannot be a
 * code at all. */
static int dossier_normalise(const char *text, char buf[DOSSIER_CODE_MAX])
{
    size_t len, i;

    while (*text == ' ' || *text == '\t')
        text++;
    len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
                       text[len - 1] == '\r' || text[len - 1] == '\n'))
        len--;
    if (len == 0 || len >= DOSSIER_CODE_MAX)
        return -1;
    for (i = 0; i < len; i++)
        buf[i] = (char)toupper((unsigned char)text[i]);
    buf[len] = '\0';
    return (int)len;
}

static int dossier_fill(const dossierfmt_t *f, const char *buf,
                        const dossierfmt_spans_t *sp, dossier_t *d)
{
    const char *date = buf + sp->date_at;
    int yy = dossier_read_digits(date, 2);
    int month = dossier_read_digits(date + 2, 2);
    int day = dossier_read_digits(date + 4, 2);

    if (yy < 0 || month < 1 || month > 12 || day < 1 ||
        day > dossier_days_in_month(2000 + yy, month) ||
        sp->serial_len >= sizeof(d->serial_text))
        return -1;
    memset(d, 0, sizeof(*d));
    snprintf(d->code, sizeof(d->code), "%s", buf);
    snprintf(d->agency, sizeof(d->agency), "%.*s", (int)sp->agency_len,
             buf + sp->agency_at);
    d->year = 2000 + yy;
    d->month = month;
    d->day = day;
    snprintf(d->serial_text, sizeof(d->serial_text), "%.*s",
             (int)sp->serial_len, buf + sp->serial_at);
    d->serial = dossier_read_digits(d->serial_text, sp->serial_len);
    snprintf(d->format, sizeof(d->format), "%s", f->id);
    return 0;
}

int dossier_parse_with(const dossierfmt_t *formats, int n, const char *text,
                       dossier_t *d)
{
    char buf[DOSSIER_CODE_MAX];
    dossierfmt_spans_t sp;
    int len, i;

    if (formats == NULL || text == NULL || d == NULL)
        return -1;
    len = dossier_normalise(text, buf);
    if (len < 0)
        return -1;
    for (i = 0; i < n && i < DOSSIER_FORMAT_MAX; i++)
        if (dossierfmt_match(&formats[i], buf, (size_t)len, &sp) &&
            dossier_fill(&formats[i], buf, &sp, d) == 0)
            return 0;
    return -1;
}

int dossier_parse(const char *text, dossier_t *d)
{
    dossierfmt_t f;

    memset(&f, 0, sizeof(f));
    snprintf(f.id, sizeof(f.id), "%s", DOSSIER_TT01_ID);
    if (dossierfmt_compile(DOSSIER_TT01_TEMPLATE, &f, NULL, 0) != 0)
        return -1;
    return dossier_parse_with(&f, 1, text, d);
}
