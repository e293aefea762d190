/*
 * report_fetch.h - reading the hub's statistics (GET /api/v1/stats) for a
 * report, with an analyst token.
 *
 * The token is a bearer secret, so the rules of docs/SYNC_PROTOCOL.md's
 * transport apply here too: TLS verification always on (the system's CA
 * bundle or the one given), no redirects, plain http:// only to this
 * machine. Every failure ends in one sentence a person can act on: the
 * hub unreachable, a certificate refused, the token refused, a unit outside
 * the token's scope, an answer that is not the documented JSON.
 * curl_global_init() must have run (main.c does it).
 *
 * Ownership: the options are borrowed for the handle's life; a returned
 * JSON document is the caller's (json_decref).
 */
#ifndef SIPAS_REPORT_FETCH_H
#define SIPAS_REPORT_FETCH_H

#include <stddef.h>

#include <jansson.h>

#define REPORT_FETCH_URL_MAX 1024
#define REPORT_FETCH_TOKEN_MAX 256
/* A province-wide answer grouped by unit is a few MiB at most. */
#define REPORT_FETCH_BODY_MAX (32u * 1024u * 1024u)
#define REPORT_FETCH_CONNECT_S 15L
/* Statistics over a year of a large province take the hub a while; the
 * transfer is given up only when it stalls, or after this backstop. */
#define REPORT_FETCH_TOTAL_S 600L
#define REPORT_FETCH_STALL_S 60L

typedef struct report_hub {
    const char *url;      /* http(s)://HOST[:PORT], no path */
    const char *token;    /* analyst token */
    const char *ca_file;  /* NULL: the system's CA bundle */
} report_hub_t;

/* 0 when the URL, token and CA file can be used; -1 with err otherwise. */
int report_check_hub(const report_hub_t *hub, char *err, size_t cap);

/* GET URL/api/v1/stats?QUERY (query already made of safe characters).
 * 0 with *out set to the JSON object, or -1 with err set and *out NULL. */
int report_fetch_stats(const report_hub_t *hub, const char *query,
                       json_t **out, char *err, size_t cap);

/* GET URL/api/v1/units: {"units": [{"code", "name", "parent", ...}]}, the
 * hierarchy within the token's scope. Same answers as above. */
int report_fetch_units(const report_hub_t *hub, json_t **out, char *err,
                       size_t cap);

#endif
