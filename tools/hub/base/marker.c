#include "hub/base/marker.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define HUB_MARKER_PATH_MAX 1200

static int hub_marker_make_name(const char *db_path, char *out, size_t cap,
                           char *err, size_t err_cap)
{
    int n = snprintf(out, cap, "%s" HUB_MARKER_SUFFIX, db_path);

    if (n < 0 || (size_t)n >= cap) {
        snprintf(err, err_cap, "database path too long for its marker");
        return -1;
    }
    return 0;
}

/* fsync of the directory holding path: a created or removed name is only
 * durable once its directory is. */
static int hub_marker_sync_dir(const char *path, char *err, size_t cap)
{
    char dir[HUB_MARKER_PATH_MAX];
    char *slash;
    int fd, rc;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, cap, "cannot open %s: %s", dir, strerror(errno));
        return -1;
    }
    rc = fsync(fd);
    if (rc != 0)
        snprintf(err, cap, "cannot sync %s: %s", dir, strerror(errno));
    (void)close(fd); /* read-only: nothing to lose */
    return rc == 0 ? 0 : -1;
}

int hub_marker_create(const char *db_path, int *existed, char *err,
                      size_t cap)
{
    char path[HUB_MARKER_PATH_MAX];
    int fd;

    *existed = 0;
    if (hub_marker_make_name(db_path, path, sizeof(path), err, cap) != 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST) {
        *existed = 1;
        return 0;
    }
    if (fd < 0) {
        snprintf(err, cap, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (close(fd) != 0) {
        snprintf(err, cap, "cannot close %s: %s", path, strerror(errno));
        return -1;
    }
    return hub_marker_sync_dir(path, err, cap);
}

int hub_marker_remove(const char *db_path, char *err, size_t cap)
{
    char path[HUB_MARKER_PATH_MAX];

    if (hub_marker_make_name(db_path, path, sizeof(path), err, cap) != 0)
        return -1;
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, cap, "cannot remove %s: %s", path, strerror(errno));
        return -1;
    }
    return hub_marker_sync_dir(path, err, cap);
}
