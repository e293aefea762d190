/*
 * report_csv.c - the report as CSV sections: a title line, then per
 * section its title alone on a line, a header row, the rows and a blank
 * line. UTF-8 with a byte-order mark and CRLF, so Excel shows Vietnamese
 * as written; numbers with a decimal point, no thousands separator; a
 * cell without data holds "—", as the method note says, so it is never
 * read as 0 or overlooked.
 */
#include "report_render.h"

#include <math.h>

#include "core/csv.h"

/* Cells after the first get a comma in front. */
static void rcsv_put_cell(FILE *fp, const char *s)
{
    fputc(',', fp);
    csv_put_text(fp, s, CSV_PLAIN);
}

static void rcsv_put_int(FILE *fp, int64_t v)
{
    fprintf(fp, ",%lld", (long long)v);
}

static void rcsv_put_no_data(FILE *fp)
{
    fputs("," REPORT_NO_DATA, fp);
}

/* A percentage to two decimals (the precision targets are judged at), as
 * the hub rounded it; "—" when there is no data, never 0. */
static void rcsv_put_pct(FILE *fp, double v, int has)
{
    if (has && !isnan(v))
        fprintf(fp, ",%.2f", v);
    else
        rcsv_put_no_data(fp);
}

/* Hundredths of a percent, exact: "15.63"; "—" for -1. */
static void rcsv_put_centi(FILE *fp, int64_t centi)
{
    if (centi < 0)
        rcsv_put_no_data(fp);
    else
        fprintf(fp, ",%lld.%02lld", (long long)(centi / 100),
                (long long)(centi % 100));
}

/* held: why the hub withheld the figure's group, said where its value
 * would stand so that a withheld group never reads as one without data;
 * NULL for a group shown. */
static void rcsv_put_figure(FILE *fp, const report_figure_t *f,
                            const char *held)
{
    if (held) {
        rcsv_put_cell(fp, held);
        rcsv_put_no_data(fp);
        rcsv_put_no_data(fp);
        return;
    }
    rcsv_put_pct(fp, f->pct, f->has_data);
    rcsv_put_pct(fp, f->lo, f->has_data);
    rcsv_put_pct(fp, f->hi, f->has_data);
}

static void rcsv_put_tenths(FILE *fp, int tenths)
{
    if (tenths < 0)
        rcsv_put_no_data(fp);
    else
        fprintf(fp, ",%d.%d", tenths / 10, tenths % 10);
}

static void rcsv_put_line(FILE *fp, const char *const *cells, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (i)
            fputc(',', fp);
        csv_put_text(fp, cells[i], CSV_PLAIN);
    }
    fputs(CSV_EOL, fp);
}

#define CSV_LINE(fp, ...)                                                 \
    do {                                                                  \
        const char *const csv_cells_[] = {__VA_ARGS__};                   \
        rcsv_put_line(fp, csv_cells_,                                      \
                     sizeof(csv_cells_) / sizeof(csv_cells_[0]));         \
    } while (0)

static void rcsv_put_section(FILE *fp, const char *title)
{
    fputs(CSV_EOL, fp);
    csv_put_text(fp, title, CSV_PLAIN);
    fputs(CSV_EOL, fp);
}

static void rcsv_put_head(FILE *fp, const report_t *r)
{
    fputs(CSV_BOM, fp);
    CSV_LINE(fp, REPORT_TITLE " tại Bộ phận Một cửa");
    CSV_LINE(fp, "Đơn vị báo cáo", r->scope_name[0] ? r->scope_name
                                                    : r->scope_code,
             r->scope_code);
    CSV_LINE(fp, "Kỳ báo cáo", r->period.label, r->period.from,
             r->period.to);
    CSV_LINE(fp, "Cách tính kỳ", report_get_rule_label(&r->period),
             report_get_rule_code(&r->period));
    CSV_LINE(fp, "Ngày lập", r->issued);
    CSV_LINE(fp, "Phương pháp", r->method);
}

