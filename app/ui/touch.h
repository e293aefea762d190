/*
 * touch.h - from a touch panel's raw coordinates to screen pixels.
 *
 * On KMSDRM SDL reports fingers as 0..1 of the panel's own range and knows
 * nothing of how the panel is mounted: rotation and calibration are ours.
 * A clamped linear map, then a rotation. The inverse lets scripted taps go
 * through the same path as a real finger.
 * Pure.
 */
#ifndef SIPAS_TOUCH_H
#define SIPAS_TOUCH_H

#include "core/config.h"

/* Raw (rx, ry) in 0..1 to pixel (*px, *py) on a w x h screen. */
void touch_map(const config_touch_t *t, double rx, double ry, int w, int h,
               int *px, int *py);
/* Pixel centre to the raw coordinates that map onto it. */
void touch_unmap(const config_touch_t *t, int px, int py, int w, int h,
                 double *rx, double *ry);

#endif
