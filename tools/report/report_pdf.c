/*
 * report_pdf.c - the report as a printable PDF: A4 portrait, cairo for
 * drawing and pango for text, so Vietnamese with its stacked diacritics
 * is shaped by HarfBuzz rather than pieced together glyph by glyph.
 *
 * Pages are first drawn onto recording surfaces, one per page. Only when
 * the whole document is laid out is the page count known; the pages are
 * then replayed onto the PDF surface and each gets its "Trang N/M". Text
 * stays text through the replay, so cairo embeds subsets of the fonts.
 *
 * Every cairo context is checked after each page (cairo's status is
 * sticky: the first error is kept and later calls do nothing), the PDF
 * surface after finishing. Drawing functions do nothing once the document
 * has failed, so the first message is the one reported.
 */
#include "report_render.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define PDF_MM (72.0 / 25.4)
#define PDF_W (210.0 * PDF_MM)
#define PDF_H (297.0 * PDF_MM)
/* Margins of Decree 30/2020/NĐ-CP for administrative documents, with the
 * narrowest left margin it allows, so the unit table fits. */
#define PDF_LEFT (25.0 * PDF_MM)
#define PDF_RIGHT (15.0 * PDF_MM)
#define PDF_TOP (20.0 * PDF_MM)
#define PDF_BOTTOM (20.0 * PDF_MM)
#define PDF_CW (PDF_W - PDF_LEFT - PDF_RIGHT)
#define PDF_LIMIT (PDF_H - PDF_BOTTOM)
#define PDF_PAGES_MAX 500
#define PDF_COLS_MAX 16
#define PDF_CELL_MAX 512
#define PDF_TEXT_MAX 2048
#define PDF_PAD 2.5
#define PDF_FAMILY "Noto Sans"
#define PDF_BODY "Noto Sans 9.5"
#define PDF_BODY_BOLD "Noto Sans Bold 9.5"
#define PDF_SMALL "Noto Sans 8"
#define PDF_TABLE "Noto Sans 7.5"
#define PDF_TABLE_BOLD "Noto Sans Bold 7.5"
#define PDF_TINY "Noto Sans 6.5"

typedef struct pdf_rgb {
    double r, g, b;
} pdf_rgb_t;

#define PDF_HEX(v) {((v) >> 16 & 0xFF) / 255.0, ((v) >> 8 & 0xFF) / 255.0, \
                    ((v) & 0xFF) / 255.0}
static const pdf_rgb_t pdf_ink = PDF_HEX(0x1A1A1A);
static const pdf_rgb_t pdf_grey = PDF_HEX(0x6B6B6B);
static const pdf_rgb_t pdf_rule = PDF_HEX(0xBFC7D1);
static const pdf_rgb_t pdf_grid = PDF_HEX(0xE1E5EA);
static const pdf_rgb_t pdf_navy = PDF_HEX(0x1F4E79);
static const pdf_rgb_t pdf_white = PDF_HEX(0xFFFFFF);
static const pdf_rgb_t pdf_zebra = PDF_HEX(0xF2F5F9);
static const pdf_rgb_t pdf_total = PDF_HEX(0xDDE5EF);
static const pdf_rgb_t pdf_priority = PDF_HEX(0xFFF2CC);
static const pdf_rgb_t pdf_green = PDF_HEX(0x1E7B34);
static const pdf_rgb_t pdf_red = PDF_HEX(0xB00020);
static const pdf_rgb_t pdf_bar = PDF_HEX(0x2E75B6);
static const pdf_rgb_t pdf_bar_low = PDF_HEX(0xE08A1E);
static const pdf_rgb_t pdf_band = PDF_HEX(0xC9DBEE);

typedef struct pdf_doc {
    const report_t *r;
    cairo_surface_t *pages[PDF_PAGES_MAX]; /* recording surfaces */
    int n_pages;
    cairo_t *cr;          /* on the last page */
    PangoLayout *layout;  /* body text */
    PangoLayout *aux;     /* running head, so body text is never clobbered */
    double y;             /* the cursor, in points from the top */
    int section, figure;  /* numbers given so far */
    int failed;
    char err[256];
} pdf_doc_t;

typedef enum pdf_tone {
    PDF_TONE_PLAIN = 0,
    PDF_TONE_BOLD,
    PDF_TONE_GOOD,
    PDF_TONE_BAD,
    PDF_TONE_MUTED
} pdf_tone_t;

typedef enum pdf_row_kind {
    PDF_ROW_PLAIN = 0,
    PDF_ROW_PRIORITY, /* land, construction, investment */
    PDF_ROW_TOTAL
} pdf_row_kind_t;

typedef struct pdf_col {
    const char *title;
    double weight; /* share of the text width */
    PangoAlignment align;
} pdf_col_t;

typedef struct pdf_cell {
    char text[PDF_CELL_MAX];
    pdf_tone_t tone;
} pdf_cell_t;

typedef struct pdf_table {
    const pdf_col_t *cols;
    int n;
    double width[PDF_COLS_MAX];
    int rows; /* drawn so far, for the zebra stripes */
} pdf_table_t;

/* ---- failure ------------------------------------------------------------- */

static int pdf_fail(pdf_doc_t *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int pdf_fail(pdf_doc_t *d, const char *fmt, ...)
{
    va_list ap;

    if (!d->failed) {
        va_start(ap, fmt);
        vsnprintf(d->err, sizeof(d->err), fmt, ap);
        va_end(ap);
        d->failed = 1;
    }
    return -1;
}

static int pdf_check_cr(pdf_doc_t *d, cairo_t *cr, const char *what)
{
    cairo_status_t st = cairo_status(cr);

    if (st != CAIRO_STATUS_SUCCESS)
        return pdf_fail(d, "drawing %s failed: %s", what,
                        cairo_status_to_string(st));
    return 0;
}

/* ---- fonts --------------------------------------------------------------- */

/* Points fontconfig at dir as well as the system's configuration, through
 * a configuration file of our own: pango's public API cannot add a font
 * file, and fontconfig is not linked directly. Must run before the first
 * pango call; a FONTCONFIG_FILE set by the user is left alone. conf
 * receives the file to remove afterwards ("" when none was made). */
static int pdf_use_font_dir(pdf_doc_t *d, const char *dir, char *conf,
                            size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    FILE *fp;
    int fd;

    conf[0] = '\0';
    if (!dir || getenv("FONTCONFIG_FILE"))
        return 0;
    if (strpbrk(dir, "<>&\"'"))
        return pdf_fail(d, "the font directory name holds XML characters");
    if (snprintf(conf, cap, "%s/sipas-fonts-XXXXXX",
                 tmp && tmp[0] ? tmp : "/tmp") >= (int)cap)
        return pdf_fail(d, "TMPDIR is too long");
    fd = mkstemp(conf);
    if (fd < 0) {
        conf[0] = '\0';
        return pdf_fail(d, "cannot make a font configuration: %s",
                        strerror(errno));
    }
    fp = fdopen(fd, "w");
    if (!fp) {
        close(fd);
        return pdf_fail(d, "cannot write the font configuration: %s",
                        strerror(errno));
    }
    fprintf(fp, "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM"
                " \"fonts.dtd\">\n<fontconfig>\n"
                "  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf"
                "</include>\n  <dir>%s</dir>\n</fontconfig>\n", dir);
    if (fclose(fp) != 0)
        return pdf_fail(d, "cannot write the font configuration: %s",
                        strerror(errno));
    if (setenv("FONTCONFIG_FILE", conf, 1) != 0)
        return pdf_fail(d, "cannot set FONTCONFIG_FILE: %s", strerror(errno));
    return 0;
}

/* Without Noto Sans pango would silently take another family, and a
 * fallback font may lack Vietnamese glyphs or space them badly. */
static int pdf_check_font(pdf_doc_t *d)
{
    PangoFontDescription *want, *got;
    PangoFont *font;
    const char *family;
    int ok;

    want = pango_font_description_from_string(PDF_BODY);
    font = want ? pango_context_load_font(pango_layout_get_context(d->layout),
                                          want)
                : NULL;
    pango_font_description_free(want);
    if (!font)
        return pdf_fail(d, "no font could be loaded for \"%s\"", PDF_FAMILY);
    got = pango_font_describe(font);
    family = got ? pango_font_description_get_family(got) : NULL;
    ok = family && strcasecmp(family, PDF_FAMILY) == 0;
    if (!ok)
        pdf_fail(d, "the font \"%s\" was not found (fontconfig offered"
                 " \"%s\"); install fonts-noto-core or pass --fonts DIR"
                 " holding NotoSans-Regular.ttf and NotoSans-Bold.ttf",
                 PDF_FAMILY, family ? family : "nothing");
    pango_font_description_free(got);
    g_object_unref(font);
    return ok ? 0 : -1;
}

/* Unhinted metrics: the same widths on the recording surface and in the
 * PDF, and at every zoom of the reader. */
static int pdf_set_font_options(pdf_doc_t *d, PangoLayout *layout)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    PangoContext *ctx = pango_layout_get_context(layout);

    if (cairo_font_options_status(fo) != CAIRO_STATUS_SUCCESS) {
        cairo_font_options_destroy(fo);
        return pdf_fail(d, "cannot create font options");
    }
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx, fo);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_layout_context_changed(layout);
    cairo_font_options_destroy(fo);
    return 0;
}

