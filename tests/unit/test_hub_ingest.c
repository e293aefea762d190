/*
 * Hub ingest: every rule of the upload format, and the per-(kiosk, day)
 * snapshot upsert that makes retries, replays and reordering harmless.
 * Runs on a real SQLite file in a temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/vntime.h"
#include "hub/api/handler.h"
#include "hub/api/reply.h"
#include "hub/base/crypto.h"
#include "hub/base/disk.h"
#include "hub/base/quota.h"
#include "hub/domain/ingest.h"
#include "hub/store/db_sql.h"
#include "hub/store/db.h"
#include "hub/store/kiosks.h"
#include "hub/store/units.h"

#include "testutil.h"

#define K1 "9f2c00000000000000000000000000a1"
#define K2 "9f2c00000000000000000000000000b2"
#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

/* The example of docs/SYNC_PROTOCOL.md, with a real install id in place
 * of "9f2c…" and the heartbeat written out. */
static const char doc_example[] =
    "{\n"
    "  \"install_id\": \"" K1 "\",\n"
    "  \"upload_id\": \"" K1 ":1234\",\n"
    "  \"upto_seq\": 1234,\n"
    "  \"days\": [\n"
    "    {\n"
    "      \"day\": \"2026-11-22\",\n"
    "      \"estimated\": 0,\n"
    "      \"responses\": [\n"
    "        {\"unit\": \"XA-MINHTAN\", \"counter\": \"Qu\xe1\xba\xa7y 1\","
    " \"officer\": \"CB001\", \"field\": \"dat-dai\",\n"
    "         \"instrument\": \"sipas-short\", \"version\": 1, \"complete\":"
    " 12, \"partial\": 1, \"suppressed\": 2}\n"
    "      ],\n"
    "      \"answers\": [\n"
    "        {\"unit\": \"XA-MINHTAN\", \"counter\": \"Qu\xe1\xba\xa7y 1\","
    " \"officer\": \"CB001\", \"field\": \"dat-dai\",\n"
    "         \"instrument\": \"sipas-short\", \"version\": 1, \"partial\":"
    " 0,\n"
    "         \"question\": \"overall\", \"element\": \"overall\","
    " \"answer\": \"5\", \"n\": 7}\n"
    "      ]\n"
    "    }\n"
    "  ],\n"
    "  \"heartbeat\": {\"version\": \"0.1.0\", \"uptime_s\": 86400,"
    " \"clock_synced\": true, \"clock_offset_ms\": -120,\n"
    " \"free_bytes\": 5210000000, \"integrity\": \"ok\", \"pending\": 0,"
    " \"acked_seq\": 1234,\n"
    " \"last_response_at\": 1763779000000, \"sent_at\": 1763780000000}\n"
    "}\n";

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_db_t *db;
    hub_reply_t r;
    int64_t now;
} fixture_t;

typedef struct totals {
    int64_t complete, partial, suppressed, answers, resp_rows, ans_rows;
} totals_t;

/* ---- fixture ---------------------------------------------------------- */

static void enroll(hub_db_t *db, const char *id, const char *secret)
{
    unsigned char hash[HUB_SHA256_LEN];

    assert_int_equal(hub_crypto_hash_text(secret, hash), 0);
    assert_int_equal(
        hub_kiosks_enroll(db, id, "XA-MINHTAN", "Quầy 1", "0.1.0", hash, 1),
        HUB_OK);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    hub_db_options_t opt = {1, 1, 0};

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->root, sizeof(f->root), "sipas-hub") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (hub_db_open(f->db_path, &opt, &f->db) != HUB_OK)
        return -1;
    /* Midday of the example's day, local time. */
    f->now = vntime_parse_date("2026-11-22") + 12 * HOUR_MS;
    if (hub_db_begin_write(f->db) != HUB_OK ||
        hub_units_add(f->db, "TINH", "Tỉnh", NULL, 1) != HUB_OK ||
        hub_units_add(f->db, "XA-MINHTAN", "UBND xã Minh Tân", "TINH", 1) !=
            HUB_OK)
        return -1;
    enroll(f->db, K1,
          "1111111111111111111111111111111111111111111111111111111111111111");
    enroll(f->db, K2,
          "2222222222222222222222222222222222222222222222222222222222222222");
    if (hub_db_commit(f->db) != HUB_OK)
        return -1;
    hub_reply_init(&f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc;

    hub_reply_clear(&f->r);
    hub_db_close(f->db);
    rc = testutil_remove_tree(f->root);
    free(f);
    return rc;
}

/* ---- requests and results ------------------------------------------- */

static int apply_as(fixture_t *f, const char *kiosk, const char *body,
                    size_t len)
{
    hub_reply_clear(&f->r);
    return hub_ingest_apply(f->db, kiosk, body, len, f->now, &f->r);
}

static int apply_text(fixture_t *f, const char *body)
{
    return apply_as(f, K1, body, strlen(body));
}

static int apply_json(fixture_t *f, json_t *root)
{
    char *text = json_dumps(root, JSON_COMPACT);
    int status;

    assert_non_null(text);
    status = apply_text(f, text);
    free(text);
    return status;
}

static json_t *load_example(void)
{
    json_t *root = json_loads(doc_example, JSON_REJECT_DUPLICATES, NULL);

    assert_non_null(root);
    return root;
}

static json_t *day_at(json_t *root, size_t i)
{
    return json_array_get(json_object_get(root, "days"), i);
}

static json_t *resp_row(json_t *root)
{
    return json_array_get(json_object_get(day_at(root, 0), "responses"), 0);
}

static json_t *ans_row(json_t *root)
{
    return json_array_get(json_object_get(day_at(root, 0), "answers"), 0);
}

