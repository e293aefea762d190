/*
 * Checking an upload: every rule before anything is written, so a request
 * that breaks one changes nothing.
 */
#include "hub/domain/ingest.h"

#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/vntime.h"
#include "hub/base/valid.h"
#include "hub/domain/dossiers.h"
#include "hub/domain/ingest_rows.h"
#include "hub/domain/ingest_stream.h"
#include "hub/domain/jv.h"
#include "hub/store/rowkey.h"

static const char *const hub_ingest_top_keys[] = {
    "format",    "install_id", "upload_id", "upto_seq",
    "days",      "heartbeat",  "dossiers",  NULL,
};
static const char *const hub_ingest_dos_keys[] = {
    "seq",     "dossier",    "at",      "day",     "estimated", "unit",
    "field",   "instrument", "version", "partial", "answers",   NULL,
};

static const char *const hub_ingest_day_keys[] = {
    "day", "estimated", "responses", "answers", "elements", NULL,
};

/* Objects and arrays an upload can hold: the body, its heartbeat, the
 * days array, each day with its three arrays, each row; plus room for
 * uploads that break a limit by a little, so they get the message that
 * names the limit. */
#define HUB_INGEST_CONTAINERS_MAX                                     \
    (3 + 4 * HUB_INGEST_DAYS_MAX + HUB_INGEST_ROWS_MAX +                \
     2 * HUB_DOSSIER_ROWS_MAX + 1000)

/* Row identity for the duplicate check: a hash to sort by, and where the
 * row is. */
typedef struct hub_ingest_key {
    uint64_t hash;
    size_t row;
} hub_ingest_key_t;

/* ---- duplicates ------------------------------------------------------ */

/* The day's index goes first into a row's hash: one sort serves every
 * day of the upload. */
static uint64_t hub_ingest_hash_dims(size_t day, const hub_dims_t *d)
{
    return hub_rowkey_dims(hub_rowkey_int(HUB_ROWKEY_SEED, (int64_t)day), d);
}

