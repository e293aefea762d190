/*
 * worker.h - one pass of uploading what the hub has not acknowledged yet.
 *
 * sync_run_once() is the whole protocol on the kiosk's side (see
 * docs/SYNC_PROTOCOL.md): under the sync lock it reads responses with
 * acked_seq < seq <= upto (at most a batch, oldest first) through a
 * read-only store connection, builds the full snapshot of every local day
 * they touch (the day's acknowledged snapshot from sync.db plus these
 * responses), POSTs it, and on the hub's acknowledgement records the new
 * acked_seq and the days' snapshots in one transaction. It drains the
 * backlog batch after batch; with nothing pending it sends a heartbeat.
 * The kiosk's background thread (thread.h) and `sipasctl sync` both call
 * it; the lock makes sure only one of them uploads at a time.
 *
 * Clock: before the first upload of a boot the hub's time is learned (a
 * heartbeat), so responses recorded with an unsynchronised clock in this
 * boot are corrected; an anchor, once used, is frozen in sync.db.
 *
 * Ownership: options and hooks are borrowed for the call; the result is
 * the caller's.
 */
#ifndef SIPAS_SYNC_WORKER_H
#define SIPAS_SYNC_WORKER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "upload/client.h"
#include "sync/status.h"
#include "sync/syncdb.h"

#define SYNC_BATCH_DEFAULT 2000
#define SYNC_BATCH_MAX 20000
/* Under the hub's 1 MiB body limit, with room for the heartbeat. */
#define SYNC_BODY_MAX (1000 * 1000)
#define SYNC_INTERVAL_DEFAULT_S 300
#define SYNC_MESSAGE_MAX_RUN 640

typedef struct sync_options {
    const char *data_dir;
    int batch;             /* responses per upload; 0 = SYNC_BATCH_DEFAULT */
    int retention_days;    /* > 0: tell the writer what it may prune */
    long connect_timeout_s; /* 0 = the client's default */
    long stall_timeout_s;   /* 0 = the client's default */
    const char *version;   /* this software's version, for the hub */
    const char *user_agent; /* "sipas-kiosk/0.1.0", "sipasctl/0.1.0" */
    int lock_wait_ms;      /* wait this long for the sync lock */
    /* Try even when a 401/403 blocked uploading (a technician asked). */
    int retry_blocked;
} sync_options_t;

/* After each acknowledged batch. */
typedef struct sync_batch_report {
    int64_t responses;     /* in this upload */
    int64_t tests;         /* test ratings of the range, not sent */
    int days;              /* days it carried */
    int stale_days;        /* the hub held newer snapshots of these */
    int64_t acked_seq;
    int64_t pending;       /* still to upload */
} sync_batch_report_t;

typedef struct sync_hooks {
    void *ctx;
    void (*on_batch)(void *ctx, const sync_batch_report_t *b);
    /* The client in use (NULL when the pass ends), so another thread can
     * interrupt it; called with the client about to be used. */
    void (*on_client)(void *ctx, sync_client_t *c);
    const atomic_int *stop; /* set: give up at the next chance */
} sync_hooks_t;

typedef enum sync_outcome {
    SYNC_DONE = 0,          /* all acknowledged (or nothing was pending) */
    SYNC_FAILED,            /* transient: try again after retry_in_ms */
    SYNC_REFUSED,           /* permanent (other 4xx): a technician acts */
    SYNC_BLOCKED,           /* revoked, unknown to the hub, or replaced */
    SYNC_NOT_ENROLLED,
    SYNC_BUSY,              /* another upload holds the lock */
    SYNC_INTERRUPTED,       /* hooks->stop was set */
    SYNC_LOCAL_ERROR        /* sync.db or kiosk.db failed */
} sync_outcome_t;

typedef struct sync_result {
    sync_outcome_t outcome;
    int64_t uploaded;       /* responses acknowledged in this pass */
    int64_t tests;          /* test ratings passed over (never sent) */
    int batches;
    int64_t pending;        /* after the pass */
    int64_t acked_seq;
    int64_t retry_in_ms;    /* for SYNC_FAILED / SYNC_REFUSED: the backoff */
    int enrolled;
    syncdb_enrollment_t enrollment; /* when enrolled (secret cleared) */
    /* Retention: responses recorded before prune_before_ms with seq <=
     * prune_max_seq may go (0: nothing to prune). */
    int64_t prune_before_ms;
    int64_t prune_max_seq;
    char message[SYNC_MESSAGE_MAX_RUN];
} sync_result_t;

sync_outcome_t sync_run_once(const sync_options_t *o, const sync_hooks_t *h,
                             sync_result_t *res);

/* PRAGMA quick_check's verdict on the kiosk database s ("ok", or its first
 * complaint) into out (cap bytes, truncated), as the heartbeat reports it.
 * The check runs at most once a day (now_ms: a monotonic clock) for each
 * database, told apart by install id; s NULL: "ok" (nothing stored yet).
 * Any thread may call it. */
void sync_integrity_verdict(store_t *s, int64_t now_ms, char *out,
                            size_t cap);

#endif
