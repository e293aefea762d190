/*
 * notify.h - systemd's notify protocol: a datagram to $NOTIFY_SOCKET.
 *
 * READY=1 once the database is open and the first frame is on screen;
 * WATCHDOG=1 from the UI loop. Without NOTIFY_SOCKET every call is a no-op,
 * so the kiosk runs the same outside systemd.
 */
#ifndef SIPAS_NOTIFY_H
#define SIPAS_NOTIFY_H

#include <stdint.h>

/* 0 sent or not under systemd; -1 on a send error. */
int notify_send(const char *state);
/* Watchdog interval from WATCHDOG_USEC in ms, or 0 when none is set. */
uint64_t notify_watchdog_ms(void);

#endif
