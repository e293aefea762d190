/*
 * api_dossiers.h - dossier-bound ratings for the province's dossier
 * system (Decision 766/QĐ-TTg; docs/DOSSIER_EXPORT.md).
 *
 *   GET /api/v1/dossiers[?after=CURSOR][&limit=N][&unit=CODE][&format=json|csv]
 *       with "Authorization: Bearer <analyst token>": the ratings stored
 *       after CURSOR (from the start without it), oldest first, at most
 *       N (default 500, at most 5000), of the units in the token's scope
 *       (narrowed to unit's subtree with unit=). A unit outside the scope
 *       is 403, whether it exists or not; a cursor that is not one this
 *       hub handed out, a limit out of range, an unknown or repeated
 *       parameter are 400. Nothing is ever written.
 *
 * Also the 5.4 figure that /api/v1/stats carries (its "decision_766"
 * member) and the dashboard shows.
 * Threads: as every handler; they take the database lock themselves,
 * except where said.
 */
#ifndef SIPAS_HUB_API_DOSSIERS_H
#define SIPAS_HUB_API_DOSSIERS_H

#include <jansson.h>

#include "hub/api/handler.h"

int hub_api_dossiers(hub_ctx_t *ctx, const hub_request_t *req,
                     hub_reply_t *r);

/* The "decision_766" object for the local days from..to and the subtree
 * of unit (NULL or "": the whole province); NULL on a database error or
 * out of memory. The caller holds the database lock. */
json_t *hub_api_dossiers_figure(hub_db_t *db, const char *from,
                                const char *to, const char *unit);

#endif
