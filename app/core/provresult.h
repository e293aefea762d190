/*
 * provresult.h - what provisioning from a file came to
 * (DATA/provision-result.json), told in plain Vietnamese for the
 * technician at the kiosk's screen and in `sipasctl status`.
 *
 * sipasctl writes the record; the kiosk and sipasctl status read it. The
 * Vietnamese words are made here from the status and the facts, so every
 * place that shows a result says the same thing.
 * Pure: formats and parses text.
 * Ownership: plain value type, no heap.
 */
#ifndef SIPAS_PROVRESULT_H
#define SIPAS_PROVRESULT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define PROVRESULT_NAME "provision-result.json"
#define PROVRESULT_TEXT_MAX 240
#define PROVRESULT_SAY_MAX 480
#define PROVRESULT_SOURCE_MAX 8192

/* Also sipasctl provision --file's exit status, less the usage error. */
typedef enum provresult_status {
    PROVRESULT_OK = 0,
    PROVRESULT_LOCAL_ERROR = 1,     /* nothing spent; the file is kept */
    PROVRESULT_BAD_FILE = 3,
    PROVRESULT_HUB_UNREACHABLE = 4, /* retried from the pending copy */
    PROVRESULT_CODE_REFUSED = 5
} provresult_status_t;

typedef struct provresult {
    provresult_status_t status;
    int64_t time_ms;                      /* wall clock, Unix ms */
    char unit_name[PROVRESULT_TEXT_MAX];  /* ok: the hub's unit */
    char counter[PROVRESULT_TEXT_MAX];
    int line;                             /* bad-file: where, 0 unknown */
    char field[PROVRESULT_TEXT_MAX];      /* bad-file: the JSON path */
    /* bad-file: the hub's CA file the provisioning file names ("ca")
     * that is missing or not a CA bundle; "" when the file itself is
     * wrong. The technician's words differ: the fix is another file. */
    char ca_file[PROVRESULT_TEXT_MAX];
    char detail[PROVRESULT_SAY_MAX];      /* the technical reason, English */
} provresult_t;

/* "ok", "bad-file", "hub-unreachable", "code-refused", "local-error". */
const char *provresult_status_word(provresult_status_t s);

/* What happened, one Vietnamese sentence or two, into out. */
void provresult_say_what(const provresult_t *r, char *out, size_t cap);
/* What the technician does now, in Vietnamese ("" when nothing). */
void provresult_say_todo(const provresult_t *r, char *out, size_t cap);

/* The record as JSON with a final newline (the Vietnamese words included,
 * for people who read the file). 0, or -1 when it does not fit. */
int provresult_format(const provresult_t *r, char *out, size_t cap);
/* 0, or -1 when text is not such a record. */
int provresult_parse(const char *text, size_t len, provresult_t *r);

#endif
