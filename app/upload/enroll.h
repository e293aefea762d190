/*
 * enroll.h - trading a one-time code for the kiosk's credentials.
 *
 * POST /api/v1/enroll with the code and the kiosk's install id; the hub
 * answers with a secret and the unit the kiosk now belongs to, which go
 * into sync.db under the sync lock (see docs/SYNC_PROTOCOL.md,
 * "Enrollment"). The install id comes from kiosk.db; a data directory the
 * kiosk never used gets its database created first, so the id the hub
 * learns is the one the kiosk will stamp on its responses. sync.db is
 * opened for writing before the code goes to the hub: a code is used only
 * once, so it is never spent on credentials that could not be kept.
 *
 * Ownership: request strings are borrowed; the result is the caller's.
 */
#ifndef SIPAS_SYNC_ENROLL_H
#define SIPAS_SYNC_ENROLL_H

#include <stdint.h>

#include "upload/client.h"
#include "sync/syncdb.h"

typedef struct sync_enroll_request {
    const char *data_dir;
    const char *hub_url;
    const char *code;          /* as printed by sipas-hub enroll-code */
    const char *counter;       /* NULL: the kiosk keeps its configured one */
    const char *ca_file;       /* NULL or "": the system's CA bundle */
    const char *pin;           /* curl form "sha256//...", or NULL */
    const char *version;
    const char *user_agent;    /* NULL: "sipasctl" */
    long connect_timeout_s, stall_timeout_s;
    int lock_wait_ms;
    int repair;                /* a damaged sync.db is moved aside and a
                                  fresh one created; without it, refused */
} sync_enroll_request_t;

typedef enum sync_enroll_outcome {
    SYNC_ENROLL_OK = 0,
    SYNC_ENROLL_UNKNOWN_CODE,   /* 404 */
    SYNC_ENROLL_CODE_USED,      /* 409 */
    SYNC_ENROLL_CODE_EXPIRED,   /* 410 */
    SYNC_ENROLL_REFUSED,        /* another refusal (400, ...) */
    SYNC_ENROLL_UNREACHABLE,    /* network, TLS, 5xx, not the hub */
    SYNC_ENROLL_BUSY,           /* an upload holds the sync lock */
    SYNC_ENROLL_LOCAL_ERROR     /* kiosk.db or sync.db */
} sync_enroll_outcome_t;

typedef struct sync_enroll_result {
    sync_enroll_outcome_t outcome;
    syncdb_enrollment_t enrollment;  /* on success; secret cleared */
    int created_store;             /* kiosk.db was made for the id */
    int reset;                     /* progress started over (new hub/id) */
    int64_t pending;               /* responses waiting for upload */
    int64_t tests;                 /* test ratings kept, never sent */
    char moved_to[SYNCDB_PATH_MAX + 48]; /* where a damaged sync.db went */
    char message[SYNC_MESSAGE_MAX + 128];
} sync_enroll_result_t;

sync_enroll_outcome_t sync_enroll(const sync_enroll_request_t *rq,
                                sync_enroll_result_t *res);

/* The hub's answer (borrowed) into e: 0, or -1 when it is not a complete
 * enrollment for install_id, -2 when its unit code is not one the hub
 * itself could have stored (the kiosk stamps it on every rating and shows
 * it): bad then names the code, made printable. The unit's name is free
 * text for people, kept printable. */
int sync_enroll_read_answer(const json_t *body, const char *install_id,
                            syncdb_enrollment_t *e, char *bad, size_t cap);

#endif
