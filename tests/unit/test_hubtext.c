#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/hubtext.h"

#define OUT_MAX 128

static void expect_clean(const char *in, size_t cap, const char *want,
                         int changed)
{
    char out[OUT_MAX];

    assert_true(cap <= sizeof(out));
    memset(out, 'x', sizeof(out));
    assert_int_equal(hubtext_sanitize(in, out, cap), changed);
    assert_string_equal(out, want);
}

static void test_plain_and_vietnamese_text_kept(void **state)
{
    (void)state;
    expect_clean("the hub is busy", OUT_MAX, "the hub is busy", 0);
    expect_clean("Ủy ban nhân dân xã Minh Tân", OUT_MAX,
                 "Ủy ban nhân dân xã Minh Tân", 0);
    expect_clean("", OUT_MAX, "", 0);
    expect_clean(NULL, OUT_MAX, "", 0);
}

/* What a hostile hub sends to take over a technician's terminal. */
static void test_escape_sequences_removed(void **state)
{
    (void)state;
    expect_clean("\x1b]0;pwned\x07\x1b[2Jok", OUT_MAX, "?]0;pwned??[2Jok", 1);
    /* C1 CSI (U+009B), DEL, NUL-free C0 */
    expect_clean("a\xc2\x9b" "31mb\x7f" "c\x01", OUT_MAX, "a?31mb?c?", 1);
    expect_clean("line1\nline2\r\tend", OUT_MAX, "line1 line2  end", 1);
    expect_clean("a\xe2\x80\xa8" "b", OUT_MAX, "a b", 1); /* U+2028 */
}

/* "code: 1234" shown backwards, or the rest of a line reordered. */
static void test_bidi_controls_removed(void **state)
{
    (void)state;
    expect_clean("x\xe2\x80\xae" "cba", OUT_MAX, "x?cba", 1);   /* RLO */
    expect_clean("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
                 OUT_MAX, "????", 1);                          /* 202A-D */
    expect_clean("\xe2\x81\xa6" "a\xe2\x81\xa9", OUT_MAX, "?a?", 1); /* LRI, PDI */
    expect_clean("\xe2\x81\xa7\xe2\x81\xa8", OUT_MAX, "??", 1);
    expect_clean("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", OUT_MAX, "???", 1);
    /* Right-to-left letters themselves are text, not controls. */
    expect_clean("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", OUT_MAX,
                 "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", 0);
}

static void test_invalid_utf8_replaced_byte_by_byte(void **state)
{
    (void)state;
    expect_clean("a\xff" "b", OUT_MAX, "a?b", 1);
    expect_clean("\xc0\xaf", OUT_MAX, "??", 1);         /* overlong "/" */
    expect_clean("\xed\xa0\x80" "z", OUT_MAX, "???z", 1); /* surrogate */
    expect_clean("\xe1\xbb", OUT_MAX, "??", 1);         /* cut sequence */
    expect_clean("\xf4\x90\x80\x80", OUT_MAX, "????", 1); /* > U+10FFFF */
}

static void test_long_text_cut_on_a_character(void **state)
{
    (void)state;
    expect_clean("abcdefghij", 11, "abcdefghij", 0);
    expect_clean("abcdefghijk", 11, "abcdefg...", 1);
    /* "ắ" is 3 bytes: never half of one before the dots */
    expect_clean("ắắắắ", 11, "ắắ...", 1); /* 6 + 3 of 10 bytes */
}

static void test_tiny_buffers(void **state)
{
    char out[2] = {'x', 'x'};

    (void)state;
    assert_int_equal(hubtext_sanitize("abc", out, 0), 1);
    assert_int_equal(out[0], 'x');
    expect_clean("abc", 1, "", 1);
    expect_clean("abc", 3, "ab", 1);
    expect_clean("ắ", 3, "", 1);
}

static void test_unit_code_syntax_as_the_hub(void **state)
{
    char longest[HUBTEXT_CODE_MAX + 2];

    (void)state;
    assert_true(hubtext_is_unit_code("XA-MINHTAN"));
    assert_true(hubtext_is_unit_code("h.42_x-1"));
    assert_false(hubtext_is_unit_code(""));
    assert_false(hubtext_is_unit_code(NULL));
    assert_false(hubtext_is_unit_code("XA\"MINH"));
    assert_false(hubtext_is_unit_code("XA\nMINH"));
    assert_false(hubtext_is_unit_code("XA MINH"));
    assert_false(hubtext_is_unit_code("XA\xe2\x80\xae" "NIM"));
    assert_false(hubtext_is_unit_code("Xã"));
    assert_false(hubtext_is_unit_code("../etc"));
    memset(longest, 'A', sizeof(longest));
    longest[HUBTEXT_CODE_MAX] = '\0';
    assert_true(hubtext_is_unit_code(longest));
    longest[HUBTEXT_CODE_MAX] = 'A';
    longest[HUBTEXT_CODE_MAX + 1] = '\0';
    assert_false(hubtext_is_unit_code(longest));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_vietnamese_text_kept),
        cmocka_unit_test(test_escape_sequences_removed),
        cmocka_unit_test(test_bidi_controls_removed),
        cmocka_unit_test(test_invalid_utf8_replaced_byte_by_byte),
        cmocka_unit_test(test_long_text_cut_on_a_character),
        cmocka_unit_test(test_tiny_buffers),
        cmocka_unit_test(test_unit_code_syntax_as_the_hub),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
