#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "core/textbreak.h"
#include "layout.h"

/* Faces: the Latin regular and bold, then Khmer (one weight shipped; bold
 * Khmer is the same outlines emboldened by FreeType). */
enum { FACE_REGULAR = 0, FACE_BOLD, FACE_KHMER, FACE_KHMER_BOLD, FACE_COUNT };

#define TEXT_RUNS_MAX 16
/* Khmer consonants stand as tall as Latin lower case (Noto: 59 against
 * 54 units of x per 100 px, a capital being 72): at the same size Khmer
 * reads smaller than the Vietnamese beside it, so its face is opened
 * larger, bringing a consonant near a Latin capital's height. Layout
 * gives Khmer lines the leading this needs (layout.c, layout_line_h). */
#define TEXT_KHMER_SCALE_PCT 115

/* One open font per face, set to the size last asked for: every open
 * font holds its own FreeType face and its own copies of the shaping
 * tables (about 140 KB), and a screen asks for four or five sizes. */
typedef struct font_slot {
    int px;
    TTF_Font *font;
} font_slot_t;

/* A stretch of one line drawn with one face. */
typedef struct text_run {
    size_t off, len;
    int khmer;
} text_run_t;

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
    const void *data[FACE_COUNT];
    size_t data_len[FACE_COUNT];
    font_slot_t fonts[FACE_COUNT];
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

int text_cache_add_khmer(text_cache_t *t, const void *data, size_t len)
{
    if (!t || !data || len == 0 || len > (size_t)SDL_MAX_SINT32) {
        SDL_SetError("no Khmer font data");
        return -1;
    }
    t->data[FACE_KHMER] = data;
    t->data_len[FACE_KHMER] = len;
    t->data[FACE_KHMER_BOLD] = data;
    t->data_len[FACE_KHMER_BOLD] = len;
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
    for (i = 0; i < FACE_COUNT; i++)
        if (t->fonts[i].font)
            TTF_CloseFont(t->fonts[i].font);
    free(t);
}

/* Shaping settings of a face. The Latin faces shape as Latn whatever the
 * text starts with, so Vietnamese is deterministic; the Khmer face as
 * Khmr, left to right, so HarfBuzz reorders pre-base vowels and stacks
 * subscript consonants (TTF_SetFontScriptName fails when SDL_ttf is built
 * without HarfBuzz: Khmer would then come out unshaped, so that fails). */
static int text_font_setup(TTF_Font *f, int face)
{
    int khmer = face == FACE_KHMER || face == FACE_KHMER_BOLD;

    if (TTF_SetFontScriptName(f, khmer ? "Khmr" : "Latn") != 0)
        return khmer ? -1 : 0;
    if (khmer && TTF_SetFontDirection(f, TTF_DIRECTION_LTR) != 0)
        return -1;
    if (face == FACE_KHMER_BOLD)
        TTF_SetFontStyle(f, TTF_STYLE_BOLD);
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    return 0;
}

static TTF_Font *text_font(text_cache_t *t, int px, int face)
{
    font_slot_t *slot = &t->fonts[face];
    int size = face >= FACE_KHMER ? px * TEXT_KHMER_SCALE_PCT / 100 : px;
    SDL_RWops *rw;
    TTF_Font *f;

    if (slot->font && slot->px == px)
        return slot->font;
    if (slot->font) {
        /* Resizing drops SDL_ttf's glyph cache, not the face or tables. */
        if (TTF_SetFontSize(slot->font, size) != 0)
            return NULL;
        slot->px = px;
        return slot->font;
    }
    if (!t->data[face]) {
        SDL_SetError("no font for this text");
        return NULL;
    }
    rw = SDL_RWFromConstMem(t->data[face], (int)t->data_len[face]);
    if (!rw)
        return NULL;
    f = TTF_OpenFontRW(rw, 1, size);
    if (!f)
        return NULL;
    if (text_font_setup(f, face) != 0) {
        TTF_CloseFont(f);
        return NULL;
    }
    slot->px = px;
    slot->font = f;
    return f;
}

/* Space and the ASCII punctuation the Khmer face draws: they join the run
 * around them instead of switching faces for one character. */
static int text_is_neutral(long cp)
{
    return cp > 0 && cp < 0x80 && strchr(" !\"'(),-./:;?", (int)cp) != NULL;
}

/* Cuts s into runs of Khmer and of other text. Neutral characters
 * (text_is_neutral, U+200B) join the run they are in, or the run that
 * follows them at the start. Returns the number of runs, or -1 when there
 * are more than TEXT_RUNS_MAX. */
