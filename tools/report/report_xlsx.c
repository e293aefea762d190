/*
 * report_xlsx.c - the report as an Excel workbook (libxlsxwriter): one
 * sheet per table with its header row frozen, percentages as fractions
 * formatted 0.00% (so Excel can still compute with them, and shows the
 * two decimals verdicts are judged at), counts as integers, "—" where
 * there is no data, and a chart sheet of the index by unit.
 */
#include "report_render.h"

#include <math.h>
#include <string.h>

#include <xlsxwriter.h>

#define XLSX_NAVY 0x1F4E79
#define XLSX_ZEBRA 0xF2F5F9
#define XLSX_PRIORITY 0xFFF2CC
#define XLSX_GREEN 0x1E7B34
#define XLSX_RED 0xB00020

/* Columns of the unit and field sheets the chart and filter refer to. */
#define XLSX_COL_INDEX 6
#define XLSX_COL_LAST 17

typedef struct xlsx_fmt {
    lxw_format *title, *subtitle, *head, *text, *wrap, *count, *pct, *num1,
        *bold, *met, *unmet;
    lxw_format *p_text, *p_count, *p_pct; /* priority fields highlighted */
} xlsx_fmt_t;

/* The first error wins; later writes are skipped so the message names the
 * real cause. */
typedef struct xlsx_ctx {
    lxw_workbook *wb;
    xlsx_fmt_t f;
    lxw_error rc;
    char what[96];
} xlsx_ctx_t;

static void xlsx_check(xlsx_ctx_t *x, lxw_error rc, const char *what)
{
    if (rc != LXW_NO_ERROR && x->rc == LXW_NO_ERROR) {
        x->rc = rc;
        snprintf(x->what, sizeof(x->what), "%s", what);
    }
}

static void xlsx_str(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                     lxw_col_t c, const char *s, lxw_format *f)
{
    if (x->rc == LXW_NO_ERROR)
        xlsx_check(x, worksheet_write_string(ws, r, c, s, f), "a cell");
}

static void xlsx_int(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                     lxw_col_t c, int64_t v, lxw_format *f)
{
    if (x->rc == LXW_NO_ERROR)
        xlsx_check(x, worksheet_write_number(ws, r, c, (double)v, f),
                   "a cell");
}

/* "—" in a cell without data: never 0, never blank. */
static void xlsx_no_data(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                         lxw_col_t c, lxw_format *f)
{
    xlsx_check(x, worksheet_write_string(ws, r, c, REPORT_NO_DATA, f),
               "a cell");
}

/* A percentage as a fraction; "—" without data. */
static void xlsx_pct(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                     lxw_col_t c, double v, int has, lxw_format *f)
{
    if (x->rc != LXW_NO_ERROR)
        return;
    if (has && !isnan(v))
        xlsx_check(x, worksheet_write_number(ws, r, c, v / 100.0, f),
                   "a cell");
    else
        xlsx_no_data(x, ws, r, c, f);
}

/* Hundredths of a percent as the fraction centi / 10000; "—" for -1. */
static void xlsx_centi(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                       lxw_col_t c, int64_t centi, lxw_format *f)
{
    if (x->rc != LXW_NO_ERROR)
        return;
    if (centi >= 0)
        xlsx_check(x, worksheet_write_number(ws, r, c,
                                             (double)centi / 10000.0, f),
                   "a cell");
    else
        xlsx_no_data(x, ws, r, c, f);
}

static void xlsx_tenths(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                        lxw_col_t c, int tenths)
{
    if (x->rc != LXW_NO_ERROR)
        return;
    if (tenths >= 0)
        xlsx_check(x, worksheet_write_number(ws, r, c, tenths / 10.0,
                                             x->f.num1), "a cell");
    else
        xlsx_no_data(x, ws, r, c, x->f.num1);
}

static void xlsx_width(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_col_t first,
                       lxw_col_t last, double width)
{
    if (x->rc == LXW_NO_ERROR)
        xlsx_check(x, worksheet_set_column(ws, first, last, width, NULL),
                   "a column width");
}