static int64_t query_int(fixture_t *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v;

    assert_int_equal(
        sqlite3_prepare_v2(f->db->sql.conn, sql, -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static totals_t get_totals(fixture_t *f)
{
    totals_t t;

    t.complete =
        query_int(f, "SELECT coalesce(sum(complete),0) FROM day_responses");
    t.partial =
        query_int(f, "SELECT coalesce(sum(partial),0) FROM day_responses");
    t.suppressed =
        query_int(f, "SELECT coalesce(sum(suppressed),0) FROM day_responses");
    t.answers = query_int(f, "SELECT coalesce(sum(n),0) FROM day_answers");
    t.resp_rows = query_int(f, "SELECT count(*) FROM day_responses");
    t.ans_rows = query_int(f, "SELECT count(*) FROM day_answers");
    return t;
}

static void assert_totals(fixture_t *f, int64_t complete, int64_t answers)
{
    totals_t t = get_totals(f);

    assert_int_equal(t.complete, complete);
    assert_int_equal(t.answers, answers);
}

/* Every stored row of every table a request may touch, as one string:
 * equal strings mean nothing changed. */
static char *dump_tables(fixture_t *f)
{
    static const char *const sql[] = {
        "SELECT * FROM day_snapshots ORDER BY install_id, day",
        "SELECT * FROM day_responses ORDER BY rowid",
        "SELECT * FROM day_answers ORDER BY rowid",
        "SELECT * FROM day_elements ORDER BY rowid",
        "SELECT * FROM heartbeats ORDER BY install_id",
        "SELECT * FROM kiosks ORDER BY install_id",
        "SELECT * FROM audit ORDER BY id",
        NULL,
    };
    size_t len = 0, cap = 4096, i;
    char *out = malloc(cap);
    sqlite3_stmt *st;
    int c;

    assert_non_null(out);
    out[0] = '\0';
    for (i = 0; sql[i]; i++) {
        assert_int_equal(
            sqlite3_prepare_v2(f->db->sql.conn, sql[i], -1, &st, NULL),
            SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (c = 0; c < sqlite3_column_count(st); c++) {
                const unsigned char *t = sqlite3_column_text(st, c);
                int n = sqlite3_column_bytes(st, c);

                while (len + (size_t)n + 4 > cap) {
                    cap *= 2;
                    out = realloc(out, cap);
                    assert_non_null(out);
                }
                if (t)
                    memcpy(out + len, t, (size_t)n);
                len += (size_t)n;
                out[len++] = c + 1 < sqlite3_column_count(st) ? '|' : '\n';
                out[len] = '\0';
            }
        }
        sqlite3_finalize(st);
    }
    return out;
}

/* An upload of one day with one response row and one answer row. */
static char *make_upload(const char *kiosk, int64_t seq, const char *day,
                         int64_t complete, int64_t n5)
{
    json_t *root = json_pack(
        "{s:s, s:s, s:I, s:[{s:s, s:i, s:[{s:s, s:s, s:s, s:s, s:s, s:i,"
        " s:I, s:i, s:i}], s:[{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s,"
        " s:s, s:I}]}]}",
        "install_id", kiosk, "upload_id", "up", "upto_seq", (json_int_t)seq,
        "days", "day", day, "estimated", 0, "responses", "unit", "XA-MINHTAN",
        "counter", "Quầy 1", "officer", "CB001", "field", "dat-dai",
        "instrument", "sipas-short", "version", 1, "complete",
        (json_int_t)complete, "partial", 0, "suppressed", 0, "answers", "unit",
        "XA-MINHTAN", "counter", "Quầy 1", "officer", "CB001", "field",
        "dat-dai", "instrument", "sipas-short", "version", 1, "partial", 0,
        "question", "overall", "element", "overall", "answer", "5", "n",
        (json_int_t)n5);
    char *text;

    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

static int apply_upload(fixture_t *f, int64_t seq, const char *day,
                        int64_t complete, int64_t n5)
{
    char *body = make_upload(K1, seq, day, complete, n5);
    int status = apply_text(f, body);

    free(body);
    return status;
}

static json_t *reply_json(fixture_t *f)
{
    json_t *v;

    assert_non_null(f->r.body);
    v = json_loadb(f->r.body, f->r.body_len, 0, NULL);
    assert_non_null(v);
    return v;
}

static json_int_t reply_int(fixture_t *f, const char *key)
{
    json_t *v = reply_json(f);
    json_int_t x = json_integer_value(json_object_get(v, key));

    json_decref(v);
    return x;
}

/* ---- acceptance ------------------------------------------------------- */

static void test_accepts_documented_example(void **state)
{
    fixture_t *f = *state;
    json_t *v;

    assert_int_equal(apply_text(f, doc_example), 200);
    v = reply_json(f);
    assert_true(json_is_true(json_object_get(v, "ok")));
    assert_string_equal(json_string_value(json_object_get(v, "upload_id")),
                        K1 ":1234");
    assert_int_equal(json_integer_value(json_object_get(v, "upto_seq")), 1234);
    assert_int_equal(json_integer_value(json_object_get(v, "days")), 1);
    assert_int_equal(json_integer_value(json_object_get(v, "stale_days")), 0);
    assert_int_equal(json_integer_value(json_object_get(v, "hub_time")),
                     f->now);
    json_decref(v);
    assert_totals(f, 12, 7);
    assert_int_equal(get_totals(f).partial, 1);
    assert_int_equal(get_totals(f).suppressed, 2);
    assert_int_equal(query_int(f, "SELECT upto_seq FROM day_snapshots"), 1234);
    assert_int_equal(query_int(f, "SELECT count(*) FROM heartbeats WHERE"
                                  " body LIKE '%\"free_bytes\":5210000000%'"),
                     1);
}

/* ---- refusals --------------------------------------------------------- */

typedef struct variant {
    const char *name;
    void (*mutate)(json_t *root);
    int status;
} variant_t;

#define SET(obj, key, val) json_object_set_new((obj), (key), (val))

static void m_no_install_id(json_t *r)
{
    json_object_del(r, "install_id");
}
static void m_no_upload_id(json_t *r)
{
    json_object_del(r, "upload_id");
}
static void m_no_upto_seq(json_t *r)
{
    json_object_del(r, "upto_seq");
}
static void m_no_days(json_t *r)
{
    json_object_del(r, "days");
}
static void m_no_day(json_t *r)
{
    json_object_del(day_at(r, 0), "day");
}
static void m_no_estimated(json_t *r)
{
    json_object_del(day_at(r, 0), "estimated");
}
static void m_no_responses(json_t *r)
{
    json_object_del(day_at(r, 0), "responses");
}
static void m_no_answers(json_t *r)
{
    json_object_del(day_at(r, 0), "answers");
}
static void m_no_unit(json_t *r)
{
    json_object_del(resp_row(r), "unit");
}
static void m_no_officer(json_t *r)
{
    json_object_del(resp_row(r), "officer");
}
static void m_no_complete(json_t *r)
{
    json_object_del(resp_row(r), "complete");
}
static void m_no_question(json_t *r)
{
    json_object_del(ans_row(r), "question");
}
static void m_no_n(json_t *r)
{
    json_object_del(ans_row(r), "n");
}
static void m_no_answer(json_t *r)
{
    json_object_del(ans_row(r), "answer");
}

static void m_unknown_top(json_t *r)
{
    SET(r, "extra", json_integer(1));
}
static void m_unknown_day(json_t *r)
{
    SET(day_at(r, 0), "comment", json_string("x"));
}
static void m_unknown_resp(json_t *r)
{
    SET(resp_row(r), "completed", json_integer(1));
}
static void m_unknown_ans(json_t *r)
{
    SET(ans_row(r), "value", json_integer(5));
}
static void m_unknown_hb(json_t *r)
{
    SET(json_object_get(r, "heartbeat"), "cpu", json_integer(1));
}

static void m_seq_string(json_t *r)
{
    SET(r, "upto_seq", json_string("1234"));
}
static void m_seq_real(json_t *r)
{
    SET(r, "upto_seq", json_real(1234.0));
}
static void m_complete_string(json_t *r)
{
    SET(resp_row(r), "complete", json_string("12"));
}
static void m_complete_bool(json_t *r)
{
    SET(resp_row(r), "complete", json_true());
}
static void m_unit_null(json_t *r)
{
    SET(resp_row(r), "unit", json_null());
}
static void m_unit_number(json_t *r)
{
    SET(resp_row(r), "unit", json_integer(7));
}
static void m_days_object(json_t *r)
{
    SET(r, "days", json_object());
}
static void m_responses_object(json_t *r)
{
    SET(day_at(r, 0), "responses", json_object());
}
static void m_row_array(json_t *r)
{
    json_array_set_new(json_object_get(day_at(r, 0), "answers"), 0,
                       json_array());
}
static void m_hb_array(json_t *r)
{
    SET(r, "heartbeat", json_array());
}
static void m_hb_synced_int(json_t *r)
{
    SET(json_object_get(r, "heartbeat"), "clock_synced", json_integer(1));
}
static void m_hb_free_negative(json_t *r)
{
    SET(json_object_get(r, "heartbeat"), "free_bytes", json_integer(-1));
}
static void m_install_upper(json_t *r)
{
    SET(r, "install_id", json_string("9F2C00000000000000000000000000A1"));
}
static void m_install_short(json_t *r)
{
    SET(r, "install_id", json_string("9f2c"));
}

static void m_complete_negative(json_t *r)
{
    SET(resp_row(r), "complete", json_integer(-1));
}
static void m_complete_huge(json_t *r)
{
    SET(resp_row(r), "complete", json_integer(1000001));
}
static void m_n_negative(json_t *r)
{
    SET(ans_row(r), "n", json_integer(-5));
}
static void m_n_huge(json_t *r)
{
    SET(ans_row(r), "n", json_integer(INT64_C(9000000000000000000)));
}
static void m_estimated_huge(json_t *r)
{
    SET(day_at(r, 0), "estimated", json_integer(1000001));
}
static void m_seq_zero(json_t *r)
{
    SET(r, "upto_seq", json_integer(0));
}
static void m_seq_over(json_t *r)
{
    SET(r, "upto_seq", json_integer(INT64_C(9007199254740993)));
}
static void m_partial_two(json_t *r)
{
    SET(ans_row(r), "partial", json_integer(2));
}
static void m_version_negative(json_t *r)
{
    SET(resp_row(r), "version", json_integer(-1));
}

static void m_day_feb30(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("2026-02-30"));
}
static void m_day_month13(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("2026-13-01"));
}
static void m_day_short(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("26-11-22"));
}
static void m_day_time(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("2026-11-22T00:00"));
}
static void m_day_1999(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("1999-12-31"));
}
static void m_day_future(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("2026-11-25"));
}
static void m_day_far(json_t *r)
{
    SET(day_at(r, 0), "day", json_string("9999-12-31"));
}

