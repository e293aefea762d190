/*
 * problem.h - why the hub refuses what a kiosk sent.
 *
 * The checks of uploads and heartbeats say what is wrong in a kind and a
 * sentence; the API turns the kind into an HTTP status and error code.
 */
#ifndef SIPAS_HUB_PROBLEM_H
#define SIPAS_HUB_PROBLEM_H

#define HUB_PROBLEM_MSG_MAX 320

typedef enum hub_problem_kind {
    HUB_PROBLEM_NONE = 0,
    HUB_PROBLEM_INVALID,   /* not what the protocol allows */
    HUB_PROBLEM_TOO_LARGE, /* more than the hub takes at once */
    HUB_PROBLEM_NO_MEMORY
} hub_problem_kind_t;

typedef struct hub_problem {
    hub_problem_kind_t kind;
    char message[HUB_PROBLEM_MSG_MAX]; /* valid UTF-8, cut to fit */
} hub_problem_t;

void hub_problem_init(hub_problem_t *pb);
/* Sets the kind and message; returns -1, what the checks return. */
int hub_problem_set(hub_problem_t *pb, hub_problem_kind_t kind,
                    const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
