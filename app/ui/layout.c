#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "core/textbreak.h"

ui_widget_t *layout_add(ui_screen_t *s, ui_kind_t kind, ui_style_t style,
                        const char *id, const char *text, ui_rect_t r)
{
    ui_widget_t *w;

    if (s->n >= UI_WIDGET_MAX) {
        s->overflow = 1;
        return NULL;
    }
    w = &s->items[s->n++];
    memset(w, 0, sizeof(*w));
    snprintf(w->id, sizeof(w->id), "%s", id ? id : "");
    w->kind = kind;
    w->style = style;
    w->text = text;
    w->r = r;
    w->text_box = r;
    return w;
}

const char *layout_printf(ui_screen_t *s, const char *fmt, ...)
{
    size_t room = sizeof(s->text) - s->text_used;
    char *dst = s->text + s->text_used;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(dst, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        s->overflow = 1;
        return "";
    }
    s->text_used += (size_t)n + 1;
    return dst;
}

/* Line height at px. Stacked capitals (Ễ, Ẫ) reach far above the ascent:
 * lines get generous leading so marks never touch the line above. Khmer
 * stacks further, a vowel above and a subscript consonant below the
 * base, and its face is drawn 15% larger (text.c): the face's ascent
 * and descent, scaled, take 1.58 px per px of size; 1.7 leaves the
 * leading a Vietnamese line has. */
static int layout_line_h(const ui_widget_t *w, int px)
{
    if (w->text && textbreak_has_khmer(w->text, strlen(w->text)))
        return px * 17 / 10 + 2;
    return px * 14 / 10 + 2;
}

/* End of the longest run of whole clusters from start that fits max_w,
 * for a Khmer segment wider than the line on its own; 0 when not even one
 * cluster fits. */
static size_t layout_split_clusters(const ui_widget_t *w, int px,
                                    const ui_measure_t *m, size_t start,
                                    size_t end, int max_w, int *out_w)
{
    const char *t = w->text;
    size_t at = start, best = 0;
    int lw;

    while (at < end) {
        size_t next = textbreak_cluster_end(t, end, at);
        if (m->width(m->ctx, px, w->bold, t + start, next - start, &lw) != 0)
            return 0;
        if (lw > max_w)
            break;
        best = next;
        *out_w = lw;
        at = next;
    }
    return best;
}

/* Greedy word wrap at px. Words end at spaces and at U+200B (see
 * textbreak.h). With split set, a Khmer segment wider than the line on
 * its own breaks between clusters. Returns the number of lines, or -1
 * when a line does not fit (a word wider than the box, or more than
 * max_n lines: the wrap stops there, as its result would be refused, so
 * a size far too large costs a line or two of measuring, not the whole
 * text's). */
static int layout_wrap(ui_widget_t *w, int px, const ui_measure_t *m,
                       int split, int max_n)
{
    const char *t = w->text;
    size_t len = strlen(t), pos = 0;
    int n = 0, max_w = w->text_box.w, lw;

    while (pos < len) {
        size_t start, end, best = 0;
        int best_w = 0;

        start = textbreak_skip_gaps(t, len, pos);
        if (start >= len)
            break;
        if (n >= max_n)
            return -1;
        end = start;
        /* Extend word by word while the line still fits. */
        for (;;) {
            size_t next = textbreak_word_end(t, len,
                                             textbreak_skip_gaps(t, len, end));
            if (m->width(m->ctx, px, w->bold, t + start, next - start, &lw) != 0)
                return -1;
            if (lw > max_w)
                break;
            best = next;
            best_w = lw;
            end = next;
            if (next >= len || t[next] == '\n')
                break;
        }
        if (best == 0 && split) {
            size_t word = textbreak_word_end(t, len, start);
            if (textbreak_has_khmer(t + start, word - start))
                best = layout_split_clusters(w, px, m, start, word, max_w,
                                             &best_w);
        }
        if (best == 0 || n >= UI_LINES_MAX)
            return -1;
        w->lines[n].off = (int)start;
        w->lines[n].len = (int)(best - start);
        w->lines[n].width = best_w;
        n++;
        pos = best;
        if (pos < len && t[pos] == '\n')
            pos++;
    }
    return n;
}

