#include "hub/http/deadline.h"

void hub_deadline_begin_head(hub_deadline_t *d, int64_t now_ms)
{
    d->phase = HUB_DEADLINE_HEAD;
    d->head_start_ms = now_ms;
    d->phase_start_ms = now_ms;
    d->body_bytes = 0;
}

void hub_deadline_begin_body(hub_deadline_t *d, int64_t now_ms)
{
    d->phase = HUB_DEADLINE_BODY;
    d->phase_start_ms = now_ms;
    d->body_bytes = 0;
}

void hub_deadline_add_body(hub_deadline_t *d, uint64_t bytes)
{
    d->body_bytes += bytes;
}

void hub_deadline_begin_work(hub_deadline_t *d, int64_t now_ms)
{
    d->phase = HUB_DEADLINE_WORK;
    d->phase_start_ms = now_ms;
}

void hub_deadline_begin_reply(hub_deadline_t *d, int64_t now_ms)
{
    d->phase = HUB_DEADLINE_REPLY;
    d->phase_start_ms = now_ms;
}

/* Below the minimum rate: judged only after a grace as long as the head
 * deadline, so a body's first round trips (and TCP's slow start) do not
 * count against it. */
static int hub_deadline_too_slow(const hub_deadline_t *d,
                                 const hub_deadline_limits_t *l,
                                 int64_t now_ms)
{
    int64_t elapsed = now_ms - d->phase_start_ms;

    if (l->min_rate <= 0 || elapsed <= l->head_ms)
        return 0;
    /* body_bytes * 1000 < min_rate * elapsed, in 64 bits: a body is at
     * most a few MiB and elapsed at most the request deadline (hours). */
    return (int64_t)d->body_bytes * 1000 < l->min_rate * elapsed;
}

hub_deadline_verdict_t hub_deadline_check(const hub_deadline_t *d,
                                          const hub_deadline_limits_t *l,
                                          int64_t now_ms)
{
    switch (d->phase) {
    case HUB_DEADLINE_HEAD:
        return now_ms - d->head_start_ms > l->head_ms ? HUB_DEADLINE_HEAD_LATE
                                                      : HUB_DEADLINE_OK;
    case HUB_DEADLINE_BODY:
        if (now_ms - d->head_start_ms > l->request_ms)
            return HUB_DEADLINE_REQUEST_LATE;
        return hub_deadline_too_slow(d, l, now_ms) ? HUB_DEADLINE_TOO_SLOW
                                                   : HUB_DEADLINE_OK;
    case HUB_DEADLINE_REPLY:
        return now_ms - d->phase_start_ms > l->request_ms
                   ? HUB_DEADLINE_REPLY_LATE
                   : HUB_DEADLINE_OK;
    case HUB_DEADLINE_WORK:
    default:
        return HUB_DEADLINE_OK;
    }
}

const char *hub_deadline_describe(hub_deadline_verdict_t v)
{
    switch (v) {
    case HUB_DEADLINE_HEAD_LATE:
        return "request headers not complete in time";
    case HUB_DEADLINE_REQUEST_LATE:
        return "request not complete in time";
    case HUB_DEADLINE_TOO_SLOW:
        return "request body below the minimum rate";
    case HUB_DEADLINE_REPLY_LATE:
        return "reply not taken in time";
    case HUB_DEADLINE_OK:
    default:
        return "in time";
    }
}
