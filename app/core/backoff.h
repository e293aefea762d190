/*
 * backoff.h - how long to wait before talking to the hub again.
 *
 * Exponential backoff with full jitter: after the n-th failure in a row
 * the wait is uniform in [0, min(cap, base * 2^(n-1))], so a province's
 * kiosks that lost the hub together do not come back in lock step. A hub
 * that says when to come back (Retry-After) is believed, up to
 * BACKOFF_RETRY_AFTER_MAX_MS so a bogus header cannot silence a kiosk for
 * days. Permanent errors wait the full cap.
 * Pure: no clock reads; the random source is passed in, so tests pin it.
 * Ownership: plain value type.
 */
#ifndef SIPAS_BACKOFF_H
#define SIPAS_BACKOFF_H

#include <stdint.h>

#define BACKOFF_BASE_MS INT64_C(2000)
#define BACKOFF_CAP_MS (INT64_C(15) * 60 * 1000)
#define BACKOFF_RETRY_AFTER_MAX_MS (INT64_C(60) * 60 * 1000)
/* Past this many failures the ceiling is the cap anyway; the count stops
 * growing so the shift can never overflow. */
#define BACKOFF_FAILURES_MAX 62

/* Returns 64 uniformly random bits. */
typedef uint64_t (*backoff_random_fn)(void *ctx);

typedef struct backoff {
    int64_t base_ms;
    int64_t cap_ms;
    int failures; /* in a row, since the last success */
} backoff_t;

/* base_ms and cap_ms <= 0 take the defaults above; cap is at least base. */
void backoff_init(backoff_t *b, int64_t base_ms, int64_t cap_ms);
/* A success: the next failure starts from base again. */
void backoff_reset(backoff_t *b);
/* Upper bound of the jitter window for the current failure count (0 when
 * there has been no failure). */
int64_t backoff_get_ceiling(const backoff_t *b);
/* Records a transient failure and returns the wait in ms: full jitter
 * below the ceiling, but never less than retry_after_ms (< 0: the hub
 * gave none), which is held to BACKOFF_RETRY_AFTER_MAX_MS. */
int64_t backoff_next_delay(backoff_t *b, int64_t retry_after_ms,
                           backoff_random_fn rnd, void *ctx);
/* Records a permanent failure: the wait is the cap, or a longer
 * Retry-After (held as above). */
int64_t backoff_cap_delay(backoff_t *b, int64_t retry_after_ms);

/* Retry-After as delta-seconds ("120"): the delay in ms, or -1 when value
 * is not a plain non-negative number (an HTTP-date is the caller's). */
int64_t backoff_parse_retry_after(const char *value);

#endif