static int pdf_make_layouts(pdf_doc_t *d)
{
    d->layout = pango_cairo_create_layout(d->cr);
    d->aux = pango_cairo_create_layout(d->cr);
    if (!d->layout || !d->aux)
        return pdf_fail(d, "cannot create a text layout");
    if (pdf_set_font_options(d, d->layout) != 0 ||
        pdf_set_font_options(d, d->aux) != 0)
        return -1;
    return pdf_check_font(d);
}

/* ---- text ---------------------------------------------------------------- */

static void pdf_set_font(PangoLayout *layout, const char *font)
{
    PangoFontDescription *fd = pango_font_description_from_string(font);

    pango_layout_set_font_description(layout, fd);
    pango_font_description_free(fd);
}

/* Lays text out width points wide and returns its height. markup: the
 * text is Pango markup (built with g_markup_printf_escaped). */
static double pdf_lay(pdf_doc_t *d, PangoLayout *layout, const char *text,
                      int markup, const char *font, double width,
                      PangoAlignment align)
{
    PangoAttrList *attrs = NULL;
    GError *gerr = NULL;
    char *plain = NULL;
    int w, h;

    pdf_set_font(layout, font);
    pango_layout_set_width(layout, pango_units_from_double(width));
    pango_layout_set_alignment(layout, align);
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_NONE);
    if (markup) {
        if (!pango_parse_markup(text, -1, 0, &attrs, &plain, NULL, &gerr)) {
            pdf_fail(d, "internal text markup refused: %s",
                     gerr ? gerr->message : "unknown error");
            g_clear_error(&gerr);
            pango_layout_set_attributes(layout, NULL);
            pango_layout_set_text(layout, "", 0);
            return 0;
        }
        pango_layout_set_text(layout, plain, -1);
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
        g_free(plain);
    } else {
        pango_layout_set_attributes(layout, NULL);
        pango_layout_set_text(layout, text, -1);
    }
    pango_layout_get_size(layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void pdf_set_rgb(cairo_t *cr, const pdf_rgb_t *c)
{
    cairo_set_source_rgb(cr, c->r, c->g, c->b);
}

static void pdf_show(pdf_doc_t *d, PangoLayout *layout, double x, double y,
                     const pdf_rgb_t *c)
{
    pdf_set_rgb(d->cr, c);
    cairo_move_to(d->cr, x, y);
    pango_cairo_show_layout(d->cr, layout);
    /* show_layout leaves the current point set; the next arc or line
     * would otherwise start with a stroke from here. */
    cairo_new_path(d->cr);
}

static void pdf_fill_rect(pdf_doc_t *d, double x, double y, double w,
                          double h, const pdf_rgb_t *c)
{
    pdf_set_rgb(d->cr, c);
    cairo_rectangle(d->cr, x, y, w, h);
    cairo_fill(d->cr);
}

static void pdf_line(pdf_doc_t *d, double x1, double y1, double x2,
                     double y2, double width, const pdf_rgb_t *c)
{
    pdf_set_rgb(d->cr, c);
    cairo_set_line_width(d->cr, width);
    cairo_move_to(d->cr, x1, y1);
    cairo_line_to(d->cr, x2, y2);
    cairo_stroke(d->cr);
}

/* ---- pages --------------------------------------------------------------- */

static void pdf_draw_running_head(pdf_doc_t *d)
{
    char text[PDF_TEXT_MAX];
    const report_t *r = d->r;

    snprintf(text, sizeof(text), "%s – %s – %s", REPORT_SUBJECT,
             r->period.label, r->scope_name);
    pdf_lay(d, d->aux, text, 0, PDF_TINY, PDF_CW, PANGO_ALIGN_LEFT);
    pdf_show(d, d->aux, PDF_LEFT, PDF_TOP - 10.0 * PDF_MM, &pdf_grey);
    pdf_line(d, PDF_LEFT, PDF_TOP - 6.0 * PDF_MM, PDF_W - PDF_RIGHT,
             PDF_TOP - 6.0 * PDF_MM, 0.5, &pdf_rule);
}

static int pdf_new_page(pdf_doc_t *d)
{
    cairo_rectangle_t ext = {0, 0, PDF_W, PDF_H};
    cairo_surface_t *s;

    if (d->failed)
        return -1;
    if (d->n_pages >= PDF_PAGES_MAX)
        return pdf_fail(d, "the report would be longer than %d pages",
                        PDF_PAGES_MAX);
    if (d->cr) {
        if (pdf_check_cr(d, d->cr, "a page") != 0)
            return -1;
        cairo_destroy(d->cr);
        d->cr = NULL;
    }
    s = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        pdf_fail(d, "cannot create a page: %s",
                 cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return -1;
    }
    d->pages[d->n_pages++] = s;
    d->cr = cairo_create(s);
    if (pdf_check_cr(d, d->cr, "a page") != 0)
        return -1;
    if (!d->layout) {
        if (pdf_make_layouts(d) != 0)
            return -1;
    } else {
        pango_cairo_update_layout(d->cr, d->layout);
        pango_cairo_update_layout(d->cr, d->aux);
    }
    d->y = PDF_TOP;
    if (d->n_pages > 1)
        pdf_draw_running_head(d);
    return 0;
}

/* Room for h more points on this page, else a new page: 1 when a page was
 * started (the caller repeats what belongs on top, a table's header), 0
 * when it fits, -1 on failure. */
static int pdf_need(pdf_doc_t *d, double h)
{
    if (d->failed)
        return -1;
    if (d->y + h <= PDF_LIMIT || d->y <= PDF_TOP + 0.5)
        return 0;
    return pdf_new_page(d) == 0 ? 1 : -1;
}

/* A paragraph at the cursor, kept whole on one page. */
static void pdf_para(pdf_doc_t *d, const char *text, int markup,
                     const char *font, PangoAlignment align, double after)
{
    double h;

    if (d->failed)
        return;
    h = pdf_lay(d, d->layout, text, markup, font, PDF_CW, align);
    if (pdf_need(d, h) < 0)
        return;
    /* A new page may have redrawn with the other layout only; the body
     * layout still holds this paragraph. */
    pdf_show(d, d->layout, PDF_LEFT, d->y, &pdf_ink);
    d->y += h + after;
}

/* "I. KẾT QUẢ CHUNG": kept with at least the next few lines. */
static void pdf_heading(pdf_doc_t *d, const char *title)
{
    static const char *const roman[] = {"I", "II", "III", "IV", "V",
                                        "VI", "VII", "VIII", "IX", "X"};
    char text[256];
    char *upper;

    if (d->failed)
        return;
    d->section++;
    upper = g_utf8_strup(title, -1);
    snprintf(text, sizeof(text), "%s. %s",
             d->section <= 10 ? roman[d->section - 1] : "?",
             upper ? upper : title);
    g_free(upper);
    d->y += 6;
    if (pdf_need(d, 60) < 0)
        return;
    pdf_para(d, text, 0, "Noto Sans Bold 10.5", PANGO_ALIGN_LEFT, 5);
}

/* "Biểu đồ 1. ..." under or over a chart, in italics. */
static void pdf_caption(pdf_doc_t *d, const char *text, double keep)
{
    char line[PDF_TEXT_MAX];

    if (d->failed)
        return;
    d->figure++;
    snprintf(line, sizeof(line), "Biểu đồ %d. %s", d->figure, text);
    if (pdf_need(d, keep) < 0)
        return;
    pdf_para(d, line, 0, "Noto Sans Italic 8.5", PANGO_ALIGN_LEFT, 4);
}

/* ---- tables -------------------------------------------------------------- */

static void pdf_cell_set(pdf_cell_t *c, pdf_tone_t tone, const char *fmt,
                         ...) __attribute__((format(printf, 3, 4)));

static void pdf_cell_set(pdf_cell_t *c, pdf_tone_t tone, const char *fmt,
                         ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->text, sizeof(c->text), fmt, ap);
    va_end(ap);
    c->tone = tone;
}

