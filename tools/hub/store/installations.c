#include "hub/store/installations.h"
#include "hub/store/dbx.h"

#include "hub/store/kiosks.h"

static const char hub_installation_sql_add[] =
    "INSERT INTO installations(install_id, received_at, body, result)"
    " VALUES(?1, ?2, ?3, ?4)";
/* Everything older than the newest ?2 of the kiosk. */
static const char hub_installation_sql_prune[] =
    "DELETE FROM installations WHERE install_id = ?1 AND id <="
    " (SELECT id FROM installations WHERE install_id = ?1"
    "  ORDER BY id DESC LIMIT 1 OFFSET ?2)";

int hub_installation_store(hub_db_t *db, const char *install_id,
                           const hub_installation_t *rec, int64_t now_ms)
{
    sqlx_stmt_t *st;
    int rc;

    /* Only checked keys are in the object: storing it keeps exactly what
     * was validated. */
    rc = hub_dbx_put_json(db, hub_installation_sql_add, install_id, now_ms,
                          rec->obj, rec->result, "store installation");
    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(hub_dbx(db), hub_installation_sql_prune);
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_int64(st, 2, HUB_INSTALLATIONS_KEEP, &rc);
    rc = hub_dbx_run(db, st, rc, "prune installations");
    if (rc != HUB_OK)
        return rc;
    return hub_kiosks_touch(db, install_id, rec->version, now_ms);
}
