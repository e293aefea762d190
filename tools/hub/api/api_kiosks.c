/*
 * GET /api/v1/kiosks and GET /api/v1/completeness: kiosk health and
 * reporting completeness for analysts, within the token's scope.
 */
#include "hub/api/api_kiosks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/api/auth.h"
#include "hub/base/log.h"
#include "hub/base/valid.h"
#include "hub/domain/periods.h"
#include "hub/store/fleet.h"
#include "hub/store/units.h"

#define HUB_KIOSKS_LIST_MAX 20000  /* kiosks in one answer */
#define HUB_KIOSKS_UNITS_MAX 20000 /* units in one completeness answer */
#define HUB_KIOSKS_SCAN_DAYS 16 /* more than enough weekdays for any cap */

/* ---- parameters and scope --------------------------------------------- */

/* Refuses unknown, repeated and empty parameters; allowed ends in NULL. */
static int hub_kiosks_check_params(const hub_request_t *req,
                                   const char *const *allowed,
                                   const char *list, hub_reply_t *r)
{
    size_t i, j, k;

    if (req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request", "too many parameters");
    for (i = 0; i < req->n_query; i++) {
        for (k = 0; allowed[k]; k++)
            if (strcmp(allowed[k], req->query[i].key) == 0)
                break;
        if (!allowed[k])
            return hub_reply_fail(r, 400, "bad-request",
                                  "unknown parameter; use %s", list);
        for (j = 0; j < i; j++)
            if (strcmp(req->query[j].key, req->query[i].key) == 0)
                return hub_reply_fail(r, 400, "bad-request",
                                      "%s is given twice", req->query[i].key);
        if (!req->query[i].value || !req->query[i].value[0])
            return hub_reply_fail(r, 400, "bad-request", "%s has no value",
                                  req->query[i].key);
    }
    return 0;
}

/* The token's scope narrowed by ?unit=: *unit is NULL for the whole
 * province. A unit token never learns whether a unit outside its subtree
 * exists. HUB_OK, HUB_NOT_FOUND, HUB_DENIED or a database error. Holds
 * the lock. */
static int hub_kiosks_apply_scope(hub_db_t *db, const hub_token_t *tok,
                                  const char **unit, char *name, size_t cap)
{
    int rc, inside;

    name[0] = '\0';
    if (tok->scope_unit[0]) {
        if (!*unit)
            *unit = tok->scope_unit;
        rc = hub_units_contains(db, tok->scope_unit, *unit, &inside);
        if (rc != HUB_OK)
            return rc;
        if (!inside)
            return HUB_DENIED;
    }
    if (*unit)
        return hub_units_get_name(db, *unit, name, cap);
    return HUB_OK;
}

/* Authenticates, checks the parameters and finds the scope: the unit
 * code in scope ("" for the whole province) and its name in name. 0 or
 * the status put in r. */
static int hub_kiosks_begin(hub_ctx_t *ctx, const hub_request_t *req,
                            const char *const *allowed, const char *list,
                            char scope[HUB_CODE_MAX + 1], char *name,
                            size_t cap, hub_reply_t *r)
{
    hub_token_t tok;
    const char *unit;
    int rc;

    scope[0] = '\0';
    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0 ||
        hub_kiosks_check_params(req, allowed, list, r) != 0)
        return r->status;
    unit = hub_api_get_param(req, "unit");
    if (unit && !hub_valid_code(unit))
        return hub_reply_fail(r, 400, "bad-request",
                              "unit must be a unit code");
    hub_db_lock(ctx->db);
    rc = hub_kiosks_apply_scope(ctx->db, &tok, &unit, name, cap);
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_DENIED)
        hub_log_say("scope: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc != HUB_OK)
        return hub_reply_fail_scope(r, rc);
    if (unit)
        snprintf(scope, HUB_CODE_MAX + 1, "%s", unit);
    return 0;
}

/* ---- opening hours ------------------------------------------------------ */

