/*
 * Dossier-bound ratings at the hub: the export's cursor (its text form
 * and what a request may give as one), the verdict drawn from a rating's
 * answers, the 5.4 rating component, and the upload's "dossiers" rows as
 * hub_ingest_parse() checks them. Pure functions, driven directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "hub/domain/dossiers.h"
#include "hub/domain/ingest.h"

/* 2026-11-22 09:15:03 +07:00 */
#define AT_MS INT64_C(1795313703000)
#define NOW_MS (AT_MS + INT64_C(3600000))

static void test_cursor_round_trip(void **state)
{
    const int64_t revs[] = {0, 1, 9, 10, 12345, HUB_DOSSIER_CURSOR_MAX - 1,
                            HUB_DOSSIER_CURSOR_MAX};
    char text[HUB_DOSSIER_CURSOR_TEXT];
    int64_t back;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(revs) / sizeof(revs[0]); i++) {
        assert_int_equal(
            hub_dossier_format_cursor(revs[i], text, sizeof(text)), 0);
        assert_int_equal(hub_dossier_parse_cursor(text, &back), 0);
        assert_true(back == revs[i]);
    }
    assert_int_equal(hub_dossier_format_cursor(12345, text, sizeof(text)), 0);
    assert_string_equal(text, "12345");
}

static void test_cursor_refused(void **state)
{
    const char *bad[] = {
        "",  "-1", "+1", "01", "00", " 1", "1 ", "1.0", "1e3", "0x10", "abc",
        "9007199254740993", /* 2^53 + 1 */
        "9999999999999999", "12345678901234567", "99999999999999999999",
        "1\n",
    };
    int64_t rev = 42;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hub_dossier_parse_cursor(bad[i], &rev), -1);
        assert_true(rev == 42); /* a refusal leaves the output alone */
    }
    assert_int_equal(hub_dossier_parse_cursor(NULL, &rev), -1);
}

static void test_cursor_format_limits(void **state)
{
    char text[HUB_DOSSIER_CURSOR_TEXT], small[3];

    (void)state;
    assert_int_equal(hub_dossier_format_cursor(-1, text, sizeof(text)), -1);
    assert_string_equal(text, "");
    assert_int_equal(hub_dossier_format_cursor(HUB_DOSSIER_CURSOR_MAX + 1,
                                               text, sizeof(text)),
                     -1);
    assert_int_equal(hub_dossier_format_cursor(123, small, sizeof(small)),
                     -1);
    assert_string_equal(small, "");
    assert_int_equal(hub_dossier_format_cursor(12, small, sizeof(small)), 0);
    assert_string_equal(small, "12");
}

static hub_dossier_verdict_t judge2(const char *q1, const char *a1,
                                    const char *q2, const char *a2)
{
    const char *qs[2] = {q1, q2}, *as[2] = {a1, a2};

    return hub_dossier_judge(qs, as, q2 ? 2 : 1);
}

static void test_verdict(void **state)
{
    (void)state;
    /* the overall question decides: 1-2 are the scale's "not satisfied" */
    assert_int_equal(judge2("overall", "1", NULL, NULL),
                     HUB_DOSSIER_NOT_SATISFIED);
    assert_int_equal(judge2("overall", "2", NULL, NULL),
                     HUB_DOSSIER_NOT_SATISFIED);
    assert_int_equal(judge2("overall", "3", NULL, NULL),
                     HUB_DOSSIER_SATISFIED);
    assert_int_equal(judge2("tiep-can", "1", "overall", "5"),
                     HUB_DOSSIER_SATISFIED);
    /* never defaulted: no deciding answer is unknown */
    assert_int_equal(judge2("tiep-can", "1", NULL, NULL),
                     HUB_DOSSIER_UNKNOWN);
    assert_int_equal(judge2("overall", "6", NULL, NULL), HUB_DOSSIER_UNKNOWN);
    assert_int_equal(judge2("overall", "0", "c01-7", "2"),
                     HUB_DOSSIER_UNKNOWN);
    assert_int_equal(judge2("overall", "45", NULL, NULL),
                     HUB_DOSSIER_UNKNOWN);
    assert_int_equal(hub_dossier_judge(NULL, NULL, 0), HUB_DOSSIER_UNKNOWN);
    /* Circular 01's indicator 7: 0 is harassment or wrongdoing reported */
    assert_int_equal(judge2("c01-3", "2", "c01-7", "0"),
                     HUB_DOSSIER_NOT_SATISFIED);
    assert_int_equal(judge2("c01-7", "1", NULL, NULL), HUB_DOSSIER_SATISFIED);
}

static void test_rating_pct(void **state)
{
    (void)state;
    assert_true(hub_dossier_rating_pct(0, 0) < 0);
    assert_true(hub_dossier_rating_pct(4, 5) < 0);
    assert_true(hub_dossier_rating_pct(4, -1) < 0);
    assert_true(hub_dossier_rating_pct(4, 2) == 50.0);
    assert_true(hub_dossier_rating_pct(10, 0) == 100.0);
    assert_true(hub_dossier_rating_pct(10, 10) == 0.0);
}

