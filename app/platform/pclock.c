#include "pclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>

static uint64_t pclock_read(clockid_t id)
{
    struct timespec ts;

    if (clock_gettime(id, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void pclock_read_boot_id(char *buf, size_t cap)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    size_t n;

    snprintf(buf, cap, "unknown");
    if (!f)
        return;
    if (fgets(buf, (int)cap, f)) {
        n = strlen(buf);
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
    }
    fclose(f);
}

void pclock_init(pclock_t *c, int virtual_time)
{
    const char *off = getenv("SIPAS_CLOCK_OFFSET_S");
    const char *syn = getenv("SIPAS_CLOCK_SYNCED");

    memset(c, 0, sizeof(*c));
    c->virtual_time = virtual_time;
    c->mono_base = pclock_read(CLOCK_MONOTONIC);
    c->boot_base = pclock_read(CLOCK_BOOTTIME);
    c->wall_base = (int64_t)pclock_read(CLOCK_REALTIME);
    c->wall_offset_ms = off ? strtoll(off, NULL, 10) * 1000 : 0;
    c->synced_override = syn ? atoi(syn) != 0 : -1;
    pclock_read_boot_id(c->boot_id, sizeof(c->boot_id));
}

uint64_t pclock_mono_ms(const pclock_t *c)
{
    if (c->virtual_time)
        return c->mono_base + c->virt_ms;
    return pclock_read(CLOCK_MONOTONIC);
}

uint64_t pclock_boot_ms(const pclock_t *c)
{
    if (c->virtual_time)
        return c->boot_base + c->virt_ms;
    return pclock_read(CLOCK_BOOTTIME);
}

int64_t pclock_wall_ms(const pclock_t *c)
{
    if (c->virtual_time)
        return c->wall_base + (int64_t)c->virt_ms + c->wall_offset_ms;
    return (int64_t)pclock_read(CLOCK_REALTIME) + c->wall_offset_ms;
}

int pclock_synced(const pclock_t *c)
{
    struct timex tx;
    int state;

    if (c->synced_override >= 0)
        return c->synced_override;
    memset(&tx, 0, sizeof(tx));
    state = adjtimex(&tx);
    return state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

void pclock_advance(pclock_t *c, uint64_t ms)
{
    c->virt_ms += ms;
}
