/*
 * The log of dossier-bound ratings: append, read by revision, summarise.
 */
#include "hub/store/dossiers.h"
#include "hub/store/dbx.h"

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
/* ?3, a JSON array of unit codes, as rows: each dialect has its own
 * function for it; the rest of a statement is shared. */
#define HUB_DOS_UNITS_SQLITE "SELECT value FROM json_each(?3)"
#define HUB_DOS_UNITS_PG "SELECT json_array_elements_text(CAST(?3 AS json))"
#define HUB_DOS_IN_UNITS(units)                                            \
    " AND (CAST(?3 AS TEXT) IS NULL OR unit IN (" units "))"
#define HUB_DOS_SQL_EACH(units)                                            \
    "SELECT " HUB_DOS_COLUMNS " FROM dossier_ratings WHERE rev > ?1"       \
    HUB_DOS_IN_UNITS(units) " ORDER BY rev LIMIT ?2"
/* A row is current while no later row corrects it. */
#define HUB_DOS_SQL_SUMMARY(units)                                         \
    "SELECT coalesce(sum(n), 0), count(*), coalesce(sum(judged), 0),"      \
    " coalesce(sum(bad), 0) FROM (SELECT dossier, count(*) AS n,"          \
    " max(CASE WHEN satisfied IS NOT NULL THEN 1 ELSE 0 END) AS judged,"   \
    " max(CASE WHEN satisfied = 0 THEN 1 ELSE 0 END) AS bad"               \
    " FROM dossier_ratings d WHERE day >= ?1 AND day <= ?2"                \
    HUB_DOS_IN_UNITS(units)                                                \
    " AND NOT EXISTS (SELECT 1 FROM dossier_ratings c"                     \
    "  WHERE c.corrects = d.rev)"                                          \
    " GROUP BY dossier) AS per_dossier"

static const char hub_dos_sql_each_sqlite[] =
    HUB_DOS_SQL_EACH(HUB_DOS_UNITS_SQLITE);
static const char hub_dos_sql_each_pg[] = HUB_DOS_SQL_EACH(HUB_DOS_UNITS_PG);
static const char hub_dos_sql_summary_sqlite[] =
    HUB_DOS_SQL_SUMMARY(HUB_DOS_UNITS_SQLITE);
static const char hub_dos_sql_summary_pg[] =
    HUB_DOS_SQL_SUMMARY(HUB_DOS_UNITS_PG);
/* SQLite's AUTOINCREMENT counter survives its rows; PostgreSQL's
 * identity is no transaction's, so it may name a rolled back row: there
 * the highest stored one, the log being append-only. */
static const char hub_dos_sql_last_sqlite[] =
    "SELECT coalesce((SELECT seq FROM sqlite_sequence"
    " WHERE name = 'dossier_ratings'), 0)";
static const char hub_dos_sql_last_pg[] =
    "SELECT coalesce(max(rev), 0) FROM dossier_ratings";

static void hub_dos_read(sqlx_stmt_t *st, hub_dossier_rec_t *r)
{
    r->rev = sqlx_column_int64(st, 0);
    r->install_id = sqlx_column_text(st, 1);
    r->seq = sqlx_column_int64(st, 2);
    r->dossier = sqlx_column_text(st, 3);
    r->at_ms = sqlx_column_int64(st, 4);
    r->day = sqlx_column_text(st, 5);
    r->estimated = (int)sqlx_column_int64(st, 6);
    r->unit = sqlx_column_text(st, 7);
    r->field = sqlx_column_text(st, 8);
    r->instrument = sqlx_column_text(st, 9);
    r->version = sqlx_column_int64(st, 10);
    r->partial = (int)sqlx_column_int64(st, 11);
    r->satisfied = sqlx_column_is_null(st, 12)
                       ? HUB_DOSSIERS_NO_VERDICT
                       : (int)sqlx_column_int64(st, 12);
    r->answers_json = sqlx_column_text(st, 13);
    r->corrects = sqlx_column_int64(st, 14);
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
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_dos_sql_latest);
    hub_dossier_rec_t r;
    int rc = HUB_OK;

    *held = 0;
    *same = 0;
    sqlx_bind_text(st, 1, install_id, &rc);
    sqlx_bind_int64(st, 2, x->seq, &rc);
    rc = hub_dbx_next(db, st, rc, "dossier lookup");
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    hub_dos_read(st, &r);
    *held = r.rev;
    *same = hub_dos_same(&r, x);
    sqlx_reset(st);
    return HUB_OK;
}

