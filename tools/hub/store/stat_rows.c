#include "hub/store/stat_rows.h"
#include "hub/store/db_sql.h"

#include <sqlite3.h>
#include <string.h>

/* Parameters shared by every reading statement:
 *   ?1, ?2  first and last day (or month, or year) read
 *   ?3      instrument, NULL for all
 *   ?4      JSON array of the unit codes in scope, NULL for all
 *   ?5      1: the "sub" column is the counter, 2: the officer, else ''
 * Columns: unit, field, sub, bucket (day, month or year), instrument, then
 * complete, partial, suppressed or question, element, answer, n (answers
 * of complete responses), pn (of partial ones). Rows are
 * added up in C, not by GROUP BY: sorting a year of rows in SQLite costs
 * more than hashing them. */
#define HUB_STATS_SUB                                                          \
    "CASE ?5 WHEN 1 THEN counter WHEN 2 THEN officer ELSE '' END"
#define HUB_STATS_FILTER                                                       \
    " AND (?3 IS NULL OR instrument = ?3)"                                     \
    " AND (?4 IS NULL OR unit IN (SELECT value FROM json_each(?4)))"
#define HUB_STATS_STAFF_FILTER " AND (?3 IS NULL OR instrument = ?3) AND ?5 > 0"
#define HUB_STATS_RESP_COLS "instrument, complete, partial, suppressed"
#define HUB_STATS_ANS_COLS "instrument, question, element, answer, n, pn"
/* The snapshot rows keep complete and partial answers on rows of their
 * own; the summaries keep them apart in n and pn. */
#define HUB_STATS_DAY_ANS_COLS                                               \
    "instrument, question, element, answer,"                                 \
    " CASE WHEN partial = 0 THEN n ELSE 0 END,"                              \
    " CASE WHEN partial = 0 THEN 0 ELSE n END"

#define HUB_STATS_EL_COLS "instrument, element, n, pn, approx"
#define HUB_STATS_DAY_EL_COLS                                                \
    "instrument, element, CASE WHEN partial = 0 THEN n ELSE 0 END,"          \
    " CASE WHEN partial = 0 THEN 0 ELSE n END, 1 - exact"

static const char hub_stat_rows_sql_day_resp[] =
    "SELECT unit, field, " HUB_STATS_SUB ", day, " HUB_STATS_RESP_COLS
    " FROM day_responses WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER;
static const char hub_stat_rows_sql_day_ans[] =
    "SELECT unit, field, " HUB_STATS_SUB ", day, " HUB_STATS_DAY_ANS_COLS
    " FROM day_answers WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER;
static const char hub_stat_rows_sql_day_el[] =
    "SELECT unit, field, " HUB_STATS_SUB ", day, " HUB_STATS_DAY_EL_COLS
    " FROM day_elements WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER;
/* Whole days, months and years for unit, field and period groups. The
 * unit summaries have no counter or officer: ?5 is bound for every
 * statement alike, so it appears here too. per: the period column. */
#define HUB_STATS_SUM_SQL(per, cols, table)                                    \
    "SELECT unit, field, '', " per ", " cols " FROM " table " WHERE " per      \
    " BETWEEN ?1 AND ?2" HUB_STATS_FILTER " AND ?5 >= 0"
static const char hub_stat_rows_sql_sday_resp[] =
    HUB_STATS_SUM_SQL("day", HUB_STATS_RESP_COLS, "stat_day_responses");
static const char hub_stat_rows_sql_sday_ans[] =
    HUB_STATS_SUM_SQL("day", HUB_STATS_ANS_COLS, "stat_day_answers");
static const char hub_stat_rows_sql_month_resp[] =
    HUB_STATS_SUM_SQL("month", HUB_STATS_RESP_COLS, "stat_month_responses");
static const char hub_stat_rows_sql_month_ans[] =
    HUB_STATS_SUM_SQL("month", HUB_STATS_ANS_COLS, "stat_month_answers");
static const char hub_stat_rows_sql_sday_el[] =
    HUB_STATS_SUM_SQL("day", HUB_STATS_EL_COLS, "stat_day_elements");
static const char hub_stat_rows_sql_month_el[] =
    HUB_STATS_SUM_SQL("month", HUB_STATS_EL_COLS, "stat_month_elements");
static const char hub_stat_rows_sql_year_resp[] =
    HUB_STATS_SUM_SQL("year", HUB_STATS_RESP_COLS, "stat_year_responses");