/* An upload with one dossier row whose members are ROW (text spliced in). */
static int parse_row(const char *row, hub_upload_t *up, hub_problem_t *pb)
{
    char body[2048];

    snprintf(body, sizeof(body),
             "{\"install_id\": \"0123456789abcdef0123456789abcdef\","
             " \"upload_id\": \"x:5\", \"upto_seq\": 5, \"days\": [],"
             " \"dossiers\": [%s]}",
             row);
    hub_problem_init(pb);
    return hub_ingest_parse(body, strlen(body), NOW_MS, up, pb);
}

#define ROW(seq, at, day, est, answers)                                      \
    "{\"seq\": " seq ", \"dossier\": \"000.00.07.H42-261122-0001\","       \
    " \"at\": " at ", \"day\": \"" day "\", \"estimated\": " est ","       \
    " \"unit\": \"XA\", \"field\": \"khac\", \"instrument\":"              \
    " \"sipas-short\", \"version\": 1, \"partial\": 0, \"answers\": "      \
    answers "}"
#define GOOD_ANSWERS "[\"overall=2\", \"reasons=cho-lau\"]"

static void test_ingest_rows(void **state)
{
    hub_upload_t up;
    hub_problem_t pb;

    (void)state;
    assert_int_equal(
        parse_row(ROW("3", "1795313703000", "2026-11-22", "0", GOOD_ANSWERS),
                  &up, &pb),
        0);
    assert_int_equal(up.n_dos, 1);
    assert_true(up.dos[0].seq == 3 && up.dos[0].at_ms == AT_MS);
    assert_string_equal(up.dos[0].day, "2026-11-22");
    assert_int_equal(up.dos[0].satisfied, HUB_DOSSIER_NOT_SATISFIED);
    assert_string_equal(up.dos[0].answers_json,
                        "[{\"answer\":\"2\",\"question\":\"overall\"},"
                        "{\"answer\":\"cho-lau\",\"question\":\"reasons\"}]");
    hub_ingest_free(&up);
    /* an estimated time keeps the kiosk's day */
    assert_int_equal(
        parse_row(ROW("3", "1000", "2026-11-22", "1", "[]"), &up, &pb), 0);
    assert_int_equal(up.dos[0].satisfied, HUB_DOSSIER_UNKNOWN);
    hub_ingest_free(&up);
}

static void test_ingest_rows_refused(void **state)
{
    const char *bad[] = {
        /* a day that is not the time's, unless estimated */
        ROW("3", "1795313703000", "2026-11-21", "0", "[]"),
        /* seq above upto_seq, or 0 */
        ROW("6", "1795313703000", "2026-11-22", "0", "[]"),
        ROW("0", "1795313703000", "2026-11-22", "0", "[]"),
        /* answers that are not "code=code" */
        ROW("3", "1795313703000", "2026-11-22", "0", "[\"over all=2\"]"),
        ROW("3", "1795313703000", "2026-11-22", "0", "[\"overall\"]"),
        ROW("3", "1795313703000", "2026-11-22", "0", "[\"overall=\"]"),
        ROW("3", "1795313703000", "2026-11-22", "0", "[\"=2\"]"),
        ROW("3", "1795313703000", "2026-11-22", "0", "[\"overall=2=3\"]"),
        ROW("3", "1795313703000", "2026-11-22", "0",
            "[{\"question\": \"overall\", \"answer\": \"2\"}]"),
        /* an unknown key */
        "{\"seq\": 3, \"dossier\": \"D\", \"at\": 1795313703000, \"day\":"
        " \"2026-11-22\", \"estimated\": 0, \"unit\": \"XA\", \"field\":"
        " \"khac\", \"instrument\": \"s\", \"version\": 1, \"partial\": 0,"
        " \"answers\": [], \"officer\": \"CB1\"}",
        /* the same response twice */
        ROW("3", "1795313703000", "2026-11-22", "0", "[]") ","
        ROW("3", "1795313703000", "2026-11-22", "0", "[]"),
        /* a day past what the hub accepts */
        ROW("3", "1995796103000", "2033-05-29", "1", "[]"),
    };
    hub_upload_t up;
    hub_problem_t pb;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_row(bad[i], &up, &pb), -1);
        assert_int_equal(pb.kind, HUB_PROBLEM_INVALID);
        hub_ingest_free(&up);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cursor_round_trip),
        cmocka_unit_test(test_cursor_refused),
        cmocka_unit_test(test_cursor_format_limits),
        cmocka_unit_test(test_verdict),
        cmocka_unit_test(test_rating_pct),
        cmocka_unit_test(test_ingest_rows),
        cmocka_unit_test(test_ingest_rows_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
