/*
 * record.h - what the kiosk found at start, and the touch grid's result,
 * written to its data directory for `sipasctl selftest`.
 *
 * DATA/display.json: video driver, screen size, touch rotation and the
 * touch devices SDL found. DATA/touchgrid.json: the admin screen's touch
 * grid (cells, how many were tapped). Each file is written whole to a
 * temporary name, fsync'd and renamed, so a reader never sees half of
 * one. A failure is reported, never fatal: the kiosk serves citizens
 * whether or not the technician's notes can be written.
 * Ownership: strings are borrowed.
 */
#ifndef SIPAS_KIOSK_RECORD_H
#define SIPAS_KIOSK_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define RECORD_DISPLAY_NAME "display.json"
#define RECORD_TOUCHGRID_NAME "touchgrid.json"

/* Writes DATA/display.json from SDL's state once the window is open:
 * 0, or -1 with err filled. */
int record_write_display(const char *dir, int w, int h, int rotation,
                         int64_t now_ms, char *err, size_t cap);
/* Writes DATA/touchgrid.json: 0, or -1 with err filled. */
int record_write_touchgrid(const char *dir, int cells, int tapped, int w,
                           int h, int rotation, int64_t now_ms, char *err,
                           size_t cap);

#endif
