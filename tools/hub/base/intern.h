/*
 * intern.h - byte strings to small dense numbers (0, 1, 2, ...), for
 * adding up counts by several text dimensions without comparing text over
 * and over: a key seen before gets its number back in one hash lookup.
 *
 * Ownership: hub_intern_new() returns a table freed with
 * hub_intern_free(); it copies every key. A pointer from hub_intern_get()
 * stays valid until the next hub_intern_put().
 * Threads: a table is used by one thread at a time.
 */
#ifndef SIPAS_HUB_INTERN_H
#define SIPAS_HUB_INTERN_H

#include <stddef.h>

#define HUB_INTERN_KEYS_MAX (1 << 26)
#define HUB_INTERN_POOL_MAX ((size_t)1 << 30)

typedef struct hub_intern hub_intern_t;

hub_intern_t *hub_intern_new(void);
void hub_intern_free(hub_intern_t *t);

/* The number of key (len bytes), given a new one when first seen; -1 when
 * out of memory or over the limits above. */
int hub_intern_put(hub_intern_t *t, const void *key, size_t len);
/* The number of key, or -1 when it was never put. */
int hub_intern_find(const hub_intern_t *t, const void *key, size_t len);
/* The key of id, NUL-terminated (len in *len unless NULL); NULL for an id
 * out of range. */
const char *hub_intern_get(const hub_intern_t *t, int id, size_t *len);
/* Keys put so far (ids are 0 .. count - 1). */
int hub_intern_count(const hub_intern_t *t);

#endif
