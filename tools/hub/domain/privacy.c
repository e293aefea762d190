/*
 * Officer privacy across groupings: counts in, a verdict per group out.
 */
#include "hub/domain/privacy.h"

#include <stdlib.h>
#include <string.h>

#include "hub/base/intern.h"

typedef struct hub_privacy_cell {
    int group, officer;
    int64_t n;
} hub_privacy_cell_t;

struct hub_privacy {
    hub_intern_t *officers;
    hub_privacy_cell_t *cells;
    size_t n_cells, cap_cells;
    /* Open addressing on (group, officer), a cell index or -1 per slot:
     * two integers hash in a few instructions, where interning them as
     * bytes hashed, compared and copied them (130,000 rows a quarter). */
    int *slots;
    size_t n_slots; /* a power of two, more than twice n_cells */
    /* The last officer's id: the rows of one officer come together. */
    char last_officer[64];
    int last_officer_id; /* -1: none */
};

hub_privacy_t *hub_privacy_new(void)
{
    hub_privacy_t *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->last_officer_id = -1;
    p->officers = hub_intern_new();
    if (!p->officers) {
        hub_privacy_free(p);
        return NULL;
    }
    return p;
}

void hub_privacy_free(hub_privacy_t *p)
{
    if (!p)
        return;
    hub_intern_free(p->officers);
    free(p->slots);
    free(p->cells);
    free(p);
}

static int hub_privacy_get_officer_id(hub_privacy_t *p, const char *officer)
{
    size_t len = strlen(officer);

    if (p->last_officer_id >= 0 && strcmp(p->last_officer, officer) == 0)
        return p->last_officer_id;
    p->last_officer_id = -1;
    if (len >= sizeof(p->last_officer))
        return hub_intern_put(p->officers, officer, len);
    memcpy(p->last_officer, officer, len + 1);
    p->last_officer_id = hub_intern_put(p->officers, officer, len);
    return p->last_officer_id;
}

static size_t hub_privacy_get_slot(const hub_privacy_t *p, int group,
                                   int officer)
{
    uint64_t key = (uint64_t)(uint32_t)group << 32 | (uint32_t)officer;
    size_t mask = p->n_slots - 1;
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & mask;
    const hub_privacy_cell_t *c;

    while (p->slots[i] >= 0) {
        c = &p->cells[p->slots[i]];
        if (c->group == group && c->officer == officer)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/* Doubles the slots (or makes the first ones) and puts every cell back. */
static int hub_privacy_grow_slots(hub_privacy_t *p)
{
    size_t next = p->n_slots ? 2 * p->n_slots : 256, i;
    int *slots = malloc(next * sizeof(*slots));

    if (!slots || next > (size_t)INT32_MAX) {
        free(slots);
        return -1;
    }
    for (i = 0; i < next; i++)
        slots[i] = -1;
    free(p->slots);
    p->slots = slots;
    p->n_slots = next;
    for (i = 0; i < p->n_cells; i++)
        p->slots[hub_privacy_get_slot(p, p->cells[i].group,
                                      p->cells[i].officer)] = (int)i;
    return 0;
}

/* Room for one more cell: 0, 1 when the slots grew (every cell moved),
 * -1 out of memory. */
static int hub_privacy_new_cell(hub_privacy_t *p)
{
    hub_privacy_cell_t *more;
    size_t next;
    int grown = 0;

    if ((p->n_cells + 1) * 2 > p->n_slots) {
        if (hub_privacy_grow_slots(p) != 0)
            return -1;
        grown = 1;
    }
    if (p->n_cells == p->cap_cells) {
        next = p->cap_cells ? 2 * p->cap_cells : 64;
        more = realloc(p->cells, next * sizeof(*more));
        if (!more)
            return -1;
        p->cells = more;
        p->cap_cells = next;
    }
    return grown;
}

int hub_privacy_add(hub_privacy_t *p, int group, const char *officer,
                    int64_t complete)
{
    int id, grown;
    size_t slot = 0;

    if (group < 0)
        return -1;
    if (!officer || !officer[0] || complete <= 0)
        return 0;
    id = hub_privacy_get_officer_id(p, officer);
    if (id < 0)
        return -1;
    if (p->n_slots > 0) {
        slot = hub_privacy_get_slot(p, group, id);
        if (p->slots[slot] >= 0) {
            p->cells[p->slots[slot]].n += complete;
            return 0;
        }
    }
    grown = hub_privacy_new_cell(p);
    if (grown < 0)
        return -1;
    /* Growing moved every cell: the free slot is sought again. */
    if (grown)
        slot = hub_privacy_get_slot(p, group, id);
    p->slots[slot] = (int)p->n_cells;
    p->cells[p->n_cells].group = group;
    p->cells[p->n_cells].officer = id;
    p->cells[p->n_cells].n = complete;
    p->n_cells++;
    return 0;
}

/* 1 when a hidden pool of n responses is too small to be shown. */
static int hub_privacy_is_small_pool(int64_t n, int min_group)
{
    return n > 0 && n < (int64_t)min_group;
}

int hub_privacy_judge(const hub_privacy_t *p, int min_group, int n_groups,
                      unsigned char *withheld)
{
    int n_officers = hub_intern_count(p->officers), g;
    int64_t *total, *pool_request, *pool_group;
    const hub_privacy_cell_t *c;
    size_t i;

    if (n_groups <= 0)
        return 0;
    memset(withheld, 0, (size_t)n_groups);
    if (min_group <= 1)
        return 0;
    total = calloc((size_t)n_officers + 1, sizeof(*total));
    pool_request = calloc((size_t)n_groups, sizeof(*pool_request));
    pool_group = calloc((size_t)n_groups, sizeof(*pool_group));
    if (!total || !pool_request || !pool_group) {
        free(total);
        free(pool_request);
        free(pool_group);
        return -1;
    }
    for (i = 0; i < p->n_cells; i++)
        total[p->cells[i].officer] += p->cells[i].n;
    for (i = 0; i < p->n_cells; i++) {
        c = &p->cells[i];
        if (c->group >= n_groups)
            continue;
        if (total[c->officer] < (int64_t)min_group)
            pool_request[c->group] += c->n;
        if (c->n < (int64_t)min_group)
            pool_group[c->group] += c->n;
    }
    for (g = 0; g < n_groups; g++)
        withheld[g] = hub_privacy_is_small_pool(pool_request[g], min_group) ||
                      hub_privacy_is_small_pool(pool_group[g], min_group);
    free(total);
    free(pool_request);
    free(pool_group);
    return 0;
}
