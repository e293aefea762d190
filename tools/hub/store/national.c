#include "hub/store/national.h"
#include "hub/store/dbx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "hub/store/provtotals.h"
#include "hub/store/units.h"

static const char hub_national_sql_cred_insert[] =
    "INSERT INTO national_credentials(hash, province, created_at)"
    " VALUES(?1, ?2, ?3) RETURNING id";
static const char hub_national_sql_cred_find[] =
    "SELECT id, hash, province FROM national_credentials"
    " WHERE hash = ?1 AND revoked_at IS NULL";
static const char hub_national_sql_cred_revoke[] =
    "UPDATE national_credentials SET revoked_at = ?2"
    " WHERE id = ?1 AND revoked_at IS NULL RETURNING id";
static const char hub_national_sql_seq[] =
    "SELECT seq FROM national_months WHERE province = ?1 AND month = ?2";
static const char hub_national_sql_put_seq[] =
    "INSERT INTO national_months(province, month, seq, pushed_at)"
    " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(province, month) DO UPDATE SET"
    " seq = excluded.seq, pushed_at = excluded.pushed_at";
static const char hub_national_sql_drop_units[] =
    "DELETE FROM national_month_units WHERE province = ?1 AND month = ?2";
static const char hub_national_sql_put_unit[] =
    "INSERT INTO national_month_units(province, month, unit)"
    " VALUES(?1, ?2, ?3) ON CONFLICT(province, month, unit) DO NOTHING";
static const char hub_national_sql_each_province[] =
    "SELECT m.province, count(*), max(m.pushed_at), coalesce(t.slug, ''),"
    " coalesce(t.pushed_at, 0), coalesce(t.dashboard, '')"
    " FROM national_months m LEFT JOIN national_targets t"
    " ON t.province = m.province GROUP BY m.province, t.slug,"
    " t.pushed_at, t.dashboard ORDER BY m.province";
static const char hub_national_sql_put_targets[] =
    "INSERT INTO national_targets(province, slug, body, dashboard,"
    " pushed_at) VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(province) DO"
    " UPDATE SET slug = excluded.slug, body = excluded.body,"
    " dashboard = excluded.dashboard, pushed_at = excluded.pushed_at"
    " WHERE national_targets.slug <> excluded.slug OR"
    " national_targets.body <> excluded.body OR"
    " national_targets.dashboard <> excluded.dashboard";
static const char hub_national_sql_each_targets[] =
    "SELECT province, slug, body FROM national_targets ORDER BY province";
static const char hub_national_sql_fwd_get[] =
    "SELECT seq, digest FROM forward_months WHERE month = ?1";
static const char hub_national_sql_fwd_seq[] =
    "INSERT INTO forward_months(month, seq) VALUES(?1, ?2)"
    " ON CONFLICT(month) DO UPDATE SET seq = excluded.seq";
static const char hub_national_sql_fwd_acked[] =
    "UPDATE forward_months SET digest = ?2, acked_at = ?3 WHERE month = ?1";
static const char hub_national_sql_each_officer[] =
    "SELECT unit, field, instrument, officer, sum(complete)"
    " FROM stat_staff_responses WHERE month = ?1 AND officer <> ''"
    " GROUP BY unit, field, instrument, officer HAVING sum(complete) > 0"
    " ORDER BY unit, field, instrument, officer";
static const char hub_national_sql_each_month[] =
    "SELECT DISTINCT month FROM stat_month_responses ORDER BY month";

/* The units (province, month) wrote, as a subquery on ?1 and ?2. */
#define NAT_UNITS                                                         \
    " unit IN (SELECT unit FROM national_month_units WHERE province = ?1" \
    " AND month = ?2)"
/* A kind's columns: the key beyond (unit, field, instrument), the
 * counts, their sums times the sign ?3, and the upsert's additions (the
 * old row named by its table t: PostgreSQL finds a bare column
 * ambiguous beside excluded's). */
