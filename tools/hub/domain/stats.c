/*
 * Statistics: which rows to read for a query, and adding them up by group.
 * The figures themselves are made in stats_figures.c.
 */
#include "hub/domain/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/valid.h"
#include "hub/domain/periods.h"
#include "hub/domain/stats_acc.h"
#include "hub/domain/stats_figures.h"
#include "hub/store/unittree.h"

/* Parameters shared by every reading statement:
 *   ?1, ?2  first and last day (or month) read
 *   ?3      instrument, NULL for all
 *   ?4      JSON array of the unit codes in scope, NULL for all
 *   ?5      1: the "sub" column is the counter, 2: the officer, else ''
 * Columns: unit, field, sub, bucket (day or month), instrument, then
 * complete, partial, suppressed or question, element, answer, n. Rows are
 * added up in C, not by GROUP BY: sorting a year of rows in SQLite costs
 * more than hashing them. */
#define HUB_STATS_SUB                                                          \
    "CASE ?5 WHEN 1 THEN counter WHEN 2 THEN officer ELSE '' END"
#define HUB_STATS_FILTER                                                       \
    " AND (?3 IS NULL OR instrument = ?3)"                                     \
    " AND (?4 IS NULL OR unit IN (SELECT value FROM json_each(?4)))"
#define HUB_STATS_STAFF_FILTER " AND (?3 IS NULL OR instrument = ?3) AND ?5 > 0"
#define HUB_STATS_RESP_COLS "instrument, complete, partial, suppressed"
#define HUB_STATS_ANS_COLS "instrument, question, element, answer, n"

static const char hub_stats_sql_day_resp[] =
    "SELECT unit, field, " HUB_STATS_SUB ", day, " HUB_STATS_RESP_COLS
    " FROM day_responses WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER;
static const char hub_stats_sql_day_ans[] =
    "SELECT unit, field, " HUB_STATS_SUB ", day, " HUB_STATS_ANS_COLS
    " FROM day_answers WHERE day BETWEEN ?1 AND ?2 AND partial = "
    "0" HUB_STATS_FILTER;
/* Whole days and months for unit, field and period groups. The unit
 * summaries have no counter or officer: ?5 is bound for every
 * statement alike, so it appears here too. */
static const char hub_stats_sql_sday_resp[] =
    "SELECT unit, field, '', day, " HUB_STATS_RESP_COLS
    " FROM stat_day_responses WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER
    " AND ?5 >= 0";
static const char hub_stats_sql_sday_ans[] =
    "SELECT unit, field, '', day, " HUB_STATS_ANS_COLS
    " FROM stat_day_answers WHERE day BETWEEN ?1 AND ?2" HUB_STATS_FILTER
    " AND ?5 >= 0";
static const char hub_stats_sql_month_resp[] =
    "SELECT unit, field, '', month, " HUB_STATS_RESP_COLS
    " FROM stat_month_responses WHERE month BETWEEN ?1 AND ?2" HUB_STATS_FILTER
    " AND ?5 >= 0";
static const char hub_stats_sql_month_ans[] =
    "SELECT unit, field, '', month, " HUB_STATS_ANS_COLS
    " FROM stat_month_answers WHERE month BETWEEN ?1 AND ?2" HUB_STATS_FILTER
    " AND ?5 >= 0";
/* Counter and officer breakdowns: the staff summaries are keyed by unit
 * first, so a scope of a few units reads only their rows. */
static const char hub_stats_sql_staff_resp[] =
    "SELECT unit, field, " HUB_STATS_SUB ", month, " HUB_STATS_RESP_COLS
    " FROM stat_staff_responses WHERE month BETWEEN ?1 AND "
    "?2" HUB_STATS_STAFF_FILTER " AND ?4 IS NULL";
static const char hub_stats_sql_staff_ans[] =
    "SELECT unit, field, " HUB_STATS_SUB ", month, " HUB_STATS_ANS_COLS
    " FROM stat_staff_answers WHERE month BETWEEN ?1 AND "
    "?2" HUB_STATS_STAFF_FILTER " AND ?4 IS NULL";
static const char hub_stats_sql_staff_resp_in[] =
    "SELECT unit, field, " HUB_STATS_SUB ", month, " HUB_STATS_RESP_COLS
    " FROM stat_staff_responses WHERE unit IN (SELECT value FROM"
    " json_each(?4)) AND month BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER;
