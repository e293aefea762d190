/*
 * The national hub's receiving side on a real SQLite file: a push's
 * body read and refused as a whole (domain/natpush.c), and a province's
 * month replaced under its sequence number (store/national.c): replays,
 * older pushes, units outside the province and duplicate rows change
 * nothing; the year and whole-country summaries always equal the sums of
 * the month rows, the officers' by year and by month their staff rows';
 * province credentials; the country by province (group=unit, level=0)
 * equal to each province's own answer and to its units' sums, read from
 * the totals by province, which equal the sums of the unit rows after
 * every push, replay and replacement, and which a database of the
 * schema before them gets from its rows when it opens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/domain/natpush.h"
#include "hub/domain/stats.h"
#include "hub/store/db_sql.h"
#include "hub/store/national.h"
#include "hub/store/provtotals.h"
#include "hub/store/units.h"

#include "testutil.h"

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_db_t *db;
} fixture_t;

static int setup(void **state)
{
    hub_db_options_t opt = {1, 1, 0};
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f || testutil_make_tmpdir(f->root, sizeof(f->root),
                                   "sipas-hubnat") != 0)
        return -1;
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (hub_db_open(f->db_path, &opt, &f->db) != HUB_OK ||
        hub_db_begin_write(f->db) != HUB_OK ||
        hub_units_add(f->db, "VL", "Vĩnh Long", NULL, 1) != HUB_OK ||
        hub_units_add(f->db, "X1", "Phường 1", "VL", 1) != HUB_OK ||
        hub_units_add(f->db, "X2", "Xã 2", "VL", 1) != HUB_OK ||
        hub_units_add(f->db, "CT", "Cần Thơ", NULL, 1) != HUB_OK ||
        hub_units_add(f->db, "C1", "Ninh Kiều", "CT", 1) != HUB_OK ||
        hub_db_commit(f->db) != HUB_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc;

    hub_db_close(f->db);
    rc = testutil_remove_tree(f->root);
    free(f);
    return rc;
}

/* An officer's key as the forwarder writes one. */
#define OFFICER_KEY \
    "00000000000000000000000000000000000000000000000000000000000000ab"

/* A body: responses of (unit, complete), one answer row, one element row
 * and one officer row per response row. */
static char *make_body(const char *province, const char *month, long seq,
                       const char *units[], const long complete[], size_t n)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:[], s:[], s:[], s:[]}",
                          "province", province, "month", month, "seq",
                          (int)seq, "responses", "answers", "elements",
                          "officers");
    char *text;
    size_t i;

    for (i = 0; i < n; i++) {
        json_array_append_new(json_object_get(o, "responses"),
                              json_pack("[s,s,s,i,i,i]", units[i], "khac",
                                        "sipas-short", (int)complete[i], 1,
                                        0));
        json_array_append_new(json_object_get(o, "answers"),
                              json_pack("[s,s,s,s,s,s,i,i]", units[i],
                                        "khac", "sipas-short", "overall",
                                        "overall", "5", (int)complete[i],
                                        1));
        json_array_append_new(json_object_get(o, "elements"),
                              json_pack("[s,s,s,s,i,i,i]", units[i], "khac",
                                        "sipas-short", "cong-chuc",
                                        (int)complete[i], 1, 0));
        json_array_append_new(json_object_get(o, "officers"),
                              json_pack("[s,s,s,s,i]", units[i], "khac",
                                        "sipas-short", OFFICER_KEY,
                                        (int)complete[i]));
    }
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

/* Parses and stores text in one write; the store's result, *bad a copy
 * of the refused unit (the body's is gone with it). */
static int push(hub_db_t *db, const char *text, int64_t *held,
                const char **bad)
{
    static char bad_copy[HUB_CODE_MAX + 1];
    hub_natpush_doc_t doc;
    hub_national_push_t p;
    hub_problem_t pb;
    int rc;

    hub_problem_init(&pb);
    if (hub_natpush_parse(text, strlen(text), &doc, &p, &pb) != 0) {
        hub_natpush_doc_free(&doc);
        return 1;
    }
    assert_int_equal(hub_db_begin_write(db), HUB_OK);
    rc = hub_national_replace(db, &p, 1000, held, bad);
    if (rc == HUB_OK)
        assert_int_equal(hub_db_commit(db), HUB_OK);
    else
        hub_db_rollback(db);
    snprintf(bad_copy, sizeof(bad_copy), "%s", *bad ? *bad : "");
    *bad = bad_copy;
    hub_natpush_doc_free(&doc);
    return rc;
}

