#include "hub/base/quota.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HUB_QUOTA_BUCKETS 4096
#define HUB_QUOTA_DAY_S (INT64_C(86400))
#define HUB_QUOTA_ZONE_S (INT64_C(7) * 3600) /* the hub's day is Vietnam's */
/* A kiosk refused for want of a table slot asks again in a minute. */
#define HUB_QUOTA_TABLE_WAIT_MS (INT64_C(60) * 1000)

/* ---- the arithmetic ----------------------------------------------------- */

void hub_quota_usage_init(hub_quota_usage_t *u, int64_t now_ms)
{
    memset(u, 0, sizeof(*u));
    u->tokens = -1; /* full at the first take, whatever the limit */
    u->stamp_ms = now_ms;
    u->held = -1;
    u->day = -1;
}

/* Tokens after refilling at `cap` bytes an hour since the last stamp.
 * The stamp moves on only by the time the whole bytes added stand for,
 * so calls closer together than a byte's worth still add up. Elapsed
 * time past an hour fills the bucket, so cap * elapsed stays below
 * 2^40 * 2^22. */
static void hub_quota_refill(int64_t cap, hub_quota_usage_t *u,
                             int64_t now_ms)
{
    int64_t elapsed = now_ms - u->stamp_ms, added;

    if (u->tokens < 0 || u->tokens > cap || elapsed >= HUB_QUOTA_HOUR_MS) {
        u->tokens = cap;
        u->stamp_ms = now_ms;
        return;
    }
    if (elapsed <= 0)
        return; /* a clock that went back refills nothing */
    added = cap * elapsed / HUB_QUOTA_HOUR_MS;
    if (u->tokens + added >= cap) {
        u->tokens = cap;
        u->stamp_ms = now_ms;
        return;
    }
    u->tokens += added;
    u->stamp_ms += added * HUB_QUOTA_HOUR_MS / cap;
}

int64_t hub_quota_take_bytes(const hub_quota_limits_t *lim,
                             hub_quota_usage_t *u, int64_t bytes,
                             int64_t now_ms)
{
    int64_t cap = lim->upload_bytes_hour, missing, wait;

    if (cap <= 0)
        return 0;
    if (bytes < 0)
        bytes = 0;
    /* An upload larger than the whole bucket waits for a full one. */
    if (bytes > cap)
        bytes = cap;
    hub_quota_refill(cap, u, now_ms);
    if (u->tokens >= bytes) {
        u->tokens -= bytes;
        return 0;
    }
    missing = bytes - u->tokens;
    /* Rounded up: after the wait the bytes are there. */
    wait = (missing * HUB_QUOTA_HOUR_MS + cap - 1) / cap;
    return wait < 1 ? 1 : wait;
}

hub_quota_verdict_t hub_quota_check_rows(const hub_quota_limits_t *lim,
                                         const hub_quota_usage_t *u,
                                         int64_t day, int64_t dropped,
                                         int64_t added)
{
    int64_t grow = added - dropped;
    int64_t today = u->day == day ? u->day_grown : 0;

    /* Rewriting held days with no more rows than before never grows the
     * store: always allowed, so a kiosk at its quota can still resend. */
    if (grow <= 0)
        return HUB_QUOTA_OK;
    if (lim->rows_total > 0 && u->held + grow > lim->rows_total)
        return HUB_QUOTA_TOTAL;
    if (lim->rows_day > 0 && today + grow > lim->rows_day)
        return HUB_QUOTA_DAY;
    return HUB_QUOTA_OK;
}

void hub_quota_add_rows(hub_quota_usage_t *u, int64_t day, int64_t dropped,
                        int64_t added)
{
    int64_t grow = added - dropped;

    if (u->day != day) {
        u->day = day;
        u->day_grown = 0;
    }
    /* Shrinking a day gives no credit for growing another one later the
     * same day: the quota bounds what is written, not the net. */
    if (grow > 0)
        u->day_grown += grow;
    if (u->held >= 0) {
        u->held += grow;
        if (u->held < 0)
            u->held = 0;
    }
}

int64_t hub_quota_day_of(int64_t wall_ms)
{
    int64_t s = wall_ms / 1000 + HUB_QUOTA_ZONE_S;

    return s >= 0 ? s / HUB_QUOTA_DAY_S : (s + 1) / HUB_QUOTA_DAY_S - 1;
}

int hub_quota_secs_to_next_day(int64_t wall_ms)
{
    int64_t next = (hub_quota_day_of(wall_ms) + 1) * HUB_QUOTA_DAY_S -
                   HUB_QUOTA_ZONE_S;
    int64_t left = next - wall_ms / 1000;

    return left < 1 ? 1 : (int)left;
}

/* ---- the table ----------------------------------------------------------- */

typedef struct hub_quota_entry {
    struct hub_quota_entry *next;
    char key[HUB_QUOTA_KEY_MAX];
    hub_quota_usage_t u;
} hub_quota_entry_t;

