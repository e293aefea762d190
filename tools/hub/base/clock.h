/*
 * clock.h - the hub's two clocks.
 *
 * Wall time stamps rows and answers (hub_time is the province's reference
 * for kiosks without a battery clock); the monotonic clock measures rate
 * windows, which must not jump when NTP steps the wall clock.
 */
#ifndef SIPAS_HUB_CLOCK_H
#define SIPAS_HUB_CLOCK_H

#include <stdint.h>

/* Unix time in milliseconds (0 if the clock cannot be read), plus
 * SIPAS_CLOCK_OFFSET_S seconds when that is set (tests, drills). */
int64_t hub_clock_now_ms(void);
/* Milliseconds since some fixed point; never goes back. */
int64_t hub_clock_mono_ms(void);

#endif
