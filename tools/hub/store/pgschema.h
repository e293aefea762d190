/*
 * pgschema.h - the hub's schema on PostgreSQL, for the tables whose
 * modules run on sqlx (dbx.h): units, unit_changes, enroll_codes,
 * kiosks, tokens, heartbeats, installations, audit, and those fleet.c
 * and dossiers.c read: day_snapshots, dossier_ratings; the snapshot
 * rows (day_responses, day_answers, day_elements) and the summaries
 * stat_rows.c reads (stat_*, without SQLite's triggers); the national
 * tables (national_credentials, national_months, national_month_units,
 * national_targets, forward_months), so that a province moved over (migrate.h) keeps
 * them.
 *
 * Its own migration list, versioned in a one-row table hub_schema (the
 * counterpart of SQLite's PRAGMA user_version): the same tables and
 * columns in the same order as db.c's SQLite list, with BIGINT for
 * integers (PostgreSQL's INTEGER is 32 bits), BYTEA for digests, an
 * identity column for SQLite's AUTOINCREMENT keys, and text declared
 * COLLATE "C" so ORDER BY sorts by bytes as SQLite's BINARY does, and
 * a column "rowid" where a module reads SQLite's implicit one
 * (enroll_codes; the snapshot rows, numbered by a sequence).
 * tests/unit/test_hub_pgschema.c compares the two lists' columns.
 *
 * Ownership: nothing kept; the caller owns x.
 */
#ifndef SIPAS_HUB_PGSCHEMA_H
#define SIPAS_HUB_PGSCHEMA_H

#include <stddef.h>

#include "hub/store/sqlx.h"

/* The tables this schema has, NULL-terminated; static storage. */
extern const char *const hub_pgschema_tables[];

/* The tables partitioned by month, NULL-terminated; a month's partition
 * of each is named TABLE_YYYY_MM. Static storage. */
extern const char *const hub_pgschema_monthly[];

/* The version this program writes. */
int hub_pgschema_version(void);

/* Applies what is missing, all steps in one transaction (PostgreSQL's
 * DDL is transactional: a failed step leaves the schema as it was).
 * HUB_OK, or a hub_rc with the reason in err (cap bytes): a schema
 * newer than this program's is refused. */
int hub_pgschema_apply(sqlx_t *x, char *err, size_t cap);

/* For a read-only connection (a streaming replica): HUB_OK when the
 * schema is this program's version; otherwise HUB_ERROR with the reason
 * in err. Writes nothing. */
int hub_pgschema_check(sqlx_t *x, char *err, size_t cap);

/* Makes the partitions of year-month (1 to 12) of the tables kept by
 * month (day_snapshots and the snapshot rows), if missing: a row of a month without its
 * partition is refused. HUB_OK, or a hub_rc with the reason in err. */
int hub_pgschema_add_month(sqlx_t *x, int year, int month, char *err,
                           size_t cap);
/* The same, the month's tables all or none: in a transaction of its own
 * unless the caller's is open. One by one, a process making a month at
 * the same moment as another can find a different table taken at each
 * try; together, the loser fails once and then finds the month whole. */
int hub_pgschema_add_month_whole(sqlx_t *x, int year, int month, char *err,
                                 size_t cap);

#endif
