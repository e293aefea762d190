/*
 * stats.h - minimal statistics: counts over a date range, in one group or
 * grouped by unit, field, counter or period.
 *
 * For checking totals against what kiosks recorded: "responses" counts
 * complete responses; each question's "counts" add up the answers of
 * complete responses, by answer value. Questions are kept apart per
 * instrument: the same id ("overall") can be a 1..5 scale in one survey
 * and a 0..2 one in another, and adding those would mean nothing.
 * A unit's figures cover its whole subtree.
 * Ownership: the JSON handed out is the caller's (json_decref).
 * Locking: the caller holds hub_db_lock().
 */
#ifndef SIPAS_HUB_STATS_H
#define SIPAS_HUB_STATS_H

#include <jansson.h>

#include "db.h"

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
    HUB_STATS_GROUP_COUNT
} hub_stats_group_t;

typedef struct hub_stats_query {
    const char *from, *to;  /* local dates, inclusive, already valid */
    const char *unit;       /* subtree root; NULL for every unit */
    const char *instrument; /* NULL for every instrument */
    hub_stats_group_t group;
} hub_stats_query_t;

/* The group for "unit", "month", ...; -1 for an unknown name. */
int hub_stats_parse_group(const char *name);

/* HUB_OK with {"groups":[...]} in *out, or a database error. */
int hub_stats_compute(hub_db_t *db, const hub_stats_query_t *q,
                      json_t **out);

#endif
