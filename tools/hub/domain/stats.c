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
#include "hub/domain/privacy.h"
#include "hub/domain/stats_acc.h"
#include "hub/domain/stats_figures.h"
#include "hub/store/provtotals.h"
#include "hub/store/stat_rows.h"
#include "hub/store/unittree.h"

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
    const hub_stats_query_t *q; /* &query */
    hub_stats_query_t query;    /* the caller's, level set from depth */
    hub_tree_t *tree;
    hub_acc_t *acc;
    hub_privacy_t *privacy; /* officers per group; NULL: not weighed */
    int root;          /* the scope's unit in the tree; -1: everything */
    char *scope_codes; /* JSON array of the codes in scope, or NULL */
    char *unit_map;    /* with level: code -> its group's code, or NULL */
    int by_province;   /* the unit map read from the province totals */
    hub_stats_memo_t memo[HUB_STATS_MEMO_COUNT];
    int digit_ids[10]; /* answers "0".."9", the usual ones: -1 unknown */
    /* The last question asked by instrument, question and element ids:
     * the rows of one question follow each other, one per answer. */
    int last_q_key[3], last_q;
    /* The group of the last unit / sub / bucket / field seen: the rows
     * of one unit, day or month and field follow each other. */
    char last_unit[HUB_CODE_MAX + 1];
    char last_field[HUB_CODE_MAX + 1];
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

/* Whether a row's column c decides its group under grouping g: rows
 * that differ only in other columns share the last row's group. */
enum { HUB_STATS_COL_UNIT, HUB_STATS_COL_SUB, HUB_STATS_COL_BUCKET,
       HUB_STATS_COL_FIELD };
static int hub_stats_is_key_column(hub_stats_group_t g, int c)
{
    switch (c) {
    case HUB_STATS_COL_UNIT:
        return g == HUB_STATS_BY_UNIT || g == HUB_STATS_BY_COUNTER;
    case HUB_STATS_COL_SUB:
        return g == HUB_STATS_BY_COUNTER || g == HUB_STATS_BY_OFFICER;
    case HUB_STATS_COL_FIELD:
        return g == HUB_STATS_BY_FIELD;
    default:
        return g >= HUB_STATS_BY_DAY && g <= HUB_STATS_BY_YEAR;
    }
}

/* Copies text into a memo of cap bytes; -1 when it does not fit. */
static int hub_stats_remember(char *memo, size_t cap, const char *text)
{
    size_t len = strlen(text);

    if (len >= cap) {
        memo[0] = '\0';
        return -1;
    }
    memcpy(memo, text, len + 1);
    return 0;
}

static int hub_stats_is_same_group(const hub_stats_run_t *run,
                                   const hub_stat_row_t *row)
{
    hub_stats_group_t g = run->q->group;

    if (run->last_group < 0)
        return 0;
    if (hub_stats_is_key_column(g, HUB_STATS_COL_UNIT) &&
        strcmp(row->unit, run->last_unit) != 0)
        return 0;
    if (hub_stats_is_key_column(g, HUB_STATS_COL_SUB) &&
        strcmp(row->sub, run->last_sub) != 0)
        return 0;
    if (hub_stats_is_key_column(g, HUB_STATS_COL_BUCKET) &&
        strcmp(row->bucket, run->last_bucket) != 0)
        return 0;
    return !hub_stats_is_key_column(g, HUB_STATS_COL_FIELD) ||
           strcmp(row->field, run->last_field) == 0;
}

static int hub_stats_get_row_group(hub_stats_run_t *run,
                                   const hub_stat_row_t *row)
{
    char key[HUB_CODE_MAX + HUB_NAME_MAX + 2];
    int too_long = 0;

    if (hub_stats_is_same_group(run, row))
        return run->last_group;
    hub_stats_make_key(run, row->unit, row->field, row->sub, row->bucket, key,
                       sizeof(key));
    run->last_group = hub_acc_group(run->acc, key);
    too_long |= hub_stats_remember(run->last_unit, sizeof(run->last_unit),
                                   row->unit);
    too_long |= hub_stats_remember(run->last_sub, sizeof(run->last_sub),
                                   row->sub);
    too_long |= hub_stats_remember(run->last_bucket,
                                   sizeof(run->last_bucket), row->bucket);
    too_long |= hub_stats_remember(run->last_field, sizeof(run->last_field),
                                   row->field);
    /* A too-long value cannot be remembered: look it up next time. */
    if (too_long != 0) {
        int g = run->last_group;

        run->last_group = -1;
        return g;
    }
    return run->last_group;
}

