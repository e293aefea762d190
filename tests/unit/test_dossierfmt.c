/*
 * Dossier code formats as data (app/core/dossierfmt.c) and the shipped list
 * (assets/config/dossier-formats.json) read through the configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/dossier.h"
#include "core/dossierfmt.h"

#include "testutil.h"

#define SHIPPED "assets/config/dossier-formats.json"

/* The defaults with the shipped list over them, as the kiosk loads them;
 * the caller frees the copy. */
static config_t *load_shipped(void)
{
    err_t err;
    char msg[600];
    size_t len;
    char *text = testutil_read_file(SHIPPED, &len);
    config_t *c = malloc(sizeof(*c));

    assert_non_null(text);
    assert_non_null(c);
    config_defaults(c);
    if (config_parse(text, len, SHIPPED, c, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("shipped formats rejected: %s", msg);
    }
    free(text);
    return c;
}

static dossier_t parse_ok(const config_t *c, const char *text,
                          const char *format)
{
    dossier_t d;

    memset(&d, 0x5a, sizeof(d));
    if (dossier_parse_with(c->dossier_formats, c->n_dossier_formats, text,
                           &d) != 0)
        fail_msg("rejected \"%s\"", text);
    assert_string_equal(d.format, format);
    return d;
}

static void expect_parts(const dossier_t *d, const char *agency, int year,
                         int month, int day, const char *serial)
{
    assert_string_equal(d->agency, agency);
    assert_int_equal(d->year, year);
    assert_int_equal(d->month, month);
    assert_int_equal(d->day, day);
    assert_string_equal(d->serial_text, serial);
}

static void expect_rejected(const config_t *c, const char *const *codes,
                            size_t n)
{
    dossier_t d;
    size_t i;

    for (i = 0; i < n; i++)
        if (dossier_parse_with(c->dossier_formats, c->n_dossier_formats,
                               codes[i], &d) != -1)
            fail_msg("accepted \"%s\" as %s", codes[i], d.format);
}

#define REJECTED(c, arr) \
    expect_rejected((c), (arr), sizeof(arr) / sizeof((arr)[0]))

static void test_shipped_list(void **state)
{
    config_t *c = load_shipped();

    (void)state;
    assert_int_equal(c->n_dossier_formats, 3);
    assert_string_equal(c->dossier_formats[0].id, "tt01-2018");
    assert_string_equal(c->dossier_formats[0].name,
                        "Thông tư 01/2018/TT-VPCP Điều 19");
    assert_string_equal(c->dossier_formats[1].id, "tt04-2025");
    assert_string_equal(c->dossier_formats[2].id, "tt03-2025");
    free(c);
}

static void test_circular_01(void **state)
{
    static const char *const bad[] = {
        "000.00.07.H42-230229-0005", /* no 29 February in 2023 */
        "000.00.07.H42-231301-0005", /* month 13 */
        "000.00.07.H42-230815-00A5", /* a letter in the serial */
        "000.00.07.H42-230815-00005",
        "000.00.07.H42.7.1-230815-0005", /* six groups */
        "0000.0000.0000.0000.0000.0000.0000.0000-230815-0005",
        "000.00.07.H 42-230815-0005",
    };
    config_t *c = load_shipped();
    dossier_t d;

    (void)state;
    d = parse_ok(c, "000.00.07.H42-230815-0005", "tt01-2018");
    expect_parts(&d, "000.00.07.H42", 2023, 8, 15, "0005");
    assert_int_equal(d.serial, 5);
    d = parse_ok(c, "  000.00.07.h42-240229-0005\r\n", "tt01-2018");
    assert_string_equal(d.code, "000.00.07.H42-240229-0005");
    REJECTED(c, bad);
    free(c);
}

static void test_circular_04(void **state)
{
    static const char *const bad[] = {
        "H42.001.07-260230-AB0005",  /* 30 February */
        "H42.001.07-260125-AB000",   /* serial too short */
        "H42.001.07-260125-AB00005", /* too long */
        "H42.001.07-260125-ABC005",  /* a letter where a digit goes */
        "H42.001.07-260125-A-0005",
        "442.001.07-260125-AB0005",  /* a digit where M, a letter, goes */
        "H42.0001.07-260125-AB0005",
        "H42.001.07.-260125-AB0005",
        "H42.001.07-260125-AB0005-1",
        "H42.001.07 260125 AB0005",
    };
    config_t *c = load_shipped();
    dossier_t d;

    (void)state;
    d = parse_ok(c, "H42.001.07-260125-AB0005", "tt04-2025");
    expect_parts(&d, "H42.001.07", 2026, 1, 25, "AB0005");
    assert_int_equal(d.serial, -1);
    d = parse_ok(c, "\th42.abc.x1-281231-120042 ", "tt04-2025");
    assert_string_equal(d.code, "H42.ABC.X1-281231-120042");
    assert_int_equal(d.serial, 120042);
    REJECTED(c, bad);
    free(c);
}

/* Circular 03/2025's entry has Circular 04's shape: it must compile, and a
 * list holding it alone accepts that shape under its own id. */
static void test_circular_03(void **state)
{
    config_t *c = load_shipped();
    dossier_t d;

    (void)state;
    assert_int_equal(dossier_parse_with(&c->dossier_formats[2], 1,
                                        "T01.002.03-250701-XY0001", &d),
                     0);
    assert_string_equal(d.format, "tt03-2025");
    assert_string_equal(d.agency, "T01.002.03");
    assert_int_equal(dossier_parse_with(&c->dossier_formats[2], 1,
                                        "000.00.07.H42-230815-0005", &d),
                     -1);
    free(c);
}

static void test_province_format(void **state)
{
    static const char *text =
        "{\n"
        "  \"dossier_formats\": [\n"
        "    {\"id\": \"hs-tinh\", \"name\": \"Mã hồ sơ của tỉnh\",\n"
        "     \"note\": \"in addition to nothing\",\n"
        "     \"template\": \"'HS'-<agency:A{2}9{2}>-YYMMDD-<serial:9{6}>\"}\n"
        "  ]\n"
        "}\n";
    config_t *c = load_shipped();
    err_t err;
    dossier_t d;

    (void)state;
    assert_int_equal(config_parse(text, strlen(text), "tinh.json", c, &err),
                     0);
    assert_int_equal(c->n_dossier_formats, 1);
    d = parse_ok(c, "hs-qt01-260301-000123", "hs-tinh");
    assert_string_equal(d.agency, "QT01");
    assert_int_equal(d.serial, 123);
    assert_int_equal(dossier_parse_with(c->dossier_formats,
                                        c->n_dossier_formats,
                                        "000.00.07.H42-230815-0005", &d),
                     -1);
    free(c);
}

static void expect_config_error(const char *tmpl, const char *reason)
{
    char text[512], msg[600];
    config_t *c = malloc(sizeof(*c));
    err_t err;

    assert_non_null(c);
    config_defaults(c);
    snprintf(text, sizeof(text),
             "{\n  \"dossier_formats\": [\n    {\"id\": \"x\", \"name\": "
             "\"X\",\n     \"template\": \"%s\"}\n  ]\n}\n",
             tmpl);
    if (config_parse(text, strlen(text), "tinh.json", c, &err) == 0)
        fail_msg("accepted template %s", tmpl);
    err_format(&err, msg, sizeof(msg));
    assert_string_equal(err.file, "tinh.json");
    assert_int_equal(err.line, 4);
    assert_string_equal(err.field, "dossier_formats[0].template");
    if (strstr(err.msg, reason) == NULL)
        fail_msg("template %s: \"%s\" lacks \"%s\"", tmpl, msg, reason);
    /* A failed load keeps what the kiosk held. */
    assert_int_equal(c->n_dossier_formats, 1);
    free(c);
}

static void test_malformed_templates(void **state)
{
    (void)state;
    expect_config_error("", "1 to 95 characters");
    expect_config_error("<agency:X{1,4}>-YYMMDD", "<serial:...>");
    expect_config_error("<agency:X>-<serial:9>", "YYMMDD");
    expect_config_error("<agency:X{0}>-YYMMDD-<serial:9>", "repetition");
    expect_config_error("<agency:X{17}>-YYMMDD-<serial:9>", "repetition");
    expect_config_error("<agency:X{4,2}>-YYMMDD-<serial:9>", "maximum");
    expect_config_error("<agency:X{2>-YYMMDD-<serial:9>", "ends with");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>-<serial:9>", "twice");
    expect_config_error("<agency:X>-YYMMDD-YYMMDD-<serial:9>", "twice");
    expect_config_error("<agency:X>-[YYMMDD]-<serial:9>", "optional");
    expect_config_error("[<agency:X>]-YYMMDD-<serial:9>", "optional");
    expect_config_error("<agency:X<serial:9>>-YYMMDD", "inside a part");
    expect_config_error("<agency:X[.X>]-YYMMDD-<serial:9>", "ends before");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>]", "closes no");
    /* A part made only of optional characters could match nothing. */
    expect_config_error("<agency:[X]>X{1,16}YYMMDD<serial:9>", "not optional");
    expect_config_error("<agency:X>-YYMMDD-<serial:[9]>", "not optional");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>>", "closes no");
    expect_config_error("<agency:X[]>-YYMMDD-<serial:9>", "empty");
    expect_config_error("<agency:>-YYMMDD-<serial:9>", "empty");
    expect_config_error("<agency:X[[[[[X]]]]]>-YYMMDD-<serial:9>", "nest");
    expect_config_error("<agency:X>-YYMMDD-<serial:9{16}>", "at most 15");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>*", "\"*\"");
    /* The hub takes codes of letters, digits, ".", "-" and "_" only. */
    expect_config_error("<agency:X>/YYMMDD/<serial:9>", "\"/\"");
    expect_config_error("<agency:X>-YYMMDD-<serial:'ab'>", "quoted");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>'", "quoted");
    expect_config_error("<agent:X>-YYMMDD-<serial:9>", "<agency:");
    expect_config_error("<agency:X>-YYMMDD-<serial:9>[", "not closed");
}

