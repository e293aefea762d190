/*
 * The targets file for `serve`: read from --targets, or the shipped
 * assets/targets/default.json found near the program.
 */
#include "hub/api/api_stats.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"

#define HUB_TARGETS_PATH_MAX 4096

/* Relative to the directory of the program: build/sipas-hub and
 * build/asan/sipas-hub in a source tree, PREFIX/bin/sipas-hub installed. */
static const char *const hub_targets_places[] = {
    "../assets/targets/default.json",
    "../../assets/targets/default.json",
    "../share/sipas-hub/targets/default.json",
};

int hub_api_stats_load_targets(const char *path, targets_t **out, char *msg,
                               size_t cap)
{
    FILE *fp = fopen(path, "rb");
    char *text;
    size_t n;
    err_t err;
    int bad;

    *out = NULL;
    if (!fp) {
        snprintf(msg, cap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    text = malloc(TARGETS_SOURCE_MAX + 1);
    n = text ? fread(text, 1, TARGETS_SOURCE_MAX + 1, fp) : 0;
    bad = !text || ferror(fp) || n > TARGETS_SOURCE_MAX;
    if (fclose(fp) != 0)
        bad = 1;
    if (bad) {
        snprintf(msg, cap, "cannot read %s (unreadable or over %d bytes)", path,
                 TARGETS_SOURCE_MAX);
        free(text);
        return -1;
    }
    text[n] = '\0';
    err_clear(&err);
    if (targets_parse(text, n, path, out, &err) != 0) {
        err_format(&err, msg, cap);
        free(text);
        return -1;
    }
    free(text);
    return 0;
}

int hub_api_stats_find_targets(char *path, size_t cap)
{
    char exe[HUB_TARGETS_PATH_MAX], *slash;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    size_t i;

    if (n <= 0)
        return -1;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    for (i = 0; i < sizeof(hub_targets_places) / sizeof(hub_targets_places[0]);
         i++) {
        if ((size_t)snprintf(path, cap, "%s/%s", exe, hub_targets_places[i]) >=
            cap)
            continue;
        if (access(path, R_OK) == 0)
            return 0;
    }
    path[0] = '\0';
    return -1;
}

int hub_api_stats_open_targets(const char *file, targets_t **out, char *msg,
                               size_t cap)
{
    char path[HUB_TARGETS_PATH_MAX];

    *out = NULL;
    msg[0] = '\0';
    if (file)
        return hub_api_stats_load_targets(file, out, msg, cap);
    if (hub_api_stats_find_targets(path, sizeof(path)) != 0) {
        snprintf(msg, cap,
                 "no targets file found near the program; figures"
                 " are served without targets (--targets FILE)");
        return 0;
    }
    return hub_api_stats_load_targets(path, out, msg, cap);
}
