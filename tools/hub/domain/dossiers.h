/*
 * dossiers.h - dossier-bound ratings: the rules that need no database.
 *
 * A rating bound to a dossier code (scanned from the receipt) leaves the
 * hub one row per rating through GET /api/v1/dossiers, so that the
 * province's dossier system can forward it to the national portal
 * (Decision 766/QĐ-TTg, item 5.4). Rows are kept as an append-only log:
 * each stored row gets the next revision number, and the revision is the
 * export's cursor. A kiosk that sends a rating again unchanged adds
 * nothing; one that sends it changed adds a new row that names the one it
 * corrects (docs/DOSSIER_EXPORT.md).
 *
 * This module: the cursor's text form, the verdict "satisfied or not" of
 * a rating's answers, and the 5.4 rating component.
 * Pure: no I/O. Ownership: strings are borrowed; out buffers the caller's.
 */
#ifndef SIPAS_HUB_DOSSIERS_H
#define SIPAS_HUB_DOSSIERS_H

#include <stddef.h>
#include <stdint.h>

/* Revisions are SQLite rowids handed out by AUTOINCREMENT; a cursor is
 * one of them in decimal, at most 2^53 so that any JSON reader keeps it
 * exact. */
#define HUB_DOSSIER_CURSOR_MAX INT64_C(9007199254740992)
#define HUB_DOSSIER_CURSOR_TEXT 20 /* 16 digits, NUL, room */
#define HUB_DOSSIER_LIMIT_DEFAULT 500
#define HUB_DOSSIER_LIMIT_MAX 5000
/* Answers one rating may carry (the full SIPAS form has ~20 questions,
 * plus multi-choice reasons). */
#define HUB_DOSSIER_ANSWERS_MAX 64
/* Ratings one upload may carry: a real row is over 200 bytes, so the
 * 1 MiB body limit (413, the kiosk halves its batch) binds first. */
#define HUB_DOSSIER_ROWS_MAX 5000
/* Decision 766 item 5.4: full points at 90% and above. */
#define HUB_DOSSIER_766_FULL_PCT 90.0
#define HUB_DOSSIER_766_POINTS 6.0

/* The question that decides, and the answers that mean "not satisfied". */
#define HUB_DOSSIER_Q_OVERALL "overall"
#define HUB_DOSSIER_Q_C01_ATTITUDE "c01-7"

typedef enum hub_dossier_verdict {
    HUB_DOSSIER_UNKNOWN = -1, /* the deciding question was not answered */
    HUB_DOSSIER_NOT_SATISFIED = 0,
    HUB_DOSSIER_SATISFIED = 1
} hub_dossier_verdict_t;

/* 0 with *rev set when text is a cursor this format allows: decimal
 * digits only, no sign, no leading zero (but "0"), 0..2^53. -1 otherwise
 * (empty, too long, anything else). */
int hub_dossier_parse_cursor(const char *text, int64_t *rev);
/* The text of rev into buf; 0, or -1 when rev is out of range or cap too
 * small (buf then ""). */
int hub_dossier_format_cursor(int64_t rev, char *buf, size_t cap);

/* Satisfied or not, from a rating's answers (question ids and answers as
 * the kiosk sent them, n of each):
 *  - "overall" answered 1..5: not satisfied on 1 or 2 (the scale's own
 *    words "Rất không hài lòng", "Không hài lòng"), satisfied on 3..5;
 *  - else Circular 01's indicator 7 ("c01-7") answered 0..2: not
 *    satisfied on 0 (harassment or wrongdoing reported), else satisfied;
 *  - else unknown (a rating abandoned before the deciding question).
 * An answer that is not a number of the scale is unknown. */
hub_dossier_verdict_t hub_dossier_judge(const char *const *questions,
                                        const char *const *answers, int n);

/* Decision 766 item 5.4, the part the hub can know: 100 - the share (in
 * percent) of judged dossier-bound ratings that were not satisfied.
 * -1 when judged is 0 (no figure, never a default). */
double hub_dossier_rating_pct(int64_t judged, int64_t not_satisfied);

#endif
