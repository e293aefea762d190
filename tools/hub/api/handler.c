/*
 * What the endpoints share: reading parameters and a JSON body; the
 * health check.
 */
#include "hub/api/handler.h"

#include <stdio.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/base/log.h"
#include "hub/domain/periods.h"

const char *hub_api_get_param(const hub_request_t *req, const char *key)
{
    size_t i;

    for (i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0)
            return req->query[i].value;
    return NULL;
}

int hub_api_read_range(const hub_request_t *req, char *from, char *to,
                       const char **period, hub_reply_t *r)
{
    const char *f = hub_api_get_param(req, "from");
    const char *t = hub_api_get_param(req, "to");
    const char *p = hub_api_get_param(req, "period");
    int64_t from_ms, to_ms;

    *period = p;
    if (p && (f || t))
        return hub_reply_fail(r, 400, "bad-request",
                              "give either period or from and to");
    if (p) {
        /* The same periods the statistics take, parsed by the same code. */
        if (hub_periods_parse(p, from, to) != 0)
            return hub_reply_fail(r, 400, "bad-request",
                                  "period must be like 2026-Q3, 2026-H1,"
                                  " 2026-11, 2026 or 2026-11-22");
    } else {
        if (!f || !t)
            return hub_reply_fail(r, 400, "bad-request",
                                  "from and to are required (YYYY-MM-DD),"
                                  " or period");
        if (vntime_parse_date(f) == -1 || vntime_parse_date(t) == -1)
            return hub_reply_fail(r, 400, "bad-request",
                                  "from and to must be dates YYYY-MM-DD");
        snprintf(from, VNTIME_DATE_MAX, "%s", f);
        snprintf(to, VNTIME_DATE_MAX, "%s", t);
    }
    from_ms = vntime_parse_date(from);
    to_ms = vntime_parse_date(to);
    if (from_ms > to_ms)
        return hub_reply_fail(r, 400, "bad-request", "from is after to");
    if ((to_ms - from_ms) / VNTIME_DAY_MS >= HUB_API_SPAN_MAX_DAYS)
        return hub_reply_fail(r, 400, "bad-request",
                              "the range is longer than %d days",
                              HUB_API_SPAN_MAX_DAYS);
    return 0;
}

json_t *hub_api_load_body(const hub_request_t *req, hub_reply_t *r)
{
    json_error_t jerr;
    json_t *v;

    if (!req->body || req->body_len == 0) {
        hub_reply_fail(r, 400, "bad-request", "a JSON body is required");
        return NULL;
    }
    v = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!v) {
        hub_reply_fail(r, 400, "bad-request",
                       "not valid JSON at line %d, column %d: %s", jerr.line,
                       jerr.column, jerr.text);
        return NULL;
    }
    return v;
}

int hub_api_health(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    int64_t free_kb, reserve_kb;
    int rc, short_of_room;
    json_t *body;

    if (req->n_query > 0 || req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "/healthz takes no parameters");
    hub_db_lock(ctx->db);
    rc = hub_db_ping(ctx->db);
    if (rc != HUB_OK)
        hub_log_say("health check: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc != HUB_OK)
        return hub_reply_fail(r, 503, "unavailable",
                              "the database does not answer");
    /* Still 200: the hub answers and serves statistics; a monitor reads
     * "storage" to learn that kiosks' uploads are being refused, and
     * "integrity" to learn that the file failed its check. */
    short_of_room = hub_db_is_short_of_room(ctx->db, &free_kb, &reserve_kb);
    body = json_pack("{s:b, s:s, s:I, s:I}", "ok", 1, "storage",
                     short_of_room ? "full" : "ok", "free_mb",
                     (json_int_t)(free_kb / 1024), "reserve_mb",
                     (json_int_t)(reserve_kb / 1024));
    /* PostgreSQL's disk is the server's: no figure of this machine's. */
    if (body && hub_db_is_server(ctx->db) &&
        (json_object_set_new(body, "free_mb", json_null()) != 0 ||
         json_object_set_new(body, "reserve_mb", json_null()) != 0)) {
        json_decref(body);
        body = NULL;
    }
    if (body && ctx->checker &&
        json_object_set_new(body, "integrity",
                            hub_checker_status_json(ctx->checker)) != 0) {
        json_decref(body);
        body = NULL;
    }
    return hub_reply_send_json(r, 200, body);
}
