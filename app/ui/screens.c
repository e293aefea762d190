#include "screens.h"

#include <stdio.h>
#include <string.h>

/* Proportions of the screen. Everything scales with the shorter side so a
 * 800x480 panel and a 1920x1080 monitor look alike; touch targets are also
 * held to a physical minimum through the dpi. */
#define TARGET_MM 9.0
#define MARGIN_PCT 3
#define GAP_PCT 2
/* Large text: sizes asked for grow by this much, and so does the floor
 * below which a text would rather shrink back than clip. */
#define LARGE_PCT 135

typedef struct ctx {
    ui_screen_t *s;
    const ui_view_t *v;
    const ui_measure_t *m;
    int u;          /* shorter side */
    int margin, gap;
    int portrait;
    int min_px;     /* smallest text we ever set */
    int target;     /* minimum touch target in pixels */
    int large;      /* the citizen asked for large text */
    /* A citizen's controls start at or below this y (0: anywhere): on a
     * tall panel set for low reach, the top third is for text only. */
    int reach_y;
    ui_rect_t body; /* between header and footer */
    ui_rect_t footer;
    int failed;
} ctx_t;

static const char *tr(const ctx_t *c, const char *key)
{
    return i18n_get(c->v->i18n, flow_lang_code(c->v->flow), key);
}

static int max_i(int a, int b)
{
    return a > b ? a : b;
}

static int min_i(int a, int b)
{
    return a < b ? a : b;
}

static ui_rect_t rect(int x, int y, int w, int h)
{
    ui_rect_t r = {x, y, w, h};
    return r;
}

/* Fits w's text at up to max_px. With large text, sizes and the floor
 * grow; a text that cannot take the larger floor falls back to the normal
 * one, so it shrinks or wraps rather than clips. */
static int fit_text(ctx_t *c, ui_widget_t *w, int max_px)
{
    if (!c->large)
        return layout_fit_text(w, max_px, c->min_px, c->m);
    max_px = max_px * LARGE_PCT / 100;
    if (layout_fit_text(w, max_px, c->min_px * LARGE_PCT / 100, c->m) == 0)
        return 0;
    return layout_fit_text(w, max_px, c->min_px, c->m);
}

/* Adds a widget and fits its text into its text box. */
static ui_widget_t *put(ctx_t *c, ui_kind_t kind, ui_style_t style,
                        const char *id, const char *text, ui_rect_t r,
                        int max_px, int bold)
{
    ui_widget_t *w = layout_add(c->s, kind, style, id, text, r);
    int pad;

    if (!w) {
        c->failed = 1;
        return NULL;
    }
    w->bold = bold;
    if (kind == UI_BUTTON || kind == UI_CHIP || kind == UI_KEY) {
        pad = max_i(4, min_i(r.h, r.w) / 8);
        w->text_box = layout_inset(r, pad + r.h / 12, pad / 2);
    }
    if (kind == UI_CHIP) {
        /* Room on the left for the tick box. */
        int box = r.h * 52 / 100;
        w->icon = rect(r.x + pad, r.y + (r.h - box) / 2, box, box);
        w->text_box.x = w->icon.x + box + pad;
        /* The right keeps a button's inset: a chosen chip's border is
         * thick in high contrast. */
        w->text_box.w = r.x + r.w - (pad + r.h / 12) - w->text_box.x;
        w->align = UI_ALIGN_LEFT;
    }
    if (text && fit_text(c, w, max_px) != 0)
        c->failed = 1;
    return w;
}

static void put_header(ctx_t *c, const char *left, const char *right)
{
    ui_screen_t *s = c->s;
    int hh = s->header_h;
    int right_w = right ? s->w / 4 : 0;
    ui_widget_t *w;

    w = put(c, UI_LABEL, UI_STYLE_HEADER, "", left,
            rect(c->margin, 0, s->w - 2 * c->margin - right_w, hh),
            hh * 42 / 100, 1);
    if (w)
        w->align = UI_ALIGN_LEFT;
    if (right)
        put(c, UI_LABEL, UI_STYLE_HEADER, "", right,
            rect(s->w - c->margin - right_w, 0, right_w, hh), hh * 40 / 100,
            0);
}

/* A technician's text may hold a path wider than its box, and a word that
 * fits no line is not shown at all. Such a word is broken after a '/' (or,
 * with none in reach, between characters) into pieces that fit box_w at
 * the smallest size, one per line; other text is returned as it is. */
