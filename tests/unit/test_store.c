#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/vntime.h"
#include "store/store.h"

#include "testutil.h"

#define T_2026_11_01 INT64_C(1793466000000)  /* 2026-11-01T00:00+07 */
#define T_2026_11_22 INT64_C(1795280400000)  /* 2026-11-22T00:00+07 */
#define T_2026_12_01 INT64_C(1796058000000)  /* 2026-12-01T00:00+07 */
#define HOUR_MS INT64_C(3600000)

#define ROWS_MAX 64

typedef struct fixture {
    char root[256];
    char data[320]; /* root/var/data: not there yet, store_open makes it */
    char db[384];
} fixture_t;

/* One exported row, copied out of the callback. */
typedef struct row_copy {
    int64_t seq, recorded_at;
    int value, partial, suppressed, clock_synced, test;
    char question[64], element[64], code[64], dossier[64], unit[64];
    char install_id[STORE_ID_MAX], instrument[64], boot_id[64];
} row_copy_t;

typedef struct rows {
    int n;
    int stop_after; /* 0: never */
    row_copy_t r[ROWS_MAX];
} rows_t;

/* ---- fixture ---------------------------------------------------------- */

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->root, sizeof(f->root), "sipas-store") != 0) {
        free(f);
        return -1;
    }
    snprintf(f->data, sizeof(f->data), "%s/var/data", f->root);
    snprintf(f->db, sizeof(f->db), "%s/%s", f->data, STORE_DB_NAME);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc = testutil_remove_tree(f->root);

    free(f);
    return rc;
}

/* ---- records and files ------------------------------------------------ */

static const store_answer_t sample_answers[] = {
    {"q.overall", "overall", 5, NULL},
    {"q.access", "access", 4, NULL},
    {"q.reasons", "reasons", 0, "slow"},
};

static store_response_t sample_response(int64_t wall_ms)
{
    store_response_t r;

    memset(&r, 0, sizeof(r));
    r.unit = "ubnd-xa-an-phu";
    r.counter = "quay-1";
    r.field = "dat-dai";
    r.dossier = NULL;
    r.officer = "CB-0012";
    r.lang = "vi";
    r.instrument = "sipas-short";
    r.instrument_version = 3;
    r.wall_ms = wall_ms;
    r.boot_ms = 1000;
    r.boot_id = "boot-a";
    r.clock_synced = 1;
    r.duration_ms = 4200;
    r.n_answers = 3;
    r.answers = sample_answers;
    return r;
}

static int64_t commit_or_fail(store_t *s, const store_response_t *r)
{
    int64_t seq = -1;
    int rc = store_commit_response(s, r, &seq);

    if (rc != STORE_OK)
        fail_msg("commit: %d %s", rc, store_last_error(s));
    return seq;
}

static int64_t commit_at(store_t *s, int64_t wall_ms)
{
    store_response_t r = sample_response(wall_ms);

    return commit_or_fail(s, &r);
}

static store_t *open_rw(const fixture_t *f, int64_t cap,
                        store_open_report_t *rep)
{
    store_options_t opt = {cap, NULL, NULL};
    store_t *s = NULL;
    int rc = store_open(f->data, &opt, &s, rep);

    if (rc != STORE_OK)
        fail_msg("store_open: %d %s", rc, store_last_error(NULL));
    return s;
}

static int copy_row(void *ctx, const store_row_t *row)
{
    rows_t *rows = ctx;
    row_copy_t *c;

    if (rows->n >= ROWS_MAX)
        return -100;
    c = &rows->r[rows->n++];
    c->seq = row->seq;
    c->recorded_at = row->recorded_at_ms;
    c->value = row->value;
    c->partial = row->partial;
    c->suppressed = row->suppressed;
    c->clock_synced = row->clock_synced;
    c->test = row->test;
    snprintf(c->question, sizeof(c->question), "%s", row->question);
    snprintf(c->element, sizeof(c->element), "%s", row->element);
    snprintf(c->code, sizeof(c->code), "%s", row->code);
    snprintf(c->dossier, sizeof(c->dossier), "%s", row->dossier);
    snprintf(c->unit, sizeof(c->unit), "%s", row->unit);
    snprintf(c->install_id, sizeof(c->install_id), "%s", row->install_id);
    snprintf(c->instrument, sizeof(c->instrument), "%s", row->instrument);
    snprintf(c->boot_id, sizeof(c->boot_id), "%s", row->boot_id);
    return rows->stop_after && rows->n >= rows->stop_after ? 7 : 0;
}

static int collect_rows(store_t *s, int64_t from, int64_t to, rows_t *rows)
{
    memset(rows, 0, sizeof(*rows));
    return store_each_row(s, from, to, copy_row, rows);
}

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK)
        fail_msg("open %s: %s", path, sqlite3_errmsg(db));
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

