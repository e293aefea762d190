/*
 * report_model.h - the figures of one report "Báo cáo kết quả đánh giá
 * mức độ hài lòng tại Bộ phận Một cửa", read from the hub's statistics
 * (docs/STATS_API.md) and shaped for the CSV, XLSX and PDF writers.
 *
 * The hub computes every figure with app/core/indices.c and targets.c, so
 * the report repeats the hub's numbers instead of recomputing them, and
 * refuses an answer that carries counts only (an older hub). One thing is
 * derived here, with the same shared module: the Circular 01 unit total
 * out of 18 and its band, from the indicator scores as the hub rounded
 * them (Art. 15 adds rounded scores), so the unit band is shown whatever
 * totals the hub chose to send; missing indicators stay missing (never
 * 2 points).
 *
 * Limits are hard caps (units, fields, months, targets, reasons per group);
 * a hub answer beyond them is refused with a message rather than cut.
 * Ownership: report_load() fills a caller-owned report_t whose group
 * arrays are heap blocks released by report_free(); the JSON passed in is
 * borrowed. Label functions return static strings.
 */
#ifndef SIPAS_REPORT_MODEL_H
#define SIPAS_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/indices.h"
#include "core/periodrule.h"
#include "core/vntime.h"

#define REPORT_CODE_MAX 65      /* hub codes: 1..64 bytes, and NUL */
#define REPORT_NAME_MAX 201     /* hub names: at most 200 bytes, and NUL */
#define REPORT_WORDING_MAX 401  /* a target indicator's wording */
#define REPORT_SLUG_MAX 48
#define REPORT_LABEL_MAX 128
#define REPORT_UNITS_MAX 1000   /* a province has a few hundred units */
#define REPORT_FIELDS_MAX 32
#define REPORT_MONTHS_MAX 130   /* a ten-year range, the hub's limit */
#define REPORT_TARGETS_MAX 8
#define REPORT_REASONS_MAX 24
/* Below this many complete responses a figure is marked as resting on a
 * small group: its 95% interval is wide. */
#define REPORT_SMALL_GROUP 30
/* The mark of such a group, and the title of the column that carries it
 * in the CSV and XLSX; the method note explains it. */
#define REPORT_SMALL_MARK "*"
#define REPORT_SMALL_TITLE "Dưới 30 phiếu (*)"
/* What a cell without data shows, in every form (never 0, never empty). */
#define REPORT_NO_DATA "—"
/* A group the hub withheld for the officers' privacy: not "no data". */
#define REPORT_WITHHELD "Ẩn để bảo vệ cán bộ"
#define REPORT_WITHHELD_MAX 96
/* The count behind the figures of a row: complete responses only. */
#define REPORT_COUNT_TITLE "Số phiếu hoàn thành"

typedef enum report_kind {
    REPORT_QUARTER = 0, /* "2026-Q3": Quý III năm 2026 */
    REPORT_HALF,        /* "2026-H1": 6 tháng đầu năm 2026 */
    REPORT_YEAR,        /* "2026": Năm 2026 */
    REPORT_MONTH,       /* "2026-11": Tháng 11 năm 2026 */
    REPORT_AD_HOC       /* --from/--to: báo cáo đột xuất */
} report_kind_t;

typedef struct report_period {
    report_kind_t kind;
    periodrule_rule_t rule;        /* calendar, or Decree 09's cut-off */
    int year;                      /* the period's year ("2026-Q1": 2026,
                                      whose cut-off starts in 2025) */
    char from[VNTIME_DATE_MAX];    /* inclusive local dates */
    char to[VNTIME_DATE_MAX];
    char code[32];                 /* "2026-Q3", "2026-Q3-decree-09";
                                      "2026-07-01_2026-08-15" */
    char label[REPORT_LABEL_MAX];  /* "Quý III năm 2026" */
} report_period_t;

/* One percentage with its 95% interval; has_data 0 means "no data" and
 * the doubles are then NaN, never 0. */
