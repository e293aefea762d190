/*
 * kick.h - a wake-up from one process to another: an empty datagram on an
 * AF_UNIX socket in the data directory (DIR/sync.wake).
 *
 * The kiosk kicks the uploader (sipas-sync) after each stored response.
 * Sending never blocks and never fails the caller: with nobody listening,
 * a full queue or a missing socket the kick is lost, and the uploader's
 * own timer finds the response later. Nothing is sent or received while
 * the kiosk is idle. A socket file (not the abstract namespace) works
 * across the kiosk's private network namespace and is guarded by the
 * data directory's permissions; the listener makes it 0600, so only the
 * same user can kick.
 *
 * Ownership: the descriptors are the caller's; kick_close_listener()
 * closes and removes the socket file.
 */
#ifndef SIPAS_KICK_H
#define SIPAS_KICK_H

#include <stddef.h>

#define KICK_NAME "sync.wake"

/* An unbound, non-blocking datagram socket to send kicks with, or -1. */
int kick_open_sender(void);
/* Sends one kick to DIR/sync.wake: 0 sent, -1 lost (nobody listens, the
 * queue is full, fd < 0). Never blocks. */
int kick_send(int fd, const char *dir);
/* Binds DIR/sync.wake (a stale file from a crash is replaced): a
 * non-blocking descriptor, or -1 with the reason in err. */
int kick_open_listener(const char *dir, char *err, size_t cap);
/* Reads every pending kick; the number read (0: none). */
int kick_drain(int fd);
/* Closes fd and removes DIR/sync.wake. fd < 0 is fine. */
void kick_close_listener(int fd, const char *dir);

#endif
