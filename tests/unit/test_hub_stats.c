/*
 * Hub statistics on a real SQLite file, with every count put in through
 * the real ingest (hub_ingest_apply, what POST /api/v1/ingest runs):
 * golden totals by group and period (quarter and half boundaries at local
 * midnight), summaries equal to the day snapshots after replacements,
 * scopes and 403, officer suppression, intervals, method, Circular 01,
 * reasons, rollup after a merge and a rename, targets at the threshold,
 * CSV, no data as null, the unit history and the units listing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/targets.h"
#include "core/vntime.h"
#include "hub/api/api.h"
#include "hub/api/api_stats.h"
#include "hub/api/csvout.h"
#include "hub/base/crypto.h"
#include "hub/base/intern.h"
#include "hub/base/ratelimit.h"
#include "hub/domain/ingest.h"
#include "hub/domain/periods.h"
#include "hub/domain/stats.h"
#include "hub/store/db_sql.h"
#include "hub/store/kiosks.h"
#include "hub/store/tokens.h"
#include "hub/store/units.h"
#include "hub/store/unittree.h"

#include "testutil.h"

#define K1 "00000000000000000000000000000001" /* XA1 */
#define K2 "00000000000000000000000000000002" /* XA2 */
#define K3 "00000000000000000000000000000003" /* XB1 */
#define HOUR_MS INT64_C(3600000)

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_ctx_t ctx;
    hub_reply_t r;
    int64_t now;
    int64_t seq[4];
    char province[HUB_TOKEN_TEXT], district[HUB_TOKEN_TEXT];
} fixture_t;

/* ---- fixture ---------------------------------------------------------- */

static void add_unit(hub_db_t *db, const char *code, const char *name,
                     const char *parent)
{
    assert_int_equal(hub_units_add(db, code, name, parent, 1), HUB_OK);
}

static void enroll(hub_db_t *db, const char *id, const char *unit)
{
    unsigned char hash[HUB_SHA256_LEN];

    assert_int_equal(hub_crypto_hash_text("secret", hash), 0);
    assert_int_equal(hub_kiosks_enroll(db, id, unit, "Q1", "0.1.0", hash, 1),
                     HUB_OK);
}

static void new_token(fixture_t *f, const char *unit, char *out)
{
    int64_t id;

    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_tokens_add(f->ctx.db, unit, f->now, out, &id), HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
}

/*   TINH
 *    +- HA: XA1, XA2
 *    +- HB: XB1            kiosks K1 in XA1, K2 in XA2, K3 in XB1 */
static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    hub_db_options_t opt = {1, 1, 0};
    hub_db_t *db;

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->root, sizeof(f->root), "sipas-hubstats") !=
        0)
        return -1;
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (hub_db_open(f->db_path, &opt, &f->ctx.db) != HUB_OK)
        return -1;
    f->ctx.kiosk_limit = hub_ratelimit_new(0, 60000, 100);
    f->ctx.enroll_limit = hub_ratelimit_new(0, 60000, 100);
    f->now = vntime_parse_date("2027-06-01") + 10 * HOUR_MS;
    hub_reply_init(&f->r);
    db = f->ctx.db;
    assert_int_equal(hub_db_begin_write(db), HUB_OK);
    add_unit(db, "TINH", "Tỉnh Mẫu", NULL);
    add_unit(db, "HA", "Huyện A", "TINH");
    add_unit(db, "HB", "Huyện B", "TINH");
    add_unit(db, "XA1", "Xã 1", "HA");
    add_unit(db, "XA2", "Xã 2", "HA");
    add_unit(db, "XB1", "Xã B1", "HB");
    enroll(db, K1, "XA1");
    enroll(db, K2, "XA2");
    enroll(db, K3, "XB1");
    assert_int_equal(hub_db_commit(db), HUB_OK);
    new_token(f, NULL, f->province);
    new_token(f, "HA", f->district);
    hub_api_stats_configure(NULL, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc;

    hub_api_stats_configure(NULL, NULL);
    hub_api_stats_set_floor(HUB_STATS_MIN_GROUP_DEFAULT);
    hub_reply_clear(&f->r);
    hub_ratelimit_free(f->ctx.kiosk_limit);
    hub_ratelimit_free(f->ctx.enroll_limit);
    hub_db_close(f->ctx.db);
    rc = testutil_remove_tree(f->root);
    free(f);
    return rc;
}

/* ---- uploads through the real ingest ---------------------------------- */

typedef struct dims {
    const char *unit, *counter, *officer, *field, *instrument;
} dims_t;

static json_t *row_of(const dims_t *d)
{
    json_t *o = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:i}", "unit", d->unit, "counter",
        d->counter ? d->counter : "Q1", "officer", d->officer ? d->officer : "",
        "field", d->field ? d->field : "dat-dai", "instrument",
        d->instrument ? d->instrument : "sipas-short", "version", 1);

    assert_non_null(o);
    return o;
}

static json_t *new_day(const char *day)
{
    json_t *d = json_pack("{s:s, s:i, s:[], s:[]}", "day", day, "estimated", 0,
                          "responses", "answers");

    assert_non_null(d);
    return d;
}

static void add_resp(json_t *day, const dims_t *d, int complete, int partial,
                     int suppressed)
{
    json_t *o = row_of(d);

    assert_int_equal(json_object_set_new(o, "complete", json_integer(complete)),
                     0);
    assert_int_equal(json_object_set_new(o, "partial", json_integer(partial)),
                     0);
    assert_int_equal(
        json_object_set_new(o, "suppressed", json_integer(suppressed)), 0);
    assert_int_equal(
        json_array_append_new(json_object_get(day, "responses"), o), 0);
}

static void add_ans(json_t *day, const dims_t *d, const char *question,
                    const char *element, const char *answer, int n, int partial)
{
    json_t *o = row_of(d);

    assert_int_equal(json_object_set_new(o, "partial", json_integer(partial)),
                     0);
    assert_int_equal(json_object_set_new(o, "question", json_string(question)),
                     0);
    assert_int_equal(json_object_set_new(o, "element", json_string(element)),
                     0);
    assert_int_equal(json_object_set_new(o, "answer", json_string(answer)), 0);
    assert_int_equal(json_object_set_new(o, "n", json_integer(n)), 0);
    assert_int_equal(json_array_append_new(json_object_get(day, "answers"), o),
                     0);
}

/* counts[v - 1] answers of value v to question (its own element). */
static void add_scale(json_t *day, const dims_t *d, const char *question,
                      const int counts[5])
{
    static const char *const v[5] = {"1", "2", "3", "4", "5"};
    int i;

    for (i = 0; i < 5; i++)
        if (counts[i])
            add_ans(day, d, question, question, v[i], counts[i], 0);
}

static int kiosk_no(const char *id)
{
    return id[31] - '0';
}

/* One upload of the given days (a JSON array, taken), seq as given or the
 * kiosk's next. Returns the HTTP status of the acknowledgement. */
static int send_days(fixture_t *f, const char *kiosk, int64_t seq, json_t *days)
{
    json_t *body, *day;
    size_t i;
    char *text;
    int status;

    if (seq <= 0)
        seq = ++f->seq[kiosk_no(kiosk)];
    body = json_pack("{s:s, s:s+, s:I, s:o}", "install_id", kiosk, "upload_id",
                     kiosk, ":x", "upto_seq", (json_int_t)seq, "days", days);
    assert_non_null(body);
    /* Element rows exist from upload format 2 on. */
    json_array_foreach(days, i, day)
        if (json_object_get(day, "elements"))
            assert_int_equal(json_object_set_new(body, "format",
                                                 json_integer(2)),
                             0);
    text = json_dumps(body, JSON_COMPACT);
    assert_non_null(text);
    hub_reply_clear(&f->r);
    status =
        hub_ingest_apply(f->ctx.db, kiosk, text, strlen(text), f->now, &f->r);
    free(text);
    json_decref(body);
    return status;
}

/* Responses of d that answered element (upload format 2). */
static void add_el(json_t *day, const dims_t *d, const char *element, int n,
                   int partial)
{
    json_t *o = row_of(d), *arr = json_object_get(day, "elements");

    if (!arr) {
        assert_int_equal(json_object_set_new(day, "elements", json_array()),
                         0);
        arr = json_object_get(day, "elements");
    }
    assert_int_equal(json_object_set_new(o, "partial", json_integer(partial)),
                     0);
    assert_int_equal(json_object_set_new(o, "element", json_string(element)),
                     0);
    assert_int_equal(json_object_set_new(o, "n", json_integer(n)), 0);
    assert_int_equal(json_array_append_new(arr, o), 0);
}

static void send_day(fixture_t *f, const char *kiosk, json_t *day)
{
    assert_int_equal(send_days(f, kiosk, 0, json_pack("[o]", day)), 200);
}

/* A day with `complete` responses in unit, all answering "overall" with
 * value 5, and `partial` abandoned ones (answers marked partial). */
static void simple_day(fixture_t *f, const char *kiosk, const char *unit,
                       const char *date, int complete)
{
    dims_t d = {unit, NULL, NULL, NULL, NULL};
    json_t *day = new_day(date);

    add_resp(day, &d, complete, 1, 1);
    add_ans(day, &d, "overall", "overall", "5", complete, 0);
    add_ans(day, &d, "overall", "overall", "1", 1, 1);
    send_day(f, kiosk, day);
}

/* ---- queries ------------------------------------------------------------ */

static json_t *compute(fixture_t *f, const hub_stats_query_t *q)
{
    json_t *out = NULL;

    hub_db_lock(f->ctx.db);
    assert_int_equal(hub_stats_compute(f->ctx.db, q, &out), HUB_OK);
    hub_db_unlock(f->ctx.db);
    assert_non_null(out);
    return out;
}

static void query_range(hub_stats_query_t *q, const char *from, const char *to,
                        hub_stats_group_t g)
{
    hub_stats_init_query(q);
    q->from = from;
    q->to = to;
    q->group = g;
}

static json_t *group_at(json_t *v, size_t i)
{
    return json_array_get(json_object_get(v, "groups"), i);
}

static size_t n_groups(json_t *v)
{
    return json_array_size(json_object_get(v, "groups"));
}

static json_int_t int_at(json_t *o, const char *key)
{
    json_t *x = json_object_get(o, key);

    assert_true(json_is_integer(x));
    return json_integer_value(x);
}

static const char *key_str(json_t *g, const char *key)
{
    return json_string_value(json_object_get(json_object_get(g, "key"), key));
}

/* The group whose key has field = value; fails when there is none. */
static json_t *find_group(json_t *v, const char *field, const char *value)
{
    json_t *g;
    size_t i;

    json_array_foreach(json_object_get(v, "groups"), i, g)
    {
        const char *k = key_str(g, field);

        if (k && strcmp(k, value) == 0)
            return g;
    }
    fail_msg("no group %s=%s", field, value);
    return NULL;
}

static json_t *find_question(json_t *g, const char *instrument, const char *id)
{
    json_t *q;
    size_t i;

    json_array_foreach(json_object_get(g, "questions"), i, q)
    {
        if (strcmp(json_string_value(json_object_get(q, "id")), id) == 0 &&
            strcmp(json_string_value(json_object_get(q, "instrument")),
                   instrument) == 0)
            return q;
    }
    fail_msg("no question %s/%s", instrument, id);
    return NULL;
}

