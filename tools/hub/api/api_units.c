/*
 * GET /api/v1/units[?at=DATE]: the unit tree in the token's scope, today
 * or as it stood on a date (docs/STATS_API.md).
 */
#include "hub/api/api_stats.h"

#include <stdlib.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/store/unittree.h"

static json_t *hub_api_units_make_text(const char *s)
{
    return s[0] ? json_string(s) : json_null();
}

static int hub_api_units_add_node(void *ctx, const hub_tree_t *t, int node)
{
    const hub_tree_node_t *x = &t->nodes[node];
    json_t *o = json_pack(
        "{s:s, s:s, s:o, s:i, s:o, s:o}", "code", x->code, "name", x->name,
        "parent", hub_api_units_make_text(x->parent), "level", x->depth,
        "merged_into", hub_api_units_make_text(x->merged_into), "valid_from",
        hub_api_units_make_text(x->valid_from));

    return json_array_append_new(ctx, o) == 0 ? 0 : HUB_ERROR;
}

static int hub_api_units_read_params(const hub_request_t *req, const char **at,
                                     hub_reply_t *r)
{
    *at = NULL;
    if (req->query_overflow || req->n_query > 1 ||
        (req->n_query == 1 && strcmp(req->query[0].key, "at") != 0))
        return hub_reply_fail(r, 400, "bad-request",
                              "the only parameter is at=YYYY-MM-DD");
    if (req->n_query == 1) {
        *at = req->query[0].value;
        if (!*at || vntime_parse_date(*at) == -1)
            return hub_reply_fail(r, 400, "bad-request",
                                  "at must be a date YYYY-MM-DD");
    }
    return 0;
}

/* The tree (today's, or on at) within the token's unit, into list. */
static int hub_api_units_collect(hub_db_t *db, const hub_token_t *tok,
                                 const char *at, json_t *list)
{
    hub_tree_t *t = NULL;
    int rc = hub_db_begin_read(db), root = -1;

    if (rc != HUB_OK)
        return rc;
    rc = hub_tree_load(db, at, &t);
    hub_db_end_read(db);
    if (rc != HUB_OK)
        return rc;
    if (tok->scope_unit[0]) {
        root = hub_tree_find(t, tok->scope_unit);
        if (root < 0)
            rc = HUB_DENIED;
    }
    if (rc == HUB_OK)
        rc = hub_tree_each(t, root, hub_api_units_add_node, list);
    hub_tree_free(t);
    return rc;
}

int hub_api_units(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    json_t *list;
    hub_token_t tok;
    const char *at;
    int rc;

    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0 ||
        hub_api_units_read_params(req, &at, r) != 0)
        return r->status;
    list = json_array();
    if (!list)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    hub_db_lock(ctx->db);
    rc = hub_api_units_collect(ctx->db, &tok, at, list);
    if (rc != HUB_OK && rc != HUB_DENIED)
        hub_log_say("units: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_DENIED) {
        json_decref(list);
        return hub_reply_fail(r, 403, "forbidden",
                              "this token's unit no longer exists");
    }
    if (rc != HUB_OK) {
        json_decref(list);
        return hub_reply_fail_db(r, rc);
    }
    return hub_reply_send_json(
        r, 200, json_pack("{s:s?, s:o}", "at", at, "units", list));
}