/* Column titles break between words only: "Công chức" may take two
 * lines, "chun-g" must not happen. */
static double pdf_lay_head(pdf_doc_t *d, const char *title, double width)
{
    int w, h;

    pdf_lay(d, d->layout, title, 0, PDF_TABLE_BOLD, width,
            PANGO_ALIGN_CENTER);
    pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD);
    pango_layout_get_size(d->layout, &w, &h);
    return (double)h / PANGO_SCALE;
}

static void pdf_draw_table_head(pdf_doc_t *d, pdf_table_t *t)
{
    double h = 0, x = PDF_LEFT, ch;
    int i;

    for (i = 0; i < t->n; i++) {
        ch = pdf_lay_head(d, t->cols[i].title, t->width[i] - 2 * PDF_PAD);
        if (ch > h)
            h = ch;
    }
    h += 2 * PDF_PAD;
    pdf_fill_rect(d, PDF_LEFT, d->y, PDF_CW, h, &pdf_navy);
    for (i = 0; i < t->n; i++) {
        ch = pdf_lay_head(d, t->cols[i].title, t->width[i] - 2 * PDF_PAD);
        pdf_show(d, d->layout, x + PDF_PAD, d->y + (h - ch) / 2,
                 &pdf_white);
        if (i > 0)
            pdf_line(d, x, d->y, x, d->y + h, 0.4, &pdf_white);
        x += t->width[i];
    }
    d->y += h;
}

/* Starts a table: widths from the weights, the header kept with at least
 * its first rows. */
static void pdf_begin_table(pdf_doc_t *d, pdf_table_t *t,
                            const pdf_col_t *cols, int n)
{
    double sum = 0;
    int i;

    memset(t, 0, sizeof(*t));
    t->cols = cols;
    t->n = n < PDF_COLS_MAX ? n : PDF_COLS_MAX;
    for (i = 0; i < t->n; i++)
        sum += cols[i].weight;
    for (i = 0; i < t->n; i++)
        t->width[i] = PDF_CW * cols[i].weight / sum;
    if (d->failed || pdf_need(d, 60) < 0)
        return;
    pdf_draw_table_head(d, t);
}

static const char *pdf_tone_font(pdf_tone_t tone)
{
    return tone == PDF_TONE_PLAIN || tone == PDF_TONE_MUTED ? PDF_TABLE
                                                            : PDF_TABLE_BOLD;
}

static const pdf_rgb_t *pdf_tone_colour(pdf_tone_t tone)
{
    switch (tone) {
    case PDF_TONE_GOOD:
        return &pdf_green;
    case PDF_TONE_BAD:
        return &pdf_red;
    case PDF_TONE_MUTED:
        return &pdf_grey;
    default:
        return &pdf_ink;
    }
}

/* One row; on a page break the header is drawn again on the new page. */
static void pdf_table_row(pdf_doc_t *d, pdf_table_t *t,
                          const pdf_cell_t *cells, pdf_row_kind_t kind)
{
    double h = 0, x = PDF_LEFT, ch;
    int i, rc;

    if (d->failed)
        return;
    for (i = 0; i < t->n; i++) {
        ch = pdf_lay(d, d->layout, cells[i].text, 0,
                     pdf_tone_font(cells[i].tone), t->width[i] - 2 * PDF_PAD,
                     t->cols[i].align);
        if (ch > h)
            h = ch;
    }
    h += 2 * PDF_PAD;
    rc = pdf_need(d, h);
    if (rc < 0)
        return;
    if (rc == 1)
        pdf_draw_table_head(d, t);
    if (kind == PDF_ROW_PRIORITY)
        pdf_fill_rect(d, PDF_LEFT, d->y, PDF_CW, h, &pdf_priority);
    else if (kind == PDF_ROW_TOTAL)
        pdf_fill_rect(d, PDF_LEFT, d->y, PDF_CW, h, &pdf_total);
    else if (t->rows % 2 == 1)
        pdf_fill_rect(d, PDF_LEFT, d->y, PDF_CW, h, &pdf_zebra);
    for (i = 0; i < t->n; i++) {
        pdf_lay(d, d->layout, cells[i].text, 0,
                kind == PDF_ROW_TOTAL ? PDF_TABLE_BOLD
                                      : pdf_tone_font(cells[i].tone),
                t->width[i] - 2 * PDF_PAD, t->cols[i].align);
        pdf_show(d, d->layout, x + PDF_PAD, d->y + PDF_PAD,
                 pdf_tone_colour(cells[i].tone));
        x += t->width[i];
    }
    pdf_line(d, PDF_LEFT, d->y + h, PDF_LEFT + PDF_CW, d->y + h, 0.3,
             &pdf_rule);
    d->y += h;
    t->rows++;
}

static void pdf_end_table(pdf_doc_t *d)
{
    d->y += 8;
}

/* ---- shared cell contents ------------------------------------------------ */

static void pdf_cell_pct(pdf_cell_t *c, const report_figure_t *f,
                         pdf_tone_t tone)
{
    report_format_pct(f, c->text, sizeof(c->text));
    c->tone = f->has_data ? tone : PDF_TONE_MUTED;
}

static void pdf_cell_ci(pdf_cell_t *c, const report_figure_t *f)
{
    report_format_ci(f, c->text, sizeof(c->text));
    c->tone = PDF_TONE_MUTED;
}

/* "≥ 90%" over "Đạt" / "Chưa đạt" in colour. */
static void pdf_cell_target(pdf_cell_t *mark, pdf_cell_t *verdict,
                            const report_target_t *t)
{
    if (!t) {
        pdf_cell_set(mark, PDF_TONE_MUTED, "—");
        pdf_cell_set(verdict, PDF_TONE_MUTED, "—");
        return;
    }
    report_format_threshold(t, mark->text, sizeof(mark->text));
    mark->tone = PDF_TONE_PLAIN;
    pdf_cell_set(verdict, t->met == 1 ? PDF_TONE_GOOD
                          : t->met == 0 ? PDF_TONE_BAD
                                        : PDF_TONE_MUTED,
                 "%s", report_get_verdict(t->met));
}

static void pdf_cell_count(pdf_cell_t *c, int64_t n, int mark_small)
{
    report_format_count(n, c->text, sizeof(c->text));
    if (mark_small && n < REPORT_SMALL_GROUP)
        strncat(c->text, "*", sizeof(c->text) - strlen(c->text) - 1);
    c->tone = PDF_TONE_PLAIN;
}

/* ---- title block --------------------------------------------------------- */

static void pdf_draw_title(pdf_doc_t *d)
{
    const report_t *r = d->r;
    double left_w = PDF_CW * 0.42, right_w = PDF_CW * 0.58, h1, h2, y;
    char text[PDF_TEXT_MAX], place[REPORT_NAME_MAX], date[96];
    char *upper, *markup;

    upper = g_utf8_strup(r->scope_name, -1);
    if (!upper) {
        pdf_fail(d, "cannot write the unit name in capitals");
        return;
    }
    y = d->y;
    h1 = pdf_lay(d, d->layout, upper, 0, "Noto Sans Bold 10", left_w,
                 PANGO_ALIGN_CENTER);
    pdf_show(d, d->layout, PDF_LEFT, y, &pdf_ink);
    g_free(upper);
    pdf_line(d, PDF_LEFT + left_w * 0.35, y + h1 + 3,
             PDF_LEFT + left_w * 0.65, y + h1 + 3, 0.6, &pdf_ink);
    h2 = pdf_lay(d, d->layout,
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                 "Độc lập – Tự do – Hạnh phúc",
                 0, "Noto Sans Bold 9.5", right_w, PANGO_ALIGN_CENTER);
    pdf_show(d, d->layout, PDF_LEFT + left_w, y, &pdf_ink);
    pdf_line(d, PDF_LEFT + left_w + right_w * 0.25, y + h2 + 3,
             PDF_LEFT + left_w + right_w * 0.75, y + h2 + 3, 0.6, &pdf_ink);
    y += (h1 > h2 ? h1 : h2) + 10;
    report_get_place(r, place, sizeof(place));
    report_format_long_date(r->issued, date, sizeof(date));
    if (place[0])
        snprintf(text, sizeof(text), "%s, %s", place, date);
    else /* "ngày ..." opens the line: capitalised, it is ASCII */
        snprintf(text, sizeof(text), "N%s", date + 1);
    h2 = pdf_lay(d, d->layout, text, 0, "Noto Sans Italic 9.5", right_w,
                 PANGO_ALIGN_CENTER);
    pdf_show(d, d->layout, PDF_LEFT + left_w, y, &pdf_ink);
    d->y = y + h2 + 18;
    pdf_para(d, "BÁO CÁO", 0, "Noto Sans Bold 14", PANGO_ALIGN_CENTER, 2);
    pdf_para(d, REPORT_SUBJECT, 0, "Noto Sans Bold 11.5", PANGO_ALIGN_CENTER,
             2);
    report_format_short_date(r->period.from, place, sizeof(place));
    report_format_short_date(r->period.to, date, sizeof(date));
    markup = g_markup_printf_escaped(
        "%s%s<span size=\"smaller\">(từ ngày %s đến ngày %s)%s%s</span>",
        r->period.kind == REPORT_AD_HOC ? "Báo cáo đột xuất\n"
                                        : r->period.label,
        r->period.kind == REPORT_AD_HOC ? "" : "\n", place, date,
        r->period.kind == REPORT_AD_HOC ? "" : "\n",
        r->period.kind == REPORT_AD_HOC ? ""
                                        : report_get_rule_label(&r->period));
    if (!markup) {
        pdf_fail(d, "out of memory");
        return;
    }
    pdf_para(d, markup, 1, "Noto Sans 10.5", PANGO_ALIGN_CENTER, 4);
    g_free(markup);
    pdf_line(d, PDF_LEFT + PDF_CW * 0.4, d->y + 2, PDF_LEFT + PDF_CW * 0.6,
             d->y + 2, 0.6, &pdf_ink);
    d->y += 14;
}

