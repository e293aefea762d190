/*
 * stats.h - the figures behind GET /api/v1/stats (docs/STATS_API.md).
 *
 * Counts come from what kiosks uploaded: the per-(kiosk, day) snapshots
 * (day_responses, day_answers) for single days, and the monthly summaries
 * the database keeps equal to their sums (db.c) for whole months, so a
 * year over a thousand kiosks reads thousands of rows, not millions. The
 * two give the same totals to the unit; tests compare them.
 *
 * "responses" counts complete responses; each question's "counts" add up
 * the answers of complete responses, by answer value. Questions are kept
 * apart per instrument: the same id ("overall") can be a 1..5 scale in one
 * survey and a three-level one in another. Figures (satisfied share or
 * normalised mean with 95% intervals, elements, the SIPAS index, Circular
 * 01 scores and bands, targets) are computed by app/core/indices.c and
 * app/core/targets.c only (stats_figures.c calls them).
 *
 * Scope and history: a unit covers its whole subtree. rollup=current reads
 * today's tree, in which a merged unit lies under the unit it joined and
 * its responses count for that unit; rollup=recorded reads the tree as it
 * stood on the period's last day, a merged unit keeping its own group
 * under its last parent (unittree.h).
 *
 * Ownership: the JSON handed out is the caller's (json_decref); strings in
 * a query are borrowed for the call.
 * Locking: the caller holds hub_db_lock(); the computation runs in one
 * read transaction of its own.
 */
#ifndef SIPAS_HUB_STATS_H
#define SIPAS_HUB_STATS_H

#include <jansson.h>

#include "core/indices.h"
#include "core/targets.h"
#include "hub/store/db.h"

#define HUB_STATS_MIN_GROUP_DEFAULT 5
#define HUB_STATS_MIN_GROUP_MAX 1000000
#define HUB_STATS_C01_INSTRUMENT "c01-counter"
#define HUB_STATS_REASONS_QUESTION "reasons"

typedef enum hub_stats_group {
    HUB_STATS_ALL = 0, /* one group for the whole scope */
    HUB_STATS_BY_UNIT,
    HUB_STATS_BY_FIELD,
    HUB_STATS_BY_COUNTER, /* key {"unit", "counter"}: names repeat */
    HUB_STATS_BY_DAY,     /* "2026-11-22" */
    HUB_STATS_BY_MONTH,   /* "2026-11" */
    HUB_STATS_BY_QUARTER, /* "2026-Q4" */
    HUB_STATS_BY_HALF,    /* "2026-H2" */
    HUB_STATS_BY_YEAR,    /* "2026" */
    HUB_STATS_BY_OFFICER, /* officer code; small groups suppressed */
    HUB_STATS_GROUP_COUNT
} hub_stats_group_t;

typedef enum hub_stats_rollup {
    HUB_STATS_CURRENT = 0, /* today's tree: merged units count for heirs */
    HUB_STATS_RECORDED     /* the tree on the last day of the period */
} hub_stats_rollup_t;

typedef enum hub_stats_source {
    HUB_STATS_SOURCE_AUTO = 0, /* summaries for whole months */
    HUB_STATS_SOURCE_DAYS      /* day snapshots only (checks, tests) */
} hub_stats_source_t;

typedef struct hub_stats_query {
    const char *from, *to;  /* local dates, inclusive, already valid */
    const char *period;     /* what was asked ("2026-Q3"), or NULL */
    const char *unit;       /* subtree root; NULL: the whole scope */
    const char *scope_unit; /* the token's unit; NULL or "": province */
    const char *instrument; /* NULL for every instrument */
    hub_stats_group_t group;
    hub_stats_rollup_t rollup;
    indices_method_t method;
    int min_group;            /* officer groups under it: suppressed */
    int level;                /* group=unit: roll up to depth; -1 none */
    const targets_t *targets; /* NULL: no targets */
    const char *province;     /* slug for the targets; NULL is "*" */
    hub_stats_source_t source;
} hub_stats_query_t;

/* Defaults: no group, current tree, share, min_group 5, no level. */
void hub_stats_init_query(hub_stats_query_t *q);

/* The group for "unit", "month", ...; -1 for an unknown name. */
int hub_stats_parse_group(const char *name);
const char *hub_stats_get_group_name(hub_stats_group_t g);

/* HUB_OK with the answer in *out; HUB_DENIED when the unit lies outside
 * the token's scope (or does not exist, for a unit token: the answer then
 * reveals nothing); HUB_NOT_FOUND for an unknown unit (province token);
 * or a database error. */
int hub_stats_compute(hub_db_t *db, const hub_stats_query_t *q, json_t **out);

#endif
