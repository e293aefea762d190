#include "hub/store/stat_rows.h"
#include "hub/store/dbx.h"

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
 * more than hashing them.
 *
 * Each statement is written once with the dialect d (LITE or PGSQL) as its
 * first argument, which picks the few words that differ: SQLite's
 * json_each() and date() against PostgreSQL's JSON and date functions,
 * and the parameters PostgreSQL must be told are text (one only tested
 * for NULL has no type there). SQLite's statements are as they were. */
#define HUB_STATS_D(d, word) HUB_STATS_##word##_##d
#define HUB_STATS_NULL3_LITE "?3 IS NULL"
#define HUB_STATS_NULL3_PGSQL "CAST(?3 AS TEXT) IS NULL"
#define HUB_STATS_NULL4_LITE "?4 IS NULL"
#define HUB_STATS_NULL4_PGSQL "CAST(?4 AS TEXT) IS NULL"
/* ?4's codes as rows of one column, value; "C" as the tables' codes. */
#define HUB_STATS_CODES_LITE "SELECT value FROM json_each(?4)"
#define HUB_STATS_CODES_PGSQL                                                  \
    "SELECT json_array_elements_text(CAST(?4 AS json)) COLLATE \"C\""         \
    " AS value"
#define HUB_STATS_DISTINCT_CODES_LITE "SELECT DISTINCT value FROM json_each(?4)"
#define HUB_STATS_DISTINCT_CODES_PGSQL                                         \
    "SELECT DISTINCT json_array_elements_text(CAST(?4 AS json))"              \
    " COLLATE \"C\" AS value"
#define HUB_STATS_FIRST_LITE "?1"
#define HUB_STATS_FIRST_PGSQL "CAST(?1 AS TEXT) COLLATE \"C\""
/* next: the period after k, NULL (ending the list) if k is not one. */
#define HUB_STATS_NEXT_DAY_LITE "date(k, '+1 day')"
#define HUB_STATS_NEXT_DAY_PGSQL                                               \
    "to_char(CAST(k AS date) + 1, 'YYYY-MM-DD') COLLATE \"C\""
#define HUB_STATS_NEXT_MONTH_LITE "substr(date(k || '-01', '+1 month'), 1, 7)"
#define HUB_STATS_NEXT_MONTH_PGSQL                                             \
    "to_char(CAST(k || '-01' AS date) + interval '1 month', 'YYYY-MM')"        \
    " COLLATE \"C\""
/* PostgreSQL's statements are cursors, read a page at a time
 * (hub_dbx_each_cursor()): a year of a country's units by unit is 700,000
 * answer rows, past what one result may hold (sqlx.h). */
#define HUB_STATS_DECLARE_LITE ""
#define HUB_STATS_DECLARE_PGSQL HUB_DBX_DECLARE
/* Both dialects' statement of one macro, [0] SQLite's, [1] PostgreSQL's. */
#define HUB_STATS_BOTH(m, ...) {m(LITE, __VA_ARGS__), m(PGSQL, __VA_ARGS__)}

/* PostgreSQL takes a CASE's untyped operand for text. */
#define HUB_STATS_FIVE_LITE "?5"
#define HUB_STATS_FIVE_PGSQL "CAST(?5 AS BIGINT)"
#define HUB_STATS_SUB(d)                                                       \
    "CASE " HUB_STATS_D(d, FIVE)                                               \
    " WHEN 1 THEN counter WHEN 2 THEN officer ELSE '' END"
#define HUB_STATS_FILTER(d)                                                    \
    " AND (" HUB_STATS_D(d, NULL3) " OR instrument = ?3)"                     \
    " AND (" HUB_STATS_D(d, NULL4) " OR unit IN (" HUB_STATS_D(d, CODES) "))"
#define HUB_STATS_INSTRUMENT(d)                                                \
    " AND (" HUB_STATS_D(d, NULL3) " OR instrument = ?3)"
#define HUB_STATS_STAFF_FILTER(d) HUB_STATS_INSTRUMENT(d) " AND ?5 > 0"
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

/* The snapshot rows of a range of days. */
#define HUB_STATS_DAY_SQL(d, cols, table)                                      \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, " HUB_STATS_SUB(d) ", day, " cols " FROM " table      \
    " WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER(d)
