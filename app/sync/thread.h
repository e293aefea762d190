/*
 * thread.h - the kiosk's background uploader.
 *
 * One thread runs sync_run_once() every interval, at once after a commit
 * (sync_thread_kick), and after failures only when its backoff allows. It
 * never touches the kiosk's store handle or the screen: what the UI thread
 * must know or do is published here and the UI is woken (notify):
 *  - the enrollment changed (provisioning while the kiosk runs): new
 *    responses must carry the enrolled unit;
 *  - a status line for the admin screen;
 *  - retention: which old, acknowledged responses the one writer may
 *    delete (the thread only tells; the UI thread deletes).
 * Between passes it sleeps in poll() on an eventfd (kicks, stop) and an
 * inotify watch of the data directory (sync.db written by provisioning),
 * so an idle kiosk's uploader never wakes on its own. Stopping interrupts
 * a transfer at once (curl_multi_wakeup) and joins.
 *
 * Ownership: sync_thread_start() returns a handle released by
 * sync_thread_stop(). Options are copied. notify is called from the
 * thread; it must be thread-safe (wake_signal is).
 * Threads: sync_thread_kick() and sync_thread_poll() are for the UI thread;
 * they never block on the network.
 */
#ifndef SIPAS_SYNC_THREAD_H
#define SIPAS_SYNC_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "sync/syncdb.h"
#include "sync/worker.h"

#define SYNC_STATUS_TEXT_MAX 160

typedef struct sync_thread sync_thread_t;

typedef struct sync_thread_opts {
    sync_options_t sync;      /* data_dir and version are copied */
    int interval_s;           /* between passes when all is well */
    void (*notify)(void *ctx);
    void *notify_ctx;
} sync_thread_opts_t;

/* What the UI thread may show or must act on. */
typedef struct sync_view {
    int enrolled;
    uint64_t enrollment_rev;     /* bumped whenever the enrollment changed */
    syncdb_enrollment_t enrollment; /* unit, counter (secret cleared) */
    sync_outcome_t last_outcome;
    int64_t pending;
    int64_t last_ok_ms;         /* wall, 0 = never */
    char last_error[SYNC_MESSAGE_MAX_RUN];
    int blocked;
    /* sync.db is damaged (the reason in last_error): nothing is uploaded
     * until a technician repairs it; enrolled and enrollment stay as last
     * read, so responses keep the unit. */
    int damaged;
    /* Retention request: 0 when there is nothing to prune. */
    int64_t prune_before_ms;
    int64_t prune_max_seq;
} sync_view_t;

int sync_thread_start(sync_thread_t **out, const sync_thread_opts_t *o);
/* A response was committed: upload soon (unless backing off). */
void sync_thread_kick(sync_thread_t *t);
/* 1 when something changed since the last poll (then *view is filled),
 * 0 otherwise. */
int sync_thread_poll(sync_thread_t *t, sync_view_t *view);
/* 1 while the thread turns as it should (a pass may take as long as the
 * client's limits allow); the kiosk pings systemd's watchdog only then,
 * so a wedged uploader gets the kiosk restarted. */
int sync_thread_alive(sync_thread_t *t);
/* The UI thread pruned up to what was asked; the request is cleared. */
void sync_thread_pruned(sync_thread_t *t);
/* Interrupts and joins; t is freed. NULL is fine. */
void sync_thread_stop(sync_thread_t *t);

/* One line for the admin screen: unit, responses waiting, last success
 * and the last error, e.g. "XA-MINHTAN · chờ 3 · 2026-11-22T09:15". */
void sync_view_format(const sync_view_t *v, char *out, size_t cap);

#endif
