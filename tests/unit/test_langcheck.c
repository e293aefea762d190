#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/langcheck.h"

/* Ê Đê ("rad") half translated: one UI key missing, one misspelt. */
static const char ui_text[] =
    "{\n"
    "  \"vi\": {\"button.back\": \"Quay lại\", \"button.next\": \"Tiếp\",\n"
    "          \"lang.name\": \"Tiếng Việt\"},\n"
    "  \"en\": {\"button.back\": \"Back\", \"button.next\": \"Next\",\n"
    "          \"lang.name\": \"English\"},\n"
    "  \"rad\": {\"button.back\": \"Wĭt\", \"button.nxet\": \"x\",\n"
    "           \"lang.name\": \"\"}\n"
    "}\n";

/* The survey lists "rad"; one label lacks it, one text misspells it. */
static const char survey_text[] =
    "{\"format\": \"sipas-survey/1\", \"id\": \"t\", \"version\": 1,\n"
    " \"languages\": [\"vi\", \"en\", \"rad\"],\n"
    " \"title\": {\"vi\": \"Khảo sát\", \"en\": \"Survey\", \"rad\": \"K\"},\n"
    " \"scales\": {\"s\": [\n"
    "   {\"value\": 1, \"label\": {\"vi\": \"Không\", \"en\": \"No\"}},\n"
    "   {\"value\": 2, \"label\": {\"vi\": \"Có\", \"en\": \"Yes\", "
    "\"rad\": \"Ơ\"}}]},\n"
    " \"questions\": [\n"
    "   {\"id\": \"q\", \"element\": \"overall\", \"scale\": \"s\",\n"
    "    \"text\": {\"vi\": \"?\", \"en\": \"?\", \"rda\": \"?\"}},\n"
    "   {\"id\": \"r\", \"element\": \"overall\", \"type\": \"multi\",\n"
    "    \"options\": [{\"code\": \"a\", \"label\": {\"vi\": \"A\", "
    "\"en\": \"A\", \"rad\": \"A\"}},\n"
    "                {\"code\": \"b\", \"label\": {\"vi\": \"B\", "
    "\"en\": \"B\"}}]}]}\n";

/* A survey that never heard of "rad". */
static const char survey_old[] =
    "{\"format\": \"sipas-survey/1\", \"id\": \"o\", \"version\": 1,\n"
    " \"languages\": [\"vi\", \"en\"],\n"
    " \"title\": {\"vi\": \"Cũ\", \"en\": \"Old\"},\n"
    " \"questions\": [{\"id\": \"q\", \"element\": \"overall\",\n"
    "   \"text\": {\"vi\": \"?\", \"en\": \"?\"}}]}\n";

static langcheck_t *check(const char *const texts[], const char *const names[],
                          const langcheck_source_t sources[], int n)
{
    langcheck_t *lc = langcheck_new();
    err_t err;
    int i;

    assert_non_null(lc);
    for (i = 0; i < n; i++)
        if (langcheck_add(lc, sources[i], texts[i], strlen(texts[i]),
                          names[i], &err) != 0)
            fail_msg("%s: %s: %s", names[i], err.field, err.msg);
    assert_int_equal(langcheck_run(lc), 0);
    return lc;
}

static int has(const langcheck_t *lc, langcheck_kind_t kind,
               const char *file, const char *lang, const char *path)
{
    int i;

    for (i = 0; i < langcheck_count_findings(lc); i++) {
        const langcheck_finding_t *f = langcheck_finding(lc, i);

        if (f->kind == kind && strcmp(f->lang, lang) == 0 &&
            strcmp(f->path, path) == 0 &&
            strcmp(langcheck_file_name(lc, f->file), file) == 0)
            return 1;
    }
    return 0;
}

static const langcheck_total_t *total_of(const langcheck_t *lc,
                                         const char *lang)
{
    int i;

    for (i = 0; i < langcheck_count_langs(lc); i++)
        if (strcmp(langcheck_total(lc, i)->lang, lang) == 0)
            return langcheck_total(lc, i);
    fail_msg("no totals for %s", lang);
    return NULL;
}