#define NAT_RESP_OWN ""
#define NAT_RESP_CNT "complete, partial, suppressed, rows"
#define NAT_RESP_SUM                                                      \
    "CAST(?3 AS BIGINT) * sum(complete), CAST(?3 AS BIGINT) * sum(partial)," \
    " CAST(?3 AS BIGINT) * sum(suppressed), CAST(?3 AS BIGINT) * sum(rows)"
#define NAT_RESP_SET(t)                                                   \
    "complete = " t ".complete + excluded.complete, partial = " t         \
    ".partial + excluded.partial, suppressed = " t ".suppressed +"        \
    " excluded.suppressed, rows = " t ".rows + excluded.rows"
#define NAT_ANS_OWN ", question, element, answer"
#define NAT_ANS_CNT "n, pn, rows"
#define NAT_ANS_SUM                                                       \
    "CAST(?3 AS BIGINT) * sum(n), CAST(?3 AS BIGINT) * sum(pn),"          \
    " CAST(?3 AS BIGINT) * sum(rows)"
#define NAT_ANS_SET(t)                                                    \
    "n = " t ".n + excluded.n, pn = " t ".pn + excluded.pn, rows = " t    \
    ".rows + excluded.rows"
#define NAT_EL_OWN ", element"
#define NAT_EL_CNT "n, pn, approx, rows"
#define NAT_EL_SUM                                                        \
    "CAST(?3 AS BIGINT) * sum(n), CAST(?3 AS BIGINT) * sum(pn),"          \
    " CAST(?3 AS BIGINT) * sum(approx), CAST(?3 AS BIGINT) * sum(rows)"
#define NAT_EL_SET(t)                                                     \
    "n = " t ".n + excluded.n, pn = " t ".pn + excluded.pn, approx = " t  \
    ".approx + excluded.approx, rows = " t ".rows + excluded.rows"
/* The province's month rows added to (?3 = 1) or taken from (-1) the
 * year summaries by unit and the whole country's month summaries. */
#define NAT_FOLD_YEAR(kind, K)                                            \
    "INSERT INTO stat_year_" kind "(year, unit, field, instrument"        \
    NAT_##K##_OWN ", " NAT_##K##_CNT ") SELECT substr(month, 1, 4),"      \
    " unit, field, instrument" NAT_##K##_OWN ", " NAT_##K##_SUM           \
    " FROM stat_month_" kind " WHERE month = ?2 AND" NAT_UNITS            \
    " GROUP BY substr(month, 1, 4), unit, field, instrument"              \
    NAT_##K##_OWN " ON CONFLICT(year, unit, field, instrument"            \
    NAT_##K##_OWN ") DO UPDATE SET " NAT_##K##_SET("stat_year_" kind)
#define NAT_FOLD_PROV(kind, K)                                            \
    "INSERT INTO stat_prov_month_" kind "(month, field, instrument"       \
    NAT_##K##_OWN ", " NAT_##K##_CNT ") SELECT month, field, instrument"  \
    NAT_##K##_OWN ", " NAT_##K##_SUM " FROM stat_month_" kind             \
    " WHERE month = ?2 AND" NAT_UNITS " GROUP BY month, field,"           \
    " instrument" NAT_##K##_OWN " ON CONFLICT(month, field, instrument"   \
    NAT_##K##_OWN ") DO UPDATE SET " NAT_##K##_SET("stat_prov_month_" kind)
#define NAT_DROP(kind)                                                    \
    "DELETE FROM stat_month_" kind " WHERE month = ?2 AND" NAT_UNITS
/* Officers: the staff rows (counter '') by year, where the privacy rule
 * weighs whole years, and summed over fields by month, where it weighs
 * months but by field; both moved by the difference as above. */
#define NAT_OFF_KEY "counter, officer, field, instrument"
#define NAT_FOLD_OFF_YEAR                                                 \
    "INSERT INTO stat_staff_year_responses(unit, year, " NAT_OFF_KEY ","   \
    " " NAT_RESP_CNT ") SELECT unit, substr(month, 1, 4), " NAT_OFF_KEY    \
    ", " NAT_RESP_SUM " FROM stat_staff_responses WHERE month = ?2 AND"    \
    NAT_UNITS " GROUP BY unit, substr(month, 1, 4), " NAT_OFF_KEY          \
    " ON CONFLICT(unit, year, " NAT_OFF_KEY ") DO UPDATE SET "              \
    NAT_RESP_SET("stat_staff_year_responses")
