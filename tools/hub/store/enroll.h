/*
 * enroll.h - one-time enrollment codes in the database.
 *
 * `sipas-hub enroll-code` makes a code for a unit; a kiosk redeems it once
 * through POST /api/v1/enroll. The hub stores the SHA-256 of the canonical
 * code (see code.h), its unit and expiry, and who used it when.
 * Ownership: strings passed in are borrowed; out buffers are the
 * caller's.
 * Locking: the caller holds hub_db_lock() and a write transaction.
 */
#ifndef SIPAS_HUB_ENROLL_H
#define SIPAS_HUB_ENROLL_H

#include <stddef.h>
#include <stdint.h>

#include "hub/base/code.h"
#include "hub/store/db.h"

#define HUB_ENROLL_TTL_MAX_HOURS (24 * 366)

/* A new code for unit valid ttl_hours (0: already expired, for tests of
 * expiry) into code; its expiry in *expires_at. HUB_NOT_FOUND when the
 * unit does not exist. */
int hub_enroll_add_code(hub_db_t *db, const char *unit, int ttl_hours,
                        int64_t now_ms, char code[HUB_CODE_TEXT],
                        int64_t *expires_at);
/* Marks the code used by install_id and puts its unit in unit (cap
 * bytes). HUB_NOT_FOUND (unknown or not even shaped like a code),
 * HUB_USED, HUB_EXPIRED. A used code reports "used" even once expired:
 * that is the more useful thing to tell a technician. */
/* Read: the row id of the code typed (its name in the audit, never the
 * code) and its unit, used or not; HUB_NOT_FOUND when no such code. */
int hub_enroll_find(hub_db_t *db, const char *typed, int64_t *code_id,
                    char *unit, size_t cap);
int hub_enroll_redeem(hub_db_t *db, const char *typed,
                      const char *install_id, int64_t now_ms, char *unit,
                      size_t cap);

#endif
