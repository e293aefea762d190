/*
 * screens.h - what each kiosk screen shows and where, as pure data.
 *
 * Builds a ui_screen_t (widgets, rectangles, fitted text) from the flow's
 * state, the UI words and a few facts the kiosk supplies. Nothing here
 * draws or reads input; the renderer draws the result and the hit test
 * reads it, so what a test checks is exactly what a citizen touches.
 * Ownership: the view borrows everything; texts in the built screen point
 * into the survey, the i18n table, the info struct or the screen's arena.
 */
#ifndef SIPAS_SCREENS_H
#define SIPAS_SCREENS_H

#include "core/flow.h"
#include "core/i18n.h"
#include "ui/layout.h"

#define UI_INFO_TEXT_MAX 160
#define UI_ADMIN_LINES 10
#define UI_ADMIN_OFFICERS 4   /* officers offered on the admin screen */

typedef struct ui_admin_line {
    const char *key;                 /* i18n key of the label */
    char value[UI_INFO_TEXT_MAX];
} ui_admin_line_t;

/* Facts about the kiosk that screens show; the kiosk refreshes them when
 * they change (never per frame). */
typedef struct ui_info {
    char unit_name[UI_INFO_TEXT_MAX];
    char officer_name[UI_INFO_TEXT_MAX]; /* "" = nobody on duty */
    char figure[32];                     /* public figure, "" = hidden */
    char detail[UI_INFO_TEXT_MAX * 2];   /* technician's detail on errors */
    /* What provisioning from the SD card came to, for the technician on
     * the idle screen until the first rating; "" = none. */
    char banner[UI_INFO_TEXT_MAX * 3];
    int banner_failed;
    /* Listening: the last prompt asked for has no sound file; the screen
     * shows a cue instead of leaving the citizen in silence. */
    int voice_missing;
    int n_admin;
    ui_admin_line_t admin[UI_ADMIN_LINES];
} ui_info_t;

typedef struct ui_view {
    const flow_t *flow;
    const i18n_t *i18n;
    const ui_info_t *info;
    const char *pressed;   /* id of the widget under a finger, or NULL */
} ui_view_t;

/* Builds the current screen at w x h pixels and dpi. Returns 0, or -1 when
 * some text could not fit (the screen is still complete and drawable). */
int screens_build(ui_screen_t *s, const ui_view_t *v, int w, int h, int dpi,
                  const ui_measure_t *m);

#endif
