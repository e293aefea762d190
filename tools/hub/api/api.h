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
 *   POST /api/v1/installation  the self-test's report (kiosk auth)
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

#include "hub/api/handler.h"

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

#endif