static void write_file(const char *path, const unsigned char *data, size_t n)
{
    FILE *fp = fopen(path, "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

/* Deterministic noise, so a failure can be replayed byte for byte. */
static void fill_noise(unsigned char *buf, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (unsigned char)(seed >> 16);
    }
}

static int file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static int64_t file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

typedef struct audit_copy {
    int n;
    int64_t id[16];
    char kind[16][32];
    char detail[16][STORE_PATH_MAX + 300];
} audit_copy_t;

static int copy_audit(void *ctx, const store_audit_row_t *row)
{
    audit_copy_t *a = ctx;

    if (a->n >= 16)
        return -100;
    a->id[a->n] = row->id;
    snprintf(a->kind[a->n], sizeof(a->kind[0]), "%s", row->kind);
    snprintf(a->detail[a->n], sizeof(a->detail[0]), "%s", row->detail);
    a->n++;
    return 0;
}

/* ---- open and schema -------------------------------------------------- */

static void test_open_creates_dir_and_schema(void **state)
{
    fixture_t *f = *state;
    store_open_report_t rep;
    store_stats_t st;
    char install_id[STORE_ID_MAX];
    struct stat ds;
    store_t *s;
    size_t i;

    s = open_rw(f, 0, &rep);
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.recovered, 0);
    assert_string_equal(rep.check, "ok");
    assert_true(file_exists(f->db));
    assert_int_equal(stat(f->data, &ds), 0);
    assert_int_equal(ds.st_mode & 0777, 0750);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(strlen(st.install_id), 32);
    for (i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", st.install_id[i]));
    assert_int_equal(st.responses, 0);
    assert_int_equal(st.last_seq, 0);
    snprintf(install_id, sizeof(install_id), "%s", st.install_id);
    store_close(s);

    /* Reopening keeps the identity: install_id is made once. */
    s = open_rw(f, 0, &rep);
    assert_int_equal(rep.created, 0);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_string_equal(st.install_id, install_id);
    store_close(s);
}

static void test_open_uses_wal(void **state)
{
    fixture_t *f = *state;
    char wal[STORE_PATH_MAX];
    store_t *s = open_rw(f, 0, NULL);

    commit_at(s, T_2026_11_22);
    snprintf(wal, sizeof(wal), "%s-wal", f->db);
    assert_true(file_exists(wal));
    store_close(s);
}

static void test_newer_schema_is_refused_not_discarded(void **state)
{
    fixture_t *f = *state;
    store_t *s = open_rw(f, 0, NULL);

    commit_at(s, T_2026_11_22);
    store_close(s);
    raw_exec(f->db, "PRAGMA user_version=99");
    s = (store_t *)1;
    assert_int_equal(store_open(f->data, NULL, &s, NULL), STORE_ERROR);
    assert_null(s);
    assert_non_null(strstr(store_last_error(NULL), "newer"));
    /* Still there, untouched: nothing was moved aside. */
    raw_exec(f->db, "PRAGMA user_version=2");
    s = open_rw(f, 0, NULL);
    assert_int_equal(store_dossier_rated(s, "x"), 0);
    store_close(s);
}

/* ---- test ratings ----------------------------------------------------- */

/* The test flag of every response in (after, upto], by seq. */
typedef struct flags {
    int n;
    int64_t seq[ROWS_MAX];
    int test[ROWS_MAX];
} flags_t;

static int copy_flag(void *ctx, int64_t seq, const store_response_t *r)
{
    flags_t *fl = ctx;

    if (fl->n >= ROWS_MAX)
        return -100;
    fl->seq[fl->n] = seq;
    fl->test[fl->n++] = r->test;
    return 0;
}

static void test_test_flag_round_trip(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22 + HOUR_MS);
    store_stats_t st;
    flags_t fl;
    rows_t rows;
    int64_t s1, s2;
    store_t *s = open_rw(f, 0, NULL);

    r.test = 1;
    s1 = commit_or_fail(s, &r);
    r.test = 0;
    s2 = commit_or_fail(s, &r);
    assert_int_equal(collect_rows(s, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 6);
    assert_int_equal(rows.r[0].seq, s1);
    assert_int_equal(rows.r[0].test, 1);
    assert_int_equal(rows.r[2].test, 1);
    assert_int_equal(rows.r[3].seq, s2);
    assert_int_equal(rows.r[3].test, 0);
    memset(&fl, 0, sizeof(fl));
    assert_int_equal(store_each_response(s, 0, s2, copy_flag, &fl), STORE_OK);
    assert_int_equal(fl.n, 2);
    assert_int_equal(fl.test[0], 1);
    assert_int_equal(fl.test[1], 0);
    assert_int_equal(store_get_stats(s, T_2026_11_22 + 2 * HOUR_MS, &st),
                     STORE_OK);
    assert_int_equal(st.responses, 2);
    assert_int_equal(st.test, 1);
    store_close(s);
}

/* A database of schema 1 (no test column): responses stamped with the
 * demo unit are tests, read-only before the migration and stored as such
 * after it; nothing else changes. */
static void test_schema_1_demo_unit_rows_become_tests(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22 + HOUR_MS);
    store_stats_t st;
    flags_t fl;
    rows_t rows;
    store_t *s = open_rw(f, 0, NULL);

    r.unit = CONFIG_DEMO_UNIT;
    commit_or_fail(s, &r);
    r.unit = "XA-MINHTAN";
    commit_or_fail(s, &r);
    r.unit = NULL;
    commit_or_fail(s, &r);
    store_close(s);
    raw_exec(f->db, "ALTER TABLE responses DROP COLUMN test;"
                    " PRAGMA user_version=1");

    /* A tool on the old file: the rule applies without writing. */
    assert_int_equal(store_open_readonly(f->data, &s), STORE_OK);
    assert_int_equal(collect_rows(s, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 9);
    assert_int_equal(rows.r[0].test, 1);
    assert_int_equal(rows.r[3].test, 0);
    assert_int_equal(rows.r[6].test, 0);
    memset(&fl, 0, sizeof(fl));
    assert_int_equal(store_each_response(s, 0, 3, copy_flag, &fl), STORE_OK);
    assert_int_equal(fl.n, 3);
    assert_int_equal(fl.test[0] * 100 + fl.test[1] * 10 + fl.test[2], 100);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.test, 1);
    store_close(s);

    /* The kiosk opens it: migrated, the flag stored. */
    s = open_rw(f, 0, NULL);
    store_close(s);
    assert_int_equal(store_open_readonly(f->data, &s), STORE_OK);
    memset(&fl, 0, sizeof(fl));
    assert_int_equal(store_each_response(s, 0, 3, copy_flag, &fl), STORE_OK);
    assert_int_equal(fl.n, 3);
    assert_int_equal(fl.test[0] * 100 + fl.test[1] * 10 + fl.test[2], 100);
    store_close(s);
    /* Stored, not derived: a later demo-unit row keeps the flag it was
     * given. */
    s = open_rw(f, 0, NULL);
    r.unit = CONFIG_DEMO_UNIT;
    r.test = 0;
    commit_or_fail(s, &r);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, 4);
    assert_int_equal(st.test, 1);
    store_close(s);
}

