#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"

#include "testutil.h"

#define TEXT_CAP (SURVEY_SOURCE_MAX + 4096)

/*
 * A small valid survey, one array entry per line: each rule is tested by
 * replacing a few lines and checking the error names the field and line.
 */
static const char *const base[] = {
    "{",                                                          /* 1 */
    "  \"format\": \"sipas-survey/1\",",                          /* 2 */
    "  \"id\": \"test\",",                                        /* 3 */
    "  \"version\": 1,",                                          /* 4 */
    "  \"languages\": [\"vi\", \"en\"],",                         /* 5 */
    "  \"title\": {\"vi\": \"Thử\", \"en\": \"Test\"},",          /* 6 */
    "  \"scales\": {",                                            /* 7 */
    "    \"s3\": [",                                              /* 8 */
    "      {\"value\": 3, \"face\": \"happy\", \"label\": {\"vi\": \"Tốt\", \"en\": \"Good\"}},", /* 9 */
    "      {\"value\": 2, \"face\": \"neutral\", \"label\": {\"vi\": \"Vừa\", \"en\": \"Fair\"}},", /* 10 */
    "      {\"value\": 1, \"face\": \"sad\", \"label\": {\"vi\": \"Kém\", \"en\": \"Poor\"}}", /* 11 */
    "    ]",                                                      /* 12 */
    "  },",                                                       /* 13 */
    "  \"questions\": [",                                         /* 14 */
    "    {\"id\": \"q1\", \"element\": \"overall\", \"scale\": \"s3\",", /* 15 */
    "     \"text\": {\"vi\": \"Câu một\", \"en\": \"One\"},",     /* 16 */
    "     \"follow_up\": {\"question\": \"why\", \"when_le\": 1}},", /* 17 */
    "    {\"id\": \"why\", \"type\": \"multi\", \"element\": \"reasons\", \"follow_up_only\": true,", /* 18 */
    "     \"text\": {\"vi\": \"Vì sao?\", \"en\": \"Why?\"},",    /* 19 */
    "     \"options\": [{\"code\": \"a\", \"label\": {\"vi\": \"A\", \"en\": \"A\"}},", /* 20 */
    "                 {\"code\": \"b\", \"label\": {\"vi\": \"B\", \"en\": \"B\"}}]}", /* 21 */
    "  ]",                                                        /* 22 */
    "}",                                                          /* 23 */
};

#define BASE_LINES ((int)(sizeof(base) / sizeof(base[0])))

static char text_buf[TEXT_CAP];

static void buf_append(size_t *n, const char *s)
{
    int w = snprintf(text_buf + *n, sizeof(text_buf) - *n, "%s\n", s);

    assert_true(w >= 0 && (size_t)w < sizeof(text_buf) - *n);
    *n += (size_t)w;
}

/* The base text with lines first..last (1-based) replaced by repl. */
static const char *build_range(int first, int last, const char *repl)
{
    size_t n = 0;
    int i;

    text_buf[0] = '\0';
    for (i = 1; i <= BASE_LINES; i++) {
        if (i == first && repl != NULL)
            buf_append(&n, repl);
        if (i >= first && i <= last)
            continue;
        buf_append(&n, base[i - 1]);
    }
    return text_buf;
}

static const char *build(int line, const char *repl)
{
    return build_range(line, line, repl);
}

