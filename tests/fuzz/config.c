/*
 * The kiosk's configuration file (app/core/config.c), parsed over the
 * defaults as the kiosk does.
 */
#include "fuzz.h"

#include "core/config.h"
#include "core/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static config_t c; /* large: kept off the stack */
    err_t err;

    config_defaults(&c);
    err_clear(&err);
    (void)config_parse((const char *)data, size, "fuzz.json", &c, &err);
    return 0;
}
