#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "core/csv.h"

/* What csv_put_text writes for s. */
static char *text_of(const char *s, int flags)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    assert_non_null(fp);
    csv_put_text(fp, s, flags);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static void expect_text(const char *s, int flags, const char *want)
{
    char *got = text_of(s, flags);

    assert_string_equal(got, want);
    free(got);
}

static void test_plain_cells_stay_as_they_are(void **state)
{
    (void)state;
    expect_text("", CSV_PLAIN, "");
    expect_text("Quầy 1", CSV_PLAIN, "Quầy 1");
    expect_text("a b;c", CSV_PLAIN, "a b;c");
}

static void test_quotes_what_needs_quoting(void **state)
{
    (void)state;
    expect_text("a,b", CSV_PLAIN, "\"a,b\"");
    expect_text("say \"hi\"", CSV_PLAIN, "\"say \"\"hi\"\"\"");
    expect_text("two\nlines", CSV_PLAIN, "\"two\nlines\"");
    expect_text("cr\r", CSV_PLAIN, "\"cr\r\"");
}

static void test_formulas_are_guarded_on_request(void **state)
{
    (void)state;
    expect_text("=1+1", CSV_PLAIN, "=1+1");
    expect_text("=1+1", CSV_GUARD_FORMULAS, "'=1+1");
    expect_text("+3", CSV_GUARD_FORMULAS, "'+3");
    expect_text("-3", CSV_GUARD_FORMULAS, "'-3");
    expect_text("@SUM(A1)", CSV_GUARD_FORMULAS, "'@SUM(A1)");
    expect_text("\tx", CSV_GUARD_FORMULAS, "'\tx");
    /* The apostrophe goes inside the quotes. */
    expect_text("=a,b", CSV_GUARD_FORMULAS, "\"'=a,b\"");
    expect_text("\r", CSV_GUARD_FORMULAS, "\"'\r\"");
    expect_text("", CSV_GUARD_FORMULAS, "");
    expect_text("a=b", CSV_GUARD_FORMULAS, "a=b");
}

static void test_integers(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    (void)state;
    assert_non_null(fp);
    csv_put_int(fp, 0);
    fputc(',', fp);
    csv_put_int(fp, -42);
    fputc(',', fp);
    csv_put_int(fp, INT64_MAX);
    fputs(CSV_EOL, fp);
    assert_int_equal(fclose(fp), 0);
    assert_string_equal(buf, "0,-42,9223372036854775807\r\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_cells_stay_as_they_are),
        cmocka_unit_test(test_quotes_what_needs_quoting),
        cmocka_unit_test(test_formulas_are_guarded_on_request),
        cmocka_unit_test(test_integers),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