#define NAT_FOLD_OFF_MONTH                                                \
    "INSERT INTO stat_month_officers(month, unit, counter, instrument,"   \
    " officer, complete, rows) SELECT month, unit, counter, instrument,"  \
    " officer, CAST(?3 AS BIGINT) * sum(complete), CAST(?3 AS BIGINT) *"  \
    " sum(rows) FROM stat_staff_responses WHERE month = ?2 AND" NAT_UNITS \
    " GROUP BY month, unit, counter, instrument, officer"                 \
    " ON CONFLICT(month, unit, counter, instrument, officer) DO UPDATE"   \
    " SET complete = stat_month_officers.complete + excluded.complete,"   \
    " rows = stat_month_officers.rows + excluded.rows"

/* A summary row goes when its last month row goes: SQLite's "_gone"
 * triggers (db.c) do it there, these on PostgreSQL, which has none; run
 * after the old rows were taken away, on the rows they could reach. */
#define NAT_GONE " rows <= 0 AND"
#define NAT_GONE_YEAR(table)                                              \
    "DELETE FROM " table " WHERE year = substr(?2, 1, 4) AND" NAT_GONE    \
    NAT_UNITS
#define NAT_GONE_PROV(table)                                              \
    "DELETE FROM " table " WHERE month = ?2 AND rows <= 0"

typedef struct hub_national_kind {
    const char *fold[2]; /* year, whole country */
    const char *gone[2]; /* the same two, PostgreSQL only */
    const char *drop;
    const char *insert;
} hub_national_kind_t;

static const hub_national_kind_t hub_national_kinds[HUB_NATIONAL_KINDS] = {
    {{NAT_FOLD_YEAR("responses", RESP), NAT_FOLD_PROV("responses", RESP)},
     {NAT_GONE_YEAR("stat_year_responses"), NAT_GONE_PROV("stat_prov_month_responses")},
     NAT_DROP("responses"),
     "INSERT INTO stat_month_responses(month, unit, field, instrument,"
     " complete, partial, suppressed, rows)"
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"},
    {{NAT_FOLD_YEAR("answers", ANS), NAT_FOLD_PROV("answers", ANS)},
     {NAT_GONE_YEAR("stat_year_answers"), NAT_GONE_PROV("stat_prov_month_answers")},
     NAT_DROP("answers"),
     "INSERT INTO stat_month_answers(month, unit, field, instrument,"
     " question, element, answer, n, pn, rows)"
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)"},
    {{NAT_FOLD_YEAR("elements", EL), NAT_FOLD_PROV("elements", EL)},
     {NAT_GONE_YEAR("stat_year_elements"), NAT_GONE_PROV("stat_prov_month_elements")},
     NAT_DROP("elements"),
     "INSERT INTO stat_month_elements(month, unit, field, instrument,"
     " element, n, pn, approx, rows)"
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)"},
    {{NAT_FOLD_OFF_YEAR, NAT_FOLD_OFF_MONTH},
     {NAT_GONE_YEAR("stat_staff_year_responses"),
      "DELETE FROM stat_month_officers WHERE month = ?2 AND" NAT_GONE
      NAT_UNITS},
     "DELETE FROM stat_staff_responses WHERE month = ?2 AND" NAT_UNITS,
     "INSERT INTO stat_staff_responses(month, unit, field, instrument,"
     " officer, complete, counter, partial, suppressed, rows)"
     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, '', 0, 0, 1)"},
};

/* ---- credentials ------------------------------------------------------- */

int hub_national_add_credential(hub_db_t *db, const char *province,
                                int64_t now_ms, char out[HUB_TOKEN_TEXT],
                                int64_t *id)
{
    unsigned char hash[HUB_SHA256_LEN];
    char name[HUB_NAME_MAX + 1];
    sqlx_stmt_t *st;
    int rc = hub_units_get_name(db, province, name, sizeof(name));

    if (rc != HUB_OK)
        return rc;
    if (hub_crypto_new_secret(out, hash) != 0)
        return HUB_ERROR;
    st = sqlx_prepare(hub_dbx(db), hub_national_sql_cred_insert);
    sqlx_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    sqlx_bind_text(st, 2, province, &rc);
    sqlx_bind_int64(st, 3, now_ms, &rc);
    return hub_dbx_get_int(db, st, rc, "add national credential", id);
}

int hub_national_find_credential(hub_db_t *db, const char *text,
                                 char province[HUB_CODE_MAX + 1])
{
    unsigned char hash[HUB_SHA256_LEN];
    sqlx_stmt_t *st;
    int rc, match;

    province[0] = '\0';
    if (!hex_is_lower(text, HUB_SECRET_LEN))
        return HUB_DENIED;
    if (hub_crypto_hash_text(text, hash) != 0)
        return HUB_ERROR;
    rc = hub_dbx_find_digest(db, hub_national_sql_cred_find, hash,
                             "national credential lookup", &st);
    if (rc == HUB_NOT_FOUND)
        return HUB_DENIED;
    if (rc != HUB_OK)
        return rc;
    match = hub_dbx_column_digest_equal(st, 1, hash);
    snprintf(province, HUB_CODE_MAX + 1, "%s", sqlx_column_text(st, 2));
    sqlx_reset(st);
    return match ? HUB_OK : HUB_DENIED;
}

int hub_national_revoke_credential(hub_db_t *db, int64_t id, int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_cred_revoke);
    int rc = HUB_OK;

    sqlx_bind_int64(st, 1, id, &rc);
    sqlx_bind_int64(st, 2, now_ms, &rc);
    rc = hub_dbx_next(db, st, rc, "revoke national credential");
    if (rc == HUB_OK)
        sqlx_reset(st);
    return rc;
}

