/*
 * rowkey.h - the identity of a day row (the key its counts are kept by),
 * as a hash and an equality, and a sorted index to find a row by it.
 *
 * One definition serves both the check that an upload names each key once
 * a day (ingest_parse.c) and the writer that changes only the rows of a
 * day that differ from those held (store/dayrows.c): the two must agree
 * on what "the same row" is.
 * Ownership: an index owns its array (hub_rowkey_index_free); rows are the
 * caller's.
 */
#ifndef SIPAS_HUB_ROWKEY_H
#define SIPAS_HUB_ROWKEY_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/snapshots.h"

#define HUB_ROWKEY_SEED UINT64_C(14695981039346656037)

uint64_t hub_rowkey_text(uint64_t h, const char *s);
uint64_t hub_rowkey_int(uint64_t h, int64_t v);
uint64_t hub_rowkey_dims(uint64_t h, const hub_dims_t *d);
/* A response row's key is its dimensions. */
uint64_t hub_rowkey_ans(uint64_t h, const hub_ans_row_t *r);
uint64_t hub_rowkey_el(uint64_t h, const hub_elem_row_t *r);

int hub_rowkey_same_dims(const hub_dims_t *a, const hub_dims_t *b);
int hub_rowkey_same_ans(const hub_ans_row_t *a, const hub_ans_row_t *b);
int hub_rowkey_same_el(const hub_elem_row_t *a, const hub_elem_row_t *b);

typedef struct hub_rowkey_entry {
    uint64_t hash;
    size_t row;
} hub_rowkey_entry_t;

/* Rows by hash, sorted (equal hashes by row). */
typedef struct hub_rowkey_index {
    hub_rowkey_entry_t *e;
    size_t n;
} hub_rowkey_index_t;

/* Sorts n entries the caller filled in idx->e (allocated with
 * hub_rowkey_index_alloc). */
int hub_rowkey_index_alloc(hub_rowkey_index_t *idx, size_t n);
void hub_rowkey_index_sort(hub_rowkey_index_t *idx);
void hub_rowkey_index_free(hub_rowkey_index_t *idx);
/* The position of the first entry with hash, or idx->n when none: the
 * caller walks on while the hash stays the same, checking equality. */
size_t hub_rowkey_index_first(const hub_rowkey_index_t *idx, uint64_t hash);

#endif
