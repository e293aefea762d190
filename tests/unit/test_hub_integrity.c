/*
 * The background integrity check's parts, on real SQLite files: the check
 * on a sound file and on one with damaged pages (problems capped, the
 * header line left out), an interruption, the last result read back from
 * the audit trail (hub/store/integrity.c), and the marker of a server at
 * work (hub/base/marker.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hub/base/marker.h"
#include "hub/store/db.h"
#include "hub/store/integrity.h"

typedef struct fixture {
    char dir[64];
    char path[128];
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_hub_integrity.XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/hub.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[160];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static int64_t query_int(const char *path, const char *sql)
{
    sqlite3_stmt *st = NULL;
    sqlite3 *db = NULL;
    int64_t v;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return v;
}

/* A table with an index of a few dozen pages. */
static void make_filler(const char *path)
{
    exec_sql(path, "CREATE TABLE filler(k INTEGER PRIMARY KEY, a TEXT);"
                   "CREATE INDEX filler_a ON filler(a);"
                   "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL"
                   " SELECT v + 1 FROM n WHERE v < 5000)"
                   " INSERT INTO filler SELECT v, hex(randomblob(16)) FROM n");
}

/* Zeroes pages first..last of the file. */
static void zero_pages(const char *path, int64_t first, int64_t last)
{
    int64_t size = query_int(path, "PRAGMA page_size"), p;
    char *zeros = calloc(1, (size_t)size);
    FILE *fp = fopen(path, "r+b");

    assert_non_null(zeros);
    assert_non_null(fp);
    for (p = first; p <= last; p++) {
        assert_int_equal(fseek(fp, (long)((p - 1) * size), SEEK_SET), 0);
        assert_int_equal(fwrite(zeros, 1, (size_t)size, fp), (size_t)size);
    }
    assert_int_equal(fclose(fp), 0);
    free(zeros);
}

static hub_integrity_verdict_t check(const char *path, char *text, size_t cap)
{
    hub_integrity_t *c = NULL;
    hub_integrity_verdict_t v;
    char err[256];

    assert_int_equal(hub_integrity_open(path, &c, err, sizeof(err)), 0);
    v = hub_integrity_run(c, 0, text, cap);
    hub_integrity_close(c);
    return v;
}

static void test_sound_file(void **state)
{
    fixture_t *f = *state;
    char text[HUB_INTEGRITY_TEXT_MAX];

    make_filler(f->path);
    assert_int_equal(check(f->path, text, sizeof(text)), HUB_INTEGRITY_OK);
    assert_string_equal(text, "ok");
}

static void test_damaged_pages_capped(void **state)
{
    fixture_t *f = *state;
    char text[HUB_INTEGRITY_TEXT_MAX], *p;
    int64_t root;
    int lines = 1;

    make_filler(f->path);
    root = query_int(f->path, "SELECT rootpage FROM sqlite_schema"
                              " WHERE name = 'filler_a'");
    /* The index's root: every page below it is then lost too, many more
     * problems than are kept. */
    zero_pages(f->path, root, root);
    assert_int_equal(check(f->path, text, sizeof(text)),
                     HUB_INTEGRITY_FAILED);
    assert_null(strstr(text, "***"));
    for (p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, HUB_INTEGRITY_LINES_MAX);
    assert_int_equal(strncmp(text, "Page ", 5), 0);
    /* Capped to the buffer too. */
    assert_int_equal(check(f->path, text, 16), HUB_INTEGRITY_FAILED);
    assert_true(strlen(text) < 16);
}

static void test_interrupted(void **state)
{
    fixture_t *f = *state;
    char text[HUB_INTEGRITY_TEXT_MAX], err[256];
    hub_integrity_t *c = NULL;

    make_filler(f->path);
    assert_int_equal(hub_integrity_open(f->path, &c, err, sizeof(err)), 0);
    hub_integrity_interrupt(c);
    assert_int_equal(hub_integrity_run(c, 0, text, sizeof(text)),
                     HUB_INTEGRITY_INTERRUPTED);
    assert_string_equal(text, "interrupted");
    hub_integrity_close(c);
}

static void test_not_a_database(void **state)
{
    fixture_t *f = *state;
    char text[HUB_INTEGRITY_TEXT_MAX];
    hub_integrity_t *c = NULL;
    FILE *fp = fopen(f->path, "wb");

    assert_non_null(fp);
    assert_int_equal(fputs("this is not a database, not even close to"
                           " one, and long enough to be read as a header"
                           " by SQLite.................................",
                           fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(hub_integrity_open(f->path, &c, text, sizeof(text)), -1);
    assert_null(c);
}

static void test_last_result_from_audit(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {1, 0, 0};
    char detail[64], err[256];
    hub_integrity_t *c = NULL;
    hub_db_t *db = NULL;
    int64_t at = 0;
    int failed = -1;

    assert_int_equal(hub_db_open(f->path, &opt, &db), HUB_OK);
    assert_int_equal(hub_integrity_open(f->path, &c, err, sizeof(err)), 0);
    assert_int_equal(
        hub_integrity_find_last(c, &at, &failed, detail, sizeof(detail)), 0);
    assert_int_equal(hub_db_audit(db, 1000, "hub", "integrity.ok",
                                  "quick_check: ok in 5 ms"), HUB_OK);
    assert_int_equal(hub_db_audit(db, 2000, "hub", "integrity.failed",
                                  "quick_check: Page 3: broken"), HUB_OK);
    /* Neither a start nor an interruption is a result. */
    assert_int_equal(hub_db_audit(db, 3000, "hub", "integrity.start", ""),
                     HUB_OK);
    assert_int_equal(hub_db_audit(db, 4000, "hub", "integrity.interrupted",
                                  "interrupted"), HUB_OK);
    assert_int_equal(
        hub_integrity_find_last(c, &at, &failed, detail, sizeof(detail)), 1);
    assert_int_equal(at, 2000);
    assert_int_equal(failed, 1);
    assert_string_equal(detail, "quick_check: Page 3: broken");
    hub_integrity_close(c);
    hub_db_close(db);
}

static void test_marker(void **state)
{
    fixture_t *f = *state;
    char err[256], marker[160];
    int existed = -1;

    snprintf(marker, sizeof(marker), "%s" HUB_MARKER_SUFFIX, f->path);
    assert_int_equal(hub_marker_create(f->path, &existed, err, sizeof(err)),
                     0);
    assert_int_equal(existed, 0);
    assert_int_equal(access(marker, F_OK), 0);
    assert_int_equal(hub_marker_create(f->path, &existed, err, sizeof(err)),
                     0);
    assert_int_equal(existed, 1);
    assert_int_equal(hub_marker_remove(f->path, err, sizeof(err)), 0);
    assert_int_not_equal(access(marker, F_OK), 0);
    assert_int_equal(hub_marker_remove(f->path, err, sizeof(err)), 0);
    assert_int_equal(hub_marker_create(f->path, &existed, err, sizeof(err)),
                     0);
    assert_int_equal(existed, 0);
    assert_int_equal(hub_marker_create("/nonexistent/dir/hub.db", &existed,
                                       err, sizeof(err)), -1);
    assert_non_null(strstr(err, "/nonexistent/dir/hub.db-serving"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_sound_file),
        T(test_damaged_pages_capped),
        T(test_interrupted),
        T(test_not_a_database),
        T(test_last_result_from_audit),
        T(test_marker),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