/* ---- I. summary ---------------------------------------------------------- */

/* "Tỉnh Hậu Giang" inside a sentence is "tỉnh Hậu Giang". */
static const char *pdf_in_sentence(const char *name, char *buf, size_t cap)
{
    static const char *const heads[][2] = {
        {"Tỉnh ", "tỉnh "}, {"Thành phố ", "thành phố "},
        {"Huyện ", "huyện "}, {"Xã ", "xã "}, {"Toàn tỉnh", "toàn tỉnh"},
    };
    size_t i, len;

    for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        len = strlen(heads[i][0]);
        if (strncmp(name, heads[i][0], len) == 0) {
            snprintf(buf, cap, "%s%s", heads[i][1], name + len);
            return buf;
        }
    }
    return name;
}

/* A table cell is too narrow for the reason a group is withheld: the
 * cell holds a mark, and the words the dashboard uses follow the table. */
#define PDF_WITHHELD_MARK "Ẩn"

static void pdf_draw_summary_text(pdf_doc_t *d)
{
    const report_group_t *g = &d->r->total;
    char n[32], p[32], s[32], pct[32], ci[48], ov[32];
    char name[REPORT_NAME_MAX + 16];
    char *m;

    report_format_count(g->responses, n, sizeof(n));
    report_format_count(g->partial, p, sizeof(p));
    report_format_count(g->suppressed, s, sizeof(s));
    m = g_markup_printf_escaped(
        "Trong kỳ báo cáo, thiết bị đánh giá điện tử tại Bộ phận Một cửa"
        " trong phạm vi %s ghi nhận <b>%s</b> phiếu đánh giá"
        " hoàn thành và %s phiếu chưa hoàn thành (tính cho những câu đã"
        " trả lời); %s phiếu bị loại theo quy tắc chống đánh giá lặp không"
        " được tính.",
        pdf_in_sentence(d->r->scope_name, name, sizeof(name)), n, p, s);
    if (!m) {
        pdf_fail(d, "out of memory");
        return;
    }
    pdf_para(d, m, 1, PDF_BODY, PANGO_ALIGN_LEFT, 4);
    g_free(m);
    if (g->suppressed_group) {
        char why[REPORT_WITHHELD_MAX], line[REPORT_WITHHELD_MAX + 160];

        report_format_withheld(d->r, why, sizeof(why));
        snprintf(line, sizeof(line),
                 "Kết quả " REPORT_MEASURE_NAME " của kỳ này không công bố:"
                 " %s.", why);
        pdf_para(d, line, 0, PDF_BODY, PANGO_ALIGN_LEFT, 6);
        return;
    }
    if (!g->index.has_data) {
        pdf_para(d,
                 "Chưa có câu trả lời nào để đo lường sự hài lòng tại quầy.",
                 0, PDF_BODY, PANGO_ALIGN_LEFT, 6);
        return;
    }
    report_format_pct(&g->index, pct, sizeof(pct));
    report_format_ci(&g->index, ci, sizeof(ci));
    report_format_pct(&g->overall, ov, sizeof(ov));
    m = g_markup_printf_escaped(
        "Kết quả " REPORT_MEASURE_NAME " đạt <b>%s%%</b> (khoảng tin cậy"
        " 95%%: %s%%;"
        " %d/5 yếu tố có dữ liệu). Tỷ lệ người trả lời hài lòng hoặc rất"
        " hài lòng ở câu hỏi chung: <b>%s%s</b>.",
        pct, ci, g->elements_with_data, ov, g->overall.has_data ? "%" : "");
    if (!m) {
        pdf_fail(d, "out of memory");
        return;
    }
    pdf_para(d, m, 1, PDF_BODY, PANGO_ALIGN_LEFT, 6);
    g_free(m);
}

static void pdf_draw_targets(pdf_doc_t *d)
{
    static const pdf_col_t cols[] = {
        {"Chỉ tiêu", 52, PANGO_ALIGN_LEFT},
        {"Năm", 8, PANGO_ALIGN_CENTER},
        {"Mức", 10, PANGO_ALIGN_CENTER},
        {"Kết quả (%)", 12, PANGO_ALIGN_RIGHT},
        {"Đánh giá", 12, PANGO_ALIGN_CENTER},
    };
    const report_group_t *g = &d->r->total;
    pdf_cell_t c[5];
    pdf_table_t t;
    report_figure_t v;
    int i, met = 0, judged = 0;

    if (g->n_targets == 0) {
        pdf_para(d, "Máy chủ chưa cho biết chỉ tiêu áp dụng cho kỳ này, nên"
                 " báo cáo không kết luận đạt hay chưa đạt.", 0,
                 "Noto Sans Italic 9", PANGO_ALIGN_LEFT, 6);
        return;
    }
    pdf_para(d, "Kết quả so với chỉ tiêu:", 0, PDF_BODY_BOLD,
             PANGO_ALIGN_LEFT, 3);
    pdf_begin_table(d, &t, cols, 5);
    for (i = 0; i < g->n_targets; i++) {
        const report_target_t *tg = &g->targets[i];

        pdf_cell_set(&c[0], PDF_TONE_PLAIN, "%s%s%s",
                     tg->name[0] ? tg->name : tg->indicator,
                     tg->basis[0] ? "\n" : "", tg->basis);
        pdf_cell_set(&c[1], PDF_TONE_PLAIN, "%d", tg->year);
        memset(&v, 0, sizeof(v));
        v.has_data = tg->has_value;
        v.pct = tg->value;
        pdf_cell_pct(&c[3], &v, PDF_TONE_BOLD);
        pdf_cell_target(&c[2], &c[4], tg);
        pdf_table_row(d, &t, c, PDF_ROW_PLAIN);
        judged += tg->met >= 0;
        met += tg->met == 1;
    }
    pdf_end_table(d);
    if (judged > 0) {
        char line[128];

        snprintf(line, sizeof(line), "Đạt %d/%d chỉ tiêu có kết quả.", met,
                 judged);
        pdf_para(d, line, 0, PDF_BODY_BOLD, PANGO_ALIGN_LEFT, 6);
    }
}

