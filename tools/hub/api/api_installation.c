/*
 * POST /api/v1/installation: a kiosk's installation record, the report of
 * its commissioning self-test.
 */
#include "hub/api/handler.h"

#include <string.h>

#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/domain/installation.h"
#include "hub/store/kiosks.h"

static int hub_installation_write(hub_db_t *db, const char *install_id,
                                  const hub_installation_t *rec,
                                  int64_t now_ms)
{
    int rc;

    hub_db_lock(db);
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK) {
        rc = hub_kiosks_check_active(db, install_id);
        if (rc == HUB_OK)
            rc = hub_installation_store(db, install_id, rec, now_ms);
        if (rc == HUB_OK)
            rc = hub_db_commit(db);
        else
            hub_db_rollback(db);
    }
    if (rc != HUB_OK && rc != HUB_DENIED && rc != HUB_REVOKED)
        hub_log_say("installation record from %s: %s", install_id,
                    hub_db_last_error(db));
    hub_db_unlock(db);
    return rc;
}

int hub_api_installation(hub_ctx_t *ctx, const hub_request_t *req,
                         hub_reply_t *r)
{
    char install_id[HUB_INSTALL_ID_LEN + 1];
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v;
    int rc;

    if (hub_auth_check_kiosk(ctx, req, install_id, r) != 0)
        return r->status;
    if (req->n_query > 0 || req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "/api/v1/installation takes no parameters");
    v = hub_api_load_body(req, r);
    if (!v)
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
    rc = hub_installation_write(ctx->db, install_id, &rec, req->now_ms);
    json_decref(v);
    if (rc == HUB_DENIED)
        return hub_reply_fail(r, 401, "unauthorized", "unknown kiosk");
    if (rc == HUB_REVOKED)
        return hub_reply_fail(r, 403, "revoked",
                              "this kiosk was revoked; enroll it again with a"
                              " new code");
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    return hub_reply_send_json(r, 200,
                               json_pack("{s:b, s:I}", "ok", 1, "hub_time",
                                         (json_int_t)req->now_ms));
}
