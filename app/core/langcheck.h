/*
 * langcheck.h - which strings each language lacks, against Vietnamese.
 *
 * Vietnamese ("vi") is the reference and the fallback: the kiosk shows its
 * text wherever another language lacks one. A province adding a language
 * (docs/LANGUAGES.md) needs the list of what is still to translate, file by
 * file, key by key; this module makes it from the UI words (i18n/ui.json)
 * and the surveys (surveys/NAME.json), for every language that any of them
 * names: the keys of ui.json, and the languages listed by each survey.
 *
 * Findings:
 *   MISSING   a string Vietnamese has and the language lacks (or leaves
 *             empty); the kiosk shows the Vietnamese one
 *   UNLISTED  a survey whose "languages" does not name the language: the
 *             kiosk cannot offer it with that survey
 *   EXTRA     a key of ui.json the language has and Vietnamese does not
 *             (misspelt): the kiosk refuses such a file
 *   STRAY     a code in a survey's text object that no file names as a
 *             language ("rda" beside "rad"): refused too
 * The first two are warnings, EXTRA and STRAY always errors; whether warnings fail
 * a check is the caller's choice (sipasctl check --strict-lang).
 *
 * Pure: reads text handed to it, no files. The report keeps at most
 * LANGCHECK_FINDING_MAX findings and counts the rest.
 * Ownership: langcheck_new() returns a checker the caller frees with
 * langcheck_free(); it keeps the parsed files until then. Texts and names
 * passed in are copied or parsed, never kept.
 */
#ifndef SIPAS_LANGCHECK_H
#define SIPAS_LANGCHECK_H

#include <stddef.h>

#include "err.h"

#define LANGCHECK_FILE_MAX 32       /* files per check */
#define LANGCHECK_NAME_MAX 512      /* a file's name as shown */
#define LANGCHECK_LANGS_MAX 16      /* languages per check */
#define LANGCHECK_CODE_MAX 8
#define LANGCHECK_PATH_MAX 160      /* "questions[2].options[1].label" */
#define LANGCHECK_NOTE_MAX 160      /* a "review" note, as shown */
#define LANGCHECK_REVIEW "review"   /* the notes' key beside the languages */
#define LANGCHECK_FINDING_MAX 4096
#define LANGCHECK_SOURCE_MAX (512 * 1024)
#define LANGCHECK_REFERENCE "vi"

typedef enum langcheck_kind {
    LANGCHECK_MISSING = 0,
    LANGCHECK_UNLISTED = 1,
    LANGCHECK_EXTRA = 2,
    LANGCHECK_STRAY = 3
} langcheck_kind_t;

typedef enum langcheck_source {
    LANGCHECK_UI = 0,     /* {"vi": {key: text}, "rad": {...}} */
    LANGCHECK_SURVEY = 1  /* text objects {"vi": .., "rad": ..} anywhere */
} langcheck_source_t;

typedef struct langcheck_finding {
    langcheck_kind_t kind;
    int file;                         /* index for langcheck_file_name() */
    char lang[LANGCHECK_CODE_MAX];    /* STRAY: the stray code */
    /* ui.json: the key ("button.back"); a survey: the JSON path of the
     * text object ("questions[2].options[1].label"), or "languages" for
     * UNLISTED (ui.json: the language's code); STRAY: the path and the
     * stray code ("title.rda"). */
    char path[LANGCHECK_PATH_MAX];
} langcheck_finding_t;

typedef struct langcheck_total {
    char lang[LANGCHECK_CODE_MAX];
    int strings;  /* Vietnamese strings checked, over every file */
    int missing;
    int unlisted;
    int extra;    /* keys of ui.json Vietnamese lacks */
    /* The first note a file gives on the language's state, from
     * "review": {"km": "machine-drafted, awaiting review ..."}; "" when
     * none does. Cut at LANGCHECK_NOTE_MAX - 1 bytes. */
    char review[LANGCHECK_NOTE_MAX];
} langcheck_total_t;

typedef struct langcheck langcheck_t;

langcheck_t *langcheck_new(void);
void langcheck_free(langcheck_t *lc);

/* Parses one file (name is how findings name it). Returns 0, or -1 with
 * err set (not JSON, too large, too many files or languages, no "vi");
 * the checker stays usable after an error. */
int langcheck_add(langcheck_t *lc, langcheck_source_t source,
                  const char *text, size_t len, const char *name, err_t *err);

/* Compares every file added against Vietnamese, for every language any of
 * them names. Call once, after the last langcheck_add(). 0, or -1 when it
 * was already run. */
int langcheck_run(langcheck_t *lc);

/* Results, valid until langcheck_free(). Languages are in the order they
 * were first named, Vietnamese excluded. */
int langcheck_count_langs(const langcheck_t *lc);
const langcheck_total_t *langcheck_total(const langcheck_t *lc, int i);
int langcheck_count_findings(const langcheck_t *lc);
const langcheck_finding_t *langcheck_finding(const langcheck_t *lc, int i);
/* Findings past LANGCHECK_FINDING_MAX, counted in the totals only. */
int langcheck_count_dropped(const langcheck_t *lc);
/* Findings of one kind over every file and language, dropped ones too. */
int langcheck_count_kind(const langcheck_t *lc, langcheck_kind_t kind);
const char *langcheck_file_name(const langcheck_t *lc, int file);

/* "missing", "unlisted", "extra", "stray". */
const char *langcheck_kind_name(langcheck_kind_t kind);

#endif
