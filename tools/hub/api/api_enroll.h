/*
 * api_enroll.h - what POST /api/v1/enroll reads from its body.
 *
 * The endpoint itself is in handler.h; the body's reading is apart so
 * that it can be driven without a database (tests/fuzz/enroll.c).
 * Ownership: the strings of a request point into the JSON value read.
 */
#ifndef SIPAS_HUB_API_ENROLL_H
#define SIPAS_HUB_API_ENROLL_H

#include <jansson.h>

#include "hub/domain/problem.h"

typedef struct hub_enroll_req {
    const char *code, *install_id, *counter, *version;
} hub_enroll_req_t;

/* 0 with *e filled when v is a valid enrollment body; -1 with *pb naming
 * the first key that is not. */
int hub_api_enroll_parse(const json_t *v, hub_enroll_req_t *e,
                         hub_problem_t *pb);

#endif