static void m_unit_long(json_t *r)
{
    char code[HUB_CODE_MAX + 2];

    memset(code, 'A', sizeof(code) - 1);
    code[sizeof(code) - 1] = '\0';
    SET(resp_row(r), "unit", json_string(code));
}
static void m_counter_long(json_t *r)
{
    char name[HUB_NAME_MAX + 2];

    memset(name, 'q', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    SET(resp_row(r), "counter", json_string(name));
}
static void m_upload_id_long(json_t *r)
{
    char id[HUB_UPLOAD_ID_MAX + 2];

    memset(id, '1', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    SET(r, "upload_id", json_string(id));
}
static void m_counter_newline(json_t *r)
{
    SET(resp_row(r), "counter", json_string("Quầy\n1"));
}
static void m_counter_nul(json_t *r)
{
    SET(resp_row(r), "counter", json_stringn("Q\0x", 3));
}
static void m_unit_empty(json_t *r)
{
    SET(resp_row(r), "unit", json_string(""));
}
static void m_officer_sql(json_t *r)
{
    SET(resp_row(r), "officer",
        json_string("CB001'; DROP TABLE day_answers;--"));
}
static void m_answer_sql(json_t *r)
{
    SET(ans_row(r), "answer", json_string("5 OR 1=1"));
}
static void m_question_markup(json_t *r)
{
    SET(ans_row(r), "question", json_string("<script>"));
}
static void m_unit_path(json_t *r)
{
    SET(resp_row(r), "unit", json_string("../../etc/passwd"));
}

static void m_dup_day(json_t *r)
{
    json_array_append_new(json_object_get(r, "days"),
                          json_deep_copy(day_at(r, 0)));
}
/* Format 2 with one element row of the example's response dimensions:
 * 7 of its 12 complete responses answered "overall". */
static json_t *el_row(json_t *r)
{
    json_t *o = json_deep_copy(resp_row(r)), *arr = json_array();

    json_object_del(o, "complete");
    json_object_del(o, "partial");
    json_object_del(o, "suppressed");
    SET(o, "partial", json_integer(0));
    SET(o, "element", json_string("overall"));
    SET(o, "n", json_integer(7));
    json_array_append_new(arr, o);
    SET(day_at(r, 0), "elements", arr);
    SET(r, "format", json_integer(2));
    return o;
}
static void m_el_no_format(json_t *r)
{
    el_row(r);
    json_object_del(r, "format");
}
static void m_format_three(json_t *r)
{
    SET(r, "format", json_integer(3));
}
static void m_format_string(json_t *r)
{
    SET(r, "format", json_string("2"));
}
static void m_el_over_responses(json_t *r)
{
    SET(el_row(r), "n", json_integer(13));
}
static void m_el_partial_over(json_t *r)
{
    json_t *o = el_row(r);

    SET(o, "partial", json_integer(1));
    SET(o, "n", json_integer(2));
}
static void m_el_no_response_row(json_t *r)
{
    SET(el_row(r), "field", json_string("khac"));
}
static void m_el_empty(json_t *r)
{
    SET(el_row(r), "element", json_string(""));
}
static void m_el_unknown_key(json_t *r)
{
    SET(el_row(r), "question", json_string("overall"));
}
static void m_el_no_n(json_t *r)
{
    json_object_del(el_row(r), "n");
}
static void m_el_twice(json_t *r)
{
    json_t *rows;

    el_row(r);
    rows = json_object_get(day_at(r, 0), "elements");
    json_array_append_new(rows, json_deep_copy(json_array_get(rows, 0)));
}
static void m_el_object(json_t *r)
{
    el_row(r);
    SET(day_at(r, 0), "elements", json_object());
}
static void m_dup_resp_row(json_t *r)
{
    json_t *rows = json_object_get(day_at(r, 0), "responses");

    json_array_append_new(rows, json_deep_copy(json_array_get(rows, 0)));
}
static void m_dup_ans_row(json_t *r)
{
    json_t *rows = json_object_get(day_at(r, 0), "answers");
    json_t *copy = json_deep_copy(json_array_get(rows, 0));

    SET(copy, "n", json_integer(1)); /* same key, other count */
    json_array_append_new(rows, copy);
}
static void m_too_many_days(json_t *r)
{
    json_t *days = json_array();
    char day[VNTIME_DATE_MAX];
    int64_t t = vntime_parse_date("2026-08-01");
    int i;

    for (i = 0; i < HUB_INGEST_DAYS_MAX + 1; i++) {
        json_t *d = json_deep_copy(day_at(r, 0));

        assert_int_equal(
            vntime_format_date(t + i * VNTIME_DAY_MS, day, sizeof(day)), 0);
        SET(d, "day", json_string(day));
        json_array_append_new(days, d);
    }
    SET(r, "days", days);
}
static void m_too_many_rows(json_t *r)
{
    json_t *rows = json_array();
    int i;

    /* Empty objects keep the body small: the row count is refused
     * before any row is looked at. */
    for (i = 0; i < HUB_INGEST_ROWS_MAX + 1; i++)
        json_array_append_new(rows, json_object());
    SET(day_at(r, 0), "answers", rows);
}
static void m_other_kiosk(json_t *r)
{
    SET(r, "install_id", json_string(K2));
}

static const variant_t variants[] = {
    {"missing install_id", m_no_install_id, 400},
    {"missing upload_id", m_no_upload_id, 400},
    {"missing upto_seq", m_no_upto_seq, 400},
    {"missing days", m_no_days, 400},
    {"missing day", m_no_day, 400},
    {"missing estimated", m_no_estimated, 400},
    {"missing responses", m_no_responses, 400},
    {"missing answers", m_no_answers, 400},
    {"missing unit", m_no_unit, 400},
    {"missing officer", m_no_officer, 400},
    {"missing complete", m_no_complete, 400},
    {"missing question", m_no_question, 400},
    {"missing n", m_no_n, 400},
    {"missing answer", m_no_answer, 400},
    {"unknown top key", m_unknown_top, 400},
    {"unknown day key", m_unknown_day, 400},
    {"unknown response key", m_unknown_resp, 400},
    {"unknown answer key", m_unknown_ans, 400},
    {"unknown heartbeat key", m_unknown_hb, 400},
    {"upto_seq as string", m_seq_string, 400},
    {"upto_seq as real", m_seq_real, 400},
    {"complete as string", m_complete_string, 400},
    {"complete as bool", m_complete_bool, 400},
    {"unit null", m_unit_null, 400},
    {"unit number", m_unit_number, 400},
    {"days object", m_days_object, 400},
    {"responses object", m_responses_object, 400},
    {"answer row array", m_row_array, 400},
    {"heartbeat array", m_hb_array, 400},
    {"clock_synced integer", m_hb_synced_int, 400},
    {"free_bytes negative", m_hb_free_negative, 400},
    {"install_id upper case", m_install_upper, 400},
    {"install_id short", m_install_short, 400},
    {"complete negative", m_complete_negative, 400},
    {"complete over a million", m_complete_huge, 400},
    {"n negative", m_n_negative, 400},
    {"n huge", m_n_huge, 400},
    {"estimated huge", m_estimated_huge, 400},
    {"upto_seq zero", m_seq_zero, 400},
    {"upto_seq over 2^53", m_seq_over, 400},
    {"answer partial 2", m_partial_two, 400},
    {"version negative", m_version_negative, 400},
    {"day 30 February", m_day_feb30, 400},
    {"day month 13", m_day_month13, 400},
    {"day two-digit year", m_day_short, 400},
    {"day with time", m_day_time, 400},
    {"day before 2000", m_day_1999, 400},
    {"day three days ahead", m_day_future, 400},
    {"day 9999", m_day_far, 400},
    {"unit 65 bytes", m_unit_long, 400},
    {"counter 201 bytes", m_counter_long, 400},
    {"upload_id 129 bytes", m_upload_id_long, 400},
    {"counter with newline", m_counter_newline, 400},
    {"counter with NUL", m_counter_nul, 400},
    {"unit empty", m_unit_empty, 400},
    {"officer with SQL", m_officer_sql, 400},
    {"answer with SQL", m_answer_sql, 400},
    {"question with markup", m_question_markup, 400},
    {"unit as a path", m_unit_path, 400},
    {"day twice", m_dup_day, 400},
    {"response row twice", m_dup_resp_row, 400},
    {"answer row twice", m_dup_ans_row, 400},
    {"elements without format 2", m_el_no_format, 400},
    {"format 3", m_format_three, 400},
    {"format as text", m_format_string, 400},
    {"element n over complete responses", m_el_over_responses, 400},
    {"element n over partial responses", m_el_partial_over, 400},
    {"element without a response row", m_el_no_response_row, 400},
    {"element empty", m_el_empty, 400},
    {"element unknown key", m_el_unknown_key, 400},
    {"element without n", m_el_no_n, 400},
    {"element row twice", m_el_twice, 400},
    {"elements an object", m_el_object, 400},
    {"63 days", m_too_many_days, 400},
    {"20001 rows", m_too_many_rows, 400},
    {"another kiosk's install_id", m_other_kiosk, 403},
};

static void test_refuses_each_broken_variant(void **state)
{
    fixture_t *f = *state;
    char *before, *after;
    json_t *root, *v;
    size_t i;
    int status;

    before = dump_tables(f);
    for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
        root = load_example();
        variants[i].mutate(root);
        status = apply_json(f, root);
        json_decref(root);
        if (status != variants[i].status)
            fail_msg("%s: expected %d, got %d (%s)", variants[i].name,
                     variants[i].status, status, f->r.message);
        /* Every refusal says what, in JSON. */
        assert_int_equal(hub_reply_finish(&f->r), 0);
        v = reply_json(f);
        assert_non_null(json_string_value(json_object_get(v, "error")));
        assert_true(strlen(json_string_value(json_object_get(v, "message"))) >
                    0);
        json_decref(v);
        after = dump_tables(f);
        if (strcmp(before, after) != 0)
            fail_msg("%s: the database changed", variants[i].name);
        free(after);
    }
    free(before);
}

static void test_refuses_non_json(void **state)
{
    static const char *const bodies[] = {
        "",
        "null",
        "[]",
        "42",
        "\"text\"",
        "{",
        "{\"install_id\":}",
        "{\"upto_seq\":1,\"upto_seq\":2}",
        "\xff\xfe\x00garbage",
        "{\"install_id\": \"\xc3\x28\"}", /* invalid UTF-8 */
        "{\"upto_seq\": 99999999999999999999999999}",
    };
    fixture_t *f = *state;
    char *before = dump_tables(f), *after, *deep;
    size_t i, depth = 100000;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        assert_int_equal(
            apply_as(f, K1, bodies[i], i == 8 ? 10 : strlen(bodies[i])), 400);
        assert_string_equal(f->r.error, "bad-request");
    }
    /* Deep nesting is a parse error, not a crash. */
    deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    assert_int_equal(apply_text(f, deep), 400);
    /* Within the container limit, the parser's depth limit answers. */
    assert_int_equal(apply_as(f, K1, deep + depth - 3000, 6000), 400);
    assert_non_null(strstr(f->r.message, "depth"));
    /* So is a body of tens of thousands of tiny objects, before it is
     * parsed into tens of MiB. */
    deep[0] = '[';
    for (i = 0; i < 40000; i++)
        memcpy(deep + 1 + 3 * i, "{},", 3);
    deep[3 * 40000] = ']';
    deep[3 * 40000 + 1] = '\0';
    assert_int_equal(apply_text(f, deep), 400);
    assert_non_null(strstr(f->r.message, "objects and arrays"));
    free(deep);
    after = dump_tables(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_refuses_oversized_body(void **state)
{
    fixture_t *f = *state;
    size_t len = HUB_INGEST_BODY_MAX + 1;
    char *body = malloc(len);

    assert_non_null(body);
    memset(body, ' ', len);
    assert_int_equal(apply_as(f, K1, body, len), 413);
    assert_string_equal(f->r.error, "too-large");
    free(body);
    assert_totals(f, 0, 0);
}

/* A code may look like SQL and is then plain data; names may hold any
 * printable text, quotes included, and are stored byte for byte. */
static void test_stores_sql_looking_values_verbatim(void **state)
{
    static const char counter[] = "Quầy 1'); DROP TABLE kiosks;--";
    static const char officer[] = "DROP.TABLE--units";
    fixture_t *f = *state;
    json_t *root = load_example();
    sqlite3_stmt *st;

    json_object_set_new(resp_row(root), "counter", json_string(counter));
    json_object_set_new(resp_row(root), "officer", json_string(officer));
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn,
                                        "SELECT counter, officer FROM"
                                        " day_responses",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), counter);
    assert_string_equal((const char *)sqlite3_column_text(st, 1), officer);
    sqlite3_finalize(st);
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks"), 2);
    assert_int_equal(query_int(f, "SELECT count(*) FROM units"), 2);
}

static void test_accepts_limits_exactly(void **state)
{
    fixture_t *f = *state;
    json_t *root = load_example();
    json_t *days = json_array();
    char day[VNTIME_DATE_MAX];
    int64_t t = vntime_parse_date("2026-09-24");
    int i;

    for (i = 0; i < HUB_INGEST_DAYS_MAX; i++) {
        json_t *d = json_deep_copy(day_at(root, 0));

        assert_int_equal(
            vntime_format_date(t + i * VNTIME_DAY_MS, day, sizeof(day)), 0);
        json_object_set_new(d, "day", json_string(day));
        json_array_append_new(days, d);
    }
    json_object_set_new(root, "days", days);
    json_object_set_new(resp_row(root), "complete", json_integer(1000000));
    json_object_set_new(root, "upto_seq",
                        json_integer(INT64_C(9007199254740992)));
    /* The largest upto_seq, from a kiosk whose history comes that close. */
    assert_int_equal(
        sqlite3_exec(f->db->sql.conn,
                     "INSERT INTO day_snapshots(install_id, day, upto_seq,"
                     " estimated, upload_id, received_at) VALUES('" K1 "',"
                     " '2026-09-01', 9007199253740992, 0, 'up', 1)",
                     NULL, NULL, NULL),
        SQLITE_OK);
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots"),
                     HUB_INGEST_DAYS_MAX + 1);
    /* The last day is two days after the hub's date. */
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots WHERE"
                                  " day = '2026-11-24'"),
                     1);
}

