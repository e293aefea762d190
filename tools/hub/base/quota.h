/*
 * quota.h - what one kiosk may make the hub read and keep.
 *
 * The request rate limit bounds how often a kiosk talks, not how much it
 * sends or how much the hub keeps: at 120 uploads a minute, each up to
 * 1 MiB of valid rows for days not held before, one credential could grow
 * the database by gigabytes an hour. Two quotas per kiosk close that:
 *
 * - upload bytes: a token bucket of upload_bytes_hour bytes that refills
 *   at that many bytes an hour; an upload takes its body length before it
 *   is parsed, so replaying large bodies costs the hub no more CPU than
 *   the bucket allows.
 * - stored rows: snapshot rows held for the kiosk (all days) at most
 *   rows_total, and rows added in one hub day (UTC+7) at most rows_day.
 *   Only an upload that grows the kiosk's rows can be refused: replacing
 *   a day with as many rows or fewer never is, so an honest kiosk's
 *   re-uploads always pass.
 *
 * Both are kept in memory, per process: O(1) per upload (a hash lookup
 * and a few additions). A kiosk's held rows are counted from the
 * database the first time it uploads after a start (the caller does that,
 * inside its transaction); the day's growth starts from zero after a
 * restart, which only an operator can cause.
 * Ownership: hub_quota_new() returns a table freed with hub_quota_free();
 * keys are copied.
 * Threads: every call may come from any thread (one mutex).
 */
#ifndef SIPAS_HUB_QUOTA_H
#define SIPAS_HUB_QUOTA_H

#include <stddef.h>
#include <stdint.h>

#define HUB_QUOTA_KEY_MAX 80
#define HUB_QUOTA_HOUR_MS (INT64_C(3600) * 1000)
/* The largest upload_bytes_hour: keeps bytes * elapsed ms within int64. */
#define HUB_QUOTA_BYTES_MAX (INT64_C(1) << 40)
#define HUB_QUOTA_ROWS_MAX (INT64_C(1) << 40)

typedef struct hub_quota_limits {
    int64_t upload_bytes_hour; /* 0: no upload quota */
    int64_t rows_day;          /* 0: no daily growth quota */
    int64_t rows_total;        /* 0: no quota on rows held */
} hub_quota_limits_t;

/* One kiosk's standing; plain values so the arithmetic below is pure. */
typedef struct hub_quota_usage {
    int64_t tokens;   /* upload bytes still allowed */
    int64_t stamp_ms; /* when tokens was last refilled (monotonic) */
    int64_t held;     /* rows held; -1 until counted */
    int64_t day;      /* hub day number that day_grown counts */
    int64_t day_grown;
} hub_quota_usage_t;

typedef enum hub_quota_verdict {
    HUB_QUOTA_OK = 0,
    HUB_QUOTA_UPLOAD, /* upload bytes used up for now */
    HUB_QUOTA_DAY,    /* rows added today used up */
    HUB_QUOTA_TOTAL,  /* rows held at the cap */
    HUB_QUOTA_TABLE   /* no room to track another kiosk */
} hub_quota_verdict_t;

/* ---- the arithmetic (pure) --------------------------------------------- */

/* A fresh kiosk: a full bucket, rows not counted yet. */
void hub_quota_usage_init(hub_quota_usage_t *u, int64_t now_ms);
/* Takes bytes from the bucket when they are there: 0 (taken), or the ms
 * until they will be (nothing taken). A limit of 0 always allows. */
int64_t hub_quota_take_bytes(const hub_quota_limits_t *lim,
                             hub_quota_usage_t *u, int64_t bytes,
                             int64_t now_ms);
/* Whether a write dropping `dropped` rows and adding `added` fits the
 * row quotas on hub day `day`; u->held must be counted. */
hub_quota_verdict_t hub_quota_check_rows(const hub_quota_limits_t *lim,
                                         const hub_quota_usage_t *u,
                                         int64_t day, int64_t dropped,
                                         int64_t added);
/* Records a committed write that hub_quota_check_rows() allowed. */
void hub_quota_add_rows(hub_quota_usage_t *u, int64_t day, int64_t dropped,
                        int64_t added);
/* The hub day (UTC+7) of a wall-clock time, and the seconds to its end. */
int64_t hub_quota_day_of(int64_t wall_ms);
int hub_quota_secs_to_next_day(int64_t wall_ms);

/* ---- the table ----------------------------------------------------------- */

typedef struct hub_quota hub_quota_t;

/* NULL when out of memory. max_keys bounds the kiosks tracked. */
hub_quota_t *hub_quota_new(const hub_quota_limits_t *lim, size_t max_keys);
void hub_quota_free(hub_quota_t *q);
const hub_quota_limits_t *hub_quota_get_limits(const hub_quota_t *q);
/* 0 when the upload may be read (its bytes are counted); otherwise the
 * whole seconds (>= 1) until it may. mono_ms from a monotonic clock. */
int hub_quota_take_upload(hub_quota_t *q, const char *kiosk, int64_t bytes,
                          int64_t mono_ms);
/* The rows held for kiosk: 1 with *held when known, 0 when they must be
 * counted (then hub_quota_set_held()). */
int hub_quota_get_held(hub_quota_t *q, const char *kiosk, int64_t *held);
void hub_quota_set_held(hub_quota_t *q, const char *kiosk, int64_t held);
/* Check and record for a write: check before committing, add after. */
hub_quota_verdict_t hub_quota_check_write(hub_quota_t *q, const char *kiosk,
                                          int64_t wall_ms, int64_t dropped,
                                          int64_t added);
void hub_quota_add_write(hub_quota_t *q, const char *kiosk, int64_t wall_ms,
                         int64_t dropped, int64_t added);

#endif
