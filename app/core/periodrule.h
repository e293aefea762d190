/*
 * periodrule.h - the days a periodic report covers, by one of two rules:
 *  - calendar: the calendar year, half, quarter or month (dashboards and
 *    the default of reports);
 *  - decree-09: the data cut-off of Decree 09/2019/NĐ-CP Art. 12 for
 *    periodic reports: a month runs from the 15th of the month before to
 *    the 14th of the month; a quarter from the 15th of the month before
 *    the quarter to the 14th of its last month; a half year from the 15th
 *    of the month before it to the 14th of its sixth month; a year from
 *    15 December of the previous year to 14 December. So Q1 2026 is
 *    2025-12-15 .. 2026-03-14, and the periods of one kind tile the years
 *    without gap or overlap, as calendar periods do.
 * Dates are local dates (Asia/Ho_Chi_Minh), "YYYY-MM-DD", inclusive.
 *
 * Pure: no I/O, no clock; the caller names the period.
 * Ownership: callers own every buffer.
 */
#ifndef SIPAS_PERIODRULE_H
#define SIPAS_PERIODRULE_H

#define PERIODRULE_DATE_MAX 11 /* "YYYY-MM-DD" and NUL */
#define PERIODRULE_YEAR_MIN 2000
#define PERIODRULE_YEAR_MAX 2100
#define PERIODRULE_CUTOFF_DAY 15 /* the first day of a cut-off period */

typedef enum periodrule_rule {
    PERIODRULE_CALENDAR = 0,
    PERIODRULE_DECREE_09
} periodrule_rule_t;

typedef enum periodrule_kind {
    PERIODRULE_YEAR = 0, /* index ignored */
    PERIODRULE_HALF,     /* index 1..2 */
    PERIODRULE_QUARTER,  /* index 1..4 */
    PERIODRULE_MONTH     /* index 1..12 */
} periodrule_kind_t;

/* The first and last day of period index of kind in year under rule.
 * 0, or -1 (both "") for an unknown rule or kind, a year outside
 * 2000..2100 or an index out of range. */
int periodrule_get_range(periodrule_rule_t rule, periodrule_kind_t kind,
                         int year, int index,
                         char from[PERIODRULE_DATE_MAX],
                         char to[PERIODRULE_DATE_MAX]);

/* "calendar" or "decree-09" into *out: 0, or -1 for anything else. */
int periodrule_parse(const char *text, periodrule_rule_t *out);
/* The rule's name as parsed above; NULL for an unknown rule. */
const char *periodrule_get_name(periodrule_rule_t rule);
/* What a report says about the rule, NFC Vietnamese; NULL if unknown. */
const char *periodrule_get_label(periodrule_rule_t rule);

#endif
