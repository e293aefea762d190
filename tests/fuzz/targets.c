/*
 * The targets file the hub and sipas-report hold figures against
 * (app/core/targets.c).
 */
#include "fuzz.h"

#include "core/err.h"
#include "core/targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    targets_t *t = NULL;
    err_t err;

    err_clear(&err);
    if (targets_parse((const char *)data, size, "fuzz.json", &t, &err) == 0)
        targets_free(t);
    return 0;
}
