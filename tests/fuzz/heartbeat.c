/*
 * The body of a heartbeat, POST /api/v1/heartbeat
 * (hub/domain/heartbeat.c), loaded as the endpoint loads it.
 */
#include "fuzz_hub.h"

#include "hub/domain/heartbeat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_heartbeat_t hb;
    hub_problem_t pb;
    hub_reply_t r;
    json_t *v = fuzz_hub_body(data, size, &r);

    if (v) {
        hub_problem_init(&pb);
        if (hub_heartbeat_parse(v, "", &hb, &pb) != 0)
            (void)hub_reply_problem(&r, &pb);
        json_decref(v);
    }
    hub_reply_clear(&r);
    return 0;
}
