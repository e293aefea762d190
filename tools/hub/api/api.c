/*
 * Routing and the small endpoints.
 */
#include "hub/api/api.h"

#include <string.h>

#include "hub/api/api_kiosks.h"
#include "hub/api/api_stats.h"
#include "hub/domain/ingest.h"

typedef struct hub_route {
    const char *path;
    const char *method;
    hub_api_fn fn;
    size_t body_max;
} hub_route_t;

static const hub_route_t hub_api_routes[] = {
    {"/api/v1/enroll", "POST", hub_api_enroll, HUB_API_SMALL_BODY_MAX},
    {"/api/v1/ingest", "POST", hub_api_ingest, HUB_INGEST_BODY_MAX},
    {"/api/v1/heartbeat", "POST", hub_api_heartbeat, HUB_API_SMALL_BODY_MAX},
    {"/api/v1/stats", "GET", hub_api_stats, 0},
    {"/api/v1/units", "GET", hub_api_units, 0},
    {"/api/v1/kiosks", "GET", hub_api_kiosks, 0},
    {"/api/v1/completeness", "GET", hub_api_completeness, 0},
    /* A path ending in '*' is a prefix: every file of the dashboard. */
    {"/dashboard*", "GET", hub_api_web, 0},
    {"/healthz", "GET", hub_api_health, 0},
};

#define HUB_API_N_ROUTES (sizeof(hub_api_routes) / sizeof(hub_api_routes[0]))

static int hub_api_match(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);

    if (n > 0 && pattern[n - 1] == '*')
        return strncmp(pattern, path, n - 1) == 0;
    return strcmp(pattern, path) == 0;
}

hub_api_fn hub_api_route(const char *method, const char *path,
                         size_t *body_max, hub_reply_t *r)
{
    size_t i;

    *body_max = 0;
    for (i = 0; i < HUB_API_N_ROUTES; i++) {
        if (!hub_api_match(hub_api_routes[i].path, path))
            continue;
        if (strcmp(hub_api_routes[i].method, method) != 0) {
            hub_reply_fail(r, 405, "method-not-allowed",
                           "%s only accepts %s", path,
                           hub_api_routes[i].method);
            r->allow = hub_api_routes[i].method;
            return NULL;
        }
        *body_max = hub_api_routes[i].body_max;
        return hub_api_routes[i].fn;
    }
    hub_reply_fail(r, 404, "not-found", "no such endpoint");
    return NULL;
}

int hub_api_handle(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    hub_api_fn fn;
    size_t body_max;

    fn = hub_api_route(req->method, req->path, &body_max, r);
    if (!fn)
        return r->status;
    /* An endpoint without a body has no use for one: refusing it keeps
     * the rule "what is not documented is not accepted". */
    if (body_max == 0 && req->body_len > 0)
        return hub_reply_fail(r, 400, "bad-request",
                              "%s takes no request body", req->path);
    if (req->body_len > body_max)
        return hub_reply_fail(r, 413, "too-large",
                              "the body is over %zu bytes", body_max);
    return fn(ctx, req, r);
}
