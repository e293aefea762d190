#include "hub/domain/natpush.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "core/jsonload.h"
#include "hub/base/valid.h"

static const char *const hub_natpush_lists[HUB_NATIONAL_KINDS] = {
    "responses", "answers", "elements", "officers"};
/* Columns per kind: how many strings, then how many counts. */
static const size_t hub_natpush_texts[HUB_NATIONAL_KINDS] = {3, 6, 4, 4};
static const size_t hub_natpush_counts[HUB_NATIONAL_KINDS] = {3, 2, 3, 1};

/* Column j of a kind's row: a unit code, an officer's key, or a name. */
static int hub_natpush_text_ok(int kind, size_t j, const char *t)
{
    if (j == 0)
        return hub_valid_code(t);
    if (kind == HUB_NATIONAL_OFF && j == 3)
        return strlen(t) == HUB_NATIONAL_OFFICER_LEN &&
               hex_is_lower(t, HUB_NATIONAL_OFFICER_LEN);
    return hub_valid_name(t, HUB_CODE_MAX, 1);
}

static int hub_natpush_month_ok(const char *s)
{
    return strlen(s) == HUB_NATIONAL_MONTH_LEN && s[4] == '-' &&
           strspn(s, "0123456789") == 4 &&
           strspn(s + 5, "0123456789") == 2 &&
           ((s[5] == '0' && s[6] >= '1') ||
            (s[5] == '1' && s[6] >= '0' && s[6] <= '2'));
}

/* Row i of a kind's list, its strings borrowed from the document. */
static int hub_natpush_read_row(int kind, size_t i, const json_t *a,
                                hub_stat_row_t *r, hub_problem_t *pb)
{
    const char *t[6] = {""};
    int64_t c[3] = {0};
    size_t nt = hub_natpush_texts[kind], nc = hub_natpush_counts[kind], j;

    if (!json_is_array(a) || json_array_size(a) != nt + nc)
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "%s[%zu] must be an array of %zu values",
                               hub_natpush_lists[kind], i, nt + nc);
    for (j = 0; j < nt; j++) {
        t[j] = json_string_value(json_array_get(a, j));
        if (!t[j] || !hub_natpush_text_ok(kind, j, t[j]))
            return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                                   "%s[%zu][%zu] is not a code",
                                   hub_natpush_lists[kind], i, j);
    }
    for (j = 0; j < nc; j++) {
        const json_t *v = json_array_get(a, nt + j);

        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > HUB_NATPUSH_COUNT_MAX)
            return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                                   "%s[%zu][%zu] must be a count 0 to %lld",
                                   hub_natpush_lists[kind], i, nt + j,
                                   (long long)HUB_NATPUSH_COUNT_MAX);
        c[j] = json_integer_value(v);
    }
    memset(r, 0, sizeof(*r));
    r->unit = t[0];
    r->field = t[1];
    r->instrument = t[2];
    r->sub = r->bucket = r->question = r->element = r->answer = "";
    r->officer = "";
    if (kind == HUB_NATIONAL_RESP) {
        r->complete = c[0];
        r->partial = c[1];
        r->suppressed = c[2];
    } else if (kind == HUB_NATIONAL_ANS) {
        r->question = t[3];
        r->element = t[4];
        r->answer = t[5];
        r->n = c[0];
        r->pn = c[1];
    } else if (kind == HUB_NATIONAL_EL) {
        r->element = t[3];
        r->n = c[0];
        r->pn = c[1];
        r->approx = c[2];
    } else {
        r->officer = t[3];
        r->complete = c[0];
    }
    return 0;
}