static int64_t query_int(hub_db_t *db, const char *sql)
{
    int64_t v = -1;

    assert_int_equal(sqldb_query_int(&db->sql, sql, &v), SQLITE_OK);
    return v;
}

/* One text for every summary row the statistics read: what "nothing
 * changed" is compared with. */
static char *summaries(hub_db_t *db)
{
    static const char *const tables[] = {
        "stat_month_responses", "stat_month_answers", "stat_month_elements",
        "stat_year_responses",  "stat_year_answers",  "stat_year_elements",
        "stat_prov_month_responses", "stat_prov_month_answers",
        "stat_prov_month_elements", "national_months",
        "national_month_units", "stat_staff_responses",
        "stat_staff_year_responses", "stat_month_officers",
        HUB_PROVTOTALS_NAMES};
    char *out = calloc(1, 1);
    size_t len = 0, i;

    for (i = 0; i < sizeof(tables) / sizeof(*tables); i++) {
        char sql[128];
        sqlite3_stmt *st;

        snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1, 2, 3",
                 tables[i]);
        assert_int_equal(sqlite3_prepare_v2(db->sql.conn, sql, -1,
                                            &st, NULL),
                         SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            int c, n = sqlite3_column_count(st);

            for (c = 0; c < n; c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                size_t add = strlen(v ? v : "") + 2;

                out = realloc(out, len + add + 1);
                assert_non_null(out);
                snprintf(out + len, add + 1, "%s|", v ? v : "");
                len += strlen(out + len);
            }
        }
        sqlite3_finalize(st);
    }
    return out;
}

/* The year and country summaries equal the month rows' sums. */
static void check_sums(hub_db_t *db)
{
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT substr(month, 1, 4) y,"
                      " unit, field, instrument, sum(complete) c,"
                      " sum(partial) p FROM stat_month_responses GROUP BY"
                      " 1, 2, 3, 4 EXCEPT SELECT year, unit, field,"
                      " instrument, complete, partial FROM"
                      " stat_year_responses)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT year, unit, field,"
                      " instrument, complete, partial FROM"
                      " stat_year_responses EXCEPT SELECT substr(month, 1,"
                      " 4), unit, field, instrument, sum(complete),"
                      " sum(partial) FROM stat_month_responses GROUP BY"
                      " 1, 2, 3, 4)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT month, field,"
                      " instrument, question, answer, sum(n), sum(pn) FROM"
                      " stat_month_answers GROUP BY 1, 2, 3, 4, 5 EXCEPT"
                      " SELECT month, field, instrument, question, answer,"
                      " n, pn FROM stat_prov_month_answers)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT month, field,"
                      " instrument, element, n, pn FROM"
                      " stat_prov_month_elements EXCEPT SELECT month, field,"
                      " instrument, element, sum(n), sum(pn) FROM"
                      " stat_month_elements GROUP BY 1, 2, 3, 4)"),
        0);
    /* Both ways, as a set: the officers by year and by month. */
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT substr(month, 1, 4),"
                      " unit, officer, field, sum(complete) FROM"
                      " stat_staff_responses GROUP BY 1, 2, 3, 4 EXCEPT"
                      " SELECT year, unit, officer, field, complete FROM"
                      " stat_staff_year_responses)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT (SELECT count(*) FROM stat_staff_year_responses)"
                      " - (SELECT count(DISTINCT substr(month, 1, 4) || unit"
                      " || officer || field) FROM stat_staff_responses)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT count(*) FROM (SELECT month, unit, officer,"
                      " sum(complete) FROM stat_staff_responses GROUP BY 1,"
                      " 2, 3 EXCEPT SELECT month, unit, officer, complete"
                      " FROM stat_month_officers)"),
        0);
    assert_int_equal(
        query_int(db, "SELECT (SELECT count(*) FROM stat_month_officers) -"
                      " (SELECT count(DISTINCT month || unit || officer)"
                      " FROM stat_staff_responses)"),
        0);
}

/* Each province's totals both ways equal to its units' rows: the month
 * ones to the month rows its pushes wrote, the year ones to the year
 * summaries of the units it pushed. [kind] = {unit rows, totals}. */
