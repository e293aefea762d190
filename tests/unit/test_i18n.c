#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

#include "testutil.h"

/* Every key the screens use; ui.json must define each in every language. */
static const char *const ui_keys[] = {
    "idle.title", "idle.invite", "idle.scan", "idle.officer", "idle.figure",
    "lang.name", "button.start", "button.back", "button.skip", "button.next",
    "button.done", "field.title", "field.prompt", "field.dat-dai",
    "field.xay-dung", "field.dau-tu", "field.tu-phap", "field.moi-truong",
    "field.lao-dong", "field.y-te", "field.giao-duc", "field.khac",
    "question.progress", "reasons.hint", "choices.max", "thanks.title",
    "thanks.body", "already.title", "already.body", "paused.title",
    "paused.body", "oos.title", "oos.body", "pin.title", "pin.wrong",
    "pin.del", "pin.ok", "admin.title", "admin.unit", "admin.counter",
    "admin.officer", "admin.none", "admin.responses", "admin.today",
    "admin.partial", "admin.suppressed", "admin.last", "admin.storage",
    "admin.version", "admin.install", "admin.error", "admin.signout",
    "admin.exit", "notice.bad_code", "notice.signed_in",
    "notice.signed_out", "notice.dossier", "dossier.label",
};

#define UI_KEY_COUNT (sizeof(ui_keys) / sizeof(ui_keys[0]))

