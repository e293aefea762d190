#include "hub/base/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HUB_RATELIMIT_BUCKETS 4096

typedef struct hub_ratelimit_entry {
    struct hub_ratelimit_entry *next;
    char key[HUB_RATELIMIT_KEY_MAX];
    int head;          /* index of the oldest stamp */
    int count;         /* stamps held, <= limit */
    int64_t stamps[];  /* ring of accepted request times */
} hub_ratelimit_entry_t;

struct hub_ratelimit {
    pthread_mutex_t mutex;
    int limit;
    int64_t window_ms;
    size_t max_keys, n_keys;
    hub_ratelimit_entry_t *buckets[HUB_RATELIMIT_BUCKETS];
};

hub_ratelimit_t *hub_ratelimit_new(int limit, int64_t window_ms,
                                   size_t max_keys)
{
    hub_ratelimit_t *rl = calloc(1, sizeof(*rl));

    if (!rl)
        return NULL;
    if (pthread_mutex_init(&rl->mutex, NULL) != 0) {
        free(rl);
        return NULL;
    }
    rl->limit = limit > 0 ? limit : 0;
    rl->window_ms = window_ms > 0 ? window_ms : 1;
    rl->max_keys = max_keys > 0 ? max_keys : 1;
    return rl;
}

void hub_ratelimit_free(hub_ratelimit_t *rl)
{
    hub_ratelimit_entry_t *e, *next;
    size_t i;

    if (!rl)
        return;
    for (i = 0; i < HUB_RATELIMIT_BUCKETS; i++) {
        for (e = rl->buckets[i]; e; e = next) {
            next = e->next;
            free(e);
        }
    }
    (void)pthread_mutex_destroy(&rl->mutex); /* no thread uses it now */
    free(rl);
}

static size_t hub_ratelimit_bucket(const char *key)
{
    uint32_t h = 2166136261u;

    for (; *key; key++) {
        h ^= (unsigned char)*key;
        h *= 16777619u;
    }
    return h % HUB_RATELIMIT_BUCKETS;
}

static int64_t hub_ratelimit_newest(const hub_ratelimit_t *rl,
                                    const hub_ratelimit_entry_t *e)
{
    return e->stamps[(e->head + e->count - 1) % rl->limit];
}

/* Drops every key with no request inside the window: they would allow
 * their next request anyway, so forgetting them changes no answer. */
static void hub_ratelimit_sweep(hub_ratelimit_t *rl, int64_t now_ms)
{
    hub_ratelimit_entry_t **pp, *e;
    size_t i;

    for (i = 0; i < HUB_RATELIMIT_BUCKETS; i++) {
        pp = &rl->buckets[i];
        while ((e = *pp) != NULL) {
            if (now_ms - hub_ratelimit_newest(rl, e) >= rl->window_ms) {
                *pp = e->next;
                free(e);
                rl->n_keys--;
            } else {
                pp = &e->next;
            }
        }
    }
}

static hub_ratelimit_entry_t *hub_ratelimit_find(hub_ratelimit_t *rl,
                                                 const char *key,
                                                 int64_t now_ms, int *full)
{
    size_t b = hub_ratelimit_bucket(key);
    hub_ratelimit_entry_t *e;

    *full = 0;
    for (e = rl->buckets[b]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    if (rl->n_keys >= rl->max_keys)
        hub_ratelimit_sweep(rl, now_ms);
    if (rl->n_keys >= rl->max_keys) {
        *full = 1;
        return NULL;
    }
    e = calloc(1, sizeof(*e) + (size_t)rl->limit * sizeof(e->stamps[0]));
    if (!e) {
        *full = 1;
        return NULL;
    }
    snprintf(e->key, sizeof(e->key), "%s", key);
    e->next = rl->buckets[b];
    rl->buckets[b] = e;
    rl->n_keys++;
    return e;
}

static int hub_ratelimit_wait_s(int64_t ms)
{
    int64_t s = (ms + 999) / 1000;

    return s < 1 ? 1 : (int)s;
}

int hub_ratelimit_take(hub_ratelimit_t *rl, const char *key, int64_t now_ms)
{
    hub_ratelimit_entry_t *e;
    int64_t oldest;
    int full, wait = 0;

    if (rl->limit == 0)
        return 0;
    if (pthread_mutex_lock(&rl->mutex) != 0)
        abort(); /* only on a programming error */
    e = hub_ratelimit_find(rl, key, now_ms, &full);
    if (!e) {
        wait = hub_ratelimit_wait_s(rl->window_ms);
    } else if (e->count < rl->limit) {
        e->stamps[(e->head + e->count) % rl->limit] = now_ms;
        e->count++;
    } else {
        oldest = e->stamps[e->head];
        if (now_ms - oldest < rl->window_ms) {
            wait = hub_ratelimit_wait_s(oldest + rl->window_ms - now_ms);
        } else {
            e->stamps[e->head] = now_ms;
            e->head = (e->head + 1) % rl->limit;
        }
    }
    if (pthread_mutex_unlock(&rl->mutex) != 0)
        abort();
    return wait;
}

int hub_ratelimit_peek(hub_ratelimit_t *rl, const char *key, int64_t now_ms)
{
    hub_ratelimit_entry_t *e;
    int64_t oldest;
    int wait = 0;

    if (rl->limit == 0)
        return 0;
    if (pthread_mutex_lock(&rl->mutex) != 0)
        abort(); /* only on a programming error */
    for (e = rl->buckets[hub_ratelimit_bucket(key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            break;
    if (e && e->count == rl->limit) {
        oldest = e->stamps[e->head];
        if (now_ms - oldest < rl->window_ms)
            wait = hub_ratelimit_wait_s(oldest + rl->window_ms - now_ms);
    }
    if (pthread_mutex_unlock(&rl->mutex) != 0)
        abort();
    return wait;
}
