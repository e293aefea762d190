/*
 * sipas-report's reading of the hub's statistics (tools/report/
 * report_model.c): the answers to the four questions a report is made of.
 * Input: one JSON document; an array of four is the four answers (total,
 * by unit, by field, by month), anything else is given as all four.
 */
#include "fuzz.h"

#include <jansson.h>

#include "report/report_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static report_t r; /* large: kept off the stack */
    report_period_t period;
    report_source_t src;
    char err[256];
    json_t *v;

    v = json_loadb((const char *)data, size, 0, NULL);
    if (!v)
        return 0;
    if (json_is_array(v) && json_array_size(v) == 4)
        src = (report_source_t){json_array_get(v, 0), json_array_get(v, 1),
                                json_array_get(v, 2), json_array_get(v, 3)};
    else
        src = (report_source_t){v, v, v, v};
    if (report_parse_period("2026-Q3", PERIODRULE_CALENDAR, &period) == 0 &&
        report_load(&r, &src, &period, "2026-11-22", err, sizeof(err)) == 0)
        report_free(&r);
    json_decref(v);
    return 0;
}
