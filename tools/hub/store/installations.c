#include "hub/store/installations.h"
#include "hub/store/db_sql.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "hub/store/kiosks.h"

static const char hub_installation_sql_add[] =
    "INSERT INTO installations(install_id, received_at, result, body)"
    " VALUES(?1, ?2, ?3, ?4)";
/* Everything older than the newest ?2 of the kiosk. */
static const char hub_installation_sql_prune[] =
    "DELETE FROM installations WHERE install_id = ?1 AND id <="
    " (SELECT id FROM installations WHERE install_id = ?1"
    "  ORDER BY id DESC LIMIT 1 OFFSET ?2)";
static const char hub_installation_sql_count[] =
    "SELECT count(*) FROM installations WHERE install_id = ?1";

int hub_installation_store(hub_db_t *db, const char *install_id,
                           const hub_installation_t *rec, int64_t now_ms)
{
    sqlite3_stmt *st;
    char *body;
    int rc;

    /* Only checked keys are in the object: storing it keeps exactly what
     * was validated. */
    body = json_dumps(rec->obj, JSON_COMPACT | JSON_SORT_KEYS);
    if (!body)
        return HUB_ERROR;
    st = sqldb_stmt(&db->sql, hub_installation_sql_add);
    if (!st) {
        free(body);
        return HUB_ERROR;
    }
    rc = SQLITE_OK;
    sqldb_bind_text(st, 1, install_id, &rc);
    sqldb_bind_int64(st, 2, now_ms, &rc);
    sqldb_bind_text(st, 3, rec->result, &rc);
    sqldb_bind_text(st, 4, body, &rc);
    rc = hub_db_rc(sqldb_run(&db->sql, st, rc, "store installation"));
    free(body);
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

int hub_installation_count(hub_db_t *db, const char *install_id,
                           int64_t *n)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_installation_sql_count);
    int rc = SQLITE_OK;

    *n = 0;
    if (!st)
        return HUB_ERROR;
    sqldb_bind_text(st, 1, install_id, &rc);
    if (rc != SQLITE_OK) {
        sqldb_release(st);
        return hub_db_rc(sqldb_note(&db->sql, rc, "count installations"));
    }
    rc = hub_db_rc(sqldb_next(&db->sql, st, "count installations"));
    if (rc != HUB_OK)
        return rc;
    *n = sqlite3_column_int64(st, 0);
    sqldb_release(st);
    return HUB_OK;
}
