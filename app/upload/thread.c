#include "thread.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "sync/watch.h"
#include "platform/dirwatch.h"
#include "platform/pclock.h"

#define SYNC_DIR_MAX 1024
#define SYNC_VERSION_MAX 32
/* How often the thread looks whether sync.db changed (provisioning) when
 * inotify cannot tell it; with inotify an idle thread never wakes. */
#define SYNC_CHECK_EVERY_MS 2000
/* Someone else (sipasctl sync) is uploading: look again soon. */
#define SYNC_BUSY_RETRY_MS 5000
/* sync.db was caught mid-write: look again this soon. */
#define SYNC_RECHECK_MS 250
/* What ended a sleep. */
#define SYNC_WOKE_KICK 1
#define SYNC_WOKE_DIR 2
#define SYNC_NEVER INT64_MAX
/* Liveness for the systemd watchdog: a sleeping thread is alive (nothing
 * can wedge poll()); a pass is bounded by the client's limits (stall,
 * total backstop) and SQLite's busy timeouts. */
#define SYNC_PASS_STALE_MS ((int64_t)(SYNC_TOTAL_TIMEOUT_S + 300) * 1000)

struct sync_thread {
    pthread_t tid;
    pthread_mutex_t mu;
    int efd;                    /* eventfd: a kick or stop wakes the thread */
    int ifd;                    /* inotify on the data directory, or -1 */
    atomic_int stop;
    atomic_int changed;
    atomic_int kicked;
    atomic_llong tick_ms;       /* monotonic, when a pass last began */
    atomic_int in_pass;
    atomic_int ended;
    sync_client_t *client;      /* under mu: the transfer to interrupt */
    sync_view_t view;           /* under mu */
    char data_dir[SYNC_DIR_MAX];
    char version[SYNC_VERSION_MAX];
    char user_agent[SYNC_VERSION_MAX + 16];
    sync_options_t so;
    int64_t interval_ms;
    void (*notify)(void *ctx);
    void *notify_ctx;
    /* Thread-only state. */
    int backing_off;
    int idle;                   /* not enrolled or blocked: wait for sync.db */
    int busy;                   /* the last pass found the lock taken */
    int dirty;                  /* sync.db written since the last good read */
    uint64_t fingerprint;
    pclock_t clock;             /* set at start, read-only after */
};

/* The device's clocks as the rest of the kiosk reads them (pclock), so
 * that SIPAS_CLOCK_OFFSET_S moves "last sent" with everything else. The
 * clock is set once at start and only read after: any thread may use it. */
static int64_t sync_mono_ms(const sync_thread_t *t)
{
    return (int64_t)pclock_mono_ms(&t->clock);
}

static int64_t sync_wall_ms(const sync_thread_t *t)
{
    return pclock_wall_ms(&t->clock);
}

static void sync_tell_ui(sync_thread_t *t)
{
    atomic_store(&t->changed, 1);
    if (t->notify)
        t->notify(t->notify_ctx);
}

/* ---- hooks for the pass ------------------------------------------------- */

static void sync_thread_on_client(void *ctx, sync_client_t *c)
{
    sync_thread_t *t = ctx;

    if (pthread_mutex_lock(&t->mu) != 0)
        return;
    t->client = c;
    (void)pthread_mutex_unlock(&t->mu);
}

/* ---- publishing --------------------------------------------------------- */

static int sync_same_enrollment(const syncdb_enrollment_t *a,
                               const syncdb_enrollment_t *b)
{
    return a->enrolled_at_ms == b->enrolled_at_ms &&
           strcmp(a->install_id, b->install_id) == 0 &&
           strcmp(a->hub_url, b->hub_url) == 0 &&
           strcmp(a->unit_code, b->unit_code) == 0 &&
           strcmp(a->unit_name, b->unit_name) == 0 &&
           strcmp(a->counter, b->counter) == 0;
}

/* A damaged sync.db is published as a fault; the enrollment last read
 * stays (the kiosk keeps stamping its unit). 0: nothing new to apply. */
