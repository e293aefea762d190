/*
 * thread.h - sipas-sync's uploading thread.
 *
 * One thread runs sync_run_once() every interval, at once after a kick
 * (sync_thread_kick: the kiosk stored a response), and after failures
 * only when its backoff allows. Between passes it sleeps in poll() on an
 * eventfd (kicks, stop) and an inotify watch of the data directory
 * (sync.db written by provisioning, the sync lock let go of), so an idle
 * uploader never wakes on its own. What a pass found is published here
 * (the kiosk reads the same from sync.db, see sync/watch.h). Stopping
 * interrupts a transfer at once (curl_multi_wakeup) and joins.
 *
 * Ownership: sync_thread_start() returns a handle released by
 * sync_thread_stop(). Options are copied. notify is called from the
 * thread; it must be thread-safe.
 * Threads: sync_thread_kick() and sync_thread_poll() never block on the
 * network.
 */
#ifndef SIPAS_SYNC_THREAD_H
#define SIPAS_SYNC_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sync/status.h"
#include "sync/syncdb.h"
#include "upload/worker.h"

typedef struct sync_thread sync_thread_t;

typedef struct sync_thread_opts {
    sync_options_t sync;      /* data_dir and version are copied */
    int interval_s;           /* between passes when all is well */
    void (*notify)(void *ctx);
    void *notify_ctx;
} sync_thread_opts_t;

int sync_thread_start(sync_thread_t **out, const sync_thread_opts_t *o);
/* A response was committed: upload soon (unless backing off). */
void sync_thread_kick(sync_thread_t *t);
/* 1 when something changed since the last poll (then *view is filled),
 * 0 otherwise. */
int sync_thread_poll(sync_thread_t *t, sync_view_t *view);
/* 1 while the thread turns as it should (a pass may take as long as the
 * client's limits allow); sipas-sync pings systemd's watchdog only then,
 * so a wedged uploader gets restarted. */
int sync_thread_alive(sync_thread_t *t);
/* The UI thread pruned up to what was asked; the request is cleared. */
void sync_thread_pruned(sync_thread_t *t);
/* Interrupts and joins; t is freed. NULL is fine. */
void sync_thread_stop(sync_thread_t *t);

#endif
