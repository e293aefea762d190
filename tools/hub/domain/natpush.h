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
/* A targets file and the few bytes around it. */
#define HUB_NATPUSH_TARGETS_BODY_MAX (TARGETS_SOURCE_MAX + 1024)

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

/* A province's targets, POST /api/v1/national/targets:
 * {"province":"CODE","slug":"SLUG","targets":{ a targets file },
 *  "dashboard":"URL"}
 * slug names the file's rows that are the province's own ("*": the
 * national ones only); dashboard (optional) is the province hub's own
 * address, https:// or http:// to a loopback host, at most
 * HUB_NATPUSH_URL_MAX bytes, linked from the national dashboard where its
 * counters would be. 0 with province, slug, dashboard ("" without) and
 * *text (the file as compact JSON, malloc'd, the caller's) when the file
 * is one targets_parse() accepts; -1 with pb set and *text NULL. */
#define HUB_NATPUSH_URL_MAX 256
typedef struct hub_natpush_targets {
    char province[HUB_CODE_MAX + 1];
    char slug[TARGETS_SLUG_MAX];
    char dashboard[HUB_NATPUSH_URL_MAX + 1];
    char *text;
} hub_natpush_targets_t;
int hub_natpush_parse_targets(const char *body, size_t len,
                              hub_natpush_targets_t *out, hub_problem_t *pb);
/* The body above from a targets file's text (dashboard NULL: none), NULL
 * when it is not JSON or out of memory; the caller's (json_decref). */
json_t *hub_natpush_targets_json(const char *province, const char *slug,
                                 const char *dashboard,
                                 const char *file_text, size_t len);

#endif
