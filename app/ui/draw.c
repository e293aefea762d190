#include "draw.h"

#include <dlfcn.h>
#include <math.h>
#include <string.h>

#include "core/survey.h"
#include "theme.h"

#define DRAW_VERTS_MAX 1024

static SDL_Color draw_color(uint32_t rgba)
{
    SDL_Color c = {(Uint8)(rgba >> 24), (Uint8)(rgba >> 16),
                   (Uint8)(rgba >> 8), (Uint8)rgba};
    return c;
}

static int draw_set(SDL_Renderer *r, uint32_t rgba)
{
    SDL_Color c = draw_color(rgba);
    return SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

static int draw_fill(SDL_Renderer *r, ui_rect_t a, uint32_t rgba)
{
    SDL_Rect sr = {a.x, a.y, a.w, a.h};

    if (draw_set(r, rgba) != 0)
        return -1;
    return SDL_RenderFillRect(r, &sr);
}

/* A fan around (cx, cy): triangles (c, p[i], p[i+1]), open (a sector of
 * a disc); a closed polygon repeats its first point at the end. */
static int draw_sector(SDL_Renderer *r, float cx, float cy, const float *xy,
                       int n, uint32_t rgba)
{
    SDL_Vertex v[DRAW_VERTS_MAX];
    SDL_Color c = draw_color(rgba);
    int i, k = 0;

    for (i = 0; i + 1 < n && k + 3 <= DRAW_VERTS_MAX; i++, k += 3) {
        v[k].position.x = cx;
        v[k].position.y = cy;
        v[k + 1].position.x = xy[2 * i];
        v[k + 1].position.y = xy[2 * i + 1];
        v[k + 2].position.x = xy[2 * i + 2];
        v[k + 2].position.y = xy[2 * i + 3];
        v[k].color = v[k + 1].color = v[k + 2].color = c;
        v[k].tex_coord.x = v[k].tex_coord.y = 0;
        v[k + 1].tex_coord = v[k + 2].tex_coord = v[k].tex_coord;
    }
    return SDL_RenderGeometry(r, NULL, v, k, NULL, 0);
}

/* Twice the signed area of triangle (a, b, c) where SDL puts it: its
 * software renderer truncates each vertex to the whole pixel below. */
static long draw_turn(const float *a, const float *b, const float *c)
{
    long ax = (int)a[0], ay = (int)a[1], bx = (int)b[0], by = (int)b[1];
    long cx = (int)c[0], cy = (int)c[1];

    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/* The software renderer tests each pixel of a triangle's bounding box. A
 * fan of thin slices around a circle's centre tests several times the
 * circle's area; a zigzag across it, each slice spanning the circle,
 * about twice. When every slice turns the same way as the polygon, the
 * slices cover it once over (their winding numbers add up to the
 * polygon's), shared edges go to one side by the top-left rule, and the
 * pixels are the fan's. 0 when drawn, 1 when some slice turns the other
 * way (a dent the truncation made) and the fan is needed. */
static int draw_zigzag(SDL_Renderer *r, const float *xy, int n, uint32_t rgba,
                       int *rc)
{
    SDL_Vertex v[DRAW_VERTS_MAX];
    SDL_Color c = draw_color(rgba);
    int i, j, k = 0, m, t, sign = 0;

    if (n < 3 || 3 * (n - 2) > DRAW_VERTS_MAX)
        return 1;
    /* Slices (q[i], q[i+1], q[j]) and (q[i+1], q[j-1], q[j]). All of the
     * first kind go before all of the second: SDL draws two consecutive
     * triangles that make an axis-aligned rectangle as a rectangle, whose
     * edges round otherwise. */
    for (t = 0; t < 2; t++) {
        for (i = 0, j = n - 1; i + 1 < j - t; i++, j--) {
            const int tri[2][3] = {{i, i + 1, j}, {i + 1, j - 1, j}};
            long turn = draw_turn(xy + 2 * tri[t][0], xy + 2 * tri[t][1],
                                  xy + 2 * tri[t][2]);
            if (turn != 0) {
                if (sign == 0)
                    sign = turn > 0 ? 1 : -1;
                else if ((turn > 0 ? 1 : -1) != sign)
                    return 1;
            }
            for (m = 0; m < 3; m++, k++) {
                v[k].position.x = xy[2 * tri[t][m]];
                v[k].position.y = xy[2 * tri[t][m] + 1];
                v[k].color = c;
                v[k].tex_coord.x = v[k].tex_coord.y = 0;
            }
        }
    }
    *rc = SDL_RenderGeometry(r, NULL, v, k, NULL, 0);
    return 0;
}

/* The polygon a circle is drawn as: n points (16 to 96), returned, and
 * the first again at xy[2 * n], closing it. */
static int draw_circle_points(float cx, float cy, float rad, float *xy)
{
    int n = (int)(rad / 2.0f), i;

    n = n < 16 ? 16 : n > 96 ? 96 : n;
    for (i = 0; i <= n; i++) {
        double a = 2.0 * M_PI * (i % n) / n;
        xy[2 * i] = cx + rad * (float)cos(a);
        xy[2 * i + 1] = cy + rad * (float)sin(a);
    }
    return n;
}

static int draw_circle(SDL_Renderer *r, float cx, float cy, float rad,
                       uint32_t rgba)
{
    float xy[2 * (96 + 1)];
    int n = draw_circle_points(cx, cy, rad, xy), rc;

    if (draw_zigzag(r, xy, n, rgba, &rc) == 0)
        return rc;
    return draw_sector(r, cx, cy, xy, n + 1, rgba);
}

/* A circle of radius rad with a smaller one, inner, to be drawn over it
 * next (a face's outline): only the ring between the two polygons is
 * filled, by triangles zipping them together by angle. Every triangle
 * turning the same way, they cover the ring once over and not the hole
 * (their winding numbers add up to the ring's), so once the inner circle
 * is drawn the pixels are those of the whole circle drawn under it, for
 * the cost of the ring. */
static int draw_ring(SDL_Renderer *r, float cx, float cy, float rad,
                     float inner, uint32_t rgba)
{
    SDL_Vertex v[DRAW_VERTS_MAX];
    SDL_Color c = draw_color(rgba);
    float o[2 * (96 + 1)], in[2 * (96 + 1)];
    int no = draw_circle_points(cx, cy, rad, o);
    int ni = draw_circle_points(cx, cy, inner, in);
    int i = 0, j = 0, k = 0, m, sign = 0;

    if (rad - inner < 2.0f || 3 * (no + ni) > DRAW_VERTS_MAX)
        return draw_circle(r, cx, cy, rad, rgba);
    while (i < no || j < ni) {
        const float *p[3];
        long turn;
        /* the next point by angle, outer on a tie */
        if (j >= ni || (i < no && (long)(i + 1) * ni <= (long)(j + 1) * no)) {
            p[0] = o + 2 * i;
            p[1] = o + 2 * ((i + 1) % no);
            p[2] = in + 2 * (j % ni);
            i++;
        } else {
            p[0] = o + 2 * (i % no);
            p[1] = in + 2 * ((j + 1) % ni);
            p[2] = in + 2 * j;
            j++;
        }
        turn = draw_turn(p[0], p[1], p[2]);
        if (turn != 0) {
            if (sign == 0)
                sign = turn > 0 ? 1 : -1;
            else if ((turn > 0 ? 1 : -1) != sign)
                return draw_circle(r, cx, cy, rad, rgba);
        }
        for (m = 0; m < 3; m++, k++) {
            v[k].position.x = p[m][0];
            v[k].position.y = p[m][1];
            v[k].color = c;
            v[k].tex_coord.x = v[k].tex_coord.y = 0;
        }
    }
    return SDL_RenderGeometry(r, NULL, v, k, NULL, 0);
}

/* A rectangle with rounded corners: three rectangles and four quarter
 * discs. SDL's software renderer fills a rectangle at memset speed but
 * rasterises triangles pixel by pixel, so the triangles cover only the
 * corners; the pieces do not overlap, so a translucent colour is laid
 * once everywhere. */
static int draw_round(SDL_Renderer *r, ui_rect_t a, int rad, uint32_t rgba)
{
    float xy[2 * 10];
    int corner, i;

    if (rad * 2 > a.w)
        rad = a.w / 2;
    if (rad * 2 > a.h)
        rad = a.h / 2;
    if (rad < 2)
        return draw_fill(r, a, rgba);
    const float cxs[4] = {a.x + a.w - rad, a.x + rad, a.x + rad,
                          a.x + a.w - rad};
    const float cys[4] = {a.y + a.h - rad, a.y + a.h - rad, a.y + rad,
                          a.y + rad};
    const ui_rect_t bands[3] = {
        {a.x + rad, a.y, a.w - 2 * rad, rad},
        {a.x, a.y + rad, a.w, a.h - 2 * rad},
        {a.x + rad, a.y + a.h - rad, a.w - 2 * rad, rad}};

    for (i = 0; i < 3; i++)
        if (bands[i].w > 0 && bands[i].h > 0 &&
            draw_fill(r, bands[i], rgba) != 0)
            return -1;
    for (corner = 0; corner < 4; corner++) {
        for (i = 0; i < 10; i++) {
            double ang = M_PI / 2 * corner + M_PI / 2 * i / 9.0;
            xy[2 * i] = cxs[corner] + rad * (float)cos(ang);
            xy[2 * i + 1] = cys[corner] + rad * (float)sin(ang);
        }
        if (draw_sector(r, cxs[corner], cys[corner], xy, 10, rgba) != 0)
            return -1;
    }
    return 0;
}

/* A card: border colour, then the face colour inset by the border width. */
static int draw_card(SDL_Renderer *r, ui_rect_t a, int rad, int border,
                     uint32_t edge, uint32_t fill)
{
    if (border > 0 && draw_round(r, a, rad, edge) != 0)
        return -1;
    return draw_round(r, layout_inset(a, border, border),
                      rad > border ? rad - border : 0, fill);
}

/* A thick polyline, each segment a quad. */
static int draw_stroke(SDL_Renderer *r, const float *xy, int n, float width,
                       uint32_t rgba)
{
    SDL_Vertex v[DRAW_VERTS_MAX];
    SDL_Color c = draw_color(rgba);
    int i, k = 0;

    for (i = 0; i + 1 < n && k + 6 <= DRAW_VERTS_MAX; i++) {
        float dx = xy[2 * i + 2] - xy[2 * i], dy = xy[2 * i + 3] - xy[2 * i + 1];
        float len = sqrtf(dx * dx + dy * dy);
        float nx, ny;
        int j;
        if (len <= 0.0f)
            continue;
        nx = -dy / len * width / 2;
        ny = dx / len * width / 2;
        float px[4] = {xy[2 * i] + nx, xy[2 * i] - nx, xy[2 * i + 2] + nx,
                       xy[2 * i + 2] - nx};
        float py[4] = {xy[2 * i + 1] + ny, xy[2 * i + 1] - ny,
                       xy[2 * i + 3] + ny, xy[2 * i + 3] - ny};
        const int order[6] = {0, 1, 2, 1, 3, 2};
        for (j = 0; j < 6; j++) {
            v[k].position.x = px[order[j]];
            v[k].position.y = py[order[j]];
            v[k].color = c;
            v[k].tex_coord.x = v[k].tex_coord.y = 0;
            k++;
        }
    }
    for (i = 0; i < n; i++) /* round joints */
        if (draw_circle(r, xy[2 * i], xy[2 * i + 1], width / 2, rgba) != 0)
            return -1;
    return SDL_RenderGeometry(r, NULL, v, k, NULL, 0);
}

static uint32_t draw_face_color(const theme_t *th, int face)
{
    switch (face) {
    case SURVEY_FACE_VERY_SAD:
        return th->face[0];
    case SURVEY_FACE_SAD:
        return th->face[1];
    case SURVEY_FACE_NEUTRAL:
        return th->face[2];
    case SURVEY_FACE_HAPPY:
        return th->face[3];
    default:
        return th->face[4];
    }
}

/* A face: the mouth's curve goes from a deep frown to a broad smile, so the
 * level reads without colour. */
static int draw_face(SDL_Renderer *r, const theme_t *th, ui_rect_t a,
                     int face)
{
    float cx = a.x + a.w / 2.0f, cy = a.y + a.h / 2.0f;
    float rad = a.w / 2.0f, line = rad * 0.11f;
    float bend, xy[2 * 17];
    int i, rc = 0;

    if (a.w <= 0)
        return 0;
    rc |= draw_ring(r, cx, cy, rad, rad - line * 0.6f, th->ink);
    rc |= draw_circle(r, cx, cy, rad - line * 0.6f, draw_face_color(th, face));
    rc |= draw_circle(r, cx - rad * 0.34f, cy - rad * 0.22f, rad * 0.11f,
                      th->ink);
    rc |= draw_circle(r, cx + rad * 0.34f, cy - rad * 0.22f, rad * 0.11f,
                      th->ink);
    switch (face) {
    case SURVEY_FACE_VERY_HAPPY:
        bend = 0.30f;
        break;
    case SURVEY_FACE_HAPPY:
        bend = 0.15f;
        break;
    case SURVEY_FACE_NEUTRAL:
        bend = 0.0f;
        break;
    case SURVEY_FACE_SAD:
        bend = -0.15f;
        break;
    default:
        bend = -0.28f;
        break;
    }
    /* Lift the mouth's corners for a smile, drop them for a frown. */
    for (i = 0; i <= 16; i++) {
        float t = (float)i / 16.0f * 2.0f - 1.0f; /* -1 .. 1 */
        xy[2 * i] = cx + t * rad * 0.45f;
        xy[2 * i + 1] = cy + rad * 0.32f + bend * rad * (1.0f - t * t) -
                        bend * rad * 0.35f;
    }
    rc |= draw_stroke(r, xy, 17, line, th->ink);
    return rc ? -1 : 0;
}

/* A loudspeaker in a.h x a.h: a box, its cone, two sound waves; struck
 * through when there is no sound. */
static int draw_speaker(SDL_Renderer *r, ui_rect_t a, uint32_t ink,
                        int struck)
{
    float x = (float)a.x, y = (float)a.y, s = (float)a.h;
    float line = s * 0.09f;
    float cone[12] = {x + s * 0.12f, y + s * 0.38f, x + s * 0.3f, y + s * 0.38f,
                      x + s * 0.52f, y + s * 0.18f, x + s * 0.52f, y + s * 0.82f,
                      x + s * 0.3f,  y + s * 0.62f, x + s * 0.12f, y + s * 0.62f};
    float wave1[6] = {x + s * 0.66f, y + s * 0.36f, x + s * 0.72f, y + s * 0.5f,
                      x + s * 0.66f, y + s * 0.64f};
    float wave2[6] = {x + s * 0.78f, y + s * 0.24f, x + s * 0.9f, y + s * 0.5f,
                      x + s * 0.78f, y + s * 0.76f};
    float slash[4] = {x + s * 0.1f, y + s * 0.9f, x + s * 0.9f, y + s * 0.1f};
    int rc = 0;

    rc |= draw_stroke(r, cone, 6, line, ink);
    {
        float close[4] = {cone[10], cone[11], cone[0], cone[1]};
        rc |= draw_stroke(r, close, 2, line, ink);
    }
    if (struck) {
        rc |= draw_stroke(r, slash, 2, line * 1.3f, ink);
    } else {
        rc |= draw_stroke(r, wave1, 3, line, ink);
        rc |= draw_stroke(r, wave2, 3, line, ink);
    }
    return rc ? -1 : 0;
}

/* Symbols on message screens: 0 tick, -1 information, -2 warning; and
 * UI_SYMBOL_NO_SOUND beside a text. */
static int draw_symbol(SDL_Renderer *r, const theme_t *th, ui_rect_t a,
                       int which)
{
    float cx = a.x + a.w / 2.0f, cy = a.y + a.h / 2.0f, rad = a.h / 2.0f;
    float line = rad * 0.16f;
    int rc = 0;

    if (which == UI_SYMBOL_NO_SOUND)
        return draw_speaker(r, a, th->text, 1);
    if (which == 0) {
        float tick[6] = {cx - rad * 0.42f, cy + rad * 0.02f, cx - rad * 0.1f,
                         cy + rad * 0.34f, cx + rad * 0.46f, cy - rad * 0.3f};
        rc |= draw_circle(r, cx, cy, rad, th->ok);
        rc |= draw_stroke(r, tick, 3, line, th->on_ok);
    } else {
        /* information: dot over a bar; warning: bar over a dot */
        int info = which == -1;
        float bar[4] = {cx, cy + rad * (info ? -0.1f : -0.48f), cx,
                        cy + rad * (info ? 0.48f : 0.1f)};
        rc |= draw_circle(r, cx, cy, rad, info ? th->primary : th->warn);
        rc |= draw_stroke(r, bar, 2, line, th->on_primary);
        rc |= draw_circle(r, cx, cy + rad * (info ? -0.4f : 0.4f), line * 0.8f,
                          th->on_primary);
    }
    return rc ? -1 : 0;
}

static int draw_tickbox(SDL_Renderer *r, const theme_t *th, ui_rect_t a,
                        int on)
{
    int b = a.w / 10 + 1;
    int rc;

    if (!on)
        return draw_card(r, a, a.w / 6, b, th->tick_edge, th->card);
    rc = draw_round(r, a, a.w / 6, th->primary);
    {
        float tick[6] = {a.x + a.w * 0.22f, a.y + a.h * 0.52f,
                         a.x + a.w * 0.42f, a.y + a.h * 0.72f,
                         a.x + a.w * 0.78f, a.y + a.h * 0.3f};
        rc |= draw_stroke(r, tick, 3, a.w * 0.12f, th->on_primary);
    }
    return rc ? -1 : 0;
}

static int draw_text(SDL_Renderer *r, text_cache_t *t, const ui_widget_t *w,
                     uint32_t rgba)
{
    int i, block, y0, tw, th;

    if (!w->text || w->n_lines == 0)
        return 0;
    block = w->n_lines * w->line_h;
    y0 = w->text_box.y + (w->text_box.h - block) / 2;
    for (i = 0; i < w->n_lines; i++) {
        const ui_line_t *l = &w->lines[i];
        SDL_Texture *tex = text_get(t, r, w->font_px, w->bold, rgba,
                                    w->text + l->off, (size_t)l->len, &tw, &th);
        SDL_Rect dst;
        if (!tex)
            return -1;
        dst.x = w->align == UI_ALIGN_LEFT ? w->text_box.x
                                          : w->text_box.x + (w->text_box.w - tw) / 2;
        dst.y = y0 + i * w->line_h + (w->line_h - th) / 2;
        dst.w = tw;
        dst.h = th;
        if (SDL_RenderCopy(r, tex, NULL, &dst) != 0)
            return -1;
    }
    return 0;
}

static uint32_t draw_label_color(const theme_t *th, ui_style_t st)
{
    switch (st) {
    case UI_STYLE_HEADER:
        return th->on_header;
    case UI_STYLE_SMALL:
        return th->text_soft;
    case UI_STYLE_DANGER:
        return th->danger_text;
    default:
        return th->text;
    }
}

static int draw_button(SDL_Renderer *r, const theme_t *th, text_cache_t *t,
                       const ui_widget_t *w)
{
    int rad = (w->r.h < w->r.w ? w->r.h : w->r.w) / 6;
    int border = w->r.h / th->border_div + th->border_add;
    int down = (w->selected & 2) != 0, on = (w->selected & 1) != 0;
    uint32_t fill = th->card, edge = th->border, ink = th->text;

    switch (w->style) {
    case UI_STYLE_PRIMARY:
        fill = down ? th->primary_down : th->primary;
        edge = th->primary_edge;
        ink = th->on_primary;
        break;
    case UI_STYLE_DANGER:
        fill = th->danger;
        edge = th->danger_edge;
        ink = th->on_danger;
        break;
    case UI_STYLE_OK:
        fill = th->ok;
        edge = th->ok_edge;
        ink = th->on_ok;
        break;
    case UI_STYLE_QUIET:
        fill = down ? th->selected : th->quiet;
        edge = th->quiet_edge;
        break;
    default:
        fill = down ? th->selected : th->card;
        break;
    }
    if (on) {
        edge = th->chosen_edge;
        border *= 2;
        if (w->style != UI_STYLE_PRIMARY)
            fill = th->selected;
    }
    if (draw_card(r, w->r, rad, border, edge, fill) != 0)
        return -1;
    if (w->kind == UI_CHIP && draw_tickbox(r, th, w->icon, on) != 0)
        return -1;
    if (w->kind == UI_CHIP && w->face == UI_CHIP_SPEAKER) {
        /* Centred in the room screens.c left between box and word. */
        ui_rect_t sp = w->icon;
        int room = w->text_box.x - (w->icon.x + w->icon.w);
        int side = room * 70 / 100 < w->icon.h ? room * 70 / 100 : w->icon.h;
        sp.x = w->icon.x + w->icon.w + (room - side) / 2;
        sp.y = w->icon.y + (w->icon.h - side) / 2;
        sp.w = sp.h = side;
        if (draw_speaker(r, sp, ink, 0) != 0)
            return -1;
    }
    if (w->kind == UI_ANSWER && draw_face(r, th, w->icon, w->face) != 0)
        return -1;
    return draw_text(r, t, w, ink);
}

int draw_screen(SDL_Renderer *r, text_cache_t *t, const ui_screen_t *s)
{
    const theme_t *th = theme_get(s->contrast);
    ui_rect_t header = {0, 0, s->w, s->header_h};
    int i;

    if (draw_fill(r, (ui_rect_t){0, 0, s->w, s->h}, th->bg) != 0)
        return -1;
    if (s->header_h > 0 && draw_fill(r, header, th->header) != 0)
        return -1;
    /* A header as dark as the ground still needs its edge. */
    if (s->header_h > 0 && th->header_rule) {
        int rule = s->header_h / 24 + 2;
        ui_rect_t line = {0, s->header_h - rule, s->w, rule};
        if (draw_fill(r, line, th->header_rule) != 0)
            return -1;
    }
    for (i = 0; i < s->n; i++) {
        const ui_widget_t *w = &s->items[i];
        int rc = 0;
        switch (w->kind) {
        case UI_LABEL:
            rc = draw_text(r, t, w, draw_label_color(th, w->style));
            break;
        case UI_PANEL:
            rc = draw_symbol(r, th, w->icon, w->face);
            break;
        case UI_HIDDEN:
            break;
        default:
            rc = draw_button(r, th, t, w);
            break;
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* SDL2_image's PNG writer, loaded on the first PNG screenshot only: the
 * kiosk links no image codec (the citizen's screens never need one), and
 * a device without the library still writes BMP. */
typedef int (*draw_png_writer_t)(SDL_Surface *surface, const char *file);

static int draw_save_png(SDL_Surface *surf, const char *path)
{
    static draw_png_writer_t writer;
    void *lib;

    if (!writer) {
        lib = dlopen("libSDL2_image-2.0.so.0", RTLD_NOW | RTLD_LOCAL);
        if (!lib)
            return SDL_SetError("PNG needs libSDL2_image-2.0.so.0 (%s);"
                                " name the file .bmp", dlerror());
        /* The library stays loaded: the writer is kept. */
        *(void **)&writer = dlsym(lib, "IMG_SavePNG");
        if (!writer)
            return SDL_SetError("libSDL2_image has no IMG_SavePNG");
    }
    return writer(surf, path);
}

int draw_save(SDL_Renderer *r, const char *path)
{
    int w, h, rc;
    size_t n = strlen(path);
    SDL_Surface *surf;

    if (SDL_GetRendererOutputSize(r, &w, &h) != 0)
        return -1;
    surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!surf)
        return -1;
    rc = SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_RGB24, surf->pixels,
                              surf->pitch);
    if (rc == 0) {
        if (n > 4 && strcmp(path + n - 4, ".bmp") == 0)
            rc = SDL_SaveBMP(surf, path);
        else
            rc = draw_save_png(surf, path);
    }
    SDL_FreeSurface(surf);
    return rc == 0 ? 0 : -1;
}
