/*
 * Summary deltas: an open-addressing table of the finest summary key (the
 * staff tables' one: unit, counter, officer, field, instrument and, for
 * answers and elements, their own key), applied to the staff tables as
 * they are, then merged across counter and officer for the day and month
 * tables (and the year ones alike), so each summary row is written once.
 */
#include "hub/store/statsums.h"

#include <stdlib.h>
#include <string.h>

#include "hub/store/dbx.h"
#include "hub/store/pgarray.h"
#include "hub/store/rowkey.h"

/* Keys one (kiosk, day) can change: every row held (at most
 * HUB_DAYROWS_HELD_MAX, dayrows.c) taken away and every row of the upload
 * (at most 20,000) put in, each its own key at worst. */
#define HUB_STATSUMS_KEYS_MAX 262144

enum { HUB_STATSUMS_RESP, HUB_STATSUMS_ANS, HUB_STATSUMS_EL };
/* Key fields: unit, counter, officer, field, instrument, then the
 * answer's question, element and answer, or the element row's element. */
enum { HUB_STATSUMS_K = 8 };
/* Values: complete, partial, suppressed (responses); n, pn (answers);
 * n, pn, approx (elements); then the snapshot rows behind the key. */
enum { HUB_STATSUMS_V = 4, HUB_STATSUMS_ROWS = 3 };

struct hub_statsum {
    int kind;
    uint64_t hash;
    const char *k[HUB_STATSUMS_K]; /* into text; NULL: not part of it */
    int64_t v[HUB_STATSUMS_V];
    char text[];
};

/* Parameters, the same in every statement: ?1 unit, ?2 day, ?3 counter,
 * ?4 officer, ?5 field, ?6 instrument, ?7 to ?9 the kind's own key, ?10
 * to ?12 its values, ?13 rows. Each statement is written once for both
 * dialects, d: "lite" (SQLite, one key a statement, the parameters
 * themselves) or "pg" (PostgreSQL, every key of the upload in one
 * statement: each parameter but the day is an array, opened by unnest()
 * as u.pN; pgarray.h). */
#define HUB_STATSUMS_P_lite(n) "?" #n
#define HUB_STATSUMS_P_pg(n) "u.p" #n
#define HUB_STATSUMS_P(d, n) HUB_STATSUMS_P_##d(n)
#define HUB_STATSUMS_UNNEST                                                \
    "unnest(CAST(?1 AS TEXT[]), CAST(?3 AS TEXT[]), CAST(?4 AS TEXT[]),"   \
    " CAST(?5 AS TEXT[]), CAST(?6 AS TEXT[]), CAST(?7 AS TEXT[]),"         \
    " CAST(?8 AS TEXT[]), CAST(?9 AS TEXT[]), CAST(?10 AS BIGINT[]),"      \
    " CAST(?11 AS BIGINT[]), CAST(?12 AS BIGINT[]), CAST(?13 AS BIGINT[]))" \
    " AS u(p1, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13)"
/* Where an upsert's row comes from: its VALUES, or the arrays' rows. */
#define HUB_STATSUMS_OPEN_lite "VALUES("
#define HUB_STATSUMS_CLOSE_lite ")"
#define HUB_STATSUMS_OPEN_pg "SELECT "
#define HUB_STATSUMS_CLOSE_pg " FROM " HUB_STATSUMS_UNNEST
#define HUB_STATSUMS_FROM(d, vals) \
    HUB_STATSUMS_OPEN_##d vals HUB_STATSUMS_CLOSE_##d

#define HUB_STATSUMS_RESP_COLS "complete, partial, suppressed, rows"
#define HUB_STATSUMS_RESP_VALS(d)                                          \
    HUB_STATSUMS_P(d, 10) ", " HUB_STATSUMS_P(d, 11) ", "                  \
    HUB_STATSUMS_P(d, 12) ", " HUB_STATSUMS_P(d, 13)
/* The summary is "s" in its upsert: PostgreSQL finds a bare column of
 * DO UPDATE ambiguous between it and excluded. Each SET in two forms:
 * with rows, and without for a key whose snapshot rows only changed
 * their counts. A summary's "_gone" trigger fires on
 * an UPDATE OF rows only, and even when its WHEN is false a trigger costs
 * a frame of SQLite's; most upserts are of the second form. */
#define HUB_STATSUMS_ROWS_SET ", rows = s.rows + excluded.rows"
#define HUB_STATSUMS_RESP_SET                                              \
    " DO UPDATE SET complete = s.complete + excluded.complete,"              \
    " partial = s.partial + excluded.partial,"                               \
    " suppressed = s.suppressed + excluded.suppressed"
#define HUB_STATSUMS_ANS_COLS "question, element, answer, n, pn, rows"
#define HUB_STATSUMS_ANS_VALS(d)                                           \
    HUB_STATSUMS_P(d, 7) ", " HUB_STATSUMS_P(d, 8) ", "                    \
    HUB_STATSUMS_P(d, 9) ", " HUB_STATSUMS_P(d, 10) ", "                   \
    HUB_STATSUMS_P(d, 11) ", " HUB_STATSUMS_P(d, 13)
#define HUB_STATSUMS_ANS_KEY ", question, element, answer"
#define HUB_STATSUMS_ANS_SET                                               \
    " DO UPDATE SET n = s.n + excluded.n, pn = s.pn + excluded.pn"
#define HUB_STATSUMS_EL_COLS "element, n, pn, approx, rows"
#define HUB_STATSUMS_EL_VALS(d)                                            \
    HUB_STATSUMS_P(d, 7) ", " HUB_STATSUMS_P(d, 10) ", "                   \
    HUB_STATSUMS_P(d, 11) ", " HUB_STATSUMS_P(d, 12) ", "                  \
    HUB_STATSUMS_P(d, 13)
