/*
 * api_stats.h - the analysts' figures: GET /api/v1/stats and
 * GET /api/v1/units (docs/STATS_API.md), and what they need from `serve`.
 *
 * The targets the figures are held against are loaded once at start
 * (hub_api_stats_configure, before the first request) and only read
 * afterwards, so request threads share them without a lock.
 * Ownership: the targets passed in are the caller's and must outlive
 * every request (until the server has stopped).
 * Threads: as every handler; they take the database lock themselves.
 */
#ifndef SIPAS_HUB_API_STATS_H
#define SIPAS_HUB_API_STATS_H

#include <stddef.h>

#include "core/targets.h"
#include "hub/api/handler.h"
#include "hub/domain/periods.h"
#include "hub/domain/stats_query.h"

/* What a GET /api/v1/stats asks: the query, and the dates and format it
 * names (the query's from and to point into the dates). */
typedef struct hub_stats_request {
    hub_stats_query_t q;
    char from[HUB_PERIODS_DATE_MAX], to[HUB_PERIODS_DATE_MAX];
    int csv;
    int min_group_set; /* 0: q.min_group is the server's floor */
} hub_stats_request_t;

/* The province's targets (NULL: none) and its slug for targets_lookup()
 * ("*" or a slug such as "hau-giang"; NULL is "*"). Call before serving. */
void hub_api_stats_configure(const targets_t *targets, const char *province);

/* The smallest min_group an ordinary token may ask for, and the
 * min_group of a request that names none (HUB_STATS_MIN_GROUP_DEFAULT
 * until set; 1..HUB_STATS_MIN_GROUP_MAX). Call before serving. */
void hub_api_stats_set_floor(int floor);
int hub_api_stats_get_floor(void);

/* Whether s may be answered for a token with the audit role or without
 * (audit 1 or 0): 0 when its min_group is at least the floor, or at
 * least 1 for an audit token; otherwise the 400 status put in r. *below
 * is 1 when the answer goes below the floor (and must be audited). */
int hub_api_stats_check_floor(const hub_stats_request_t *s, int audit,
                              int *below, hub_reply_t *r);

/* 1 when text is "*" or a province slug (a-z, 0-9, '-', 1..47 bytes). */
int hub_api_stats_is_province(const char *text);

/* Reads and checks a targets file; 0 with *out (free with targets_free),
 * or -1 with a message naming file, line and field in msg. */
int hub_api_stats_load_targets(const char *path, targets_t **out, char *msg,
                               size_t cap);
/* The shipped assets/targets/default.json near the program (beside the
 * source tree it was built in, or PREFIX/share/sipas-hub/targets/); 0
 * with its path, -1 when there is none. */
int hub_api_stats_find_targets(char *path, size_t cap);

/* For `serve`: the targets in file, or in the shipped defaults when file
 * is NULL. 0 with *out (NULL and a note in msg when no default file was
 * found); -1 with the reason in msg. */
int hub_api_stats_open_targets(const char *file, targets_t **out, char *msg,
                               size_t cap);

/* Reads and checks the parameters of req (no database, no token: the
 * scope and targets are the caller's to add): 0 with *s filled, or the
 * 400 status put in r. */
int hub_api_stats_read_query(const hub_request_t *req,
                             hub_stats_request_t *s, hub_reply_t *r);

int hub_api_units(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r);

#endif
