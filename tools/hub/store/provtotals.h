/*
 * provtotals.h - a national hub's totals by province: the month and year
 * summaries of a province's units summed, per (province, month) and
 * (province, year), so the country by province reads a few rows a
 * province instead of every unit's (a year of answers: 11,600 rows
 * against 266,000).
 *
 * A push (national.c) recomputes its (province, month) from the month
 * rows it wrote, then that province's year from its months, in its own
 * transaction: the totals are replaced, never moved by a difference, so
 * a replayed or reordered push leaves them as the rows are. The officers
 * (stat_month_officers, whose months and years the privacy rule weighs)
 * are kept the same way. A schema step fills them once from the rows a
 * database already holds (HUB_PROVTOTALS_SQL_REBUILD).
 * Ownership: strings are borrowed. Locking: the caller holds
 * hub_db_lock(), inside its write transaction.
 */
#ifndef SIPAS_HUB_PROVTOTALS_H
#define SIPAS_HUB_PROVTOTALS_H

#include "hub/store/db.h"

/* Each kind's key columns after (period, province), its counts and
 * their sums; the officers' table has no field. */
#define HUB_PT_RESP_KEY "field, instrument"
#define HUB_PT_RESP_CNT "complete, partial, suppressed"
#define HUB_PT_RESP_SUM "sum(complete), sum(partial), sum(suppressed)"
#define HUB_PT_ANS_KEY "field, instrument, question, element, answer"
#define HUB_PT_ANS_CNT "n, pn"
#define HUB_PT_ANS_SUM "sum(n), sum(pn)"
#define HUB_PT_EL_KEY "field, instrument, element"
#define HUB_PT_EL_CNT "n, pn, approx"
#define HUB_PT_EL_SUM "sum(n), sum(pn), sum(approx)"
#define HUB_PT_OFF_KEY "instrument, officer"
#define HUB_PT_OFF_CNT "complete"
#define HUB_PT_OFF_SUM "sum(complete)"

/* A kind's month totals from the unit rows the pushes wrote, where: the
 * pushes' (province, month) kept. */
#define HUB_PT_FILL_MONTH(kind, src, K, where)                            \
    "INSERT INTO national_prov_month_" kind "(month, province, "          \
    HUB_PT_##K##_KEY ", " HUB_PT_##K##_CNT ") SELECT t.month,"            \
    " u.province, " HUB_PT_##K##_KEY ", " HUB_PT_##K##_SUM " FROM " src   \
    " AS t JOIN national_month_units AS u ON u.month = t.month AND"       \
    " u.unit = t.unit WHERE " where " GROUP BY t.month, u.province, "     \
    HUB_PT_##K##_KEY
/* A kind's year totals summed from its month totals. */
#define HUB_PT_FILL_YEAR(kind, K, where)                                  \
    "INSERT INTO national_prov_year_" kind "(year, province, "            \
    HUB_PT_##K##_KEY ", " HUB_PT_##K##_CNT ") SELECT substr(month, 1, 4)," \
    " province, " HUB_PT_##K##_KEY ", " HUB_PT_##K##_SUM " FROM"          \
    " national_prov_month_" kind " WHERE " where " GROUP BY"              \
    " substr(month, 1, 4), province, " HUB_PT_##K##_KEY

/* Every total computed from the rows held: a schema step's second half,
 * after the tables are made (both dialects). */
#define HUB_PT_REBUILD(kind, src, K)                                      \
    HUB_PT_FILL_MONTH(kind, src, K, "1 = 1") ";"                          \
    HUB_PT_FILL_YEAR(kind, K, "1 = 1") ";"
#define HUB_PROVTOTALS_SQL_REBUILD                                        \
    HUB_PT_REBUILD("responses", "stat_month_responses", RESP)             \
    HUB_PT_REBUILD("answers", "stat_month_answers", ANS)                  \
    HUB_PT_REBUILD("elements", "stat_month_elements", EL)                 \
    HUB_PT_REBUILD("officers", "stat_month_officers", OFF)

/* The tables, in both dialects: T(name) and N(name) a text and a count
 * column each with its comma, tail what follows the closing bracket
 * (SQLite's WITHOUT ROWID). Keyed by period first: the country reads a
 * range of periods. */
#define HUB_PT_TABLE(per, kind, T, N, cols, key, tail)                    \
    "CREATE TABLE IF NOT EXISTS national_prov_" per "_" kind "(" T(per)   \
    T("province") cols " PRIMARY KEY(" per ", province, " key "))" tail ";"
#define HUB_PT_TABLES_OF(per, T, N, tail)                                 \
    HUB_PT_TABLE(per, "responses", T, N,                                  \
                 T("field") T("instrument") N("complete") N("partial")    \
                 N("suppressed"), HUB_PT_RESP_KEY, tail)                  \
    HUB_PT_TABLE(per, "answers", T, N,                                    \
                 T("field") T("instrument") T("question") T("element")    \
                 T("answer") N("n") N("pn"), HUB_PT_ANS_KEY, tail)        \
    HUB_PT_TABLE(per, "elements", T, N,                                   \
                 T("field") T("instrument") T("element") N("n") N("pn")   \
                 N("approx"), HUB_PT_EL_KEY, tail)                        \
    HUB_PT_TABLE(per, "officers", T, N,                                   \
                 T("instrument") T("officer") N("complete"),              \
                 HUB_PT_OFF_KEY, tail)
#define HUB_PROVTOTALS_SQL_TABLES(T, N, tail)                             \
    HUB_PT_TABLES_OF("month", T, N, tail) HUB_PT_TABLES_OF("year", T, N, tail)
/* Their names, for lists of tables (a copy to PostgreSQL). */
#define HUB_PROVTOTALS_NAMES_OF(per)                                      \
    "national_prov_" per "_responses", "national_prov_" per "_answers",   \
    "national_prov_" per "_elements", "national_prov_" per "_officers"
#define HUB_PROVTOTALS_NAMES                                              \
    HUB_PROVTOTALS_NAMES_OF("month"), HUB_PROVTOTALS_NAMES_OF("year")

/* Write: province's totals of month and of month's year made again from
 * the month rows held now. */
int hub_provtotals_refresh(hub_db_t *db, const char *province,
                           const char *month);

/* Whether the totals stand for the month and year summaries summed by
 * unit_map (a JSON object: unit code -> the code its rows count under)
 * over everything (province NULL) or province's tree: *yes 1 when
 * provinces pushed, every unit pushed by the province(s) asked or named
 * by the map maps to the province that pushed it, and the hub holds no
 * kiosk's rows of its own (the summaries' only other source). A read;
 * HUB_OK or a database error. */
int hub_provtotals_is_exact(hub_db_t *db, const char *unit_map,
                            const char *province, int *yes);

#endif