/* Whole days, months and years for unit, field and period groups. The
 * unit summaries have no counter or officer: ?5 is bound for every
 * statement alike, so it appears here too. per: the period column. */
#define HUB_STATS_SUM_SQL(d, per, cols, table)                                 \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, '', " per ", " cols " FROM " table " WHERE " per      \
    " BETWEEN ?1 AND ?2" HUB_STATS_FILTER(d) " AND ?5 >= 0"
/* [kind: responses, answers, elements] of the unit summaries by per. */
#define HUB_STATS_SUM_ALL(d, per)                                              \
    {HUB_STATS_SUM_SQL(d, per, HUB_STATS_RESP_COLS, "stat_" per "_responses"), \
     HUB_STATS_SUM_SQL(d, per, HUB_STATS_ANS_COLS, "stat_" per "_answers"),    \
     HUB_STATS_SUM_SQL(d, per, HUB_STATS_EL_COLS, "stat_" per "_elements")}
/* A scope of a few units: the day and month summaries are keyed by
 * period, then unit, so a range filtered by unit would read every unit's
 * rows and drop most (a quarter by day for one district: 706,000 answer
 * rows read for 67,000). Instead each period of [?1, ?2] and each code of
 * ?4 is sought on the key. The codes are distinct (one per unit of the tree);
 * DISTINCT keeps a repeated one from being counted twice all the same. */
#define HUB_STATS_IN_KEYS_SQL(d, per, next, sel, table)                        \
    HUB_STATS_D(d, DECLARE) "WITH RECURSIVE keys(k) AS (SELECT " HUB_STATS_D(d, FIRST)                \
    " UNION ALL SELECT " HUB_STATS_D(d, next) " FROM keys WHERE k < ?2)"      \
    " SELECT " sel " FROM keys CROSS JOIN (" HUB_STATS_D(d, DISTINCT_CODES)   \
    ") AS u CROSS JOIN " table " AS t"                                         \
    " WHERE t." per " = keys.k AND t.unit = u.value AND t." per               \
    " BETWEEN ?1 AND ?2" HUB_STATS_INSTRUMENT(d)
#define HUB_STATS_SUM_IN_SQL(d, per, next, cols, table)                        \
    HUB_STATS_IN_KEYS_SQL(d, per, next, "unit, field, '', t." per ", " cols,   \
                          table) " AND ?5 >= 0"
#define HUB_STATS_SUM_IN_ALL(d, per, next)                                     \
    {HUB_STATS_SUM_IN_SQL(d, per, next, HUB_STATS_RESP_COLS,                   \
                          "stat_" per "_responses"),                           \
     HUB_STATS_SUM_IN_SQL(d, per, next, HUB_STATS_ANS_COLS,                    \
                          "stat_" per "_answers"),                             \
     HUB_STATS_SUM_IN_SQL(d, per, next, HUB_STATS_EL_COLS,                     \
                          "stat_" per "_elements")}
/* The snapshot rows: their index on (day, unit) serves the same way. */
#define HUB_STATS_DAY_IN_SQL(d, cols, table)                                   \
    HUB_STATS_IN_KEYS_SQL(d, "day", NEXT_DAY,                                  \
                          "unit, field, " HUB_STATS_SUB(d) ", t.day, " cols,   \
                          table)
/* [kind: responses, answers, elements] of the snapshot rows. */
#define HUB_STATS_DAY_ALL(d, sql)                                              \
    {sql(d, HUB_STATS_RESP_COLS, "day_responses"),                             \
     sql(d, HUB_STATS_DAY_ANS_COLS, "day_answers"),                            \
     sql(d, HUB_STATS_DAY_EL_COLS, "day_elements")}
/* The whole province: no unit, and no scope to filter by (?4 NULL). */
#define HUB_STATS_PROV_SQL(d, per, cols, table)                                \
    HUB_STATS_D(d, DECLARE) "SELECT '', field, '', " per ", " cols " FROM " table " WHERE " per        \
    " BETWEEN ?1 AND ?2" HUB_STATS_INSTRUMENT(d) " AND "                       \
    HUB_STATS_D(d, NULL4) " AND ?5 >= 0"
