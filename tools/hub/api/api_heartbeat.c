/*
 * POST /api/v1/heartbeat: a kiosk with nothing to upload says it is alive.
 */
#include "hub/api/handler.h"

#include "hub/domain/heartbeat.h"

static int hub_heartbeat_put(hub_db_t *db, const char *install_id,
                             const void *rec, int64_t now_ms)
{
    return hub_heartbeat_store(db, install_id, rec, now_ms);
}

int hub_api_heartbeat(hub_ctx_t *ctx, const hub_request_t *req,
                      hub_reply_t *r)
{
    char install_id[HUB_INSTALL_ID_LEN + 1];
    hub_problem_t pb;
    hub_heartbeat_t hb;
    json_t *v;
    int status;

    if (hub_api_begin_report(ctx, req, install_id, &v, r) != 0)
        return r->status;
    hub_problem_init(&pb);
    if (hub_heartbeat_parse(v, "", &hb, &pb) != 0) {
        json_decref(v);
        return hub_reply_problem(r, &pb);
    }
    status = hub_api_store_report(ctx, install_id, "heartbeat",
                                  hub_heartbeat_put, &hb, req->now_ms, r);
    json_decref(v);
    return status;
}
