/*
 * heartbeats.h - the latest report of each kiosk on itself.
 *
 * domain/heartbeat.c checks a heartbeat; this keeps it, with the time it
 * arrived, for `sipas-hub kiosk list`.
 * Locking: hub_heartbeat_store() runs inside the caller's write
 * transaction.
 */
#ifndef SIPAS_HUB_HEARTBEATS_H
#define SIPAS_HUB_HEARTBEATS_H

#include <jansson.h>
#include <stdint.h>

#include "hub/store/db.h"

typedef struct hub_heartbeat {
    const json_t *obj;   /* the validated object, borrowed */
    const char *version; /* NULL when not given */
} hub_heartbeat_t;

/* Write: keeps hb as the latest of install_id, seen at now_ms, and notes
 * the kiosk (last seen, software version). */
int hub_heartbeat_store(hub_db_t *db, const char *install_id,
                        const hub_heartbeat_t *hb, int64_t now_ms);

#endif