#define HUB_STATS_PROV_ALL(d, per)                                             \
    {HUB_STATS_PROV_SQL(d, per, HUB_STATS_RESP_COLS, "stat_prov_" per         \
                        "_responses"),                                         \
     HUB_STATS_PROV_SQL(d, per, HUB_STATS_ANS_COLS,                            \
                        "stat_prov_" per "_answers"),                          \
     HUB_STATS_PROV_SQL(d, per, HUB_STATS_EL_COLS,                             \
                        "stat_prov_" per "_elements")}

/* [dialect][table][kind: responses, answers, elements], the tables read
 * the same whether or not a scope is given. */
#define HUB_STATS_UNIT_ALL(d, unused)                                          \
    {[HUB_STAT_DAY_ROWS] = HUB_STATS_DAY_ALL(d, HUB_STATS_DAY_SQL),            \
     [HUB_STAT_DAY_SUMMARY] = HUB_STATS_SUM_ALL(d, "day"),                     \
     [HUB_STAT_MONTH_SUMMARY] = HUB_STATS_SUM_ALL(d, "month"),                 \
     [HUB_STAT_YEAR_SUMMARY] = HUB_STATS_SUM_ALL(d, "year"),                   \
     [HUB_STAT_PROVINCE_DAY_SUMMARY] = HUB_STATS_PROV_ALL(d, "day"),           \
     [HUB_STAT_PROVINCE_MONTH_SUMMARY] = HUB_STATS_PROV_ALL(d, "month")}
static const char *const hub_stat_rows_sql_unit[2][HUB_STAT_OFFICERS_DAY][3] =
    HUB_STATS_BOTH(HUB_STATS_UNIT_ALL, 0);
/* [dialect][kind] */
static const char *const hub_stat_rows_sql_day_in[2][3] =
    HUB_STATS_BOTH(HUB_STATS_DAY_ALL, HUB_STATS_DAY_IN_SQL);
/* [dialect][month][kind: responses, answers, elements] */
#define HUB_STATS_SUM_IN_BOTH(d, unused)                                       \
    {HUB_STATS_SUM_IN_ALL(d, "day", NEXT_DAY),                                 \
     HUB_STATS_SUM_IN_ALL(d, "month", NEXT_MONTH)}
static const char *const hub_stat_rows_sql_sum_in[2][2][3] =
    HUB_STATS_BOTH(HUB_STATS_SUM_IN_BOTH, 0);
/* The officers' tables: complete responses only, partial and suppressed
 * 0, no field. */
#define HUB_STATS_OFFICERS_TABLE_SQL(d, per)                                   \
    HUB_STATS_D(d, DECLARE) "SELECT unit, '', " HUB_STATS_OFFICER_SUB(d) ", " per ", instrument,"      \
    " complete, 0, 0, officer FROM stat_" per "_officers WHERE " per           \
    " BETWEEN ?1 AND ?2" HUB_STATS_FILTER(d)
/* Counter and officer breakdowns: the staff summaries are keyed by unit
 * first, so a scope of a few units reads only their rows. */
#define HUB_STATS_STAFF_SQL(d, per, cols, table)                               \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, " HUB_STATS_SUB(d) ", " per ", " cols " FROM " table  \
    " WHERE " per " BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER(d)               \
    " AND " HUB_STATS_D(d, NULL4)
#define HUB_STATS_STAFF_IN_SQL(d, per, cols, table)                            \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, " HUB_STATS_SUB(d) ", " per ", " cols " FROM " table  \
    " WHERE unit IN (" HUB_STATS_D(d, CODES) ")"                               \
    " AND " per " BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER(d)
/* [in scope][kind: responses, answers, elements] */
#define HUB_STATS_STAFF_ALL(d, per, prefix)                                    \
    {{HUB_STATS_STAFF_SQL(d, per, HUB_STATS_RESP_COLS, prefix "responses"),    \
      HUB_STATS_STAFF_SQL(d, per, HUB_STATS_ANS_COLS, prefix "answers"),       \
      HUB_STATS_STAFF_SQL(d, per, HUB_STATS_EL_COLS, prefix "elements")},      \
     {HUB_STATS_STAFF_IN_SQL(d, per, HUB_STATS_RESP_COLS, prefix "responses"), \
      HUB_STATS_STAFF_IN_SQL(d, per, HUB_STATS_ANS_COLS, prefix "answers"),    \
      HUB_STATS_STAFF_IN_SQL(d, per, HUB_STATS_EL_COLS, prefix "elements")}}
