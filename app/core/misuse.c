#include "misuse.h"

#include <string.h>

void misuse_init(misuse_t *m, int min_interval_ms, int burst_count,
                 int burst_window_ms)
{
    memset(m, 0, sizeof(*m));
    m->min_interval_ms = min_interval_ms > 0 ? min_interval_ms : 0;
    /* The history holds MISUSE_HISTORY_MAX finishes: a larger burst count
     * could never trip, so it is held to what can be judged. */
    m->burst_count = burst_count <= 0                    ? 0
                     : burst_count > MISUSE_HISTORY_MAX ? MISUSE_HISTORY_MAX
                                                         : burst_count;
    m->burst_window_ms = burst_window_ms > 0 ? burst_window_ms : 0;
}

void misuse_seed(misuse_t *m, uint64_t finished_ms)
{
    if (m->n == MISUSE_HISTORY_MAX) {
        memmove(&m->history[0], &m->history[1],
                sizeof(m->history[0]) * (MISUSE_HISTORY_MAX - 1));
        m->n--;
    }
    m->history[m->n++] = finished_ms;
}

static int misuse_count_since(const misuse_t *m, uint64_t since_ms)
{
    int i, count = 0;

    for (i = 0; i < m->n; i++)
        if (m->history[i] >= since_ms)
            count++;
    return count;
}

misuse_verdict_t misuse_judge(misuse_t *m, uint64_t now_ms)
{
    if (m->min_interval_ms > 0 && m->n > 0) {
        uint64_t last = m->history[m->n - 1];
        if (now_ms >= last && now_ms - last < (uint64_t)m->min_interval_ms)
            return MISUSE_TOO_SOON;
    }
    if (m->burst_count > 0 && m->burst_window_ms > 0) {
        uint64_t since = now_ms > (uint64_t)m->burst_window_ms
                             ? now_ms - (uint64_t)m->burst_window_ms
                             : 0;
        /* History keeps at most MISUSE_HISTORY_MAX entries, so a burst
         * count above that can only be judged on what is kept. */
        if (misuse_count_since(m, since) >= m->burst_count)
            return MISUSE_BURST;
    }
    misuse_seed(m, now_ms);
    return MISUSE_OK;
}

const char *misuse_verdict_name(misuse_verdict_t v)
{
    switch (v) {
    case MISUSE_OK:
        return "ok";
    case MISUSE_TOO_SOON:
        return "too-soon";
    case MISUSE_BURST:
        return "burst";
    }
    return "unknown";
}
