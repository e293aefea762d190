/*
 * POST /api/v1/installation: a kiosk's installation record, the report of
 * its commissioning self-test.
 */
#include "hub/api/handler.h"

#include <string.h>

#include "hub/domain/installation.h"

static int hub_installation_put(hub_db_t *db, const char *install_id,
                                const void *rec, int64_t now_ms)
{
    return hub_installation_store(db, install_id, rec, now_ms);
}

int hub_api_installation(hub_ctx_t *ctx, const hub_request_t *req,
                         hub_reply_t *r)
{
    char install_id[HUB_INSTALL_ID_LEN + 1];
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v;
    int status;

    if (hub_api_begin_report(ctx, req, install_id, &v, r) != 0)
        return r->status;
    hub_problem_init(&pb);
    if (hub_installation_parse(v, &rec, &pb) != 0) {
        json_decref(v);
        return hub_reply_problem(r, &pb);
    }
    /* A kiosk writes only its own record, whatever its body claims. */
    if (strcmp(rec.install_id, install_id) != 0) {
        json_decref(v);
        return hub_reply_fail(r, 403, "wrong-kiosk",
                              "install_id in the body is not the kiosk that"
                              " signed the request");
    }
    status = hub_api_store_report(ctx, install_id, "installation record",
                                  hub_installation_put, &rec, req->now_ms,
                                  r);
    json_decref(v);
    return status;
}
