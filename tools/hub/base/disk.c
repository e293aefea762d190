#include "hub/base/disk.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/statvfs.h>

/* The test's stand-in for the free space: a plain decimal number of KiB,
 * anything else is ignored. */
static int hub_disk_get_fake(int64_t *free_kb)
{
    const char *env = getenv("SIPAS_HUB_DISK_FREE_KB");
    char *end;
    long long v;

    if (!env || !*env)
        return 0;
    errno = 0;
    v = strtoll(env, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0)
        return 0;
    *free_kb = (int64_t)v;
    return 1;
}

int hub_disk_get_space(const char *path, int64_t *free_kb, int64_t *size_kb)
{
    struct statvfs sv;
    uint64_t unit;

    if (statvfs(path, &sv) != 0)
        return -1;
    unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
    *size_kb = (int64_t)((uint64_t)sv.f_blocks * unit / 1024);
    *free_kb = (int64_t)((uint64_t)sv.f_bavail * unit / 1024);
    (void)hub_disk_get_fake(free_kb);
    return 0;
}

int64_t hub_disk_default_reserve_kb(int64_t size_kb)
{
    int64_t pct = size_kb / 100 * HUB_DISK_RESERVE_PERCENT;

    return pct < HUB_DISK_RESERVE_MAX_KB ? pct : HUB_DISK_RESERVE_MAX_KB;
}
