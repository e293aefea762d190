#include "hub/store/kiosks.h"
#include "hub/store/dbx.h"

#include <stdio.h>
#include <string.h>

#include "core/hex.h"
#include "hub/store/units.h"

static const char hub_kiosks_sql_auth[] =
    "SELECT secret_hash, revoked_at IS NOT NULL, unit FROM kiosks"
    " WHERE install_id = ?1";
static const char hub_kiosks_sql_enroll[] =
    "INSERT INTO kiosks(install_id, unit, counter, version, secret_hash,"
    " enrolled_at, last_seen_at, revoked_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6, NULL)"
    " ON CONFLICT(install_id) DO UPDATE SET unit = excluded.unit,"
    " counter = excluded.counter, version = excluded.version,"
    " secret_hash = excluded.secret_hash,"
    " enrolled_at = excluded.enrolled_at,"
    " last_seen_at = excluded.last_seen_at, revoked_at = NULL";
static const char hub_kiosks_sql_touch[] =
    "UPDATE kiosks SET last_seen_at = ?2, version = coalesce(?3, version)"
    " WHERE install_id = ?1";
static const char hub_kiosks_sql_revoked[] =
    "SELECT revoked_at IS NOT NULL, unit FROM kiosks WHERE install_id = ?1";
static const char hub_kiosks_sql_revoke[] =
    "UPDATE kiosks SET revoked_at = ?2 WHERE install_id = ?1"
    " AND revoked_at IS NULL";
static const char hub_kiosks_sql_each[] =
    "SELECT k.install_id, k.unit, k.counter, k.version, k.enrolled_at,"
    " coalesce(k.last_seen_at, 0), coalesce(k.revoked_at, 0),"
    " coalesce(h.body, ''), coalesce(h.seen_at, 0),"
    " coalesce(i.body, ''), coalesce(i.received_at, 0)"
    " FROM kiosks k LEFT JOIN heartbeats h ON h.install_id = k.install_id"
    " LEFT JOIN installations i ON i.id = (SELECT max(id) FROM"
    "  installations x WHERE x.install_id = k.install_id)"
    " ORDER BY k.unit, k.install_id";

int hub_kiosks_authenticate(hub_db_t *db, const char *install_id,
                            const char *secret, char *unit, size_t cap)
{
    unsigned char presented[HUB_SHA256_LEN];
    unsigned char stored[HUB_SHA256_LEN];
    sqlx_stmt_t *st;
    int rc, revoked, match, n;

    /* Malformed credentials never reach the database. */
    if (!hex_is_lower(install_id, HUB_INSTALL_ID_LEN) ||
        !hex_is_lower(secret, HUB_SECRET_LEN))
        return HUB_DENIED;
    if (hub_crypto_hash_text(secret, presented) != 0)
        return HUB_ERROR;
    st = sqlx_prepare(hub_dbx(db), hub_kiosks_sql_auth);
    rc = HUB_OK;
    sqlx_bind_text(st, 1, install_id, &rc);
    rc = hub_dbx_next(db, st, rc, "kiosk lookup");
    if (rc == HUB_NOT_FOUND) {
        /* The same amount of hashing and comparing as for a known kiosk,
         * so timing does not tell which install ids are enrolled. */
        memset(stored, 0, sizeof(stored));
        (void)hub_crypto_equal(presented, stored, sizeof(stored));
        return HUB_DENIED;
    }
    if (rc != HUB_OK)
        return rc;
    memset(stored, 0, sizeof(stored));
    n = sqlx_column_blob(st, 0, stored, (int)sizeof(stored));
    match = hub_crypto_equal(presented, stored, sizeof(stored)) &&
            n == HUB_SHA256_LEN;
    revoked = (int)sqlx_column_int64(st, 1);
    if (unit && cap > 0)
        snprintf(unit, cap, "%s", sqlx_column_text(st, 2));
    sqlx_reset(st);
    if (!match)
        return HUB_DENIED;
    /* Revocation is told only to the holder of the right secret. */
    return revoked ? HUB_REVOKED : HUB_OK;
}