int hub_natpush_parse(const char *body, size_t len, hub_natpush_doc_t *doc,
                      hub_national_push_t *p, hub_problem_t *pb)
{
    json_error_t err;
    const json_t *seq;
    const char *month;
    int kind;

    memset(doc, 0, sizeof(*doc));
    memset(p, 0, sizeof(*p));
    doc->root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(doc->root))
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "the body is not a JSON object");
    /* Officers came with the second version of the body; a first
     * version's push (no officers) weighs nobody, as before. */
    if (json_object_size(doc->root) !=
        (json_object_get(doc->root, "officers") ? 7u : 6u))
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "the body has exactly province, month, seq,"
                               " responses, answers, elements and"
                               " (optionally) officers");
    p->province = json_string_value(json_object_get(doc->root, "province"));
    if (!p->province || !hub_valid_code(p->province))
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "province must be a unit code");
    month = json_string_value(json_object_get(doc->root, "month"));
    if (!month || !hub_natpush_month_ok(month))
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "month must be YYYY-MM");
    memcpy(p->month, month, HUB_NATIONAL_MONTH_LEN + 1);
    seq = json_object_get(doc->root, "seq");
    if (!json_is_integer(seq) || json_integer_value(seq) < 1 ||
        json_integer_value(seq) > HUB_NATPUSH_SEQ_MAX)
        return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                               "seq must be an integer 1 to 2^53-1");
    p->seq = json_integer_value(seq);
    for (kind = 0; kind < HUB_NATIONAL_KINDS; kind++) {
        const json_t *list =
            json_object_get(doc->root, hub_natpush_lists[kind]);
        size_t i, n = json_array_size(list);

        /* A first version's body: no officers, an empty list. */
        if (!json_is_array(list) && !(kind == HUB_NATIONAL_OFF && !list))
            return hub_problem_set(pb, HUB_PROBLEM_INVALID,
                                   "%s must be an array",
                                   hub_natpush_lists[kind]);
        if (n > HUB_NATPUSH_ROWS_MAX)
            return hub_problem_set(pb, HUB_PROBLEM_TOO_LARGE,
                                   "%s has over %d rows",
                                   hub_natpush_lists[kind],
                                   HUB_NATPUSH_ROWS_MAX);
        doc->rows[kind] = calloc(n ? n : 1, sizeof(hub_stat_row_t));
        if (!doc->rows[kind])
            return hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY,
                                   "out of memory");
        for (i = 0; i < n; i++)
            if (hub_natpush_read_row(kind, i, json_array_get(list, i),
                                     &doc->rows[kind][i], pb) != 0)
                return -1;
        p->rows[kind] = doc->rows[kind];
        p->n[kind] = n;
    }
    return 0;
}

void hub_natpush_doc_free(hub_natpush_doc_t *doc)
{
    int kind;

    for (kind = 0; kind < HUB_NATIONAL_KINDS; kind++)
        free(doc->rows[kind]);
    json_decref(doc->root);
    memset(doc, 0, sizeof(*doc));
}

static json_t *hub_natpush_row_json(int kind, const hub_stat_row_t *r)
{
    if (kind == HUB_NATIONAL_RESP)
        return json_pack("[s,s,s,I,I,I]", r->unit, r->field, r->instrument,
                         (json_int_t)r->complete, (json_int_t)r->partial,
                         (json_int_t)r->suppressed);
    if (kind == HUB_NATIONAL_ANS)
        return json_pack("[s,s,s,s,s,s,I,I]", r->unit, r->field,
                         r->instrument, r->question, r->element, r->answer,
                         (json_int_t)r->n, (json_int_t)r->pn);
    if (kind == HUB_NATIONAL_EL)
        return json_pack("[s,s,s,s,I,I,I]", r->unit, r->field,
                         r->instrument, r->element, (json_int_t)r->n,
                         (json_int_t)r->pn, (json_int_t)r->approx);
    return json_pack("[s,s,s,s,I]", r->unit, r->field, r->instrument,
                     r->officer, (json_int_t)r->complete);
}