typedef struct report_figure {
    int has_data;
    double pct, lo, hi;
    int64_t n; /* answers behind it; 0 when the hub did not say */
} report_figure_t;

typedef struct report_target {
    char indicator[REPORT_SLUG_MAX]; /* "tthc", "phuc-vu-hcnn", ... */
    char name[REPORT_WORDING_MAX];   /* the province's wording */
    char op[3];                      /* ">=" or ">" */
    double threshold;                /* percent */
    int year;                        /* "by that year" */
    int has_value;
    double value;                    /* the figure held against it: over
                                        the target's fields only */
    int met;                         /* 1 met, 0 not met, -1 no verdict */
    int national;                    /* a "*" row: Resolution 76/NQ-CP */
    char basis[REPORT_WORDING_MAX];  /* the hub's words for where it comes
                                        from; "" from an older hub */
} report_target_t;

typedef struct report_reason {
    char code[REPORT_CODE_MAX];
    int64_t n;
} report_reason_t;

/* Circular 01/2018 block of one group. */
typedef struct report_c01 {
    int has_data;                        /* some indicator has dossiers */
    int tenths[INDICES_C01_COUNT];       /* score * 10; -1 without data */
    int64_t dossiers[INDICES_C01_COUNT];
    indices_c01_total_t unit_total;      /* of the scores above, out of 18 */
} report_c01_t;

typedef struct report_group {
    char code[REPORT_CODE_MAX];  /* unit code, field slug or period; "" */
    char name[REPORT_NAME_MAX];  /* unit name when the hub sent one */
    int64_t responses, partial, suppressed;
    int suppressed_group;        /* the hub withheld a small group */
    report_figure_t index;       /* SIPAS-style index */
    int elements_with_data;      /* 0..5 */
    report_figure_t element[INDICES_ELEMENT_COUNT]; /* indices_element_t */
    report_figure_t overall;     /* the overall question, apart */
    int n_reasons;               /* sorted by count, largest first */
    report_reason_t reasons[REPORT_REASONS_MAX];
    int64_t reasons_total;
    report_c01_t c01;
    int n_targets;
    report_target_t targets[REPORT_TARGETS_MAX];
} report_group_t;

typedef struct report {
    char scope_code[REPORT_CODE_MAX];  /* "" when the hub did not say */
    char scope_name[REPORT_NAME_MAX];  /* "Tỉnh Hậu Giang" */
    char method[16];                   /* "share" or "mean" */
    int min_group;                     /* the answer's min_group; 0 when
                                          the hub did not say */
    report_period_t period;
    char issued[VNTIME_DATE_MAX];      /* date of issue */
    report_group_t total;              /* the whole scope */
    size_t n_units, n_fields, n_months;
    report_group_t *units;             /* by code, as the hub listed them */
    report_group_t *fields;
    report_group_t *months;
} report_t;

/* The four answers a report is made of, borrowed from the caller. */
typedef struct report_source {
    const json_t *total;  /* no group */
    const json_t *units;  /* group=unit */
    const json_t *fields; /* group=field */
    const json_t *months; /* group=month */
} report_source_t;

/* "2026-Q3", "2026-H1", "2026", "2026-11" into *out, its days by rule
 * (periodrule.h). 0, or -1 when text is none of these (years 2000..2100)
 * or the rule is unknown. */
int report_parse_period(const char *text, periodrule_rule_t rule,
                        report_period_t *out);
/* An ad hoc range of two valid dates, from <= to (rule calendar: the
 * days are the ones given). 0 or -1. */
int report_make_range(const char *from, const char *to,
                      report_period_t *out);

/* Fills *r (zeroed first) from the hub's answers; period and issued are
 * copied. 0, or -1 with err saying what in the answer was unusable. On
 * failure *r holds nothing that needs report_free(). */
int report_load(report_t *r, const report_source_t *src,
                const report_period_t *period, const char *issued,
                char *err, size_t cap);
