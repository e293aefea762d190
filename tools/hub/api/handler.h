/*
 * handler.h - what every endpoint sees: the server's context, one request
 * and the reply it fills; the endpoints' functions.
 *
 * api.h routes a request to these; the endpoints never include api.h, so
 * the router depends on them and not the other way round.
 */
#ifndef SIPAS_HUB_HANDLER_H
#define SIPAS_HUB_HANDLER_H

#include <stddef.h>
#include <stdint.h>

#include "hub/api/reply.h"
#include "hub/base/quota.h"
#include "hub/base/ratelimit.h"
#include "hub/base/valid.h"
#include "hub/domain/checker.h"
#include "hub/store/db.h"

#include <semaphore.h>

#define HUB_API_QUERY_MAX 16
/* Bodies of the small endpoints (enrollment, heartbeat, installation
 * record); an upload may reach HUB_INGEST_BODY_MAX. */
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
    hub_ratelimit_t *enroll_limit; /* enrollment attempts per address */
    hub_ratelimit_t *code_limit;   /* failed attempts per code, per unit;
                                    * NULL: none */
    hub_ratelimit_t *unit_limit;
    hub_ratelimit_t *audit_limit;  /* audited refusals per address; NULL:
                                    * every one */
    sem_t *parse_slots;            /* NULL: uploads parsed without limit */
    hub_quota_t *quota;            /* per kiosk; NULL: no quotas */
    hub_checker_t *checker;        /* the integrity check; NULL: /healthz
                                    * says nothing of it */
    hub_db_t *read_db;             /* statistics' reads (a PostgreSQL
                                    * replica); NULL: db's */
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

int hub_api_enroll(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_ingest(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_heartbeat(hub_ctx_t *ctx, const hub_request_t *req,
                      hub_reply_t *r);
int hub_api_installation(hub_ctx_t *ctx, const hub_request_t *req,
                         hub_reply_t *r);

/* The start of a kiosk's report (heartbeat, installation record): the
 * kiosk authenticated (its id in install_id), no parameters, a JSON
 * object body in *v (the caller's to release). 0, or the status put in
 * r. (api_report.c) */
int hub_api_begin_report(hub_ctx_t *ctx, const hub_request_t *req,
                         char install_id[HUB_INSTALL_ID_LEN + 1], json_t **v,
                         hub_reply_t *r);
/* Stores rec for install_id in one write (the kiosk must still be active
 * when it begins) and fills r: 200 {"ok": true, "hub_time"}, 401 unknown
 * kiosk, 403 revoked, or the database's error. what names the report in
 * the log. Returns the HTTP status. (api_report.c) */
typedef int (*hub_api_store_fn)(hub_db_t *db, const char *install_id,
                                const void *rec, int64_t now_ms);
int hub_api_store_report(hub_ctx_t *ctx, const char *install_id,
                         const char *what, hub_api_store_fn store,
                         const void *rec, int64_t now_ms, hub_reply_t *r);
int hub_api_stats(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_health(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
/* The national hub's (api_national.c): a province's push of one month's
 * rows, and when each province last pushed. */
int hub_api_national_months(hub_ctx_t *ctx, const hub_request_t *req,
                            hub_reply_t *r);
int hub_api_national_targets(hub_ctx_t *ctx, const hub_request_t *req,
                             hub_reply_t *r);
int hub_api_national_provinces(hub_ctx_t *ctx, const hub_request_t *req,
                               hub_reply_t *r);
/* GET /dashboard/...: the analysts' web page, static files (api_web.c). */
int hub_api_web(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);

/* Longest range of dates an analyst's question may span. */
#define HUB_API_SPAN_MAX_DAYS 3700 /* ten years and then some */

/* The value of parameter key; NULL when absent. */
const char *hub_api_get_param(const hub_request_t *req, const char *key);
/* The dates asked by from and to, or by period (2026-Q3, 2026-11, ...):
 * 0 with from and to filled (VNTIME_DATE_MAX bytes each) and *period the
 * period asked or NULL; otherwise the 400 status put in r. */
int hub_api_read_range(const hub_request_t *req, char *from, char *to,
                       const char **period, hub_reply_t *r);

/* A JSON object body with duplicate keys refused; NULL with 400 in r. */
json_t *hub_api_load_body(const hub_request_t *req, hub_reply_t *r);

/* The whole request for a kiosk already authenticated as install_id:
 * parse, check that the body names the same kiosk, store, and fill r with
 * the acknowledgement or the error. Returns the HTTP status. */
int hub_ingest_apply(hub_db_t *db, const char *install_id, const char *body,
                     size_t len, int64_t now_ms, hub_reply_t *r);
/* The same held to the kiosk's row quotas in q (NULL: none): 429
 * quota-exceeded with Retry-After when the upload would grow its rows
 * past them. */
int hub_ingest_apply_quota(hub_db_t *db, hub_quota_t *q,
                           const char *install_id, const char *body,
                           size_t len, int64_t now_ms, hub_reply_t *r);

#endif
