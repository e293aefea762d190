#include "kick.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* DIR/sync.wake as a socket address; -1 when the path does not fit. */
static int kick_make_addr(const char *dir, struct sockaddr_un *sa)
{
    int n;

    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    n = snprintf(sa->sun_path, sizeof(sa->sun_path), "%s/%s", dir, KICK_NAME);
    return n > 0 && (size_t)n < sizeof(sa->sun_path) ? 0 : -1;
}

int kick_open_sender(void)
{
    return socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int kick_send(int fd, const char *dir)
{
    struct sockaddr_un sa;
    char one = 1;

    if (fd < 0 || kick_make_addr(dir, &sa) != 0)
        return -1;
    /* MSG_DONTWAIT twice over: a full queue drops the kick (EAGAIN). */
    return sendto(fd, &one, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
                  (const struct sockaddr *)&sa, sizeof(sa)) == 1 ? 0 : -1;
}

int kick_open_listener(const char *dir, char *err, size_t cap)
{
    struct sockaddr_un sa;
    int fd;

    if (kick_make_addr(dir, &sa) != 0) {
        snprintf(err, cap, "%s/%s: path too long for a socket", dir, KICK_NAME);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, cap, "socket: %s", strerror(errno));
        return -1;
    }
    /* Left by a process that was killed: only one listener runs per data
     * directory (systemd starts one), so the file is stale. */
    if (unlink(sa.sun_path) != 0 && errno != ENOENT) {
        snprintf(err, cap, "%s: %s", sa.sun_path, strerror(errno));
        close(fd);
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        chmod(sa.sun_path, 0600) != 0) {
        snprintf(err, cap, "%s: %s", sa.sun_path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int kick_drain(int fd)
{
    char buf[16];
    int n = 0;

    while (fd >= 0 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
        n++;
    return n;
}

void kick_close_listener(int fd, const char *dir)
{
    struct sockaddr_un sa;

    if (fd < 0)
        return;
    close(fd);
    if (kick_make_addr(dir, &sa) == 0 && unlink(sa.sun_path) != 0 &&
        errno != ENOENT)
        fprintf(stderr, "%s: %s\n", sa.sun_path, strerror(errno));
}