#define HUB_STATSUMS_EL_KEY ", element"
#define HUB_STATSUMS_EL_SET                                                \
    " DO UPDATE SET n = s.n + excluded.n, pn = s.pn + excluded.pn,"           \
    " approx = s.approx + excluded.approx"

/* The key's own columns as a table's VALUES begin them. */
#define HUB_STATSUMS_UFI(d)                                                \
    HUB_STATSUMS_P(d, 1) ", " HUB_STATSUMS_P(d, 5) ", "                    \
    HUB_STATSUMS_P(d, 6) ", "
#define HUB_STATSUMS_COI(d)                                                \
    HUB_STATSUMS_P(d, 3) ", " HUB_STATSUMS_P(d, 4) ", "                    \
    HUB_STATSUMS_P(d, 5) ", " HUB_STATSUMS_P(d, 6) ", "
#define HUB_STATSUMS_DAY(d, t, cols, vals, key, set)                       \
    "INSERT INTO stat_day_" t " AS s (day, unit, field, instrument, "     \
    cols ") " HUB_STATSUMS_FROM(d, "?2, " HUB_STATSUMS_UFI(d) vals)        \
    " ON CONFLICT(day, unit, field, instrument" key ")" set
#define HUB_STATSUMS_MONTH(d, t, cols, vals, key, set)                     \
    "INSERT INTO stat_month_" t " AS s (month, unit, field, instrument, " \
    cols ") " HUB_STATSUMS_FROM(d, "substr(?2, 1, 7), "                    \
                                HUB_STATSUMS_UFI(d) vals)                  \
    " ON CONFLICT(month, unit, field, instrument" key ")" set
#define HUB_STATSUMS_STAFF(d, t, cols, vals, key, set)                     \
    "INSERT INTO stat_staff_" t " AS s (unit, month, counter, officer,"   \
    " field, instrument, " cols ") "                                       \
    HUB_STATSUMS_FROM(d, HUB_STATSUMS_P(d, 1) ", substr(?2, 1, 7), "       \
                      HUB_STATSUMS_COI(d) vals)                            \
    " ON CONFLICT(unit, month, counter, officer, field,"                   \
    " instrument" key ")" set
#define HUB_STATSUMS_YEAR(d, t, cols, vals, key, set)                      \
    "INSERT INTO stat_year_" t " AS s (year, unit, field, instrument, "   \
    cols ") " HUB_STATSUMS_FROM(d, "substr(?2, 1, 4), "                    \
                                HUB_STATSUMS_UFI(d) vals)                  \
    " ON CONFLICT(year, unit, field, instrument" key ")" set
#define HUB_STATSUMS_STAFF_YEAR(d, t, cols, vals, key, set)                \
    "INSERT INTO stat_staff_year_" t " AS s (unit, year, counter,"        \
    " officer, field, instrument, " cols ") "                              \
    HUB_STATSUMS_FROM(d, HUB_STATSUMS_P(d, 1) ", substr(?2, 1, 4),"        \
                      " " HUB_STATSUMS_COI(d) vals)                        \
    " ON CONFLICT(unit, year, counter, officer,"                           \
    " field, instrument" key ")" set
/* The whole province's summaries keep neither unit nor staff. */
#define HUB_STATSUMS_PROV_DAY(d, t, cols, vals, key, set)                  \
    "INSERT INTO stat_prov_day_" t " AS s (day, field, instrument, " cols \
    ") " HUB_STATSUMS_FROM(d, "?2, " HUB_STATSUMS_P(d, 5) ", "             \
                           HUB_STATSUMS_P(d, 6) ", " vals)                 \
    " ON CONFLICT(day, field, instrument" key ")" set
#define HUB_STATSUMS_PROV_MONTH(d, t, cols, vals, key, set)                \
    "INSERT INTO stat_prov_month_" t " AS s (month, field, instrument, "  \
    cols ") " HUB_STATSUMS_FROM(d, "substr(?2, 1, 7), "                    \
                                HUB_STATSUMS_P(d, 5) ", "                  \
                                HUB_STATSUMS_P(d, 6) ", " vals)            \
    " ON CONFLICT(month, field, instrument" key ")" set
/* Each officer's complete responses: ?10 and ?13 of a response key. */
#define HUB_STATSUMS_OFFICERS(d, per, val)                                 \
    "INSERT INTO stat_" per "_officers AS s (" per ", unit, counter,"     \
    " instrument, officer, complete, rows) "                               \
    HUB_STATSUMS_FROM(d, val ", " HUB_STATSUMS_P(d, 1) ", "                \
                      HUB_STATSUMS_P(d, 3) ", " HUB_STATSUMS_P(d, 6) ", "  \
                      HUB_STATSUMS_P(d, 4) ", " HUB_STATSUMS_P(d, 10)      \
                      ", " HUB_STATSUMS_P(d, 13))                          \
    " ON CONFLICT(" per ", unit, counter, instrument,"                     \
    " officer) DO UPDATE SET complete = s.complete + excluded.complete"
#define HUB_STATSUMS_OFFICERS_ALL(per, val)                                \
    {{HUB_STATSUMS_OFFICERS(lite, per, val), NULL, NULL},                  \
     {HUB_STATSUMS_OFFICERS(lite, per, val) HUB_STATSUMS_ROWS_SET, NULL,   \
      NULL}}
