#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"

#include "testutil.h"

/* What the store hands the uploader: responses by seq range on a read-only
 * handle, pending counts, a boot's synchronised reading, and retention. */

#define T0 INT64_C(1795107600000) /* 2026-11-20T00:00+07:00 */
#define DAY_MS INT64_C(86400000)

typedef struct fixture {
    char dir[256];
    store_t *w;  /* the writer */
    store_t *ro; /* the uploader's read-only handle */
} fixture_t;

typedef struct seen {
    int n;
    int64_t seq[16];
    int answers[16];
    char first_code[16][32];
    char unit[16][32];
    int stop_after;
} seen_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->dir, sizeof(f->dir), "sipas-syncstore") != 0 ||
        store_open(f->dir, NULL, &f->w, NULL) != STORE_OK ||
        store_open_readonly(f->dir, &f->ro) != STORE_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    store_close(f->ro);
    store_close(f->w);
    testutil_remove_tree(f->dir);
    free(f);
    return 0;
}

static int64_t add(fixture_t *f, int64_t wall, const char *boot, int synced,
                   int n_answers)
{
    static const store_answer_t a[] = {
        {"reasons", "reasons", 0, "cho-lau"},
        {"overall", "overall", 4, NULL},
        {"thu-tuc", NULL, 5, NULL},
    };
    store_response_t r;
    int64_t seq = 0;

    memset(&r, 0, sizeof(r));
    r.unit = "XA-A";
    r.instrument = "sipas-short";
    r.wall_ms = wall;
    r.boot_ms = 1000;
    r.boot_id = boot;
    r.clock_synced = synced;
    r.n_answers = n_answers;
    r.answers = a;
    assert_int_equal(store_commit_response(f->w, &r, &seq), STORE_OK);
    return seq;
}

static int see(void *ctx, int64_t seq, const store_response_t *r)
{
    seen_t *s = ctx;

    s->seq[s->n] = seq;
    s->answers[s->n] = r->n_answers;
    snprintf(s->first_code[s->n], sizeof(s->first_code[0]), "%s",
             r->n_answers && r->answers[0].code ? r->answers[0].code : "-");
    snprintf(s->unit[s->n], sizeof(s->unit[0]), "%s", r->unit);
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 7 : 0;
}

static void test_responses_by_seq_range(void **state)
{
    fixture_t *f = *state;
    seen_t s;
    int i;

    for (i = 0; i < 5; i++)
        add(f, T0 + i, "boot-a", 1, i % 4);
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_each_response(f->ro, 1, 4, see, &s), STORE_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.seq[0], 2);
    assert_int_equal(s.seq[2], 4);
    assert_int_equal(s.answers[0], 1);
    assert_int_equal(s.answers[2], 3);
    assert_string_equal(s.first_code[1], "cho-lau");
    assert_string_equal(s.unit[1], "XA-A");
    /* A response without answers (abandoned at once) is there too. */
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_each_response(f->ro, 4, 100, see, &s), STORE_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.answers[0], 0);
    /* Early stop returns the callback's value. */
    memset(&s, 0, sizeof(s));
    s.stop_after = 2;
    assert_int_equal(store_each_response(f->ro, 0, 100, see, &s), 7);
    assert_int_equal(s.n, 2);
}

static void test_pending_and_newest(void **state)
{
    fixture_t *f = *state;
    int64_t pending, last, wall;

    assert_int_equal(store_get_pending(f->ro, 0, &pending, &last, &wall),
                     STORE_OK);
    assert_int_equal(pending, 0);
    assert_int_equal(last, 0);
    add(f, T0, "boot-a", 1, 1);
    add(f, T0 + 5, "boot-a", 1, 1);
    add(f, T0 + 9, "boot-a", 1, 1);
    assert_int_equal(store_get_pending(f->ro, 1, &pending, &last, &wall),
                     STORE_OK);
    assert_int_equal(pending, 2);
    assert_int_equal(last, 3);
    assert_int_equal(wall, T0 + 9);
    assert_string_equal(store_get_install_id(f->ro),
                        store_get_install_id(f->w));
}

static void test_first_synced_reading_of_a_boot(void **state)
{
    fixture_t *f = *state;
    int64_t wall = 0, boot = 0;

    add(f, 5, "boot-a", 0, 1);
    add(f, T0 + 100, "boot-a", 1, 1);
    add(f, T0 + 200, "boot-a", 1, 1);
    add(f, T0 + 300, "boot-b", 0, 1);
    assert_int_equal(store_find_synced_reading(f->ro, "boot-a", &wall, &boot),
                     1);
    assert_int_equal(wall, T0 + 100);
    assert_int_equal(boot, 1000);
    assert_int_equal(store_find_synced_reading(f->ro, "boot-b", &wall, &boot),
                     0);
    assert_int_equal(store_find_synced_reading(f->ro, "none", &wall, &boot),
                     0);
}

/* Retention deletes only what is both old and acknowledged, a step at a
 * time, with its answers, leaves an audit entry, and never lets a seq be
 * reused. */
static void test_prune(void **state)
{
    fixture_t *f = *state;
    int64_t pending, last;
    seen_t s;
    int n = -1, i;

    for (i = 0; i < 6; i++)
        add(f, T0 + i, "boot-a", 1, 2);       /* seq 1..6: old */
    add(f, T0 + 10 * DAY_MS, "boot-a", 1, 2); /* seq 7: recent */
    /* acknowledged up to 4 only */
    assert_int_equal(store_prune_responses(f->w, T0 + DAY_MS, 4, 3, &n),
                     STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_prune_responses(f->w, T0 + DAY_MS, 4, 3, &n),
                     STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_prune_responses(f->w, T0 + DAY_MS, 4, 3, &n),
                     STORE_OK);
    assert_int_equal(n, 0);
    memset(&s, 0, sizeof(s));
    assert_int_equal(store_each_response(f->ro, 0, 100, see, &s), STORE_OK);
    assert_int_equal(s.n, 3);
    assert_int_equal(s.seq[0], 5);
    assert_int_equal(s.answers[0], 2);
    /* New responses continue the numbering. */
    assert_int_equal(add(f, T0, "boot-a", 1, 1), 8);
    assert_int_equal(store_get_pending(f->ro, 0, &pending, &last, NULL),
                     STORE_OK);
    assert_int_equal(pending, 4);
    /* Only the writer prunes. */
    assert_int_equal(store_prune_responses(f->ro, T0 + DAY_MS, 8, 3, &n),
                     STORE_ERROR);
    assert_int_equal(store_prune_responses(f->w, T0, 8, 0, &n), STORE_ERROR);
}

static int find_prune(void *ctx, const store_audit_row_t *row)
{
    int *found = ctx;

    if (strcmp(row->kind, "prune") == 0 && strstr(row->detail, "2 responses"))
        *found = 1;
    return 0;
}

static void test_prune_is_audited(void **state)
{
    fixture_t *f = *state;
    int n = 0, found = 0;

    add(f, T0, "boot-a", 1, 1);
    add(f, T0 + 1, "boot-a", 1, 1);
    assert_int_equal(store_prune_responses(f->w, T0 + DAY_MS, 2, 10, &n),
                     STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_each_audit(f->ro, 5, find_prune, &found), STORE_OK);
    assert_true(found);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_responses_by_seq_range),
        T(test_pending_and_newest),
        T(test_first_synced_reading_of_a_boot),
        T(test_prune),
        T(test_prune_is_audited),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