static double real_at(json_t *o, const char *key)
{
    json_t *x = json_object_get(o, key);

    assert_true(json_is_number(x));
    return json_number_value(x);
}

static void assert_near(double got, double want)
{
    if (fabs(got - want) > 0.005)
        fail_msg("got %.4f, expected %.2f", got, want);
}

static void assert_ci(json_t *ci, double lo, double hi)
{
    assert_true(json_is_array(ci));
    assert_int_equal(json_array_size(ci), 2);
    assert_near(json_number_value(json_array_get(ci, 0)), lo);
    assert_near(json_number_value(json_array_get(ci, 1)), hi);
}

static int get(fixture_t *f, const char *path, const char *token,
               const char *const *query)
{
    hub_request_t req;
    char auth[128];
    size_t i;

    memset(&req, 0, sizeof(req));
    snprintf(auth, sizeof(auth), "Bearer %s", token);
    req.method = "GET";
    req.path = path;
    req.authorization = auth;
    for (i = 0; query[2 * i]; i++) {
        req.query[i].key = query[2 * i];
        req.query[i].value = query[2 * i + 1];
    }
    req.n_query = i;
    req.client = "192.0.2.9";
    req.now_ms = f->now;
    req.mono_ms = 1000;
    hub_reply_clear(&f->r);
    return hub_api_handle(&f->ctx, &req, &f->r);
}

static json_t *reply_json(fixture_t *f)
{
    json_t *v;

    assert_int_equal(hub_reply_finish(&f->r), 0);
    v = json_loadb(f->r.body, f->r.body_len, 0, NULL);
    assert_non_null(v);
    return v;
}

/* ---- periods and pure pieces ------------------------------------------- */

static void test_periods(void **state)
{
    static const char *const ok[][3] = {
        {"2026-Q1", "2026-01-01", "2026-03-31"},
        {"2026-Q3", "2026-07-01", "2026-09-30"},
        {"2026-Q4", "2026-10-01", "2026-12-31"},
        {"2026-H1", "2026-01-01", "2026-06-30"},
        {"2026-H2", "2026-07-01", "2026-12-31"},
        {"2028-02", "2028-02-01", "2028-02-29"},
        {"2026-02", "2026-02-01", "2026-02-28"},
        {"2026", "2026-01-01", "2026-12-31"},
        {"2026-11-22", "2026-11-22", "2026-11-22"},
    };
    static const char *const bad[] = {
        "2026-Q5",    "2026-Q0", "2026-H3", "2026-13", "2026-00", "26",
        "2026-11-31", "1999",    "2026Q3",  "2026-q3", "",        "2026-1"};
    char from[HUB_PERIODS_DATE_MAX], to[HUB_PERIODS_DATE_MAX];
    char key[HUB_PERIODS_KEY_MAX];
    hub_periods_split_t s;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(hub_periods_parse(ok[i][0], from, to), 0);
        assert_string_equal(from, ok[i][1]);
        assert_string_equal(to, ok[i][2]);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (hub_periods_parse(bad[i], from, to) != -1)
            fail_msg("%s accepted", bad[i]);
    /* The last day of a quarter and the first of the next. */
    assert_int_equal(
        hub_periods_get_key("2026-06-30", HUB_PERIODS_QUARTER, key), 0);
    assert_string_equal(key, "2026-Q2");
    assert_int_equal(
        hub_periods_get_key("2026-07-01", HUB_PERIODS_QUARTER, key), 0);
    assert_string_equal(key, "2026-Q3");
    assert_int_equal(hub_periods_get_key("2026-06", HUB_PERIODS_HALF, key), 0);
    assert_string_equal(key, "2026-H1");
    assert_int_equal(hub_periods_get_key("2026-07", HUB_PERIODS_HALF, key), 0);
    assert_string_equal(key, "2026-H2");
    assert_int_equal(hub_periods_get_key("2026-07", HUB_PERIODS_DAY, key), -1);
    assert_int_equal(hub_periods_get_year("2026-Q3"), 2026);
    /* Whole months inside, days at the ends. */
    hub_periods_split("2026-01-15", "2026-04-10", &s);
    assert_true(s.has_head && s.has_months && s.has_tail);
    assert_string_equal(s.head_from, "2026-01-15");
    assert_string_equal(s.head_to, "2026-01-31");
    assert_string_equal(s.month_from, "2026-02");
    assert_string_equal(s.month_to, "2026-03");
    assert_string_equal(s.tail_from, "2026-04-01");
    assert_string_equal(s.tail_to, "2026-04-10");
    hub_periods_split("2026-01-01", "2026-12-31", &s);
    assert_true(!s.has_head && s.has_months && !s.has_tail);
    assert_string_equal(s.month_from, "2026-01");
    assert_string_equal(s.month_to, "2026-12");
    hub_periods_split("2026-03-05", "2026-03-31", &s);
    assert_true(s.has_head && !s.has_months && !s.has_tail);
    assert_string_equal(s.head_to, "2026-03-31");
    hub_periods_split("2025-12-31", "2026-01-01", &s);
    assert_true(s.has_head && !s.has_months);
    assert_string_equal(s.head_from, "2025-12-31");
    assert_string_equal(s.head_to, "2026-01-01");
}

/* Whole months as whole calendar years and the months at either end. */
static void test_periods_split_years(void **state)
{
    hub_periods_years_t y;

    (void)state;
    hub_periods_split_years("2026-01", "2026-12", &y);
    assert_true(!y.has_head && y.has_years && !y.has_tail);
    assert_string_equal(y.year_from, "2026");
    assert_string_equal(y.year_to, "2026");
    hub_periods_split_years("2024-11", "2026-02", &y);
    assert_true(y.has_head && y.has_years && y.has_tail);
    assert_string_equal(y.head_from, "2024-11");
    assert_string_equal(y.head_to, "2024-12");
    assert_string_equal(y.year_from, "2025");
    assert_string_equal(y.year_to, "2025");
    assert_string_equal(y.tail_from, "2026-01");
    assert_string_equal(y.tail_to, "2026-02");
    hub_periods_split_years("2025-01", "2027-12", &y);
    assert_true(!y.has_head && y.has_years && !y.has_tail);
    assert_string_equal(y.year_from, "2025");
    assert_string_equal(y.year_to, "2027");
    /* Eleven months, or twelve across a new year: no whole year. */
    hub_periods_split_years("2026-01", "2026-11", &y);
    assert_true(y.has_head && !y.has_years && !y.has_tail);
    assert_string_equal(y.head_from, "2026-01");
    assert_string_equal(y.head_to, "2026-11");
    hub_periods_split_years("2025-02", "2026-01", &y);
    assert_true(y.has_head && !y.has_years && !y.has_tail);
    assert_string_equal(y.head_to, "2026-01");
    hub_periods_split_years("2025-12", "2026-12", &y);
    assert_true(y.has_head && y.has_years && !y.has_tail);
    assert_string_equal(y.head_from, "2025-12");
    assert_string_equal(y.head_to, "2025-12");
    assert_string_equal(y.year_from, "2026");
}

static void test_intern(void **state)
{
    hub_intern_t *t = hub_intern_new();
    char key[32];
    size_t len;
    int i;

    (void)state;
    assert_non_null(t);
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(hub_intern_put(t, key, strlen(key)), i);
    }
    for (i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(hub_intern_put(t, key, strlen(key)), i);
        assert_int_equal(hub_intern_find(t, key, strlen(key)), i);
    }
    assert_int_equal(hub_intern_find(t, "nope", 4), -1);
    assert_string_equal(hub_intern_get(t, 4321, &len), "k4321");
    assert_int_equal(len, 5);
    assert_null(hub_intern_get(t, 5000, NULL));
    assert_int_equal(hub_intern_count(t), 5000);
    hub_intern_free(t);
}

/* ---- totals by period ------------------------------------------------- */

/* Complete responses 1, 2, 4, 8, 16, 32 on days around the quarter and
 * year boundaries, so every sum names the days it holds. */
static void load_boundaries(fixture_t *f)
{
    char day[VNTIME_DATE_MAX];
    int64_t ms;

    /* Local midnight: 2026-03-31T23:59:59+07:00 is still Q1, one second
     * later is Q2; kiosks bucket by local day, the hub by that day. */
    ms = vntime_parse_date("2026-04-01") - 1000;
    assert_int_equal(vntime_format_date(ms, day, sizeof(day)), 0);
    assert_string_equal(day, "2026-03-31");
    simple_day(f, K1, "XA1", day, 1);
    assert_int_equal(vntime_format_date(ms + 1000, day, sizeof(day)), 0);
    assert_string_equal(day, "2026-04-01");
    simple_day(f, K1, "XA1", day, 2);
    ms = vntime_parse_date("2026-07-01");
    assert_int_equal(vntime_format_date(ms - 1, day, sizeof(day)), 0);
    assert_string_equal(day, "2026-06-30");
    simple_day(f, K2, "XA2", day, 4);
    assert_int_equal(vntime_format_date(ms, day, sizeof(day)), 0);
    simple_day(f, K2, "XA2", day, 8);
    simple_day(f, K3, "XB1", "2026-12-31", 16);
    simple_day(f, K3, "XB1", "2027-01-01", 32);
}

static void expect_groups(fixture_t *f, const char *from, const char *to,
                          hub_stats_group_t g, const char *key,
                          const char *const *keys, const int *responses,
                          size_t n)
{
    hub_stats_query_t q;
    json_t *v;
    size_t i;

    query_range(&q, from, to, g);
    v = compute(f, &q);
    if (n_groups(v) != n)
        fail_msg("%s..%s by %s: %zu groups, expected %zu", from, to,
                 hub_stats_get_group_name(g), n_groups(v), n);
    for (i = 0; i < n; i++) {
        assert_string_equal(key_str(group_at(v, i), key), keys[i]);
        if (int_at(group_at(v, i), "responses") != responses[i])
            fail_msg("%s: %lld responses, expected %d", keys[i],
                     (long long)int_at(group_at(v, i), "responses"),
                     responses[i]);
    }
    json_decref(v);
}

