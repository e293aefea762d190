#include "dossier.h"

#include <ctype.h>
#include <string.h>

/* Agency identifier: 2..5 dot-separated groups of 1..4 letters or digits
 * (000.00.07.H42), as issued under Decision 20/2020 codes. */
static int dossier_check_agency(const char *s, size_t len)
{
    size_t i, group = 0;
    int groups = 1;

    if (len == 0)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (group == 0)
                return -1;
            group = 0;
            groups++;
            continue;
        }
        if (!isalnum((unsigned char)s[i]) || ++group > 4)
            return -1;
    }
    if (group == 0 || groups < 2 || groups > 5)
        return -1;
    return 0;
}

static int dossier_read_digits(const char *s, int n)
{
    int i, v = 0;

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

int dossier_parse(const char *text, dossier_t *d)
{
    char buf[DOSSIER_CODE_MAX];
    size_t len, i, agency_len;
    const char *tail;
    int yy;

    if (!text)
        return -1;
    while (*text == ' ' || *text == '\t')
        text++;
    len = strlen(text);
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t' ||
                       text[len - 1] == '\r' || text[len - 1] == '\n'))
        len--;
    /* "-YYMMDD-XXXX" is 12 characters after the agency part, which is at
     * least "X.Y". */
    if (len < 12 + 3 || len >= sizeof(buf))
        return -1;
    for (i = 0; i < len; i++)
        buf[i] = (char)toupper((unsigned char)text[i]);
    buf[len] = '\0';
    agency_len = len - 12;
    tail = buf + agency_len;
    if (tail[0] != '-' || tail[7] != '-')
        return -1;
    if (dossier_check_agency(buf, agency_len) != 0)
        return -1;
    yy = dossier_read_digits(tail + 1, 2);
    memset(d, 0, sizeof(*d));
    d->month = dossier_read_digits(tail + 3, 2);
    d->day = dossier_read_digits(tail + 5, 2);
    d->serial = dossier_read_digits(tail + 8, 4);
    if (yy < 0 || d->month < 1 || d->month > 12 || d->day < 1 || d->serial < 0)
        return -1;
    d->year = 2000 + yy;
    if (d->day > dossier_days_in_month(d->year, d->month))
        return -1;
    memcpy(d->code, buf, len + 1);
    memcpy(d->agency, buf, agency_len);
    d->agency[agency_len] = '\0';
    return 0;
}