static void rcsv_put_summary(FILE *fp, const report_t *r)
{
    const report_group_t *g = &r->total;
    char label[REPORT_LABEL_MAX], why[REPORT_WITHHELD_MAX];
    const char *held = NULL;
    int e;

    if (g->suppressed_group) {
        report_format_withheld(r, why, sizeof(why));
        held = why;
    }

    rcsv_put_section(fp, REPORT_SEC_SUMMARY);
    CSV_LINE(fp, "Mục", "Giá trị", "KTC 95% thấp", "KTC 95% cao");
    fputs("Số phiếu hoàn thành", fp);
    rcsv_put_int(fp, g->responses);
    fputs(CSV_EOL "Phiếu chưa hoàn thành (tính câu đã trả lời)", fp);
    rcsv_put_int(fp, g->partial);
    fputs(CSV_EOL "Phiếu bị loại (không tính)", fp);
    rcsv_put_int(fp, g->suppressed);
    fputs(CSV_EOL REPORT_MEASURE_TITLE " (%)", fp);
    rcsv_put_figure(fp, &g->index, held);
    fputs(CSV_EOL "Số yếu tố có dữ liệu", fp);
    rcsv_put_int(fp, g->elements_with_data);
    fputs(CSV_EOL, fp);
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++) {
        /* The unit goes inside the field: the name itself has commas. */
        snprintf(label, sizeof(label), "%s (%%)",
                 indices_get_element_label((indices_element_t)e)->vi);
        csv_put_text(fp, label, CSV_PLAIN);
        rcsv_put_figure(fp, &g->element[e], held);
        fputs(CSV_EOL, fp);
    }
    fputs("Câu hỏi chung: hài lòng (%)", fp);
    rcsv_put_figure(fp, &g->overall, held);
    fputs(CSV_EOL, fp);
}

static void rcsv_put_targets(FILE *fp, const report_t *r)
{
    const report_target_t *t;
    int i;

    rcsv_put_section(fp, REPORT_SEC_TARGETS);
    CSV_LINE(fp, "Mã chỉ tiêu", "Chỉ tiêu", "Phép so", "Mức (%)", "Năm",
             "Kết quả (%)", "Đánh giá", "Căn cứ");
    for (i = 0; i < r->total.n_targets; i++) {
        t = &r->total.targets[i];
        csv_put_text(fp, t->indicator, CSV_PLAIN);
        rcsv_put_cell(fp, t->name);
        rcsv_put_cell(fp, t->op);
        fprintf(fp, ",%g,%d", t->threshold, t->year);
        rcsv_put_pct(fp, t->value, t->has_value);
        rcsv_put_cell(fp, report_get_verdict(t->met));
        rcsv_put_cell(fp, t->basis);
        fputs(CSV_EOL, fp);
    }
}

static void rcsv_put_group_row(FILE *fp, const report_group_t *g,
                              int is_field, const char *const *prefer,
                              const char *why)
{
    const char *held = g->suppressed_group ? why : NULL;
    const report_target_t *t = report_pick_target(g, prefer);
    int e;

    csv_put_text(fp, g->code, CSV_PLAIN);
    rcsv_put_cell(fp, report_get_group_name(g, is_field));
    rcsv_put_int(fp, g->responses);
    rcsv_put_cell(fp, report_get_small_mark(g));
    rcsv_put_int(fp, g->partial);
    rcsv_put_int(fp, g->suppressed);
    rcsv_put_figure(fp, &g->index, held);
    for (e = 0; e < INDICES_ELEMENT_COUNT; e++)
        rcsv_put_pct(fp, g->element[e].pct, g->element[e].has_data);
    rcsv_put_pct(fp, g->overall.pct, g->overall.has_data);
    if (t) {
        rcsv_put_cell(fp, t->indicator);
        rcsv_put_cell(fp, t->op);
        fprintf(fp, ",%g", t->threshold);
        rcsv_put_pct(fp, t->value, t->has_value);
        rcsv_put_cell(fp, report_get_verdict(t->met));
    } else {
        fputs("," REPORT_NO_DATA "," REPORT_NO_DATA "," REPORT_NO_DATA
              "," REPORT_NO_DATA "," REPORT_NO_DATA, fp);
    }
    fputs(CSV_EOL, fp);
}

static void rcsv_put_groups(FILE *fp, const report_t *r, const char *title,
                           const char *code, const char *what,
                           const report_group_t *groups, size_t n,
                           int is_field)
{
    char why[REPORT_WITHHELD_MAX];
    size_t i;

    report_format_withheld(r, why, sizeof(why));
    rcsv_put_section(fp, title);
    CSV_LINE(fp, code, what, REPORT_COUNT_TITLE, REPORT_SMALL_TITLE,
             "Chưa hoàn thành", "Bị loại", "Chỉ số (%)",
             "KTC 95% thấp", "KTC 95% cao", "Tiếp cận dịch vụ (%)",
             "Thủ tục hành chính (%)", "Công chức (%)", "Kết quả (%)",
             "Góp ý, phản ánh (%)", "Câu hỏi chung (%)", "Chỉ tiêu",
             "Phép so", "Mức (%)", "Kết quả theo chỉ tiêu (%)", "Đánh giá");
    for (i = 0; i < n; i++)
        rcsv_put_group_row(fp, &groups[i], is_field,
                          is_field ? report_prefer_field
                                   : report_prefer_unit,
                          why);
}

