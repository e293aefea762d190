#include "hub/api/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/valid.h"
#include "hub/store/db.h"

/* How long a kiosk waits after "storage-full": an operator has to act, so
 * retrying sooner only adds load. A busy database clears in seconds. */
#define HUB_REPLY_FULL_RETRY_S 300
#define HUB_REPLY_BUSY_RETRY_S 5

void hub_reply_init(hub_reply_t *r)
{
    memset(r, 0, sizeof(*r));
    r->status = 500;
}

void hub_reply_clear(hub_reply_t *r)
{
    free(r->body);
    hub_reply_init(r);
}

int hub_reply_fail(hub_reply_t *r, int status, const char *code,
                   const char *fmt, ...)
{
    va_list ap;

    free(r->body);
    r->body = NULL;
    r->body_len = 0;
    r->status = status;
    snprintf(r->error, sizeof(r->error), "%s", code);
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    /* A message cut inside a multi-byte character would not be JSON. */
    r->message[hub_valid_utf8_prefix(r->message)] = '\0';
    return status;
}

int hub_reply_problem(hub_reply_t *r, const hub_problem_t *pb)
{
    switch (pb->kind) {
    case HUB_PROBLEM_TOO_LARGE:
        return hub_reply_fail(r, 413, "too-large", "%s", pb->message);
    case HUB_PROBLEM_NO_MEMORY:
        return hub_reply_fail(r, 500, "internal", "%s", pb->message);
    default:
        return hub_reply_fail(r, 400, "bad-request", "%s", pb->message);
    }
}

int hub_reply_send_json(hub_reply_t *r, int status, json_t *obj)
{
    char *text;

    if (!obj)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!text)
        return hub_reply_fail(r, 500, "internal", "out of memory");
    free(r->body);
    r->body = text;
    r->body_len = strlen(text);
    r->status = status;
    r->error[0] = '\0';
    r->message[0] = '\0';
    return status;
}

int hub_reply_fail_kiosk(hub_reply_t *r, int rc)
{
    if (rc == HUB_DENIED)
        return hub_reply_fail(r, 401, "unauthorized", "unknown kiosk");
    if (rc == HUB_REVOKED)
        return hub_reply_fail(r, 403, "revoked",
                              "this kiosk was revoked; enroll it again with a"
                              " new code");
    return hub_reply_fail_db(r, rc);
}

/* The database's refusals that pass: 503 with when to come back. The
 * kiosk keeps what it sent until it is acknowledged. */
typedef struct hub_reply_later {
    int rc;
    const char *error, *message;
    int retry_after_s;
} hub_reply_later_t;

static const hub_reply_later_t hub_reply_laters[] = {
    {HUB_FULL, "storage-full",
     "the hub's storage is full; nothing was saved, try again later",
     HUB_REPLY_FULL_RETRY_S},
    {HUB_BUSY, "busy",
     "the hub's database is busy; nothing was saved, try again shortly",
     HUB_REPLY_BUSY_RETRY_S},
    /* The month's partition is made meanwhile (store/partitions.h). */
    {HUB_NO_PARTITION, "partition-missing",
     "the hub's database has no partition for a month of this request"
     " yet; nothing was saved, try again shortly",
     HUB_REPLY_BUSY_RETRY_S},
    {HUB_UNSUPPORTED, "not-supported",
     "this hub does not yet write this on its database (PostgreSQL);"
     " nothing was saved, the kiosk keeps its data and sends it again"
     " later",
     HUB_REPLY_FULL_RETRY_S},
};

int hub_reply_fail_db(hub_reply_t *r, int rc)
{
    size_t i;

    for (i = 0; i < sizeof(hub_reply_laters) / sizeof(hub_reply_laters[0]);
         i++) {
        if (hub_reply_laters[i].rc != rc)
            continue;
        hub_reply_fail(r, 503, hub_reply_laters[i].error, "%s",
                       hub_reply_laters[i].message);
        r->retry_after_s = hub_reply_laters[i].retry_after_s;
        return 503;
    }
    return hub_reply_fail(r, 500, "internal",
                          "the hub could not use its database; nothing was"
                          " saved");
}

int hub_reply_fail_scope(hub_reply_t *r, int rc)
{
    if (rc == HUB_NOT_FOUND)
        return hub_reply_fail(r, 404, "unknown-unit", "no such unit");
    if (rc == HUB_DENIED)
        return hub_reply_fail(r, 403, "forbidden",
                              "this token does not cover that unit");
    return hub_reply_fail_db(r, rc);
}

int hub_reply_finish(hub_reply_t *r)
{
    json_t *obj;
    char *text;

    if (r->body)
        return 0;
    obj = json_pack("{s:s, s:s}", "error", r->error[0] ? r->error : "internal",
                    "message", r->message);
    if (!obj)
        return -1;
    text = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (!text)
        return -1;
    r->body = text;
    r->body_len = strlen(text);
    return 0;
}
