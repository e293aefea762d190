/*
 * The small text parsers of dates and delays: local dates
 * (app/core/vntime.c), the periods an analyst names (hub/domain/periods.c
 * and sipas-report's report_model.c), Retry-After (app/core/backoff.c)
 * and hex (app/core/hex.c).
 */
#include "fuzz.h"

#include "core/backoff.h"
#include "core/hex.h"
#include "core/vntime.h"
#include "hub/domain/periods.h"
#include "report/report_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char from[HUB_PERIODS_DATE_MAX], to[HUB_PERIODS_DATE_MAX];
    unsigned char raw[64];
    report_period_t p;
    char *text = fuzz_text(data, size);

    if (!text)
        return 0;
    (void)vntime_parse_date(text);
    (void)hub_periods_parse(text, from, to);
    (void)report_parse_period(text, PERIODRULE_CALENDAR, &p);
    (void)report_parse_period(text, PERIODRULE_DECREE_09, &p);
    (void)backoff_parse_retry_after(text);
    (void)hex_decode(text, raw, size / 2 < sizeof(raw) ? size / 2 : sizeof(raw));
    free(text);
    return 0;
}
