/*
 * GET /api/v1/dossiers: dossier-bound ratings after a cursor, within the
 * token's scope, as JSON or CSV; and the 5.4 figure of the statistics.
 */
#include "hub/api/api_dossiers.h"

#include <stdlib.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/api/auth.h"
#include "hub/api/csvout.h"
#include "hub/base/log.h"
#include "hub/base/valid.h"
#include "hub/domain/dossiers.h"
#include "hub/store/dossiers.h"
#include "hub/store/unittree.h"
#include "hub/store/units.h"

#define HUB_DOS_JSON_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static const char *const hub_dos_params[] = {
    "after", "limit", "unit", "format", NULL,
};

typedef struct hub_dos_query {
    int64_t after;
    int limit;
    const char *unit; /* NULL: the token's whole scope */
    int csv;
} hub_dos_query_t;

/* ---- parameters ------------------------------------------------------- */

static int hub_dos_check_params(const hub_request_t *req, hub_reply_t *r)
{
    size_t i, j, k;

    if (req->query_overflow)
        return hub_reply_fail(r, 400, "bad-request", "too many parameters");
    for (i = 0; i < req->n_query; i++) {
        for (k = 0; hub_dos_params[k]; k++)
            if (strcmp(hub_dos_params[k], req->query[i].key) == 0)
                break;
        if (!hub_dos_params[k])
            return hub_reply_fail(r, 400, "bad-request",
                                  "unknown parameter; use after, limit,"
                                  " unit, format");
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

static int hub_dos_read_query(const hub_request_t *req, hub_dos_query_t *q,
                              hub_reply_t *r)
{
    const char *v;
    int64_t n;

    memset(q, 0, sizeof(*q));
    q->limit = HUB_DOSSIER_LIMIT_DEFAULT;
    if (hub_dos_check_params(req, r) != 0)
        return r->status;
    v = hub_api_get_param(req, "after");
    if (v && hub_dossier_parse_cursor(v, &q->after) != 0)
        return hub_reply_fail(r, 400, "bad-cursor",
                              "after must be a cursor this hub handed out"
                              " (the \"next\" of an earlier answer)");
    v = hub_api_get_param(req, "limit");
    if (v) {
        if (hub_dossier_parse_cursor(v, &n) != 0 || n < 1 ||
            n > HUB_DOSSIER_LIMIT_MAX)
            return hub_reply_fail(r, 400, "bad-request",
                                  "limit must be a whole number from 1 to"
                                  " %d",
                                  HUB_DOSSIER_LIMIT_MAX);
        q->limit = (int)n;
    }
    q->unit = hub_api_get_param(req, "unit");
    if (q->unit && !hub_valid_code(q->unit))
        return hub_reply_fail(r, 400, "bad-request",
                              "unit must be a unit code");
    v = hub_api_get_param(req, "format");
    if (v && strcmp(v, "json") != 0 && strcmp(v, "csv") != 0)
        return hub_reply_fail(r, 400, "bad-request",
                              "format must be json or csv");
    q->csv = v && strcmp(v, "csv") == 0;
    return 0;
}

/* ---- scope ---------------------------------------------------------- */

/* The codes of unit's subtree in today's tree (merged units lie below
 * the unit they were merged into) as a JSON array text, NULL for the
 * whole province; *fail set on an error. Holds the lock. */
static char *hub_dos_units_json(hub_db_t *db, const char *unit, int *fail)
{
    hub_tree_t *t = NULL;
    json_t *arr;
    char *text = NULL;
    int i, top;

    *fail = 0;
    if (!unit || !unit[0])
        return NULL;
    arr = json_array();
    if (!arr || hub_tree_load(db, NULL, &t) != HUB_OK) {
        json_decref(arr);
        *fail = 1;
        return NULL;
    }
    top = hub_tree_find(t, unit);
    for (i = 0; top >= 0 && i < t->n; i++)
        if (hub_tree_is_within(t, i, top) &&
            json_array_append_new(arr, json_string(t->nodes[i].code)) != 0)
            *fail = 1;
    /* A unit not in the tree still selects exactly its own rows. */
    if (top < 0 && json_array_append_new(arr, json_string(unit)) != 0)
        *fail = 1;
    if (!*fail)
        text = json_dumps(arr, JSON_COMPACT);
    if (!text)
        *fail = 1;
    json_decref(arr);
    hub_tree_free(t);
    return text;
}

/* The token's scope narrowed by unit: *unit is NULL for the province.
 * HUB_DENIED for a unit outside the token's subtree. Holds the lock. */
static int hub_dos_apply_scope(hub_db_t *db, const hub_token_t *tok,
                               const char **unit)
{
    int rc, inside;

    if (!tok->scope_unit[0])
        return HUB_OK;
    if (!*unit)
        *unit = tok->scope_unit;
    rc = hub_units_contains(db, tok->scope_unit, *unit, &inside);
    if (rc != HUB_OK)
        return rc;
    return inside ? HUB_OK : HUB_DENIED;
}

/* ---- rows ------------------------------------------------------------- */

typedef struct hub_dos_page {
    json_t *rows;
    int64_t last;
    int failed;
} hub_dos_page_t;

static json_t *hub_dos_cursor_json(int64_t rev)
{
    char text[HUB_DOSSIER_CURSOR_TEXT];

    if (hub_dossier_format_cursor(rev, text, sizeof(text)) != 0)
        return NULL;
    return json_string(text);
}

static json_t *hub_dos_verdict_json(int satisfied)
{
    if (satisfied == HUB_DOSSIER_UNKNOWN)
        return json_null();
    return json_boolean(satisfied == HUB_DOSSIER_SATISFIED);
}

static json_t *hub_dos_make_row(const hub_dossier_rec_t *x)
{
    char at[40], id[HUB_INSTALL_ID_LEN + 24];
    json_t *answers, *o;

    answers = json_loads(x->answers_json, 0, NULL);
    if (!answers || vntime_format_iso(x->at_ms, at, sizeof(at)) != 0) {
        json_decref(answers);
        return NULL;
    }
    snprintf(id, sizeof(id), "%s:%lld", x->install_id, (long long)x->seq);
    o = json_pack("{s:o, s:s, s:s, s:s, s:I, s:s, s:b, s:s, s:s, s:s, s:I,"
                  " s:b, s:o, s:o, s:b, s:o}",
                  "cursor", hub_dos_cursor_json(x->rev), "id", id, "dossier",
                  x->dossier, "recorded_at", at, "recorded_at_ms",
                  (json_int_t)x->at_ms, "day", x->day, "time_estimated",
                  x->estimated, "unit", x->unit, "field", x->field,
                  "instrument", x->instrument, "version",
                  (json_int_t)x->version, "partial", x->partial, "satisfied",
                  hub_dos_verdict_json(x->satisfied), "answers", answers,
                  "correction", x->corrects > 0, "corrects",
                  x->corrects > 0 ? hub_dos_cursor_json(x->corrects)
                                  : json_null());
    return o;
}

static int hub_dos_add_row(void *ctx, const hub_dossier_rec_t *x)
{
    hub_dos_page_t *p = ctx;
    json_t *o = hub_dos_make_row(x);

    if (!o || json_array_append_new(p->rows, o) != 0) {
        p->failed = 1;
        return 1;
    }
    p->last = x->rev;
    return 0;
}

/* ---- the endpoint ------------------------------------------------------- */

static int hub_dos_send(hub_reply_t *r, json_t *out, int csv)
{
    char *text = NULL;
    size_t len = 0;

    if (csv) {
        if (hub_csv_write_dossiers(out, &text, &len) != 0)
            text = NULL;
    } else {
        text = json_dumps(out, HUB_DOS_JSON_FLAGS);
        len = text ? strlen(text) : 0;
    }
    json_decref(out);
    if (!text)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    free(r->body);
    r->body = text;
    r->body_len = len;
    r->status = 200;
    r->error[0] = '\0';
    r->message[0] = '\0';
    r->content_type = csv ? "text/csv; charset=utf-8" : NULL;
    r->cache_control = csv ? "no-store" : NULL;
    return 200;
}

/* Reads one page under the lock, in one read transaction, so that the
 * scope, the last revision and the page see one state of the file (an
 * administrator's command may write it from another process). */
static int hub_dos_read_page(hub_db_t *db, const hub_token_t *tok,
                             hub_dos_query_t *q, hub_dos_page_t *page,
                             int64_t *last_rev)
{
    char *units = NULL;
    int rc, fail = 0;

    rc = hub_db_begin_read(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_dos_apply_scope(db, tok, &q->unit);
    if (rc == HUB_OK)
        units = hub_dos_units_json(db, q->unit, &fail);
    if (rc == HUB_OK && fail)
        rc = HUB_ERROR;
    if (rc == HUB_OK)
        rc = hub_dossiers_get_last(db, last_rev);
    /* A cursor beyond every revision handed out was never an answer of
     * this hub (another hub's, or made up): refused, never taken as
     * "nothing new", which would hide the mistake for good. */
    if (rc == HUB_OK && q->after > *last_rev)
        rc = HUB_CONFLICT;
    if (rc == HUB_OK) {
        rc = hub_dossiers_each(db, q->after, q->limit, units,
                               hub_dos_add_row, page);
        if (page->failed)
            rc = HUB_ERROR;
    }
    hub_db_end_read(db);
    free(units);
    return rc;
}

int hub_api_dossiers(hub_ctx_t *ctx, const hub_request_t *req,
                     hub_reply_t *r)
{
    hub_dos_page_t page;
    hub_dos_query_t q;
    hub_token_t tok;
    int64_t last_rev = 0;
    json_t *out;
    int rc;

    if (hub_auth_check_analyst(ctx, req, &tok, r) != 0 ||
        hub_dos_read_query(req, &q, r) != 0)
        return r->status;
    memset(&page, 0, sizeof(page));
    page.rows = json_array();
    page.last = q.after;
    if (!page.rows)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    hub_db_lock(ctx->db);
    rc = hub_dos_read_page(ctx->db, &tok, &q, &page, &last_rev);
    if (rc != HUB_OK && rc != HUB_NOT_FOUND && rc != HUB_DENIED &&
        rc != HUB_CONFLICT)
        hub_log_say("dossiers: %s", hub_db_last_error(ctx->db));
    hub_db_unlock(ctx->db);
    if (rc == HUB_CONFLICT) {
        json_decref(page.rows);
        return hub_reply_fail(r, 400, "bad-cursor",
                              "after lies beyond every cursor this hub has"
                              " handed out");
    }
    if (rc != HUB_OK) {
        json_decref(page.rows);
        return hub_reply_fail_scope(r, rc);
    }
    out = json_pack("{s:o, s:o, s:b, s:I}", "dossiers", page.rows, "next",
                    hub_dos_cursor_json(page.last), "more",
                    json_array_size(page.rows) == (size_t)q.limit,
                    "limit", (json_int_t)q.limit);
    if (!out)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    return hub_dos_send(r, out, q.csv);
}

/* ---- the 5.4 figure --------------------------------------------------- */

static json_t *hub_dos_pct_json(double pct)
{
    if (pct < 0)
        return json_null();
    /* One decimal, as every percentage of the statistics. */
    return json_real((double)(long long)(pct * 10.0 + 0.5) / 10.0);
}

json_t *hub_api_dossiers_figure(hub_db_t *db, const char *from,
                                const char *to, const char *unit)
{
    hub_dossier_summary_t s;
    char *units;
    double pct;
    int fail = 0, rc;

    units = hub_dos_units_json(db, unit, &fail);
    if (fail)
        return NULL;
    rc = hub_dossiers_summarise(db, from, to, units, &s);
    free(units);
    if (rc != HUB_OK)
        return NULL;
    pct = hub_dossier_rating_pct(s.judged, s.not_satisfied);
    return json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:n, s:n, s:n, s:n, s:s}",
        "item", "5.4", "formula",
        "100% - (overdue dossiers % + dossiers with a complaint or a"
        " 'not satisfied' rating %); full 6 points at >= 90%, else"
        " rate x 6 / 90%",
        "ratings", (json_int_t)s.ratings, "dossiers", (json_int_t)s.dossiers,
        "judged", (json_int_t)s.judged, "not_satisfied",
        (json_int_t)s.not_satisfied, "not_satisfied_pct",
        hub_dos_pct_json(pct < 0 ? -1.0 : 100.0 - pct), "satisfied_pct",
        hub_dos_pct_json(pct), "overdue_pct", "complaint_pct", "rate_pct",
        "points", "missing",
        "overdue dossiers and complaints are recorded in the province's"
        " dossier system, not at the hub: the rate and points of 5.4 are"
        " computed there");
}
