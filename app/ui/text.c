#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "layout.h"

typedef struct font_slot {
    int px, bold;
    TTF_Font *font;
} font_slot_t;

typedef struct text_entry {
    int px, bold;
    uint32_t rgba;
    size_t len;
    char s[UI_TEXT_MAX + 1];
    SDL_Texture *tex;
    int w, h;
    unsigned long used; /* LRU stamp; 0 = free slot */
} text_entry_t;

/* A remembered width; the text is kept so a hash collision can never
 * return another string's width. */
typedef struct text_width {
    uint64_t hash;
    int px, bold, len; /* len 0 = empty slot */
    int w;
    char s[TEXT_WIDTH_KEY_MAX];
} text_width_t;

struct text_cache {
    const void *data[2];
    size_t data_len[2];
    int n_fonts;
    font_slot_t fonts[TEXT_FONTS_MAX];
    unsigned long clock;
    long renders, hits;
    long shaped, width_hits;
    text_entry_t entries[TEXT_CACHE_MAX];
    text_width_t widths[TEXT_WIDTHS_MAX]; /* direct-mapped by hash */
};

int text_cache_create(text_cache_t **out, const void *regular, size_t reg_len,
                      const void *bold, size_t bold_len)
{
    text_cache_t *t = calloc(1, sizeof(*t));

    if (!t) {
        SDL_SetError("out of memory");
        return -1;
    }
    t->data[0] = regular;
    t->data_len[0] = reg_len;
    t->data[1] = bold;
    t->data_len[1] = bold_len;
    *out = t;
    return 0;
}

void text_cache_clear(text_cache_t *t)
{
    int i;

    for (i = 0; i < TEXT_CACHE_MAX; i++) {
        if (t->entries[i].tex)
            SDL_DestroyTexture(t->entries[i].tex);
        memset(&t->entries[i], 0, sizeof(t->entries[i]));
    }
}

void text_cache_destroy(text_cache_t *t)
{
    int i;

    if (!t)
        return;
    text_cache_clear(t);
    for (i = 0; i < t->n_fonts; i++)
        TTF_CloseFont(t->fonts[i].font);
    free(t);
}

static TTF_Font *text_font(text_cache_t *t, int px, int bold)
{
    SDL_RWops *rw;
    TTF_Font *f;
    int i;

    for (i = 0; i < t->n_fonts; i++)
        if (t->fonts[i].px == px && t->fonts[i].bold == bold)
            return t->fonts[i].font;
    if (t->n_fonts == TEXT_FONTS_MAX) {
        /* Sizes come from a handful of layouts; running out means a
         * layout is asking for sizes on every frame. Reuse the first. */
        TTF_CloseFont(t->fonts[0].font);
        memmove(&t->fonts[0], &t->fonts[1],
                sizeof(t->fonts[0]) * (TEXT_FONTS_MAX - 1));
        t->n_fonts--;
    }
    rw = SDL_RWFromConstMem(t->data[bold ? 1 : 0], (int)t->data_len[bold ? 1 : 0]);
    if (!rw)
        return NULL;
    f = TTF_OpenFontRW(rw, 1, px);
    if (!f)
        return NULL;
    /* Deterministic shaping for Vietnamese whatever the text starts with. */
    TTF_SetFontScriptName(f, "Latn");
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    t->fonts[t->n_fonts].px = px;
    t->fonts[t->n_fonts].bold = bold;
    t->fonts[t->n_fonts].font = f;
    t->n_fonts++;
    return f;
}

static uint64_t text_hash(int px, int bold, const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(px * 2 + bold);
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

int text_measure(void *ctx, int px, int bold, const char *s, size_t len,
                 int *w)
{
    text_cache_t *t = ctx;
    char buf[UI_TEXT_MAX + 1];
    TTF_Font *f;
    text_width_t *slot = NULL;
    uint64_t h;
    int fh;

    if (len > UI_TEXT_MAX)
        return -1;
    if (len > 0 && len < TEXT_WIDTH_KEY_MAX) {
        h = text_hash(px, bold, s, len);
        slot = &t->widths[h % TEXT_WIDTHS_MAX];
        if (slot->len == (int)len && slot->hash == h && slot->px == px &&
            slot->bold == bold && memcmp(slot->s, s, len) == 0) {
            t->width_hits++;
            *w = slot->w;
            return 0;
        }
    }
    f = text_font(t, px, bold);
    if (!f)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (TTF_SizeUTF8(f, buf, w, &fh) != 0)
        return -1;
    t->shaped++;
    if (slot) {
        slot->hash = text_hash(px, bold, s, len);
        slot->px = px;
        slot->bold = bold;
        slot->len = (int)len;
        slot->w = *w;
        memcpy(slot->s, s, len);
    }
    return 0;
}

static text_entry_t *text_lookup(text_cache_t *t, int px, int bold,
                                 uint32_t rgba, const char *s, size_t len)
{
    int i;

    for (i = 0; i < TEXT_CACHE_MAX; i++) {
        text_entry_t *e = &t->entries[i];
        if (e->used && e->px == px && e->bold == bold && e->rgba == rgba &&
            e->len == len && memcmp(e->s, s, len) == 0)
            return e;
    }
    return NULL;
}

static text_entry_t *text_victim(text_cache_t *t)
{
    text_entry_t *v = &t->entries[0];
    int i;

    for (i = 0; i < TEXT_CACHE_MAX; i++) {
        if (!t->entries[i].used)
            return &t->entries[i];
        if (t->entries[i].used < v->used)
            v = &t->entries[i];
    }
    if (v->tex)
        SDL_DestroyTexture(v->tex);
    memset(v, 0, sizeof(*v));
    return v;
}

SDL_Texture *text_get(text_cache_t *t, SDL_Renderer *r, int px, int bold,
                      uint32_t rgba, const char *s, size_t len, int *w, int *h)
{
    text_entry_t *e;
    TTF_Font *f;
    SDL_Surface *surf;
    SDL_Color col = {(Uint8)(rgba >> 24), (Uint8)(rgba >> 16),
                     (Uint8)(rgba >> 8), (Uint8)rgba};

    if (len == 0 || len > UI_TEXT_MAX)
        return NULL;
    e = text_lookup(t, px, bold, rgba, s, len);
    if (e) {
        t->hits++;
        e->used = ++t->clock;
        *w = e->w;
        *h = e->h;
        return e->tex;
    }
    f = text_font(t, px, bold);
    if (!f)
        return NULL;
    e = text_victim(t);
    memcpy(e->s, s, len);
    e->s[len] = '\0';
    surf = TTF_RenderUTF8_Blended(f, e->s, col);
    if (!surf)
        return NULL;
    e->tex = SDL_CreateTextureFromSurface(r, surf);
    SDL_FreeSurface(surf);
    if (!e->tex)
        return NULL;
    if (SDL_QueryTexture(e->tex, NULL, NULL, &e->w, &e->h) != 0) {
        SDL_DestroyTexture(e->tex);
        e->tex = NULL;
        return NULL;
    }
    t->renders++;
    e->px = px;
    e->bold = bold;
    e->rgba = rgba;
    e->len = len;
    e->used = ++t->clock;
    *w = e->w;
    *h = e->h;
    return e->tex;
}

void text_cache_counts(const text_cache_t *t, long *renders, long *hits)
{
    *renders = t->renders;
    *hits = t->hits;
}

void text_cache_measures(const text_cache_t *t, long *shaped, long *hits)
{
    *shaped = t->shaped;
    *hits = t->width_hits;
}