static int hub_ingest_cmp_key(const void *pa, const void *pb)
{
    const hub_ingest_key_t *a = pa, *b = pb;

    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

static size_t hub_ingest_kind_rows(const hub_upload_t *up, int kind)
{
    return kind == HUB_INGEST_ANS  ? up->n_ans
           : kind == HUB_INGEST_EL ? up->n_el
                                   : up->n_resp;
}

/* The slice of one day's rows of a kind. */
static void hub_ingest_kind_slice(const hub_day_t *d, int kind, size_t *first,
                                  size_t *n)
{
    *first = kind == HUB_INGEST_ANS  ? d->ans_first
             : kind == HUB_INGEST_EL ? d->el_first
                                     : d->resp_first;
    *n = kind == HUB_INGEST_ANS  ? d->ans_n
         : kind == HUB_INGEST_EL ? d->el_n
                                 : d->resp_n;
}

/* Which day a global row index belongs to, and its index in that day. */
static void hub_ingest_locate(const hub_upload_t *up, size_t row, int kind,
                              size_t *day, size_t *index)
{
    size_t i, first, n;

    for (i = 0; i < up->n_days; i++) {
        hub_ingest_kind_slice(&up->days[i], kind, &first, &n);
        if (row >= first && row < first + n) {
            *day = i;
            *index = row - first;
            return;
        }
    }
    *day = *index = 0;
}

/* The identity hash of row j of a kind, day i. */
static uint64_t hub_ingest_hash_row(const hub_upload_t *up, int kind,
                                    size_t day, size_t j)
{
    uint64_t h = hub_rowkey_int(HUB_ROWKEY_SEED, (int64_t)day);

    if (kind == HUB_INGEST_RESP)
        return hub_rowkey_dims(h, &up->resp[j].d);
    if (kind == HUB_INGEST_EL)
        return hub_rowkey_el(h, &up->el[j]);
    return hub_rowkey_ans(h, &up->ans[j]);
}

/* Whether rows a and b of a kind (of one day: the hashes said so) have
 * the same key. */
static int hub_ingest_same_row(const hub_upload_t *up, int kind, size_t a,
                               size_t b)
{
    if (kind == HUB_INGEST_RESP)
        return hub_rowkey_same_dims(&up->resp[a].d, &up->resp[b].d);
    if (kind == HUB_INGEST_EL)
        return hub_rowkey_same_el(&up->el[a], &up->el[b]);
    return hub_rowkey_same_ans(&up->ans[a], &up->ans[b]);
}

/* Every row of a kind keyed by its hash, sorted; NULL when out of
 * memory (*pb set). The caller frees the array. */
static hub_ingest_key_t *hub_ingest_sort_keys(const hub_upload_t *up,
                                              int kind, hub_problem_t *pb)
{
    size_t n = hub_ingest_kind_rows(up, kind), i, j, first, cnt;
    hub_ingest_key_t *keys = calloc(n + 1, sizeof(*keys));

    if (!keys) {
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
        return NULL;
    }
    for (i = 0; i < up->n_days; i++) {
        hub_ingest_kind_slice(&up->days[i], kind, &first, &cnt);
        for (j = first; j < first + cnt; j++) {
            keys[j].hash = hub_ingest_hash_row(up, kind, i, j);
            keys[j].row = j;
        }
    }
    qsort(keys, n, sizeof(*keys), hub_ingest_cmp_key);
    return keys;
}

/* Two rows of one day with the same dimensions would make the day's
 * counts depend on how the hub adds them up; the kiosk never sends such a
 * pair, so one is a fault worth refusing. Sorting hashes keeps this
 * O(n log n) for 20,000 rows. */
static int hub_ingest_check_dups(const hub_upload_t *up, int kind,
                                 hub_problem_t *pb)
{
    size_t n = hub_ingest_kind_rows(up, kind);
    hub_ingest_key_t *keys;
    size_t i, j, day, a, b;

    if (n < 2)
        return 0;
    if (!(keys = hub_ingest_sort_keys(up, kind, pb)))
        return -1;
    for (i = 1; i < n; i++) {
        if (keys[i].hash != keys[i - 1].hash)
            continue;
        a = keys[i - 1].row;
        b = keys[i].row;
        if (!hub_ingest_same_row(up, kind, a, b))
            continue;
        hub_ingest_locate(up, b, kind, &day, &j);
        hub_ingest_locate(up, a, kind, &day, &i);
        free(keys);
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "days[%zu].%s[%zu]: repeats the key of %s[%zu]; each"
                        " combination may appear once a day",
                        day, hub_ingest_rows_name(kind), j,
                        hub_ingest_rows_name(kind), i);
        return -1;
    }
    free(keys);
    return 0;
}

/* The responses of the day and dimensions of element row e (complete or
 * partial as the row says), found among the sorted response keys; -1
 * when the day has no such response row. */