static survey_t *parse_ok(const char *text)
{
    survey_t *s = NULL;
    err_t err;
    char msg[600];

    if (survey_parse(text, strlen(text), "t.json", &s, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("unexpected error: %s", msg);
    }
    assert_non_null(s);
    return s;
}

static void expect_error(const char *text, const char *field, int line,
                         const char *words)
{
    survey_t *s = (survey_t *)0x1;
    err_t err;

    assert_int_equal(survey_parse(text, strlen(text), "t.json", &s, &err), -1);
    assert_null(s);
    assert_string_equal(err.file, "t.json");
    assert_string_equal(err.field, field);
    assert_int_equal(err.line, line);
    if (words != NULL && strstr(err.msg, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
}

static survey_t *load_asset(const char *path)
{
    survey_t *s = NULL;
    err_t err;
    size_t len;
    char *text = testutil_read_file(path, &len);
    char msg[600];

    if (survey_parse(text, len, path, &s, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        free(text);
        fail_msg("%s", msg);
    }
    free(text);
    return s;
}

/* ---- the base survey ---------------------------------------------------- */

static void test_base_parses(void **state)
{
    survey_t *s = parse_ok(build(0, NULL));
    const survey_question_t *q1, *why;

    (void)state;
    assert_string_equal(s->id, "test");
    assert_int_equal(s->version, 1);
    assert_int_equal(s->n_langs, 2);
    assert_string_equal(s->langs[0], "vi");
    assert_string_equal(s->langs[1], "en");
    assert_string_equal(s->title[0], "Thử");
    assert_int_equal(s->n_questions, 2);
    q1 = &s->questions[0];
    why = &s->questions[1];
    assert_int_equal(q1->kind, SURVEY_KIND_SCALE);
    assert_string_equal(q1->scale, "s3");
    assert_string_equal(q1->element, "overall");
    assert_int_equal(q1->skippable, 0);
    assert_int_equal(q1->is_follow_up, 0);
    assert_int_equal(q1->follow_up_index, 1);
    assert_int_equal(q1->follow_up_le, 1);
    assert_null(q1->hint[0]);
    assert_int_equal(q1->n_options, 3);
    assert_int_equal(q1->options[0].value, 3);
    assert_int_equal(q1->options[0].face, SURVEY_FACE_HAPPY);
    assert_int_equal(q1->options[2].face, SURVEY_FACE_SAD);
    assert_string_equal(q1->options[1].code, "");
    assert_string_equal(q1->options[1].label[0], "Vừa");
    assert_string_equal(q1->options[1].label[1], "Fair");
    assert_int_equal(why->kind, SURVEY_KIND_MULTI);
    assert_string_equal(why->scale, "");
    assert_int_equal(why->is_follow_up, 1);
    assert_int_equal(why->follow_up_index, -1);
    assert_int_equal(why->max_choices, 0);
    assert_int_equal(why->n_options, 2);
    assert_string_equal(why->options[1].code, "b");
    assert_true(s->pool_used > 0 && s->pool_used < 200);
    survey_free(s);
}

static void test_lookups_and_fallbacks(void **state)
{
    survey_t *s = parse_ok(build(0, NULL));
    const survey_question_t *q1 = &s->questions[0], *why = &s->questions[1];

    (void)state;
    assert_int_equal(survey_find_lang(s, "vi"), 0);
    assert_int_equal(survey_find_lang(s, "en"), 1);
    assert_int_equal(survey_find_lang(s, "km"), -1);
    assert_int_equal(survey_find_lang(s, NULL), -1);
    assert_int_equal(survey_find_question(s, "why"), 1);
    assert_int_equal(survey_find_question(s, "nope"), -1);
    assert_ptr_equal(survey_find_value(q1, 2), &q1->options[1]);
    assert_null(survey_find_value(q1, 5));
    assert_null(survey_find_value(why, 0));
    assert_ptr_equal(survey_find_code(why, "b"), &why->options[1]);
    assert_null(survey_find_code(why, "c"));
    assert_null(survey_find_code(q1, ""));
    assert_string_equal(survey_text(q1->text, 1), "One");
    assert_string_equal(survey_text(q1->text, -1), "Câu một");
    assert_string_equal(survey_text(q1->text, 5), "Câu một");
    assert_string_equal(survey_text(q1->hint, 1), "");
    survey_free(s);
    survey_free(NULL);
}

/* Vietnamese is language 0, the fallback, whatever order the file uses. */
static void test_vietnamese_stored_first(void **state)
{
    survey_t *s = parse_ok(build(5, "  \"languages\": [\"en\", \"vi\"],"));

    (void)state;
    assert_string_equal(s->langs[0], "vi");
    assert_string_equal(s->langs[1], "en");
    assert_string_equal(s->title[0], "Thử");
    assert_string_equal(s->title[1], "Test");
    survey_free(s);
}

static void test_nfd_becomes_nfc(void **state)
{
    /* "Thử" and "Tốt" typed with combining marks (NFD). */
    survey_t *s = parse_ok(build_range(
        6, 9,
        "  \"title\": {\"vi\": \"Thu\xCC\x9B\xCC\x89\", \"en\": \"Test\"},\n"
        "  \"scales\": {\n"
        "    \"s3\": [\n"
        "      {\"value\": 3, \"label\": {\"vi\": \"To\xCC\x82\xCC\x81t\", "
        "\"en\": \"Good\"}},"));

    (void)state;
    assert_string_equal(s->title[0], "Th\xE1\xBB\xAD");
    assert_string_equal(s->questions[0].options[0].label[0],
                        "T\xE1\xBB\x91t");
    assert_int_equal(s->questions[0].options[0].face, SURVEY_FACE_NONE);
    survey_free(s);
}

static void test_type_and_skippable_explicit(void **state)
{
    survey_t *s = parse_ok(build(
        15, "    {\"id\": \"q1\", \"type\": \"scale\", \"skippable\": true, "
            "\"element\": \"overall\", \"scale\": \"s3\","));

    (void)state;
    assert_int_equal(s->questions[0].kind, SURVEY_KIND_SCALE);
    assert_int_equal(s->questions[0].skippable, 1);
    survey_free(s);
}

/* ---- syntax and top level ---------------------------------------------- */

static void test_syntax_error_has_position(void **state)
{
    survey_t *s = NULL;
    err_t err;
    const char *text = build(4, "  \"version\": 1");

    (void)state;
    assert_int_equal(survey_parse(text, strlen(text), "t.json", &s, &err), -1);
    assert_null(s);
    assert_int_equal(err.line, 5);
    assert_true(err.column > 0);
    assert_string_equal(err.field, "");
    assert_non_null(strstr(err.msg, "invalid JSON"));
}

static void test_duplicate_key_rejected(void **state)
{
    survey_t *s = NULL;
    err_t err;
    const char *text = build(4, "  \"version\": 1, \"version\": 2,");

    (void)state;
    assert_int_equal(survey_parse(text, strlen(text), "t.json", &s, &err), -1);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.msg, "duplicate"));
}

static void test_invalid_utf8_rejected(void **state)
{
    survey_t *s = NULL;
    err_t err;
    const char *text =
        build(6, "  \"title\": {\"vi\": \"Th\xFF\", \"en\": \"Test\"},");

    (void)state;
    assert_int_equal(survey_parse(text, strlen(text), "t.json", &s, &err), -1);
    assert_int_equal(err.line, 6);
}

static void test_root_must_be_object(void **state)
{
    (void)state;
    expect_error("[1, 2]", "", 1, "object");
}

/* A note per language on how far its wording has been checked: kept out
 * of the citizen's way, but checked like any other text. */
static void test_review_notes(void **state)
{
    survey_t *s;

    (void)state;
    s = parse_ok(build(5, "  \"languages\": [\"vi\", \"en\"],"
                          " \"review\": {\"en\": \"awaiting review\"},"));
    assert_int_equal(s->n_langs, 2);
    survey_free(s);
    expect_error(build(5, "  \"languages\": [\"vi\", \"en\"],"
                          " \"review\": {\"km\": \"draft\"},"),
                 "review.km", 5, "not one of the survey's languages");
    expect_error(build(5, "  \"languages\": [\"vi\", \"en\"],"
                          " \"review\": \"draft\","),
                 "review", 5, "object");
    expect_error(build(5, "  \"languages\": [\"vi\", \"en\"],"
                          " \"review\": {\"en\": 1},"),
                 "review.en", 5, "string");
}

static void test_unknown_root_key(void **state)
{
    (void)state;
    expect_error(build(4, "  \"version\": 1, \"colour\": \"red\","), "colour",
                 4, "unknown key");
}

static void test_format_checked(void **state)
{
    (void)state;
    expect_error(build(2, "  \"format\": \"sipas-survey/2\","), "format", 2,
                 "sipas-survey/1");
    expect_error(build(2, NULL), "format", 1, "required");
}

static void test_id_checked(void **state)
{
    (void)state;
    expect_error(build(3, "  \"id\": \"Test\","), "id", 3, "a-z");
    expect_error(build(3, "  \"id\": \"\","), "id", 3, NULL);
    expect_error(build(3, "  \"id\": 7,"), "id", 3, NULL);
    expect_error(build(3, "  \"id\": \"abcdefghijklmnopqrstuvwxyz-abcdefghijk"
                          "lmnopqrstu\","),
                 "id", 3, "47");
    survey_free(parse_ok(build(3, "  \"id\": \"abcdefghijklmnopqrstuvwxyz-"
                                  "abcdefghijklmnopqrst\",")));
}

static void test_version_checked(void **state)
{
    (void)state;
    expect_error(build(4, "  \"version\": 0,"), "version", 4, "integer");
    expect_error(build(4, "  \"version\": \"1\","), "version", 4, "integer");
    expect_error(build(4, "  \"version\": 1.5,"), "version", 4, "integer");
    expect_error(build(4, NULL), "version", 1, "required");
}

static void test_languages_checked(void **state)
{
    (void)state;
    expect_error(build(5, "  \"languages\": [\"en\"],"), "languages", 5,
                 "\"vi\"");
    expect_error(build(5, "  \"languages\": [\"vi\", \"vi\"],"),
                 "languages[1]", 5, "twice");
    expect_error(build(5, "  \"languages\": [\"vi\", \"EN\"],"),
                 "languages[1]", 5, "language code");
    expect_error(build(5, "  \"languages\": [],"), "languages", 5, "1 to 8");
    expect_error(build(5, "  \"languages\": [\"vi\", \"en\", \"km\", \"fr\", "
                          "\"de\", \"ja\", \"ko\", \"th\", \"lo\"],"),
                 "languages", 5, "1 to 8");
}

static void test_title_required(void **state)
{
    (void)state;
    expect_error(build(6, NULL), "title", 1, "required");
}

/* ---- text objects ------------------------------------------------------- */

/* Vietnamese is required everywhere; another language may lack a text
 * and shows the Vietnamese one there. */
static void test_text_missing_language(void **state)
{
    survey_t *s;
    int en;

    (void)state;
    s = parse_ok(build(16, "     \"text\": {\"vi\": \"Câu một\"},"));
    en = survey_find_lang(s, "en");
    assert_true(en > 0);
    assert_null(s->questions[0].text[en]);
    assert_string_equal(survey_text(s->questions[0].text, en), "Câu một");
    survey_free(s);
    expect_error(build(10, "      {\"value\": 2, \"label\": {\"en\": "
                           "\"Fair\"}},"),
                 "scales.s3[1].label.vi", 10, "needs Vietnamese");
}

static void test_text_unknown_language(void **state)
{
    (void)state;
    expect_error(build(16, "     \"text\": {\"vi\": \"Câu một\", \"en\": "
                           "\"One\", \"fr\": \"Un\"},"),
                 "questions[0].text.fr", 16, "languages");
}

static void test_text_empty(void **state)
{
    (void)state;
    expect_error(build(19, "     \"text\": {\"vi\": \"\", \"en\": \"Why?\"},"),
                 "questions[1].text.vi", 19, "empty");
    expect_error(build(19, "     \"text\": {\"vi\": \"   \", \"en\": \"Why?\"},"),
                 "questions[1].text.vi", 19, "empty");
}

static void test_text_not_string(void **state)
{
    (void)state;
    expect_error(build(19, "     \"text\": {\"vi\": 5, \"en\": \"Why?\"},"),
                 "questions[1].text.vi", 19, "string");
    expect_error(build(19, "     \"text\": \"Vì sao?\","), "questions[1].text",
                 19, "object");
}

static void test_text_control_characters(void **state)
{
    (void)state;
    expect_error(build(19, "     \"text\": {\"vi\": \"Vì\\nsao?\", \"en\": "
                           "\"Why?\"},"),
                 "questions[1].text.vi", 19, "control");
}

static void test_text_length_cap(void **state)
{
    char line[SURVEY_TEXT_MAX + 200], word[SURVEY_TEXT_MAX + 2];
    survey_t *s;

    (void)state;
    memset(word, 'x', SURVEY_TEXT_MAX);
    word[SURVEY_TEXT_MAX] = '\0';
    snprintf(line, sizeof(line),
             "     \"text\": {\"vi\": \"Vì sao?\", \"en\": \"%s\"},", word);
    s = parse_ok(build(19, line));
    assert_int_equal(strlen(s->questions[1].text[1]), SURVEY_TEXT_MAX);
    survey_free(s);
    memset(word, 'x', SURVEY_TEXT_MAX + 1);
    word[SURVEY_TEXT_MAX + 1] = '\0';
    snprintf(line, sizeof(line),
             "     \"text\": {\"vi\": \"Vì sao?\", \"en\": \"%s\"},", word);
    expect_error(build(19, line), "questions[1].text.en", 19, "400");
}

/* ---- scales ------------------------------------------------------------- */

static void test_scale_value_unique(void **state)
{
    (void)state;
    expect_error(build(10, "      {\"value\": 3, \"label\": {\"vi\": \"Vừa\", "
                           "\"en\": \"Fair\"}},"),
                 "scales.s3[1].value", 10, "twice");
}

static void test_scale_value_range(void **state)
{
    (void)state;
    expect_error(build(10, "      {\"value\": 11, \"label\": {\"vi\": \"Vừa\", "
                           "\"en\": \"Fair\"}},"),
                 "scales.s3[1].value", 10, "0 to 10");
    expect_error(build(10, "      {\"value\": -1, \"label\": {\"vi\": \"Vừa\", "
                           "\"en\": \"Fair\"}},"),
                 "scales.s3[1].value", 10, "0 to 10");
    expect_error(build(10, "      {\"label\": {\"vi\": \"Vừa\", \"en\": "
                           "\"Fair\"}},"),
                 "scales.s3[1].value", 10, "required");
}

static void test_scale_face_checked(void **state)
{
    (void)state;
    expect_error(build(9, "      {\"value\": 3, \"face\": \"smile\", \"label\": "
                          "{\"vi\": \"Tốt\", \"en\": \"Good\"}},"),
                 "scales.s3[0].face", 9, "very-happy");
}

static void test_scale_option_unknown_key(void **state)
{
    (void)state;
    expect_error(build(9, "      {\"value\": 3, \"colour\": 1, \"label\": "
                          "{\"vi\": \"Tốt\", \"en\": \"Good\"}},"),
                 "scales.s3[0].colour", 9, "unknown key");
}

static void test_scale_option_count(void **state)
{
    static const char opt[] =
        "      {\"value\": %d, \"label\": {\"vi\": \"V\", \"en\": \"V\"}}%s";
    char many[2048];
    size_t n = 0;
    int v;

    (void)state;
    expect_error(build_range(9, 10, NULL), "scales.s3", 8, "2 to 7");
    n += (size_t)snprintf(many, sizeof(many), "    \"s3\": [\n");
    for (v = 0; v < 8; v++)
        n += (size_t)snprintf(many + n, sizeof(many) - n, opt, v,
                              v < 7 ? ",\n" : "");
    assert_true(n < sizeof(many));
    expect_error(build_range(8, 11, many), "scales.s3", 8, "2 to 7");
    /* Seven is the most a scale may have. */
    n = (size_t)snprintf(many, sizeof(many), "    \"s3\": [\n");
    for (v = 1; v <= 7; v++)
        n += (size_t)snprintf(many + n, sizeof(many) - n, opt, v,
                              v < 7 ? ",\n" : "");
    survey_free(parse_ok(build_range(8, 11, many)));
}

static void test_scale_name_checked(void **state)
{
    (void)state;
    expect_error(build(8, "    \"S 3\": ["), "scales[\"S 3\"]", 8, "name");
}

/* ---- questions ---------------------------------------------------------- */

static void test_questions_count(void **state)
{
    char many[TEXT_CAP / 2];
    size_t n = 0;
    int i;

    (void)state;
    expect_error(build_range(15, 21, NULL), "questions", 14, "1 to 48");
    n = (size_t)snprintf(many, sizeof(many), "    {\"id\": \"q0\", \"element\": "
                         "\"e\", \"scale\": \"s3\", \"text\": {\"vi\": \"C\", "
                         "\"en\": \"Q\"}}");
    for (i = 1; i <= SURVEY_QUESTION_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof(many) - n,
                              ",\n    {\"id\": \"q%d\", \"element\": \"e\", "
                              "\"scale\": \"s3\", \"text\": {\"vi\": \"C\", "
                              "\"en\": \"Q\"}}",
                              i);
    assert_true(n < sizeof(many));
    expect_error(build_range(15, 21, many), "questions", 14, "1 to 48");
}

static void test_question_unknown_key(void **state)
{
    (void)state;
    expect_error(build(16, "     \"colour\": 1, \"text\": {\"vi\": \"Câu một\", "
                           "\"en\": \"One\"},"),
                 "questions[0].colour", 16, "unknown key");
}

static void test_question_id_checked(void **state)
{
    (void)state;
    expect_error(build(18, "    {\"id\": \"q1\", \"type\": \"multi\", "
                           "\"element\": \"reasons\", \"follow_up_only\": "
                           "true,"),
                 "questions[1].id", 18, "already");
    expect_error(build(15, "    {\"id\": \"Q 1\", \"element\": \"overall\", "
                           "\"scale\": \"s3\","),
                 "questions[0].id", 15, "a-z");
}

static void test_question_element_checked(void **state)
{
    (void)state;
    expect_error(build(15, "    {\"id\": \"q1\", \"scale\": \"s3\","),
                 "questions[0].element", 15, "required");
    expect_error(build(15, "    {\"id\": \"q1\", \"element\": \"Tiếp cận\", "
                           "\"scale\": \"s3\","),
                 "questions[0].element", 15, "a-z");
}

static void test_question_type_checked(void **state)
{
    (void)state;
    expect_error(build(15, "    {\"id\": \"q1\", \"type\": \"single\", "
                           "\"element\": \"overall\", \"scale\": \"s3\","),
                 "questions[0].type", 15, "\"multi\"");
}

static void test_question_skippable_checked(void **state)
{
    (void)state;
    expect_error(build(15, "    {\"id\": \"q1\", \"skippable\": \"yes\", "
                           "\"element\": \"overall\", \"scale\": \"s3\","),
                 "questions[0].skippable", 15, "true or false");
}

static void test_scale_question_needs_known_scale(void **state)
{
    (void)state;
    expect_error(build(15, "    {\"id\": \"q1\", \"element\": \"overall\", "
                           "\"scale\": \"s5\","),
                 "questions[0].scale", 15, "scales");
    expect_error(build(15, "    {\"id\": \"q1\", \"element\": \"overall\","),
                 "questions[0].scale", 15, "required");
}

static void test_scale_question_rejects_multi_keys(void **state)
{
    (void)state;
    expect_error(build(15, "    {\"id\": \"q1\", \"element\": \"overall\", "
                           "\"scale\": \"s3\", \"max_choices\": 1,"),
                 "questions[0].max_choices", 15, "not allowed");
    expect_error(build(15, "    {\"id\": \"q1\", \"element\": \"overall\", "
                           "\"scale\": \"s3\", \"follow_up_only\": true,"),
                 "questions[0].follow_up_only", 15, "not allowed");
}

static void test_multi_question_rejects_scale_keys(void **state)
{
    (void)state;
    expect_error(build(19, "     \"scale\": \"s3\", \"text\": {\"vi\": "
                           "\"Vì sao?\", \"en\": \"Why?\"},"),
                 "questions[1].scale", 19, "not allowed");
    expect_error(build(19, "     \"follow_up\": {\"question\": \"why\", "
                           "\"when_le\": 1}, \"text\": {\"vi\": \"Vì sao?\", "
                           "\"en\": \"Why?\"},"),
                 "questions[1].follow_up", 19, "not allowed");
}

static void test_multi_options_checked(void **state)
{
    char many[4096];
    size_t n;
    int i;

    (void)state;
    expect_error(build_range(20, 21, "     \"options\": []}"),
                 "questions[1].options", 20, "1 to 16");
    expect_error(build(21, "                 {\"code\": \"a\", \"label\": "
                           "{\"vi\": \"B\", \"en\": \"B\"}}]}"),
                 "questions[1].options[1].code", 21, "twice");
    expect_error(build(21, "                 {\"code\": \"B\", \"label\": "
                           "{\"vi\": \"B\", \"en\": \"B\"}}]}"),
                 "questions[1].options[1].code", 21, "a-z");
    expect_error(build(21, "                 {\"code\": \"b\", \"value\": 1, "
                           "\"label\": {\"vi\": \"B\", \"en\": \"B\"}}]}"),
                 "questions[1].options[1].value", 21, "unknown key");
    expect_error(build(21, "                 {\"code\": \"b\"}]}"),
                 "questions[1].options[1].label", 21, "required");
    n = (size_t)snprintf(many, sizeof(many), "     \"options\": [");
    for (i = 0; i <= SURVEY_OPTION_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof(many) - n,
                              "%s\n       {\"code\": \"c%d\", \"label\": "
                              "{\"vi\": \"V\", \"en\": \"E\"}}",
                              i ? "," : "", i);
    n += (size_t)snprintf(many + n, sizeof(many) - n, "]}");
    assert_true(n < sizeof(many));
    expect_error(build_range(20, 21, many), "questions[1].options", 20,
                 "1 to 16");
}

static void test_multi_max_choices(void **state)
{
    survey_t *s;

    (void)state;
    expect_error(build(18, "    {\"id\": \"why\", \"type\": \"multi\", "
                           "\"element\": \"reasons\", \"follow_up_only\": "
                           "true, \"max_choices\": 3,"),
                 "questions[1].max_choices", 18, "0 to 2");
    s = parse_ok(build(18, "    {\"id\": \"why\", \"type\": \"multi\", "
                           "\"element\": \"reasons\", \"follow_up_only\": "
                           "true, \"max_choices\": 2,"));
    assert_int_equal(s->questions[1].max_choices, 2);
    survey_free(s);
}

/* ---- follow-ups --------------------------------------------------------- */

static void test_follow_up_unknown_question(void **state)
{
    (void)state;
    expect_error(build(17, "     \"follow_up\": {\"question\": \"reasons\", "
                           "\"when_le\": 1}},"),
                 "questions[0].follow_up.question", 17, "no question");
}

static void test_follow_up_must_be_follow_up_only_multi(void **state)
{
    (void)state;
    expect_error(build(17, "     \"follow_up\": {\"question\": \"q1\", "
                           "\"when_le\": 1}},"),
                 "questions[0].follow_up.question", 17, "multi");
    expect_error(build(18, "    {\"id\": \"why\", \"type\": \"multi\", "
                           "\"element\": \"reasons\","),
                 "questions[0].follow_up.question", 17, "follow_up_only");
}

static void test_follow_up_only_must_be_referenced(void **state)
{
    (void)state;
    expect_error(build(17, "     \"skippable\": true},"),
                 "questions[1].follow_up_only", 18, "never be asked");
}

static void test_follow_up_threshold(void **state)
{
    survey_t *s;

    (void)state;
    expect_error(build(17, "     \"follow_up\": {\"question\": \"why\", "
                           "\"when_le\": 3}},"),
                 "questions[0].follow_up.when_le", 17, "1 to 2");
    expect_error(build(17, "     \"follow_up\": {\"question\": \"why\", "
                           "\"when_le\": 0}},"),
                 "questions[0].follow_up.when_le", 17, "1 to 2");
    expect_error(build(17, "     \"follow_up\": {\"question\": \"why\"}},"),
                 "questions[0].follow_up.when_le", 17, "required");
    expect_error(build(17, "     \"follow_up\": {\"question\": \"why\", "
                           "\"when_le\": 1, \"when\": 2}},"),
                 "questions[0].follow_up.when", 17, "unknown key");
    s = parse_ok(build(17, "     \"follow_up\": {\"question\": \"why\", "
                           "\"when_le\": 2}},"));
    assert_int_equal(s->questions[0].follow_up_le, 2);
    survey_free(s);
}

/* A follow-up may be defined before the question that opens it. */
static void test_follow_up_may_come_first(void **state)
{
    survey_t *s;
    const char *text =
        "{\"format\": \"sipas-survey/1\", \"id\": \"t\", \"version\": 2,\n"
        " \"languages\": [\"vi\"], \"title\": {\"vi\": \"T\"},\n"
        " \"scales\": {\"yn\": [{\"value\": 1, \"label\": {\"vi\": \"Có\"}},\n"
        "                     {\"value\": 0, \"label\": {\"vi\": \"Không\"}}]},\n"
        " \"questions\": [\n"
        "  {\"id\": \"why\", \"type\": \"multi\", \"element\": \"r\",\n"
        "   \"follow_up_only\": true, \"text\": {\"vi\": \"Vì sao?\"},\n"
        "   \"options\": [{\"code\": \"x\", \"label\": {\"vi\": \"X\"}}]},\n"
        "  {\"id\": \"mong\", \"type\": \"multi\", \"element\": \"mong-doi\",\n"
        "   \"text\": {\"vi\": \"Mong đợi?\"},\n"
        "   \"options\": [{\"code\": \"y\", \"label\": {\"vi\": \"Y\"}}]},\n"
        "  {\"id\": \"ok\", \"element\": \"overall\", \"scale\": \"yn\",\n"
        "   \"text\": {\"vi\": \"Được?\"},\n"
        "   \"follow_up\": {\"question\": \"why\", \"when_le\": 0}}]}\n";

    (void)state;
    s = parse_ok(text);
    assert_int_equal(s->n_langs, 1);
    assert_int_equal(s->version, 2);
    assert_int_equal(s->questions[2].follow_up_index, 0);
    assert_int_equal(s->questions[1].is_follow_up, 0);
    assert_int_equal(s->questions[1].follow_up_index, -1);
    survey_free(s);
}

/* ---- caps --------------------------------------------------------------- */

/* Enough 400-byte labels to overflow the string pool while staying well
 * under the source size cap: the overflow is a clean error. */
static void test_pool_cap(void **state)
{
    static char big[SURVEY_SOURCE_MAX];
    char word[SURVEY_TEXT_MAX + 1];
    size_t n;
    int q, o;

    (void)state;
    memset(word, 'x', SURVEY_TEXT_MAX);
    word[SURVEY_TEXT_MAX] = '\0';
    n = (size_t)snprintf(big, sizeof(big),
                         "{\"format\": \"sipas-survey/1\", \"id\": \"big\", "
                         "\"version\": 1, \"languages\": [\"vi\", \"en\"],\n"
                         "\"title\": {\"vi\": \"T\", \"en\": \"T\"},\n"
                         "\"questions\": [");
    for (q = 0; q < 16; q++) {
        n += (size_t)snprintf(big + n, sizeof(big) - n,
                              "%s\n{\"id\": \"q%d\", \"type\": \"multi\", "
                              "\"element\": \"e\", \"text\": {\"vi\": \"C\", "
                              "\"en\": \"Q\"}, \"options\": [",
                              q ? "," : "", q);
        for (o = 0; o < SURVEY_OPTION_MAX; o++)
            n += (size_t)snprintf(big + n, sizeof(big) - n,
                                  "%s\n {\"code\": \"o%d\", \"label\": "
                                  "{\"vi\": \"%s\", \"en\": \"%s\"}}",
                                  o ? "," : "", o, word, word);
        n += (size_t)snprintf(big + n, sizeof(big) - n, "]}");
    }
    n += (size_t)snprintf(big + n, sizeof(big) - n, "]}\n");
    assert_true(n < sizeof(big) - 1);
    {
        survey_t *s = NULL;
        err_t err;

        assert_int_equal(survey_parse(big, n, "big.json", &s, &err), -1);
        assert_null(s);
        assert_non_null(strstr(err.msg, "98304"));
        assert_memory_equal(err.field, "questions[7].options[", 21);
        assert_true(err.line > 100);
    }
}

static void test_source_cap(void **state)
{
    char *text = malloc(SURVEY_SOURCE_MAX + 2);
    survey_t *s = NULL;
    err_t err;

    (void)state;
    assert_non_null(text);
    memset(text, ' ', SURVEY_SOURCE_MAX + 1);
    text[0] = '{';
    text[SURVEY_SOURCE_MAX] = '}';
    text[SURVEY_SOURCE_MAX + 1] = '\0';
    assert_int_equal(survey_parse(text, SURVEY_SOURCE_MAX + 1, "x", &s, &err),
                     -1);
    assert_null(s);
    assert_non_null(strstr(err.msg, "524288"));
    free(text);
}

static void test_null_arguments(void **state)
{
    survey_t *s = NULL;
    err_t err;

    (void)state;
    assert_int_equal(survey_parse(NULL, 0, NULL, &s, &err), -1);
    assert_null(s);
    assert_int_equal(survey_parse("{}", 2, "x", NULL, &err), -1);
}

/* ---- shipped surveys ---------------------------------------------------- */

static void assert_sipas5(const survey_question_t *q)
{
    static const char *const vi[] = {"Rất hài lòng", "Hài lòng", "Bình thường",
                                     "Không hài lòng", "Rất không hài lòng"};
    static const survey_face_t faces[] = {
        SURVEY_FACE_VERY_HAPPY, SURVEY_FACE_HAPPY, SURVEY_FACE_NEUTRAL,
        SURVEY_FACE_SAD, SURVEY_FACE_VERY_SAD};
    int i;

    assert_int_equal(q->kind, SURVEY_KIND_SCALE);
    assert_int_equal(q->n_options, 5);
    for (i = 0; i < 5; i++) {
        assert_int_equal(q->options[i].value, 5 - i);
        assert_int_equal(q->options[i].face, faces[i]);
        assert_string_equal(q->options[i].label[0], vi[i]);
    }
}

/* Characters, not bytes: a Vietnamese letter with two marks is one
 * character on screen and three bytes in UTF-8. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void test_asset_sipas_short(void **state)
{
    static const char *const elements[] = {"overall", "tiep-can", "thu-tuc",
                                           "cong-chuc", "ket-qua", "gop-y"};
    survey_t *s = load_asset("assets/surveys/sipas-short.json");
    int reasons, i;

    (void)state;
    assert_string_equal(s->id, "sipas-short");
    assert_int_equal(survey_find_lang(s, "en"), 1);
    reasons = survey_find_question(s, "reasons");
    assert_true(reasons >= 0);
    assert_int_equal(s->n_questions, 7);
    for (i = 0; i < 6; i++) {
        const survey_question_t *q = &s->questions[i];

        assert_string_equal(q->element, elements[i]);
        assert_sipas5(q);
        assert_int_equal(q->skippable, i > 0);
        assert_int_equal(q->follow_up_index, reasons);
        assert_int_equal(q->follow_up_le, 2);
        /* Two lines at 800x480: short enough to read at a counter. */
        assert_true(utf8_chars(q->text[0]) <= 90);
    }
    assert_string_equal(s->questions[0].text[0],
                        "Ông/Bà có hài lòng với sự phục vụ hôm nay không?");
    assert_int_equal(s->questions[reasons].kind, SURVEY_KIND_MULTI);
    assert_int_equal(s->questions[reasons].is_follow_up, 1);
    assert_int_equal(s->questions[reasons].n_options, 8);
    assert_non_null(survey_find_code(&s->questions[reasons],
                                     "di-lai-nhieu-lan"));
    survey_free(s);
}

