#include "pfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Up to cap bytes of fd into buf: the count, or -1 with errno. */
static ssize_t pfile_read_fd(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t got;

    while (n < cap) {
        got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    return (ssize_t)n;
}

int pfile_read_small(const char *path, int flags, size_t max, char **out,
                     size_t *len)
{
    struct stat st;
    char *buf = NULL;
    ssize_t n = -1;
    int fd, e = 0;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK |
                        ((flags & PFILE_NOFOLLOW) ? O_NOFOLLOW : 0));
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = EINVAL;
    else if ((size_t)st.st_size > max)
        e = EFBIG;
    else if (!(buf = malloc(max + 2)))
        e = ENOMEM;
    /* One byte past max: a file that grew since fstat is still caught. */
    else if ((n = pfile_read_fd(fd, buf, max + 1)) < 0)
        e = errno;
    else if ((size_t)n > max)
        e = EFBIG;
    close(fd);
    if (e) {
        free(buf);
        errno = e;
        return -1;
    }
    buf[n] = '\0';
    *out = buf;
    *len = (size_t)n;
    return 0;
}