static const char hub_stat_rows_sql_year_ans[] =
    HUB_STATS_SUM_SQL("year", HUB_STATS_ANS_COLS, "stat_year_answers");
static const char hub_stat_rows_sql_year_el[] =
    HUB_STATS_SUM_SQL("year", HUB_STATS_EL_COLS, "stat_year_elements");
/* A scope of a few units: the day and month summaries are keyed by
 * period, then unit, so a range filtered by unit would read every unit's
 * rows and drop most (a quarter by day for one district: 706,000 answer
 * rows read for 67,000). Instead each period of [?1, ?2] and each code of
 * ?4 is sought on the key. The codes are distinct (one per unit of the tree);
 * DISTINCT keeps a repeated one from being counted twice all the same.
 * next: the period after k, NULL (ending the list) if k is not one. */
#define HUB_STATS_NEXT_DAY "date(k, '+1 day')"
#define HUB_STATS_NEXT_MONTH "substr(date(k || '-01', '+1 month'), 1, 7)"
#define HUB_STATS_IN_KEYS_SQL(per, next, sel, table)                           \
    "WITH RECURSIVE keys(k) AS (SELECT ?1 UNION ALL SELECT " next              \
    " FROM keys WHERE k < ?2) SELECT " sel " FROM keys CROSS JOIN"             \
    " (SELECT DISTINCT value FROM json_each(?4)) AS u CROSS JOIN " table       \
    " AS t WHERE t." per " = keys.k AND t.unit = u.value AND t." per           \
    " BETWEEN ?1 AND ?2 AND (?3 IS NULL OR instrument = ?3)"
#define HUB_STATS_SUM_IN_SQL(per, next, cols, table)                           \
    HUB_STATS_IN_KEYS_SQL(per, next, "unit, field, '', t." per ", " cols,      \
                          table) " AND ?5 >= 0"
#define HUB_STATS_SUM_IN_ALL(per, next)                                        \
    {HUB_STATS_SUM_IN_SQL(per, next, HUB_STATS_RESP_COLS,                      \
                          "stat_" per "_responses"),                           \
     HUB_STATS_SUM_IN_SQL(per, next, HUB_STATS_ANS_COLS,                       \
                          "stat_" per "_answers"),                             \
     HUB_STATS_SUM_IN_SQL(per, next, HUB_STATS_EL_COLS,                        \
                          "stat_" per "_elements")}
/* The snapshot rows: their index on (day, unit) serves the same way. */
#define HUB_STATS_DAY_IN_SQL(cols, table)                                      \
    HUB_STATS_IN_KEYS_SQL("day", HUB_STATS_NEXT_DAY,                           \
                          "unit, field, " HUB_STATS_SUB ", t.day, " cols,      \
                          table)
static const char *const hub_stat_rows_sql_day_in[3] = {
    HUB_STATS_DAY_IN_SQL(HUB_STATS_RESP_COLS, "day_responses"),
    HUB_STATS_DAY_IN_SQL(HUB_STATS_DAY_ANS_COLS, "day_answers"),
    HUB_STATS_DAY_IN_SQL(HUB_STATS_DAY_EL_COLS, "day_elements"),
};
/* [month][kind: responses, answers, elements] */
static const char *const hub_stat_rows_sql_sum_in[2][3] = {
    HUB_STATS_SUM_IN_ALL("day", HUB_STATS_NEXT_DAY),
    HUB_STATS_SUM_IN_ALL("month", HUB_STATS_NEXT_MONTH),
};
/* The whole province: no unit, and no scope to filter by (?4 NULL). */
#define HUB_STATS_PROV_SQL(per, cols, table)                                   \
    "SELECT '', field, '', " per ", " cols " FROM " table " WHERE " per        \
    " BETWEEN ?1 AND ?2 AND (?3 IS NULL OR instrument = ?3) AND ?4 IS NULL"    \
    " AND ?5 >= 0"
#define HUB_STATS_PROV_ALL(per)                                                \
    {HUB_STATS_PROV_SQL(per, HUB_STATS_RESP_COLS, "stat_prov_" per            \
                        "_responses"),                                         \
     HUB_STATS_PROV_SQL(per, HUB_STATS_ANS_COLS, "stat_prov_" per "_answers"), \
     HUB_STATS_PROV_SQL(per, HUB_STATS_EL_COLS, "stat_prov_" per "_elements")}
/* The officers' tables: complete responses only, partial and suppressed
 * 0, no field. */
