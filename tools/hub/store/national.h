/*
 * national.h - a national hub's month rows, as the provincial hubs push
 * them, and a provincial hub's record of what it pushed.
 *
 * Receiving: each province holds a credential (256 random bits, only the
 * SHA-256 kept) bound to its province unit. A push carries one month of
 * the province's summary rows (unit, field, instrument, question, answer
 * counts; no counter) and each officer's complete responses under a key
 * the province alone can link to a name, under a sequence number; it
 * replaces the rows that province last pushed for that month, in the
 * month summaries the statistics read (stat_month_*; the officers in
 * stat_staff_responses and stat_month_officers, where the officer
 * privacy rule weighs groups), and moves the year and whole-country
 * summaries by the difference, so the same statistics code serves the
 * national tree, withheld groups included; the province's totals of the
 * month and its year are then made again from the rows held
 * (provtotals.h). national_month_units remembers which units a
 * (province, month) wrote, which is what a later push takes away.
 * Forwarding: forward_months holds, per month, the last sequence number
 * used and the digest of the rows the national hub acknowledged.
 * Ownership: strings are borrowed; out buffers are the caller's.
 * Locking: the caller holds hub_db_lock(); writes run inside the
 * caller's write transaction.
 */
#ifndef SIPAS_HUB_NATIONAL_H
#define SIPAS_HUB_NATIONAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/targets.h"
#include "hub/base/crypto.h"
#include "hub/base/valid.h"
#include "hub/store/db.h"
#include "hub/store/stat_rows.h"
#include "hub/store/tokens.h"

#define HUB_NATIONAL_MONTH_LEN 7 /* "YYYY-MM" */

#define HUB_NATIONAL_KINDS 4
/* An officer's key: HMAC-SHA256 of the name under the province's own
 * officer key, in lowercase hex. */
#define HUB_NATIONAL_OFFICER_LEN 64

/* One push: a province's rows of one month. Row strings are borrowed
 * from whoever filled it (the parsed body). Responses use complete,
 * partial, suppressed; answers question, element, answer, n, pn;
 * elements element, n, pn, approx; officers officer (a key) and
 * complete. */
typedef struct hub_national_push {
    const char *province;
    char month[HUB_NATIONAL_MONTH_LEN + 1];
    int64_t seq;
    /* responses, answers, elements, officers */
    hub_stat_row_t *rows[HUB_NATIONAL_KINDS];
    size_t n[HUB_NATIONAL_KINDS];
} hub_national_push_t;

enum {
    HUB_NATIONAL_RESP = 0,
    HUB_NATIONAL_ANS = 1,
    HUB_NATIONAL_EL = 2,
    HUB_NATIONAL_OFF = 3
};

/* Write: a credential for province (an existing unit) into out, its id in
 * *id. HUB_NOT_FOUND when the unit does not exist. */
int hub_national_add_credential(hub_db_t *db, const char *province,
                                int64_t now_ms, char out[HUB_TOKEN_TEXT],
                                int64_t *id);
/* HUB_OK with the province of a credential not revoked; HUB_DENIED for
 * any other text. */
int hub_national_find_credential(hub_db_t *db, const char *text,
                                 char province[HUB_CODE_MAX + 1]);
/* Write: HUB_NOT_FOUND for an unknown id. */
int hub_national_revoke_credential(hub_db_t *db, int64_t id, int64_t now_ms);

/* Write: p replaces what p->province pushed for p->month. HUB_OK;
 * HUB_EXISTS with *held the sequence number kept when p->seq is not above
 * it (a replay or an older push: nothing changed), or when two rows of p
 * share a key; HUB_DENIED with bad_unit (borrowed from p) for a unit not
 * in the province's tree; or a database error. */
int hub_national_replace(hub_db_t *db, const hub_national_push_t *p,
                         int64_t now_ms, int64_t *held,
                         const char **bad_unit);

/* After p's write transaction committed: on PostgreSQL, ANALYZE the
 * national tables p wrote whose statistics the planner does not have
 * yet or that p alone grew by more than a tenth. Fresh tables planned
 * as one row made a push join national_month_units by nested loop (8 s
 * a month of 124 units); autovacuum analyses them too, but only after
 * its naptime. Later growth, a tenth at a time, is autovacuum's (its
 * own threshold is 50 rows and a tenth). Nothing on SQLite. Outside a
 * transaction; HUB_OK or a database error (the push stands either way). */
int hub_national_analyze(hub_db_t *db, const hub_national_push_t *p);

typedef struct hub_national_province {
    const char *province;
    int64_t months, last_push_at; /* Unix ms */
    const char *targets_slug;     /* "" when it pushed no targets */
    const char *dashboard;        /* its own dashboard's URL, or "" */
    int64_t targets_at;           /* when it pushed them; 0: never */
} hub_national_province_t;
typedef int (*hub_national_each_fn)(void *ctx,
                                    const hub_national_province_t *p);
/* Every province that ever pushed, by code: how many months it holds and
 * when it last pushed, which is how stale its figures are. */
int hub_national_each_province(hub_db_t *db, hub_national_each_fn fn,
                               void *ctx);

/* Write: province's targets file (text, checked by the caller), the
 * slug of its own rows and its dashboard's URL ("" for none), replacing
 * what it pushed before; the same again changes nothing, not even the
 * time it came. */
int hub_national_put_targets(hub_db_t *db, const char *province,
                             const char *slug, const char *text,
                             const char *dashboard, int64_t now_ms);
/* The targets of the province whose subtree holds unit (a unit code, or
 * the province itself): HUB_OK with *text (malloc'd, the caller frees
 * it) and slug; HUB_NOT_FOUND when no such province pushed any. */
int hub_national_find_targets(hub_db_t *db, const char *unit,
                              char slug[TARGETS_SLUG_MAX], char **text);
/* Every province's pushed targets to fn (strings valid during the call
 * only), in one read; fn's non-zero stops the walk (HUB_ERROR). */
typedef int (*hub_national_targets_fn)(void *ctx, const char *province,
                                       const char *slug, const char *text);
int hub_national_each_targets(hub_db_t *db, hub_national_targets_fn fn,
                              void *ctx);

/* Forwarding state of month: *seq the last sequence number used (0:
 * none), digest the acknowledged rows' SHA-256 (*acked 0: none). */
int hub_national_get_forward(hub_db_t *db, const char *month, int64_t *seq,
                             unsigned char digest[HUB_SHA256_LEN],
                             int *acked);
/* Write: month's next push will use seq (recorded before it is sent, so
 * a restart never reuses one). */
int hub_national_set_forward_seq(hub_db_t *db, const char *month,
                                 int64_t seq);
/* Write: month's rows of digest were acknowledged at now_ms. */
int hub_national_set_forward_acked(hub_db_t *db, const char *month,
                                   const unsigned char digest[HUB_SHA256_LEN],
                                   int64_t now_ms);
typedef int (*hub_national_month_fn)(void *ctx, const char *month);
/* A provincial hub's officers of month: each (unit, field, instrument,
 * officer) with complete responses, officer the name, by key. */
int hub_national_each_officer(hub_db_t *db, const char *month,
                              hub_stat_row_fn fn, void *ctx);
/* Every month the month summaries hold, oldest first. */
int hub_national_each_month(hub_db_t *db, hub_national_month_fn fn,
                            void *ctx);

#endif
