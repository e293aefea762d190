/*
 * agg.h - per-day snapshots of what a kiosk recorded, as the hub takes them.
 *
 * The kiosk never uploads raw responses (they stay on the device); it
 * uploads, for each local day (UTC+7), its full counts: responses per
 * dimension (complete, partial, suppressed), answers of complete and
 * partial responses (suppressed ones are never counted) and, per element,
 * the responses that answered at least one of its questions. See
 * docs/SYNC_PROTOCOL.md.
 *
 * Days are taken from a corrected clock. A Pi has no RTC and can boot years
 * off; each boot has an anchor (wall - boottime, learned when the clock was
 * known good) when one is known:
 *  - a response recorded with the clock synchronised keeps its wall time;
 *  - an unsynchronised one whose boot has an anchor gets boottime + anchor;
 *  - otherwise it keeps its wall time and counts as estimated for its day.
 * A time outside the plausible window (limits.min_ms .. max_ms; the hub
 * refuses dates before 2000 or after its tomorrow) is moved to
 * limits.fallback_ms and counted as estimated, so one bad clock can never
 * make a whole upload unacceptable.
 *
 * Hard caps (days, rows, text) match what the hub accepts in one upload:
 * agg_add_*() answers AGG_FULL and changes nothing when a response would
 * not fit, so the caller can upload a smaller batch.
 *
 * Pure: no clock reads, no I/O.
 * Text is made acceptable to the hub: codes keep to [A-Za-z0-9._-] (other
 * bytes become "_") and 64 bytes, names are cut to 200 bytes at a UTF-8
 * boundary; unit, instrument, question and answer are never empty.
 *
 * Ownership: agg_create() returns a set freed with agg_free(). Strings
 * passed in are copied (cut to the hub's lengths at a UTF-8 boundary).
 * Strings read back live until agg_free(); the row arrays of an agg_day_t
 * until the next agg_add_*() call.
 * Not thread-safe; one set per batch.
 */
#ifndef SIPAS_AGG_H
#define SIPAS_AGG_H

#include <stddef.h>
#include <stdint.h>

#define AGG_DAYS_MAX 62         /* days per upload the hub accepts */
#define AGG_ROWS_MAX 20000      /* rows per upload the hub accepts */
#define AGG_CODE_MAX 64         /* bytes of a code at the hub */
#define AGG_NAME_MAX 200        /* bytes of a name at the hub */
#define AGG_BOOT_ID_MAX 40
#define AGG_DAY_TEXT 11         /* "YYYY-MM-DD" and NUL */
#define AGG_TEXT_MAX (4 << 20)  /* bytes of distinct text per set */

enum agg_rc {
    AGG_OK = 0,
    AGG_FULL = -1,   /* a cap would be exceeded; nothing was changed */
    AGG_EINVAL = -2, /* bad argument */
    AGG_ENOMEM = -3
};

/* A boot's wall - boottime at a moment the wall clock was known good. */
typedef struct agg_anchor {
    char boot_id[AGG_BOOT_ID_MAX];
    int64_t wall_minus_boot_ms;
} agg_anchor_t;

typedef struct agg_answer {
    const char *question, *element;
    const char *answer; /* scale value as text ("5") or option code */
} agg_answer_t;

/* One stored response, as the store hands it over (strings borrowed). */
typedef struct agg_response {
    int64_t seq;
    int64_t wall_ms;      /* as the device believed */
    int64_t boot_ms;      /* CLOCK_BOOTTIME */
    const char *boot_id;
    int clock_synced;
    const char *unit, *counter, *officer, *field, *instrument;
    int version;
    int partial;
    int suppressed;       /* non-zero: flagged by the misuse rules */
    int n_answers;
    const agg_answer_t *answers;
} agg_response_t;

/* The dimensions every row carries. NULL reads as "". */
typedef struct agg_dims {
    const char *unit, *counter, *officer, *field, *instrument;
    int version;
} agg_dims_t;

typedef struct agg_count_row {
    agg_dims_t d;
    int64_t complete, partial, suppressed;
} agg_count_row_t;

typedef struct agg_answer_row {
    agg_dims_t d;
    int partial; /* counted from partial (1) or complete (0) responses */
    const char *question, *element, *answer;
    int64_t n;
} agg_answer_row_t;

