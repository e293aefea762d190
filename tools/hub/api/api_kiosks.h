/*
 * api_kiosks.h - what the dashboard shows besides the statistics: the
 * kiosks' health and whether every kiosk reported.
 *
 *   GET /api/v1/kiosks[?unit=CODE]
 *       every kiosk in the token's scope (or in unit's subtree): unit,
 *       counter, version, last seen, backlog, clock, free storage,
 *       integrity, last response, and "silent": not seen for more than
 *       two hours of opening time (Mon-Fri 7:30-17:00 local).
 *   GET /api/v1/completeness?from=DATE&to=DATE[&unit=CODE]
 *       (or period=2026-Q3 / 2026-H1 / 2026-11 / 2026 instead of from/to)
 *       per unit of the scope, for its subtree: kiosks expected (enrolled,
 *       not revoked), kiosks that reported, kiosks that reported on every
 *       working day, and the share of kiosk working days with a snapshot;
 *       per day of the period, kiosks expected and kiosks that reported.
 *
 * Both take "Authorization: Bearer <analyst token>" and answer as
 * /api/v1/stats does for scope: a unit token sees its subtree only; a
 * unit outside it is 403 "forbidden", whether it exists or not.
 * Shapes: docs/DASHBOARD.md.
 * Threads: as every handler; they take the database lock themselves.
 */
#ifndef SIPAS_HUB_API_KIOSKS_H
#define SIPAS_HUB_API_KIOSKS_H

#include <stdint.h>

#include "hub/api/handler.h"

/* Opening hours, local time, Monday to Friday. */
#define HUB_KIOSKS_OPEN_FROM_MIN (7 * 60 + 30)
#define HUB_KIOSKS_OPEN_TO_MIN (17 * 60)
/* Opening time without a word from a kiosk before it counts as silent. */
#define HUB_KIOSKS_SILENT_MS (2 * 3600 * INT64_C(1000))

int hub_api_kiosks(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);
int hub_api_completeness(hub_ctx_t *ctx, const hub_request_t *req,
                         hub_reply_t *r);

/* Milliseconds of opening hours between from_ms and to_ms (Unix ms),
 * counting stops once past cap_ms (the answer is then > cap_ms). 0 when
 * to_ms <= from_ms. */
int64_t hub_kiosks_get_open_ms(int64_t from_ms, int64_t to_ms,
                               int64_t cap_ms);

#endif
