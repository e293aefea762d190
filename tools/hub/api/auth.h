/*
 * auth.h - who is asking: a kiosk or an analyst.
 *
 * Kiosks send "Authorization: Bearer <secret>" and "X-Sipas-Kiosk:
 * <install id>"; analysts send "Authorization: Bearer <token>". An unknown
 * kiosk, a wrong secret and a malformed header all get the same 401, so
 * the answer tells an outsider nothing; only the right secret learns that
 * its kiosk is revoked (403). Authenticated kiosks are then held to the
 * per-kiosk rate limit (429 with Retry-After).
 * Ownership: strings are borrowed; out buffers are the caller's.
 * Locking: these take the database lock themselves.
 */
#ifndef SIPAS_HUB_AUTH_H
#define SIPAS_HUB_AUTH_H

#include "hub/api/handler.h"
#include "hub/base/valid.h"
#include "hub/store/tokens.h"

/* 0 with the kiosk's install id in install_id; otherwise the HTTP status
 * put in r (401, 403, 429, 500, 503). */
int hub_auth_check_kiosk(hub_ctx_t *ctx, const hub_request_t *req,
                         char install_id[HUB_INSTALL_ID_LEN + 1],
                         hub_reply_t *r);
/* 0 with the token's scope in *tok; otherwise the HTTP status in r. */
int hub_auth_check_analyst(hub_ctx_t *ctx, const hub_request_t *req,
                           hub_token_t *tok, hub_reply_t *r);

#endif
