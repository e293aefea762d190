#include "touch.h"

static double touch_clamp01(double v)
{
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

void touch_map(const config_touch_t *t, double rx, double ry, int w, int h,
               int *px, int *py)
{
    double x = touch_clamp01((rx - t->min_x) / (t->max_x - t->min_x));
    double y = touch_clamp01((ry - t->min_y) / (t->max_y - t->min_y));
    double sx, sy;

    /* rotation: how far the panel is turned clockwise against the image */
    switch (t->rotation) {
    case 90:
        sx = 1.0 - y;
        sy = x;
        break;
    case 180:
        sx = 1.0 - x;
        sy = 1.0 - y;
        break;
    case 270:
        sx = y;
        sy = 1.0 - x;
        break;
    default:
        sx = x;
        sy = y;
        break;
    }
    *px = (int)(sx * (w - 1) + 0.5);
    *py = (int)(sy * (h - 1) + 0.5);
}

void touch_unmap(const config_touch_t *t, int px, int py, int w, int h,
                 double *rx, double *ry)
{
    double sx = w > 1 ? (double)px / (w - 1) : 0.0;
    double sy = h > 1 ? (double)py / (h - 1) : 0.0;
    double x, y;

    switch (t->rotation) {
    case 90:
        x = sy;
        y = 1.0 - sx;
        break;
    case 180:
        x = 1.0 - sx;
        y = 1.0 - sy;
        break;
    case 270:
        x = 1.0 - sy;
        y = sx;
        break;
    default:
        x = sx;
        y = sy;
        break;
    }
    *rx = t->min_x + x * (t->max_x - t->min_x);
    *ry = t->min_y + y * (t->max_y - t->min_y);
}
