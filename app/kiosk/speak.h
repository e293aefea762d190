/*
 * speak.h - plays the spoken prompts (listening mode) through SDL audio.
 *
 * A prompt is a WAV file found by name (core/voice.h): first in the data
 * directory's voice/<lang>/ (a province's own recording wins), then in
 * the installed set's voice/<folder>/ (<folder> names the regional voice).
 * Audio is opened at the first prompt, not at start: a kiosk nobody asks
 * to listen never touches it. No device, a device that fails or goes
 * away: the prompt is skipped, one "audio-unavailable" event says why,
 * and nothing a citizen does waits for sound. Playing never blocks: the
 * samples are queued and the previous prompt is cut short.
 * Ownership: speak_open() returns a player freed by speak_close(); it
 * borrows the event stream, which must outlive it.
 */
#ifndef SIPAS_SPEAK_H
#define SIPAS_SPEAK_H

#include "kiosk/events.h"

typedef struct speak speak_t;

#define SPEAK_PATH_MAX 1024

typedef enum speak_result {
    SPEAK_PLAYED = 0,
    SPEAK_MISSING,  /* no file of that name: the screen shows a cue */
    SPEAK_SILENT    /* a file, but no audio to play it on */
} speak_result_t;

/* data_dir: the kiosk's data directory; installed: the generated set's
 * base folder (NULL: next to the program, else /usr/share/sipas-kiosk). */
int speak_open(speak_t **out, const char *data_dir, const char *installed,
               events_t *ev);
void speak_close(speak_t *s);

/* Plays <lang or folder>/<name>.wav, cutting short what was playing.
 * The file chosen goes to the event stream as a "prompt" event. */
speak_result_t speak_play(speak_t *s, const char *lang, const char *folder,
                          const char *name);
/* Stops any prompt at once (a new citizen, a new screen). */
void speak_stop(speak_t *s);

#endif
