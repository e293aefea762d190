#include "hub/store/pghealth.h"

#include <stdio.h>

#include "hub/store/dbx.h"

/* checksum_failures is PostgreSQL 12's; NULL before any failure. */
static const char hub_pghealth_sql[] =
    "SELECT CASE WHEN current_setting('data_checksums') = 'on'"
    " THEN 1 ELSE 0 END,"
    " COALESCE((SELECT checksum_failures FROM pg_stat_database"
    " WHERE datname = current_database()), 0)";

hub_integrity_verdict_t hub_pghealth_check(hub_db_t *db, char *text,
                                           size_t cap)
{
    sqlx_stmt_t *st;
    int64_t on, failures;
    int rc;

    if (!hub_dbx_is_pg(db)) {
        snprintf(text, cap, "not a PostgreSQL database");
        return HUB_INTEGRITY_ERROR;
    }
    st = sqlx_prepare(hub_dbx(db), hub_pghealth_sql);
    rc = hub_dbx_next(db, st, HUB_OK, "integrity");
    if (rc != HUB_OK) {
        snprintf(text, cap, "%s", hub_db_last_error(db));
        return HUB_INTEGRITY_ERROR;
    }
    on = sqlx_column_int64(st, 0);
    failures = sqlx_column_int64(st, 1);
    sqlx_reset(st);
    if (failures > 0) {
        snprintf(text, cap, "postgresql: %lld checksum failures counted in"
                 " this database (pg_stat_database); run pg_amcheck and"
                 " restore from a base backup",
                 (long long)failures);
        return HUB_INTEGRITY_FAILED;
    }
    snprintf(text, cap, "postgresql: the server checks its own pages"
             " (data_checksums %s%s), no checksum failure counted",
             on ? "on" : "off",
             on ? "" : "; initdb -k or pg_checksums --enable turns them on");
    return HUB_INTEGRITY_OK;
}
