#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/dossier.h"

/* Parses text that must be valid and returns the result. */
static dossier_t parse_ok(const char *text)
{
    dossier_t d;

    memset(&d, 0x5a, sizeof(d));
    if (dossier_parse(text, &d) != 0)
        fail_msg("rejected \"%s\"", text);
    return d;
}

static void expect_rejected(const char *const *codes, size_t n)
{
    dossier_t d;
    size_t i;

    for (i = 0; i < n; i++) {
        if (dossier_parse(codes[i], &d) != -1)
            fail_msg("accepted \"%s\"", codes[i]);
    }
}

#define REJECTED(arr) expect_rejected((arr), sizeof(arr) / sizeof((arr)[0]))

static void test_valid_code_fields(void **state)
{
    dossier_t d;

    (void)state;
    d = parse_ok("000.00.07.H42-230815-0005");
    assert_string_equal(d.code, "000.00.07.H42-230815-0005");
    assert_string_equal(d.agency, "000.00.07.H42");
    assert_int_equal(d.year, 2023);
    assert_int_equal(d.month, 8);
    assert_int_equal(d.day, 15);
    assert_int_equal(d.serial, 5);

    d = parse_ok("000.22.31.H19-261231-9999");
    assert_string_equal(d.agency, "000.22.31.H19");
    assert_int_equal(d.year, 2026);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 31);
    assert_int_equal(d.serial, 9999);

    d = parse_ok("000.00.07.H42-000101-1230");
    assert_int_equal(d.year, 2000);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 1);
    assert_int_equal(d.serial, 1230);
}

static void test_lower_case_is_normalised(void **state)
{
    dossier_t d;

    (void)state;
    d = parse_ok("000.00.07.h42-230815-0005");
    assert_string_equal(d.code, "000.00.07.H42-230815-0005");
    assert_string_equal(d.agency, "000.00.07.H42");

    d = parse_ok("abc.de.07.xy1-240101-0042");
    assert_string_equal(d.code, "ABC.DE.07.XY1-240101-0042");
    assert_string_equal(d.agency, "ABC.DE.07.XY1");
    assert_int_equal(d.serial, 42);
}

static void test_surrounding_space_is_trimmed(void **state)
{
    static const char *const inputs[] = {
        "  000.00.07.H42-230815-0005",
        "000.00.07.H42-230815-0005   ",
        "\t000.00.07.H42-230815-0005\t",
        "000.00.07.H42-230815-0005\r\n",
        " \t 000.00.07.h42-230815-0005 \r\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        dossier_t d = parse_ok(inputs[i]);

        assert_string_equal(d.code, "000.00.07.H42-230815-0005");
        assert_string_equal(d.agency, "000.00.07.H42");
        assert_int_equal(d.serial, 5);
    }
}

static void test_inner_space_is_rejected(void **state)
{
    static const char *const bad[] = {
        "000.00.07.H42 -230815-0005", "000.00.07.H42- 230815-0005",
        "000.00.07.H42-230815 -0005", "000.00.07.H42-230815-00 5",
        "000.00 .07.H42-230815-0005", "000.00.07. H42-230815-0005",
    };

    (void)state;
    REJECTED(bad);
}

static void test_dates(void **state)
{
    static const char *const bad[] = {
        "000.00.07.H42-230229-0005", /* 2023 is not a leap year */
        "000.00.07.H42-250229-0005",
        "000.00.07.H42-230230-0005",
        "000.00.07.H42-230431-0005", /* April has 30 days */
        "000.00.07.H42-230631-0005",
        "000.00.07.H42-230931-0005",
        "000.00.07.H42-231131-0005",
        "000.00.07.H42-230132-0005",
        "000.00.07.H42-230100-0005", /* day 0 */
        "000.00.07.H42-230015-0005", /* month 0 */
        "000.00.07.H42-231315-0005", /* month 13 */
        "000.00.07.H42-239915-0005",
        "000.00.07.H42-2308A5-0005",
        "000.00.07.H42-23-815-0005",
        "000.00.07.H42-+30815-0005",
    };
    dossier_t d;

    (void)state;
    REJECTED(bad);
    d = parse_ok("000.00.07.H42-240229-0005");
    assert_int_equal(d.year, 2024);
    assert_int_equal(d.month, 2);
    assert_int_equal(d.day, 29);
    d = parse_ok("000.00.07.H42-000229-0001"); /* 2000: divisible by 400 */
    assert_int_equal(d.year, 2000);
    d = parse_ok("000.00.07.H42-230228-0001");
    assert_int_equal(d.day, 28);
    d = parse_ok("000.00.07.H42-230430-0001");
    assert_int_equal(d.day, 30);
    d = parse_ok("000.00.07.H42-991231-0001");
    assert_int_equal(d.year, 2099);
}