static void test_optional_values(void **state)
{
    fixture_t *f = *state;
    json_t *root = load_example();

    /* No heartbeat, no officer or field, no element: all fine. */
    json_object_del(root, "heartbeat");
    json_object_set_new(resp_row(root), "officer", json_null());
    json_object_set_new(resp_row(root), "field", json_string(""));
    json_object_set_new(ans_row(root), "officer", json_null());
    json_object_del(ans_row(root), "element");
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_responses WHERE"
                                  " officer = '' AND field = ''"),
                     1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM heartbeats"), 0);
    /* An empty upload acknowledges a range with nothing in it. */
    root = load_example();
    json_object_set_new(root, "days", json_array());
    json_object_set_new(root, "upto_seq", json_integer(2000));
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_int_equal(reply_int(f, "days"), 0);
    assert_totals(f, 12, 7);
}

/* ---- the snapshot upsert ---------------------------------------------- */

static void test_same_upload_twice(void **state)
{
    fixture_t *f = *state;
    totals_t a, b;

    assert_int_equal(apply_text(f, doc_example), 200);
    a = get_totals(f);
    assert_int_equal(apply_text(f, doc_example), 200);
    assert_int_equal(reply_int(f, "stale_days"), 0);
    b = get_totals(f);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots"), 1);
}

static void test_older_after_newer_is_stale(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(apply_upload(f, 20, "2026-11-22", 9, 4), 200);
    assert_int_equal(reply_int(f, "stale_days"), 0);
    assert_int_equal(apply_upload(f, 10, "2026-11-22", 5, 2), 200);
    assert_int_equal(reply_int(f, "stale_days"), 1);
    assert_int_equal(reply_int(f, "upto_seq"), 10);
    assert_totals(f, 9, 4);
    assert_int_equal(query_int(f, "SELECT upto_seq FROM day_snapshots"), 20);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_responses"), 1);
}

static void test_hundred_replays(void **state)
{
    fixture_t *f = *state;
    totals_t first, now;
    int i;

    assert_int_equal(apply_upload(f, 50, "2026-11-21", 30, 20), 200);
    assert_int_equal(apply_upload(f, 60, "2026-11-22", 8, 3), 200);
    first = get_totals(f);
    assert_int_equal(first.complete, 38);
    for (i = 0; i < 100; i++) {
        assert_int_equal(apply_upload(f, 50, "2026-11-21", 30, 20), 200);
        assert_int_equal(apply_upload(f, 60, "2026-11-22", 8, 3), 200);
        assert_int_equal(apply_text(f, doc_example), 200);
    }
    /* The example (seq 1234) replaced day 22; day 21 is unchanged. */
    now = get_totals(f);
    assert_int_equal(now.complete, 30 + 12);
    assert_int_equal(now.answers, 20 + 7);
    assert_int_equal(now.resp_rows, 2);
    assert_int_equal(now.ans_rows, 2);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots"), 2);
}

/* Cumulative snapshots of a growing day, delivered last to first: the
 * first one to arrive is the newest, and every later one is stale. */
static void test_reverse_order(void **state)
{
    fixture_t *f = *state;
    int64_t seq;

    for (seq = 5; seq >= 1; seq--) {
        assert_int_equal(
            apply_upload(f, seq * 10, "2026-11-20", seq * 3, seq * 2), 200);
        assert_int_equal(reply_int(f, "stale_days"), seq == 5 ? 0 : 1);
        assert_totals(f, 15, 10);
    }
    /* In order, the same snapshots end at the same totals. */
    for (seq = 1; seq <= 5; seq++)
        assert_int_equal(
            apply_upload(f, seq * 10, "2026-11-19", seq * 3, seq * 2), 200);
    assert_totals(f, 30, 20);
}

static void test_day_replaced_by_newer(void **state)
{
    fixture_t *f = *state;
    json_t *root = load_example();
    json_t *rows = json_object_get(day_at(root, 0), "responses");
    json_t *extra = json_deep_copy(json_array_get(rows, 0));

    /* Seq 100: two counters. */
    json_object_set_new(extra, "counter", json_string("Quầy 2"));
    json_object_set_new(extra, "complete", json_integer(5));
    json_array_append_new(rows, extra);
    json_object_set_new(root, "upto_seq", json_integer(100));
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_totals(f, 17, 7);
    /* Seq 120 of the same day has only one row: the other row goes. */
    assert_int_equal(apply_upload(f, 120, "2026-11-22", 20, 11), 200);
    assert_totals(f, 20, 11);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_responses"), 1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_responses WHERE"
                                  " counter = 'Quầy 2'"),
                     0);
    assert_int_equal(query_int(f, "SELECT upto_seq FROM day_snapshots"), 120);
}

/* One upload, several days, some stale: the fresh ones are written, the
 * stale ones kept, and the reply says how many were stale. */
static void test_mixed_stale_and_fresh_days(void **state)
{
    fixture_t *f = *state;
    json_t *root;
    char *one;

    assert_int_equal(apply_upload(f, 500, "2026-11-21", 40, 30), 200);
    one = make_upload(K1, 300, "2026-11-20", 7, 6);
    root = json_loads(one, 0, NULL);
    free(one);
    assert_non_null(root);
    json_array_append_new(json_object_get(root, "days"),
                          json_deep_copy(day_at(root, 0)));
    json_object_set_new(day_at(root, 1), "day", json_string("2026-11-21"));
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
    assert_int_equal(reply_int(f, "days"), 2);
    assert_int_equal(reply_int(f, "stale_days"), 1);
    assert_totals(f, 40 + 7, 30 + 6);
}

static void test_kiosks_are_kept_apart(void **state)
{
    fixture_t *f = *state;
    char *b2 = make_upload(K2, 10, "2026-11-22", 4, 1);

    assert_int_equal(apply_upload(f, 10, "2026-11-22", 6, 2), 200);
    assert_int_equal(apply_as(f, K2, b2, strlen(b2)), 200);
    free(b2);
    assert_totals(f, 10, 3);
    /* K1 replacing its day does not touch K2's. */
    assert_int_equal(apply_upload(f, 11, "2026-11-22", 1, 1), 200);
    assert_totals(f, 5, 2);
}

static void test_revoked_kiosk_refused_data_kept(void **state)
{
    fixture_t *f = *state;
    int was = 0;

    assert_int_equal(apply_upload(f, 10, "2026-11-22", 6, 2), 200);
    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    assert_int_equal(hub_kiosks_revoke(f->db, K1, f->now, &was), HUB_OK);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    assert_int_equal(apply_upload(f, 20, "2026-11-22", 9, 9), 403);
    assert_string_equal(f->r.error, "revoked");
    assert_totals(f, 6, 2);
    /* An install id that was never enrolled cannot write either. */
    {
        char *body = make_upload("0000000000000000000000000000dead", 1,
                                 "2026-11-22", 1, 1);

        assert_int_equal(apply_as(f, "0000000000000000000000000000dead", body,
                                  strlen(body)),
                         401);
        free(body);
    }
    assert_totals(f, 6, 2);
}

