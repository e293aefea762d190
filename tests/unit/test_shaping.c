#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>

#include "ui/text.h"

#include "testutil.h"

/*
 * Khmer as the kiosk draws it (text.c: Noto Sans Khmer, HarfBuzz, script
 * Khmr) against HarfBuzz's own reference rendering, hb-view, of the same
 * words with the same font file at the same size: the ink's bounding box
 * and its distribution over the columns must agree. And the comparison
 * must be able to fail: the same words drawn one code point at a time,
 * which is what unshaped Khmer looks like (subscript consonants beside
 * their base on the line, COENG a glyph of its own, vowel signs after
 * the consonant they are written before), must disagree clearly.
 */

#define FONT_REGULAR "assets/fonts/NotoSans-Regular.ttf"
#define FONT_BOLD "assets/fonts/NotoSans-Bold.ttf"
#define FONT_KHMER "assets/fonts/NotoSansKhmer-Regular.ttf"

#define PX 40          /* the size asked of the text module */
#define FACE_PX 46     /* what it opens the Khmer face at: PX * 115 % */
#define CANVAS_W 900
#define CANVAS_H 200
#define INK_MIN 96     /* coverage (0-255) that counts as ink */
#define BINS 48        /* column profile resolution */

/* ស្ត្រី ខ្មែរ ប្រើ សេវា: "Khmer women use the service": two stacked
 * subscripts, a subscript with a vowel above, pre-base vowels. U+200B
 * between the words, as in the kiosk's texts; hb-view gets them without
 * (text.c strips them before shaping). */
#define WORDS_ZW                                                            \
    "\xE1\x9E\x9F\xE1\x9F\x92\xE1\x9E\x8F\xE1\x9F\x92\xE1\x9E\x9A\xE1\x9E" \
    "\xB8\xE2\x80\x8B\xE1\x9E\x81\xE1\x9F\x92\xE1\x9E\x98\xE1\x9F\x82\xE1" \
    "\x9E\x9A\xE2\x80\x8B\xE1\x9E\x94\xE1\x9F\x92\xE1\x9E\x9A\xE1\x9E\xBE" \
    "\xE2\x80\x8B\xE1\x9E\x9F\xE1\x9F\x81\xE1\x9E\x9C\xE1\x9E\xB6"

typedef struct ink {
    int x0, y0, x1, y1; /* bounding box, inclusive; x1 < x0 when empty */
    double prof[BINS];  /* share of the ink in each column band */
} ink_t;

typedef struct world {
    void *font[3];
    size_t font_len[3];
} world_t;

static world_t world;

/* Coverage of a pixel drawn black on white. */
static int coverage(const SDL_Surface *s, int x, int y)
{
    const uint8_t *p = (const uint8_t *)s->pixels + y * s->pitch + x * 4;
    uint32_t v;
    uint8_t r, g, b;

    memcpy(&v, p, sizeof(v));
    SDL_GetRGB(v, s->format, &r, &g, &b);
    return 255 - (r * 30 + g * 59 + b * 11) / 100;
}

static void measure_ink(SDL_Surface *s, ink_t *k)
{
    double col[CANVAS_W * 2] = {0}, total = 0;
    int x, y, w;

    assert_true(s->w <= CANVAS_W * 2);
    assert_int_equal(SDL_LockSurface(s), 0);
    k->x0 = s->w;
    k->y0 = s->h;
    k->x1 = k->y1 = -1;
    for (y = 0; y < s->h; y++)
        for (x = 0; x < s->w; x++) {
            int c = coverage(s, x, y);
            if (c < INK_MIN)
                continue;
            col[x] += c;
            if (x < k->x0) k->x0 = x;
            if (x > k->x1) k->x1 = x;
            if (y < k->y0) k->y0 = y;
            if (y > k->y1) k->y1 = y;
        }
    SDL_UnlockSurface(s);
    assert_true(k->x1 >= k->x0); /* something was drawn */
    w = k->x1 - k->x0 + 1;
    memset(k->prof, 0, sizeof(k->prof));
    for (x = k->x0; x <= k->x1; x++) {
        k->prof[(x - k->x0) * BINS / w] += col[x];
        total += col[x];
    }
    for (x = 0; x < BINS; x++)
        k->prof[x] /= total;
}

