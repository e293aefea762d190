/* Touch calibration and rotation: raw panel coordinates to pixels and back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ui/touch.h"

static config_touch_t touch_plain(int rotation)
{
    config_touch_t t = {rotation, 0.0, 1.0, 0.0, 1.0};
    return t;
}

static void test_identity_corners(void **state)
{
    config_touch_t t = touch_plain(0);
    int x, y;

    (void)state;
    touch_map(&t, 0.0, 0.0, 800, 480, &x, &y);
    assert_int_equal(x, 0);
    assert_int_equal(y, 0);
    touch_map(&t, 1.0, 1.0, 800, 480, &x, &y);
    assert_int_equal(x, 799);
    assert_int_equal(y, 479);
    touch_map(&t, 0.5, 0.25, 800, 480, &x, &y);
    assert_int_equal(x, 400);
    assert_int_equal(y, 120);
}

/* A panel mounted a quarter turn clockwise: its top-left is the screen's
 * top-right. */
static void test_rotations(void **state)
{
    struct { int rot; double rx, ry; int x, y; } cases[] = {
        {90, 0.0, 0.0, 799, 0},   {90, 1.0, 0.0, 799, 479},
        {180, 0.0, 0.0, 799, 479}, {180, 1.0, 1.0, 0, 0},
        {270, 0.0, 0.0, 0, 479},  {270, 0.0, 1.0, 799, 479},
    };
    size_t i;
    int x, y;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        config_touch_t t = touch_plain(cases[i].rot);
        touch_map(&t, cases[i].rx, cases[i].ry, 800, 480, &x, &y);
        assert_int_equal(x, cases[i].x);
        assert_int_equal(y, cases[i].y);
    }
}

/* A panel whose usable range is 0.05..0.95 stretches to the full screen;
 * touches outside it clamp to the edge instead of leaving the screen. */
static void test_calibration_clamps(void **state)
{
    config_touch_t t = {0, 0.05, 0.95, 0.1, 0.9};
    int x, y;

    (void)state;
    touch_map(&t, 0.05, 0.1, 800, 480, &x, &y);
    assert_int_equal(x, 0);
    assert_int_equal(y, 0);
    touch_map(&t, 0.95, 0.9, 800, 480, &x, &y);
    assert_int_equal(x, 799);
    assert_int_equal(y, 479);
    touch_map(&t, 0.0, 1.0, 800, 480, &x, &y);
    assert_int_equal(x, 0);
    assert_int_equal(y, 479);
    touch_map(&t, 0.5, 0.5, 800, 480, &x, &y);
    assert_int_equal(x, 400);
    assert_int_equal(y, 240);
}

/* Scripted taps go through the inverse: every pixel comes back to itself
 * under every rotation and a skewed calibration. */
static void test_unmap_round_trip(void **state)
{
    static const int rots[4] = {0, 90, 180, 270};
    int r, px, py, x, y;
    double rx, ry;

    (void)state;
    for (r = 0; r < 4; r++) {
        config_touch_t t = {rots[r], -0.02, 1.03, 0.07, 0.96};
        for (px = 0; px < 720; px += 37) {
            for (py = 0; py < 1280; py += 53) {
                touch_unmap(&t, px, py, 720, 1280, &rx, &ry);
                touch_map(&t, rx, ry, 720, 1280, &x, &y);
                assert_int_equal(x, px);
                assert_int_equal(y, py);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_corners),
        cmocka_unit_test(test_rotations),
        cmocka_unit_test(test_calibration_clamps),
        cmocka_unit_test(test_unmap_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
