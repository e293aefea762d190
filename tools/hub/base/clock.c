#include "hub/base/clock.h"

#include <time.h>

static int64_t hub_clock_read_ms(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t hub_clock_now_ms(void)
{
    return hub_clock_read_ms(CLOCK_REALTIME);
}

int64_t hub_clock_mono_ms(void)
{
    return hub_clock_read_ms(CLOCK_MONOTONIC);
}
