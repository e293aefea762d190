/*
 * A kiosk's report on itself (heartbeat, installation record): stored in
 * one write, answered the same way.
 */
#include "hub/api/handler.h"

#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/store/kiosks.h"

int hub_api_begin_report(hub_ctx_t *ctx, const hub_request_t *req,
                         char install_id[HUB_INSTALL_ID_LEN + 1], json_t **v,
                         hub_reply_t *r)
{
    *v = NULL;
    if (hub_auth_check_kiosk(ctx, req, install_id, r) != 0)
        return r->status;
    if (req->n_query > 0 || req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "%s takes no parameters", req->path);
    *v = hub_api_load_body(req, r);
    return *v ? 0 : r->status;
}

int hub_api_store_report(hub_ctx_t *ctx, const char *install_id,
                         const char *what, hub_api_store_fn store,
                         const void *rec, int64_t now_ms, hub_reply_t *r)
{
    hub_db_t *db = ctx->db;
    int rc;

    hub_db_lock(db);
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK) {
        /* Inside the write: a revocation that raced the request wins. */
        rc = hub_kiosks_check_active(db, install_id);
        if (rc == HUB_OK)
            rc = store(db, install_id, rec, now_ms);
        if (rc == HUB_OK)
            rc = hub_db_commit(db);
        else
            hub_db_rollback(db);
    }
    if (rc != HUB_OK && rc != HUB_DENIED && rc != HUB_REVOKED)
        hub_log_say("%s from %s: %s", what, install_id,
                    hub_db_last_error(db));
    hub_db_unlock(db);
    if (rc != HUB_OK)
        return hub_reply_fail_kiosk(r, rc);
    return hub_reply_send_json(r, 200,
                               json_pack("{s:b, s:I}", "ok", 1, "hub_time",
                                         (json_int_t)now_ms));
}
