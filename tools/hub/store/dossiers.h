/*
 * dossiers.h - the log of dossier-bound ratings (docs/DOSSIER_EXPORT.md).
 *
 * Append-only: every stored row gets the next revision (AUTOINCREMENT,
 * never reused, so a revision is a stable cursor). A rating a kiosk sends
 * again unchanged stores nothing; sent changed (its time corrected by
 * a minute or more, say) it stores a new row naming the revision it
 * corrects. Rows are never updated, so reading from the same cursor
 * always gives the same rows.
 *
 * Ownership: strings handed to callbacks live until the callback returns.
 * Locking: the caller holds hub_db_lock(); hub_dossiers_store() runs
 * inside the ingest's write transaction.
 */
#ifndef SIPAS_HUB_STORE_DOSSIERS_H
#define SIPAS_HUB_STORE_DOSSIERS_H

#include <stdint.h>

#include "hub/store/db.h"
#include "hub/store/snapshots.h"

/* A rating sent again whose corrected time moved by less than this (on
 * the same day, all else equal) is the same rating: a kiosk that learns
 * its clock from the hub again (a new sync.db) places its responses a few
 * milliseconds apart, the length of an exchange, and that is no
 * correction anyone needs to forward. The first time stays. */
#define HUB_DOSSIERS_SAME_TIME_MS INT64_C(60000)

/* satisfied of a rating without a verdict (stored as NULL); 0 and 1 are
 * "not satisfied" and "satisfied", as domain/dossiers.h judges them. */
#define HUB_DOSSIERS_NO_VERDICT (-1)

typedef struct hub_dossier_rec {
    int64_t rev;
    const char *install_id;
    int64_t seq;
    const char *dossier;
    int64_t at_ms;
    const char *day;
    int estimated;
    const char *unit, *field, *instrument;
    int64_t version;
    int partial;
    int satisfied;            /* 0, 1 or HUB_DOSSIERS_NO_VERDICT */
    const char *answers_json; /* [{"answer":..,"question":..}, ...] */
    int64_t corrects;         /* 0, or the revision this row corrects */
} hub_dossier_rec_t;

typedef int (*hub_dossiers_each_fn)(void *ctx, const hub_dossier_rec_t *r);

/* Stores the upload's ratings not flagged in skip (one flag per row),
 * counting them into res->dossiers_new, _corrected and _same. */
int hub_dossiers_store(hub_db_t *db, const hub_upload_t *up,
                       const unsigned char *skip, int64_t now_ms,
                       hub_ingest_result_t *res);

/* Rows with revision > after, oldest first, at most limit, of the units
 * in units_json (a JSON array of codes; NULL: every unit). fn's non-zero
 * return stops early and is returned. */
int hub_dossiers_each(hub_db_t *db, int64_t after, int limit,
                      const char *units_json, hub_dossiers_each_fn fn,
                      void *ctx);
/* The highest revision ever handed out (0 when none). */
int hub_dossiers_get_last(hub_db_t *db, int64_t *rev);

/* Dossier-bound ratings of the local days from..to in units_json (NULL:
 * all), their latest revisions only, counted per dossier code: a code
 * rated more than once is not satisfied when any of its ratings is not. */
typedef struct hub_dossier_summary {
    int64_t ratings;       /* rows counted (latest revisions) */
    int64_t dossiers;      /* distinct dossier codes */
    int64_t judged;        /* dossiers with a verdict */
    int64_t not_satisfied; /* of the judged */
} hub_dossier_summary_t;

int hub_dossiers_summarise(hub_db_t *db, const char *from, const char *to,
                           const char *units_json,
                           hub_dossier_summary_t *out);

#endif