static void test_config_fields_named(void **state)
{
    static const struct {
        const char *text;
        int line;
        const char *field;
    } cases[] = {
        {"{\n  \"dossier_formats\": []\n}\n", 2, "dossier_formats"},
        {"{\"dossier_formats\": [\n {\"name\": \"X\",\n  \"template\": "
         "\"<agency:X>-YYMMDD-<serial:9>\"}]}",
         2, "dossier_formats[0].id"},
        {"{\"dossier_formats\": [\n {\"id\": \"Bad Id\", \"name\": \"X\","
         "\n  \"template\": \"<agency:X>-YYMMDD-<serial:9>\"}]}",
         2, "dossier_formats[0].id"},
        {"{\"dossier_formats\": [\n {\"id\": \"a\", \"name\": \"X\", "
         "\"template\": \"<agency:X>-YYMMDD-<serial:9>\"},\n {\"id\": \"a\","
         " \"name\": \"Y\", \"template\": \"<agency:X>-YYMMDD-<serial:9>\"}]}",
         3, "dossier_formats[1].id"},
        {"{\"dossier_formats\": [\n {\"id\": \"a\", \"name\": \"X\",\n "
         "\"regex\": \".*\", \"template\": \"<agency:X>-YYMMDD-<serial:9>\"}]}",
         3, "dossier_formats[0].regex"},
    };
    config_t *c = malloc(sizeof(*c));
    err_t err;
    size_t i;

    (void)state;
    assert_non_null(c);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_defaults(c);
        if (config_parse(cases[i].text, strlen(cases[i].text), "k.json", c,
                         &err) == 0)
            fail_msg("accepted case %zu", i);
        assert_int_equal(err.line, cases[i].line);
        assert_string_equal(err.field, cases[i].field);
    }
    free(c);
}

