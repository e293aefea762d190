#include "platform/psys.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PSYS_WATCHDOG "/sys/class/watchdog/watchdog0"
/* timesyncd touches this file at its first synchronisation of a boot. */
#define PSYS_TIMESYNC "/run/systemd/timesync/synchronized"

void psys_init(psys_t *s, const char *root)
{
    snprintf(s->root, sizeof(s->root), "%s",
             root && strcmp(root, "/") != 0 ? root : "");
}

static void psys_path(const psys_t *s, const char *path, char *out,
                      size_t cap)
{
    snprintf(out, cap, "%s%s", s->root, path);
}

int psys_exists(const psys_t *s, const char *path)
{
    char full[PSYS_ROOT_MAX + 256];
    struct stat st;

    psys_path(s, path, full, sizeof(full));
    return stat(full, &st) == 0;
}

int psys_read_line(const psys_t *s, const char *path, char *buf, size_t cap)
{
    char full[PSYS_ROOT_MAX + 256];
    FILE *fp;
    int saved;

    buf[0] = '\0';
    psys_path(s, path, full, sizeof(full));
    fp = fopen(full, "re");
    if (!fp)
        return -1;
    if (!fgets(buf, (int)cap, fp)) {
        saved = ferror(fp) ? errno : 0;
        fclose(fp);
        buf[0] = '\0';
        errno = saved;
        return saved ? -1 : 0;
    }
    fclose(fp);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* systemd's setting as it runs, e.g. "10s" or "infinity" or "0". */
static int64_t psys_parse_usec(const char *text)
{
    char *end;
    double v;

    if (strcmp(text, "infinity") == 0)
        return INT64_MAX;
    errno = 0;
    v = strtod(text, &end);
    if (errno != 0 || end == text || v < 0)
        return -1;
    if (*end == '\0' || strcmp(end, "us") == 0)
        return (int64_t)v;
    if (strcmp(end, "ms") == 0)
        return (int64_t)(v * 1000.0);
    if (strcmp(end, "s") == 0)
        return (int64_t)(v * 1000000.0);
    if (strcmp(end, "min") == 0)
        return (int64_t)(v * 60000000.0);
    return -1;
}

static int64_t psys_read_runtime_watchdog(const psys_t *s)
{
    char line[PSYS_TEXT_MAX];
    FILE *p;
    int64_t v = -1;

    if (s->root[0])
        return -1;
    /* --value gives the bare setting; stderr is the technician's. */
    p = popen("systemctl show -p RuntimeWatchdogUSec --value 2>/dev/null",
              "re");
    if (!p)
        return -1;
    if (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\r\n")] = '\0';
        v = psys_parse_usec(line);
    }
    if (pclose(p) != 0)
        v = -1;
    return v;
}

void psys_read_watchdog(const psys_t *s, psys_watchdog_t *w)
{
    char line[PSYS_TEXT_MAX];
    char *end;
    long t;

    memset(w, 0, sizeof(*w));
    w->timeout_s = -1;
    w->present = psys_exists(s, PSYS_WATCHDOG);
    w->runtime_usec = psys_read_runtime_watchdog(s);
    if (!w->present)
        return;
    if (psys_read_line(s, PSYS_WATCHDOG "/state", line, sizeof(line)) == 0)
        w->active = strcmp(line, "active") == 0;
    if (psys_read_line(s, PSYS_WATCHDOG "/timeout", line, sizeof(line)) ==
        0) {
        errno = 0;
        t = strtol(line, &end, 10);
        if (errno == 0 && end != line && t >= 0)
            w->timeout_s = t;
    }
    if (psys_read_line(s, PSYS_WATCHDOG "/identity", line, sizeof(line)) ==
        0)
        snprintf(w->identity, sizeof(w->identity), "%s", line);
}

int psys_timesyncd_synced(const psys_t *s)
{
    return psys_exists(s, PSYS_TIMESYNC);
}
