/*
 * The kiosk's survey file (app/core/survey.c): any bytes, as a technician
 * or a damaged SD card could leave them in the survey path.
 */
#include "fuzz.h"

#include "core/err.h"
#include "core/survey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    survey_t *s = NULL;
    err_t err;

    err_clear(&err);
    if (survey_parse((const char *)data, size, "fuzz.json", &s, &err) == 0)
        survey_free(s);
    return 0;
}