#define HUB_STATSUMS_KIND(m, d, rows)                                      \
    {m(d, "responses", HUB_STATSUMS_RESP_COLS, HUB_STATSUMS_RESP_VALS(d),  \
       "", HUB_STATSUMS_RESP_SET rows),                                    \
     m(d, "answers", HUB_STATSUMS_ANS_COLS, HUB_STATSUMS_ANS_VALS(d),      \
       HUB_STATSUMS_ANS_KEY, HUB_STATSUMS_ANS_SET rows),                   \
     m(d, "elements", HUB_STATSUMS_EL_COLS, HUB_STATSUMS_EL_VALS(d),       \
       HUB_STATSUMS_EL_KEY, HUB_STATSUMS_EL_SET rows)}
/* [rows changed][kind] */
#define HUB_STATSUMS_ALL(m)                                                \
    {HUB_STATSUMS_KIND(m, lite, ""),                                       \
     HUB_STATSUMS_KIND(m, lite, HUB_STATSUMS_ROWS_SET)}
/* PostgreSQL's: rows always added, a 0 as well as any other. */
#define HUB_STATSUMS_ALL_PG(m) HUB_STATSUMS_KIND(m, pg, HUB_STATSUMS_ROWS_SET)

static const char *const hub_statsums_sql_day[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_DAY);
static const char *const hub_statsums_sql_month[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_MONTH);
static const char *const hub_statsums_sql_staff[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_STAFF);
static const char *const hub_statsums_sql_year[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_YEAR);
static const char *const hub_statsums_sql_staff_year[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_STAFF_YEAR);
static const char *const hub_statsums_sql_prov_day[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_PROV_DAY);
static const char *const hub_statsums_sql_prov_month[2][3] =
    HUB_STATSUMS_ALL(HUB_STATSUMS_PROV_MONTH);
/* Response keys only ([rows changed][HUB_STATSUMS_RESP]). */
static const char *const hub_statsums_sql_officers_day[2][3] =
    HUB_STATSUMS_OFFICERS_ALL("day", "?2");
static const char *const hub_statsums_sql_officers_month[2][3] =
    HUB_STATSUMS_OFFICERS_ALL("month", "substr(?2, 1, 7)");

static const char *const hub_statsums_pg_day[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_DAY);
static const char *const hub_statsums_pg_month[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_MONTH);
static const char *const hub_statsums_pg_staff[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_STAFF);
static const char *const hub_statsums_pg_year[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_YEAR);
static const char *const hub_statsums_pg_staff_year[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_STAFF_YEAR);
static const char *const hub_statsums_pg_prov_day[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_PROV_DAY);
static const char *const hub_statsums_pg_prov_month[3] =
    HUB_STATSUMS_ALL_PG(HUB_STATSUMS_PROV_MONTH);
static const char *const hub_statsums_pg_officers_day[3] = {
    HUB_STATSUMS_OFFICERS(pg, "day", "?2") HUB_STATSUMS_ROWS_SET, NULL,
    NULL};
static const char *const hub_statsums_pg_officers_month[3] = {
    HUB_STATSUMS_OFFICERS(pg, "month", "substr(?2, 1, 7)")
        HUB_STATSUMS_ROWS_SET,
    NULL, NULL};

/* The same changes as plain UPDATEs by the key, for a key whose snapshot
 * rows only changed their counts (its summary row is then almost always
 * there): SQLite's upsert first builds the row to insert and probes the
 * key, then seeks it again for the DO UPDATE. Nothing updated (a row
 * deleted by hand): the upsert follows. SQLite only: PostgreSQL's one
 * upsert a table covers every key. */
#define HUB_STATSUMS_RESP_UPD                                              \
    " SET complete = complete + ?10, partial = partial + ?11,"             \
    " suppressed = suppressed + ?12 WHERE "
#define HUB_STATSUMS_ANS_UPD " SET n = n + ?10, pn = pn + ?11 WHERE "
#define HUB_STATSUMS_ANS_WHERE(d)                                          \
    " AND question = " HUB_STATSUMS_P(d, 7) " AND element = "              \
    HUB_STATSUMS_P(d, 8) " AND answer = " HUB_STATSUMS_P(d, 9)
#define HUB_STATSUMS_EL_UPD                                                \
    " SET n = n + ?10, pn = pn + ?11, approx = approx + ?12 WHERE "
#define HUB_STATSUMS_EL_WHERE(d) " AND element = " HUB_STATSUMS_P(d, 7)
#define HUB_STATSUMS_KIND_UPD(t, key)                                      \
    {"UPDATE " t "_responses" HUB_STATSUMS_RESP_UPD key(lite),             \
     "UPDATE " t "_answers" HUB_STATSUMS_ANS_UPD key(lite)                 \
     HUB_STATSUMS_ANS_WHERE(lite),                                         \
     "UPDATE " t "_elements" HUB_STATSUMS_EL_UPD key(lite)                 \
     HUB_STATSUMS_EL_WHERE(lite)}
#define HUB_STATSUMS_DIMS_WHERE(d)                                         \
    " AND field = " HUB_STATSUMS_P(d, 5) " AND instrument = "              \
    HUB_STATSUMS_P(d, 6)
#define HUB_STATSUMS_OFFICERS_KEY(per, val, d)                             \
    per " = " val " AND unit = " HUB_STATSUMS_P(d, 1) " AND counter = "    \
    HUB_STATSUMS_P(d, 3) " AND instrument = " HUB_STATSUMS_P(d, 6)         \
    " AND officer = " HUB_STATSUMS_P(d, 4)
#define HUB_STATSUMS_OFFICERS_UPD(per, val)                                \
    {"UPDATE stat_" per "_officers SET complete = complete + ?10 WHERE "   \
     HUB_STATSUMS_OFFICERS_KEY(per, val, lite), NULL, NULL}