/* ---- commit and read back --------------------------------------------- */

static void test_commit_and_read_back(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22 + 9 * HOUR_MS);
    store_stats_t st;
    rows_t rows;
    int64_t s1, s2;
    store_t *s = open_rw(f, 0, NULL);

    s1 = commit_or_fail(s, &r);
    r.dossier = "000.00.22.H01-261122-0001";
    r.partial = 1;
    r.suppressed = 2;
    r.clock_synced = 0;
    r.n_answers = 2;
    s2 = commit_or_fail(s, &r);
    assert_true(s2 > s1);

    assert_int_equal(collect_rows(s, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 5);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    /* Ordered by seq, then answer order. */
    assert_int_equal(rows.r[0].seq, s1);
    assert_string_equal(rows.r[0].question, "q.overall");
    assert_string_equal(rows.r[0].element, "overall");
    assert_int_equal(rows.r[0].value, 5);
    assert_string_equal(rows.r[0].code, "");
    assert_string_equal(rows.r[0].dossier, "");
    assert_string_equal(rows.r[0].unit, "ubnd-xa-an-phu");
    assert_string_equal(rows.r[0].instrument, "sipas-short");
    assert_string_equal(rows.r[0].boot_id, "boot-a");
    assert_string_equal(rows.r[0].install_id, st.install_id);
    assert_int_equal(rows.r[0].recorded_at, T_2026_11_22 + 9 * HOUR_MS);
    assert_int_equal(rows.r[0].clock_synced, 1);
    assert_string_equal(rows.r[1].question, "q.access");
    assert_string_equal(rows.r[2].question, "q.reasons");
    assert_int_equal(rows.r[2].value, 0);
    assert_string_equal(rows.r[2].code, "slow");
    assert_int_equal(rows.r[3].seq, s2);
    assert_string_equal(rows.r[3].dossier, "000.00.22.H01-261122-0001");
    assert_int_equal(rows.r[3].partial, 1);
    assert_int_equal(rows.r[3].suppressed, 2);
    assert_int_equal(rows.r[3].clock_synced, 0);
    assert_string_equal(rows.r[4].question, "q.access");
    store_close(s);
}

static void test_each_row_bounds_and_early_stop(void **state)
{
    fixture_t *f = *state;
    rows_t rows;
    store_t *s = open_rw(f, 0, NULL);

    commit_at(s, T_2026_11_22 - 1);
    commit_at(s, T_2026_11_22);
    commit_at(s, T_2026_11_22 + VNTIME_DAY_MS - 1);
    commit_at(s, T_2026_11_22 + VNTIME_DAY_MS);

    /* from inclusive, to exclusive: exactly the local day. */
    assert_int_equal(
        collect_rows(s, T_2026_11_22, T_2026_11_22 + VNTIME_DAY_MS, &rows),
        STORE_OK);
    assert_int_equal(rows.n, 6);
    assert_int_equal(rows.r[0].recorded_at, T_2026_11_22);
    assert_int_equal(rows.r[5].recorded_at, T_2026_11_22 + VNTIME_DAY_MS - 1);

    memset(&rows, 0, sizeof(rows));
    rows.stop_after = 2;
    assert_int_equal(store_each_row(s, INT64_MIN, INT64_MAX, copy_row, &rows),
                     7);
    assert_int_equal(rows.n, 2);
    /* The statement was released: the next iteration starts afresh. */
    assert_int_equal(collect_rows(s, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 12);
    store_close(s);
}

static void test_commit_rejects_incomplete_record(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22);
    store_answer_t bad[1] = {{NULL, "overall", 3, NULL}};
    store_stats_t st;
    int64_t seq = -5;
    store_t *s = open_rw(f, 0, NULL);

    r.instrument = NULL;
    assert_int_equal(store_commit_response(s, &r, &seq), STORE_ERROR);
    r = sample_response(T_2026_11_22);
    r.answers = bad;
    r.n_answers = 1;
    assert_int_equal(store_commit_response(s, &r, &seq), STORE_ERROR);
    assert_int_equal(seq, -5);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, 0);
    store_close(s);
}