/* [dialect][year][in scope][kind] */
#define HUB_STATS_STAFF_BOTH(d, unused)                                        \
    {HUB_STATS_STAFF_ALL(d, "month", "stat_staff_"),                           \
     HUB_STATS_STAFF_ALL(d, "year", "stat_staff_year_")}
static const char *const hub_stat_rows_sql_staff[2][2][2][3] =
    HUB_STATS_BOTH(HUB_STATS_STAFF_BOTH, 0);

/* Each officer's responses, for weighing groups (privacy.h): ?5 is 1
 * when the sub column is the counter, anything else gives ''. */
#define HUB_STATS_OFFICER_SUB(d)                                               \
    "CASE " HUB_STATS_D(d, FIVE) " WHEN 1 THEN counter ELSE '' END"
#define HUB_STATS_OFFICER_COLS HUB_STATS_RESP_COLS ", officer"
/* [dialect][in scope] */
#define HUB_STATS_DAY_OFFICERS(d, unused)                                      \
    {HUB_STATS_D(d, DECLARE) "SELECT unit, field, "                           \
     HUB_STATS_OFFICER_SUB(d) ", day, "                 \
     HUB_STATS_OFFICER_COLS " FROM day_responses WHERE day BETWEEN ?1 AND ?2"  \
     " AND officer <> ''" HUB_STATS_FILTER(d),                                 \
     HUB_STATS_IN_KEYS_SQL(d, "day", NEXT_DAY,                                 \
                           "unit, field, " HUB_STATS_OFFICER_SUB(d)            \
                           ", t.day, "                                         \
                           HUB_STATS_OFFICER_COLS, "day_responses")            \
     " AND officer <> ''"}
static const char *const hub_stat_rows_sql_day_officers[2][2] =
    HUB_STATS_BOTH(HUB_STATS_DAY_OFFICERS, 0);
#define HUB_STATS_OFFICERS_SQL(d, per, table)                                  \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, " HUB_STATS_OFFICER_SUB(d) ", " per ", "              \
    HUB_STATS_OFFICER_COLS " FROM " table " WHERE " per " BETWEEN"             \
    " ?1 AND ?2 AND officer <> ''" HUB_STATS_INSTRUMENT(d) " AND "             \
    HUB_STATS_D(d, NULL4)
#define HUB_STATS_OFFICERS_IN_SQL(d, per, table)                               \
    HUB_STATS_D(d, DECLARE) "SELECT unit, field, " HUB_STATS_OFFICER_SUB(d) ", " per ", "              \
    HUB_STATS_OFFICER_COLS " FROM " table " WHERE unit IN"                     \
    " (" HUB_STATS_D(d, CODES) ") AND " per " BETWEEN ?1 AND ?2"               \
    " AND officer <> ''" HUB_STATS_INSTRUMENT(d)
#define HUB_STATS_OFFICERS_TABLE_IN_SQL(d, per, next)                          \
    HUB_STATS_IN_KEYS_SQL(d, per, next,                                        \
                          "unit, '', " HUB_STATS_OFFICER_SUB(d) ", t." per     \
                          ", instrument, complete, 0, 0, officer",             \
                          "stat_" per "_officers")
/* The whole province grouped by period or not at all: the bucket alone
 * keys a group, so unit and counter are neither tested nor returned (a
 * quarter by day steps through 130,000 of these rows). */
#define HUB_STATS_OFFICERS_BUCKET_SQL(d, per)                                  \
    HUB_STATS_D(d, DECLARE) "SELECT '', '', '', " per ", '', complete, 0, 0, officer FROM stat_" per  \
    "_officers WHERE " per " BETWEEN ?1 AND ?2" HUB_STATS_INSTRUMENT(d)        \
    " AND " HUB_STATS_D(d, NULL4) " AND ?5 >= 0"
