/*
 * tokens.h - analyst tokens for the statistics API.
 *
 * A token is 256 random bits shown once as 64 hex characters; the hub
 * keeps its SHA-256 and a scope: the whole province, or one unit and its
 * subtree. Every token expires (90 days by default): a token copied into
 * a script or a spreadsheet and forgotten stops opening the figures on
 * its own. Rotating a token makes a new one with the same scope and ends
 * the old one after an overlap, so a dashboard can be switched over
 * without a gap. A province token may carry the audit role: it alone may
 * ask for officer figures below the server's min_group floor; a rotated
 * token keeps the role of the one it replaces.
 * Ownership: strings passed in are borrowed; records handed to callbacks
 * are valid only during the callback.
 * Locking: the caller holds hub_db_lock(); add and revoke run inside the
 * caller's write transaction.
 */
#ifndef SIPAS_HUB_TOKENS_H
#define SIPAS_HUB_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#include "hub/base/crypto.h"
#include "hub/base/valid.h"
#include "hub/store/db.h"

#define HUB_TOKEN_TEXT (2 * HUB_SECRET_BYTES + 1)
#define HUB_TOKENS_DAY_MS INT64_C(86400000)
/* A quarter and some: long enough for one reporting period, short
 * enough that a forgotten token dies within the next. */
#define HUB_TOKENS_DAYS_DEFAULT 90
#define HUB_TOKENS_DAYS_MAX 1095 /* three years; no token lives for ever */
/* Tokens made before expiry existed get this much from the upgrade. */
#define HUB_TOKENS_MIGRATED_DAYS HUB_TOKENS_DAYS_DEFAULT
#define HUB_TOKENS_OVERLAP_HOURS_DEFAULT 24
#define HUB_TOKENS_OVERLAP_HOURS_MAX (24 * 7)

typedef struct hub_token {
    int64_t id;
    char scope_unit[HUB_CODE_MAX + 1]; /* "" for the whole province */
    int64_t expires_at;                /* Unix ms; 0: none (never stored) */
    int audit;                         /* 1: the audit role */
} hub_token_t;

typedef struct hub_token_info {
    int64_t id;
    const char *scope_unit; /* "" for the whole province */
    int64_t created_at, revoked_at; /* revoked_at 0: active */
    int64_t expires_at, last_used_at; /* 0: none, never used */
    int64_t replaced_by;              /* 0, or the token rotated to */
    int audit;                        /* 1: the audit role */
} hub_token_info_t;

typedef int (*hub_tokens_each_fn)(void *ctx, const hub_token_info_t *t);

/* Write: a new token for scope_unit (NULL or "" for the province) valid
 * until expires_at into out; its id in *id; audit 1 gives it the audit
 * role. HUB_NOT_FOUND when the unit does not exist; HUB_DENIED for the
 * audit role on a unit token (the role is the province's only). */
int hub_tokens_create(hub_db_t *db, const char *scope_unit, int audit,
                      int64_t now_ms, int64_t expires_at,
                      char out[HUB_TOKEN_TEXT], int64_t *id);
/* An ordinary token valid HUB_TOKENS_DAYS_DEFAULT days. */
int hub_tokens_add(hub_db_t *db, const char *scope_unit, int64_t now_ms,
                   char out[HUB_TOKEN_TEXT], int64_t *id);
/* HUB_OK with *tok filled for a token not revoked (the caller compares
 * tok->expires_at with its clock); HUB_DENIED otherwise. */
int hub_tokens_find(hub_db_t *db, const char *text, hub_token_t *tok);
/* Write: token id was used at now_ms. */
int hub_tokens_touch(hub_db_t *db, int64_t id, int64_t now_ms);
/* Write: a new token with the scope of token id, valid until expires_at,
 * into out and *new_id; the old one ends overlap_ms from now (at once,
 * revoked, when 0) or at its own expiry if sooner. HUB_NOT_FOUND for an
 * unknown id, HUB_REVOKED for a revoked one, HUB_EXPIRED for one past
 * its expiry (make a new one with add instead). */
int hub_tokens_rotate(hub_db_t *db, int64_t id, int64_t now_ms,
                      int64_t overlap_ms, int64_t expires_at,
                      char out[HUB_TOKEN_TEXT], int64_t *new_id);
/* Write: HUB_NOT_FOUND for an unknown id; *was_revoked as for kiosks. */
int hub_tokens_revoke(hub_db_t *db, int64_t id, int64_t now_ms,
                      int *was_revoked);
int hub_tokens_each(hub_db_t *db, hub_tokens_each_fn fn, void *ctx);

#endif