/* A full disk fails the whole upload: no day of it is written. */
static void test_storage_full_writes_nothing(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {0, 0, 1}; /* cap at the current size */
    json_t *root, *rows;
    char *before, *after;
    int i;

    assert_int_equal(apply_upload(f, 10, "2026-11-20", 6, 2), 200);
    hub_db_close(f->db);
    assert_int_equal(hub_db_open(f->db_path, &opt, &f->db), HUB_OK);
    before = dump_tables(f);
    root = load_example();
    rows = json_object_get(day_at(root, 0), "answers");
    for (i = 0; i < 1500; i++) {
        json_t *row = json_deep_copy(json_array_get(rows, 0));
        char q[32];

        snprintf(q, sizeof(q), "q-%04d", i);
        json_object_set_new(row, "question", json_string(q));
        json_array_append_new(rows, row);
    }
    /* A second day first, so a partial write would show. */
    json_array_insert_new(json_object_get(root, "days"), 0,
                          json_deep_copy(day_at(root, 0)));
    json_object_set_new(day_at(root, 0), "day", json_string("2026-11-20"));
    assert_int_equal(apply_json(f, root), 503);
    json_decref(root);
    assert_string_equal(f->r.error, "storage-full");
    assert_true(f->r.retry_after_s > 0);
    after = dump_tables(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_totals(f, 6, 2);
}

static void test_parse_without_database(void **state)
{
    fixture_t *f = *state;
    hub_upload_t up;
    hub_problem_t pb;

    hub_problem_init(&pb);
    assert_int_equal(
        hub_ingest_parse(doc_example, strlen(doc_example), f->now, &up, &pb),
        0);
    assert_int_equal(up.n_days, 1);
    assert_int_equal(up.n_resp, 1);
    assert_int_equal(up.n_ans, 1);
    assert_int_equal(up.upto_seq, 1234);
    assert_string_equal(up.days[0].day, "2026-11-22");
    assert_string_equal(up.resp[0].d.counter, "Quầy 1");
    assert_int_equal(up.resp[0].suppressed, 2);
    assert_string_equal(up.ans[0].answer, "5");
    assert_true(up.has_heartbeat);
    assert_string_equal(up.heartbeat.version, "0.1.0");
    hub_ingest_free(&up);
    /* The same text a day later than two days ahead is refused. */
    assert_int_equal(hub_ingest_parse(doc_example, strlen(doc_example),
                                      vntime_parse_date("2026-11-19"), &up,
                                      &pb),
                     -1);
    assert_int_equal(pb.kind, HUB_PROBLEM_INVALID);
    assert_non_null(strstr(pb.message, "days[0].day"));
    hub_ingest_free(&up);
}

/* doc_example with its first occurrence of from replaced by to. */
static char *doc_example_with(const char *from, const char *to)
{
    const char *at = strstr(doc_example, from);
    size_t head, len;
    char *out;

    assert_non_null(at);
    head = (size_t)(at - doc_example);
    len = strlen(doc_example) - strlen(from) + strlen(to);
    out = malloc(len + 1);
    assert_non_null(out);
    memcpy(out, doc_example, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

/* hub_ingest_parse() reads a body with yajl in one pass and leaves to
 * jansson (hub_ingest_parse_tree()) whatever it does not take as it is:
 * either way the upload, or the refusal and its words, are jansson's. */
static void test_stream_and_tree_agree(void **state)
{
    static const struct {
        const char *from, *to;
        int rc;
        const char *part; /* of the refusal */
    } cases[] = {
        /* Escaped text: decoded by jansson, the same name. */
        {"Qu\xe1\xba\xa7y 1", "Qu\\u1ea7y 1", 0, NULL},
        {"\"CB001\"", "\"CB\\u0030\\u00301\"", 0, NULL},
        /* A lone surrogate, which yajl would read as '?'. */
        {"Qu\xe1\xba\xa7y 1", "Qu\\ud800y 1", -1, "not valid JSON"},
        /* A vertical tab between tokens: white space to yajl only. */
        {"\"upto_seq\": 1234,", "\"upto_seq\": 1234,\v", -1,
         "not valid JSON"},
        /* A forged second "complete": which counts would be up to the
         * parser. */
        {"\"complete\": 12,", "\"complete\": 12, \"complete\": 99,", -1,
         "duplicate"},
        {"\"partial\": 0,\n", "\"partial\": 0, \"partial\": 1,\n", -1,
         "duplicate"},
        /* A refused row, named by its path. */
        {"\"complete\": 12,", "\"complete\": 12.0,", -1,
         "days[0].responses[0].complete: must be an integer"},
        {"\"officer\": \"CB001\"", "\"officer\": {}", -1,
         "days[0].responses[0].officer: must be a string"},
        {"\"answer\": \"5\"", "\"answer\": \"5\", \"extra\": 1", -1,
         "days[0].answers[0].extra: unknown key"},
        /* An integer past int64_t. */
        {"\"complete\": 12,", "\"complete\": 99999999999999999999,", -1,
         "not valid JSON"},
        {"\"uptime_s\": 86400", "\"uptime_s\": 86400.5e0", -1,
         "heartbeat.uptime_s"},
    };
    fixture_t *f = *state;
    hub_upload_t up, tree;
    hub_problem_t pb, tree_pb;
    size_t i;
    char *body;
    int rc;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        body = doc_example_with(cases[i].from, cases[i].to);
        hub_problem_init(&pb);
        hub_problem_init(&tree_pb);
        rc = hub_ingest_parse(body, strlen(body), f->now, &up, &pb);
        assert_int_equal(hub_ingest_parse_tree(body, strlen(body), f->now,
                                               &tree, &tree_pb),
                         rc);
        assert_int_equal(rc, cases[i].rc);
        if (rc == 0) {
            assert_string_equal(up.resp[0].d.counter, "Qu\xe1\xba\xa7y 1");
            assert_string_equal(up.resp[0].d.counter,
                                tree.resp[0].d.counter);
            assert_string_equal(up.resp[0].d.officer,
                                tree.resp[0].d.officer);
            assert_int_equal(up.resp[0].complete, 12);
        } else {
            assert_string_equal(pb.message, tree_pb.message);
            if (!strstr(pb.message, cases[i].part))
                fail_msg("case %zu: %s", i, pb.message);
        }
        hub_ingest_free(&up);
        hub_ingest_free(&tree);
        free(body);
    }
}

/* ---- forged uploads --------------------------------------------------- */

static void assert_message_has(fixture_t *f, const char *part)
{
    assert_non_null(strstr(f->r.message, part));
}

/* One upload claiming upto_seq 2^53 would make every genuine later upload
 * stale for its days: it is refused, and the genuine ones go on. */
static void test_refuses_seq_jump(void **state)
{
    fixture_t *f = *state;
    char *before;

    assert_int_equal(apply_upload(f, 10, "2026-11-21", 5, 3), 200);
    before = dump_tables(f);
    assert_int_equal(
        apply_upload(f, INT64_C(9007199254740992), "2026-11-21", 999, 999),
        409);
    assert_string_equal(f->r.error, "implausible-seq");
    assert_message_has(f, "upto_seq");
    {
        char *after = dump_tables(f);

        assert_string_equal(before, after);
        free(after);
    }
    free(before);
    assert_int_equal(apply_upload(f, 10 + HUB_INGEST_SEQ_JUMP_MAX + 1,
                                  "2026-11-21", 999, 999),
                     409);
    /* A fresh kiosk too: its highest is 0. */
    {
        char *body = make_upload(K2, HUB_INGEST_SEQ_JUMP_MAX + 1,
                                 "2026-11-21", 7, 7);

        assert_int_equal(apply_as(f, K2, body, strlen(body)), 409);
        free(body);
    }
    assert_int_equal(apply_upload(f, 11, "2026-11-21", 6, 4), 200);
    assert_int_equal(reply_int(f, "stale_days"), 0);
    assert_totals(f, 6, 4);
    /* The bound itself is plausible. */
    assert_int_equal(apply_upload(f, 11 + HUB_INGEST_SEQ_JUMP_MAX,
                                  "2026-11-21", 8, 5),
                     200);
    assert_totals(f, 8, 5);
}

/* A re-enrolled kiosk keeps its history: the highest upto_seq still
 * bounds it, and its genuine uploads are not stale. */
static void test_reenrolled_kiosk_keeps_seq(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(apply_upload(f, 50, "2026-11-21", 5, 3), 200);
    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    enroll(f->db, K1,
          "3333333333333333333333333333333333333333333333333333333333333333");
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    assert_int_equal(
        apply_upload(f, INT64_C(9007199254740992), "2026-11-21", 999, 999),
        409);
    assert_int_equal(apply_upload(f, 51, "2026-11-21", 6, 4), 200);
    assert_int_equal(reply_int(f, "stale_days"), 0);
    assert_totals(f, 6, 4);
}

/* A kiosk of one unit writing rows of another unit the hub knows: the
 * whole upload is refused, naming the row. */
static void test_refuses_rows_of_other_unit(void **state)
{
    fixture_t *f = *state;
    json_t *root = load_example();
    char *before;

    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    assert_int_equal(hub_units_add(f->db, "XA-KHAC", "Xã khác", "TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    before = dump_tables(f);
    json_object_set_new(ans_row(root), "unit", json_string("XA-KHAC"));
    json_object_set_new(ans_row(root), "n", json_integer(1000000));
    assert_int_equal(apply_json(f, root), 403);
    assert_string_equal(f->r.error, "wrong-unit");
    assert_message_has(f, "days[0].answers[0].unit");
    json_object_set_new(ans_row(root), "unit", json_string("XA-MINHTAN"));
    json_object_set_new(resp_row(root), "unit", json_string("TINH"));
    json_object_set_new(resp_row(root), "complete", json_integer(1000000));
    assert_int_equal(apply_json(f, root), 403);
    assert_message_has(f, "days[0].responses[0].unit");
    {
        char *after = dump_tables(f);

        assert_string_equal(before, after);
        free(after);
    }
    free(before);
    /* Test ratings from before enrollment carry the demo unit, which
     * names no unit of the hub: acknowledged, and left out. */
    json_object_set_new(resp_row(root), "unit", json_string("DEMO-XA-01"));
    assert_int_equal(apply_json(f, root), 200);
    assert_int_equal(reply_int(f, "ignored_rows"), 1);
    assert_int_equal(
        query_int(f, "SELECT count(*) FROM day_responses"
                     " WHERE unit = 'DEMO-XA-01'"),
        0);
    /* Rows of a unit merged into the kiosk's are its own (recorded before
     * the kiosk was re-enrolled). */
    {
        hub_units_stamp_t stamp = {f->now, "cli:test"};
        hub_units_why_t why;

        assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
        assert_int_equal(hub_units_merge(f->db, "XA-KHAC", "XA-MINHTAN",
                                         "2026-07-01", &stamp, &why),
                         HUB_OK);
        assert_int_equal(hub_db_commit(f->db), HUB_OK);
    }
    json_object_set_new(resp_row(root), "unit", json_string("XA-KHAC"));
    assert_int_equal(apply_json(f, root), 200);
    json_decref(root);
}


/* Rows of a unit the hub does not know (test ratings recorded before
 * enrollment) are never counted: not in the rows, not in the summaries
 * the statistics read, and a day made only of them is no reported day. */
static void test_ignores_rows_of_unknown_units(void **state)
{
    fixture_t *f = *state;
    char *body = make_upload(K1, 10, "2026-11-20", 7, 4);
    json_t *root, *v;
    char *text;

    /* A whole day of demo rows. */
    root = json_loads(body, 0, NULL);
    free(body);
    assert_non_null(root);
    json_object_set_new(resp_row(root), "unit", json_string("DEMO-XA-01"));
    json_object_set_new(ans_row(root), "unit", json_string("DEMO-XA-01"));
    assert_int_equal(apply_json(f, root), 200);
    assert_int_equal(reply_int(f, "ignored_rows"), 2);
    v = reply_json(f);
    assert_non_null(strstr(json_string_value(json_object_get(v, "ignored")),
                           "DEMO-XA-01"));
    json_decref(v);
    assert_totals(f, 0, 0);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots"), 0);
    assert_int_equal(
        query_int(f, "SELECT count(*) FROM stat_day_responses"), 0);
    assert_int_equal(query_int(f, "SELECT count(*) FROM stat_day_answers"),
                     0);

    /* A day of both: the kiosk's own rows count, the demo ones do not. */
    json_array_append_new(
        json_object_get(day_at(root, 0), "responses"),
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i}", "unit",
                  "XA-MINHTAN", "counter", "", "officer", "", "field",
                  "khac", "instrument", "sipas-short", "version", 1,
                  "complete", 3, "partial", 0, "suppressed", 0));
    json_object_set_new(root, "upto_seq", json_integer(20));
    text = json_dumps(root, JSON_COMPACT);
    assert_non_null(text);
    assert_int_equal(apply_text(f, text), 200);
    free(text);
    assert_int_equal(reply_int(f, "ignored_rows"), 2);
    assert_totals(f, 3, 0);
    assert_int_equal(query_int(f, "SELECT count(*) FROM day_snapshots"), 1);
    assert_int_equal(
        query_int(f, "SELECT coalesce(sum(complete), 0)"
                     " FROM stat_day_responses"),
        3);
    /* An upload of the kiosk's own rows only says nothing was left out. */
    assert_int_equal(apply_upload(f, 30, "2026-11-21", 2, 2), 200);
    assert_int_equal(reply_int(f, "ignored_rows"), 0);
    v = reply_json(f);
    assert_null(json_object_get(v, "ignored"));
    json_decref(v);
    json_decref(root);
}

/* ---- quotas (base/quota.h) and the disk reserve --------------------------- */

/* An upload of n_days days from first_day, each with one response row and
 * rows - 1 answer rows. */
static char *make_days(const char *kiosk, int64_t seq, int first_day,
                       int n_days, int rows)
{
    json_t *days = json_array(), *root;
    char day[16], question[32];
    char *text;
    int d, i;

    assert_non_null(days);
    for (d = 0; d < n_days; d++) {
        json_t *resp = json_array(), *ans = json_array();

        snprintf(day, sizeof(day), "2026-%02d-%02d", 1 + (first_day + d) / 28,
                 1 + (first_day + d) % 28);
        assert_int_equal(
            json_array_append_new(
                resp, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i,"
                                " s:i}", "unit", "XA-MINHTAN", "counter", "Q1",
                                "officer", "CB1", "field", "", "instrument",
                                "sipas-short", "version", 1, "complete", 5,
                                "partial", 0, "suppressed", 0)),
            0);
        for (i = 1; i < rows; i++) {
            snprintf(question, sizeof(question), "q%d", i);
            assert_int_equal(
                json_array_append_new(
                    ans, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s,"
                                   " s:s, s:s, s:i}", "unit", "XA-MINHTAN",
                                   "counter", "Q1", "officer", "CB1", "field",
                                   "", "instrument", "sipas-short", "version",
                                   1, "partial", 0, "question", question,
                                   "element", question, "answer", "5", "n",
                                   1)),
                0);
        }
        assert_int_equal(
            json_array_append_new(days,
                                  json_pack("{s:s, s:i, s:o, s:o}", "day", day,
                                            "estimated", 0, "responses", resp,
                                            "answers", ans)),
            0);
    }
    snprintf(question, sizeof(question), "up:%lld", (long long)seq);
    root = json_pack("{s:s, s:s, s:I, s:o}", "install_id", kiosk, "upload_id",
                     question, "upto_seq", (json_int_t)seq, "days", days);
    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

static int upload(fixture_t *f, hub_quota_t *q, const char *kiosk,
                  int64_t seq, int first_day, int n_days, int rows)
{
    char *body = make_days(kiosk, seq, first_day, n_days, rows);
    int status;

    hub_reply_clear(&f->r);
    status = hub_ingest_apply_quota(f->db, q, kiosk, body, strlen(body),
                                    f->now, &f->r);
    free(body);
    return status;
}

static int64_t rows_of(fixture_t *f, const char *kiosk)
{
    char sql[256];

    snprintf(sql, sizeof(sql),
             "SELECT (SELECT count(*) FROM day_responses WHERE install_id ="
             " '%s') + (SELECT count(*) FROM day_answers WHERE install_id ="
             " '%s')", kiosk, kiosk);
    return query_int(f, sql);
}

static void test_new_days_in_a_loop_stop_at_the_day_quota(void **state)
{
    fixture_t *f = *state;
    hub_quota_limits_t lim = {0, 1000, 0};
    hub_quota_t *q = hub_quota_new(&lim, 16);
    int i, accepted = 0;

    assert_non_null(q);
    /* The attack: every upload 2 new days of 200 rows. */
    for (i = 0; i < 10; i++) {
        int s = upload(f, q, K1, 10 + i, 2 * i, 2, 200);

        if (s == 200) {
            accepted++;
            continue;
        }
        assert_int_equal(s, 429);
        assert_string_equal(f->r.error, "quota-exceeded");
        assert_int_equal(f->r.retry_after_s, 43200); /* to midnight */
        assert_non_null(strstr(f->r.message, "1000 rows for today"));
    }
    assert_int_equal(accepted, 2);
    assert_int_equal(rows_of(f, K1), 800); /* nothing of a refused one */
    /* Re-sending held days passes at the quota, and another kiosk is not
     * touched by this one's. */
    assert_int_equal(upload(f, q, K1, 30, 0, 2, 200), 200);
    assert_int_equal(upload(f, q, K2, 10, 0, 4, 250), 200);
    /* Tomorrow the kiosk may add rows again. */
    f->now += DAY_MS;
    assert_int_equal(upload(f, q, K1, 31, 40, 2, 200), 200);
    assert_int_equal(rows_of(f, K1), 1200);
    hub_quota_free(q);
}

static void test_total_counts_what_the_database_holds(void **state)
{
    fixture_t *f = *state;
    hub_quota_limits_t lim = {0, 0, 1000};
    hub_quota_t *q = hub_quota_new(&lim, 16);

    assert_non_null(q);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 4, 200), 200);
    /* A new table (a restarted hub) counts the 800 rows held. */
    assert_int_equal(upload(f, q, K1, 11, 4, 1, 200), 200);
    assert_int_equal(upload(f, q, K1, 12, 5, 1, 1), 429);
    assert_string_equal(f->r.error, "quota-exceeded");
    assert_int_equal(f->r.retry_after_s, 3600);
    assert_non_null(strstr(f->r.message, "--quota-rows-total"));
    /* Replacing a day by a smaller one makes room. */
    assert_int_equal(upload(f, q, K1, 13, 0, 1, 100), 200);
    assert_int_equal(upload(f, q, K1, 14, 5, 1, 100), 200);
    assert_int_equal(rows_of(f, K1), 1000);
    hub_quota_free(q);
}

