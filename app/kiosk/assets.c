#include "assets.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int assets_is_dir(const char *p)
{
    struct stat st;

    return p && p[0] && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

void assets_find_dir(const char *flag, const char *argv0, char *dir,
                     size_t cap)
{
    char exe[ASSET_PATH_MAX], cand[ASSET_PATH_MAX + 32];
    ssize_t n;

    dir[0] = '\0';
    if (flag) {
        snprintf(dir, cap, "%s", flag);
        return;
    }
    if (assets_is_dir(getenv("SIPAS_ASSETS"))) {
        snprintf(dir, cap, "%s", getenv("SIPAS_ASSETS"));
        return;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(cand, sizeof(cand), "%s/../assets", dirname(exe));
        if (assets_is_dir(cand)) {
            snprintf(dir, cap, "%s", cand);
            return;
        }
    }
    (void)argv0;
    if (assets_is_dir("/usr/share/sipas-kiosk/assets"))
        snprintf(dir, cap, "%s", "/usr/share/sipas-kiosk/assets");
}

/* Opens a regular file for reading. O_NONBLOCK keeps a FIFO or device
 * given as a path from blocking the kiosk before its first screen; such
 * paths are refused, then the descriptor goes back to blocking reads. */
static FILE *assets_open_regular(const char *path, char *err, size_t errcap)
{
    struct stat st;
    FILE *f;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: %s", path,
                 S_ISDIR(st.st_mode) ? "is a directory"
                                     : "not a regular file");
        close(fd);
        errno = EINVAL;
        return NULL;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ||
        !(f = fdopen(fd, "rb"))) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    return f;
}

int assets_read(const char *path, size_t cap, asset_t *a, char *err,
                size_t errcap)
{
    FILE *f;
    char *buf;
    size_t n;

    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "%s", path);
    f = assets_open_regular(path, err, errcap);
    if (!f)
        return -1;
    buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errcap, "%s: out of memory", path);
        return -1;
    }
    n = fread(buf, 1, cap + 1, f);
    if (ferror(f) || n > cap) {
        snprintf(err, errcap, "%s: %s", path,
                 n > cap ? "file too large" : "read error");
        fclose(f);
        free(buf);
        errno = EFBIG;
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    a->data = buf;
    a->len = n;
    a->owned = 1;
    return 0;
}

void asset_embedded(asset_t *a, const char *label, const char *data,
                    size_t len)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->name, sizeof(a->name), "<embedded:%s>", label);
    a->data = data;
    a->len = len;
}

void asset_free(asset_t *a)
{
    if (a->owned)
        free((void *)a->data);
    memset(a, 0, sizeof(*a));
}