static i18n_t *parse_ok(const char *text)
{
    i18n_t *t = NULL;
    err_t err;
    char msg[600];

    if (i18n_parse(text, strlen(text), "ui.json", &t, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("unexpected error: %s", msg);
    }
    assert_non_null(t);
    return t;
}

static void expect_error(const char *text, const char *field, int line,
                         const char *words)
{
    i18n_t *t = (i18n_t *)0x1;
    err_t err;

    assert_int_equal(i18n_parse(text, strlen(text), "ui.json", &t, &err), -1);
    assert_null(t);
    assert_string_equal(err.file, "ui.json");
    assert_string_equal(err.field, field);
    assert_int_equal(err.line, line);
    if (words != NULL && strstr(err.msg, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
}

static void test_shipped_words_load(void **state)
{
    size_t len, i;
    char *text = testutil_read_file("assets/i18n/ui.json", &len);
    i18n_t *t = NULL;
    err_t err;
    char msg[600];

    (void)state;
    if (i18n_parse(text, len, "assets/i18n/ui.json", &t, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("%s", msg);
    }
    free(text);
    assert_true(i18n_has_lang(t, "vi"));
    assert_true(i18n_has_lang(t, "en"));
    assert_true(i18n_has_lang(t, "km"));
    assert_false(i18n_has_lang(t, "review"));
    for (i = 0; i < UI_KEY_COUNT; i++) {
        const char *vi = i18n_get(t, "vi", ui_keys[i]);
        const char *en = i18n_get(t, "en", ui_keys[i]);
        const char *km = i18n_get(t, "km", ui_keys[i]);

        if (vi == ui_keys[i] || en == ui_keys[i] || km == ui_keys[i])
            fail_msg("ui.json lacks %s", ui_keys[i]);
        assert_true(vi[0] != '\0' && en[0] != '\0' && km[0] != '\0');
        /* Khmer has its own words, not the Vietnamese fallback. */
        assert_true(km != vi);
    }
    assert_string_equal(i18n_get(t, "km", "lang.name"),
                        "\xE1\x9E\x81\xE1\x9F\x92\xE1\x9E\x98\xE1\x9F\x82"
                        "\xE1\x9E\x9A");
    assert_string_equal(i18n_get(t, "vi", "idle.title"),
                        "Đánh giá mức độ hài lòng");
    assert_string_equal(i18n_get(t, "vi", "thanks.title"),
                        "Cảm ơn Ông/Bà đã đánh giá!");
    assert_string_equal(i18n_get(t, "vi", "field.tu-phap"),
                        "Tư pháp – Hộ tịch");
    assert_string_equal(i18n_get(t, "vi", "lang.name"), "Tiếng Việt");
    assert_string_equal(i18n_get(t, "en", "lang.name"), "English");
    assert_string_equal(i18n_get(t, "en", "button.back"), "Back");
    assert_string_equal(i18n_get(t, "vi", "button.back"), "Quay lại");
    i18n_free(t);
}

static void test_fallback(void **state)
{
    i18n_t *t = parse_ok("{\"vi\": {\"a.b\": \"Chào\", \"c\": \"Một\"},"
                         " \"en\": {\"a.b\": \"Hello\", \"c\": \"One\"}}");

    (void)state;
    assert_string_equal(i18n_get(t, "en", "a.b"), "Hello");
    assert_string_equal(i18n_get(t, "km", "a.b"), "Chào");
    assert_string_equal(i18n_get(t, NULL, "c"), "Một");
    assert_string_equal(i18n_get(t, "en", "no.such.key"), "no.such.key");
    assert_string_equal(i18n_get(NULL, "en", "a.b"), "a.b");
    assert_string_equal(i18n_get(t, "en", NULL), "");
    assert_false(i18n_has_lang(NULL, "vi"));
    assert_false(i18n_has_lang(t, NULL));
    i18n_free(t);
    i18n_free(NULL);
}

/* "review" is a note per language, not a language of its own. */
static void test_review_notes(void **state)
{
    i18n_t *t = parse_ok("{\"review\": {\"en\": \"awaiting review\"},"
                         " \"vi\": {\"a\": \"Một\"}, \"en\": {\"a\": \"One\"}}");

    (void)state;
    assert_false(i18n_has_lang(t, "review"));
    assert_string_equal(i18n_get(t, "en", "a"), "One");
    i18n_free(t);
    expect_error("{\"vi\": {\"a\": \"A\"},\n \"review\": {\"km\": \"draft\"}}",
                 "review[\"km\"]", 2, "not a language");
    expect_error("{\"vi\": {\"a\": \"A\"},\n \"review\": \"draft\"}",
                 "review", 2, "object");
    expect_error("{\"vi\": {\"a\": \"A\"},\n \"review\": {\"vi\": 7}}",
                 "review[\"vi\"]", 2, "string");
}

/* A language still being translated is offered: what it lacks shows in
 * Vietnamese, never as an empty label. */
static void test_missing_key_falls_back(void **state)
{
    i18n_t *t;

    (void)state;
    t = parse_ok("{\n"
                 "  \"vi\": {\"button.back\": \"Quay lại\", \"x\": \"X\"},\n"
                 "  \"rad\": {\n"
                 "    \"x\": \"Y\"\n"
                 "  }\n"
                 "}\n");
    assert_true(i18n_has_lang(t, "rad"));
    assert_string_equal(i18n_get(t, "rad", "x"), "Y");
    assert_string_equal(i18n_get(t, "rad", "button.back"), "Quay lại");
    i18n_free(t);
}

static void test_extra_key_rejected(void **state)
{
    (void)state;
    expect_error("{\n"
                 "  \"vi\": {\"button.back\": \"Quay lại\"},\n"
                 "  \"en\": {\n"
                 "    \"button.back\": \"Back\",\n"
                 "    \"button.bak\": \"Back\"\n"
                 "  }\n"
                 "}\n",
                 "en[\"button.bak\"]", 5, "not a key");
}

static void test_vietnamese_required(void **state)
{
    (void)state;
    expect_error("{\n  \"en\": {\"a\": \"A\"}\n}", "", 1, "\"vi\"");
}

static void test_language_codes_checked(void **state)
{
    (void)state;
    expect_error("{\"vi\": {\"a\": \"A\"},\n \"EN\": {\"a\": \"A\"}}", "EN", 2,
                 "language");
    expect_error("{\"vi\": {\"a\": \"A\"},\n \"en\": [\"A\"]}", "en", 2,
                 "object");
    expect_error("[]", "", 1, "object");
}

static void test_texts_checked(void **state)
{
    (void)state;
    expect_error("{\"vi\": {\n \"a\": \"\"}}", "vi[\"a\"]", 2, "empty");
    expect_error("{\"vi\": {\n \"a\": 5}}", "vi[\"a\"]", 2, "string");
    expect_error("{\"vi\": {\n \"a\": \"x\\ty\"}}", "vi[\"a\"]", 2, "control");
    expect_error("{\"vi\": {\n \"A B\": \"x\"}}", "vi[\"A B\"]", 2, "key");
}

static void test_text_length_cap(void **state)
{
    char text[I18N_TEXT_MAX + 64], word[I18N_TEXT_MAX + 2];
    i18n_t *t;

    (void)state;
    memset(word, 'x', I18N_TEXT_MAX);
    word[I18N_TEXT_MAX] = '\0';
    snprintf(text, sizeof(text), "{\"vi\": {\"a\": \"%s\"}}", word);
    t = parse_ok(text);
    assert_int_equal(strlen(i18n_get(t, "vi", "a")), I18N_TEXT_MAX);
    i18n_free(t);
    memset(word, 'x', I18N_TEXT_MAX + 1);
    word[I18N_TEXT_MAX + 1] = '\0';
    snprintf(text, sizeof(text), "{\"vi\": {\"a\": \"%s\"}}", word);
    expect_error(text, "vi[\"a\"]", 1, "400");
}

static void test_key_count_cap(void **state)
{
    char text[(I18N_ENTRY_MAX + 2) * 24];
    size_t n;
    int i;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "{\"vi\": {");
    for (i = 0; i <= I18N_ENTRY_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s\n\"k%d\": \"v\"",
                              i ? "," : "", i);
    n += (size_t)snprintf(text + n, sizeof(text) - n, "}}");
    assert_true(n < sizeof(text));
    expect_error(text, "vi[\"k160\"]", I18N_ENTRY_MAX + 2, "160");
}

static void test_nfd_becomes_nfc(void **state)
{
    /* "Hòa" with a combining grave accent. */
    i18n_t *t = parse_ok("{\"vi\": {\"n\": \"Ho\xCC\x80\x61\"}}");

    (void)state;
    assert_string_equal(i18n_get(t, "vi", "n"), "H\xC3\xB2\x61");
    i18n_free(t);
}

static void test_syntax_error(void **state)
{
    i18n_t *t = NULL;
    err_t err;
    const char *text = "{\"vi\": {\n\"a\": \"A\",\n}}";

    (void)state;
    assert_int_equal(i18n_parse(text, strlen(text), "ui.json", &t, &err), -1);
    assert_null(t);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "invalid JSON"));
    assert_int_equal(i18n_parse(NULL, 0, "ui.json", &t, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_words_load),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_review_notes),
        cmocka_unit_test(test_missing_key_falls_back),
        cmocka_unit_test(test_extra_key_rejected),
        cmocka_unit_test(test_vietnamese_required),
        cmocka_unit_test(test_language_codes_checked),
        cmocka_unit_test(test_texts_checked),
        cmocka_unit_test(test_text_length_cap),
        cmocka_unit_test(test_key_count_cap),
        cmocka_unit_test(test_nfd_becomes_nfc),
        cmocka_unit_test(test_syntax_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
