/*
 * The body of a heartbeat, POST /api/v1/heartbeat
 * (hub/domain/heartbeat.c), loaded as the endpoint loads it.
 */
#include "fuzz.h"

#include "hub/api/handler.h"
#include "hub/domain/heartbeat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_request_t req;
    hub_heartbeat_t hb;
    hub_problem_t pb;
    hub_reply_t r;
    json_t *v;

    if (size > HUB_API_SMALL_BODY_MAX)
        return 0;
    memset(&req, 0, sizeof(req));
    req.body = (const char *)data;
    req.body_len = size;
    hub_reply_init(&r);
    v = hub_api_load_body(&req, &r);
    if (v) {
        hub_problem_init(&pb);
        if (hub_heartbeat_parse(v, "", &hb, &pb) != 0)
            (void)hub_reply_problem(&r, &pb);
        json_decref(v);
    }
    hub_reply_clear(&r);
    return 0;
}
