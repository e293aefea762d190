/*
 * The directory is watched for files being written or replaced (sync.db
 * written by the other process, a kiosk provisioned while it runs).
 */
#include "platform/dirwatch.h"

#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

int dirwatch_open(const char *dir, int *efd, int *ifd)
{
    *ifd = -1;
    *efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (*efd < 0)
        return -1;
    *ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (*ifd >= 0 &&
        inotify_add_watch(*ifd, dir,
                          IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE |
                              IN_MOVED_TO | IN_DELETE) < 0) {
        close(*ifd);
        *ifd = -1;
    }
    return 0;
}

void dirwatch_close(int efd, int ifd)
{
    if (ifd >= 0)
        close(ifd);
    if (efd >= 0)
        close(efd);
}
