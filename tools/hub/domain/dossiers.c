/*
 * Dossier-bound ratings: cursor text, verdict, the 5.4 rating component.
 */
#include "hub/domain/dossiers.h"

#include <stdio.h>
#include <string.h>

int hub_dossier_parse_cursor(const char *text, int64_t *rev)
{
    int64_t v = 0;
    size_t i, n;

    if (!text || !rev)
        return -1;
    n = strlen(text);
    /* 2^53 has 16 digits: a longer text cannot be a revision. */
    if (n == 0 || n > 16 || (n > 1 && text[0] == '0'))
        return -1;
    for (i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    if (v > HUB_DOSSIER_CURSOR_MAX)
        return -1;
    *rev = v;
    return 0;
}

int hub_dossier_format_cursor(int64_t rev, char *buf, size_t cap)
{
    int n;

    if (!buf || cap == 0)
        return -1;
    buf[0] = '\0';
    if (rev < 0 || rev > HUB_DOSSIER_CURSOR_MAX)
        return -1;
    n = snprintf(buf, cap, "%lld", (long long)rev);
    if (n < 0 || (size_t)n >= cap) {
        buf[0] = '\0';
        return -1;
    }
    return 0;
}

/* The one-digit answer of question among the n, or -1. */
static int hub_dossier_digit(const char *const *questions,
                             const char *const *answers, int n,
                             const char *question)
{
    int i;

    for (i = 0; i < n; i++) {
        const char *a = answers[i];

        if (!questions[i] || strcmp(questions[i], question) != 0)
            continue;
        if (a && a[0] >= '0' && a[0] <= '9' && a[1] == '\0')
            return a[0] - '0';
        return -1;
    }
    return -1;
}

hub_dossier_verdict_t hub_dossier_judge(const char *const *questions,
                                        const char *const *answers, int n)
{
    int v;

    if (!questions || !answers || n <= 0)
        return HUB_DOSSIER_UNKNOWN;
    v = hub_dossier_digit(questions, answers, n, HUB_DOSSIER_Q_OVERALL);
    if (v >= 1 && v <= 5)
        return v <= 2 ? HUB_DOSSIER_NOT_SATISFIED : HUB_DOSSIER_SATISFIED;
    if (v != -1)
        return HUB_DOSSIER_UNKNOWN;
    v = hub_dossier_digit(questions, answers, n, HUB_DOSSIER_Q_C01_ATTITUDE);
    if (v >= 0 && v <= 2)
        return v == 0 ? HUB_DOSSIER_NOT_SATISFIED : HUB_DOSSIER_SATISFIED;
    return HUB_DOSSIER_UNKNOWN;
}

double hub_dossier_rating_pct(int64_t judged, int64_t not_satisfied)
{
    if (judged <= 0 || not_satisfied < 0 || not_satisfied > judged)
        return -1.0;
    return 100.0 - 100.0 * (double)not_satisfied / (double)judged;
}
