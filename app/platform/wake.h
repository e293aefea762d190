/*
 * wake.h - sleeping for real until input arrives or a deadline passes.
 *
 * SDL_WaitEventTimeout spins on KMSDRM and the dummy driver (SDL_Delay(1)
 * in a loop), which keeps a Pi's core awake all day. Instead the kiosk
 * polls the evdev nodes itself (read-only, alongside SDL's own reader; our
 * copy of each event is drained and dropped), an eventfd that other threads
 * signal, and an inotify watch on /dev/input for panels plugged in later.
 * Ownership: wake_open() returns a handle closed by wake_close().
 */
#ifndef SIPAS_WAKE_H
#define SIPAS_WAKE_H

#include <stdint.h>

#define WAKE_INPUTS_MAX 16

typedef struct wake wake_t;

/* input_dir: "/dev/input" on a device, NULL to watch no input (tests). */
int wake_open(wake_t **out, const char *input_dir);
void wake_close(wake_t *w);
/* Async-signal-safe and thread-safe: ends the current or next wait. */
int wake_signal(wake_t *w);
/* Sleeps up to timeout_ms (-1 = until woken). 1 woken by input or signal,
 * 0 on timeout, -1 on error; EINTR counts as woken (SIGTERM must be seen). */
int wake_wait(wake_t *w, int timeout_ms);
/* How many times wake_wait returned, for the idle-wakeup benchmark. */
uint64_t wake_count(const wake_t *w);
int wake_inputs(const wake_t *w);

#endif
