/*
 * misuse.h - rules that flag responses nobody should count.
 *
 * Ratings decide rewards and discipline, so a counter officer or a friend
 * may try to pad them. Two rules, on the monotonic clock (the wall clock of
 * a Pi without RTC can jump by years):
 *  - min interval: a response finished less than min_interval_ms after the
 *    previous accepted one is suppressed;
 *  - burst: more than burst_count accepted responses within burst_window_ms
 *    suppresses the extra ones.
 * A suppressed response is still stored, flagged; only its counting stops.
 * Pure: no clock reads, times are passed in.
 * Ownership: plain value type.
 */
#ifndef SIPAS_MISUSE_H
#define SIPAS_MISUSE_H

#include <stdint.h>

#define MISUSE_HISTORY_MAX 64

typedef struct misuse {
    int min_interval_ms; /* 0 disables */
    int burst_count;     /* 0 disables */
    int burst_window_ms;
    int n;                              /* accepted finish times held */
    uint64_t history[MISUSE_HISTORY_MAX]; /* oldest first, monotonic ms */
} misuse_t;

typedef enum misuse_verdict {
    MISUSE_OK = 0,
    MISUSE_TOO_SOON = 1,
    MISUSE_BURST = 2
} misuse_verdict_t;

void misuse_init(misuse_t *m, int min_interval_ms, int burst_count,
                 int burst_window_ms);
/* Judges a response finished at now_ms; an accepted one enters history. */
misuse_verdict_t misuse_judge(misuse_t *m, uint64_t now_ms);
/* Seeds history with an accepted finish time (e.g. from storage after a
 * restart within the same boot), oldest first. */
void misuse_seed(misuse_t *m, uint64_t finished_ms);
const char *misuse_verdict_name(misuse_verdict_t v);

#endif