/* Nested optional classes of every length cannot make matching slow:
 * the memo bounds the steps whatever the text. */
static void test_matching_stays_bounded(void **state)
{
    dossierfmt_t f;
    char msg[DOSSIERFMT_MSG_MAX];
    char text[DOSSIERFMT_TEXT_MAX];
    dossierfmt_spans_t sp;
    int i;

    (void)state;
    memset(&f, 0, sizeof(f));
    assert_int_equal(
        dossierfmt_compile("<agency:X{1,16}[X{1,16}[X{1,16}[X{1,16}]]]>"
                           "X{1,16}YYMMDD<serial:9>",
                           &f, msg, sizeof(msg)),
        0);
    memset(text, 'A', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    for (i = 0; i < 1000; i++)
        assert_int_equal(dossierfmt_match(&f, text, strlen(text), &sp), 0);
    assert_int_equal(dossierfmt_match(&f, "AB2301019", 9, &sp), 1);
    assert_int_equal(sp.agency_at, 0);
    assert_int_equal(sp.agency_len, 1);
    assert_int_equal(sp.date_at, 2);
    assert_int_equal(sp.serial_at, 8);
    assert_int_equal(sp.serial_len, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_list),
        cmocka_unit_test(test_circular_01),
        cmocka_unit_test(test_circular_04),
        cmocka_unit_test(test_circular_03),
        cmocka_unit_test(test_province_format),
        cmocka_unit_test(test_malformed_templates),
        cmocka_unit_test(test_config_fields_named),
        cmocka_unit_test(test_matching_stays_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