static int text_split_runs(text_cache_t *t, const char *s, size_t len,
                           text_run_t *runs)
{
    size_t pos = 0;
    int n = 0;

    if (!t->data[FACE_KHMER] || !textbreak_has_khmer(s, len)) {
        runs[0] = (text_run_t){0, len, 0};
        return 1;
    }
    while (pos < len) {
        size_t step = textbreak_cluster_end(s, len, pos) - pos;
        long cp = textbreak_cp_at(s, len, pos);
        int k = -1; /* neutral */

        if (!text_is_neutral(cp) && !textbreak_zwsp_len(s, len, pos))
            k = textbreak_is_khmer_cp(cp);
        if (n == 0) {
            runs[n++] = (text_run_t){pos, 0, k};
        } else if (k >= 0 && runs[n - 1].khmer < 0) {
            runs[n - 1].khmer = k;
        } else if (k >= 0 && k != runs[n - 1].khmer) {
            if (n == TEXT_RUNS_MAX)
                return -1;
            runs[n++] = (text_run_t){pos, 0, k};
        }
        runs[n - 1].len += step;
        pos += step;
    }
    if (runs[0].khmer < 0)
        runs[0].khmer = 0;
    return n;
}

static int text_run_face(const text_run_t *r, int bold)
{
    if (r->khmer)
        return bold ? FACE_KHMER_BOLD : FACE_KHMER;
    return bold ? FACE_BOLD : FACE_REGULAR;
}

/* A run as a C string without U+200B, which no face may draw. */
static int text_run_copy(const char *s, const text_run_t *r, char *buf,
                         size_t cap)
{
    return textbreak_strip_zwsp(s + r->off, r->len, buf, cap) < 0 ? -1 : 0;
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
    text_run_t runs[TEXT_RUNS_MAX];
    uint64_t h;
    int fh, n_runs, i;

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
    n_runs = text_split_runs(t, s, len, runs);
    if (n_runs < 0)
        return -1;
    *w = 0;
    for (i = 0; i < n_runs; i++) {
        int rw;
        f = text_font(t, px, text_run_face(&runs[i], bold));
        if (!f || text_run_copy(s, &runs[i], buf, sizeof(buf)) != 0)
            return -1;
        if (buf[0] && TTF_SizeUTF8(f, buf, &rw, &fh) != 0)
            return -1;
        *w += buf[0] ? rw : 0;
    }
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

/* One run drawn alone, with the ascent of its face for the baseline. */
static SDL_Surface *text_render_run(text_cache_t *t, int px, int bold,
                                    SDL_Color col, const char *s,
                                    const text_run_t *run, int *ascent)
{
    char buf[UI_TEXT_MAX + 1];
    TTF_Font *f = text_font(t, px, text_run_face(run, bold));

    if (!f || text_run_copy(s, run, buf, sizeof(buf)) != 0 || !buf[0])
        return NULL;
    *ascent = TTF_FontAscent(f);
    return TTF_RenderUTF8_Blended(f, buf, col);
}

/* The runs of one line side by side on a shared baseline. A line of one
 * run (all text without Khmer) is that run's surface as it comes. */
static SDL_Surface *text_render_line(text_cache_t *t, int px, int bold,
                                     SDL_Color col, const char *s, size_t len)
{
    text_run_t runs[TEXT_RUNS_MAX];
    SDL_Surface *part[TEXT_RUNS_MAX], *line = NULL;
    int asc[TEXT_RUNS_MAX], n, i, made = 0, top = 0, w = 0, h = 0, x = 0;

    n = text_split_runs(t, s, len, runs);
    if (n < 0) {
        SDL_SetError("too many changes of script in one line");
        return NULL;
    }
    if (n == 1)
        return text_render_run(t, px, bold, col, s, &runs[0], &asc[0]);
    for (made = 0; made < n; made++) {
        part[made] = text_render_run(t, px, bold, col, s, &runs[made],
                                     &asc[made]);
        if (!part[made])
            goto out;
        if (asc[made] > top)
            top = asc[made];
    }
    for (i = 0; i < n; i++) {
        w += part[i]->w;
        if (top - asc[i] + part[i]->h > h)
            h = top - asc[i] + part[i]->h;
    }
    line = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!line)
        goto out;
    for (i = 0; i < n; i++) {
        SDL_Rect at = {x, top - asc[i], part[i]->w, part[i]->h};
        /* Copied, not blended: the runs do not overlap and the line starts
         * fully transparent, so coverage stays exactly as rendered. */
        if (SDL_SetSurfaceBlendMode(part[i], SDL_BLENDMODE_NONE) != 0 ||
            SDL_BlitSurface(part[i], NULL, line, &at) != 0) {
            SDL_FreeSurface(line);
            line = NULL;
            goto out;
        }
        x += part[i]->w;
    }
out:
    for (i = 0; i < made; i++)
        SDL_FreeSurface(part[i]);
    return line;
}

SDL_Texture *text_get(text_cache_t *t, SDL_Renderer *r, int px, int bold,
                      uint32_t rgba, const char *s, size_t len, int *w, int *h)
{
    text_entry_t *e;
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
    e = text_victim(t);
    memcpy(e->s, s, len);
    e->s[len] = '\0';
    surf = text_render_line(t, px, bold, col, e->s, len);
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
