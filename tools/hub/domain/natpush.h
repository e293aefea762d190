/*
 * natpush.h - the body of a push to the national hub, both ways: read
 * and checked (the national hub), or written (the forwarding hub).
 *
 * {"province":"CODE","month":"YYYY-MM","seq":N,
 *  "responses":[[unit, field, instrument, complete, partial, suppressed]],
 *  "answers":[[unit, field, instrument, question, element, answer, n, pn]],
 *  "elements":[[unit, field, instrument, element, n, pn, approx]],
 *  "officers":[[unit, field, instrument, officer-key, complete]]}
 * officers is the second version's (a first version's body, without it,
 * weighs no officer); an officer's key is HUB_NATIONAL_OFFICER_LEN
 * lowercase hex characters, never a name. Counts are integers
 * 0..HUB_NATPUSH_COUNT_MAX; each list at most HUB_NATPUSH_ROWS_MAX rows.
 * Anything else is refused as a whole.
 * Ownership: hub_natpush_parse() fills p with strings and arrays owned by
 * the natpush_doc_t; hub_natpush_doc_free() releases them. The JSON
 * hub_natpush_to_json() returns is the caller's (json_decref).
 */
#ifndef SIPAS_HUB_NATPUSH_H
#define SIPAS_HUB_NATPUSH_H

#include <jansson.h>
#include <stddef.h>

#include "hub/domain/problem.h"
#include "hub/store/national.h"

#define HUB_NATPUSH_BODY_MAX (32 * 1024 * 1024)
#define HUB_NATPUSH_ROWS_MAX 400000
/* More ratings than a province's counters could collect in a month,
 * by orders of magnitude: such a count is a fault, not a figure. */
#define HUB_NATPUSH_COUNT_MAX INT64_C(100000000)
#define HUB_NATPUSH_SEQ_MAX INT64_C(9007199254740991) /* 2^53 - 1 */

typedef struct hub_natpush_doc {
    json_t *root;
    hub_stat_row_t *rows[HUB_NATIONAL_KINDS];
} hub_natpush_doc_t;

/* 0 with p filled from body; -1 with pb set. doc is freed by the caller
 * either way. */
int hub_natpush_parse(const char *body, size_t len, hub_natpush_doc_t *doc,
                      hub_national_push_t *p, hub_problem_t *pb);
void hub_natpush_doc_free(hub_natpush_doc_t *doc);

/* p as the body above, NULL when out of memory. */
json_t *hub_natpush_to_json(const hub_national_push_t *p);

#endif
