/*
 * partmaint.h - the month partitions on PostgreSQL kept ahead of the
 * calendar while the server runs (store/partitions.h).
 *
 * hub_partmaint_start() makes the current month's and the `ahead` next
 * months' partitions before it returns (a server that cannot make them
 * does not start: an upload of the new month would find none), then a
 * thread of its own does it again at each new hub day (UTC+7, the hub's
 * wall clock of base/clock.h, so SIPAS_CLOCK_OFFSET_S moves it). Several
 * processes on one server may all run it: a partition made by another
 * is left as it is. A failure is logged and tried again an hour later;
 * the months ahead leave weeks for that.
 *
 * Ownership: the handle is ended with hub_partmaint_stop() before db is
 * closed; db is borrowed until then. Threads: one of its own.
 */
#ifndef SIPAS_HUB_PARTMAINT_H
#define SIPAS_HUB_PARTMAINT_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/db.h"

typedef struct hub_partmaint hub_partmaint_t;

/* The wall clock it reads: hub_clock_now_ms(), or a test's. */
typedef int64_t (*hub_partmaint_clock_fn)(void);

/* now: NULL for hub_clock_now_ms(). NULL with the reason in err (cap
 * bytes). */
hub_partmaint_t *hub_partmaint_start(hub_db_t *db, int ahead,
                                     hub_partmaint_clock_fn now, char *err,
                                     size_t cap);
/* Makes the thread read its clock now rather than at its next wake (an
 * hour at most): for a test that has moved its clock. */
void hub_partmaint_wake(hub_partmaint_t *p);
/* Ends the thread and frees the handle. Safe on NULL. */
void hub_partmaint_stop(hub_partmaint_t *p);

#endif
