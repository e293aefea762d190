/*
 * selftest.h - the commissioning self-test's verdicts, from facts.
 *
 * `sipasctl selftest` gathers facts (how fast the data directory takes an
 * fsync'd write, free space, clock, the hub's answer, the watchdog, what
 * the kiosk found at start, the admin screen's touch grid) and hands them
 * here; each check becomes a verdict (pass, warn, fail), a measured value,
 * a plain-Vietnamese line for the technician and what to do. Pure: no
 * file, clock or network; every bound is a parameter, so tests and flags
 * move them. The report's JSON is also the installation record the hub
 * keeps (docs/HUB.md, "Installation records").
 *
 * Ownership: a report is a value; selftest_build_json() returns a new
 * reference the caller releases; strings passed in are copied.
 */
#ifndef SIPAS_CORE_SELFTEST_H
#define SIPAS_CORE_SELFTEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SELFTEST_CHECKS_MAX 12
#define SELFTEST_ID_MAX 32
#define SELFTEST_VALUE_MAX 96
#define SELFTEST_TEXT_MAX 480
#define SELFTEST_FORMAT 1
/* The watchdog of a Pi-class board stops at 15 s; systemd silently
 * disables a longer RuntimeWatchdogSec on it. */
#define SELFTEST_WATCHDOG_MAX_S 15
/* A clock within this of the hub's is good enough for TLS and days. */
#define SELFTEST_CLOCK_SLACK_MS 60000

typedef enum selftest_status {
    SELFTEST_PASS = 0,
    SELFTEST_WARN = 1,
    SELFTEST_FAIL = 2
} selftest_status_t;

typedef struct selftest_check {
    char id[SELFTEST_ID_MAX];          /* "storage.fsync", ... */
    selftest_status_t status;
    char value[SELFTEST_VALUE_MAX];    /* what was measured */
    char message[SELFTEST_TEXT_MAX];   /* what it means, in Vietnamese */
    char action[SELFTEST_TEXT_MAX];    /* what to do; "" when nothing */
} selftest_check_t;

typedef struct selftest_report {
    selftest_check_t checks[SELFTEST_CHECKS_MAX];
    int n;
} selftest_report_t;

typedef struct selftest_limits {
    double fsync_ms_max;    /* slower than this per fsync fails */
    int64_t free_min_bytes; /* less free space than this fails */
} selftest_limits_t;

#define SELFTEST_FSYNC_MS_MAX_DEFAULT 100.0
#define SELFTEST_FREE_MIN_DEFAULT (INT64_C(256) * 1024 * 1024)

typedef struct selftest_storage {
    int written;              /* 1: the timed writes went through */
    char error[256];          /* why not */
    double fsync_ms;          /* mean time of one fsync'd 4 KiB write */
    int64_t free_bytes;       /* -1: unknown */
} selftest_storage_t;

typedef struct selftest_clock {
    int kernel_synced;        /* adjtimex says synchronised */
    int timesyncd_synced;     /* /run/systemd/timesync/synchronized */
    int hub_known;            /* the hub's clock came with its answer */
    int64_t hub_offset_ms;    /* device minus hub */
    int kiosk_anchored;       /* the kiosk's uploader knows this boot's
                               * true time (an anchor in sync.db) */
} selftest_clock_t;

typedef enum selftest_hub_outcome {
    SELFTEST_HUB_ACKED = 0,   /* the hub's own acknowledgement */
    SELFTEST_HUB_NOT_ENROLLED,
    SELFTEST_HUB_DAMAGED,     /* sync.db is damaged */
    SELFTEST_HUB_UNREACHABLE, /* no answer: DNS, connect, TLS, timeout */
    SELFTEST_HUB_CAPTIVE,     /* a redirect, HTML, or a 200 not the hub's */
    SELFTEST_HUB_UNKNOWN_KIOSK, /* 401 */
    SELFTEST_HUB_REVOKED,     /* 403 */
    SELFTEST_HUB_REFUSED      /* any other answer of the hub's */
} selftest_hub_outcome_t;

typedef struct selftest_hub {
    selftest_hub_outcome_t outcome;
    char url[256];
    char unit[80];
    long status;              /* HTTP status, 0 for none */
    int64_t elapsed_ms;
    char detail[256];         /* the client's words for what happened */
} selftest_hub_t;

typedef struct selftest_watchdog {
    int present;              /* /sys/class/watchdog/watchdog0 exists */
    int active;               /* its state is "active" */
    long timeout_s;           /* -1: unknown */
    char identity[64];
    int64_t runtime_usec;     /* systemd's RuntimeWatchdogUSec; -1 unknown */
} selftest_watchdog_t;

typedef struct selftest_display {
    int found;                /* DATA/display.json exists */
    char error[160];          /* it could not be read or parsed */
    char driver[32];
    int width, height, rotation;
    int touch_devices;
    int64_t started_at;
} selftest_display_t;

typedef struct selftest_touch {
    int found;                /* DATA/touchgrid.json exists */
    char error[160];
    int cells, tapped;
    int width, height, rotation;
    int64_t at;
} selftest_touch_t;

void selftest_init_report(selftest_report_t *r);
void selftest_check_storage(selftest_report_t *r, const selftest_storage_t *s,
                            const selftest_limits_t *lim);
void selftest_check_clock(selftest_report_t *r, const selftest_clock_t *c);
void selftest_check_hub(selftest_report_t *r, const selftest_hub_t *h);
void selftest_check_watchdog(selftest_report_t *r,
                             const selftest_watchdog_t *w);
void selftest_check_display(selftest_report_t *r,
                            const selftest_display_t *d);
/* Adds the touch grid's check only when the grid was run. */
void selftest_check_touch(selftest_report_t *r, const selftest_touch_t *t);

/* The worst verdict: a warning passes, with a remark. */
selftest_status_t selftest_get_result(const selftest_report_t *r);
const char *selftest_status_code(selftest_status_t s);  /* "pass", ... */
const char *selftest_status_words(selftest_status_t s); /* "ĐẠT", ... */

/* DATA/display.json and DATA/touchgrid.json as the kiosk writes them
 * (app/kiosk/record.c): 0, or -1 with out->error set. */
int selftest_parse_display(const char *text, size_t len,
                           selftest_display_t *out);
int selftest_parse_touch(const char *text, size_t len,
                         selftest_touch_t *out);

/* The installation record (docs/HUB.md): NULL when out of memory. */
json_t *selftest_build_json(const selftest_report_t *r,
                            const char *install_id, const char *version,
                            int64_t tested_at_ms);

#endif