/* [dialect][month] */
#define HUB_STATS_OFFICERS_BUCKET_BOTH(d, unused)                              \
    {HUB_STATS_OFFICERS_BUCKET_SQL(d, "day"),                                  \
     HUB_STATS_OFFICERS_BUCKET_SQL(d, "month")}
static const char *const hub_stat_rows_sql_officers_bucket[2][2] =
    HUB_STATS_BOTH(HUB_STATS_OFFICERS_BUCKET_BOTH, 0);
/* [dialect][month][in scope] */
#define HUB_STATS_OFFICERS_TABLE_BOTH(d, unused)                               \
    {{HUB_STATS_OFFICERS_TABLE_SQL(d, "day"),                                  \
      HUB_STATS_OFFICERS_TABLE_IN_SQL(d, "day", NEXT_DAY)},                    \
     {HUB_STATS_OFFICERS_TABLE_SQL(d, "month"),                                \
      HUB_STATS_OFFICERS_TABLE_IN_SQL(d, "month", NEXT_MONTH)}}
static const char *const hub_stat_rows_sql_officers_table[2][2][2] =
    HUB_STATS_BOTH(HUB_STATS_OFFICERS_TABLE_BOTH, 0);
/* [dialect][year][in scope] */
#define HUB_STATS_STAFF_OFFICERS_BOTH(d, unused)                               \
    {{HUB_STATS_OFFICERS_SQL(d, "month", "stat_staff_responses"),              \
      HUB_STATS_OFFICERS_IN_SQL(d, "month", "stat_staff_responses")},          \
     {HUB_STATS_OFFICERS_SQL(d, "year", "stat_staff_year_responses"),          \
      HUB_STATS_OFFICERS_IN_SQL(d, "year", "stat_staff_year_responses")}}
static const char *const hub_stat_rows_sql_staff_officers[2][2][2] =
    HUB_STATS_BOTH(HUB_STATS_STAFF_OFFICERS_BOTH, 0);

/* Units summed under an ancestor in SQL (rd->unit_map, a JSON object of
 * code -> the code its rows count for): a year of the country by
 * province reads 170,000 answer rows of 4,200 units, which come out as
 * a few thousand, and C only adds up what is left. With a scope, only
 * the map's units are read (JOIN); without one every unit is, one the
 * map does not name under its own code (LEFT JOIN), as C would. */
#define HUB_STATS_MAP_LITE "SELECT key AS code, value AS top FROM json_each(?4)"
#define HUB_STATS_MAP_PGSQL                                                    \
    "SELECT key COLLATE \"C\" AS code, value COLLATE \"C\" AS top"            \
    " FROM json_each_text(CAST(?4 AS json))"
#define HUB_STATS_TOP "coalesce(m.top, t.unit)"
/* keys: the kind's key columns after the instrument; sums its counts.
 * KINDS: responses, answers, elements, in that order. */
#define HUB_STATS_MAPPED_SQL(d, join, per, table, keys, sums)                 \
    HUB_STATS_D(d, DECLARE) "SELECT " HUB_STATS_TOP ", t.field, '', t." per    \
    ", t.instrument" keys ", " sums " FROM " table " AS t " join " ("         \
    HUB_STATS_D(d, MAP) ") AS m ON m.code = t.unit WHERE t." per              \
    " BETWEEN ?1 AND ?2 AND (" HUB_STATS_D(d, NULL3) " OR t.instrument = ?3)"  \
    " AND ?5 >= 0 GROUP BY " HUB_STATS_TOP ", t.field, t." per                 \
    ", t.instrument" keys
#define HUB_STATS_MAPPED_KINDS(d, join, per)                                   \
    HUB_STATS_MAPPED_SQL(d, join, per, "stat_" per "_responses", "",          \
                          "SUM(t.complete), SUM(t.partial),"                   \
                          " SUM(t.suppressed)"),                               \
     HUB_STATS_MAPPED_SQL(d, join, per, "stat_" per "_answers",                \
                          ", t.question, t.element, t.answer",                 \
                          "SUM(t.n), SUM(t.pn)"),                              \
     HUB_STATS_MAPPED_SQL(d, join, per, "stat_" per "_elements",              \
                          ", t.element", "SUM(t.n), SUM(t.pn), SUM(t.approx)")
