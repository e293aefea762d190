/*
 * The hub's JSON writer against jansson's own json_dumps (JSON_COMPACT |
 * JSON_REAL_PRECISION(15)), byte for byte: reals of every kind (the
 * figures' two decimals, others, tiny and huge ones, -0), strings with
 * every escape and Vietnamese text, integers at their limits, nesting and
 * empty containers, objects in insertion order, and random trees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hub/api/jsonout.h"

#define FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(15))

static void assert_same_text(const json_t *v)
{
    char *want = json_dumps(v, FLAGS | JSON_ENCODE_ANY), *got = NULL;
    size_t len = 0;

    assert_non_null(want);
    assert_int_equal(hub_jsonout_write(v, &got, &len), 0);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(want);
    free(got);
}

static void assert_same_real(double d)
{
    json_t *v = json_real(d);

    assert_non_null(v);
    assert_same_text(v);
    json_decref(v);
}

/* A small deterministic generator: runs are repeatable. */
static unsigned next_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static void test_reals(void **state)
{
    static const double fixed[] = {
        0.0,     -0.0,    1.0,     -1.0,   0.5,     87.25,   87.2,
        87.0,    100.0,   0.01,    -0.01,  0.05,    0.1,     0.3,
        1e-4,    1.5e-5,  1e-7,    1e15,   1e16,    1e21,    -1e300,
        1e300,   DBL_MIN, DBL_MAX, 1 / 3.0, 2 / 3.0, 123456789.12, 999999999.99,
        1e9,     1e9 + 0.25, 12345678901234.5, 0.015, 99.995, 1e-320,
    };
    unsigned seed = 7u;
    size_t i;
    int k;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        assert_same_real(fixed[i]);
    /* Every two-decimal value around the figures' range, and near it. */
    for (k = -20000; k <= 20000; k++) {
        assert_same_real(k / 100.0);
        assert_same_real(k / 100.0 + 1e-9);
        assert_same_real(nextafter(k / 100.0, 1e9));
    }
    for (i = 0; i < 20000; i++) {
        double d = (double)next_rand(&seed) * next_rand(&seed) /
                   (1 + next_rand(&seed));

        assert_same_real(d);
        assert_same_real(-d / 1000.0);
        assert_same_real(round(d * 100.0) / 100.0);
    }
}

static void test_strings_and_integers(void **state)
{
    static const char *const texts[] = {
        "", "plain", "Xã Minh Tân – Bộ phận Một cửa", "quote \" back \\ slash /",
        "\b\f\n\r\t", "\x01\x1f\x7f", "emoji 😀 and 𝄞", "tab\tand\nline",
    };
    static const json_int_t ints[] = {0, 1, -1, 9, 10, -10, 123456789,
                                      INT64_MAX, INT64_MIN, INT64_MIN + 1};
    json_t *v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        v = json_string(texts[i]);
        assert_non_null(v);
        assert_same_text(v);
        json_decref(v);
    }
    v = json_stringn("nul\0inside", 10);
    assert_non_null(v);
    assert_same_text(v);
    json_decref(v);
    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        v = json_integer(ints[i]);
        assert_same_text(v);
        json_decref(v);
    }
    v = json_pack("[b, b, n, {}, [], {s:[]}, [{}]]", 1, 0, "k");
    assert_non_null(v);
    assert_same_text(v);
    json_decref(v);
}

static json_t *random_tree(unsigned *seed, int depth)
{
    static const char *const keys[] = {"z", "a", "key \"q\"", "m", "số",
                                       "groups", "n", "b"};
    unsigned kind = next_rand(seed) % (depth > 4 ? 5 : 7);
    json_t *v;
    unsigned i, n;

    switch (kind) {
    case 0:
        return json_integer((json_int_t)next_rand(seed) - 16000);
    case 1:
        return json_real((double)next_rand(seed) / 100.0);
    case 2:
        return json_string(keys[next_rand(seed) % 8]);
    case 3:
        return next_rand(seed) % 2 ? json_true() : json_null();
    case 4:
        return json_real((double)next_rand(seed) / 7.0);
    case 5:
        v = json_array();
        n = next_rand(seed) % 6;
        for (i = 0; i < n; i++)
            json_array_append_new(v, random_tree(seed, depth + 1));
        return v;
    default:
        v = json_object();
        n = next_rand(seed) % 6;
        /* Keys in an order other than sorted: insertion order is kept. */
        for (i = 0; i < n; i++)
            json_object_set_new(v, keys[next_rand(seed) % 8],
                                random_tree(seed, depth + 1));
        return v;
    }
}

static void test_random_trees(void **state)
{
    unsigned seed = 20261207u;
    json_t *v;
    int i;

    (void)state;
    for (i = 0; i < 2000; i++) {
        v = random_tree(&seed, 0);
        assert_non_null(v);
        assert_same_text(v);
        json_decref(v);
    }
}

/* Nesting past the limit is refused, not recursed into. */
static void test_depth_refused(void **state)
{
    json_t *root = json_array(), *cur = root, *next;
    char *text = NULL;
    size_t len = 0;
    int i;

    (void)state;
    for (i = 0; i < 3000; i++) {
        next = json_array();
        assert_int_equal(json_array_append_new(cur, next), 0);
        cur = next;
    }
    assert_int_equal(hub_jsonout_write(root, &text, &len), -1);
    assert_null(text);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_strings_and_integers),
        cmocka_unit_test(test_random_trees),
        cmocka_unit_test(test_depth_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
