/*
 * migrate.h - a province's SQLite hub copied into an empty PostgreSQL
 * one (sipas-hub migrate, docs/HUB.md "Moving a province to
 * PostgreSQL").
 *
 * Every table of the SQLite file is copied column by column by name
 * into the table of the same name on PostgreSQL, in one transaction
 * there: a run that fails or is killed leaves the target as it was
 * (empty), so running it again is safe. Only SQLite's own bookkeeping
 * is left out: sqlite_sequence (its numbers become the identity
 * columns' next values) and stat_writer_sums (a flag its triggers read
 * inside one transaction, empty between them). A table or column
 * without its counterpart on PostgreSQL is refused, not skipped.
 *
 * The source is read in one read transaction while the caller holds the
 * file's write lock (hub_migrate_hold_source()), so no hub process can
 * acknowledge an upload the copy misses: a serving hub's uploads wait,
 * then fail busy, and the kiosks send them again later. The summaries
 * are copied as they are, not recomputed: each table's rows are counted
 * and summed per column on both sides before the commit, and the caller
 * compares statistics of both afterwards (cmd_migrate.c).
 *
 * Ownership: the caller owns both handles and the result; nothing is
 * kept between calls. Errors go to err (cap bytes).
 */
#ifndef SIPAS_HUB_MIGRATE_H
#define SIPAS_HUB_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/db.h"

#define HUB_MIGRATE_TABLES_MAX 64
#define HUB_MIGRATE_NAME_MAX 64
#define HUB_MIGRATE_DAY_MAX 16
#define HUB_MIGRATE_DETAIL_MAX 1200

typedef struct hub_migrate_table {
    char name[HUB_MIGRATE_NAME_MAX];
    int64_t rows; /* in the source, and found so in the target */
} hub_migrate_table_t;

typedef struct hub_migrate_result {
    int n_tables;
    hub_migrate_table_t tables[HUB_MIGRATE_TABLES_MAX];
    int64_t rows;   /* over all tables */
    int months;     /* month partitions made */
    /* The first and last day of the snapshots ("" without any): the
     * period the caller's statistics compare. */
    char first_day[HUB_MIGRATE_DAY_MAX], last_day[HUB_MIGRATE_DAY_MAX];
} hub_migrate_result_t;

/* Takes the SQLite source's write lock ("PATH-lock") and keeps it until
 * hub_migrate_release_source(): other writers wait, this handle only
 * reads. HUB_OK, HUB_BUSY while another process keeps it, or a hub_rc;
 * the reason in err. */
int hub_migrate_hold_source(hub_db_t *src, char *err, size_t cap);
void hub_migrate_release_source(hub_db_t *src);

/* HUB_OK when no table of the PostgreSQL target holds a row; HUB_EXISTS
 * naming the first one that does; or a hub_rc. */
int hub_migrate_check_empty(hub_db_t *dst, char *err, size_t cap);

/* Copies src (SQLite, held) into dst (PostgreSQL, empty) in one dst
 * transaction: the target's emptiness checked again inside it, the
 * month partitions made, every table copied, the identity columns set
 * past the copied keys, each table's row count compared with the
 * source's (and each column's sum: integers modulo a prime, text and
 * bytes by length), and an audit row (at now_ms, by actor: "DETAIL: N tables,
 * M rows") added last. Commits
 * only when all of that held: HUB_OK with *res filled; otherwise
 * nothing is left in dst: HUB_EXISTS for a target holding data,
 * HUB_CONFLICT for a schema or count that does not match, or a hub_rc. */
int hub_migrate_copy(hub_db_t *src, hub_db_t *dst, int64_t now_ms,
                     const char *actor, const char *detail,
                     hub_migrate_result_t *res, char *err, size_t cap);

/* Empties every table of dst the copy fills, in one transaction: what
 * a copy whose statistics failed to match leaves behind. */
int hub_migrate_empty_target(hub_db_t *dst, char *err, size_t cap);

#endif