static int hub_dos_add(hub_db_t *db, const hub_upload_t *up,
                       const hub_dossier_row_t *x, int64_t corrects,
                       int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_dos_sql_add);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, up->install_id, &rc);
    sqlx_bind_int64(st, 2, x->seq, &rc);
    sqlx_bind_text(st, 3, x->dossier, &rc);
    sqlx_bind_int64(st, 4, x->at_ms, &rc);
    sqlx_bind_text(st, 5, x->day, &rc);
    sqlx_bind_int64(st, 6, x->estimated, &rc);
    sqlx_bind_text(st, 7, x->unit, &rc);
    sqlx_bind_text(st, 8, x->field, &rc);
    sqlx_bind_text(st, 9, x->instrument, &rc);
    sqlx_bind_int64(st, 10, x->version, &rc);
    sqlx_bind_int64(st, 11, x->partial, &rc);
    if (x->satisfied == HUB_DOSSIERS_NO_VERDICT)
        sqlx_bind_null(st, 12, &rc);
    else
        sqlx_bind_int64(st, 12, x->satisfied, &rc);
    sqlx_bind_text(st, 13, x->answers_json, &rc);
    if (corrects > 0)
        sqlx_bind_int64(st, 14, corrects, &rc);
    else
        sqlx_bind_null(st, 14, &rc);
    sqlx_bind_text(st, 15, up->upload_id, &rc);
    sqlx_bind_int64(st, 16, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "add dossier rating");
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

/* The caller's callback and its context, for hub_dbx_each(). */
typedef struct hub_dos_walk {
    hub_dossiers_each_fn fn;
    void *ctx;
} hub_dos_walk_t;

static int hub_dos_each_row(void *ctx, sqlx_stmt_t *st)
{
    const hub_dos_walk_t *w = ctx;
    hub_dossier_rec_t r;

    hub_dos_read(st, &r);
    return w->fn(w->ctx, &r);
}

int hub_dossiers_each(hub_db_t *db, int64_t after, int limit,
                      const char *units_json, hub_dossiers_each_fn fn,
                      void *ctx)
{
    sqlx_stmt_t *st = hub_dbx_prepare_dialect(
        db, hub_dos_sql_each_sqlite, hub_dos_sql_each_pg);
    hub_dos_walk_t w = {fn, ctx};
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, after, &rc);
    sqlx_bind_int64(st, 2, limit, &rc);
    sqlx_bind_text(st, 3, units_json, &rc);
    return hub_dbx_each(db, st, rc, "dossier export", hub_dos_each_row, &w);
}

int hub_dossiers_get_last(hub_db_t *db, int64_t *rev)
{
    sqlx_stmt_t *st = hub_dbx_prepare_dialect(
        db, hub_dos_sql_last_sqlite, hub_dos_sql_last_pg);
    int rc;

    *rev = 0;
    rc = hub_dbx_next(db, st, st ? HUB_OK : HUB_ERROR,
                      "last dossier revision");
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    *rev = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return HUB_OK;
}

int hub_dossiers_summarise(hub_db_t *db, const char *from, const char *to,
                           const char *units_json,
                           hub_dossier_summary_t *out)
{
    sqlx_stmt_t *st = hub_dbx_prepare_dialect(
        db, hub_dos_sql_summary_sqlite, hub_dos_sql_summary_pg);
    int rc = HUB_OK;

    memset(out, 0, sizeof(*out));
    sqlx_bind_text(st, 1, from, &rc);
    sqlx_bind_text(st, 2, to, &rc);
    sqlx_bind_text(st, 3, units_json, &rc);
    rc = hub_dbx_next(db, st, rc, "dossier summary");
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    out->ratings = sqlx_column_int64(st, 0);
    out->dossiers = sqlx_column_int64(st, 1);
    out->judged = sqlx_column_int64(st, 2);
    out->not_satisfied = sqlx_column_int64(st, 3);
    sqlx_reset(st);
    return HUB_OK;
}