static void test_asset_sipas_full(void **state)
{
    static const char *const elements[] = {"tiep-can", "thu-tuc", "cong-chuc",
                                           "ket-qua", "gop-y"};
    survey_t *s = load_asset("assets/surveys/sipas-full.json");
    int per[5] = {0}, i, e, mong, criteria = 0;

    (void)state;
    assert_string_equal(s->id, "sipas-full");
    assert_string_equal(s->questions[0].element, "overall");
    for (i = 0; i < s->n_questions; i++)
        for (e = 0; e < 5; e++)
            if (strcmp(s->questions[i].element, elements[e]) == 0) {
                per[e]++;
                criteria++;
                assert_sipas5(&s->questions[i]);
            }
    assert_true(criteria >= 18 && criteria <= 24);
    for (e = 0; e < 5; e++)
        assert_true(per[e] >= 3);
    mong = survey_find_question(s, "mong-doi");
    assert_true(mong >= 0);
    assert_int_equal(s->questions[mong].kind, SURVEY_KIND_MULTI);
    assert_int_equal(s->questions[mong].is_follow_up, 0);
    assert_int_equal(s->questions[mong].max_choices, 3);
    assert_string_equal(s->questions[mong].element, "mong-doi");
    assert_true(survey_find_question(s, "reasons") >= 0);
    survey_free(s);
}