static void test_golden_periods(void **state)
{
    fixture_t *f = *state;
    static const char *const quarters[] = {"2026-Q1", "2026-Q2", "2026-Q3",
                                           "2026-Q4", "2027-Q1"};
    static const int q_resp[] = {1, 6, 8, 16, 32};
    static const char *const halves[] = {"2026-H1", "2026-H2", "2027-H1"};
    static const int h_resp[] = {7, 24, 32};
    static const char *const years[] = {"2026", "2027"};
    static const int y_resp[] = {31, 32};
    static const char *const months[] = {"2026-03", "2026-04", "2026-06",
                                         "2026-07", "2026-12", "2027-01"};
    static const int m_resp[] = {1, 2, 4, 8, 16, 32};
    static const char *const days[] = {"2026-03-31", "2026-04-01", "2026-06-30",
                                       "2026-07-01"};
    static const int d_resp[] = {1, 2, 4, 8};
    static const char *const units[] = {"XA1", "XA2", "XB1"};
    static const int u_resp[] = {3, 12, 48};
    hub_stats_query_t q;
    json_t *v;

    load_boundaries(f);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_QUARTER, "period",
                  quarters, q_resp, 5);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_QUARTER,
                  "quarter", quarters, q_resp, 5);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_HALF, "period",
                  halves, h_resp, 3);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_YEAR, "period",
                  years, y_resp, 2);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_MONTH, "period",
                  months, m_resp, 6);
    expect_groups(f, "2026-01-01", "2026-07-31", HUB_STATS_BY_DAY, "day", days,
                  d_resp, 4);
    expect_groups(f, "2026-01-01", "2027-12-31", HUB_STATS_BY_UNIT, "unit",
                  units, u_resp, 3);
    /* Ranges: whole quarters, days at the edges, one day. */
    query_range(&q, "2026-04-01", "2026-06-30", HUB_STATS_ALL);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 1);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 6);
    assert_int_equal(int_at(group_at(v, 0), "partial"), 2);
    assert_int_equal(int_at(group_at(v, 0), "suppressed"), 2);
    json_decref(v);
    query_range(&q, "2026-03-31", "2026-07-01", HUB_STATS_ALL);
    v = compute(f, &q);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 15);
    json_decref(v);
    query_range(&q, "2026-06-30", "2026-06-30", HUB_STATS_ALL);
    v = compute(f, &q);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 4);
    json_decref(v);
    query_range(&q, "2026-12-31", "2027-01-01", HUB_STATS_BY_YEAR);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 16);
    assert_int_equal(int_at(group_at(v, 1), "responses"), 32);
    json_decref(v);
    /* The answers: fives of complete responses only. */
    query_range(&q, "2026-01-01", "2026-12-31", HUB_STATS_ALL);
    v = compute(f, &q);
    assert_int_equal(
        int_at(json_object_get(
                   find_question(group_at(v, 0), "sipas-short", "overall"),
                   "counts"),
               "5"),
        31);
    assert_int_equal(
        int_at(json_object_get(
                   find_question(group_at(v, 0), "sipas-short", "overall"),
                   "counts"),
               "1"),
        0);
    /* The partial responses' ones are shown apart, and count in n. */
    assert_int_equal(
        int_at(json_object_get(
                   find_question(group_at(v, 0), "sipas-short", "overall"),
                   "partial_counts"),
               "1"),
        5);
    assert_int_equal(
        int_at(find_question(group_at(v, 0), "sipas-short", "overall"), "n"),
        36);
    json_decref(v);
}

/* Replaced days, stale uploads and several kiosks: the summaries read for
 * whole days, months and years must give what the snapshot rows give. */
static void test_summaries_equal_snapshots(void **state)
{
    fixture_t *f = *state;
    static const hub_stats_group_t groups[] = {
        HUB_STATS_ALL,        HUB_STATS_BY_UNIT,    HUB_STATS_BY_FIELD,
        HUB_STATS_BY_COUNTER, HUB_STATS_BY_OFFICER, HUB_STATS_BY_MONTH,
        HUB_STATS_BY_QUARTER, HUB_STATS_BY_DAY};
    /* Whole years are read from the year summaries, with the months
     * and days around them from the others. */
    static const char *const ranges[][2] = {{"2026-01-01", "2026-12-31"},
                                            {"2026-02-10", "2026-05-20"},
                                            {"2026-03-01", "2026-03-31"},
                                            {"2025-11-01", "2026-12-31"},
                                            {"2025-12-15", "2027-01-31"}};
    static const char *const fields[] = {"dat-dai", "tu-phap", "y-te"};
    static const char *const officers[] = {"CB1", "CB2", ""};
    static const int min_groups[] = {0, HUB_STATS_MIN_GROUP_DEFAULT, 40};
    hub_stats_query_t q;
    json_t *auto_v, *days_v, *day;
    char date[VNTIME_DATE_MAX];
    size_t g, r;
    int i, k;

    for (i = 0; i < 40; i++) {
        for (k = 1; k <= 3; k++) {
            const char *id = k == 1 ? K1 : k == 2 ? K2 : K3;
            const char *unit = k == 1 ? "XA1" : k == 2 ? "XA2" : "XB1";
            dims_t d = {unit, "Q1", officers[(i + k) % 3], fields[i % 3], NULL};
            int c5[5] = {i % 3, 0, 1, k, 5 + i % 4};

            snprintf(date, sizeof(date), "2026-%02d-%02d", 1 + i % 5,
                     1 + (i * 7) % 28);
            day = new_day(date);
            add_resp(day, &d, c5[0] + c5[2] + c5[3] + c5[4], i % 2, i % 3);
            add_scale(day, &d, "overall", c5);
            add_scale(day, &d, "tiep-can", c5);
            add_ans(day, &d, "reasons", "reasons", "cho-lau", 1 + k, 0);
            add_ans(day, &d, "overall", "overall", "2", 3, 1);
            /* The same day again later replaces it, an older seq is stale. */
            assert_int_equal(send_days(f, id, 0, json_pack("[o]", day)), 200);
        }
    }
    /* One kiosk sends an old snapshot: nothing changes. */
    day = new_day("2026-01-01");
    add_resp(day, &(dims_t){"XA1", NULL, NULL, NULL, NULL}, 999, 0, 0);
    assert_int_equal(send_days(f, K1, 1, json_pack("[o]", day)), 200);
    /* A field, an answer and an officer seen once, then replaced away:
     * no summary row may stay behind for them. */
    day = new_day("2026-06-15");
    add_resp(day, &(dims_t){"XA1", "Q9", "CB-GONE", "moi-truong", NULL}, 1, 0,
             0);
    add_ans(day, &(dims_t){"XA1", "Q9", "CB-GONE", "moi-truong", NULL},
            "overall", "overall", "3", 1, 0);
    send_day(f, K1, day);
    day = new_day("2026-06-15");
    add_resp(day, &(dims_t){"XA1", NULL, NULL, "khac", NULL}, 2, 0, 0);
    add_ans(day, &(dims_t){"XA1", NULL, NULL, "khac", NULL}, "overall",
            "overall", "5", 2, 0);
    send_day(f, K1, day);
    query_range(&q, "2026-06-01", "2026-06-30", HUB_STATS_BY_FIELD);
    auto_v = compute(f, &q);
    assert_int_equal(n_groups(auto_v), 1);
    assert_string_equal(key_str(group_at(auto_v, 0), "field"), "khac");
    json_decref(auto_v);
    query_range(&q, "2026-06-15", "2026-06-15", HUB_STATS_BY_FIELD);
    auto_v = compute(f, &q);
    assert_int_equal(n_groups(auto_v), 1);
    json_decref(auto_v);
    for (g = 0; g < sizeof(groups) / sizeof(groups[0]) * 2; g++) {
        for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]) * 3; r++) {
            query_range(&q, ranges[r / 3][0], ranges[r / 3][1], groups[g / 2]);
            /* The whole province, and one district of it. */
            q.unit = g % 2 ? "HA" : NULL;
            /* Both paths weigh officers alike, too: min_group 5, and one
             * large enough to hide some groups of a range and not others. */
            q.min_group = min_groups[r % 3];
            auto_v = compute(f, &q);
            q.source = HUB_STATS_SOURCE_DAYS;
            days_v = compute(f, &q);
            if (!json_equal(auto_v, days_v)) {
                char *a = json_dumps(auto_v, JSON_COMPACT);
                char *b = json_dumps(days_v, JSON_COMPACT);

                fail_msg("%s %s..%s, unit %s, min_group %d, differ:\n"
                         "%.600s\n%.600s",
                         hub_stats_get_group_name(groups[g / 2]),
                         ranges[r / 3][0], ranges[r / 3][1],
                         q.unit ? q.unit : "-", q.min_group, a, b);
            }
            assert_true(n_groups(auto_v) > 0);
            json_decref(auto_v);
            json_decref(days_v);
        }
    }
    /* A district's units, read by seeking each day and unit, are the same
     * groups as in the whole province's answer, read by range (no officer
     * weighing: the province's officer totals differ from the district's). */
    for (r = 0; r < sizeof(ranges) / sizeof(ranges[0]) * 2; r++) {
        query_range(&q, ranges[r / 2][0], ranges[r / 2][1], HUB_STATS_BY_UNIT);
        q.min_group = 0;
        q.source = r % 2 ? HUB_STATS_SOURCE_DAYS : q.source;
        auto_v = compute(f, &q);
        q.unit = "HA";
        days_v = compute(f, &q);
        assert_int_equal(n_groups(days_v), 2);
        for (k = 0; k < 2; k++) {
            json_t *scoped = group_at(days_v, (size_t)k);
            size_t i2;

            for (i2 = 0; i2 < n_groups(auto_v); i2++)
                if (strcmp(key_str(group_at(auto_v, i2), "unit"),
                           key_str(scoped, "unit")) == 0)
                    break;
            assert_true(i2 < n_groups(auto_v));
            assert_true(json_equal(group_at(auto_v, i2), scoped));
        }
        json_decref(auto_v);
        json_decref(days_v);
    }
    /* And the summary tables hold exactly the sums of the snapshot rows. */
    {
        sqlite3_stmt *st;
        static const char sql[] =
            "SELECT (SELECT sum(n) FROM day_answers WHERE partial = 0),"
            " (SELECT sum(n) FROM stat_month_answers),"
            " (SELECT sum(n) FROM stat_day_answers),"
            " (SELECT sum(n) FROM stat_staff_answers),"
            " (SELECT sum(complete) FROM day_responses),"
            " (SELECT sum(complete) FROM stat_month_responses),"
            " (SELECT sum(complete) FROM stat_staff_responses),"
            " (SELECT (SELECT count(*) FROM stat_month_answers"
            "   WHERE rows <= 0 OR field = 'moi-truong')"
            " + (SELECT count(*) FROM stat_day_answers"
            "   WHERE rows <= 0 OR field = 'moi-truong')"
            " + (SELECT count(*) FROM stat_staff_answers"
            "   WHERE rows <= 0 OR officer = 'CB-GONE')"
            " + (SELECT count(*) FROM stat_month_responses WHERE rows <= 0)"
            " + (SELECT count(*) FROM stat_day_responses"
            "   WHERE rows <= 0 OR field = 'moi-truong')"
            " + (SELECT count(*) FROM stat_staff_responses"
            "   WHERE rows <= 0 OR counter = 'Q9')),"
            " (SELECT sum(n) FROM day_answers WHERE partial <> 0),"
            " (SELECT sum(pn) FROM stat_month_answers),"
            " (SELECT sum(pn) FROM stat_day_answers),"
            " (SELECT sum(pn) FROM stat_staff_answers)";

        assert_int_equal(
            sqlite3_prepare_v2(f->ctx.db->sql.conn, sql, -1, &st, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_true(sqlite3_column_int64(st, 0) > 0);
        assert_int_equal(sqlite3_column_int64(st, 1),
                         sqlite3_column_int64(st, 0));
        assert_int_equal(sqlite3_column_int64(st, 2),
                         sqlite3_column_int64(st, 0));
        assert_int_equal(sqlite3_column_int64(st, 3),
                         sqlite3_column_int64(st, 0));
        assert_int_equal(sqlite3_column_int64(st, 5),
                         sqlite3_column_int64(st, 4));
        assert_int_equal(sqlite3_column_int64(st, 6),
                         sqlite3_column_int64(st, 4));
        assert_int_equal(sqlite3_column_int64(st, 7), 0);
        /* Answers of partial responses, summed apart. */
        assert_true(sqlite3_column_int64(st, 8) > 0);
        assert_int_equal(sqlite3_column_int64(st, 9),
                         sqlite3_column_int64(st, 8));
        assert_int_equal(sqlite3_column_int64(st, 10),
                         sqlite3_column_int64(st, 8));
        assert_int_equal(sqlite3_column_int64(st, 11),
                         sqlite3_column_int64(st, 8));
        sqlite3_finalize(st);
    }
}

/* ---- scope, suppression, figures ----------------------------------------- */

static void test_scope_and_403(void **state)
{
    fixture_t *f = *state;
    const char *q_all[] = {"period", "2026", "group", "unit", NULL};
    const char *q_hb[] = {"period", "2026", "unit", "HB", NULL};
    const char *q_tinh[] = {"period", "2026", "unit", "TINH", NULL};
    const char *q_nope[] = {"period", "2026", "unit", "NOPE", NULL};
    const char *q_xa2[] = {"period", "2026", "unit", "XA2", NULL};
    json_t *v;

    load_boundaries(f);
    assert_int_equal(get(f, "/api/v1/stats", f->district, q_all), 200);
    v = reply_json(f);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(v, "scope"), "unit")),
        "HA");
    assert_int_equal(n_groups(v), 2); /* XA1, XA2; never XB1 */
    assert_string_equal(key_str(group_at(v, 0), "unit"), "XA1");
    assert_string_equal(key_str(group_at(v, 1), "unit"), "XA2");
    assert_string_equal(key_str(group_at(v, 1), "name"), "Xã 2");
    json_decref(v);
    /* Outside the token's subtree, above it, unknown: 403, no figures. */
    assert_int_equal(get(f, "/api/v1/stats", f->district, q_hb), 403);
    assert_string_equal(f->r.error, "forbidden");
    assert_int_equal(get(f, "/api/v1/stats", f->district, q_tinh), 403);
    assert_int_equal(get(f, "/api/v1/stats", f->district, q_nope), 403);
    assert_int_equal(get(f, "/api/v1/stats", f->district, q_xa2), 200);
    v = reply_json(f);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 12);
    json_decref(v);
    /* A province token: everything; an unknown unit is 404. */
    assert_int_equal(get(f, "/api/v1/stats", f->province, q_hb), 200);
    v = reply_json(f);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 16);
    json_decref(v);
    assert_int_equal(get(f, "/api/v1/stats", f->province, q_nope), 404);
    assert_int_equal(get(f, "/api/v1/stats", "0000", q_all), 401);
}

