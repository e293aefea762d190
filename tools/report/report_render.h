/*
 * report_render.h - the three forms of one report: CSV, XLSX and PDF.
 *
 * All three show the same sections under the same titles (below), so a
 * figure can be found in any of them by the same name:
 *   title block: the unit (province) name, the period, the date of issue;
 *   summary and targets; a table per unit; a table per procedure field
 *   (land, construction, investment highlighted); the months of the
 *   period; the Circular 01/2018 block when that instrument has data;
 *   reasons for low ratings; the method note.
 * Numbers in CSV and XLSX are plain numbers (a decimal point, percent in
 * XLSX as a fraction with a 0.00% format, the precision verdicts are
 * judged at) for further work, "—" where there is no data, and the unit
 * and field tables carry the under-30 mark in a column of its own; the
 * PDF is for reading and writes numbers the Vietnamese way (87,5%).
 *
 * Each writer writes the whole file or fails: the caller writes under a
 * temporary name and renames. 0, or -1 with err in plain words.
 * Ownership: the report is borrowed; nothing is kept after return.
 */
#ifndef SIPAS_REPORT_RENDER_H
#define SIPAS_REPORT_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "report_model.h"

#define REPORT_TITLE "Báo cáo kết quả đánh giá mức độ hài lòng"
/* The index of the five elements, as every report names it: counter
 * feedback measured within the SIPAS framework, never the national SIPAS
 * index (a household survey since 2022). */
#define REPORT_MEASURE_NAME "đo lường sự hài lòng tại quầy (theo khung SIPAS)"
#define REPORT_MEASURE_TITLE "Đo lường sự hài lòng tại quầy (theo khung SIPAS)"
#define REPORT_SUBJECT "Kết quả đánh giá mức độ hài lòng tại Bộ phận Một cửa"

/* Section titles: CSV section lines, XLSX sheet names (at most 31
 * characters), PDF headings after their numbers. */
#define REPORT_SEC_SUMMARY "Tổng hợp"
#define REPORT_SEC_TARGETS "Chỉ tiêu"
#define REPORT_SEC_UNITS "Theo đơn vị"
#define REPORT_SEC_FIELDS "Theo lĩnh vực"
#define REPORT_SEC_MONTHS "Theo tháng"
#define REPORT_SEC_C01 "Thông tư 01"
#define REPORT_SEC_REASONS "Lý do chưa hài lòng"
#define REPORT_SEC_METHOD "Phương pháp"

#define REPORT_NOTES_MAX 12

/* The method note, one paragraph per entry (static strings, chosen for
 * the report's method and data). Returns how many were stored in notes. */
size_t report_get_notes(const report_t *r, const char **notes, size_t max);
/* 1 when some unit (or the whole scope) has Circular 01 data. */
int report_has_c01(const report_t *r);
/* The place for "Hậu Giang, ngày ..." from a scope name such as "Tỉnh Hậu
 * Giang"; "" when the name gives none. */
void report_get_place(const report_t *r, char *buf, size_t cap);

/* UTF-8 with a byte-order mark and CRLF line ends, for spreadsheets. */
int report_write_csv(const report_t *r, FILE *fp, char *err, size_t cap);
/* libxlsxwriter: one sheet per section and a chart sheet. */
int report_write_xlsx(const report_t *r, const char *path, char *err,
                      size_t cap);
/* A4 portrait, cairo + pango, Noto Sans embedded, "Trang N/M" on every
 * page. font_dir: a directory holding NotoSans-*.ttf to use, or NULL for
 * the system's fonts. */
int report_write_pdf(const report_t *r, const char *path,
                     const char *font_dir, char *err, size_t cap);

#endif