/* A response and its answers are one unit: an answer that cannot be
 * written takes the response with it, and the handle goes on working. */
static void test_failed_answer_rolls_back_response(void **state)
{
    fixture_t *f = *state;
    store_answer_t boom[2] = {{"q.overall", "overall", 5, NULL},
                              {"boom", "staff", 4, NULL}};
    store_response_t r = sample_response(T_2026_11_22);
    store_stats_t st;
    rows_t rows;
    int64_t seq = -5;
    store_t *s = open_rw(f, 0, NULL);

    store_close(s);
    raw_exec(f->db, "CREATE TRIGGER refuse BEFORE INSERT ON answers"
                    " WHEN NEW.question = 'boom'"
                    " BEGIN SELECT RAISE(ABORT, 'refused'); END;");
    s = open_rw(f, 0, NULL);
    r.answers = boom;
    r.n_answers = 2;
    assert_int_equal(store_commit_response(s, &r, &seq), STORE_ERROR);
    assert_int_equal(seq, -5);
    assert_non_null(strstr(store_last_error(s), "refused"));
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, 0);
    assert_int_equal(collect_rows(s, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 0);
    /* No transaction left open behind the failure; the refused seq was
     * never acknowledged, so the next response may take it. */
    assert_int_equal(commit_at(s, T_2026_11_22), 1);
    store_close(s);
}

/* A dropped table is no damage SQLite sees and no fault a retry clears:
 * opening says so, and so does a commit after a drop behind the handle. */
static void test_dropped_table_is_a_schema_fault(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22);
    store_t *s = open_rw(f, 0, NULL), *ro = NULL;
    int64_t seq = -5;

    raw_exec(f->db, "DROP TABLE responses");
    assert_int_equal(store_commit_response(s, &r, &seq), STORE_SCHEMA);
    assert_int_equal(seq, -5);
    assert_non_null(strstr(store_last_error(s), "table responses missing"));
    store_close(s);
    s = NULL;
    assert_int_equal(store_open(f->data, NULL, &s, NULL), STORE_SCHEMA);
    assert_null(s);
    assert_non_null(strstr(store_last_error(NULL), "responses"));
    /* Not moved aside: what is left stays for whoever investigates. */
    assert_true(file_exists(f->db));
    assert_int_equal(store_open_readonly(f->data, &ro), STORE_SCHEMA);
    assert_null(ro);
}

/* ---- sequence numbers ------------------------------------------------- */

static void test_seq_increases_across_reopen(void **state)
{
    fixture_t *f = *state;
    int64_t prev = 0, seq;
    int i, round;
    store_t *s;

    for (round = 0; round < 3; round++) {
        s = open_rw(f, 0, NULL);
        for (i = 0; i < 4; i++) {
            seq = commit_at(s, T_2026_11_22);
            assert_true(seq > prev);
            prev = seq;
        }
        store_close(s);
    }
    assert_int_equal(prev, 12);
}

static void test_seq_not_reused_after_delete(void **state)
{
    fixture_t *f = *state;
    store_t *s = open_rw(f, 0, NULL);
    int64_t seq;

    commit_at(s, T_2026_11_22);
    commit_at(s, T_2026_11_22);
    assert_int_equal(commit_at(s, T_2026_11_22), 3);
    store_close(s);
    raw_exec(f->db, "DELETE FROM answers WHERE seq = 3;"
                    "DELETE FROM responses WHERE seq = 3;");
    s = open_rw(f, 0, NULL);
    seq = commit_at(s, T_2026_11_22);
    assert_int_equal(seq, 4);
    store_close(s);
}

/* ---- full disk -------------------------------------------------------- */

static store_response_t fat_response(store_answer_t *a, char *text,
                                     size_t cap)
{
    store_response_t r = sample_response(T_2026_11_22);

    memset(text, 'x', cap - 1);
    text[cap - 1] = '\0';
    a->question = text;
    a->element = "overall";
    a->value = 4;
    a->code = NULL;
    r.answers = a;
    r.n_answers = 1;
    return r;
}