static const char hub_stats_sql_staff_ans_in[] =
    "SELECT unit, field, " HUB_STATS_SUB ", month, " HUB_STATS_ANS_COLS
    " FROM stat_staff_answers WHERE unit IN (SELECT value FROM"
    " json_each(?4)) AND month BETWEEN ?1 AND ?2" HUB_STATS_STAFF_FILTER;

static const char *const hub_stats_group_names[HUB_STATS_GROUP_COUNT] = {
    [HUB_STATS_ALL] = "",
    [HUB_STATS_BY_UNIT] = "unit",
    [HUB_STATS_BY_FIELD] = "field",
    [HUB_STATS_BY_COUNTER] = "counter",
    [HUB_STATS_BY_DAY] = "day",
    [HUB_STATS_BY_MONTH] = "month",
    [HUB_STATS_BY_QUARTER] = "quarter",
    [HUB_STATS_BY_HALF] = "half",
    [HUB_STATS_BY_YEAR] = "year",
    [HUB_STATS_BY_OFFICER] = "officer",
};

void hub_stats_init_query(hub_stats_query_t *q)
{
    memset(q, 0, sizeof(*q));
    q->group = HUB_STATS_ALL;
    q->rollup = HUB_STATS_CURRENT;
    q->method = INDICES_SHARE_4_5;
    q->min_group = HUB_STATS_MIN_GROUP_DEFAULT;
    q->level = -1;
    q->source = HUB_STATS_SOURCE_AUTO;
}

int hub_stats_parse_group(const char *name)
{
    int i;

    for (i = 1; i < HUB_STATS_GROUP_COUNT; i++)
        if (strcmp(hub_stats_group_names[i], name) == 0)
            return i;
    return -1;
}

const char *hub_stats_get_group_name(hub_stats_group_t g)
{
    return g >= 0 && g < HUB_STATS_GROUP_COUNT ? hub_stats_group_names[g] : "";
}

/* ---- one computation ------------------------------------------------- */

/* The last text of a column and its id: rows come in key order, so most
 * columns repeat from one row to the next and need no lookup. */
typedef struct hub_stats_memo {
    char text[HUB_CODE_MAX + 1];
    int id;
} hub_stats_memo_t;

enum {
    HUB_STATS_MEMO_FIELD,
    HUB_STATS_MEMO_INSTRUMENT,
    HUB_STATS_MEMO_QUESTION,
    HUB_STATS_MEMO_ELEMENT,
    HUB_STATS_MEMO_ANSWER,
    HUB_STATS_MEMO_COUNT
};

typedef struct hub_stats_run {
    hub_db_t *db;
    const hub_stats_query_t *q;
    hub_tree_t *tree;
    hub_acc_t *acc;
    int root;          /* the scope's unit in the tree; -1: everything */
    char *scope_codes; /* JSON array of the codes in scope, or NULL */
    hub_stats_memo_t memo[HUB_STATS_MEMO_COUNT];
    int digit_ids[10]; /* answers "0".."9", the usual ones: -1 unknown */
    /* The group of the last unit / sub / bucket seen. */
    char last_unit[HUB_CODE_MAX + 1];
    char last_sub[HUB_NAME_MAX + 1];
    char last_bucket[HUB_PERIODS_DATE_MAX];
    int last_group;
} hub_stats_run_t;

static int hub_stats_get_memo_id(hub_stats_run_t *run, int which,
                                 const char *text)
{
    hub_stats_memo_t *m = &run->memo[which];
    size_t len = strlen(text);

    if (m->id >= 0 && strcmp(m->text, text) == 0)
        return m->id;
    m->id = -1;
    /* Texts longer than the memo (never for valid codes) are simply
     * looked up every time. */
    if (len >= sizeof(m->text))
        return hub_acc_intern(run->acc, text);
    memcpy(m->text, text, len + 1);
    m->id = hub_acc_intern(run->acc, text);
    return m->id;
}

/* The unit a row's responses are shown under, as a tree index (-1 for a
 * code the hub does not know). */
static int hub_stats_find_unit_node(const hub_stats_run_t *run,
                                    const char *code, int with_level)
{
    int node = hub_tree_find(run->tree, code);

    if (node < 0)
        return -1;
    node = run->tree->nodes[node].heir;
    if (with_level && run->q->level >= 0)
        node = hub_tree_get_at_level(run->tree, node, run->q->level);
    return node;
}

