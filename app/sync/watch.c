#include "watch.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "platform/dirwatch.h"
#include "platform/pclock.h"

#define WATCH_DIR_MAX 1024
/* Without inotify: how often sync.db is looked at. */
#define WATCH_CHECK_EVERY_MS 2000
/* sync.db was caught mid-write: look again this soon. */
#define WATCH_RECHECK_MS 250
#define WATCH_INOTIFY_BUF 4096

struct sync_watch {
    pthread_t tid;
    pthread_mutex_t mu;
    int efd;                    /* eventfd: stop */
    int ifd;                    /* inotify on the data directory, or -1 */
    atomic_int stop;
    atomic_int changed;
    sync_view_t view;           /* under mu */
    char data_dir[WATCH_DIR_MAX];
    int retention_days;
    void (*notify)(void *ctx);
    void *notify_ctx;
    /* Thread-only state. */
    int dirty;                  /* sync.db written since the last good read */
    uint64_t fingerprint;
    int64_t asked_before_ms;    /* the last prune request made */
    int64_t asked_max_seq;
    pclock_t clock;             /* set at start, read-only after */
};

/* ---- events ------------------------------------------------------------- */

/* A close after writing counts only for the lock: every reader, this
 * thread's own included, opens the WAL and its index for writing, and a
 * read would then wake the thread to read again. Writes show as
 * modifications; a new or replaced file as creation, move or deletion. */
int sync_watch_event_matters(const struct inotify_event *ev)
{
    size_t n = strlen(SYNCDB_NAME);

    if (ev->mask & IN_Q_OVERFLOW)
        return 1;
    if (ev->len == 0)
        return 0;
    if (strcmp(ev->name, SYNCDB_LOCK_NAME) == 0)
        return (ev->mask & IN_CLOSE_WRITE) != 0;
    if (strncmp(ev->name, SYNCDB_NAME, n) != 0 ||
        strcmp(ev->name + n, "-shm") == 0)
        return 0;
    return (ev->mask & (IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE)) != 0;
}

int sync_watch_read_events(int ifd)
{
    char buf[WATCH_INOTIFY_BUF]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    const struct inotify_event *ev;
    ssize_t n;
    char *p;
    int hit = 0;

    while ((n = read(ifd, buf, sizeof(buf))) > 0) {
        for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
            ev = (const struct inotify_event *)p;
            if (sync_watch_event_matters(ev))
                hit = 1;
        }
    }
    return hit;
}

/* ---- reading sync.db ---------------------------------------------------- */

static int watch_same_enrollment(const syncdb_enrollment_t *a,
                                 const syncdb_enrollment_t *b)
{
    return a->enrolled_at_ms == b->enrolled_at_ms &&
           strcmp(a->install_id, b->install_id) == 0 &&
           strcmp(a->hub_url, b->hub_url) == 0 &&
           strcmp(a->unit_code, b->unit_code) == 0 &&
           strcmp(a->unit_name, b->unit_name) == 0 &&
           strcmp(a->counter, b->counter) == 0;
}

static void watch_tell_ui(sync_watch_t *w)
{
    atomic_store(&w->changed, 1);
    if (w->notify)
        w->notify(w->notify_ctx);
}

/* A damaged sync.db is published as a fault; the enrollment last read
 * stays (the kiosk keeps stamping its unit). */
static void watch_note_damage(sync_watch_t *w, const char *why)
{
    if (pthread_mutex_lock(&w->mu) != 0)
        return;
    w->view.damaged = 1;
    snprintf(w->view.last_error, sizeof(w->view.last_error), "%s", why);
    if (w->view.enrollment_rev == 0)
        w->view.enrollment_rev++;
    (void)pthread_mutex_unlock(&w->mu);
    watch_tell_ui(w);
}

/* Copies what the uploader recorded into the view; 1 when it differs.
 * A prune request is made once per acknowledged position and day. */
static int watch_apply_progress(sync_watch_t *w, const sync_view_t *p)
{
    sync_view_t *v = &w->view;
    int fresh = 0;

    if (v->pending != p->pending || v->last_ok_ms != p->last_ok_ms ||
        v->blocked != p->blocked ||
        strcmp(v->last_error, p->last_error) != 0)
        fresh = 1;
    v->pending = p->pending;
    v->last_ok_ms = p->last_ok_ms;
    v->blocked = p->blocked;
    snprintf(v->last_error, sizeof(v->last_error), "%s", p->last_error);
    if (p->prune_max_seq > 0 && (p->prune_max_seq != w->asked_max_seq ||
                                 p->prune_before_ms != w->asked_before_ms)) {
        w->asked_max_seq = p->prune_max_seq;
        w->asked_before_ms = p->prune_before_ms;
        v->prune_before_ms = p->prune_before_ms;
        v->prune_max_seq = p->prune_max_seq;
        fresh = 1;
    }
    return fresh;
}

/* Reads sync.db when it changed and publishes what is new. The
 * fingerprint (size and mtime) only serves a watcher without inotify: a
 * write inotify reported is always read. */
