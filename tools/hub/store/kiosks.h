/*
 * kiosks.h - enrolled kiosks: who they are, proof that it is them, and
 * what they last said about themselves.
 *
 * A kiosk is known by its install id (32 hex, made by the kiosk at its
 * first start) and proves itself with the 256-bit secret it received at
 * enrollment; the hub keeps only the secret's SHA-256 and compares digests
 * in constant time. Revoking keeps the kiosk's data and refuses its
 * requests until it is enrolled again with a new code.
 *
 * Ownership: strings passed in are borrowed for the call; records handed
 * to callbacks are valid only during the callback.
 * Locking: the caller holds hub_db_lock(); calls marked "write" run inside
 * the caller's sqldb_begin_write() transaction.
 */
#ifndef SIPAS_HUB_KIOSKS_H
#define SIPAS_HUB_KIOSKS_H

#include <stdint.h>

#include "hub/base/crypto.h"
#include "hub/base/valid.h"
#include "hub/store/db.h"

typedef struct hub_kiosk_info {
    const char *install_id, *unit, *counter, *version;
    int64_t enrolled_at;
    int64_t last_seen_at;  /* 0: never */
    int64_t revoked_at;    /* 0: active */
    const char *heartbeat; /* latest heartbeat JSON, "" for none */
    int64_t heartbeat_at;  /* 0: none */
    const char *installation; /* latest installation record, "" for none */
    int64_t installation_at;  /* 0: none */
} hub_kiosk_info_t;

typedef int (*hub_kiosks_each_fn)(void *ctx, const hub_kiosk_info_t *k);

/* HUB_OK when install_id is enrolled, not revoked and secret is its
 * secret; HUB_DENIED for an unknown kiosk or a wrong secret (the two are
 * not told apart), HUB_REVOKED, or a database error. *unit (cap bytes)
 * receives the kiosk's unit when not NULL. */
int hub_kiosks_authenticate(hub_db_t *db, const char *install_id,
                            const char *secret, char *unit, size_t cap);
/* HUB_OK for an enrolled, active kiosk; HUB_DENIED or HUB_REVOKED. Used
 * inside a write to catch a revocation that raced the request. */
int hub_kiosks_check_active(hub_db_t *db, const char *install_id);
/* As hub_kiosks_check_active(), and *unit (cap bytes) gets the kiosk's
 * enrolled unit when it is known (active or revoked). */
int hub_kiosks_get_state(hub_db_t *db, const char *install_id, char *unit,
                         size_t cap);
/* Write: enrolls install_id into unit with the digest of a new secret.
 * A new install id is added. A known one keeps its history (snapshots,
 * heartbeat) and gets the new secret when it is revoked (any unit may
 * take it: it was moved) or already in this unit (or in a unit merged
 * into this one); an active kiosk of
 * another unit gives HUB_CONFLICT and nothing changes, so a code of one
 * unit cannot take over another unit's kiosk. */
int hub_kiosks_enroll(hub_db_t *db, const char *install_id,
                      const char *unit, const char *counter,
                      const char *version,
                      const unsigned char secret_hash[HUB_SHA256_LEN],
                      int64_t now_ms);
/* Write: notes a request; version (may be NULL) replaces the known one. */
int hub_kiosks_touch(hub_db_t *db, const char *install_id,
                     const char *version, int64_t now_ms);
/* Write: revokes; HUB_NOT_FOUND for an unknown kiosk. *was_revoked is 1
 * when it already was (the first revocation time is kept). */
int hub_kiosks_revoke(hub_db_t *db, const char *install_id, int64_t now_ms,
                      int *was_revoked);
/* Every kiosk ordered by unit then install id; stops early, returning
 * that value, when fn returns non-zero. */
int hub_kiosks_each(hub_db_t *db, hub_kiosks_each_fn fn, void *ctx);

#endif