static void test_bad_parameters(void **state)
{
    fixture_t *f = *state;
    const char *sets[][9] = {
        {"period", "2026-Q5", NULL},
        {"period", "2026", "from", "2026-01-01", NULL},
        {"period", "2026", "rollup", "today", NULL},
        {"period", "2026", "method", "median", NULL},
        {"period", "2026", "format", "xlsx", NULL},
        {"period", "2026", "min_group", "-1", NULL},
        {"period", "2026", "min_group", "5x", NULL},
        {"period", "2026", "level", "1", NULL},
        {"period", "2026", "group", "unit", "level", "9", NULL},
        {"period", "2026", "group", "week", NULL},
        {"from", "2026-01-01", NULL},
        {"period", "2026", "instrument", "a b", NULL},
    };
    size_t i, k;
    const char *q[10];

    for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        for (k = 0; sets[i][k]; k++)
            q[k] = sets[i][k];
        q[k] = NULL;
        if (get(f, "/api/v1/stats", f->province, q) != 400)
            fail_msg("set %zu: expected 400, got %d", i, f->r.status);
    }
}

static void test_officer_suppression(void **state)
{
    fixture_t *f = *state;
    dims_t a = {"XA1", NULL, "CB-A", NULL, NULL};
    dims_t b = {"XA1", NULL, "CB-B", NULL, NULL};
    json_t *day = new_day("2026-05-05"), *v, *g;
    const int four[5] = {0, 0, 0, 4, 0}, five[5] = {0, 1, 0, 0, 4};
    hub_stats_query_t q;

    add_resp(day, &a, 4, 0, 0);
    add_scale(day, &a, "overall", four);
    add_ans(day, &a, "reasons", "reasons", "thai-do", 2, 0);
    add_resp(day, &b, 5, 0, 0);
    add_scale(day, &b, "overall", five);
    send_day(f, K1, day);
    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_OFFICER);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    g = find_group(v, "officer", "CB-A");
    assert_true(json_is_true(json_object_get(g, "suppressed_group")));
    assert_int_equal(int_at(g, "responses"), 4);
    assert_null(json_object_get(g, "questions"));
    assert_null(json_object_get(g, "reasons"));
    assert_null(json_object_get(g, "index"));
    assert_null(json_object_get(g, "overall"));
    g = find_group(v, "officer", "CB-B");
    assert_true(json_is_false(json_object_get(g, "suppressed_group")));
    assert_near(
        real_at(find_question(g, "sipas-short", "overall"), "satisfied_pct"),
        80.0);
    json_decref(v);
    q.min_group = 4; /* at the threshold: shown */
    v = compute(f, &q);
    g = find_group(v, "officer", "CB-A");
    assert_true(json_is_false(json_object_get(g, "suppressed_group")));
    assert_int_equal(int_at(json_object_get(g, "reasons"), "thai-do"), 2);
    json_decref(v);
    /* No other breakdown shows what the officers' hides: XA1 less CB-B
     * would be CB-A's four answers. */
    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_UNIT);
    v = compute(f, &q);
    assert_true(
        json_is_true(json_object_get(group_at(v, 0), "suppressed_group")));
    assert_int_equal(int_at(group_at(v, 0), "responses"), 9);
    assert_null(json_object_get(group_at(v, 0), "questions"));
    json_decref(v);
    q.min_group = 4; /* nobody hidden */
    v = compute(f, &q);
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    assert_non_null(json_object_get(group_at(v, 0), "questions"));
    json_decref(v);
    q.min_group = 9; /* both hidden, pooled 9: shown */
    v = compute(f, &q);
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    json_decref(v);
    q.min_group = 10; /* both hidden, pooled 9 only: withheld */
    v = compute(f, &q);
    assert_true(
        json_is_true(json_object_get(group_at(v, 0), "suppressed_group")));
    json_decref(v);
}

/* A counter served by one officer who answered too few times is that
 * officer: withheld under group=counter and group=day as under officer;
 * the counter and the day the others served are shown. */
static void test_single_officer_counter_withheld(void **state)
{
    fixture_t *f = *state;
    dims_t alone = {"XA1", "Q1", "CB1", "dat-dai", NULL};
    dims_t b = {"XA1", "Q2", "CB2", "dat-dai", NULL};
    dims_t c = {"XA1", "Q2", "CB3", "tu-phap", NULL};
    const int three[5] = {0, 0, 0, 0, 3}, ten[5] = {1, 1, 2, 3, 3};
    json_t *day, *v, *g;
    hub_stats_query_t q;

    day = new_day("2026-05-06");
    add_resp(day, &alone, 3, 0, 0);
    add_scale(day, &alone, "overall", three);
    send_day(f, K1, day);
    day = new_day("2026-05-05");
    add_resp(day, &b, 10, 0, 0);
    add_scale(day, &b, "overall", ten);
    add_resp(day, &c, 10, 0, 0);
    add_scale(day, &c, "overall", ten);
    send_day(f, K1, day);

    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_COUNTER);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    g = group_at(v, 0);
    assert_string_equal(key_str(g, "counter"), "Q1");
    assert_true(json_is_true(json_object_get(g, "suppressed_group")));
    assert_int_equal(int_at(g, "responses"), 3);
    assert_null(json_object_get(g, "questions"));
    assert_null(json_object_get(g, "index"));
    g = group_at(v, 1);
    assert_string_equal(key_str(g, "counter"), "Q2");
    assert_true(json_is_false(json_object_get(g, "suppressed_group")));
    assert_int_equal(int_at(find_question(g, "sipas-short", "overall"), "n"),
                     20);
    json_decref(v);

    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_DAY);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    assert_string_equal(key_str(group_at(v, 0), "period"), "2026-05-05");
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    assert_string_equal(key_str(group_at(v, 1), "period"), "2026-05-06");
    assert_true(
        json_is_true(json_object_get(group_at(v, 1), "suppressed_group")));
    assert_null(json_object_get(group_at(v, 1), "questions"));
    json_decref(v);

    /* The month, the unit and the field of CB1 would be CB1 plus what
     * the officer grouping shows of CB2 and CB3: withheld as well. */
    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_MONTH);
    v = compute(f, &q);
    assert_true(
        json_is_true(json_object_get(group_at(v, 0), "suppressed_group")));
    json_decref(v);
    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_FIELD);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    assert_string_equal(key_str(group_at(v, 0), "field"), "dat-dai");
    assert_true(
        json_is_true(json_object_get(group_at(v, 0), "suppressed_group")));
    assert_string_equal(key_str(group_at(v, 1), "field"), "tu-phap");
    assert_true(
        json_is_false(json_object_get(group_at(v, 1), "suppressed_group")));
    json_decref(v);
    /* Over the day CB2 and CB3 served alone, all is shown. */
    query_range(&q, "2026-05-05", "2026-05-05", HUB_STATS_ALL);
    v = compute(f, &q);
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    json_decref(v);
    /* min_group 3: CB1 is shown by officer, and so everywhere. */
    query_range(&q, "2026-05-01", "2026-05-31", HUB_STATS_BY_COUNTER);
    q.min_group = 3;
    v = compute(f, &q);
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    json_decref(v);
}

static int count_audit(void *ctx, const hub_audit_row_t *row)
{
    int *n = ctx;

    if (strcmp(row->action, "stats.below-floor") == 0) {
        assert_non_null(strstr(row->detail, "min_group=1 floor=5"));
        (*n)++;
    }
    return 0;
}

static int below_floor_rows(fixture_t *f)
{
    int n = 0;

    hub_db_lock(f->ctx.db);
    assert_int_equal(hub_db_each_audit(f->ctx.db, 1000, count_audit, &n),
                     HUB_OK);
    hub_db_unlock(f->ctx.db);
    return n;
}

/* min_group cannot go below the server's floor but for an audit token,
 * whose every such answer is on record first. */
