/*
 * ctl_probe.h - the facts `sipasctl selftest` measures on the device.
 *
 * Each probe gathers one kind of fact for core/selftest.h to judge: the
 * data directory's write speed and free space, the hub's answer to an
 * authenticated request, the files the kiosk writes at start and after
 * the touch grid. System files come through platform/psys.h, so a test
 * hands in its own /sys and /run.
 * Ownership: the client handed out by ctl_probe_hub() is the caller's
 * (sync_client_close()); strings are borrowed.
 */
#ifndef SIPAS_CTL_PROBE_H
#define SIPAS_CTL_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "core/selftest.h"
#include "platform/pclock.h"
#include "upload/client.h"
#include "sync/syncdb.h"

#define CTL_PROBE_WRITES 20
#define CTL_PROBE_BLOCK 4096
#define CTL_PROBE_FILE_MAX (16 * 1024) /* display.json, touchgrid.json */
#define CTL_DISPLAY_NAME "display.json"
#define CTL_TOUCHGRID_NAME "touchgrid.json"

/* CTL_PROBE_WRITES fsync'd writes of CTL_PROBE_BLOCK bytes to a
 * temporary file in dir (removed after), and the free space there. */
void ctl_probe_storage(const char *dir, selftest_storage_t *out);
/* DATA/display.json and DATA/touchgrid.json. */
void ctl_probe_display(const char *dir, selftest_display_t *out);
void ctl_probe_touch(const char *dir, selftest_touch_t *out);

typedef struct ctl_hub_probe {
    selftest_hub_t facts;
    syncdb_enrollment_t en;  /* valid when facts.outcome is not
                              * NOT_ENROLLED or DAMAGED */
    sync_client_t *client;   /* open after an acknowledgement, else NULL */
    int64_t hub_time_ms;     /* the hub's clock, 0 when it gave none */
    int64_t wall_ms;         /* the device's, when the answer came */
    int anchored;            /* sync.db holds this boot's true time */
} ctl_hub_probe_t;

/* An authenticated heartbeat to the enrolled hub, its answer classified
 * (acknowledged, captive portal, refused, unreachable). */
void ctl_probe_hub(const char *dir, const pclock_t *clock,
                   long connect_timeout_s, int64_t free_bytes,
                   ctl_hub_probe_t *out);
/* Sends the installation record over the probe's client: 0 on the hub's
 * acknowledgement, else -1 with its words in err. */
int ctl_probe_send_record(ctl_hub_probe_t *p, const char *body, char *err,
                          size_t cap);
void ctl_probe_close(ctl_hub_probe_t *p);

#endif
