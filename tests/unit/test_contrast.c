#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "core/config.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/survey.h"
#include "ui/draw.h"
#include "ui/layout.h"
#include "ui/screens.h"
#include "ui/text.h"
#include "ui/theme.h"

/*
 * Text contrast as a citizen sees it: every screen is drawn by the
 * kiosk's own renderer into pixels (SDL's software renderer, what the
 * dummy driver's screenshots use), and for each line of text the colour
 * behind it (the most common colour of the line's box) and the colour of
 * its ink (the colour of that box farthest from the background, seen on
 * more than one pixel) are read back from those pixels. Their WCAG 2
 * contrast ratio must reach 4.5:1 in the default theme and 7:1 in high
 * contrast, at every resolution, with and without large text.
 */

#define FONT_REGULAR "assets/fonts/NotoSans-Regular.ttf"
#define FONT_BOLD "assets/fonts/NotoSans-Bold.ttf"
#define UI_WORDS "assets/i18n/ui.json"
#define SURVEY "assets/surveys/sipas-short.json"

#define MIN_DEFAULT 4.5
#define MIN_HIGH 7.0
#define T_BOOT UINT64_C(7200000)
#define STEP_MS 400
#define KIOSK_PIN "2468"
#define DOSSIER_NEW "000.00.07.H42-240517-0231"
#define DOSSIER_RATED "000.00.07.H42-230815-0005"
#define REPORT_MAX 60

typedef struct res {
    int w, h, dpi;
} res_t;

static const res_t resolutions[] = {
    {800, 480, 133}, {1024, 600, 170}, {1280, 800, 149},
    {1920, 1080, 141}, {720, 1280, 210},
};
#define N_RES (sizeof(resolutions) / sizeof(resolutions[0]))

typedef struct world {
    void *font[2];
    size_t font_len[2];
    i18n_t *i18n;
    survey_t *survey;
    double worst[2];        /* lowest ratio per theme */
    char worst_where[2][200];
    long lines[2];          /* lines measured per theme */
    long failures;
} world_t;

static world_t world;

static int group_setup(void **state)
{
    size_t len;
    char *text;
    err_t err;

    (void)state;
    memset(&world, 0, sizeof(world));
    world.worst[0] = world.worst[1] = 1000.0;
    if (TTF_Init() != 0)
        return -1;
    world.font[0] = testutil_read_file(FONT_REGULAR, &world.font_len[0]);
    world.font[1] = testutil_read_file(FONT_BOLD, &world.font_len[1]);
    text = testutil_read_file(UI_WORDS, &len);
    if (!world.font[0] || !world.font[1] || !text)
        return -1;
    if (i18n_parse(text, len, UI_WORDS, &world.i18n, &err) != 0) {
        free(text);
        return -1;
    }
    free(text);
    text = testutil_read_file(SURVEY, &len);
    if (!text)
        return -1;
    if (survey_parse(text, len, SURVEY, &world.survey, &err) != 0) {
        free(text);
        return -1;
    }
    free(text);
    return 0;
}

static int group_teardown(void **state)
{
    int i;

    (void)state;
    for (i = 0; i < 2; i++)
        if (world.lines[i] > 0)
            printf("%s: %ld lines of text, lowest contrast %.2f:1 (%s)\n",
                   i ? "high contrast" : "default", world.lines[i],
                   world.worst[i], world.worst_where[i]);
    survey_free(world.survey);
    i18n_free(world.i18n);
    free(world.font[0]);
    free(world.font[1]);
    TTF_Quit();
    return 0;
}

/* ---- WCAG 2 contrast -------------------------------------------------- */

static double channel(unsigned v)
{
    double c = v / 255.0;

    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t rgb)
{
    return 0.2126 * channel((rgb >> 16) & 0xff) +
           0.7152 * channel((rgb >> 8) & 0xff) + 0.0722 * channel(rgb & 0xff);
}

