/*
 * POST /api/v1/enroll: a one-time code buys a kiosk its secret.
 */
#include "hub/api/api_enroll.h"
#include "hub/api/handler.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "hub/api/auth.h"
#include "hub/base/crypto.h"
#include "hub/base/peer.h"
#include "hub/base/log.h"
#include "hub/base/valid.h"
#include "hub/domain/jv.h"
#include "hub/store/enroll.h"
#include "hub/store/kiosks.h"
#include "hub/store/units.h"

#define HUB_ENROLL_AUDIT_MAX 512
#define HUB_ENROLL_KEY_MAX 96

static const char *const hub_enroll_keys[] = {
    "code", "install_id", "counter", "version", NULL,
};

typedef struct hub_enroll_out {
    char unit[HUB_CODE_MAX + 1];
    char unit_name[HUB_NAME_MAX + 1];
    char secret[2 * HUB_SECRET_BYTES + 1];
} hub_enroll_out_t;

static int hub_enroll_is_install_id(const char *s)
{
    return hex_is_lower(s, HUB_INSTALL_ID_LEN);
}

static int hub_enroll_is_typed_code(const char *s)
{
    return hub_valid_name(s, HUB_CODE_MAX, 0);
}

int hub_api_enroll_parse(const json_t *v, hub_enroll_req_t *e,
                         hub_problem_t *pb)
{
    const int opt = HUB_JV_OPTIONAL;

    e->counter = "";
    e->version = "";
    if (hub_jv_check_object(v, "", hub_enroll_keys, pb) != 0 ||
        hub_jv_read_text(v, "", "code", HUB_JV_REQUIRED,
                         hub_enroll_is_typed_code,
                         "the code printed by sipas-hub enroll-code",
                         &e->code, pb) < 0 ||
        hub_jv_read_text(v, "", "install_id", HUB_JV_REQUIRED,
                         hub_enroll_is_install_id, "32 lowercase hex digits",
                         &e->install_id, pb) < 0 ||
        hub_jv_read_name(v, "", "counter", opt | HUB_JV_EMPTY, HUB_NAME_MAX,
                         &e->counter, pb) < 0 ||
        hub_jv_read_text(v, "", "version", opt, hub_valid_version,
                         "a version of 1 to 64 printable ASCII characters",
                         &e->version, pb) < 0)
        return -1;
    return 0;
}

/* The whole enrollment in one transaction: redeem the code, give the kiosk
 * a new secret, record it. */
static int hub_enroll_write(hub_db_t *db, const hub_enroll_req_t *e,
                            const char *client, int64_t code_id,
                            int64_t now_ms, hub_enroll_out_t *out)
{
    unsigned char hash[HUB_SHA256_LEN];
    char actor[HUB_RATELIMIT_KEY_MAX], detail[HUB_ENROLL_AUDIT_MAX];
    int rc;

    rc = hub_enroll_redeem(db, e->code, e->install_id, now_ms, out->unit,
                           sizeof(out->unit));
    if (rc != HUB_OK)
        return rc;
    if (hub_crypto_new_secret(out->secret, hash) != 0)
        return HUB_ERROR;
    rc = hub_kiosks_enroll(db, e->install_id, out->unit, e->counter,
                           e->version, hash, now_ms);
    if (rc == HUB_OK)
        rc = hub_units_get_name(db, out->unit, out->unit_name,
                                sizeof(out->unit_name));
    snprintf(actor, sizeof(actor), "api:%s", client ? client : "?");
    snprintf(detail, sizeof(detail),
             "install_id=%s code_id=%" PRId64 " unit=%s counter=%s",
             e->install_id, code_id, out->unit, e->counter);
    if (rc == HUB_OK)
        rc = hub_db_audit(db, now_ms, actor, "kiosk.enroll", detail);
    return rc;
}

/* A failed attempt is rolled back (the code stays usable by its unit),
 * so its trace is written in a transaction of its own: which code (its
 * id, never the code), which unit, which kiosk, what came of it. A
 * takeover refused is kiosk.enroll-refused, anything else
 * kiosk.enroll-failed. */
static void hub_enroll_audit_failure(hub_ctx_t *ctx, const hub_request_t *req,
                                     const hub_enroll_req_t *e,
                                     int64_t code_id, const char *unit,
                                     const char *outcome)
{
    char detail[HUB_ENROLL_AUDIT_MAX], id[24] = "-";

    if (code_id > 0)
        snprintf(id, sizeof(id), "%" PRId64, code_id);
    snprintf(detail, sizeof(detail), "install_id=%s code_id=%s unit=%s: %s",
             e && e->install_id ? e->install_id : "-", id,
             unit && unit[0] ? unit : "-", outcome);
    hub_auth_audit(ctx, req,
                   strcmp(outcome, "other-unit") == 0 ? "kiosk.enroll-refused"
                                                      : "kiosk.enroll-failed",
                   detail, 1);
}

static int hub_enroll_answer(hub_reply_t *r, int rc)
{
    switch (rc) {
    case HUB_NOT_FOUND:
        return hub_reply_fail(r, 404, "unknown-code",
                              "no such enrollment code; check it or ask for"
                              " a new one");
    case HUB_USED:
        return hub_reply_fail(r, 409, "code-used",
                              "this enrollment code was used already; ask for"
                              " a new one");
    case HUB_EXPIRED:
        return hub_reply_fail(r, 410, "code-expired",
                              "this enrollment code has expired; ask for a"
                              " new one");
    case HUB_CONFLICT:
        return hub_reply_fail(r, 409, "other-unit",
                              "this kiosk is enrolled with another unit;"
                              " revoke it there first");
    default:
        return hub_reply_fail_db(r, rc);
    }
}

