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
 * touching the database; hub_ingest_store() (store/snapshots.h) writes a
 * parsed upload; hub_ingest_apply() (api/handler.h) does both for an
 * authenticated kiosk and fills the reply.
 * Ownership: a parsed upload owns its JSON, row arrays and the rows'
 * text; free it with hub_ingest_free(). Its strings point into those.
 */
#ifndef SIPAS_HUB_INGEST_H
#define SIPAS_HUB_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "hub/domain/heartbeat.h"
#include "hub/domain/problem.h"
#include "hub/store/snapshots.h"

#define HUB_INGEST_BODY_MAX (1024 * 1024)
#define HUB_INGEST_ROWS_MAX 20000
#define HUB_INGEST_COUNT_MAX 1000000
/* Answers of dossier-bound ratings in one upload; the body limit binds
 * first for any genuine upload. */
#define HUB_INGEST_DOS_ANSWERS_MAX 40000
#define HUB_INGEST_FIRST_DAY "2000-01-01"
#define HUB_INGEST_FUTURE_DAYS 2 /* a kiosk clock a little ahead is fine */

/* 0 with *up filled; -1 with *pb naming the first rule broken (too
 * large, or invalid). now_ms decides the latest acceptable day.
 * *up needs hub_ingest_free() either way. */
int hub_ingest_parse(const char *body, size_t len, int64_t now_ms,
                     hub_upload_t *up, hub_problem_t *pb);
/* The same with jansson reading the whole body into a tree first: what
 * hub_ingest_parse() falls back to for any body its streaming reader
 * does not accept (ingest_stream.h), so that a refusal is worded by one
 * reader only; the fuzz harness checks the two agree. */
int hub_ingest_parse_tree(const char *body, size_t len, int64_t now_ms,
                          hub_upload_t *up, hub_problem_t *pb);
void hub_ingest_free(hub_upload_t *up);

#endif
