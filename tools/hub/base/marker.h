/*
 * marker.h - whether the previous server stopped cleanly.
 *
 * "DB-serving" exists next to the database from the moment the server
 * starts until it has closed the database after SIGTERM or SIGINT. Found
 * at start, it says the previous server was killed, crashed or lost its
 * power: the moment a database is most likely to be damaged, and so the
 * one that earns an integrity check without waiting for the schedule.
 * A file and not a row: the database may be the thing that broke, and a
 * row would need a write at every start and stop.
 *
 * Ownership: paths are borrowed; errors go to the caller's buffer.
 */
#ifndef SIPAS_HUB_MARKER_H
#define SIPAS_HUB_MARKER_H

#include <stddef.h>

#define HUB_MARKER_SUFFIX "-serving"

/* Creates DB-serving (mode 0600) and makes its name durable (fsync of
 * the directory), so a power cut right after start still leaves it.
 * *existed is 1 when it was already there. 0, or -1 with the reason. */
int hub_marker_create(const char *db_path, int *existed, char *err,
                      size_t cap);
/* Removes DB-serving after a clean stop (durably). 0, or -1. */
int hub_marker_remove(const char *db_path, char *err, size_t cap);

#endif
