/*
 * Routing and the small endpoints.
 */
#include "hub/api/api.h"

#include <string.h>

#include "hub/api/api_dossiers.h"
#include "hub/api/api_kiosks.h"
#include "hub/api/auth.h"
#include "hub/api/api_stats.h"
#include "hub/domain/ingest.h"
#include "hub/domain/natpush.h"

typedef struct hub_route {
    const char *path;
    const char *method;
    hub_api_fn fn;
    size_t body_max;
    const char *allow; /* the Allow header of a 405 */
} hub_route_t;

#define HUB_POST(path, fn, max) {path, "POST", fn, max, "POST"}
/* HEAD is GET without the body (libmicrohttpd leaves the body out), so a
 * monitor may probe any page or /healthz with it. */
#define HUB_GET(path, fn) {path, "GET", fn, 0, "GET, HEAD"}

static const hub_route_t hub_api_routes[] = {
    HUB_POST("/api/v1/enroll", hub_api_enroll, HUB_API_SMALL_BODY_MAX),
    HUB_POST("/api/v1/ingest", hub_api_ingest, HUB_INGEST_BODY_MAX),
    HUB_POST("/api/v1/heartbeat", hub_api_heartbeat, HUB_API_SMALL_BODY_MAX),
    HUB_POST("/api/v1/installation", hub_api_installation,
             HUB_API_SMALL_BODY_MAX),
    HUB_POST("/api/v1/national/months", hub_api_national_months,
             HUB_NATPUSH_BODY_MAX),
    HUB_POST("/api/v1/national/targets", hub_api_national_targets,
             HUB_NATPUSH_TARGETS_BODY_MAX),
    HUB_GET("/api/v1/national/provinces", hub_api_national_provinces),
    HUB_GET("/api/v1/stats", hub_api_stats),
    HUB_GET("/api/v1/units", hub_api_units),
    HUB_GET("/api/v1/kiosks", hub_api_kiosks),
    HUB_GET("/api/v1/completeness", hub_api_completeness),
    HUB_GET("/api/v1/dossiers", hub_api_dossiers),
    /* A path ending in '*' is a prefix: every file of the dashboard. */
    HUB_GET("/dashboard*", hub_api_web),
    HUB_GET("/healthz", hub_api_health),
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
    int head = strcmp(method, "HEAD") == 0;

    *body_max = 0;
    for (i = 0; i < HUB_API_N_ROUTES; i++) {
        const hub_route_t *rt = &hub_api_routes[i];

        if (!hub_api_match(rt->path, path))
            continue;
        if (strcmp(rt->method, method) != 0 &&
            !(head && strcmp(rt->method, "GET") == 0)) {
            hub_reply_fail(r, 405, "method-not-allowed",
                           "%s only accepts %s", path, rt->allow);
            r->allow = rt->allow;
            return NULL;
        }
        *body_max = rt->body_max;
        return rt->fn;
    }
    hub_reply_fail(r, 404, "not-found", "no such endpoint");
    return NULL;
}

int hub_api_handle(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    hub_api_fn fn;
    size_t body_max;
    int status;

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
    status = fn(ctx, req, r);
    if (r->token_checked)
        hub_auth_audit_analyst(ctx, req, r);
    return status;
}
