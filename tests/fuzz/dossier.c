/*
 * Dossier codes as a barcode scanner types them (app/core/dossier.c).
 */
#include "fuzz.h"

#include "core/dossier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    dossier_t d;

    if (!text)
        return 0;
    (void)dossier_parse(text, &d);
    free(text);
    return 0;
}
