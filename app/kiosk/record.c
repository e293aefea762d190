#include "kiosk/record.h"

#include <SDL.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RECORD_TOUCH_NAMES_MAX 8
#define RECORD_PATH_MAX 1100

/* Temporary file, fsync, rename, then the directory's fsync: after a
 * power cut the old file or the new one is there, never a torn one. */
static int record_write_atomic(const char *dir, const char *name,
                               const char *text, char *err, size_t cap)
{
    char path[RECORD_PATH_MAX], tmp[RECORD_PATH_MAX + 8];
    size_t len = strlen(text);
    int fd, dfd, rc = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, cap, "%s: %s", tmp, strerror(errno));
        return -1;
    }
    if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
        snprintf(err, cap, "%s: %s", tmp, strerror(errno ? errno : EIO));
        rc = -1;
    }
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, cap, "%s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        (void)unlink(tmp);
        return -1;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        /* The rename is made; a directory that cannot be synced only
         * makes it less certain to outlive a power cut. */
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}

static int record_write_json(const char *dir, const char *name, json_t *v,
                             char *err, size_t cap)
{
    char *text = v ? json_dumps(v, JSON_INDENT(2)) : NULL;
    int rc;

    json_decref(v);
    if (!text) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    rc = record_write_atomic(dir, name, text, err, cap);
    free(text);
    return rc;
}

int record_write_display(const char *dir, int w, int h, int rotation,
                         int64_t now_ms, char *err, size_t cap)
{
    const char *driver = SDL_GetCurrentVideoDriver();
    const char *name;
    json_t *names = json_array();
    int i, n = SDL_GetNumTouchDevices();

    for (i = 0; names && i < n && i < RECORD_TOUCH_NAMES_MAX; i++) {
        name = SDL_GetTouchName(i);
        /* A device name is the kernel's; it is kept only when it is
         * text json can carry. */
        if (json_array_append_new(names, json_string(name ? name : "")) != 0)
            (void)json_array_append_new(names, json_string("?"));
    }
    return record_write_json(
        dir, RECORD_DISPLAY_NAME,
        json_pack("{s:s, s:i, s:i, s:i, s:i, s:o*, s:I}", "driver",
                  driver ? driver : "", "width", w, "height", h, "rotation",
                  rotation, "touch_devices", n > 0 ? n : 0, "touch_names",
                  names, "started_at", (json_int_t)now_ms),
        err, cap);
}

int record_write_touchgrid(const char *dir, int cells, int tapped, int w,
                           int h, int rotation, int64_t now_ms, char *err,
                           size_t cap)
{
    return record_write_json(
        dir, RECORD_TOUCHGRID_NAME,
        json_pack("{s:i, s:i, s:i, s:i, s:i, s:I}", "cells", cells, "tapped",
                  tapped, "width", w, "height", h, "rotation", rotation,
                  "at", (json_int_t)now_ms),
        err, cap);
}