static const char *breakable(ctx_t *c, const char *text, int box_w)
{
    char out[UI_TEXT_MAX + 1];
    size_t len = strlen(text), pos = 0, o = 0, end, i, cut, slash;
    int w, changed = 0;

    while (pos < len) {
        end = pos;
        while (end < len && text[end] != ' ' && text[end] != '\n')
            end++;
        while (end > pos &&
               (c->m->width(c->m->ctx, c->min_px, 0, text + pos, end - pos,
                            &w) != 0 ||
                w > box_w)) {
            cut = slash = 0;
            for (i = pos + 1; i < end; i++) {
                if (((unsigned char)text[i] & 0xc0) == 0x80)
                    continue; /* inside a character */
                if (c->m->width(c->m->ctx, c->min_px, 0, text + pos, i - pos,
                                &w) != 0 ||
                    w > box_w)
                    break;
                cut = i;
                if (text[i - 1] == '/')
                    slash = i;
            }
            if (cut == 0)
                break; /* not one character fits: leave it to overflow */
            if (slash > pos + (cut - pos) / 2)
                cut = slash;
            if (o + (cut - pos) + 1 >= sizeof(out))
                return text;
            memcpy(out + o, text + pos, cut - pos);
            o += cut - pos;
            out[o++] = '\n';
            pos = cut;
            changed = 1;
        }
        cut = end < len ? end + 1 : end; /* the word and its separator */
        if (o + (cut - pos) >= sizeof(out))
            return text;
        memcpy(out + o, text + pos, cut - pos);
        o += cut - pos;
        pos = cut;
    }
    if (!changed)
        return text;
    out[o] = '\0';
    return layout_printf(c->s, "%s", out);
}

/* Footer buttons: back on the left, the forward action on the right. */
static void put_footer(ctx_t *c, const char *back_id, const char *back_key,
                       const char *fwd_id, const char *fwd_key,
                       ui_style_t fwd_style, const char *middle)
{
    ui_rect_t f = c->footer;
    /* A text between the buttons (a dossier code) needs room: there the
     * buttons keep a quarter of the footer and two targets, not three. */
    int bw = min_i(max_i(f.w / 4, c->target * (middle ? 2 : 3)),
                   f.w / 2 - c->gap);
    int px = f.h * 36 / 100;

    if (back_id)
        put(c, UI_BUTTON, UI_STYLE_QUIET, back_id, tr(c, back_key),
            rect(f.x, f.y, bw, f.h), px, 0);
    if (fwd_id)
        put(c, UI_BUTTON, fwd_style, fwd_id, tr(c, fwd_key),
            rect(f.x + f.w - bw, f.y, bw, f.h), px, 1);
    if (middle)
        put(c, UI_LABEL, UI_STYLE_SMALL, "", middle,
            rect(f.x + bw + c->gap, f.y, f.w - 2 * (bw + c->gap), f.h),
            f.h * 30 / 100, 0);
}

static void ctx_frame(ctx_t *c, int with_header, int with_footer)
{
    ui_screen_t *s = c->s;
    int hh = with_header ? max_i(s->h * 11 / 100, layout_mm(s, 8)) : 0;
    int fh = with_footer ? max_i(s->h * 14 / 100, c->target) : 0;

    if (c->portrait && with_header)
        hh = max_i(s->h * 7 / 100, layout_mm(s, 8));
    if (c->portrait && with_footer)
        fh = max_i(s->h * 9 / 100, c->target);
    s->header_h = hh;
    c->footer = rect(c->margin, s->h - c->margin - fh, s->w - 2 * c->margin,
                     fh);
    c->body = rect(c->margin, hh + c->gap, s->w - 2 * c->margin,
                   s->h - hh - c->gap - (with_footer ? fh + c->gap : 0) -
                       c->margin);
}

/* Height of a text block at the top of the body, at least h, that ends
 * where the controls below it may start. */
static int above_reach(const ctx_t *c, int h)
{
    return max_i(h, c->reach_y - c->gap - c->body.y);
}

/* ---- screens ---------------------------------------------------------- */

/* Widgets first..s->n-1 are one group (answers, chips, fields): they look
 * alike only when they share one text size, the smallest any needed. */
static void equalise(ctx_t *c, int first)
{
    int i, px, again = 1;

    /* A refit can land below px (a two-line label takes a smaller size to
     * stay on one line), so repeat until all agree; px only ever falls. */
    while (again) {
        again = 0;
        px = 0;
        for (i = first; i < c->s->n; i++)
            if (c->s->items[i].text &&
                (px == 0 || c->s->items[i].font_px < px))
                px = c->s->items[i].font_px;
        for (i = first; i < c->s->n && px > 0; i++) {
            ui_widget_t *w = &c->s->items[i];
            if (!w->text || w->font_px <= px)
                continue;
            if (layout_fit_text(w, px, c->min_px, c->m) != 0)
                c->failed = 1;
            if (w->font_px < px)
                again = 1;
        }
    }
}

/* The narrowest a view toggle may be beside the languages: its tick
 * box, a speaker and a short word at a readable size. */
#define VIEW_TOGGLE_MIN_MM 55

/* High contrast, large text and listening, for this citizen only: tick
 * boxes, so the state reads without colour; listening also carries a
 * speaker, so it is found without reading. */
