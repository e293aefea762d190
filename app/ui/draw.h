/*
 * draw.h - puts a built screen on the renderer.
 *
 * Reads a ui_screen_t and draws it: cards, buttons, faces, tick boxes and
 * cached text. Decides nothing about content or position.
 * Ownership: borrows the renderer, the cache and the screen for the call.
 */
#ifndef SIPAS_DRAW_H
#define SIPAS_DRAW_H

#include <SDL.h>

#include "ui/layout.h"
#include "ui/text.h"

/* Draws the whole screen (no present). 0, or -1 when SDL failed. */
int draw_screen(SDL_Renderer *r, text_cache_t *t, const ui_screen_t *s);

/* Saves the renderer's current output as PNG (or BMP if path ends in
 * .bmp). PNG loads SDL2_image on first use; without it, -1 with the
 * reason in SDL_GetError(). 0 or -1. */
int draw_save(SDL_Renderer *r, const char *path);

#endif
