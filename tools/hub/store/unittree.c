#include "hub/store/unittree.h"
#include "hub/store/dbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HUB_TREE_STEPS_MAX 64 /* a walk up never takes more steps */

static const char hub_tree_sql_units[] =
    "SELECT code, name, coalesce(parent, ''), coalesce(merged_into, ''),"
    " coalesce(merged_from, '') FROM units ORDER BY code";
static const char hub_tree_sql_changes[] =
    "SELECT code, kind, valid_from, old_value FROM unit_changes"
    " ORDER BY code, valid_from, id";

static int hub_tree_grow(hub_tree_t *t, int *cap)
{
    hub_tree_node_t *more;
    int next = *cap ? 2 * *cap : 256;

    if (t->n < *cap)
        return 0;
    if (*cap >= HUB_TREE_UNITS_MAX)
        return -1;
    if (next > HUB_TREE_UNITS_MAX)
        next = HUB_TREE_UNITS_MAX;
    more = realloc(t->nodes, (size_t)next * sizeof(*more));
    if (!more)
        return -1;
    t->nodes = more;
    *cap = next;
    return 0;
}

static int hub_tree_read_units(hub_db_t *db, hub_tree_t *t)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_tree_sql_units);
    hub_tree_node_t *u;
    int rc, cap = 0;

    while ((rc = hub_dbx_next(db, st, HUB_OK, "unit tree")) == HUB_OK) {
        if (hub_tree_grow(t, &cap) != 0) {
            sqlx_reset(st);
            return HUB_ERROR;
        }
        u = &t->nodes[t->n++];
        memset(u, 0, sizeof(*u));
        snprintf(u->code, sizeof(u->code), "%s", sqlx_column_text(st, 0));
        snprintf(u->name, sizeof(u->name), "%s", sqlx_column_text(st, 1));
        snprintf(u->parent, sizeof(u->parent), "%s", sqlx_column_text(st, 2));
        snprintf(u->merged_into, sizeof(u->merged_into), "%s",
                 sqlx_column_text(st, 3));
        snprintf(u->merged_from, sizeof(u->merged_from), "%s",
                 sqlx_column_text(st, 4));
        u->up = -1;
        u->heir = -1;
        u->depth = -1;
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

/* What one change means for the view. Changes come by unit and date, so
 * the first rename (move) dated after the view's date holds the name
 * (parent) the unit had on that date. */
typedef struct hub_tree_undo {
    int node;
    int name_done, parent_done;
} hub_tree_undo_t;

static void hub_tree_apply_change(hub_tree_t *t, hub_tree_undo_t *u,
                                  const char *kind, const char *from,
                                  const char *old_value)
{
    hub_tree_node_t *x = &t->nodes[u->node];
    int later = t->at_date && strcmp(from, t->date) > 0;

    if (!later) {
        snprintf(x->valid_from, sizeof(x->valid_from), "%s", from);
        return;
    }
    if (strcmp(kind, "rename") == 0 && !u->name_done) {
        snprintf(x->name, sizeof(x->name), "%s", old_value);
        u->name_done = 1;
    } else if (strcmp(kind, "move") == 0 && !u->parent_done) {
        snprintf(x->parent, sizeof(x->parent), "%s", old_value);
        u->parent_done = 1;
    }
}

static int hub_tree_read_changes(hub_db_t *db, hub_tree_t *t)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_tree_sql_changes);
    hub_tree_undo_t u = {-1, 0, 0};
    const char *code;
    int rc, node;

    while ((rc = hub_dbx_next(db, st, HUB_OK, "unit history")) == HUB_OK) {
        code = sqlx_column_text(st, 0);
        if (u.node < 0 || strcmp(t->nodes[u.node].code, code) != 0) {
            node = hub_tree_find(t, code);
            if (node < 0)
                continue; /* cannot happen: a foreign key */
            u.node = node;
            u.name_done = u.parent_done = 0;
        }
        hub_tree_apply_change(t, &u, sqlx_column_text(st, 1),
                              sqlx_column_text(st, 2),
                              sqlx_column_text(st, 3));
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

/* The end of a merged_into chain: the live unit that holds node now. */
static int hub_tree_find_heir(const hub_tree_t *t, int node)
{
    int steps, next;

    for (steps = 0; steps < HUB_TREE_STEPS_MAX; steps++) {
        if (!t->nodes[node].merged_into[0])
            return node;
        next = hub_tree_find(t, t->nodes[node].merged_into);
        if (next < 0)
            return node;
        node = next;
    }
    return node;
}

/* Depth of node and of every node above it not known yet: walks up to a
 * root or a known depth, then numbers the path on the way down. */
static void hub_tree_set_depth(hub_tree_t *t, int node)
{
    int path[HUB_TREE_STEPS_MAX + 1], n = 0, x = node, depth;

    while (x >= 0 && t->nodes[x].depth < 0 && n <= HUB_TREE_STEPS_MAX) {
        path[n++] = x;
        x = t->nodes[x].up;
    }
    depth = x >= 0 && t->nodes[x].depth >= 0 ? t->nodes[x].depth + 1 : 0;
    while (n > 0)
        t->nodes[path[--n]].depth = depth++;
}

static void hub_tree_link(hub_tree_t *t)
{
    hub_tree_node_t *x;
    int i, link;

    for (i = 0; i < t->n; i++) {
        x = &t->nodes[i];
        if (t->at_date && x->merged_from[0] &&
            strcmp(x->merged_from, t->date) > 0) {
            x->merged_into[0] = '\0'; /* merged only after that date */
            x->merged_from[0] = '\0';
        }
    }
    for (i = 0; i < t->n; i++) {
        x = &t->nodes[i];
        if (!t->at_date && x->merged_into[0])
            link = hub_tree_find(t, x->merged_into);
        else
            link = x->parent[0] ? hub_tree_find(t, x->parent) : -1;
        x->up = link;
        x->heir = t->at_date ? i : hub_tree_find_heir(t, i);
    }
    for (i = 0; i < t->n; i++)
        hub_tree_set_depth(t, i);
}

int hub_tree_load(hub_db_t *db, const char *date, hub_tree_t **out)
{
    hub_tree_t *t = calloc(1, sizeof(*t));
    int rc;

    *out = NULL;
    if (!t)
        return HUB_ERROR;
    if (date) {
        t->at_date = 1;
        snprintf(t->date, sizeof(t->date), "%s", date);
    }
    rc = hub_tree_read_units(db, t);
    if (rc == HUB_OK)
        rc = hub_tree_read_changes(db, t);
    if (rc != HUB_OK) {
        hub_tree_free(t);
        return rc;
    }
    hub_tree_link(t);
    *out = t;
    return HUB_OK;
}

void hub_tree_free(hub_tree_t *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t);
}

