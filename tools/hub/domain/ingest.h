/*
 * ingest.h - uploads of per-day snapshots (POST /api/v1/ingest).
 *
 * A kiosk uploads, for each local day it covers, its full counts for that
 * day as of upto_seq. The hub keeps per (kiosk, day) the snapshot with the
 * largest upto_seq: an upload replaces a day's rows when its upto_seq is
 * at least the stored one and is "stale" for that day otherwise. Retries,
 * duplicates, reordering and weeks-late uploads therefore all leave the
 * same totals. One upload is one transaction: all its days or nothing.
 *
 * Three steps, each usable alone (the unit tests call them directly):
 * hub_ingest_parse() checks every rule of docs/SYNC_PROTOCOL.md without
 * touching the database; hub_ingest_store() writes a parsed upload;
 * hub_ingest_apply() does both for an authenticated kiosk and fills the
 * reply.
 * Ownership: a parsed upload owns its JSON and row arrays; free it with
 * hub_ingest_free(). Its strings point into that JSON.
 */
#ifndef SIPAS_HUB_INGEST_H
#define SIPAS_HUB_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "hub/api/reply.h"
#include "hub/domain/heartbeat.h"
#include "hub/store/db.h"

#define HUB_INGEST_BODY_MAX (1024 * 1024)
#define HUB_INGEST_DAYS_MAX 62
#define HUB_INGEST_ROWS_MAX 20000
#define HUB_INGEST_COUNT_MAX 1000000
#define HUB_INGEST_FIRST_DAY "2000-01-01"
#define HUB_INGEST_FUTURE_DAYS 2 /* a kiosk clock a little ahead is fine */

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

typedef struct hub_day {
    const char *day; /* "YYYY-MM-DD", local */
    int64_t estimated;
    size_t resp_first, resp_n; /* slice of hub_upload_t.resp */
    size_t ans_first, ans_n;   /* slice of hub_upload_t.ans */
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
    int has_heartbeat;
    hub_heartbeat_t heartbeat;
} hub_upload_t;

typedef struct hub_ingest_result {
    size_t days;       /* days in the upload */
    size_t stale_days; /* days kept as they were: a newer snapshot is held */
} hub_ingest_result_t;

/* 0 with *up filled; -1 with r set to 400 bad-request (or 413 too-large)
 * naming the first rule broken. now_ms decides the latest acceptable day.
 * *up needs hub_ingest_free() either way. */
int hub_ingest_parse(const char *body, size_t len, int64_t now_ms,
                     hub_upload_t *up, hub_reply_t *r);
void hub_ingest_free(hub_upload_t *up);

/* Writes a parsed upload for its install_id in one transaction, taking
 * the database lock itself. HUB_OK with *res filled; HUB_DENIED or
 * HUB_REVOKED when the kiosk is not (or no longer) allowed to write;
 * HUB_FULL (nothing written) and other errors as in db.h. */
int hub_ingest_store(hub_db_t *db, const hub_upload_t *up, int64_t now_ms,
                     hub_ingest_result_t *res);

/* The whole request for a kiosk already authenticated as install_id:
 * parse, check that the body names the same kiosk, store, and fill r with
 * the acknowledgement or the error. Returns the HTTP status. */
int hub_ingest_apply(hub_db_t *db, const char *install_id, const char *body,
                     size_t len, int64_t now_ms, hub_reply_t *r);

#endif