static void test_ui_missing_and_extra(void **state)
{
    const char *texts[] = {ui_text};
    const char *names[] = {"ui.json"};
    const langcheck_source_t src[] = {LANGCHECK_UI};
    langcheck_t *lc = check(texts, names, src, 1);

    (void)state;
    assert_int_equal(langcheck_count_langs(lc), 2);
    assert_string_equal(langcheck_total(lc, 0)->lang, "en");
    assert_string_equal(langcheck_total(lc, 1)->lang, "rad");
    assert_int_equal(total_of(lc, "en")->missing, 0);
    assert_int_equal(total_of(lc, "en")->strings, 3);
    assert_true(has(lc, LANGCHECK_MISSING, "ui.json", "rad", "button.next"));
    /* an empty string is not a translation */
    assert_true(has(lc, LANGCHECK_MISSING, "ui.json", "rad", "lang.name"));
    assert_true(has(lc, LANGCHECK_EXTRA, "ui.json", "rad", "button.nxet"));
    assert_false(has(lc, LANGCHECK_MISSING, "ui.json", "rad", "button.back"));
    assert_int_equal(total_of(lc, "rad")->missing, 2);
    assert_int_equal(total_of(lc, "rad")->extra, 1);
    assert_int_equal(langcheck_count_findings(lc), 3);
    assert_int_equal(langcheck_count_kind(lc, LANGCHECK_EXTRA), 1);
    langcheck_free(lc);
}

static void test_survey_paths(void **state)
{
    const char *texts[] = {ui_text, survey_text};
    const char *names[] = {"ui.json", "t.json"};
    const langcheck_source_t src[] = {LANGCHECK_UI, LANGCHECK_SURVEY};
    langcheck_t *lc = check(texts, names, src, 2);

    (void)state;
    assert_true(has(lc, LANGCHECK_MISSING, "t.json", "rad", "scales.s[0].label"));
    assert_true(has(lc, LANGCHECK_MISSING, "t.json", "rad", "questions[0].text"));
    assert_true(has(lc, LANGCHECK_MISSING, "t.json", "rad",
                    "questions[1].options[1].label"));
    assert_false(has(lc, LANGCHECK_MISSING, "t.json", "rad", "title"));
    assert_false(has(lc, LANGCHECK_MISSING, "t.json", "rad",
                     "questions[1].options[0].label"));
    /* a misspelt language code is an error of its own, no language's */
    assert_true(has(lc, LANGCHECK_STRAY, "t.json", "rda", "questions[0].text.rda"));
    assert_int_equal(langcheck_count_kind(lc, LANGCHECK_STRAY), 1);
    assert_int_equal(langcheck_count_kind(lc, LANGCHECK_EXTRA), 1);
    assert_false(has(lc, LANGCHECK_UNLISTED, "t.json", "rad", "languages"));
    /* 3 UI keys and 6 survey strings, everywhere complete in English */
    assert_int_equal(total_of(lc, "en")->strings, 9);
    assert_int_equal(total_of(lc, "en")->missing, 0);
    assert_int_equal(total_of(lc, "rad")->strings, 9);
    assert_int_equal(total_of(lc, "rad")->missing, 5);
    langcheck_free(lc);
}

/* A language named anywhere is checked everywhere: a survey that does not
 * list it cannot be offered in it, and every one of its texts is to do. */
static void test_language_named_elsewhere(void **state)
{
    const char *texts[] = {ui_text, survey_old};
    const char *names[] = {"ui.json", "o.json"};
    const langcheck_source_t src[] = {LANGCHECK_UI, LANGCHECK_SURVEY};
    langcheck_t *lc = check(texts, names, src, 2);
    const char *texts2[] = {survey_text, survey_old, "{\"vi\": {\"a\": \"A\"}}"};
    const char *names2[] = {"t.json", "o.json", "ui.json"};
    const langcheck_source_t src2[] = {LANGCHECK_SURVEY, LANGCHECK_SURVEY,
                                       LANGCHECK_UI};

    (void)state;
    assert_true(has(lc, LANGCHECK_UNLISTED, "o.json", "rad", "languages"));
    assert_true(has(lc, LANGCHECK_MISSING, "o.json", "rad", "title"));
    assert_true(has(lc, LANGCHECK_MISSING, "o.json", "rad", "questions[0].text"));
    assert_false(has(lc, LANGCHECK_UNLISTED, "o.json", "en", "languages"));
    langcheck_free(lc);

    /* ... and a UI file without the language at all */
    lc = check(texts2, names2, src2, 3);
    assert_true(has(lc, LANGCHECK_UNLISTED, "ui.json", "rad", "rad"));
    assert_true(has(lc, LANGCHECK_MISSING, "ui.json", "rad", "a"));
    assert_true(has(lc, LANGCHECK_MISSING, "ui.json", "en", "a"));
    langcheck_free(lc);
}

