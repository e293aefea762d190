/*
 * fuzz_hub.h - a small body reaching the hub, as its endpoints load it.
 * Ownership: the JSON returned is the caller's (json_decref); r is
 * started here and cleared by the caller.
 */
#ifndef SIPAS_FUZZ_HUB_H
#define SIPAS_FUZZ_HUB_H

#include "fuzz.h"

#include "hub/api/handler.h"

/* The body as hub_api_load_body() reads it (duplicate keys refused);
 * NULL when the hub would refuse it with 400, or when it is larger than
 * the hub takes for the small endpoints. */
static inline json_t *fuzz_hub_body(const uint8_t *data, size_t size,
                                    hub_reply_t *r)
{
    hub_request_t req;

    hub_reply_init(r);
    if (size > HUB_API_SMALL_BODY_MAX)
        return NULL;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.body = (const char *)data;
    req.body_len = size;
    req.now_ms = FUZZ_NOW_MS;
    return hub_api_load_body(&req, r);
}

#endif