static int sync_note_damage(sync_thread_t *t, const char *why)
{
    if (pthread_mutex_lock(&t->mu) != 0)
        return 0;
    t->view.damaged = 1;
    snprintf(t->view.last_error, sizeof(t->view.last_error), "%s", why);
    if (t->view.enrollment_rev == 0)
        t->view.enrollment_rev++;
    (void)pthread_mutex_unlock(&t->mu);
    sync_tell_ui(t);
    return 0;
}

/* Reads the enrollment when sync.db changed; 1 when it is new. The
 * fingerprint (size and mtime) only serves a thread without inotify: a
 * rewrite of the same size within one tick of the file system's clock
 * leaves it unchanged, so a write inotify reported is always read. */
static int sync_check_enrollment(sync_thread_t *t)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_enrollment_t e;
    uint64_t fp = syncdb_get_fingerprint(t->data_dir);
    int rc, fresh = 0;

    if (!t->dirty && fp == t->fingerprint && t->view.enrollment_rev > 0)
        return 0;
    t->fingerprint = fp;
    t->dirty = 0;
    rc = sync_read_enrollment(t->data_dir, &e, err, sizeof(err));
    if (rc == SYNCDB_DAMAGED)
        return sync_note_damage(t, err);
    if (rc < 0) {
        t->dirty = 1; /* mid-write or unreadable: look again soon */
        return 0;
    }
    if (pthread_mutex_lock(&t->mu) != 0)
        return 0;
    if (t->view.damaged) {
        t->view.damaged = 0;
        t->view.last_error[0] = '\0';
        fresh = 1;
    }
    if (t->view.enrollment_rev == 0 || t->view.enrolled != (rc == 1) ||
        (rc == 1 && !sync_same_enrollment(&e, &t->view.enrollment))) {
        t->view.enrolled = rc == 1;
        t->view.enrollment = e;
        t->view.enrollment_rev++;
        t->view.blocked = 0;
        fresh = 1;
    }
    (void)pthread_mutex_unlock(&t->mu);
    if (fresh)
        sync_tell_ui(t);
    return fresh;
}

static void sync_publish(sync_thread_t *t, const sync_result_t *r)
{
    if (pthread_mutex_lock(&t->mu) != 0)
        return;
    if (r->outcome != SYNC_BUSY)
        t->view.pending = r->pending;
    if (r->outcome == SYNC_DONE) {
        t->view.last_ok_ms = sync_wall_ms(t);
        t->view.last_error[0] = '\0';
    } else if (r->outcome != SYNC_BUSY && r->outcome != SYNC_INTERRUPTED) {
        snprintf(t->view.last_error, sizeof(t->view.last_error), "%s",
                 r->message);
    }
    t->view.blocked = r->outcome == SYNC_BLOCKED;
    if (r->prune_max_seq > 0) {
        t->view.prune_before_ms = r->prune_before_ms;
        t->view.prune_max_seq = r->prune_max_seq;
    }
    (void)pthread_mutex_unlock(&t->mu);
    sync_tell_ui(t);
}

/* When to try again after a pass. */
static int64_t sync_schedule(sync_thread_t *t, const sync_result_t *r,
                             int64_t now)
{
    t->backing_off = 0;
    t->idle = 0;
    t->busy = 0;
    switch (r->outcome) {
    case SYNC_DONE:
        return now + t->interval_ms;
    case SYNC_BUSY:
        /* Or sooner: the holder's release wakes the thread (inotify). */
        t->busy = 1;
        return now + SYNC_BUSY_RETRY_MS;
    case SYNC_NOT_ENROLLED:
    case SYNC_BLOCKED:
        /* Nothing to do until a technician provisions: sync.db changes. */
        t->idle = 1;
        return SYNC_NEVER;
    case SYNC_INTERRUPTED:
        return SYNC_NEVER;
    case SYNC_FAILED:
    case SYNC_REFUSED:
    case SYNC_LOCAL_ERROR:
        break;
    }
    t->backing_off = 1;
    return now + (r->retry_in_ms > 0 ? r->retry_in_ms : 1000);
}

/* ---- the loop ----------------------------------------------------------- */

/* Sleeps until next_run, a kick, a change of sync.db or stop; returns
 * SYNC_WOKE_* bits. Without inotify it looks at sync.db every few
 * seconds; after a read that caught it mid-write, every SYNC_RECHECK_MS. */
