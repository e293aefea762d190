#include "hub/domain/periods.h"

#include <stdio.h>
#include <string.h>

#include "core/vntime.h"

#define HUB_PERIODS_YEAR_MIN 2000
#define HUB_PERIODS_YEAR_MAX 9999

/* Value of n decimal digits at s; -1 when any is not a digit. */
static int hub_periods_get_digits(const char *s, int n)
{
    int i, v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static void hub_periods_format_day(int y, int m, int d,
                                   char out[HUB_PERIODS_DATE_MAX])
{
    snprintf(out, HUB_PERIODS_DATE_MAX, "%04d-%02d-%02d", y, m, d);
}

/* The months m1..m2 of year y as a range of days. */
static int hub_periods_set_months(int y, int m1, int m2,
                                  char from[HUB_PERIODS_DATE_MAX],
                                  char to[HUB_PERIODS_DATE_MAX])
{
    hub_periods_format_day(y, m1, 1, from);
    hub_periods_format_day(y, m2, vntime_get_month_days(y, m2), to);
    return 0;
}

int hub_periods_parse(const char *text, char from[HUB_PERIODS_DATE_MAX],
                      char to[HUB_PERIODS_DATE_MAX])
{
    size_t len = strlen(text);
    int y = hub_periods_get_digits(text, len >= 4 ? 4 : 0), n;

    from[0] = to[0] = '\0';
    if (len < 4 || y < HUB_PERIODS_YEAR_MIN || y > HUB_PERIODS_YEAR_MAX)
        return -1;
    if (len == 4)
        return hub_periods_set_months(y, 1, 12, from, to);
    if (text[4] != '-')
        return -1;
    if (len == 7 && (text[5] == 'Q' || text[5] == 'H')) {
        n = hub_periods_get_digits(text + 6, 1);
        if (text[5] == 'Q' && n >= 1 && n <= 4)
            return hub_periods_set_months(y, 3 * n - 2, 3 * n, from, to);
        if (text[5] == 'H' && n >= 1 && n <= 2)
            return hub_periods_set_months(y, 6 * n - 5, 6 * n, from, to);
        return -1;
    }
    if (len == 7) {
        n = hub_periods_get_digits(text + 5, 2);
        if (n < 1 || n > 12)
            return -1;
        return hub_periods_set_months(y, n, n, from, to);
    }
    if (len == 10 && vntime_parse_date(text) != -1) {
        snprintf(from, HUB_PERIODS_DATE_MAX, "%s", text);
        snprintf(to, HUB_PERIODS_DATE_MAX, "%s", text);
        return 0;
    }
    return -1;
}

int hub_periods_get_key(const char *day_or_month, hub_periods_kind_t kind,
                        char out[HUB_PERIODS_KEY_MAX])
{
    size_t len = strlen(day_or_month);
    int y = len >= 7 ? hub_periods_get_digits(day_or_month, 4) : -1;
    int m = len >= 7 ? hub_periods_get_digits(day_or_month + 5, 2) : -1;

    out[0] = '\0';
    if (y < 0 || m < 1 || m > 12 || (kind == HUB_PERIODS_DAY && len < 10))
        return -1;
    switch (kind) {
    case HUB_PERIODS_DAY:
        snprintf(out, HUB_PERIODS_KEY_MAX, "%.10s", day_or_month);
        break;
    case HUB_PERIODS_MONTH:
        snprintf(out, HUB_PERIODS_KEY_MAX, "%04d-%02d", y, m);
        break;
    case HUB_PERIODS_QUARTER:
        snprintf(out, HUB_PERIODS_KEY_MAX, "%04d-Q%d", y, (m + 2) / 3);
        break;
    case HUB_PERIODS_HALF:
        snprintf(out, HUB_PERIODS_KEY_MAX, "%04d-H%d", y, (m + 5) / 6);
        break;
    default:
        snprintf(out, HUB_PERIODS_KEY_MAX, "%04d", y);
        break;
    }
    return 0;
}

int hub_periods_get_year(const char *text)
{
    int y = strlen(text) >= 4 ? hub_periods_get_digits(text, 4) : -1;

    return y < 0 ? 0 : y;
}

typedef struct hub_periods_date {
    int y, m, d;
} hub_periods_date_t;

static hub_periods_date_t hub_periods_read_date(const char *day)
{
    hub_periods_date_t v;

    v.y = hub_periods_get_digits(day, 4);
    v.m = hub_periods_get_digits(day + 5, 2);
    v.d = hub_periods_get_digits(day + 8, 2);
    return v;
}

/* Month m counted from year 0 as "YYYY-MM". */
static void hub_periods_format_month(int m, char out[HUB_PERIODS_MONTH_MAX])
{
    snprintf(out, HUB_PERIODS_MONTH_MAX, "%04d-%02d", m / 12, m % 12 + 1);
}

void hub_periods_split(const char *from, const char *to,
                       hub_periods_split_t *out)
{
    hub_periods_date_t f = hub_periods_read_date(from),
                       t = hub_periods_read_date(to);
    /* Months counted from year 0: the first and last whole months. */
    int first = f.y * 12 + (f.m - 1) + (f.d == 1 ? 0 : 1);
    int last =
        t.y * 12 + (t.m - 1) - (t.d == vntime_get_month_days(t.y, t.m) ? 0 : 1);

    memset(out, 0, sizeof(*out));
    if (first > last) {
        out->has_head = 1;
        snprintf(out->head_from, sizeof(out->head_from), "%s", from);
        snprintf(out->head_to, sizeof(out->head_to), "%s", to);
        return;
    }
    out->has_months = 1;
    hub_periods_format_month(first, out->month_from);
    hub_periods_format_month(last, out->month_to);
    if (f.d != 1) {
        out->has_head = 1;
        snprintf(out->head_from, sizeof(out->head_from), "%s", from);
        hub_periods_format_day(f.y, f.m, vntime_get_month_days(f.y, f.m),
                               out->head_to);
    }
    if (t.d != vntime_get_month_days(t.y, t.m)) {
        out->has_tail = 1;
        hub_periods_format_day(t.y, t.m, 1, out->tail_from);
        snprintf(out->tail_to, sizeof(out->tail_to), "%s", to);
    }
}

void hub_periods_split_years(const char *from, const char *to,
                             hub_periods_years_t *out)
{
    /* Months counted from year 0; then the first and last whole years. */
    int fm = hub_periods_get_digits(from, 4) * 12 +
             hub_periods_get_digits(from + 5, 2) - 1;
    int lm = hub_periods_get_digits(to, 4) * 12 +
             hub_periods_get_digits(to + 5, 2) - 1;
    int fy = (fm + 11) / 12, ly = (lm + 1) / 12 - 1;

    memset(out, 0, sizeof(*out));
    if (fy > ly) {
        out->has_head = 1;
        hub_periods_format_month(fm, out->head_from);
        hub_periods_format_month(lm, out->head_to);
        return;
    }
    out->has_years = 1;
    snprintf(out->year_from, sizeof(out->year_from), "%04d", fy);
    snprintf(out->year_to, sizeof(out->year_to), "%04d", ly);
    if (fm < fy * 12) {
        out->has_head = 1;
        hub_periods_format_month(fm, out->head_from);
        hub_periods_format_month(fy * 12 - 1, out->head_to);
    }
    if (lm > ly * 12 + 11) {
        out->has_tail = 1;
        hub_periods_format_month(ly * 12 + 12, out->tail_from);
        hub_periods_format_month(lm, out->tail_to);
    }
}
