/*
 * pgarray.h - a PostgreSQL array literal ('{"a","b",NULL}', '{1,-2}')
 * built in C, bound as one text parameter and opened on the server with
 * CAST(? AS TEXT[]) or CAST(? AS BIGINT[]) and unnest(): how the store
 * writes many rows in one statement, one round trip, on PostgreSQL
 * (dayrows.c, statsums.c).
 *
 * Every element is quoted text or a number, so no value can end the
 * literal early: '"' and '\' are escaped with '\'. A literal is capped at
 * HUB_PGARRAY_MAX bytes; an add past it, or out of memory, fails and the
 * array stays failed until reset, so a run of adds needs one check.
 * Ownership: the array owns its buffer (hub_pgarray_free);
 * hub_pgarray_text() is valid until the next add, reset or free.
 */
#ifndef SIPAS_HUB_PGARRAY_H
#define SIPAS_HUB_PGARRAY_H

#include <stddef.h>
#include <stdint.h>

/* An upload holds at most 20,000 rows of a few hundred bytes a field. */
#define HUB_PGARRAY_MAX (16u * 1024u * 1024u)

typedef struct hub_pgarray {
    char *buf;
    size_t len, cap; /* len: the literal without its closing brace */
    size_t n;        /* elements */
    int failed;
} hub_pgarray_t;

void hub_pgarray_init(hub_pgarray_t *a);
void hub_pgarray_free(hub_pgarray_t *a);
/* Empties the array, keeping its buffer, and clears a failure. */
void hub_pgarray_reset(hub_pgarray_t *a);
/* NULL adds an SQL NULL. 0 or -1 (the array now failed). */
int hub_pgarray_add_text(hub_pgarray_t *a, const char *s);
int hub_pgarray_add_int64(hub_pgarray_t *a, int64_t v);
/* The literal, closed; NULL when an add failed. */
const char *hub_pgarray_text(hub_pgarray_t *a);

#endif
