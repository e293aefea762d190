/*
 * POST /api/v1/ingest: the acknowledgement a kiosk waits for.
 */
#include "hub/api/handler.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/domain/ingest.h"

/* 429 quota-exceeded: a refusal that passes, so the kiosk waits
 * retry_after_s and keeps its data. */
static int hub_ingest_fail_quota(hub_reply_t *r, int retry_after_s,
                                const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int hub_ingest_fail_quota(hub_reply_t *r, int retry_after_s,
                                const char *fmt, ...)
{
    char msg[HUB_REPLY_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hub_reply_fail(r, 429, "quota-exceeded", "%s", msg);
    r->retry_after_s = retry_after_s;
    return 429;
}

/* The acknowledgement; rows left out are named with the reason, in the
 * answer and in the hub's log. */
static void hub_ingest_ack(hub_reply_t *r, const hub_upload_t *up,
                           const hub_ingest_result_t *res, int64_t now_ms)
{
    char why[HUB_REPLY_MSG_MAX];
    json_t *o;

    o = json_pack("{s:b, s:s, s:I, s:I, s:I, s:I, s:I}", "ok", 1,
                  "upload_id", up->upload_id, "upto_seq",
                  (json_int_t)up->upto_seq, "days", (json_int_t)res->days,
                  "stale_days", (json_int_t)res->stale_days, "ignored_rows",
                  (json_int_t)res->ignored_rows, "hub_time",
                  (json_int_t)now_ms);
    /* Said only to kiosks that send dossier-bound ratings, so an older
     * kiosk reads the answer it always did. */
    if (o && up->n_dos > 0 &&
        json_object_set_new(
            o, "dossiers",
            json_pack("{s:I, s:I, s:I}", "new",
                      (json_int_t)res->dossiers_new, "corrected",
                      (json_int_t)res->dossiers_corrected, "unchanged",
                      (json_int_t)res->dossiers_same)) != 0) {
        json_decref(o);
        o = NULL;
    }
    if (o && res->ignored_rows > 0) {
        snprintf(why, sizeof(why),
                 "%lld rows name a unit this hub does not know (such as"
                 " %s): ratings made before enrollment are tests and are"
                 " counted nowhere",
                 (long long)res->ignored_rows, res->ignored_unit);
        if (json_object_set_new(o, "ignored", json_string(why)) != 0) {
            json_decref(o);
            o = NULL;
        }
        hub_log_say("ingest from %s: %s", up->install_id, why);
    }
    hub_reply_send_json(r, 200, o);
}

int hub_ingest_apply(hub_db_t *db, const char *install_id, const char *body,
                     size_t len, int64_t now_ms, hub_reply_t *r)
{
    return hub_ingest_apply_quota(db, NULL, install_id, body, len, now_ms, r);
}

int hub_ingest_apply_quota(hub_db_t *db, hub_quota_t *q,
                           const char *install_id, const char *body,
                           size_t len, int64_t now_ms, hub_reply_t *r)
{
    hub_ingest_result_t res;
    hub_problem_t pb;
    hub_upload_t up;
    int rc;

    hub_problem_init(&pb);
    if (hub_ingest_parse(body, len, now_ms, &up, &pb) != 0) {
        hub_ingest_free(&up);
        return hub_reply_problem(r, &pb);
    }
    /* A kiosk writes only its own snapshots, whatever its body claims. */
    if (strcmp(up.install_id, install_id) != 0) {
        hub_ingest_free(&up);
        return hub_reply_fail(r, 403, "wrong-kiosk",
                              "install_id in the body is not the kiosk that"
                              " signed the request");
    }
    rc = hub_ingest_store_quota(db, q, &up, now_ms, &res);
    if (rc == HUB_OK)
        hub_ingest_ack(r, &up, &res, now_ms);
    else if (rc == HUB_CONFLICT)
        hub_reply_fail(r, 409, "implausible-seq", "%s", res.refusal);
    else if (rc == HUB_FOREIGN)
        hub_reply_fail(r, 403, "wrong-unit", "%s", res.refusal);
    else if (rc == HUB_QUOTA)
        hub_ingest_fail_quota(r, res.retry_after_s, "%s", res.refusal);
    else
        hub_reply_fail_kiosk(r, rc);
    hub_ingest_free(&up);
    return r->status;
}

int hub_api_ingest(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    char install_id[HUB_INSTALL_ID_LEN + 1];
    int status, wait;

    if (hub_auth_check_kiosk(ctx, req, install_id, r) != 0)
        return r->status;
    if (req->n_query > 0 || req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "/api/v1/ingest takes no parameters");
    /* Before the quota and the parser: nothing is counted against a
     * kiosk for an upload the database cannot take (PostgreSQL until
     * the upload writers are on it; db.h). */
    if (!hub_db_has_uploads(ctx->db))
        return hub_reply_fail_db(r, HUB_UNSUPPORTED);
    /* Counted before parsing: a body refused later has cost the CPU. */
    wait = ctx->quota ? hub_quota_take_upload(ctx->quota, install_id,
                                              (int64_t)req->body_len,
                                              req->mono_ms)
                      : 0;
    if (wait > 0)
        return hub_ingest_fail_quota(
            r, wait,
            "this kiosk has sent its %lld MiB of uploads for this hour;"
            " nothing was read, send again later",
            (long long)(hub_quota_get_limits(ctx->quota)->upload_bytes_hour >>
                        20));
    if (ctx->parse_slots) {
        while (sem_wait(ctx->parse_slots) != 0)
            if (errno != EINTR)
                return hub_reply_fail(r, 500, "internal",
                                      "cannot wait for a parser");
    }
    status = hub_ingest_apply_quota(ctx->db, ctx->quota, install_id,
                                    req->body ? req->body : "",
                                    req->body_len, req->now_ms, r);
    /* Posting a semaphore we hold cannot fail. */
    if (ctx->parse_slots)
        (void)sem_post(ctx->parse_slots);
    return status;
}