static void rcsv_put_months(FILE *fp, const report_t *r)
{
    char why[REPORT_WITHHELD_MAX];
    size_t i;

    report_format_withheld(r, why, sizeof(why));
    rcsv_put_section(fp, REPORT_SEC_MONTHS);
    CSV_LINE(fp, "Tháng", REPORT_COUNT_TITLE, "Chỉ số (%)", "KTC 95% thấp",
             "KTC 95% cao", "Câu hỏi chung (%)");
    for (i = 0; i < r->n_months; i++) {
        csv_put_text(fp, r->months[i].code, CSV_PLAIN);
        rcsv_put_int(fp, r->months[i].responses);
        rcsv_put_figure(fp, &r->months[i].index,
                        r->months[i].suppressed_group ? why : NULL);
        rcsv_put_pct(fp, r->months[i].overall.pct,
                    r->months[i].overall.has_data);
        fputs(CSV_EOL, fp);
    }
}

static void rcsv_put_c01_row(FILE *fp, const char *code, const char *name,
                            const report_c01_t *c)
{
    const indices_c01_total_t *t = &c->unit_total;
    int k;

    csv_put_text(fp, code, CSV_PLAIN);
    rcsv_put_cell(fp, name);
    for (k = 0; k < INDICES_C01_COUNT; k++)
        rcsv_put_tenths(fp, c->tenths[k]);
    rcsv_put_tenths(fp, t->has_data ? t->tenths : -1);
    fprintf(fp, ",%d", t->present);
    rcsv_put_tenths(fp, t->has_data ? t->max_tenths : -1);
    rcsv_put_cell(fp, t->band ? t->band->vi : REPORT_NO_DATA);
    rcsv_put_cell(fp, t->band_max ? t->band_max->vi : REPORT_NO_DATA);
    fputs(t->complete ? ",1" CSV_EOL : ",0" CSV_EOL, fp);
}

static void rcsv_put_c01(FILE *fp, const report_t *r)
{
    size_t i;

    rcsv_put_section(fp, REPORT_SEC_C01);
    CSV_LINE(fp, "Mã đơn vị", "Đơn vị", "CS1", "CS2", "CS3", "CS4", "CS5",
             "CS6", "CS7", "CS8", "CS9", "Tổng điểm (/18)",
             "Số chỉ số có dữ liệu", "Tổng tối đa có thể", "Xếp loại",
             "Xếp loại tối đa có thể", "Đủ 9 chỉ số");
    for (i = 0; i < r->n_units; i++)
        if (r->units[i].c01.has_data)
            rcsv_put_c01_row(fp, r->units[i].code,
                            report_get_group_name(&r->units[i], 0),
                            &r->units[i].c01);
    if (r->total.c01.has_data)
        rcsv_put_c01_row(fp, "", "Toàn bộ", &r->total.c01);
}

static void rcsv_put_reasons(FILE *fp, const report_t *r)
{
    const report_group_t *g = &r->total;
    int i;

    rcsv_put_section(fp, REPORT_SEC_REASONS);
    CSV_LINE(fp, "Mã", "Lý do", "Số lượt chọn", "Tỷ lệ (%)");
    for (i = 0; i < g->n_reasons; i++) {
        csv_put_text(fp, g->reasons[i].code, CSV_PLAIN);
        rcsv_put_cell(fp, report_get_reason_name(g->reasons[i].code));
        rcsv_put_int(fp, g->reasons[i].n);
        rcsv_put_centi(fp, report_get_share_centi(g->reasons[i].n,
                                                  g->reasons_total));
        fputs(CSV_EOL, fp);
    }
}

static void rcsv_put_notes(FILE *fp, const report_t *r)
{
    const char *notes[REPORT_NOTES_MAX];
    size_t i, n = report_get_notes(r, notes, REPORT_NOTES_MAX);

    rcsv_put_section(fp, REPORT_SEC_METHOD);
    for (i = 0; i < n; i++)
        CSV_LINE(fp, notes[i]);
}

int report_write_csv(const report_t *r, FILE *fp, char *err, size_t cap)
{
    rcsv_put_head(fp, r);
    rcsv_put_summary(fp, r);
    rcsv_put_targets(fp, r);
    rcsv_put_groups(fp, r, REPORT_SEC_UNITS, "Mã đơn vị", "Đơn vị", r->units,
                   r->n_units, 0);
    rcsv_put_groups(fp, r, REPORT_SEC_FIELDS, "Mã lĩnh vực", "Lĩnh vực",
                   r->fields, r->n_fields, 1);
    rcsv_put_months(fp, r);
    if (report_has_c01(r))
        rcsv_put_c01(fp, r);
    rcsv_put_reasons(fp, r);
    rcsv_put_notes(fp, r);
    if (fflush(fp) != 0 || ferror(fp)) {
        snprintf(err, cap, "writing the CSV failed");
        return -1;
    }
    return 0;
}