#define HUB_STATS_OFFICERS_TABLE_SQL(per)                                      \
    "SELECT unit, '', " HUB_STATS_OFFICER_SUB ", " per ", instrument,"        \
    " complete, 0, 0, officer FROM stat_" per "_officers WHERE " per           \
    " BETWEEN ?1 AND ?2" HUB_STATS_FILTER
/* Counter and officer breakdowns: the staff summaries are keyed by unit
 * first, so a scope of a few units reads only their rows. */
#define HUB_STATS_STAFF_SQL(per, cols, table)                                  \
    "SELECT unit, field, " HUB_STATS_SUB ", " per ", " cols " FROM " table     \
    " WHERE " per " BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER " AND ?4 IS NULL"
#define HUB_STATS_STAFF_IN_SQL(per, cols, table)                               \
    "SELECT unit, field, " HUB_STATS_SUB ", " per ", " cols " FROM " table     \
    " WHERE unit IN (SELECT value FROM json_each(?4))"                         \
    " AND " per " BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER
/* [in scope][kind: responses, answers, elements] */
#define HUB_STATS_STAFF_ALL(per, prefix)                                       \
    {{HUB_STATS_STAFF_SQL(per, HUB_STATS_RESP_COLS, prefix "responses"),       \
      HUB_STATS_STAFF_SQL(per, HUB_STATS_ANS_COLS, prefix "answers"),          \
      HUB_STATS_STAFF_SQL(per, HUB_STATS_EL_COLS, prefix "elements")},         \
     {HUB_STATS_STAFF_IN_SQL(per, HUB_STATS_RESP_COLS, prefix "responses"),    \
      HUB_STATS_STAFF_IN_SQL(per, HUB_STATS_ANS_COLS, prefix "answers"),       \
      HUB_STATS_STAFF_IN_SQL(per, HUB_STATS_EL_COLS, prefix "elements")}}
static const char *const hub_stat_rows_sql_staff[2][3] =
    HUB_STATS_STAFF_ALL("month", "stat_staff_");
static const char *const hub_stat_rows_sql_staff_year[2][3] =
    HUB_STATS_STAFF_ALL("year", "stat_staff_year_");

/* Each officer's responses, for weighing groups (privacy.h): ?5 is 1
 * when the sub column is the counter, anything else gives ''. */
#define HUB_STATS_OFFICER_SUB "CASE ?5 WHEN 1 THEN counter ELSE '' END"
#define HUB_STATS_OFFICER_COLS HUB_STATS_RESP_COLS ", officer"
/* [in scope] */
static const char *const hub_stat_rows_sql_day_officers[2] = {
    "SELECT unit, field, " HUB_STATS_OFFICER_SUB ", day, "
    HUB_STATS_OFFICER_COLS " FROM day_responses WHERE day BETWEEN ?1 AND ?2"
    " AND officer <> ''" HUB_STATS_FILTER,
    HUB_STATS_IN_KEYS_SQL("day", HUB_STATS_NEXT_DAY,
                          "unit, field, " HUB_STATS_OFFICER_SUB ", t.day, "
                          HUB_STATS_OFFICER_COLS, "day_responses")
    " AND officer <> ''",
};
#define HUB_STATS_OFFICERS_SQL(per, table)                                     \
    "SELECT unit, field, " HUB_STATS_OFFICER_SUB ", " per ", "                 \
    HUB_STATS_OFFICER_COLS " FROM " table " WHERE " per " BETWEEN"             \
    " ?1 AND ?2 AND officer <> '' AND (?3 IS NULL OR instrument = ?3)"         \
    " AND ?4 IS NULL"
#define HUB_STATS_OFFICERS_IN_SQL(per, table)                                  \
    "SELECT unit, field, " HUB_STATS_OFFICER_SUB ", " per ", "                 \
    HUB_STATS_OFFICER_COLS " FROM " table " WHERE unit IN"                     \
    " (SELECT value FROM json_each(?4)) AND " per " BETWEEN ?1 AND ?2"         \
    " AND officer <> '' AND (?3 IS NULL OR instrument = ?3)"
#define HUB_STATS_OFFICERS_TABLE_IN_SQL(per, next)                             \
    HUB_STATS_IN_KEYS_SQL(per, next,                                           \
                          "unit, '', " HUB_STATS_OFFICER_SUB ", t." per        \
                          ", instrument, complete, 0, 0, officer",             \
                          "stat_" per "_officers")
