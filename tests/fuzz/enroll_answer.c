/*
 * The kiosk's reading of the hub's answer to an enrollment
 * (app/upload/enroll.c): the secret, the unit code it will stamp on every
 * rating and the unit name it shows come from whatever answered at the
 * hub's address, so a hostile server must neither crash the kiosk nor
 * get a code past the unit-code rule or unprintable text into sync.db.
 */
#include "fuzz.h"

#include <jansson.h>

#include "core/hubtext.h"
#include "upload/enroll.h"

#define FUZZ_INSTALL_ID "0123456789abcdef0123456789abcdef"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    syncdb_enrollment_t e;
    char bad[HUBTEXT_CODE_MAX + 8];
    json_error_t jerr;
    json_t *v = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES,
                           &jerr);
    const unsigned char *p;
    int rc;

    if (!v)
        return 0;
    memset(&e, 0, sizeof(e));
    rc = sync_enroll_read_answer(v, FUZZ_INSTALL_ID, &e, bad, sizeof(bad));
    if (rc == 0) {
        /* What is kept must be what the kiosk may keep. */
        if (!hubtext_is_unit_code(e.unit_code))
            abort();
        for (p = (const unsigned char *)e.unit_name; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                abort();
    }
    json_decref(v);
    return 0;
}