static void pdf_draw_elements(pdf_doc_t *d)
{
    static const pdf_col_t cols[] = {
        {"Yếu tố", 50, PANGO_ALIGN_LEFT},
        {"Chỉ số (%)", 14, PANGO_ALIGN_RIGHT},
        {"KTC 95% (%)", 18, PANGO_ALIGN_CENTER},
        {"Số câu trả lời", 18, PANGO_ALIGN_RIGHT},
    };
    const report_group_t *g = &d->r->total;
    pdf_cell_t c[4];
    pdf_table_t t;
    int e;

    pdf_para(d, "Chỉ số theo từng yếu tố:", 0, PDF_BODY_BOLD,
             PANGO_ALIGN_LEFT, 3);
    pdf_begin_table(d, &t, cols, 4);
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++) {
        const report_figure_t *f = &g->element[e];

        pdf_cell_set(&c[0], PDF_TONE_PLAIN, "%d. %s", e + 1,
                     indices_get_element_label((indices_element_t)e)->vi);
        pdf_cell_pct(&c[1], f, PDF_TONE_BOLD);
        pdf_cell_ci(&c[2], f);
        if (f->n > 0)
            pdf_cell_count(&c[3], f->n, 0);
        else
            pdf_cell_set(&c[3], PDF_TONE_MUTED, "—");
        pdf_table_row(d, &t, c, PDF_ROW_PLAIN);
    }
    pdf_cell_set(&c[0], PDF_TONE_BOLD, REPORT_MEASURE_TITLE);
    pdf_cell_pct(&c[1], &g->index, PDF_TONE_BOLD);
    if (g->suppressed_group)
        pdf_cell_set(&c[1], PDF_TONE_MUTED, PDF_WITHHELD_MARK);
    pdf_cell_ci(&c[2], &g->index);
    pdf_cell_set(&c[3], PDF_TONE_MUTED, "%d/5 yếu tố", g->elements_with_data);
    pdf_table_row(d, &t, c, PDF_ROW_TOTAL);
    pdf_cell_set(&c[0], PDF_TONE_PLAIN,
                 "Câu hỏi chung (không cộng vào chỉ số)");
    pdf_cell_pct(&c[1], &g->overall, PDF_TONE_PLAIN);
    pdf_cell_ci(&c[2], &g->overall);
    if (g->overall.n > 0)
        pdf_cell_count(&c[3], g->overall.n, 0);
    else
        pdf_cell_set(&c[3], PDF_TONE_MUTED, "—");
    pdf_table_row(d, &t, c, PDF_ROW_PLAIN);
    pdf_end_table(d);
}

/* ---- charts -------------------------------------------------------------- */

static int pdf_cmp_index(const void *a, const void *b)
{
    const report_group_t *x = *(const report_group_t *const *)a;
    const report_group_t *y = *(const report_group_t *const *)b;

    if (x->index.pct != y->index.pct)
        return x->index.pct > y->index.pct ? -1 : 1;
    return strcmp(x->code, y->code);
}

static void pdf_draw_whisker(pdf_doc_t *d, double x1, double x2, double y)
{
    pdf_line(d, x1, y, x2, y, 0.7, &pdf_ink);
    pdf_line(d, x1, y - 2, x1, y + 2, 0.7, &pdf_ink);
    pdf_line(d, x2, y - 2, x2, y + 2, 0.7, &pdf_ink);
}

static void pdf_draw_target_line(pdf_doc_t *d, double x1, double y1,
                                 double x2, double y2)
{
    static const double dash[] = {3.0, 2.0};

    cairo_save(d->cr);
    cairo_set_dash(d->cr, dash, 2, 0);
    pdf_line(d, x1, y1, x2, y2, 1.0, &pdf_red);
    cairo_restore(d->cr);
}

/* One page's share of the unit bars: rows [from, from + n). */
static void pdf_draw_bar_rows(pdf_doc_t *d, report_group_t *const *units,
                              size_t from, size_t n,
                              const report_target_t *tg)
{
    const double row_h = 14, label_w = PDF_CW * 0.32, value_w = 30;
    const double px = PDF_LEFT + label_w + 6;
    const double pw = PDF_CW - label_w - 6 - value_w;
    double top = d->y + 11, y, w, tx, h;
    char text[PDF_CELL_MAX], v[32];
    size_t i;
    int tick, lw, lh;

    for (tick = 0; tick <= 100; tick += 20) {
        tx = px + pw * tick / 100.0;
        pdf_line(d, tx, top, tx, top + (double)n * row_h, 0.4, &pdf_grid);
        snprintf(text, sizeof(text), "%d", tick);
        h = pdf_lay(d, d->layout, text, 0, PDF_TINY, 30, PANGO_ALIGN_CENTER);
        pdf_show(d, d->layout, tx - 15, top + (double)n * row_h + 2,
                 &pdf_grey);
    }
    for (i = 0; i < n; i++) {
        const report_group_t *g = units[from + i];
        const report_target_t *own = report_pick_target(g,
                                                        report_prefer_unit);
        /* The unit's own verdict, as in the table; the comparison only
         * when the hub judged nothing. */
        int low = own && own->met >= 0 ? own->met == 0
                                       : tg && g->index.pct < tg->threshold;

        y = top + (double)i * row_h;
        snprintf(text, sizeof(text), "%s%s", report_get_group_name(g, 0),
                 g->responses < REPORT_SMALL_GROUP ? " *" : "");
        pdf_lay(d, d->layout, text, 0, PDF_TABLE, label_w, PANGO_ALIGN_RIGHT);
        pango_layout_set_ellipsize(d->layout, PANGO_ELLIPSIZE_END);
        pango_layout_get_size(d->layout, &lw, &lh);
        pdf_show(d, d->layout, PDF_LEFT,
                 y + (row_h - (double)lh / PANGO_SCALE) / 2, &pdf_ink);
        w = pw * g->index.pct / 100.0;
        pdf_fill_rect(d, px, y + 3, w, row_h - 6,
                      low ? &pdf_bar_low : &pdf_bar);
        if (!isnan(g->index.lo) && !isnan(g->index.hi))
            pdf_draw_whisker(d, px + pw * g->index.lo / 100.0,
                             px + pw * g->index.hi / 100.0, y + row_h / 2);
        report_format_pct(&g->index, v, sizeof(v));
        h = pdf_lay(d, d->layout, v, 0, PDF_TABLE_BOLD, value_w,
                    PANGO_ALIGN_RIGHT);
        pdf_show(d, d->layout, PDF_LEFT + PDF_CW - value_w,
                 y + (row_h - h) / 2, &pdf_ink);
    }
    if (tg) {
        tx = px + pw * tg->threshold / 100.0;
        pdf_draw_target_line(d, tx, top - 3, tx, top + (double)n * row_h);
        report_format_threshold(tg, v, sizeof(v));
        snprintf(text, sizeof(text), "Chỉ tiêu %s", v);
        pdf_lay(d, d->layout, text, 0, PDF_TINY, 80, PANGO_ALIGN_RIGHT);
        pdf_show(d, d->layout, tx - 82, top - 11, &pdf_red);
    }
    d->y = top + (double)n * row_h + 16;
}

static void pdf_draw_unit_chart(pdf_doc_t *d)
{
    const report_t *r = d->r;
    const report_target_t *tg = report_pick_target(&r->total,
                                                   report_prefer_unit);
    report_group_t **units;
    char text[256], v[32];
    size_t i, n = 0, done = 0, fit;

    if (d->failed || r->n_units == 0)
        return;
    units = calloc(r->n_units, sizeof(*units));
    if (!units) {
        pdf_fail(d, "out of memory");
        return;
    }
    for (i = 0; i < r->n_units; i++)
        if (r->units[i].index.has_data)
            units[n++] = &r->units[i];
    if (n == 0) {
        free(units);
        return;
    }
    qsort(units, n, sizeof(*units), pdf_cmp_index);
    if (tg) {
        report_format_threshold(tg, v, sizeof(v));
        snprintf(text, sizeof(text), REPORT_MEASURE_TITLE " theo đơn vị (%%), từ"
                 " cao xuống thấp. Vạch đỏ: chỉ tiêu %s; thanh màu cam:"
                 " dưới chỉ tiêu; đoạn mảnh: khoảng tin cậy 95%%.", v);
    } else {
        snprintf(text, sizeof(text), REPORT_MEASURE_TITLE " theo đơn vị (%%), từ"
                 " cao xuống thấp; đoạn mảnh: khoảng tin cậy 95%%.");
    }
    pdf_caption(d, text, 90);
    while (done < n && !d->failed) {
        fit = (size_t)fmax(0.0, floor((PDF_LIMIT - d->y - 30) / 14));
        if (fit < 3 && n - done > fit) {
            if (pdf_new_page(d) != 0)
                break;
            continue;
        }
        if (fit > n - done)
            fit = n - done;
        pdf_draw_bar_rows(d, units, done, fit, tg);
        done += fit;
    }
    free(units);
    d->y += 4;
}

/* The y axis of the month chart: from a round number below every value,
 * interval and target, to 100. Lines may start above 0; bars never do. */