/* L1 distance of two column profiles, 0 (same) to 2. */
static double profile_distance(const ink_t *a, const ink_t *b)
{
    double d = 0;
    int i;

    for (i = 0; i < BINS; i++)
        d += a->prof[i] > b->prof[i] ? a->prof[i] - b->prof[i]
                                     : b->prof[i] - a->prof[i];
    return d;
}

static SDL_Surface *white_canvas(SDL_Renderer **ren)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, CANVAS_W, CANVAS_H, 32,
                                                    SDL_PIXELFORMAT_XRGB8888);

    assert_non_null(s);
    *ren = SDL_CreateSoftwareRenderer(s);
    assert_non_null(*ren);
    assert_int_equal(SDL_SetRenderDrawColor(*ren, 255, 255, 255, 255), 0);
    assert_int_equal(SDL_RenderClear(*ren), 0);
    return s;
}

/* The words as the kiosk draws them, through the text module. */
static SDL_Surface *draw_kiosk(void)
{
    SDL_Renderer *ren;
    SDL_Surface *s = white_canvas(&ren);
    text_cache_t *t;
    SDL_Texture *tex;
    SDL_Rect dst = {20, 20, 0, 0};

    assert_int_equal(text_cache_create(&t, world.font[0], world.font_len[0],
                                       world.font[1], world.font_len[1]),
                     0);
    assert_int_equal(text_cache_add_khmer(t, world.font[2], world.font_len[2]),
                     0);
    tex = text_get(t, ren, PX, 0, 0x000000FFu, WORDS_ZW, strlen(WORDS_ZW),
                   &dst.w, &dst.h);
    assert_non_null(tex);
    assert_int_equal(SDL_RenderCopy(ren, tex, NULL, &dst), 0);
    SDL_RenderPresent(ren);
    text_cache_destroy(t);
    SDL_DestroyRenderer(ren);
    return s;
}

/* The same words one code point at a time: no shaping across them. */
static SDL_Surface *draw_unshaped(void)
{
    SDL_Renderer *ren;
    SDL_Surface *s = white_canvas(&ren), *g;
    SDL_RWops *rw = SDL_RWFromConstMem(world.font[2], (int)world.font_len[2]);
    TTF_Font *f;
    SDL_Color black = {0, 0, 0, 255};
    const char *p = WORDS_ZW;
    int x = 20;

    SDL_DestroyRenderer(ren);
    assert_non_null(rw);
    f = TTF_OpenFontRW(rw, 1, FACE_PX);
    assert_non_null(f);
    assert_int_equal(TTF_SetFontScriptName(f, "Khmr"), 0);
    while (*p) {
        char one[5] = {0};
        int n = 1;
        while ((p[n] & 0xC0) == 0x80)
            n++;
        memcpy(one, p, (size_t)n);
        p += n;
        if (strcmp(one, "\xE2\x80\x8B") == 0)
            continue;
        g = TTF_RenderUTF8_Blended(f, one, black);
        assert_non_null(g);
        {
            SDL_Rect at = {x, 20, g->w, g->h};
            assert_int_equal(SDL_BlitSurface(g, NULL, s, &at), 0);
        }
        x += g->w;
        SDL_FreeSurface(g);
    }
    TTF_CloseFont(f);
    return s;
}

