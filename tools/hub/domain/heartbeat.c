#include "hub/domain/heartbeat.h"

#include "hub/base/valid.h"
#include "hub/domain/jv.h"

/* A damaged kiosk database reports its first quick_check line here; it
 * is longer than a name can be, and refusing it would stop the uploads of
 * the very kiosk that most needs looking at. */
#define HUB_HEARTBEAT_INTEGRITY_MAX 512

static const char *const hub_heartbeat_keys[] = {
    "version",  "uptime_s",  "clock_synced",     "clock_offset_ms",
    "free_bytes", "integrity", "pending",        "acked_seq",
    "last_response_at", "sent_at", NULL,
};

int hub_heartbeat_parse(const json_t *v, const char *path,
                        hub_heartbeat_t *hb, hub_problem_t *pb)
{
    const int64_t big = HUB_JV_SAFE_INT_MAX;
    const int opt = HUB_JV_OPTIONAL;
    const char *text = NULL;
    int64_t n;
    int b;

    hb->obj = NULL;
    hb->version = NULL;
    if (hub_jv_check_object(v, path, hub_heartbeat_keys, pb) != 0)
        return -1;
    if (hub_jv_read_text(v, path, "version", opt, hub_valid_version,
                         "a version of 1 to 64 printable ASCII characters",
                         &hb->version, pb) < 0 ||
        hub_jv_read_int(v, path, "uptime_s", opt, 0, big, &n, pb) < 0 ||
        hub_jv_read_bool(v, path, "clock_synced", opt, &b, pb) < 0 ||
        hub_jv_read_int(v, path, "clock_offset_ms", opt, -big, big, &n,
                        pb) < 0 ||
        hub_jv_read_int(v, path, "free_bytes", opt, 0, big, &n, pb) < 0 ||
        hub_jv_read_name(v, path, "integrity", opt | HUB_JV_EMPTY,
                         HUB_HEARTBEAT_INTEGRITY_MAX, &text, pb) < 0 ||
        hub_jv_read_int(v, path, "pending", opt, 0, big, &n, pb) < 0 ||
        hub_jv_read_int(v, path, "acked_seq", opt, 0, big, &n, pb) < 0 ||
        /* A kiosk that never recorded anything has no last response. */
        hub_jv_read_int(v, path, "last_response_at", opt | HUB_JV_NULLABLE,
                        -big, big, &n, pb) < 0 ||
        hub_jv_read_int(v, path, "sent_at", opt, -big, big, &n, pb) < 0)
        return -1;
    hb->obj = v;
    return 0;
}