static void test_full_cap_then_recover(void **state)
{
    fixture_t *f = *state;
    static char text[3000];
    store_answer_t a;
    store_response_t r = fat_response(&a, text, sizeof(text));
    store_stats_t st;
    char buf[32];
    int64_t seq = 0, last = 0, cap;
    int i, rc = STORE_OK, stored;
    store_t *s = open_rw(f, 0, NULL);

    last = commit_or_fail(s, &r);
    store_close(s);

    cap = file_size(f->db) + 3 * 4096;
    s = open_rw(f, cap, NULL);
    for (i = 0; i < 200 && rc == STORE_OK; i++) {
        rc = store_commit_response(s, &r, &seq);
        if (rc == STORE_OK)
            last = seq;
    }
    assert_int_equal(rc, STORE_FULL);
    stored = i; /* the first commit plus the i - 1 that fit */
    /* No transaction left hanging: still FULL, not "within a transaction",
     * and reads work on the same handle. */
    assert_int_equal(store_commit_response(s, &r, &seq), STORE_FULL);
    assert_int_equal(seq, last);
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, stored);
    assert_int_equal(st.last_seq, last);
    assert_int_equal(store_state_get(s, "officer", buf, sizeof(buf)),
                     STORE_OK);
    store_close(s);

    /* Space again: the earlier rows are intact and commits go on. */
    s = open_rw(f, 0, NULL);
    assert_int_equal(store_integrity_check(s, buf, sizeof(buf)), STORE_OK);
    assert_string_equal(buf, "ok");
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, stored);
    assert_int_equal(commit_or_fail(s, &r), last + 1);
    store_close(s);
}

/* ---- damaged files ---------------------------------------------------- */

static void assert_recovered_fresh(const fixture_t *f,
                                   const store_open_report_t *rep,
                                   store_t *s)
{
    audit_copy_t audit;
    store_stats_t st;
    char prefix[STORE_PATH_MAX];

    assert_int_equal(rep->recovered, 1);
    assert_int_equal(rep->created, 1);
    assert_string_not_equal(rep->check, "ok");
    snprintf(prefix, sizeof(prefix), "%s.corrupt-", f->db);
    assert_memory_equal(rep->moved_to, prefix, strlen(prefix));
    assert_true(file_exists(rep->moved_to));
    assert_int_equal(store_get_stats(s, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, 0);
    memset(&audit, 0, sizeof(audit));
    assert_int_equal(store_each_audit(s, 5, copy_audit, &audit), STORE_OK);
    assert_int_equal(audit.n, 1);
    assert_string_equal(audit.kind[0], "recovered");
    assert_non_null(strstr(audit.detail[0], rep->moved_to));
    /* The fresh database takes responses. */
    assert_int_equal(commit_at(s, T_2026_11_22), 1);
}

static void test_garbage_file_is_moved_aside(void **state)
{
    fixture_t *f = *state;
    unsigned char noise[8192], back[8192];
    char var[STORE_PATH_MAX], wal[STORE_PATH_MAX];
    char moved_wal[STORE_PATH_MAX + 8];
    store_open_report_t rep;
    FILE *fp;
    store_t *s;

    snprintf(var, sizeof(var), "%s/var", f->root);
    assert_int_equal(mkdir(var, 0750), 0);
    assert_int_equal(mkdir(f->data, 0750), 0);
    fill_noise(noise, sizeof(noise), 42);
    write_file(f->db, noise, sizeof(noise));
    snprintf(wal, sizeof(wal), "%s-wal", f->db);
    write_file(wal, noise, 100);

    s = open_rw(f, 0, &rep);
    assert_recovered_fresh(f, &rep, s);
    /* The damaged bytes are kept, whole, for whoever investigates. */
    fp = fopen(rep.moved_to, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(back, 1, sizeof(back), fp), sizeof(back));
    assert_int_equal(fclose(fp), 0);
    assert_memory_equal(back, noise, sizeof(noise));
    snprintf(moved_wal, sizeof(moved_wal), "%s-wal", rep.moved_to);
    assert_int_equal(file_size(moved_wal), 100);
    store_close(s);
}

/* The store's own stamps (the moved file's name, the audit entry) come
 * from the clock it was given, not the machine's. */
static int64_t pinned_wall_ms(void *ctx)
{
    return *(const int64_t *)ctx;
}

static void test_recovery_stamps_use_the_given_clock(void **state)
{
    fixture_t *f = *state;
    /* 2027-12-31T17:30Z: already 2028-01-01 00:30 in Vietnam */
    int64_t when = INT64_C(1830274200000);
    store_options_t opt = {0, pinned_wall_ms, &when};
    unsigned char noise[4096];
    char var[STORE_PATH_MAX], want[STORE_PATH_MAX + 64];
    store_open_report_t rep;
    audit_copy_t audit;
    store_t *s = NULL;

    snprintf(var, sizeof(var), "%s/var", f->root);
    assert_int_equal(mkdir(var, 0750), 0);
    assert_int_equal(mkdir(f->data, 0750), 0);
    fill_noise(noise, sizeof(noise), 7);
    write_file(f->db, noise, sizeof(noise));
    assert_int_equal(store_open(f->data, &opt, &s, &rep), STORE_OK);
    assert_int_equal(rep.recovered, 1);
    snprintf(want, sizeof(want), "%s.corrupt-20280101-003000", f->db);
    assert_string_equal(rep.moved_to, want);
    memset(&audit, 0, sizeof(audit));
    assert_int_equal(store_each_audit(s, 5, copy_audit, &audit), STORE_OK);
    assert_int_equal(audit.n, 1);
    store_close(s);
}

static void test_second_recovery_gets_its_own_name(void **state)
{
    fixture_t *f = *state;
    unsigned char noise[4096];
    store_open_report_t rep1, rep2;
    store_t *s;

    s = open_rw(f, 0, NULL);
    store_close(s);
    fill_noise(noise, sizeof(noise), 7);
    write_file(f->db, noise, sizeof(noise));
    s = open_rw(f, 0, &rep1);
    assert_int_equal(rep1.recovered, 1);
    store_close(s);
    write_file(f->db, noise, sizeof(noise));
    s = open_rw(f, 0, &rep2);
    assert_int_equal(rep2.recovered, 1);
    assert_string_not_equal(rep1.moved_to, rep2.moved_to);
    assert_true(file_exists(rep1.moved_to));
    assert_true(file_exists(rep2.moved_to));
    store_close(s);
}

static void test_truncated_database_is_moved_aside(void **state)
{
    fixture_t *f = *state;
    static char text[2000];
    store_answer_t a;
    store_response_t r = fat_response(&a, text, sizeof(text));
    store_open_report_t rep;
    int64_t size;
    store_t *s;
    int i;

    s = open_rw(f, 0, NULL);
    for (i = 0; i < 40; i++)
        commit_or_fail(s, &r);
    store_close(s);
    size = file_size(f->db);
    assert_true(size > 16 * 4096);
    assert_int_equal(truncate(f->db, size / 2), 0);

    /* A tool sees the damage and leaves the file where it is. */
    assert_int_equal(store_open_readonly(f->data, &s), STORE_CORRUPT);
    assert_null(s);
    assert_int_equal(file_size(f->db), size / 2);

    s = open_rw(f, 0, &rep);
    assert_recovered_fresh(f, &rep, s);
    assert_int_equal(file_size(rep.moved_to), size / 2);
    store_close(s);
}

static int64_t raw_root_page(const char *path, const char *name)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t page = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT rootpage FROM sqlite_master"
                                        " WHERE name = ?1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC),
                     SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        page = sqlite3_column_int64(st, 0);
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    assert_int_equal(sqlite3_close(db), SQLITE_OK);
    return page;
}

