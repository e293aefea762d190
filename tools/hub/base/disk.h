/*
 * disk.h - how much room the filesystem holding the database has left.
 *
 * The hub refuses writes while the free space is below a reserve, so a
 * full disk never refuses every kiosk at once in the middle of a
 * transaction, and the operator still has room to act (backups, VACUUM,
 * the journal). This is the one place that asks the filesystem; a test
 * sets SIPAS_HUB_DISK_FREE_KB to a number of KiB to stand for the free
 * space (the total still comes from the real filesystem), which nothing
 * else reads.
 * Ownership: plain values.
 */
#ifndef SIPAS_HUB_DISK_H
#define SIPAS_HUB_DISK_H

#include <stdint.h>

/* The reserve when none is given: 5% of the filesystem, at most 512 MiB
 * (a province's disk of a few hundred GiB keeps 512 MiB; a small SD card
 * its 5%). */
#define HUB_DISK_RESERVE_PERCENT 5
#define HUB_DISK_RESERVE_MAX_KB (INT64_C(512) * 1024)

/* Free space (for an unprivileged writer) and size of the filesystem
 * holding path, in KiB. 0, or -1 with errno set. */
int hub_disk_get_space(const char *path, int64_t *free_kb, int64_t *size_kb);
/* The default reserve for a filesystem of size_kb. */
int64_t hub_disk_default_reserve_kb(int64_t size_kb);

#endif