static double pdf_month_floor(const report_t *r, const report_target_t *tg)
{
    double low = tg ? tg->threshold : 100.0;
    size_t i;

    for (i = 0; i < r->n_months; i++) {
        const report_figure_t *f = &r->months[i].index;

        if (!f->has_data)
            continue;
        if (!isnan(f->lo) && f->lo < low)
            low = f->lo;
        if (f->pct < low)
            low = f->pct;
    }
    low = floor((low - 5.0) / 10.0) * 10.0;
    return low < 0 ? 0 : (low > 80 ? 80 : low);
}

static void pdf_draw_month_axes(pdf_doc_t *d, double x0, double y0,
                                double w, double h, double ymin)
{
    char text[32];
    double v, y;

    for (v = ymin; v <= 100.0 + 1e-9; v += 10.0) {
        y = y0 + h - h * (v - ymin) / (100.0 - ymin);
        pdf_line(d, x0, y, x0 + w, y, 0.4, &pdf_grid);
        snprintf(text, sizeof(text), "%.0f", v);
        pdf_lay(d, d->layout, text, 0, PDF_TINY, 22, PANGO_ALIGN_RIGHT);
        pdf_show(d, d->layout, x0 - 25, y - 4.5, &pdf_grey);
    }
}

/* "Tháng 7/2026" ("Tháng 12/2025 (15–31)" for part of a month), or "T7"
 * when twelve labels share the width. */
static void pdf_month_label(const report_period_t *p, const char *code,
                            int compact, char *buf, size_t cap)
{
    if (compact && strlen(code) == 7 && code[4] == '-')
        snprintf(buf, cap, "T%d", atoi(code + 5));
    else
        report_format_period_month(p, code, buf, cap);
}

static void pdf_draw_month_chart(pdf_doc_t *d)
{
    const report_t *r = d->r;
    const report_target_t *tg = report_pick_target(&r->total,
                                                   report_prefer_unit);
    const double h = 130, x0 = PDF_LEFT + 28, w = PDF_CW - 28 - 70;
    double ymin, y0, slot, cx, cy, prev_x = 0, prev_y = 0;
    char text[128], v[32];
    size_t i;
    int have_prev = 0;

    if (d->failed || r->n_months == 0)
        return;
    snprintf(text, sizeof(text), REPORT_MEASURE_TITLE " theo tháng (%%); vùng"
             " tô: khoảng tin cậy 95%%%s.", tg ? "; vạch đỏ: chỉ tiêu" : "");
    pdf_caption(d, text, h + 60);
    ymin = pdf_month_floor(r, tg);
    y0 = d->y + 8;
    slot = w / (double)r->n_months;
#define PDF_MY(val) (y0 + h - h * ((val) - ymin) / (100.0 - ymin))
    pdf_draw_month_axes(d, x0, y0, w, h, ymin);
    for (i = 0; i < r->n_months; i++) {
        const report_figure_t *f = &r->months[i].index;

        cx = x0 + slot * ((double)i + 0.5);
        if (f->has_data && !isnan(f->lo) && !isnan(f->hi)) {
            pdf_fill_rect(d, cx - fmin(slot * 0.3, 14), PDF_MY(f->hi),
                          2 * fmin(slot * 0.3, 14),
                          PDF_MY(f->lo) - PDF_MY(f->hi), &pdf_band);
        }
        pdf_month_label(&r->period, r->months[i].code, r->n_months > 6, text,
                        sizeof(text));
        pdf_lay(d, d->layout, text, 0, PDF_TINY, slot, PANGO_ALIGN_CENTER);
        pdf_show(d, d->layout, cx - slot / 2, y0 + h + 3, &pdf_ink);
        report_format_count(r->months[i].responses, v, sizeof(v));
        /* Twelve "N phiếu" do not fit side by side: the word goes once,
         * in front of the row. */
        snprintf(text, sizeof(text), "%s%s", v,
                 r->n_months > 6 ? "" : " phiếu");
        pdf_lay(d, d->layout, text, 0, PDF_TINY, slot, PANGO_ALIGN_CENTER);
        pdf_show(d, d->layout, cx - slot / 2, y0 + h + 12, &pdf_grey);
    }
    if (r->n_months > 6) {
        pdf_lay(d, d->layout, "phiếu", 0, PDF_TINY, 26, PANGO_ALIGN_RIGHT);
        pdf_show(d, d->layout, x0 - 29, y0 + h + 12, &pdf_grey);
    }
    for (i = 0; i < r->n_months; i++) {
        const report_figure_t *f = &r->months[i].index;

        cx = x0 + slot * ((double)i + 0.5);
        if (!f->has_data) {
            have_prev = 0;
            continue;
        }
        cy = PDF_MY(f->pct);
        if (have_prev)
            pdf_line(d, prev_x, prev_y, cx, cy, 1.6, &pdf_navy);
        prev_x = cx;
        prev_y = cy;
        have_prev = 1;
    }
    for (i = 0; i < r->n_months; i++) {
        const report_figure_t *f = &r->months[i].index;

        if (!f->has_data)
            continue;
        cx = x0 + slot * ((double)i + 0.5);
        cy = PDF_MY(f->pct);
        pdf_set_rgb(d->cr, &pdf_navy);
        cairo_arc(d->cr, cx, cy, 2.8, 0, 2 * M_PI);
        cairo_fill(d->cr);
        report_format_pct(f, v, sizeof(v));
        pdf_lay(d, d->layout, v, 0, PDF_TABLE_BOLD, 40, PANGO_ALIGN_LEFT);
        pdf_show(d, d->layout, cx + 6, cy - 3, &pdf_navy);
    }
    if (tg) {
        cy = PDF_MY(tg->threshold);
        pdf_draw_target_line(d, x0, cy, x0 + w, cy);
        report_format_threshold(tg, v, sizeof(v));
        snprintf(text, sizeof(text), "Chỉ tiêu %s", v);
        pdf_lay(d, d->layout, text, 0, PDF_TINY, 66, PANGO_ALIGN_LEFT);
        pdf_show(d, d->layout, x0 + w + 4, cy - 4.5, &pdf_red);
    }
#undef PDF_MY
    d->y = y0 + h + 28;
}

/* ---- II, III. per unit and per field ------------------------------------- */

static void pdf_withheld_note(pdf_doc_t *d)
{
    char why[REPORT_WITHHELD_MAX], line[REPORT_WITHHELD_MAX + 160];

    report_format_withheld(d->r, why, sizeof(why));
    snprintf(line, sizeof(line),
             "“" PDF_WITHHELD_MARK "”: %s; số phiếu vẫn được công bố,"
             " chỉ số thì không.", why);
    pdf_para(d, line, 0, "Noto Sans Italic 8.5", PANGO_ALIGN_LEFT, 4);
}