#define PT_PUSHED(src, per)                                               \
    " FROM " src " AS t JOIN (SELECT DISTINCT province, unit FROM"        \
    " national_month_units) AS u ON u.unit = t.unit GROUP BY t." per      \
    ", u.province, "
static const char *const pt_pairs[][2] = {
    {"SELECT t.month, u.province, field, instrument, sum(complete),"
     " sum(partial), sum(suppressed) FROM stat_month_responses AS t JOIN"
     " national_month_units AS u ON u.month = t.month AND u.unit = t.unit"
     " GROUP BY t.month, u.province, field, instrument",
     "SELECT month, province, field, instrument, complete, partial,"
     " suppressed FROM national_prov_month_responses"},
    {"SELECT t.month, u.province, field, instrument, question, element,"
     " answer, sum(n), sum(pn) FROM stat_month_answers AS t JOIN"
     " national_month_units AS u ON u.month = t.month AND u.unit = t.unit"
     " GROUP BY t.month, u.province, field, instrument, question,"
     " element, answer",
     "SELECT month, province, field, instrument, question, element,"
     " answer, n, pn FROM national_prov_month_answers"},
    {"SELECT t.year, u.province, field, instrument, sum(complete),"
     " sum(partial), sum(suppressed)" PT_PUSHED("stat_year_responses", "year")
     "field, instrument",
     "SELECT year, province, field, instrument, complete, partial,"
     " suppressed FROM national_prov_year_responses"},
    {"SELECT t.year, u.province, field, instrument, question, element,"
     " answer, sum(n), sum(pn)" PT_PUSHED("stat_year_answers", "year")
     "field, instrument, question, element, answer",
     "SELECT year, province, field, instrument, question, element,"
     " answer, n, pn FROM national_prov_year_answers"},
    {"SELECT t.year, u.province, field, instrument, element, sum(n),"
     " sum(pn), sum(approx)" PT_PUSHED("stat_year_elements", "year")
     "field, instrument, element",
     "SELECT year, province, field, instrument, element, n, pn, approx"
     " FROM national_prov_year_elements"},
    {"SELECT t.month, u.province, instrument, officer, sum(complete)"
     PT_PUSHED("stat_month_officers", "month") "instrument, officer",
     "SELECT month, province, instrument, officer, complete FROM"
     " national_prov_month_officers"},
    {"SELECT t.year, u.province, instrument, officer, sum(complete)"
     PT_PUSHED("stat_staff_year_responses", "year") "instrument, officer",
     "SELECT year, province, instrument, officer, complete FROM"
     " national_prov_year_officers"},
};

static void check_province_totals(hub_db_t *db)
{
    char sql[2048];
    size_t i, w;

    for (i = 0; i < sizeof(pt_pairs) / sizeof(*pt_pairs); i++)
        for (w = 0; w < 2; w++) {
            snprintf(sql, sizeof(sql),
                     "SELECT count(*) FROM (%s EXCEPT %s)", pt_pairs[i][w],
                     pt_pairs[i][!w]);
            if (query_int(db, sql) != 0)
                fail_msg("totals differ: %s", sql);
        }
    assert_true(query_int(db, "SELECT count(*) FROM"
                              " national_prov_year_answers") > 0);
}

static void test_parse_refusals(void **state)
{
    static const char *const bad[] = {
        "[]",
        "{\"province\":\"VL\",\"month\":\"2025-13\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":0,"
        "\"responses\":[],\"answers\":[],\"elements\":[]}",
        "{\"province\":\"V L\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[],\"officer\":1}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[[\"X1\",\"khac\",\"s\",-1,0,0]],\"answers\":[],"
        "\"elements\":[]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[[\"X1\",\"khac\",\"s\",100000001,0,0]],"
        "\"answers\":[],\"elements\":[]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[[\"X1\",\"khac\",\"s\",1,0]],\"answers\":[],"
        "\"elements\":[]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[[\"X1\",\"khac\",\"s\",1.5,0,0]],\"answers\":[],"
        "\"elements\":[]}",
        /* An officer by name, an uppercase key, a short row, no list. */
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[],"
        "\"officers\":[[\"X1\",\"khac\",\"s\",\"CB001\",3]]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[],"
        "\"officers\":[[\"X1\",\"khac\",\"s\",\"000000000000000000000000"
        "00000000000000000000000000000000000000AB\",3]]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[],"
        "\"officers\":[[\"X1\",\"khac\",\"s\",\"" OFFICER_KEY "\"]]}",
        "{\"province\":\"VL\",\"month\":\"2025-03\",\"seq\":1,"
        "\"responses\":[],\"answers\":[],\"elements\":[],"
        "\"officers\":{}}",
    };
    fixture_t *f = *state;
    const char *units[] = {"X1"};
    const long one[] = {1};
    char *ok = make_body("VL", "2025-03", 1, units, one, 1);
    char *before = summaries(f->db), *after;
    int64_t held;
    const char *unit;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
        assert_int_equal(push(f->db, bad[i], &held, &unit), 1);
    after = summaries(f->db);
    assert_string_equal(after, before);
    free(after);
    assert_int_equal(push(f->db, ok, &held, &unit), HUB_OK);
    free(ok);
    free(before);
}