/* Responses that answered at least one question of element: what the
 * hub weighs survey forms by (docs/INDICES.md). Answer rows alone cannot
 * tell it when questions may be skipped. */
typedef struct agg_element_row {
    agg_dims_t d;
    int partial; /* as for agg_answer_row_t */
    const char *element;
    int64_t n;
} agg_element_row_t;

/* One local day's snapshot; rows in the order they first appeared. */
typedef struct agg_day {
    char day[AGG_DAY_TEXT];
    int64_t start_ms;     /* local midnight */
    int64_t estimated;    /* responses whose day could not be corrected */
    int n_counts, n_answers, n_elements;
    const agg_count_row_t *counts;
    const agg_answer_row_t *answers;
    const agg_element_row_t *elements;
    /* 0 when an earlier snapshot of the day came without element rows
     * (kept before the kiosk counted them): the day's element rows are
     * then incomplete and must not be sent. */
    int elements_known;
} agg_day_t;

typedef struct agg_limits {
    int max_days;         /* 1..AGG_DAYS_MAX; 0 takes AGG_DAYS_MAX */
    int max_rows;         /* 1..AGG_ROWS_MAX; 0 takes AGG_ROWS_MAX */
    /* Plausible window for a corrected time; both 0: no window. */
    int64_t min_ms, max_ms;
    int64_t fallback_ms;  /* where implausible times go */
} agg_limits_t;

typedef struct agg agg_t;

/* lim may be NULL (hub caps, no window). */
int agg_create(agg_t **out, const agg_limits_t *lim);
void agg_free(agg_t *a);

/* wall - boottime: the anchor a known-good reading gives. */
int64_t agg_get_anchor(int64_t wall_ms, int64_t boot_ms);
/* The anchor of boot_id among n, or NULL. */
const agg_anchor_t *agg_find_anchor(const agg_anchor_t *anchors, int n,
                                    const char *boot_id);
/* Corrected Unix ms of r (see the top of this file, window not applied);
 * *estimated set to 1 when the device clock had to be taken as it was. */
int64_t agg_correct_time(const agg_response_t *r, const agg_anchor_t *anchors,
                         int n_anchors, int *estimated);
/* "YYYY-MM-DD" of the local day holding unix_ms. */
void agg_format_day(int64_t unix_ms, char out[AGG_DAY_TEXT]);

/* The day r would be counted in: agg_correct_time() and then this set's
 * plausibility window. *estimated as for agg_correct_time(). */
void agg_get_response_day(const agg_t *a, const agg_response_t *r,
                          const agg_anchor_t *anchors, int n_anchors,
                          char day_out[AGG_DAY_TEXT], int *estimated);
/* How many more days and rows this set takes before AGG_FULL. */
void agg_get_room(const agg_t *a, int *days, int *rows);

/* Adds one response to the day its corrected time falls in; *day_out (may
 * be NULL) receives that day. AGG_FULL leaves the set as it was. */
int agg_add_response(agg_t *a, const agg_response_t *r,
                     const agg_anchor_t *anchors, int n_anchors,
                     char day_out[AGG_DAY_TEXT]);

/* Rows of an earlier snapshot of day ("YYYY-MM-DD"), added as they are:
 * how a day's acknowledged counts are carried into its next snapshot. */
int agg_add_count(agg_t *a, const char *day, const agg_dims_t *d,
                  int64_t complete, int64_t partial, int64_t suppressed);
int agg_add_answer_count(agg_t *a, const char *day, const agg_dims_t *d,
                         int partial, const char *question,
                         const char *element, const char *answer, int64_t n);
int agg_add_element_count(agg_t *a, const char *day, const agg_dims_t *d,
                          int partial, const char *element, int64_t n);
int agg_add_estimated(agg_t *a, const char *day, int64_t n);
/* The earlier snapshot of day had no element rows (see agg_day_t). */
int agg_set_elements_unknown(agg_t *a, const char *day);

/* Read back: days in date order, 0 .. agg_count_days() - 1. */
int agg_count_days(const agg_t *a);
int agg_count_rows(const agg_t *a);
int agg_get_day(const agg_t *a, int i, agg_day_t *out);
/* Index of day, or -1. */
int agg_find_day(const agg_t *a, const char *day);

#endif