static void put_view_toggles(ctx_t *c, ui_rect_t area, int stacked)
{
    static const char *const ids[3] = {VIEW_ID_CONTRAST, VIEW_ID_LARGE,
                                       VIEW_ID_LISTEN};
    const view_t *view = &c->v->flow->view;
    const int on[3] = {view->contrast, view->large, view->listen};
    int i, first = c->s->n;
    int w = (area.w - 2 * c->gap) / 3;
    /* Stacked (portrait), the three stand one above the other, full
     * width: side by side on a narrow screen their words are small. */
    int row_h = stacked ? (area.h - 2 * c->gap) / 3 : area.h;
    ui_widget_t *t;

    if (stacked)
        w = area.w;
    else if (!c->portrait)
        w = min_i(w, c->footer.w * 30 / 100);
    for (i = 0; i < 3; i++) {
        ui_rect_t r = stacked
                          ? rect(area.x, area.y + i * (row_h + c->gap), w, row_h)
                          : rect(area.x + i * (w + c->gap), area.y, w, area.h);
        t = put(c, UI_CHIP, UI_STYLE_QUIET, ids[i], NULL, r, 0, 1);
        if (!t)
            continue;
        t->selected = on[i];
        if (i == 2) {
            /* The speaker after the tick box, the word after both; on a
             * narrow chip the speaker shrinks before the word does. */
            int side = min_i(t->icon.w, t->text_box.w * 35 / 100);
            t->face = UI_CHIP_SPEAKER;
            t->text_box.x += side + side / 4;
            t->text_box.w -= side + side / 4;
        }
        t->text = tr(c, ids[i]);
        if (fit_text(c, t, row_h * (stacked ? 40 : 32) / 100) != 0)
            c->failed = 1;
    }
    equalise(c, first);
}

/* The scan hint, or a scan's outcome (signed in, bad code) where the
 * hint is. */
static void put_idle_hint(ctx_t *c, ui_rect_t r)
{
    const flow_t *f = c->v->flow;

    put(c, UI_LABEL, f->notice ? UI_STYLE_TITLE : UI_STYLE_BODY, "",
        f->notice ? tr(c, f->notice) : tr(c, "idle.scan"), r,
        c->u * 4 / 100, f->notice != NULL);
}

static void build_idle(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    const ui_info_t *info = c->v->info;
    ui_rect_t b, start, lang_area, view_area;
    int title_h, start_h, start_w, hint_h, y, i, first, lw;
    int n_lang = f->config->n_langs;
    int banner = !f->notice && info->banner[0];
    /* Out of reach, the hint joins the title above the start button; the
     * technician's banner, taller, stays below it. */
    int hint_up = 0;
    /* Low reach keeps the toggles in one row: the rows the stack would
     * take are where a seated citizen's content has to go. */
    int stacked;
    ui_widget_t *w;

    ctx_frame(c, 1, 1);
    stacked = c->portrait && c->reach_y <= 0;
    /* Footer: the view toggles on the left, languages on the right. */
    lang_area = c->footer;
    view_area = c->footer;
    lw = 0;
    if (n_lang > 1) {
        /* In portrait the view toggles have a row of their own: the
         * languages may take the whole footer (three fit: vi, en, km). */
        int room = c->portrait ? c->footer.w - (n_lang - 1) * c->gap / 2
                               : c->footer.w * 50 / 100;
        lw = min_i(max_i(c->footer.w / (c->portrait ? 3 : 6), c->target * 2),
                   room / n_lang);
        lang_area.w = n_lang * lw + (n_lang - 1) * c->gap / 2;
        lang_area.x = c->footer.x + c->footer.w - lang_area.w;
        view_area.w = lang_area.x - c->gap - c->footer.x;
    }
    /* The view toggles get a row of their own above the footer where,
     * beside the languages, they would be too narrow to read: always in
     * portrait, and on a small landscape panel with three languages. */
    if (stacked) {
        /* Three rows a little lower than the footer's, from the room a
         * tall screen leaves under the start button. */
        int row = max_i(c->footer.h * 80 / 100, c->target);
        view_area = c->footer;
        view_area.h = 3 * row + 2 * c->gap;
        view_area.y = c->footer.y - c->gap - view_area.h;
        c->body.h -= view_area.h + c->gap;
    } else if (c->portrait || (view_area.w - 2 * c->gap) / 3 <
                                  layout_mm(c->s, VIEW_TOGGLE_MIN_MM)) {
        c->body.h -= c->footer.h + c->gap;
        view_area = c->footer;
        view_area.y = c->footer.y - c->gap - c->footer.h;
    }
    b = c->body;
    title_h = b.h * (c->large ? 20 : 16) / 100;
    start_h = b.h * (stacked ? 44 : c->portrait ? 34 : c->large ? 38 : 42) / 100;
    start_w = c->portrait ? b.w : b.w * 80 / 100;
    hint_h = b.h * 12 / 100;
    if (c->reach_y > 0) {
        hint_up = !banner;
        title_h = above_reach(c, title_h + (hint_up ? hint_h : 0)) -
                  (hint_up ? hint_h : 0);
        /* The start button takes the row the hint left. */
        if (hint_up)
            start_h += hint_h;
    }
    y = b.y;
    put_header(c, info->unit_name[0] ? info->unit_name : f->config->unit_name,
               NULL);
    put(c, UI_LABEL, UI_STYLE_TITLE, "", tr(c, "idle.title"),
        rect(b.x, y, b.w, title_h), title_h * 60 / 100, 1);
    y += title_h;
    if (hint_up) {
        put_idle_hint(c, rect(b.x, y, b.w, hint_h));
        y += hint_h;
    }
    y += c->gap;
    start = rect(b.x + (b.w - start_w) / 2, y, start_w, start_h);
    put(c, UI_BUTTON, UI_STYLE_PRIMARY, "start", tr(c, "idle.invite"), start,
        start_h * 30 / 100, 1);
    y += start_h + c->gap;
    if (banner) {
        /* The technician's banner takes the scan hint's and the officer's
         * rows: it is there only until the first rating. */
        put(c, UI_LABEL, info->banner_failed ? UI_STYLE_DANGER
                                             : UI_STYLE_TITLE,
            "", info->banner, rect(b.x, y, b.w, max_i(b.y + b.h - y, 1)),
            c->u * 4 / 100, 1);
        y = b.y + b.h;
    } else if (!hint_up) {
        put_idle_hint(c, rect(b.x, y, b.w, hint_h));
        y += hint_h;
    }
    if (info->officer_name[0] && y < b.y + b.h) {
        put(c, UI_LABEL, UI_STYLE_BODY, "",
            layout_printf(c->s, "%s: %s", tr(c, "idle.officer"),
                          info->officer_name),
            rect(b.x, y, b.w, b.h * 11 / 100), c->u * 4 / 100, 0);
        y += b.h * 11 / 100;
    }
    if (info->figure[0] && y < b.y + b.h)
        put(c, UI_LABEL, UI_STYLE_BODY, "",
            layout_printf(c->s, "%s: %s", tr(c, "idle.figure"), info->figure),
            rect(b.x, y, b.w, max_i(b.y + b.h - y, 1)), c->u * 4 / 100, 1);

    if (n_lang > 1) {
        first = c->s->n;
        for (i = 0; i < n_lang; i++) {
            const char *code = f->config->langs[i];
            w = put(c, UI_BUTTON, UI_STYLE_QUIET,
                    layout_printf(c->s, "lang.%s", code),
                    i18n_get(c->v->i18n, code, "lang.name"),
                    rect(lang_area.x + i * (lw + c->gap / 2), lang_area.y, lw,
                         lang_area.h),
                    lang_area.h * 32 / 100, 0);
            if (w)
                w->selected = i == f->lang;
        }
        equalise(c, first);
    }
    put_view_toggles(c, view_area, stacked);
    /* Last, so the hit test finds it first: an invisible corner. */
    put(c, UI_HIDDEN, UI_STYLE_PLAIN, "admin.corner", NULL,
        rect(0, 0, layout_mm(c->s, 12), min_i(layout_mm(c->s, 12),
                                               c->s->header_h)),
        0, 0);
}