static void watch_read(sync_watch_t *w)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_enrollment_t e;
    sync_view_t *p;
    uint64_t fp = syncdb_get_fingerprint(w->data_dir);
    int rc, fresh = 0;

    if (!w->dirty && fp == w->fingerprint && w->view.enrollment_rev > 0)
        return;
    w->fingerprint = fp;
    w->dirty = 0;
    rc = sync_read_enrollment(w->data_dir, &e, err, sizeof(err));
    if (rc == SYNCDB_DAMAGED) {
        watch_note_damage(w, err);
        return;
    }
    p = calloc(1, sizeof(*p));
    if (rc < 0 || !p ||
        (rc == 1 && sync_read_progress(w->data_dir, &w->clock,
                                       w->retention_days, p) != 0)) {
        free(p);
        w->dirty = 1; /* mid-write or unreadable: look again soon */
        return;
    }
    if (pthread_mutex_lock(&w->mu) != 0) {
        free(p);
        return;
    }
    if (w->view.damaged) {
        w->view.damaged = 0;
        w->view.last_error[0] = '\0';
        fresh = 1;
    }
    if (w->view.enrollment_rev == 0 || w->view.enrolled != (rc == 1) ||
        (rc == 1 && !watch_same_enrollment(&e, &w->view.enrollment))) {
        w->view.enrolled = rc == 1;
        w->view.enrollment = e;
        w->view.enrollment_rev++;
        fresh = 1;
    }
    if (watch_apply_progress(w, p))
        fresh = 1;
    (void)pthread_mutex_unlock(&w->mu);
    free(p);
    if (fresh)
        watch_tell_ui(w);
}

/* ---- the loop ----------------------------------------------------------- */

static void watch_sleep(sync_watch_t *w)
{
    struct pollfd p[2];
    uint64_t drained;
    int n = 1, wait = -1;

    p[0].fd = w->efd;
    p[0].events = POLLIN;
    if (w->ifd >= 0) {
        p[1].fd = w->ifd;
        p[1].events = POLLIN;
        n = 2;
    } else {
        wait = WATCH_CHECK_EVERY_MS;
    }
    if (w->dirty)
        wait = WATCH_RECHECK_MS;
    while (!atomic_load(&w->stop)) {
        int rc = poll(p, (nfds_t)n, wait);

        if (rc < 0 && errno != EINTR)
            return;
        if (rc <= 0)
            return; /* time to look again (or a signal) */
        if (p[0].revents & POLLIN)
            (void)!read(w->efd, &drained, sizeof(drained));
        if (n == 2 && (p[1].revents & POLLIN) &&
            sync_watch_read_events(w->ifd)) {
            w->dirty = 1;
            return;
        }
    }
}

static void *watch_main(void *arg)
{
    sync_watch_t *w = arg;

    while (!atomic_load(&w->stop)) {
        watch_read(w);
        if (atomic_load(&w->stop))
            break;
        watch_sleep(w);
    }
    return NULL;
}

/* ---- API ---------------------------------------------------------------- */

static int watch_open_fds(sync_watch_t *w)
{
    return dirwatch_open(w->data_dir, &w->efd, &w->ifd);
}

static void watch_close_fds(sync_watch_t *w)
{
    dirwatch_close(w->efd, w->ifd);
}

int sync_watch_start(sync_watch_t **out, const sync_watch_opts_t *o)
{
    sync_watch_t *w;

    *out = NULL;
    w = calloc(1, sizeof(*w));
    if (!w)
        return -1;
    snprintf(w->data_dir, sizeof(w->data_dir), "%s",
             o->data_dir ? o->data_dir : ".");
    w->retention_days = o->retention_days;
    w->notify = o->notify;
    w->notify_ctx = o->notify_ctx;
    pclock_init(&w->clock, 0);
    atomic_init(&w->stop, 0);
    atomic_init(&w->changed, 0);
    if (watch_open_fds(w) != 0 || pthread_mutex_init(&w->mu, NULL) != 0) {
        watch_close_fds(w);
        free(w);
        return -1;
    }
    if (pthread_create(&w->tid, NULL, watch_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        watch_close_fds(w);
        free(w);
        return -1;
    }
    *out = w;
    return 0;
}

int sync_watch_poll(sync_watch_t *w, sync_view_t *view)
{
    if (!w || !atomic_exchange(&w->changed, 0))
        return 0;
    if (pthread_mutex_lock(&w->mu) != 0)
        return 0;
    *view = w->view;
    (void)pthread_mutex_unlock(&w->mu);
    return 1;
}

void sync_watch_pruned(sync_watch_t *w)
{
    if (!w || pthread_mutex_lock(&w->mu) != 0)
        return;
    w->view.prune_before_ms = 0;
    w->view.prune_max_seq = 0;
    (void)pthread_mutex_unlock(&w->mu);
}

void sync_watch_stop(sync_watch_t *w)
{
    uint64_t one = 1;

    if (!w)
        return;
    atomic_store(&w->stop, 1);
    (void)!write(w->efd, &one, sizeof(one));
    (void)pthread_join(w->tid, NULL);
    pthread_mutex_destroy(&w->mu);
    watch_close_fds(w);
    free(w);
}