static int64_t hub_ingest_find_responses(const hub_upload_t *up,
                                         const hub_ingest_key_t *keys,
                                         size_t day, size_t e)
{
    uint64_t h = hub_ingest_hash_dims(day, &up->el[e].d);
    size_t lo = 0, hi = up->n_resp, mid;
    const hub_resp_row_t *r;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        if (keys[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < up->n_resp && keys[lo].hash == h; lo++) {
        r = &up->resp[keys[lo].row];
        if (keys[lo].row >= up->days[day].resp_first &&
            keys[lo].row < up->days[day].resp_first + up->days[day].resp_n &&
            hub_rowkey_same_dims(&r->d, &up->el[e].d))
            return up->el[e].partial ? r->partial : r->complete;
    }
    return -1;
}

/* A response is counted at most once per element, so an element row
 * can never exceed the responses of its day and dimensions: more means
 * a kiosk that counts wrong, and its figures would be weighed wrong. */
static int hub_ingest_check_el_counts(const hub_upload_t *up,
                                      hub_problem_t *pb)
{
    hub_ingest_key_t *keys;
    size_t i, j;
    int64_t have;

    if (up->n_el == 0)
        return 0;
    if (!(keys = hub_ingest_sort_keys(up, HUB_INGEST_RESP, pb)))
        return -1;
    for (i = 0; i < up->n_days; i++) {
        const hub_day_t *d = &up->days[i];

        for (j = d->el_first; j < d->el_first + d->el_n; j++) {
            have = hub_ingest_find_responses(up, keys, i, j);
            if (up->el[j].n <= have)
                continue;
            free(keys);
            hub_problem_set(pb, HUB_PROBLEM_INVALID,
                            "days[%zu].elements[%zu]: n %lld is more than"
                            " the %s responses of its dimensions that day"
                            " (%lld)",
                            i, j - d->el_first, (long long)up->el[j].n,
                            up->el[j].partial ? "partial" : "complete",
                            (long long)(have < 0 ? 0 : have));
            return -1;
        }
    }
    free(keys);
    return 0;
}

/* ---- days ------------------------------------------------------------ */

/* Counts the rows first, so nothing is allocated for an upload that is
 * over the limit, and the arrays are exactly as large as needed. */
static int hub_ingest_count_rows(const json_t *days, size_t *n_resp,
                                 size_t *n_ans, size_t *n_el,
                                 hub_problem_t *pb)
{
    const json_t *day, *a;
    size_t i, total = 0;

    *n_resp = *n_ans = *n_el = 0;
    json_array_foreach(days, i, day) {
        a = json_object_get(day, "responses");
        if (json_is_array(a))
            *n_resp += json_array_size(a);
        a = json_object_get(day, "answers");
        if (json_is_array(a))
            *n_ans += json_array_size(a);
        a = json_object_get(day, "elements");
        if (json_is_array(a))
            *n_el += json_array_size(a);
        total = *n_resp + *n_ans + *n_el;
        if (total > HUB_INGEST_ROWS_MAX) {
            hub_problem_set(pb, HUB_PROBLEM_INVALID,
                            "days: more than %d rows in one upload; send"
                            " smaller batches",
                            HUB_INGEST_ROWS_MAX);
            return -1;
        }
    }
    return 0;
}

static int hub_ingest_read_day_text(const json_t *v, const char *path,
                                    int64_t now_ms, hub_day_t *d,
                                    hub_problem_t *pb)
{
    char p[HUB_JV_PATH_MAX];
    int64_t ms, first, last;

    if (hub_jv_read_text(v, path, "day", HUB_JV_REQUIRED, hub_valid_code,
                         "a date YYYY-MM-DD", &d->day, pb) < 0)
        return -1;
    ms = vntime_parse_date(d->day);
    first = vntime_parse_date(HUB_INGEST_FIRST_DAY);
    last = vntime_get_day_start(now_ms) +
           HUB_INGEST_FUTURE_DAYS * VNTIME_DAY_MS;
    hub_jv_path_key(p, sizeof(p), path, "day");
    if (ms == -1) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "%s: not a valid date (YYYY-MM-DD)", p);
        return -1;
    }
    if (ms < first || ms > last) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "%s: %s is outside %s .. two days after the hub's"
                        " date",
                        p, d->day, HUB_INGEST_FIRST_DAY);
        return -1;
    }
    return 0;
}

/* The path of row j of a day's list, for reading a refused row again:
 * the refusal is then written with it. */
static void hub_ingest_row_path(char *rp, size_t cap, const char *path,
                                const char *list, size_t j, hub_problem_t *pb)
{
    char key[HUB_JV_PATH_MAX];

    hub_jv_path_key(key, sizeof(key), path, list);
    hub_jv_path_index(rp, cap, key, j);
    hub_problem_init(pb);
}

/* Row j of a kind into the next free row of up; -1 with *pb naming the
 * row's field. */
