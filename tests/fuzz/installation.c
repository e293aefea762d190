/*
 * The body of an installation record, POST /api/v1/installation
 * (hub/domain/installation.c), loaded as the endpoint loads it.
 */
#include "fuzz_hub.h"

#include "hub/domain/installation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_installation_t rec;
    hub_problem_t pb;
    hub_reply_t r;
    json_t *v = fuzz_hub_body(data, size, &r);

    if (v) {
        hub_problem_init(&pb);
        if (hub_installation_parse(v, &rec, &pb) != 0)
            (void)hub_reply_problem(&r, &pb);
        json_decref(v);
    }
    hub_reply_clear(&r);
    return 0;
}
