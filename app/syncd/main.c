/*
 * sipas-sync: the device's uploader, a process of its own beside
 * sipas-kiosk. It runs the upload thread (app/upload/thread.h) on the
 * kiosk's data directory; the kiosk wakes it through a datagram after
 * each stored response (platform/kick.h), and its own timer and backoff
 * run regardless, so a lost wake-up only delays an upload. Either
 * process may crash or be restarted without the other noticing: they
 * share nothing but files, and sync.db's lock keeps uploads one at a
 * time.
 *
 * Its main thread sleeps in poll() on a signalfd (SIGTERM, SIGINT), the
 * wake-up socket and, under systemd's watchdog, a timer at half the
 * watchdog period; WATCHDOG=1 is sent only while the upload thread turns
 * as it should, so a wedged transfer gets the process restarted.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/config.h"
#include "core/version.h"
#include "platform/kick.h"
#include "platform/notify.h"
#include "syncd/args.h"
#include "syncd/conf.h"
#include "upload/thread.h"

#define SYNCD_NOTE_MAX 768

typedef struct syncd {
    syncd_args_t args;
    config_t *config;
    sync_thread_t *thread;      /* NULL when uploading is off */
    int sig_fd;
    int kick_fd;                /* -1: the timer alone */
    uint64_t watchdog_ms;       /* 0: no watchdog */
    int64_t last_ping_ms;
} syncd_t;

static void syncd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void syncd_log(const char *fmt, ...)
{
    va_list ap;

    fputs("sipas-sync: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int64_t syncd_mono_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGTERM and SIGINT are read from a descriptor, blocked before any thread
 * exists so the upload thread inherits the mask and never takes them;
 * SIGPIPE is ignored. */
static int syncd_open_signals(syncd_t *d)
{
    sigset_t set;

    if (sigemptyset(&set) != 0 || sigaddset(&set, SIGTERM) != 0 ||
        sigaddset(&set, SIGINT) != 0 ||
        pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (d->sig_fd < 0)
        return -1;
    /* A hub that hangs up mid-write is an error to report, not a reason
     * to die. */
    return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0;
}

static int syncd_start_thread(syncd_t *d)
{
    sync_thread_opts_t o;
    const config_sync_t *s = &d->config->sync;

    memset(&o, 0, sizeof(o));
    o.sync.data_dir = d->args.data;
    o.sync.version = SIPAS_VERSION;
    o.sync.user_agent = "sipas-sync/" SIPAS_VERSION;
    o.sync.batch = s->batch;
    o.sync.retention_days = s->retention_days;
    o.sync.connect_timeout_s = s->connect_timeout_s;
    o.sync.stall_timeout_s = s->stall_timeout_s;
    o.interval_s = s->interval_s;
    return sync_thread_start(&d->thread, &o);
}

static void syncd_ping(syncd_t *d, int64_t now)
{
    d->last_ping_ms = now;
    if (d->thread && !sync_thread_alive(d->thread)) {
        syncd_log("the upload thread is stuck: no watchdog ping");
        return;
    }
    if (notify_send("WATCHDOG=1") != 0)
        syncd_log("could not ping the watchdog");
}

/* Until SIGTERM or SIGINT. Idle, it wakes only for the watchdog. */
static void syncd_loop(syncd_t *d)
{
    struct pollfd p[2];
    struct signalfd_siginfo si;
    int64_t now, wait;
    int n = 1;

    p[0].fd = d->sig_fd;
    p[0].events = POLLIN;
    if (d->kick_fd >= 0) {
        p[1].fd = d->kick_fd;
        p[1].events = POLLIN;
        n = 2;
    }
    d->last_ping_ms = syncd_mono_ms();
    for (;;) {
        wait = -1;
        if (d->watchdog_ms) {
            now = syncd_mono_ms();
            wait = d->last_ping_ms + (int64_t)d->watchdog_ms / 2 - now;
            if (wait <= 0) {
                syncd_ping(d, now);
                continue;
            }
        }
        if (poll(p, (nfds_t)n, wait > INT32_MAX ? INT32_MAX : (int)wait) < 0 &&
            errno != EINTR) {
            syncd_log("poll: %s", strerror(errno));
            return;
        }
        if ((p[0].revents & POLLIN) &&
            read(d->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
            return;
        /* A response was stored: upload soon (a backoff still holds). */
        if (n == 2 && (p[1].revents & POLLIN) && kick_drain(d->kick_fd) > 0)
            sync_thread_kick(d->thread);
    }
}

static int syncd_run(syncd_t *d)
{
    char note[SYNCD_NOTE_MAX];

    if (syncd_load_config(d->args.config, d->args.data, d->config, note,
                          sizeof(note)) != 0)
        syncd_log("%s", note);
    if (syncd_open_signals(d) != 0) {
        syncd_log("cannot take signals: %s", strerror(errno));
        return 1;
    }
    d->watchdog_ms = notify_watchdog_ms();
    if (!d->config->sync.enabled) {
        syncd_log("uploading is off (sync.enabled): waiting to be stopped");
    } else {
        /* As the kiosk does: whichever starts first makes the directory
         * (systemd's StateDirectory= does it on the device). */
        if (mkdir(d->args.data, 0750) != 0 && errno != EEXIST)
            syncd_log("%s: %s", d->args.data, strerror(errno));
        d->kick_fd = kick_open_listener(d->args.data, note, sizeof(note));
        if (d->kick_fd < 0)
            syncd_log("no wake-up from the kiosk (%s): uploads on the"
                      " timer alone", note);
        if (syncd_start_thread(d) != 0) {
            syncd_log("cannot start the upload thread");
            return 1;
        }
    }
    if (notify_send("READY=1") != 0)
        syncd_log("could not notify systemd");
    syncd_loop(d);
    if (notify_send("STOPPING=1") != 0)
        syncd_log("could not notify systemd");
    /* Interrupts a transfer in flight: it is sent again next time. */
    sync_thread_stop(d->thread);
    d->thread = NULL;
    return 0;
}

int main(int argc, char **argv)
{
    syncd_t d;
    char err[256];
    int rc;

    memset(&d, 0, sizeof(d));
    d.sig_fd = -1;
    d.kick_fd = -1;
    rc = syncd_parse_args(argc, argv, &d.args, err, sizeof(err));
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "sipas-sync: %s\n", err);
        return rc < 0 ? 2 : 0;
    }
    /* libcurl's global set-up comes before any thread exists. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        syncd_log("cannot initialise libcurl");
        return 1;
    }
    d.config = calloc(1, sizeof(*d.config));
    rc = d.config ? syncd_run(&d) : 1;
    kick_close_listener(d.kick_fd, d.args.data);
    if (d.sig_fd >= 0)
        close(d.sig_fd);
    free(d.config);
    curl_global_cleanup();
    return rc;
}
