/*
 * voice.h - stable names of the spoken prompts, and where each voice's
 * files live. Pure.
 *
 * A prompt is one WAV file, voice/<folder>/<name>.wav. The names are the
 * contract between the build (which generates a set with espeak-ng), the
 * province (which may replace any file with a human recording of the same
 * name) and the kiosk (which plays them), so they derive only from ids
 * that never change with wording:
 *   <survey>.<question>            a question's text and hint
 *   <survey>.<scale>.<value>       an answer of a scale (shared by every
 *                                  question on that scale)
 *   <survey>.<question>.<code>     a choice of a multi-choice question
 *   ui.<key>                       UI words by their i18n key
 * e.g. sipas-short.overall, sipas-short.sipas5.5,
 * sipas-short.reasons.cho-lau, ui.voice.on. Characters outside
 * [A-Za-z0-9._-] become '_'.
 * The folder is the language code, and for Vietnamese the regional voice:
 * vi (Northern), vi-central, vi-south; km and others: the code.
 * Ownership: writes into caller buffers only.
 */
#ifndef SIPAS_VOICE_H
#define SIPAS_VOICE_H

#include <stddef.h>

#include "survey.h"

#define VOICE_NAME_MAX 160
#define VOICE_FOLDER_MAX 24

typedef enum voice_variant {
    VOICE_NORTH = 0,
    VOICE_CENTRAL,
    VOICE_SOUTH,
    VOICE_VARIANT_COUNT
} voice_variant_t;

/* "north", "central", "south" -> variant; -1 for anything else. */
int voice_variant_parse(const char *word);
const char *voice_variant_word(voice_variant_t v);

/* Each returns 0, or -1 when the name would not fit cap (buf is then ""). */
int voice_name_question(const survey_t *s, int qi, char *buf, size_t cap);
int voice_name_option(const survey_t *s, int qi, int oi, char *buf,
                      size_t cap);
int voice_name_ui(const char *key, char *buf, size_t cap);
/* The folder of lang's prompts in variant v (the variant only applies to
 * Vietnamese). */
int voice_folder(const char *lang, voice_variant_t v, char *buf, size_t cap);

#endif
