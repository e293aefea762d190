/*
 * dossier_rows.h - a dossier-bound rating as the upload's "dossiers" row
 * (docs/SYNC_PROTOCOL.md, "Dossier-bound ratings").
 *
 * A response the citizen bound to a dossier by scanning the receipt
 * leaves the kiosk twice: counted in its day's snapshot like every other,
 * and once as itself, so that the province's dossier system can forward
 * it with its dossier code (Decision 766/QĐ-TTg). Codes are cleaned as
 * the snapshot's are (a byte outside [A-Za-z0-9._-] becomes '_', at most
 * 64 bytes), so one odd code never makes every later upload unacceptable.
 *
 * Ownership: the row returned is a new jansson reference, the caller's.
 * Everything passed in is borrowed.
 */
#ifndef SIPAS_SYNC_DOSSIER_ROWS_H
#define SIPAS_SYNC_DOSSIER_ROWS_H

#include <jansson.h>
#include <stdint.h>

#include "store/store.h"

#define DOSSIER_ROWS_CODE_MAX 64

/* 1 when r is a rating the hub gets as a row of its own: bound to a
 * dossier, not a test, not suppressed by the misuse rules. */
int dossier_rows_wanted(const store_response_t *r);

/* {"seq", "dossier", "at", "day", "estimated", "unit", "field",
 *  "instrument", "version", "partial", "answers": ["question=answer",
 *  ...]} (one string per answer: a multi-choice question gives one per
 * option chosen; strings, not objects, keep a large upload cheap to
 * parse) for response seq counted on day at the corrected time
 * at_ms; NULL when out of memory. */
json_t *dossier_rows_build(const store_response_t *r, int64_t seq,
                           int64_t at_ms, const char *day, int estimated);

#endif
