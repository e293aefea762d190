/*
 * dayclock.h - the local day a response counts in, as the hub counts it.
 *
 * A Pi has no RTC: a response recorded before NTP synced carries a wall
 * time that can be years off. The uploader corrects it through its boot's
 * anchor (wall - boottime at a moment the wall clock was known good, see
 * docs/SYNC_PROTOCOL.md "Clock") before it picks the day; `sipasctl
 * export` must pick the same day, so both ask here:
 *  - an anchor frozen in sync.db wins; else the boot's first response
 *    recorded with the clock synchronised gives one; else the boot has
 *    none and its responses keep their wall time ("estimated");
 *  - the uploader (a writer) freezes what it resolved, so a response never
 *    moves from one day to another; a reader only looks;
 *  - a corrected time outside 2000-01-01 .. tomorrow (by the best clock
 *    there is: this boot's anchor) counts on today, estimated.
 *
 * Ownership: dayclock_open() returns a set freed with dayclock_free();
 * the sync.db and store handles are borrowed and must outlive it.
 * Not thread-safe: one set per walk.
 */
#ifndef SIPAS_DAYCLOCK_H
#define SIPAS_DAYCLOCK_H

#include <stdint.h>

#include "core/agg.h"
#include "platform/pclock.h"
#include "store/store.h"
#include "sync/syncdb.h"

/* Boots a reader remembers at once (one per day for ten years and more). */
#define DAYCLOCK_BOOTS_MAX 8192

/* Boots without a real id ("unknown" when /proc was unreadable) would
 * lump many boots together: 1 when boot_id may be anchored. */
int dayclock_boot_anchorable(const char *boot_id);

/* The anchor of boot_id: frozen in db (may be NULL: no sync.db), else
 * from the boot's first synchronised response in store. *known 0: none.
 * With freeze_at_ms >= 0 (a writer holding the sync lock) what was found
 * is frozen in db at that wall time, and a finished boot (not own_boot)
 * without one is recorded as never to get one. 0, or -1 on a database
 * error (the handle that failed says why). */
int dayclock_resolve(syncdb_t *db, store_t *store, const char *boot_id,
                     const char *own_boot, int64_t freeze_at_ms, int *known,
                     int64_t *anchor);

/* This boot's anchor as frozen in db: *have 0 when there is none. */
int dayclock_own_anchor(syncdb_t *db, const char *boot_id, int *have,
                        int64_t *anchor);

/* The best "now": the hub's clock through this boot's anchor when there
 * is one, else the device's wall clock. */
int64_t dayclock_now(const pclock_t *clock, int have_anchor, int64_t anchor);

/* The plausible window and fallback for responses counted at now_ms
 * (max_days and max_rows left 0: the hub's caps). */
void dayclock_limits(int64_t now_ms, agg_limits_t *lim);

/* ---- for readers: many responses, one walk --------------------------- */

typedef struct dayclock dayclock_t;

/* A reader over store and db (NULL: the kiosk was never provisioned) as
 * this boot of clock sees them. */
int dayclock_open(dayclock_t **out, syncdb_t *db, store_t *store,
                  const pclock_t *clock);
void dayclock_free(dayclock_t *dc);

/* The day r counts in (as the uploader would place it now), its
 * corrected time (window not applied) and whether its day is estimated.
 * 0, or -1 on a database error or too many boots. */
int dayclock_place(dayclock_t *dc, const agg_response_t *r,
                   char day[AGG_DAY_TEXT], int64_t *corrected_ms,
                   int *estimated);
/* Why the last call failed. */
const char *dayclock_last_error(const dayclock_t *dc);

#endif