static double ratio(uint32_t a, uint32_t b)
{
    double la = luminance(a), lb = luminance(b);

    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Background and ink of the pixels of box in an XRGB8888 frame: the most
 * common colour, and the colour seen at least twice that stands out from
 * it most. Returns the ratio, 0 when the box shows one colour only. */
static double measure_box(const uint32_t *px, int fw, int fh, ui_rect_t box,
                          uint32_t *bg_out, uint32_t *ink_out)
{
    int x0 = box.x < 0 ? 0 : box.x, y0 = box.y < 0 ? 0 : box.y;
    int x1 = box.x + box.w > fw ? fw : box.x + box.w;
    int y1 = box.y + box.h > fh ? fh : box.y + box.h;
    size_t n = 0, i, run, best_run = 0;
    uint32_t *buf, bg = 0, ink = 0;
    double best = 0.0;
    int x, y;

    if (x1 <= x0 || y1 <= y0)
        return 0.0;
    buf = malloc(sizeof(*buf) * (size_t)(x1 - x0) * (size_t)(y1 - y0));
    if (!buf)
        return 0.0;
    for (y = y0; y < y1; y++)
        for (x = x0; x < x1; x++)
            buf[n++] = px[(size_t)y * (size_t)fw + (size_t)x] & 0xffffffu;
    qsort(buf, n, sizeof(*buf), cmp_u32);
    for (i = 0; i < n; i += run) {
        for (run = 1; i + run < n && buf[i + run] == buf[i]; run++)
            ;
        if (run > best_run) {
            best_run = run;
            bg = buf[i];
        }
    }
    for (i = 0; i < n; i += run) {
        double r;
        for (run = 1; i + run < n && buf[i + run] == buf[i]; run++)
            ;
        if (run < 2 || buf[i] == bg)
            continue;
        r = ratio(buf[i], bg);
        if (r > best) {
            best = r;
            ink = buf[i];
        }
    }
    free(buf);
    *bg_out = bg;
    *ink_out = ink;
    return best;
}

/* ---- a kiosk host ------------------------------------------------------ */

static int host_dossier_rated(void *ctx, const char *dossier)
{
    (void)ctx;
    return strcmp(dossier, DOSSIER_RATED) == 0;
}

static int host_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    int *fail = ctx;

    (void)r;
    if (*fail)
        return -1;
    *seq = 1;
    return 0;
}

static int host_pin_ok(void *ctx, const char *pin)
{
    (void)ctx;
    return strcmp(pin, KIOSK_PIN) == 0;
}

static void host_officer_changed(void *ctx, const char *code)
{
    (void)ctx;
    (void)code;
}

typedef struct rig {
    const res_t *res;
    int view;              /* bits: 1 high contrast, 2 large text */
    SDL_Surface *surf;
    SDL_Renderer *ren;
    text_cache_t *text;
    ui_measure_t m;
    config_t config;
    int fail_commits;
    flow_ops_t ops;
    flow_t flow;
    ui_info_t info;
    ui_screen_t screen;
    uint64_t now;
    uint32_t *frame;
} rig_t;

static void rig_step(rig_t *r)
{
    r->now += STEP_MS;
    flow_tick(&r->flow, r->now);
}

static void rig_tap(rig_t *r, const char *id)
{
    rig_step(r);
    flow_tap(&r->flow, id, r->now);
}

/* A fresh kiosk on the idle screen, in the view under test. */
static void rig_boot(rig_t *r)
{
    config_defaults(&r->config);
    r->fail_commits = 0;
    r->ops.ctx = &r->fail_commits;
    r->ops.dossier_rated = host_dossier_rated;
    r->ops.commit = host_commit;
    r->ops.pin_ok = host_pin_ok;
    r->ops.officer_changed = host_officer_changed;
    memset(&r->info, 0, sizeof(r->info));
    snprintf(r->info.unit_name, sizeof(r->info.unit_name), "%s",
             r->config.unit_name);
    r->now += 60000;
    flow_init(&r->flow, world.survey, &r->config, &r->ops, r->now);
    if (r->view & 1)
        rig_tap(r, "view.contrast");
    if (r->view & 2)
        rig_tap(r, "view.large");
}

