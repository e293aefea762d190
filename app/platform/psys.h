/*
 * psys.h - the few system files the self-test reads, under a root prefix.
 *
 * Everything the device tells about itself through /sys and /run is read
 * here, under a root ("" or "/" is the real system), so tests hand in a
 * tree of their own and fake a watchdog, a synchronised clock or their
 * absence. systemd's own settings (RuntimeWatchdogUSec) are asked of
 * systemctl only on the real system; under another root they are
 * unknown.
 * Ownership: value types; paths and roots are copied.
 */
#ifndef SIPAS_PSYS_H
#define SIPAS_PSYS_H

#include <stddef.h>
#include <stdint.h>

#define PSYS_ROOT_MAX 512
#define PSYS_TEXT_MAX 256

typedef struct psys {
    char root[PSYS_ROOT_MAX]; /* "" for the real system */
} psys_t;

void psys_init(psys_t *s, const char *root);
/* 1 when root + path exists. */
int psys_exists(const psys_t *s, const char *path);
/* The first line of root + path, without its newline, cut at cap: 0, or
 * -1 with errno set. */
int psys_read_line(const psys_t *s, const char *path, char *buf, size_t cap);

typedef struct psys_watchdog {
    int present;          /* /sys/class/watchdog/watchdog0 */
    int active;           /* its state reads "active" */
    long timeout_s;       /* -1: unknown */
    char identity[64];    /* the driver's name, "" when unknown */
    int64_t runtime_usec; /* systemd's RuntimeWatchdogUSec; -1: unknown */
} psys_watchdog_t;

void psys_read_watchdog(const psys_t *s, psys_watchdog_t *w);
/* 1 when systemd-timesyncd has synchronised the clock since boot. */
int psys_timesyncd_synced(const psys_t *s);

#endif