/* Largest size from max_px down at which the text fits in at most
 * max_lines lines; 0 when none does. Leaves the wrap of that size in w. */
static int layout_try_fit(ui_widget_t *w, int max_px, int min_px,
                          int max_lines, const ui_measure_t *m, int split)
{
    int px;

    for (px = max_px; px >= min_px; px -= px > 24 ? 2 : 1) {
        int line_h = layout_line_h(w, px);
        int room = line_h > 0 ? w->text_box.h / line_h : 0;
        int n = room > 0 ? layout_wrap(w, px, m, split,
                                       room < max_lines ? room : max_lines)
                         : -1;
        if (n > 0 && n <= max_lines && n * line_h <= w->text_box.h) {
            w->font_px = px;
            w->line_h = line_h;
            w->n_lines = n;
            return px;
        }
    }
    return 0;
}

static int layout_fit_search(ui_widget_t *w, int max_px, int min_px,
                             const ui_measure_t *m)
{
    int multi, single, split = 0;

    w->n_lines = 0;
    w->overflow = 0;
    if (!w->text || !w->text[0])
        return 0;
    if (min_px < 8)
        min_px = 8;
    multi = layout_try_fit(w, max_px, min_px, UI_LINES_MAX, m, 0);
    /* Smaller text reads better than a word cut between its clusters:
     * cutting is the last resort, for Khmer only. */
    if (multi == 0 && textbreak_has_khmer(w->text, strlen(w->text))) {
        split = 1;
        multi = layout_try_fit(w, max_px, min_px, UI_LINES_MAX, m, 1);
    }
    if (multi == 0) {
        w->overflow = 1;
        w->font_px = min_px;
        w->line_h = layout_line_h(w, min_px);
        return -1;
    }
    if (w->n_lines == 1 || w->kind == UI_ANSWER)
        return 0;
    /* A short label broken over lines ("Tiếng / Việt") reads worse than
     * the same label a little smaller on one line. */
    /* Never below min_px: a group equalised to this size would then be
     * refitted below its own minimum, and fail. */
    single = layout_try_fit(w, multi, multi * 85 / 100 > min_px
                                          ? multi * 85 / 100 : min_px,
                            1, m, 0);
    if (single == 0)
        layout_try_fit(w, multi, multi, UI_LINES_MAX, m, split);
    return 0;
}

#define LAYOUT_FITS_MAX 256

/* One remembered fit: its inputs (the text kept whole, so a hash
 * collision can never hand one text another's lines) and its outputs. */
typedef struct layout_fit {
    uint64_t hash;
    int used;
    int box_w, box_h, max_px, min_px, kind, bold;
    size_t len;
    char text[UI_TEXT_MAX + 1];
    int rc, font_px, line_h, n_lines, overflow;
    ui_line_t lines[UI_LINES_MAX];
} layout_fit_t;

struct ui_fit_cache {
    layout_fit_t slot[LAYOUT_FITS_MAX]; /* direct-mapped by hash */
};

ui_fit_cache_t *layout_fit_cache_create(void)
{
    return calloc(1, sizeof(ui_fit_cache_t));
}

void layout_fit_cache_destroy(ui_fit_cache_t *c)
{
    free(c);
}

static uint64_t layout_fit_hash(const ui_widget_t *w, int max_px, int min_px,
                                size_t len)
{
    const int keys[6] = {w->text_box.w, w->text_box.h, max_px, min_px,
                         (int)w->kind, w->bold};
    uint64_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)w->text[i]) * 1099511628211ull;
    for (i = 0; i < 6; i++)
        h = (h ^ (uint64_t)(unsigned)keys[i]) * 1099511628211ull;
    return h;
}

static int layout_fit_same(const layout_fit_t *f, const ui_widget_t *w,
                           int max_px, int min_px, size_t len, uint64_t h)
{
    return f->used && f->hash == h && f->len == len &&
           f->box_w == w->text_box.w && f->box_h == w->text_box.h &&
           f->max_px == max_px && f->min_px == min_px &&
           f->kind == (int)w->kind && f->bold == w->bold &&
           memcmp(f->text, w->text, len) == 0;
}

