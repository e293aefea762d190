/*
 * events.h - the machine-readable event stream (--events FILE|-).
 *
 * One JSON object per line, flushed at once, for tests and supervisors:
 *   {"event":"screen","screen":"question","ms":5250}
 *   {"event":"committed","seq":12,"instrument":"sipas-short", ...}
 *   {"event":"view","contrast":true,"large":false,"listen":false}
 *   {"event":"prompt","name":"sipas-short.overall","file":"...","played":true}
 * "committed" is written only after the store returned from a durable
 * commit. "ms" is when, in milliseconds since the clock was set (the
 * kiosk's start), on the clock its deadlines run on: virtual in script
 * mode, so how long a screen stays is exact. Without --events nothing is
 * written.
 * Ownership: events_open() returns a stream closed by events_close().
 */
#ifndef SIPAS_EVENTS_H
#define SIPAS_EVENTS_H

#include <stdint.h>

#include "platform/pclock.h"

typedef struct events events_t;

/* path "-" is stdout; NULL gives a stream that writes nothing. */
int events_open(events_t **out, const char *path);
void events_close(events_t *e);
/* Events from now on carry "ms" on c, counted from this call; c must
 * outlive the stream. */
void events_set_clock(events_t *e, const pclock_t *c);
void events_screen(events_t *e, const char *screen);
void events_committed(events_t *e, int64_t seq, const char *instrument,
                      int partial, int suppressed);
/* The citizen's view changed:
 * {"event":"view","contrast":B,"large":B,"listen":B}.
 * It names no response and no answer: a view is not data. */
void events_view(events_t *e, int contrast, int large, int listen);
/* A spoken prompt: {"event":"prompt","name":N,"file":F|null,"played":B}.
 * file is what was chosen (null: no file of that name, the screen shows
 * a cue); played is false when there was no audio to play it on. */
void events_prompt(events_t *e, const char *name, const char *file,
                   int played);
/* A fact for the technician: kind ("error", "recovered", "officer", ...)
 * and a message. */
void events_note(events_t *e, const char *kind, const char *message);

#endif