static void test_asset_c01_counter(void **state)
{
    static const char *const ids[] = {"c01-3", "c01-4", "c01-7"};
    survey_t *s = load_asset("assets/surveys/c01-counter.json");
    const survey_question_t *overall;
    int i, qi, reasons;

    (void)state;
    assert_string_equal(s->id, "c01-counter");
    reasons = survey_find_question(s, "reasons");
    assert_true(reasons >= 0);
    for (i = 0; i < 3; i++) {
        const survey_question_t *q;

        qi = survey_find_question(s, ids[i]);
        assert_true(qi >= 0);
        q = &s->questions[qi];
        assert_string_equal(q->element, ids[i]);
        assert_int_equal(q->n_options, 3);
        assert_non_null(survey_find_value(q, 2));
        assert_non_null(survey_find_value(q, 1));
        assert_non_null(survey_find_value(q, 0));
        assert_int_equal(survey_find_value(q, 2)->face, SURVEY_FACE_HAPPY);
        assert_int_equal(survey_find_value(q, 0)->face, SURVEY_FACE_SAD);
    }
    assert_string_equal(
        survey_find_value(&s->questions[survey_find_question(s, "c01-3")], 2)
            ->label[0],
        "Không phải bổ sung lần nào");
    overall = &s->questions[survey_find_question(s, "overall")];
    assert_string_equal(overall->element, "overall");
    assert_string_equal(overall->scale, "level3");
    assert_string_equal(survey_find_value(overall, 1)->label[0],
                        "Chưa hài lòng");
    assert_int_equal(overall->follow_up_index, reasons);
    assert_int_equal(overall->follow_up_le, 1);
    survey_free(s);
}

