/*
 * stat_rows.h - the counts the statistics add up, as stored.
 *
 * Four kinds of table hold them: the kiosks' own day snapshots
 * (day_responses, day_answers), the day and month summaries the database
 * keeps equal to their sums (db.c), and the staff summaries by counter and
 * officer per month; the month ones again per calendar year; the day and
 * month ones again for the whole province; each officer's complete
 * responses by day and month. One call reads one of them over a range of days or
 * months, row by row, in the order the grouping needs (unit, sub, bucket).
 * Ownership: a row's strings are valid during the callback only.
 * Locking: the caller holds hub_db_lock(), in a read transaction when it
 * reads more than once. On PostgreSQL the rows come a page at a time
 * through a cursor (dbx.h), so a read of any size holds one page: the
 * callback must not read statistics' rows itself.
 */
#ifndef SIPAS_HUB_STAT_ROWS_H
#define SIPAS_HUB_STAT_ROWS_H

#include <stdint.h>

#include "hub/store/db.h"

typedef enum hub_stat_table {
    HUB_STAT_DAY_ROWS = 0,  /* the snapshots' rows: counters and officers */
    HUB_STAT_DAY_SUMMARY,   /* whole days by unit and field */
    HUB_STAT_MONTH_SUMMARY, /* whole months by unit and field */
    HUB_STAT_STAFF_SUMMARY, /* whole months by counter or officer */
    HUB_STAT_YEAR_SUMMARY,  /* whole years by unit and field ("YYYY") */
    HUB_STAT_STAFF_YEAR_SUMMARY, /* whole years by counter or officer */
    /* The whole province, no unit (unit ""), no scope (scope_codes NULL). */
    HUB_STAT_PROVINCE_DAY_SUMMARY,   /* whole days by field */
    HUB_STAT_PROVINCE_MONTH_SUMMARY, /* whole months by field */
    /* With officers only: each officer's complete responses by unit and
     * counter, no field (field ""). */
    HUB_STAT_OFFICERS_DAY,  /* whole days */
    HUB_STAT_OFFICERS_MONTH /* whole months */
} hub_stat_table_t;

/* What the sub column holds. */
typedef enum hub_stat_sub {
    HUB_STAT_SUB_NONE = 0,
    HUB_STAT_SUB_COUNTER = 1,
    HUB_STAT_SUB_OFFICER = 2
} hub_stat_sub_t;

#define HUB_STAT_ELEMENTS 2

typedef struct hub_stat_read {
    hub_stat_table_t table;
    int answers;             /* 0: response counts; 1: answer counts;
                              * HUB_STAT_ELEMENTS: element respondents */
    const char *lo, *hi;     /* days, months or years, inclusive */
    const char *instrument;  /* NULL: every instrument */
    const char *scope_codes; /* JSON array of unit codes; NULL: every unit */
    hub_stat_sub_t sub;      /* staff summaries: none gives no rows */
    /* 1: response counts of rows with an officer only, the officer in
     * row->officer (day rows, staff summaries and the officers' tables;
     * sub none or counter; answers 0). Officer privacy weighs every
     * grouping by them: such rows carry unit, field, sub, bucket,
     * complete and officer only (instrument "", the rest 0). */
    int officers;
    /* 1 when the caller groups by the bucket alone or not at all: with
     * officers, the officers' tables and no scope, unit, field and sub
     * are then not read and come back "". Ignored otherwise. */
    int bucket_only;
    /* JSON object of unit code -> the code its rows are counted under (a
     * unit's ancestor), or NULL. Read from the month and year summaries
     * (and, with officers, stat_month_officers and the staff year
     * summary) with sub none, rows come summed by that code in SQL, in
     * no particular order: only units the map names when scope_codes is
     * set, every unit otherwise (one it does not name under its own
     * code). Other reads ignore it. */
    const char *unit_map;
    /* 1 with unit_map when the map sends every unit to its province
     * and each province's rows are the ones it pushed (a national hub,
     * hub_provtotals_is_exact()): the totals by province (provtotals.h)
     * are read in its place, the same rows as the map's sums; with a
     * scope, those of the provinces it holds. */
    int by_province;
} hub_stat_read_t;

typedef struct hub_stat_row {
    const char *unit, *field, *sub, *bucket, *instrument;
    int64_t complete, partial, suppressed;   /* response rows */
    const char *question, *element, *answer; /* answer rows */
    int64_t n;           /* answers of complete responses */
    int64_t pn;          /* answers of partial responses: they count too (§3d) */
    /* Element rows (element, n and pn: responses that answered it) and
     * how many of their snapshot rows came without counts (db.c v8). */
    int64_t approx;
    const char *officer; /* with rd->officers; "" otherwise */
} hub_stat_row_t;

typedef int (*hub_stat_row_fn)(void *ctx, const hub_stat_row_t *row);

/* Every row of rd to fn; HUB_OK, HUB_ERROR when fn returns non-zero, or a
 * database error. */
int hub_stat_rows_each(hub_db_t *db, const hub_stat_read_t *rd,
                       hub_stat_row_fn fn, void *ctx);

#endif