int hub_kiosks_get_state(hub_db_t *db, const char *install_id, char *unit,
                         size_t cap)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_kiosks_sql_revoked);
    int rc = HUB_OK, revoked;

    if (unit && cap > 0)
        unit[0] = '\0';
    sqlx_bind_text(st, 1, install_id, &rc);
    rc = hub_dbx_next(db, st, rc, "kiosk check");
    if (rc == HUB_NOT_FOUND)
        return HUB_DENIED;
    if (rc != HUB_OK)
        return rc;
    revoked = (int)sqlx_column_int64(st, 0);
    if (unit && cap > 0)
        snprintf(unit, cap, "%s", sqlx_column_text(st, 1));
    sqlx_reset(st);
    return revoked ? HUB_REVOKED : HUB_OK;
}

int hub_kiosks_check_active(hub_db_t *db, const char *install_id)
{
    return hub_kiosks_get_state(db, install_id, NULL, 0);
}

int hub_kiosks_enroll(hub_db_t *db, const char *install_id,
                      const char *unit, const char *counter,
                      const char *version,
                      const unsigned char secret_hash[HUB_SHA256_LEN],
                      int64_t now_ms)
{
    char held[HUB_CODE_MAX + 1];
    sqlx_stmt_t *st;
    int rc, same;

    /* Only the unit a kiosk serves (or the one its unit was merged into:
     * the kiosk records the old code until re-enrolled) may renew its
     * secret while it is active: any other code would take the kiosk (and
     * its history) over. Once revoked, it may be enrolled anywhere. */
    rc = hub_kiosks_get_state(db, install_id, held, sizeof(held));
    if (rc == HUB_OK) {
        rc = hub_units_is_merged_into(db, held, unit, &same);
        if (rc != HUB_OK)
            return rc;
        if (!same)
            return HUB_CONFLICT;
    } else if (rc != HUB_DENIED && rc != HUB_REVOKED) {
        return rc;
    }
    st = sqlx_prepare(hub_dbx(db), hub_kiosks_sql_enroll);
    rc = HUB_OK;
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_text(st, 2, unit, &rc);
    sqlx_bind_text(st, 3, counter ? counter : "", &rc);
    sqlx_bind_text(st, 4, version ? version : "", &rc);
    sqlx_bind_blob(st, 5, secret_hash, HUB_SHA256_LEN, &rc);
    sqlx_bind_int64(st, 6, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "enroll kiosk");
}

int hub_kiosks_touch(hub_db_t *db, const char *install_id,
                     const char *version, int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_kiosks_sql_touch);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    sqlx_bind_text(st, 3, version, &rc);
    return hub_dbx_run(db, st, rc, "note kiosk");
}

int hub_kiosks_revoke(hub_db_t *db, const char *install_id, int64_t now_ms,
                      int *was_revoked)
{
    sqlx_stmt_t *st;
    int rc;

    *was_revoked = 0;
    rc = hub_kiosks_check_active(db, install_id);
    if (rc == HUB_DENIED)
        return HUB_NOT_FOUND;
    if (rc == HUB_REVOKED) {
        *was_revoked = 1;
        return HUB_OK;
    }
    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(hub_dbx(db), hub_kiosks_sql_revoke);
    rc = HUB_OK;
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "revoke kiosk");
}

/* The caller's callback and its context, for hub_dbx_each(). */
typedef struct hub_kiosks_walk {
    hub_kiosks_each_fn fn;
    void *ctx;
} hub_kiosks_walk_t;

static int hub_kiosks_read(void *ctx, sqlx_stmt_t *st)
{
    const hub_kiosks_walk_t *w = ctx;
    hub_kiosk_info_t k;

    k.install_id = sqlx_column_text(st, 0);
    k.unit = sqlx_column_text(st, 1);
    k.counter = sqlx_column_text(st, 2);
    k.version = sqlx_column_text(st, 3);
    k.enrolled_at = sqlx_column_int64(st, 4);
    k.last_seen_at = sqlx_column_int64(st, 5);
    k.revoked_at = sqlx_column_int64(st, 6);
    k.heartbeat = sqlx_column_text(st, 7);
    k.heartbeat_at = sqlx_column_int64(st, 8);
    k.installation = sqlx_column_text(st, 9);
    k.installation_at = sqlx_column_int64(st, 10);
    return w->fn(w->ctx, &k);
}

int hub_kiosks_each(hub_db_t *db, hub_kiosks_each_fn fn, void *ctx)
{
    hub_kiosks_walk_t w = {fn, ctx};

    return hub_dbx_each(db, sqlx_prepare(hub_dbx(db), hub_kiosks_sql_each),
                        HUB_OK, "list kiosks", hub_kiosks_read, &w);
}