static void test_agency_shapes(void **state)
{
    static const char *const bad[] = {
        "H42-230815-0005",              /* one group */
        "000H-230815-0005",             /* one group of four */
        "0000000-230815-0005",          /* one group, too long */
        "000..07.H42-230815-0005",      /* empty group */
        ".00.07.H42-230815-0005",       /* leading dot */
        "000.00.07.-230815-0005",       /* trailing dot */
        "000.00.07.H42.-230815-0005",
        "00000.00.07.H42-230815-0005",  /* group of five */
        "000.00.07.H4242-230815-0005",
        "1.2.3.4.5.6-230815-0005",      /* six groups */
        "000.00_07.H42-230815-0005",    /* not a letter or digit */
        "000.00.07.H4/-230815-0005",
        "000.0\xc3\xa1.07.H42-230815-0005", /* non-ASCII letter */
        "-230815-0005",                 /* no agency at all */
    };
    dossier_t d;

    (void)state;
    REJECTED(bad);
    d = parse_ok("1.2.3.4.5-230815-0005"); /* five groups */
    assert_string_equal(d.agency, "1.2.3.4.5");
    d = parse_ok("ABCD.EFGH.IJKL.MNOP.QRST-230815-0005");
    assert_string_equal(d.agency, "ABCD.EFGH.IJKL.MNOP.QRST");
    d = parse_ok("H42.01-230815-0005"); /* two groups */
    assert_string_equal(d.agency, "H42.01");
    /* The shortest agency the rule allows: two groups of one character. */
    d = parse_ok("A.B-230815-0005");
    assert_string_equal(d.agency, "A.B");
    assert_string_equal(d.code, "A.B-230815-0005");
}

static void test_separators(void **state)
{
    static const char *const bad[] = {
        "000.00.07.H42_230815_0005",
        "000.00.07.H42-230815_0005",
        "000.00.07.H42_230815-0005",
        "000.00.07.H42.230815.0005",
        "000.00.07.H42-230815.0005",
        "000.00.07.H42230815-0005",
        "000.00.07.H42-2308150005",
        "000.00.07.H42--230815-0005",
        "000-00-07-H42-230815-0005",
        "000,00,07,H42-230815-0005",
        "000.00.07.H42/230815/0005",
    };

    (void)state;
    REJECTED(bad);
}

static void test_serial_digits(void **state)
{
    static const char *const bad[] = {
        "000.00.07.H42-230815-005",   /* three digits */
        "000.00.07.H42-230815-00005", /* five digits */
        "000.00.07.H42-230815-00A5",
        "000.00.07.H42-230815-+005",
        "000.00.07.H42-230815--005",
        "000.00.07.H42-230815-    ",
        "000.00.07.H42-230815-",
        "000.00.07.H42-230815",
    };
    dossier_t d;

    (void)state;
    REJECTED(bad);
    d = parse_ok("000.00.07.H42-230815-0001");
    assert_int_equal(d.serial, 1);
    d = parse_ok("000.00.07.H42-230815-1000");
    assert_int_equal(d.serial, 1000);
}

static void test_length_limits(void **state)
{
    static const char *const bad[] = {"", " ", "\r\n", "A-230815-0005",
                                      "230815-0005", "x"};
    const char *full = "000.00.07.H42-230815-0005";
    char buf[128];
    dossier_t d;
    size_t i;

    (void)state;
    /* Longer than the buffer, whatever it contains. */
    snprintf(buf, sizeof(buf), "%s-230815-0005",
             "0000.0000.0000.0000.0000.0000.0000.0000.0000");
    assert_true(strlen(buf) >= DOSSIER_CODE_MAX);
    assert_int_equal(dossier_parse(buf, &d), -1);
    /* The longest text that fits is still judged by its shape: eight
     * groups are too many. */
    snprintf(buf, sizeof(buf), "%s-230815-0005",
             "0000.0000.0000.0000.0000.0000.000.0");
    assert_int_equal(strlen(buf), DOSSIER_CODE_MAX - 1);
    assert_int_equal(dossier_parse(buf, &d), -1);
    /* Spaces around a valid code do not count towards the limit. */
    memset(buf, ' ', 60);
    snprintf(buf + 60, sizeof(buf) - 60, "%s    ", full);
    d = parse_ok(buf);
    assert_string_equal(d.code, full);
    /* Short, empty and missing input. */
    REJECTED(bad);
    assert_int_equal(dossier_parse(NULL, &d), -1);
    /* No proper prefix of a valid code is itself valid. */
    for (i = 0; i < strlen(full); i++) {
        snprintf(buf, sizeof(buf), "%.*s", (int)i, full);
        if (dossier_parse(buf, &d) != -1)
            fail_msg("accepted prefix \"%s\"", buf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_code_fields),
        cmocka_unit_test(test_lower_case_is_normalised),
        cmocka_unit_test(test_surrounding_space_is_trimmed),
        cmocka_unit_test(test_inner_space_is_rejected),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_agency_shapes),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_serial_digits),
        cmocka_unit_test(test_length_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