static void put_prompt(ctx_t *c, const char *text, const char *hint,
                       int height)
{
    ui_rect_t b = c->body;
    /* Large text: the hint, the smallest words, gets a larger share. */
    int hint_h = hint ? height * (c->large ? 36 : 28) / 100 : 0;
    ui_widget_t *w;

    w = put(c, UI_LABEL, UI_STYLE_TITLE, "", text,
            rect(b.x, b.y, b.w, height - hint_h), c->u * 72 / 1000, 1);
    (void)w;
    if (hint)
        put(c, UI_LABEL, UI_STYLE_SMALL, "", hint,
            rect(b.x, b.y + height - hint_h, b.w, hint_h),
            min_i(hint_h * 70 / 100, c->u * 4 / 100), 0);
    /* Listening: the question's words are touched to hear them; set for
     * low reach they are out of reach by design, and the question is
     * read as its screen appears. */
    if (c->v->flow->view.listen && c->v->flow->screen != FLOW_FIELD &&
        c->reach_y == 0)
        put(c, UI_HIDDEN, UI_STYLE_PLAIN, FLOW_ID_PROMPT, NULL,
            rect(b.x, b.y, b.w, height), 0, 0);
    c->body.y += height + c->gap;
    c->body.h -= height + c->gap;
}

static void build_field(ctx_t *c)
{
    const config_t *cfg = c->v->flow->config;
    ui_rect_t cells[CONFIG_FIELD_MAX];
    int cols, i, first;

    ctx_frame(c, 1, 1);
    put_header(c, tr(c, "field.title"), NULL);
    put_prompt(c, tr(c, "field.prompt"), NULL,
               above_reach(c, c->body.h * 20 / 100));
    cols = layout_grid_cols(c->body, cfg->n_fields,
                            max_i(c->target, c->body.h / 4), c->gap,
                            c->portrait ? 2 : 3);
    if (!c->portrait && cfg->n_fields > 3 && cols < 2)
        cols = 2;
    layout_grid(c->body, cfg->n_fields, cols, c->gap, cells);
    first = c->s->n;
    for (i = 0; i < cfg->n_fields; i++) {
        char key[CONFIG_CODE_MAX + 8];
        snprintf(key, sizeof(key), "field.%s", cfg->fields[i]);
        put(c, UI_BUTTON, UI_STYLE_PLAIN,
            layout_printf(c->s, "field.%s", cfg->fields[i]), tr(c, key),
            cells[i], min_i(cells[i].h * 30 / 100, c->u * 6 / 100), 1);
    }
    equalise(c, first);
    put_footer(c, "back", "button.back", NULL, NULL, UI_STYLE_PLAIN, NULL);
}