int64_t hub_kiosks_get_open_ms(int64_t from_ms, int64_t to_ms,
                               int64_t cap_ms)
{
    int64_t day, open, close, lo, hi, total = 0;
    vntime_civil_t c;
    int i;

    if (to_ms <= from_ms)
        return 0;
    day = vntime_get_day_start(from_ms);
    for (i = 0; day < to_ms && total <= cap_ms; i++, day += VNTIME_DAY_MS) {
        if (i >= HUB_KIOSKS_SCAN_DAYS)
            return cap_ms + 1; /* two weeks hold far more than any cap */
        vntime_split_ms(day, &c);
        if (c.weekday == 0 || c.weekday == 6)
            continue;
        open = day + HUB_KIOSKS_OPEN_FROM_MIN * INT64_C(60000);
        close = day + HUB_KIOSKS_OPEN_TO_MIN * INT64_C(60000);
        lo = from_ms > open ? from_ms : open;
        hi = to_ms < close ? to_ms : close;
        if (hi > lo)
            total += hi - lo;
    }
    return total;
}

static int hub_kiosks_is_open(int64_t now_ms)
{
    int64_t day = vntime_get_day_start(now_ms);
    int64_t minute = (now_ms - day) / 60000;
    vntime_civil_t c;

    vntime_split_ms(day, &c);
    return c.weekday >= 1 && c.weekday <= 5 &&
           minute >= HUB_KIOSKS_OPEN_FROM_MIN &&
           minute < HUB_KIOSKS_OPEN_TO_MIN;
}

/* ---- GET /api/v1/kiosks ------------------------------------------------- */

static const char *const hub_kiosks_list_params[] = {"unit", NULL};

/* What the heartbeat said, copied key by key: only keys the hub checked
 * on the way in are in it, and each goes out under a documented name. */
static int hub_kiosks_add_heartbeat(json_t *k, const char *text)
{
    static const char *const keys[][2] = {
        {"pending", "backlog"},
        {"clock_synced", "clock_synced"},
        {"clock_offset_ms", "clock_offset_ms"},
        {"free_bytes", "free_bytes"},
        {"integrity", "integrity"},
        {"last_response_at", "last_response_at"},
        {"acked_seq", "acked_seq"},
        {"uptime_s", "uptime_s"},
        {"sent_at", "sent_at"},
    };
    json_t *hb = NULL, *v;
    size_t i;
    int bad = 0;

    if (text[0])
        hb = json_loads(text, 0, NULL);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        v = hb ? json_object_get(hb, keys[i][0]) : NULL;
        bad |= json_object_set_new(k, keys[i][1],
                                   v ? json_incref(v) : json_null());
    }
    json_decref(hb);
    return bad ? -1 : 0;
}

/* The latest installation record as stored (only checked keys are in
 * it), with the time it arrived; null when the kiosk never sent one. */
static json_t *hub_kiosks_make_installation(const char *text, int64_t at)
{
    json_t *rec = text[0] ? json_loads(text, 0, NULL) : NULL;

    if (!rec)
        return json_null();
    /* The body names the kiosk already listed; the rest goes as sent. */
    (void)json_object_del(rec, "install_id");
    (void)json_object_del(rec, "format");
    if (json_object_set_new(rec, "received_at", json_integer(at)) != 0) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

static json_t *hub_kiosks_make_kiosk(const hub_fleet_kiosk_t *row,
                                     int64_t now_ms, int open_now)
{
    int64_t enrolled = row->enrolled_at;
    int64_t seen = row->last_seen_at;
    int64_t revoked = row->revoked_at;
    int64_t hb_at = row->heartbeat_at;
    int64_t quiet_open = 0;
    int silent = 0;
    json_t *k;

    if (!revoked) {
        quiet_open = hub_kiosks_get_open_ms(seen ? seen : enrolled, now_ms,
                                            HUB_KIOSKS_SILENT_MS * 12);
        silent = quiet_open > HUB_KIOSKS_SILENT_MS;
    }
    k = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:b, s:o, s:o, s:o, s:b, s:I,"
        " s:b}",
        "install_id", row->install_id, "unit", row->unit, "unit_name",
        row->unit_name, "counter", row->counter, "version", row->version,
        "enrolled_at", (json_int_t)enrolled, "last_seen_at",
        seen ? json_integer(seen) : json_null(), "revoked", revoked != 0,
        "revoked_at", revoked ? json_integer(revoked) : json_null(),
        "heartbeat_at", hb_at ? json_integer(hb_at) : json_null(),
        "last_day", row->last_day ? json_string(row->last_day) : json_null(),
        "silent", silent, "quiet_open_min",
        (json_int_t)(quiet_open / 60000), "open_now", open_now);
    if (k && (hub_kiosks_add_heartbeat(k, row->heartbeat) != 0 ||
              json_object_set_new(k, "installation",
                                  hub_kiosks_make_installation(
                                      row->installation,
                                      row->installation_at)) != 0)) {
        json_decref(k);
        return NULL;
    }
    return k;
}

