/*
 * theme.h - the kiosk's colours (0xRRGGBBAA), default and high contrast.
 *
 * Default: dark text on a light background, readable in a bright hall;
 * every text at least 4.5:1 against what is behind it. High contrast, for
 * a citizen who reads poorly: white and yellow on near-black, a strong
 * border on every button, every text at least 7:1. In both, answers carry
 * a face and a word and a chosen option a tick, so colour is never the
 * only cue. tests/unit/test_contrast.c measures the ratios on rendered
 * screens.
 * Ownership: static tables, never freed.
 */
#ifndef SIPAS_THEME_H
#define SIPAS_THEME_H

#include <stdint.h>

typedef struct theme {
    uint32_t bg;
    uint32_t header, on_header;
    uint32_t header_rule;       /* line under the header, 0 = none */
    uint32_t text, text_soft;
    uint32_t card, border;      /* plain buttons */
    uint32_t primary, primary_down, primary_edge, on_primary;
    uint32_t quiet, quiet_edge;
    uint32_t selected;          /* fill of a chosen or pressed button */
    uint32_t chosen_edge;       /* border of a chosen button */
    uint32_t danger, danger_edge, on_danger, danger_text;
    uint32_t ok, ok_edge, on_ok;
    uint32_t warn;
    uint32_t ink;               /* face outlines and features */
    uint32_t tick_edge;         /* an empty tick box */
    uint32_t face[5];           /* very unhappy .. very happy */
    int border_div;             /* button border: height / border_div + */
    int border_add;             /*   border_add pixels */
} theme_t;

/* The default theme, or the high-contrast one when high is set. */
const theme_t *theme_get(int high);

#endif