static lxw_worksheet *xlsx_sheet(xlsx_ctx_t *x, const char *name)
{
    lxw_worksheet *ws;

    if (x->rc != LXW_NO_ERROR)
        return NULL;
    ws = workbook_add_worksheet(x->wb, name);
    if (!ws)
        xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a sheet");
    else
        worksheet_set_paper(ws, 9); /* A4 */
    return ws;
}

/* Header row 0 (or head_row), frozen with the first freeze_cols columns,
 * so titles stay in view while scrolling. */
static void xlsx_head(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t head_row,
                      const char *const *titles, size_t n,
                      lxw_col_t freeze_cols)
{
    size_t i;

    if (x->rc != LXW_NO_ERROR)
        return;
    for (i = 0; i < n; i++)
        xlsx_str(x, ws, head_row, (lxw_col_t)i, titles[i], x->f.head);
    xlsx_check(x, worksheet_set_row(ws, head_row, 32, NULL), "a row");
    worksheet_freeze_panes(ws, head_row + 1, freeze_cols);
}

#define XLSX_HEAD(x, ws, row, freeze, ...)                                \
    do {                                                                  \
        const char *const xlsx_titles_[] = {__VA_ARGS__};                 \
        xlsx_head(x, ws, row, xlsx_titles_,                               \
                  sizeof(xlsx_titles_) / sizeof(xlsx_titles_[0]), freeze);\
    } while (0)

static lxw_format *xlsx_new_format(xlsx_ctx_t *x)
{
    lxw_format *f = workbook_add_format(x->wb);

    if (!f)
        xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a cell format");
    else
        format_set_font_name(f, "Noto Sans");
    return f;
}

static void xlsx_make_formats(xlsx_ctx_t *x)
{
    xlsx_fmt_t *f = &x->f;
    lxw_format **all[] = {&f->title, &f->subtitle, &f->head,  &f->text,
                          &f->wrap,  &f->count,    &f->pct,   &f->num1,
                          &f->bold,  &f->met,      &f->unmet, &f->p_text,
                          &f->p_count, &f->p_pct};
    size_t i;

    for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (!(*all[i] = xlsx_new_format(x)))
            return;
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);
    format_set_italic(f->subtitle);
    format_set_bold(f->head);
    format_set_font_color(f->head, LXW_COLOR_WHITE);
    format_set_bg_color(f->head, XLSX_NAVY);
    format_set_text_wrap(f->head);
    format_set_align(f->head, LXW_ALIGN_CENTER);
    format_set_align(f->head, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(f->head, LXW_BORDER_THIN);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    format_set_num_format(f->count, "#,##0");
    format_set_num_format(f->pct, "0.00%");
    format_set_align(f->pct, LXW_ALIGN_RIGHT);
    format_set_num_format(f->num1, "0.0");
    format_set_align(f->num1, LXW_ALIGN_RIGHT);
    format_set_bold(f->bold);
    format_set_font_color(f->met, XLSX_GREEN);
    format_set_bold(f->met);
    format_set_font_color(f->unmet, XLSX_RED);
    format_set_bold(f->unmet);
    format_set_bg_color(f->p_text, XLSX_PRIORITY);
    format_set_bold(f->p_text);
    format_set_bg_color(f->p_count, XLSX_PRIORITY);
    format_set_num_format(f->p_count, "#,##0");
    format_set_bg_color(f->p_pct, XLSX_PRIORITY);
    format_set_num_format(f->p_pct, "0.00%");
    format_set_align(f->p_pct, LXW_ALIGN_RIGHT);
}

static lxw_format *xlsx_verdict_format(xlsx_ctx_t *x, int met)
{
    return met == 1 ? x->f.met : met == 0 ? x->f.unmet : NULL;
}

/* ---- sheets -------------------------------------------------------------- */