/* Draws the screen the flow is on and measures every line of text. */
static void rig_check(rig_t *r, const char *what)
{
    const int high = (r->view & 1) != 0;
    const theme_t *th = theme_get(high);
    const double need = high ? MIN_HIGH : MIN_DEFAULT;
    ui_view_t v;
    int i, l;

    memset(&v, 0, sizeof(v));
    v.flow = &r->flow;
    v.i18n = world.i18n;
    v.info = &r->info;
    screens_build(&r->screen, &v, r->res->w, r->res->h, r->res->dpi, &r->m);
    assert_int_equal(r->screen.contrast, high);
    assert_int_equal(draw_screen(r->ren, r->text, &r->screen), 0);
    assert_int_equal(SDL_RenderReadPixels(r->ren, NULL,
                                          SDL_PIXELFORMAT_XRGB8888, r->frame,
                                          r->res->w * 4),
                     0);
    for (i = 0; i < r->screen.n; i++) {
        const ui_widget_t *w = &r->screen.items[i];
        ui_rect_t inner = w->r;
        int block, y0;

        if (!w->text || w->n_lines == 0 || w->kind == UI_HIDDEN)
            continue;
        /* A button's border (twice as thick when chosen) is not behind
         * its text: keep it out of the box. */
        if (w->kind != UI_LABEL) {
            int b = 2 * (w->r.h / th->border_div + th->border_add);
            inner = layout_inset(w->r, b, b);
        }
        block = w->n_lines * w->line_h;
        y0 = w->text_box.y + (w->text_box.h - block) / 2;
        for (l = 0; l < w->n_lines; l++) {
            const ui_line_t *ln = &w->lines[l];
            ui_rect_t box;
            uint32_t bg, ink;
            double got;

            box.x = w->align == UI_ALIGN_LEFT
                        ? w->text_box.x
                        : w->text_box.x + (w->text_box.w - ln->width) / 2;
            box.y = y0 + l * w->line_h;
            box.w = ln->width;
            box.h = w->line_h;
            /* The intersection with the inside of the button. */
            if (box.x < inner.x) {
                box.w -= inner.x - box.x;
                box.x = inner.x;
            }
            if (box.y < inner.y) {
                box.h -= inner.y - box.y;
                box.y = inner.y;
            }
            if (box.x + box.w > inner.x + inner.w)
                box.w = inner.x + inner.w - box.x;
            if (box.y + box.h > inner.y + inner.h)
                box.h = inner.y + inner.h - box.y;
            got = measure_box(r->frame, r->res->w, r->res->h, box, &bg, &ink);
            world.lines[high]++;
            if (got < world.worst[high]) {
                world.worst[high] = got;
                snprintf(world.worst_where[high],
                         sizeof(world.worst_where[high]),
                         "%dx%d %s, \"%.*s\", #%06X on #%06X", r->res->w,
                         r->res->h, what, ln->len > 40 ? 40 : ln->len,
                         w->text + ln->off, (unsigned)ink, (unsigned)bg);
            }
            if (got < need) {
                world.failures++;
                if (world.failures <= REPORT_MAX)
                    printf("FAIL %dx%d view %d %s: \"%.*s\" #%06X on #%06X "
                           "is %.2f:1, needs %.1f:1\n",
                           r->res->w, r->res->h, r->view, what, ln->len,
                           w->text + ln->off, (unsigned)ink, (unsigned)bg,
                           got, need);
            }
        }
    }
}

