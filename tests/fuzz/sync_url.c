/*
 * What a technician gives the kiosk for its hub (app/upload/client.c): the
 * hub's URL, checked through curl's own URL parser, and the key pin in
 * any of its three spellings. Input: the URL, a NUL, the pin.
 */
#include "fuzz.h"

#include "upload/client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256], pin[128], errpin[256];
    char *text = fuzz_text(data, size);
    size_t n;

    if (!text)
        return 0;
    n = strlen(text);
    (void)sync_client_check_url(text, err, sizeof(err));
    (void)sync_client_normalise_pin(n < size ? text + n + 1 : "", pin,
                                    sizeof(pin), errpin, sizeof(errpin));
    free(text);
    return 0;
}