/* held: why the hub withheld the figure's group, written where its value
 * would stand, so that it never reads as a group without data; NULL for
 * a group shown. */
static void xlsx_put_figure(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t r,
                            lxw_col_t c, const report_figure_t *f,
                            const char *held)
{
    if (held) {
        xlsx_str(x, ws, r, c, held, NULL);
        xlsx_no_data(x, ws, r, c + 1, NULL);
        xlsx_no_data(x, ws, r, c + 2, NULL);
        return;
    }
    xlsx_pct(x, ws, r, c, f->pct, f->has_data, x->f.pct);
    xlsx_pct(x, ws, r, c + 1, f->lo, f->has_data, x->f.pct);
    xlsx_pct(x, ws, r, c + 2, f->hi, f->has_data, x->f.pct);
}

static void xlsx_put_summary(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_SUMMARY);
    const report_group_t *g = &r->total;
    char line[512], date[64], why[REPORT_WITHHELD_MAX];
    const char *held = NULL;
    lxw_row_t row;
    int e;

    if (!ws)
        return;
    if (g->suppressed_group) {
        report_format_withheld(r, why, sizeof(why));
        held = why;
    }
    xlsx_str(x, ws, 0, 0, REPORT_TITLE " tại Bộ phận Một cửa", x->f.title);
    snprintf(line, sizeof(line), "%s – %s (%s đến %s)",
             r->scope_name[0] ? r->scope_name : r->scope_code,
             r->period.label, r->period.from, r->period.to);
    xlsx_str(x, ws, 1, 0, line, NULL);
    report_format_long_date(r->issued, date, sizeof(date));
    snprintf(line, sizeof(line), "Lập %s", date);
    xlsx_str(x, ws, 2, 0, line, x->f.subtitle);
    xlsx_str(x, ws, 3, 0, report_get_rule_label(&r->period), x->f.subtitle);
    XLSX_HEAD(x, ws, 4, 0, "Mục", "Giá trị", "KTC 95% thấp", "KTC 95% cao");
    xlsx_str(x, ws, 5, 0, "Số phiếu hoàn thành", x->f.bold);
    xlsx_int(x, ws, 5, 1, g->responses, x->f.count);
    xlsx_str(x, ws, 6, 0, "Phiếu chưa hoàn thành (tính câu đã trả lời)", NULL);
    xlsx_int(x, ws, 6, 1, g->partial, x->f.count);
    xlsx_str(x, ws, 7, 0, "Phiếu bị loại (không tính)", NULL);
    xlsx_int(x, ws, 7, 1, g->suppressed, x->f.count);
    xlsx_str(x, ws, 8, 0, REPORT_MEASURE_TITLE, x->f.bold);
    xlsx_put_figure(x, ws, 8, 1, &g->index, held);
    xlsx_str(x, ws, 9, 0, "Số yếu tố có dữ liệu (trên 5)", NULL);
    xlsx_int(x, ws, 9, 1, g->elements_with_data, x->f.count);
    row = 10;
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++, row++) {
        xlsx_str(x, ws, row, 0,
                 indices_get_element_label((indices_element_t)e)->vi, NULL);
        xlsx_put_figure(x, ws, row, 1, &g->element[e], held);
    }
    xlsx_str(x, ws, row, 0, "Câu hỏi chung: tỷ lệ hài lòng", NULL);
    xlsx_put_figure(x, ws, row, 1, &g->overall, held);
    xlsx_width(x, ws, 0, 0, 48);
    xlsx_width(x, ws, 1, 3, 14);
}

