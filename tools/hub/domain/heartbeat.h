/*
 * heartbeat.h - a kiosk's report on itself.
 *
 * Sent alone (POST /api/v1/heartbeat) when nothing is pending and inside
 * every upload. The hub keeps the latest one per kiosk with the time it
 * arrived, for `sipas-hub kiosk list`: is the clock synchronised, is the
 * disk filling up, does the database pass its check, is data piling up.
 * Every key is optional; each present one is checked for type and range,
 * and unknown keys are refused.
 * Ownership: the parsed record points into the JSON value it came from.
 * The record's type and its storing are the store's (store/heartbeats.h).
 */
#ifndef SIPAS_HUB_HEARTBEAT_H
#define SIPAS_HUB_HEARTBEAT_H

#include <jansson.h>

#include "hub/domain/problem.h"
#include "hub/store/heartbeats.h"

/* 0 with *hb filled when v is a valid heartbeat, -1 with *pb set. path
 * names v in messages ("" for a whole request body). */
int hub_heartbeat_parse(const json_t *v, const char *path,
                        hub_heartbeat_t *hb, hub_problem_t *pb);

#endif