static void test_replace_by_sequence(void **state)
{
    fixture_t *f = *state;
    const char *units[] = {"X1", "X2"};
    const long a[] = {3, 4}, b[] = {10, 0};
    char *t1 = make_body("VL", "2025-03", 1, units, a, 2);
    char *t2 = make_body("VL", "2025-03", 2, units, b, 1);
    char *t3 = make_body("VL", "2025-04", 1, units, a, 2);
    char *old = make_body("VL", "2025-03", 1, units, b, 2);
    char *snap;
    int64_t held = 0;
    const char *unit;

    assert_int_equal(push(f->db, t1, &held, &unit), HUB_OK);
    assert_int_equal(push(f->db, t3, &held, &unit), HUB_OK);
    check_sums(f->db);
    check_province_totals(f->db);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " stat_year_responses WHERE unit ="
                                      " 'X1'"),
                     6);
    /* A replay and an older push: refused, the held number named. */
    snap = summaries(f->db);
    assert_int_equal(push(f->db, t1, &held, &unit), HUB_EXISTS);
    assert_int_equal(held, 1);
    assert_int_equal(push(f->db, old, &held, &unit), HUB_EXISTS);
    {
        char *now = summaries(f->db);

        assert_string_equal(now, snap);
        free(now);
    }
    /* The next one replaces March: X2 goes, X1 becomes 10. */
    assert_int_equal(push(f->db, t2, &held, &unit), HUB_OK);
    check_sums(f->db);
    check_province_totals(f->db);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM"
                                      " stat_month_responses WHERE month ="
                                      " '2025-03'"),
                     1);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " stat_year_responses WHERE unit ="
                                      " 'X1'"),
                     13);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " stat_year_responses WHERE unit ="
                                      " 'X2'"),
                     4);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " stat_prov_month_responses WHERE"
                                      " month = '2025-03'"),
                     10);
    /* The officers as the counts: March's X2 gone, X1 replaced. */
    assert_int_equal(query_int(f->db, "SELECT sum(complete) FROM"
                                      " stat_month_officers WHERE month ="
                                      " '2025-03'"),
                     10);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " stat_staff_year_responses WHERE"
                                      " unit = 'X1'"),
                     13);
    free(t1);
    free(t2);
    free(t3);
    free(old);
    free(snap);
}

static void test_refusals_change_nothing(void **state)
{
    fixture_t *f = *state;
    const char *vl[] = {"X1"}, *outside[] = {"C1"}, *dup[] = {"X1", "X1"},
               *none[] = {"NOPE"};
    const long one[] = {1}, two[] = {1, 2};
    char *base = make_body("VL", "2025-03", 1, vl, one, 1);
    char *t_out = make_body("VL", "2025-03", 2, outside, one, 1);
    char *t_none = make_body("VL", "2025-03", 2, none, one, 1);
    char *t_dup = make_body("VL", "2025-03", 2, dup, two, 2);
    char *snap, *now;
    int64_t held;
    const char *unit = NULL;

    assert_int_equal(push(f->db, base, &held, &unit), HUB_OK);
    snap = summaries(f->db);
    assert_int_equal(push(f->db, t_out, &held, &unit), HUB_DENIED);
    assert_string_equal(unit, "C1");
    assert_int_equal(push(f->db, t_none, &held, &unit), HUB_DENIED);
    assert_int_equal(push(f->db, t_dup, &held, &unit), HUB_EXISTS);
    now = summaries(f->db);
    assert_string_equal(now, snap);
    check_sums(f->db);
    check_province_totals(f->db);
    free(now);
    free(snap);
    free(base);
    free(t_out);
    free(t_none);
    free(t_dup);
}

