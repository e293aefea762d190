/*
 * dayrows.h - writing one (kiosk, day) of an upload as a difference.
 *
 * A kiosk sends its whole day again after each rating, so almost every
 * row it sends is already held unchanged. Only the rows that differ are
 * written: a changed count is an UPDATE, a key no longer sent a DELETE, a
 * new key an INSERT (on PostgreSQL, each of the three one statement for
 * all such rows of a table); the summaries change once per key that
 * changed (statsums.h).
 * Called inside the ingest's write transaction, under the database lock.
 * Ownership: nothing is kept; the upload's rows are the caller's.
 */
#ifndef SIPAS_HUB_DAYROWS_H
#define SIPAS_HUB_DAYROWS_H

#include <stdint.h>

#include "hub/store/db.h"
#include "hub/store/snapshots.h"

/* Rows of the upload to leave out, one flag per row of each array. */
typedef struct hub_dayrows_skip {
    unsigned char *resp, *ans, *el, *dos;
} hub_dayrows_skip_t;

/* Makes the held rows of day equal to the upload's kept rows of that day
 * (responses, answers and element counts, or the element stand-ins of a
 * day sent without them). *dropped grows by the rows held before, as if
 * they had all been replaced: the row quotas count a day's rows that way.
 * HUB_OK or an error of db.h. */
int hub_dayrows_write(hub_db_t *db, const hub_upload_t *up,
                      const hub_day_t *day, const hub_dayrows_skip_t *skip,
                      int64_t *dropped);

#endif
