#include "hub/store/installations.h"
#include "hub/store/db_sql.h"

#include <sqlite3.h>

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
    sqlite3_stmt *st;
    int rc;

    /* Only checked keys are in the object: storing it keeps exactly what
     * was validated. */
    rc = hub_db_put_json(db, hub_installation_sql_add, install_id, now_ms,
                         rec->obj, rec->result, "store installation");
    if (rc != HUB_OK)
        return rc;
    st = sqldb_stmt(&db->sql, hub_installation_sql_prune);
    if (!st)
        return HUB_ERROR;
    rc = SQLITE_OK;
    sqldb_bind_text(st, 1, install_id, &rc);
    sqldb_bind_int64(st, 2, HUB_INSTALLATIONS_KEEP, &rc);
    rc = hub_db_rc(sqldb_run(&db->sql, st, rc, "prune installations"));
    if (rc != HUB_OK)
        return rc;
    return hub_kiosks_touch(db, install_id, rec->version, now_ms);
}