int hub_tree_find(const hub_tree_t *t, const char *code)
{
    int lo = 0, hi = t->n - 1, mid, cmp;

    while (lo <= hi) {
        mid = lo + (hi - lo) / 2;
        cmp = strcmp(t->nodes[mid].code, code);
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int hub_tree_is_within(const hub_tree_t *t, int node, int ancestor)
{
    int steps;

    for (steps = 0; node >= 0 && steps <= HUB_TREE_STEPS_MAX; steps++) {
        if (node == ancestor)
            return 1;
        node = t->nodes[node].up;
    }
    return 0;
}

int hub_tree_get_at_level(const hub_tree_t *t, int node, int level)
{
    int steps;

    for (steps = 0; steps < HUB_TREE_STEPS_MAX; steps++) {
        if (t->nodes[node].depth <= level || t->nodes[node].up < 0)
            return node;
        node = t->nodes[node].up;
    }
    return node;
}

/* Children lists: first[i] is i's first child, next[c] c's next sibling,
 * both in code order (nodes are sorted by code). */
static int hub_tree_visit(const hub_tree_t *t, const int *first,
                          const int *next, int node, hub_tree_each_fn fn,
                          void *ctx, int level)
{
    int c, rc = fn(ctx, t, node);

    if (rc != 0 || level >= HUB_TREE_STEPS_MAX)
        return rc;
    for (c = first[node]; c >= 0; c = next[c]) {
        rc = hub_tree_visit(t, first, next, c, fn, ctx, level + 1);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int hub_tree_each(const hub_tree_t *t, int root, hub_tree_each_fn fn, void *ctx)
{
    int *first = malloc(((size_t)t->n + 1) * sizeof(int));
    int *next = malloc(((size_t)t->n + 1) * sizeof(int));
    int i, rc = 0, up;

    if (!first || !next) {
        free(first);
        free(next);
        return HUB_ERROR;
    }
    for (i = 0; i < t->n; i++)
        first[i] = next[i] = -1;
    /* Backwards, so each list comes out in code order. */
    for (i = t->n - 1; i >= 0; i--) {
        up = t->nodes[i].up;
        if (up >= 0) {
            next[i] = first[up];
            first[up] = i;
        }
    }
    if (root >= 0)
        rc = hub_tree_visit(t, first, next, root, fn, ctx, 0);
    for (i = 0; root < 0 && rc == 0 && i < t->n; i++)
        if (t->nodes[i].up < 0)
            rc = hub_tree_visit(t, first, next, i, fn, ctx, 0);
    free(first);
    free(next);
    return rc;
}