/* 429 with the wait in r; returns 429. */
static int hub_enroll_refuse_rate(hub_reply_t *r, const char *code, int wait,
                                  const char *what)
{
    hub_reply_fail(r, 429, code, "%s; retry in %d s", what, wait);
    r->retry_after_s = wait;
    return 429;
}

/* Failures on a code, and on a unit's codes, that the hub knows: codes
 * nobody issued cannot fill these tables, so a flood of guesses never
 * locks an honest code out. */
static void hub_enroll_count_failure(hub_ctx_t *ctx, const hub_request_t *req,
                                     int64_t code_id, const char *unit)
{
    char key[HUB_ENROLL_KEY_MAX];

    if (code_id > 0 && ctx->code_limit) {
        snprintf(key, sizeof(key), "code:%" PRId64, code_id);
        (void)hub_ratelimit_take(ctx->code_limit, key, req->mono_ms);
    }
    if (unit[0] && ctx->unit_limit) {
        snprintf(key, sizeof(key), "unit:%s", unit);
        (void)hub_ratelimit_take(ctx->unit_limit, key, req->mono_ms);
    }
}

/* 0 when neither the code nor its unit is locked; otherwise 429 in r. */
static int hub_enroll_check_locks(hub_ctx_t *ctx, const hub_request_t *req,
                                  int64_t code_id, const char *unit,
                                  hub_reply_t *r)
{
    char key[HUB_ENROLL_KEY_MAX];
    int wait;

    if (code_id > 0 && ctx->code_limit) {
        snprintf(key, sizeof(key), "code:%" PRId64, code_id);
        wait = hub_ratelimit_peek(ctx->code_limit, key, req->mono_ms);
        if (wait > 0)
            return hub_enroll_refuse_rate(
                r, "code-locked", wait,
                "too many failed attempts with this code; ask for a new one"
                " or wait");
    }
    if (unit[0] && ctx->unit_limit) {
        snprintf(key, sizeof(key), "unit:%s", unit);
        wait = hub_ratelimit_peek(ctx->unit_limit, key, req->mono_ms);
        if (wait > 0)
            return hub_enroll_refuse_rate(
                r, "unit-locked", wait,
                "too many failed enrollment attempts for this unit");
    }
    return 0;
}

/* The redemption under the lock: the code's id and unit first, so a
 * locked code or unit is refused before anything is written. */
static int hub_enroll_run(hub_ctx_t *ctx, const hub_request_t *req,
                          const hub_enroll_req_t *e, int64_t *code_id,
                          hub_enroll_out_t *out, hub_reply_t *r)
{
    int rc;

    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_enroll_find(ctx->db, e->code, code_id, out->unit,
                             sizeof(out->unit));
        if (rc == HUB_OK &&
            hub_enroll_check_locks(ctx, req, *code_id, out->unit, r) != 0)
            rc = HUB_DENIED;
        if (rc == HUB_OK)
            rc = hub_enroll_write(ctx->db, e, req->client, *code_id,
                                  req->now_ms, out);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_USED &&
        rc != HUB_EXPIRED && rc != HUB_CONFLICT && rc != HUB_DENIED)
        hub_log_say("enrollment: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    return rc;
}

int hub_api_enroll(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    char key[HUB_RATELIMIT_KEY_MAX];
    hub_problem_t pb;
    hub_enroll_out_t out;
    hub_enroll_req_t e;
    int64_t code_id = 0;
    json_t *v;
    int rc, wait;

    /* Guessing codes costs one request each: limited per address (an
     * IPv6 client per /64, which one subscriber usually holds whole). */
    hub_peer_get_key(req->client ? req->client : "?", key, sizeof(key));
    wait = hub_ratelimit_take(ctx->enroll_limit, key, req->mono_ms);
    if (wait > 0) {
        hub_enroll_refuse_rate(r, "rate-limited", wait,
                               "too many enrollment attempts");
        hub_enroll_audit_failure(ctx, req, NULL, 0, NULL, r->error);
        return 429;
    }
    v = hub_api_load_body(req, r);
    if (!v) {
        hub_enroll_audit_failure(ctx, req, NULL, 0, NULL, r->error);
        return r->status;
    }
    hub_problem_init(&pb);
    if (hub_api_enroll_parse(v, &e, &pb) != 0) {
        json_decref(v);
        hub_reply_problem(r, &pb);
        hub_enroll_audit_failure(ctx, req, NULL, 0, NULL, r->error);
        return r->status;
    }
    memset(&out, 0, sizeof(out));
    rc = hub_enroll_run(ctx, req, &e, &code_id, &out, r);
    if (rc == HUB_USED || rc == HUB_EXPIRED || rc == HUB_CONFLICT)
        hub_enroll_count_failure(ctx, req, code_id, out.unit);
    if (rc != HUB_OK) {
        if (rc != HUB_DENIED)
            hub_enroll_answer(r, rc);
        hub_enroll_audit_failure(ctx, req, &e, code_id, out.unit, r->error);
        json_decref(v);
        return r->status;
    }
    hub_log_say("enrolled kiosk %s into %s", e.install_id, out.unit);
    hub_reply_send_json(
        r, 200,
        json_pack("{s:b, s:s, s:s, s:{s:s, s:s}, s:I}", "ok", 1, "install_id",
                  e.install_id, "secret", out.secret, "unit", "code",
                  out.unit, "name", out.unit_name, "hub_time",
                  (json_int_t)req->now_ms));
    explicit_bzero(out.secret, sizeof(out.secret));
    json_decref(v);
    return r->status;
}