/* HarfBuzz's reference: hb-view, same font file and size, to a PNG. */
static SDL_Surface *draw_reference(const char *dir)
{
    char words[256], cmd[1024], png[512];
    SDL_Surface *raw, *s;
    int n;

    n = snprintf(png, sizeof(png), "%s/ref.png", dir);
    assert_true(n > 0 && (size_t)n < sizeof(png));
    /* The words without U+200B. */
    {
        const char *p = WORDS_ZW;
        size_t o = 0;
        while (*p) {
            if (strncmp(p, "\xE2\x80\x8B", 3) == 0) {
                p += 3;
                continue;
            }
            assert_true(o + 1 < sizeof(words));
            words[o++] = *p++;
        }
        words[o] = '\0';
    }
    if (system("command -v hb-view >/dev/null 2>&1") != 0)
        fail_msg("hb-view is missing: install libharfbuzz-bin (make "
                 "deps-test)");
    n = snprintf(cmd, sizeof(cmd),
                 "hb-view --font-file=%s --font-size=%d --margin=20 "
                 "--foreground=000000 --background=FFFFFF "
                 "--output-format=png --output-file=%s '%s'",
                 FONT_KHMER, FACE_PX, png, words);
    assert_true(n > 0 && (size_t)n < sizeof(cmd));
    assert_int_equal(system(cmd), 0);
    raw = IMG_Load(png);
    if (!raw)
        fail_msg("cannot read %s: %s", png, IMG_GetError());
    s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_XRGB8888, 0);
    assert_non_null(s);
    SDL_FreeSurface(raw);
    unlink(png);
    return s;
}

static int close_to(int got, int want, int pct, int px)
{
    int tol = want * pct / 100;

    if (tol < px)
        tol = px;
    return got >= want - tol && got <= want + tol;
}

static void test_khmer_matches_harfbuzz(void **state)
{
    char dir[] = "/tmp/sipas-shaping-XXXXXX";
    SDL_Surface *ours, *ref, *flat;
    ink_t a, r, u;
    double d_ours, d_flat;
    int h_ref, h_ours, h_flat, w_ref, w_ours, w_flat;

    (void)state;
    assert_non_null(mkdtemp(dir));
    ours = draw_kiosk();
    ref = draw_reference(dir);
    flat = draw_unshaped();
    rmdir(dir);
    measure_ink(ours, &a);
    measure_ink(ref, &r);
    measure_ink(flat, &u);
    w_ref = r.x1 - r.x0 + 1;
    h_ref = r.y1 - r.y0 + 1;
    w_ours = a.x1 - a.x0 + 1;
    h_ours = a.y1 - a.y0 + 1;
    w_flat = u.x1 - u.x0 + 1;
    h_flat = u.y1 - u.y0 + 1;
    d_ours = profile_distance(&a, &r);
    d_flat = profile_distance(&u, &r);
    printf("ink box: hb-view %dx%d, kiosk %dx%d, unshaped %dx%d; column "
           "profile distance: kiosk %.3f, unshaped %.3f\n",
           w_ref, h_ref, w_ours, h_ours, w_flat, h_flat, d_ours, d_flat);
    /* The kiosk agrees with HarfBuzz: hinting may move edges a little. */
    assert_true(close_to(w_ours, w_ref, 3, 3));
    assert_true(close_to(h_ours, h_ref, 5, 3));
    assert_true(d_ours < 0.15);
    /* Unshaped text is told apart: subscripts sit on the line beside
     * their base and COENG takes room of its own, so the ink is much
     * wider and its columns fall elsewhere. */
    assert_false(close_to(w_flat, w_ref, 3, 3) && close_to(h_flat, h_ref, 5, 3));
    assert_true(w_flat > w_ref * 110 / 100);
    assert_true(d_flat > 3 * d_ours && d_flat > 0.3);
    SDL_FreeSurface(ours);
    SDL_FreeSurface(ref);
    SDL_FreeSurface(flat);
}

static int group_setup(void **state)
{
    static const char *const files[3] = {FONT_REGULAR, FONT_BOLD, FONT_KHMER};
    int i;

    (void)state;
    if (TTF_Init() != 0)
        return -1;
    for (i = 0; i < 3; i++) {
        FILE *fp = fopen(files[i], "rb");
        long n;
        if (!fp)
            return -1;
        if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) <= 0 ||
            fseek(fp, 0, SEEK_SET) != 0) {
            fclose(fp);
            return -1;
        }
        world.font[i] = malloc((size_t)n);
        world.font_len[i] = (size_t)n;
        if (!world.font[i] || fread(world.font[i], 1, (size_t)n, fp) != (size_t)n) {
            fclose(fp);
            return -1;
        }
        fclose(fp);
    }
    return 0;
}

static int group_teardown(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 3; i++)
        free(world.font[i]);
    TTF_Quit();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_khmer_matches_harfbuzz),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