/* Each officer's complete responses, for weighing the groups. */
#define HUB_STATS_MAPPED_OFFICERS_SQL(d, join, per, table)                     \
    HUB_STATS_D(d, DECLARE) "SELECT " HUB_STATS_TOP ", '', '', t." per         \
    ", '', SUM(t.complete), 0, 0, t.officer FROM " table " AS t " join " ("   \
    HUB_STATS_D(d, MAP) ") AS m ON m.code = t.unit WHERE t." per              \
    " BETWEEN ?1 AND ?2 AND t.officer <> '' AND (" HUB_STATS_D(d, NULL3)       \
    " OR t.instrument = ?3) AND ?5 >= 0 GROUP BY " HUB_STATS_TOP ", t." per    \
    ", t.officer"
/* [month 0, year 1][kind: responses, answers, elements, officers] */
#define HUB_STATS_MAPPED_JOIN(d, join)                                         \
    {{HUB_STATS_MAPPED_KINDS(d, join, "month"),                                \
      HUB_STATS_MAPPED_OFFICERS_SQL(d, join, "month",                          \
                                    "stat_month_officers")},                   \
     {HUB_STATS_MAPPED_KINDS(d, join, "year"),                                 \
      HUB_STATS_MAPPED_OFFICERS_SQL(d, join, "year",                           \
                                    "stat_staff_year_responses")}}
/* [dialect][in scope][year][kind] */
#define HUB_STATS_MAPPED_BOTH(d, unused)                                       \
    {HUB_STATS_MAPPED_JOIN(d, "LEFT JOIN"), HUB_STATS_MAPPED_JOIN(d, "JOIN")}
static const char *const hub_stat_rows_sql_mapped[2][2][2][4] =
    HUB_STATS_BOTH(HUB_STATS_MAPPED_BOTH, 0);

/* A national hub's totals by province in the map's place: the same
 * columns, already one row a province (the officers summed over
 * instruments, as the map's statement does); with a scope, the
 * provinces it holds. */
#define HUB_STATS_PT_SQL(d, per, kind, cols)                                   \
    HUB_STATS_D(d, DECLARE) "SELECT province, " cols " FROM national_prov_"   \
    per "_" kind " WHERE " per " BETWEEN ?1 AND ?2" HUB_STATS_INSTRUMENT(d)    \
    " AND (" HUB_STATS_D(d, NULL4) " OR province IN ("                         \
    HUB_STATS_D(d, CODES) ")) AND ?5 >= 0"
#define HUB_STATS_PT_KINDS(d, per)                                             \
    {HUB_STATS_PT_SQL(d, per, "responses",                                     \
                      "field, '', " per ", " HUB_STATS_RESP_COLS),             \
     HUB_STATS_PT_SQL(d, per, "answers",                                       \
                      "field, '', " per ", " HUB_STATS_ANS_COLS),              \
     HUB_STATS_PT_SQL(d, per, "elements",                                      \
                      "field, '', " per ", " HUB_STATS_EL_COLS),               \
     HUB_STATS_PT_SQL(d, per, "officers",                                      \
                      "'', '', " per ", '', SUM(complete), 0, 0, officer")     \
     " AND officer <> '' GROUP BY province, " per ", officer"}
/* [dialect][year][kind] */
#define HUB_STATS_PT_BOTH(d, unused)                                           \
    {HUB_STATS_PT_KINDS(d, "month"), HUB_STATS_PT_KINDS(d, "year")}
static const char *const hub_stat_rows_sql_provtotals[2][2][4] =
    HUB_STATS_BOTH(HUB_STATS_PT_BOTH, 0);

/* rd's summed statement, or NULL when its table is not one the map
 * serves (then its rows are read one by one, as without a map). */
