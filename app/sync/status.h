/*
 * status.h - what the admin screen says about uploading, read from
 * DIR/sync.db without the network.
 *
 * The uploader (sipas-sync) records its progress in sync.db; the kiosk
 * only reads it: the enrollment (to stamp responses with the unit), a
 * status line, and what retention allows the one writer of kiosk.db to
 * delete. Nothing here links the HTTP client, so the citizen-facing
 * process carries no network library.
 *
 * Ownership: the caller's structs and buffers; nothing is kept.
 */
#ifndef SIPAS_SYNC_STATUS_H
#define SIPAS_SYNC_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "platform/pclock.h"
#include "sync/syncdb.h"

#define SYNC_STATUS_TEXT_MAX 160
#define SYNC_STATUS_ERROR_MAX 640

/* What the UI thread may show or must act on. */
typedef struct sync_view {
    int enrolled;
    uint64_t enrollment_rev;     /* bumped whenever the enrollment changed */
    syncdb_enrollment_t enrollment; /* unit, counter (secret cleared) */
    int64_t pending;
    int64_t last_ok_ms;         /* wall, 0 = never */
    char last_error[SYNC_STATUS_ERROR_MAX];
    int blocked;
    /* sync.db is damaged (the reason in last_error): nothing is uploaded
     * until a technician repairs it; enrolled and enrollment stay as last
     * read, so responses keep the unit. */
    int damaged;
    /* Retention request: 0 when there is nothing to prune. */
    int64_t prune_before_ms;
    int64_t prune_max_seq;
} sync_view_t;

/* The enrollment of the kiosk in data_dir (secret cleared), read without
 * the lock: 1 enrolled, 0 not (no sync.db), < 0 error (SYNCDB_DAMAGED
 * when sync.db is damaged); err (may be NULL) gets the reason, naming the
 * file. */
int sync_read_enrollment(const char *data_dir, syncdb_enrollment_t *out,
                         char *err, size_t cap);

/* The uploader's recorded progress in data_dir, read-only: pending, last
 * success, last error and blocked go into v; with retention_days > 0 and
 * responses acknowledged, the prune request too, dated by this boot's
 * anchor or a synchronised clock (none without a trustworthy "today").
 * 0 read, 0 with nothing filled when there is no sync.db, < 0 error. */
int sync_read_progress(const char *data_dir, const pclock_t *clock,
                       int retention_days, sync_view_t *v);

/* The oldest instant retention keeps, now_ms being today: the start of
 * the local day retention_days before today's. */
int64_t sync_prune_before(int64_t now_ms, int retention_days);

/* One line for the admin screen: unit, responses waiting, last success
 * and the last error, e.g. "XA-MINHTAN · chờ 3 · 2026-11-22T09:15". */
void sync_view_format(const sync_view_t *v, char *out, size_t cap);

#endif
