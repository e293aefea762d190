/*
 * units.h - the province's administrative tree and its history.
 *
 * Province -> department or district -> commune or service unit, each a
 * row with a code, a name and a parent. Units are renamed, moved to
 * another parent and merged into other units over the years; every such
 * change is kept (unit_changes) with the local date it takes effect, the
 * value it replaced, when it was recorded and by whom, so the tree can be
 * seen as it stood on any date (unittree.h). A rating keeps the unit code
 * it was given in; only where that unit's figures are shown changes.
 *
 * The units table holds the state after every recorded change: today's
 * names and parents, and for a merged unit the unit it is part of
 * (merged_into) from which date (merged_from). In that "current" tree a
 * merged unit hangs under the unit it was merged into, and statistics for
 * a unit cover its whole current subtree.
 *
 * Rules that keep the history linear and the tree a tree:
 *  - a unit's changes are recorded in date order: a change may not take
 *    effect before the latest change already recorded for that unit;
 *  - a merged unit changes no more (no rename, move, merge, no children);
 *  - a move or a merge never puts a unit below itself, and never makes
 *    the tree deeper than HUB_UNITS_DEPTH_MAX levels.
 *
 * Ownership: strings passed in are borrowed; records handed to callbacks
 * are valid only during the callback.
 * Locking: the caller holds hub_db_lock(); the writing calls run inside
 * the caller's write transaction (which also writes the audit row).
 */
#ifndef SIPAS_HUB_UNITS_H
#define SIPAS_HUB_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "hub/base/valid.h"
#include "hub/store/db.h"

#define HUB_UNITS_DEPTH_MAX 8 /* province plus seven levels below */
#define HUB_UNITS_DATE_MAX 11 /* "YYYY-MM-DD" and NUL */

typedef struct hub_unit_info {
    const char *code, *name, *parent; /* parent "" for a root */
    int depth;                        /* 0 for a root */
} hub_unit_info_t;

typedef int (*hub_units_each_fn)(void *ctx, const hub_unit_info_t *u);

/* Why a rename, move or merge was refused. */
typedef enum hub_units_refusal {
    HUB_UNITS_DONE = 0,
    HUB_UNITS_NO_UNIT,       /* the unit does not exist */
    HUB_UNITS_NO_TARGET,     /* the new parent / the unit merged into */
    HUB_UNITS_IS_MERGED,     /* the unit was merged already */
    HUB_UNITS_TARGET_MERGED, /* the new parent / target was merged */
    HUB_UNITS_SAME,          /* nothing would change */
    HUB_UNITS_LOOP,          /* the target lies within the unit */
    HUB_UNITS_TOO_DEEP,      /* deeper than HUB_UNITS_DEPTH_MAX levels */
    HUB_UNITS_OUT_OF_ORDER   /* before the unit's latest change */
} hub_units_refusal_t;

typedef struct hub_units_why {
    hub_units_refusal_t refusal;
    char date[HUB_UNITS_DATE_MAX]; /* OUT_OF_ORDER: the latest change */
    char other[HUB_CODE_MAX + 1];  /* IS_MERGED: the unit it is part of */
} hub_units_why_t;

/* Who records a change and when. */
typedef struct hub_units_stamp {
    int64_t now_ms;
    const char *actor; /* "cli:USER" */
} hub_units_stamp_t;

/* One recorded change, for `unit history`. */
typedef struct hub_unit_change {
    int64_t id;
    const char *code, *kind; /* kind: "rename", "move" or "merge" */
    const char *valid_from;  /* local date it takes effect */
    const char *old_value;   /* name before, parent before ("" none) */
    const char *new_value;   /* new name, new parent, unit merged into */
    int64_t recorded_at;
    const char *actor;
} hub_unit_change_t;

typedef int (*hub_units_change_fn)(void *ctx, const hub_unit_change_t *c);

/* Write: HUB_OK; HUB_EXISTS when code is taken; HUB_NOT_FOUND when parent
 * (NULL for a root) does not exist; HUB_DENIED when the parent is at the
 * deepest level or was merged into another unit. Code and name must be
 * valid already. */
int hub_units_add(hub_db_t *db, const char *code, const char *name,
                  const char *parent, int64_t now_ms);
/* HUB_OK with the unit's name in name (cap bytes), or HUB_NOT_FOUND. */
int hub_units_get_name(hub_db_t *db, const char *code, char *name, size_t cap);
/* HUB_OK with the unit it was merged into in into ("" when it was not),
 * or HUB_NOT_FOUND. */
int hub_units_get_merged_into(hub_db_t *db, const char *code, char *into,
                              size_t cap);
/* HUB_OK with *same = 1 when held is unit, or was merged into it
 * (directly or by a chain of merges): kiosks of held go on recording held
 * until re-enrolled, and their ratings are unit's. */
int hub_units_is_merged_into(hub_db_t *db, const char *held,
                             const char *unit, int *same);
/* HUB_OK with *yes = 1 when code is ancestor itself or below it in the
 * current tree (a merged unit lies below the unit it was merged into). */
int hub_units_contains(hub_db_t *db, const char *ancestor, const char *code,
                       int *yes);
/* Every unit depth-first by its own parent, children ordered by code. */
int hub_units_each(hub_db_t *db, hub_units_each_fn fn, void *ctx);
/* Root and everything below it in the current tree (root NULL: every
 * unit), a merged unit below the unit it joined with that unit as its
 * parent, as scopes and statistics see it; a root's parent is its own.
 * Stops early returning fn's non-zero value. */
int hub_units_each_under(hub_db_t *db, const char *root, hub_units_each_fn fn,
                         void *ctx);

/* Changes, all written with a unit_changes row. from is a valid local
 * date. HUB_OK; HUB_DENIED with why filled; or a database error. */
int hub_units_rename(hub_db_t *db, const char *code, const char *name,
                     const char *from, const hub_units_stamp_t *stamp,
                     hub_units_why_t *why);
int hub_units_move(hub_db_t *db, const char *code, const char *parent,
                   const char *from, const hub_units_stamp_t *stamp,
                   hub_units_why_t *why);
/* From from on, code is part of into. */
int hub_units_merge(hub_db_t *db, const char *code, const char *into,
                    const char *from, const hub_units_stamp_t *stamp,
                    hub_units_why_t *why);
/* The changes of code (NULL: of every unit), by date taking effect, then
 * in the order recorded; stops early returning fn's non-zero value. */
int hub_units_each_change(hub_db_t *db, const char *code,
                          hub_units_change_fn fn, void *ctx);

#endif
