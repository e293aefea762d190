#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonpos.h"

/* Line numbers below are the 1-based lines of this text. */
static const char survey_like[] =
    "{\n"                                           /* 1 */
    "  \"id\": \"x\",\n"                            /* 2 */
    "  \"questions\": [\n"                          /* 3 */
    "    {\"id\": \"a\", \"text\": \"{[\\\"]}\"},\n" /* 4 */
    "    {\n"                                       /* 5 */
    "      \"id\": \"b\",\n"                        /* 6 */
    "      \"options\": [\n"                        /* 7 */
    "        {\"code\": \"c\",\n"                   /* 8 */
    "         \"label\": {\"vi\": \"Có\", \"en\": \"Yes\"}}\n" /* 9 */
    "      ]\n"                                     /* 10 */
    "    },\n"                                      /* 11 */
    "    {\"id\": \"c\", \"n\": -1.5e3, \"ok\": true, \"no\": null}\n" /* 12 */
    "  ]\n"                                         /* 13 */
    "}\n";                                          /* 14 */

static int locate(const char *text, const char *path, int *line, int *col)
{
    *line = *col = -7;
    return jsonpos_locate(text, strlen(text), path, line, col);
}

static void test_root_is_first_character(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "", &line, &col), 0);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    assert_int_equal(locate("\n\n   {\"a\": 1}", "", &line, &col), 0);
    assert_int_equal(line, 3);
    assert_int_equal(col, 4);
    assert_int_equal(jsonpos_locate(survey_like, strlen(survey_like), NULL,
                                    &line, &col),
                     0);
    assert_int_equal(line, 1);
}

static void test_follows_keys_and_indices(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "id", &line, &col), 0);
    assert_int_equal(line, 2);
    assert_int_equal(col, 9);
    assert_int_equal(locate(survey_like, "questions", &line, &col), 0);
    assert_int_equal(line, 3);
    assert_int_equal(col, 16);
    assert_int_equal(locate(survey_like, "questions[1]", &line, &col), 0);
    assert_int_equal(line, 5);
    assert_int_equal(col, 5);
    assert_int_equal(locate(survey_like, "questions[1].options[0].code", &line,
                            &col),
                     0);
    assert_int_equal(line, 8);
    assert_int_equal(col, 18);
    assert_int_equal(locate(survey_like, "questions[1].options[0].label.en",
                            &line, &col),
                     0);
    assert_int_equal(line, 9);
    assert_int_equal(col, 38);
}

/* The brackets and the escaped quote inside questions[0].text must not
 * derail the scanner on its way to questions[2]. */
static void test_skips_strings_with_brackets(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "questions[0].text", &line, &col), 0);
    assert_int_equal(line, 4);
    assert_int_equal(col, 25);
    assert_int_equal(locate(survey_like, "questions[2].no", &line, &col), 0);
    assert_int_equal(line, 12);
    assert_int_equal(col, 48);
    assert_int_equal(locate(survey_like, "questions[2].ok", &line, &col), 0);
    assert_int_equal(col, 36);
    assert_int_equal(locate(survey_like, "questions[2].n", &line, &col), 0);
    assert_int_equal(col, 22);
}

/* Columns count characters: "Có" is three bytes but two columns. */
static void test_columns_count_characters(void **state)
{
    int line, col;
    const char *text = "{\"tên\": \"Hoà\", \"b\": 1}";

    (void)state;
    assert_int_equal(locate(text, "b", &line, &col), 0);
    assert_int_equal(line, 1);
    assert_int_equal(col, 21);
    assert_int_equal(locate(text, "tên", &line, &col), 0);
    assert_int_equal(col, 9);
}

static void test_missing_key_reports_parent(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "questions[1].text", &line, &col), 1);
    assert_int_equal(line, 5);
    assert_int_equal(col, 5);
    assert_int_equal(locate(survey_like, "questions[1].options[0].label.km",
                            &line, &col),
                     1);
    assert_int_equal(line, 9);
    assert_int_equal(col, 19);
    assert_int_equal(locate(survey_like, "nothing.deeper", &line, &col), 1);
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
}

static void test_index_out_of_range_reports_array(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "questions[3]", &line, &col), 1);
    assert_int_equal(line, 3);
    assert_int_equal(col, 16);
    assert_int_equal(locate("[]", "[0]", &line, &col), 1);
    assert_int_equal(col, 1);
}

/* An index into an object, or a key into an array or a string, does not
 * exist: the value that does is reported. */
static void test_type_mismatch_reports_value(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "questions.id", &line, &col), 1);
    assert_int_equal(line, 3);
    assert_int_equal(locate(survey_like, "id[0]", &line, &col), 1);
    assert_int_equal(line, 2);
    assert_int_equal(col, 9);
}

