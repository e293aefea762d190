/*
 * pclock.h - the device's clocks behind one narrow interface.
 *
 * Three clocks matter: monotonic (UI deadlines), CLOCK_BOOTTIME (survives
 * suspend; stamped on every response) and wall time, which on a Pi without
 * an RTC can be years off until NTP syncs. In script mode time is virtual:
 * only pclock_advance() moves it, so a 30 s timeout is tested in
 * microseconds. SIPAS_CLOCK_OFFSET_S (seconds added to wall time) and
 * SIPAS_CLOCK_SYNCED (0/1) let tests put the wall clock where a freshly
 * booted Pi has it.
 * Ownership: value type.
 */
#ifndef SIPAS_PCLOCK_H
#define SIPAS_PCLOCK_H

#include <stddef.h>
#include <stdint.h>

#define PCLOCK_BOOT_ID_MAX 40

typedef struct pclock {
    int virtual_time;
    uint64_t virt_ms;       /* virtual elapsed time */
    uint64_t mono_base;     /* real monotonic at init */
    uint64_t boot_base;     /* real boottime at init */
    int64_t wall_base;      /* real wall at init */
    int64_t wall_offset_ms; /* from SIPAS_CLOCK_OFFSET_S */
    int synced_override;    /* -1 none, else 0/1 */
    char boot_id[PCLOCK_BOOT_ID_MAX];
} pclock_t;

void pclock_init(pclock_t *c, int virtual_time);
uint64_t pclock_mono_ms(const pclock_t *c);
uint64_t pclock_boot_ms(const pclock_t *c);
int64_t pclock_wall_ms(const pclock_t *c);
/* 1 when the kernel says the clock is synchronised (adjtimex). */
int pclock_synced(const pclock_t *c);
void pclock_advance(pclock_t *c, uint64_t ms);

#endif
