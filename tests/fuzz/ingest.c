/*
 * The body of an upload, POST /api/v1/ingest (hub/domain/ingest_parse.c):
 * every rule of docs/SYNC_PROTOCOL.md is checked before the database is
 * touched, so this is all a kiosk's bytes meet first.
 */
#include "fuzz.h"

#include "hub/domain/ingest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_upload_t up;
    hub_problem_t pb;

    hub_problem_init(&pb);
    (void)hub_ingest_parse((const char *)data, size, FUZZ_NOW_MS, &up, &pb);
    hub_ingest_free(&up);
    return 0;
}