static void xlsx_put_targets(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_TARGETS);
    const report_target_t *t;
    char mark[64];
    int i;

    if (!ws)
        return;
    XLSX_HEAD(x, ws, 0, 0, "Chỉ tiêu", "Mã", "Mức", "Năm", "Kết quả",
              "Đánh giá", "Căn cứ");
    for (i = 0; i < r->total.n_targets; i++) {
        t = &r->total.targets[i];
        report_format_threshold(t, mark, sizeof(mark));
        xlsx_str(x, ws, (lxw_row_t)i + 1, 0, t->name, x->f.wrap);
        xlsx_str(x, ws, (lxw_row_t)i + 1, 1, t->indicator, NULL);
        xlsx_str(x, ws, (lxw_row_t)i + 1, 2, mark, NULL);
        xlsx_int(x, ws, (lxw_row_t)i + 1, 3, t->year, NULL);
        xlsx_pct(x, ws, (lxw_row_t)i + 1, 4, t->value, t->has_value,
                 x->f.pct);
        xlsx_str(x, ws, (lxw_row_t)i + 1, 5, report_get_verdict(t->met),
                 xlsx_verdict_format(x, t->met));
        xlsx_str(x, ws, (lxw_row_t)i + 1, 6, t->basis, x->f.wrap);
    }
    if (r->total.n_targets == 0)
        xlsx_str(x, ws, 1, 0, "Máy chủ chưa cho biết chỉ tiêu áp dụng.",
                 x->f.subtitle);
    xlsx_width(x, ws, 0, 0, 60);
    xlsx_width(x, ws, 1, 1, 26);
    xlsx_width(x, ws, 2, 5, 11);
    xlsx_width(x, ws, 6, 6, 40);
}

static void xlsx_put_group(xlsx_ctx_t *x, lxw_worksheet *ws, lxw_row_t row,
                           const report_group_t *g, int is_field,
                           const char *why)
{
    const report_target_t *t = report_pick_target(
        g, is_field ? report_prefer_field : report_prefer_unit);
    int hi = is_field && report_is_priority_field(g->code);
    lxw_format *text = hi ? x->f.p_text : NULL;
    lxw_format *count = hi ? x->f.p_count : x->f.count;
    lxw_format *pct = hi ? x->f.p_pct : x->f.pct;
    char mark[64];
    int e;

    xlsx_str(x, ws, row, 0, g->code, text);
    xlsx_str(x, ws, row, 1, report_get_group_name(g, is_field), text);
    xlsx_int(x, ws, row, 2, g->responses, count);
    xlsx_str(x, ws, row, 3, report_get_small_mark(g), text);
    xlsx_int(x, ws, row, 4, g->partial, count);
    xlsx_int(x, ws, row, 5, g->suppressed, count);
    if (g->suppressed_group) {
        xlsx_str(x, ws, row, XLSX_COL_INDEX, why, text);
        xlsx_no_data(x, ws, row, 7, text);
        xlsx_no_data(x, ws, row, 8, text);
    } else {
        xlsx_pct(x, ws, row, XLSX_COL_INDEX, g->index.pct,
                 g->index.has_data, pct);
        xlsx_pct(x, ws, row, 7, g->index.lo, g->index.has_data, pct);
        xlsx_pct(x, ws, row, 8, g->index.hi, g->index.has_data, pct);
    }
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++)
        xlsx_pct(x, ws, row, (lxw_col_t)(9 + e), g->element[e].pct,
                 g->element[e].has_data, pct);
    xlsx_pct(x, ws, row, 14, g->overall.pct, g->overall.has_data, pct);
    if (t) {
        report_format_threshold(t, mark, sizeof(mark));
        xlsx_str(x, ws, row, 15, mark, text);
        xlsx_pct(x, ws, row, 16, t->value, t->has_value, pct);
        xlsx_str(x, ws, row, 17, report_get_verdict(t->met),
                 xlsx_verdict_format(x, t->met));
    } else {
        xlsx_str(x, ws, row, 15, REPORT_NO_DATA, text);
        xlsx_str(x, ws, row, 16, REPORT_NO_DATA, text);
        xlsx_str(x, ws, row, 17, REPORT_NO_DATA, text);
    }
}

