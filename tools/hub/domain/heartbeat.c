#include "hub/domain/heartbeat.h"

#include <stdlib.h>

#include "hub/base/valid.h"
#include "hub/domain/jv.h"
#include "hub/store/kiosks.h"

/* A damaged kiosk database reports its first quick_check line here; it
 * is longer than a name can be, and refusing it would stop the uploads of
 * the very kiosk that most needs looking at. */
#define HUB_HEARTBEAT_INTEGRITY_MAX 512

static const char hub_heartbeat_sql_upsert[] =
    "INSERT INTO heartbeats(install_id, seen_at, body) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(install_id) DO UPDATE SET seen_at = excluded.seen_at,"
    " body = excluded.body";

static const char *const hub_heartbeat_keys[] = {
    "version",  "uptime_s",  "clock_synced",     "clock_offset_ms",
    "free_bytes", "integrity", "pending",        "acked_seq",
    "last_response_at", "sent_at", NULL,
};

int hub_heartbeat_parse(const json_t *v, const char *path,
                        hub_heartbeat_t *hb, hub_reply_t *r)
{
    const int64_t big = HUB_JV_SAFE_INT_MAX;
    const int opt = HUB_JV_OPTIONAL;
    const char *text = NULL;
    int64_t n;
    int b;

    hb->obj = NULL;
    hb->version = NULL;
    if (hub_jv_check_object(v, path, hub_heartbeat_keys, r) != 0)
        return -1;
    if (hub_jv_read_text(v, path, "version", opt, hub_valid_version,
                         "a version of 1 to 64 printable ASCII characters",
                         &hb->version, r) < 0 ||
        hub_jv_read_int(v, path, "uptime_s", opt, 0, big, &n, r) < 0 ||
        hub_jv_read_bool(v, path, "clock_synced", opt, &b, r) < 0 ||
        hub_jv_read_int(v, path, "clock_offset_ms", opt, -big, big, &n,
                        r) < 0 ||
        hub_jv_read_int(v, path, "free_bytes", opt, 0, big, &n, r) < 0 ||
        hub_jv_read_name(v, path, "integrity", opt | HUB_JV_EMPTY,
                         HUB_HEARTBEAT_INTEGRITY_MAX, &text, r) < 0 ||
        hub_jv_read_int(v, path, "pending", opt, 0, big, &n, r) < 0 ||
        hub_jv_read_int(v, path, "acked_seq", opt, 0, big, &n, r) < 0 ||
        /* A kiosk that never recorded anything has no last response. */
        hub_jv_read_int(v, path, "last_response_at", opt | HUB_JV_NULLABLE,
                        -big, big, &n, r) < 0 ||
        hub_jv_read_int(v, path, "sent_at", opt, -big, big, &n, r) < 0)
        return -1;
    hb->obj = v;
    return 0;
}

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
    st = hub_db_stmt(db, hub_heartbeat_sql_upsert);
    if (!st) {
        free(body);
        return HUB_ERROR;
    }
    rc = SQLITE_OK;
    hub_db_bind_text(st, 1, install_id, &rc);
    hub_db_bind_int64(st, 2, now_ms, &rc);
    hub_db_bind_text(st, 3, body, &rc);
    rc = hub_db_run(db, st, rc, "store heartbeat");
    free(body);
    if (rc != HUB_OK)
        return rc;
    return hub_kiosks_touch(db, install_id, hb->version, now_ms);
}