static int hub_stats_add_resp_row(void *ctx, const hub_stat_row_t *row)
{
    hub_stats_run_t *run = ctx;
    int g = hub_stats_get_row_group(run, row);
    int inst = hub_stats_get_memo_id(run, HUB_STATS_MEMO_INSTRUMENT,
                                     row->instrument);

    if (g < 0 || inst < 0)
        return -1;
    return hub_acc_add_responses(run->acc, g, inst, row->complete,
                                 row->partial, row->suppressed);
}

static int hub_stats_add_ans_row(void *ctx, const hub_stat_row_t *row)
{
    hub_stats_run_t *run = ctx;
    int g = hub_stats_get_row_group(run, row);
    int field = hub_stats_get_memo_id(run, HUB_STATS_MEMO_FIELD, row->field);
    int inst = hub_stats_get_memo_id(run, HUB_STATS_MEMO_INSTRUMENT,
                                     row->instrument);
    int question = hub_stats_get_memo_id(run, HUB_STATS_MEMO_QUESTION,
                                         row->question);
    int element = hub_stats_get_memo_id(run, HUB_STATS_MEMO_ELEMENT,
                                        row->element);
    const char *text = row->answer;
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
    if (run->last_q >= 0 && run->last_q_key[0] == inst &&
        run->last_q_key[1] == question && run->last_q_key[2] == element) {
        q = run->last_q;
    } else {
        q = hub_acc_question(run->acc, inst, question, element);
        if (q < 0)
            return -1;
        run->last_q_key[0] = inst;
        run->last_q_key[1] = question;
        run->last_q_key[2] = element;
        run->last_q = q;
    }
    return hub_acc_add_answer(run->acc, g, field, q, answer, row->n,
                              row->pn);
}

static int hub_stats_add_el_row(void *ctx, const hub_stat_row_t *row)
{
    hub_stats_run_t *run = ctx;
    hub_acc_elem_t e = {
        .group = hub_stats_get_row_group(run, row),
        .field = hub_stats_get_memo_id(run, HUB_STATS_MEMO_FIELD, row->field),
        .instrument = hub_stats_get_memo_id(run, HUB_STATS_MEMO_INSTRUMENT,
                                            row->instrument),
        .element = hub_stats_get_memo_id(run, HUB_STATS_MEMO_ELEMENT,
                                         row->element),
        .n = row->n,
        .pn = row->pn,
        .approx = row->approx,
    };

    if (e.group < 0 || e.field < 0 || e.instrument < 0 || e.element < 0)
        return -1;
    return hub_acc_add_element(run->acc, &e);
}

/* Reads one table over [lo, hi] and adds its rows. */
static int hub_stats_read(hub_stats_run_t *run, hub_stat_table_t table,
                          const char *lo, const char *hi, int answers)
{
    hub_stats_group_t g = run->q->group;
    hub_stat_read_t rd = {
        .table = table,
        .answers = answers,
        .lo = lo,
        .hi = hi,
        .instrument = run->q->instrument,
        .scope_codes = run->scope_codes,
        .unit_map = run->unit_map,
        .by_province = run->by_province,
        .sub = g == HUB_STATS_BY_COUNTER   ? HUB_STAT_SUB_COUNTER
               : g == HUB_STATS_BY_OFFICER ? HUB_STAT_SUB_OFFICER
                                           : HUB_STAT_SUB_NONE,
    };

    run->last_group = -1;
    return hub_stat_rows_each(run->db, &rd,
                              answers == HUB_STAT_ELEMENTS ? hub_stats_add_el_row
                              : answers ? hub_stats_add_ans_row
                                        : hub_stats_add_resp_row,
                              run);
}

