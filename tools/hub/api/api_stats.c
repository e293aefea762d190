/*
 * GET /api/v1/stats: figures for an analyst, within the token's scope,
 * as JSON or CSV (docs/STATS_API.md).
 */
#include "hub/api/api_stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/vntime.h"
#include "hub/api/api_dossiers.h"
#include "hub/api/auth.h"
#include "hub/api/csvout.h"
#include "hub/api/jsonout.h"
#include "hub/base/log.h"
#include "hub/base/valid.h"
#include "hub/domain/periods.h"
#include "hub/domain/stats.h"
#include "hub/store/national.h"
#include "hub/store/units.h"

#define HUB_STATS_LEVEL_MAX (HUB_UNITS_DEPTH_MAX - 1)

static const targets_t *hub_api_stats_targets;
/* Written once before serving, then only read. */
static int hub_api_stats_floor = HUB_STATS_MIN_GROUP_DEFAULT;
static char hub_api_stats_province[TARGETS_SLUG_MAX] = TARGETS_ALL_PROVINCES;

static const char *const hub_stats_params[] = {
    "from",   "to",     "period",    "unit",   "group", "instrument",
    "rollup", "method", "min_group", "format", "level", "depth", NULL,
};

void hub_api_stats_configure(const targets_t *targets, const char *province)
{
    hub_api_stats_targets = targets;
    snprintf(hub_api_stats_province, sizeof(hub_api_stats_province), "%s",
             province ? province : TARGETS_ALL_PROVINCES);
}

void hub_api_stats_set_floor(int floor)
{
    if (floor < 1)
        floor = 1;
    if (floor > HUB_STATS_MIN_GROUP_MAX)
        floor = HUB_STATS_MIN_GROUP_MAX;
    hub_api_stats_floor = floor;
}

int hub_api_stats_get_floor(void)
{
    return hub_api_stats_floor;
}

int hub_api_stats_check_floor(const hub_stats_request_t *s, int audit,
                              int *below, hub_reply_t *r)
{
    int m = s->q.min_group, floor = hub_api_stats_floor;

    *below = 0;
    if (m >= floor)
        return 0;
    if (!audit)
        return hub_reply_fail(r, 400, "bad-request",
                              "min_group %d is below this server's floor of"
                              " %d: officer figures under %d responses stay"
                              " hidden (only an audit token may go lower)",
                              m, floor, floor);
    if (m < 1)
        return hub_reply_fail(r, 400, "bad-request",
                              "min_group must be at least 1, even for an"
                              " audit token");
    *below = 1;
    return 0;
}

