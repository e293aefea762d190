/*
 * installation.h - a kiosk's installation record: the report of its
 * commissioning self-test (`sipasctl selftest`, docs/SELFTEST.md).
 *
 * POST /api/v1/installation carries one record. It names the kiosk (the
 * same install id as its credentials), the software version, when the
 * test ran, the overall result and up to HUB_INSTALLATION_CHECKS_MAX
 * checks, each an id, a status, a measured value and the technician's
 * line. Every key is checked for type, size and characters, unknown keys
 * are refused, and a record that breaks any rule is refused whole.
 * Ownership: the parsed record points into the JSON value it came from.
 * The record's type and its storing are the store's
 * (store/installations.h).
 */
#ifndef SIPAS_HUB_INSTALLATION_H
#define SIPAS_HUB_INSTALLATION_H

#include <jansson.h>
#include <stdint.h>

#include "hub/domain/problem.h"
#include "hub/store/installations.h"

#define HUB_INSTALLATION_FORMAT 1
#define HUB_INSTALLATION_CHECKS_MAX 16
#define HUB_INSTALLATION_VALUE_MAX 96    /* bytes of a measured value */
#define HUB_INSTALLATION_MESSAGE_MAX 480 /* bytes of a technician's line */

/* 0 with *rec filled when v is a valid record, -1 with *pb set. */
int hub_installation_parse(const json_t *v, hub_installation_t *rec,
                           hub_problem_t *pb);

#endif