static int hub_ingest_read_row(hub_upload_t *up, int kind, const json_t *row,
                               const char *path, size_t j, hub_problem_t *pb)
{
    char rp[HUB_JV_PATH_MAX];
    void *out = kind == HUB_INGEST_ANS  ? (void *)&up->ans[up->n_ans]
                : kind == HUB_INGEST_EL ? (void *)&up->el[up->n_el]
                                        : (void *)&up->resp[up->n_resp];

    /* A row's path ("days[0].answers[17]") is written only for a row
     * refused, by reading it again: a path per row cost more than the
     * checks it labels. */
    if (hub_ingest_rows_read_json(kind, row, "", out, pb) != 0) {
        hub_ingest_row_path(rp, sizeof(rp), path, hub_ingest_rows_name(kind),
                            j, pb);
        (void)hub_ingest_rows_read_json(kind, row, rp, out, pb);
        return -1;
    }
    if (kind == HUB_INGEST_ANS)
        up->n_ans++;
    else if (kind == HUB_INGEST_EL)
        up->n_el++;
    else
        up->n_resp++;
    return 0;
}

/* The rows of a day's list of a kind, after the upload's of that kind. */
static int hub_ingest_read_rows(hub_upload_t *up, int kind,
                                const json_t *rows, const char *path,
                                size_t *first, size_t *n, hub_problem_t *pb)
{
    const json_t *row;
    size_t j;

    *first = kind == HUB_INGEST_ANS  ? up->n_ans
             : kind == HUB_INGEST_EL ? up->n_el
                                     : up->n_resp;
    *n = json_array_size(rows);
    json_array_foreach(rows, j, row) {
        if (hub_ingest_read_row(up, kind, row, path, j, pb) != 0)
            return -1;
    }
    return 0;
}

/* Day i: its own members, and its rows unless the streaming reader has
 * read them already (rows_read). */
static int hub_ingest_read_day(hub_upload_t *up, const json_t *v, size_t i,
                               int64_t now_ms, int rows_read,
                               hub_problem_t *pb)
{
    char path[HUB_JV_PATH_MAX];
    const json_t *resp = NULL, *ans = NULL, *el = NULL;
    hub_day_t *d = &up->days[i];
    size_t k;

    hub_jv_path_index(path, sizeof(path), "days", i);
    if (hub_jv_check_object(v, path, hub_ingest_day_keys, pb) != 0 ||
        hub_ingest_read_day_text(v, path, now_ms, d, pb) != 0 ||
        hub_jv_read_int(v, path, "estimated", HUB_JV_REQUIRED, 0,
                        HUB_INGEST_COUNT_MAX, &d->estimated, pb) < 0 ||
        hub_jv_read_array(v, path, "responses", HUB_JV_REQUIRED,
                          HUB_INGEST_ROWS_MAX, &resp, pb) < 0 ||
        hub_jv_read_array(v, path, "answers", HUB_JV_REQUIRED,
                          HUB_INGEST_ROWS_MAX, &ans, pb) < 0 ||
        (d->has_elements =
             hub_jv_read_array(v, path, "elements", HUB_JV_OPTIONAL,
                               HUB_INGEST_ROWS_MAX, &el, pb)) < 0)
        return -1;
    if (d->has_elements && up->format < HUB_INGEST_FORMAT) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "%s.elements: needs \"format\": %d", path,
                        HUB_INGEST_FORMAT);
        return -1;
    }
    for (k = 0; k < i; k++) {
        if (strcmp(up->days[k].day, d->day) == 0) {
            hub_problem_set(pb, HUB_PROBLEM_INVALID,
                            "%s.day: %s appears twice (also days[%zu])", path,
                            d->day, k);
            return -1;
        }
    }
    if (!rows_read &&
        (hub_ingest_read_rows(up, HUB_INGEST_RESP, resp, path,
                              &d->resp_first, &d->resp_n, pb) != 0 ||
         hub_ingest_read_rows(up, HUB_INGEST_ANS, ans, path, &d->ans_first,
                              &d->ans_n, pb) != 0 ||
         hub_ingest_read_rows(up, HUB_INGEST_EL, el, path, &d->el_first,
                              &d->el_n, pb) != 0))
        return -1;
    up->n_days++;
    return 0;
}