/* ---- a push ------------------------------------------------------------ */

/* ?1 province, ?2 month, ?3 sign: one of the kinds' statements. */
static int hub_national_run3(hub_db_t *db, const char *sql,
                             const hub_national_push_t *p, int sign)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, p->province, &rc);
    sqlx_bind_text(st, 2, p->month, &rc);
    if (sign)
        sqlx_bind_int64(st, 3, sign, &rc);
    return hub_dbx_run(db, st, rc, "national month rows");
}

/* The summaries above the month rows of the province's units, added
 * (sign 1) or taken away (-1, and the rows left at nothing removed). */
static int hub_national_fold(hub_db_t *db, const hub_national_push_t *p,
                             int sign)
{
    int k, f, rc = HUB_OK;

    for (k = 0; rc == HUB_OK && k < HUB_NATIONAL_KINDS; k++)
        for (f = 0; rc == HUB_OK && f < 2; f++)
            rc = hub_national_run3(db, hub_national_kinds[k].fold[f], p,
                                   sign);
    if (sign > 0 || sqlx_dialect(hub_dbx(db)) == SQLX_DIALECT_SQLITE)
        return rc;
    for (k = 0; rc == HUB_OK && k < HUB_NATIONAL_KINDS; k++)
        for (f = 0; rc == HUB_OK && f < 2; f++)
            rc = hub_national_run3(db, hub_national_kinds[k].gone[f], p, 0);
    return rc;
}