static void test_credentials(void **state)
{
    fixture_t *f = *state;
    char secret[HUB_TOKEN_TEXT], province[HUB_CODE_MAX + 1];
    int64_t id = 0;

    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    assert_int_equal(hub_national_add_credential(f->db, "NOPE", 1, secret,
                                                 &id),
                     HUB_NOT_FOUND);
    assert_int_equal(hub_national_add_credential(f->db, "VL", 1, secret,
                                                 &id),
                     HUB_OK);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    assert_int_equal(hub_national_find_credential(f->db, secret, province),
                     HUB_OK);
    assert_string_equal(province, "VL");
    secret[0] = secret[0] == 'a' ? 'b' : 'a';
    assert_int_equal(hub_national_find_credential(f->db, secret, province),
                     HUB_DENIED);
    secret[0] = secret[0] == 'a' ? 'b' : 'a';
    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    assert_int_equal(hub_national_revoke_credential(f->db, id, 2), HUB_OK);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    assert_int_equal(hub_national_find_credential(f->db, secret, province),
                     HUB_DENIED);
}

/* What the forwarder writes, read back as the same push. */
static void test_body_round_trip(void **state)
{
    const char *units[] = {"X1", "X2"};
    const long a[] = {3, 4};
    char *text = make_body("VL", "2025-03", 7, units, a, 2), *again;
    hub_natpush_doc_t doc;
    hub_national_push_t p;
    hub_problem_t pb;
    json_t *o;

    (void)state;
    hub_problem_init(&pb);
    assert_int_equal(hub_natpush_parse(text, strlen(text), &doc, &p, &pb), 0);
    o = hub_natpush_to_json(&p);
    assert_non_null(o);
    again = json_dumps(o, JSON_COMPACT);
    assert_string_equal(again, text);
    json_decref(o);
    free(again);
    hub_natpush_doc_free(&doc);
    free(text);
}

/* A targets body with this dashboard address: parsed or refused. */
static int parse_targets_with(const char *dashboard, hub_natpush_targets_t *tg)
{
    char body[1024];
    hub_problem_t pb;

    snprintf(body, sizeof(body),
             "{\"province\":\"VL\",\"slug\":\"vinh-long\",%s%s%s"
             "\"targets\":{\"format\":\"sipas-targets/1\",\"indicators\":"
             "{\"tthc\":{\"vi\":\"Hài lòng\",\"en\":\"Satisfaction\","
             "\"scope\":[\"khac\"]}},\"targets\":[{\"province\":"
             "\"vinh-long\",\"indicator\":\"tthc\",\"op\":\">=\","
             "\"threshold\":42,\"year\":2025,\"source\":\"x\"}]}}",
             dashboard ? "\"dashboard\":\"" : "", dashboard ? dashboard : "",
             dashboard ? "\"," : "");
    hub_problem_init(&pb);
    return hub_natpush_parse_targets(body, strlen(body), tg, &pb);
}

/* A province's targets: the body checked (a link the page may show and
 * nothing else), stored, and found for the province's units only. */
static void test_targets(void **state)
{
    static const char *const bad[] = {
        "javascript:alert(1)", "http://example.vn", "http://localhost.example.vn",
        "https://", "https://user@vl.vn", "https://vl.vn/a b", "ftp://vl.vn",
    };
    fixture_t *f = *state;
    hub_natpush_targets_t tg;
    char slug[TARGETS_SLUG_MAX], *text = NULL;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(parse_targets_with(bad[i], &tg), -1);
        assert_null(tg.text);
    }
    assert_int_equal(parse_targets_with("http://127.0.0.1:8080", &tg), 0);
    free(tg.text);
    assert_int_equal(parse_targets_with(NULL, &tg), 0);
    assert_string_equal(tg.dashboard, "");
    free(tg.text);
    assert_int_equal(parse_targets_with("https://vl.example.vn/hub", &tg), 0);
    assert_string_equal(tg.province, "VL");
    assert_string_equal(tg.slug, "vinh-long");
    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    assert_int_equal(hub_national_put_targets(f->db, "VL", tg.slug, tg.text,
                                              tg.dashboard, 5),
                     HUB_OK);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    assert_int_equal(hub_national_find_targets(f->db, "X2", slug, &text),
                     HUB_OK);
    assert_string_equal(slug, "vinh-long");
    assert_string_equal(text, tg.text);
    free(text);
    assert_int_equal(hub_national_find_targets(f->db, "VL", slug, &text),
                     HUB_OK);
    free(text);
    assert_int_equal(hub_national_find_targets(f->db, "C1", slug, &text),
                     HUB_NOT_FOUND);
    assert_null(text);
    free(tg.text);
}

