#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/hex.h"

static void test_encode_is_lowercase(void **state)
{
    const unsigned char in[] = {0x00, 0x0f, 0xa5, 0xff};
    char out[2 * sizeof(in) + 1];

    (void)state;
    memset(out, 'x', sizeof(out));
    hex_encode(in, sizeof(in), out);
    assert_string_equal(out, "000fa5ff");
    hex_encode(in, 0, out);
    assert_string_equal(out, "");
}

static void test_digit_values(void **state)
{
    (void)state;
    assert_int_equal(hex_digit_value('0'), 0);
    assert_int_equal(hex_digit_value('9'), 9);
    assert_int_equal(hex_digit_value('a'), 10);
    assert_int_equal(hex_digit_value('F'), 15);
    assert_int_equal(hex_digit_value('g'), -1);
    assert_int_equal(hex_digit_value('/'), -1);
    assert_int_equal(hex_digit_value('\0'), -1);
}

static void test_decode_reads_either_case(void **state)
{
    unsigned char out[4];
    const unsigned char want[] = {0xde, 0xad, 0xbe, 0xef};

    (void)state;
    assert_int_equal(hex_decode("DEADbeef", out, sizeof(out)), 0);
    assert_memory_equal(out, want, sizeof(want));
    assert_int_equal(hex_decode("deadbeeg", out, sizeof(out)), -1);
    /* A short text stops at its end, never reads past it. */
    assert_int_equal(hex_decode("dead", out, sizeof(out)), -1);
}

static void test_round_trip(void **state)
{
    unsigned char in[256], back[256];
    char text[2 * sizeof(in) + 1];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(in); i++)
        in[i] = (unsigned char)i;
    hex_encode(in, sizeof(in), text);
    assert_int_equal(hex_decode(text, back, sizeof(back)), 0);
    assert_memory_equal(in, back, sizeof(in));
}

static void test_is_lower_wants_exact_length(void **state)
{
    (void)state;
    assert_true(hex_is_lower("0123456789abcdef", 16));
    assert_false(hex_is_lower("0123456789ABCDEF", 16));
    assert_false(hex_is_lower("0123456789abcde", 16));
    assert_false(hex_is_lower("0123456789abcdef0", 16));
    assert_false(hex_is_lower(NULL, 16));
    assert_true(hex_is_lower("", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_is_lowercase),
        cmocka_unit_test(test_digit_values),
        cmocka_unit_test(test_decode_reads_either_case),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_is_lower_wants_exact_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