json_t *hub_natpush_to_json(const hub_national_push_t *p)
{
    json_t *o = json_pack("{s:s, s:s, s:I}", "province", p->province, "month",
                          p->month, "seq", (json_int_t)p->seq);
    int kind;
    size_t i;

    for (kind = 0; o && kind < HUB_NATIONAL_KINDS; kind++) {
        json_t *list = json_array();

        for (i = 0; list && i < p->n[kind]; i++)
            if (json_array_append_new(
                    list, hub_natpush_row_json(kind, &p->rows[kind][i])) != 0) {
                json_decref(list);
                list = NULL;
            }
        if (!list || json_object_set_new(o, hub_natpush_lists[kind], list) !=
                         0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

/* Whether host (up to the port or path) is the loopback one. */
static int hub_natpush_is_loopback(const char *host)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    size_t i, n;

    for (i = 0; i < sizeof(names) / sizeof(*names); i++) {
        n = strlen(names[i]);
        if (strncmp(host, names[i], n) == 0 &&
            (host[n] == '\0' || host[n] == ':' || host[n] == '/'))
            return 1;
    }
    return 0;
}

/* A link the national dashboard may show: https://, or http:// to this
 * machine (tests), with a host, in characters that need no quoting. */
static int hub_natpush_url_ok(const char *url)
{
    size_t i, n = strlen(url);
    const char *host;

    if (n > HUB_NATPUSH_URL_MAX)
        return 0;
    for (i = 0; i < n; i++)
        if (url[i] <= ' ' || url[i] > '~' || strchr("\"'<>\\`", url[i]))
            return 0;
    if (strncmp(url, "https://", 8) == 0)
        host = url + 8;
    else if (strncmp(url, "http://", 7) == 0 &&
             hub_natpush_is_loopback(url + 7))
        host = url + 7;
    else
        return 0;
    return host[0] != '\0' && host[0] != '/' && host[0] != ':' &&
           !strchr(host, '@');
}

int hub_natpush_parse_targets(const char *body, size_t len,
                              hub_natpush_targets_t *out, hub_problem_t *pb)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *p = json_string_value(json_object_get(root, "province"));
    const char *s = json_string_value(json_object_get(root, "slug"));
    const json_t *dash = json_object_get(root, "dashboard");
    json_t *file = json_object_get(root, "targets");
    targets_t *t = NULL;
    err_t err;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!json_is_object(root) ||
        json_object_size(root) != (dash ? 4u : 3u) || !json_is_object(file))
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "the body is {\"province\", \"slug\","
                        " \"targets\": {a targets file}, \"dashboard\"}");
    else if (!p || !hub_valid_code(p))
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "province must be a unit code");
    else if (!s || (strcmp(s, TARGETS_ALL_PROVINCES) != 0 &&
                    !jsonload_is_word(s, TARGETS_SLUG_MAX,
                                      jsonload_is_slug_char)))
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "slug must be \"*\" or a province slug");
    else if (dash && (!json_is_string(dash) ||
                      !hub_natpush_url_ok(json_string_value(dash))))
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "dashboard must be an https:// address (http:// on"
                        " loopback) of at most %d plain characters",
                        HUB_NATPUSH_URL_MAX);
    else if (!(out->text = json_dumps(file, JSON_COMPACT)))
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
    else {
        err_clear(&err);
        if (targets_parse(out->text, strlen(out->text), "targets", &t,
                          &err) != 0) {
            char msg[256];

            err_format(&err, msg, sizeof(msg));
            hub_problem_set(pb, HUB_PROBLEM_INVALID, "%s", msg);
        } else {
            snprintf(out->province, sizeof(out->province), "%s", p);
            snprintf(out->slug, sizeof(out->slug), "%s", s);
            snprintf(out->dashboard, sizeof(out->dashboard), "%s",
                     dash ? json_string_value(dash) : "");
            rc = 0;
        }
        targets_free(t);
    }
    if (rc != 0) {
        free(out->text);
        out->text = NULL;
    }
    json_decref(root);
    return rc;
}

json_t *hub_natpush_targets_json(const char *province, const char *slug,
                                 const char *dashboard,
                                 const char *file_text, size_t len)
{
    json_t *file = json_loadb(file_text, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *o;

    if (!json_is_object(file)) {
        json_decref(file);
        return NULL;
    }
    o = json_pack("{s:s, s:s, s:o}", "province", province, "slug", slug,
                  "targets", file);
    if (o && dashboard &&
        json_object_set_new(o, "dashboard", json_string(dashboard)) != 0) {
        json_decref(o);
        o = NULL;
    }
    return o;
}
