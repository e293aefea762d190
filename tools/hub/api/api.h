/*
 * api.h - the HTTP API as plain functions: a request in, a reply out.
 *
 * The HTTP layer (http.c) turns a libmicrohttpd request into a
 * hub_request_t, calls hub_api_handle() and sends the hub_reply_t back;
 * everything between, routing included, runs without a socket, which is
 * how the unit tests drive it. Endpoints follow docs/SYNC_PROTOCOL.md:
 *
 *   POST /api/v1/enroll      one-time code -> kiosk secret
 *   POST /api/v1/ingest      per-day snapshots (kiosk auth)
 *   POST /api/v1/heartbeat   kiosk status (kiosk auth)
 *   GET  /api/v1/stats       counts for analysts (token auth)
 *   GET  /api/v1/kiosks      kiosk health for analysts (token auth)
 *   GET  /api/v1/completeness  who reported, per unit (token auth)
 *   GET  /dashboard/...      the analysts' web page (static files)
 *   GET  /healthz            200 while the database answers
 *
 * Ownership: a request borrows every string it points to for the call;
 * the context is the caller's and outlives every request.
 * Threads: handlers may run on many threads at once; they serialise on
 * the database lock and the rate limiters' own locks.
 */
#ifndef SIPAS_HUB_API_H
#define SIPAS_HUB_API_H

#include <stddef.h>
#include <stdint.h>

#include "hub/api/reply.h"
#include "hub/base/ratelimit.h"
#include "hub/store/db.h"

#include <semaphore.h>

#define HUB_API_QUERY_MAX 16
/* Bodies of the small endpoints (enrolment, heartbeat); an upload may
 * reach HUB_INGEST_BODY_MAX. */
#define HUB_API_SMALL_BODY_MAX (16 * 1024)
/* Uploads parsed at once. A 1 MiB body can take tens of MiB as parsed
 * JSON; writing is one at a time anyway, so a few parsers keep the CPU
 * busy and bound the memory whatever many clients send. */
#define HUB_API_PARSE_SLOTS 4
#define HUB_API_RATE_WINDOW_MS 60000
#define HUB_API_RATE_DEFAULT 120 /* requests a minute per kiosk */

typedef struct hub_ctx {
    hub_db_t *db;
    hub_ratelimit_t *kiosk_limit;  /* per authenticated kiosk */
    hub_ratelimit_t *enroll_limit; /* enrolment attempts per address */
    sem_t *parse_slots;            /* NULL: uploads parsed without limit */
} hub_ctx_t;

typedef struct hub_param {
    const char *key, *value;
} hub_param_t;

typedef struct hub_request {
    const char *method, *path;
    const char *authorization; /* header value, NULL when absent */
    const char *kiosk;         /* X-Sipas-Kiosk, NULL when absent */
    const char *if_none_match; /* If-None-Match, NULL when absent */
    const char *body;          /* NULL for none */
    size_t body_len;
    size_t n_query;
    hub_param_t query[HUB_API_QUERY_MAX];
    int query_overflow;        /* more parameters than fit */
    const char *client;        /* peer address, for limits and audit */
    int64_t now_ms;            /* wall clock */
    int64_t mono_ms;           /* monotonic clock, for rate windows */
} hub_request_t;

typedef int (*hub_api_fn)(hub_ctx_t *ctx, const hub_request_t *req,
                          hub_reply_t *r);

/* The handler for method and path, or NULL with r set to 404 not-found
 * or 405 method-not-allowed (r->allow naming the right method).
 * *body_max is the largest body the endpoint accepts (0: none). The HTTP
 * layer asks before receiving anything, so a wrong request costs no
 * upload. */
hub_api_fn hub_api_route(const char *method, const char *path,
                         size_t *body_max, hub_reply_t *r);
/* Routes and runs one request; returns the HTTP status put in r. */
int hub_api_handle(hub_ctx_t *ctx, const hub_request_t *req,
                   hub_reply_t *r);

int hub_api_enroll(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_ingest(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_heartbeat(hub_ctx_t *ctx, const hub_request_t *req,
                      hub_reply_t *r);
int hub_api_stats(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_health(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
/* GET /dashboard/...: the analysts' web page, static files (api_web.c). */
int hub_api_web(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);

/* A JSON object body with duplicate keys refused; NULL with 400 in r. */
json_t *hub_api_load_body(const hub_request_t *req, hub_reply_t *r);

#endif
