/*
 * targets.h - the satisfaction targets a province holds its figures
 * against, loaded from data (assets/targets/default.json ships the
 * defaults of the provincial reform programmes; docs/INDICES.md).
 *
 * A target row is (province, indicator, scope, operator, threshold, year):
 *  - province: a slug such as "tra-vinh", or "*" for every province;
 *  - indicator: one of the slugs below; the file gives its wording;
 *  - scope: the procedure fields it covers (fields.h slugs), none = all;
 *  - operator: ">=" ("tối thiểu", "đạt") or ">" ("trên"); at exactly the
 *    threshold the first is met and the second is not;
 *  - threshold: percent, at most two decimals, kept in hundredths;
 *  - year: the target is "by <year>" ("đến năm 2025").
 * Indicators are a closed list, because the hub must know how to compute
 * each one: "tthc", "tthc-dat-dai-xay-dung-dau-tu", "phuc-vu-hcnn",
 * "y-te-giao-duc", "dvc-truc-tuyen", "ket-qua-tthc".
 *
 * Which row applies to (province, indicator, year Y):
 *  - due: the row with the latest year <= Y (a 2025 target stays the floor
 *    in 2026-2029, until a later row takes over);
 *  - goal: the row with the earliest year >= Y (what is being worked
 *    towards);
 *  - at each year the province's own row replaces the "*" row; years are
 *    chosen first, so Hậu Giang's own 2025 rows apply up to 2029 and the
 *    national 2030 rows after that;
 *  - target, what a report shows: due when there is one (a deadline that
 *    has passed is the standing commitment), otherwise goal (before the
 *    first deadline, the figure is held against the one ahead).
 *
 * Met or not is judged on the figure rounded to hundredths of a percent,
 * half away from zero: the precision reports publish (82.66%). So what a
 * reader sees decides, and floating-point noise such as 80.000000000001
 * cannot meet "> 80".
 *
 * Pure: parses text handed to it; the caller reads the file.
 * Ownership: targets_parse() returns one heap block the caller frees with
 * targets_free(); every pointer inside (wording, rows returned by
 * targets_lookup()) lives until then.
 */
#ifndef SIPAS_TARGETS_H
#define SIPAS_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TARGETS_FORMAT_NAME "sipas-targets/1"
#define TARGETS_ALL_PROVINCES "*"
#define TARGETS_ROW_MAX 256
#define TARGETS_INDICATOR_MAX 6   /* the closed list above */
#define TARGETS_SLUG_MAX 48       /* province and indicator slugs, with NUL */
#define TARGETS_SCOPE_MAX 9       /* fields.h knows nine fields */
#define TARGETS_FIELD_MAX 16      /* one field slug, with NUL */
#define TARGETS_WORDING_MAX 400   /* bytes of an indicator's wording */
#define TARGETS_SOURCE_TEXT_MAX 200 /* bytes of a row's "source" */
#define TARGETS_NOTE_MAX 400      /* bytes of a row's "note" */
#define TARGETS_POOL_MAX (64 * 1024)
#define TARGETS_SOURCE_MAX (256 * 1024) /* bytes of the whole file */
#define TARGETS_YEAR_MIN 2000
#define TARGETS_YEAR_MAX 2100
/* num / den of targets_is_met_ratio(): den at most 10^14, so the integer
 * rounding cannot overflow. */
#define TARGETS_RATIO_MAX INT64_C(100000000000000)

enum targets_verdict {
    TARGETS_NOT_MET = 0,
    TARGETS_MET = 1,
    TARGETS_EINVAL = -1 /* no row, or no usable value */
};

typedef enum targets_op {
    TARGETS_OP_AT_LEAST = 0, /* ">=" */
    TARGETS_OP_ABOVE = 1     /* ">" */
} targets_op_t;

typedef struct targets_scope {
    int n; /* 0: every field */
    char fields[TARGETS_SCOPE_MAX][TARGETS_FIELD_MAX];
} targets_scope_t;

typedef struct targets_indicator {
    char slug[TARGETS_SLUG_MAX];
    const char *vi, *en;   /* wording, NFC, in the pool */
    targets_scope_t scope; /* rows without a scope take this one */
} targets_indicator_t;

typedef struct targets_row {
    char province[TARGETS_SLUG_MAX]; /* slug or "*" */
    int indicator;                   /* index in targets_t.indicators */
    targets_scope_t scope;
    targets_op_t op;
    int threshold_centi;             /* hundredths of a percent: 9000 */
    int year;
    const char *source;              /* where it comes from; "" if unsaid */
    const char *note;                /* remark in Vietnamese; "" if none */
} targets_row_t;