/* ---- validity period: dates injected, never today's ------------------- */

static void test_validity_parsed(void **state)
{
    survey_t *s;

    (void)state;
    s = parse_ok(build(4, "  \"version\": 1,\n"
                          "  \"valid_from\": \"2025-07-01\","
                          " \"valid_to\": \"2026-12-31\","));
    assert_string_equal(s->valid_from, "2025-07-01");
    assert_string_equal(s->valid_to, "2026-12-31");
    survey_free(s);
    s = parse_ok(build(4, "  \"version\": 1,\n  \"valid_to\": \"2025-06-30\","));
    assert_string_equal(s->valid_from, "");
    assert_string_equal(s->valid_to, "2025-06-30");
    survey_free(s);
    /* A one-day period is a period. */
    s = parse_ok(build(4, "  \"version\": 1,\n"
                          "  \"valid_from\": \"2025-07-01\","
                          " \"valid_to\": \"2025-07-01\","));
    assert_int_equal(survey_check_validity(s, "2025-07-01"), SURVEY_VALID);
    survey_free(s);
    s = parse_ok(build(4, "  \"version\": 1,"));
    assert_string_equal(s->valid_from, "");
    assert_string_equal(s->valid_to, "");
    survey_free(s);
}

static void test_validity_checked(void **state)
{
    (void)state;
    expect_error(build(4, "  \"version\": 1,\n  \"valid_to\": \"2025-02-30\","),
                 "valid_to", 5, "YYYY-MM-DD");
    expect_error(build(4, "  \"version\": 1,\n  \"valid_from\": \"1/7/2025\","),
                 "valid_from", 5, "YYYY-MM-DD");
    expect_error(build(4, "  \"version\": 1,\n  \"valid_from\": 20250701,"),
                 "valid_from", 5, "YYYY-MM-DD");
    expect_error(build(4, "  \"version\": 1,\n  \"valid_from\": \"2025-07-01 \","),
                 "valid_from", 5, "YYYY-MM-DD");
    expect_error(build(4, "  \"version\": 1,\n"
                          "  \"valid_from\": \"2025-07-01\",\n"
                          "  \"valid_to\": \"2025-06-30\","),
                 "valid_to", 6, "before valid_from (2025-07-01)");
    expect_error(build(4, "  \"version\": 1,\n  \"valid_until\": \"2025-06-30\","),
                 "valid_until", 5, NULL);
}

