/*
 * GET /api/v1/stats: counts for an analyst, within the token's scope.
 */
#include "api.h"

#include <string.h>

#include "auth.h"
#include "core/vntime.h"
#include "log.h"
#include "stats.h"
#include "units.h"
#include "valid.h"

#define HUB_STATS_SPAN_MAX_DAYS 3700 /* ten years and then some */

static const char *const hub_stats_params[] = {
    "from", "to", "unit", "group", "instrument", NULL,
};

/* The value of parameter key; NULL when absent. Unknown and repeated
 * parameters were refused before. */
static const char *hub_stats_get_param(const hub_request_t *req,
                                       const char *key)
{
    size_t i;

    for (i = 0; i < req->n_query; i++)
        if (strcmp(req->query[i].key, key) == 0)
            return req->query[i].value;
    return NULL;
}

static int hub_stats_check_params(const hub_request_t *req, hub_reply_t *r)
{
    size_t i, j, k;

    if (req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request", "too many parameters");
    for (i = 0; i < req->n_query; i++) {
        for (k = 0; hub_stats_params[k]; k++)
            if (strcmp(hub_stats_params[k], req->query[i].key) == 0)
                break;
        if (!hub_stats_params[k])
            return hub_reply_fail(
                r, 400, "bad-request",
                "unknown parameter; use from, to, unit, group, instrument");
        for (j = 0; j < i; j++)
            if (strcmp(req->query[j].key, req->query[i].key) == 0)
                return hub_reply_fail(r, 400, "bad-request",
                                      "%s is given twice", req->query[i].key);
        if (!req->query[i].value)
            return hub_reply_fail(r, 400, "bad-request", "%s has no value",
                                  req->query[i].key);
    }
    return 0;
}

static int hub_stats_read_dates(const hub_request_t *req,
                                hub_stats_query_t *q, hub_reply_t *r)
{
    int64_t from_ms, to_ms;

    q->from = hub_stats_get_param(req, "from");
    q->to = hub_stats_get_param(req, "to");
    if (!q->from || !q->to)
        return hub_reply_fail(r, 400, "bad-request",
                              "from and to are required (YYYY-MM-DD)");
    from_ms = vntime_parse_date(q->from);
    to_ms = vntime_parse_date(q->to);
    if (from_ms == -1 || to_ms == -1)
        return hub_reply_fail(r, 400, "bad-request",
                              "from and to must be dates YYYY-MM-DD");
    if (from_ms > to_ms)
        return hub_reply_fail(r, 400, "bad-request",
                              "from is after to");
    if ((to_ms - from_ms) / VNTIME_DAY_MS >= HUB_STATS_SPAN_MAX_DAYS)
        return hub_reply_fail(r, 400, "bad-request",
                              "the range is longer than %d days",
                              HUB_STATS_SPAN_MAX_DAYS);
    return 0;
}

static int hub_stats_read_query(const hub_request_t *req,
                                hub_stats_query_t *q, hub_reply_t *r)
{
    const char *group;

    memset(q, 0, sizeof(*q));
    if (hub_stats_check_params(req, r) != 0 ||
        hub_stats_read_dates(req, q, r) != 0)
        return r->status;
    q->unit = hub_stats_get_param(req, "unit");
    if (q->unit && !hub_valid_code(q->unit))
        return hub_reply_fail(r, 400, "bad-request",
                              "unit must be a unit code");
    q->instrument = hub_stats_get_param(req, "instrument");
    if (q->instrument && !hub_valid_code(q->instrument))
        return hub_reply_fail(r, 400, "bad-request",
                              "instrument must be an instrument id");
    group = hub_stats_get_param(req, "group");
    q->group = HUB_STATS_ALL;
    if (group) {
        int g = hub_stats_parse_group(group);

        if (g < 0)
            return hub_reply_fail(r, 400, "bad-request",
                                  "group must be unit, field, counter, day,"
                                  " month, quarter, half or year");
        q->group = (hub_stats_group_t)g;
    }
    return 0;
}

/* Narrows q->unit to what the token may see: a unit token sees its
 * subtree and nothing else, and learns nothing about units outside it
 * (an unknown one is just "outside"). HUB_OK, HUB_NOT_FOUND (no such
 * unit), HUB_DENIED (outside the scope) or a database error. */
static int hub_stats_apply_scope(hub_db_t *db, const hub_token_t *tok,
                                 hub_stats_query_t *q)
{
    char name[HUB_NAME_MAX + 1];
    int rc, inside;

    if (tok->scope_unit[0]) {
        if (!q->unit) {
            q->unit = tok->scope_unit;
            return HUB_OK;
        }
        rc = hub_units_contains(db, tok->scope_unit, q->unit, &inside);
        if (rc != HUB_OK)
            return rc;
        return inside ? HUB_OK : HUB_DENIED;
    }
    if (q->unit)
        return hub_units_get_name(db, q->unit, name, sizeof(name));
    return HUB_OK;
}

int hub_api_stats(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    hub_stats_query_t q;
    hub_token_t tok;
    json_t *out = NULL;
    int rc;

    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0 ||
        hub_stats_read_query(req, &q, r) != 0)
        return r->status;
    hub_db_lock(ctx->db);
    rc = hub_stats_apply_scope(ctx->db, &tok, &q);
    if (rc == HUB_OK)
        rc = hub_stats_compute(ctx->db, &q, &out);
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_DENIED)
        hub_log_say("stats: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_NOT_FOUND)
        return hub_reply_fail(r, 404, "unknown-unit", "no such unit");
    if (rc == HUB_DENIED)
        return hub_reply_fail(r, 403, "forbidden",
                              "this token does not cover that unit");
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    return hub_reply_send_json(r, 200, out);
}
