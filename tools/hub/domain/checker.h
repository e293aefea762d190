/*
 * checker.h - the database's integrity check, off the start path.
 *
 * The server starts serving at once; this module checks the file in the
 * background (store/integrity.h: quick_check on a read-only connection of
 * its own, so uploads and statistics go on meanwhile):
 *   - at start, when the previous server did not stop cleanly
 *     (base/marker.h);
 *   - and every `every_ms` after the latest completed check recorded in
 *     the audit trail (a database never checked: at start), so a hub
 *     restarted every night is still checked once per interval.
 * Time is the hub's wall clock (base/clock.h), so tests move it with
 * SIPAS_CLOCK_OFFSET_S.
 *
 * Each check leaves audit rows (actor "hub"): integrity.start, then one
 * of integrity.ok, integrity.failed, integrity.interrupted or
 * integrity.error, and a line in the log. /healthz shows the state
 * (hub_checker_status_json()).
 *
 * Ownership: hub_checker_start() returns a handle ended with
 * hub_checker_stop(), which the caller calls before closing db; db and
 * the options' strings are borrowed until then.
 * Threads: one thread of its own; hub_checker_status_json() from any
 * thread.
 */
#ifndef SIPAS_HUB_CHECKER_H
#define SIPAS_HUB_CHECKER_H

#include <jansson.h>
#include <stdint.h>

#include "hub/store/db.h"

#define HUB_CHECKER_EVERY_HOURS_DEFAULT 24
#define HUB_CHECKER_EVERY_HOURS_MAX (24 * 366)

typedef struct hub_checker_options {
    const char *db_path;
    int64_t every_ms;       /* 0: no scheduled check */
    int after_unclean;      /* 1: check at start */
    int64_t wal_growth_max; /* bytes; 0: unbounded */
    int server_checked;     /* 1: PostgreSQL, which checks its own pages:
                             * a check asks it (store/pghealth.h) instead
                             * of reading a file; db_path unused */
} hub_checker_options_t;

typedef struct hub_checker hub_checker_t;

/* Starts the thread; NULL when it cannot (out of memory, no thread). */
hub_checker_t *hub_checker_start(hub_db_t *db, const hub_checker_options_t *o);
/* Interrupts a running check (recorded as interrupted), ends the thread
 * and frees the handle. Safe on NULL. */
void hub_checker_stop(hub_checker_t *k);
/* A new JSON object for /healthz: "result" (never, running, ok, failed,
 * interrupted, error), "reason", "started_at" and "finished_at" (Unix
 * ms or null), "errors" (quick_check's first lines), "every_hours",
 * "next_at"; while running, interrupted or in error, "previous" with the
 * last completed result. With server_checked also "method":
 * "postgresql" and "detail", what the server said. */
json_t *hub_checker_status_json(hub_checker_t *k);

#endif
