/*
 * The interface's words (app/core/i18n.c), assets/i18n/ui.json or a
 * replacement a province ships.
 */
#include "fuzz.h"

#include "core/err.h"
#include "core/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    i18n_t *t = NULL;
    err_t err;

    err_clear(&err);
    if (i18n_parse((const char *)data, size, "fuzz.json", &t, &err) == 0)
        i18n_free(t);
    return 0;
}