static const char *progress_text(ctx_t *c)
{
    int pos, count;

    flow_progress(c->v->flow, &pos, &count);
    return layout_printf(c->s, "%s %d/%d", tr(c, "question.progress"), pos,
                         count);
}

static const char *dossier_text(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    const char *cue = NULL;

    /* Listening: a prompt with no sound says so; a heard answer says how
     * to choose it. */
    if (f->view.listen && c->v->info->voice_missing)
        cue = tr(c, "voice.missing");
    else if (f->view.listen && f->heard >= 0)
        cue = tr(c, "voice.again");
    if (!f->resp.dossier[0])
        return cue;
    if (cue)
        return layout_printf(c->s, "%s\n%s: %s", cue, tr(c, "dossier.label"),
                             f->resp.dossier);
    return layout_printf(c->s, "%s: %s", tr(c, "dossier.label"),
                         f->resp.dossier);
}

/* Beside the footer's text, a struck speaker: no sound for this item. */
static void put_voice_cue(ctx_t *c)
{
    ui_widget_t *label = NULL, *w;
    int i, side, px, widest, x;

    if (!c->v->flow->view.listen || !c->v->info->voice_missing)
        return;
    for (i = 0; i < c->s->n; i++)
        if (c->s->items[i].kind == UI_LABEL &&
            c->s->items[i].r.y == c->footer.y && c->s->items[i].n_lines > 0)
            label = &c->s->items[i];
    if (!label)
        return;
    side = min_i(label->r.h * 60 / 100, label->r.w / 6);
    /* The words move over to make room, and shrink if they must. */
    px = label->font_px;
    label->text_box.x = label->r.x + side + c->gap / 2;
    label->text_box.w = label->r.w - side - c->gap / 2;
    if (layout_fit_text(label, px, c->min_px, c->m) != 0)
        c->failed = 1;
    /* Right before the words, which are centred. */
    for (i = 0, widest = 0; i < label->n_lines; i++)
        widest = max_i(widest, label->lines[i].width);
    x = max_i(label->r.x, label->text_box.x +
                              (label->text_box.w - widest) / 2 - side -
                              c->gap / 2);
    w = layout_add(c->s, UI_PANEL, UI_STYLE_PLAIN, "", NULL,
                   rect(x, label->r.y + (label->r.h - side) / 2, side, side));
    if (!w) {
        c->failed = 1;
        return;
    }
    w->face = UI_SYMBOL_NO_SOUND;
    w->icon = w->r;
}

static void put_answer(ctx_t *c, const survey_option_t *o, ui_rect_t r,
                       const char *label, int selected)
{
    ui_widget_t *w = layout_add(c->s, UI_ANSWER, UI_STYLE_PLAIN,
                                layout_printf(c->s, "answer.%d", o->value),
                                label, r);
    int pad = max_i(4, min_i(r.w, r.h) / 14), face;

    if (!w) {
        c->failed = 1;
        return;
    }
    w->face = (int)o->face;
    w->selected = selected;
    w->bold = 1;
    if (c->portrait) {
        /* A row: face on the left, the word beside it. */
        face = o->face ? min_i(r.h - 2 * pad, r.w / 4) : 0;
        w->icon = rect(r.x + pad * 2, r.y + (r.h - face) / 2, face, face);
        w->text_box = rect(r.x + pad * 3 + face, r.y + pad,
                           r.w - face - pad * 5, r.h - 2 * pad);
        w->align = UI_ALIGN_LEFT;
    } else {
        /* A column: face on top, the word under it. */
        int text_h = r.h * 36 / 100;
        face = o->face ? min_i(r.w - 2 * pad, r.h - text_h - 2 * pad) : 0;
        w->icon = rect(r.x + (r.w - face) / 2, r.y + pad + (r.h - text_h - 2 * pad - face) / 2,
                       face, face);
        w->text_box = rect(r.x + pad, r.y + r.h - text_h - pad, r.w - 2 * pad,
                           text_h);
        if (!o->face)
            w->text_box = layout_inset(r, pad * 2, pad);
    }
    if (fit_text(c, w, min_i(c->u * 55 / 1000, w->text_box.h * 45 / 100 + 4)) != 0)
        c->failed = 1;
}

static void build_question(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    const survey_question_t *q = flow_current_question(f);
    int li = survey_find_lang(f->survey, flow_lang_code(f));
    ui_rect_t cells[SURVEY_OPTION_MAX];
    int i, cols, first;

    ctx_frame(c, 1, 1);
    put_header(c, survey_text(f->survey->title, li), progress_text(c));
    /* Larger words need more lines: the question takes room from the
     * answers, which keep their faces and words. */
    put_prompt(c, survey_text(q->text, li),
               q->hint[0] ? survey_text(q->hint, li) : NULL,
               above_reach(c, c->body.h * (c->portrait ? 24 : 30) / 100 *
                                  (c->large ? 125 : 100) / 100));
    cols = c->portrait ? 1 : q->n_options;
    if (!c->portrait && c->body.w / q->n_options < c->target * 2)
        cols = (q->n_options + 1) / 2;
    layout_grid(c->body, q->n_options, cols, c->gap, cells);
    first = c->s->n;
    for (i = 0; i < q->n_options; i++)
        put_answer(c, &q->options[i], cells[i],
                   survey_text(q->options[i].label, li),
                   q->options[i].value == f->selected);
    equalise(c, first);
    put_footer(c, "back", "button.back", q->skippable ? "skip" : NULL,
               "button.skip", UI_STYLE_QUIET, dossier_text(c));
    put_voice_cue(c);
}