static void xlsx_put_groups(xlsx_ctx_t *x, const report_t *r,
                            const char *sheet, const char *code,
                            const char *what, const report_group_t *groups,
                            size_t n, int is_field)
{
    lxw_worksheet *ws = xlsx_sheet(x, sheet);
    char why[REPORT_WITHHELD_MAX];
    size_t i;

    if (!ws)
        return;
    report_format_withheld(r, why, sizeof(why));
    XLSX_HEAD(x, ws, 0, 2, code, what, REPORT_COUNT_TITLE,
              REPORT_SMALL_TITLE, "Chưa hoàn thành", "Bị loại", "Chỉ số", "KTC 95% thấp", "KTC 95% cao",
              "Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức",
              "Kết quả", "Góp ý, phản ánh", "Câu hỏi chung", "Chỉ tiêu",
              "Kết quả theo chỉ tiêu", "Đánh giá");
    for (i = 0; i < n; i++)
        xlsx_put_group(x, ws, (lxw_row_t)i + 1, &groups[i], is_field, why);
    xlsx_width(x, ws, 0, 0, 16);
    xlsx_width(x, ws, 1, 1, 34);
    xlsx_width(x, ws, 2, XLSX_COL_LAST, 11);
    if (n > 0 && x->rc == LXW_NO_ERROR)
        xlsx_check(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)n,
                                           XLSX_COL_LAST),
                   "a filter");
}

static void xlsx_put_months(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_MONTHS);
    lxw_chart *chart;
    lxw_chart_series *s;
    char label[64], why[REPORT_WITHHELD_MAX];
    size_t i;

    if (!ws)
        return;
    report_format_withheld(r, why, sizeof(why));
    XLSX_HEAD(x, ws, 0, 1, "Tháng", REPORT_COUNT_TITLE, "Chỉ số",
              "KTC 95% thấp",
              "KTC 95% cao", "Câu hỏi chung");
    for (i = 0; i < r->n_months; i++) {
        report_format_period_month(&r->period, r->months[i].code, label,
                                   sizeof(label));
        xlsx_str(x, ws, (lxw_row_t)i + 1, 0, label, NULL);
        xlsx_int(x, ws, (lxw_row_t)i + 1, 1, r->months[i].responses,
                 x->f.count);
        xlsx_put_figure(x, ws, (lxw_row_t)i + 1, 2, &r->months[i].index,
                        r->months[i].suppressed_group ? why : NULL);
        xlsx_pct(x, ws, (lxw_row_t)i + 1, 5, r->months[i].overall.pct,
                 r->months[i].overall.has_data, x->f.pct);
    }
    xlsx_width(x, ws, 0, 0, 16);
    xlsx_width(x, ws, 1, 5, 13);
    if (r->n_months == 0 || x->rc != LXW_NO_ERROR)
        return;
    chart = workbook_add_chart(x->wb, LXW_CHART_LINE);
    s = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!s) {
        xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "a chart");
        return;
    }
    chart_series_set_categories(s, REPORT_SEC_MONTHS, 1, 0,
                                (lxw_row_t)r->n_months, 0);
    chart_series_set_values(s, REPORT_SEC_MONTHS, 1, 2,
                            (lxw_row_t)r->n_months, 2);
    chart_series_set_name(s, REPORT_MEASURE_TITLE);
    chart_series_set_labels(s);
    chart_series_set_labels_num_format(s, "0.0%");
    chart_title_set_name(chart, REPORT_MEASURE_TITLE " theo tháng");
    chart_axis_set_min(chart->y_axis, 0);
    chart_axis_set_max(chart->y_axis, 1);
    chart_axis_set_num_format(chart->y_axis, "0%");
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    xlsx_check(x, worksheet_insert_chart(ws, (lxw_row_t)r->n_months + 3, 0,
                                         chart), "a chart");
}

