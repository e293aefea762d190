#include "backoff.h"

#include <stddef.h>

void backoff_init(backoff_t *b, int64_t base_ms, int64_t cap_ms)
{
    b->base_ms = base_ms > 0 ? base_ms : BACKOFF_BASE_MS;
    b->cap_ms = cap_ms > 0 ? cap_ms : BACKOFF_CAP_MS;
    if (b->cap_ms < b->base_ms)
        b->cap_ms = b->base_ms;
    b->failures = 0;
}

void backoff_reset(backoff_t *b)
{
    b->failures = 0;
}

int64_t backoff_get_ceiling(const backoff_t *b)
{
    int64_t ceiling = b->base_ms;
    int i;

    if (b->failures <= 0)
        return 0;
    /* Doubling stops at the cap, so nothing here can overflow. */
    for (i = 1; i < b->failures && ceiling < b->cap_ms; i++)
        ceiling *= 2;
    return ceiling < b->cap_ms ? ceiling : b->cap_ms;
}

static void backoff_count_failure(backoff_t *b)
{
    if (b->failures < BACKOFF_FAILURES_MAX)
        b->failures++;
}

static int64_t backoff_hold_retry_after(int64_t retry_after_ms)
{
    if (retry_after_ms < 0)
        return -1;
    return retry_after_ms > BACKOFF_RETRY_AFTER_MAX_MS
               ? BACKOFF_RETRY_AFTER_MAX_MS
               : retry_after_ms;
}

int64_t backoff_next_delay(backoff_t *b, int64_t retry_after_ms,
                           backoff_random_fn rnd, void *ctx)
{
    int64_t ceiling, delay, asked;

    backoff_count_failure(b);
    ceiling = backoff_get_ceiling(b);
    /* Modulo bias over 64 random bits is below 2^-40 for any ceiling a
     * wait can have: not worth a rejection loop. */
    delay = rnd ? (int64_t)(rnd(ctx) % (uint64_t)(ceiling + 1)) : ceiling;
    asked = backoff_hold_retry_after(retry_after_ms);
    return asked > delay ? asked : delay;
}

int64_t backoff_cap_delay(backoff_t *b, int64_t retry_after_ms)
{
    int64_t asked = backoff_hold_retry_after(retry_after_ms);

    backoff_count_failure(b);
    return asked > b->cap_ms ? asked : b->cap_ms;
}

int64_t backoff_parse_retry_after(const char *value)
{
    int64_t s = 0;
    size_t i = 0;

    if (!value)
        return -1;
    while (value[i] == ' ' || value[i] == '\t')
        i++;
    if (value[i] < '0' || value[i] > '9')
        return -1;
    for (; value[i] >= '0' && value[i] <= '9'; i++) {
        /* Anything past a day is held later anyway; stop before overflow. */
        if (s < INT64_C(1000000000))
            s = s * 10 + (value[i] - '0');
    }
    while (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' ||
           value[i] == '\n')
        i++;
    if (value[i] != '\0')
        return -1;
    return s * 1000;
}
