/*
 * POST /api/v1/enroll: a one-time code buys a kiosk its secret.
 */
#include "hub/api/api_enroll.h"
#include "hub/api/handler.h"

#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "hub/base/crypto.h"
#include "hub/base/log.h"
#include "hub/base/valid.h"
#include "hub/domain/jv.h"
#include "hub/store/enroll.h"
#include "hub/store/kiosks.h"
#include "hub/store/units.h"

#define HUB_ENROLL_AUDIT_MAX 512

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
                            const char *client, int64_t now_ms,
                            hub_enroll_out_t *out)
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
    snprintf(detail, sizeof(detail), "install_id=%s unit=%s counter=%s",
             e->install_id, out->unit, e->counter);
    if (rc == HUB_OK)
        rc = hub_db_audit(db, now_ms, actor, "kiosk.enroll", detail);
    return rc;
}

/* A refused takeover is rolled back (the code stays usable by its unit),
 * so its trace is written in a transaction of its own. */
static void hub_enroll_audit_refusal(hub_db_t *db, const hub_enroll_req_t *e,
                                     const char *client, const char *unit,
                                     int64_t now_ms)
{
    char actor[HUB_RATELIMIT_KEY_MAX], detail[HUB_ENROLL_AUDIT_MAX];
    int rc;

    snprintf(actor, sizeof(actor), "api:%s", client ? client : "?");
    snprintf(detail, sizeof(detail),
             "install_id=%s unit=%s: enrolled with another unit",
             e->install_id, unit);
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK) {
        rc = hub_db_audit(db, now_ms, actor, "kiosk.enroll-refused", detail);
        if (rc == HUB_OK)
            rc = hub_db_commit(db);
        else
            hub_db_rollback(db);
    }
    if (rc != HUB_OK)
        hub_log_say("enrollment refusal not audited: %s",
                    hub_db_last_error(db));
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

int hub_api_enroll(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    char key[HUB_RATELIMIT_KEY_MAX];
    hub_problem_t pb;
    hub_enroll_out_t out;
    hub_enroll_req_t e;
    json_t *v;
    int rc, wait;

    /* Guessing codes costs one request each: limited per address. */
    snprintf(key, sizeof(key), "%s", req->client ? req->client : "?");
    wait = hub_ratelimit_take(ctx->enroll_limit, key, req->mono_ms);
    if (wait > 0) {
        hub_reply_fail(r, 429, "rate-limited",
                       "too many enrollment attempts; retry in %d s", wait);
        r->retry_after_s = wait;
        return 429;
    }
    v = hub_api_load_body(req, r);
    if (!v)
        return r->status;
    hub_problem_init(&pb);
    if (hub_api_enroll_parse(v, &e, &pb) != 0) {
        json_decref(v);
        return hub_reply_problem(r, &pb);
    }
    memset(&out, 0, sizeof(out));
    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_enroll_write(ctx->db, &e, req->client, req->now_ms, &out);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    if (rc == HUB_CONFLICT)
        hub_enroll_audit_refusal(ctx->db, &e, req->client, out.unit,
                                 req->now_ms);
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_USED &&
        rc != HUB_EXPIRED && rc != HUB_CONFLICT)
        hub_log_say("enrollment: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc != HUB_OK) {
        json_decref(v);
        return hub_enroll_answer(r, rc);
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
