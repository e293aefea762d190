#include "wake.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

struct wake {
    int efd;                  /* eventfd, always open */
    int ifd;                  /* inotify on the input dir, or -1 */
    char dir[256];
    int n_inputs;
    int inputs[WAKE_INPUTS_MAX];
    uint64_t waits;
};

static void wake_close_inputs(wake_t *w)
{
    int i;

    for (i = 0; i < w->n_inputs; i++)
        close(w->inputs[i]);
    w->n_inputs = 0;
}

static void wake_scan_inputs(wake_t *w)
{
    DIR *d;
    struct dirent *e;
    char path[512];
    int fd;

    wake_close_inputs(w);
    d = opendir(w->dir);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL && w->n_inputs < WAKE_INPUTS_MAX) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", w->dir, e->d_name);
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0)
            w->inputs[w->n_inputs++] = fd;
    }
    closedir(d);
}

int wake_open(wake_t **out, const char *input_dir)
{
    wake_t *w = calloc(1, sizeof(*w));

    if (!w)
        return -1;
    w->ifd = -1;
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->efd < 0) {
        free(w);
        return -1;
    }
    if (input_dir) {
        snprintf(w->dir, sizeof(w->dir), "%s", input_dir);
        w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (w->ifd >= 0 &&
            inotify_add_watch(w->ifd, w->dir, IN_CREATE | IN_DELETE) < 0) {
            close(w->ifd);
            w->ifd = -1;
        }
        wake_scan_inputs(w);
    }
    *out = w;
    return 0;
}

void wake_close(wake_t *w)
{
    if (!w)
        return;
    wake_close_inputs(w);
    if (w->ifd >= 0)
        close(w->ifd);
    close(w->efd);
    free(w);
}

int wake_signal(wake_t *w)
{
    uint64_t one = 1;

    return write(w->efd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

static void wake_drain(int fd)
{
    char buf[1024];

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
}

int wake_wait(wake_t *w, int timeout_ms)
{
    struct pollfd p[WAKE_INPUTS_MAX + 2];
    int n = 0, i, rc, rescan = 0;

    p[n].fd = w->efd;
    p[n++].events = POLLIN;
    if (w->ifd >= 0) {
        p[n].fd = w->ifd;
        p[n++].events = POLLIN;
    }
    for (i = 0; i < w->n_inputs; i++) {
        p[n].fd = w->inputs[i];
        p[n++].events = POLLIN;
    }
    rc = poll(p, (nfds_t)n, timeout_ms);
    w->waits++;
    if (rc < 0)
        return errno == EINTR ? 1 : -1;
    if (rc == 0)
        return 0;
    for (i = 0; i < n; i++) {
        if (!(p[i].revents & (POLLIN | POLLERR | POLLHUP)))
            continue;
        if (p[i].fd == w->ifd)
            rescan = 1;
        if (p[i].revents & (POLLERR | POLLHUP))
            rescan = 1; /* a device went away */
        wake_drain(p[i].fd);
    }
    if (rescan && w->dir[0])
        wake_scan_inputs(w);
    return 1;
}

uint64_t wake_count(const wake_t *w)
{
    return w->waits;
}

int wake_inputs(const wake_t *w)
{
    return w->n_inputs;
}