static void test_busy_counter_never_refused_by_defaults(void **state)
{
    fixture_t *f = *state;
    /* serve's defaults */
    hub_quota_limits_t lim = {INT64_C(256) << 20, 1000000, 20000000};
    hub_quota_t *q = hub_quota_new(&lim, 16);
    int pass, i;

    assert_non_null(q);
    /* 60 days of backlog in uploads of 4 days, sent twice (acknowledgements
     * lost). 200 rows a day keeps this fast; test_hub_quota.sh sends a
     * busy counter's 500 a day over HTTP. */
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < 15; i++)
            assert_int_equal(upload(f, q, K1, 100 * (pass + 1) + i, 4 * i, 4,
                                    200),
                             200);
    assert_int_equal(rows_of(f, K1), 12000);
    hub_quota_free(q);
}

static void test_disk_reserve_refuses_writes(void **state)
{
    fixture_t *f = *state;
    int64_t free_kb, reserve_kb;
    int short_of_room;

    hub_db_set_reserve(f->db, INT64_C(1) << 50); /* more than any disk */
    assert_int_equal(hub_db_is_short_of_room(f->db, &free_kb, &reserve_kb),
                     1);
    assert_true(free_kb > 0);
    hub_db_lock(f->db);
    assert_int_equal(hub_db_begin_write(f->db), HUB_FULL);
    assert_non_null(strstr(hub_db_last_error(f->db), "below the reserve"));
    hub_db_unlock(f->db);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 1, 3), 503);
    assert_string_equal(f->r.error, "storage-full");
    assert_int_equal(rows_of(f, K1), 0);
    /* The default reserve of this filesystem, and none. */
    hub_db_set_reserve(f->db, -1);
    short_of_room = hub_db_is_short_of_room(f->db, &free_kb, &reserve_kb);
    assert_int_equal(short_of_room, free_kb < reserve_kb);
    assert_true(reserve_kb > 0 && reserve_kb <= HUB_DISK_RESERVE_MAX_KB);
    hub_db_set_reserve(f->db, 0);
    assert_int_equal(upload(f, NULL, K1, 10, 0, 1, 3), 200);
}

/* ---- a day written as a difference ---------------------------------- */

/* Rows of one kiosk's day, by officer: "CB1:3" is a response row with 3
 * complete, "CB1:5:2" an answer row (answer 5, n 2), "CB1:e3" an element
 * row (overall, n 3). */
static char *diff_upload(int64_t seq, int with_elements,
                         const char *const *rows)
{
    json_t *resp = json_array(), *ans = json_array(), *el = json_array();
    json_t *day, *root;
    char officer[16], *text;
    int a, b;
    size_t i;

    assert_non_null(resp);
    assert_non_null(ans);
    assert_non_null(el);
    for (i = 0; rows[i]; i++) {
        json_t *dims = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "unit",
                                 "XA-MINHTAN", "counter", "Quầy 1",
                                 "officer", "", "field", "dat-dai",
                                 "instrument", "sipas-short", "version", 1);

        assert_non_null(dims);
        assert_int_equal(sscanf(rows[i], "%15[^:]", officer), 1);
        json_object_set_new(dims, "officer", json_string(officer));
        if (sscanf(rows[i], "%*[^:]:e%d", &a) == 1) {
            json_object_set_new(dims, "partial", json_integer(0));
            json_object_set_new(dims, "element", json_string("overall"));
            json_object_set_new(dims, "n", json_integer(a));
            json_array_append_new(el, dims);
        } else if (sscanf(rows[i], "%*[^:]:%d:%d", &a, &b) == 2) {
            char answer[4];

            snprintf(answer, sizeof(answer), "%d", a);
            json_object_set_new(dims, "partial", json_integer(0));
            json_object_set_new(dims, "question", json_string("overall"));
            json_object_set_new(dims, "element", json_string("overall"));
            json_object_set_new(dims, "answer", json_string(answer));
            json_object_set_new(dims, "n", json_integer(b));
            json_array_append_new(ans, dims);
        } else {
            assert_int_equal(sscanf(rows[i], "%*[^:]:%d", &a), 1);
            json_object_set_new(dims, "complete", json_integer(a));
            json_object_set_new(dims, "partial", json_integer(0));
            json_object_set_new(dims, "suppressed", json_integer(0));
            json_array_append_new(resp, dims);
        }
    }
    day = json_pack("{s:s, s:i, s:o, s:o}", "day", "2026-11-20", "estimated",
                    0, "responses", resp, "answers", ans);
    assert_non_null(day);
    if (with_elements)
        json_object_set_new(day, "elements", el);
    else
        json_decref(el);
    root = json_pack("{s:i, s:s, s:s, s:I, s:[o]}", "format", 2,
                     "install_id", K1, "upload_id", "diff", "upto_seq",
                     (json_int_t)seq, "days", day);
    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

static int apply_diff(fixture_t *f, int64_t seq, int with_elements,
                      const char *const *rows)
{
    char *body = diff_upload(seq, with_elements, rows);
    int status = apply_text(f, body);

    free(body);
    return status;
}

/* The day's rows, one per line, sorted: officer:complete,
 * officer:answer:n, officer:e<n> (exact) and officer:s<n> (stand-in). */
static char *diff_held(fixture_t *f)
{
    static const char sql[] =
        "SELECT group_concat(r, ' ') FROM (SELECT r FROM ("
        " SELECT officer || ':' || complete AS r FROM day_responses"
        " UNION ALL SELECT officer || ':' || answer || ':' || n"
        " FROM day_answers"
        " UNION ALL SELECT officer || ':' || iif(exact, 'e', 's') || n"
        " FROM day_elements) ORDER BY r)";
    sqlite3_stmt *st = NULL;
    char *out;

    assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn, sql, -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    out = strdup(sqlite3_column_text(st, 0)
                     ? (const char *)sqlite3_column_text(st, 0)
                     : "");
    sqlite3_finalize(st);
    assert_non_null(out);
    return out;
}