/* The rows' arrays, as large as the rows of every day. */
static int hub_ingest_alloc_rows(hub_upload_t *up, const json_t *days,
                                 hub_problem_t *pb)
{
    size_t n_resp, n_ans, n_el;

    if (hub_ingest_count_rows(days, &n_resp, &n_ans, &n_el, pb) != 0)
        return -1;
    /* calloc(0) may return NULL; one spare element keeps the check
     * meaningful. */
    up->resp = calloc(n_resp + 1, sizeof(*up->resp));
    up->ans = calloc(n_ans + 1, sizeof(*up->ans));
    up->el = calloc(n_el + 1, sizeof(*up->el));
    if (!up->resp || !up->ans || !up->el) {
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
        return -1;
    }
    return 0;
}

static int hub_ingest_read_days(hub_upload_t *up, const json_t *days,
                                int64_t now_ms, int rows_read,
                                hub_problem_t *pb)
{
    size_t i;
    const json_t *v;

    if (!rows_read && hub_ingest_alloc_rows(up, days, pb) != 0)
        return -1;
    json_array_foreach(days, i, v)
    {
        if (hub_ingest_read_day(up, v, i, now_ms, rows_read, pb) != 0)
            return -1;
    }
    if (hub_ingest_check_dups(up, HUB_INGEST_RESP, pb) != 0 ||
        hub_ingest_check_dups(up, HUB_INGEST_ANS, pb) != 0 ||
        hub_ingest_check_dups(up, HUB_INGEST_EL, pb) != 0 ||
        hub_ingest_check_el_counts(up, pb) != 0)
        return -1;
    return 0;
}

/* ---- dossier-bound ratings ------------------------------------------- */

/* One answer "question=answer" split into q and a; 0 when both are
 * codes. */
static int hub_ingest_split_answer(const char *text, char *q, char *a)
{
    const char *eq = text ? strchr(text, '=') : NULL;
    size_t nq;

    if (!eq)
        return -1;
    nq = (size_t)(eq - text);
    if (nq > HUB_CODE_MAX || strlen(eq + 1) > HUB_CODE_MAX)
        return -1;
    memcpy(q, text, nq);
    q[nq] = '\0';
    memcpy(a, eq + 1, strlen(eq + 1) + 1);
    return hub_valid_code(q) && hub_valid_code(a) ? 0 : -1;
}

/* The answers of one rating ("question=answer" strings: a multi-choice
 * question gives one per option chosen) as the JSON the export shows,
 * kept as sent, in the kiosk's order, and the verdict drawn from them. */
