#include "dayclock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vntime.h"

#define DAYCLOCK_DAY_MS (INT64_C(86400000))
/* The hub refuses dates before this (and after two days past its today). */
#define DAYCLOCK_EARLIEST_DAY "2000-01-01"
#define DAYCLOCK_ERR_MAX 512

int dayclock_boot_anchorable(const char *boot_id)
{
    return boot_id && strlen(boot_id) >= 16 &&
           strcmp(boot_id, "unknown") != 0;
}

int dayclock_resolve(syncdb_t *db, store_t *store, const char *boot_id,
                     const char *own_boot, int64_t freeze_at_ms, int *known,
                     int64_t *anchor)
{
    int64_t v = 0, wall, boot;
    int found = 0, k = 0, rc;

    *known = 0;
    *anchor = 0;
    if (!dayclock_boot_anchorable(boot_id))
        return 0;
    if (db && syncdb_find_anchor(db, boot_id, &found, &k, &v) != SYNCDB_OK)
        return -1;
    if (!found) {
        rc = store_find_synced_reading(store, boot_id, &wall, &boot);
        if (rc < 0)
            return -1;
        k = rc == 1;
        v = k ? agg_get_anchor(wall, boot) : 0;
        /* This boot may still learn the hub's time: "none" is recorded
         * only for a boot that is over. */
        if (freeze_at_ms >= 0 && db &&
            (k || !own_boot || strcmp(boot_id, own_boot) != 0) &&
            syncdb_add_anchor(db, boot_id, k, v,
                              k ? "synchronised response" : "none",
                              freeze_at_ms) != SYNCDB_OK)
            return -1;
    }
    *known = k;
    *anchor = k ? v : 0;
    return 0;
}

int dayclock_own_anchor(syncdb_t *db, const char *boot_id, int *have,
                        int64_t *anchor)
{
    int found = 0, known = 0;
    int64_t v = 0;

    *have = 0;
    *anchor = 0;
    if (!db || !dayclock_boot_anchorable(boot_id))
        return 0;
    if (syncdb_find_anchor(db, boot_id, &found, &known, &v) != SYNCDB_OK)
        return -1;
    *have = found && known;
    *anchor = *have ? v : 0;
    return 0;
}

int64_t dayclock_now(const pclock_t *clock, int have_anchor, int64_t anchor)
{
    return have_anchor ? (int64_t)pclock_boot_ms(clock) + anchor
                       : pclock_wall_ms(clock);
}

void dayclock_limits(int64_t now_ms, agg_limits_t *lim)
{
    memset(lim, 0, sizeof(*lim));
    lim->min_ms = vntime_parse_date(DAYCLOCK_EARLIEST_DAY);
    lim->max_ms = vntime_get_day_start(now_ms) + 2 * DAYCLOCK_DAY_MS - 1;
    lim->fallback_ms = now_ms;
}

/* ---- readers ------------------------------------------------------------ */

typedef struct dayclock_boot {
    char id[AGG_BOOT_ID_MAX];
    int known;
    int64_t anchor;
} dayclock_boot_t;

struct dayclock {
    syncdb_t *db;
    store_t *store;
    char own_boot[PCLOCK_BOOT_ID_MAX];
    agg_t *agg;                 /* holds the window, never a response */
    dayclock_boot_t *boots;
    int n_boots, cap_boots, last;
    dayclock_boot_t odd;        /* a boot id too long to keep: no anchor */
    char err[DAYCLOCK_ERR_MAX];
};

int dayclock_open(dayclock_t **out, syncdb_t *db, store_t *store,
                  const pclock_t *clock)
{
    dayclock_t *dc;
    agg_limits_t lim;
    int64_t anchor;
    int have;

    *out = NULL;
    dc = calloc(1, sizeof(*dc));
    if (!dc)
        return -1;
    dc->db = db;
    dc->store = store;
    dc->last = -1;
    snprintf(dc->own_boot, sizeof(dc->own_boot), "%s", clock->boot_id);
    if (dayclock_own_anchor(db, clock->boot_id, &have, &anchor) != 0) {
        dayclock_free(dc);
        return -1;
    }
    dayclock_limits(dayclock_now(clock, have, anchor), &lim);
    if (agg_create(&dc->agg, &lim) != AGG_OK) {
        dayclock_free(dc);
        return -1;
    }
    *out = dc;
    return 0;
}

void dayclock_free(dayclock_t *dc)
{
    if (!dc)
        return;
    agg_free(dc->agg);
    free(dc->boots);
    free(dc);
}

const char *dayclock_last_error(const dayclock_t *dc)
{
    return dc ? dc->err : "out of memory";
}

/* The remembered boot of id, resolved on first sight. */
static const dayclock_boot_t *dayclock_find_boot(dayclock_t *dc,
                                                 const char *id)
{
    dayclock_boot_t *b, *grown;
    int i, cap;

    if (strlen(id) >= sizeof(dc->odd.id)) {
        memset(&dc->odd, 0, sizeof(dc->odd));
        return &dc->odd;
    }
    /* Responses come by seq, so a boot's come together. */
    if (dc->last >= 0 && strcmp(dc->boots[dc->last].id, id) == 0)
        return &dc->boots[dc->last];
    for (i = 0; i < dc->n_boots; i++)
        if (strcmp(dc->boots[i].id, id) == 0)
            return &dc->boots[dc->last = i];
    if (dc->n_boots == DAYCLOCK_BOOTS_MAX) {
        snprintf(dc->err, sizeof(dc->err), "more than %d boots",
                 DAYCLOCK_BOOTS_MAX);
        return NULL;
    }
    if (dc->n_boots == dc->cap_boots) {
        cap = dc->cap_boots ? dc->cap_boots * 2 : 64;
        grown = realloc(dc->boots, (size_t)cap * sizeof(*grown));
        if (!grown) {
            snprintf(dc->err, sizeof(dc->err), "out of memory");
            return NULL;
        }
        dc->boots = grown;
        dc->cap_boots = cap;
    }
    b = &dc->boots[dc->n_boots];
    memset(b, 0, sizeof(*b));
    memcpy(b->id, id, strlen(id) + 1);
    if (dayclock_resolve(dc->db, dc->store, id, dc->own_boot, -1, &b->known,
                         &b->anchor) != 0) {
        snprintf(dc->err, sizeof(dc->err), "clock anchor of boot %s: %s / %s",
                 id, dc->db ? syncdb_last_error(dc->db) : "",
                 store_last_error(dc->store));
        return NULL;
    }
    dc->last = dc->n_boots++;
    return b;
}

int dayclock_place(dayclock_t *dc, const agg_response_t *r,
                   char day[AGG_DAY_TEXT], int64_t *corrected_ms,
                   int *estimated)
{
    const dayclock_boot_t *b = dayclock_find_boot(dc, r->boot_id ? r->boot_id
                                                                 : "");
    agg_anchor_t one;
    int n = 0, est;

    if (!b)
        return -1;
    if (b->known) {
        memcpy(one.boot_id, b->id, sizeof(one.boot_id));
        one.wall_minus_boot_ms = b->anchor;
        n = 1;
    }
    *corrected_ms = agg_correct_time(r, &one, n, &est);
    agg_get_response_day(dc->agg, r, &one, n, day, estimated);
    return 0;
}