int hub_api_stats_is_province(const char *text)
{
    size_t i, n = strlen(text);

    if (strcmp(text, TARGETS_ALL_PROVINCES) == 0)
        return 1;
    if (n == 0 || n >= TARGETS_SLUG_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if (!((text[i] >= 'a' && text[i] <= 'z') ||
              (text[i] >= '0' && text[i] <= '9') || text[i] == '-'))
            return 0;
    return 1;
}

static int hub_stats_check_params(const hub_request_t *req, hub_reply_t *r)
{
    size_t i, j, k;

    if (req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request",
                              "too many parameters (at most %d)",
                              HUB_API_QUERY_MAX);
    for (i = 0; i < req->n_query; i++) {
        for (k = 0; hub_stats_params[k]; k++)
            if (strcmp(hub_stats_params[k], req->query[i].key) == 0)
                break;
        if (!hub_stats_params[k])
            return hub_reply_fail(
                r, 400, "bad-request",
                "unknown parameter; use from, to, period, unit, group,"
                " instrument, rollup, method, min_group, format, level,"
                " depth");
        for (j = 0; j < i; j++)
            if (strcmp(req->query[j].key, req->query[i].key) == 0)
                return hub_reply_fail(r, 400, "bad-request",
                                      "%s is given twice", req->query[i].key);
        if (!req->query[i].value)
            return hub_reply_fail(r, 400, "bad-request", "%s has no value",
                                  req->query[i].key);
    }
    return 0;
}

static int hub_stats_read_dates(const hub_request_t *req,
                                hub_stats_request_t *s, hub_reply_t *r)
{
    const char *period;

    if (hub_api_read_range(req, s->from, s->to, &period, r) != 0)
        return r->status;
    s->q.period = period;
    s->q.from = s->from;
    s->q.to = s->to;
    return 0;
}

/* A whole number lo..hi in text (digits only); -1 otherwise. */
static long hub_stats_parse_count(const char *text, long lo, long hi)
{
    long v = 0;
    size_t i;

    if (!text[0] || strlen(text) > 9)
        return -1;
    for (i = 0; text[i]; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        v = v * 10 + (text[i] - '0');
    }
    return v >= lo && v <= hi ? v : -1;
}

/* rollup, method, min_group, format, level, depth. */
static int hub_stats_read_options(const hub_request_t *req,
                                  hub_stats_request_t *s, hub_reply_t *r)
{
    const char *v;
    long n;

    v = hub_api_get_param(req, "rollup");
    if (v && strcmp(v, "current") != 0 && strcmp(v, "recorded") != 0)
        return hub_reply_fail(r, 400, "bad-request",
                              "rollup must be current or recorded");
    s->q.rollup = v && strcmp(v, "recorded") == 0 ? HUB_STATS_RECORDED
                                                  : HUB_STATS_CURRENT;
    v = hub_api_get_param(req, "method");
    if (v && strcmp(v, "share") != 0 && strcmp(v, "mean") != 0)
        return hub_reply_fail(r, 400, "bad-request",
                              "method must be share or mean");
    s->q.method = v && strcmp(v, "mean") == 0 ? INDICES_NORMALISED_MEAN
                                              : INDICES_SHARE_4_5;
    v = hub_api_get_param(req, "min_group");
    if (v) {
        n = hub_stats_parse_count(v, 1, HUB_STATS_MIN_GROUP_MAX);
        if (n < 0)
            return hub_reply_fail(r, 400, "bad-request",
                                  "min_group must be a whole number from 1"
                                  " to %d",
                                  HUB_STATS_MIN_GROUP_MAX);
        s->q.min_group = (int)n;
        s->min_group_set = 1;
    } else {
        s->q.min_group = hub_api_stats_floor;
    }
    v = hub_api_get_param(req, "format");
    if (v && strcmp(v, "json") != 0 && strcmp(v, "csv") != 0)
        return hub_reply_fail(r, 400, "bad-request",
                              "format must be json or csv");
    s->csv = v && strcmp(v, "csv") == 0;
    v = hub_api_get_param(req, "level");
    if (v) {
        n = hub_stats_parse_count(v, 0, HUB_STATS_LEVEL_MAX);
        if (n < 0 || s->q.group != HUB_STATS_BY_UNIT)
            return hub_reply_fail(r, 400, "bad-request",
                                  "level goes with group=unit and is 0"
                                  " to %d",
                                  HUB_STATS_LEVEL_MAX);
        s->q.level = (int)n;
    }
    v = hub_api_get_param(req, "depth");
    if (v && (strcmp(v, "1") != 0 || s->q.group != HUB_STATS_BY_UNIT ||
              s->q.level >= 0))
        return hub_reply_fail(r, 400, "bad-request",
                              "depth goes with group=unit, without level,"
                              " and is 1");
    s->q.depth = v ? 1 : 0;
    return 0;
}

int hub_api_stats_read_query(const hub_request_t *req,
                             hub_stats_request_t *s, hub_reply_t *r)
{
    const char *group;
    int g;

    memset(s, 0, sizeof(*s));
    hub_stats_init_query(&s->q);
    if (hub_stats_check_params(req, r) != 0 ||
        hub_stats_read_dates(req, s, r) != 0)
        return r->status;
    s->q.unit = hub_api_get_param(req, "unit");
    if (s->q.unit && !hub_valid_code(s->q.unit))
        return hub_reply_fail(r, 400, "bad-request",
                              "unit must be a unit code");
    s->q.instrument = hub_api_get_param(req, "instrument");
    if (s->q.instrument && !hub_valid_code(s->q.instrument))
        return hub_reply_fail(r, 400, "bad-request",
                              "instrument must be an instrument id");
    group = hub_api_get_param(req, "group");
    if (group) {
        g = hub_stats_parse_group(group);
        if (g < 0)
            return hub_reply_fail(r, 400, "bad-request",
                                  "group must be unit, field, counter,"
                                  " officer, day, month, quarter, half or"
                                  " year");
        s->q.group = (hub_stats_group_t)g;
    }
    return hub_stats_read_options(req, s, r);
}

/* The body as given, with its own content type (CSV) or as JSON. */
static int hub_stats_send_text(hub_reply_t *r, char *text, size_t len,
                               const char *content_type)
{
    free(r->body);
    r->body = text;
    r->body_len = len;
    r->status = 200;
    r->error[0] = '\0';
    r->message[0] = '\0';
    r->content_type = content_type;
    r->cache_control = content_type ? "no-store" : NULL;
    return 200;
}

static int hub_stats_send(hub_reply_t *r, json_t *out, int csv)
{
    char *text = NULL;
    size_t len = 0;

    if (csv) {
        if (hub_csv_write_stats(out, &text, &len) != 0)
            text = NULL;
    } else if (hub_jsonout_write(out, &text, &len) != 0) {
        text = NULL;
    }
    json_decref(out);
    if (!text)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    return hub_stats_send_text(r, text, len,
                               csv ? "text/csv; charset=utf-8" : NULL);
}

/* An answer below the floor is given only once it is on record: who
 * (token, address), how far below, and over what. */
static int hub_stats_audit_below(hub_ctx_t *ctx, const hub_request_t *req,
                                 const hub_token_t *tok,
                                 const hub_stats_request_t *s, hub_reply_t *r)
{
    char detail[256];
    int rc;

    snprintf(detail, sizeof(detail),
             "id=%" PRId64 " min_group=%d floor=%d from=%s to=%s unit=%s"
             " group=%s",
             tok->id, s->q.min_group, hub_api_stats_floor, s->q.from, s->q.to,
             s->q.unit ? s->q.unit : "-",
             s->q.group == HUB_STATS_ALL ? "-"
                                         : hub_stats_get_group_name(s->q.group));
    rc = hub_auth_audit(ctx, req, "stats.below-floor", detail, 0);
    if (rc != HUB_OK)
        return hub_reply_fail_db(r, rc);
    return 0;
}

/* On a national hub, a scope within one province is held against the
 * targets that province pushed (its file, its own rows by slug); a scope
 * over several provinces, and any hub no province pushed to, against
 * the server's own file. *pushed is the caller's to free. */
static int hub_api_stats_use_pushed_targets(hub_db_t *db, const char *unit,
                                            hub_stats_query_t *q,
                                            char slug[TARGETS_SLUG_MAX],
                                            targets_t **pushed)
{
    char *text = NULL;
    err_t err;
    int rc;

    *pushed = NULL;
    if (!unit || !unit[0])
        return HUB_OK;
    rc = hub_national_find_targets(db, unit, slug, &text);
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    err_clear(&err);
    /* Checked when it was pushed: a refusal now is a damaged row. */
    rc = targets_parse(text, strlen(text), "pushed targets", pushed, &err) ==
                 0
             ? HUB_OK
             : HUB_ERROR;
    free(text);
    if (rc == HUB_OK) {
        q->targets = *pushed;
        q->province = slug;
    }
    return rc;
}

/* depth=1 over several provinces (the country by province): each group
 * held against its own province's targets, as that province's own
 * answer is. Every province's file comes in one read before the
 * statistics (one query, not one per group and province), each parsed
 * when a group first needs it. */
#define HUB_API_STATS_PROVINCES_MAX 128 /* 34 provinces, 63 before 2025 */
typedef struct hub_api_stats_pushed {
    size_t n;
    char code[HUB_API_STATS_PROVINCES_MAX][HUB_CODE_MAX + 1];
    char slug[HUB_API_STATS_PROVINCES_MAX][TARGETS_SLUG_MAX];
    char *text[HUB_API_STATS_PROVINCES_MAX];
    targets_t *targets[HUB_API_STATS_PROVINCES_MAX];
} hub_api_stats_pushed_t;

static int hub_api_stats_keep_pushed(void *ctx, const char *province,
                                     const char *slug, const char *text)
{
    hub_api_stats_pushed_t *p = ctx;

    if (p->n == HUB_API_STATS_PROVINCES_MAX ||
        strlen(province) > HUB_CODE_MAX || strlen(slug) >= TARGETS_SLUG_MAX)
        return -1;
    p->text[p->n] = strdup(text);
    if (!p->text[p->n])
        return -1;
    memcpy(p->code[p->n], province, strlen(province) + 1);
    memcpy(p->slug[p->n], slug, strlen(slug) + 1);
    p->n++;
    return 0;
}

static int hub_api_stats_find_group_targets(void *ctx, const char *code,
                                            const targets_t **t,
                                            const char **province)
{
    hub_api_stats_pushed_t *p = ctx;
    err_t err;
    size_t i;

    *t = NULL;
    *province = NULL;
    for (i = 0; i < p->n && strcmp(p->code[i], code) != 0; i++)
        ;
    if (i == p->n)
        return 0;
    err_clear(&err);
    /* Checked when it was pushed: a refusal now is a damaged row. */
    if (!p->targets[i] &&
        targets_parse(p->text[i], strlen(p->text[i]), "pushed targets",
                      &p->targets[i], &err) != 0)
        return -1;
    *t = p->targets[i];
    *province = p->slug[i];
    return 0;
}

static void hub_api_stats_free_pushed(hub_api_stats_pushed_t *p)
{
    size_t i;

    for (i = 0; i < p->n; i++) {
        targets_free(p->targets[i]);
        free(p->text[i]);
    }
    free(p);
}

int hub_api_stats(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    char slug[TARGETS_SLUG_MAX];
    targets_t *pushed = NULL;
    hub_api_stats_pushed_t *groups = NULL;
    hub_stats_request_t s;
    hub_token_t tok;
    json_t *out = NULL;
    /* The token was checked (and its use written) on the primary; the
     * figures may come from a replica, a moment behind it. */
    hub_db_t *db = ctx->read_db ? ctx->read_db : ctx->db;
    int rc, below;

    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0 ||
        hub_api_stats_read_query(req, &s, r) != 0 ||
        hub_api_stats_check_floor(&s, tok.audit, &below, r) != 0)
        return r->status;
    if (below && hub_stats_audit_below(ctx, req, &tok, &s, r) != 0)
        return r->status;
    s.q.scope_unit = tok.scope_unit;
    s.q.targets = hub_api_stats_targets;
    s.q.province = hub_api_stats_province;
    hub_db_lock(db);
    rc = hub_api_stats_use_pushed_targets(
        db, s.q.unit ? s.q.unit : tok.scope_unit, &s.q, slug, &pushed);
    if (rc == HUB_OK && s.q.depth && !pushed) {
        groups = calloc(1, sizeof(*groups));
        rc = groups ? hub_national_each_targets(
                          db, hub_api_stats_keep_pushed, groups)
                    : HUB_ERROR;
        s.q.group_targets = hub_api_stats_find_group_targets;
        s.q.group_targets_ctx = groups;
    }
    if (rc == HUB_OK)
        rc = hub_stats_compute(db, &s.q, &out);
    targets_free(pushed);
    if (groups)
        hub_api_stats_free_pushed(groups);
    /* Decision 766's 5.4 for the same days and units (the scope was
     * checked by the statistics above). */
    if (rc == HUB_OK && !s.csv &&
        json_object_set_new(out, "decision_766",
                            hub_api_dossiers_figure(
                                db, s.q.from, s.q.to,
                                s.q.unit ? s.q.unit : tok.scope_unit)) != 0)
        rc = HUB_ERROR;
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_DENIED)
        hub_log_say("stats: %s", hub_db_last_error(db));
    hub_db_unlock(db);
    if (rc != HUB_OK) {
        json_decref(out);
        return hub_reply_fail_scope(r, rc);
    }
    return hub_stats_send(r, out, s.csv);
}
