#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "core/config.h"
#include "core/provresult.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/survey.h"
#include "ui/layout.h"
#include "ui/screens.h"
#include "ui/text.h"

/*
 * Every screen of the flow, reached the way a citizen or a technician
 * reaches it, built at every supported panel in every language with the
 * real fonts, and held to the interface contract: text fits at a readable
 * size, nothing leaves the screen, touch targets are large, apart and
 * reachable, and every widget id the flow listens for is there. All of it
 * in each view a citizen can ask for on the idle screen: default, high
 * contrast, large text, and both; and with the display set for low reach,
 * where a portrait panel keeps every citizen's control out of its top
 * third (a wheelchair user cannot reach it) and a landscape one is laid
 * out exactly as with full reach.
 */

#define FONT_REGULAR "assets/fonts/NotoSans-Regular.ttf"
#define FONT_BOLD "assets/fonts/NotoSans-Bold.ttf"
#define FONT_KHMER "assets/fonts/NotoSansKhmer-Regular.ttf"
#define UI_WORDS "assets/i18n/ui.json"

#define TARGET_MM 9.0   /* smallest touch target */
#define MIN_TEXT_MM 2.2 /* smallest text, with a floor in pixels */
#define MIN_TEXT_PX 12

#define T_BOOT UINT64_C(7200000)
#define STEP_MS 400 /* between taps: longer than any highlight */
#define KIOSK_PIN "2468"
#define WRONG_PIN "1357"
#define BADGE "CB:CB001"
#define OFFICER_NAME "Nguyễn Thị Hoa"
#define DOSSIER_NEW "000.00.07.H42-240517-0231"
#define DOSSIER_RATED "000.00.07.H42-230815-0005"
#define REPORT_MAX 400 /* failures printed in full; all are counted */

/* A technician's detail as the kiosk composes it: a storage failure that
 * names a deep path, 200 characters long. */
static const char long_detail[] =
    "storage: cannot open database in /var/lib/sipas-kiosk/data/"
    "ubnd-xa-minh-tan/quay-tiep-nhan-01/responses.sqlite3 "
    "(unable to open database file: permission denied, errno 13); "
    "responses are kept in memory";

typedef struct res {
    int w, h, dpi;
} res_t;

/* The last is a 21.5" floor-standing portrait totem: the tallest reach. */
static const res_t resolutions[] = {
    {800, 480, 133}, {1024, 600, 170}, {1280, 800, 149},
    {1920, 1080, 141}, {720, 1280, 210}, {1080, 1920, 102},
};
#define N_RES (sizeof(resolutions) / sizeof(resolutions[0]))

/* One run of every screen: a panel and the display's reach setting. */
typedef struct pass {
    const res_t *res;
    config_reach_t reach;
} pass_t;

static const char *const reach_names[] = {"reach-full", "reach-low"};

/* Khmer stacks vowels above and subscript consonants below its letters,
 * and is drawn with its own face: its lines are the tallest. */
static const char *const langs[] = {"vi", "en", "km"};

/* Views: bit 0 high contrast, bit 1 large text. */
#define N_VIEWS 4
static const char *const view_names[N_VIEWS] = {"default", "high-contrast",
                                                "large-text",
                                                "high-contrast+large-text"};

static const char *const survey_files[] = {
    "assets/surveys/sipas-short.json",
    "assets/surveys/sipas-full.json",
    "assets/surveys/c01-counter.json",
};
#define N_SURVEYS (sizeof(survey_files) / sizeof(survey_files[0]))

static const char *const all_fields[] = {
    "dat-dai", "xay-dung", "dau-tu", "tu-phap", "moi-truong",
    "lao-dong", "y-te", "giao-duc", "khac",
};

/* ---- what every test shares ------------------------------------------- */

typedef struct world {
    void *font[3];
    size_t font_len[3];
    text_cache_t *text;
    ui_measure_t m;
    i18n_t *i18n;
    survey_t *surveys[N_SURVEYS];
    int ttf;
    long screens;  /* screens built and checked, all resolutions */
    long failures; /* all resolutions */
} world_t;

static world_t world;