/* The whole province grouped by period or not at all: the bucket alone
 * keys a group, so unit and counter are neither tested nor returned (a
 * quarter by day steps through 130,000 of these rows). */
#define HUB_STATS_OFFICERS_BUCKET_SQL(per)                                     \
    "SELECT '', '', '', " per ", '', complete, 0, 0, officer FROM stat_" per  \
    "_officers WHERE " per " BETWEEN ?1 AND ?2"                                \
    " AND (?3 IS NULL OR instrument = ?3) AND ?4 IS NULL AND ?5 >= 0"
/* [month][in scope] */
static const char *const hub_stat_rows_sql_officers_table[2][2] = {
    {HUB_STATS_OFFICERS_TABLE_SQL("day"),
     HUB_STATS_OFFICERS_TABLE_IN_SQL("day", HUB_STATS_NEXT_DAY)},
    {HUB_STATS_OFFICERS_TABLE_SQL("month"),
     HUB_STATS_OFFICERS_TABLE_IN_SQL("month", HUB_STATS_NEXT_MONTH)},
};
/* [year][in scope] */
static const char *const hub_stat_rows_sql_staff_officers[2][2] = {
    {HUB_STATS_OFFICERS_SQL("month", "stat_staff_responses"),
     HUB_STATS_OFFICERS_IN_SQL("month", "stat_staff_responses")},
    {HUB_STATS_OFFICERS_SQL("year", "stat_staff_year_responses"),
     HUB_STATS_OFFICERS_IN_SQL("year", "stat_staff_year_responses")},
};

/* Whether rd reads the lean officers' statement, without unit and sub. */
static int hub_stat_rows_is_bucket_only(const hub_stat_read_t *rd)
{
    return rd->officers && rd->bucket_only && !rd->scope_codes &&
           (rd->table == HUB_STAT_OFFICERS_DAY ||
            rd->table == HUB_STAT_OFFICERS_MONTH);
}

static const char *hub_stat_rows_get_officer_sql(const hub_stat_read_t *rd)
{
    if (rd->table == HUB_STAT_DAY_ROWS)
        return hub_stat_rows_sql_day_officers[rd->scope_codes != NULL];
    if (hub_stat_rows_is_bucket_only(rd))
        return rd->table == HUB_STAT_OFFICERS_MONTH
                   ? HUB_STATS_OFFICERS_BUCKET_SQL("month")
                   : HUB_STATS_OFFICERS_BUCKET_SQL("day");
    if (rd->table == HUB_STAT_OFFICERS_DAY ||
        rd->table == HUB_STAT_OFFICERS_MONTH)
        return hub_stat_rows_sql_officers_table
            [rd->table == HUB_STAT_OFFICERS_MONTH][rd->scope_codes != NULL];
    if (rd->table == HUB_STAT_STAFF_SUMMARY ||
        rd->table == HUB_STAT_STAFF_YEAR_SUMMARY)
        return hub_stat_rows_sql_staff_officers
            [rd->table == HUB_STAT_STAFF_YEAR_SUMMARY][rd->scope_codes != NULL];
    return NULL;
}

static const char *hub_stat_rows_get_sql(const hub_stat_read_t *rd)
{
    /* [table][kind: responses, answers, elements] */
    static const char *const unit_sql[][3] = {
        [HUB_STAT_DAY_ROWS] = {hub_stat_rows_sql_day_resp,
                               hub_stat_rows_sql_day_ans,
                               hub_stat_rows_sql_day_el},
        [HUB_STAT_DAY_SUMMARY] = {hub_stat_rows_sql_sday_resp,
                                  hub_stat_rows_sql_sday_ans,
                                  hub_stat_rows_sql_sday_el},
        [HUB_STAT_MONTH_SUMMARY] = {hub_stat_rows_sql_month_resp,
                                    hub_stat_rows_sql_month_ans,
                                    hub_stat_rows_sql_month_el},
        [HUB_STAT_YEAR_SUMMARY] = {hub_stat_rows_sql_year_resp,
                                   hub_stat_rows_sql_year_ans,
                                   hub_stat_rows_sql_year_el},
        [HUB_STAT_PROVINCE_DAY_SUMMARY] = HUB_STATS_PROV_ALL("day"),
        [HUB_STAT_PROVINCE_MONTH_SUMMARY] = HUB_STATS_PROV_ALL("month"),
    };
    int a = rd->answers, in = rd->scope_codes != NULL;

    if (rd->officers)
        return hub_stat_rows_get_officer_sql(rd);
    if (a < 0 || a > HUB_STAT_ELEMENTS || rd->table >= HUB_STAT_OFFICERS_DAY)
        return NULL;
    switch (rd->table) {
    case HUB_STAT_STAFF_SUMMARY:
        return hub_stat_rows_sql_staff[in][a];
    case HUB_STAT_STAFF_YEAR_SUMMARY:
        return hub_stat_rows_sql_staff_year[in][a];
    case HUB_STAT_DAY_SUMMARY:
    case HUB_STAT_MONTH_SUMMARY:
        if (in)
            return hub_stat_rows_sql_sum_in
                [rd->table == HUB_STAT_MONTH_SUMMARY][a];
        return unit_sql[rd->table][a];
    case HUB_STAT_DAY_ROWS:
        return in ? hub_stat_rows_sql_day_in[a] : unit_sql[rd->table][a];
    case HUB_STAT_YEAR_SUMMARY:
    case HUB_STAT_PROVINCE_DAY_SUMMARY:
    case HUB_STAT_PROVINCE_MONTH_SUMMARY:
        return unit_sql[rd->table][a];
    default:
        return NULL;
    }
}

