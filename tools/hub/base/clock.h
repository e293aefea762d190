/*
 * clock.h - the hub's two clocks.
 *
 * Wall time stamps rows and answers (hub_time is the province's reference
 * for kiosks without a battery clock); the monotonic clock measures rate
 * windows, which must not jump when NTP steps the wall clock.
 */
#ifndef SIPAS_HUB_CLOCK_H
#define SIPAS_HUB_CLOCK_H

#include <pthread.h>
#include <stdint.h>

/* Unix time in milliseconds (0 if the clock cannot be read), plus
 * SIPAS_CLOCK_OFFSET_S seconds when that is set (tests, drills). */
int64_t hub_clock_now_ms(void);
/* Milliseconds since some fixed point; never goes back. */
int64_t hub_clock_mono_ms(void);

/* For the hub's background threads, which sleep until a time on the
 * wall clock but read it again at every wake: a condition whose timed
 * waits run on the monotonic clock, so a stepped wall clock never makes
 * a wait last a day. 0, or -1 when it cannot be made. */
int hub_clock_cond_init(pthread_cond_t *c);
/* Waits on c (m held) at most ms (<= 0: not at all); returns on a
 * signal, at the time, or spuriously: the caller checks its state. */
void hub_clock_cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m,
                            int64_t ms);

#endif
