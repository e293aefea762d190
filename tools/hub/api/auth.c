#include "hub/api/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "hub/base/log.h"
#include "hub/store/kiosks.h"

#define HUB_AUTH_SCHEME "Bearer "

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
        !hex_is_lower(secret, HUB_SECRET_LEN))
        return hub_auth_refuse(r);
    hub_db_lock(ctx->db);
    rc = hub_kiosks_authenticate(ctx->db, req->kiosk, secret, NULL, 0);
    if (rc != HUB_OK && rc != HUB_DENIED && rc != HUB_REVOKED)
        hub_log_say("kiosk authentication: %s",
                    hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_DENIED)
        return hub_auth_refuse(r);
    if (rc == HUB_REVOKED)
        return hub_reply_fail(r, 403, "revoked",
                              "this kiosk was revoked; enroll it again with a"
                              " new code");
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
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
    int rc;

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
    return 0;
}
