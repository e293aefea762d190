/*
 * The log of dossier-bound ratings: append, read by revision, summarise.
 */
#include "hub/store/dossiers.h"
#include "hub/store/db_sql.h"

#include <sqlite3.h>
#include <string.h>


#define HUB_DOS_COLUMNS                                                    \
    "rev, install_id, seq, dossier, at, day, estimated, unit, field,"      \
    " instrument, version, partial, satisfied, answers,"                   \
    " coalesce(corrects, 0)"

static const char hub_dos_sql_latest[] =
    "SELECT " HUB_DOS_COLUMNS " FROM dossier_ratings"
    " WHERE install_id = ?1 AND seq = ?2 ORDER BY rev DESC LIMIT 1";
static const char hub_dos_sql_add[] =
    "INSERT INTO dossier_ratings(install_id, seq, dossier, at, day,"
    " estimated, unit, field, instrument, version, partial, satisfied,"
    " answers, corrects, upload_id, received_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, ?16)";
static const char hub_dos_sql_each[] =
    "SELECT " HUB_DOS_COLUMNS " FROM dossier_ratings WHERE rev > ?1"
    " AND (?3 IS NULL OR unit IN (SELECT value FROM json_each(?3)))"
    " ORDER BY rev LIMIT ?2";
static const char hub_dos_sql_last[] =
    "SELECT coalesce((SELECT seq FROM sqlite_sequence"
    " WHERE name = 'dossier_ratings'), 0)";
/* A row is current while no later row corrects it. */
static const char hub_dos_sql_summary[] =
    "SELECT coalesce(sum(n), 0), count(*), coalesce(sum(judged), 0),"
    " coalesce(sum(bad), 0) FROM (SELECT dossier, count(*) AS n,"
    " max(satisfied IS NOT NULL) AS judged,"
    " max(coalesce(satisfied = 0, 0)) AS bad FROM dossier_ratings d"
    " WHERE day >= ?1 AND day <= ?2"
    " AND (?3 IS NULL OR unit IN (SELECT value FROM json_each(?3)))"
    " AND NOT EXISTS (SELECT 1 FROM dossier_ratings c"
    "  WHERE c.corrects = d.rev)"
    " GROUP BY dossier)";

static void hub_dos_read(sqlite3_stmt *st, hub_dossier_rec_t *r)
{
    r->rev = sqlite3_column_int64(st, 0);
    r->install_id = sqldb_column_text(st, 1);
    r->seq = sqlite3_column_int64(st, 2);
    r->dossier = sqldb_column_text(st, 3);
    r->at_ms = sqlite3_column_int64(st, 4);
    r->day = sqldb_column_text(st, 5);
    r->estimated = sqlite3_column_int(st, 6);
    r->unit = sqldb_column_text(st, 7);
    r->field = sqldb_column_text(st, 8);
    r->instrument = sqldb_column_text(st, 9);
    r->version = sqlite3_column_int64(st, 10);
    r->partial = sqlite3_column_int(st, 11);
    r->satisfied = sqlite3_column_type(st, 12) == SQLITE_NULL
                       ? HUB_DOSSIERS_NO_VERDICT
                       : sqlite3_column_int(st, 12);
    r->answers_json = sqldb_column_text(st, 13);
    r->corrects = sqlite3_column_int64(st, 14);
}

static int hub_dos_same(const hub_dossier_rec_t *a, const hub_dossier_row_t *b)
{
    int64_t dt = a->at_ms - b->at_ms;

    return strcmp(a->dossier, b->dossier) == 0 &&
           dt < HUB_DOSSIERS_SAME_TIME_MS && dt > -HUB_DOSSIERS_SAME_TIME_MS &&
           strcmp(a->day, b->day) == 0 && a->estimated == b->estimated &&
           strcmp(a->unit, b->unit) == 0 && strcmp(a->field, b->field) == 0 &&
           strcmp(a->instrument, b->instrument) == 0 &&
           a->version == b->version && a->partial == b->partial &&
           strcmp(a->answers_json, b->answers_json) == 0;
}

/* The revision held for (kiosk, seq) and whether x says the same: *held
 * 0 when there is none. */
static int hub_dos_compare(hub_db_t *db, const char *install_id,
                           const hub_dossier_row_t *x, int64_t *held,
                           int *same)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_dos_sql_latest);
    hub_dossier_rec_t r;
    int rc = SQLITE_OK;

    *held = 0;
    *same = 0;
    if (!st)
        return HUB_ERROR;
    sqldb_bind_text(st, 1, install_id, &rc);
    sqldb_bind_int64(st, 2, x->seq, &rc);
    if (rc != SQLITE_OK) {
        sqldb_release(st);
        return hub_db_rc(sqldb_note(&db->sql, rc, "dossier lookup"));
    }
    rc = hub_db_rc(sqldb_next(&db->sql, st, "dossier lookup"));
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    hub_dos_read(st, &r);
    *held = r.rev;
    *same = hub_dos_same(&r, x);
    sqldb_release(st);
    return HUB_OK;
}

