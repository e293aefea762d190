/*
 * units.h - the province's administrative tree.
 *
 * Province -> department or district -> commune or service unit, each a
 * row with a code, a name and a parent. A parent must exist before its
 * children and a unit is never moved, so the tree cannot hold a cycle.
 * Statistics for a unit cover its whole subtree.
 *
 * Ownership: strings passed in are borrowed; records handed to callbacks
 * are valid only during the callback.
 * Locking: the caller holds hub_db_lock(); hub_units_add() runs inside the
 * caller's write transaction.
 */
#ifndef SIPAS_HUB_UNITS_H
#define SIPAS_HUB_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define HUB_UNITS_DEPTH_MAX 8 /* province plus seven levels below */

typedef struct hub_unit_info {
    const char *code, *name, *parent; /* parent "" for a root */
    int depth;                        /* 0 for a root */
} hub_unit_info_t;

typedef int (*hub_units_each_fn)(void *ctx, const hub_unit_info_t *u);

/* Write: HUB_OK; HUB_EXISTS when code is taken; HUB_NOT_FOUND when parent
 * (NULL for a root) does not exist; HUB_DENIED when the parent is at the
 * deepest level. Code and name must be valid already. */
int hub_units_add(hub_db_t *db, const char *code, const char *name,
                  const char *parent, int64_t now_ms);
/* HUB_OK with the unit's name in name (cap bytes), or HUB_NOT_FOUND. */
int hub_units_get_name(hub_db_t *db, const char *code, char *name,
                       size_t cap);
/* HUB_OK with *yes = 1 when code is ancestor itself or below it. */
int hub_units_contains(hub_db_t *db, const char *ancestor, const char *code,
                       int *yes);
/* Every unit depth-first, children ordered by code. */
int hub_units_each(hub_db_t *db, hub_units_each_fn fn, void *ctx);

#endif
