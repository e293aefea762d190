/*
 * ratelimit.h - at most N requests in any sliding window, per key.
 *
 * Keys are kiosk install ids (after authentication, so an outsider cannot
 * use up a kiosk's allowance) and client addresses for enrollment. Each
 * key keeps the times of its last N accepted requests, which makes the
 * limit exact: a request is refused exactly when N were accepted in the
 * window before it, and the answer says how long until one expires.
 * The table holds at most max_keys keys; when full, keys idle for a
 * whole window are dropped, and if none is idle new keys are refused
 * (the safe answer while under a flood).
 * Ownership: hub_ratelimit_new() returns a table freed with
 * hub_ratelimit_free(); keys are copied.
 * Threads: hub_ratelimit_take() may be called from any thread.
 */
#ifndef SIPAS_HUB_RATELIMIT_H
#define SIPAS_HUB_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define HUB_RATELIMIT_KEY_MAX 80

typedef struct hub_ratelimit hub_ratelimit_t;

/* limit 0 switches the limit off (every request allowed). NULL when out
 * of memory. */
hub_ratelimit_t *hub_ratelimit_new(int limit, int64_t window_ms,
                                   size_t max_keys);
void hub_ratelimit_free(hub_ratelimit_t *rl);
/* 0 when the request is allowed (and counted); otherwise the whole
 * seconds (>= 1) until it would be. now_ms from a monotonic clock. */
int hub_ratelimit_take(hub_ratelimit_t *rl, const char *key, int64_t now_ms);
/* What take would answer for a key already held, without counting; 0 for
 * a key not held (so an outsider's keys never fill the table). Used to
 * count failures: peek before an attempt, take after a failed one. */
int hub_ratelimit_peek(hub_ratelimit_t *rl, const char *key, int64_t now_ms);

#endif
