/*
 * text.h - fonts and rendered text, cached.
 *
 * Every TTF_Render call reshapes and allocates, so text is rendered once
 * into a texture and reused, keyed by (size, weight, colour, text); the
 * cache has a hard cap and drops its least recently used entries.
 * Layout measures the same words at many sizes for every citizen, and
 * shaping dominates its cost, so measured widths are remembered too.
 * Khmer is drawn with its own face (Noto Sans Khmer, shaped by HarfBuzz
 * as script Khmr): a line is cut into runs of Khmer and of other text,
 * each run drawn with its face and the runs joined on one baseline, since
 * the Khmer face has no Latin letters or digits and the Latin face no
 * Khmer. Text with no Khmer is one run and renders exactly as before.
 * Ownership: the cache borrows the font data (embedded in the binary or
 * loaded once) for its whole life; textures belong to the cache.
 */
#ifndef SIPAS_TEXT_H
#define SIPAS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#define TEXT_CACHE_MAX 256
#define TEXT_WIDTHS_MAX 4096   /* measured widths remembered */
#define TEXT_WIDTH_KEY_MAX 96  /* longer strings are measured every time */

typedef struct text_cache text_cache_t;

/* TTF_Init must have been called. Returns 0 or -1 (SDL_GetError says). */
int text_cache_create(text_cache_t **out, const void *regular, size_t reg_len,
                      const void *bold, size_t bold_len);
/* Adds the Khmer face (borrowed like the others). Without it Khmer text
 * goes to the Latin face and shows boxes. 0, or -1 on bad arguments. */
int text_cache_add_khmer(text_cache_t *t, const void *data, size_t len);
void text_cache_destroy(text_cache_t *t);
/* Width of one line; the signature of ui_measure_t.width. */
int text_measure(void *ctx, int px, int bold, const char *s, size_t len,
                 int *w);
/* Texture of one line (owned by the cache), or NULL on failure. */
SDL_Texture *text_get(text_cache_t *t, SDL_Renderer *r, int px, int bold,
                      uint32_t rgba, const char *s, size_t len, int *w,
                      int *h);
/* Drops all textures (e.g. before the renderer is destroyed). */
void text_cache_clear(text_cache_t *t);
/* Counters for benchmarks: renders done and cache hits. */
void text_cache_counts(const text_cache_t *t, long *renders, long *hits);
/* Counters for benchmarks: widths shaped and widths found remembered. */
void text_cache_measures(const text_cache_t *t, long *shaped, long *hits);

#endif
