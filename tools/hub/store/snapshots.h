/*
 * snapshots.h - per (kiosk, day) snapshots of the counts, as uploaded.
 *
 * The rows of a checked upload (domain/ingest.h makes them) and their
 * writing: per day, the snapshot with the larger upto_seq is kept.
 * Ownership: strings point into the upload's JSON (root).
 */
#ifndef SIPAS_HUB_SNAPSHOTS_H
#define SIPAS_HUB_SNAPSHOTS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hub/base/quota.h"
#include "hub/base/valid.h"
#include "hub/store/db.h"
#include "hub/store/heartbeats.h"

#define HUB_INGEST_DAYS_MAX 62
/* The newest upload format the hub reads: 2 adds the days' "elements". */
#define HUB_INGEST_FORMAT 2
/* How far an upload's upto_seq may lie above the highest this kiosk was
 * acknowledged: one kiosk does not take a million responses between two
 * uploads (it sends at most a batch, 2,000 by default), and a larger jump
 * would make every genuine later upload stale. */
#define HUB_INGEST_SEQ_JUMP_MAX INT64_C(1000000)
#define HUB_INGEST_REFUSAL_MAX 320
/* When a kiosk over its total of rows asks again: an operator has to act. */
#define HUB_INGEST_QUOTA_RETRY_S 3600

/* The dimensions a count is kept by. counter, officer and field are ""
 * when the kiosk had none. */
typedef struct hub_dims {
    const char *unit, *counter, *officer, *field, *instrument;
    int64_t version; /* the instrument's version */
} hub_dims_t;

typedef struct hub_resp_row {
    hub_dims_t d;
    int64_t complete, partial, suppressed;
} hub_resp_row_t;

typedef struct hub_ans_row {
    hub_dims_t d;
    int64_t partial; /* 1: answers of abandoned responses */
    const char *question, *element, *answer;
    int64_t n;
} hub_ans_row_t;

/* Responses that answered at least one question of element (upload
 * format 2): what a survey form's element index is weighed by. */
typedef struct hub_elem_row {
    hub_dims_t d;
    int64_t partial; /* 1: of abandoned responses */
    const char *element;
    int64_t n;
} hub_elem_row_t;

/* One dossier-bound rating (docs/DOSSIER_EXPORT.md): the kiosk's response
 * seq, the dossier code, the corrected time and the day it counts in, and
 * its answers as compact JSON text (answers_json, owned by the upload)
 * plus the verdict the hub drew from them. */
typedef struct hub_dossier_row {
    int64_t seq;
    const char *dossier;
    int64_t at_ms;     /* clock-corrected Unix ms */
    const char *day;   /* "YYYY-MM-DD", local */
    int64_t estimated; /* 1: the device clock could not be corrected */
    const char *unit, *field, *instrument;
    int64_t version;
    int64_t partial;
    int satisfied;     /* 0, 1 or HUB_DOSSIERS_NO_VERDICT (store/dossiers.h) */
    char *answers_json;
} hub_dossier_row_t;

typedef struct hub_day {
    const char *day; /* "YYYY-MM-DD", local */
    int64_t estimated;
    size_t resp_first, resp_n; /* slice of hub_upload_t.resp */
    size_t ans_first, ans_n;   /* slice of hub_upload_t.ans */
    /* 1 when the day carried "elements" (even an empty list): its element
     * rows are then the day's complete element counts. */
    int has_elements;
    size_t el_first, el_n;     /* slice of hub_upload_t.el */
} hub_day_t;

typedef struct hub_upload {
    json_t *root;
    const char *install_id, *upload_id;
    int64_t upto_seq;
    size_t n_days;
    hub_day_t days[HUB_INGEST_DAYS_MAX];
    size_t n_resp, n_ans;
    hub_resp_row_t *resp;
    hub_ans_row_t *ans;
    int64_t format; /* 1 (no "format" key) or HUB_INGEST_FORMAT */
    size_t n_el;
    hub_elem_row_t *el;
    size_t n_dos; /* dossier-bound ratings: absent in older uploads */
    hub_dossier_row_t *dos;
    int has_heartbeat;
    hub_heartbeat_t heartbeat;
    char *text; /* the rows' strings, when read by the streaming reader */
} hub_upload_t;

typedef struct hub_ingest_result {
    size_t days;       /* days in the upload */
    size_t stale_days; /* days kept as they were: a newer snapshot is held */
    char refusal[HUB_INGEST_REFUSAL_MAX]; /* why, for HUB_CONFLICT,
                                           * HUB_FOREIGN and HUB_QUOTA */
    hub_quota_verdict_t quota; /* which quota, for HUB_QUOTA */
    int retry_after_s;         /* when to ask again, for HUB_QUOTA */
    int64_t rows_added, rows_dropped; /* by this upload, when written */
    /* Rows naming a unit the hub does not know: counted nowhere, and the
     * first such code, for the acknowledgement. */
    int64_t ignored_rows;
    char ignored_unit[HUB_CODE_MAX + 1];
    /* Dossier-bound ratings stored new, stored as corrections of an
     * earlier row, and received again unchanged (nothing stored). */
    int64_t dossiers_new, dossiers_corrected, dossiers_same;
} hub_ingest_result_t;

/* Writes a parsed upload for its install_id in one transaction, taking
 * the database lock itself. HUB_OK with *res filled; HUB_DENIED or
 * HUB_REVOKED when the kiosk is not (or no longer) allowed to write;
 * HUB_CONFLICT when upto_seq jumps more than HUB_INGEST_SEQ_JUMP_MAX above
 * the kiosk's highest; HUB_FOREIGN when a row names a unit the hub knows
 * other than the kiosk's; these two with res->refusal. Rows of units the
 * hub does not know (the demo unit of test ratings from before
 * enrollment) are not stored, and counted in res->ignored_rows; a day
 * made only of them is not stored at all;
 * HUB_FULL (nothing written) and other errors as in db.h. */
int hub_ingest_store(hub_db_t *db, const hub_upload_t *up, int64_t now_ms,
                     hub_ingest_result_t *res);
/* The same, held to the row quotas of q (NULL: none): an upload that
 * would grow the kiosk's rows past them answers HUB_QUOTA with
 * res->quota, res->refusal and res->retry_after_s, and nothing written.
 * A kiosk's rows are counted in the database at its first upload. */
int hub_ingest_store_quota(hub_db_t *db, hub_quota_t *q,
                           const hub_upload_t *up, int64_t now_ms,
                           hub_ingest_result_t *res);

#endif