static int hub_national_put_row(hub_db_t *db, const hub_national_push_t *p,
                                int kind, const hub_stat_row_t *r)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_kinds[kind].insert);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, p->month, &rc);
    sqlx_bind_text(st, 2, r->unit, &rc);
    sqlx_bind_text(st, 3, r->field, &rc);
    sqlx_bind_text(st, 4, r->instrument, &rc);
    if (kind == HUB_NATIONAL_RESP) {
        sqlx_bind_int64(st, 5, r->complete, &rc);
        sqlx_bind_int64(st, 6, r->partial, &rc);
        sqlx_bind_int64(st, 7, r->suppressed, &rc);
    } else if (kind == HUB_NATIONAL_ANS) {
        sqlx_bind_text(st, 5, r->question, &rc);
        sqlx_bind_text(st, 6, r->element, &rc);
        sqlx_bind_text(st, 7, r->answer, &rc);
        sqlx_bind_int64(st, 8, r->n, &rc);
        sqlx_bind_int64(st, 9, r->pn, &rc);
    } else if (kind == HUB_NATIONAL_EL) {
        sqlx_bind_text(st, 5, r->element, &rc);
        sqlx_bind_int64(st, 6, r->n, &rc);
        sqlx_bind_int64(st, 7, r->pn, &rc);
        sqlx_bind_int64(st, 8, r->approx, &rc);
    } else {
        sqlx_bind_text(st, 5, r->officer, &rc);
        sqlx_bind_int64(st, 6, r->complete, &rc);
    }
    return hub_dbx_run(db, st, rc, "national month row");
}

static int hub_national_put_unit(hub_db_t *db, const hub_national_push_t *p,
                                 const char *unit)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_put_unit);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, p->province, &rc);
    sqlx_bind_text(st, 2, p->month, &rc);
    sqlx_bind_text(st, 3, unit, &rc);
    return hub_dbx_run(db, st, rc, "national month unit");
}

/* Every row's unit within the province's tree, each distinct run of a
 * unit checked once (rows come grouped by unit). */
static int hub_national_check_units(hub_db_t *db,
                                    const hub_national_push_t *p,
                                    const char **bad_unit)
{
    const char *last = NULL;
    size_t k, i;
    int rc, yes;

    for (k = 0; k < HUB_NATIONAL_KINDS; k++)
        for (i = 0; i < p->n[k]; i++) {
            const char *u = p->rows[k][i].unit;

            if (last && strcmp(last, u) == 0)
                continue;
            rc = hub_units_contains(db, p->province, u, &yes);
            if (rc == HUB_NOT_FOUND || (rc == HUB_OK && !yes)) {
                *bad_unit = u;
                return HUB_DENIED;
            }
            if (rc != HUB_OK)
                return rc;
            last = u;
        }
    return HUB_OK;
}

static int hub_national_get_seq(hub_db_t *db, const hub_national_push_t *p,
                                int64_t *seq)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_seq);
    int rc = HUB_OK;

    *seq = 0;
    sqlx_bind_text(st, 1, p->province, &rc);
    sqlx_bind_text(st, 2, p->month, &rc);
    rc = hub_dbx_next(db, st, rc, "national month sequence");
    if (rc != HUB_OK)
        return rc;
    *seq = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return HUB_OK;
}

int hub_national_replace(hub_db_t *db, const hub_national_push_t *p,
                         int64_t now_ms, int64_t *held,
                         const char **bad_unit)
{
    sqlx_stmt_t *st;
    size_t k, i;
    int rc;

    *bad_unit = NULL;
    rc = hub_national_get_seq(db, p, held);
    if (rc == HUB_OK && p->seq <= *held)
        return HUB_EXISTS;
    if (rc != HUB_OK && rc != HUB_NOT_FOUND)
        return rc;
    rc = hub_national_check_units(db, p, bad_unit);
    if (rc == HUB_OK)
        rc = hub_national_fold(db, p, -1);
    for (k = 0; rc == HUB_OK && k < HUB_NATIONAL_KINDS; k++)
        rc = hub_national_run3(db, hub_national_kinds[k].drop, p, 0);
    if (rc == HUB_OK)
        rc = hub_national_run3(db, hub_national_sql_drop_units, p, 0);
    for (k = 0; rc == HUB_OK && k < HUB_NATIONAL_KINDS; k++)
        for (i = 0; rc == HUB_OK && i < p->n[k]; i++) {
            rc = hub_national_put_row(db, p, (int)k, &p->rows[k][i]);
            if (rc == HUB_OK)
                rc = hub_national_put_unit(db, p, p->rows[k][i].unit);
        }
    if (rc == HUB_OK)
        rc = hub_national_fold(db, p, 1);
    if (rc == HUB_OK)
        rc = hub_provtotals_refresh(db, p->province, p->month);
    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(hub_dbx(db), hub_national_sql_put_seq);
    sqlx_bind_text(st, 1, p->province, &rc);
    sqlx_bind_text(st, 2, p->month, &rc);
    sqlx_bind_int64(st, 3, p->seq, &rc);
    sqlx_bind_int64(st, 4, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "national month sequence");
}

