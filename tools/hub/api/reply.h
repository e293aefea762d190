/*
 * reply.h - what an API call answers, before it becomes HTTP.
 *
 * The request handlers fill a reply instead of talking to the HTTP library,
 * so ingest, enrollment and stats run the same in a unit test as behind
 * libmicrohttpd. Every error has a stable code for machines ("code-used",
 * "storage-full") and a message in plain words for the technician who
 * reads the kiosk's log.
 * Ownership: a reply owns its body; hub_reply_clear() frees it. Start
 * every reply with hub_reply_init().
 */
#ifndef SIPAS_HUB_REPLY_H
#define SIPAS_HUB_REPLY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hub/domain/problem.h"

#define HUB_REPLY_CODE_MAX 32
#define HUB_REPLY_MSG_MAX 320
#define HUB_REPLY_ETAG_MAX 48

typedef struct hub_reply {
    int status;                       /* HTTP status */
    char error[HUB_REPLY_CODE_MAX];   /* "" on success */
    char message[HUB_REPLY_MSG_MAX];
    char *body;                       /* JSON text, owned; NULL until set */
    size_t body_len;
    int retry_after_s;                /* > 0: send Retry-After */
    const char *allow;                /* for 405: the allowed methods */
    /* Bodies other than JSON (the dashboard's files): the body is then
     * any bytes. content_type NULL or "" keeps the API's JSON. */
    const char *content_type;         /* static string */
    const char *cache_control;        /* static; NULL: "no-store" */
    const char *security_policy;      /* Content-Security-Policy, static */
    char etag[HUB_REPLY_ETAG_MAX];    /* quoted, "" for none */
    /* Set by the analyst token check, so the router can audit the use
     * with its outcome once the endpoint has answered. */
    int token_checked;                /* an analyst token was asked for */
    int64_t token_id;                 /* the token that matched, or 0 */
} hub_reply_t;

void hub_reply_init(hub_reply_t *r);
/* Frees the body and starts over. */
void hub_reply_clear(hub_reply_t *r);

/* Sets an error answer; the body is made from code and message. Returns
 * status, so a handler can end with `return hub_reply_fail(...)`. */
int hub_reply_fail(hub_reply_t *r, int status, const char *code,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Success with obj as the body; takes over the reference to obj (even on
 * failure, when it answers 500 instead). Returns the status set. */
/* The reply for what a check refused: 400 bad-request, 413 too-large or
 * 500 internal, with the check's message. Returns the status. */
int hub_reply_problem(hub_reply_t *r, const hub_problem_t *pb);
int hub_reply_send_json(hub_reply_t *r, int status, json_t *obj);
/* The error answer for a failed database call (see db.h's hub_rc):
 * storage full and busy are 503 with Retry-After, anything else 500. */
int hub_reply_fail_db(hub_reply_t *r, int rc);
/* The same for a call on behalf of a kiosk: an unknown kiosk is 401, a
 * revoked one 403 revoked. */
int hub_reply_fail_kiosk(hub_reply_t *r, int rc);
/* The same for a call that resolved a token's scope: no such unit is 404,
 * a unit outside the token's subtree 403. */
int hub_reply_fail_scope(hub_reply_t *r, int rc);
/* Renders the error body when only code and message were set; the HTTP
 * layer calls this before sending. 0, or -1 out of memory. */
int hub_reply_finish(hub_reply_t *r);

#endif