typedef struct hub_kiosks_list {
    json_t *list;
    int64_t now_ms;
    int open_now;
    int truncated;
} hub_kiosks_list_t;

/* 1 stops the reading at the cap (not an error), -1 on failure. */
static int hub_kiosks_add_kiosk(void *ctx, const hub_fleet_kiosk_t *row)
{
    hub_kiosks_list_t *l = ctx;
    json_t *k;

    if (json_array_size(l->list) >= HUB_KIOSKS_LIST_MAX) {
        l->truncated = 1;
        return 1;
    }
    k = hub_kiosks_make_kiosk(row, l->now_ms, l->open_now);
    if (!k || json_array_append_new(l->list, k) != 0)
        return HUB_ERROR;
    return 0;
}

static int hub_kiosks_collect(hub_db_t *db, const char *unit,
                              int64_t now_ms, json_t *list, int *truncated)
{
    hub_kiosks_list_t l = {list, now_ms, hub_kiosks_is_open(now_ms), 0};
    int rc = hub_fleet_each_kiosk(db, unit, hub_kiosks_add_kiosk, &l);

    *truncated = l.truncated;
    return rc == 1 ? HUB_OK : rc;
}

static json_t *hub_kiosks_make_scope(const char *unit, const char *name)
{
    return json_pack("{s:o, s:o}", "unit",
                     unit ? json_string(unit) : json_null(), "name",
                     unit ? json_string(name) : json_null());
}

int hub_api_kiosks(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    char name[HUB_NAME_MAX + 1], scope[HUB_CODE_MAX + 1];
    const char *unit;
    json_t *list, *out;
    int rc, truncated = 0;

    if (hub_kiosks_begin(ctx, req, hub_kiosks_list_params, "unit", scope,
                         name, sizeof(name), r) != 0)
        return r->status;
    unit = scope[0] ? scope : NULL;
    list = json_array();
    if (!list)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    hub_db_lock(ctx->db);
    rc = hub_db_begin_read(ctx->db);
    if (rc == HUB_OK) {
        rc = hub_kiosks_collect(ctx->db, unit, req->now_ms, list,
                                &truncated);
        hub_db_end_read(ctx->db);
    }
    if (rc != HUB_OK)
        hub_log_say("kiosks: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc != HUB_OK) {
        json_decref(list);
        return hub_reply_fail_db(r, rc);
    }
    out = json_pack("{s:I, s:o, s:b, s:{s:[iiiii], s:s, s:s, s:I},"
                    " s:b, s:o}",
                    "now", (json_int_t)req->now_ms, "scope",
                    hub_kiosks_make_scope(unit, name),
                    "open_now", hub_kiosks_is_open(req->now_ms),
                    "opening_hours", "weekdays", 1, 2, 3, 4, 5, "from",
                    "07:30", "to", "17:00", "silent_after_min",
                    (json_int_t)(HUB_KIOSKS_SILENT_MS / 60000), "truncated",
                    truncated, "kiosks", list);
    return hub_reply_send_json(r, 200, out);
}

/* ---- GET /api/v1/completeness ------------------------------------------ */

static const char *const hub_kiosks_compl_params[] = {
    "from", "to", "period", "unit", NULL,
};

typedef struct hub_compl_unit {
    char code[HUB_CODE_MAX + 1];
    char name[HUB_NAME_MAX + 1];
    char parent_code[HUB_CODE_MAX + 1];
    int parent; /* index, -1 for the scope's root(s) */
    int depth;
    int64_t kiosks, reported, complete, days_expected, days_reported;
} hub_compl_unit_t;

typedef struct hub_compl_kiosk {
    char install_id[HUB_INSTALL_ID_LEN + 1];
    int unit;  /* index into units, -1 when not found */
    int start; /* first day index it is expected on */
    int64_t days_reported, any;
} hub_compl_kiosk_t;

typedef struct hub_compl_ref {
    const char *code; /* points into units[index] */
    int index;
} hub_compl_ref_t;

typedef struct hub_compl {
    int64_t from_ms;
    int n_days;          /* days from `from` through `through` */
    int n_period;        /* days from `from` to `to` */
    hub_compl_unit_t *units;
    int n_units, cap_units;
    hub_compl_ref_t *by_code; /* the units sorted by code */
    hub_compl_kiosk_t *kiosks; /* sorted by install id */
    int n_kiosks, cap_kiosks;
    int64_t *day_expected, *day_reported; /* n_days each */
} hub_compl_t;