static void test_validity_on_days(void **state)
{
    survey_t *s;

    (void)state;
    s = parse_ok(build(4, "  \"version\": 1,\n"
                          "  \"valid_from\": \"2025-07-01\","
                          " \"valid_to\": \"2026-01-24\","));
    assert_int_equal(survey_check_validity(s, "2025-06-30"), SURVEY_NOT_YET);
    assert_int_equal(survey_check_validity(s, "2025-07-01"), SURVEY_VALID);
    assert_int_equal(survey_check_validity(s, "2025-12-31"), SURVEY_VALID);
    assert_int_equal(survey_check_validity(s, "2026-01-24"), SURVEY_VALID);
    assert_int_equal(survey_check_validity(s, "2026-01-25"), SURVEY_LAPSED);
    assert_int_equal(survey_check_validity(s, "2027-03-31"), SURVEY_LAPSED);
    /* A clock that gives no date never passes for one inside the period. */
    assert_int_equal(survey_check_validity(s, ""), SURVEY_NOT_YET);
    assert_int_equal(survey_check_validity(s, "2025-13-01"), SURVEY_NOT_YET);
    assert_int_equal(survey_check_validity(s, NULL), SURVEY_NOT_YET);
    assert_int_equal(survey_check_validity(NULL, "2025-07-01"), SURVEY_NOT_YET);
    survey_free(s);
}