static void assert_held(fixture_t *f, const char *want)
{
    char *got = diff_held(f);

    assert_string_equal(got, want);
    free(got);
}

/* The rows of held (a summary table) are those of drawn (its sums from
 * the day rows), in both directions. */
static void assert_same_rows(fixture_t *f, const char *drawn,
                             const char *held)
{
    char sql[2048];
    int n = snprintf(sql, sizeof(sql),
                     "SELECT (SELECT count(*) FROM (%s EXCEPT %s))"
                     " + (SELECT count(*) FROM (%s EXCEPT %s))",
                     drawn, held, held, drawn);

    assert_true(n > 0 && (size_t)n < sizeof(sql));
    if (query_int(f, sql) != 0)
        fail_msg("%s: %lld rows differ", held, (long long)query_int(f, sql));
}

/* Every summary table, every column, equals its sums drawn again from
 * the day rows, in both directions: seven levels (day; month; unit, month,
 * counter and officer; the same two by year; the whole province by day
 * and by month) of three kinds, and the officers by day and by month. */
static void assert_summaries_exact(fixture_t *f)
{
    static const char *const level[][3] = {
        {"day", "day, unit, field, instrument",
         "day, unit, field, instrument"},
        {"month", "substr(day, 1, 7), unit, field, instrument",
         "month, unit, field, instrument"},
        {"staff",
         "unit, substr(day, 1, 7), counter, officer, field, instrument",
         "unit, month, counter, officer, field, instrument"},
        {"year", "substr(day, 1, 4), unit, field, instrument",
         "year, unit, field, instrument"},
        {"staff_year",
         "unit, substr(day, 1, 4), counter, officer, field, instrument",
         "unit, year, counter, officer, field, instrument"},
        {"prov_day", "day, field, instrument", "day, field, instrument"},
        {"prov_month", "substr(day, 1, 7), field, instrument",
         "month, field, instrument"},
    };
    static const char *const officers[][2] = {
        {"day", "day"},
        {"month", "substr(day, 1, 7)"},
    };
    static const char *const kind[][4] = {
        {"responses", "",
         "sum(complete), sum(partial), sum(suppressed), count(*)",
         "complete, partial, suppressed, rows"},
        {"answers", ", question, element, answer",
         "sum(iif(partial = 0, n, 0)), sum(iif(partial = 0, 0, n)),"
         " count(*)",
         "n, pn, rows"},
        {"elements", ", element",
         "sum(iif(partial = 0, n, 0)), sum(iif(partial = 0, 0, n)),"
         " sum(1 - exact), count(*)",
         "n, pn, approx, rows"},
    };
    char drawn[1024], held[512];
    size_t l, k;
    int n;

    for (l = 0; l < sizeof(level) / sizeof(level[0]); l++)
        for (k = 0; k < 3; k++) {
            n = snprintf(drawn, sizeof(drawn),
                         "SELECT %s%s, %s FROM day_%s GROUP BY %s%s",
                         level[l][1], kind[k][1], kind[k][2], kind[k][0],
                         level[l][1], kind[k][1]);
            assert_true(n > 0 && (size_t)n < sizeof(drawn));
            n = snprintf(held, sizeof(held), "SELECT %s%s, %s FROM stat_%s_%s",
                         level[l][2], kind[k][1], kind[k][3], level[l][0],
                         kind[k][0]);
            assert_true(n > 0 && (size_t)n < sizeof(held));
            assert_same_rows(f, drawn, held);
        }
    /* The officers' tables: complete responses of rows with one. */
    for (l = 0; l < sizeof(officers) / sizeof(officers[0]); l++) {
        n = snprintf(drawn, sizeof(drawn),
                     "SELECT %s, unit, counter, instrument, officer,"
                     " sum(complete), count(*) FROM day_responses"
                     " WHERE officer <> '' GROUP BY 1, 2, 3, 4, 5",
                     officers[l][1]);
        assert_true(n > 0 && (size_t)n < sizeof(drawn));
        n = snprintf(held, sizeof(held),
                     "SELECT %s, unit, counter, instrument, officer,"
                     " complete, rows FROM stat_%s_officers",
                     officers[l][0], officers[l][0]);
        assert_true(n > 0 && (size_t)n < sizeof(held));
        assert_same_rows(f, drawn, held);
    }
}

/* Counts every write to the day tables from now on, in a temporary
 * table of this connection: what an upload changed, not only what it
 * left behind. */
