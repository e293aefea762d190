/*
 * vntime.h - the province's local time, without the TZ database.
 *
 * Asia/Ho_Chi_Minh has been UTC+7 all year since 1975 with no daylight
 * saving, so local time is plain arithmetic on Unix milliseconds. Doing it
 * here instead of through localtime() keeps the kiosk, the hub and the
 * tools in agreement whatever TZ the device or the server is set to.
 * Dates in files, flags and APIs are "YYYY-MM-DD" in this local time.
 *
 * Pure: no clock reads, no I/O. Negative Unix times (before 1970) work; a
 * Pi without RTC may well report them. Times are taken as local years
 * 0001..9999 (VNTIME_MIN_MS..VNTIME_MAX_MS); anything outside is clamped to
 * that range, which keeps the arithmetic free of overflow.
 * Ownership: callers own every buffer; nothing is allocated.
 */
#ifndef SIPAS_VNTIME_H
#define SIPAS_VNTIME_H

#include <stddef.h>
#include <stdint.h>

#define VNTIME_OFFSET_MS (7 * 3600 * INT64_C(1000))
#define VNTIME_DAY_MS (86400 * INT64_C(1000))
/* 0001-01-01T00:00:00+07:00 and 9999-12-31T23:59:59.999+07:00 */
#define VNTIME_MIN_MS (INT64_C(-62135596800000) - VNTIME_OFFSET_MS)
#define VNTIME_MAX_MS (INT64_C(253402300800000) - VNTIME_OFFSET_MS - 1)
#define VNTIME_DATE_MAX 11  /* "YYYY-MM-DD" and NUL */
#define VNTIME_ISO_MAX 26   /* "YYYY-MM-DDTHH:MM:SS+07:00" and NUL */
#define VNTIME_STAMP_MAX 16 /* "YYYYmmdd-HHMMSS" and NUL */

/* A local calendar time, broken down. */
typedef struct vntime_civil {
    int year;   /* 1..9999 when produced from a date this module accepts */
    int month;  /* 1..12 */
    int day;    /* 1..31 */
    int hour, minute, second, millis;
    int weekday; /* 0 = Sunday */
} vntime_civil_t;

/* Unix ms of local midnight starting the strict date "YYYY-MM-DD" (exactly
 * ten characters, year 0001..9999, real month lengths, Gregorian leap
 * years); -1 when text is not such a date. -1 can never be a local
 * midnight, so it is unambiguous. */
int64_t vntime_parse_date(const char *text);

/* 1 for a Gregorian leap year. */
int vntime_is_leap_year(int year);
/* Days in month (1..12) of year; 0 for a month out of range. */
int vntime_get_month_days(int year, int month);

/* Local calendar fields of a Unix ms. */
void vntime_split_ms(int64_t unix_ms, vntime_civil_t *out);
/* Unix ms of a local calendar time; fields must be in range (not checked
 * beyond what the arithmetic needs: day 0 or month 13 simply roll over). */
int64_t vntime_join_ms(int year, int month, int day, int hour, int minute,
                       int second);

/* Local midnight at or before unix_ms. */
int64_t vntime_get_day_start(int64_t unix_ms);
/* Local midnight of the first day of unix_ms's month. */
int64_t vntime_get_month_start(int64_t unix_ms);
/* Local midnight of the first day of the month after unix_ms's. */
int64_t vntime_get_next_month_start(int64_t unix_ms);

/* Each formatter writes a NUL-terminated string and returns 0, or returns
 * -1 (and writes "" if cap > 0) when cap is too small. */
/* "2026-11-22T09:15:03+07:00": seconds precision, milliseconds dropped. */
int vntime_format_iso(int64_t unix_ms, char *buf, size_t cap);
/* "2026-11-22" */
int vntime_format_date(int64_t unix_ms, char *buf, size_t cap);
/* "20261122-091503": for file names, sorts by time. */
int vntime_format_stamp(int64_t unix_ms, char *buf, size_t cap);

#endif