static void test_min_group_floor(void **state)
{
    fixture_t *f = *state;
    const char *low[] = {"period", "2026-05", "group", "officer",
                         "min_group", "1", NULL};
    const char *zero[] = {"period", "2026-05", "min_group", "0", NULL};
    const char *high[] = {"period", "2026-05", "min_group", "7", NULL};
    const char *none[] = {"period", "2026-05", NULL};
    char audit[HUB_TOKEN_TEXT], out[HUB_TOKEN_TEXT];
    dims_t a = {"XA1", "Q1", "CB-A", NULL, NULL};
    const int two[5] = {0, 0, 0, 1, 1};
    json_t *day = new_day("2026-05-05"), *v;
    int64_t id;

    add_resp(day, &a, 2, 0, 0);
    add_scale(day, &a, "overall", two);
    send_day(f, K1, day);
    assert_int_equal(hub_api_stats_get_floor(), HUB_STATS_MIN_GROUP_DEFAULT);

    /* An ordinary province token: refused below the floor, nothing
     * audited but the use; raising it is fine; unnamed, it is the floor. */
    assert_int_equal(get(f, "/api/v1/stats", f->province, low), 400);
    assert_string_equal(f->r.error, "bad-request");
    assert_non_null(strstr(f->r.message, "floor of 5"));
    assert_int_equal(get(f, "/api/v1/stats", f->province, zero), 400);
    assert_int_equal(get(f, "/api/v1/stats", f->province, high), 200);
    v = reply_json(f);
    assert_int_equal(int_at(v, "min_group"), 7);
    json_decref(v);
    assert_int_equal(get(f, "/api/v1/stats", f->province, none), 200);
    v = reply_json(f);
    assert_int_equal(int_at(v, "min_group"), 5);
    json_decref(v);
    assert_int_equal(below_floor_rows(f), 0);

    /* The audit role is the province's only. */
    hub_db_lock(f->ctx.db);
    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_tokens_create(f->ctx.db, "HA", 1, f->now,
                                       f->now + 24 * HOUR_MS, out, &id),
                     HUB_DENIED);
    assert_int_equal(hub_tokens_create(f->ctx.db, NULL, 1, f->now,
                                       f->now + 24 * HOUR_MS, audit, &id),
                     HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    hub_db_unlock(f->ctx.db);

    /* The audit token goes down to 1 and sees CB-A; each time audited. */
    assert_int_equal(get(f, "/api/v1/stats", audit, low), 200);
    v = reply_json(f);
    assert_true(
        json_is_false(json_object_get(group_at(v, 0), "suppressed_group")));
    assert_int_equal(int_at(v, "min_group"), 1);
    json_decref(v);
    assert_int_equal(below_floor_rows(f), 1);
    assert_int_equal(get(f, "/api/v1/stats", audit, low), 200);
    assert_int_equal(below_floor_rows(f), 2);
    /* Not below 1, and at the floor nothing extra is audited. */
    assert_int_equal(get(f, "/api/v1/stats", audit, zero), 400);
    assert_int_equal(get(f, "/api/v1/stats", audit, none), 200);
    assert_int_equal(below_floor_rows(f), 2);

    /* A higher floor is every token's default and lower bound. */
    hub_api_stats_set_floor(8);
    assert_int_equal(get(f, "/api/v1/stats", f->province, high), 400);
    assert_non_null(strstr(f->r.message, "floor of 8"));
    assert_int_equal(get(f, "/api/v1/stats", f->province, none), 200);
    v = reply_json(f);
    assert_int_equal(int_at(v, "min_group"), 8);
    json_decref(v);
    hub_api_stats_set_floor(HUB_STATS_MIN_GROUP_DEFAULT);
}

/* Golden rows of docs/INDICES.md: mixed 2,1,3,10,4 and the elements. */
static void test_figures_and_intervals(void **state)
{
    fixture_t *f = *state;
    dims_t d = {"XA1", NULL, "CB1", "tu-phap", NULL};
    const int mixed[5] = {2, 1, 3, 10, 4}, eight_of_ten[5] = {0, 1, 1, 6, 2};
    const int nine_of_ten[5] = {1, 0, 0, 4, 5}, ten[5] = {0, 0, 0, 5, 5};
    const int half[5] = {2, 1, 2, 3, 2}, threes[5] = {0, 0, 4, 0, 0};
    json_t *day = new_day("2026-08-10"), *v, *g, *q, *pct, *ci;
    hub_stats_query_t qq;
    size_t i;

    add_resp(day, &d, 20, 0, 0);
    add_scale(day, &d, "overall", mixed);
    add_scale(day, &d, "tiep-can", eight_of_ten);
    add_scale(day, &d, "thu-tuc", nine_of_ten);
    add_scale(day, &d, "cong-chuc", ten);
    add_scale(day, &d, "gop-y", half);
    add_ans(day, &d, "reasons", "reasons", "cho-lau", 3, 0);
    add_ans(day, &d, "reasons", "reasons", "thai-do", 1, 0);
    /* Partial responses' reasons count too (domain §3d). */
    add_ans(day, &d, "reasons", "reasons", "thai-do", 5, 1);
    /* An answer off the 1..5 scale: counts only, out of its element. */
    add_ans(day, &d, "tc-extra", "tiep-can", "0", 2, 0);
    add_ans(day, &d, "tc-extra", "tiep-can", "5", 2, 0);
    send_day(f, K1, day);
    day = new_day("2026-08-11");
    d.field = "khac";
    add_resp(day, &d, 4, 0, 0);
    add_scale(day, &d, "ket-qua", threes);
    send_day(f, K1, day);
    query_range(&qq, "2026-08-01", "2026-08-31", HUB_STATS_ALL);
    v = compute(f, &qq);
    g = group_at(v, 0);
    q = find_question(g, "sipas-short", "overall");
    assert_near(real_at(q, "satisfied_pct"), 70.0);
    assert_ci(json_object_get(q, "ci95"), 48.10, 85.45);
    assert_int_equal(int_at(q, "n"), 20);
    /* Every percentage has its interval, inside 0..100 around it. */
    json_array_foreach(json_object_get(g, "questions"), i, q)
    {
        pct = json_object_get(q, "satisfied_pct");
        ci = json_object_get(q, "ci95");
        if (json_is_null(pct)) {
            assert_true(json_is_null(ci));
            continue;
        }
        assert_true(json_is_array(ci));
        assert_true(json_number_value(json_array_get(ci, 0)) <=
                    json_number_value(pct) + 1e-9);
        assert_true(json_number_value(json_array_get(ci, 1)) >=
                    json_number_value(pct) - 1e-9);
    }
    /* A question answered only with 3s: 0%, not "no data". */
    q = find_question(g, "sipas-short", "ket-qua");
    assert_near(real_at(q, "satisfied_pct"), 0.0);
    q = find_question(g, "sipas-short", "tc-extra");
    assert_true(json_is_null(json_object_get(q, "satisfied_pct")));
    assert_true(json_is_null(json_object_get(q, "ci95")));
    assert_int_equal(int_at(json_object_get(q, "counts"), "0"), 2);
    assert_null(json_object_get(json_object_get(q, "counts"), "1"));
    /* Elements 80, 90, 100, 0, 50 -> index 64 over five; the overall
     * question stays apart. */
    assert_near(
        real_at(json_object_get(json_object_get(g, "elements"), "tiep-can"),
                "index"),
        80.0);
    assert_ci(json_object_get(
                  json_object_get(json_object_get(g, "elements"), "tiep-can"),
                  "ci95"),
              49.02, 94.33);
    assert_near(real_at(g, "index"), 64.0);
    assert_int_equal(int_at(g, "index_elements"), 5);
    assert_true(json_is_array(json_object_get(g, "index_ci95")));
    assert_near(real_at(json_object_get(g, "overall"), "satisfied_pct"), 70.0);
    assert_int_equal(int_at(json_object_get(g, "reasons"), "cho-lau"), 3);
    assert_int_equal(int_at(json_object_get(g, "reasons"), "thai-do"), 6);
    assert_true(json_is_null(json_object_get(g, "c01")));
    json_decref(v);
    /* The normalised mean of the same answers. */
    qq.method = INDICES_NORMALISED_MEAN;
    v = compute(f, &qq);
    q = find_question(group_at(v, 0), "sipas-short", "overall");
    assert_near(real_at(q, "satisfied_pct"), 66.25);
    assert_ci(json_object_get(q, "ci95"), 53.30, 79.20);
    assert_string_equal(json_string_value(json_object_get(v, "method")),
                        "mean");
    json_decref(v);
}

/* Two forms in one group, element tiep-can. Short form: one question,
 * 10 complete responses, 5 of them satisfied (50%). Full form: two
 * skippable criteria tc1 and tc2; one citizen answered only tc1 (5),
 * another only tc2 (5), and one partial response only tc1 (4): tc1 2/2,
 * tc2 1/1, the form's element 100%.
 * Exact respondents of the full form: 2 complete + 1 partial = 3;
 * weighted (10 * 50 + 3 * 100) / 13 = 61.538...
 * Without element counts the hub takes the largest answer count of one
 * criterion (tc1: 2): (10 * 50 + 2 * 100) / 12 = 58.333... */
static json_t *skip_day(int with_elements, int full_n)
{
    dims_t s = {"XA1", NULL, NULL, "tu-phap", "sipas-short"};
    dims_t l = {"XA1", NULL, NULL, "tu-phap", "sipas-full"};
    const int half[5] = {0, 3, 2, 3, 2};
    json_t *day = new_day("2026-08-10");

    add_resp(day, &s, 10, 0, 0);
    add_scale(day, &s, "tiep-can", half);
    add_resp(day, &l, 2, 1, 0);
    add_ans(day, &l, "tc1", "tiep-can", "5", 1, 0);
    add_ans(day, &l, "tc2", "tiep-can", "5", 1, 0);
    add_ans(day, &l, "tc1", "tiep-can", "4", 1, 1);
    if (with_elements) {
        add_el(day, &s, "tiep-can", 10, 0);
        add_el(day, &l, "tiep-can", full_n, 0);
        add_el(day, &l, "tiep-can", 1, 1);
    }
    return day;
}

static void assert_tiep_can(fixture_t *f, const char *from, const char *to,
                            double index, json_int_t respondents)
{
    static const hub_stats_group_t groups[] = {HUB_STATS_ALL,
                                               HUB_STATS_BY_COUNTER};
    hub_stats_query_t qq;
    json_t *v, *e;
    size_t i;

    /* Unit summaries, and the staff summaries or snapshot rows. */
    for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        query_range(&qq, from, to, groups[i]);
        v = compute(f, &qq);
        e = json_object_get(json_object_get(group_at(v, 0), "elements"),
                            "tiep-can");
        assert_near(real_at(e, "index"), index);
        assert_int_equal(int_at(e, "respondents"), respondents);
        json_decref(v);
    }
}

static void test_element_respondents(void **state)
{
    fixture_t *f = *state;
    dims_t other = {"XA2", NULL, NULL, "tu-phap", "sipas-full"};
    json_t *day;

    /* Whole month (month summaries) and part of it (day summaries). */
    send_day(f, K1, skip_day(1, 2));
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 800.0 / 13, 13);
    assert_tiep_can(f, "2026-08-10", "2026-08-20", 800.0 / 13, 13);
    /* The same day again from an older kiosk: replaced, approximated. */
    send_day(f, K1, skip_day(0, 0));
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 700.0 / 12, 12);
    assert_tiep_can(f, "2026-08-10", "2026-08-20", 700.0 / 12, 12);
    /* And with counts again: replaced, never added. */
    send_day(f, K1, skip_day(1, 2));
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 800.0 / 13, 13);
    /* More respondents than responses: refused, nothing stored. */
    day = skip_day(1, 3);
    assert_int_equal(send_days(f, K1, 0, json_pack("[o]", day)), 400);
    /* An element row no response row of its day stands behind. */
    day = skip_day(1, 2);
    add_el(day, &other, "tiep-can", 0, 0);
    assert_int_equal(send_days(f, K1, 0, json_pack("[o]", day)), 400);
    /* Neither refusal changed anything. */
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 800.0 / 13, 13);
}

/* A database of schema version 7 holds snapshots without element rows:
 * the upgrade marks their elements not exact, and the figures keep the
 * approximation (58.333... over 12, as in test_element_respondents'
 * old-format case) until the kiosk sends the day again. */
