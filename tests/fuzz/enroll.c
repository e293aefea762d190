/*
 * The body of an enrollment, POST /api/v1/enroll (hub/api/api_enroll.c):
 * loaded as every small body is (hub_api_load_body: duplicate keys
 * refused) and read, before any code is looked up.
 */
#include "fuzz_hub.h"

#include "hub/api/api_enroll.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hub_enroll_req_t e;
    hub_problem_t pb;
    hub_reply_t r;
    json_t *v = fuzz_hub_body(data, size, &r);

    if (v) {
        hub_problem_init(&pb);
        if (hub_api_enroll_parse(v, &e, &pb) != 0)
            (void)hub_reply_problem(&r, &pb);
        json_decref(v);
    }
    hub_reply_clear(&r);
    return 0;
}
