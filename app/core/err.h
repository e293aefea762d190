/*
 * err.h - one error record shared by every module that reads input.
 *
 * A malformed survey or configuration must name the file, the line and the
 * field so a technician can fix it without reading code; every loader fills
 * this record instead of printing.
 * Ownership: plain value type, no heap.
 */
#ifndef SIPAS_ERR_H
#define SIPAS_ERR_H

#include <stddef.h>

#define ERR_FILE_MAX 256
#define ERR_FIELD_MAX 160
#define ERR_MSG_MAX 320

typedef struct err {
    char file[ERR_FILE_MAX];   /* file name as given, or "<embedded>" */
    int line;                  /* 1-based, 0 when unknown */
    int column;                /* 1-based, 0 when unknown */
    char field[ERR_FIELD_MAX]; /* JSON path such as questions[2].text.en */
    char msg[ERR_MSG_MAX];     /* what is wrong, in plain words */
} err_t;

void err_clear(err_t *e);
/* Sets field and message (printf-style); file/line are left as they are. */
void err_set(err_t *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "file:line:column: field: message" into buf (always NUL-terminated). */
void err_format(const err_t *e, char *buf, size_t cap);

#endif
