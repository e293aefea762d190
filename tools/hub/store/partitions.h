/*
 * partitions.h - the month partitions of the snapshot rows on PostgreSQL
 * (pgschema.h): made ahead of the calendar, listed, and old ones taken
 * out of the live tables.
 *
 * A month is "YYYY-MM" of the province's time (UTC+7, core/vntime.h);
 * its partitions are TABLE_YYYY_MM of every table in
 * hub_pgschema_monthly. A month is in one of three states:
 *   attached  its rows are in the live tables;
 *   detached  its tables stand alone in the hub's schema (DETACH
 *             PARTITION by hand, or an interrupted archive);
 *   archived  its tables were moved to the schema HUB_PARTITIONS_ARCHIVE.
 * Only the snapshot rows leave: the summaries (stat_*) keep every month,
 * so the figures of an archived month still answer; what needs its
 * snapshot rows (an upload replacing one of its days) is refused.
 *
 * Every call is PostgreSQL's: on SQLite they return HUB_UNSUPPORTED.
 * Ownership: nothing kept; under hub_db_lock(); the reason of a failure
 * in hub_db_last_error().
 */
#ifndef SIPAS_HUB_PARTITIONS_H
#define SIPAS_HUB_PARTITIONS_H

#include <stdint.h>

#include "hub/store/db.h"

#define HUB_PARTITIONS_ARCHIVE "sipas_archive"
/* Months made beyond the current one, at start and every day: an upload
 * at a month's first minutes never waits for its partition. */
#define HUB_PARTITIONS_AHEAD 2
#define HUB_PARTITIONS_AHEAD_MAX 24
/* The current month and the one before are never detached: kiosks
 * still upload their days. */
#define HUB_PARTITIONS_KEEP 2
/* Months one detach takes at most (a century). */
#define HUB_PARTITIONS_MAX 1200

typedef enum hub_partition_state {
    HUB_PARTITION_ATTACHED = 0,
    HUB_PARTITION_DETACHED,
    HUB_PARTITION_ARCHIVED
} hub_partition_state_t;

typedef struct hub_partition {
    int year, month;
    hub_partition_state_t state;
} hub_partition_t;

/* "attached", "detached", "archived". Static storage. */
const char *hub_partition_state_name(hub_partition_state_t s);

/* year * 12 + month - 1 of the month holding wall_ms (UTC+7): months
 * compare and count as integers. */
int hub_partitions_month_of(int64_t wall_ms);

/* Makes the partitions of the month of now_ms and the `ahead` after it,
 * those missing. Safe while other processes do the same (a race lost is
 * run again). HUB_OK or a hub_rc. */
int hub_partitions_ensure(hub_db_t *db, int64_t now_ms, int ahead);

/* The partitions of day "YYYY-MM-DD"'s month, for a writer that got
 * HUB_NO_PARTITION: made when missing; HUB_CONFLICT when that month is
 * detached or archived (its rows are out of the live tables on
 * purpose: attach it again first); HUB_ERROR for a day that is no date. */
int hub_partitions_ensure_day(hub_db_t *db, const char *day);

/* Each month that has partitions (day_snapshots'), oldest first; stops
 * with fn's non-zero value. */
int hub_partitions_each(hub_db_t *db,
                        int (*fn)(void *ctx, const hub_partition_t *p),
                        void *ctx);

/* Detaches every attached month before before_month (a value of
 * hub_partitions_month_of()) and, with archive, moves its tables to the
 * schema HUB_PARTITIONS_ARCHIVE; one transaction with an audit row per
 * month (actor, "partitions.detach"). HUB_CONFLICT (nothing done) when
 * before_month would take the month of now_ms or HUB_PARTITIONS_KEEP - 1
 * before it. *n_done: the months detached. */
int hub_partitions_detach(hub_db_t *db, int before_month, int archive,
                          int64_t now_ms, const char *actor, int *n_done);

#endif