static int hub_ingest_read_dos_answers(const json_t *v, const char *path,
                                       hub_dossier_row_t *row,
                                       size_t *total, hub_problem_t *pb)
{
    static _Thread_local char q[HUB_DOSSIER_ANSWERS_MAX][HUB_CODE_MAX + 1];
    static _Thread_local char a[HUB_DOSSIER_ANSWERS_MAX][HUB_CODE_MAX + 1];
    const char *qs[HUB_DOSSIER_ANSWERS_MAX], *as[HUB_DOSSIER_ANSWERS_MAX];
    char key[HUB_JV_PATH_MAX];
    const json_t *arr = NULL, *x;
    json_t *out;
    size_t j;

    if (hub_jv_read_array(v, path, "answers", HUB_JV_REQUIRED,
                          HUB_DOSSIER_ANSWERS_MAX, &arr, pb) < 0)
        return -1;
    *total += json_array_size(arr);
    if (*total > HUB_INGEST_DOS_ANSWERS_MAX) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "dossiers: more than %d answers in one upload; send"
                        " smaller batches",
                        HUB_INGEST_DOS_ANSWERS_MAX);
        return -1;
    }
    hub_jv_path_key(key, sizeof(key), path, "answers");
    json_array_foreach(arr, j, x) {
        if (hub_ingest_split_answer(json_string_value(x), q[j], a[j]) != 0) {
            hub_problem_set(pb, HUB_PROBLEM_INVALID,
                            "%s[%zu]: must be \"question=answer\", both"
                            " codes",
                            key, j);
            return -1;
        }
        qs[j] = q[j];
        as[j] = a[j];
    }
    out = json_array();
    for (j = 0; out && j < json_array_size(arr); j++)
        if (json_array_append_new(out, json_pack("{s:s, s:s}", "question",
                                                 qs[j], "answer", as[j])) !=
            0) {
            json_decref(out);
            out = NULL;
        }
    row->satisfied = (int)hub_dossier_judge(qs, as, (int)json_array_size(arr));
    row->answers_json = out ? json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS)
                            : NULL;
    json_decref(out);
    if (!row->answers_json) {
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
        return -1;
    }
    return 0;
}

/* The day a rating counts in is the local day of its corrected time,
 * unless the kiosk could not correct its clock (estimated): it then
 * counts on the day the kiosk chose, as its snapshots do. */
static int hub_ingest_read_dos_time(const json_t *v, const char *path,
                                    int64_t now_ms, hub_dossier_row_t *row,
                                    hub_problem_t *pb)
{
    char day[16], p[HUB_JV_PATH_MAX];
    hub_day_t d;

    memset(&d, 0, sizeof(d));
    if (hub_jv_read_int(v, path, "at", HUB_JV_REQUIRED, 0,
                        HUB_JV_SAFE_INT_MAX, &row->at_ms, pb) < 0 ||
        hub_ingest_read_day_text(v, path, now_ms, &d, pb) != 0 ||
        hub_jv_read_int(v, path, "estimated", HUB_JV_REQUIRED, 0, 1,
                        &row->estimated, pb) < 0)
        return -1;
    row->day = d.day;
    if (row->estimated)
        return 0;
    if (vntime_format_date(row->at_ms, day, sizeof(day)) != 0 ||
        strcmp(day, row->day) != 0) {
        hub_jv_path_key(p, sizeof(p), path, "day");
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "%s: %s is not the local day of \"at\" (%s) and"
                        " the time is not estimated",
                        p, row->day, day);
        return -1;
    }
    return 0;
}

static int hub_ingest_read_dos(const hub_upload_t *up, const json_t *v,
                               const char *path, int64_t now_ms,
                               hub_dossier_row_t *row, size_t *answers,
                               hub_problem_t *pb)
{
    row->field = "";
    if (hub_jv_check_object(v, path, hub_ingest_dos_keys, pb) != 0 ||
        hub_jv_read_int(v, path, "seq", HUB_JV_REQUIRED, 1, up->upto_seq,
                        &row->seq, pb) < 0 ||
        hub_jv_read_code(v, path, "dossier", HUB_JV_REQUIRED, &row->dossier,
                         pb) < 0 ||
        hub_ingest_read_dos_time(v, path, now_ms, row, pb) != 0 ||
        hub_jv_read_code(v, path, "unit", HUB_JV_REQUIRED, &row->unit, pb) <
            0 ||
        hub_jv_read_code(v, path, "field", HUB_JV_NULLABLE | HUB_JV_EMPTY,
                         &row->field, pb) < 0 ||
        hub_jv_read_code(v, path, "instrument", HUB_JV_REQUIRED,
                         &row->instrument, pb) < 0 ||
        hub_jv_read_int(v, path, "version", HUB_JV_REQUIRED, 0,
                        HUB_INGEST_COUNT_MAX, &row->version, pb) < 0 ||
        hub_jv_read_int(v, path, "partial", HUB_JV_REQUIRED, 0, 1,
                        &row->partial, pb) < 0)
        return -1;
    return hub_ingest_read_dos_answers(v, path, row, answers, pb);
}

