/*
 * statsums.h - the statistics summaries kept by the writer of a day's
 * rows, once per changed summary key instead of by a trigger per row.
 *
 * The summary triggers (db.c) add and take away each snapshot row as it
 * is written: six statements per changed row. The ingest instead sums
 * what its writes add and take away per summary key in memory and applies
 * one upsert per key and summary table at the end; for that transaction
 * the triggers stand aside (hub_statsums_begin / hub_statsums_end), and
 * every other writer (migrations, an operator's sqlite3) still has them.
 * One (kiosk, day) per accumulator: every row added shares the day.
 * Ownership: the accumulator owns copies of every key it holds (rows may
 * be read from a statement that moves on); hub_statsums_free releases
 * them.
 */
#ifndef SIPAS_HUB_STATSUMS_H
#define SIPAS_HUB_STATSUMS_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/db.h"
#include "hub/store/snapshots.h"

typedef struct hub_statsum hub_statsum_t;

typedef struct hub_statsums {
    hub_statsum_t **slot; /* open addressing, cap a power of two */
    size_t cap, n;
} hub_statsums_t;

void hub_statsums_init(hub_statsums_t *s);
void hub_statsums_free(hub_statsums_t *s);

/* A row written (sign +1) or taken away (sign -1). 0 or HUB_ERROR (out
 * of memory, or more keys than a day can hold). exact: 1 the kiosk's
 * element count, 0 the hub's stand-in. */
int hub_statsums_add_resp(hub_statsums_t *s, const hub_resp_row_t *r,
                          int sign);
int hub_statsums_add_ans(hub_statsums_t *s, const hub_ans_row_t *r,
                         int sign);
int hub_statsums_add_el(hub_statsums_t *s, const hub_elem_row_t *r,
                        int exact, int sign);

/* From here to hub_statsums_end, in the caller's write transaction, the
 * triggers leave the summaries to this writer. Both are HUB_OK or an
 * error of db.h; a transaction rolled back undoes begin too. */
int hub_statsums_begin(hub_db_t *db);
int hub_statsums_end(hub_db_t *db);

/* Adds what s holds to the twenty-three summary tables of day
 * ("YYYY-MM-DD"): by day, month and year, the staff ones by month and
 * year, the whole province's by day and month, and the officers' by day
 * and month; on SQLite one upsert per key that changed, on PostgreSQL
 * one per table and kind for all its keys (in key order), those of an
 * upload sent in one round trip; a summary row going when its last
 * snapshot row goes. HUB_OK or an error of db.h. */
int hub_statsums_apply(hub_db_t *db, const hub_statsums_t *s,
                       const char *day);

#endif