static void build_multi(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    const survey_question_t *q = flow_current_question(f);
    int li = survey_find_lang(f->survey, flow_lang_code(f));
    ui_rect_t cells[SURVEY_OPTION_MAX];
    const char *hint;
    int i, cols, first, prompt_h, max_cols = c->portrait ? 2 : 3;
    ui_widget_t *w;

    ctx_frame(c, 1, 1);
    put_header(c, survey_text(f->survey->title, li), progress_text(c));
    if (q->hint[0])
        hint = survey_text(q->hint, li);
    else if (q->max_choices > 0)
        hint = layout_printf(c->s, "%s %d", tr(c, "choices.max"),
                             q->max_choices);
    else
        hint = tr(c, "reasons.hint");
    prompt_h = above_reach(c, c->body.h * (c->portrait ? 20 : 26) / 100);
    if (c->large) {
        /* Larger words want a taller question and hint, and fewer, wider
         * choices (or the longest would set them all small again), but
         * never at the cost of a choice's touch target. */
        int want = c->portrait ? 1 : 2;
        int rows = (q->n_options + want - 1) / want;
        int need = rows * (c->target + c->gap / 2) + (rows - 1) * c->gap;
        int room = c->body.h - c->gap - need;
        if (room >= prompt_h) {
            prompt_h = min_i(prompt_h * 115 / 100, room);
            max_cols = want;
        }
    }
    put_prompt(c, survey_text(q->text, li), hint, prompt_h);
    cols = layout_grid_cols(c->body, q->n_options, c->target + c->gap / 2,
                            c->gap, max_cols);
    if (!c->portrait && cols < 2 && q->n_options > 3)
        cols = 2;
    layout_grid(c->body, q->n_options, cols, c->gap, cells);
    first = c->s->n;
    for (i = 0; i < q->n_options; i++) {
        w = put(c, UI_CHIP, UI_STYLE_PLAIN,
                layout_printf(c->s, "reason.%s", q->options[i].code),
                survey_text(q->options[i].label, li), cells[i],
                min_i(cells[i].h * 40 / 100, c->u * 55 / 1000), 0);
        if (w)
            /* A choice heard and not yet taken looks pressed. */
            w->selected = f->chosen[i] | (f->heard == i ? 2 : 0);
    }
    equalise(c, first);
    put_footer(c, "back", "button.back", "next", "button.next",
               UI_STYLE_PRIMARY, dossier_text(c));
    put_voice_cue(c);
}

/* Thanks, already-rated, paused and out-of-service share one shape: a
 * symbol, a title, a body and perhaps one button. */
static void build_message(ctx_t *c, const char *title_key,
                          const char *body_key, const char *detail,
                          int symbol, int with_done)
{
    ui_rect_t b;
    int sym, title_h, body_h, y;
    ui_widget_t *w;

    ctx_frame(c, 1, with_done);
    b = c->body;
    put_header(c, c->v->info->unit_name[0] ? c->v->info->unit_name
                                           : c->v->flow->config->unit_name,
               NULL);
    sym = b.h * 30 / 100;
    title_h = b.h * 28 / 100;
    body_h = b.h * (detail ? 22 : 34) / 100;
    y = b.y;
    w = layout_add(c->s, UI_PANEL, UI_STYLE_PLAIN, "", NULL,
                   rect(b.x + (b.w - sym) / 2, y, sym, sym));
    if (w) {
        w->face = symbol;
        w->icon = w->r;
    }
    y += sym + c->gap;
    put(c, UI_LABEL, UI_STYLE_TITLE, "", tr(c, title_key),
        rect(b.x, y, b.w, title_h), c->u * 8 / 100, 1);
    y += title_h;
    put(c, UI_LABEL, UI_STYLE_BODY, "", tr(c, body_key),
        rect(b.x, y, b.w, body_h), c->u * 5 / 100, 0);
    y += body_h;
    if (detail)
        put(c, UI_LABEL, UI_STYLE_SMALL, "", breakable(c, detail, b.w),
            rect(b.x, y, b.w, max_i(b.y + b.h - y, 1)), c->u * 35 / 1000, 0);
    if (with_done) {
        int bw = min_i(c->footer.w, max_i(c->footer.w / 3, c->target * 3));
        put(c, UI_BUTTON, UI_STYLE_PRIMARY, "done", tr(c, "button.done"),
            rect(c->footer.x + (c->footer.w - bw) / 2, c->footer.y, bw,
                 c->footer.h),
            c->footer.h * 38 / 100, 1);
    }
}