/* ---- the country by province ----------------------------------------- */

/* A year of the national tree: by unit (level -1 for none, -2 for
 * depth=1), within the token's scope (NULL: all) and unit (NULL: the
 * scope). */
static json_t *year_stats(hub_db_t *db, const char *scope, const char *unit,
                          hub_stats_group_t group, int level, int min_group,
                          int *rc)
{
    hub_stats_query_t q;
    json_t *out = NULL;

    hub_stats_init_query(&q);
    q.from = "2026-01-01";
    q.to = "2026-12-31";
    q.period = "2026";
    q.scope_unit = scope;
    q.unit = unit;
    q.group = group;
    q.level = level < -1 ? -1 : level;
    q.depth = level < -1; /* -2: depth=1 */
    q.min_group = min_group;
    *rc = hub_stats_compute(db, &q, &out);
    return out;
}

/* The group keyed by unit code in an answer's groups, or NULL. */
static json_t *group_of(json_t *out, const char *code)
{
    json_t *g;
    size_t i;

    json_array_foreach(json_object_get(out, "groups"), i, g)
        if (strcmp(json_string_value(json_object_get(
                       json_object_get(g, "key"), "unit")),
                   code) == 0)
            return g;
    return NULL;
}

/* Counts of a group: its responses, and each question's counts summed. */
static int64_t count_of(json_t *g, const char *what)
{
    json_t *qn, *v;
    const char *k;
    int64_t n = 0;
    size_t i;

    if (strcmp(what, "answers") != 0)
        return json_integer_value(json_object_get(g, what));
    json_array_foreach(json_object_get(g, "questions"), i, qn)
        json_object_foreach(json_object_get(qn, "counts"), k, v)
            n += json_integer_value(v);
    return n;
}

/* Two provinces' months, officers included; the year by province
 * (level 0 at the root) gives each province's tree summed in SQL: the
 * same group as its own answer (unit=P, officers weighed over the
 * province alike), the sums of its units' groups, and to a token of one
 * province that province alone. */
