/*
 * heartbeat.h - a kiosk's report on itself.
 *
 * Sent alone (POST /api/v1/heartbeat) when nothing is pending and inside
 * every upload. The hub keeps the latest one per kiosk with the time it
 * arrived, for `sipas-hub kiosk list`: is the clock synchronised, is the
 * disk filling up, does the database pass its check, is data piling up.
 * Every key is optional; each present one is checked for type and range,
 * and unknown keys are refused.
 * Ownership: the parsed record points into the JSON value it came from.
 * Locking: hub_heartbeat_store() runs inside the caller's write
 * transaction.
 */
#ifndef SIPAS_HUB_HEARTBEAT_H
#define SIPAS_HUB_HEARTBEAT_H

#include <jansson.h>
#include <stdint.h>

#include "hub/api/reply.h"
#include "hub/store/db.h"

typedef struct hub_heartbeat {
    const json_t *obj;   /* the validated object, borrowed */
    const char *version; /* NULL when not given */
} hub_heartbeat_t;

/* 0 with *hb filled when v is a valid heartbeat, -1 with 400 in r. path
 * names v in messages ("" for a whole request body). */
int hub_heartbeat_parse(const json_t *v, const char *path,
                        hub_heartbeat_t *hb, hub_reply_t *r);
/* Write: keeps hb as the latest of install_id, seen at now_ms, and notes
 * the kiosk (last seen, software version). */
int hub_heartbeat_store(hub_db_t *db, const char *install_id,
                        const hub_heartbeat_t *hb, int64_t now_ms);

#endif