static int hub_ingest_cmp_seq(const void *pa, const void *pb)
{
    const int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

    return a < b ? -1 : a > b;
}

/* One rating per response: a seq twice in one upload is a fault. */
static int hub_ingest_check_dos_dups(const hub_upload_t *up,
                                     hub_problem_t *pb)
{
    int64_t *seqs;
    size_t i;

    if (up->n_dos < 2)
        return 0;
    seqs = calloc(up->n_dos, sizeof(*seqs));
    if (!seqs) {
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
        return -1;
    }
    for (i = 0; i < up->n_dos; i++)
        seqs[i] = up->dos[i].seq;
    qsort(seqs, up->n_dos, sizeof(*seqs), hub_ingest_cmp_seq);
    for (i = 1; i < up->n_dos; i++) {
        if (seqs[i] == seqs[i - 1]) {
            hub_problem_set(pb, HUB_PROBLEM_INVALID,
                            "dossiers: seq %lld appears twice; a response"
                            " is rated once",
                            (long long)seqs[i]);
            free(seqs);
            return -1;
        }
    }
    free(seqs);
    return 0;
}

static int hub_ingest_read_dossiers(hub_upload_t *up, int64_t now_ms,
                                    hub_problem_t *pb)
{
    char path[HUB_JV_PATH_MAX];
    const json_t *arr = NULL, *v;
    size_t i, answers = 0;
    int rc;

    rc = hub_jv_read_array(up->root, "", "dossiers", HUB_JV_OPTIONAL,
                           HUB_DOSSIER_ROWS_MAX, &arr, pb);
    if (rc <= 0)
        return rc;
    up->dos = calloc(json_array_size(arr) + 1, sizeof(*up->dos));
    if (!up->dos) {
        hub_problem_set(pb, HUB_PROBLEM_NO_MEMORY, "out of memory");
        return -1;
    }
    json_array_foreach(arr, i, v) {
        hub_jv_path_index(path, sizeof(path), "dossiers", i);
        /* Counted first, so that hub_ingest_free() releases the answers
         * text of a row that failed half-way. */
        up->n_dos++;
        if (hub_ingest_read_dos(up, v, path, now_ms, &up->dos[i], &answers,
                                pb) != 0)
            return -1;
    }
    return hub_ingest_check_dos_dups(up, pb);
}

/* ---- the body -------------------------------------------------------- */

static int hub_ingest_is_install_id(const char *s)
{
    return hex_is_lower(s, HUB_INSTALL_ID_LEN);
}

/* Parsed JSON takes far more memory than its text: 1 MiB of "{}," is
 * over 70 MiB of objects. Counting braces and brackets outside strings
 * first refuses such a body before it costs anything. */
static int hub_ingest_check_shape(const char *body, size_t len,
                                  hub_problem_t *pb)
{
    size_t i, containers = 0;
    int in_string = 0;

    for (i = 0; i < len; i++) {
        if (in_string) {
            if (body[i] == '\\')
                i++;
            else if (body[i] == '"')
                in_string = 0;
        } else if (body[i] == '"') {
            in_string = 1;
        } else if (body[i] == '{' || body[i] == '[') {
            containers++;
        }
    }
    if (containers <= HUB_INGEST_CONTAINERS_MAX)
        return 0;
    hub_problem_set(pb, HUB_PROBLEM_INVALID,
                    "more objects and arrays than an upload can hold (%d)",
                    HUB_INGEST_CONTAINERS_MAX);
    return -1;
}

/* The checks of everything but the rows' own members, on up->root:
 * jansson's tree of the whole body, or the streaming reader's of all but
 * its rows (rows_read). */