static int sync_sleep(sync_thread_t *t, int64_t next_run)
{
    struct pollfd p[2];
    uint64_t drained;
    int64_t now, wait;
    int n = 1, woke = 0;

    p[0].fd = t->efd;
    p[0].events = POLLIN;
    if (t->ifd >= 0) {
        p[1].fd = t->ifd;
        p[1].events = POLLIN;
        n = 2;
    }
    while (!atomic_load(&t->stop) && !atomic_load(&t->kicked)) {
        now = sync_mono_ms(t);
        if (now >= next_run)
            break;
        wait = next_run - now;
        if (t->ifd < 0 && wait > SYNC_CHECK_EVERY_MS)
            wait = SYNC_CHECK_EVERY_MS;
        if (t->dirty && wait > SYNC_RECHECK_MS)
            wait = SYNC_RECHECK_MS;
        if (poll(p, (nfds_t)n, wait > INT32_MAX ? -1 : (int)wait) < 0 &&
            errno != EINTR)
            break;
        if (p[0].revents & POLLIN)
            (void)!read(t->efd, &drained, sizeof(drained));
        if (n == 2 && (p[1].revents & POLLIN) && sync_watch_read_events(t->ifd)) {
            woke |= SYNC_WOKE_DIR;
            break;
        }
        if ((t->ifd < 0 || t->dirty) && sync_mono_ms(t) - now >= wait)
            break; /* time to look at sync.db again */
    }
    if (atomic_exchange(&t->kicked, 0))
        woke |= SYNC_WOKE_KICK;
    return woke;
}

/* What a pass held (sync.db's page cache, the upload's JSON, libcurl's
 * buffers) is free once it ends, but glibc keeps freed memory mapped for
 * reuse, and pages lying between blocks still in use stay resident for
 * good: the process's memory would drift with however the last passes
 * happened to be laid out. Passes come seconds to minutes apart, so
 * handing the free pages back costs nothing that matters. */
static void sync_release_memory(void)
{
#ifdef __GLIBC__
    /* 1 when memory went back, 0 when there was none: nothing to check. */
    (void)malloc_trim(0);
#endif
}

static void sync_pass(sync_thread_t *t, int64_t *next_run)
{
    sync_hooks_t hooks = {t, NULL, sync_thread_on_client,
                          (const atomic_int *)&t->stop};
    sync_result_t *r = malloc(sizeof(*r));

    if (!r) {
        *next_run = sync_mono_ms(t) + SYNC_BUSY_RETRY_MS;
        return;
    }
    atomic_store(&t->tick_ms, sync_mono_ms(t));
    atomic_store(&t->in_pass, 1);
    sync_run_once(&t->so, &hooks, r);
    atomic_store(&t->in_pass, 0);
    if (r->outcome != SYNC_INTERRUPTED) {
        sync_publish(t, r);
        *next_run = sync_schedule(t, r, sync_mono_ms(t));
    }
    free(r);
    sync_release_memory();
}

static void *sync_thread_main(void *arg)
{
    sync_thread_t *t = arg;
    int64_t next_run = sync_mono_ms(t);
    int woke;

    while (!atomic_load(&t->stop)) {
        if (sync_check_enrollment(t)) {
            /* Provisioned (again): whatever blocked uploading is gone. */
            t->idle = 0;
            t->backing_off = 0;
            next_run = sync_mono_ms(t);
        }
        if (!t->idle && sync_mono_ms(t) >= next_run)
            sync_pass(t, &next_run);
        if (atomic_load(&t->stop))
            break;
        woke = sync_sleep(t, t->idle ? SYNC_NEVER : next_run);
        if (woke & SYNC_WOKE_DIR) {
            t->dirty = 1;
            if (t->busy) /* whoever held the lock may be done */
                next_run = sync_mono_ms(t);
        }
        /* A commit hurries a healthy link, never a backoff. */
        if ((woke & SYNC_WOKE_KICK) && !t->backing_off && !t->idle)
            next_run = sync_mono_ms(t);
    }
    atomic_store(&t->ended, 1);
    return NULL;
}

