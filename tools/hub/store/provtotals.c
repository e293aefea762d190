#include "hub/store/provtotals.h"
#include "hub/store/dbx.h"

/* ?1 province, ?2 month. The year of ?2, as the range of its months, so
 * the month totals are sought on their key. */
#define HUB_PT_YEAR_OF_2 "substr(CAST(?2 AS TEXT), 1, 4)"
#define HUB_PT_MONTHS_OF_YEAR                                             \
    "month BETWEEN " HUB_PT_YEAR_OF_2 " || '-01' AND " HUB_PT_YEAR_OF_2   \
    " || '-12'"
#define HUB_PT_REFRESH(kind, src, K)                                      \
    {"DELETE FROM national_prov_month_" kind " WHERE month = ?2 AND"      \
     " province = ?1",                                                    \
     HUB_PT_FILL_MONTH(kind, src, K,                                      \
                       "u.province = ?1 AND u.month = ?2 AND"             \
                       " t.month = ?2"),                                  \
     "DELETE FROM national_prov_year_" kind " WHERE year = "              \
     HUB_PT_YEAR_OF_2 " AND province = ?1",                               \
     HUB_PT_FILL_YEAR(kind, K, HUB_PT_MONTHS_OF_YEAR " AND province = ?1")}

/* [kind][step], run in order. */
static const char *const hub_provtotals_sql_refresh[4][4] = {
    HUB_PT_REFRESH("responses", "stat_month_responses", RESP),
    HUB_PT_REFRESH("answers", "stat_month_answers", ANS),
    HUB_PT_REFRESH("elements", "stat_month_elements", EL),
    HUB_PT_REFRESH("officers", "stat_month_officers", OFF),
};

int hub_provtotals_refresh(hub_db_t *db, const char *province,
                           const char *month)
{
    sqlx_stmt_t *st;
    size_t k, s;
    int rc = HUB_OK;

    for (k = 0; rc == HUB_OK && k < 4; k++)
        for (s = 0; rc == HUB_OK && s < 4; s++) {
            st = sqlx_prepare(hub_dbx(db), hub_provtotals_sql_refresh[k][s]);
            sqlx_bind_text(st, 1, province, &rc);
            sqlx_bind_text(st, 2, month, &rc);
            rc = hub_dbx_run(db, st, rc, "province totals");
        }
    return rc;
}

/* ?1 the map, ?2 the province asked or NULL for all: 1 when provinces
 * pushed, no unit pushed by that province or named by the map is mapped
 * to another code than its pusher's, and the hub keeps no kiosk's rows
 * of its own, which the totals would leave out (the summaries are
 * written by those two alone). */
#define HUB_PT_EXACT(map, null2)                                          \
    "SELECT CASE WHEN NOT EXISTS(SELECT 1 FROM national_months) OR"       \
    " EXISTS(SELECT 1 FROM day_snapshots) OR EXISTS("                     \
    "SELECT 1 FROM (SELECT DISTINCT province, unit FROM"                  \
    " national_month_units) AS u LEFT JOIN (" map ") AS m"                \
    " ON m.code = u.unit WHERE (" null2 " OR u.province = ?2 OR m.code"  \
    " IS NOT NULL) AND coalesce(m.top, u.unit) <> u.province)"           \
    " THEN 0 ELSE 1 END"
static const char *const hub_provtotals_sql_exact[2] = {
    HUB_PT_EXACT("SELECT key AS code, value AS top FROM json_each(?1)",
                 "?2 IS NULL"),
    HUB_PT_EXACT("SELECT key COLLATE \"C\" AS code, value COLLATE \"C\""
                 " AS top FROM json_each_text(CAST(?1 AS json))",
                 "CAST(?2 AS TEXT) IS NULL"),
};

int hub_provtotals_is_exact(hub_db_t *db, const char *unit_map,
                            const char *province, int *yes)
{
    sqlx_stmt_t *st = sqlx_prepare(
        hub_dbx(db), hub_provtotals_sql_exact[hub_dbx_is_pg(db)]);
    int64_t n = 0;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, unit_map, &rc);
    sqlx_bind_text(st, 2, province, &rc);
    rc = hub_dbx_get_int(db, st, rc, "province totals check", &n);
    *yes = rc == HUB_OK && n == 1;
    return rc;
}
