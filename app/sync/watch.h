/*
 * watch.h - the kiosk's view of uploading, kept fresh from sync.db.
 *
 * Uploading is sipas-sync's, a process of its own; the kiosk only needs
 * to know what it wrote: the enrollment (provisioning while the kiosk
 * runs switches the unit of new responses), a status line for the admin
 * screen, and what retention lets the one writer of kiosk.db delete. A
 * thread sleeps in poll() on an inotify watch of the data directory and
 * reads sync.db read-only when it was written; an idle kiosk's watcher
 * never wakes (without inotify it looks every few seconds). What changed
 * is published here and the UI is woken (notify).
 *
 * Ownership: sync_watch_start() returns a handle released by
 * sync_watch_stop(). Options are copied. notify is called from the
 * thread; it must be thread-safe (wake_signal is).
 * Threads: sync_watch_poll() and sync_watch_pruned() are for the UI
 * thread; nothing here touches the network.
 */
#ifndef SIPAS_SYNC_WATCH_H
#define SIPAS_SYNC_WATCH_H

#include <stdint.h>

#include "sync/status.h"

struct inotify_event;

typedef struct sync_watch sync_watch_t;

typedef struct sync_watch_opts {
    const char *data_dir;     /* copied */
    int retention_days;       /* > 0: publish prune requests */
    void (*notify)(void *ctx);
    void *notify_ctx;
} sync_watch_opts_t;

int sync_watch_start(sync_watch_t **out, const sync_watch_opts_t *o);
/* 1 when something changed since the last poll (then *view is filled),
 * 0 otherwise. */
int sync_watch_poll(sync_watch_t *w, sync_view_t *view);
/* The UI thread pruned up to what was asked; the request is cleared
 * until acknowledgements move on. */
void sync_watch_pruned(sync_watch_t *w);
/* Stops and joins; w is freed. NULL is fine. */
void sync_watch_stop(sync_watch_t *w);

/* 1 when an inotify event of the data directory says sync.db changed or
 * its lock was let go of (shared with the uploader's own watch). */
int sync_watch_event_matters(const struct inotify_event *ev);
/* Reads the pending events of ifd; 1 when one of them matters. */
int sync_watch_read_events(int ifd);

#endif