static void test_validity_decision(void **state)
{
    (void)state;
    assert_int_equal(survey_decide_use(SURVEY_VALID, 1), SURVEY_USE);
    assert_int_equal(survey_decide_use(SURVEY_VALID, 0), SURVEY_USE);
    assert_int_equal(survey_decide_use(SURVEY_LAPSED, 1), SURVEY_REFUSE);
    assert_int_equal(survey_decide_use(SURVEY_NOT_YET, 1), SURVEY_REFUSE);
    assert_int_equal(survey_decide_use(SURVEY_LAPSED, 0), SURVEY_WARN);
    assert_int_equal(survey_decide_use(SURVEY_NOT_YET, 0), SURVEY_WARN);
}

static void test_validity_message(void **state)
{
    char msg[400];
    const char *text;
    survey_t *s;

    (void)state;
    text = build(4, "  \"version\": 1,\n"
                    "  \"valid_from\": \"2025-07-01\", \"valid_to\": \"2026-01-24\",");
    s = parse_ok(text);
    survey_describe_validity(s, SURVEY_LAPSED, "2026-01-25", "t.json", text,
                             strlen(text), msg, sizeof(msg));
    assert_string_equal(msg, "t.json:5:43: valid_to: survey 'test' applies"
                             " until 2026-01-24; today is 2026-01-25");
    survey_describe_validity(s, SURVEY_NOT_YET, "2025-06-30", "t.json", text,
                             strlen(text), msg, sizeof(msg));
    assert_string_equal(msg, "t.json:5:17: valid_from: survey 'test' applies"
                             " from 2025-07-01; today is 2025-06-30");
    survey_free(s);
}

