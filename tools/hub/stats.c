#include "stats.h"

#include <string.h>

/* The scope is a recursive walk down the unit tree from ?3 (when given);
 * the day range uses the (day, unit) indexes. */
#define HUB_STATS_SCOPE                                                   \
    "WITH RECURSIVE sub(code, depth) AS ("                                \
    "  SELECT ?3, 0 WHERE ?3 IS NOT NULL"                                 \
    "  UNION ALL"                                                         \
    "  SELECT u.code, sub.depth + 1 FROM units u"                         \
    "  JOIN sub ON u.parent = sub.code WHERE sub.depth < 64) "
#define HUB_STATS_WHERE                                                   \
    " WHERE day BETWEEN ?1 AND ?2"                                        \
    " AND (?3 IS NULL OR unit IN (SELECT code FROM sub))"                 \
    " AND (?5 IS NULL OR instrument = ?5)"
/* Numbers as in hub_stats_group_t. A counter's name is only unique
 * within its unit, so its key carries the unit, before a '/' (which no
 * unit code contains). */
#define HUB_STATS_MONTH_NUM "CAST(substr(day, 6, 2) AS INTEGER)"
#define HUB_STATS_GROUP_KEY                                               \
    "CASE ?4 WHEN 1 THEN unit WHEN 2 THEN field"                          \
    " WHEN 3 THEN unit || '/' || counter WHEN 4 THEN day"                 \
    " WHEN 5 THEN substr(day, 1, 7)"                                      \
    " WHEN 6 THEN substr(day, 1, 4) || '-Q' || ((" HUB_STATS_MONTH_NUM    \
    " + 2) / 3)"                                                          \
    " WHEN 7 THEN substr(day, 1, 4) || '-H' || ((" HUB_STATS_MONTH_NUM    \
    " + 5) / 6)"                                                          \
    " WHEN 8 THEN substr(day, 1, 4) ELSE '' END"

static const char hub_stats_sql_responses[] =
    HUB_STATS_SCOPE
    "SELECT " HUB_STATS_GROUP_KEY " AS g, sum(complete), sum(partial),"
    " sum(suppressed) FROM day_responses" HUB_STATS_WHERE
    " GROUP BY g ORDER BY g";
static const char hub_stats_sql_answers[] =
    HUB_STATS_SCOPE
    "SELECT " HUB_STATS_GROUP_KEY " AS g, instrument, question, element,"
    " answer, sum(n) FROM day_answers" HUB_STATS_WHERE " AND partial = 0"
    " GROUP BY g, instrument, question, element, answer"
    " ORDER BY g, instrument, question <> 'overall', question, element,"
    " answer";

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
};

static const char *const hub_stats_scale[] = {"1", "2", "3", "4", "5"};
#define HUB_STATS_SCALE_N 5

int hub_stats_parse_group(const char *name)
{
    int i;

    for (i = 1; i < HUB_STATS_GROUP_COUNT; i++)
        if (strcmp(hub_stats_group_names[i], name) == 0)
            return i;
    return -1;
}

static json_t *hub_stats_make_key(const hub_stats_query_t *q, const char *g)
{
    const char *slash;

    if (q->group == HUB_STATS_ALL)
        return json_object();
    if (q->group != HUB_STATS_BY_COUNTER)
        return json_pack("{s:s}", hub_stats_group_names[q->group], g);
    slash = strchr(g, '/');
    if (!slash)
        return NULL;
    return json_pack("{s:s%, s:s}", "unit", g, (size_t)(slash - g),
                     "counter", slash + 1);
}

static int hub_stats_bind(sqlite3_stmt *st, const hub_stats_query_t *q)
{
    int rc = SQLITE_OK;

    hub_db_bind_text(st, 1, q->from, &rc);
    hub_db_bind_text(st, 2, q->to, &rc);
    hub_db_bind_text(st, 3, q->unit, &rc);
    hub_db_bind_int64(st, 4, (int64_t)q->group, &rc);
    hub_db_bind_text(st, 5, q->instrument, &rc);
    return rc;
}

/* The group object for key g, made on first sight. Groups are kept in a
 * JSON object by key (for lookup) and an array (for order). */
static json_t *hub_stats_get_group(const hub_stats_query_t *q, json_t *index,
                                   json_t *list, const char *g)
{
    json_t *grp = json_object_get(index, g), *key;

    if (grp)
        return grp;
    key = hub_stats_make_key(q, g);
    grp = json_pack("{s:o, s:I, s:I, s:I, s:[]}", "key", key, "responses",
                    (json_int_t)0, "partial", (json_int_t)0, "suppressed",
                    (json_int_t)0, "questions");
    if (!grp || json_object_set(index, g, grp) != 0 ||
        json_array_append_new(list, grp) != 0)
        return NULL;
    return grp;
}

