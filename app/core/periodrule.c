#include "periodrule.h"

#include <stdio.h>
#include <string.h>

#include "vntime.h"

static const struct {
    const char *name, *label;
} periodrule_names[] = {
    {"calendar", "Theo lịch: năm, 6 tháng, quý, tháng dương lịch"},
    {"decree-09", "Thời gian chốt số liệu báo cáo định kỳ theo Điều 12 Nghị"
                  " định số 09/2019/NĐ-CP (từ ngày 15 của tháng trước kỳ báo"
                  " cáo đến ngày 14 của tháng cuối kỳ)"},
};

#define PERIODRULE_N (sizeof(periodrule_names) / sizeof(periodrule_names[0]))

/* The months a period spans, first and last (1..12 of year). */
static int periodrule_get_months(periodrule_kind_t kind, int index, int *m1,
                                 int *m2)
{
    switch (kind) {
    case PERIODRULE_YEAR:
        *m1 = 1;
        *m2 = 12;
        return 0;
    case PERIODRULE_HALF:
        if (index < 1 || index > 2)
            return -1;
        *m1 = 6 * index - 5;
        *m2 = 6 * index;
        return 0;
    case PERIODRULE_QUARTER:
        if (index < 1 || index > 4)
            return -1;
        *m1 = 3 * index - 2;
        *m2 = 3 * index;
        return 0;
    case PERIODRULE_MONTH:
        if (index < 1 || index > 12)
            return -1;
        *m1 = *m2 = index;
        return 0;
    }
    return -1;
}

int periodrule_get_range(periodrule_rule_t rule, periodrule_kind_t kind,
                         int year, int index,
                         char from[PERIODRULE_DATE_MAX],
                         char to[PERIODRULE_DATE_MAX])
{
    int m1, m2;

    from[0] = to[0] = '\0';
    if (year < PERIODRULE_YEAR_MIN || year > PERIODRULE_YEAR_MAX ||
        periodrule_get_months(kind, index, &m1, &m2) != 0)
        return -1;
    switch (rule) {
    case PERIODRULE_CALENDAR:
        snprintf(from, PERIODRULE_DATE_MAX, "%04d-%02d-01", year, m1);
        snprintf(to, PERIODRULE_DATE_MAX, "%04d-%02d-%02d", year, m2,
                 vntime_get_month_days(year, m2));
        return 0;
    case PERIODRULE_DECREE_09:
        /* The 15th of the month before the first, which for January is
         * December of the year before. */
        if (m1 == 1)
            snprintf(from, PERIODRULE_DATE_MAX, "%04d-12-%02d", year - 1,
                     PERIODRULE_CUTOFF_DAY);
        else
            snprintf(from, PERIODRULE_DATE_MAX, "%04d-%02d-%02d", year,
                     m1 - 1, PERIODRULE_CUTOFF_DAY);
        snprintf(to, PERIODRULE_DATE_MAX, "%04d-%02d-%02d", year, m2,
                 PERIODRULE_CUTOFF_DAY - 1);
        return 0;
    }
    return -1;
}

int periodrule_parse(const char *text, periodrule_rule_t *out)
{
    size_t i;

    for (i = 0; text && i < PERIODRULE_N; i++)
        if (strcmp(text, periodrule_names[i].name) == 0) {
            *out = (periodrule_rule_t)i;
            return 0;
        }
    return -1;
}

const char *periodrule_get_name(periodrule_rule_t rule)
{
    return (size_t)rule < PERIODRULE_N ? periodrule_names[rule].name : NULL;
}

const char *periodrule_get_label(periodrule_rule_t rule)
{
    return (size_t)rule < PERIODRULE_N ? periodrule_names[rule].label : NULL;
}
