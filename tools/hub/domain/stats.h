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
 * the answers of complete responses, "partial_counts" those of partial
 * ones, by answer value; figures count both (domain §3d). Questions are
 * listed per instrument: the same id ("overall") can be a 1..5 scale in
 * one survey and a three-level one in another; a 1..5 question's figure is
 * pooled over the survey forms that ask its id. Figures (satisfied share or
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

#include "hub/domain/stats_query.h"
#include "hub/store/db.h"

/* HUB_OK with the answer in *out; HUB_DENIED when the unit lies outside
 * the token's scope (or does not exist, for a unit token: the answer then
 * reveals nothing); HUB_NOT_FOUND for an unknown unit (province token);
 * or a database error. */
int hub_stats_compute(hub_db_t *db, const hub_stats_query_t *q, json_t **out);

#endif
