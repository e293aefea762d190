#include "hub/store/enroll.h"
#include "hub/store/dbx.h"

#include <stdio.h>

#include "hub/base/crypto.h"
#include "hub/base/valid.h"
#include "hub/store/units.h"

#define HUB_ENROLL_HOUR_MS INT64_C(3600000)

static const char hub_enroll_sql_insert[] =
    "INSERT INTO enroll_codes(hash, unit, created_at, expires_at)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char hub_enroll_sql_find[] =
    "SELECT unit, expires_at, used_at IS NOT NULL, hash FROM enroll_codes"
    " WHERE hash = ?1";
static const char hub_enroll_sql_id[] =
    "SELECT unit, rowid, hash FROM enroll_codes WHERE hash = ?1";
static const char hub_enroll_sql_use[] =
    "UPDATE enroll_codes SET used_at = ?2, used_by = ?3 WHERE hash = ?1";

int hub_enroll_add_code(hub_db_t *db, const char *unit, int ttl_hours,
                        int64_t now_ms, char code[HUB_CODE_TEXT],
                        int64_t *expires_at)
{
    unsigned char hash[HUB_SHA256_LEN];
    char name[HUB_NAME_MAX + 1];
    sqlx_stmt_t *st;
    int rc;

    rc = hub_units_get_name(db, unit, name, sizeof(name));
    if (rc != HUB_OK)
        return rc;
    if (hub_code_generate(code) != 0 || hub_crypto_hash_text(code, hash) != 0)
        return HUB_ERROR;
    *expires_at = now_ms + (int64_t)ttl_hours * HUB_ENROLL_HOUR_MS;
    st = sqlx_prepare(hub_dbx(db), hub_enroll_sql_insert);
    rc = HUB_OK;
    sqlx_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    sqlx_bind_text(st, 2, unit, &rc);
    sqlx_bind_int64(st, 3, now_ms, &rc);
    sqlx_bind_int64(st, 4, *expires_at, &rc);
    /* A clash of 60 random bits with a stored code is not worth a retry
     * loop: it fails as "exists" and the operator runs the command again. */
    return hub_dbx_run(db, st, rc, "add enrollment code");
}

int hub_enroll_find(hub_db_t *db, const char *typed, int64_t *code_id,
                    char *unit, size_t cap)
{
    unsigned char hash[HUB_SHA256_LEN];
    char canonical[HUB_CODE_TEXT];
    sqlx_stmt_t *st;
    int rc, match;

    *code_id = 0;
    unit[0] = '\0';
    if (hub_code_normalise(typed, canonical) != 0)
        return HUB_NOT_FOUND;
    if (hub_crypto_hash_text(canonical, hash) != 0)
        return HUB_ERROR;
    rc = hub_dbx_find_digest(db, hub_enroll_sql_id, hash, "code lookup", &st);
    if (rc != HUB_OK)
        return rc;
    match = hub_dbx_column_digest_equal(st, 2, hash);
    if (match) {
        snprintf(unit, cap, "%s", sqlx_column_text(st, 0));
        *code_id = sqlx_column_int64(st, 1);
    }
    sqlx_reset(st);
    return match ? HUB_OK : HUB_NOT_FOUND;
}

int hub_enroll_redeem(hub_db_t *db, const char *typed,
                      const char *install_id, int64_t now_ms, char *unit,
                      size_t cap)
{
    unsigned char hash[HUB_SHA256_LEN];
    char canonical[HUB_CODE_TEXT];
    int64_t expires_at;
    sqlx_stmt_t *st;
    int rc, used, match;

    if (hub_code_normalise(typed, canonical) != 0)
        return HUB_NOT_FOUND;
    if (hub_crypto_hash_text(canonical, hash) != 0)
        return HUB_ERROR;
    rc = hub_dbx_find_digest(db, hub_enroll_sql_find, hash, "code lookup", &st);
    if (rc != HUB_OK)
        return rc;
    snprintf(unit, cap, "%s", sqlx_column_text(st, 0));
    expires_at = sqlx_column_int64(st, 1);
    used = (int)sqlx_column_int64(st, 2);
    match = hub_dbx_column_digest_equal(st, 3, hash);
    sqlx_reset(st);
    if (!match)
        return HUB_NOT_FOUND;
    if (used)
        return HUB_USED;
    if (now_ms >= expires_at)
        return HUB_EXPIRED;
    st = sqlx_prepare(hub_dbx(db), hub_enroll_sql_use);
    rc = HUB_OK;
    sqlx_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    sqlx_bind_text(st, 3, install_id, &rc);
    return hub_dbx_run(db, st, rc, "use enrollment code");
}
