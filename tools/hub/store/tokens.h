/*
 * tokens.h - analyst tokens for the statistics API.
 *
 * A token is 256 random bits shown once as 64 hex characters; the hub
 * keeps its SHA-256 and a scope: the whole province, or one unit and its
 * subtree.
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

typedef struct hub_token {
    int64_t id;
    char scope_unit[HUB_CODE_MAX + 1]; /* "" for the whole province */
} hub_token_t;

typedef struct hub_token_info {
    int64_t id;
    const char *scope_unit; /* "" for the whole province */
    int64_t created_at, revoked_at; /* revoked_at 0: active */
} hub_token_info_t;

typedef int (*hub_tokens_each_fn)(void *ctx, const hub_token_info_t *t);

/* Write: a new token for scope_unit (NULL or "" for the province) into
 * out; its id in *id. HUB_NOT_FOUND when the unit does not exist. */
int hub_tokens_add(hub_db_t *db, const char *scope_unit, int64_t now_ms,
                   char out[HUB_TOKEN_TEXT], int64_t *id);
/* HUB_OK with *tok filled for an active token; HUB_DENIED otherwise. */
int hub_tokens_find(hub_db_t *db, const char *text, hub_token_t *tok);
/* Write: HUB_NOT_FOUND for an unknown id; *was_revoked as for kiosks. */
int hub_tokens_revoke(hub_db_t *db, int64_t id, int64_t now_ms,
                      int *was_revoked);
int hub_tokens_each(hub_db_t *db, hub_tokens_each_fn fn, void *ctx);

#endif
