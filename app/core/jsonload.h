/*
 * jsonload.h - what the JSON loaders (configuration, survey, UI words) share.
 *
 * Each loader walks a jansson tree and stops at the first problem, which it
 * reports in an err_t: the JSON path of the offending value, the line and
 * column where that value starts (found with jsonpos_locate) and the reason
 * in plain words. Here live the pieces every loader needs for that: the
 * error record, JSON paths, unknown-key checks, integers, flags, plain
 * identifiers, language lists and text read as NFC.
 * Internal to app/core.
 * Pure: no I/O; parses and checks what it is handed.
 * Ownership: a jsonload_t borrows everything it points to (source text,
 * err_t, string pool) from the loader, which keeps them alive while it
 * reads. jsonload_parse_text() returns a tree the caller releases with
 * json_decref(); jsonload_read_text() returns a heap string the caller
 * frees with free(). Nothing else outlives a call.
 */
#ifndef SIPAS_JSONLOAD_H
#define SIPAS_JSONLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* A JSON path fits the field of an err_t; longer paths are cut. */
#define JSONLOAD_PATH_MAX ERR_FIELD_MAX

/* Wording of text errors (jsonload_t.wording); the checks are the same. */
#define JSONLOAD_WORD_BREAKS 1u /* control: "(line breaks, tabs)" added */
#define JSONLOAD_WORD_UTF8 2u   /* invalid UTF-8 told apart from the rest */

/* One document being read. */
typedef struct jsonload {
    const char *text;   /* source, to locate errors */
    size_t len;
    err_t *err;         /* receives the first error */
    unsigned wording;   /* JSONLOAD_WORD_* */
    /* Where jsonload_store_text() copies strings; unused when pool is NULL.
     * pool_what names them in "the <pool_what> exceed N bytes in total". */
    char *pool;
    size_t pool_cap;
    size_t *pool_used;
    const char *pool_what;
} jsonload_t;

/* Clears err and names the file it is about ("" when name is NULL). */
void jsonload_reset_err(err_t *err, const char *name);
/* Parses text, duplicate keys refused. NULL on a syntax error, with err's
 * line, column and message set. */
json_t *jsonload_parse_text(const char *text, size_t len, err_t *err);

/* Fills j->err with path, message and the position of path in the source.
 * Always returns -1, so a check can end with `return jsonload_set_error()`. */
int jsonload_set_error(const jsonload_t *j, const char *path, const char *fmt,
                       ...) __attribute__((format(printf, 3, 4)));

/* parent.key, or parent["key"] when the key holds anything but A-Z, a-z,
 * 0-9, "-" and "_", so that jsonpos_locate can still follow it. */
void jsonload_append_key(char out[JSONLOAD_PATH_MAX], const char *parent,
                         const char *key);
/* parent["key"] whatever the key ("\"" and "\\" escaped). */
void jsonload_quote_key(char out[JSONLOAD_PATH_MAX], const char *parent,
                        const char *key);
/* parent[index] */
void jsonload_append_index(char out[JSONLOAD_PATH_MAX], const char *parent,
                           size_t index);

/* Index of word in a NULL-terminated list, or -1. */
int jsonload_find_word(const char *word, const char *const *list);
/* "a, b, c" from a NULL-terminated list, cut to cap. */
void jsonload_join_words(char *out, size_t cap, const char *const *list);

/* obj must be an object holding only keys from allowed (NULL-terminated):
 * a typo must stop the load, not silently keep a default. */
int jsonload_check_keys(const jsonload_t *j, json_t *obj, const char *path,
                        const char *const *allowed);
/* Sets *out to obj's member key, failing with "is required" when absent. */
int jsonload_require_member(const jsonload_t *j, json_t *obj,
                            const char *path, const char *key, json_t **out);
/* v must be an array of lo to hi elements; what names them ("options"). */
int jsonload_check_list(const jsonload_t *j, json_t *v, const char *path,
                        size_t lo, size_t hi, const char *what);

/* An integer from lo to hi. */
int jsonload_read_int(const jsonload_t *j, json_t *v, const char *path,
                      int lo, int hi, int *out);
/* The same for obj's member key; absent, *out keeps its value. */
int jsonload_read_int_member(const jsonload_t *j, json_t *obj,
                             const char *path, const char *key, int lo,
                             int hi, int *out);
/* true or false for obj's member key; absent, *out keeps its value. */
int jsonload_read_bool_member(const jsonload_t *j, json_t *obj,
                              const char *path, const char *key, int *out);

/* a-z, 0-9 and "-": identifiers and slugs. */
int jsonload_is_slug_char(int ch);
/* 1 when s has 1 to cap - 1 bytes and ok() accepts each of them. */
int jsonload_is_word(const char *s, size_t cap, int (*ok)(int));
/* A string jsonload_is_word() accepts, copied to out; what lists the
 * characters ok() allows, for the message. */
int jsonload_read_code(const jsonload_t *j, json_t *v, const char *path,
                       char *out, size_t cap, int (*ok)(int),
                       const char *what);

/* 2 or 3 letters a-z, such as "vi". */
int jsonload_is_lang_code(const char *code);
/* A list of 1 to max distinct language codes that includes "vi". codes
 * (room for max) points into v, valid while v lives; *n is their count. */
int jsonload_read_langs(const jsonload_t *j, json_t *v, const char *path,
                        size_t max, const char **codes, size_t *n);

/* A procedure field (fields.h) copied to out (cap bytes). */
int jsonload_read_field(const jsonload_t *j, json_t *v, const char *path,
                        char *out, size_t cap);
/* A list of 1 to max distinct procedure fields; field i goes to
 * out + i * cap, *n is their count. */
int jsonload_read_fields(const jsonload_t *j, json_t *v, const char *path,
                         size_t max, char *out, size_t cap, int *n);

/* A string brought to NFC, so the same word typed on two keyboards is the
 * same bytes; not blank, no control characters, at most max bytes. On
 * success *out is a heap copy of *n bytes plus a NUL. */
int jsonload_read_text(const jsonload_t *j, json_t *v, const char *path,
                       size_t max, char **out, size_t *n);
/* Copies n bytes of s and a NUL into j's pool; *out points at the copy. */
int jsonload_store_text(const jsonload_t *j, const char *s, size_t n,
                        const char *path, const char **out);
/* jsonload_read_text() into j's pool. */
int jsonload_read_pooled(const jsonload_t *j, json_t *v, const char *path,
                         size_t max, const char **out);

#endif