/* ---- planner statistics ------------------------------------------------ */

/* The tables a push writes, with the kind whose rows grow them
 * (HUB_NATIONAL_KINDS: the units it wrote). Not the province totals: a
 * push rewrites a few of their rows, sought by key, and nothing joins
 * them, so autovacuum's statistics serve. */
static const struct {
    const char *table;
    int kind;
} hub_national_grown[] = {
    {"stat_month_responses", HUB_NATIONAL_RESP},
    {"stat_year_responses", HUB_NATIONAL_RESP},
    {"stat_prov_month_responses", HUB_NATIONAL_RESP},
    {"stat_month_answers", HUB_NATIONAL_ANS},
    {"stat_year_answers", HUB_NATIONAL_ANS},
    {"stat_prov_month_answers", HUB_NATIONAL_ANS},
    {"stat_month_elements", HUB_NATIONAL_EL},
    {"stat_year_elements", HUB_NATIONAL_EL},
    {"stat_prov_month_elements", HUB_NATIONAL_EL},
    {"stat_staff_responses", HUB_NATIONAL_OFF},
    {"stat_staff_year_responses", HUB_NATIONAL_OFF},
    {"stat_month_officers", HUB_NATIONAL_OFF},
    {"national_month_units", HUB_NATIONAL_KINDS},
};
#define HUB_NATIONAL_GROWN                                                \
    (sizeof(hub_national_grown) / sizeof(hub_national_grown[0]))
#define HUB_NATIONAL_ANALYZE_MAX 512 /* "ANALYZE" and the names above */

/* ?1 a table, ?2 the rows a push wrote to it: 1 when its statistics
 * should be made again (reltuples is -1 before the first ANALYZE). */
static const char hub_national_sql_stale[] =
    "SELECT count(*) FROM pg_class WHERE oid = to_regclass(CAST(?1 AS TEXT))"
    " AND (reltuples < 0 OR reltuples < 10 * CAST(?2 AS BIGINT))";

static int hub_national_is_stale(hub_db_t *db, const char *table,
                                 int64_t rows, int *stale)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_stale);
    int64_t n;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, table, &rc);
    sqlx_bind_int64(st, 2, rows, &rc);
    rc = hub_dbx_get_int(db, st, rc, "national table statistics", &n);
    *stale = rc == HUB_OK && n > 0;
    return rc;
}

/* The units p wrote (rows come grouped by unit; every unit that wrote
 * answers wrote responses). */
static int64_t hub_national_count_units(const hub_national_push_t *p)
{
    const hub_stat_row_t *r = p->rows[HUB_NATIONAL_RESP];
    int64_t n = 0;
    size_t i;

    for (i = 0; i < p->n[HUB_NATIONAL_RESP]; i++)
        if (i == 0 || strcmp(r[i].unit, r[i - 1].unit) != 0)
            n++;
    return n;
}

