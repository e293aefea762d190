#include "vntime.h"

#include <stdio.h>
#include <string.h>

/* C division truncates toward zero; calendar arithmetic needs floor so
 * that times before 1970 land on the right day. */
static int64_t vntime_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil: exact for every int64 day count we can produce). */
static int64_t vntime_count_days(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = vntime_floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void vntime_split_days(int64_t days, vntime_civil_t *out)
{
    int64_t z = days + 719468;
    int64_t era = vntime_floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp + (mp < 10 ? 3 : -9);

    out->year = (int)(yoe + era * 400 + (m <= 2));
    out->month = (int)m;
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    /* 1970-01-01 was a Thursday. */
    out->weekday = (int)(((days % 7) + 11) % 7);
}

int vntime_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int vntime_get_month_days(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && vntime_is_leap_year(year))
        return 29;
    return days[month - 1];
}

void vntime_split_ms(int64_t unix_ms, vntime_civil_t *out)
{
    int64_t local, days, rest;

    /* Clamping keeps every later calendar sum far from int64 overflow. */
    if (unix_ms < VNTIME_MIN_MS)
        unix_ms = VNTIME_MIN_MS;
    if (unix_ms > VNTIME_MAX_MS)
        unix_ms = VNTIME_MAX_MS;
    local = unix_ms + VNTIME_OFFSET_MS;
    days = vntime_floor_div(local, VNTIME_DAY_MS);
    rest = local - days * VNTIME_DAY_MS;
    vntime_split_days(days, out);
    out->hour = (int)(rest / 3600000);
    out->minute = (int)(rest / 60000 % 60);
    out->second = (int)(rest / 1000 % 60);
    out->millis = (int)(rest % 1000);
}

int64_t vntime_join_ms(int year, int month, int day, int hour, int minute,
                       int second)
{
    int64_t y = year, m = month;
    int64_t days;

    /* Let month overflow roll into the year, as documented. */
    y += vntime_floor_div(m - 1, 12);
    m = m - 1 - vntime_floor_div(m - 1, 12) * 12 + 1;
    days = vntime_count_days(y, m, 1) + (day - 1);
    return days * VNTIME_DAY_MS + (int64_t)hour * 3600000 +
           (int64_t)minute * 60000 + (int64_t)second * 1000 - VNTIME_OFFSET_MS;
}

static int vntime_read_digits(const char *p, int n)
{
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int64_t vntime_parse_date(const char *text)
{
    int y, m, d;

    if (!text || strnlen(text, 11) != 10 || text[4] != '-' || text[7] != '-')
        return -1;
    y = vntime_read_digits(text, 4);
    m = vntime_read_digits(text + 5, 2);
    d = vntime_read_digits(text + 8, 2);
    if (y < 1 || m < 1 || d < 1 || d > vntime_get_month_days(y, m))
        return -1;
    return vntime_join_ms(y, m, d, 0, 0, 0);
}

int64_t vntime_get_day_start(int64_t unix_ms)
{
    vntime_civil_t c;

    vntime_split_ms(unix_ms, &c);
    return vntime_join_ms(c.year, c.month, c.day, 0, 0, 0);
}

int64_t vntime_get_month_start(int64_t unix_ms)
{
    vntime_civil_t c;

    vntime_split_ms(unix_ms, &c);
    return vntime_join_ms(c.year, c.month, 1, 0, 0, 0);
}

int64_t vntime_get_next_month_start(int64_t unix_ms)
{
    vntime_civil_t c;

    vntime_split_ms(unix_ms, &c);
    return vntime_join_ms(c.year, c.month + 1, 1, 0, 0, 0);
}

/* snprintf's return says whether everything fit; a cut-off date is worse
 * than none, so the caller gets "" and -1. */
static int vntime_check_fit(int n, char *buf, size_t cap)
{
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        return -1;
    }
    return 0;
}

int vntime_format_iso(int64_t unix_ms, char *buf, size_t cap)
{
    vntime_civil_t c;
    int n;

    if (!buf)
        return -1;
    vntime_split_ms(unix_ms, &c);
    n = snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year,
                 c.month, c.day, c.hour, c.minute, c.second);
    return vntime_check_fit(n, buf, cap);
}

int vntime_format_date(int64_t unix_ms, char *buf, size_t cap)
{
    vntime_civil_t c;
    int n;

    if (!buf)
        return -1;
    vntime_split_ms(unix_ms, &c);
    n = snprintf(buf, cap, "%04d-%02d-%02d", c.year, c.month, c.day);
    return vntime_check_fit(n, buf, cap);
}

int vntime_format_stamp(int64_t unix_ms, char *buf, size_t cap)
{
    vntime_civil_t c;
    int n;

    if (!buf)
        return -1;
    vntime_split_ms(unix_ms, &c);
    n = snprintf(buf, cap, "%04d%02d%02d-%02d%02d%02d", c.year, c.month,
                 c.day, c.hour, c.minute, c.second);
    return vntime_check_fit(n, buf, cap);
}