static void test_schema_8_marks_held_days(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {1, 1, 0};

    send_day(f, K1, skip_day(1, 2));
    assert_int_equal(sqlite3_exec(f->ctx.db->sql.conn,
                                  "DELETE FROM day_elements;"
                                  " PRAGMA user_version = 7",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    hub_db_close(f->ctx.db);
    assert_int_equal(hub_db_open(f->db_path, &opt, &f->ctx.db), HUB_OK);
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 700.0 / 12, 12);
    assert_tiep_can(f, "2026-08-10", "2026-08-10", 700.0 / 12, 12);
    send_day(f, K1, skip_day(1, 2));
    assert_tiep_can(f, "2026-08-01", "2026-08-31", 800.0 / 13, 13);
}

static void test_c01_block(void **state)
{
    fixture_t *f = *state;
    dims_t d = {"XB1", NULL, "CB9", "dat-dai", "c01-counter"};
    json_t *day = new_day("2026-09-09"), *v, *c01, *ind;
    hub_stats_query_t q;

    add_resp(day, &d, 5, 1, 0);
    add_ans(day, &d, "overall", "overall", "3", 4, 0);
    add_ans(day, &d, "overall", "overall", "1", 1, 0);
    add_ans(day, &d, "c01-3", "c01-3", "2", 3, 0);
    add_ans(day, &d, "c01-3", "c01-3", "1", 1, 0);
    add_ans(day, &d, "c01-3", "c01-3", "0", 1, 0);
    add_ans(day, &d, "c01-4", "c01-4", "2", 5, 0);
    add_ans(day, &d, "c01-7", "c01-7", "1", 5, 0);
    /* A partial response counts for what it answered (domain §3d). */
    add_ans(day, &d, "c01-7", "c01-7", "0", 2, 1);
    add_ans(day, &d, "c01-9", "c01-9", "2", 1, 0); /* not a citizen's */
    add_ans(day, &d, "reasons", "reasons", "cho-lau", 1, 0);
    send_day(f, K3, day);
    query_range(&q, "2026-09-01", "2026-09-30", HUB_STATS_ALL);
    q.instrument = "c01-counter";
    v = compute(f, &q);
    c01 = json_object_get(group_at(v, 0), "c01");
    assert_true(json_is_object(c01));
    assert_int_equal(int_at(c01, "responses"), 5);
    /* Indicators without data are left out, never defaulted. */
    assert_null(json_object_get(json_object_get(c01, "indicators"), "c01-1"));
    assert_near(
        real_at(json_object_get(json_object_get(c01, "indicators"), "c01-9"),
                "score"),
        2.0);
    ind = json_object_get(json_object_get(c01, "indicators"), "c01-3");
    assert_near(real_at(ind, "score"), 1.4); /* 7 points / 5 dossiers */
    assert_int_equal(int_at(ind, "dossiers"), 5);
    assert_near(
        real_at(json_object_get(json_object_get(c01, "indicators"), "c01-4"),
                "score"),
        2.0);
    /* 5 points / 7 dossiers, the 2 of partial responses included. */
    ind = json_object_get(json_object_get(c01, "indicators"), "c01-7");
    assert_near(real_at(ind, "score"), 0.7);
    assert_int_equal(int_at(ind, "dossiers"), 7);
    /* 1.4 + 2.0 + 0.7 of indicators 1+2+3+4+7: partial, 70-100 ... 100. */
    assert_near(real_at(c01, "total"), 4.1);
    assert_true(json_is_false(json_object_get(c01, "complete")));
    assert_string_equal(json_string_value(json_object_get(c01, "band")),
                        "70-100");
    assert_string_equal(json_string_value(json_object_get(c01, "band_max")),
                        "100");
    /* Of 18: 1.4 + 2.0 + 0.7 + 2.0 = 6.1. */
    assert_near(real_at(json_object_get(c01, "unit_total"), "total"), 6.1);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(c01, "unit_total"), "band")),
                        "trung-binh");
    /* The three-level overall question: 4 of 5 satisfied. */
    assert_near(real_at(json_object_get(c01, "overall"), "satisfied_pct"),
                80.0);
    assert_near(real_at(find_question(group_at(v, 0), "c01-counter", "overall"),
                        "satisfied_pct"),
                80.0);
    /* Not on the SIPAS scale: no SIPAS index, no overall share. */
    assert_true(json_is_null(json_object_get(group_at(v, 0), "index")));
    assert_true(json_is_null(json_object_get(
        json_object_get(group_at(v, 0), "overall"), "satisfied_pct")));
    json_decref(v);
    q.instrument = "sipas-short";
    v = compute(f, &q);
    assert_true(json_is_null(json_object_get(group_at(v, 0), "c01")));
    assert_int_equal(int_at(group_at(v, 0), "responses"), 0);
    json_decref(v);
}

static void test_no_data_is_null(void **state)
{
    fixture_t *f = *state;
    static const char targets_text[] =
        "{\"format\": \"sipas-targets/1\", \"indicators\": {"
        "\"tthc\": {\"vi\": \"a\", \"en\": \"a\"}}, \"targets\": ["
        "{\"province\": \"*\", \"indicator\": \"tthc\", \"op\": \">=\","
        " \"threshold\": 90, \"year\": 2025}]}";
    targets_t *t = NULL;
    hub_stats_query_t q;
    err_t err;
    json_t *v, *g, *e;
    const char *slug;

    assert_int_equal(
        targets_parse(targets_text, strlen(targets_text), "t", &t, &err), 0);
    query_range(&q, "2020-01-01", "2020-12-31", HUB_STATS_ALL);
    q.targets = t;
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 1);
    g = group_at(v, 0);
    assert_int_equal(int_at(g, "responses"), 0);
    assert_true(json_is_null(json_object_get(g, "index")));
    assert_true(json_is_null(json_object_get(g, "index_ci95")));
    assert_true(json_is_null(
        json_object_get(json_object_get(g, "overall"), "satisfied_pct")));
    json_object_foreach(json_object_get(g, "elements"), slug, e)
    {
        assert_true(json_is_null(json_object_get(e, "index")));
        assert_true(json_is_null(json_object_get(e, "ci95")));
    }
    assert_int_equal(json_object_size(json_object_get(g, "elements")), 5);
    e = json_array_get(json_object_get(g, "targets"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "indicator")),
                        "tthc");
    assert_true(json_is_null(json_object_get(e, "value")));
    assert_true(json_is_null(json_object_get(e, "met")));
    json_decref(v);
    q.group = HUB_STATS_BY_UNIT;
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 0);
    json_decref(v);
    targets_free(t);
}

/* ---- targets --------------------------------------------------------- */

static const char test_targets_json[] =
    "{\"format\": \"sipas-targets/1\", \"indicators\": {"
    "\"tthc\": {\"vi\": \"TTHC\", \"en\": \"a\"},"
    "\"tthc-dat-dai-xay-dung-dau-tu\": {\"vi\": \"Đất đai\", \"en\": \"b\","
    " \"scope\": [\"dat-dai\", \"xay-dung\", \"dau-tu\"]},"
    "\"phuc-vu-hcnn\": {\"vi\": \"Phục vụ\", \"en\": \"c\"},"
    "\"y-te-giao-duc\": {\"vi\": \"Y tế\", \"en\": \"d\","
    " \"scope\": [\"y-te\", \"giao-duc\"]},"
    "\"dvc-truc-tuyen\": {\"vi\": \"DVC\", \"en\": \"e\"},"
    "\"ket-qua-tthc\": {\"vi\": \"Kết quả\", \"en\": \"f\"}},"
    "\"targets\": ["
    "{\"province\": \"*\", \"indicator\": \"tthc\", \"op\": \">=\","
    " \"threshold\": 75, \"year\": 2025},"
    "{\"province\": \"*\", \"indicator\": \"tthc-dat-dai-xay-dung-dau-tu\","
    " \"op\": \">=\", \"threshold\": 85, \"year\": 2025},"
    "{\"province\": \"*\", \"indicator\": \"phuc-vu-hcnn\", \"op\": \">=\","
    " \"threshold\": 50, \"year\": 2025},"
    "{\"province\": \"hau-giang\", \"indicator\": \"phuc-vu-hcnn\","
    " \"op\": \">\", \"threshold\": 50, \"year\": 2025},"
    "{\"province\": \"*\", \"indicator\": \"y-te-giao-duc\", \"op\": \">=\","
    " \"threshold\": 85, \"year\": 2025},"
    "{\"province\": \"*\", \"indicator\": \"dvc-truc-tuyen\", \"op\": \">=\","
    " \"threshold\": 90, \"year\": 2025},"
    "{\"province\": \"*\", \"indicator\": \"ket-qua-tthc\", \"op\": \">=\","
    " \"threshold\": 85, \"year\": 2030}]}";

static json_t *find_target(json_t *g, const char *slug)
{
    json_t *t;
    size_t i;

    json_array_foreach(json_object_get(g, "targets"), i, t)
    {
        if (strcmp(json_string_value(json_object_get(t, "indicator")), slug) ==
            0)
            return t;
    }
    return NULL;
}

static void test_targets_at_threshold(void **state)
{
    fixture_t *f = *state;
    dims_t land = {"XA1", NULL, "CB1", "dat-dai", NULL};
    dims_t civil = {"XA1", NULL, "CB1", "tu-phap", NULL};
    dims_t other = {"XA1", NULL, "CB1", "khac", NULL};
    const int all_good[5] = {0, 0, 0, 5, 5}, all_bad[5] = {5, 5, 0, 0, 0};
    const int eighty[5] = {1, 0, 1, 4, 4}, half_kq[5] = {1, 0, 0, 1, 0};
    json_t *day = new_day("2026-10-10"), *v, *g, *t;
    targets_t *targets = NULL;
    hub_stats_query_t q;
    err_t err;

    assert_int_equal(targets_parse(test_targets_json, strlen(test_targets_json),
                                   "t", &targets, &err),
                     0);
    /* Land: tiep-can 100%; civil status: 0%; other fields: ket-qua 50%.
     * The overall question is exactly 8 of 10 satisfied (80.00%). */
    add_resp(day, &land, 10, 0, 0);
    add_scale(day, &land, "tiep-can", all_good);
    add_scale(day, &land, "overall", eighty);
    add_resp(day, &civil, 10, 0, 0);
    add_scale(day, &civil, "tiep-can", all_bad);
    add_resp(day, &other, 2, 0, 0);
    add_scale(day, &other, "ket-qua", half_kq);
    send_day(f, K1, day);
    query_range(&q, "2026-10-01", "2026-10-31", HUB_STATS_ALL);
    q.targets = targets;
    v = compute(f, &q);
    g = group_at(v, 0);
    /* tthc: tiep-can 10 of 20 and ket-qua 1 of 2, index 50, against
     * >= 75. */
    t = find_target(g, "tthc");
    assert_non_null(t);
    assert_near(real_at(t, "value"), 50.0);
    assert_true(json_is_false(json_object_get(t, "met")));
    assert_int_equal(int_at(t, "year"), 2025);
    assert_true(json_is_true(json_object_get(t, "due")));
    /* Land, construction, investment: land alone, 100% >= 85. */
    t = find_target(g, "tthc-dat-dai-xay-dung-dau-tu");
    assert_near(real_at(t, "value"), 100.0);
    assert_true(json_is_true(json_object_get(t, "met")));
    /* The service of state agencies is judged on the index, not on the
     * overall question (80%): exactly 50.00, and ">= 50" is met ... */
    t = find_target(g, "phuc-vu-hcnn");
    assert_near(real_at(t, "value"), 50.0);
    assert_true(json_is_true(json_object_get(t, "met")));
    assert_string_equal(json_string_value(json_object_get(t, "operator")),
                        ">=");
    assert_int_equal(int_at(t, "threshold"), 50);
    /* Health and education: no data in those fields. */
    t = find_target(g, "y-te-giao-duc");
    assert_true(json_is_null(json_object_get(t, "value")));
    assert_true(json_is_null(json_object_get(t, "met")));
    /* Online services are not measured at a counter; ket-qua-tthc's
     * first target is 2030, the one ahead: held against it. */
    assert_null(find_target(g, "dvc-truc-tuyen"));
    t = find_target(g, "ket-qua-tthc");
    assert_near(real_at(t, "value"), 50.0);
    assert_true(json_is_false(json_object_get(t, "due")));
    assert_true(json_is_false(json_object_get(t, "met")));
    json_decref(v);
    /* ... and "> 50" (Hậu Giang) is not. */
    q.province = "hau-giang";
    v = compute(f, &q);
    t = find_target(group_at(v, 0), "phuc-vu-hcnn");
    assert_string_equal(json_string_value(json_object_get(t, "operator")), ">");
    assert_true(json_is_false(json_object_get(t, "met")));
    json_decref(v);
    /* A field group is held only against targets covering its field. */
    q.province = NULL;
    q.group = HUB_STATS_BY_FIELD;
    v = compute(f, &q);
    g = find_group(v, "field", "tu-phap");
    assert_null(find_target(g, "tthc-dat-dai-xay-dung-dau-tu"));
    assert_null(find_target(g, "y-te-giao-duc"));
    assert_non_null(find_target(g, "tthc"));
    assert_near(real_at(find_target(g, "tthc"), "value"), 0.0);
    g = find_group(v, "field", "dat-dai");
    assert_non_null(find_target(g, "tthc-dat-dai-xay-dung-dau-tu"));
    json_decref(v);
    targets_free(targets);
}

