/*
 * jv.h - strict reading of request JSON.
 *
 * A request either matches its documented shape exactly or is refused with
 * a problem (which the API answers with 400) naming the field ("days[2].responses[7].complete: must
 * be an integer from 0 to 1000000"), so a technician can find the fault in
 * the kiosk's log. Unknown keys are refused: a misspelt key must never be
 * silently ignored. Integers must be JSON integers (no 1.0, no "1").
 *
 * Every reader takes the parent object, its path ("" at the top level),
 * the key and flags, and returns 1 when it stored a value, 0 when the key
 * is absent and HUB_JV_OPTIONAL or null and HUB_JV_NULLABLE (the output
 * is left as it was), -1 after describing the fault in *pb.
 * Without HUB_JV_OPTIONAL a key must be present, even when it may be
 * null.
 * Ownership: strings handed out point into the JSON value and live as
 * long as it does; paths and keys are borrowed.
 */
#ifndef SIPAS_HUB_JV_H
#define SIPAS_HUB_JV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hub/domain/problem.h"

#define HUB_JV_PATH_MAX 96

#define HUB_JV_REQUIRED 0
#define HUB_JV_OPTIONAL 1 /* absent is fine */
#define HUB_JV_NULLABLE 2 /* null is fine (the output keeps its default) */
#define HUB_JV_EMPTY 4    /* "" is accepted (codes and names) */

#define HUB_JV_SAFE_INT_MAX INT64_C(9007199254740992) /* 2^53 */

/* 0 when v is an object whose keys are all in known (NULL-terminated). */
int hub_jv_check_object(const json_t *v, const char *path,
                        const char *const *known, hub_problem_t *pb);
/* Child path "path.key" or "path[i]" into buf (truncated at cap). */
void hub_jv_path_key(char *buf, size_t cap, const char *path,
                     const char *key);
void hub_jv_path_index(char *buf, size_t cap, const char *path, size_t i);

int hub_jv_read_int(const json_t *obj, const char *path, const char *key,
                    int flags, int64_t lo, int64_t hi, int64_t *out,
                    hub_problem_t *pb);
int hub_jv_read_bool(const json_t *obj, const char *path, const char *key,
                     int flags, int *out, hub_problem_t *pb);
/* A code ([A-Za-z0-9._-]{1,64}; "" with HUB_JV_EMPTY). */
int hub_jv_read_code(const json_t *obj, const char *path, const char *key,
                     int flags, const char **out, hub_problem_t *pb);
/* A name: UTF-8 text without control characters, at most max bytes. */
int hub_jv_read_name(const json_t *obj, const char *path, const char *key,
                     int flags, size_t max, const char **out,
                     hub_problem_t *pb);
/* A string accepted by ok(); what says in words what is expected. */
int hub_jv_read_text(const json_t *obj, const char *path, const char *key,
                     int flags, int (*ok)(const char *s), const char *what,
                     const char **out, hub_problem_t *pb);
/* An array of at most max elements. */
int hub_jv_read_array(const json_t *obj, const char *path, const char *key,
                      int flags, size_t max, const json_t **out,
                      hub_problem_t *pb);

#endif
