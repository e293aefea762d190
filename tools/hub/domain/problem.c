#include "hub/domain/problem.h"

#include <stdarg.h>
#include <stdio.h>

#include "hub/base/valid.h"

void hub_problem_init(hub_problem_t *pb)
{
    pb->kind = HUB_PROBLEM_NONE;
    pb->message[0] = '\0';
}

int hub_problem_set(hub_problem_t *pb, hub_problem_kind_t kind,
                    const char *fmt, ...)
{
    va_list ap;

    pb->kind = kind;
    va_start(ap, fmt);
    vsnprintf(pb->message, sizeof(pb->message), fmt, ap);
    va_end(ap);
    /* A message cut inside a multi-byte character would not be JSON. */
    pb->message[hub_valid_utf8_prefix(pb->message)] = '\0';
    return -1;
}
