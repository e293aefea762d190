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

int hub_clock_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    int ok;

    if (pthread_condattr_init(&attr) != 0)
        return -1;
    ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
         pthread_cond_init(c, &attr) == 0;
    (void)pthread_condattr_destroy(&attr);
    return ok ? 0 : -1;
}

void hub_clock_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m,
                            int64_t ms)
{
    struct timespec ts;

    if (ms <= 0 || clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return;
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    (void)pthread_cond_timedwait(c, m, &ts);
}
