#include "hub/store/heartbeats.h"
#include "hub/store/dbx.h"

#include "hub/store/kiosks.h"

static const char hub_heartbeat_sql_upsert[] =
    "INSERT INTO heartbeats(install_id, seen_at, body) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(install_id) DO UPDATE SET seen_at = excluded.seen_at,"
    " body = excluded.body";

int hub_heartbeat_store(hub_db_t *db, const char *install_id,
                        const hub_heartbeat_t *hb, int64_t now_ms)
{
    /* Only validated keys and values are in the object, so storing it
     * as JSON keeps exactly what was checked. */
    int rc = hub_dbx_put_json(db, hub_heartbeat_sql_upsert, install_id,
                              now_ms, hb->obj, NULL, "store heartbeat");

    if (rc != HUB_OK)
        return rc;
    return hub_kiosks_touch(db, install_id, hb->version, now_ms);
}