/* Overwrites the cells of one b-tree page, leaving the file header sound:
 * only a check that walks the tree can tell. */
static void smash_page(const char *path, int64_t page)
{
    unsigned char junk[3900];
    FILE *fp = fopen(path, "r+b");

    assert_non_null(fp);
    memset(junk, 0x55, sizeof(junk));
    assert_int_equal(fseek(fp, (long)((page - 1) * 4096 + 100), SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, sizeof(junk), fp), sizeof(junk));
    assert_int_equal(fclose(fp), 0);
}

static void test_damaged_index_fails_quick_check(void **state)
{
    fixture_t *f = *state;
    store_open_report_t rep;
    char check[STORE_TEXT_MAX];
    store_t *s;
    int i;

    s = open_rw(f, 0, NULL);
    for (i = 0; i < 300; i++)
        commit_at(s, T_2026_11_22 + i);
    store_close(s);
    smash_page(f->db, raw_root_page(f->db, "responses_recorded_at"));

    /* A tool can open it and sees the verdict, one line, no header. */
    assert_int_equal(store_open_readonly(f->data, &s), STORE_OK);
    assert_int_equal(store_quick_check(s, check, sizeof(check)), STORE_OK);
    assert_string_not_equal(check, "ok");
    assert_null(strchr(check, '\n'));
    assert_null(strstr(check, "***"));
    assert_int_equal(store_integrity_check(s, check, sizeof(check)),
                     STORE_OK);
    assert_string_not_equal(check, "ok");
    store_close(s);

    s = open_rw(f, 0, &rep);
    assert_recovered_fresh(f, &rep, s);
    assert_non_null(strstr(rep.check, "page"));
    store_close(s);
}

/* ---- read-only -------------------------------------------------------- */

static void test_readonly_sees_writer_commits(void **state)
{
    fixture_t *f = *state;
    store_t *w = open_rw(f, 0, NULL), *ro = NULL;
    store_stats_t st;
    rows_t rows;
    char check[64];
    int64_t seq;

    commit_at(w, T_2026_11_22);
    commit_at(w, T_2026_11_22 + 1);
    assert_int_equal(store_open_readonly(f->data, &ro), STORE_OK);
    assert_int_equal(collect_rows(ro, INT64_MIN, INT64_MAX, &rows), STORE_OK);
    assert_int_equal(rows.n, 6);

    /* The writer keeps going while the reader is open. */
    commit_at(w, T_2026_11_22 + 2);
    assert_int_equal(store_get_stats(ro, T_2026_11_22, &st), STORE_OK);
    assert_int_equal(st.responses, 3);
    assert_int_equal(st.last_seq, 3);
    assert_true(st.db_bytes > 0);
    assert_int_equal(store_quick_check(ro, check, sizeof(check)), STORE_OK);
    assert_string_equal(check, "ok");

    /* A reader never writes. */
    {
        store_response_t r = sample_response(T_2026_11_22);

        assert_int_equal(store_commit_response(ro, &r, &seq), STORE_ERROR);
        assert_int_not_equal(store_state_set(ro, "k", "v"), STORE_OK);
    }
    store_close(ro);
    commit_at(w, T_2026_11_22 + 3);
    store_close(w);
}