static void pdf_draw_group_table(pdf_doc_t *d, const report_group_t *groups,
                                 size_t n, int is_field)
{
    static const pdf_col_t unit_cols[] = {
        {"TT", 4.5, PANGO_ALIGN_CENTER},
        {"Đơn vị", 20.5, PANGO_ALIGN_LEFT},
        {REPORT_COUNT_TITLE, 7.5, PANGO_ALIGN_RIGHT},
        {"Chỉ số (%)", 7.5, PANGO_ALIGN_RIGHT},
        {"KTC 95%", 11, PANGO_ALIGN_CENTER},
        {"Tiếp cận", 6.8, PANGO_ALIGN_RIGHT},
        {"Thủ tục", 6.8, PANGO_ALIGN_RIGHT},
        {"Công chức", 6.8, PANGO_ALIGN_RIGHT},
        {"Kết quả", 6.8, PANGO_ALIGN_RIGHT},
        {"Góp ý", 6.8, PANGO_ALIGN_RIGHT},
        {"Câu hỏi chung", 9, PANGO_ALIGN_RIGHT},
        {"Chỉ tiêu", 11, PANGO_ALIGN_CENTER},
    };
    pdf_col_t cols[12];
    pdf_cell_t c[12];
    pdf_table_t t;
    size_t i, held = 0;
    int e;

    memcpy(cols, unit_cols, sizeof(cols));
    if (is_field)
        cols[1].title = "Lĩnh vực";
    pdf_begin_table(d, &t, cols, 12);
    for (i = 0; i < n && !d->failed; i++) {
        const report_group_t *g = &groups[i];
        const report_target_t *tg = report_pick_target(
            g, is_field ? report_prefer_field : report_prefer_unit);
        pdf_cell_t verdict;

        pdf_cell_set(&c[0], PDF_TONE_MUTED, "%zu", i + 1);
        pdf_cell_set(&c[1], PDF_TONE_PLAIN, "%s",
                     report_get_group_name(g, is_field));
        pdf_cell_count(&c[2], g->responses, 1);
        pdf_cell_pct(&c[3], &g->index, PDF_TONE_BOLD);
        pdf_cell_ci(&c[4], &g->index);
        for (e = 0; e < INDICES_ELEMENT_COUNT; e++)
            pdf_cell_pct(&c[5 + e], &g->element[e], PDF_TONE_PLAIN);
        pdf_cell_pct(&c[10], &g->overall, PDF_TONE_PLAIN);
        pdf_cell_target(&c[11], &verdict, tg);
        if (tg) {
            size_t len = strlen(c[11].text);
            report_figure_t judged = {tg->has_value, tg->value, NAN, NAN, 0};
            char pct[32];

            /* The target's own figure, in brackets, where it is not the
             * index beside it (an administrative target over a unit that
             * also has health or education answers). */
            report_format_pct(&judged, pct, sizeof(pct));
            if (tg->has_value &&
                (!g->index.has_data || fabs(tg->value - g->index.pct) >= 0.005))
                len += (size_t)snprintf(c[11].text + len,
                                        sizeof(c[11].text) - len, "\n(%s%%)",
                                        pct);
            if (len < sizeof(c[11].text))
                snprintf(c[11].text + len, sizeof(c[11].text) - len, "\n%s",
                         verdict.text);
            c[11].tone = verdict.tone;
        }
        if (g->suppressed_group) {
            pdf_cell_set(&c[3], PDF_TONE_MUTED, PDF_WITHHELD_MARK);
            held++;
        }
        pdf_table_row(d, &t, c,
                      is_field && report_is_priority_field(g->code)
                          ? PDF_ROW_PRIORITY
                          : PDF_ROW_PLAIN);
    }
    if (n == 0) {
        memset(c, 0, sizeof(c));
        pdf_cell_set(&c[1], PDF_TONE_MUTED, "Không có dữ liệu trong kỳ");
        pdf_table_row(d, &t, c, PDF_ROW_PLAIN);
    }
    pdf_end_table(d);
    if (held > 0)
        pdf_withheld_note(d);
}

static void pdf_draw_units(pdf_doc_t *d)
{
    pdf_heading(d, "Kết quả theo đơn vị");
    pdf_para(d, "Chỉ số và các yếu tố tính bằng %; cột “Chỉ tiêu” so chỉ số"
             " hài lòng của đơn vị với chỉ tiêu về giải quyết thủ tục hành"
             " chính của tỉnh. (*) dưới 30 phiếu: chỉ có giá trị tham khảo.",
             0, PDF_SMALL, PANGO_ALIGN_LEFT, 4);
    pdf_draw_group_table(d, d->r->units, d->r->n_units, 0);
    pdf_draw_unit_chart(d);
}

static void pdf_draw_fields(pdf_doc_t *d)
{
    pdf_heading(d, "Kết quả theo lĩnh vực");
    pdf_para(d, "Các lĩnh vực đất đai, xây dựng, đầu tư (tô màu) được theo"
             " dõi riêng theo chỉ tiêu của tỉnh.", 0, PDF_SMALL,
             PANGO_ALIGN_LEFT, 4);
    pdf_draw_group_table(d, d->r->fields, d->r->n_fields, 1);
}

/* A month withheld for the officers' privacy has no point on the chart:
 * the words under it say which and why, so it is not read as no data. */
static void pdf_draw_withheld_months(pdf_doc_t *d)
{
    const report_t *r = d->r;
    char why[REPORT_WITHHELD_MAX], month[64];
    char line[REPORT_WITHHELD_MAX + 96];
    size_t i;

    report_format_withheld(r, why, sizeof(why));
    for (i = 0; i < r->n_months && !d->failed; i++) {
        if (!r->months[i].suppressed_group)
            continue;
        report_format_period_month(&r->period, r->months[i].code, month,
                                   sizeof(month));
        snprintf(line, sizeof(line), "%s: %s.", month, why);
        pdf_para(d, line, 0, "Noto Sans Italic 8.5", PANGO_ALIGN_LEFT, 4);
    }
}

static void pdf_draw_months(pdf_doc_t *d)
{
    if (d->r->n_months == 0)
        return;
    pdf_heading(d, "Diễn biến trong kỳ");
    pdf_draw_month_chart(d);
    pdf_draw_withheld_months(d);
}

/* ---- Circular 01 --------------------------------------------------------- */

static void pdf_c01_band(const indices_c01_total_t *t, char *buf, size_t cap)
{
    if (!t->has_data)
        snprintf(buf, cap, "—");
    else if (t->complete)
        snprintf(buf, cap, "%s", t->band->vi);
    else if (t->band == t->band_max)
        snprintf(buf, cap, "%s (tạm tính)", t->band->vi);
    else
        snprintf(buf, cap, "Từ %s đến %s (tạm tính)", t->band->vi,
                 t->band_max->vi);
}

static void pdf_c01_row(pdf_doc_t *d, pdf_table_t *t, const int *ks, int nk,
                        size_t no, const char *name, const report_c01_t *c,
                        pdf_row_kind_t kind)
{
    pdf_cell_t cells[PDF_COLS_MAX];
    char a[16], b[16];
    int i;

    if (no)
        pdf_cell_set(&cells[0], PDF_TONE_MUTED, "%zu", no);
    else
        pdf_cell_set(&cells[0], PDF_TONE_MUTED, " ");
    pdf_cell_set(&cells[1], PDF_TONE_PLAIN, "%s", name);
    for (i = 0; i < nk; i++) {
        report_format_tenths(c->tenths[ks[i]], a, sizeof(a));
        pdf_cell_set(&cells[2 + i],
                     c->tenths[ks[i]] < 0 ? PDF_TONE_MUTED : PDF_TONE_PLAIN,
                     "%s", a);
    }
    report_format_tenths(c->unit_total.has_data ? c->unit_total.tenths : -1,
                         a, sizeof(a));
    report_format_tenths(c->unit_total.has_data ? c->unit_total.max_tenths
                                                : -1,
                         b, sizeof(b));
    if (c->unit_total.complete)
        pdf_cell_set(&cells[2 + nk], PDF_TONE_BOLD, "%s", a);
    else
        pdf_cell_set(&cells[2 + nk], PDF_TONE_BOLD, "%s (tối đa %s)", a, b);
    pdf_cell_set(&cells[3 + nk], PDF_TONE_PLAIN, "%d/9",
                 c->unit_total.present);
    pdf_c01_band(&c->unit_total, cells[4 + nk].text,
                 sizeof(cells[4 + nk].text));
    cells[4 + nk].tone = PDF_TONE_BOLD;
    pdf_table_row(d, t, cells, kind);
}

static void pdf_draw_c01(pdf_doc_t *d)
{
    char heads[INDICES_C01_COUNT][16];
    const report_t *r = d->r;
    pdf_col_t cols[PDF_COLS_MAX];
    char legend[PDF_TEXT_MAX];
    size_t i, no = 0, len;
    int ks[INDICES_C01_COUNT], nk = 0, k;
    pdf_table_t t;

    if (!report_has_c01(r))
        return;
    pdf_heading(d, "Đánh giá theo Thông tư 01/2018/TT-VPCP");
    /* Only indicators with data anywhere get a column. */
    for (k = 0; k < INDICES_C01_COUNT; k++) {
        int any = r->total.c01.tenths[k] >= 0;

        for (i = 0; i < r->n_units && !any; i++)
            any = r->units[i].c01.tenths[k] >= 0;
        if (any)
            ks[nk++] = k;
    }
    cols[0] = (pdf_col_t){"TT", 4.5, PANGO_ALIGN_CENTER};
    cols[1] = (pdf_col_t){"Đơn vị", 30, PANGO_ALIGN_LEFT};
    for (k = 0; k < nk; k++) {
        snprintf(heads[k], sizeof(heads[k]), "CS%d", ks[k] + 1);
        cols[2 + k] = (pdf_col_t){heads[k], 6.5, PANGO_ALIGN_RIGHT};
    }
    cols[2 + nk] = (pdf_col_t){"Tổng điểm (tối đa 18)", 14,
                               PANGO_ALIGN_CENTER};
    cols[3 + nk] = (pdf_col_t){"Chỉ số có dữ liệu", 9, PANGO_ALIGN_CENTER};
    cols[4 + nk] = (pdf_col_t){"Xếp loại", 18, PANGO_ALIGN_CENTER};
    pdf_begin_table(d, &t, cols, 5 + nk);
    for (i = 0; i < r->n_units; i++)
        if (r->units[i].c01.has_data)
            pdf_c01_row(d, &t, ks, nk, ++no,
                        report_get_group_name(&r->units[i], 0),
                        &r->units[i].c01, PDF_ROW_PLAIN);
    if (r->total.c01.has_data)
        pdf_c01_row(d, &t, ks, nk, 0, "Toàn bộ phạm vi báo cáo",
                    &r->total.c01, PDF_ROW_TOTAL);
    pdf_end_table(d);
    snprintf(legend, sizeof(legend), "Chỉ số:");
    for (k = 0; k < nk; k++) {
        len = strlen(legend);
        snprintf(legend + len, sizeof(legend) - len, "%s CS%d – %s",
                 k ? ";" : "", ks[k] + 1, indices_get_c01_label(ks[k] + 1)->vi);
    }
    len = strlen(legend);
    snprintf(legend + len, sizeof(legend) - len,
             ". Chỉ số chưa có dữ liệu không được tính mặc định; khi chưa đủ 9"
             " chỉ số, tổng điểm chỉ gồm các chỉ số có dữ liệu và xếp loại là"
             " tạm tính (kèm mức cao nhất có thể đạt).");
    pdf_para(d, legend, 0, PDF_SMALL, PANGO_ALIGN_LEFT, 6);
}