/* A summary row goes when its last snapshot row goes: SQLite's "_gone"
 * triggers (db.c) do it there, these statements on PostgreSQL, which
 * has no triggers (docs/HUB.md), for every key of the upload that lost
 * rows at once. */
#define HUB_STATSUMS_GONE " AND rows <= 0"
#define HUB_STATSUMS_USING " USING " HUB_STATSUMS_UNNEST " WHERE "
#define HUB_STATSUMS_KIND_GONE(t, key)                                     \
    {"DELETE FROM " t "_responses" HUB_STATSUMS_USING key(pg)              \
     HUB_STATSUMS_GONE,                                                    \
     "DELETE FROM " t "_answers" HUB_STATSUMS_USING key(pg)                \
     HUB_STATSUMS_ANS_WHERE(pg) HUB_STATSUMS_GONE,                         \
     "DELETE FROM " t "_elements" HUB_STATSUMS_USING key(pg)               \
     HUB_STATSUMS_EL_WHERE(pg) HUB_STATSUMS_GONE}
#define HUB_STATSUMS_OFFICERS_GONE(per, val)                               \
    {"DELETE FROM stat_" per "_officers" HUB_STATSUMS_USING                \
     HUB_STATSUMS_OFFICERS_KEY(per, val, pg) HUB_STATSUMS_GONE, NULL, NULL}

/* Each table's key, the same in its UPDATE and its DELETE. */
#define HUB_STATSUMS_KEY_DAY(d)                                            \
    "day = ?2 AND unit = " HUB_STATSUMS_P(d, 1) HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_MONTH(d)                                          \
    "month = substr(?2, 1, 7) AND unit = " HUB_STATSUMS_P(d, 1)            \
    HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_STAFF(d)                                          \
    "unit = " HUB_STATSUMS_P(d, 1) " AND month = substr(?2, 1, 7) AND"     \
    " counter = " HUB_STATSUMS_P(d, 3) " AND officer = "                   \
    HUB_STATSUMS_P(d, 4) HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_YEAR(d)                                           \
    "year = substr(?2, 1, 4) AND unit = " HUB_STATSUMS_P(d, 1)             \
    HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_STAFF_YEAR(d)                                     \
    "unit = " HUB_STATSUMS_P(d, 1) " AND year = substr(?2, 1, 4) AND"      \
    " counter = " HUB_STATSUMS_P(d, 3) " AND officer = "                   \
    HUB_STATSUMS_P(d, 4) HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_PROV_DAY(d) "day = ?2" HUB_STATSUMS_DIMS_WHERE(d)
#define HUB_STATSUMS_KEY_PROV_MONTH(d)                                     \
    "month = substr(?2, 1, 7)" HUB_STATSUMS_DIMS_WHERE(d)

static const char *const hub_statsums_upd_day[3] =
    HUB_STATSUMS_KIND_UPD("stat_day", HUB_STATSUMS_KEY_DAY);
static const char *const hub_statsums_upd_month[3] =
    HUB_STATSUMS_KIND_UPD("stat_month", HUB_STATSUMS_KEY_MONTH);
static const char *const hub_statsums_upd_staff[3] =
    HUB_STATSUMS_KIND_UPD("stat_staff", HUB_STATSUMS_KEY_STAFF);
static const char *const hub_statsums_upd_year[3] =
    HUB_STATSUMS_KIND_UPD("stat_year", HUB_STATSUMS_KEY_YEAR);
static const char *const hub_statsums_upd_staff_year[3] =
    HUB_STATSUMS_KIND_UPD("stat_staff_year", HUB_STATSUMS_KEY_STAFF_YEAR);
static const char *const hub_statsums_upd_prov_day[3] =
    HUB_STATSUMS_KIND_UPD("stat_prov_day", HUB_STATSUMS_KEY_PROV_DAY);
static const char *const hub_statsums_upd_prov_month[3] =
    HUB_STATSUMS_KIND_UPD("stat_prov_month", HUB_STATSUMS_KEY_PROV_MONTH);
static const char *const hub_statsums_upd_officers_day[3] =
    HUB_STATSUMS_OFFICERS_UPD("day", "?2");
static const char *const hub_statsums_upd_officers_month[3] =
    HUB_STATSUMS_OFFICERS_UPD("month", "substr(?2, 1, 7)");

static const char *const hub_statsums_gone_day[3] =
    HUB_STATSUMS_KIND_GONE("stat_day", HUB_STATSUMS_KEY_DAY);
static const char *const hub_statsums_gone_month[3] =
    HUB_STATSUMS_KIND_GONE("stat_month", HUB_STATSUMS_KEY_MONTH);
static const char *const hub_statsums_gone_staff[3] =
    HUB_STATSUMS_KIND_GONE("stat_staff", HUB_STATSUMS_KEY_STAFF);
static const char *const hub_statsums_gone_year[3] =
    HUB_STATSUMS_KIND_GONE("stat_year", HUB_STATSUMS_KEY_YEAR);
static const char *const hub_statsums_gone_staff_year[3] =
    HUB_STATSUMS_KIND_GONE("stat_staff_year", HUB_STATSUMS_KEY_STAFF_YEAR);
static const char *const hub_statsums_gone_prov_day[3] =
    HUB_STATSUMS_KIND_GONE("stat_prov_day", HUB_STATSUMS_KEY_PROV_DAY);
static const char *const hub_statsums_gone_prov_month[3] =
    HUB_STATSUMS_KIND_GONE("stat_prov_month", HUB_STATSUMS_KEY_PROV_MONTH);
static const char *const hub_statsums_gone_officers_day[3] =
    HUB_STATSUMS_OFFICERS_GONE("day", "?2");
