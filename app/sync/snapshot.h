/*
 * snapshot.h - a day's counts as the JSON the hub takes, and back.
 *
 * The same text is uploaded in "days" and kept in sync.db once the hub
 * acknowledged it; the next snapshot of that day starts from it (see
 * docs/SYNC_PROTOCOL.md, "Upload"). Key names are the protocol's and the
 * hub refuses any other, so they live only here.
 *
 * Ownership: snapshot_build_day() returns a new jansson reference the
 * caller releases with json_decref(). Text passed in is borrowed.
 */
#ifndef SIPAS_SNAPSHOT_H
#define SIPAS_SNAPSHOT_H

#include <jansson.h>

#include "core/agg.h"

/* The upload format ("format" at the top of an upload): 2 adds the days'
 * "elements" rows. An upload without the key is format 1. */
#define SNAPSHOT_FORMAT 2

/* {"day", "estimated", "responses": [...], "answers": [...],
 * "elements": [...]}, "elements" left out when the day's element counts
 * are not known (agg_day_t.elements_known); NULL when out of memory or a
 * text is not UTF-8. */
json_t *snapshot_build_day(const agg_day_t *d);

/* Rows in a stored snapshot text (responses, answers, elements), or -1 when the
 * text is not a snapshot. */
int snapshot_count_rows(const char *text);

/* Adds a stored snapshot of day to a: AGG_OK, AGG_FULL (the caller checks
 * room first with snapshot_count_rows(), so the set is never left half
 * filled), or AGG_EINVAL for text that is not a snapshot of day. */
int snapshot_load_day(agg_t *a, const char *day, const char *text);

#endif