/* ---- reasons and method -------------------------------------------------- */

static void pdf_draw_reasons(pdf_doc_t *d)
{
    static const pdf_col_t cols[] = {
        {"TT", 6, PANGO_ALIGN_CENTER},
        {"Lý do", 60, PANGO_ALIGN_LEFT},
        {"Số lượt chọn", 17, PANGO_ALIGN_RIGHT},
        {"Tỷ lệ (%)", 17, PANGO_ALIGN_RIGHT},
    };
    const report_group_t *g = &d->r->total;
    pdf_cell_t c[4];
    pdf_table_t t;
    int i;

    pdf_heading(d, "Lý do chưa hài lòng");
    if (g->n_reasons == 0) {
        pdf_para(d, "Không có lý do chưa hài lòng nào được ghi nhận trong"
                 " kỳ.", 0, PDF_BODY, PANGO_ALIGN_LEFT, 6);
        return;
    }
    pdf_para(d, "Người đánh giá ở mức chưa hài lòng được hỏi lý do và có thể"
             " chọn nhiều lý do; tỷ lệ tính trên tổng số lượt chọn.", 0,
             PDF_SMALL, PANGO_ALIGN_LEFT, 4);
    pdf_begin_table(d, &t, cols, 4);
    for (i = 0; i < g->n_reasons; i++) {
        pdf_cell_set(&c[0], PDF_TONE_MUTED, "%d", i + 1);
        pdf_cell_set(&c[1], PDF_TONE_PLAIN, "%s",
                     report_get_reason_name(g->reasons[i].code));
        pdf_cell_count(&c[2], g->reasons[i].n, 0);
        report_format_share(g->reasons[i].n, g->reasons_total, c[3].text,
                            sizeof(c[3].text));
        c[3].tone = PDF_TONE_PLAIN;
        pdf_table_row(d, &t, c, PDF_ROW_PLAIN);
    }
    pdf_end_table(d);
}

static void pdf_draw_notes(pdf_doc_t *d)
{
    const char *notes[REPORT_NOTES_MAX];
    size_t i, n = report_get_notes(d->r, notes, REPORT_NOTES_MAX);
    char line[PDF_TEXT_MAX];

    pdf_heading(d, "Ghi chú về phương pháp");
    for (i = 0; i < n; i++) {
        snprintf(line, sizeof(line), "%zu. %s", i + 1, notes[i]);
        pdf_para(d, line, 0, "Noto Sans 8.5", PANGO_ALIGN_LEFT, 4);
    }
}

/* ---- the file ------------------------------------------------------------ */

static void pdf_draw_footer(pdf_doc_t *d, cairo_t *cr, PangoLayout *layout,
                            int page)
{
    char text[64];

    snprintf(text, sizeof(text), "Trang %d/%d", page, d->n_pages);
    pdf_lay(d, layout, text, 0, PDF_SMALL, PDF_CW, PANGO_ALIGN_CENTER);
    pdf_set_rgb(cr, &pdf_grey);
    cairo_move_to(cr, PDF_LEFT, PDF_H - 12.0 * PDF_MM);
    pango_cairo_show_layout(cr, layout);
}

static void pdf_set_metadata(pdf_doc_t *d, cairo_surface_t *pdf)
{
    char title[PDF_TEXT_MAX];

    snprintf(title, sizeof(title), "%s – %s – %s", REPORT_SUBJECT,
             d->r->period.label, d->r->scope_name);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT,
                                   REPORT_TITLE);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_AUTHOR,
                                   d->r->scope_name);
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR,
                                   "sipas-report");
}

/* Replays every recorded page onto the PDF and numbers it. */
static int pdf_write_file(pdf_doc_t *d, const char *path)
{
    cairo_surface_t *pdf;
    cairo_status_t st;
    PangoLayout *layout = NULL;
    cairo_t *cr;
    int i;

    if (d->cr) {
        if (pdf_check_cr(d, d->cr, "the last page") != 0)
            return -1;
        cairo_destroy(d->cr);
        d->cr = NULL;
    }
    pdf = cairo_pdf_surface_create(path, PDF_W, PDF_H);
    st = cairo_surface_status(pdf);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(pdf);
        return pdf_fail(d, "cannot create %s: %s", path,
                        cairo_status_to_string(st));
    }
    pdf_set_metadata(d, pdf);
    cr = cairo_create(pdf);
    if (pdf_check_cr(d, cr, "the PDF") == 0) {
        layout = pango_cairo_create_layout(cr);
        if (!layout || pdf_set_font_options(d, layout) != 0)
            pdf_fail(d, "cannot create a text layout");
    }
    for (i = 0; i < d->n_pages && !d->failed; i++) {
        cairo_set_source_surface(cr, d->pages[i], 0, 0);
        cairo_paint(cr);
        pdf_draw_footer(d, cr, layout, i + 1);
        cairo_show_page(cr);
        pdf_check_cr(d, cr, "a page of the PDF");
    }
    if (layout)
        g_object_unref(layout);
    cairo_destroy(cr);
    cairo_surface_finish(pdf);
    st = cairo_surface_status(pdf);
    cairo_surface_destroy(pdf);
    if (st != CAIRO_STATUS_SUCCESS)
        return pdf_fail(d, "writing %s failed: %s", path,
                        cairo_status_to_string(st));
    return d->failed ? -1 : 0;
}

static void pdf_release(pdf_doc_t *d)
{
    int i;

    if (d->cr)
        cairo_destroy(d->cr);
    if (d->layout)
        g_object_unref(d->layout);
    if (d->aux)
        g_object_unref(d->aux);
    for (i = 0; i < d->n_pages; i++)
        cairo_surface_destroy(d->pages[i]);
}

int report_write_pdf(const report_t *r, const char *path,
                     const char *font_dir, char *err, size_t cap)
{
    pdf_doc_t *d = calloc(1, sizeof(*d));
    char conf[512];
    int rc;

    if (!d) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    d->r = r;
    if (pdf_use_font_dir(d, font_dir, conf, sizeof(conf)) == 0 &&
        pdf_new_page(d) == 0) {
        pdf_draw_title(d);
        pdf_heading(d, "Kết quả chung");
        pdf_draw_summary_text(d);
        pdf_draw_targets(d);
        pdf_draw_elements(d);
        pdf_draw_units(d);
        pdf_draw_fields(d);
        pdf_draw_months(d);
        pdf_draw_c01(d);
        pdf_draw_reasons(d);
        pdf_draw_notes(d);
        if (!d->failed)
            pdf_write_file(d, path);
    }
    rc = d->failed ? -1 : 0;
    if (rc != 0)
        snprintf(err, cap, "%s", d->err);
    pdf_release(d);
    /* pango's font map is let go; fontconfig's and cairo's caches are
     * not. FcFini() asserts (and aborts the program) while pango's font
     * loading thread or any pattern still references a cache, which
     * happens at random; what they hold is freed by the exit that follows
     * the report. */
    pango_cairo_font_map_set_default(NULL);
    if (conf[0] && unlink(conf) != 0 && rc == 0) {
        snprintf(err, cap, "cannot remove %s: %s", conf, strerror(errno));
        rc = -1;
    }
    free(d);
    return rc;
}
