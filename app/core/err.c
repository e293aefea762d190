#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void err_clear(err_t *e)
{
    memset(e, 0, sizeof(*e));
}

void err_set(err_t *e, const char *field, const char *fmt, ...)
{
    va_list ap;

    snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
}

void err_format(const err_t *e, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    snprintf(buf, cap, "%s:%d:%d: %s%s%s", e->file[0] ? e->file : "<input>",
             e->line, e->column, e->field, e->field[0] ? ": " : "", e->msg);
}
