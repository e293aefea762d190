/*
 * The national hub's endpoints (docs/HUB.md, "The national view"):
 * POST /api/v1/national/months, a provincial hub's month rows under its
 * credential; POST /api/v1/national/targets, its targets file, against
 * which the statistics of its units are held; GET /api/v1/national/provinces, when each province last
 * pushed, for a province-wide analyst token.
 */
#include "hub/api/handler.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/domain/natpush.h"
#include "hub/store/national.h"

#define HUB_API_NATIONAL_DETAIL_MAX 256

/* One write: the rows, and an audit row naming what changed. HUB_EXISTS
 * (a replay or older push) and HUB_DENIED (a unit outside the province)
 * change nothing. */
static int hub_api_national_store(hub_ctx_t *ctx, const hub_request_t *req,
                                  const hub_national_push_t *p,
                                  int64_t *held, const char **bad_unit)
{
    char detail[HUB_API_NATIONAL_DETAIL_MAX], actor[HUB_CODE_MAX + 16];
    int rc;

    snprintf(actor, sizeof(actor), "national:%s", p->province);
    snprintf(detail, sizeof(detail),
             "month=%s seq=%" PRId64 " responses=%zu answers=%zu"
             " elements=%zu officers=%zu",
             p->month, p->seq, p->n[HUB_NATIONAL_RESP],
             p->n[HUB_NATIONAL_ANS], p->n[HUB_NATIONAL_EL],
             p->n[HUB_NATIONAL_OFF]);
    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_national_replace(ctx->db, p, req->now_ms, held, bad_unit);
        if (rc == HUB_OK)
            rc = hub_db_audit(ctx->db, req->now_ms, actor, "national.push",
                              detail);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    /* The push stands; the next one would only be slower without. */
    if (rc == HUB_OK && hub_national_analyze(ctx->db, p) != HUB_OK)
        hub_log_say("national push from %s: %s", p->province,
                    hub_db_last_error(ctx->db));
    if (rc != HUB_OK && rc != HUB_EXISTS && rc != HUB_DENIED)
        hub_log_say("national push from %s: %s", p->province,
                    hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    return rc;
}

/* The standard error body and the sequence number held: a forwarder
 * whose acknowledgement was lost learns that its push arrived; one whose
 * numbers went back (a restored database) learns where to go on from. */
static void hub_api_national_add_held(hub_reply_t *r, int64_t held)
{
    json_t *o = json_pack("{s:s, s:s, s:I}", "error", r->error, "message",
                          r->message, "held_seq", (json_int_t)held);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

    json_decref(o);
    if (!text)
        return; /* the plain error body is still right */
    free(r->body);
    r->body = text;
    r->body_len = strlen(text);
}

/* The credential's province and the body's, the same or 403 (audited). */
static int hub_api_national_check_sender(hub_ctx_t *ctx,
                                         const hub_request_t *req,
                                         const char *province,
                                         const char *named, hub_reply_t *r)
{
    char detail[HUB_API_NATIONAL_DETAIL_MAX];

    if (strcmp(named, province) == 0)
        return 0;
    snprintf(detail, sizeof(detail), "credential of %s sent %s's rows",
             province, named);
    hub_auth_audit(ctx, req, "national.refused", detail, 1);
    return hub_reply_fail(r, 403, "wrong-province",
                          "this credential is %s's, not %s's", province,
                          named);
}

int hub_api_national_months(hub_ctx_t *ctx, const hub_request_t *req,
                            hub_reply_t *r)
{
    char province[HUB_CODE_MAX + 1];
    hub_natpush_doc_t doc;
    hub_national_push_t p;
    hub_problem_t pb;
    const char *bad_unit = NULL;
    int64_t held = 0;
    int rc, status;

    if (hub_auth_check_province(ctx, req, province, r) != 0)
        return r->status;
    hub_problem_init(&pb);
    if (hub_natpush_parse(req->body ? req->body : "", req->body_len, &doc,
                          &p, &pb) != 0) {
        hub_natpush_doc_free(&doc);
        return hub_reply_problem(r, &pb);
    }
    /* The credential says who is sending; the body may not say another. */
    if (hub_api_national_check_sender(ctx, req, province, p.province, r) !=
        0) {
        hub_natpush_doc_free(&doc);
        return r->status;
    }
    rc = hub_api_national_store(ctx, req, &p, &held, &bad_unit);
    if (rc == HUB_OK)
        status = hub_reply_send_json(
            r, 200,
            json_pack("{s:b, s:s, s:s, s:I}", "ok", 1, "province", province,
                      "month", p.month, "seq", (json_int_t)p.seq));
    else if (rc == HUB_EXISTS && held >= p.seq) {
        status = hub_reply_fail(r, 409, "stale-sequence",
                                "%s %s is held at seq %" PRId64
                                "; this push has %" PRId64,
                                province, p.month, held, p.seq);
        hub_api_national_add_held(r, held);
    } else if (rc == HUB_EXISTS)
        status = hub_reply_fail(r, 400, "duplicate-row",
                                "two rows of the push share a key");
    else if (rc == HUB_DENIED)
        status = hub_reply_fail(r, 403, "outside-province",
                                "unit %s is not in %s's tree",
                                bad_unit ? bad_unit : "?", province);
    else
        status = hub_reply_fail_db(r, rc);
    hub_natpush_doc_free(&doc);
    return status;
}

int hub_api_national_targets(hub_ctx_t *ctx, const hub_request_t *req,
                             hub_reply_t *r)
{
    char province[HUB_CODE_MAX + 1], actor[HUB_CODE_MAX + 16];
    char detail[HUB_API_NATIONAL_DETAIL_MAX];
    hub_natpush_targets_t tg;
    hub_problem_t pb;
    int rc;

    if (hub_auth_check_province(ctx, req, province, r) != 0)
        return r->status;
    hub_problem_init(&pb);
    if (hub_natpush_parse_targets(req->body ? req->body : "", req->body_len,
                                  &tg, &pb) != 0)
        return hub_reply_problem(r, &pb);
    if (hub_api_national_check_sender(ctx, req, province, tg.province, r) !=
        0) {
        free(tg.text);
        return r->status;
    }
    snprintf(actor, sizeof(actor), "national:%s", province);
    snprintf(detail, sizeof(detail), "targets slug=%s bytes=%zu", tg.slug,
             strlen(tg.text));
    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_national_put_targets(ctx->db, province, tg.slug, tg.text,
                                      tg.dashboard, req->now_ms);
        if (rc == HUB_OK)
            rc = hub_db_audit(ctx->db, req->now_ms, actor, "national.targets",
                              detail);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    if (rc != HUB_OK)
        hub_log_say("national targets from %s: %s", province,
                    hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    free(tg.text);
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    return hub_reply_send_json(r, 200,
                               json_pack("{s:b, s:s, s:s}", "ok", 1,
                                         "province", province, "slug",
                                         tg.slug));
}

static int hub_api_national_add_province(void *ctx,
                                         const hub_national_province_t *p)
{
    json_t *o = json_pack("{s:s, s:I, s:I, s:s?, s:I, s:s?}", "province",
                          p->province, "months", (json_int_t)p->months,
                          "last_push_at", (json_int_t)p->last_push_at,
                          "targets_slug",
                          p->targets_slug[0] ? p->targets_slug : NULL,
                          "targets_at", (json_int_t)p->targets_at,
                          "dashboard",
                          p->dashboard[0] ? p->dashboard : NULL);

    return json_array_append_new(ctx, o) == 0 ? 0 : HUB_ERROR;
}

int hub_api_national_provinces(hub_ctx_t *ctx, const hub_request_t *req,
                               hub_reply_t *r)
{
    hub_token_t tok;
    json_t *list;
    int rc;

    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0)
        return r->status;
    if (tok.scope_unit[0])
        return hub_reply_fail(r, 403, "forbidden",
                              "the provinces' pushes need a token for the"
                              " whole tree");
    if (req->n_query > 0 || req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "this endpoint takes no parameters");
    list = json_array();
    if (!list)
        return hub_reply_fail_db(r, HUB_ERROR);
    hub_db_lock(ctx->db);
    rc = hub_national_each_province(ctx->db, hub_api_national_add_province,
                                    list);
    hub_db_unlock(ctx->db);
    if (rc != HUB_OK) {
        json_decref(list);
        return hub_reply_fail_db(r, rc);
    }
    return hub_reply_send_json(
        r, 200, json_pack("{s:o, s:I}", "provinces", list, "now",
                          (json_int_t)req->now_ms));
}