static void test_country_by_province(void **state)
{
    static const char *const what[] = {"responses", "partial", "answers"};
    static const char *vl_units[] = {"X1", "X2"};
    static const long vl_n[] = {4, 3};
    static const char *ct_units[] = {"C1"};
    static const long ct_n[] = {6};
    static const char *const provinces[] = {"VL", "CT"};
    fixture_t *f = *state;
    json_t *top, *one, *all, *g, *h;
    const char *bad = NULL;
    int64_t held = 0, sum;
    char *body;
    size_t i, k;
    int rc;

    body = make_body("VL", "2026-03", 1, vl_units, vl_n, 2);
    assert_int_equal(push(f->db, body, &held, &bad), HUB_OK);
    free(body);
    body = make_body("VL", "2026-04", 1, vl_units, vl_n, 1);
    assert_int_equal(push(f->db, body, &held, &bad), HUB_OK);
    free(body);
    body = make_body("CT", "2026-03", 1, ct_units, ct_n, 1);
    assert_int_equal(push(f->db, body, &held, &bad), HUB_OK);
    free(body);

    top = year_stats(f->db, NULL, NULL, HUB_STATS_BY_UNIT, 0, 5, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(json_array_size(json_object_get(top, "groups")), 2);
    for (i = 0; i < 2; i++) {
        one = year_stats(f->db, NULL, provinces[i], HUB_STATS_ALL, -1, 5, &rc);
        assert_int_equal(rc, HUB_OK);
        g = json_deep_copy(group_of(top, provinces[i]));
        h = json_array_get(json_object_get(one, "groups"), 0);
        assert_non_null(g);
        json_object_del(g, "key");
        json_object_del(h, "key");
        assert_true(json_equal(g, h));
        json_decref(g);
        json_decref(one);
    }
    /* X2 alone (3 by one officer) is withheld, VL (11) is not. */
    all = year_stats(f->db, NULL, NULL, HUB_STATS_BY_UNIT, -1, 5, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_true(json_is_true(json_object_get(group_of(all, "X2"),
                                             "suppressed_group")));
    assert_true(json_is_false(json_object_get(group_of(top, "VL"),
                                              "suppressed_group")));
    json_decref(all);
    json_decref(top);
    /* Nothing withheld: the units' sums. */
    top = year_stats(f->db, NULL, NULL, HUB_STATS_BY_UNIT, 0, 1, &rc);
    all = year_stats(f->db, NULL, NULL, HUB_STATS_BY_UNIT, -1, 1, &rc);
    assert_int_equal(rc, HUB_OK);
    for (k = 0; k < sizeof(what) / sizeof(*what); k++) {
        sum = count_of(group_of(all, "X1"), what[k]) +
              count_of(group_of(all, "X2"), what[k]);
        assert_true(sum > 0);
        assert_int_equal(count_of(group_of(top, "VL"), what[k]), sum);
        assert_int_equal(count_of(group_of(top, "CT"), what[k]),
                         count_of(group_of(all, "C1"), what[k]));
    }
    assert_int_equal(count_of(group_of(top, "VL"), "responses"), 11);
    json_decref(all);
    /* depth=1 at the root is level 0; below VL, its communes. */
    all = year_stats(f->db, NULL, NULL, HUB_STATS_BY_UNIT, -2, 1, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(json_integer_value(json_object_get(all, "level")), 0);
    json_object_del(all, "depth");
    assert_true(json_equal(all, top));
    json_decref(all);
    all = year_stats(f->db, NULL, "VL", HUB_STATS_BY_UNIT, -2, 1, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(json_array_size(json_object_get(all, "groups")), 2);
    assert_non_null(group_of(all, "X2"));
    json_decref(all);
    json_decref(top);
    /* A token of VL's sees VL only, and CT not at all. */
    top = year_stats(f->db, "VL", NULL, HUB_STATS_BY_UNIT, 0, 5, &rc);
    assert_int_equal(rc, HUB_OK);
    assert_int_equal(json_array_size(json_object_get(top, "groups")), 1);
    assert_non_null(group_of(top, "VL"));
    json_decref(top);
    top = year_stats(f->db, "VL", "CT", HUB_STATS_BY_UNIT, 0, 5, &rc);
    assert_int_equal(rc, HUB_DENIED);
    json_decref(top);
}

/* The whole tree's map at level 0, and VL's alone. */
#define MAP_ALL                                                           \
    "{\"VL\":\"VL\",\"X1\":\"VL\",\"X2\":\"VL\",\"CT\":\"CT\","   \
    "\"C1\":\"CT\"}"
#define MAP_VL "{\"VL\":\"VL\",\"X1\":\"VL\",\"X2\":\"VL\"}"

/* The year by province (depth=1 at the root; level 0 within a token's
 * province) as text, and whether the totals served it. */
static char *country_text(hub_db_t *db, const char *scope, int *from_totals)
{
    json_t *out;
    char *text;
    int rc;

    assert_int_equal(hub_db_begin_read(db), HUB_OK);
    assert_int_equal(hub_provtotals_is_exact(db, scope ? MAP_VL : MAP_ALL,
                                             scope, from_totals),
                     HUB_OK);
    hub_db_end_read(db);
    out = year_stats(db, scope, NULL, HUB_STATS_BY_UNIT, scope ? 0 : -2, 5,
                     &rc);
    assert_int_equal(rc, HUB_OK);
    text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(text);
    json_decref(out);
    return text;
}

static void push_units(hub_db_t *db, const char *province,
                       const char *month, long seq, const char *units[],
                       const long n[], size_t count, int want)
{
    char *body = make_body(province, month, seq, units, n, count);
    const char *bad = NULL;
    int64_t held = 0;

    assert_int_equal(push(db, body, &held, &bad), want);
    free(body);
}

/* Pushes out of order, replays, a month replaced by fewer units: the
 * totals stay the units' sums, and the country by province read from
 * them is the text read from every unit's rows. */
static void test_province_totals(void **state)
{
    static const char *both[] = {"X1", "X2"};
    static const char *x2[] = {"X2"};
    static const char *c1[] = {"C1"};
    static const long a[] = {4, 3}, b[] = {9, 2}, c[] = {7};
    fixture_t *f = *state;
    char *fast, *fast_vl, *slow;
    int exact = 0;

    push_units(f->db, "VL", "2026-05", 3, both, b, 2, HUB_OK);
    push_units(f->db, "VL", "2026-03", 2, both, a, 2, HUB_OK);
    push_units(f->db, "CT", "2026-03", 1, c1, c, 1, HUB_OK);
    check_province_totals(f->db);
    /* An older push of May after its newer one, and a replay. */
    push_units(f->db, "VL", "2026-05", 2, x2, c, 1, HUB_EXISTS);
    push_units(f->db, "VL", "2026-03", 2, both, a, 2, HUB_EXISTS);
    check_province_totals(f->db);
    /* March again with X2 alone: X1's March leaves every total. */
    push_units(f->db, "VL", "2026-03", 4, x2, c, 1, HUB_OK);
    check_province_totals(f->db);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " national_prov_year_responses WHERE"
                                      " province = 'VL'"),
                     9 + 2 + 7);
    assert_int_equal(query_int(f->db, "SELECT complete FROM"
                                      " national_prov_month_officers WHERE"
                                      " province = 'VL' AND month ="
                                      " '2026-03'"),
                     7);
    fast = country_text(f->db, NULL, &exact);
    assert_int_equal(exact, 1);
    fast_vl = country_text(f->db, "VL", &exact);
    assert_int_equal(exact, 1);
    /* A kiosk's rows of the hub's own: every unit's rows are read. */
    assert_int_equal(sqldb_exec(&f->db->sql,
                                "INSERT INTO day_snapshots VALUES('k',"
                                " '2026-01-01', 1, 0, 'u', 0)"),
                     SQLITE_OK);
    slow = country_text(f->db, NULL, &exact);
    assert_int_equal(exact, 0);
    assert_string_equal(fast, slow);
    free(slow);
    slow = country_text(f->db, "VL", &exact);
    assert_int_equal(exact, 0);
    assert_string_equal(fast_vl, slow);
    assert_null(strstr(fast_vl, "\"CT\""));
    free(fast);
    free(fast_vl);
    free(slow);
}

/* A national database of the schema before the totals: opening it
 * computes them from the rows it holds. */
static void test_province_totals_migrated(void **state)
{
    static const char *both[] = {"X1", "X2"};
    static const char *c1[] = {"C1"};
    static const long a[] = {4, 3}, c[] = {7};
    hub_db_options_t opt = {1, 1, 0};
    fixture_t *f = *state;
    char *before, *after;

    push_units(f->db, "VL", "2026-03", 1, both, a, 2, HUB_OK);
    push_units(f->db, "VL", "2026-04", 1, both, a, 1, HUB_OK);
    push_units(f->db, "CT", "2025-12", 1, c1, c, 1, HUB_OK);
    before = summaries(f->db);
    assert_int_equal(
        sqldb_exec(&f->db->sql,
                   "DROP TABLE national_prov_month_responses;"
                   " DROP TABLE national_prov_month_answers;"
                   " DROP TABLE national_prov_month_elements;"
                   " DROP TABLE national_prov_month_officers;"
                   " DROP TABLE national_prov_year_responses;"
                   " DROP TABLE national_prov_year_answers;"
                   " DROP TABLE national_prov_year_elements;"
                   " DROP TABLE national_prov_year_officers;"
                   " PRAGMA user_version = 15"),
        SQLITE_OK);
    hub_db_close(f->db);
    f->db = NULL;
    assert_int_equal(hub_db_open(f->db_path, &opt, &f->db), HUB_OK);
    assert_int_equal(query_int(f->db, "PRAGMA user_version"),
                     hub_db_schema_version());
    check_province_totals(f->db);
    after = summaries(f->db);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_parse_refusals),
        T(test_replace_by_sequence),
        T(test_refusals_change_nothing),
        T(test_credentials),
        T(test_body_round_trip),
        T(test_targets),
        T(test_country_by_province),
        T(test_province_totals),
        T(test_province_totals_migrated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
