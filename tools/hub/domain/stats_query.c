#include "hub/domain/stats_query.h"

#include <string.h>

static const char *const hub_stats_group_names[HUB_STATS_GROUP_COUNT] = {
    [HUB_STATS_ALL] = "",
    [HUB_STATS_BY_UNIT] = "unit",
    [HUB_STATS_BY_FIELD] = "field",
    [HUB_STATS_BY_COUNTER] = "counter",
    [HUB_STATS_BY_DAY] = "day",
    [HUB_STATS_BY_MONTH] = "month",
    [HUB_STATS_BY_QUARTER] = "quarter",
    [HUB_STATS_BY_HALF] = "half",
    [HUB_STATS_BY_YEAR] = "year",
    [HUB_STATS_BY_OFFICER] = "officer",
};

void hub_stats_init_query(hub_stats_query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->group = HUB_STATS_ALL;
    q->rollup = HUB_STATS_CURRENT;
    q->method = INDICES_SHARE_4_5;
    q->min_group = HUB_STATS_MIN_GROUP_DEFAULT;
    q->level = -1;
    q->source = HUB_STATS_SOURCE_AUTO;
}

int hub_stats_parse_group(const char *name)
{
    int i;

    for (i = 1; i < HUB_STATS_GROUP_COUNT; i++)
        if (strcmp(hub_stats_group_names[i], name) == 0)
            return i;
    return -1;
}

const char *hub_stats_get_group_name(hub_stats_group_t g)
{
    return g >= 0 && g < HUB_STATS_GROUP_COUNT ? hub_stats_group_names[g] : "";
}