/* Response counts, answer counts and element respondents of a table. */
static int hub_stats_read_kinds(hub_stats_run_t *run, hub_stat_table_t t,
                                const char *lo, const char *hi)
{
    int rc = hub_stats_read(run, t, lo, hi, 0);

    if (rc == HUB_OK)
        rc = hub_stats_read(run, t, lo, hi, 1);
    return rc == HUB_OK ? hub_stats_read(run, t, lo, hi, HUB_STAT_ELEMENTS)
                        : rc;
}

/* Whether the whole province's summaries can stand for the unit ones:
 * nothing to filter by unit (no scope, every unit of the file counted)
 * and no unit, counter or officer in the group key. */
static int hub_stats_is_province(const hub_stats_run_t *run)
{
    hub_stats_group_t g = run->q->group;

    if (run->scope_codes || run->q->source == HUB_STATS_SOURCE_DAYS)
        return 0;
    switch (g) {
    case HUB_STATS_ALL:
    case HUB_STATS_BY_DAY:
    case HUB_STATS_BY_MONTH:
    case HUB_STATS_BY_QUARTER:
    case HUB_STATS_BY_HALF:
    case HUB_STATS_BY_YEAR:
    case HUB_STATS_BY_FIELD:
        return 1;
    default:
        return 0;
    }
}

/* Whether officers can be weighed from the officers' tables, which keep
 * no field: for every grouping but by field. */
static int hub_stats_has_officer_tables(const hub_stats_run_t *run)
{
    return run->q->group != HUB_STATS_BY_FIELD &&
           run->q->source != HUB_STATS_SOURCE_DAYS;
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
    hub_stat_table_t t = raw ? HUB_STAT_DAY_ROWS
                         : hub_stats_is_province(run)
                             ? HUB_STAT_PROVINCE_DAY_SUMMARY
                             : HUB_STAT_DAY_SUMMARY;
    return hub_stats_read_kinds(run, t, lo, hi);
}

static int hub_stats_read_officers(hub_stats_run_t *run,
                                   hub_stat_table_t table, const char *lo,
                                   const char *hi);

/* Counts (officers 0) or officers' responses (1) of one table. */
static int hub_stats_read_span(hub_stats_run_t *run, int officers,
                               hub_stat_table_t t, const char *lo,
                               const char *hi)
{
    return officers ? hub_stats_read_officers(run, t, lo, hi)
                    : hub_stats_read_kinds(run, t, lo, hi);
}

/* Whole months: whole calendar years from the year summaries, a twelfth
 * of the rows, and the months around them from the month ones. Period
 * groups need the month of each row: months only. */
static int hub_stats_read_months(hub_stats_run_t *run, int officers,
                                 const char *lo, const char *hi)
{
    hub_stats_group_t g = run->q->group;
    int staff = officers || g == HUB_STATS_BY_COUNTER ||
                g == HUB_STATS_BY_OFFICER;
    hub_stat_table_t month =
        officers && hub_stats_has_officer_tables(run) ? HUB_STAT_OFFICERS_MONTH
        : staff                                 ? HUB_STAT_STAFF_SUMMARY
        : hub_stats_is_province(run)            ? HUB_STAT_PROVINCE_MONTH_SUMMARY
                                                : HUB_STAT_MONTH_SUMMARY;
    hub_stat_table_t year =
        staff ? HUB_STAT_STAFF_YEAR_SUMMARY : HUB_STAT_YEAR_SUMMARY;
    hub_periods_years_t split;
    int rc = HUB_OK;

    if (g == HUB_STATS_BY_DAY || g == HUB_STATS_BY_MONTH ||
        g == HUB_STATS_BY_QUARTER || g == HUB_STATS_BY_HALF ||
        g == HUB_STATS_BY_YEAR)
        return hub_stats_read_span(run, officers, month, lo, hi);
    hub_periods_split_years(lo, hi, &split);
    if (split.has_head)
        rc = hub_stats_read_span(run, officers, month, split.head_from,
                                 split.head_to);
    if (rc == HUB_OK && split.has_years)
        rc = hub_stats_read_span(run, officers, year, split.year_from,
                                 split.year_to);
    if (rc == HUB_OK && split.has_tail)
        rc = hub_stats_read_span(run, officers, month, split.tail_from,
                                 split.tail_to);
    return rc;
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
        rc = hub_stats_read_months(run, 0, split.month_from, split.month_to);
    if (rc == HUB_OK && split.has_tail)
        rc = hub_stats_read_days(run, split.tail_from, split.tail_to);
    return rc;
}