/* The shipped targets (assets/targets/default.json) against a commune
 * office with a health station beside it, hand-computed. The
 * administrative targets (tthc, phuc-vu-hcnn: >= 90 due since 2025) take
 * the administrative fields only, the health one (y-te-giao-duc: >= 85)
 * health and education only; the overall question is never judged.
 *   XA1: tu-phap tiep-can 9 of 10 satisfied (90%), y-te 2 of 10 (20%),
 *        overall 5 of 20 (25%). Judged right: 90.00, both met. Over every
 *        field (11 of 20, 55%) or on the overall question: not met.
 *   XA2: dat-dai tiep-can 8 of 10 (80%), y-te 10 of 10 (100%), overall
 *        20 of 20. Judged right: 80.00, not met. Over every field (18 of
 *        20, 90%) or on the overall question: met.
 * So each verdict flips when the wrong figure is taken. */
#define SHIPPED_TARGETS "assets/targets/default.json"

static targets_t *load_shipped_targets(void)
{
    targets_t *t = NULL;
    size_t len;
    char *text = testutil_read_file(SHIPPED_TARGETS, &len);
    err_t err;

    assert_non_null(text);
    assert_int_equal(targets_parse(text, len, SHIPPED_TARGETS, &t, &err), 0);
    free(text);
    return t;
}

static void send_mixed_commune(fixture_t *f)
{
    dims_t civil = {"XA1", NULL, NULL, "tu-phap", NULL};
    dims_t health1 = {"XA1", NULL, NULL, "y-te", NULL};
    dims_t land = {"XA2", NULL, NULL, "dat-dai", NULL};
    dims_t health2 = {"XA2", NULL, NULL, "y-te", NULL};
    const int nine[5] = {1, 0, 0, 4, 5}, two[5] = {4, 2, 2, 1, 1};
    const int eight[5] = {1, 1, 0, 3, 5}, ten[5] = {0, 0, 0, 0, 10};
    const int low_a[5] = {5, 0, 2, 1, 2}, low_b[5] = {8, 0, 0, 0, 2};
    json_t *d1 = new_day("2026-10-12"), *d2 = new_day("2026-10-12");

    add_resp(d1, &civil, 10, 0, 0);
    add_scale(d1, &civil, "tiep-can", nine);
    add_scale(d1, &civil, "overall", low_a);
    add_resp(d1, &health1, 10, 0, 0);
    add_scale(d1, &health1, "tiep-can", two);
    add_scale(d1, &health1, "overall", low_b);
    send_day(f, K1, d1);
    add_resp(d2, &land, 10, 0, 0);
    add_scale(d2, &land, "tiep-can", eight);
    add_scale(d2, &land, "overall", ten);
    add_resp(d2, &health2, 10, 0, 0);
    add_scale(d2, &health2, "tiep-can", ten);
    add_scale(d2, &health2, "overall", ten);
    send_day(f, K2, d2);
}

static void assert_verdict(json_t *g, const char *slug, double value,
                           int met)
{
    json_t *t = find_target(g, slug);

    assert_non_null(t);
    assert_near(real_at(t, "value"), value);
    assert_int_equal(json_is_true(json_object_get(t, "met")), met);
    assert_true(json_is_boolean(json_object_get(t, "met")));
}

static void test_targets_judged_over_their_fields(void **state)
{
    fixture_t *f = *state;
    targets_t *targets = load_shipped_targets();
    hub_stats_query_t q;
    json_t *v, *g, *t, *fields;

    send_mixed_commune(f);
    query_range(&q, "2026-10-01", "2026-10-31", HUB_STATS_BY_UNIT);
    q.targets = targets;
    q.province = "khanh-hoa";
    v = compute(f, &q);
    g = find_group(v, "unit", "XA1");
    assert_non_null(g);
    /* The figures shown beside: every field pooled. */
    assert_near(real_at(g, "index"), 55.0);
    assert_near(real_at(json_object_get(g, "overall"), "satisfied_pct"),
                25.0);
    assert_verdict(g, "tthc", 90.0, 1);
    assert_verdict(g, "phuc-vu-hcnn", 90.0, 1);
    assert_verdict(g, "y-te-giao-duc", 20.0, 0);
    /* The land target: no land answers at XA1. */
    t = find_target(g, "tthc-dat-dai-xay-dung-dau-tu");
    assert_true(json_is_null(json_object_get(t, "met")));
    /* The national rows say so; their fields are listed. */
    t = find_target(g, "phuc-vu-hcnn");
    assert_string_equal(json_string_value(json_object_get(t, "province")),
                        "*");
    assert_true(json_is_true(json_object_get(t, "national")));
    assert_string_equal(json_string_value(json_object_get(t, "basis")),
                        TARGETS_NATIONAL_BASIS_VI);
    fields = json_object_get(t, "fields");
    assert_int_equal(json_array_size(fields), 7);
    assert_string_equal(json_string_value(json_array_get(fields, 0)),
                        "dat-dai");
    assert_string_equal(json_string_value(json_array_get(fields, 6)), "khac");

    g = find_group(v, "unit", "XA2");
    assert_non_null(g);
    assert_near(real_at(g, "index"), 90.0);
    assert_near(real_at(json_object_get(g, "overall"), "satisfied_pct"),
                100.0);
    assert_verdict(g, "tthc", 80.0, 0);
    assert_verdict(g, "phuc-vu-hcnn", 80.0, 0);
    assert_verdict(g, "tthc-dat-dai-xay-dung-dau-tu", 80.0, 0);
    assert_verdict(g, "y-te-giao-duc", 100.0, 1);
    json_decref(v);

    /* By field: health is held against its own target only. */
    q.group = HUB_STATS_BY_FIELD;
    v = compute(f, &q);
    g = find_group(v, "field", "y-te");
    assert_non_null(g);
    assert_null(find_target(g, "tthc"));
    assert_null(find_target(g, "phuc-vu-hcnn"));
    assert_verdict(g, "y-te-giao-duc", 60.0, 0);
    g = find_group(v, "field", "tu-phap");
    assert_verdict(g, "phuc-vu-hcnn", 90.0, 1);
    assert_null(find_target(g, "y-te-giao-duc"));
    json_decref(v);

    /* A province's own row (Hậu Giang "> 80") is not a national one. */
    q.group = HUB_STATS_ALL;
    q.province = "hau-giang";
    v = compute(f, &q);
    g = group_at(v, 0);
    /* 17 of 20 administrative answers: 85.00 > 80. */
    assert_verdict(g, "phuc-vu-hcnn", 85.0, 1);
    t = find_target(g, "phuc-vu-hcnn");
    assert_string_equal(json_string_value(json_object_get(t, "operator")), ">");
    assert_true(json_is_false(json_object_get(t, "national")));
    assert_string_equal(json_string_value(json_object_get(t, "basis")),
                        TARGETS_PROVINCE_BASIS_VI);
    json_decref(v);
    targets_free(targets);
}

/* ---- history: merge and rename ---------------------------------------- */

static void change_units(fixture_t *f)
{
    hub_units_stamp_t stamp = {f->now, "cli:test"};
    hub_units_why_t why;

    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(
        hub_units_merge(f->ctx.db, "XA2", "XB1", "2026-07-01", &stamp, &why),
        HUB_OK);
    assert_int_equal(hub_units_rename(f->ctx.db, "XA1", "Xã Một", "2026-07-01",
                                      &stamp, &why),
                     HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
}

static void test_rollup_after_merge_and_rename(void **state)
{
    fixture_t *f = *state;
    hub_stats_query_t q;
    json_t *v, *g;

    load_boundaries(f); /* XA1 3, XA2 12 (4 in Q2, 8 in Q3), XB1 48 */
    change_units(f);
    /* current: XA2's responses count for XB1 the whole year, names of
     * today. */
    query_range(&q, "2026-01-01", "2027-12-31", HUB_STATS_BY_UNIT);
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    g = find_group(v, "unit", "XB1");
    assert_int_equal(int_at(g, "responses"), 60);
    g = find_group(v, "unit", "XA1");
    assert_string_equal(key_str(g, "name"), "Xã Một");
    json_decref(v);
    /* ... and under XB1's ancestors: HB has them, HA no longer. */
    q.group = HUB_STATS_ALL;
    q.unit = "HB";
    v = compute(f, &q);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 60);
    json_decref(v);
    q.unit = "HA";
    v = compute(f, &q);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 3);
    json_decref(v);
    /* level=1: rolled up to the districts. */
    q.unit = NULL;
    q.group = HUB_STATS_BY_UNIT;
    q.level = 1;
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    assert_int_equal(int_at(find_group(v, "unit", "HA"), "responses"), 3);
    assert_int_equal(int_at(find_group(v, "unit", "HB"), "responses"), 60);
    json_decref(v);
    /* recorded: XA2 stays its own group under HA, names as at the end of
     * the period. */
    query_range(&q, "2026-04-01", "2026-06-30", HUB_STATS_BY_UNIT);
    q.rollup = HUB_STATS_RECORDED;
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 2);
    assert_string_equal(key_str(find_group(v, "unit", "XA1"), "name"), "Xã 1");
    assert_int_equal(int_at(find_group(v, "unit", "XA2"), "responses"), 4);
    json_decref(v);
    query_range(&q, "2026-01-01", "2026-12-31", HUB_STATS_BY_UNIT);
    q.rollup = HUB_STATS_RECORDED;
    v = compute(f, &q);
    assert_int_equal(n_groups(v), 3);
    assert_string_equal(key_str(find_group(v, "unit", "XA1"), "name"),
                        "Xã Một");
    assert_int_equal(int_at(find_group(v, "unit", "XA2"), "responses"), 12);
    assert_int_equal(int_at(find_group(v, "unit", "XB1"), "responses"), 16);
    json_decref(v);
    q.group = HUB_STATS_ALL;
    q.unit = "HA";
    v = compute(f, &q);
    assert_int_equal(int_at(group_at(v, 0), "responses"), 15);
    json_decref(v);
    /* The district token: recorded sees XA2 (it was HA's), current not. */
    {
        const char *cur[] = {"period", "2026", "unit", "XA2", NULL};
        const char *rec[] = {"period", "2026",     "unit", "XA2",
                             "rollup", "recorded", NULL};

        assert_int_equal(get(f, "/api/v1/stats", f->district, cur), 403);
        assert_int_equal(get(f, "/api/v1/stats", f->district, rec), 200);
        v = reply_json(f);
        assert_int_equal(int_at(group_at(v, 0), "responses"), 12);
        json_decref(v);
    }
}

