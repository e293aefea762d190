/*
 * unittree.h - the unit tree in memory, as it stands today or as it stood
 * on a given local date.
 *
 * Two views of the same history (units.h):
 *  - current: today's names and parents; a merged unit hangs under the
 *    unit it was merged into, and its responses count for the end of its
 *    merged_into chain (its "heir"), whatever the dates;
 *  - at a date D: each unit with the name and parent it had on D
 *    (changes dated after D undone); a unit merged on or before D is
 *    still its own node, under the parent it last had, and keeps its own
 *    responses (heir = itself).
 * Statistics use the current view for rollup=current and the view at the
 * period's last day for rollup=recorded.
 *
 * Ownership: hub_tree_load() returns a tree freed with hub_tree_free();
 * nodes live as long as the tree.
 * Locking: hub_tree_load() reads the database: the caller holds
 * hub_db_lock(), ideally inside a read transaction shared with what the
 * tree is used for. The loaded tree is plain memory, safe to read from
 * any thread.
 */
#ifndef SIPAS_HUB_UNITTREE_H
#define SIPAS_HUB_UNITTREE_H

#include "hub/base/valid.h"
#include "hub/store/db.h"
#include "hub/store/units.h"

#define HUB_TREE_UNITS_MAX 200000 /* far above a whole country's units */

typedef struct hub_tree_node {
    char code[HUB_CODE_MAX + 1];
    char name[HUB_NAME_MAX + 1];        /* the name in this view */
    char parent[HUB_CODE_MAX + 1];      /* the parent in this view, "" */
    char merged_into[HUB_CODE_MAX + 1]; /* "" unless merged in this view */
    char merged_from[HUB_UNITS_DATE_MAX];
    char valid_from[HUB_UNITS_DATE_MAX]; /* latest change in effect, "" */
    int up;    /* index of the node above in this view; -1 for a root */
    int heir;  /* index of the node its responses count for */
    int depth; /* levels below its root along up */
} hub_tree_node_t;

typedef struct hub_tree {
    hub_tree_node_t *nodes; /* sorted by code (bytewise) */
    int n;
    int at_date;                   /* 0: current view */
    char date[HUB_UNITS_DATE_MAX]; /* the view's date when at_date */
} hub_tree_t;

/* The current view (date NULL) or the view on date ("YYYY-MM-DD", valid).
 * HUB_OK with *out set, or a database error (HUB_ERROR also when out of
 * memory or over HUB_TREE_UNITS_MAX units). */
int hub_tree_load(hub_db_t *db, const char *date, hub_tree_t **out);
void hub_tree_free(hub_tree_t *t);

/* Index of code, or -1. */
int hub_tree_find(const hub_tree_t *t, const char *code);
/* 1 when node is ancestor itself or lies below it along up. */
int hub_tree_is_within(const hub_tree_t *t, int node, int ancestor);
/* The node's ancestor at depth level (0 = its root); the node itself when
 * it is at that level or above it. */
int hub_tree_get_at_level(const hub_tree_t *t, int node, int level);

typedef int (*hub_tree_each_fn)(void *ctx, const hub_tree_t *t, int node);
/* Depth-first from root (-1: from every root), parents before children,
 * children by code; stops early returning fn's non-zero value. HUB_OK,
 * or HUB_ERROR when out of memory. */
int hub_tree_each(const hub_tree_t *t, int root, hub_tree_each_fn fn,
                  void *ctx);

#endif