static void fill_admin(rig_t *r)
{
    static const struct {
        const char *key, *value;
    } lines[] = {
        {"admin.unit", "DEMO-XA-01 – Trung tâm Phục vụ hành chính công"},
        {"admin.counter", "Quầy 1"},
        {"admin.responses", "12873 (12650)"},
        {"admin.storage", "18.4 MB / 27.3 GB"},
        {"admin.error", "damaged database moved aside; a new one was started"},
    };
    size_t i;

    r->info.n_admin = (int)(sizeof(lines) / sizeof(lines[0]));
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        r->info.admin[i].key = lines[i].key;
        snprintf(r->info.admin[i].value, sizeof(r->info.admin[i].value),
                 "%s", lines[i].value);
    }
}

/* Every kind of screen and every text style: idle (notice, officer,
 * figure, a failed provisioning banner), field, question, choices with
 * some chosen, thanks, already rated, the PIN (wrong), admin, the touch
 * grid (cells passed), paused and out of service with a detail. */
static void walk(rig_t *r)
{
    int i;

    rig_boot(r);
    snprintf(r->info.officer_name, sizeof(r->info.officer_name), "%s",
             "Nguyễn Thị Hoa");
    snprintf(r->info.figure, sizeof(r->info.figure), "%s", "87%");
    rig_check(r, "idle");
    flow_scan(&r->flow, "CB:CB001", r->now);
    rig_check(r, "idle, notice");
    snprintf(r->info.banner, sizeof(r->info.banner), "%s",
             "Chưa kết nối được máy chủ tỉnh. Kiểm tra mạng rồi khởi động lại.");
    r->info.banner_failed = 1;
    r->now += 5000;
    rig_check(r, "idle, banner");
    r->info.banner[0] = '\0';
    rig_tap(r, "start");
    rig_check(r, "field");
    rig_tap(r, "field.dat-dai");
    rig_check(r, "question");
    rig_tap(r, "answer.1");
    rig_step(r);
    rig_tap(r, "reason.thai-do");
    rig_tap(r, "reason.cho-lau");
    rig_check(r, "reasons");
    rig_tap(r, "next");
    for (i = 0; i < 8 && r->flow.screen == FLOW_QUESTION; i++) {
        rig_tap(r, "answer.5");
        rig_step(r);
    }
    rig_check(r, "thanks");

    rig_boot(r);
    flow_scan(&r->flow, DOSSIER_RATED, r->now);
    rig_check(r, "already-rated");

    rig_boot(r);
    for (i = 0; i < r->config.admin_taps; i++)
        rig_tap(r, "admin.corner");
    rig_tap(r, "pin.1");
    rig_tap(r, "pin.ok");
    rig_check(r, "pin, wrong");
    rig_tap(r, "pin.2");
    rig_tap(r, "pin.4");
    rig_tap(r, "pin.6");
    rig_tap(r, "pin.8");
    rig_tap(r, "pin.ok");
    fill_admin(r);
    rig_check(r, "admin");
    rig_tap(r, "admin.selftest");
    rig_tap(r, "grid.0");
    rig_tap(r, "grid.5");
    rig_check(r, "touch grid");

    rig_boot(r);
    rig_tap(r, "start");
    rig_tap(r, "field.dat-dai");
    rig_tap(r, "answer.5");
    rig_step(r);
    r->fail_commits = 1;
    r->now += (uint64_t)r->config.inactivity_ms;
    flow_tick(&r->flow, r->now);
    snprintf(r->info.detail, sizeof(r->info.detail), "%s",
             "storage: disk I/O error (database or disk is full)");
    rig_check(r, "paused");
    flow_set_out_of_service(&r->flow);
    rig_check(r, "out-of-service");
}