static void test_unit_changes_refused(void **state)
{
    fixture_t *f = *state;
    hub_units_stamp_t stamp = {f->now, "cli:test"};
    hub_units_why_t why;
    hub_db_t *db = f->ctx.db;
    char chain[8][16];
    int i;

    assert_int_equal(hub_db_begin_write(db), HUB_OK);
    assert_int_equal(
        hub_units_rename(db, "XA1", "A", "2026-05-01", &stamp, &why), HUB_OK);
    assert_int_equal(
        hub_units_rename(db, "XA1", "B", "2026-04-30", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_OUT_OF_ORDER);
    assert_string_equal(why.date, "2026-05-01");
    assert_int_equal(
        hub_units_rename(db, "XA1", "A", "2026-06-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_SAME);
    assert_int_equal(
        hub_units_move(db, "HA", "XA1", "2026-06-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_LOOP);
    assert_int_equal(
        hub_units_move(db, "NOPE", "HA", "2026-06-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_NO_UNIT);
    assert_int_equal(
        hub_units_merge(db, "XA2", "XB1", "2026-07-01", &stamp, &why), HUB_OK);
    assert_int_equal(
        hub_units_rename(db, "XA2", "C", "2026-08-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_IS_MERGED);
    assert_string_equal(why.other, "XB1");
    assert_int_equal(
        hub_units_move(db, "XA1", "XA2", "2026-08-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_TARGET_MERGED);
    assert_int_equal(hub_units_add(db, "XA9", "x", "XA2", 1), HUB_DENIED);
    assert_int_equal(
        hub_units_move(db, "XA1", "HB", "2026-08-01", &stamp, &why), HUB_OK);
    /* Depth: TINH, HB and C0..C5 are eight levels, the most allowed. */
    for (i = 0; i < 7; i++) {
        snprintf(chain[i], sizeof(chain[i]), "C%d", i);
        assert_int_equal(
            hub_units_add(db, chain[i], "c", i ? chain[i - 1] : "HB", 1),
            i < 6 ? HUB_OK : HUB_DENIED);
    }
    /* XB1 with XA2 below it under C4 would make nine. */
    assert_int_equal(
        hub_units_move(db, "XB1", "C4", "2026-08-01", &stamp, &why),
        HUB_DENIED);
    assert_int_equal(why.refusal, HUB_UNITS_TOO_DEEP);
    assert_int_equal(
        hub_units_move(db, "XB1", "C3", "2026-08-01", &stamp, &why), HUB_OK);
    assert_int_equal(hub_db_commit(db), HUB_OK);
}

static void test_units_listing(void **state)
{
    fixture_t *f = *state;
    const char *none[] = {NULL};
    const char *at[] = {"at", "2026-06-30", NULL};
    const char *bad[] = {"at", "June", NULL};
    json_t *v, *u;
    size_t i;

    change_units(f);
    assert_int_equal(get(f, "/api/v1/units", f->province, none), 200);
    v = reply_json(f);
    assert_int_equal(json_array_size(json_object_get(v, "units")), 6);
    u = json_array_get(json_object_get(v, "units"), 0);
    assert_string_equal(json_string_value(json_object_get(u, "code")), "TINH");
    assert_true(json_is_null(json_object_get(u, "parent")));
    json_array_foreach(json_object_get(v, "units"), i, u)
    {
        if (strcmp(json_string_value(json_object_get(u, "code")), "XA2"))
            continue;
        assert_string_equal(
            json_string_value(json_object_get(u, "merged_into")), "XB1");
        assert_string_equal(json_string_value(json_object_get(u, "valid_from")),
                            "2026-07-01");
        assert_int_equal(int_at(u, "level"), 3); /* below XB1 */
    }
    json_decref(v);
    /* A district token sees its subtree; as at a date, old names. */
    assert_int_equal(get(f, "/api/v1/units", f->district, at), 200);
    v = reply_json(f);
    assert_int_equal(json_array_size(json_object_get(v, "units")), 3);
    u = json_array_get(json_object_get(v, "units"), 1);
    assert_string_equal(json_string_value(json_object_get(u, "code")), "XA1");
    assert_string_equal(json_string_value(json_object_get(u, "name")), "Xã 1");
    json_decref(v);
    assert_int_equal(get(f, "/api/v1/units", f->district, bad), 400);
}

/* ---- CSV --------------------------------------------------------------- */

/* Cells of one CSV line as RFC 4180 reads them. */
static int csv_cells(const char *line, size_t len, char cells[][256], int max)
{
    size_t i = 0, k;
    int n = 0, quoted;

    while (n < max) {
        k = 0;
        quoted = i < len && line[i] == '"';
        if (quoted)
            i++;
        while (i < len) {
            if (quoted && line[i] == '"') {
                if (i + 1 < len && line[i + 1] == '"') {
                    cells[n][k++] = '"';
                    i += 2;
                    continue;
                }
                i++;
                quoted = 0;
                continue;
            }
            if (!quoted && line[i] == ',')
                break;
            if (k < 255)
                cells[n][k++] = line[i];
            i++;
        }
        cells[n++][k] = '\0';
        if (i >= len)
            break;
        i++; /* the comma */
    }
    return n;
}

static void test_csv(void **state)
{
    fixture_t *f = *state;
    dims_t d = {"XA1", "Quầy \"A\", 1", "-CB1", "dat-dai", NULL};
    const int mixed[5] = {2, 1, 3, 10, 4};
    const char *q[] = {"period", "2026-08", "group", "counter",
                       "format", "csv",     NULL};
    json_t *day = new_day("2026-08-10");
    char cells[30][256];
    const char *p, *end, *nl;
    int n, rows = 0, saw_overall = 0, saw_reason = 0;

    add_resp(day, &d, 20, 1, 0);
    add_scale(day, &d, "overall", mixed);
    add_ans(day, &d, "reasons", "reasons", "cho-lau", 3, 0);
    send_day(f, K1, day);
    assert_int_equal(get(f, "/api/v1/stats", f->province, q), 200);
    assert_non_null(f->r.content_type);
    assert_string_equal(f->r.content_type, "text/csv; charset=utf-8");
    assert_true(f->r.body_len > 3);
    assert_memory_equal(f->r.body, "\xEF\xBB\xBF", 3);
    p = f->r.body + 3;
    end = f->r.body + f->r.body_len;
    nl = strstr(p, "\r\n");
    assert_non_null(nl);
    assert_int_equal(nl - p, strlen(HUB_CSV_HEADER));
    assert_memory_equal(
        p,
        "group_key,group_name,responses,partial,suppressed,question,"
        "instrument,element,n,c1,c2,c3,c4,c5,satisfied_pct,ci95_low,"
        "ci95_high,index,target_indicator,target_operator,target_threshold,"
        "target_met",
        (size_t)(nl - p));
    for (p = nl + 2; p < end; p = nl + 2) {
        nl = strstr(p, "\r\n");
        assert_non_null(nl);
        n = csv_cells(p, (size_t)(nl - p), cells, 30);
        assert_int_equal(n, 22);
        rows++;
        /* The counter name keeps its quote and comma. */
        assert_string_equal(cells[0], "XA1/Quầy \"A\", 1");
        assert_string_equal(cells[2], "20");
        assert_string_equal(cells[3], "1");
        if (strcmp(cells[5], "overall") == 0) {
            saw_overall = 1;
            assert_string_equal(cells[6], "sipas-short");
            assert_string_equal(cells[8], "20");
            assert_string_equal(cells[9], "2");
            assert_string_equal(cells[12], "10");
            assert_string_equal(cells[13], "4");
            assert_string_equal(cells[14], "70");
            assert_string_equal(cells[15], "48.1");
            assert_string_equal(cells[16], "85.45");
        }
        if (strcmp(cells[5], "reasons:cho-lau") == 0) {
            saw_reason = 1;
            assert_string_equal(cells[8], "3");
        }
    }
    assert_true(saw_overall && saw_reason);
    assert_true(rows >= 2);
    /* A formula-looking officer code is defused in an officer CSV. */
    {
        const char *qo[] = {"period", "2026-08", "group", "officer",
                            "format", "csv",     NULL};

        assert_int_equal(get(f, "/api/v1/stats", f->province, qo), 200);
        assert_non_null(strstr(f->r.body, "\r\n'-CB1,"));
    }
}

/* The reply of the JSON format is compact JSON with short decimals. */
static void test_json_reply(void **state)
{
    fixture_t *f = *state;
    dims_t d = {"XA1", NULL, NULL, "dat-dai", NULL};
    const int c[5] = {0, 0, 1, 1, 1};
    const char *q[] = {"period", "2026-08", NULL};
    json_t *day = new_day("2026-08-10");

    add_resp(day, &d, 3, 0, 0);
    add_scale(day, &d, "overall", c);
    send_day(f, K1, day);
    assert_int_equal(get(f, "/api/v1/stats", f->province, q), 200);
    assert_true(f->r.content_type == NULL || f->r.content_type[0] == '\0');
    assert_non_null(strstr(f->r.body, "\"satisfied_pct\":66.67"));
    /* 2 of 3, rounded half away from zero: 66.67, not 66.66. */
    {
        json_t *v = reply_json(f);

        assert_near(
            real_at(find_question(group_at(v, 0), "sipas-short", "overall"),
                    "satisfied_pct"),
            66.67);
        json_decref(v);
    }
    assert_null(strstr(f->r.body, "0000000"));
    assert_non_null(strstr(f->r.body, "\"period\":\"2026-08\""));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_periods_split_years),
        cmocka_unit_test(test_intern),
        T(test_golden_periods),
        T(test_summaries_equal_snapshots),
        T(test_scope_and_403),
        T(test_bad_parameters),
        T(test_officer_suppression),
        T(test_single_officer_counter_withheld),
        T(test_min_group_floor),
        T(test_figures_and_intervals),
        T(test_element_respondents),
        T(test_schema_8_marks_held_days),
        T(test_c01_block),
        T(test_no_data_is_null),
        T(test_targets_at_threshold),
        T(test_targets_judged_over_their_fields),
        T(test_rollup_after_merge_and_rename),
        T(test_unit_changes_refused),
        T(test_units_listing),
        T(test_csv),
        T(test_json_reply),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
