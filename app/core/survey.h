/*
 * survey.h - a survey definition (instrument) loaded from JSON data.
 *
 * Every visible string exists in Vietnamese; another declared language
 * may lack some (NULL: survey_text() shows the Vietnamese one); every
 * question maps to an element for the indices. The whole definition is one
 * heap block: strings live in an internal pool with a hard cap, so a survey
 * is freed with survey_free() and never partially valid.
 * Pure: parses text handed to it; the caller reads files.
 * Ownership: survey_parse() returns a survey the caller owns.
 */
#ifndef SIPAS_SURVEY_H
#define SIPAS_SURVEY_H

#include <stddef.h>

#include "err.h"

#define SURVEY_ID_MAX 48
#define SURVEY_LANG_MAX 8       /* languages per survey */
#define SURVEY_LANG_CODE_MAX 8
#define SURVEY_QUESTION_MAX 48
#define SURVEY_OPTION_MAX 16
#define SURVEY_TEXT_MAX 400      /* bytes per string, UTF-8 */
#define SURVEY_POOL_MAX (96 * 1024)
#define SURVEY_SOURCE_MAX (512 * 1024)
#define SURVEY_DATE_MAX 11       /* "YYYY-MM-DD" and NUL */

typedef enum survey_kind {
    SURVEY_KIND_SCALE = 0, /* single choice, stored as an integer value */
    SURVEY_KIND_MULTI = 1  /* several option codes, possibly none */
} survey_kind_t;

/* Faces drawn beside scale labels, so colour is never the only cue. */
typedef enum survey_face {
    SURVEY_FACE_NONE = 0,
    SURVEY_FACE_VERY_SAD,
    SURVEY_FACE_SAD,
    SURVEY_FACE_NEUTRAL,
    SURVEY_FACE_HAPPY,
    SURVEY_FACE_VERY_HAPPY
} survey_face_t;

typedef struct survey_option {
    int value;                      /* scale: stored answer */
    char code[SURVEY_ID_MAX];       /* multi: stored code; scale: "" */
    survey_face_t face;
    const char *label[SURVEY_LANG_MAX]; /* indexed like survey_t.langs */
} survey_option_t;

typedef struct survey_question {
    char id[SURVEY_ID_MAX];
    char element[SURVEY_ID_MAX]; /* SIPAS element or indicator this feeds */
    char scale[SURVEY_ID_MAX];   /* scale name for KIND_SCALE, "" for multi */
    survey_kind_t kind;
    int skippable;
    int max_choices;             /* multi: 0 = no limit */
    /* A follow-up question is not asked in order: it opens right after the
     * first scale answer whose value is <= the trigger's threshold. */
    int is_follow_up;
    int follow_up_index;         /* scale: index of follow-up or -1 */
    int follow_up_le;            /* scale: open follow-up when value <= this */
    const char *text[SURVEY_LANG_MAX];
    const char *hint[SURVEY_LANG_MAX]; /* may be NULL */
    int n_options;
    survey_option_t options[SURVEY_OPTION_MAX];
} survey_question_t;

typedef struct survey {
    char id[SURVEY_ID_MAX];
    int version;
    /* The local days the instrument applies to, both included; "" for no
     * bound (an instrument without dates always applies). */
    char valid_from[SURVEY_DATE_MAX];
    char valid_to[SURVEY_DATE_MAX];
    int n_langs;
    char langs[SURVEY_LANG_MAX][SURVEY_LANG_CODE_MAX];
    const char *title[SURVEY_LANG_MAX];
    int n_questions;
    survey_question_t questions[SURVEY_QUESTION_MAX];
    size_t pool_used;
    char pool[SURVEY_POOL_MAX];
} survey_t;

/*
 * Parses and validates one definition. name is used in error messages
 * (normally the file path). Strings are NFC-normalised. Returns 0 and sets
 * *out, or -1 with err filled (file, line, column, field, reason).
 */
int survey_parse(const char *text, size_t len, const char *name,
                 survey_t **out, err_t *err);
void survey_free(survey_t *s);

/* Where a local day stands against the instrument's validity period. */
typedef enum survey_validity {
    SURVEY_VALID = 0,
    SURVEY_NOT_YET = 1, /* before valid_from */
    SURVEY_LAPSED = 2   /* after valid_to */
} survey_validity_t;

/* What the kiosk does with an instrument on a day (see docs/
 * SURVEY_FORMAT.md, "Validity period"). */
typedef enum survey_use {
    SURVEY_USE = 0,    /* valid: run it */
    SURVEY_WARN = 1,   /* outside its period by an untrusted clock: run it,
                          and say so */
    SURVEY_REFUSE = 2  /* outside its period by a synchronised clock */
} survey_use_t;

/* today is a local date "YYYY-MM-DD"; an unreadable date counts as
 * outside the period (SURVEY_NOT_YET), so a broken clock never passes
 * for a good one. */
survey_validity_t survey_check_validity(const survey_t *s, const char *today);
/* The decision for validity v, given whether the wall clock is known to
 * be synchronised. */
survey_use_t survey_decide_use(survey_validity_t v, int clock_synced);
/* "FILE:LINE:COL: valid_to: ..." for a survey outside its period, naming
 * the bound that excludes today; src/len/name are the text it was parsed
 * from (may be NULL: no position). Always NUL-terminates buf. */
void survey_describe_validity(const survey_t *s, survey_validity_t v,
                              const char *today, const char *name,
                              const char *src, size_t len, char *buf,
                              size_t cap);

/* Index of a language code in s->langs, or -1. */
int survey_find_lang(const survey_t *s, const char *code);
/* Index of a question id, or -1. */
int survey_find_question(const survey_t *s, const char *id);
/* Option of a scale question with this value, or NULL. */
const survey_option_t *survey_find_value(const survey_question_t *q, int value);
/* Option of a multi question with this code, or NULL. */
const survey_option_t *survey_find_code(const survey_question_t *q,
                                        const char *code);
/* Text in language index li, falling back to language 0. */
const char *survey_text(const char *const texts[SURVEY_LANG_MAX], int li);

#endif
