/*
 * The query string of GET /api/v1/stats (hub/api/api_stats.c): split and
 * unescaped as libmicrohttpd hands it to the hub (at most
 * HUB_API_QUERY_MAX parameters, a key without '=' has no value), then
 * read and checked as the endpoint does before it asks the database.
 */
#include "fuzz.h"

#include <microhttpd.h>

#include "hub/api/api_stats.h"
#include "hub/api/reply.h"

#define FUZZ_QUERY_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[FUZZ_QUERY_MAX + 1];
    hub_request_t req;
    hub_stats_request_t s;
    hub_reply_t r;
    char *p, *next, *eq;

    if (size > FUZZ_QUERY_MAX)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.path = "/api/v1/stats";
    req.now_ms = FUZZ_NOW_MS;
    for (p = buf; p; p = next) {
        next = strchr(p, '&');
        if (next)
            *next++ = '\0';
        if (!*p)
            continue;
        if (req.n_query >= HUB_API_QUERY_MAX) {
            req.query_overflow = 1;
            break;
        }
        eq = strchr(p, '=');
        if (eq) {
            *eq++ = '\0';
            (void)MHD_http_unescape(eq);
        }
        (void)MHD_http_unescape(p);
        req.query[req.n_query].key = p;
        req.query[req.n_query].value = eq;
        req.n_query++;
    }
    hub_reply_init(&r);
    (void)hub_api_stats_read_query(&req, &s, &r);
    hub_reply_clear(&r);
    return 0;
}