/* ---- officer privacy --------------------------------------------------- */

static int hub_stats_add_officer_row(void *ctx, const hub_stat_row_t *row)
{
    hub_stats_run_t *run = ctx;
    int g = hub_stats_get_row_group(run, row);

    if (g < 0)
        return -1;
    return hub_privacy_add(run->privacy, g, row->officer, row->complete);
}

static int hub_stats_read_officers(hub_stats_run_t *run,
                                   hub_stat_table_t table, const char *lo,
                                   const char *hi)
{
    hub_stat_read_t rd = {
        .table = table,
        .officers = 1,
        .lo = lo,
        .hi = hi,
        .instrument = run->q->instrument,
        .scope_codes = run->scope_codes,
        .unit_map = run->unit_map,
        .by_province = run->by_province,
        .sub = run->q->group == HUB_STATS_BY_COUNTER ? HUB_STAT_SUB_COUNTER
                                                    : HUB_STAT_SUB_NONE,
        /* By period or none over the whole province: the bucket alone
         * keys a group (by field needs the field of every row). */
        .bucket_only = hub_stats_is_province(run) &&
                       run->q->group != HUB_STATS_BY_FIELD,
    };

    run->last_group = -1;
    return hub_stat_rows_each(run->db, &rd, hub_stats_add_officer_row, run);
}

/* Each group's responses by officer, for every grouping but the officer
 * one (which hides small officers itself), over the same days as the
 * counts: whole months and years from the staff summaries, other days
 * from the snapshot rows; months and days from the officers' tables but
 * by field. Below min_group 2 nothing can be hidden: not read. */
static int hub_stats_weigh_officers(hub_stats_run_t *run)
{
    const hub_stats_query_t *q = run->q;
    hub_stat_table_t days;
    hub_periods_split_t split;
    int rc = HUB_OK;

    if (q->group == HUB_STATS_BY_OFFICER || q->min_group <= 1)
        return HUB_OK;
    run->privacy = hub_privacy_new();
    if (!run->privacy)
        return HUB_ERROR;
    days = hub_stats_has_officer_tables(run) ? HUB_STAT_OFFICERS_DAY
                                             : HUB_STAT_DAY_ROWS;
    if (q->group == HUB_STATS_BY_DAY || q->source == HUB_STATS_SOURCE_DAYS)
        return hub_stats_read_officers(run, days, q->from, q->to);
    hub_periods_split(q->from, q->to, &split);
    if (split.has_head)
        rc = hub_stats_read_officers(run, days, split.head_from,
                                     split.head_to);
    if (rc == HUB_OK && split.has_months)
        rc = hub_stats_read_months(run, 1, split.month_from, split.month_to);
    if (rc == HUB_OK && split.has_tail)
        rc = hub_stats_read_officers(run, days, split.tail_from,
                                     split.tail_to);
    return rc;
}