static void test_quoted_keys_hold_dots(void **state)
{
    const char *text = "{\n"
                       "  \"vi\": {\"button.back\": \"Quay lại\"},\n"
                       "  \"en\": {\n"
                       "    \"button.back\": \"Back\",\n"
                       "    \"a\\\"b\": 2\n"
                       "  }\n"
                       "}";
    int line, col;

    (void)state;
    assert_int_equal(locate(text, "en[\"button.back\"]", &line, &col), 0);
    assert_int_equal(line, 4);
    assert_int_equal(col, 20);
    assert_int_equal(locate(text, "vi[\"button.back\"]", &line, &col), 0);
    assert_int_equal(line, 2);
    assert_int_equal(col, 25);
    assert_int_equal(locate(text, "en[\"a\\\"b\"]", &line, &col), 0);
    assert_int_equal(line, 5);
    assert_int_equal(locate(text, "en[\"button.next\"]", &line, &col), 1);
    assert_int_equal(line, 3);
    assert_int_equal(col, 9);
    /* Dotted form means two levels and does not find the flat key. */
    assert_int_equal(locate(text, "en.button.back", &line, &col), 1);
    assert_int_equal(line, 3);
}

static void test_escaped_keys_match_decoded_path(void **state)
{
    const char *text = "{\"t\\u00ean\": 1, \"\\ud83d\\ude00\": 2,"
                       " \"x\\/y\": 3}";
    int line, col;

    (void)state;
    assert_int_equal(locate(text, "tên", &line, &col), 0);
    assert_int_equal(col, 14);
    assert_int_equal(locate(text, "\xF0\x9F\x98\x80", &line, &col), 0);
    assert_int_equal(col, 33);
    assert_int_equal(locate(text, "[\"x/y\"]", &line, &col), 0);
    assert_int_equal(col, 44);
}

static void test_crlf_lines(void **state)
{
    const char *text = "{\r\n  \"a\": {\r\n    \"b\": 7\r\n  }\r\n}\r\n";
    int line, col;

    (void)state;
    assert_int_equal(locate(text, "a.b", &line, &col), 0);
    assert_int_equal(line, 3);
    assert_int_equal(col, 10);
}

static void test_rejects_non_json(void **state)
{
    int line = 0, col = 0;

    (void)state;
    assert_int_equal(jsonpos_locate(NULL, 0, "a", &line, &col), -1);
    assert_int_equal(locate("", "", &line, &col), -1);
    assert_int_equal(locate("   \n ", "", &line, &col), -1);
    assert_int_equal(locate("{\"a\": \"unterminated", "b", &line, &col), -1);
    assert_int_equal(locate("{\"a\" 1, \"b\": 2}", "b", &line, &col), -1);
    assert_int_equal(locate("{\"a\": [1, 2, \"b\": 2}", "b", &line, &col), -1);
    assert_int_equal(locate("{\"a\": }", "b", &line, &col), -1);
}

/* len bounds the scan even when the buffer holds more. */
static void test_respects_length(void **state)
{
    const char *text = "{\"a\": 1, \"b\": 2}";
    int line, col;

    (void)state;
    assert_int_equal(jsonpos_locate(text, 8, "b", &line, &col), -1);
    assert_int_equal(jsonpos_locate(text, strlen(text), "b", &line, &col), 0);
}

/* Skipping never recurses, so absurd nesting cannot exhaust the stack. */
static void test_deep_nesting(void **state)
{
    enum { DEPTH = 200000 };
    size_t n = 0, i;
    char *text = malloc(2 * DEPTH + 64);
    int line, col;

    (void)state;
    assert_non_null(text);
    n += (size_t)snprintf(text + n, 16, "{\"deep\": ");
    for (i = 0; i < DEPTH; i++)
        text[n++] = '[';
    for (i = 0; i < DEPTH; i++)
        text[n++] = ']';
    n += (size_t)snprintf(text + n, 16, ",\n \"b\": 1}");
    assert_int_equal(jsonpos_locate(text, n, "b", &line, &col), 0);
    assert_int_equal(line, 2);
    assert_int_equal(col, 7);
    free(text);
}

static void test_malformed_path_stops_at_last_good_value(void **state)
{
    int line, col;

    (void)state;
    assert_int_equal(locate(survey_like, "questions[x]", &line, &col), 1);
    assert_int_equal(line, 3);
    assert_int_equal(locate(survey_like, "questions[1].options[0", &line, &col),
                     1);
    assert_int_equal(line, 7);
    assert_int_equal(locate(survey_like, "questions[\"unterminated", &line,
                            &col),
                     1);
    assert_int_equal(line, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_is_first_character),
        cmocka_unit_test(test_follows_keys_and_indices),
        cmocka_unit_test(test_skips_strings_with_brackets),
        cmocka_unit_test(test_columns_count_characters),
        cmocka_unit_test(test_missing_key_reports_parent),
        cmocka_unit_test(test_index_out_of_range_reports_array),
        cmocka_unit_test(test_type_mismatch_reports_value),
        cmocka_unit_test(test_quoted_keys_hold_dots),
        cmocka_unit_test(test_escaped_keys_match_decoded_path),
        cmocka_unit_test(test_crlf_lines),
        cmocka_unit_test(test_rejects_non_json),
        cmocka_unit_test(test_respects_length),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_malformed_path_stops_at_last_good_value),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
