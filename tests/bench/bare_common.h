/*
 * bare_common.h - the little the reference programs share: a window size
 * from "WxH", the systemd readiness datagram, and an SDL window with a
 * renderer made the way the kiosk makes them.
 */
#ifndef SIPAS_BENCH_BARE_COMMON_H
#define SIPAS_BENCH_BARE_COMMON_H

#include <SDL.h>

/* Parses "800x480"; 0 or -1. */
int bare_window_size(const char *s, int *w, int *h);
/* Sends state ("READY=1") to $NOTIFY_SOCKET; 0 when unset or sent. */
int bare_notify(const char *state);
/* SDL video, a w x h window and the default renderer; 0 or -1. */
int bare_open(int w, int h, SDL_Window **win, SDL_Renderer **ren);

#endif