static void xlsx_put_c01_row(xlsx_ctx_t *x, lxw_worksheet *ws,
                             lxw_row_t row, const char *code,
                             const char *name, const report_c01_t *c)
{
    const indices_c01_total_t *t = &c->unit_total;
    int k;

    xlsx_str(x, ws, row, 0, code, NULL);
    xlsx_str(x, ws, row, 1, name, NULL);
    for (k = 0; k < INDICES_C01_COUNT; k++)
        xlsx_tenths(x, ws, row, (lxw_col_t)(2 + k), c->tenths[k]);
    xlsx_tenths(x, ws, row, 11, t->has_data ? t->tenths : -1);
    xlsx_int(x, ws, row, 12, t->present, NULL);
    xlsx_tenths(x, ws, row, 13, t->has_data ? t->max_tenths : -1);
    xlsx_str(x, ws, row, 14, t->band ? t->band->vi : REPORT_NO_DATA,
             x->f.bold);
    xlsx_str(x, ws, row, 15, t->band_max ? t->band_max->vi : REPORT_NO_DATA,
             NULL);
    xlsx_str(x, ws, row, 16, t->complete ? "Có" : "Chưa", NULL);
}

static void xlsx_put_c01(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_C01);
    lxw_row_t row = 1;
    size_t i;

    if (!ws)
        return;
    XLSX_HEAD(x, ws, 0, 2, "Mã đơn vị", "Đơn vị", "CS1", "CS2", "CS3", "CS4",
              "CS5", "CS6", "CS7", "CS8", "CS9", "Tổng điểm (/18)",
              "Số chỉ số có dữ liệu", "Tổng tối đa có thể", "Xếp loại",
              "Xếp loại tối đa có thể", "Đủ 9 chỉ số");
    for (i = 0; i < r->n_units; i++)
        if (r->units[i].c01.has_data)
            xlsx_put_c01_row(x, ws, row++, r->units[i].code,
                             report_get_group_name(&r->units[i], 0),
                             &r->units[i].c01);
    if (r->total.c01.has_data)
        xlsx_put_c01_row(x, ws, row, "", "Toàn bộ", &r->total.c01);
    xlsx_width(x, ws, 0, 0, 16);
    xlsx_width(x, ws, 1, 1, 34);
    xlsx_width(x, ws, 2, 10, 6);
    xlsx_width(x, ws, 11, 16, 12);
}

static void xlsx_put_reasons(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_REASONS);
    const report_group_t *g = &r->total;
    int i;

    if (!ws)
        return;
    XLSX_HEAD(x, ws, 0, 0, "Mã", "Lý do", "Số lượt chọn", "Tỷ lệ");
    for (i = 0; i < g->n_reasons; i++) {
        xlsx_str(x, ws, (lxw_row_t)i + 1, 0, g->reasons[i].code, NULL);
        xlsx_str(x, ws, (lxw_row_t)i + 1, 1,
                 report_get_reason_name(g->reasons[i].code), NULL);
        xlsx_int(x, ws, (lxw_row_t)i + 1, 2, g->reasons[i].n, x->f.count);
        xlsx_centi(x, ws, (lxw_row_t)i + 1, 3,
                   report_get_share_centi(g->reasons[i].n, g->reasons_total),
                   x->f.pct);
    }
    xlsx_width(x, ws, 0, 0, 24);
    xlsx_width(x, ws, 1, 1, 36);
    xlsx_width(x, ws, 2, 3, 13);
}

static void xlsx_put_notes(xlsx_ctx_t *x, const report_t *r)
{
    lxw_worksheet *ws = xlsx_sheet(x, REPORT_SEC_METHOD);
    const char *notes[REPORT_NOTES_MAX];
    size_t i, n = report_get_notes(r, notes, REPORT_NOTES_MAX);

    if (!ws)
        return;
    XLSX_HEAD(x, ws, 0, 0, "Ghi chú về phương pháp");
    for (i = 0; i < n; i++) {
        xlsx_str(x, ws, (lxw_row_t)i + 1, 0, notes[i], x->f.wrap);
        if (x->rc == LXW_NO_ERROR)
            xlsx_check(x, worksheet_set_row(ws, (lxw_row_t)i + 1,
                                            15.0 * (double)(strlen(notes[i])
                                                            / 100 + 1),
                                            NULL),
                       "a row");
    }
    xlsx_width(x, ws, 0, 0, 110);
}

