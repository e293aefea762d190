/*
 * Installation records at the hub: the record's checks
 * (domain/installation.c), its storing with the history's cap
 * (store/installations.c), and schema 9's upgrade of a version 8 file.
 * Runs on a real SQLite file.
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

#include "hub/domain/installation.h"
#include "hub/store/db_sql.h"
#include "hub/store/installations.h"
#include "hub/store/kiosks.h"
#include "hub/store/units.h"

#include "testutil.h"

#define K1 "0123456789abcdef0123456789abcdef"

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_db_t *db;
} fixture_t;

static int setup(void **state)
{
    unsigned char hash[HUB_SHA256_LEN] = {1};
    hub_db_options_t opt = {1, 1, 0};
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f || testutil_make_tmpdir(f->root, sizeof(f->root),
                                   "sipas-hubinst") != 0)
        return -1;
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (hub_db_open(f->db_path, &opt, &f->db) != HUB_OK ||
        hub_db_begin_write(f->db) != HUB_OK ||
        hub_units_add(f->db, "XA", "Xã", NULL, 1) != HUB_OK ||
        hub_kiosks_enroll(f->db, K1, "XA", "", "0.1.0", hash, 1) != HUB_OK ||
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

static json_t *record(const char *version)
{
    return json_pack("{s:i, s:s, s:s, s:I, s:s, s:[{s:s, s:s, s:s, s:s}]}",
                     "format", 1, "install_id", K1, "version", version,
                     "tested_at", (json_int_t)1000, "result", "pass",
                     "checks", "id", "hub", "status", "pass", "value",
                     "HTTPS, 12 ms", "message", "Hub đã xác nhận kiosk.");
}

/* 0 when the edited record is accepted. */
static int parse_edited(const char *key, json_t *value)
{
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v = record("0.1.0");
    int rc;

    if (key)
        json_object_set_new(v, key, value);
    hub_problem_init(&pb);
    rc = hub_installation_parse(v, &rec, &pb);
    assert_true(rc == 0 || pb.message[0]);
    json_decref(v);
    return rc;
}

static int parse_check_edited(const char *key, json_t *value)
{
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v = record("0.1.0");
    int rc;

    json_object_set_new(json_array_get(json_object_get(v, "checks"), 0),
                        key, value);
    hub_problem_init(&pb);
    rc = hub_installation_parse(v, &rec, &pb);
    json_decref(v);
    return rc;
}

static void test_parse(void **state)
{
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v = record("0.2.0"), *many;
    int i;

    (void)state;
    hub_problem_init(&pb);
    assert_int_equal(hub_installation_parse(v, &rec, &pb), 0);
    assert_string_equal(rec.install_id, K1);
    assert_string_equal(rec.version, "0.2.0");
    assert_string_equal(rec.result, "pass");
    json_decref(v);
    assert_int_equal(parse_edited(NULL, NULL), 0);
    assert_int_equal(parse_edited("version", json_string("0.2\x01")), -1);
    assert_int_equal(parse_edited("version", json_string("0.2 0")), -1);
    assert_int_equal(parse_edited("version", json_string("")), -1);
    assert_int_equal(parse_edited("result", json_string("ok")), -1);
    assert_int_equal(parse_edited("format", json_integer(2)), -1);
    assert_int_equal(parse_edited("tested_at", json_string("1")), -1);
    assert_int_equal(parse_edited("install_id", json_string("x")), -1);
    assert_int_equal(parse_edited("extra", json_true()), -1);
    assert_int_equal(parse_edited("checks", json_array()), -1);
    assert_int_equal(parse_check_edited("status", json_string("bad")), -1);
    assert_int_equal(parse_check_edited("message", json_string("a\tb")), -1);
    assert_int_equal(parse_check_edited("html", json_string("x")), -1);
    assert_int_equal(parse_check_edited("id", json_string("a b")), -1);
    assert_int_equal(parse_check_edited("action", json_string("Làm lại.")),
                     0);
    many = json_array();
    for (i = 0; i <= HUB_INSTALLATION_CHECKS_MAX; i++)
        json_array_append_new(many, json_pack("{s:s, s:s}", "id", "hub",
                                              "status", "pass"));
    assert_int_equal(parse_edited("checks", many), -1);
}

/* Records the kiosk has in its history. */
static int64_t count(fixture_t *f)
{
    sqlite3_stmt *st;
    int64_t n;

    assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn,
                                        "SELECT count(*) FROM installations"
                                        " WHERE install_id = '" K1 "'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int store(fixture_t *f, const char *version)
{
    hub_installation_t rec;
    hub_problem_t pb;
    json_t *v = record(version);
    int rc;

    hub_problem_init(&pb);
    assert_int_equal(hub_installation_parse(v, &rec, &pb), 0);
    assert_int_equal(hub_db_begin_write(f->db), HUB_OK);
    rc = hub_installation_store(f->db, K1, &rec, 2000);
    assert_int_equal(hub_db_commit(f->db), HUB_OK);
    json_decref(v);
    return rc;
}

static void test_store_capped(void **state)
{
    fixture_t *f = *state;
    char version[16];
    int i;

    for (i = 1; i <= HUB_INSTALLATIONS_KEEP + 5; i++) {
        snprintf(version, sizeof(version), "0.1.%d", i);
        assert_int_equal(store(f, version), HUB_OK);
    }
    assert_int_equal(count(f), HUB_INSTALLATIONS_KEEP);
    snprintf(version, sizeof(version), "0.1.%d", HUB_INSTALLATIONS_KEEP + 5);
    /* The kiosk's version is the newest record's. */
    {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn,
                                            "SELECT version FROM kiosks",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0),
                            version);
        sqlite3_finalize(st);
    }
}

/* A version 8 file gets the installations table; its kiosks stay. */
static void test_schema_9_upgrade(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {0, 1, 0};

    assert_int_equal(sqlite3_exec(f->db->sql.conn,
                                  "DROP TABLE installations;"
                                  " PRAGMA user_version = 8",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    hub_db_close(f->db);
    f->db = NULL;
    assert_int_equal(hub_db_open(f->db_path, &opt, &f->db), HUB_OK);
    assert_true(hub_db_schema_version() >= 9);
    {
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(f->db->sql.conn,
                                            "PRAGMA user_version", -1, &st,
                                            NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), hub_db_schema_version());
        sqlite3_finalize(st);
    }
    assert_int_equal(count(f), 0);
    assert_int_equal(store(f, "0.2.0"), HUB_OK);
    assert_int_equal(count(f), 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        T(test_store_capped),
        T(test_schema_9_upgrade),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
