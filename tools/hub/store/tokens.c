#include "hub/store/tokens.h"
#include "hub/store/dbx.h"

#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "hub/store/units.h"

/* RETURNING: the new id from the statement itself, as both databases
 * number it (SQLite's last_insert_rowid() has no PostgreSQL twin). */
static const char hub_tokens_sql_insert[] =
    "INSERT INTO tokens(hash, scope_unit, created_at, expires_at, audit)"
    " VALUES(?1, ?2, ?3, ?4, ?5) RETURNING id";
static const char hub_tokens_sql_find[] =
    "SELECT id, hash, coalesce(scope_unit, ''), coalesce(expires_at, 0),"
    " audit FROM tokens WHERE hash = ?1 AND revoked_at IS NULL";
static const char hub_tokens_sql_touch[] =
    "UPDATE tokens SET last_used_at = ?2 WHERE id = ?1";
static const char hub_tokens_sql_get[] =
    "SELECT coalesce(scope_unit, ''), revoked_at IS NOT NULL,"
    " coalesce(expires_at, 0), audit FROM tokens WHERE id = ?1";
/* The earlier expiry, NULL staying NULL as SQLite's min() keeps it
 * (PostgreSQL has LEAST(), SQLite no such name). */
static const char hub_tokens_sql_end[] =
    "UPDATE tokens SET replaced_by = ?2,"
    " expires_at = CASE WHEN expires_at IS NULL OR expires_at < ?3"
    " THEN expires_at ELSE ?3 END,"
    " revoked_at = CASE WHEN CAST(?4 AS BIGINT) <> 0 THEN ?3"
    " ELSE revoked_at END WHERE id = ?1";
static const char hub_tokens_sql_revoke[] =
    "UPDATE tokens SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
static const char hub_tokens_sql_each[] =
    "SELECT id, coalesce(scope_unit, ''), created_at, coalesce(revoked_at, 0),"
    " coalesce(expires_at, 0), coalesce(last_used_at, 0),"
    " coalesce(replaced_by, 0), audit FROM tokens ORDER BY id";

int hub_tokens_add(hub_db_t *db, const char *scope_unit, int64_t now_ms,
                   char out[HUB_TOKEN_TEXT], int64_t *id)
{
    return hub_tokens_create(
        db, scope_unit, 0, now_ms,
        now_ms + HUB_TOKENS_DAYS_DEFAULT * HUB_TOKENS_DAY_MS, out, id);
}

int hub_tokens_create(hub_db_t *db, const char *scope_unit, int audit,
                      int64_t now_ms, int64_t expires_at,
                      char out[HUB_TOKEN_TEXT], int64_t *id)
{
    unsigned char hash[HUB_SHA256_LEN];
    char name[HUB_NAME_MAX + 1];
    sqlx_stmt_t *st;
    int rc;

    if (scope_unit && !scope_unit[0])
        scope_unit = NULL;
    if (audit && scope_unit)
        return HUB_DENIED;
    if (scope_unit) {
        rc = hub_units_get_name(db, scope_unit, name, sizeof(name));
        if (rc != HUB_OK)
            return rc;
    }
    if (hub_crypto_new_secret(out, hash) != 0)
        return HUB_ERROR;
    st = sqlx_prepare(hub_dbx(db), hub_tokens_sql_insert);
    rc = HUB_OK;
    sqlx_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    sqlx_bind_text(st, 2, scope_unit, &rc);
    sqlx_bind_int64(st, 3, now_ms, &rc);
    sqlx_bind_int64(st, 4, expires_at, &rc);
    sqlx_bind_int64(st, 5, audit ? 1 : 0, &rc);
    return hub_dbx_get_int(db, st, rc, "add token", id);
}

int hub_tokens_find(hub_db_t *db, const char *text, hub_token_t *tok)
{
    unsigned char hash[HUB_SHA256_LEN];
    sqlx_stmt_t *st;
    int rc, match;

    memset(tok, 0, sizeof(*tok));
    if (!hex_is_lower(text, HUB_SECRET_LEN))
        return HUB_DENIED;
    if (hub_crypto_hash_text(text, hash) != 0)
        return HUB_ERROR;
    rc = hub_dbx_find_digest(db, hub_tokens_sql_find, hash, "token lookup",
                            &st);
    if (rc == HUB_NOT_FOUND)
        return HUB_DENIED;
    if (rc != HUB_OK)
        return rc;
    match = hub_dbx_column_digest_equal(st, 1, hash);
    tok->id = sqlx_column_int64(st, 0);
    snprintf(tok->scope_unit, sizeof(tok->scope_unit), "%s",
             sqlx_column_text(st, 2));
    tok->expires_at = sqlx_column_int64(st, 3);
    tok->audit = (int)sqlx_column_int64(st, 4) != 0;
    sqlx_reset(st);
    return match ? HUB_OK : HUB_DENIED;
}