static void build_pin(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    static const char *const keys[12] = {"1", "2", "3", "4", "5", "6",
                                         "7", "8", "9", "del", "0", "ok"};
    ui_rect_t cells[12], pad;
    char dots[FLOW_PIN_MAX * 4 + 1];
    size_t i, n = strlen(f->pin);
    int kw, kh;

    ctx_frame(c, 1, 1);
    put_header(c, tr(c, "pin.title"), NULL);
    for (i = 0; i < n && i < FLOW_PIN_MAX; i++)
        memcpy(dots + i * 3, "\xe2\x80\xa2", 3); /* U+2022 bullet */
    dots[n * 3] = '\0';
    put(c, UI_LABEL, f->pin_failed ? UI_STYLE_DANGER : UI_STYLE_TITLE, "",
        f->pin_failed ? tr(c, "pin.wrong") : layout_printf(c->s, "%s", dots),
        rect(c->body.x, c->body.y, c->body.w, c->body.h * 18 / 100),
        c->body.h * 12 / 100, 1);
    pad = c->body;
    pad.y += c->body.h * 18 / 100 + c->gap;
    pad.h -= c->body.h * 18 / 100 + c->gap;
    kh = (pad.h - 3 * c->gap) / 4;
    kw = min_i(pad.w, max_i(kh * 2, c->target) * 3 + 2 * c->gap);
    pad.x += (pad.w - kw) / 2;
    pad.w = kw;
    layout_grid(pad, 12, 3, c->gap, cells);
    for (i = 0; i < 12; i++) {
        const char *label = keys[i];
        ui_style_t st = UI_STYLE_PLAIN;
        if (strcmp(keys[i], "del") == 0)
            label = tr(c, "pin.del");
        if (strcmp(keys[i], "ok") == 0) {
            label = tr(c, "pin.ok");
            st = UI_STYLE_PRIMARY;
        }
        put(c, UI_KEY, st, layout_printf(c->s, "pin.%s", keys[i]), label,
            cells[i], min_i(cells[i].h * 40 / 100, cells[i].w * 18 / 100), 1);
    }
    put_footer(c, "back", "button.back", NULL, NULL, UI_STYLE_PLAIN, NULL);
}

static void build_admin(ctx_t *c)
{
    const ui_info_t *info = c->v->info;
    const config_t *cfg = c->v->flow->config;
    ui_rect_t lines, buttons, cells[UI_ADMIN_OFFICERS + 4];
    const char *texts[UI_ADMIN_LINES];
    int rows[UI_ADMIN_LINES];
    int i, n, line_h, y, total = 0, n_off, cols, first;
    ui_widget_t *w;
    static const char *const ids[4] = {"admin.selftest", "admin.signout",
                                       "admin.exit", "done"};
    static const char *const keys[4] = {"admin.selftest", "admin.signout",
                                        "admin.exit", "button.done"};

    ctx_frame(c, 1, 0);
    put_header(c, tr(c, "admin.title"), NULL);
    lines = c->body;
    buttons = c->body;
    if (c->portrait) {
        lines.h = c->body.h * 62 / 100;
        buttons.y = lines.y + lines.h + c->gap;
        buttons.h = c->body.h - lines.h - c->gap;
    } else {
        lines.w = c->body.w * 64 / 100;
        buttons.x = lines.x + lines.w + c->gap;
        buttons.w = c->body.w - lines.w - c->gap;
    }
    /* Lines share the column by the rows each needs at the smallest size,
     * so a long "last error" wraps instead of vanishing; all lines keep the
     * size of a one-row line. */
    n = min_i(info->n_admin, UI_ADMIN_LINES);
    for (i = 0; i < n; i++) {
        ui_widget_t probe;
        texts[i] = breakable(c,
                             layout_printf(c->s, "%s: %s",
                                           tr(c, info->admin[i].key),
                                           info->admin[i].value),
                             lines.w);
        memset(&probe, 0, sizeof(probe));
        probe.text = texts[i];
        probe.text_box = lines;
        layout_fit_text(&probe, c->min_px, c->min_px, c->m);
        rows[i] = max_i(probe.n_lines, 1);
        total += rows[i];
    }
    line_h = total > 0 ? lines.h / total : lines.h;
    y = lines.y;
    first = c->s->n;
    for (i = 0; i < n; i++) {
        w = put(c, UI_LABEL, UI_STYLE_BODY, "", texts[i],
                rect(lines.x, y, lines.w, rows[i] * line_h),
                min_i(line_h * 55 / 100, c->u * 4 / 100), 0);
        if (w)
            w->align = UI_ALIGN_LEFT;
        y += rows[i] * line_h;
    }
    /* Large text may leave some lines at the larger floor and not others:
     * one size reads as one list. */
    equalise(c, first);
    /* The first officers of the list can take the shift from here too
     * (a badge scan does the same at the idle screen). */
    n_off = min_i(cfg->n_officers, UI_ADMIN_OFFICERS);
    cols = layout_grid_cols(buttons, n_off + 4, c->target, c->gap, 2);
    if (c->portrait && n_off > 0)
        cols = 2;
    layout_grid(buttons, n_off + 4, cols, c->gap, cells);
    first = c->s->n;
    for (i = 0; i < n_off; i++) {
        w = put(c, UI_BUTTON, UI_STYLE_PLAIN,
                layout_printf(c->s, "officer.%s", cfg->officers[i].code),
                cfg->officers[i].name, cells[i],
                min_i(cells[i].h * 30 / 100, c->u * 45 / 1000), 0);
        if (w)
            w->selected = strcmp(cfg->officers[i].code, c->v->flow->officer) == 0;
    }
    for (i = 0; i < 4; i++)
        put(c, UI_BUTTON, i == 2 ? UI_STYLE_DANGER : UI_STYLE_PLAIN, ids[i],
            tr(c, keys[i]), cells[n_off + i],
            min_i(cells[n_off + i].h * 30 / 100, c->u * 5 / 100), 1);
    equalise(c, first);
}