static int hub_dos_add(hub_db_t *db, const hub_upload_t *up,
                       const hub_dossier_row_t *x, int64_t corrects,
                       int64_t now_ms)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_dos_sql_add);
    int rc = SQLITE_OK;

    if (!st)
        return HUB_ERROR;
    sqldb_bind_text(st, 1, up->install_id, &rc);
    sqldb_bind_int64(st, 2, x->seq, &rc);
    sqldb_bind_text(st, 3, x->dossier, &rc);
    sqldb_bind_int64(st, 4, x->at_ms, &rc);
    sqldb_bind_text(st, 5, x->day, &rc);
    sqldb_bind_int64(st, 6, x->estimated, &rc);
    sqldb_bind_text(st, 7, x->unit, &rc);
    sqldb_bind_text(st, 8, x->field, &rc);
    sqldb_bind_text(st, 9, x->instrument, &rc);
    sqldb_bind_int64(st, 10, x->version, &rc);
    sqldb_bind_int64(st, 11, x->partial, &rc);
    if (x->satisfied == HUB_DOSSIERS_NO_VERDICT)
        sqldb_bind_text(st, 12, NULL, &rc);
    else
        sqldb_bind_int64(st, 12, x->satisfied, &rc);
    sqldb_bind_text(st, 13, x->answers_json, &rc);
    if (corrects > 0)
        sqldb_bind_int64(st, 14, corrects, &rc);
    else
        sqldb_bind_text(st, 14, NULL, &rc);
    sqldb_bind_text(st, 15, up->upload_id, &rc);
    sqldb_bind_int64(st, 16, now_ms, &rc);
    return hub_db_rc(sqldb_run(&db->sql, st, rc, "add dossier rating"));
}

int hub_dossiers_store(hub_db_t *db, const hub_upload_t *up,
                       const unsigned char *skip, int64_t now_ms,
                       hub_ingest_result_t *res)
{
    size_t i;
    int64_t held;
    int rc, same;

    for (i = 0; i < up->n_dos; i++) {
        const hub_dossier_row_t *x = &up->dos[i];

        if (skip && skip[i])
            continue;
        rc = hub_dos_compare(db, up->install_id, x, &held, &same);
        if (rc != HUB_OK)
            return rc;
        if (same) {
            res->dossiers_same++;
            continue;
        }
        rc = hub_dos_add(db, up, x, held, now_ms);
        if (rc != HUB_OK)
            return rc;
        if (held)
            res->dossiers_corrected++;
        else
            res->dossiers_new++;
    }
    return HUB_OK;
}

int hub_dossiers_each(hub_db_t *db, int64_t after, int limit,
                      const char *units_json, hub_dossiers_each_fn fn,
                      void *ctx)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_dos_sql_each);
    hub_dossier_rec_t r;
    int rc = SQLITE_OK, stop;

    if (!st)
        return HUB_ERROR;
    sqldb_bind_int64(st, 1, after, &rc);
    sqldb_bind_int64(st, 2, limit, &rc);
    sqldb_bind_text(st, 3, units_json, &rc);
    if (rc != SQLITE_OK) {
        sqldb_release(st);
        return hub_db_rc(sqldb_note(&db->sql, rc, "dossier export"));
    }
    while ((rc = hub_db_rc(sqldb_next(&db->sql, st, "dossier export"))) ==
           HUB_OK) {
        hub_dos_read(st, &r);
        stop = fn(ctx, &r);
        if (stop) {
            sqldb_release(st);
            return stop;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

int hub_dossiers_get_last(hub_db_t *db, int64_t *rev)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_dos_sql_last);
    int rc;

    *rev = 0;
    if (!st)
        return HUB_ERROR;
    rc = hub_db_rc(sqldb_next(&db->sql, st, "last dossier revision"));
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    *rev = sqlite3_column_int64(st, 0);
    sqldb_release(st);
    return HUB_OK;
}

int hub_dossiers_summarise(hub_db_t *db, const char *from, const char *to,
                           const char *units_json,
                           hub_dossier_summary_t *out)
{
    sqlite3_stmt *st = sqldb_stmt(&db->sql, hub_dos_sql_summary);
    int rc = SQLITE_OK;

    memset(out, 0, sizeof(*out));
    if (!st)
        return HUB_ERROR;
    sqldb_bind_text(st, 1, from, &rc);
    sqldb_bind_text(st, 2, to, &rc);
    sqldb_bind_text(st, 3, units_json, &rc);
    if (rc != SQLITE_OK) {
        sqldb_release(st);
        return hub_db_rc(sqldb_note(&db->sql, rc, "dossier summary"));
    }
    rc = hub_db_rc(sqldb_next(&db->sql, st, "dossier summary"));
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    out->ratings = sqlite3_column_int64(st, 0);
    out->dossiers = sqlite3_column_int64(st, 1);
    out->judged = sqlite3_column_int64(st, 2);
    out->not_satisfied = sqlite3_column_int64(st, 3);
    sqldb_release(st);
    return HUB_OK;
}