static void test_screens(void **state)
{
    const res_t *res = *state;
    rig_t *r = calloc(1, sizeof(*r));
    long before = world.failures;

    assert_non_null(r);
    r->res = res;
    r->now = T_BOOT;
    r->surf = SDL_CreateRGBSurfaceWithFormat(0, res->w, res->h, 32,
                                             SDL_PIXELFORMAT_XRGB8888);
    assert_non_null(r->surf);
    r->ren = SDL_CreateSoftwareRenderer(r->surf);
    assert_non_null(r->ren);
    assert_int_equal(text_cache_create(&r->text, world.font[0],
                                       world.font_len[0], world.font[1],
                                       world.font_len[1]),
                     0);
    r->m.ctx = r->text;
    r->m.width = text_measure;
    r->frame = malloc((size_t)res->w * (size_t)res->h * 4);
    assert_non_null(r->frame);
    for (r->view = 0; r->view < 4; r->view++)
        walk(r);
    free(r->frame);
    text_cache_destroy(r->text);
    SDL_DestroyRenderer(r->ren);
    SDL_FreeSurface(r->surf);
    free(r);
    fflush(stdout);
    assert_int_equal(world.failures - before, 0);
}

/* The measure itself: grey hint text on the default ground, as it would
 * look with a colour too light, is caught; the default ink is not. */
static void test_measure_catches_low_contrast(void **state)
{
    static const uint32_t inks[2] = {0x9AA5B1FFu, 0x3E5470FFu};
    const theme_t *th = theme_get(0);
    SDL_Surface *surf;
    SDL_Renderer *ren;
    text_cache_t *text;
    uint32_t *frame, bg, ink;
    SDL_Texture *tex;
    SDL_Rect dst = {10, 10, 0, 0};
    ui_rect_t box;
    int i, tw, th_px;
    double got[2];

    (void)state;
    surf = SDL_CreateRGBSurfaceWithFormat(0, 400, 60, 32,
                                          SDL_PIXELFORMAT_XRGB8888);
    assert_non_null(surf);
    ren = SDL_CreateSoftwareRenderer(surf);
    assert_non_null(ren);
    assert_int_equal(text_cache_create(&text, world.font[0],
                                       world.font_len[0], world.font[1],
                                       world.font_len[1]),
                     0);
    frame = malloc(400 * 60 * 4);
    assert_non_null(frame);
    for (i = 0; i < 2; i++) {
        assert_int_equal(SDL_SetRenderDrawColor(ren, (Uint8)(th->bg >> 24),
                                                (Uint8)(th->bg >> 16),
                                                (Uint8)(th->bg >> 8), 255),
                         0);
        assert_int_equal(SDL_RenderClear(ren), 0);
        tex = text_get(text, ren, 16, 0, inks[i], "Hoặc quét mã hồ sơ", 25,
                       &tw, &th_px);
        assert_non_null(tex);
        dst.w = tw;
        dst.h = th_px;
        assert_int_equal(SDL_RenderCopy(ren, tex, NULL, &dst), 0);
        assert_int_equal(SDL_RenderReadPixels(ren, NULL,
                                              SDL_PIXELFORMAT_XRGB8888, frame,
                                              400 * 4),
                         0);
        box.x = dst.x;
        box.y = dst.y;
        box.w = tw;
        box.h = th_px;
        got[i] = measure_box(frame, 400, 60, box, &bg, &ink);
        assert_int_equal(bg, th->bg >> 8);
    }
    printf("grey #9AA5B1 measures %.2f:1, default soft ink %.2f:1\n", got[0],
           got[1]);
    assert_true(got[0] < MIN_DEFAULT);
    assert_true(got[1] >= MIN_DEFAULT);
    free(frame);
    text_cache_destroy(text);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_catches_low_contrast),
        cmocka_unit_test_prestate(test_screens, (void *)&resolutions[0]),
        cmocka_unit_test_prestate(test_screens, (void *)&resolutions[1]),
        cmocka_unit_test_prestate(test_screens, (void *)&resolutions[2]),
        cmocka_unit_test_prestate(test_screens, (void *)&resolutions[3]),
        cmocka_unit_test_prestate(test_screens, (void *)&resolutions[4]),
    };

    (void)N_RES;
    return cmocka_run_group_tests_name("contrast", tests, group_setup,
                                       group_teardown);
}
