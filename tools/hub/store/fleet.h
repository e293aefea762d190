/*
 * fleet.h - the kiosks of a scope, for analysts: their state, and which
 * days each one reported.
 *
 * A scope is a unit and everything below it, or every unit (unit NULL).
 * Rows come to a callback; a non-zero return stops the reading and is
 * returned. Ownership: a row's strings are valid during the call only.
 * Locking: the caller holds hub_db_lock(), in a read transaction when it
 * reads more than once.
 */
#ifndef SIPAS_HUB_FLEET_H
#define SIPAS_HUB_FLEET_H

#include <stdint.h>

#include "hub/store/db.h"

typedef struct hub_fleet_kiosk {
    const char *install_id, *unit, *unit_name, *counter, *version;
    int64_t enrolled_at;
    int64_t last_seen_at; /* 0: never */
    int64_t revoked_at;   /* 0: active */
    const char *heartbeat; /* the latest heartbeat's JSON, "" for none */
    int64_t heartbeat_at;  /* 0: none */
    const char *last_day;  /* latest day reported; NULL: none */
    const char *installation; /* latest installation record, "" for none */
    int64_t installation_at;  /* when it arrived; 0: none */
} hub_fleet_kiosk_t;

/* Every kiosk of the scope, revoked ones too, by unit, counter, id. */
int hub_fleet_each_kiosk(hub_db_t *db, const char *unit,
                         int (*fn)(void *ctx, const hub_fleet_kiosk_t *k),
                         void *ctx);

typedef struct hub_fleet_active {
    const char *install_id, *unit;
    int64_t enrolled_at;
    const char *first_day; /* first day it ever reported; "" for none */
} hub_fleet_active_t;

/* The active kiosks of the scope, by id. */
int hub_fleet_each_active(hub_db_t *db, const char *unit,
                          int (*fn)(void *ctx, const hub_fleet_active_t *k),
                          void *ctx);

/* Each (kiosk, day) an active kiosk of the scope reported in [from, to]. */
int hub_fleet_each_day(hub_db_t *db, const char *unit, const char *from,
                       const char *to,
                       int (*fn)(void *ctx, const char *install_id,
                                 const char *day),
                       void *ctx);

#endif