int hub_national_analyze(hub_db_t *db, const hub_national_push_t *p)
{
    char sql[HUB_NATIONAL_ANALYZE_MAX] = "ANALYZE";
    size_t i, k, len = strlen(sql);
    int64_t rows;
    int rc = HUB_OK, stale, n = 0;

    if (!hub_dbx_is_pg(db))
        return HUB_OK;
    for (i = 0; rc == HUB_OK && i < HUB_NATIONAL_GROWN; i++) {
        k = (size_t)hub_national_grown[i].kind;
        rows = k < HUB_NATIONAL_KINDS ? (int64_t)p->n[k]
                                      : hub_national_count_units(p);
        if (rows == 0)
            continue;
        rc = hub_national_is_stale(db, hub_national_grown[i].table, rows,
                                   &stale);
        if (rc != HUB_OK || !stale)
            continue;
        /* Names from the list above only, never from the database. */
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s %s",
                                n++ ? "," : "", hub_national_grown[i].table);
        if (len >= sizeof(sql))
            return HUB_ERROR;
    }
    if (rc != HUB_OK || n == 0)
        return rc;
    rc = sqlx_exec(hub_dbx(db), sql);
    return rc == HUB_OK ? rc : hub_dbx_fail(db, rc, "national ANALYZE");
}

typedef struct hub_national_walk {
    hub_national_each_fn fn;
    hub_national_month_fn month_fn;
    hub_stat_row_fn row_fn;
    void *ctx;
} hub_national_walk_t;

static int hub_national_read_province(void *ctx, sqlx_stmt_t *st)
{
    hub_national_walk_t *w = ctx;
    hub_national_province_t p;

    p.province = sqlx_column_text(st, 0);
    p.months = sqlx_column_int64(st, 1);
    p.last_push_at = sqlx_column_int64(st, 2);
    p.targets_slug = sqlx_column_text(st, 3);
    p.targets_at = sqlx_column_int64(st, 4);
    p.dashboard = sqlx_column_text(st, 5);
    return w->fn(w->ctx, &p);
}

int hub_national_each_province(hub_db_t *db, hub_national_each_fn fn,
                               void *ctx)
{
    hub_national_walk_t w = {fn, NULL, NULL, ctx};

    return hub_dbx_each(db,
                        sqlx_prepare(hub_dbx(db),
                                     hub_national_sql_each_province),
                        HUB_OK, "national provinces",
                        hub_national_read_province, &w);
}

/* ---- targets ----------------------------------------------------------- */

int hub_national_put_targets(hub_db_t *db, const char *province,
                             const char *slug, const char *text,
                             const char *dashboard, int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_put_targets);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, province, &rc);
    sqlx_bind_text(st, 2, slug, &rc);
    sqlx_bind_text(st, 3, text, &rc);
    sqlx_bind_text(st, 4, dashboard, &rc);
    sqlx_bind_int64(st, 5, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "national targets");
}

typedef struct hub_national_targets_find {
    hub_db_t *db;
    const char *unit;
    char *slug;
    char **text;
    int rc;
} hub_national_targets_find_t;

/* The first province holding the unit wins: provinces do not nest. */
static int hub_national_match_targets(void *ctx, sqlx_stmt_t *st)
{
    hub_national_targets_find_t *f = ctx;
    const char *province = sqlx_column_text(st, 0);
    int yes = 0;

    if (strcmp(province, f->unit) == 0)
        yes = 1;
    else
        f->rc = hub_units_contains(f->db, province, f->unit, &yes);
    if (f->rc == HUB_NOT_FOUND) {
        f->rc = HUB_OK;
        return 0;
    }
    if (f->rc != HUB_OK)
        return HUB_ERROR;
    if (!yes)
        return 0;
    snprintf(f->slug, TARGETS_SLUG_MAX, "%s", sqlx_column_text(st, 1));
    *f->text = strdup(sqlx_column_text(st, 2));
    f->rc = *f->text ? HUB_EXISTS : HUB_ERROR;
    return HUB_ERROR; /* found: stop */
}

int hub_national_find_targets(hub_db_t *db, const char *unit,
                              char slug[TARGETS_SLUG_MAX], char **text)
{
    hub_national_targets_find_t f = {db, unit, slug, text, HUB_OK};
    int rc;

    *text = NULL;
    slug[0] = '\0';
    rc = hub_dbx_each(db,
                      sqlx_prepare(hub_dbx(db), hub_national_sql_each_targets),
                      HUB_OK, "national targets",
                      hub_national_match_targets, &f);
    if (f.rc == HUB_EXISTS)
        return HUB_OK;
    if (f.rc != HUB_OK)
        return f.rc;
    return rc == HUB_OK ? HUB_NOT_FOUND : rc;
}