static int hub_ingest_check_body(hub_upload_t *up, int64_t now_ms,
                                 int rows_read, hub_problem_t *pb)
{
    const json_t *days = NULL, *hb;

    if (hub_jv_check_object(up->root, "", hub_ingest_top_keys, pb) != 0 ||
        hub_jv_read_int(up->root, "", "format", HUB_JV_OPTIONAL, 1,
                        HUB_INGEST_FORMAT, &up->format, pb) < 0 ||
        hub_jv_read_text(up->root, "", "install_id", HUB_JV_REQUIRED,
                         hub_ingest_is_install_id, "32 lowercase hex digits",
                         &up->install_id, pb) < 0 ||
        hub_jv_read_text(up->root, "", "upload_id", HUB_JV_REQUIRED,
                         hub_valid_upload_id,
                         "1 to 128 letters, digits, '.', '_', '-' or ':'",
                         &up->upload_id, pb) < 0 ||
        hub_jv_read_int(up->root, "", "upto_seq", HUB_JV_REQUIRED, 1,
                        HUB_JV_SAFE_INT_MAX, &up->upto_seq, pb) < 0 ||
        hub_jv_read_array(up->root, "", "days", HUB_JV_REQUIRED,
                          HUB_INGEST_DAYS_MAX, &days, pb) < 0)
        return -1;
    hb = json_object_get(up->root, "heartbeat");
    if (hb) {
        if (hub_heartbeat_parse(hb, "heartbeat", &up->heartbeat, pb) != 0)
            return -1;
        up->has_heartbeat = 1;
    }
    if (hub_ingest_read_days(up, days, now_ms, rows_read, pb) != 0)
        return -1;
    return hub_ingest_read_dossiers(up, now_ms, pb) < 0 ? -1 : 0;
}

int hub_ingest_parse_tree(const char *body, size_t len, int64_t now_ms,
                          hub_upload_t *up, hub_problem_t *pb)
{
    json_error_t jerr;

    memset(up, 0, sizeof(*up));
    up->format = 1;
    if (len > HUB_INGEST_BODY_MAX) {
        hub_problem_set(pb, HUB_PROBLEM_TOO_LARGE,
                        "the body is over %d bytes; send smaller batches",
                        HUB_INGEST_BODY_MAX);
        return -1;
    }
    if (hub_ingest_check_shape(body, len, pb) != 0)
        return -1;
    /* Duplicate keys are refused: with two "complete" members, which one
     * counts would be up to the parser. jansson also caps nesting depth,
     * so a deeply nested body is an error, not a stack overflow. */
    up->root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!up->root) {
        hub_problem_set(pb, HUB_PROBLEM_INVALID,
                        "not valid JSON at line %d, column %d: %s", jerr.line,
                        jerr.column, jerr.text);
        return -1;
    }
    return hub_ingest_check_body(up, now_ms, 0, pb);
}

int hub_ingest_parse(const char *body, size_t len, int64_t now_ms,
                     hub_upload_t *up, hub_problem_t *pb)
{
    memset(up, 0, sizeof(*up));
    up->format = 1;
    if (len <= HUB_INGEST_BODY_MAX &&
        hub_ingest_stream_read(body, len, HUB_INGEST_CONTAINERS_MAX, up) ==
            1 &&
        hub_ingest_check_body(up, now_ms, 1, pb) == 0)
        return 0;
    /* Refused, or not plain enough for the streaming reader: jansson reads
     * it again (the shape first), and its refusal is the one the kiosk
     * gets. */
    hub_ingest_free(up);
    hub_problem_init(pb);
    return hub_ingest_parse_tree(body, len, now_ms, up, pb);
}

void hub_ingest_free(hub_upload_t *up)
{
    size_t i;

    for (i = 0; up->dos && i < up->n_dos; i++)
        free(up->dos[i].answers_json);
    free(up->dos);
    free(up->resp);
    free(up->ans);
    free(up->el);
    free(up->text);
    json_decref(up->root);
    memset(up, 0, sizeof(*up));
}
