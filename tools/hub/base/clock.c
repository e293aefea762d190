#include "hub/base/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

/* Tests and drills move the hub's wall clock (token expiry, code expiry,
 * "today") by SIPAS_CLOCK_OFFSET_S seconds, as on the kiosk, instead of
 * depending on the real date. Anything else than a whole number of
 * seconds within a century is ignored. */
#define HUB_CLOCK_OFFSET_MAX_S (100LL * 366 * 86400)

static int64_t hub_clock_offset_ms(void)
{
    const char *text = getenv("SIPAS_CLOCK_OFFSET_S");
    char *end;
    long long v;

    if (!text || !text[0])
        return 0;
    errno = 0;
    v = strtoll(text, &end, 10);
    if (errno || *end || v > HUB_CLOCK_OFFSET_MAX_S ||
        v < -HUB_CLOCK_OFFSET_MAX_S)
        return 0;
    return (int64_t)v * 1000;
}

static int64_t hub_clock_read_ms(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t hub_clock_now_ms(void)
{
    int64_t now = hub_clock_read_ms(CLOCK_REALTIME);

    return now ? now + hub_clock_offset_ms() : 0;
}

int64_t hub_clock_mono_ms(void)
{
    return hub_clock_read_ms(CLOCK_MONOTONIC);
}