static void test_readonly_missing_and_garbage(void **state)
{
    fixture_t *f = *state;
    unsigned char noise[4096];
    store_t *s = (store_t *)1;

    assert_int_equal(store_open_readonly(f->data, &s), STORE_MISSING);
    assert_null(s);
    assert_non_null(strstr(store_last_error(NULL), "no kiosk database"));
    /* Never creates. */
    assert_false(file_exists(f->data));

    s = open_rw(f, 0, NULL);
    store_close(s);
    fill_noise(noise, sizeof(noise), 99);
    write_file(f->db, noise, sizeof(noise));
    assert_int_equal(store_open_readonly(f->data, &s), STORE_CORRUPT);
    assert_null(s);
    /* Never recovers: the bytes stay where they were. */
    assert_int_equal(file_size(f->db), sizeof(noise));
}

/* ---- state, audit, dossiers ------------------------------------------- */

static void test_state_round_trip(void **state)
{
    fixture_t *f = *state;
    char buf[16], tiny[4];
    store_t *s = open_rw(f, 0, NULL);

    snprintf(buf, sizeof(buf), "junk");
    assert_int_equal(store_state_get(s, "officer", buf, sizeof(buf)),
                     STORE_OK);
    assert_string_equal(buf, "");
    assert_int_equal(store_state_set(s, "officer", "CB-0001"), STORE_OK);
    assert_int_equal(store_state_set(s, "officer", "CB-0012"), STORE_OK);
    assert_int_equal(store_state_get(s, "officer", buf, sizeof(buf)),
                     STORE_OK);
    assert_string_equal(buf, "CB-0012");
    /* Never silently cut. */
    assert_int_equal(store_state_get(s, "officer", tiny, sizeof(tiny)),
                     STORE_ERROR);
    store_close(s);

    s = open_rw(f, 0, NULL);
    assert_int_equal(store_state_get(s, "officer", buf, sizeof(buf)),
                     STORE_OK);
    assert_string_equal(buf, "CB-0012");
    assert_int_equal(store_state_set(s, "officer", NULL), STORE_OK);
    assert_int_equal(store_state_get(s, "officer", buf, sizeof(buf)),
                     STORE_OK);
    assert_string_equal(buf, "");
    store_close(s);
}

static void test_audit_round_trip(void **state)
{
    fixture_t *f = *state;
    audit_copy_t a;
    char detail[32];
    store_t *s = open_rw(f, 0, NULL);
    int i;

    for (i = 1; i <= 7; i++) {
        snprintf(detail, sizeof(detail), "CB-%04d", i);
        assert_int_equal(store_audit(s, T_2026_11_22 + i, "officer_on",
                                     detail), STORE_OK);
    }
    store_close(s);
    s = open_rw(f, 0, NULL);
    memset(&a, 0, sizeof(a));
    assert_int_equal(store_each_audit(s, 5, copy_audit, &a), STORE_OK);
    /* The newest five, oldest first. */
    assert_int_equal(a.n, 5);
    assert_int_equal(a.id[0], 3);
    assert_int_equal(a.id[4], 7);
    assert_string_equal(a.kind[4], "officer_on");
    assert_string_equal(a.detail[0], "CB-0003");
    assert_string_equal(a.detail[4], "CB-0007");
    store_close(s);
}

static void test_dossier_rated(void **state)
{
    fixture_t *f = *state;
    store_response_t r = sample_response(T_2026_11_22);
    store_t *s = open_rw(f, 0, NULL);

    assert_int_equal(store_dossier_rated(s, "000.00.22.H01-261122-0001"), 0);
    commit_or_fail(s, &r); /* no dossier */
    r.dossier = "000.00.22.H01-261122-0001";
    commit_or_fail(s, &r);
    assert_int_equal(store_dossier_rated(s, "000.00.22.H01-261122-0001"), 1);
    assert_int_equal(store_dossier_rated(s, "000.00.22.H01-261122-0002"), 0);
    assert_int_equal(store_dossier_rated(s, ""), 0);
    assert_int_equal(store_dossier_rated(s, NULL), 0);
    store_close(s);
}

/* ---- stats ------------------------------------------------------------ */

static void commit_overall(store_t *s, int64_t wall_ms, const char *instr,
                           int value, int partial, int suppressed)
{
    store_answer_t a[2] = {{"q.overall", "overall", value, NULL},
                           {"q.staff", "staff", 1, NULL}};
    store_response_t r = sample_response(wall_ms);

    r.instrument = instr;
    r.answers = a;
    r.n_answers = 2;
    r.partial = partial;
    r.suppressed = suppressed;
    commit_or_fail(s, &r);
}