/* The internal key of a row's group: a unit code, "unit\x1f" counter, a
 * field, an officer or a period key. */
static void hub_stats_make_key(const hub_stats_run_t *run, const char *unit,
                               const char *field, const char *sub,
                               const char *bucket, char *key, size_t cap)
{
    static const hub_periods_kind_t kinds[HUB_STATS_GROUP_COUNT] = {
        [HUB_STATS_BY_DAY] = HUB_PERIODS_DAY,
        [HUB_STATS_BY_MONTH] = HUB_PERIODS_MONTH,
        [HUB_STATS_BY_QUARTER] = HUB_PERIODS_QUARTER,
        [HUB_STATS_BY_HALF] = HUB_PERIODS_HALF,
        [HUB_STATS_BY_YEAR] = HUB_PERIODS_YEAR,
    };
    hub_stats_group_t g = run->q->group;
    int node;

    key[0] = '\0';
    switch (g) {
    case HUB_STATS_BY_UNIT:
    case HUB_STATS_BY_COUNTER:
        node = hub_stats_find_unit_node(run, unit, g == HUB_STATS_BY_UNIT);
        snprintf(key, cap, "%s%s%s",
                 node >= 0 ? run->tree->nodes[node].code : unit,
                 g == HUB_STATS_BY_COUNTER ? "\x1f" : "",
                 g == HUB_STATS_BY_COUNTER ? sub : "");
        break;
    case HUB_STATS_BY_FIELD:
        snprintf(key, cap, "%s", field);
        break;
    case HUB_STATS_BY_OFFICER:
        snprintf(key, cap, "%s", sub);
        break;
    case HUB_STATS_BY_DAY:
    case HUB_STATS_BY_MONTH:
    case HUB_STATS_BY_QUARTER:
    case HUB_STATS_BY_HALF:
    case HUB_STATS_BY_YEAR:
        (void)hub_periods_get_key(bucket, kinds[g], key);
        break;
    default:
        break;
    }
}

static int hub_stats_get_row_group(hub_stats_run_t *run, sqlite3_stmt *st)
{
    const char *unit = hub_db_column_text(st, 0);
    const char *field = hub_db_column_text(st, 1);
    const char *sub = hub_db_column_text(st, 2);
    const char *bucket = hub_db_column_text(st, 3);
    char key[HUB_CODE_MAX + HUB_NAME_MAX + 2];

    if (run->last_group >= 0 && run->q->group != HUB_STATS_BY_FIELD &&
        strcmp(unit, run->last_unit) == 0 && strcmp(sub, run->last_sub) == 0 &&
        strcmp(bucket, run->last_bucket) == 0)
        return run->last_group;
    hub_stats_make_key(run, unit, field, sub, bucket, key, sizeof(key));
    run->last_group = hub_acc_group(run->acc, key);
    snprintf(run->last_unit, sizeof(run->last_unit), "%s", unit);
    snprintf(run->last_sub, sizeof(run->last_sub), "%s", sub);
    snprintf(run->last_bucket, sizeof(run->last_bucket), "%s", bucket);
    /* A too-long value cannot be remembered: look it up next time. */
    if (strlen(unit) >= sizeof(run->last_unit) ||
        strlen(sub) >= sizeof(run->last_sub) ||
        strlen(bucket) >= sizeof(run->last_bucket)) {
        int g = run->last_group;

        run->last_group = -1;
        return g;
    }
    return run->last_group;
}

static int hub_stats_add_resp_row(hub_stats_run_t *run, sqlite3_stmt *st)
{
    int g = hub_stats_get_row_group(run, st);
    int inst = hub_stats_get_memo_id(run, HUB_STATS_MEMO_INSTRUMENT,
                                     hub_db_column_text(st, 4));

    if (g < 0 || inst < 0)
        return -1;
    return hub_acc_add_responses(run->acc, g, inst, sqlite3_column_int64(st, 5),
                                 sqlite3_column_int64(st, 6),
                                 sqlite3_column_int64(st, 7));
}