static void *read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    if (!fp) {
        fprintf(stderr, "cannot open %s (run from the repository root)\n",
                path);
        return NULL;
    }
    if (fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0) {
        fclose(fp);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static int group_setup(void **state)
{
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 32];
    size_t i, len;
    char *text;
    err_t err;

    (void)state;
    memset(&world, 0, sizeof(world));
    if (TTF_Init() != 0) {
        fprintf(stderr, "TTF_Init: %s\n", TTF_GetError());
        return -1;
    }
    world.ttf = 1;
    world.font[0] = read_file(FONT_REGULAR, &world.font_len[0]);
    world.font[1] = read_file(FONT_BOLD, &world.font_len[1]);
    world.font[2] = read_file(FONT_KHMER, &world.font_len[2]);
    if (!world.font[0] || !world.font[1] || !world.font[2])
        return -1;
    if (text_cache_create(&world.text, world.font[0], world.font_len[0],
                          world.font[1], world.font_len[1]) != 0)
        return -1;
    if (text_cache_add_khmer(world.text, world.font[2], world.font_len[2]) !=
        0)
        return -1;
    world.m.ctx = world.text;
    world.m.width = text_measure;
    text = read_file(UI_WORDS, &len);
    if (!text)
        return -1;
    if (i18n_parse(text, len, UI_WORDS, &world.i18n, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fprintf(stderr, "%s\n", msg);
        free(text);
        return -1;
    }
    free(text);
    for (i = 0; i < N_SURVEYS; i++) {
        text = read_file(survey_files[i], &len);
        if (!text)
            return -1;
        if (survey_parse(text, len, survey_files[i], &world.surveys[i],
                         &err) != 0) {
            err_format(&err, msg, sizeof(msg));
            fprintf(stderr, "%s\n", msg);
            free(text);
            return -1;
        }
        free(text);
    }
    return 0;
}

static int group_teardown(void **state)
{
    size_t i;

    (void)state;
    if (world.screens > 0)
        printf("screens checked: %ld (resolution x language x screen), "
               "failures: %ld\n",
               world.screens, world.failures);
    for (i = 0; i < N_SURVEYS; i++)
        survey_free(world.surveys[i]);
    i18n_free(world.i18n);
    text_cache_destroy(world.text);
    free(world.font[0]);
    free(world.font[1]);
    free(world.font[2]);
    if (world.ttf)
        TTF_Quit();
    return 0;
}

/* ---- a kiosk host the flow talks to ----------------------------------- */

typedef struct host {
    int fail_commits; /* commits fail while this is set */
    int commits;
} host_t;

static int host_dossier_rated(void *ctx, const char *dossier)
{
    (void)ctx;
    return strcmp(dossier, DOSSIER_RATED) == 0;
}

static int host_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    host_t *h = ctx;

    (void)r;
    if (h->fail_commits)
        return -1;
    *seq = ++h->commits;
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

/* ---- one kiosk at one resolution in one language ----------------------- */

typedef struct kiosk {
    const res_t *res;
    config_reach_t reach;
    const char *lang;
    int view;          /* bits: 1 high contrast, 2 large text */
    config_t config;
    host_t host;
    flow_ops_t ops;
    flow_t flow;
    ui_info_t info;
    uint64_t now;
    char where[160];   /* the screen being checked, for messages */
    int failures;
    int screens;
    ui_screen_t screen;
    ui_screen_t twin;  /* the same screen with full reach */
} kiosk_t;

static void bad(kiosk_t *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void bad(kiosk_t *k, const char *fmt, ...)
{
    va_list ap;

    k->failures++;
    world.failures++;
    if (world.failures > REPORT_MAX) {
        if (world.failures == REPORT_MAX + 1)
            printf("(further failures are counted, not printed)\n");
        return;
    }
    printf("FAIL %dx%d@%d %s %s %s %s: ", k->res->w, k->res->h, k->res->dpi,
           reach_names[k->reach], k->lang, view_names[k->view], k->where);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

/* A fresh kiosk on the idle screen in the language under test. */
static void kiosk_boot(kiosk_t *k, const survey_t *s, int all_the_fields)
{
    size_t i;

    memset(&k->config, 0, sizeof(k->config));
    config_defaults(&k->config);
    if (all_the_fields) {
        k->config.n_fields = 0;
        for (i = 0; i < sizeof(all_fields) / sizeof(all_fields[0]); i++)
            snprintf(k->config.fields[k->config.n_fields++], CONFIG_CODE_MAX,
                     "%s", all_fields[i]);
    }
    k->config.reach = k->reach;
    memset(&k->host, 0, sizeof(k->host));
    k->ops.ctx = &k->host;
    k->ops.dossier_rated = host_dossier_rated;
    k->ops.commit = host_commit;
    k->ops.pin_ok = host_pin_ok;
    k->ops.officer_changed = host_officer_changed;
    memset(&k->info, 0, sizeof(k->info));
    snprintf(k->info.unit_name, sizeof(k->info.unit_name), "%s",
             k->config.unit_name);
    k->now += 60000; /* well apart from the previous citizen */
    flow_init(&k->flow, s, &k->config, &k->ops, k->now);
    snprintf(k->where, sizeof(k->where), "idle (choosing the language)");
}

/* A finger can only press what the screen shows: the widget must be on
 * the screen as built now, and a touch at its centre must reach it. */
static void reach(kiosk_t *k, const char *id)
{
    const ui_widget_t *w;
    ui_view_t v;

    memset(&v, 0, sizeof(v));
    v.flow = &k->flow;
    v.i18n = world.i18n;
    v.info = &k->info;
    screens_build(&k->screen, &v, k->res->w, k->res->h, k->res->dpi,
                  &world.m);
    w = layout_find(&k->screen, id);
    if (!w)
        bad(k, "cannot tap '%s': it is not on screen %s", id,
            flow_screen_id(k->flow.screen));
    else if (layout_hit(&k->screen, w->r.x + w->r.w / 2,
                        w->r.y + w->r.h / 2) != w)
        bad(k, "cannot tap '%s' on screen %s: something covers it", id,
            flow_screen_id(k->flow.screen));
}

static void tap(kiosk_t *k, const char *id)
{
    flow_screen_t before;

    k->now += STEP_MS;
    flow_tick(&k->flow, k->now);
    before = k->flow.screen;
    reach(k, id);
    if (flow_tap(&k->flow, id, k->now) != 1)
        bad(k, "tap on '%s' ignored on screen %s", id,
            flow_screen_id(before));
}

static void tapf(kiosk_t *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void tapf(kiosk_t *k, const char *fmt, ...)
{
    char id[UI_ID_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(id, sizeof(id), fmt, ap);
    va_end(ap);
    tap(k, id);
}

/* A tap that may legitimately change nothing visible (the admin corner
 * counts taps silently). */
static void tap_quiet(kiosk_t *k, const char *id)
{
    k->now += STEP_MS;
    flow_tick(&k->flow, k->now);
    reach(k, id);
    flow_tap(&k->flow, id, k->now);
}

static void scan(kiosk_t *k, const char *text)
{
    k->now += STEP_MS;
    flow_tick(&k->flow, k->now);
    if (flow_scan(&k->flow, text, k->now) != 1)
        bad(k, "scan of '%s' ignored on screen %s", text,
            flow_screen_id(k->flow.screen));
}

/* Lets the highlight of an answer run out. */
static void settle(kiosk_t *k)
{
    k->now += STEP_MS;
    flow_tick(&k->flow, k->now);
}

/* What a citizen chooses on the idle screen: the language, then the view
 * under test. */
static void choose_language(kiosk_t *k)
{
    tapf(k, "lang.%s", k->lang);
    if (k->view & 1)
        tap(k, "view.contrast");
    if (k->view & 2)
        tap(k, "view.large");
}

static int expect_screen(kiosk_t *k, flow_screen_t want)
{
    if (k->flow.screen == want)
        return 1;
    bad(k, "the flow is on screen %s, expected %s",
        flow_screen_id(k->flow.screen), flow_screen_id(want));
    return 0;
}

/* ---- checking one built screen ---------------------------------------- */

static int touchable(const ui_widget_t *w)
{
    return w->kind != UI_LABEL && w->kind != UI_PANEL;
}

/* A widget as a reader of the failure would recognise it. */
static const char *name_of(const ui_widget_t *w, char *buf, size_t cap)
{
    const char *t = w->text ? w->text : "";
    size_t n = strlen(t);

    if (w->id[0]) {
        snprintf(buf, cap, "'%s'", w->id);
        return buf;
    }
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)t[n] & 0xc0) == 0x80)
            n--; /* never cut a character in two */
    }
    snprintf(buf, cap, "%s \"%.*s%s\"", w->kind == UI_PANEL ? "panel" : "label",
             (int)n, t, strlen(t) > n ? "..." : "");
    return buf;
}

/* Bytes of s[from..to) that are drawn: not spaces, line feeds or the
 * U+200B (E2 80 8B) that marks where Khmer may break. */
static size_t inked_bytes(const char *s, size_t from, size_t to)
{
    size_t i, n = 0;

    for (i = from; i < to; i++) {
        if (i + 2 < to && (unsigned char)s[i] == 0xE2 &&
            (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x8B) {
            i += 2;
            continue;
        }
        n += s[i] != ' ' && s[i] != '\n';
    }
    return n;
}

static void check_text(kiosk_t *k, const ui_widget_t *w, const char *name,
                       int min_px)
{
    size_t len = strlen(w->text), inked = 0, covered = 0;
    int l, width;

    if (w->overflow) {
        bad(k, "widget %s: text does not fit even at %d px (box %dx%d)", name,
            min_px, w->text_box.w, w->text_box.h);
        return;
    }
    if (w->n_lines < 1 || w->n_lines > UI_LINES_MAX) {
        bad(k, "widget %s: text laid out in %d lines", name, w->n_lines);
        return;
    }
    if (w->font_px < min_px)
        bad(k, "widget %s: text at %d px, below the minimum %d px", name,
            w->font_px, min_px);
    if (w->n_lines * w->line_h > w->text_box.h)
        bad(k, "widget %s: %d lines of %d px need %d px, text box is %d px "
               "high",
            name, w->n_lines, w->line_h, w->n_lines * w->line_h,
            w->text_box.h);
    for (l = 0; l < w->n_lines; l++) {
        const ui_line_t *ln = &w->lines[l];
        if (ln->off < 0 || ln->len <= 0 || (size_t)(ln->off + ln->len) > len) {
            bad(k, "widget %s: line %d spans bytes %d+%d of %zu", name,
                l + 1, ln->off, ln->len, len);
            return;
        }
        if (world.m.width(world.m.ctx, w->font_px, w->bold,
                          w->text + ln->off, (size_t)ln->len, &width) != 0) {
            bad(k, "widget %s: line %d cannot be measured", name, l + 1);
            continue;
        }
        if (width != ln->width)
            bad(k, "widget %s: line %d measures %d px, layout recorded %d",
                name, l + 1, width, ln->width);
        if (width > w->text_box.w)
            bad(k, "widget %s: line %d \"%.*s\" is %d px wide at %d px, "
                   "text box is %d px",
                name, l + 1, ln->len, w->text + ln->off, width, w->font_px,
                w->text_box.w);
        covered += inked_bytes(w->text, (size_t)ln->off,
                               (size_t)(ln->off + ln->len));
    }
    /* Nothing of the text is dropped between lines. */
    inked = inked_bytes(w->text, 0, len);
    if (covered != inked)
        bad(k, "widget %s: lines show %zu of %zu characters", name, covered,
            inked);
}

static void check_rects(kiosk_t *k, const ui_screen_t *s, const ui_widget_t *w,
                        const char *name)
{
    ui_rect_t all = {0, 0, s->w, s->h};

    if (w->r.w <= 0 || w->r.h <= 0)
        bad(k, "widget %s: empty rectangle %dx%d", name, w->r.w, w->r.h);
    if (!layout_rect_contains(all, w->r))
        bad(k, "widget %s: rectangle (%d,%d %dx%d) leaves the %dx%d screen",
            name, w->r.x, w->r.y, w->r.w, w->r.h, s->w, s->h);
    if (w->text && w->text[0] && !layout_rect_contains(w->r, w->text_box))
        bad(k, "widget %s: text box (%d,%d %dx%d) leaves its rectangle "
               "(%d,%d %dx%d)",
            name, w->text_box.x, w->text_box.y, w->text_box.w, w->text_box.h,
            w->r.x, w->r.y, w->r.w, w->r.h);
    if (w->icon.w > 0 && !layout_rect_contains(w->r, w->icon))
        bad(k, "widget %s: icon (%d,%d %dx%d) leaves its rectangle "
               "(%d,%d %dx%d)",
            name, w->icon.x, w->icon.y, w->icon.w, w->icon.h, w->r.x, w->r.y,
            w->r.w, w->r.h);
}

static void check_pairs(kiosk_t *k, const ui_screen_t *s)
{
    char na[96], nb[96];
    int i, j;

    for (i = 0; i < s->n; i++) {
        const ui_widget_t *a = &s->items[i];
        for (j = i + 1; j < s->n; j++) {
            const ui_widget_t *b = &s->items[j];
            const ui_widget_t *label = NULL, *touch = NULL;

            if (a->id[0] && strcmp(a->id, b->id) == 0)
                bad(k, "widget id '%s' appears twice", a->id);
            if (!layout_rects_overlap(a->r, b->r))
                continue;
            if (touchable(a) && touchable(b)) {
                bad(k, "touchable widgets %s and %s overlap",
                    name_of(a, na, sizeof(na)), name_of(b, nb, sizeof(nb)));
                continue;
            }
            if (a->kind == UI_LABEL && touchable(b)) {
                label = a;
                touch = b;
            } else if (b->kind == UI_LABEL && touchable(a)) {
                label = b;
                touch = a;
            }
            if (!label || !label->text || !label->text[0])
                continue;
            if (touch->kind == UI_HIDDEN && label->style == UI_STYLE_HEADER)
                continue; /* the admin corner lies over the header */
            if (touch->kind == UI_HIDDEN &&
                strcmp(touch->id, FLOW_ID_PROMPT) == 0)
                continue; /* listening: the question's words are the target */
            bad(k, "label %s overlaps touchable widget %s",
                name_of(label, na, sizeof(na)),
                name_of(touch, nb, sizeof(nb)));
        }
    }
}

static void check_touch(kiosk_t *k, const ui_screen_t *s, const ui_widget_t *w,
                        const char *name)
{
    int target = layout_mm(s, TARGET_MM);
    const ui_widget_t *hit;

    if (w->kind != UI_HIDDEN && (w->r.w < target || w->r.h < target))
        bad(k, "widget %s: %dx%d px, below the %.0f mm target (%d px)", name,
            w->r.w, w->r.h, TARGET_MM, target);
    hit = layout_hit(s, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2);
    if (hit != w) {
        char other[96];
        bad(k, "widget %s: a touch at its centre reaches %s", name,
            hit ? name_of(hit, other, sizeof(other)) : "nothing");
    }
}

/* Widgets of one kind that screens.c sizes together share one text size. */
static void check_equal_size(kiosk_t *k, const ui_screen_t *s, ui_kind_t kind,
                             const char *prefix, const char *what)
{
    const ui_widget_t *first = NULL;
    char na[96], nb[96];
    int i;

    for (i = 0; i < s->n; i++) {
        const ui_widget_t *w = &s->items[i];
        if (w->kind != kind || !w->text || !w->text[0] ||
            strncmp(w->id, prefix, strlen(prefix)) != 0)
            continue;
        if (!first) {
            first = w;
        } else if (w->font_px != first->font_px) {
            bad(k, "%s are not equalised: %s at %d px, %s at %d px", what,
                name_of(first, na, sizeof(na)), first->font_px,
                name_of(w, nb, sizeof(nb)), w->font_px);
            return;
        }
    }
}

static void require(kiosk_t *k, const ui_screen_t *s, const char *id)
{
    if (!layout_find(s, id))
        bad(k, "required widget '%s' is missing", id);
}

static void requiref(kiosk_t *k, const ui_screen_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void requiref(kiosk_t *k, const ui_screen_t *s, const char *fmt, ...)
{
    char id[UI_ID_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(id, sizeof(id), fmt, ap);
    va_end(ap);
    require(k, s, id);
}

/* The widget ids of the script-mode contract (README.md), from the flow's own state. */
static void check_contract(kiosk_t *k, const ui_screen_t *s)
{
    const flow_t *f = &k->flow;
    const survey_question_t *q = flow_current_question(f);
    int i, chosen = 0, shown = 0;
    const ui_widget_t *w;

    switch (f->screen) {
    case FLOW_IDLE:
        require(k, s, "start");
        require(k, s, "lang.vi");
        require(k, s, "lang.en");
        for (i = 0; i < f->config->n_langs; i++)
            requiref(k, s, "lang.%s", f->config->langs[i]);
        require(k, s, "admin.corner");
        require(k, s, "view.contrast");
        require(k, s, "view.large");
        require(k, s, VIEW_ID_LISTEN);
        /* On and off read from the tick box, not from colour alone. */
        w = layout_find(s, "view.contrast");
        if (w && (w->kind != UI_CHIP || !w->selected != !f->view.contrast))
            bad(k, "'view.contrast' is not a tick box showing %d",
                f->view.contrast);
        w = layout_find(s, "view.large");
        if (w && (w->kind != UI_CHIP || !w->selected != !f->view.large))
            bad(k, "'view.large' is not a tick box showing %d", f->view.large);
        w = layout_find(s, VIEW_ID_LISTEN);
        if (w && (w->kind != UI_CHIP || !w->selected != !f->view.listen ||
                  w->face != UI_CHIP_SPEAKER))
            bad(k, "'view.listen' is not a tick box with a speaker showing %d",
                f->view.listen);
        break;
    case FLOW_FIELD:
        for (i = 0; i < f->config->n_fields; i++)
            requiref(k, s, "field.%s", f->config->fields[i]);
        require(k, s, "back");
        break;
    case FLOW_QUESTION:
        if (!q) {
            bad(k, "no current question");
            break;
        }
        for (i = 0; i < q->n_options; i++)
            requiref(k, s, "answer.%d", q->options[i].value);
        require(k, s, "back");
        if (q->skippable)
            require(k, s, "skip");
        else if (layout_find(s, "skip"))
            bad(k, "'skip' offered on a question that cannot be skipped");
        break;
    case FLOW_REASONS:
    case FLOW_CHOICES:
        if (!q) {
            bad(k, "no current question");
            break;
        }
        for (i = 0; i < q->n_options; i++) {
            requiref(k, s, "reason.%s", q->options[i].code);
            chosen += f->chosen[i] != 0;
        }
        require(k, s, "next");
        require(k, s, "back");
        for (i = 0; i < s->n; i++)
            /* bit 0 is chosen; bit 1 pressed (or heard, when listening) */
            shown += s->items[i].kind == UI_CHIP && (s->items[i].selected & 1);
        if (shown != chosen)
            bad(k, "%d chips shown chosen, the flow has %d", shown, chosen);
        break;
    case FLOW_THANKS:
    case FLOW_ALREADY:
        require(k, s, "done");
        break;
    case FLOW_PIN:
        for (i = 0; i <= 9; i++)
            requiref(k, s, "pin.%d", i);
        require(k, s, "pin.del");
        require(k, s, "pin.ok");
        require(k, s, "back");
        break;
    case FLOW_ADMIN:
        require(k, s, "admin.selftest");
        require(k, s, "admin.signout");
        require(k, s, "admin.exit");
        require(k, s, "done");
        break;
    case FLOW_SELFTEST:
        for (i = 0; i < FLOW_GRID_CELLS; i++)
            requiref(k, s, "grid.%d", i);
        require(k, s, "done");
        break;
    case FLOW_PAUSED:
    case FLOW_OUT_OF_SERVICE:
    case FLOW_SCREEN_COUNT:
        break;
    }
    w = layout_find(s, "admin.corner");
    if (w && w->kind != UI_HIDDEN)
        bad(k, "'admin.corner' is visible");
}

/* The technician's screens may use the whole panel. */
static int citizen_screen(flow_screen_t screen)
{
    return screen != FLOW_PIN && screen != FLOW_ADMIN &&
           screen != FLOW_SELFTEST;
}

/* Low reach on a portrait panel: every control a citizen can touch
 * starts at or below a third of the height. The admin corner is the
 * technician's hidden gesture, not a citizen's control. */
static void check_reach_low(kiosk_t *k, const ui_screen_t *s)
{
    char name[96];
    int i;

    if (!citizen_screen(k->flow.screen))
        return;
    for (i = 0; i < s->n; i++) {
        const ui_widget_t *w = &s->items[i];
        if (!touchable(w) || strcmp(w->id, "admin.corner") == 0)
            continue;
        if (w->r.y * 3 < s->h)
            bad(k, "widget %s: top at y=%d, above the reach line at %d "
                   "(a third of %d)",
                name_of(w, name, sizeof(name)), w->r.y, (s->h + 2) / 3, s->h);
    }
}

static int same_rect(ui_rect_t a, ui_rect_t b)
{
    return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* Low reach on a landscape panel: the screen is the one full reach
 * builds, widget for widget. */
static void check_reach_ignored(kiosk_t *k, const ui_screen_t *s,
                                const ui_view_t *v)
{
    ui_screen_t *t = &k->twin;
    char name[96];
    int i;

    k->config.reach = CONFIG_REACH_FULL;
    screens_build(t, v, k->res->w, k->res->h, k->res->dpi, &world.m);
    k->config.reach = k->reach;
    if (t->n != s->n) {
        bad(k, "%d widgets with low reach, %d with full reach", s->n, t->n);
        return;
    }
    for (i = 0; i < s->n; i++) {
        const ui_widget_t *a = &s->items[i], *b = &t->items[i];
        if (!same_rect(a->r, b->r) || !same_rect(a->text_box, b->text_box) ||
            !same_rect(a->icon, b->icon) || a->font_px != b->font_px)
            bad(k, "widget %s: at (%d,%d %dx%d) with low reach, (%d,%d "
                   "%dx%d) with full reach",
                name_of(a, name, sizeof(name)), a->r.x, a->r.y, a->r.w,
                a->r.h, b->r.x, b->r.y, b->r.w, b->r.h);
    }
}

/* Builds the screen the flow is on and checks every invariant. */
static void check_screen(kiosk_t *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void check_screen(kiosk_t *k, const char *fmt, ...)
{
    ui_screen_t *s = &k->screen;
    ui_view_t v;
    char name[96];
    va_list ap;
    int i, rc, min_px;

    va_start(ap, fmt);
    vsnprintf(k->where, sizeof(k->where), fmt, ap);
    va_end(ap);
    memset(&v, 0, sizeof(v));
    v.flow = &k->flow;
    v.i18n = world.i18n;
    v.info = &k->info;
    rc = screens_build(s, &v, k->res->w, k->res->h, k->res->dpi, &world.m);
    k->screens++;
    world.screens++;
    if (rc != 0)
        bad(k, "screens_build returned %d", rc);
    if (s->overflow)
        bad(k, "screen overflow: %d widgets, %zu arena bytes", s->n,
            s->text_used);
    if (s->n == 0)
        bad(k, "no widgets");
    min_px = layout_mm(s, MIN_TEXT_MM);
    if (min_px < MIN_TEXT_PX)
        min_px = MIN_TEXT_PX;
    for (i = 0; i < s->n; i++) {
        const ui_widget_t *w = &s->items[i];
        name_of(w, name, sizeof(name));
        check_rects(k, s, w, name);
        if (w->text && w->text[0])
            check_text(k, w, name, min_px);
        else if (w->overflow)
            bad(k, "widget %s: overflow set without text", name);
        if (touchable(w))
            check_touch(k, s, w, name);
    }
    check_pairs(k, s);
    check_contract(k, s);
    if (k->reach == CONFIG_REACH_LOW && s->h > s->w)
        check_reach_low(k, s);
    else if (k->reach == CONFIG_REACH_LOW)
        check_reach_ignored(k, s, &v);
    if (s->contrast != ((k->view & 1) != 0) || s->large != ((k->view & 2) != 0))
        bad(k, "screen drawn with contrast %d, large %d; the citizen chose "
               "view %s",
            s->contrast, s->large, view_names[k->view]);
    /* A face is never the only cue: every answer with a face has a word. */
    for (i = 0; i < s->n; i++)
        if (s->items[i].kind == UI_ANSWER && s->items[i].face &&
            (!s->items[i].text || !s->items[i].text[0]))
            bad(k, "answer '%s' has a face and no word", s->items[i].id);
    if (k->flow.screen == FLOW_QUESTION)
        check_equal_size(k, s, UI_ANSWER, "answer.", "answers");
    check_equal_size(k, s, UI_CHIP, "reason.", "choices");
    check_equal_size(k, s, UI_BUTTON, "field.", "field buttons");
    check_equal_size(k, s, UI_BUTTON, "lang.", "language buttons");
}

/* ---- walking the flow ------------------------------------------------- */

/* The longest words provisioning can leave for the technician, with the
 * officer and the public figure still set. */
static void walk_idle_banners(kiosk_t *k)
{
    static const provresult_status_t all[] = {
        PROVRESULT_OK, PROVRESULT_BAD_FILE, PROVRESULT_HUB_UNREACHABLE,
        PROVRESULT_CODE_REFUSED, PROVRESULT_LOCAL_ERROR};
    static const char *const ca_names[] = {
        "SoThongTin-ThuaThienHue-ChungThuSo26.pem",
        "SoThongTinTruyenThong-ThuaThienHue-ChungThuSoMayChuTinh-2026.pem"};
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    provresult_t r;
    size_t i;

    memset(&r, 0, sizeof(r));
    snprintf(r.unit_name, sizeof(r.unit_name), "%s",
             "Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế");
    snprintf(r.counter, sizeof(r.counter), "%s", "Quầy 12 – Đất đai, Xây dựng");
    r.line = 1234;
    snprintf(r.field, sizeof(r.field), "%s", "wifi.country");
    snprintf(k->info.officer_name, sizeof(k->info.officer_name), "%s",
             OFFICER_NAME);
    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        r.status = all[i];
        provresult_say_what(&r, what, sizeof(what));
        provresult_say_todo(&r, todo, sizeof(todo));
        snprintf(k->info.banner, sizeof(k->info.banner), "%s %s", what, todo);
        k->info.banner_failed = r.status != PROVRESULT_OK;
        if (expect_screen(k, FLOW_IDLE))
            check_screen(k, "idle, provisioning banner %s",
                         provresult_status_word(r.status));
    }
    /* The hub's CA file named in the provisioning file is missing: the
     * longest name shown, and the longest the file may give. */
    r.status = PROVRESULT_BAD_FILE;
    snprintf(r.field, sizeof(r.field), "%s", "ca");
    for (i = 0; i < sizeof(ca_names) / sizeof(ca_names[0]); i++) {
        snprintf(r.ca_file, sizeof(r.ca_file), "%s", ca_names[i]);
        provresult_say_what(&r, what, sizeof(what));
        provresult_say_todo(&r, todo, sizeof(todo));
        snprintf(k->info.banner, sizeof(k->info.banner), "%s %s", what,
                 todo);
        k->info.banner_failed = 1;
        if (expect_screen(k, FLOW_IDLE))
            check_screen(k, "idle, provisioning banner bad-file (CA file "
                         "%s)", r.ca_file);
    }
    k->info.banner[0] = '\0';
    k->info.officer_name[0] = '\0';
}

static void walk_idle(kiosk_t *k)
{
    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    if (expect_screen(k, FLOW_IDLE))
        check_screen(k, "idle, nobody on duty");
    /* An officer scans a badge: the notice shows and the name appears. */
    scan(k, BADGE);
    snprintf(k->info.officer_name, sizeof(k->info.officer_name), "%s",
             OFFICER_NAME);
    if (expect_screen(k, FLOW_IDLE))
        check_screen(k, "idle, officer signed in (notice shown)");
    /* Later, with this month's public figure. */
    k->now += FLOW_NOTICE_MS;
    flow_tick(&k->flow, k->now);
    snprintf(k->info.figure, sizeof(k->info.figure), "%s", "87%");
    if (expect_screen(k, FLOW_IDLE))
        check_screen(k, "idle, officer on duty, public figure");
    k->info.officer_name[0] = '\0';
    if (expect_screen(k, FLOW_IDLE))
        check_screen(k, "idle, nobody on duty, public figure");
    walk_idle_banners(k);
}

static void walk_fields(kiosk_t *k, int all_the_fields)
{
    kiosk_boot(k, world.surveys[0], all_the_fields);
    choose_language(k);
    tap(k, "start");
    if (expect_screen(k, FLOW_FIELD))
        check_screen(k, "field, %d fields", k->config.n_fields);
}

/* Multi-choice screen: as it opens, then with some options chosen. */
static void walk_multi(kiosk_t *k, const char *sid, const survey_question_t *q)
{
    int i, n = q->max_choices > 0 ? q->max_choices : 3;

    check_screen(k, "%s %s/%s, nothing chosen",
                 flow_screen_id(k->flow.screen), sid, q->id);
    for (i = 0; i < q->n_options && n > 0; i += 2, n--)
        tapf(k, "reason.%s", q->options[i].code);
    check_screen(k, "%s %s/%s, with choices", flow_screen_id(k->flow.screen),
                 sid, q->id);
    tap(k, "next");
}

/* Every question of survey si, in order; the first answer is the lowest so
 * the follow-up opens. Reached through the field screen, or by a dossier
 * scan (the footer then shows the dossier code). */
static void walk_survey(kiosk_t *k, size_t si, int by_dossier)
{
    const survey_t *sv = world.surveys[si];
    int visited[SURVEY_QUESTION_MAX] = {0};
    int i, steps, lowest;
    const char *how = by_dossier ? " (dossier scanned)" : "";

    kiosk_boot(k, sv, 0);
    choose_language(k);
    if (by_dossier) {
        scan(k, DOSSIER_NEW);
    } else {
        tap(k, "start");
        if (!expect_screen(k, FLOW_FIELD))
            return;
        tapf(k, "field.%s", k->config.fields[0]);
    }
    for (steps = 0; steps < 4 * SURVEY_QUESTION_MAX; steps++) {
        const survey_question_t *q = flow_current_question(&k->flow);

        if (!q)
            break;
        visited[k->flow.question] = 1;
        if (q->kind == SURVEY_KIND_MULTI) {
            walk_multi(k, sv->id, q);
            continue;
        }
        check_screen(k, "question %s/%s%s", sv->id, q->id, how);
        lowest = 0;
        for (i = 1; i < q->n_options; i++)
            if (q->options[i].value < q->options[lowest].value)
                lowest = i;
        /* The lowest answer opens the follow-up the first time. */
        tapf(k, "answer.%d",
             q->options[k->flow.follow_up_done ? 0 : lowest].value);
        settle(k);
    }
    for (i = 0; i < sv->n_questions; i++)
        if (!visited[i]) {
            snprintf(k->where, sizeof(k->where), "survey %s%s", sv->id, how);
            bad(k, "question %s was never shown", sv->questions[i].id);
        }
    if (expect_screen(k, FLOW_THANKS))
        check_screen(k, "thanks after %s%s", sv->id, how);
}

/* Listening: the third toggle on, the question's words touchable, an
 * answer heard and awaiting its second touch, the cue for a prompt with
 * no sound, beside a scanned dossier's code too. */
static void walk_listening(kiosk_t *k)
{
    const survey_question_t *q;

    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    tap(k, VIEW_ID_LISTEN);
    check_screen(k, "idle, listening");
    tap(k, "start");
    tapf(k, "field.%s", k->config.fields[0]);
    if (!expect_screen(k, FLOW_QUESTION))
        return;
    check_screen(k, "question, listening");
    if (k->reach == CONFIG_REACH_FULL || k->res->w > k->res->h)
        tap(k, FLOW_ID_PROMPT);
    tap(k, "answer.1");
    check_screen(k, "question, listening, an answer heard");
    k->info.voice_missing = 1;
    check_screen(k, "question, listening, no sound for it");
    k->info.voice_missing = 0;
    tap(k, "answer.1");
    settle(k);
    if (!expect_screen(k, FLOW_REASONS))
        return;
    q = flow_current_question(&k->flow);
    tapf(k, "reason.%s", q->options[0].code);
    check_screen(k, "reasons, listening, a choice heard");
    k->info.voice_missing = 1;
    check_screen(k, "reasons, listening, no sound for it");
    k->info.voice_missing = 0;

    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    tap(k, VIEW_ID_LISTEN);
    scan(k, DOSSIER_NEW);
    if (!expect_screen(k, FLOW_QUESTION))
        return;
    tap(k, "answer.5");
    k->info.voice_missing = 1;
    check_screen(k, "question, listening, dossier, no sound for it");
    k->info.voice_missing = 0;
    check_screen(k, "question, listening, dossier, an answer heard");
}

static void walk_already(kiosk_t *k)
{
    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    scan(k, DOSSIER_RATED);
    if (expect_screen(k, FLOW_ALREADY))
        check_screen(k, "already-rated");
}

static void fill_admin(kiosk_t *k)
{
    static const struct {
        const char *key, *value;
    } lines[UI_ADMIN_LINES] = {
        {"admin.unit", "DEMO-XA-01 – Trung tâm Phục vụ hành chính công xã Minh Tân"},
        {"admin.counter", "Quầy 1"},
        {"admin.officer", OFFICER_NAME},
        {"admin.responses", "12873 (12650)"},
        {"admin.today", "57"},
        {"admin.partial", "118 / 105"},
        {"admin.last", "#12873 2024-05-17T16:42:07+07:00"},
        {"admin.storage", "18.4 MB / 27.3 GB"},
        {"admin.version", "0.1.0  ·  9f3c2a7be41d6c058a2e7f19b3d4c6e8"},
        {"admin.error", "damaged database moved to /var/lib/sipas-kiosk/"
                        "kiosk.db.corrupt-20240517-164207 (database disk "
                        "image is malformed); a new one was started"},
    };
    int i;

    k->info.n_admin = UI_ADMIN_LINES;
    for (i = 0; i < UI_ADMIN_LINES; i++) {
        k->info.admin[i].key = lines[i].key;
        snprintf(k->info.admin[i].value, sizeof(k->info.admin[i].value), "%s",
                 lines[i].value);
    }
}

static void enter_pin(kiosk_t *k, const char *pin)
{
    for (; *pin; pin++)
        tapf(k, "pin.%c", *pin);
}

static void walk_admin(kiosk_t *k)
{
    int i;

    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    for (i = 0; i < k->config.admin_taps; i++)
        tap_quiet(k, "admin.corner");
    if (!expect_screen(k, FLOW_PIN))
        return;
    check_screen(k, "pin, empty");
    enter_pin(k, WRONG_PIN);
    check_screen(k, "pin, 4 digits");
    tap(k, "pin.ok");
    if (expect_screen(k, FLOW_PIN) && k->flow.pin_failed)
        check_screen(k, "pin, wrong PIN");
    else
        bad(k, "a wrong PIN was not reported");
    enter_pin(k, "135791357913");
    check_screen(k, "pin, %d digits (full)", FLOW_PIN_MAX);
    for (i = 0; i < FLOW_PIN_MAX; i++)
        tap(k, "pin.del");
    enter_pin(k, KIOSK_PIN);
    tap(k, "pin.ok");
    fill_admin(k);
    if (expect_screen(k, FLOW_ADMIN))
        check_screen(k, "admin, %d info lines", k->info.n_admin);
    tap(k, "admin.selftest");
    if (!expect_screen(k, FLOW_SELFTEST))
        return;
    check_screen(k, "touch grid, empty");
    for (i = 0; i < FLOW_GRID_CELLS; i += 2)
        tapf(k, "grid.%d", i);
    check_screen(k, "touch grid, half tapped");
    for (i = 1; i < FLOW_GRID_CELLS; i += 2)
        tapf(k, "grid.%d", i);
    check_screen(k, "touch grid, all tapped");
}

/* Storage fails after a citizen has answered and walked away: the partial
 * response waits in memory and the kiosk pauses. */
static void walk_paused(kiosk_t *k)
{
    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    tap(k, "start");
    tapf(k, "field.%s", k->config.fields[0]);
    tap(k, "answer.5");
    settle(k);
    k->host.fail_commits = 1;
    k->now += (uint64_t)k->config.inactivity_ms;
    flow_tick(&k->flow, k->now);
    if (!expect_screen(k, FLOW_PAUSED))
        return;
    check_screen(k, "paused, no detail");
    snprintf(k->info.detail, sizeof(k->info.detail), "%s", long_detail);
    check_screen(k, "paused, %zu-character detail", strlen(long_detail));
}

static void walk_out_of_service(kiosk_t *k)
{
    kiosk_boot(k, world.surveys[0], 0);
    choose_language(k);
    flow_set_out_of_service(&k->flow);
    snprintf(k->info.detail, sizeof(k->info.detail), "%s", long_detail);
    if (expect_screen(k, FLOW_OUT_OF_SERVICE))
        check_screen(k, "out-of-service, %zu-character detail",
                     strlen(long_detail));
}

static void test_screens(void **state)
{
    const pass_t *pass = *state;
    const res_t *res = pass->res;
    kiosk_t *k = calloc(1, sizeof(*k));
    size_t li, si;
    int failures = 0, screens = 0;

    assert_non_null(k);
    k->res = res;
    k->reach = pass->reach;
    k->now = T_BOOT;
    for (li = 0; li < N_VIEWS * sizeof(langs) / sizeof(langs[0]); li++) {
        k->view = (int)(li / (sizeof(langs) / sizeof(langs[0])));
        k->lang = langs[li % (sizeof(langs) / sizeof(langs[0]))];
        walk_idle(k);
        walk_fields(k, 0);
        walk_fields(k, 1);
        for (si = 0; si < N_SURVEYS; si++) {
            walk_survey(k, si, 0);
            walk_survey(k, si, 1);
        }
        walk_listening(k);
        walk_already(k);
        walk_admin(k);
        walk_paused(k);
        walk_out_of_service(k);
    }
    failures = k->failures;
    screens = k->screens;
    free(k);
    printf("%dx%d@%d %s: %d screens checked, %d failures\n", res->w, res->h,
           res->dpi, reach_names[pass->reach], screens, failures);
    fflush(stdout); /* before cmocka's own report on stderr */
    assert_int_equal(failures, 0);
}

/* ---- layout.c on its own ---------------------------------------------- */

/* Every character px/2 wide: widths a test can work out by hand. */
static int fixed_width(void *ctx, int px, int bold, const char *text,
                       size_t len, int *w)
{
    size_t i, chars = 0;

    (void)ctx;
    (void)bold;
    for (i = 0; i < len; i++)
        chars += ((unsigned char)text[i] & 0xc0) != 0x80;
    *w = (int)chars * px / 2;
    return 0;
}

static const ui_measure_t fixed = {NULL, fixed_width, NULL};

static ui_widget_t label_in(const char *text, int w, int h)
{
    ui_widget_t x;
    ui_rect_t r = {0, 0, w, h};

    memset(&x, 0, sizeof(x));
    x.kind = UI_LABEL;
    x.text = text;
    x.r = r;
    x.text_box = r;
    return x;
}

static void test_grid_cells_inside(void **state)
{
    ui_rect_t area = {10, 20, 300, 200}, cells[7];
    int n, cols, i, j;

    (void)state;
    for (n = 1; n <= 7; n++) {
        for (cols = 1; cols <= 4; cols++) {
            memset(cells, 0, sizeof(cells));
            layout_grid(area, n, cols, 6, cells);
            for (i = 0; i < n; i++) {
                assert_true(cells[i].w > 0 && cells[i].h > 0);
                assert_true(layout_rect_contains(area, cells[i]));
                for (j = 0; j < i; j++)
                    assert_false(layout_rects_overlap(cells[i], cells[j]));
            }
        }
    }
}

static void test_grid_short_last_row_centred(void **state)
{
    ui_rect_t area = {10, 20, 300, 200}, cells[5];
    int centre = area.x + area.w / 2;

    (void)state;
    /* 7 in 3 columns: 3, 3, then 1 alone in the middle. */
    {
        ui_rect_t c7[7];
        layout_grid(area, 7, 3, 6, c7);
        assert_int_equal(c7[0].w, 96);
        assert_int_equal(c7[0].h, 62);
        assert_int_equal(c7[6].y, c7[3].y + 62 + 6);
        assert_int_equal(c7[6].x, c7[1].x);
        assert_int_equal(c7[6].x + c7[6].w / 2, centre);
    }
    /* 5 in 3 columns: the last two centred as a pair. */
    layout_grid(area, 5, 3, 6, cells);
    assert_int_equal(cells[3].y, cells[4].y);
    assert_int_equal(cells[4].x - (cells[3].x + cells[3].w), 6);
    assert_int_equal((cells[3].x + cells[4].x + cells[4].w) / 2, centre);
    /* A full last row is not shifted. */
    assert_int_equal(cells[0].x, area.x);
}

static void test_grid_cols(void **state)
{
    ui_rect_t area = {0, 0, 400, 200};

    (void)state;
    /* 6 rows of 60 need 410; 3 rows need exactly 200. */
    assert_int_equal(layout_grid_cols(area, 6, 60, 10, 3), 2);
    assert_int_equal(layout_grid_cols(area, 3, 60, 10, 3), 1);
    assert_int_equal(layout_grid_cols(area, 6, 61, 10, 3), 3);
    /* Nothing fits: as many columns as allowed. */
    assert_int_equal(layout_grid_cols(area, 6, 150, 10, 3), 3);
    assert_int_equal(layout_grid_cols(area, 0, 60, 10, 3), 1);
}

static void test_fit_shrinks(void **state)
{
    ui_widget_t w = label_in("abcdefghij", 80, 100);

    (void)state;
    /* 10 characters are 120 px at 24; 80 px allows 16. */
    assert_int_equal(layout_fit_text(&w, 24, 12, &fixed), 0);
    assert_int_equal(w.overflow, 0);
    assert_int_equal(w.font_px, 16);
    assert_int_equal(w.n_lines, 1);
    assert_int_equal(w.lines[0].width, 80);
    assert_int_equal(w.line_h, 16 * 14 / 10 + 2);

    /* Too low for even one line at 24: shrinks for height too. */
    w = label_in("abc", 200, 30);
    assert_int_equal(layout_fit_text(&w, 24, 12, &fixed), 0);
    assert_true(w.line_h <= 30);
    assert_int_equal(w.font_px, 20);
}

static void test_fit_wraps(void **state)
{
    ui_widget_t w = label_in("one two three four", 60, 200);

    (void)state;
    assert_int_equal(layout_fit_text(&w, 12, 8, &fixed), 0);
    assert_int_equal(w.overflow, 0);
    assert_int_equal(w.font_px, 12);
    assert_int_equal(w.n_lines, 2);
    assert_int_equal(w.lines[0].off, 0);
    assert_int_equal(w.lines[0].len, 7); /* "one two" */
    assert_int_equal(w.lines[0].width, 42);
    assert_int_equal(w.lines[1].off, 8); /* "three four" */
    assert_int_equal(w.lines[1].len, 10);
    assert_int_equal(w.lines[1].width, 60);

    /* An explicit line break is kept. */
    w = label_in("ab\ncd", 200, 200);
    assert_int_equal(layout_fit_text(&w, 12, 8, &fixed), 0);
    assert_int_equal(w.n_lines, 2);
    assert_int_equal(w.lines[1].off, 3);
    assert_int_equal(w.lines[1].len, 2);

    /* No text: nothing to lay out, nothing wrong. */
    w = label_in("", 10, 10);
    assert_int_equal(layout_fit_text(&w, 12, 8, &fixed), 0);
    assert_int_equal(w.n_lines, 0);
    assert_int_equal(w.overflow, 0);
}

static void test_fit_overflow_unbreakable(void **state)
{
    ui_widget_t w = label_in("supercalifragilistic", 50, 200);

    (void)state;
    /* 20 characters are 80 px even at the smallest size. */
    assert_int_equal(layout_fit_text(&w, 24, 8, &fixed), -1);
    assert_int_equal(w.overflow, 1);
    assert_int_equal(w.font_px, 8);

    /* Fits, but not in the height: overflow too. */
    w = label_in("a b c d e f g h", 10, 40);
    assert_int_equal(layout_fit_text(&w, 12, 12, &fixed), -1);
    assert_int_equal(w.overflow, 1);

    /* A minimum below 8 px is raised to 8. */
    w = label_in("abcdefghij", 35, 200);
    assert_int_equal(layout_fit_text(&w, 12, 2, &fixed), -1);
    assert_int_equal(w.font_px, 8);
}

static void test_fit_prefers_one_line(void **state)
{
    ui_widget_t w = label_in("aaaa bbbb", 85, 200);

    (void)state;
    /* Two lines at 20, one line at 19: one line wins. */
    assert_int_equal(layout_fit_text(&w, 20, 8, &fixed), 0);
    assert_int_equal(w.n_lines, 1);
    assert_int_equal(w.font_px, 19);
    assert_int_equal(w.lines[0].len, 9);

    /* One line would need 13 px, far below 85% of 20: keeps two at 20. */
    w = label_in("aaaa bbbb", 60, 200);
    assert_int_equal(layout_fit_text(&w, 20, 8, &fixed), 0);
    assert_int_equal(w.n_lines, 2);
    assert_int_equal(w.font_px, 20);

    /* Answers keep their lines at the larger size. */
    w = label_in("aaaa bbbb", 85, 200);
    w.kind = UI_ANSWER;
    assert_int_equal(layout_fit_text(&w, 20, 8, &fixed), 0);
    assert_int_equal(w.n_lines, 2);
    assert_int_equal(w.font_px, 20);
}

/* Counts its calls, so a test sees what a remembered fit saves. */
static int counted_calls;
static int counted_width(void *ctx, int px, int bold, const char *text,
                         size_t len, int *w)
{
    counted_calls++;
    return fixed_width(ctx, px, bold, text, len, w);
}

/* A fit remembered gives the very same widget (size, lines, overflow)
 * without measuring; another box, another size range or another text is
 * fitted afresh. */
static void test_fit_cache(void **state)
{
    static const char *const texts[2] = {
        "Ông/Bà có hài lòng với thái độ giao tiếp của công chức không?",
        "Một câu rất dài không thể vừa trong một ô nhỏ như thế này được"};
    ui_fit_cache_t *fits = layout_fit_cache_create();
    ui_measure_t plain = {NULL, counted_width, NULL};
    ui_measure_t cached = {NULL, counted_width, fits};
    int t, box, calls, rc_plain, rc_cached;

    (void)state;
    assert_non_null(fits);
    for (t = 0; t < 2; t++) {
        for (box = 0; box < 2; box++) {
            int bw = box ? 90 : 400, bh = box ? 30 : 120;
            ui_widget_t a = label_in(texts[t], bw, bh);
            ui_widget_t b = label_in(texts[t], bw, bh);
            ui_widget_t c = label_in(texts[t], bw, bh);
            rc_plain = layout_fit_text(&a, 40, 10, &plain);
            rc_cached = layout_fit_text(&b, 40, 10, &cached);
            assert_int_equal(rc_plain, rc_cached);
            assert_memory_equal(&a, &b, sizeof(a));
            calls = counted_calls;
            assert_int_equal(layout_fit_text(&c, 40, 10, &cached), rc_plain);
            assert_int_equal(counted_calls, calls); /* nothing measured */
            assert_memory_equal(&a, &c, sizeof(a));
            /* Another size range is another fit. */
            c = label_in(texts[t], bw, bh);
            calls = counted_calls;
            (void)layout_fit_text(&c, 30, 10, &cached);
            assert_true(counted_calls > calls);
        }
    }
    /* The small box overflowed; the large one did not: kept apart. */
    {
        ui_widget_t big = label_in(texts[1], 400, 120);
        ui_widget_t small = label_in(texts[1], 90, 30);
        (void)layout_fit_text(&big, 40, 10, &cached);
        (void)layout_fit_text(&small, 40, 10, &cached);
        assert_int_equal(big.overflow, 0);
        assert_int_equal(small.overflow, 1);
    }
    layout_fit_cache_destroy(fits);
}

static void test_printf_arena(void **state)
{
    ui_screen_t *s = calloc(1, sizeof(*s));
    const char *a, *b, *c;
    char *big;

    (void)state;
    assert_non_null(s);
    big = malloc(UI_ARENA_MAX);
    assert_non_null(big);
    a = layout_printf(s, "answer.%d", 5);
    assert_string_equal(a, "answer.5");
    assert_int_equal(s->text_used, strlen("answer.5") + 1);
    /* Fill all but the last byte the next string would need. */
    memset(big, 'x', UI_ARENA_MAX);
    big[UI_ARENA_MAX - s->text_used - 1] = '\0';
    b = layout_printf(s, "%s", big);
    assert_int_equal(strlen(b), UI_ARENA_MAX - strlen("answer.5") - 2);
    assert_int_equal(s->text_used, UI_ARENA_MAX);
    assert_int_equal(s->overflow, 0);
    c = layout_printf(s, "%s", "y");
    assert_string_equal(c, "");
    assert_int_equal(s->overflow, 1);
    assert_int_equal(s->text_used, UI_ARENA_MAX);
    assert_string_equal(a, "answer.5"); /* earlier texts are intact */

    /* A string one byte too long for the room left is refused whole. */
    memset(s, 0, sizeof(*s));
    memset(big, 'x', UI_ARENA_MAX);
    big[UI_ARENA_MAX - 1] = '\0';
    assert_string_equal(layout_printf(s, "%s", big), big);
    memset(s, 0, sizeof(*s));
    layout_printf(s, "z");
    /* 8190 bytes and the terminator do not fit in the 8190 left. */
    big[UI_ARENA_MAX - 2] = '\0';
    c = layout_printf(s, "%s", big);
    assert_string_equal(c, "");
    assert_int_equal(s->overflow, 1);
    assert_int_equal(s->text_used, 2);
    free(big);
    free(s);
}

static void test_hit_order(void **state)
{
    ui_screen_t *s = calloc(1, sizeof(*s));
    ui_rect_t under = {0, 0, 100, 100}, over = {50, 50, 100, 100};
    ui_rect_t cover = {0, 0, 200, 200}, corner = {0, 0, 20, 20};
    ui_widget_t *a, *b, *c;
    int i;

    (void)state;
    assert_non_null(s);
    s->w = 200;
    s->h = 200;
    a = layout_add(s, UI_BUTTON, UI_STYLE_PLAIN, "a", "A", under);
    b = layout_add(s, UI_BUTTON, UI_STYLE_PLAIN, "b", "B", over);
    /* Labels and panels on top never take a touch. */
    layout_add(s, UI_LABEL, UI_STYLE_BODY, "", "text", cover);
    layout_add(s, UI_PANEL, UI_STYLE_PLAIN, "", NULL, cover);
    assert_ptr_equal(layout_hit(s, 10, 10), a);
    assert_ptr_equal(layout_hit(s, 75, 75), b); /* later wins */
    assert_ptr_equal(layout_hit(s, 149, 149), b);
    assert_null(layout_hit(s, 150, 150)); /* right and bottom are outside */
    assert_null(layout_hit(s, 180, 10));
    assert_null(layout_hit(s, -1, 10));
    /* A hidden widget added last wins over what is under it. */
    c = layout_add(s, UI_HIDDEN, UI_STYLE_PLAIN, "admin.corner", NULL, corner);
    assert_ptr_equal(layout_hit(s, 5, 5), c);
    assert_ptr_equal(layout_hit(s, 25, 25), a);
    assert_ptr_equal(layout_find(s, "b"), b);
    assert_null(layout_find(s, ""));
    assert_null(layout_find(s, "c"));
    /* The widget cap is reported, not overrun. */
    for (i = s->n; i < UI_WIDGET_MAX; i++)
        assert_non_null(layout_add(s, UI_LABEL, UI_STYLE_BODY, "", "", cover));
    assert_int_equal(s->overflow, 0);
    assert_null(layout_add(s, UI_LABEL, UI_STYLE_BODY, "", "", cover));
    assert_int_equal(s->overflow, 1);
    assert_int_equal(s->n, UI_WIDGET_MAX);
    free(s);
}

/* Every panel with full reach, then every panel with low reach. */
static const pass_t passes[2 * N_RES] = {
    {&resolutions[0], CONFIG_REACH_FULL}, {&resolutions[1], CONFIG_REACH_FULL},
    {&resolutions[2], CONFIG_REACH_FULL}, {&resolutions[3], CONFIG_REACH_FULL},
    {&resolutions[4], CONFIG_REACH_FULL}, {&resolutions[5], CONFIG_REACH_FULL},
    {&resolutions[0], CONFIG_REACH_LOW},  {&resolutions[1], CONFIG_REACH_LOW},
    {&resolutions[2], CONFIG_REACH_LOW},  {&resolutions[3], CONFIG_REACH_LOW},
    {&resolutions[4], CONFIG_REACH_LOW},  {&resolutions[5], CONFIG_REACH_LOW},
};

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_cells_inside),
        cmocka_unit_test(test_grid_short_last_row_centred),
        cmocka_unit_test(test_grid_cols),
        cmocka_unit_test(test_fit_shrinks),
        cmocka_unit_test(test_fit_wraps),
        cmocka_unit_test(test_fit_overflow_unbreakable),
        cmocka_unit_test(test_fit_prefers_one_line),
        cmocka_unit_test(test_printf_arena),
        cmocka_unit_test(test_fit_cache),
        cmocka_unit_test(test_hit_order),
#define PASS(i) cmocka_unit_test_prestate(test_screens, (void *)&passes[i])
        PASS(0), PASS(1), PASS(2), PASS(3), PASS(4), PASS(5),
        PASS(6), PASS(7), PASS(8), PASS(9), PASS(10), PASS(11),
#undef PASS
    };

    return cmocka_run_group_tests_name("layout", tests, group_setup,
                                       group_teardown);
}
