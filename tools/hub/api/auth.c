#include "hub/api/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <inttypes.h>

#include "core/hex.h"
#include "core/vntime.h"
#include "hub/base/log.h"
#include "hub/store/kiosks.h"
#include "hub/store/national.h"

#define HUB_AUTH_SCHEME "Bearer "
#define HUB_AUTH_DETAIL_MAX 256
#define HUB_AUTH_ACTOR_MAX (4 + HUB_RATELIMIT_KEY_MAX)
#define HUB_AUTH_PATH_MAX 64 /* of the path in an audit row */

int hub_auth_audit(hub_ctx_t *ctx, const hub_request_t *req,
                   const char *action, const char *detail, int limited)
{
    char actor[HUB_AUTH_ACTOR_MAX];
    const char *client = req->client ? req->client : "?";
    int rc;

    if (limited && ctx->audit_limit &&
        hub_ratelimit_take(ctx->audit_limit, client, req->mono_ms) > 0) {
        hub_log_say("not audited (too many from %s): %s %s", client, action,
                    detail);
        return HUB_BUSY;
    }
    snprintf(actor, sizeof(actor), "api:%s", client);
    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_db_audit(ctx->db, req->now_ms, actor, action, detail);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    if (rc != HUB_OK)
        hub_log_say("%s not audited: %s", action, hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    return rc;
}

/* A refused kiosk: its install id only when it is shaped like one, so no
 * text an outsider chose reaches the audit. */
static void hub_auth_audit_kiosk(hub_ctx_t *ctx, const hub_request_t *req,
                                 const char *why)
{
    char detail[HUB_AUTH_DETAIL_MAX];
    const char *id = req->kiosk && hex_is_lower(req->kiosk,
                                                HUB_INSTALL_ID_LEN)
                         ? req->kiosk
                         : "-";

    snprintf(detail, sizeof(detail), "install_id=%s %s %.*s: %s", id,
             req->method, HUB_AUTH_PATH_MAX, req->path, why);
    hub_auth_audit(ctx, req, "kiosk.auth-refused", detail, 1);
}

/* The credential after "Bearer " (scheme case-insensitive, as RFC 7235
 * says), or NULL. */
static const char *hub_auth_get_bearer(const char *header)
{
    size_t n = strlen(HUB_AUTH_SCHEME);

    if (!header || strncasecmp(header, HUB_AUTH_SCHEME, n) != 0)
        return NULL;
    header += n;
    while (*header == ' ')
        header++;
    return header;
}

static int hub_auth_refuse(hub_reply_t *r)
{
    return hub_reply_fail(r, 401, "unauthorized",
                          "missing or wrong credentials");
}

int hub_auth_check_kiosk(hub_ctx_t *ctx, const hub_request_t *req,
                         char install_id[HUB_INSTALL_ID_LEN + 1],
                         hub_reply_t *r)
{
    const char *secret = hub_auth_get_bearer(req->authorization);
    int rc, wait;

    if (!secret || !req->kiosk ||
        !hex_is_lower(req->kiosk, HUB_INSTALL_ID_LEN) ||
        !hex_is_lower(secret, HUB_SECRET_LEN)) {
        hub_auth_audit_kiosk(ctx, req, "malformed credentials");
        return hub_auth_refuse(r);
    }
    hub_db_lock(ctx->db);
    rc = hub_kiosks_authenticate(ctx->db, req->kiosk, secret, NULL, 0);
    if (rc != HUB_OK && rc != HUB_DENIED && rc != HUB_REVOKED)
        hub_log_say("kiosk authentication: %s",
                    hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_DENIED || rc == HUB_REVOKED)
        hub_auth_audit_kiosk(ctx, req, rc == HUB_DENIED
                                           ? "unknown kiosk or wrong secret"
                                           : "revoked");
    if (rc == HUB_DENIED)
        return hub_auth_refuse(r);
    if (rc != HUB_OK)
        return hub_reply_fail_kiosk(r, rc);
    wait = hub_ratelimit_take(ctx->kiosk_limit, req->kiosk, req->mono_ms);
    if (wait > 0) {
        hub_reply_fail(r, 429, "rate-limited",
                       "too many requests from this kiosk; retry in %d s",
                       wait);
        r->retry_after_s = wait;
        return 429;
    }
    snprintf(install_id, HUB_INSTALL_ID_LEN + 1, "%s", req->kiosk);
    return 0;
}

int hub_auth_check_analyst(hub_ctx_t *ctx, const hub_request_t *req,
                           hub_token_t *tok, hub_reply_t *r)
{
    const char *text = hub_auth_get_bearer(req->authorization);
    char until[VNTIME_ISO_MAX];
    int rc;

    r->token_checked = 1;
    r->token_id = 0;
    if (!text || !hex_is_lower(text, HUB_SECRET_LEN))
        return hub_auth_refuse(r);
    hub_db_lock(ctx->db);
    rc = hub_tokens_find(ctx->db, text, tok);
    if (rc != HUB_OK && rc != HUB_DENIED)
        hub_log_say("token check: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_DENIED)
        return hub_auth_refuse(r);
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    r->token_id = tok->id;
    if (tok->expires_at <= req->now_ms) {
        if (vntime_format_iso(tok->expires_at, until, sizeof(until)) != 0)
            snprintf(until, sizeof(until), "?");
        hub_reply_fail(r, 401, "token-expired",
                       "this analyst token expired at %s; ask for a new one"
                       " (sipas-hub token rotate or token add)", until);
        return 401;
    }
    return 0;
}

int hub_auth_check_province(hub_ctx_t *ctx, const hub_request_t *req,
                            char province[HUB_CODE_MAX + 1], hub_reply_t *r)
{
    const char *text = hub_auth_get_bearer(req->authorization);
    char detail[HUB_AUTH_DETAIL_MAX];
    int rc = HUB_DENIED;

    province[0] = '\0';
    if (text && hex_is_lower(text, HUB_SECRET_LEN)) {
        hub_db_lock(ctx->db);
        rc = hub_national_find_credential(ctx->db, text, province);
        if (rc != HUB_OK && rc != HUB_DENIED)
            hub_log_say("national credential check: %s",
                        hub_db_last_error(ctx->db));
        hub_db_unlock(ctx->db);
    }
    if (rc == HUB_OK)
        return 0;
    if (rc != HUB_DENIED)
        return hub_reply_fail_db(r, rc);
    snprintf(detail, sizeof(detail), "%s %.*s: unknown credential",
             req->method, HUB_AUTH_PATH_MAX, req->path);
    hub_auth_audit(ctx, req, "national.auth-refused", detail, 1);
    return hub_auth_refuse(r);
}

void hub_auth_audit_analyst(hub_ctx_t *ctx, const hub_request_t *req,
                            const hub_reply_t *r)
{
    char detail[HUB_AUTH_DETAIL_MAX], actor[HUB_AUTH_ACTOR_MAX];
    int ok = r->status < 400, rc;

    snprintf(detail, sizeof(detail), "id=%" PRId64 " %s %.*s %d%s%s",
             r->token_id, req->method, HUB_AUTH_PATH_MAX, req->path,
             r->status, r->error[0] ? " " : "", r->error);
    if (!r->token_id || !ok) {
        /* A guess, a stale copy or a forgotten script: audited, within
         * the per-address allowance. */
        hub_auth_audit(ctx, req, "token.refused", detail, 1);
        return;
    }
    snprintf(actor, sizeof(actor), "api:%s", req->client ? req->client : "?");
    hub_db_lock(ctx->db);
    rc = hub_db_begin_write(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_db_audit(ctx->db, req->now_ms, actor, "token.use", detail);
        if (rc == HUB_OK)
            rc = hub_tokens_touch(ctx->db, r->token_id, req->now_ms);
        if (rc == HUB_OK)
            rc = hub_db_commit(ctx->db);
        else
            hub_db_rollback(ctx->db);
    }
    if (rc != HUB_OK)
        hub_log_say("token use not audited: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
}