/* Circular 01/2018's per-dossier form applies to dossiers before the
 * two-level government took over on 2025-07-01. */
static void test_asset_c01_validity(void **state)
{
    survey_t *s = load_asset("assets/surveys/c01-counter.json");

    (void)state;
    assert_string_equal(s->valid_from, "");
    assert_string_equal(s->valid_to, "2025-06-30");
    assert_int_equal(survey_check_validity(s, "2025-06-30"), SURVEY_VALID);
    assert_int_equal(survey_check_validity(s, "2025-07-01"), SURVEY_LAPSED);
    survey_free(s);
    s = load_asset("assets/surveys/sipas-short.json");
    assert_int_equal(survey_check_validity(s, "2027-03-31"), SURVEY_VALID);
    survey_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_parses),
        cmocka_unit_test(test_lookups_and_fallbacks),
        cmocka_unit_test(test_vietnamese_stored_first),
        cmocka_unit_test(test_nfd_becomes_nfc),
        cmocka_unit_test(test_type_and_skippable_explicit),
        cmocka_unit_test(test_syntax_error_has_position),
        cmocka_unit_test(test_duplicate_key_rejected),
        cmocka_unit_test(test_invalid_utf8_rejected),
        cmocka_unit_test(test_root_must_be_object),
        cmocka_unit_test(test_review_notes),
        cmocka_unit_test(test_unknown_root_key),
        cmocka_unit_test(test_format_checked),
        cmocka_unit_test(test_id_checked),
        cmocka_unit_test(test_version_checked),
        cmocka_unit_test(test_languages_checked),
        cmocka_unit_test(test_title_required),
        cmocka_unit_test(test_text_missing_language),
        cmocka_unit_test(test_text_unknown_language),
        cmocka_unit_test(test_text_empty),
        cmocka_unit_test(test_text_not_string),
        cmocka_unit_test(test_text_control_characters),
        cmocka_unit_test(test_text_length_cap),
        cmocka_unit_test(test_scale_value_unique),
        cmocka_unit_test(test_scale_value_range),
        cmocka_unit_test(test_scale_face_checked),
        cmocka_unit_test(test_scale_option_unknown_key),
        cmocka_unit_test(test_scale_option_count),
        cmocka_unit_test(test_scale_name_checked),
        cmocka_unit_test(test_questions_count),
        cmocka_unit_test(test_question_unknown_key),
        cmocka_unit_test(test_question_id_checked),
        cmocka_unit_test(test_question_element_checked),
        cmocka_unit_test(test_question_type_checked),
        cmocka_unit_test(test_question_skippable_checked),
        cmocka_unit_test(test_scale_question_needs_known_scale),
        cmocka_unit_test(test_scale_question_rejects_multi_keys),
        cmocka_unit_test(test_multi_question_rejects_scale_keys),
        cmocka_unit_test(test_multi_options_checked),
        cmocka_unit_test(test_multi_max_choices),
        cmocka_unit_test(test_follow_up_unknown_question),
        cmocka_unit_test(test_follow_up_must_be_follow_up_only_multi),
        cmocka_unit_test(test_follow_up_only_must_be_referenced),
        cmocka_unit_test(test_follow_up_threshold),
        cmocka_unit_test(test_follow_up_may_come_first),
        cmocka_unit_test(test_pool_cap),
        cmocka_unit_test(test_source_cap),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_asset_sipas_short),
        cmocka_unit_test(test_asset_sipas_full),
        cmocka_unit_test(test_asset_c01_counter),
        cmocka_unit_test(test_validity_parsed),
        cmocka_unit_test(test_validity_checked),
        cmocka_unit_test(test_validity_on_days),
        cmocka_unit_test(test_validity_decision),
        cmocka_unit_test(test_validity_message),
        cmocka_unit_test(test_asset_c01_validity),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