static int hub_stats_add_responses(hub_db_t *db, const hub_stats_query_t *q,
                                   json_t *index, json_t *list)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_stats_sql_responses);
    json_t *grp;
    int rc;

    if (!st)
        return HUB_ERROR;
    rc = hub_stats_bind(st, q);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "stats");
    }
    while ((rc = hub_db_next(db, st, "stats")) == HUB_OK) {
        grp = hub_stats_get_group(q, index, list, hub_db_column_text(st, 0));
        if (!grp ||
            json_object_set_new(grp, "responses",
                                json_integer(sqlite3_column_int64(st, 1))) ||
            json_object_set_new(grp, "partial",
                                json_integer(sqlite3_column_int64(st, 2))) ||
            json_object_set_new(grp, "suppressed",
                                json_integer(sqlite3_column_int64(st, 3)))) {
            hub_db_release(st);
            return HUB_ERROR;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

/* A question whose answers are all on the 1..5 scale shows every scale
 * value, zeros included, in scale order, so readers need not guess. */
static int hub_stats_fill_scale(json_t *question)
{
    json_t *counts = json_object_get(question, "counts"), *full, *v;
    const char *key;
    size_t i;

    json_object_foreach(counts, key, v) {
        for (i = 0; i < HUB_STATS_SCALE_N; i++)
            if (strcmp(key, hub_stats_scale[i]) == 0)
                break;
        if (i == HUB_STATS_SCALE_N)
            return 0; /* not a scale question: leave it as counted */
    }
    full = json_object();
    if (!full)
        return -1;
    for (i = 0; i < HUB_STATS_SCALE_N; i++) {
        v = json_object_get(counts, hub_stats_scale[i]);
        if (json_object_set_new(full, hub_stats_scale[i],
                                v ? json_incref(v) : json_integer(0)) != 0) {
            json_decref(full);
            return -1;
        }
    }
    return json_object_set_new(question, "counts", full);
}

static json_t *hub_stats_new_question(json_t *grp, sqlite3_stmt *st)
{
    json_t *question = json_pack(
        "{s:s, s:s, s:s, s:{}}", "id", hub_db_column_text(st, 2), "element",
        hub_db_column_text(st, 3), "instrument", hub_db_column_text(st, 1),
        "counts");

    if (!question ||
        json_array_append_new(json_object_get(grp, "questions"), question))
        return NULL;
    return question;
}

static int hub_stats_is_same_question(const json_t *question,
                                      sqlite3_stmt *st)
{
    return question &&
           strcmp(json_string_value(json_object_get(question, "instrument")),
                  hub_db_column_text(st, 1)) == 0 &&
           strcmp(json_string_value(json_object_get(question, "id")),
                  hub_db_column_text(st, 2)) == 0 &&
           strcmp(json_string_value(json_object_get(question, "element")),
                  hub_db_column_text(st, 3)) == 0;
}

static int hub_stats_add_answers(hub_db_t *db, const hub_stats_query_t *q,
                                 json_t *index, json_t *list)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_stats_sql_answers);
    json_t *grp = NULL, *question = NULL, *prev_grp = NULL;
    int rc;

    if (!st)
        return HUB_ERROR;
    rc = hub_stats_bind(st, q);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "stats");
    }
    while ((rc = hub_db_next(db, st, "stats")) == HUB_OK) {
        grp = hub_stats_get_group(q, index, list, hub_db_column_text(st, 0));
        if (grp != prev_grp)
            question = NULL;
        prev_grp = grp;
        if (grp && !hub_stats_is_same_question(question, st))
            question = hub_stats_new_question(grp, st);
        if (!grp || !question ||
            json_object_set_new(json_object_get(question, "counts"),
                                hub_db_column_text(st, 4),
                                json_integer(sqlite3_column_int64(st, 5)))) {
            hub_db_release(st);
            return HUB_ERROR;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

static int hub_stats_finish(json_t *list)
{
    json_t *grp, *question;
    size_t i, j;

    json_array_foreach(list, i, grp) {
        json_array_foreach(json_object_get(grp, "questions"), j, question) {
            if (hub_stats_fill_scale(question) != 0)
                return HUB_ERROR;
        }
    }
    return HUB_OK;
}

static int hub_stats_collect(hub_db_t *db, const hub_stats_query_t *q,
                             json_t *index, json_t *list)
{
    int rc = hub_db_begin_read(db);

    if (rc != HUB_OK)
        return rc;
    /* One read transaction: both queries see the same snapshot, so the
     * responses and the answers of a group always belong together. */
    rc = hub_stats_add_responses(db, q, index, list);
    if (rc == HUB_OK)
        rc = hub_stats_add_answers(db, q, index, list);
    hub_db_end_read(db);
    /* The whole scope is one group even when it holds nothing yet. */
    if (rc == HUB_OK && q->group == HUB_STATS_ALL &&
        json_array_size(list) == 0 && !hub_stats_get_group(q, index, list, ""))
        rc = HUB_ERROR;
    if (rc == HUB_OK)
        rc = hub_stats_finish(list);
    return rc;
}

int hub_stats_compute(hub_db_t *db, const hub_stats_query_t *q, json_t **out)
{
    json_t *index = json_object(), *list = json_array();
    int rc = HUB_ERROR;

    *out = NULL;
    if (index && list)
        rc = hub_stats_collect(db, q, index, list);
    if (rc == HUB_OK) {
        *out = json_pack("{s:O}", "groups", list);
        if (!*out)
            rc = HUB_ERROR;
    }
    json_decref(index);
    json_decref(list);
    return rc;
}