int hub_tokens_touch(hub_db_t *db, int64_t id, int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_tokens_sql_touch);
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "token use");
}

/* The state of token id: scope, revoked, expiry, role. HUB_NOT_FOUND
 * when there is no such token. */
static int hub_tokens_get_state(hub_db_t *db, int64_t id,
                                char scope[HUB_CODE_MAX + 1], int *revoked,
                                int64_t *expires_at, int *audit)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_tokens_sql_get);
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, id, &rc);
    rc = hub_dbx_next(db, st, rc, "token state");
    if (rc != HUB_OK)
        return rc;
    snprintf(scope, HUB_CODE_MAX + 1, "%s", sqlx_column_text(st, 0));
    *revoked = (int)sqlx_column_int64(st, 1);
    *expires_at = sqlx_column_int64(st, 2);
    *audit = (int)sqlx_column_int64(st, 3) != 0;
    sqlx_reset(st);
    return HUB_OK;
}

int hub_tokens_rotate(hub_db_t *db, int64_t id, int64_t now_ms,
                      int64_t overlap_ms, int64_t expires_at,
                      char out[HUB_TOKEN_TEXT], int64_t *new_id)
{
    char scope[HUB_CODE_MAX + 1];
    sqlx_stmt_t *st;
    int64_t old_expiry;
    int rc, revoked, audit;

    rc = hub_tokens_get_state(db, id, scope, &revoked, &old_expiry, &audit);
    if (rc != HUB_OK)
        return rc;
    if (revoked)
        return HUB_REVOKED;
    if (old_expiry <= now_ms)
        return HUB_EXPIRED;
    rc = hub_tokens_create(db, scope, audit, now_ms, expires_at, out, new_id);
    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(hub_dbx(db), hub_tokens_sql_end);
    rc = HUB_OK;
    sqlx_bind_int64(st, 1, id, &rc);
    sqlx_bind_int64(st, 2, *new_id, &rc);
    sqlx_bind_int64(st, 3, now_ms + overlap_ms, &rc);
    sqlx_bind_int64(st, 4, overlap_ms == 0, &rc);
    return hub_dbx_run(db, st, rc, "rotate token");
}

int hub_tokens_revoke(hub_db_t *db, int64_t id, int64_t now_ms,
                      int *was_revoked)
{
    char scope[HUB_CODE_MAX + 1];
    sqlx_stmt_t *st;
    int64_t expires_at;
    int rc, audit;

    *was_revoked = 0;
    rc = hub_tokens_get_state(db, id, scope, was_revoked, &expires_at, &audit);
    if (rc != HUB_OK)
        return rc;
    if (*was_revoked)
        return HUB_OK;
    st = sqlx_prepare(hub_dbx(db), hub_tokens_sql_revoke);
    rc = HUB_OK;
    sqlx_bind_int64(st, 1, id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "revoke token");
}

/* The caller's callback and its context, for hub_dbx_each(). */
typedef struct hub_tokens_walk {
    hub_tokens_each_fn fn;
    void *ctx;
} hub_tokens_walk_t;

static int hub_tokens_read(void *ctx, sqlx_stmt_t *st)
{
    const hub_tokens_walk_t *w = ctx;
    hub_token_info_t t;

    t.id = sqlx_column_int64(st, 0);
    t.scope_unit = sqlx_column_text(st, 1);
    t.created_at = sqlx_column_int64(st, 2);
    t.revoked_at = sqlx_column_int64(st, 3);
    t.expires_at = sqlx_column_int64(st, 4);
    t.last_used_at = sqlx_column_int64(st, 5);
    t.replaced_by = sqlx_column_int64(st, 6);
    t.audit = sqlx_column_int64(st, 7) != 0;
    return w->fn(w->ctx, &t);
}

int hub_tokens_each(hub_db_t *db, hub_tokens_each_fn fn, void *ctx)
{
    hub_tokens_walk_t w = {fn, ctx};

    return hub_dbx_each(db, sqlx_prepare(hub_dbx(db), hub_tokens_sql_each),
                        HUB_OK, "list tokens", hub_tokens_read, &w);
}