static void hub_stat_rows_read(sqlite3_stmt *st, const hub_stat_read_t *rd,
                               hub_stat_row_t *row)
{
    int answers = rd->answers;

    memset(row, 0, sizeof(*row));
    /* Weighing officers reads a row per officer and day (130,000 for a
     * quarter): only the columns it uses are fetched. */
    if (hub_stat_rows_is_bucket_only(rd)) {
        row->unit = row->field = row->sub = "";
    } else {
        row->unit = sqldb_column_text(st, 0);
        row->field = sqldb_column_text(st, 1);
        row->sub = sqldb_column_text(st, 2);
    }
    row->bucket = sqldb_column_text(st, 3);
    if (rd->officers) {
        row->instrument = "";
        row->complete = sqlite3_column_int64(st, 5);
        row->officer = sqldb_column_text(st, 8);
        return;
    }
    row->officer = "";
    row->instrument = sqldb_column_text(st, 4);
    if (!answers) {
        row->complete = sqlite3_column_int64(st, 5);
        row->partial = sqlite3_column_int64(st, 6);
        row->suppressed = sqlite3_column_int64(st, 7);
        return;
    }
    if (answers == HUB_STAT_ELEMENTS) {
        row->element = sqldb_column_text(st, 5);
        row->n = sqlite3_column_int64(st, 6);
        row->pn = sqlite3_column_int64(st, 7);
        row->approx = sqlite3_column_int64(st, 8);
        return;
    }
    row->question = sqldb_column_text(st, 5);
    row->element = sqldb_column_text(st, 6);
    row->answer = sqldb_column_text(st, 7);
    row->n = sqlite3_column_int64(st, 8);
    row->pn = sqlite3_column_int64(st, 9);
}

int hub_stat_rows_each(hub_db_t *db, const hub_stat_read_t *rd,
                       hub_stat_row_fn fn, void *ctx)
{
    const char *sql = hub_stat_rows_get_sql(rd);
    sqlite3_stmt *st;
    hub_stat_row_t row;
    int rc = SQLITE_OK;

    /* A scope the province's tables cannot filter by would read none. */
    if (!sql || (rd->officers && rd->answers) ||
        (rd->scope_codes && (rd->table == HUB_STAT_PROVINCE_DAY_SUMMARY ||
                             rd->table == HUB_STAT_PROVINCE_MONTH_SUMMARY)))
        return HUB_ERROR;
    st = sqldb_stmt(&db->sql, sql);
    if (!st)
        return HUB_ERROR;
    sqldb_bind_text(st, 1, rd->lo, &rc);
    sqldb_bind_text(st, 2, rd->hi, &rc);
    sqldb_bind_text(st, 3, rd->instrument, &rc);
    sqldb_bind_text(st, 4, rd->scope_codes, &rc);
    sqldb_bind_int64(st, 5, (int64_t)rd->sub, &rc);
    if (rc != SQLITE_OK) {
        sqldb_release(st);
        return hub_db_rc(sqldb_note(&db->sql, rc, "stats"));
    }
    while ((rc = hub_db_rc(sqldb_next(&db->sql, st, "stats"))) == HUB_OK) {
        hub_stat_rows_read(st, rd, &row);
        if (fn(ctx, &row) != 0) {
            sqldb_release(st);
            return HUB_ERROR;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}
