/*
 * A dossier-bound rating as the upload's "dossiers" row
 * (app/sync/dossier_rows.c): which responses are sent, the row's members,
 * answers as "question=answer" strings, codes cleaned as the hub takes
 * them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sync/dossier_rows.h"

static const store_answer_t answers[] = {
    {.question = "overall", .element = "overall", .value = 1},
    {.question = "reasons", .element = "", .value = 0, .code = "cho-lau"},
    {.question = "reasons", .element = "", .value = 0, .code = "thai do"},
    {.question = "tiep-can", .element = "tiep-can", .value = 4},
};

static store_response_t response(void)
{
    store_response_t r;

    memset(&r, 0, sizeof(r));
    r.unit = "XA-MINHTAN";
    r.counter = "Quầy 1";
    r.officer = "CB001";
    r.field = "khac";
    r.dossier = "000.00.07.H42-261120-0002";
    r.instrument = "sipas-short";
    r.instrument_version = 2;
    r.n_answers = 4;
    r.answers = answers;
    return r;
}

static void test_which_are_sent(void **state)
{
    store_response_t r = response();

    (void)state;
    assert_true(dossier_rows_wanted(&r));
    r.partial = 1;
    assert_true(dossier_rows_wanted(&r)); /* kept, flagged */
    r.test = 1;
    assert_false(dossier_rows_wanted(&r));
    r = response();
    r.suppressed = 2;
    assert_false(dossier_rows_wanted(&r));
    r = response();
    r.dossier = "";
    assert_false(dossier_rows_wanted(&r));
    r.dossier = NULL;
    assert_false(dossier_rows_wanted(&r));
    assert_false(dossier_rows_wanted(NULL));
}

static void test_row(void **state)
{
    store_response_t r = response();
    json_t *row = dossier_rows_build(&r, 1233, INT64_C(1795140903000),
                                     "2026-11-20", 0);
    char *text;

    (void)state;
    assert_non_null(row);
    text = json_dumps(row, JSON_COMPACT | JSON_SORT_KEYS);
    assert_non_null(text);
    /* no officer, no counter: the per-officer floor must hold */
    assert_string_equal(
        text, "{\"answers\":[\"overall=1\",\"reasons=cho-lau\","
              "\"reasons=thai_do\",\"tiep-can=4\"],\"at\":1795140903000,"
              "\"day\":\"2026-11-20\",\"dossier\":"
              "\"000.00.07.H42-261120-0002\",\"estimated\":0,\"field\":"
              "\"khac\",\"instrument\":\"sipas-short\",\"partial\":0,"
              "\"seq\":1233,\"unit\":\"XA-MINHTAN\",\"version\":2}");
    free(text);
    json_decref(row);
}

static void test_codes_cleaned(void **state)
{
    store_response_t r = response();
    json_t *row;

    (void)state;
    r.dossier = "000/00 07";
    r.field = "";
    r.unit = "";
    row = dossier_rows_build(&r, 1, -5, "2026-11-20", 1);
    assert_non_null(row);
    assert_string_equal(json_string_value(json_object_get(row, "dossier")),
                        "000_00_07");
    assert_string_equal(json_string_value(json_object_get(row, "field")), "");
    assert_string_equal(json_string_value(json_object_get(row, "unit")), "_");
    /* a time before 1970 is sent as 0, flagged estimated */
    assert_int_equal(json_integer_value(json_object_get(row, "at")), 0);
    assert_int_equal(json_integer_value(json_object_get(row, "estimated")), 1);
    json_decref(row);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_which_are_sent),
        cmocka_unit_test(test_row),
        cmocka_unit_test(test_codes_cleaned),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