void report_free(report_t *r);

/* ---- labels (static strings) ------------------------------------------ */

/* Which days the period covers, in words (periodrule_get_label(), or the
 * ad hoc range's), and as a code: "calendar", "decree-09" or "ad-hoc". */
const char *report_get_rule_label(const report_period_t *p);
const char *report_get_rule_code(const report_period_t *p);

/* "Đất đai" for "dat-dai"; the slug itself when unknown. */
const char *report_get_field_name(const char *slug);
/* 1 for dat-dai, xay-dung, dau-tu: the fields provinces watch apart. */
int report_is_priority_field(const char *slug);
/* "Chờ đợi lâu" for "cho-lau"; the code itself when unknown. */
const char *report_get_reason_name(const char *code);
/* "Tháng 7/2026" for "2026-07"; writes the key itself when not a month. */
void report_format_month(const char *key, char *buf, size_t cap);
/* The same for a month of period p, with the days it holds when the
 * period has only part of it: "Tháng 12/2025 (15–31)". */
void report_format_period_month(const report_period_t *p, const char *key,
                                char *buf, size_t cap);
/* A group's display name: its name, else the field's, else its code. */
const char *report_get_group_name(const report_group_t *g, int is_field);

/* The target a table shows for a group: the first of prefer[] (indicator
 * slugs, NULL-terminated) the group has with a value, else the first of
 * them it has, else its first; NULL if none. */
const report_target_t *report_pick_target(const report_group_t *g,
                                          const char *const *prefer);
extern const char *const report_prefer_unit[];  /* held against the index:
                                                   tthc, phuc-vu-hcnn,
                                                   y-te-giao-duc */
extern const char *const report_prefer_field[]; /* scoped ones first */

/* ---- numbers as text --------------------------------------------------- */

/* Percent with one decimal and a decimal comma ("87,5"), or "—" without
 * data. */
void report_format_pct(const report_figure_t *f, char *buf, size_t cap);
/* "80,4–92,3", or "—". */
void report_format_ci(const report_figure_t *f, char *buf, size_t cap);
/* The share n / total of the reasons chosen, in hundredths of a percent,
 * rounded half away from zero from the integers (targets_round_centi, the
 * rule of every figure the hub sends): 5 of 32 -> 1563. -1 when total is
 * not positive or n is outside 0..total. */
int64_t report_get_share_centi(int64_t n, int64_t total);
/* The same share to one decimal with a decimal comma, rounded once from
 * the integers ("15,6" for 5 of 32, "6,3" for 1 of 16); "—" when -1. */
void report_format_share(int64_t n, int64_t total, char *buf, size_t cap);
/* "*" when a group rests on fewer than REPORT_SMALL_GROUP complete
 * responses, else "". */
const char *report_get_small_mark(const report_group_t *g);
/* Why a withheld group (suppressed_group) shows no figure, the words
 * the dashboard uses: "Ẩn để bảo vệ cán bộ (có cán bộ dưới 5 phiếu)",
 * without the bracket when the hub gave no min_group. */
void report_format_withheld(const report_t *r, char *buf, size_t cap);
/* "12.345" (thousands with dots, the Vietnamese way). */
void report_format_count(int64_t n, char *buf, size_t cap);
/* Tenths of a point as "4,8"; "—" for -1. */
void report_format_tenths(int tenths, char *buf, size_t cap);
/* "≥ 90%" for a target. */
void report_format_threshold(const report_target_t *t, char *buf,
                             size_t cap);
/* "Đạt", "Chưa đạt" or "—". */
const char *report_get_verdict(int met);
/* "ngày 22 tháng 11 năm 2026" from "2026-11-22". */
void report_format_long_date(const char *date, char *buf, size_t cap);
/* "22/11/2026" from "2026-11-22". */
void report_format_short_date(const char *date, char *buf, size_t cap);

#endif