static const char *hub_stat_rows_get_mapped_sql(const hub_stat_read_t *rd,
                                                int pg)
{
    int year, kind, in = rd->scope_codes != NULL;

    if (!rd->unit_map || rd->sub != HUB_STAT_SUB_NONE)
        return NULL;
    if (rd->officers) {
        if (rd->table != HUB_STAT_OFFICERS_MONTH &&
            rd->table != HUB_STAT_STAFF_YEAR_SUMMARY)
            return NULL;
        year = rd->table == HUB_STAT_STAFF_YEAR_SUMMARY;
        kind = 3;
    } else {
        if ((rd->table != HUB_STAT_MONTH_SUMMARY &&
             rd->table != HUB_STAT_YEAR_SUMMARY) ||
            rd->answers < 0 || rd->answers > HUB_STAT_ELEMENTS)
            return NULL;
        year = rd->table == HUB_STAT_YEAR_SUMMARY;
        kind = rd->answers;
    }
    if (rd->by_province)
        return hub_stat_rows_sql_provtotals[pg][year][kind];
    return hub_stat_rows_sql_mapped[pg][in][year][kind];
}

/* Whether rd reads the lean officers' statement, without unit and sub. */
static int hub_stat_rows_is_bucket_only(const hub_stat_read_t *rd)
{
    return rd->officers && rd->bucket_only && !rd->scope_codes &&
           (rd->table == HUB_STAT_OFFICERS_DAY ||
            rd->table == HUB_STAT_OFFICERS_MONTH);
}

/* rd's statement in dialect pg (0: SQLite, 1: PostgreSQL). */
static const char *hub_stat_rows_get_officer_sql(const hub_stat_read_t *rd,
                                                 int pg)
{
    int in = rd->scope_codes != NULL;

    if (rd->table == HUB_STAT_DAY_ROWS)
        return hub_stat_rows_sql_day_officers[pg][in];
    if (hub_stat_rows_is_bucket_only(rd))
        return hub_stat_rows_sql_officers_bucket
            [pg][rd->table == HUB_STAT_OFFICERS_MONTH];
    if (rd->table == HUB_STAT_OFFICERS_DAY ||
        rd->table == HUB_STAT_OFFICERS_MONTH)
        return hub_stat_rows_sql_officers_table
            [pg][rd->table == HUB_STAT_OFFICERS_MONTH][in];
    if (rd->table == HUB_STAT_STAFF_SUMMARY ||
        rd->table == HUB_STAT_STAFF_YEAR_SUMMARY)
        return hub_stat_rows_sql_staff_officers
            [pg][rd->table == HUB_STAT_STAFF_YEAR_SUMMARY][in];
    return NULL;
}

static const char *hub_stat_rows_get_sql(const hub_stat_read_t *rd, int pg)
{
    int a = rd->answers, in = rd->scope_codes != NULL;

    if (rd->officers)
        return hub_stat_rows_get_officer_sql(rd, pg);
    if (a < 0 || a > HUB_STAT_ELEMENTS || rd->table >= HUB_STAT_OFFICERS_DAY)
        return NULL;
    switch (rd->table) {
    case HUB_STAT_STAFF_SUMMARY:
    case HUB_STAT_STAFF_YEAR_SUMMARY:
        return hub_stat_rows_sql_staff
            [pg][rd->table == HUB_STAT_STAFF_YEAR_SUMMARY][in][a];
    case HUB_STAT_DAY_SUMMARY:
    case HUB_STAT_MONTH_SUMMARY:
        if (in)
            return hub_stat_rows_sql_sum_in
                [pg][rd->table == HUB_STAT_MONTH_SUMMARY][a];
        return hub_stat_rows_sql_unit[pg][rd->table][a];
    case HUB_STAT_DAY_ROWS:
        return in ? hub_stat_rows_sql_day_in[pg][a]
                  : hub_stat_rows_sql_unit[pg][rd->table][a];
    case HUB_STAT_YEAR_SUMMARY:
    case HUB_STAT_PROVINCE_DAY_SUMMARY:
    case HUB_STAT_PROVINCE_MONTH_SUMMARY:
        return hub_stat_rows_sql_unit[pg][rd->table][a];
    default:
        return NULL;
    }
}

