/*
 * The hierarchy file `sipas-hub unit import` reads (app/core/unitfile.c).
 */
#include "fuzz.h"

#include "core/err.h"
#include "core/unitfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unitfile_t *f = NULL;
    err_t err;
    size_t i;

    err_clear(&err);
    if (unitfile_parse((const char *)data, size, "fuzz.json", &f, &err) == 0) {
        /* Every entry the importer may name in a message. */
        for (i = 0; i < f->n_units; i++)
            (void)unitfile_line_of_unit(f, i);
        for (i = 0; i < f->n_changes; i++)
            (void)unitfile_line_of_change(f, &f->changes[i]);
        unitfile_free(f);
    }
    return 0;
}
