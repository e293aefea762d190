/*
 * installations.h - the installation records of each kiosk.
 *
 * domain/installation.c checks a record; this keeps it, with the time it
 * arrived, as the kiosk's latest and in its history, which holds the
 * newest HUB_INSTALLATIONS_KEEP records per kiosk (a technician running
 * the self-test in a loop never grows the database).
 * Locking: hub_installation_store() runs inside the caller's write
 * transaction.
 */
#ifndef SIPAS_HUB_INSTALLATIONS_H
#define SIPAS_HUB_INSTALLATIONS_H

#include <jansson.h>
#include <stdint.h>

#include "hub/store/db.h"

#define HUB_INSTALLATIONS_KEEP 20

typedef struct hub_installation {
    const json_t *obj;      /* the validated object, borrowed */
    const char *install_id; /* as the body names it */
    const char *version;
    const char *result;     /* "pass", "warn" or "fail" */
    int64_t tested_at;      /* the kiosk's clock, Unix ms */
} hub_installation_t;

/* Write: keeps rec as install_id's latest record received at now_ms,
 * drops its records past the history's cap, and notes the kiosk (last
 * seen, software version). */
int hub_installation_store(hub_db_t *db, const char *install_id,
                           const hub_installation_t *rec, int64_t now_ms);

#endif