typedef struct hub_national_targets_walk {
    hub_national_targets_fn fn;
    void *ctx;
} hub_national_targets_walk_t;

static int hub_national_walk_targets(void *ctx, sqlx_stmt_t *st)
{
    hub_national_targets_walk_t *w = ctx;

    return w->fn(w->ctx, sqlx_column_text(st, 0), sqlx_column_text(st, 1),
                 sqlx_column_text(st, 2)) != 0
               ? HUB_ERROR
               : 0;
}

int hub_national_each_targets(hub_db_t *db, hub_national_targets_fn fn,
                              void *ctx)
{
    hub_national_targets_walk_t w = {fn, ctx};

    return hub_dbx_each(db,
                        sqlx_prepare(hub_dbx(db), hub_national_sql_each_targets),
                        HUB_OK, "national targets", hub_national_walk_targets,
                        &w);
}

/* ---- forwarding -------------------------------------------------------- */

int hub_national_get_forward(hub_db_t *db, const char *month, int64_t *seq,
                             unsigned char digest[HUB_SHA256_LEN],
                             int *acked)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_fwd_get);
    int rc = HUB_OK;

    *seq = 0;
    *acked = 0;
    sqlx_bind_text(st, 1, month, &rc);
    rc = hub_dbx_next(db, st, rc, "forward state");
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    *seq = sqlx_column_int64(st, 0);
    *acked = sqlx_column_blob(st, 1, digest, HUB_SHA256_LEN) ==
             HUB_SHA256_LEN;
    sqlx_reset(st);
    return HUB_OK;
}

int hub_national_set_forward_seq(hub_db_t *db, const char *month,
                                 int64_t seq)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_fwd_seq);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, month, &rc);
    sqlx_bind_int64(st, 2, seq, &rc);
    return hub_dbx_run(db, st, rc, "forward sequence");
}

int hub_national_set_forward_acked(hub_db_t *db, const char *month,
                                   const unsigned char digest[HUB_SHA256_LEN],
                                   int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_fwd_acked);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, month, &rc);
    sqlx_bind_blob(st, 2, digest, HUB_SHA256_LEN, &rc);
    sqlx_bind_int64(st, 3, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "forward acknowledged");
}

static int hub_national_read_month(void *ctx, sqlx_stmt_t *st)
{
    hub_national_walk_t *w = ctx;

    return w->month_fn(w->ctx, sqlx_column_text(st, 0));
}

int hub_national_each_month(hub_db_t *db, hub_national_month_fn fn,
                            void *ctx)
{
    hub_national_walk_t w = {NULL, fn, NULL, ctx};

    return hub_dbx_each(db,
                        sqlx_prepare(hub_dbx(db),
                                     hub_national_sql_each_month),
                        HUB_OK, "summary months", hub_national_read_month,
                        &w);
}

static int hub_national_read_officer(void *ctx, sqlx_stmt_t *st)
{
    hub_national_walk_t *w = ctx;
    hub_stat_row_t r;

    memset(&r, 0, sizeof(r));
    r.unit = sqlx_column_text(st, 0);
    r.field = sqlx_column_text(st, 1);
    r.instrument = sqlx_column_text(st, 2);
    r.officer = sqlx_column_text(st, 3);
    r.complete = sqlx_column_int64(st, 4);
    r.sub = r.bucket = r.question = r.element = r.answer = "";
    return w->row_fn(w->ctx, &r);
}

int hub_national_each_officer(hub_db_t *db, const char *month,
                              hub_stat_row_fn fn, void *ctx)
{
    hub_national_walk_t w = {NULL, NULL, fn, ctx};
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_national_sql_each_officer);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, month, &rc);
    return hub_dbx_each(db, st, rc, "officers of a month",
                        hub_national_read_officer, &w);
}
