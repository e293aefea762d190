#include "bare_common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int bare_window_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10), b;

    if (end == s || *end != 'x')
        return -1;
    b = strtol(end + 1, &end, 10);
    if (*end != '\0' || a < 1 || b < 1 || a > 8192 || b > 8192)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

int bare_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    struct sockaddr_un sa;
    size_t plen, slen = strlen(state);
    ssize_t sent;
    int fd;

    if (!path || !path[0])
        return 0;
    plen = strlen(path);
    if (plen >= sizeof(sa.sun_path))
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, plen);
    if (sa.sun_path[0] == '@')
        sa.sun_path[0] = '\0';
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    sent = sendto(fd, state, slen, MSG_NOSIGNAL, (struct sockaddr *)&sa,
                  (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen));
    close(fd);
    return sent == (ssize_t)slen ? 0 : -1;
}

int bare_open(int w, int h, SDL_Window **win, SDL_Renderer **ren)
{
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0)
        return -1;
    *win = SDL_CreateWindow("bench", SDL_WINDOWPOS_CENTERED,
                            SDL_WINDOWPOS_CENTERED, w, h, 0);
    if (!*win)
        return -1;
    *ren = SDL_CreateRenderer(*win, -1, 0);
    return *ren ? 0 : -1;
}