struct hub_quota {
    pthread_mutex_t mutex;
    hub_quota_limits_t lim;
    size_t max_keys, n_keys;
    hub_quota_entry_t *buckets[HUB_QUOTA_BUCKETS];
};

hub_quota_t *hub_quota_new(const hub_quota_limits_t *lim, size_t max_keys)
{
    hub_quota_t *q = calloc(1, sizeof(*q));

    if (!q)
        return NULL;
    if (pthread_mutex_init(&q->mutex, NULL) != 0) {
        free(q);
        return NULL;
    }
    q->lim = *lim;
    q->max_keys = max_keys > 0 ? max_keys : 1;
    return q;
}

void hub_quota_free(hub_quota_t *q)
{
    hub_quota_entry_t *e, *next;
    size_t i;

    if (!q)
        return;
    for (i = 0; i < HUB_QUOTA_BUCKETS; i++) {
        for (e = q->buckets[i]; e; e = next) {
            next = e->next;
            free(e);
        }
    }
    (void)pthread_mutex_destroy(&q->mutex); /* no thread uses it now */
    free(q);
}

const hub_quota_limits_t *hub_quota_get_limits(const hub_quota_t *q)
{
    return &q->lim;
}

static void hub_quota_lock(hub_quota_t *q)
{
    if (pthread_mutex_lock(&q->mutex) != 0)
        abort(); /* only on a programming error */
}

static void hub_quota_unlock(hub_quota_t *q)
{
    if (pthread_mutex_unlock(&q->mutex) != 0)
        abort();
}

/* Kiosks are authenticated before they reach the table, so its keys are
 * enrolled kiosks: none is ever dropped (that would forget a day's
 * growth); max_keys is far above any province's fleet. */
static hub_quota_entry_t *hub_quota_find(hub_quota_t *q, const char *key,
                                         int64_t mono_ms)
{
    uint32_t h = 2166136261u;
    const char *p;
    hub_quota_entry_t *e;
    size_t b;

    for (p = key; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 16777619u;
    }
    b = h % HUB_QUOTA_BUCKETS;
    for (e = q->buckets[b]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    if (q->n_keys >= q->max_keys)
        return NULL;
    e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    snprintf(e->key, sizeof(e->key), "%s", key);
    hub_quota_usage_init(&e->u, mono_ms);
    e->next = q->buckets[b];
    q->buckets[b] = e;
    q->n_keys++;
    return e;
}

int hub_quota_take_upload(hub_quota_t *q, const char *kiosk, int64_t bytes,
                          int64_t mono_ms)
{
    hub_quota_entry_t *e;
    int64_t wait;

    if (q->lim.upload_bytes_hour <= 0)
        return 0;
    hub_quota_lock(q);
    e = hub_quota_find(q, kiosk, mono_ms);
    wait = e ? hub_quota_take_bytes(&q->lim, &e->u, bytes, mono_ms)
             : HUB_QUOTA_TABLE_WAIT_MS;
    hub_quota_unlock(q);
    /* Rounded up to whole seconds: 0 stays 0, any wait is >= 1. */
    return (int)((wait + 999) / 1000);
}

int hub_quota_get_held(hub_quota_t *q, const char *kiosk, int64_t *held)
{
    hub_quota_entry_t *e;
    int known = 0;

    *held = 0;
    hub_quota_lock(q);
    e = hub_quota_find(q, kiosk, 0);
    if (e && e->u.held >= 0) {
        *held = e->u.held;
        known = 1;
    }
    hub_quota_unlock(q);
    return known;
}

void hub_quota_set_held(hub_quota_t *q, const char *kiosk, int64_t held)
{
    hub_quota_entry_t *e;

    hub_quota_lock(q);
    e = hub_quota_find(q, kiosk, 0);
    if (e)
        e->u.held = held;
    hub_quota_unlock(q);
}

hub_quota_verdict_t hub_quota_check_write(hub_quota_t *q, const char *kiosk,
                                          int64_t wall_ms, int64_t dropped,
                                          int64_t added)
{
    hub_quota_entry_t *e;
    hub_quota_verdict_t v = HUB_QUOTA_TABLE;

    hub_quota_lock(q);
    e = hub_quota_find(q, kiosk, 0);
    if (e)
        v = hub_quota_check_rows(&q->lim, &e->u, hub_quota_day_of(wall_ms),
                                 dropped, added);
    hub_quota_unlock(q);
    return v;
}

void hub_quota_add_write(hub_quota_t *q, const char *kiosk, int64_t wall_ms,
                         int64_t dropped, int64_t added)
{
    hub_quota_entry_t *e;

    hub_quota_lock(q);
    e = hub_quota_find(q, kiosk, 0);
    if (e)
        hub_quota_add_rows(&e->u, hub_quota_day_of(wall_ms), dropped, added);
    hub_quota_unlock(q);
}