/* The touch grid: cells over the whole body, so a panel that misses a
 * corner or an edge (rotation, calibration) shows it at once. The header
 * names the screen's size and the touch rotation the kiosk applies. */
static void build_selftest(ctx_t *c)
{
    const flow_t *f = c->v->flow;
    ui_rect_t cells[FLOW_GRID_CELLS];
    int i, n = 0, cols = c->portrait ? 3 : 4, on;

    ctx_frame(c, 1, 1);
    for (i = 0; i < FLOW_GRID_CELLS; i++)
        n += (f->grid_tapped >> i) & 1;
    put_header(c, tr(c, "selftest.title"),
               layout_printf(c->s, "%d×%d · %s %d°", c->s->w, c->s->h,
                             tr(c, "selftest.rotation"),
                             f->config->touch.rotation));
    layout_grid(c->body, FLOW_GRID_CELLS, cols, c->gap, cells);
    for (i = 0; i < FLOW_GRID_CELLS; i++) {
        on = (f->grid_tapped >> i) & 1;
        put(c, UI_BUTTON, on ? UI_STYLE_OK : UI_STYLE_PLAIN,
            layout_printf(c->s, "grid.%d", i),
            on ? tr(c, "selftest.tapped") : layout_printf(c->s, "%d", i + 1),
            cells[i], min_i(cells[i].h * 30 / 100, c->u * 6 / 100), 0);
    }
    put_footer(c, NULL, NULL, "done", "button.done", UI_STYLE_PRIMARY,
               layout_printf(c->s, "%s: %d/%d",
                             tr(c, n == FLOW_GRID_CELLS ? "selftest.all"
                                                        : "selftest.count"),
                             n, FLOW_GRID_CELLS));
}

int screens_build(ui_screen_t *s, const ui_view_t *v, int w, int h, int dpi,
                  const ui_measure_t *m)
{
    ctx_t c;
    const flow_t *f = v->flow;

    memset(s, 0, sizeof(*s));
    s->w = w;
    s->h = h;
    s->dpi = dpi;
    memset(&c, 0, sizeof(c));
    c.s = s;
    c.v = v;
    c.m = m;
    c.u = min_i(w, h);
    c.portrait = h > w;
    c.margin = max_i(8, c.u * MARGIN_PCT / 100);
    c.gap = max_i(6, c.u * GAP_PCT / 100);
    c.target = layout_mm(s, TARGET_MM);
    c.min_px = max_i(12, layout_mm(s, 2.2));
    c.large = f->view.large;
    if (c.portrait && f->config->reach == CONFIG_REACH_LOW)
        c.reach_y = (h + 2) / 3; /* h / 3 rounded up */
    s->large = f->view.large;
    s->contrast = f->view.contrast;

    switch (f->screen) {
    case FLOW_IDLE:
        build_idle(&c);
        break;
    case FLOW_FIELD:
        build_field(&c);
        break;
    case FLOW_QUESTION:
        build_question(&c);
        break;
    case FLOW_REASONS:
    case FLOW_CHOICES:
        build_multi(&c);
        break;
    case FLOW_THANKS:
        build_message(&c, "thanks.title", "thanks.body", NULL,
                      SURVEY_FACE_NONE, 1);
        break;
    case FLOW_ALREADY:
        build_message(&c, "already.title", "already.body", NULL, -1, 1);
        break;
    case FLOW_PAUSED:
        build_message(&c, "paused.title", "paused.body",
                      v->info->detail[0] ? v->info->detail : NULL, -2, 0);
        break;
    case FLOW_OUT_OF_SERVICE:
        build_message(&c, "oos.title", "oos.body",
                      v->info->detail[0] ? v->info->detail : NULL, -2, 0);
        break;
    case FLOW_PIN:
        build_pin(&c);
        break;
    case FLOW_ADMIN:
        build_admin(&c);
        break;
    case FLOW_SELFTEST:
        build_selftest(&c);
        break;
    case FLOW_SCREEN_COUNT:
        break;
    }
    if (v->pressed) {
        int i;
        for (i = 0; i < s->n; i++)
            if (s->items[i].id[0] && strcmp(s->items[i].id, v->pressed) == 0)
                s->items[i].selected |= 2; /* bit 1: under the finger */
    }
    return c.failed || s->overflow ? -1 : 0;
}