static void test_complete_is_quiet(void **state)
{
    const char *texts[] = {"{\"vi\": {\"a\": \"A\"}, \"en\": {\"a\": \"A\"}}",
                           survey_old};
    const char *names[] = {"ui.json", "o.json"};
    const langcheck_source_t src[] = {LANGCHECK_UI, LANGCHECK_SURVEY};
    langcheck_t *lc = check(texts, names, src, 2);

    (void)state;
    assert_int_equal(langcheck_count_langs(lc), 1);
    assert_int_equal(langcheck_count_findings(lc), 0);
    assert_int_equal(total_of(lc, "en")->strings, 3);
    langcheck_free(lc);
}

/* A note beside the languages ("review": {"km": "awaiting review"}) is
 * neither a language nor a text to translate. */
static void test_review_note_is_no_language(void **state)
{
    const char *texts[] = {
        "{\"review\": {\"km\": \"awaiting review\"},"
        " \"vi\": {\"a\": \"A\"}, \"km\": {\"a\": \"ក\"}}",
        "{\"languages\": [\"vi\", \"km\"],"
        " \"review\": {\"km\": \"awaiting review\"},"
        " \"title\": {\"vi\": \"T\", \"km\": \"ក\"}}"};
    const char *names[] = {"ui.json", "s.json"};
    const langcheck_source_t src[] = {LANGCHECK_UI, LANGCHECK_SURVEY};
    langcheck_t *lc = check(texts, names, src, 2);

    (void)state;
    assert_int_equal(langcheck_count_langs(lc), 1);
    assert_int_equal(langcheck_count_findings(lc), 0);
    assert_int_equal(total_of(lc, "km")->strings, 2);
    assert_string_equal(total_of(lc, "km")->review, "awaiting review");
    langcheck_free(lc);
}

static void test_refusals(void **state)
{
    langcheck_t *lc = langcheck_new();
    err_t err;
    char big[80];
    int i;

    (void)state;
    assert_int_equal(langcheck_add(lc, LANGCHECK_UI, "{\"en\": {}}", 10,
                                   "ui.json", &err), -1);
    assert_string_equal(err.field, "vi");
    assert_string_equal(err.file, "ui.json");
    assert_int_equal(langcheck_add(lc, LANGCHECK_UI, "{\"vi\": {},", 10,
                                   "ui.json", &err), -1);
    assert_int_equal(err.line, 1);
    assert_int_equal(langcheck_add(lc, LANGCHECK_SURVEY, "[]", 2, "s.json",
                                   &err), -1);
    assert_int_equal(langcheck_add(lc, LANGCHECK_SURVEY, "{}", 2, "s.json",
                                   &err), -1);
    assert_string_equal(err.field, "languages");
    /* the cap on languages holds */
    for (i = 0; i < LANGCHECK_LANGS_MAX + 1; i++) {
        snprintf(big, sizeof(big), "{\"languages\": [\"%c%c\"]}",
                 'a' + i / 26, 'a' + i % 26);
        if (langcheck_add(lc, LANGCHECK_SURVEY, big, strlen(big), "s.json",
                          &err) != 0)
            break;
    }
    assert_int_equal(i, LANGCHECK_LANGS_MAX);
    assert_int_equal(langcheck_run(lc), 0);
    assert_int_equal(langcheck_run(lc), -1);
    assert_int_equal(langcheck_add(lc, LANGCHECK_UI, "{}", 2, "x", &err), -1);
    assert_null(langcheck_total(lc, -1));
    assert_null(langcheck_finding(lc, 1 << 20));
    assert_string_equal(langcheck_file_name(lc, 99), "");
    assert_string_equal(langcheck_kind_name(LANGCHECK_UNLISTED), "unlisted");
    assert_string_equal(langcheck_kind_name(LANGCHECK_STRAY), "stray");
    langcheck_free(lc);
    langcheck_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui_missing_and_extra),
        cmocka_unit_test(test_survey_paths),
        cmocka_unit_test(test_language_named_elsewhere),
        cmocka_unit_test(test_complete_is_quiet),
        cmocka_unit_test(test_review_note_is_no_language),
        cmocka_unit_test(test_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