static void diff_count_writes(fixture_t *f)
{
    static const char *const table[] = {"day_responses", "day_answers",
                                        "day_elements"};
    static const char *const op[] = {"INSERT", "UPDATE", "DELETE"};
    char sql[256];
    size_t t, o;

    assert_int_equal(sqlite3_exec(f->db->sql.conn,
                                  "CREATE TEMP TABLE writes(tbl, op)", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    for (t = 0; t < 3; t++)
        for (o = 0; o < 3; o++) {
            snprintf(sql, sizeof(sql),
                     "CREATE TEMP TRIGGER w_%s_%s AFTER %s ON main.%s"
                     " BEGIN INSERT INTO writes VALUES('%s', '%s'); END",
                     table[t], op[o], op[o], table[t], table[t], op[o]);
            assert_int_equal(
                sqlite3_exec(f->db->sql.conn, sql, NULL, NULL, NULL),
                SQLITE_OK);
        }
}

/* The writes since the last call, as "table op count" sorted, then
 * forgotten. */
static char *diff_take_writes(fixture_t *f)
{
    static const char sql[] =
        "SELECT coalesce(group_concat(w, ', '), '') FROM (SELECT tbl || ' '"
        " || op || ' ' || count(*) AS w FROM writes GROUP BY tbl, op"
        " ORDER BY tbl, op)";
    sqlite3_stmt *st = NULL;
    char *out;

    assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn, sql, -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_non_null(out);
    assert_int_equal(sqlite3_exec(f->db->sql.conn, "DELETE FROM writes", NULL,
                                  NULL, NULL),
                     SQLITE_OK);
    return out;
}

static void assert_writes(fixture_t *f, const char *want)
{
    char *got = diff_take_writes(f);

    assert_string_equal(got, want);
    free(got);
}

static void test_day_written_as_difference(void **state)
{
    fixture_t *f = *state;
    static const char *const first[] = {"CB1:3",   "CB2:2",   "CB1:5:2",
                                        "CB1:4:1", "CB2:3:2", "CB1:e3",
                                        "CB2:e2",  NULL};
    static const char *const second[] = {"CB1:4",   "CB3:1",   "CB1:5:2",
                                         "CB1:4:2", "CB3:5:1", "CB1:e4",
                                         "CB3:e1",  NULL};
    static const char *const third[] = {"CB1:4", "CB3:1", "CB1:5:2",
                                        "CB1:4:2", "CB3:5:1", NULL};
    static const char *const fourth[] = {"CB1:4", "CB1:5:2", "CB1:4:2",
                                         NULL};
    char *before, *after;

    assert_int_equal(apply_diff(f, 10, 1, first), 200);
    assert_held(f, "CB1:3 CB1:4:1 CB1:5:2 CB1:e3 CB2:2 CB2:3:2 CB2:e2");
    assert_summaries_exact(f);
    diff_count_writes(f);

    /* A changed count, a row gone and a row new of each kind. */
    assert_int_equal(apply_diff(f, 11, 1, second), 200);
    assert_held(f, "CB1:4 CB1:4:2 CB1:5:2 CB1:e4 CB3:1 CB3:5:1 CB3:e1");
    assert_summaries_exact(f);
    /* Only what changed was written: the unchanged answer not at all. */
    assert_writes(f, "day_answers DELETE 1, day_answers INSERT 1,"
                     " day_answers UPDATE 1, day_elements DELETE 1,"
                     " day_elements INSERT 1, day_elements UPDATE 1,"
                     " day_responses DELETE 1, day_responses INSERT 1,"
                     " day_responses UPDATE 1");

    /* Sent without element counts: the hub's stand-ins replace them. */
    assert_int_equal(apply_diff(f, 12, 0, third), 200);
    assert_held(f, "CB1:4 CB1:4:2 CB1:5:2 CB1:s0 CB3:1 CB3:5:1 CB3:s0");
    assert_summaries_exact(f);
    assert_writes(f, "day_elements DELETE 2, day_elements INSERT 2");
    assert_int_equal(apply_diff(f, 13, 0, fourth), 200);
    assert_held(f, "CB1:4 CB1:4:2 CB1:5:2 CB1:s0");
    assert_summaries_exact(f);
    assert_writes(f, "day_answers DELETE 1, day_elements DELETE 1,"
                     " day_responses DELETE 1");

    /* The kiosk's counts again: the stand-ins go. */
    assert_int_equal(apply_diff(f, 14, 1, second), 200);
    assert_held(f, "CB1:4 CB1:4:2 CB1:5:2 CB1:e4 CB3:1 CB3:5:1 CB3:e1");
    assert_summaries_exact(f);
    assert_writes(f, "day_answers INSERT 1, day_elements DELETE 1,"
                     " day_elements INSERT 2, day_responses INSERT 1");

    /* An older snapshot changes nothing; the same one again, a retry,
     * writes no day row either. */
    before = dump_tables(f);
    assert_int_equal(apply_diff(f, 12, 0, third), 200);
    after = dump_tables(f);
    assert_string_equal(after, before);
    free(after);
    free(before);
    assert_int_equal(apply_diff(f, 14, 1, second), 200);
    assert_held(f, "CB1:4 CB1:4:2 CB1:5:2 CB1:e4 CB3:1 CB3:5:1 CB3:e1");
    assert_summaries_exact(f);
    assert_writes(f, "");
}

/* ---- summaries under random uploads --------------------------------- */

static unsigned summary_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7FFF;
}

/* A random snapshot of one or two days of kiosk: each key of a small
 * space present or not, so successive uploads change counts, drop rows
 * and add them, with answers and element counts of abandoned responses
 * among them and element counts sometimes left out (stand-ins). */
static char *summary_upload(unsigned *rnd, const char *kiosk, int64_t seq)
{
    static const char *const officers[] = {"CB1", "CB2", "CB3"};
    static const char *const fields[] = {"dat-dai", "khac"};
    static const char *const days[] = {"2026-11-01", "2026-11-20"};
    static const char *const answers[] = {"4", "5"};
    json_t *root, *list = json_array();
    size_t d, o, fi, p, a;
    int count[2];
    char *text;

    assert_non_null(list);
    for (d = 0; d < 2; d++) {
        json_t *resp = json_array(), *ans = json_array(),
               *el = json_array(), *day;

        if (summary_rand(rnd) % 3 == 0) {
            json_decref(resp);
            json_decref(ans);
            json_decref(el);
            continue;
        }
        for (o = 0; o < 3; o++)
            for (fi = 0; fi < 2; fi++) {
                json_t *dims = json_pack(
                    "{s:s, s:s, s:s, s:s, s:s, s:i}", "unit", "XA-MINHTAN",
                    "counter", o == 2 ? "Quầy 2" : "Quầy 1", "officer",
                    officers[o], "field", fields[fi], "instrument",
                    "sipas-short", "version", 1);

                assert_non_null(dims);
                /* An element's count is bounded by the responses of its
                 * kind (complete or abandoned) of the same dimensions. */
                count[0] = count[1] = 0;
                if (summary_rand(rnd) % 4 != 0) {
                    count[0] = (int)(summary_rand(rnd) % 4);
                    count[1] = (int)(summary_rand(rnd) % 3);
                    json_array_append_new(
                        resp, json_pack("{s:O, s:i, s:i, s:i}", "d", dims,
                                        "complete", count[0], "partial",
                                        count[1], "suppressed",
                                        (int)(summary_rand(rnd) % 2)));
                }
                for (p = 0; p < 2; p++) {
                    for (a = 0; a < 2; a++)
                        if (summary_rand(rnd) % 2)
                            json_array_append_new(
                                ans, json_pack("{s:O, s:i, s:s, s:s, s:s,"
                                               " s:i}",
                                               "d", dims, "partial", (int)p,
                                               "question", "overall",
                                               "element", "overall",
                                               "answer", answers[a], "n",
                                               1 + (int)(summary_rand(rnd) %
                                                         3)));
                    if (count[p] > 0 && summary_rand(rnd) % 3)
                        json_array_append_new(
                            el, json_pack("{s:O, s:i, s:s, s:i}", "d", dims,
                                          "partial", (int)p, "element",
                                          "overall", "n",
                                          1 + (int)(summary_rand(rnd) %
                                                    (unsigned)count[p])));
                }
                json_decref(dims);
            }
        day = json_pack("{s:s, s:i, s:o, s:o}", "day", days[d], "estimated",
                        0, "responses", resp, "answers", ans);
        assert_non_null(day);
        if (summary_rand(rnd) % 4)
            json_object_set_new(day, "elements", el);
        else
            json_decref(el);
        json_array_append_new(list, day);
    }
    root = json_pack("{s:i, s:s, s:s, s:I, s:o}", "format", 2, "install_id",
                     kiosk, "upload_id", "sums", "upto_seq", (json_int_t)seq,
                     "days", list);
    assert_non_null(root);
    text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(text);
    return text;
}

/* The generator nests each row's dimensions under "d" to share them:
 * lift them into the row, as the upload format has them. */
static char *summary_flatten(char *text)
{
    json_t *root = json_loads(text, 0, NULL), *day, *row, *v;
    const char *lists[] = {"responses", "answers", "elements"}, *k;
    size_t d, l, r;
    char *out;

    assert_non_null(root);
    free(text);
    json_array_foreach(json_object_get(root, "days"), d, day)
        for (l = 0; l < 3; l++)
            json_array_foreach(json_object_get(day, lists[l]), r, row) {
                json_object_foreach(json_object_get(row, "d"), k, v)
                    json_object_set(row, k, v);
                json_object_del(row, "d");
            }
    out = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    assert_non_null(out);
    return out;
}

static int summary_send(fixture_t *f, unsigned *rnd, const char *kiosk,
                        int64_t seq, char **kept)
{
    char *body = summary_flatten(summary_upload(rnd, kiosk, seq));
    int status;

    hub_reply_clear(&f->r);
    status = hub_ingest_apply(f->db, kiosk, body, strlen(body), f->now,
                              &f->r);
    if (status != 200)
        print_message("%s: %s\n", f->r.error, f->r.message);
    free(*kept);
    *kept = body;
    return status;
}

/* Random sequences of uploads from two kiosks (changes, rows gone, rows
 * new, days left out), replays of the last upload, older snapshots, and
 * rows deleted by SQL outside the ingest (as an operator's repair would):
 * after each, every summary equals the sums of the day rows. */
static void test_summaries_exact_under_random_uploads(void **state)
{
    fixture_t *f = *state;
    const char *kiosks[] = {K1, K2};
    int64_t seq[2] = {0, 0};
    char *last[2] = {NULL, NULL};
    unsigned rnd = 20261207u;
    int step, k, what;

    for (step = 0; step < 120; step++) {
        k = (int)(summary_rand(&rnd) % 2);
        what = (int)(summary_rand(&rnd) % 10);
        if (what == 0 && last[k]) {
            /* The same upload again: a retry. */
            hub_reply_clear(&f->r);
            assert_int_equal(hub_ingest_apply(f->db, kiosks[k], last[k],
                                              strlen(last[k]), f->now, &f->r),
                             200);
        } else if (what == 1 && seq[k] > 1) {
            /* An older snapshot, stale for the days held since. */
            assert_int_equal(
                summary_send(f, &rnd, kiosks[k], seq[k] - 1, &last[k]), 200);
        } else if (what == 2) {
            /* A writer other than the ingest: the triggers keep it. */
            assert_int_equal(
                sqlite3_exec(f->db->sql.conn,
                             "DELETE FROM day_answers WHERE rowid IN"
                             " (SELECT rowid FROM day_answers LIMIT 2);"
                             "UPDATE day_responses SET complete ="
                             " complete + 1 WHERE rowid IN (SELECT rowid"
                             " FROM day_responses LIMIT 1);"
                             "DELETE FROM day_elements WHERE rowid IN"
                             " (SELECT rowid FROM day_elements LIMIT 1)",
                             NULL, NULL, NULL),
                SQLITE_OK);
        } else {
            seq[k] += 1 + (int64_t)(summary_rand(&rnd) % 3);
            assert_int_equal(summary_send(f, &rnd, kiosks[k], seq[k], &last[k]),
                             200);
        }
        assert_summaries_exact(f);
        assert_int_equal(query_int(f, "SELECT count(*) FROM stat_writer_sums"),
                         0);
    }
    assert_true(query_int(f, "SELECT count(*) FROM stat_staff_answers") > 0);
    free(last[0]);
    free(last[1]);
}

/* A database of schema version 9 kept its summaries by triggers alone:
 * the upgrade leaves every summary as it was, and the ingest after it
 * keeps them exact. */
static void test_upgrade_keeps_summaries(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {1, 1, 0};
    static const char sums[] =
        "SELECT group_concat(t, ';') FROM (SELECT day || unit || complete"
        " || partial || rows AS t FROM stat_day_responses UNION ALL"
        " SELECT month || question || answer || n || pn || rows"
        " FROM stat_month_answers UNION ALL SELECT officer || element || n"
        " || approx || rows FROM stat_staff_elements ORDER BY 1)";
    char *before = NULL, *after = NULL;
    unsigned rnd = 9u;
    sqlite3_stmt *st = NULL;

    assert_int_equal(summary_send(f, &rnd, K1, 5, &before), 200);
    free(before);
    before = NULL;
    /* Version 9 as it was: the triggers without the condition, and no
     * stat_writer_sums nor year summaries (version 11 sums them from the
     * month ones) nor the province's (version 12). */
    assert_int_equal(sqlite3_exec(f->db->sql.conn,
                                  "DROP TABLE stat_writer_sums;"
                                  " DROP TABLE stat_year_responses;"
                                  " DROP TABLE stat_year_answers;"
                                  " DROP TABLE stat_year_elements;"
                                  " DROP TABLE stat_staff_year_responses;"
                                  " DROP TABLE stat_staff_year_answers;"
                                  " DROP TABLE stat_staff_year_elements;"
                                  " DROP TABLE stat_prov_day_responses;"
                                  " DROP TABLE stat_prov_day_answers;"
                                  " DROP TABLE stat_prov_day_elements;"
                                  " DROP TABLE stat_day_officers;"
                                  " DROP TABLE stat_prov_month_responses;"
                                  " DROP TABLE stat_prov_month_answers;"
                                  " DROP TABLE stat_prov_month_elements;"
                                  " DROP TABLE stat_month_officers;"
                                  " PRAGMA user_version = 9",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(f->db->sql.conn, sums, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    before = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    hub_db_close(f->db);
    assert_int_equal(hub_db_open(f->db_path, &opt, &f->db), HUB_OK);
    assert_int_equal(query_int(f, "PRAGMA user_version"),
                     hub_db_schema_version());
    assert_int_equal(
        sqlite3_prepare_v2(f->db->sql.conn, sums, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    after = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_string_equal(after, before);
    assert_summaries_exact(f);
    free(after);
    after = NULL;
    assert_int_equal(summary_send(f, &rnd, K1, 6, &after), 200);
    assert_summaries_exact(f);
    free(after);
    free(before);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_accepts_documented_example),
        T(test_day_written_as_difference),
        T(test_summaries_exact_under_random_uploads),
        T(test_upgrade_keeps_summaries),
        T(test_refuses_each_broken_variant),
        T(test_refuses_non_json),
        T(test_refuses_oversized_body),
        T(test_stores_sql_looking_values_verbatim),
        T(test_accepts_limits_exactly),
        T(test_optional_values),
        T(test_stream_and_tree_agree),
        T(test_same_upload_twice),
        T(test_older_after_newer_is_stale),
        T(test_hundred_replays),
        T(test_reverse_order),
        T(test_day_replaced_by_newer),
        T(test_mixed_stale_and_fresh_days),
        T(test_kiosks_are_kept_apart),
        T(test_revoked_kiosk_refused_data_kept),
        T(test_storage_full_writes_nothing),
        T(test_parse_without_database),
        T(test_refuses_seq_jump),
        T(test_reenrolled_kiosk_keeps_seq),
        T(test_refuses_rows_of_other_unit),
        T(test_ignores_rows_of_unknown_units),
        T(test_new_days_in_a_loop_stop_at_the_day_quota),
        T(test_total_counts_what_the_database_holds),
        T(test_busy_counter_never_refused_by_defaults),
        T(test_disk_reserve_refuses_writes),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