static int hub_stats_add_ans_row(hub_stats_run_t *run, sqlite3_stmt *st)
{
    int g = hub_stats_get_row_group(run, st);
    int field = hub_stats_get_memo_id(run, HUB_STATS_MEMO_FIELD,
                                      hub_db_column_text(st, 1));
    int inst = hub_stats_get_memo_id(run, HUB_STATS_MEMO_INSTRUMENT,
                                     hub_db_column_text(st, 4));
    int question = hub_stats_get_memo_id(run, HUB_STATS_MEMO_QUESTION,
                                         hub_db_column_text(st, 5));
    int element = hub_stats_get_memo_id(run, HUB_STATS_MEMO_ELEMENT,
                                        hub_db_column_text(st, 6));
    const char *text = hub_db_column_text(st, 7);
    int answer, q, digit = text[0] >= '0' && text[0] <= '9' && !text[1];

    /* Scale answers change from row to row; their ids are kept apart. */
    if (digit && run->digit_ids[text[0] - '0'] >= 0)
        answer = run->digit_ids[text[0] - '0'];
    else
        answer = hub_stats_get_memo_id(run, HUB_STATS_MEMO_ANSWER, text);
    if (digit)
        run->digit_ids[text[0] - '0'] = answer;

    if (g < 0 || field < 0 || inst < 0 || question < 0 || element < 0 ||
        answer < 0)
        return -1;
    q = hub_acc_question(run->acc, inst, question, element);
    if (q < 0)
        return -1;
    return hub_acc_add_answer(run->acc, g, field, q, answer,
                              sqlite3_column_int64(st, 8));
}

