#include "hub/store/heartbeats.h"
#include "hub/store/db_sql.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "hub/store/kiosks.h"

static const char hub_heartbeat_sql_upsert[] =
    "INSERT INTO heartbeats(install_id, seen_at, body) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(install_id) DO UPDATE SET seen_at = excluded.seen_at,"
    " body = excluded.body";

int hub_heartbeat_store(hub_db_t *db, const char *install_id,
                        const hub_heartbeat_t *hb, int64_t now_ms)
{
    sqlite3_stmt *st;
    char *body;
    int rc;

    /* Only validated keys and values are in the object, so storing it
     * as JSON keeps exactly what was checked; sorted keys make equal
     * heartbeats equal text. */
    body = json_dumps(hb->obj, JSON_COMPACT | JSON_SORT_KEYS);
    if (!body)
        return HUB_ERROR;
    st = sqldb_stmt(&db->sql, hub_heartbeat_sql_upsert);
    if (!st) {
        free(body);
        return HUB_ERROR;
    }
    rc = SQLITE_OK;
    sqldb_bind_text(st, 1, install_id, &rc);
    sqldb_bind_int64(st, 2, now_ms, &rc);
    sqldb_bind_text(st, 3, body, &rc);
    rc = hub_db_rc(sqldb_run(&db->sql, st, rc, "store heartbeat"));
    free(body);
    if (rc != HUB_OK)
        return rc;
    return hub_kiosks_touch(db, install_id, hb->version, now_ms);
}
