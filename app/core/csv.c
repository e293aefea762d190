#include "csv.h"

#include <string.h>

void csv_put_text(FILE *fp, const char *s, int flags)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL;
    const char *p;

    if (quote)
        fputc('"', fp);
    if ((flags & CSV_GUARD_FORMULAS) && s[0] && strchr("=+-@\t\r", s[0]))
        fputc('\'', fp);
    for (p = s; *p; p++) {
        if (*p == '"')
            fputc('"', fp);
        fputc(*p, fp);
    }
    if (quote)
        fputc('"', fp);
}

void csv_put_int(FILE *fp, int64_t v)
{
    fprintf(fp, "%lld", (long long)v);
}