static const char *const hub_statsums_gone_officers_month[3] =
    HUB_STATSUMS_OFFICERS_GONE("month", "substr(?2, 1, 7)");

/* One summary table's statements: SQLite's upserts [rows changed][kind]
 * and UPDATE of each kind for a key whose rows did not change;
 * PostgreSQL's upsert of every key of a kind, and DELETE of the rows
 * left with none. */
typedef struct hub_statsums_table {
    const char *const (*upsert)[3];
    const char *const *update;
    const char *const *pg_upsert;
    const char *const *gone;
} hub_statsums_table_t;

/* A row in stat_writer_sums makes the triggers stand aside (db.c). */
static const char hub_statsums_sql_begin[] =
    "INSERT OR IGNORE INTO stat_writer_sums(one) VALUES(1)";
static const char hub_statsums_sql_end[] = "DELETE FROM stat_writer_sums";

void hub_statsums_init(hub_statsums_t *s)
{
    memset(s, 0, sizeof(*s));
}

void hub_statsums_free(hub_statsums_t *s)
{
    size_t i;

    for (i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    memset(s, 0, sizeof(*s));
}

static uint64_t hub_statsums_hash(int kind, const char *const *k)
{
    uint64_t h = hub_rowkey_int(HUB_ROWKEY_SEED, kind);
    int i;

    for (i = 0; i < HUB_STATSUMS_K; i++)
        h = k[i] ? hub_rowkey_text(h, k[i]) : hub_rowkey_int(h, -1);
    return h;
}

static int hub_statsums_same(const hub_statsum_t *e, int kind,
                             const char *const *k)
{
    int i;

    if (e->kind != kind)
        return 0;
    for (i = 0; i < HUB_STATSUMS_K; i++) {
        if (!e->k[i] != !k[i])
            return 0;
        if (k[i] && strcmp(e->k[i], k[i]) != 0)
            return 0;
    }
    return 1;
}

static hub_statsum_t *hub_statsums_new(int kind, uint64_t hash,
                                       const char *const *k)
{
    size_t len[HUB_STATSUMS_K], total = 0, off = 0;
    hub_statsum_t *e;
    int i;

    for (i = 0; i < HUB_STATSUMS_K; i++) {
        len[i] = k[i] ? strlen(k[i]) + 1 : 0;
        total += len[i];
    }
    if (!(e = calloc(1, sizeof(*e) + total)))
        return NULL;
    e->kind = kind;
    e->hash = hash;
    for (i = 0; i < HUB_STATSUMS_K; i++) {
        if (!k[i])
            continue;
        memcpy(e->text + off, k[i], len[i]);
        e->k[i] = e->text + off;
        off += len[i];
    }
    return e;
}

/* Doubles the table; entries keep their place by hash. */
static int hub_statsums_grow(hub_statsums_t *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64, i, j;
    hub_statsum_t **slot;

    if (cap > 2 * HUB_STATSUMS_KEYS_MAX)
        return HUB_ERROR;
    if (!(slot = calloc(cap, sizeof(*slot))))
        return HUB_ERROR;
    for (i = 0; i < s->cap; i++) {
        if (!s->slot[i])
            continue;
        for (j = s->slot[i]->hash & (cap - 1); slot[j]; j = (j + 1) & (cap - 1))
            ;
        slot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return HUB_OK;
}

static int hub_statsums_add(hub_statsums_t *s, int kind,
                            const char *const *k, const int64_t *v)
{
    uint64_t hash = hub_statsums_hash(kind, k);
    size_t j;
    int i;

    if (2 * (s->n + 1) > s->cap && hub_statsums_grow(s) != HUB_OK)
        return HUB_ERROR;
    for (j = hash & (s->cap - 1); s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (s->slot[j]->hash == hash && hub_statsums_same(s->slot[j], kind, k))
            break;
    if (!s->slot[j]) {
        if (!(s->slot[j] = hub_statsums_new(kind, hash, k)))
            return HUB_ERROR;
        s->n++;
    }
    for (i = 0; i < HUB_STATSUMS_V; i++)
        s->slot[j]->v[i] += v[i];
    return HUB_OK;
}

static void hub_statsums_dims(const hub_dims_t *d, const char **k)
{
    k[0] = d->unit;
    k[1] = d->counter;
    k[2] = d->officer;
    k[3] = d->field;
    k[4] = d->instrument;
}

int hub_statsums_add_resp(hub_statsums_t *s, const hub_resp_row_t *r,
                          int sign)
{
    const char *k[HUB_STATSUMS_K] = {NULL};
    int64_t v[HUB_STATSUMS_V] = {sign * r->complete, sign * r->partial,
                                 sign * r->suppressed, sign};

    hub_statsums_dims(&r->d, k);
    return hub_statsums_add(s, HUB_STATSUMS_RESP, k, v);
}

/* Answers and element counts of abandoned responses are summed apart
 * (pn), as the schema's version 7 triggers do. */
int hub_statsums_add_ans(hub_statsums_t *s, const hub_ans_row_t *r,
                         int sign)
{
    const char *k[HUB_STATSUMS_K] = {NULL};
    int64_t v[HUB_STATSUMS_V] = {r->partial ? 0 : sign * r->n,
                                 r->partial ? sign * r->n : 0, 0, sign};

    hub_statsums_dims(&r->d, k);
    k[5] = r->question;
    k[6] = r->element;
    k[7] = r->answer;
    return hub_statsums_add(s, HUB_STATSUMS_ANS, k, v);
}

int hub_statsums_add_el(hub_statsums_t *s, const hub_elem_row_t *r,
                        int exact, int sign)
{
    const char *k[HUB_STATSUMS_K] = {NULL};
    int64_t v[HUB_STATSUMS_V] = {r->partial ? 0 : sign * r->n,
                                 r->partial ? sign * r->n : 0,
                                 exact ? 0 : sign, sign};

    hub_statsums_dims(&r->d, k);
    k[5] = r->element;
    return hub_statsums_add(s, HUB_STATSUMS_EL, k, v);
}

/* PostgreSQL has no triggers to set aside (pgschema.c): nothing to run. */
static int hub_statsums_run(hub_db_t *db, const char *sql)
{
    if (hub_dbx_is_pg(db))
        return HUB_OK;
    return hub_dbx_run(db, sqlx_prepare(hub_dbx(db), sql), HUB_OK,
                       "summary mode");
}

int hub_statsums_begin(hub_db_t *db)
{
    return hub_statsums_run(db, hub_statsums_sql_begin);
}

int hub_statsums_end(hub_db_t *db)
{
    return hub_statsums_run(db, hub_statsums_sql_end);
}

static int hub_statsums_changed(const hub_statsum_t *e)
{
    int i;

    for (i = 0; i < HUB_STATSUMS_V; i++)
        if (e->v[i] != 0)
            return 1;
    return 0;
}

/* Binds a key's parameters: those the statement has (the UPDATEs name
 * no ?13, the rows they leave alone; the DELETEs no value). */
static void hub_statsums_bind(sqlx_stmt_t *st, const hub_statsum_t *e,
                              const char *day, int *rc)
{
    int i, top = sqlx_parameter_count(st);

    sqlx_bind_text(st, 1, e->k[0], rc);
    sqlx_bind_text(st, 2, day, rc);
    sqlx_bind_text(st, 3, e->k[1], rc);
    sqlx_bind_text(st, 4, e->k[2], rc);
    sqlx_bind_text(st, 5, e->k[3], rc);
    sqlx_bind_text(st, 6, e->k[4], rc);
    for (i = 5; i < HUB_STATSUMS_K && 2 + i <= top; i++)
        sqlx_bind_text(st, 2 + i, e->k[i], rc);
    for (i = 0; i < HUB_STATSUMS_V && 10 + i <= top; i++)
        sqlx_bind_int64(st, 10 + i, e->v[i], rc);
}

/* Runs sql for the key: HUB_OK with *changed (may be NULL) the rows it
 * changed, or a hub_rc. */
static int hub_statsums_step(hub_db_t *db, const char *sql,
                             const hub_statsum_t *e, const char *day,
                             int64_t *changed)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    hub_statsums_bind(st, e, day, &rc);
    if (rc == HUB_OK)
        rc = sqlx_step(st);
    if (rc == SQLX_DONE || rc == SQLX_ROW) {
        if (changed)
            *changed = sqlx_changes(st);
        sqlx_reset(st);
        return HUB_OK;
    }
    sqlx_reset(st);
    return hub_dbx_fail(db, rc, "summary");
}

static int hub_statsums_upsert(hub_db_t *db, const hub_statsums_table_t *t,
                               const hub_statsum_t *e, const char *day)
{
    int rows = e->v[HUB_STATSUMS_ROWS] != 0, rc;
    int64_t changed = 0;

    if (!rows && t->update[e->kind]) {
        rc = hub_statsums_step(db, t->update[e->kind], e, day, &changed);
        if (rc != HUB_OK || changed > 0)
            return rc;
    }
    return hub_statsums_step(db, t->upsert[rows][e->kind], e, day, NULL);
}

/* Each entry of from that changed, its key with the columns drop[] set
 * to NULL, summed into to. */
static int hub_statsums_merge(hub_statsums_t *to, const hub_statsum_t *e,
                              const int *drop, size_t n_drop)
{
    const char *k[HUB_STATSUMS_K];
    size_t i;

    memcpy(k, e->k, sizeof(k));
    for (i = 0; i < n_drop; i++)
        k[drop[i]] = NULL;
    return hub_statsums_add(to, e->kind, k, e->v);
}

/* The officers' tables: a response key's complete responses and rows by
 * unit, counter, instrument and officer, for keys that have one. */
static int hub_statsums_add_officer(hub_statsums_t *officers,
                                    const hub_statsum_t *e)
{
    static const int drop[] = {3};
    int64_t v[HUB_STATSUMS_V] = {0};
    hub_statsum_t only;

    if (e->kind != HUB_STATSUMS_RESP || !e->k[2] || !e->k[2][0])
        return HUB_OK;
    v[0] = e->v[0];
    v[HUB_STATSUMS_ROWS] = e->v[HUB_STATSUMS_ROWS];
    if (v[0] == 0 && v[HUB_STATSUMS_ROWS] == 0)
        return HUB_OK;
    memcpy(only.k, e->k, sizeof(only.k));
    memcpy(only.v, v, sizeof(only.v));
    only.kind = e->kind;
    return hub_statsums_merge(officers, &only, drop,
                              sizeof(drop) / sizeof(drop[0]));
}

/* SQLite: every changed key of s, one upsert into each of the n
 * tables. */
static int hub_statsums_upsert_all_lite(hub_db_t *db, const hub_statsums_t *s,
                                   const hub_statsums_table_t *tables,
                                   size_t n, const char *day)
{
    const hub_statsum_t *e;
    size_t i, t;
    int rc = HUB_OK;

    for (i = 0; rc == HUB_OK && i < s->cap; i++) {
        if (!(e = s->slot[i]) || !hub_statsums_changed(e))
            continue;
        for (t = 0; rc == HUB_OK && t < n; t++)
            rc = hub_statsums_upsert(db, &tables[t], e, day);
    }
    return rc;
}

/* PostgreSQL's parameters: ?1 and ?3 to ?9 the key's texts, ?10 to ?13
 * its values, each an array of every key of a kind (?2 the day). */
enum { HUB_STATSUMS_ARRAYS = HUB_STATSUMS_K + HUB_STATSUMS_V };

static int hub_statsums_param(int i)
{
    return i == 0 ? 1 : i + 2;
}

/* Keys in one order in every transaction, so two that write the same
 * summary rows lock them in the same order and wait rather than
 * deadlock. */
static int hub_statsums_cmp(const void *pa, const void *pb)
{
    const hub_statsum_t *a = *(const hub_statsum_t *const *)pa;
    const hub_statsum_t *b = *(const hub_statsum_t *const *)pb;
    int i, c;

    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    for (i = 0; i < HUB_STATSUMS_K; i++) {
        if (!a->k[i] || !b->k[i]) {
            if (a->k[i] || b->k[i])
                return a->k[i] ? 1 : -1;
            continue;
        }
        if ((c = strcmp(a->k[i], b->k[i])) != 0)
            return c;
    }
    return 0;
}

/* The changed keys of s in key order: *out the caller's to free. */
static int hub_statsums_sorted(const hub_statsums_t *s,
                               const hub_statsum_t ***out, size_t *n)
{
    const hub_statsum_t **e;
    size_t i, k = 0;

    *out = NULL;
    *n = 0;
    if (!(e = calloc(s->n + 1, sizeof(*e))))
        return HUB_ERROR;
    for (i = 0; i < s->cap; i++)
        if (s->slot[i] && hub_statsums_changed(s->slot[i]))
            e[k++] = s->slot[i];
    qsort(e, k, sizeof(*e), hub_statsums_cmp);
    *out = e;
    *n = k;
    return HUB_OK;
}

/* The keys e[0..n) (only those that lost rows when gone) into the
 * arrays: how many went in, or -1. */
static long hub_statsums_fill(hub_pgarray_t *arr, const hub_statsum_t **e,
                              size_t n, int gone)
{
    size_t i;
    long k = 0;
    int j;

    for (j = 0; j < HUB_STATSUMS_ARRAYS; j++)
        hub_pgarray_reset(&arr[j]);
    for (i = 0; i < n; i++) {
        if (gone && e[i]->v[HUB_STATSUMS_ROWS] >= 0)
            continue;
        for (j = 0; j < HUB_STATSUMS_K; j++)
            hub_pgarray_add_text(&arr[j], e[i]->k[j]);
        for (j = 0; j < HUB_STATSUMS_V; j++)
            hub_pgarray_add_int64(&arr[HUB_STATSUMS_K + j], e[i]->v[j]);
        k++;
    }
    for (j = 0; j < HUB_STATSUMS_ARRAYS; j++)
        if (arr[j].failed)
            return -1;
    return k;
}

/* PostgreSQL: the statements of an upload's summaries, bound to their
 * arrays, to run together (sqlx_run_all()): an upsert a table and kind,
 * then a DELETE a table and kind of the rows left with none. A set of
 * arrays a kind of each accumulator, and one of the keys that lost
 * rows. */
#define HUB_STATSUMS_SETS (4 * 3 * 2)

typedef struct hub_statsums_batch {
    hub_pgarray_t set[HUB_STATSUMS_SETS][HUB_STATSUMS_ARRAYS];
    int n_sets;
    sqlx_stmt_t *st[SQLX_RUN_ALL_MAX];
    int n;
} hub_statsums_batch_t;

static int hub_statsums_batch_push(hub_db_t *db, hub_statsums_batch_t *b,
                                   const char *sql, hub_pgarray_t *arr,
                                   const char *day)
{
    sqlx_stmt_t *st;
    const char *lit;
    int j, rc = HUB_OK;

    if (b->n == SQLX_RUN_ALL_MAX)
        return HUB_ERROR;
    if (!(st = sqlx_prepare(hub_dbx(db), sql)))
        return hub_dbx_fail(db, sqlx_prepare_rc(hub_dbx(db)), "summaries");
    b->st[b->n++] = st;
    sqlx_bind_text(st, 2, day, &rc);
    for (j = 0; j < HUB_STATSUMS_ARRAYS; j++) {
        if (!(lit = hub_pgarray_text(&arr[j])) && rc == HUB_OK)
            rc = HUB_ERROR;
        sqlx_bind_text(st, hub_statsums_param(j), lit, &rc);
    }
    return rc;
}

/* A kind's keys e[0..n), or those of them that lost rows, into the
 * next set of arrays: NULL when none, or on failure (*rc). */
static hub_pgarray_t *hub_statsums_batch_set(hub_statsums_batch_t *b,
                                             const hub_statsum_t **e,
                                             size_t n, int gone, int *rc)
{
    hub_pgarray_t *arr;
    long k;

    if (b->n_sets == HUB_STATSUMS_SETS) {
        *rc = HUB_ERROR;
        return NULL;
    }
    arr = b->set[b->n_sets];
    if ((k = hub_statsums_fill(arr, e, n, gone)) < 0)
        *rc = HUB_ERROR;
    if (k <= 0)
        return NULL;
    b->n_sets++;
    return arr;
}

/* PostgreSQL: every changed key of a kind in one upsert a table, then
 * one DELETE a table of the rows left with none, into the batch. */
static int hub_statsums_upsert_all_pg(hub_db_t *db, hub_statsums_batch_t *b,
                                      const hub_statsums_t *s,
                                      const hub_statsums_table_t *tables,
                                      size_t n, const char *day)
{
    const hub_statsum_t **e;
    hub_pgarray_t *arr;
    size_t n_e, first, end, t;
    int rc;

    if ((rc = hub_statsums_sorted(s, &e, &n_e)) != HUB_OK)
        return rc;
    for (first = 0; rc == HUB_OK && first < n_e; first = end) {
        int kind = e[first]->kind;

        for (end = first; end < n_e && e[end]->kind == kind; end++)
            ;
        arr = hub_statsums_batch_set(b, e + first, end - first, 0, &rc);
        for (t = 0; arr && rc == HUB_OK && t < n; t++)
            if (tables[t].pg_upsert[kind])
                rc = hub_statsums_batch_push(db, b, tables[t].pg_upsert[kind],
                                             arr, day);
        arr = hub_statsums_batch_set(b, e + first, end - first, 1, &rc);
        for (t = 0; arr && rc == HUB_OK && t < n; t++)
            if (tables[t].gone[kind])
                rc = hub_statsums_batch_push(db, b, tables[t].gone[kind], arr,
                                             day);
    }
    free(e);
    return rc;
}

/* Every changed key of s into each of the n tables: on SQLite now, on
 * PostgreSQL into the batch b. */
static int hub_statsums_upsert_all(hub_db_t *db, hub_statsums_batch_t *b,
                                   const hub_statsums_t *s,
                                   const hub_statsums_table_t *tables,
                                   size_t n, const char *day)
{
    if (b)
        return hub_statsums_upsert_all_pg(db, b, s, tables, n, day);
    return hub_statsums_upsert_all_lite(db, s, tables, n, day);
}

int hub_statsums_apply(hub_db_t *db, const hub_statsums_t *s,
                       const char *day)
{
    /* The day and month tables do not keep counter and officer, the
     * province's neither unit, the officers' ones no field. */
    static const int staff[] = {1, 2}, unit[] = {0};
    static const hub_statsums_table_t fine[] = {
        {hub_statsums_sql_staff, hub_statsums_upd_staff,
         hub_statsums_pg_staff,
         hub_statsums_gone_staff},
        {hub_statsums_sql_staff_year, hub_statsums_upd_staff_year,
         hub_statsums_pg_staff_year,
         hub_statsums_gone_staff_year}};
    static const hub_statsums_table_t by_unit[] = {
        {hub_statsums_sql_day, hub_statsums_upd_day,
         hub_statsums_pg_day, hub_statsums_gone_day},
        {hub_statsums_sql_month, hub_statsums_upd_month,
         hub_statsums_pg_month,
         hub_statsums_gone_month},
        {hub_statsums_sql_year, hub_statsums_upd_year,
         hub_statsums_pg_year,
         hub_statsums_gone_year}};
    static const hub_statsums_table_t prov[] = {
        {hub_statsums_sql_prov_day, hub_statsums_upd_prov_day,
         hub_statsums_pg_prov_day,
         hub_statsums_gone_prov_day},
        {hub_statsums_sql_prov_month, hub_statsums_upd_prov_month,
         hub_statsums_pg_prov_month,
         hub_statsums_gone_prov_month}};
    static const hub_statsums_table_t officer[] = {
        {hub_statsums_sql_officers_day, hub_statsums_upd_officers_day,
         hub_statsums_pg_officers_day,
         hub_statsums_gone_officers_day},
        {hub_statsums_sql_officers_month, hub_statsums_upd_officers_month,
         hub_statsums_pg_officers_month,
         hub_statsums_gone_officers_month}};
    hub_statsums_t coarse, province, officers;
    hub_statsums_batch_t *b = NULL;
    const hub_statsum_t *e;
    size_t i;
    int j, k, rc = HUB_OK;

    if (hub_dbx_is_pg(db)) {
        if (!(b = calloc(1, sizeof(*b))))
            return HUB_ERROR;
        for (j = 0; j < HUB_STATSUMS_SETS; j++)
            for (k = 0; k < HUB_STATSUMS_ARRAYS; k++)
                hub_pgarray_init(&b->set[j][k]);
    }
    hub_statsums_init(&coarse);
    hub_statsums_init(&province);
    hub_statsums_init(&officers);
    rc = hub_statsums_upsert_all(db, b, s, fine, 2, day);
    for (i = 0; rc == HUB_OK && i < s->cap; i++) {
        if (!(e = s->slot[i]) || !hub_statsums_changed(e))
            continue;
        rc = hub_statsums_merge(&coarse, e, staff, 2);
        if (rc == HUB_OK)
            rc = hub_statsums_add_officer(&officers, e);
    }
    if (rc == HUB_OK)
        rc = hub_statsums_upsert_all(db, b, &coarse, by_unit, 3, day);
    for (i = 0; rc == HUB_OK && i < coarse.cap; i++)
        if ((e = coarse.slot[i]) && hub_statsums_changed(e))
            rc = hub_statsums_merge(&province, e, unit, 1);
    if (rc == HUB_OK)
        rc = hub_statsums_upsert_all(db, b, &province, prov, 2, day);
    if (rc == HUB_OK)
        rc = hub_statsums_upsert_all(db, b, &officers, officer, 2, day);
    if (b) {
        /* One round trip for all of them; those not run are reset. */
        if (rc == HUB_OK && (rc = sqlx_run_all(hub_dbx(db), b->st, b->n)))
            rc = hub_dbx_fail(db, rc, "summaries");
        for (j = 0; j < b->n; j++)
            sqlx_reset(b->st[j]);
        for (j = 0; j < HUB_STATSUMS_SETS; j++)
            for (k = 0; k < HUB_STATSUMS_ARRAYS; k++)
                hub_pgarray_free(&b->set[j][k]);
        free(b);
    }
    hub_statsums_free(&officers);
    hub_statsums_free(&province);
    hub_statsums_free(&coarse);
    return rc;
}