/* Runs one reading statement over [lo, hi] and adds its rows. */
static int hub_stats_read(hub_stats_run_t *run, const char *sql, const char *lo,
                          const char *hi, int answers)
{
    sqlite3_stmt *st = hub_db_stmt(run->db, sql);
    hub_stats_group_t g = run->q->group;
    int rc = SQLITE_OK;

    if (!st)
        return HUB_ERROR;
    hub_db_bind_text(st, 1, lo, &rc);
    hub_db_bind_text(st, 2, hi, &rc);
    hub_db_bind_text(st, 3, run->q->instrument, &rc);
    hub_db_bind_text(st, 4, run->scope_codes, &rc);
    hub_db_bind_int64(st, 5,
                      g == HUB_STATS_BY_COUNTER   ? 1
                      : g == HUB_STATS_BY_OFFICER ? 2
                                                  : 0,
                      &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(run->db, rc, "stats");
    }
    run->last_group = -1;
    while ((rc = hub_db_next(run->db, st, "stats")) == HUB_OK) {
        if ((answers ? hub_stats_add_ans_row(run, st)
                     : hub_stats_add_resp_row(run, st)) != 0) {
            hub_db_release(st);
            return HUB_ERROR;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

/* Single days: from the day summaries, or from the snapshot rows
 * themselves for counter and officer groups (the summaries have neither)
 * and for HUB_STATS_SOURCE_DAYS. */
static int hub_stats_read_days(hub_stats_run_t *run, const char *lo,
                               const char *hi)
{
    hub_stats_group_t g = run->q->group;
    int raw = g == HUB_STATS_BY_COUNTER || g == HUB_STATS_BY_OFFICER ||
              run->q->source == HUB_STATS_SOURCE_DAYS;
    int rc = hub_stats_read(
        run, raw ? hub_stats_sql_day_resp : hub_stats_sql_sday_resp, lo, hi, 0);

    return rc == HUB_OK
               ? hub_stats_read(
                     run, raw ? hub_stats_sql_day_ans : hub_stats_sql_sday_ans,
                     lo, hi, 1)
               : rc;
}

static int hub_stats_read_months(hub_stats_run_t *run, const char *lo,
                                 const char *hi)
{
    hub_stats_group_t g = run->q->group;
    int staff = g == HUB_STATS_BY_COUNTER || g == HUB_STATS_BY_OFFICER;
    const char *resp = hub_stats_sql_month_resp, *ans = hub_stats_sql_month_ans;
    int rc;

    if (staff) {
        resp = run->scope_codes ? hub_stats_sql_staff_resp_in
                                : hub_stats_sql_staff_resp;
        ans = run->scope_codes ? hub_stats_sql_staff_ans_in
                               : hub_stats_sql_staff_ans;
    }
    rc = hub_stats_read(run, resp, lo, hi, 0);
    return rc == HUB_OK ? hub_stats_read(run, ans, lo, hi, 1) : rc;
}

/* Whole months from the summaries, the days around them from the day
 * snapshots; day groups and HUB_STATS_SOURCE_DAYS read days only. */
static int hub_stats_read_all(hub_stats_run_t *run)
{
    const hub_stats_query_t *q = run->q;
    hub_periods_split_t split;
    int rc = HUB_OK;

    if (q->group == HUB_STATS_BY_DAY || q->source == HUB_STATS_SOURCE_DAYS)
        return hub_stats_read_days(run, q->from, q->to);
    hub_periods_split(q->from, q->to, &split);
    if (split.has_head)
        rc = hub_stats_read_days(run, split.head_from, split.head_to);
    if (rc == HUB_OK && split.has_months)
        rc = hub_stats_read_months(run, split.month_from, split.month_to);
    if (rc == HUB_OK && split.has_tail)
        rc = hub_stats_read_days(run, split.tail_from, split.tail_to);
    return rc;
}

/* ---- scope ------------------------------------------------------------- */

/* The unit asked for, within what the token may see: a unit token sees
 * its subtree and nothing else, and learns nothing about units outside it
 * (an unknown one is just "outside"). */
static int hub_stats_find_root(hub_stats_run_t *run)
{
    const hub_stats_query_t *q = run->q;
    int token_root = -1;

    run->root = -1;
    if (q->scope_unit && q->scope_unit[0]) {
        token_root = hub_tree_find(run->tree, q->scope_unit);
        if (token_root < 0)
            return HUB_DENIED;
        run->root = token_root;
    }
    if (!q->unit)
        return HUB_OK;
    run->root = hub_tree_find(run->tree, q->unit);
    if (run->root < 0)
        return token_root >= 0 ? HUB_DENIED : HUB_NOT_FOUND;
    if (token_root >= 0 &&
        !hub_tree_is_within(run->tree, run->root, token_root))
        return HUB_DENIED;
    return HUB_OK;
}

/* Every code in the subtree of the root, as a JSON array for ?4. */
static int hub_stats_list_scope(hub_stats_run_t *run)
{
    json_t *codes;
    int i;

    if (run->root < 0)
        return HUB_OK;
    codes = json_array();
    for (i = 0; codes && i < run->tree->n; i++) {
        if (hub_tree_is_within(run->tree, i, run->root) &&
            json_array_append_new(codes,
                                  json_string(run->tree->nodes[i].code))) {
            json_decref(codes);
            codes = NULL;
        }
    }
    if (!codes)
        return HUB_ERROR;
    run->scope_codes = json_dumps(codes, JSON_COMPACT);
    json_decref(codes);
    return run->scope_codes ? HUB_OK : HUB_ERROR;
}

static int hub_stats_collect(hub_stats_run_t *run)
{
    const hub_stats_query_t *q = run->q;
    int rc = hub_db_begin_read(run->db);

    if (rc != HUB_OK)
        return rc;
    /* One read transaction: the tree, the summaries and the day rows are
     * all seen as of the same commit. */
    rc = hub_tree_load(run->db, q->rollup == HUB_STATS_RECORDED ? q->to : NULL,
                       &run->tree);
    if (rc == HUB_OK)
        rc = hub_stats_find_root(run);
    if (rc == HUB_OK)
        rc = hub_stats_list_scope(run);
    if (rc == HUB_OK)
        rc = hub_stats_read_all(run);
    hub_db_end_read(run->db);
    /* The whole scope is one group even when it holds nothing yet. */
    if (rc == HUB_OK && q->group == HUB_STATS_ALL &&
        hub_acc_group(run->acc, "") < 0)
        rc = HUB_ERROR;
    return rc;
}

int hub_stats_compute(hub_db_t *db, const hub_stats_query_t *q, json_t **out)
{
    hub_stats_run_t run;
    hub_figures_in_t in;
    int rc = HUB_ERROR, i;

    *out = NULL;
    memset(&run, 0, sizeof(run));
    run.db = db;
    run.q = q;
    run.last_group = -1;
    for (i = 0; i < HUB_STATS_MEMO_COUNT; i++)
        run.memo[i].id = -1;
    for (i = 0; i < 10; i++)
        run.digit_ids[i] = -1;
    run.acc = hub_acc_new();
    if (run.acc)
        rc = hub_stats_collect(&run);
    if (rc == HUB_OK) {
        memset(&in, 0, sizeof(in));
        in.q = q;
        in.tree = run.tree;
        in.acc = run.acc;
        in.root = run.root;
        *out = hub_figures_build(&in);
        if (!*out)
            rc = HUB_ERROR;
    }
    free(run.scope_codes);
    hub_tree_free(run.tree);
    hub_acc_free(run.acc);
    return rc;
}
