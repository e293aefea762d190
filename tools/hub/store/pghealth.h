/*
 * pghealth.h - what the hub's integrity check is on PostgreSQL.
 *
 * SQLite's quick_check (integrity.h) reads the whole file because
 * nothing else would see a damaged page. A PostgreSQL server checks its
 * own pages as it reads them when the cluster has data checksums
 * (initdb -k, or pg_checksums --enable while stopped) and counts the
 * failures in pg_stat_database; indexes are checked by amcheck
 * (pg_amcheck), an operator's job with its own cost. So the hub's check
 * there is cheap: whether checksums are on and how many failures the
 * server has counted in this database.
 *
 * Ownership: text is the caller's. Under hub_db_lock().
 */
#ifndef SIPAS_HUB_PGHEALTH_H
#define SIPAS_HUB_PGHEALTH_H

#include <stddef.h>

#include "hub/store/db.h"
#include "hub/store/integrity.h"

/* HUB_INTEGRITY_OK (checksums on or off, no failure counted),
 * HUB_INTEGRITY_FAILED (the server counted checksum failures), or
 * HUB_INTEGRITY_ERROR (no answer; SQLite); text says which, in words. */
hub_integrity_verdict_t hub_pghealth_check(hub_db_t *db, char *text,
                                           size_t cap);

#endif