typedef struct targets {
    int n_indicators; /* declared in the file, in the order listed above */
    targets_indicator_t indicators[TARGETS_INDICATOR_MAX];
    int n_rows;       /* in file order */
    targets_row_t rows[TARGETS_ROW_MAX];
    size_t pool_used;
    char pool[TARGETS_POOL_MAX];
} targets_t;

/* What applies to one (province, indicator, year); NULL where nothing does.
 * Pointers into the targets_t looked up. */
typedef struct targets_pick {
    const targets_row_t *target; /* due, else goal */
    const targets_row_t *due;    /* latest year <= the year asked */
    const targets_row_t *goal;   /* earliest year >= the year asked */
    int target_is_due;           /* target == due (and not NULL) */
} targets_pick_t;

/* Parses and validates one file; name is used in error messages (normally
 * the path). Every target's indicator must be declared under "indicators";
 * two rows with the same province, indicator and year are refused. Returns
 * 0 and sets *out, or -1 with err naming file, line, column and field. */
int targets_parse(const char *text, size_t len, const char *name,
                  targets_t **out, err_t *err);
void targets_free(targets_t *t);

/* 1 when slug is one of the six indicator slugs. */
int targets_is_known_indicator(const char *slug);
/* The declared indicator slug, or NULL. */
const targets_indicator_t *targets_get_indicator(const targets_t *t,
                                                 const char *slug);

/* Fills *out (see the top of this file). 0, also when nothing applies;
 * -1 on a NULL argument, a province that is neither "*" nor a slug, an
 * indicator outside the closed list or a year outside 2000..2100. */
int targets_lookup(const targets_t *t, const char *province,
                   const char *indicator, int year, targets_pick_t *out);

/* round(10000 * num / den) into *centi: the percent num / den in
 * hundredths, half away from zero, exactly in integers. Every percentage
 * the hub and the reports show, and every verdict, uses this one rule:
 * 5/32 -> 1563 (15.63%), 1/16 -> 625, 1/3 -> 3333, 2/3 -> 6667. Printing
 * the double 100.0 * 5 / 32 with "%.2f" gives 15.62 (ties go to even), and
 * 100.0 * 7 / 40 = 17.499999... would give 17.50 by luck, not by rule.
 * num 0..den, den 1..TARGETS_RATIO_MAX. TARGETS_MET (1) when rounded,
 * TARGETS_EINVAL otherwise (*centi untouched). */
int targets_round_centi(int64_t num, int64_t den, int64_t *centi);

/* Met (1) or not (0) for a percent value, judged to hundredths; -1 when row
 * is NULL or the value is not a number from 0 to 100. */
int targets_is_met(const targets_row_t *row, double percent);
/* The same for the exact value 100 * num / den (indices_value_t.num/den):
 * rounded in integers, so exactly 80% is never 80.000001%. num 0..den,
 * den 1..TARGETS_RATIO_MAX. */
int targets_is_met_ratio(const targets_row_t *row, int64_t num, int64_t den);

/* Where a row comes from, for reports: the "*" rows are the national
 * targets of Resolution 76/NQ-CP (the seeds' programmes restate them), a
 * province's own row is its programme's. Static NFC strings. */
#define TARGETS_NATIONAL_BASIS_VI                                           \
    "Mục tiêu quốc gia theo Nghị quyết số 76/NQ-CP ngày 15/7/2021 của"     \
    " Chính phủ"
#define TARGETS_NATIONAL_BASIS_EN                                           \
    "National target of Government Resolution 76/NQ-CP of 15 July 2021"
#define TARGETS_PROVINCE_BASIS_VI                                           \
    "Chỉ tiêu riêng của tỉnh"
#define TARGETS_PROVINCE_BASIS_EN "The province's own target"
/* 1 for a "*" row, 0 for a province's own, -1 for NULL. */
int targets_is_national(const targets_row_t *row);
/* The basis above in Vietnamese (en 0) or English (en 1); NULL for NULL. */
const char *targets_get_basis(const targets_row_t *row, int en);

/* ">=" or ">", as in the file. */
const char *targets_op_code(targets_op_t op);
/* "≥" or ">", for reports. */
const char *targets_op_sign(targets_op_t op);

#endif