static void hub_stat_rows_read(sqlx_stmt_t *st, const hub_stat_read_t *rd,
                               hub_stat_row_t *row)
{
    int answers = rd->answers;

    memset(row, 0, sizeof(*row));
    /* Weighing officers reads a row per officer and day (130,000 for a
     * quarter): only the columns it uses are fetched. */
    if (hub_stat_rows_is_bucket_only(rd)) {
        row->unit = row->field = row->sub = "";
    } else {
        row->unit = sqlx_column_text(st, 0);
        row->field = sqlx_column_text(st, 1);
        row->sub = sqlx_column_text(st, 2);
    }
    row->bucket = sqlx_column_text(st, 3);
    if (rd->officers) {
        row->instrument = "";
        row->complete = sqlx_column_int64(st, 5);
        row->officer = sqlx_column_text(st, 8);
        return;
    }
    row->officer = "";
    row->instrument = sqlx_column_text(st, 4);
    if (!answers) {
        row->complete = sqlx_column_int64(st, 5);
        row->partial = sqlx_column_int64(st, 6);
        row->suppressed = sqlx_column_int64(st, 7);
        return;
    }
    if (answers == HUB_STAT_ELEMENTS) {
        row->element = sqlx_column_text(st, 5);
        row->n = sqlx_column_int64(st, 6);
        row->pn = sqlx_column_int64(st, 7);
        row->approx = sqlx_column_int64(st, 8);
        return;
    }
    row->question = sqlx_column_text(st, 5);
    row->element = sqlx_column_text(st, 6);
    row->answer = sqlx_column_text(st, 7);
    row->n = sqlx_column_int64(st, 8);
    row->pn = sqlx_column_int64(st, 9);
}

/* The caller's read, callback and context, for hub_dbx_each(). */
typedef struct hub_stat_rows_walk {
    const hub_stat_read_t *rd;
    hub_stat_row_fn fn;
    void *ctx;
} hub_stat_rows_walk_t;

static int hub_stat_rows_each_row(void *ctx, sqlx_stmt_t *st)
{
    const hub_stat_rows_walk_t *w = ctx;
    hub_stat_row_t row;

    hub_stat_rows_read(st, w->rd, &row);
    return w->fn(w->ctx, &row) != 0 ? HUB_ERROR : 0;
}

int hub_stat_rows_each(hub_db_t *db, const hub_stat_read_t *rd,
                       hub_stat_row_fn fn, void *ctx)
{
    int pg = hub_dbx_is_pg(db);
    const char *mapped = hub_stat_rows_get_mapped_sql(rd, pg);
    const char *sql = mapped ? mapped : hub_stat_rows_get_sql(rd, pg);
    hub_stat_rows_walk_t w = {rd, fn, ctx};
    sqlx_stmt_t *st;
    int rc = HUB_OK, reset;

    /* A scope the province's tables cannot filter by would read none. */
    if (!sql || (rd->officers && rd->answers) ||
        (rd->scope_codes && (rd->table == HUB_STAT_PROVINCE_DAY_SUMMARY ||
                             rd->table == HUB_STAT_PROVINCE_MONTH_SUMMARY)))
        return HUB_ERROR;
    /* PostgreSQL cannot tell how few groups a map leaves (it plans one
     * per row read), so it would sort every row, on disk past work_mem:
     * 1.1 s for a country's year of answers by province, 0.3 s hashed.
     * Sorting is off for the summed statement alone (its plan is made
     * when its cursor is declared), within the read's transaction. */
    if (mapped && pg)
        rc = sqlx_exec(hub_dbx(db), "SET LOCAL enable_sort = off");
    if (rc != HUB_OK)
        return rc;
    st = sqlx_prepare(hub_dbx(db), sql);
    sqlx_bind_text(st, 1, rd->lo, &rc);
    sqlx_bind_text(st, 2, rd->hi, &rc);
    sqlx_bind_text(st, 3, rd->instrument, &rc);
    sqlx_bind_text(st, 4,
                   !mapped || rd->by_province ? rd->scope_codes
                                              : rd->unit_map,
                   &rc);
    sqlx_bind_int64(st, 5, (int64_t)rd->sub, &rc);
    rc = hub_dbx_each_cursor(db, st, rc, "stats", hub_stat_rows_each_row,
                             &w);
    if (mapped && pg) {
        reset = sqlx_exec(hub_dbx(db), "RESET enable_sort");
        if (rc == HUB_OK)
            rc = reset;
    }
    return rc;
}
