/*
 * periods.h - reporting periods: calendar quarters, halves, months and
 * years of local dates (Asia/Ho_Chi_Minh), and how a date range splits
 * into whole months (read from the monthly summaries) and the days left
 * at its ends (read from the day snapshots).
 *
 * Dates are "YYYY-MM-DD", months "YYYY-MM"; every date handed in must be
 * valid already (vntime_parse_date). A day belongs to a quarter by its
 * local date, so 30 June 23:59 and 1 July 00:00 local fall into Q2 and Q3
 * because the kiosk bucketed them into those local days.
 * Pure: no I/O, no allocation.
 * Ownership: callers own every buffer.
 */
#ifndef SIPAS_HUB_PERIODS_H
#define SIPAS_HUB_PERIODS_H

#include <stddef.h>

#define HUB_PERIODS_DATE_MAX 11 /* "YYYY-MM-DD" and NUL */
#define HUB_PERIODS_MONTH_MAX 8 /* "YYYY-MM" and NUL */
#define HUB_PERIODS_KEY_MAX 11  /* the longest key is a day */

typedef enum hub_periods_kind {
    HUB_PERIODS_DAY = 0, /* "2026-11-22" */
    HUB_PERIODS_MONTH,   /* "2026-11" */
    HUB_PERIODS_QUARTER, /* "2026-Q4" */
    HUB_PERIODS_HALF,    /* "2026-H2" */
    HUB_PERIODS_YEAR     /* "2026" */
} hub_periods_kind_t;

/* The first and last day of "2026-Q3", "2026-H1", "2026-11", "2026" or
 * "2026-11-22" (years 2000..9999). 0, or -1 when text is none of those. */
int hub_periods_parse(const char *text, char from[HUB_PERIODS_DATE_MAX],
                      char to[HUB_PERIODS_DATE_MAX]);

/* The key of the period of kind that holds a day "YYYY-MM-DD", or a month
 * "YYYY-MM" (any kind but HUB_PERIODS_DAY). 0, or -1 (out "") when the
 * text is too short for the kind. */
int hub_periods_get_key(const char *day_or_month, hub_periods_kind_t kind,
                        char out[HUB_PERIODS_KEY_MAX]);

/* The year of a date, month or period key ("2026-Q3" -> 2026); 0 when the
 * text does not start with four digits. */
int hub_periods_get_year(const char *text);

/* [from, to] as whole months and the days at either end. */
typedef struct hub_periods_split {
    int has_head, has_months, has_tail;
    char head_from[HUB_PERIODS_DATE_MAX], head_to[HUB_PERIODS_DATE_MAX];
    char month_from[HUB_PERIODS_MONTH_MAX], month_to[HUB_PERIODS_MONTH_MAX];
    char tail_from[HUB_PERIODS_DATE_MAX], tail_to[HUB_PERIODS_DATE_MAX];
} hub_periods_split_t;

/* from <= to, both valid. Without a whole month inside, the whole range
 * is the head. */
void hub_periods_split(const char *from, const char *to,
                       hub_periods_split_t *out);

#define HUB_PERIODS_YEAR_KEY_MAX 5 /* "YYYY" and NUL */

/* Months [from, to] ("YYYY-MM") as whole calendar years and the months
 * at either end. */
typedef struct hub_periods_years {
    int has_head, has_years, has_tail;
    char head_from[HUB_PERIODS_MONTH_MAX], head_to[HUB_PERIODS_MONTH_MAX];
    char year_from[HUB_PERIODS_YEAR_KEY_MAX], year_to[HUB_PERIODS_YEAR_KEY_MAX];
    char tail_from[HUB_PERIODS_MONTH_MAX], tail_to[HUB_PERIODS_MONTH_MAX];
} hub_periods_years_t;

/* from <= to, both valid months. Without a whole year inside, the whole
 * range is the head. */
void hub_periods_split_years(const char *from, const char *to,
                             hub_periods_years_t *out);

#endif