/* ---- API ---------------------------------------------------------------- */

/* The data directory is watched for sync.db being written, so a kiosk
 * provisioned while it runs switches at once and an idle thread sleeps
 * for real. Without inotify the thread falls back to looking. */
static int sync_open_fds(sync_thread_t *t)
{
    return dirwatch_open(t->data_dir, &t->efd, &t->ifd);
}

static void sync_close_fds(sync_thread_t *t)
{
    dirwatch_close(t->efd, t->ifd);
}

int sync_thread_start(sync_thread_t **out, const sync_thread_opts_t *o)
{
    sync_thread_t *t;

    *out = NULL;
    t = calloc(1, sizeof(*t));
    if (!t)
        return -1;
    snprintf(t->data_dir, sizeof(t->data_dir), "%s",
             o->sync.data_dir ? o->sync.data_dir : ".");
    snprintf(t->version, sizeof(t->version), "%s",
             o->sync.version ? o->sync.version : "0");
    t->so = o->sync;
    t->so.data_dir = t->data_dir;
    t->so.version = t->version;
    snprintf(t->user_agent, sizeof(t->user_agent), "%s",
             o->sync.user_agent ? o->sync.user_agent : "sipas-kiosk");
    t->so.user_agent = t->user_agent;
    t->so.lock_wait_ms = 0;
    t->interval_ms = (int64_t)(o->interval_s > 0 ? o->interval_s : 1) * 1000;
    t->notify = o->notify;
    t->notify_ctx = o->notify_ctx;
    pclock_init(&t->clock, 0);
    atomic_init(&t->stop, 0);
    atomic_init(&t->changed, 0);
    atomic_init(&t->kicked, 0);
    atomic_init(&t->tick_ms, sync_mono_ms(t));
    atomic_init(&t->in_pass, 0);
    atomic_init(&t->ended, 0);
    if (sync_open_fds(t) != 0 || pthread_mutex_init(&t->mu, NULL) != 0) {
        sync_close_fds(t);
        free(t);
        return -1;
    }
    if (pthread_create(&t->tid, NULL, sync_thread_main, t) != 0) {
        pthread_mutex_destroy(&t->mu);
        sync_close_fds(t);
        free(t);
        return -1;
    }
    *out = t;
    return 0;
}

/* Wakes the thread's sleep; a full counter already means "wake up". */
static void sync_wake_thread(sync_thread_t *t)
{
    uint64_t one = 1;

    (void)!write(t->efd, &one, sizeof(one));
}

void sync_thread_kick(sync_thread_t *t)
{
    if (!t)
        return;
    atomic_store(&t->kicked, 1);
    sync_wake_thread(t);
}

int sync_thread_poll(sync_thread_t *t, sync_view_t *view)
{
    if (!t || !atomic_exchange(&t->changed, 0))
        return 0;
    if (pthread_mutex_lock(&t->mu) != 0)
        return 0;
    *view = t->view;
    (void)pthread_mutex_unlock(&t->mu);
    return 1;
}

int sync_thread_alive(sync_thread_t *t)
{
    int64_t age;

    if (!t || atomic_load(&t->ended))
        return 0;
    if (!atomic_load(&t->in_pass))
        return 1;
    age = sync_mono_ms(t) - (int64_t)atomic_load(&t->tick_ms);
    return age < SYNC_PASS_STALE_MS;
}

void sync_thread_pruned(sync_thread_t *t)
{
    if (!t || pthread_mutex_lock(&t->mu) != 0)
        return;
    t->view.prune_before_ms = 0;
    t->view.prune_max_seq = 0;
    (void)pthread_mutex_unlock(&t->mu);
}

void sync_thread_stop(sync_thread_t *t)
{
    if (!t)
        return;
    atomic_store(&t->stop, 1);
    sync_wake_thread(t);
    if (pthread_mutex_lock(&t->mu) == 0) {
        sync_client_wake(t->client);
        (void)pthread_mutex_unlock(&t->mu);
    }
    (void)pthread_join(t->tid, NULL);
    pthread_mutex_destroy(&t->mu);
    sync_close_fds(t);
    free(t);
}