/* in->withheld from the officers weighed, once every group exists. */
static int hub_stats_judge_groups(hub_stats_run_t *run, hub_figures_in_t *in,
                                  unsigned char **withheld)
{
    int n = hub_acc_count_groups(run->acc);

    *withheld = NULL;
    if (!run->privacy || n <= 0)
        return HUB_OK;
    *withheld = calloc((size_t)n, 1);
    if (!*withheld ||
        hub_privacy_judge(run->privacy, run->q->min_group, n, *withheld) != 0)
        return HUB_ERROR;
    in->withheld = *withheld;
    return HUB_OK;
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

/* j (taken; NULL when it could not be built) as compact text in *out. */
static int hub_stats_dump_json(json_t *j, char **out)
{
    if (!j)
        return HUB_ERROR;
    *out = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return *out ? HUB_OK : HUB_ERROR;
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
    return hub_stats_dump_json(codes, &run->scope_codes);
}

/* With level, each code in scope and the code its rows are shown under,
 * as a JSON object: the summaries are then summed by that code in SQL
 * (a country's year by province reads 34 groups' rows, not 4,200
 * units'), to the same counts as adding up each unit's rows. */
static int hub_stats_map_units(hub_stats_run_t *run)
{
    json_t *map;
    int i, node;

    if (run->q->group != HUB_STATS_BY_UNIT || run->q->level < 0)
        return HUB_OK;
    map = json_object();
    for (i = 0; map && i < run->tree->n; i++) {
        if (run->root >= 0 && !hub_tree_is_within(run->tree, i, run->root))
            continue;
        node = hub_stats_find_unit_node(run, run->tree->nodes[i].code, 1);
        if (node < 0 ||
            json_object_set_new(map, run->tree->nodes[i].code,
                                json_string(run->tree->nodes[node].code))) {
            json_decref(map);
            map = NULL;
        }
    }
    return hub_stats_dump_json(map, &run->unit_map);
}

/* The country by its top units (provinces, at a national hub), or one
 * of them whole: their totals stand for every unit's rows when each
 * province's own were pushed, a few rows a province instead of every
 * unit's. */
static int hub_stats_use_provtotals(hub_stats_run_t *run)
{
    const char *province = NULL;

    if (!run->unit_map || run->q->level != 0)
        return HUB_OK;
    if (run->root >= 0) {
        if (run->tree->nodes[run->root].depth != 0)
            return HUB_OK;
        province = run->tree->nodes[run->root].code;
    }
    return hub_provtotals_is_exact(run->db, run->unit_map, province,
                                   &run->by_province);
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
    /* depth=1: the children of the unit asked, the top units without one
     * (a token's own unit then, the only one in its scope). */
    if (rc == HUB_OK && q->depth == 1)
        run->query.level =
            q->unit ? run->tree->nodes[run->root].depth + 1 : 0;
    if (rc == HUB_OK)
        rc = hub_stats_list_scope(run);
    if (rc == HUB_OK)
        rc = hub_stats_map_units(run);
    if (rc == HUB_OK)
        rc = hub_stats_use_provtotals(run);
    if (rc == HUB_OK)
        rc = hub_stats_read_all(run);
    if (rc == HUB_OK)
        rc = hub_stats_weigh_officers(run);
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
    unsigned char *withheld = NULL;
    int rc = HUB_ERROR, i;

    *out = NULL;
    memset(&run, 0, sizeof(run));
    run.db = db;
    run.query = *q;
    run.q = &run.query;
    run.last_group = -1;
    run.last_q = -1;
    for (i = 0; i < HUB_STATS_MEMO_COUNT; i++)
        run.memo[i].id = -1;
    for (i = 0; i < 10; i++)
        run.digit_ids[i] = -1;
    run.acc = hub_acc_new();
    if (run.acc)
        rc = hub_stats_collect(&run);
    if (rc == HUB_OK) {
        memset(&in, 0, sizeof(in));
        in.q = run.q;
        in.tree = run.tree;
        in.acc = run.acc;
        in.root = run.root;
        rc = hub_stats_judge_groups(&run, &in, &withheld);
        if (rc == HUB_OK)
            *out = hub_figures_build(&in);
        if (!*out)
            rc = HUB_ERROR;
    }
    free(withheld);
    hub_privacy_free(run.privacy);
    free(run.scope_codes);
    free(run.unit_map);
    hub_tree_free(run.tree);
    hub_acc_free(run.acc);
    return rc;
}
