/*
 * deadline.h - when a slow client has had its time: pure arithmetic over
 * the phases of one connection, no sockets and no clock of its own.
 *
 * A connection waits for a request's head (from its opening, or from the
 * end of the previous reply on a kept-alive connection), then receives
 * its body, then the hub works (never cut: a wait on the database lock is
 * the hub's, not the client's), then the reply goes out. Only the phases
 * the client controls have deadlines; an idle timeout alone lets a client
 * that sends one byte every few seconds hold a connection for ever.
 * Ownership: plain values; the caller serialises access.
 */
#ifndef SIPAS_HUB_DEADLINE_H
#define SIPAS_HUB_DEADLINE_H

#include <stdint.h>

typedef enum hub_deadline_phase {
    HUB_DEADLINE_HEAD,  /* waiting for the complete request head */
    HUB_DEADLINE_BODY,  /* receiving the body */
    HUB_DEADLINE_WORK,  /* the hub is answering: no deadline */
    HUB_DEADLINE_REPLY  /* the reply is being sent */
} hub_deadline_phase_t;

typedef enum hub_deadline_verdict {
    HUB_DEADLINE_OK,
    HUB_DEADLINE_HEAD_LATE,    /* head not complete within head_ms */
    HUB_DEADLINE_REQUEST_LATE, /* head and body not within request_ms */
    HUB_DEADLINE_TOO_SLOW,     /* body below min_rate after its grace */
    HUB_DEADLINE_REPLY_LATE    /* reply not taken within request_ms */
} hub_deadline_verdict_t;

typedef struct hub_deadline_limits {
    int64_t head_ms;    /* > 0; also the grace before min_rate applies */
    int64_t request_ms; /* > 0, head and body together */
    int64_t min_rate;   /* body bytes a second on average; 0 = no minimum */
} hub_deadline_limits_t;

typedef struct hub_deadline {
    hub_deadline_phase_t phase;
    int64_t head_start_ms;  /* the request's first moment */
    int64_t phase_start_ms;
    uint64_t body_bytes;
} hub_deadline_t;

/* A new request may begin: the connection opened, or a reply ended. */
void hub_deadline_begin_head(hub_deadline_t *d, int64_t now_ms);
void hub_deadline_begin_body(hub_deadline_t *d, int64_t now_ms);
void hub_deadline_add_body(hub_deadline_t *d, uint64_t bytes);
void hub_deadline_begin_work(hub_deadline_t *d, int64_t now_ms);
void hub_deadline_begin_reply(hub_deadline_t *d, int64_t now_ms);

hub_deadline_verdict_t hub_deadline_check(const hub_deadline_t *d,
                                          const hub_deadline_limits_t *l,
                                          int64_t now_ms);
/* Why a verdict cuts, for the log: "headers not complete in time", ... */
const char *hub_deadline_describe(hub_deadline_verdict_t v);

#endif