static void test_stats_day_and_month_boundaries(void **state)
{
    fixture_t *f = *state;
    const int64_t now = T_2026_11_22 + 9 * HOUR_MS + 15 * 60000;
    store_stats_t st;
    store_t *s = open_rw(f, 0, NULL);

    commit_overall(s, T_2026_11_01 - 1, "sipas-short", 5, 0, 0); /* Oct */
    commit_overall(s, T_2026_11_01, "sipas-short", 4, 0, 0);
    commit_overall(s, T_2026_11_22 - 1, "sipas-short", 2, 0, 0);
    commit_overall(s, T_2026_11_22, "sipas-short", 5, 0, 0);     /* today */
    commit_overall(s, T_2026_11_22 + HOUR_MS, "sipas-short", 5, 1, 0);
    commit_overall(s, T_2026_11_22 + HOUR_MS, "sipas-short", 5, 0, 1);
    commit_overall(s, T_2026_11_22 + HOUR_MS, "c01-counter", 2, 0, 0);
    commit_overall(s, T_2026_11_22 + 2 * HOUR_MS, "sipas-short", 3, 0, 0);
    commit_overall(s, T_2026_12_01, "sipas-short", 5, 0, 0); /* Dec */

    assert_int_equal(store_get_stats(s, now, &st), STORE_OK);
    assert_int_equal(st.responses, 9);
    assert_int_equal(st.counted, 7);
    assert_int_equal(st.partial, 1);
    assert_int_equal(st.suppressed, 1);
    /* From 00:00 local on the 22nd to before 00:00 on the 23rd. */
    assert_int_equal(st.today, 5);
    assert_int_equal(st.last_seq, 9);
    assert_int_equal(st.last_wall_ms, T_2026_12_01);
    /* November before today, counted, SIPAS scale: 4, 2; today's 5 and
     * 3 wait for tomorrow. */
    assert_int_equal(st.month_overall, 2);
    assert_int_equal(st.month_overall_satisfied, 1);
    assert_true(st.db_bytes > 0);

    /* One ms before local midnight it is still the 21st. */
    assert_int_equal(store_get_stats(s, T_2026_11_22 - 1, &st), STORE_OK);
    assert_int_equal(st.today, 1);
    /* The next day counts them; the 1st counts nothing yet. */
    assert_int_equal(store_get_stats(s, T_2026_11_22 + VNTIME_DAY_MS, &st),
                     STORE_OK);
    assert_int_equal(st.month_overall, 4);
    assert_int_equal(st.month_overall_satisfied, 2);
    assert_int_equal(store_get_stats(s, T_2026_11_01 + HOUR_MS, &st), STORE_OK);
    assert_int_equal(st.month_overall, 0);
    assert_int_equal(store_get_stats(s, T_2026_11_01 - 1, &st), STORE_OK);
    assert_int_equal(st.month_overall, 0);
    store_close(s);
}

static void test_recent_finishes(void **state)
{
    fixture_t *f = *state;
    static const struct {
        const char *boot;
        int64_t boot_ms;
        int suppressed;
    } plan[] = {{"boot-a", 100, 0}, {"boot-a", 200, 0}, {"boot-a", 250, 1},
                {"boot-b", 260, 0}, {"boot-a", 300, 0}};
    store_response_t r = sample_response(T_2026_11_22);
    uint64_t out[8];
    size_t i;
    int n = -1;
    store_t *s = open_rw(f, 0, NULL);

    for (i = 0; i < sizeof(plan) / sizeof(plan[0]); i++) {
        r.boot_id = plan[i].boot;
        r.boot_ms = plan[i].boot_ms;
        r.suppressed = plan[i].suppressed;
        commit_or_fail(s, &r);
    }
    assert_int_equal(store_recent_finishes(s, "boot-a", out, 2, &n),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 200);
    assert_int_equal(out[1], 300);
    assert_int_equal(store_recent_finishes(s, "boot-a", out, 8, &n),
                     STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 100);
    assert_int_equal(store_recent_finishes(s, "boot-z", out, 8, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
    store_close(s);
}

static void test_integrity_check_ok(void **state)
{
    fixture_t *f = *state;
    char buf[64];
    store_t *s = open_rw(f, 0, NULL);

    commit_at(s, T_2026_11_22);
    assert_int_equal(store_integrity_check(s, buf, sizeof(buf)), STORE_OK);
    assert_string_equal(buf, "ok");
    store_close(s);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_creates_dir_and_schema),
        T(test_open_uses_wal),
        T(test_newer_schema_is_refused_not_discarded),
        T(test_commit_and_read_back),
        T(test_test_flag_round_trip),
        T(test_schema_1_demo_unit_rows_become_tests),
        T(test_each_row_bounds_and_early_stop),
        T(test_commit_rejects_incomplete_record),
        T(test_failed_answer_rolls_back_response),
        T(test_dropped_table_is_a_schema_fault),
        T(test_seq_increases_across_reopen),
        T(test_seq_not_reused_after_delete),
        T(test_full_cap_then_recover),
        T(test_garbage_file_is_moved_aside),
        T(test_second_recovery_gets_its_own_name),
        T(test_recovery_stamps_use_the_given_clock),
        T(test_truncated_database_is_moved_aside),
        T(test_damaged_index_fails_quick_check),
        T(test_readonly_sees_writer_commits),
        T(test_readonly_missing_and_garbage),
        T(test_state_round_trip),
        T(test_audit_round_trip),
        T(test_dossier_rated),
        T(test_stats_day_and_month_boundaries),
        T(test_recent_finishes),
        T(test_integrity_check_ok),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