static int hub_kiosks_is_workday(int64_t day_ms)
{
    vntime_civil_t c;

    vntime_split_ms(day_ms, &c);
    return c.weekday >= 1 && c.weekday <= 5;
}

/* Day index of a date from `from`: -1 before it (or not a date), at most
 * n_period (the day after `to`) for anything later. */
static int hub_kiosks_day_index(const hub_compl_t *c, const char *date)
{
    int64_t ms = vntime_parse_date(date);

    if (ms == -1)
        return -1;
    if (ms < c->from_ms)
        return -1;
    if ((ms - c->from_ms) / VNTIME_DAY_MS > c->n_period)
        return c->n_period;
    return (int)((ms - c->from_ms) / VNTIME_DAY_MS);
}

static int hub_kiosks_cmp_ref(const void *a, const void *b)
{
    return strcmp(((const hub_compl_ref_t *)a)->code,
                  ((const hub_compl_ref_t *)b)->code);
}

static int hub_kiosks_find_unit(const hub_compl_t *c, const char *code)
{
    int lo = 0, hi = c->n_units - 1, mid, cmp;

    while (lo <= hi) {
        mid = lo + (hi - lo) / 2;
        cmp = strcmp(c->by_code[mid].code, code);
        if (cmp == 0)
            return c->by_code[mid].index;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int hub_kiosks_find_kiosk(const hub_compl_t *c, const char *id)
{
    int lo = 0, hi = c->n_kiosks - 1, mid, cmp;

    while (lo <= hi) {
        mid = lo + (hi - lo) / 2;
        cmp = strcmp(c->kiosks[mid].install_id, id);
        if (cmp == 0)
            return mid;
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static int hub_kiosks_add_unit(void *ctx, const hub_unit_info_t *info)
{
    hub_compl_t *c = ctx;
    hub_compl_unit_t *u, *grown;

    if (c->n_units >= HUB_KIOSKS_UNITS_MAX)
        return HUB_ERROR;
    if (c->n_units == c->cap_units) {
        grown = realloc(c->units, 2 * (size_t)c->cap_units * sizeof(*c->units));
        if (!grown)
            return HUB_ERROR;
        c->units = grown;
        c->cap_units *= 2;
    }
    u = &c->units[c->n_units++];
    memset(u, 0, sizeof(*u));
    snprintf(u->code, sizeof(u->code), "%s", info->code);
    snprintf(u->name, sizeof(u->name), "%s", info->name);
    snprintf(u->parent_code, sizeof(u->parent_code), "%s", info->parent);
    u->depth = info->depth;
    return 0;
}

static int hub_kiosks_load_units(hub_db_t *db, const char *unit,
                                 hub_compl_t *c)
{
    int rc, i;

    c->cap_units = 64;
    c->units = calloc((size_t)c->cap_units, sizeof(*c->units));
    if (!c->units)
        return HUB_ERROR;
    rc = hub_units_each_under(db, unit, hub_kiosks_add_unit, c);
    if (rc != HUB_OK)
        return rc;
    c->by_code = malloc(((size_t)c->n_units + 1) * sizeof(*c->by_code));
    if (!c->by_code)
        return HUB_ERROR;
    for (i = 0; i < c->n_units; i++) {
        c->by_code[i].code = c->units[i].code;
        c->by_code[i].index = i;
    }
    qsort(c->by_code, (size_t)c->n_units, sizeof(*c->by_code),
          hub_kiosks_cmp_ref);
    for (i = 0; i < c->n_units; i++)
        c->units[i].parent =
            c->units[i].depth == 0
                ? -1
                : hub_kiosks_find_unit(c, c->units[i].parent_code);
    return HUB_OK;
}

/* The first day a kiosk is expected on: the day it was enrolled or the
 * first day it ever reported, whichever came first (a kiosk replaced by a
 * new enrollment keeps its history). */
static int hub_kiosks_get_start(const hub_compl_t *c, int64_t enrolled_ms,
                                const char *first_day)
{
    char day[VNTIME_DATE_MAX];
    int a, b;

    if (vntime_format_date(enrolled_ms, day, sizeof(day)) != 0)
        return 0;
    a = hub_kiosks_day_index(c, day);
    b = first_day[0] ? hub_kiosks_day_index(c, first_day) : a;
    a = a < b ? a : b;
    return a < 0 ? 0 : a;
}

static int hub_kiosks_add_active(void *ctx, const hub_fleet_active_t *row)
{
    hub_compl_t *c = ctx;
    hub_compl_kiosk_t *k, *grown;

    if (c->n_kiosks >= HUB_KIOSKS_LIST_MAX)
        return HUB_ERROR;
    if (c->n_kiosks == c->cap_kiosks) {
        grown =
            realloc(c->kiosks, 2 * (size_t)c->cap_kiosks * sizeof(*c->kiosks));
        if (!grown)
            return HUB_ERROR;
        c->kiosks = grown;
        c->cap_kiosks *= 2;
    }
    k = &c->kiosks[c->n_kiosks++];
    memset(k, 0, sizeof(*k));
    snprintf(k->install_id, sizeof(k->install_id), "%s", row->install_id);
    k->unit = hub_kiosks_find_unit(c, row->unit);
    k->start = hub_kiosks_get_start(c, row->enrolled_at, row->first_day);
    return 0;
}

static int hub_kiosks_load_kiosks(hub_db_t *db, const char *unit,
                                  hub_compl_t *c)
{
    c->cap_kiosks = 64;
    c->kiosks = calloc((size_t)c->cap_kiosks, sizeof(*c->kiosks));
    if (!c->kiosks)
        return HUB_ERROR;
    return hub_fleet_each_active(db, unit, hub_kiosks_add_active, c);
}

static int hub_kiosks_add_day(void *ctx, const char *install_id,
                              const char *day)
{
    hub_compl_t *c = ctx;
    int k = hub_kiosks_find_kiosk(c, install_id);
    int d = hub_kiosks_day_index(c, day);

    if (k < 0 || d < 0 || d >= c->n_period)
        return 0;
    c->kiosks[k].any = 1;
    /* Counted against the working days it was expected on only. */
    if (d < c->n_days && d >= c->kiosks[k].start &&
        hub_kiosks_is_workday(c->from_ms + d * VNTIME_DAY_MS)) {
        c->kiosks[k].days_reported++;
        c->day_reported[d]++;
    }
    return 0;
}

static int hub_kiosks_load_days(hub_db_t *db, const char *unit,
                                const char *from, const char *to,
                                hub_compl_t *c)
{
    return hub_fleet_each_day(db, unit, from, to, hub_kiosks_add_day, c);
}

/* Each kiosk's figures into its unit and every unit above it. */
static void hub_kiosks_roll_up(hub_compl_t *c)
{
    int i, d, u, depth;
    int64_t expected;

    for (i = 0; i < c->n_kiosks; i++) {
        hub_compl_kiosk_t *k = &c->kiosks[i];

        expected = 0;
        for (d = k->start; d < c->n_days; d++)
            if (hub_kiosks_is_workday(c->from_ms + d * VNTIME_DAY_MS)) {
                expected++;
                c->day_expected[d]++;
            }
        for (u = k->unit, depth = 0; u >= 0 && depth < 64;
             u = c->units[u].parent, depth++) {
            c->units[u].kiosks++;
            c->units[u].reported += k->any ? 1 : 0;
            c->units[u].complete +=
                (expected > 0 && k->days_reported == expected) ? 1 : 0;
            c->units[u].days_expected += expected;
            c->units[u].days_reported += k->days_reported;
        }
    }
}

static json_t *hub_kiosks_share(int64_t num, int64_t den)
{
    if (den <= 0)
        return json_null();
    /* One decimal, as every other percentage the hub prints. */
    return json_real((double)((num * 1000 + den / 2) / den) / 10.0);
}

static json_t *hub_kiosks_make_completeness(const hub_compl_t *c,
                                            const char *from,
                                            const char *to,
                                            const char *through)
{
    json_t *units = json_array(), *days = json_array(), *v;
    char day[VNTIME_DATE_MAX];
    int64_t workdays = 0;
    int i, bad = !units || !days;

    for (i = 0; !bad && i < c->n_units; i++) {
        const hub_compl_unit_t *u = &c->units[i];

        v = json_pack("{s:s, s:s, s:o, s:i, s:I, s:I, s:I, s:I, s:I, s:o}",
                      "code", u->code, "name", u->name, "parent",
                      u->parent_code[0] ? json_string(u->parent_code)
                                        : json_null(),
                      "depth", u->depth, "kiosks", (json_int_t)u->kiosks,
                      "reported", (json_int_t)u->reported, "complete",
                      (json_int_t)u->complete, "days_expected",
                      (json_int_t)u->days_expected, "days_reported",
                      (json_int_t)u->days_reported, "share",
                      hub_kiosks_share(u->days_reported, u->days_expected));
        bad |= !v || json_array_append_new(units, v) != 0;
    }
    for (i = 0; !bad && i < c->n_days; i++) {
        int64_t ms = c->from_ms + i * VNTIME_DAY_MS;
        int work = hub_kiosks_is_workday(ms);

        workdays += work;
        bad |= vntime_format_date(ms, day, sizeof(day)) != 0;
        v = json_pack("{s:s, s:b, s:I, s:I}", "day", day, "workday", work,
                      "expected", (json_int_t)c->day_expected[i],
                      "reported", (json_int_t)c->day_reported[i]);
        bad |= !v || json_array_append_new(days, v) != 0;
    }
    if (bad) {
        json_decref(units);
        json_decref(days);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:o, s:I, s:o, s:o}", "from", from, "to", to,
                     "through", through[0] ? json_string(through) : json_null(),
                     "workdays", (json_int_t)workdays, "units", units, "days",
                     days);
}

static void hub_kiosks_free_compl(hub_compl_t *c)
{
    free(c->units);
    free(c->by_code);
    free(c->kiosks);
    free(c->day_expected);
    free(c->day_reported);
}

/* Days are counted through yesterday: today's snapshots are still
 * arriving. through is "" when the period has not started yet. */
static int hub_kiosks_compute(hub_db_t *db, const char *unit,
                              const char *from, const char *to,
                              int64_t now_ms, hub_compl_t *c, char *through)
{
    int64_t to_ms = vntime_parse_date(to);
    int64_t last = vntime_get_day_start(now_ms) - VNTIME_DAY_MS;
    int rc;

    c->from_ms = vntime_parse_date(from);
    c->n_period = (int)((to_ms - c->from_ms) / VNTIME_DAY_MS) + 1;
    if (last > to_ms)
        last = to_ms;
    through[0] = '\0';
    c->n_days = 0;
    if (last >= c->from_ms) {
        c->n_days = (int)((last - c->from_ms) / VNTIME_DAY_MS) + 1;
        if (vntime_format_date(last, through, VNTIME_DATE_MAX) != 0)
            return HUB_ERROR;
    }
    c->day_expected = calloc((size_t)c->n_days + 1, sizeof(int64_t));
    c->day_reported = calloc((size_t)c->n_days + 1, sizeof(int64_t));
    if (!c->day_expected || !c->day_reported)
        return HUB_ERROR;
    rc = hub_db_begin_read(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_kiosks_load_units(db, unit, c);
    if (rc == HUB_OK)
        rc = hub_kiosks_load_kiosks(db, unit, c);
    if (rc == HUB_OK)
        rc = hub_kiosks_load_days(db, unit, from, to, c);
    hub_db_end_read(db);
    if (rc == HUB_OK)
        hub_kiosks_roll_up(c);
    return rc;
}

int hub_api_completeness(hub_ctx_t *ctx, const hub_request_t *req,
                         hub_reply_t *r)
{
    char name[HUB_NAME_MAX + 1], scope[HUB_CODE_MAX + 1];
    char from[VNTIME_DATE_MAX], to[VNTIME_DATE_MAX];
    char through[VNTIME_DATE_MAX];
    const char *unit, *period;
    hub_compl_t c;
    json_t *out = NULL;
    int rc;

    if (hub_kiosks_begin(ctx, req, hub_kiosks_compl_params,
                         "from, to, period, unit", scope, name, sizeof(name),
                         r) != 0 ||
        hub_api_read_range(req, from, to, &period, r) != 0)
        return r->status;
    unit = scope[0] ? scope : NULL;
    memset(&c, 0, sizeof(c));
    hub_db_lock(ctx->db);
    rc = hub_kiosks_compute(ctx->db, unit, from, to, req->now_ms, &c,
                            through);
    if (rc != HUB_OK)
        hub_log_say("completeness: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_OK) {
        out = hub_kiosks_make_completeness(&c, from, to, through);
        if (out &&
            json_object_set_new(out, "scope",
                                hub_kiosks_make_scope(unit, name)) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    hub_kiosks_free_compl(&c);
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    return hub_reply_send_json(r, 200, out);
}
