#include "hub/base/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HUB_INTERN_SLOTS_MIN 64

typedef struct hub_intern_key {
    size_t off, len;
    uint64_t hash;
} hub_intern_key_t;

struct hub_intern {
    int *slots;     /* key id, or -1 for an empty slot */
    size_t n_slots; /* a power of two, at least twice the keys */
    hub_intern_key_t *keys;
    int n_keys, cap_keys;
    char *pool;
    size_t pool_used, pool_cap;
};

/* Eight bytes a step, then murmur3's finaliser: statistics intern about
 * a million short keys a query, and hashing byte by byte was nearly half
 * of what interning cost. The low bits pick the slot, so every input bit
 * must reach them. */
static uint64_t hub_intern_get_hash(const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)len, w;

    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * UINT64_C(0xFF51AFD7ED558CCD);
        h ^= h >> 29;
    }
    if (len) {
        w = 0;
        memcpy(&w, p, len);
        h = (h ^ w) * UINT64_C(0xFF51AFD7ED558CCD);
    }
    h ^= h >> 33;
    h *= UINT64_C(0xFF51AFD7ED558CCD);
    h ^= h >> 33;
    h *= UINT64_C(0xC4CEB9FE1A85EC53);
    h ^= h >> 33;
    return h;
}

hub_intern_t *hub_intern_new(void)
{
    hub_intern_t *t = calloc(1, sizeof(*t));
    size_t i;

    if (!t)
        return NULL;
    t->n_slots = HUB_INTERN_SLOTS_MIN;
    t->slots = malloc(t->n_slots * sizeof(int));
    if (!t->slots) {
        free(t);
        return NULL;
    }
    for (i = 0; i < t->n_slots; i++)
        t->slots[i] = -1;
    return t;
}

void hub_intern_free(hub_intern_t *t)
{
    if (!t)
        return;
    free(t->slots);
    free(t->keys);
    free(t->pool);
    free(t);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t hub_intern_find_slot(const hub_intern_t *t, const void *key,
                                   size_t len, uint64_t hash)
{
    size_t mask = t->n_slots - 1, i = (size_t)hash & mask;
    const hub_intern_key_t *k;

    while (t->slots[i] >= 0) {
        k = &t->keys[t->slots[i]];
        if (k->hash == hash && k->len == len &&
            memcmp(t->pool + k->off, key, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int hub_intern_rehash(hub_intern_t *t)
{
    size_t n = t->n_slots * 2, i, mask = n - 1, j;
    int *slots = malloc(n * sizeof(int)), id;

    if (!slots)
        return -1;
    for (i = 0; i < n; i++)
        slots[i] = -1;
    for (id = 0; id < t->n_keys; id++) {
        j = (size_t)t->keys[id].hash & mask;
        while (slots[j] >= 0)
            j = (j + 1) & mask;
        slots[j] = id;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return 0;
}

static int hub_intern_reserve(hub_intern_t *t, size_t len)
{
    size_t need = t->pool_used + len + 1, cap;
    hub_intern_key_t *keys;
    char *pool;
    int n;

    if (need > HUB_INTERN_POOL_MAX || t->n_keys >= HUB_INTERN_KEYS_MAX)
        return -1;
    if (need > t->pool_cap) {
        cap = t->pool_cap ? t->pool_cap : 4096;
        while (cap < need)
            cap *= 2;
        pool = realloc(t->pool, cap);
        if (!pool)
            return -1;
        t->pool = pool;
        t->pool_cap = cap;
    }
    if (t->n_keys == t->cap_keys) {
        n = t->cap_keys ? 2 * t->cap_keys : 64;
        keys = realloc(t->keys, (size_t)n * sizeof(*keys));
        if (!keys)
            return -1;
        t->keys = keys;
        t->cap_keys = n;
    }
    return 0;
}

int hub_intern_put(hub_intern_t *t, const void *key, size_t len)
{
    uint64_t hash = hub_intern_get_hash(key, len);
    size_t slot = hub_intern_find_slot(t, key, len, hash);
    hub_intern_key_t *k;

    if (t->slots[slot] >= 0)
        return t->slots[slot];
    if (hub_intern_reserve(t, len) != 0)
        return -1;
    k = &t->keys[t->n_keys];
    k->off = t->pool_used;
    k->len = len;
    k->hash = hash;
    memcpy(t->pool + k->off, key, len);
    t->pool[k->off + len] = '\0';
    t->pool_used += len + 1;
    t->slots[slot] = t->n_keys++;
    if ((size_t)t->n_keys * 2 > t->n_slots && hub_intern_rehash(t) != 0) {
        /* The key is in; only the table stays fuller than planned. It
         * still has empty slots, so lookups end. */
        if ((size_t)t->n_keys >= t->n_slots - 1) {
            t->n_keys--;
            t->slots[slot] = -1;
            return -1;
        }
    }
    return t->n_keys - 1;
}

int hub_intern_find(const hub_intern_t *t, const void *key, size_t len)
{
    size_t slot =
        hub_intern_find_slot(t, key, len, hub_intern_get_hash(key, len));

    return t->slots[slot];
}

const char *hub_intern_get(const hub_intern_t *t, int id, size_t *len)
{
    if (id < 0 || id >= t->n_keys)
        return NULL;
    if (len)
        *len = t->keys[id].len;
    return t->pool + t->keys[id].off;
}

int hub_intern_count(const hub_intern_t *t)
{
    return t->n_keys;
}