int layout_fit_text(ui_widget_t *w, int max_px, int min_px,
                    const ui_measure_t *m)
{
    layout_fit_t *f;
    size_t len;
    uint64_t h;
    int rc;

    if (!m->fits || !w->text || !w->text[0] ||
        (len = strlen(w->text)) > UI_TEXT_MAX)
        return layout_fit_search(w, max_px, min_px, m);
    h = layout_fit_hash(w, max_px, min_px, len);
    f = &m->fits->slot[h % LAYOUT_FITS_MAX];
    if (layout_fit_same(f, w, max_px, min_px, len, h)) {
        w->font_px = f->font_px;
        w->line_h = f->line_h;
        w->n_lines = f->n_lines;
        w->overflow = f->overflow;
        memcpy(w->lines, f->lines, sizeof(w->lines));
        return f->rc;
    }
    rc = layout_fit_search(w, max_px, min_px, m);
    f->used = 1;
    f->hash = h;
    f->len = len;
    memcpy(f->text, w->text, len);
    f->box_w = w->text_box.w;
    f->box_h = w->text_box.h;
    f->max_px = max_px;
    f->min_px = min_px;
    f->kind = (int)w->kind;
    f->bold = w->bold;
    f->rc = rc;
    f->font_px = w->font_px;
    f->line_h = w->line_h;
    f->n_lines = w->n_lines;
    f->overflow = w->overflow;
    memcpy(f->lines, w->lines, sizeof(f->lines));
    return rc;
}

int layout_grid_cols(ui_rect_t area, int n, int min_h, int gap, int max_cols)
{
    int cols;

    if (n <= 0)
        return 1;
    for (cols = 1; cols < max_cols; cols++) {
        int rows = (n + cols - 1) / cols;
        if (rows * min_h + (rows - 1) * gap <= area.h)
            return cols;
    }
    return max_cols;
}

void layout_grid(ui_rect_t area, int n, int cols, int gap, ui_rect_t *out)
{
    int rows, i, cw, ch;

    if (n <= 0 || cols <= 0)
        return;
    rows = (n + cols - 1) / cols;
    cw = (area.w - (cols - 1) * gap) / cols;
    ch = (area.h - (rows - 1) * gap) / rows;
    for (i = 0; i < n; i++) {
        int r = i / cols, c = i % cols;
        int in_row = r == rows - 1 ? n - r * cols : cols;
        /* A short last row is centred rather than left-aligned. */
        int shift = (cols - in_row) * (cw + gap) / 2;
        out[i].x = area.x + shift + c * (cw + gap);
        out[i].y = area.y + r * (ch + gap);
        out[i].w = cw;
        out[i].h = ch;
    }
}

static int layout_touchable(const ui_widget_t *w)
{
    return w->kind != UI_LABEL && w->kind != UI_PANEL;
}

const ui_widget_t *layout_hit(const ui_screen_t *s, int x, int y)
{
    int i;

    for (i = s->n - 1; i >= 0; i--) {
        const ui_widget_t *w = &s->items[i];
        if (layout_touchable(w) && x >= w->r.x && x < w->r.x + w->r.w &&
            y >= w->r.y && y < w->r.y + w->r.h)
            return w;
    }
    return NULL;
}

const ui_widget_t *layout_find(const ui_screen_t *s, const char *id)
{
    int i;

    for (i = 0; i < s->n; i++)
        if (s->items[i].id[0] && strcmp(s->items[i].id, id) == 0)
            return &s->items[i];
    return NULL;
}

int layout_mm(const ui_screen_t *s, double mm)
{
    return (int)(mm * s->dpi / 25.4 + 0.5);
}

ui_rect_t layout_inset(ui_rect_t r, int dx, int dy)
{
    ui_rect_t o = {r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy};

    if (o.w < 0)
        o.w = 0;
    if (o.h < 0)
        o.h = 0;
    return o;
}

int layout_rect_contains(ui_rect_t outer, ui_rect_t inner)
{
    return inner.x >= outer.x && inner.y >= outer.y &&
           inner.x + inner.w <= outer.x + outer.w &&
           inner.y + inner.h <= outer.y + outer.h;
}

int layout_rects_overlap(ui_rect_t a, ui_rect_t b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
           b.y < a.y + a.h;
}
