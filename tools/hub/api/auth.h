/*
 * auth.h - who is asking: a kiosk or an analyst.
 *
 * Kiosks send "Authorization: Bearer <secret>" and "X-Sipas-Kiosk:
 * <install id>"; analysts send "Authorization: Bearer <token>". An unknown
 * kiosk, a wrong secret and a malformed header all get the same 401, so
 * the answer tells an outsider nothing; only the right secret learns that
 * its kiosk is revoked (403). Authenticated kiosks are then held to the
 * per-kiosk rate limit (429 with Retry-After). An analyst token past its
 * expiry gets 401 token-expired, so its holder knows to ask for a new one.
 *
 * Audit: every refused kiosk, every use of an analyst token (refusals
 * included, with the endpoint and the answer) and every enrollment
 * attempt leave an audit row naming the client's address. Refusals of
 * requests nobody authenticated are held to ctx->audit_limit per address,
 * so that the audit cannot be used to fill the disk; a refusal over it is
 * only logged. A kiosk's accepted requests leave none: a write per upload
 * would cost the ingest its throughput, and the snapshots and the
 * kiosk's last_seen_at record them already.
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
/* 0 with the token's scope in *tok; otherwise the HTTP status in r.
 * Marks r so that hub_auth_audit_analyst() records the use. */
int hub_auth_check_analyst(hub_ctx_t *ctx, const hub_request_t *req,
                           hub_token_t *tok, hub_reply_t *r);
/* A provincial hub pushing to this (national) hub: 0 with the province
 * its credential was issued for; otherwise 401 (audited, within the
 * per-address allowance) or a database failure, put in r. */
int hub_auth_check_province(hub_ctx_t *ctx, const hub_request_t *req,
                            char province[HUB_CODE_MAX + 1], hub_reply_t *r);
/* After an endpoint that checked an analyst token answered r: the audit
 * row (token.use or token.refused) and the token's last use. */
void hub_auth_audit_analyst(hub_ctx_t *ctx, const hub_request_t *req,
                            const hub_reply_t *r);
/* One audit row in a transaction of its own, actor "api:ADDRESS".
 * limited: a refusal of an unauthenticated request, held to the
 * per-address audit limit. Failures are logged, never answered here:
 * HUB_OK when the row was written, else why not (HUB_BUSY over the
 * limit), for a caller that must not go on unaudited. */
int hub_auth_audit(hub_ctx_t *ctx, const hub_request_t *req,
                   const char *action, const char *detail, int limited);

#endif