/* A chart sheet: the index of each unit as a horizontal bar. */
static void xlsx_put_chart(xlsx_ctx_t *x, const report_t *r)
{
    lxw_chartsheet *cs;
    lxw_chart *chart;
    lxw_chart_series *s;

    if (r->n_units == 0 || x->rc != LXW_NO_ERROR)
        return;
    cs = workbook_add_chartsheet(x->wb, "Biểu đồ");
    chart = cs ? workbook_add_chart(x->wb, LXW_CHART_BAR) : NULL;
    s = chart ? chart_add_series(chart, NULL, NULL) : NULL;
    if (!s) {
        xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, "the chart sheet");
        return;
    }
    chart_series_set_categories(s, REPORT_SEC_UNITS, 1, 1,
                                (lxw_row_t)r->n_units, 1);
    chart_series_set_values(s, REPORT_SEC_UNITS, 1, XLSX_COL_INDEX,
                            (lxw_row_t)r->n_units, XLSX_COL_INDEX);
    chart_series_set_name(s, REPORT_MEASURE_TITLE);
    chart_series_set_labels(s);
    chart_series_set_labels_num_format(s, "0.0%");
    chart_title_set_name(chart, REPORT_MEASURE_TITLE " theo đơn vị");
    chart_axis_set_min(chart->x_axis, 0);
    chart_axis_set_max(chart->x_axis, 1);
    chart_axis_set_num_format(chart->x_axis, "0%");
    chart_axis_set_reverse(chart->y_axis);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
    xlsx_check(x, chartsheet_set_chart(cs, chart), "the chart sheet");
}

int report_write_xlsx(const report_t *r, const char *path, char *err,
                      size_t cap)
{
    lxw_doc_properties props;
    xlsx_ctx_t x;
    char title[256], author[REPORT_NAME_MAX];
    lxw_error rc;

    memset(&x, 0, sizeof(x));
    x.wb = workbook_new(path);
    if (!x.wb) {
        snprintf(err, cap, "cannot create the workbook %s", path);
        return -1;
    }
    snprintf(title, sizeof(title), REPORT_TITLE " – %s", r->period.label);
    memset(&props, 0, sizeof(props));
    props.title = title;
    props.subject = REPORT_SUBJECT;
    snprintf(author, sizeof(author), "%s",
             r->scope_name[0] ? r->scope_name : r->scope_code);
    props.author = author;
    xlsx_check(&x, workbook_set_properties(x.wb, &props), "the properties");
    xlsx_make_formats(&x);
    xlsx_put_summary(&x, r);
    xlsx_put_targets(&x, r);
    xlsx_put_groups(&x, r, REPORT_SEC_UNITS, "Mã đơn vị", "Đơn vị", r->units,
                    r->n_units, 0);
    xlsx_put_groups(&x, r, REPORT_SEC_FIELDS, "Mã lĩnh vực", "Lĩnh vực",
                    r->fields, r->n_fields, 1);
    xlsx_put_months(&x, r);
    if (report_has_c01(r))
        xlsx_put_c01(&x, r);
    xlsx_put_reasons(&x, r);
    xlsx_put_notes(&x, r);
    xlsx_put_chart(&x, r);
    /* Closing writes the file; it must happen even after an error, to
     * free the workbook, and its own error counts too. */
    rc = workbook_close(x.wb);
    if (x.rc != LXW_NO_ERROR) {
        snprintf(err, cap, "building the workbook failed at %s: %s", x.what,
                 lxw_strerror(x.rc));
        return -1;
    }
    if (rc != LXW_NO_ERROR) {
        snprintf(err, cap, "writing %s failed: %s", path, lxw_strerror(rc));
        return -1;
    }
    return 0;
}
