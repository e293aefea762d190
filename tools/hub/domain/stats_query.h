/*
 * stats_query.h - what GET /api/v1/stats asks: period, scope, grouping.
 *
 * The query's words, shared by the computation (stats.c) and the figures
 * it hands out (stats_figures.c).
 * Ownership: strings in a query are borrowed.
 */
#ifndef SIPAS_HUB_STATS_QUERY_H
#define SIPAS_HUB_STATS_QUERY_H

#include <jansson.h>

#include "core/indices.h"
#include "core/targets.h"

/* The officer group size (docs/STATS_API.md), and the server's floor unless
 * serve --min-group-floor moves it. */
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
    int min_group;            /* officers under it: hidden, in every
                               * grouping (privacy.h) */
    int level;                /* group=unit: roll up to depth; -1 none */
    /* group=unit: 1 rolls up to the children of unit (the top units of
     * the tree without one: level 0), each its subtree's sum; 0 none.
     * With it, the level is set from the unit asked. */
    int depth;
    /* With depth, when set: the targets unit code holds for itself and
     * its subtree (a province's own, on a national hub), into *t and
     * *province, *t NULL when none. A group is held against those of
     * the nearest of its unit and its ancestors that holds some, or
     * targets and province. 0, or -1 when they cannot be read (the
     * answer fails). */
    int (*group_targets)(void *ctx, const char *code, const targets_t **t,
                         const char **province);
    void *group_targets_ctx;
    const targets_t *targets; /* NULL: no targets */
    const char *province;     /* slug for the targets; NULL is "*" */
    hub_stats_source_t source;
} hub_stats_query_t;

/* Defaults: no group, current tree, share, min_group 5, no level. */
void hub_stats_init_query(hub_stats_query_t *q);

/* The group for "unit", "month", ...; -1 for an unknown name. */
int hub_stats_parse_group(const char *name);
const char *hub_stats_get_group_name(hub_stats_group_t g);

#endif
