/*
 * Row identity: FNV-1a over the key's fields, each text closed by a byte
 * UTF-8 never holds.
 */
#include "hub/store/rowkey.h"

#include <stdlib.h>
#include <string.h>

#define HUB_ROWKEY_PRIME UINT64_C(1099511628211)

uint64_t hub_rowkey_text(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= HUB_ROWKEY_PRIME;
    }
    /* 0xFF never occurs in UTF-8, so it separates fields unambiguously. */
    h ^= 0xFF;
    return h * HUB_ROWKEY_PRIME;
}

uint64_t hub_rowkey_int(uint64_t h, int64_t v)
{
    int i;

    for (i = 0; i < 8; i++) {
        h ^= (uint64_t)v >> (8 * i) & 0xFF;
        h *= HUB_ROWKEY_PRIME;
    }
    return h;
}

uint64_t hub_rowkey_dims(uint64_t h, const hub_dims_t *d)
{
    h = hub_rowkey_text(h, d->unit);
    h = hub_rowkey_text(h, d->counter);
    h = hub_rowkey_text(h, d->officer);
    h = hub_rowkey_text(h, d->field);
    h = hub_rowkey_text(h, d->instrument);
    return hub_rowkey_int(h, d->version);
}

uint64_t hub_rowkey_ans(uint64_t h, const hub_ans_row_t *r)
{
    h = hub_rowkey_dims(h, &r->d);
    h = hub_rowkey_int(h, r->partial);
    h = hub_rowkey_text(h, r->question);
    h = hub_rowkey_text(h, r->element);
    return hub_rowkey_text(h, r->answer);
}

uint64_t hub_rowkey_el(uint64_t h, const hub_elem_row_t *r)
{
    h = hub_rowkey_dims(h, &r->d);
    h = hub_rowkey_int(h, r->partial);
    return hub_rowkey_text(h, r->element);
}

int hub_rowkey_same_dims(const hub_dims_t *a, const hub_dims_t *b)
{
    return strcmp(a->unit, b->unit) == 0 &&
           strcmp(a->counter, b->counter) == 0 &&
           strcmp(a->officer, b->officer) == 0 &&
           strcmp(a->field, b->field) == 0 &&
           strcmp(a->instrument, b->instrument) == 0 &&
           a->version == b->version;
}

int hub_rowkey_same_ans(const hub_ans_row_t *a, const hub_ans_row_t *b)
{
    return hub_rowkey_same_dims(&a->d, &b->d) && a->partial == b->partial &&
           strcmp(a->question, b->question) == 0 &&
           strcmp(a->element, b->element) == 0 &&
           strcmp(a->answer, b->answer) == 0;
}

int hub_rowkey_same_el(const hub_elem_row_t *a, const hub_elem_row_t *b)
{
    return hub_rowkey_same_dims(&a->d, &b->d) && a->partial == b->partial &&
           strcmp(a->element, b->element) == 0;
}

int hub_rowkey_index_alloc(hub_rowkey_index_t *idx, size_t n)
{
    idx->n = n;
    idx->e = calloc(n + 1, sizeof(*idx->e));
    return idx->e ? 0 : -1;
}

static int hub_rowkey_cmp(const void *pa, const void *pb)
{
    const hub_rowkey_entry_t *a = pa, *b = pb;

    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

void hub_rowkey_index_sort(hub_rowkey_index_t *idx)
{
    qsort(idx->e, idx->n, sizeof(*idx->e), hub_rowkey_cmp);
}

void hub_rowkey_index_free(hub_rowkey_index_t *idx)
{
    free(idx->e);
    idx->e = NULL;
    idx->n = 0;
}

size_t hub_rowkey_index_first(const hub_rowkey_index_t *idx, uint64_t hash)
{
    size_t lo = 0, hi = idx->n, mid;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (idx->e[mid].hash < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->n && idx->e[lo].hash == hash ? lo : idx->n;
}
