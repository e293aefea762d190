#include "hub/store/units.h"
#include "hub/store/dbx.h"

#include <stdio.h>
#include <string.h>

/* In the current tree the unit above u is the one it was merged into, if
 * any, else its parent. */
#define HUB_UNITS_UP "coalesce(u.merged_into, u.parent)"
static const char hub_units_sql_depth[] =
    "WITH RECURSIVE up(code, next, depth) AS ("
    "  SELECT code, coalesce(merged_into, parent), 0 FROM units"
    "  WHERE code = ?1"
    "  UNION ALL"
    "  SELECT u.code, " HUB_UNITS_UP ", up.depth + 1 FROM units u"
    "  JOIN up ON u.code = up.next WHERE up.depth < 64)"
    " SELECT max(depth) FROM up";
static const char hub_units_sql_insert[] =
    "INSERT INTO units(code, name, parent, created_at)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char hub_units_sql_name[] =
    "SELECT name FROM units WHERE code = ?1";
static const char hub_units_sql_contains[] =
    "WITH RECURSIVE up(code, next, depth) AS ("
    "  SELECT code, coalesce(merged_into, parent), 0 FROM units"
    "  WHERE code = ?2"
    "  UNION ALL"
    "  SELECT u.code, " HUB_UNITS_UP ", up.depth + 1 FROM units u"
    "  JOIN up ON u.code = up.next WHERE up.depth < 64)"
    " SELECT CASE WHEN EXISTS(SELECT 1 FROM up WHERE code = ?1)"
    " THEN 1 ELSE 0 END"; /* PostgreSQL's EXISTS is a boolean */
static const char hub_units_sql_merged_into[] =
    "SELECT coalesce(merged_into, '') FROM units WHERE code = ?1";
/* Levels below code in the current tree (0 for a leaf; NULL when code
 * is no unit). The start is the unit's row, not the parameter itself, so
 * the column keeps the table's type and collation on PostgreSQL. */
static const char hub_units_sql_height[] =
    "WITH RECURSIVE down(code, depth) AS ("
    "  SELECT code, 0 FROM units WHERE code = ?1"
    "  UNION ALL"
    "  SELECT u.code, down.depth + 1 FROM units u"
    "  JOIN down ON " HUB_UNITS_UP " = down.code WHERE down.depth < 64)"
    " SELECT max(depth) FROM down";
static const char hub_units_sql_last_change[] =
    "SELECT coalesce(max(valid_from), '') FROM unit_changes"
    " WHERE code = ?1";
static const char hub_units_sql_current[] =
    "SELECT name, coalesce(parent, '') FROM units WHERE code = ?1";
static const char hub_units_sql_set_name[] =
    "UPDATE units SET name = ?2 WHERE code = ?1";
static const char hub_units_sql_set_parent[] =
    "UPDATE units SET parent = ?2 WHERE code = ?1";
static const char hub_units_sql_set_merged[] =
    "UPDATE units SET merged_into = ?2, merged_from = ?3 WHERE code = ?1";
static const char hub_units_sql_add_change[] =
    "INSERT INTO unit_changes(code, kind, valid_from, old_value, new_value,"
    " recorded_at, actor) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char hub_units_sql_each_change[] =
    "SELECT id, code, kind, valid_from, old_value, new_value, recorded_at,"
    " actor FROM unit_changes"
    " WHERE CAST(?1 AS TEXT) IS NULL OR code = ?1"
    " ORDER BY code, valid_from, id";
/* A NULL ?1 (every unit) is CAST: PostgreSQL infers no type from IS
 * NULL alone. */
/* Depth-first order comes from sorting on the path of codes; a code has
 * no '/' so the path sorts parents before their children. */
static const char hub_units_sql_each[] =
    "WITH RECURSIVE tree(code, name, parent, depth, path) AS ("
    "  SELECT code, name, coalesce(parent, ''), 0, code FROM units"
    "  WHERE (CAST(?1 AS TEXT) IS NULL AND parent IS NULL) OR code = ?1"
    "  UNION ALL"
    "  SELECT u.code, u.name, u.parent, t.depth + 1, t.path || '/' || u.code"
    "  FROM units u JOIN tree t ON u.parent = t.code WHERE t.depth < 64)"
    " SELECT code, name, parent, depth FROM tree ORDER BY path";
/* The same in the current tree: a merged unit below the unit it joined. */
static const char hub_units_sql_each_current[] =
    "WITH RECURSIVE tree(code, name, parent, depth, path) AS ("
    "  SELECT code, name, coalesce(merged_into, parent, ''), 0, code"
    "  FROM units u"
    "  WHERE (CAST(?1 AS TEXT) IS NULL AND " HUB_UNITS_UP " IS NULL)"
    "  OR code = ?1"
    "  UNION ALL"
    "  SELECT u.code, u.name, " HUB_UNITS_UP ", t.depth + 1,"
    "  t.path || '/' || u.code"
    "  FROM units u JOIN tree t ON " HUB_UNITS_UP " = t.code"
    "  WHERE t.depth < 64)"
    " SELECT code, name, parent, depth FROM tree ORDER BY path";

static int hub_units_query_text(hub_db_t *db, const char *sql,
                                const char *code, int col, char *out,
                                size_t cap);

/* One integer from a query on a unit code. A NULL result (max() over no
 * rows) means the unit does not exist: HUB_NOT_FOUND. */
static int hub_units_query_int(hub_db_t *db, const char *sql, const char *code,
                               const char *what, int *out)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, code, &rc);
    rc = hub_dbx_next(db, st, rc, what);
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    rc = sqlx_column_is_null(st, 0) ? HUB_NOT_FOUND : HUB_OK;
    *out = (int)sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return rc;
}

/* Depth of an existing unit (0 for a root), HUB_NOT_FOUND when absent. */
static int hub_units_get_depth(hub_db_t *db, const char *code, int *depth)
{
    return hub_units_query_int(db, hub_units_sql_depth, code, "unit depth",
                               depth);
}

int hub_units_add(hub_db_t *db, const char *code, const char *name,
                  const char *parent, int64_t now_ms)
{
    sqlx_stmt_t *st;
    int rc, depth = 0;

    rc = hub_units_get_depth(db, code, &depth);
    if (rc == HUB_OK)
        return HUB_EXISTS;
    if (rc != HUB_NOT_FOUND)
        return rc;
    if (parent) {
        char into[HUB_CODE_MAX + 1];

        rc = hub_units_get_depth(db, parent, &depth);
        if (rc == HUB_OK)
            rc = hub_units_get_merged_into(db, parent, into, sizeof(into));
        if (rc != HUB_OK)
            return rc;
        if (depth + 1 >= HUB_UNITS_DEPTH_MAX || into[0])
            return HUB_DENIED;
    }
    st = sqlx_prepare(hub_dbx(db), hub_units_sql_insert);
    rc = HUB_OK;
    sqlx_bind_text(st, 1, code, &rc);
    sqlx_bind_text(st, 2, name, &rc);
    sqlx_bind_text(st, 3, parent, &rc);
    sqlx_bind_int64(st, 4, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "add unit");
}

int hub_units_get_name(hub_db_t *db, const char *code, char *name, size_t cap)
{
    return hub_units_query_text(db, hub_units_sql_name, code, 0, name, cap);
}

int hub_units_contains(hub_db_t *db, const char *ancestor, const char *code,
                       int *yes)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_units_sql_contains);
    int64_t n;
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, ancestor, &rc);
    sqlx_bind_text(st, 2, code, &rc);
    rc = hub_dbx_get_int(db, st, rc, "unit ancestry", &n);
    *yes = rc == HUB_OK && n != 0;
    return rc;
}

/* A caller's callback and its context, for hub_dbx_each(). */
typedef struct hub_units_walk {
    hub_units_each_fn unit;
    hub_units_change_fn change;
    void *ctx;
} hub_units_walk_t;

static int hub_units_read_unit(void *ctx, sqlx_stmt_t *st)
{
    const hub_units_walk_t *w = ctx;
    hub_unit_info_t u;

    u.code = sqlx_column_text(st, 0);
    u.name = sqlx_column_text(st, 1);
    u.parent = sqlx_column_text(st, 2);
    u.depth = (int)sqlx_column_int64(st, 3);
    return w->unit(w->ctx, &u);
}

static int hub_units_run_each(hub_db_t *db, const char *sql, const char *root,
                              hub_units_each_fn fn, void *ctx)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    hub_units_walk_t w = {fn, NULL, ctx};
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, root, &rc);
    return hub_dbx_each(db, st, rc, "list units", hub_units_read_unit, &w);
}

int hub_units_each(hub_db_t *db, hub_units_each_fn fn, void *ctx)
{
    return hub_units_run_each(db, hub_units_sql_each, NULL, fn, ctx);
}

int hub_units_each_under(hub_db_t *db, const char *root, hub_units_each_fn fn,
                         void *ctx)
{
    return hub_units_run_each(db, hub_units_sql_each_current, root, fn, ctx);
}

/* ---- history ------------------------------------------------------------ */

/* One text column of a one-row query on code into out; HUB_NOT_FOUND
 * when there is no row. */
static int hub_units_query_text(hub_db_t *db, const char *sql, const char *code,
                                int col, char *out, size_t cap)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    out[0] = '\0';
    sqlx_bind_text(st, 1, code, &rc);
    rc = hub_dbx_next(db, st, rc, "unit lookup");
    if (rc != HUB_OK)
        return rc;
    snprintf(out, cap, "%s", sqlx_column_text(st, col));
    sqlx_reset(st);
    return HUB_OK;
}

int hub_units_get_merged_into(hub_db_t *db, const char *code, char *into,
                              size_t cap)
{
    return hub_units_query_text(db, hub_units_sql_merged_into, code, 0, into,
                                cap);
}

int hub_units_is_merged_into(hub_db_t *db, const char *held,
                             const char *unit, int *same)
{
    char at[HUB_CODE_MAX + 1], into[HUB_CODE_MAX + 1];
    int rc, step;

    *same = 0;
    snprintf(at, sizeof(at), "%s", held);
    /* Bounded: merges cannot form a cycle, but a damaged file could. */
    for (step = 0; step <= HUB_UNITS_DEPTH_MAX * 4; step++) {
        if (strcmp(at, unit) == 0) {
            *same = 1;
            return HUB_OK;
        }
        rc = hub_units_get_merged_into(db, at, into, sizeof(into));
        if (rc == HUB_NOT_FOUND || (rc == HUB_OK && !into[0]))
            return HUB_OK;
        if (rc != HUB_OK)
            return rc;
        snprintf(at, sizeof(at), "%s", into);
    }
    return HUB_OK;
}

/* Levels below a unit (0 for a leaf); the query always yields a row. */
static int hub_units_get_height(hub_db_t *db, const char *code, int *height)
{
    return hub_units_query_int(db, hub_units_sql_height, code, "unit height",
                               height);
}

static int hub_units_refuse(hub_units_why_t *why, hub_units_refusal_t r)
{
    why->refusal = r;
    return HUB_DENIED;
}

/* The unit must exist, be live, and have no change after from. */
static int hub_units_check_subject(hub_db_t *db, const char *code,
                                   const char *from, hub_units_why_t *why)
{
    int rc =
        hub_units_get_merged_into(db, code, why->other, sizeof(why->other));

    if (rc == HUB_NOT_FOUND)
        return hub_units_refuse(why, HUB_UNITS_NO_UNIT);
    if (rc != HUB_OK)
        return rc;
    if (why->other[0])
        return hub_units_refuse(why, HUB_UNITS_IS_MERGED);
    rc = hub_units_query_text(db, hub_units_sql_last_change, code, 0, why->date,
                              sizeof(why->date));
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    if (why->date[0] && strcmp(from, why->date) < 0)
        return hub_units_refuse(why, HUB_UNITS_OUT_OF_ORDER);
    return HUB_OK;
}

/* The unit that code is to go under (a new parent, or the unit it is
 * merged into): live, not within code, and the tree no deeper than
 * allowed once code (and everything below it) hangs under it. */
static int hub_units_check_target(hub_db_t *db, const char *code,
                                  const char *target, hub_units_why_t *why)
{
    char into[HUB_CODE_MAX + 1];
    int rc, inside = 0, depth = 0, height = 0;

    if (strcmp(code, target) == 0)
        return hub_units_refuse(why, HUB_UNITS_LOOP);
    rc = hub_units_get_merged_into(db, target, into, sizeof(into));
    if (rc == HUB_NOT_FOUND)
        return hub_units_refuse(why, HUB_UNITS_NO_TARGET);
    if (rc != HUB_OK)
        return rc;
    if (into[0])
        return hub_units_refuse(why, HUB_UNITS_TARGET_MERGED);
    rc = hub_units_contains(db, code, target, &inside);
    if (rc != HUB_OK)
        return rc;
    if (inside)
        return hub_units_refuse(why, HUB_UNITS_LOOP);
    rc = hub_units_get_depth(db, target, &depth);
    if (rc == HUB_OK)
        rc = hub_units_get_height(db, code, &height);
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    if (depth + 1 + height >= HUB_UNITS_DEPTH_MAX)
        return hub_units_refuse(why, HUB_UNITS_TOO_DEEP);
    return HUB_OK;
}

static int hub_units_set_column(hub_db_t *db, const char *sql, const char *code,
                                const char *v1, const char *v2)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, code, &rc);
    sqlx_bind_text(st, 2, v1, &rc);
    if (v2)
        sqlx_bind_text(st, 3, v2, &rc);
    return hub_dbx_run(db, st, rc, "change unit");
}

static int hub_units_add_change(hub_db_t *db, const char *code,
                                const char *kind, const char *from,
                                const char *old_value, const char *new_value,
                                const hub_units_stamp_t *stamp)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_units_sql_add_change);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, code, &rc);
    sqlx_bind_text(st, 2, kind, &rc);
    sqlx_bind_text(st, 3, from, &rc);
    sqlx_bind_text(st, 4, old_value, &rc);
    sqlx_bind_text(st, 5, new_value, &rc);
    sqlx_bind_int64(st, 6, stamp->now_ms, &rc);
    sqlx_bind_text(st, 7, stamp->actor, &rc);
    return hub_dbx_run(db, st, rc, "record unit change");
}

/* Rename and move open alike: the subject must pass
 * hub_units_check_subject and column col of its current row (0 name,
 * 1 parent) must differ from value, since a no-op edit would log a change
 * that changes nothing. The current value lands in old for the log. */
static int hub_units_check_edit(hub_db_t *db, const char *code,
                                const char *from, int col, const char *value,
                                char *old, size_t cap, hub_units_why_t *why)
{
    int rc;

    memset(why, 0, sizeof(*why));
    rc = hub_units_check_subject(db, code, from, why);
    if (rc == HUB_OK)
        rc = hub_units_query_text(db, hub_units_sql_current, code, col, old,
                                  cap);
    if (rc != HUB_OK)
        return rc;
    if (strcmp(old, value) == 0)
        return hub_units_refuse(why, HUB_UNITS_SAME);
    return HUB_OK;
}

int hub_units_rename(hub_db_t *db, const char *code, const char *name,
                     const char *from, const hub_units_stamp_t *stamp,
                     hub_units_why_t *why)
{
    char old_name[HUB_NAME_MAX + 1];
    int rc = hub_units_check_edit(db, code, from, 0, name, old_name,
                                  sizeof(old_name), why);

    if (rc != HUB_OK)
        return rc;
    rc = hub_units_set_column(db, hub_units_sql_set_name, code, name, NULL);
    if (rc == HUB_OK)
        rc = hub_units_add_change(db, code, "rename", from, old_name, name,
                                  stamp);
    return rc;
}

int hub_units_move(hub_db_t *db, const char *code, const char *parent,
                   const char *from, const hub_units_stamp_t *stamp,
                   hub_units_why_t *why)
{
    char old_parent[HUB_CODE_MAX + 1];
    int rc = hub_units_check_edit(db, code, from, 1, parent, old_parent,
                                  sizeof(old_parent), why);

    if (rc != HUB_OK)
        return rc;
    rc = hub_units_check_target(db, code, parent, why);
    if (rc == HUB_OK)
        rc = hub_units_set_column(db, hub_units_sql_set_parent, code, parent,
                                  NULL);
    if (rc == HUB_OK)
        rc = hub_units_add_change(db, code, "move", from, old_parent, parent,
                                  stamp);
    return rc;
}

int hub_units_merge(hub_db_t *db, const char *code, const char *into,
                    const char *from, const hub_units_stamp_t *stamp,
                    hub_units_why_t *why)
{
    char parent[HUB_CODE_MAX + 1];
    int rc;

    memset(why, 0, sizeof(*why));
    rc = hub_units_check_subject(db, code, from, why);
    if (rc == HUB_OK)
        rc = hub_units_check_target(db, code, into, why);
    if (rc == HUB_OK)
        rc = hub_units_query_text(db, hub_units_sql_current, code, 1, parent,
                                  sizeof(parent));
    if (rc == HUB_OK)
        rc = hub_units_set_column(db, hub_units_sql_set_merged, code, into,
                                  from);
    /* old_value keeps the parent it had, new_value the unit it joined. */
    if (rc == HUB_OK)
        rc = hub_units_add_change(db, code, "merge", from, parent, into, stamp);
    return rc;
}

static int hub_units_read_change(void *ctx, sqlx_stmt_t *st)
{
    const hub_units_walk_t *w = ctx;
    hub_unit_change_t c;

    c.id = sqlx_column_int64(st, 0);
    c.code = sqlx_column_text(st, 1);
    c.kind = sqlx_column_text(st, 2);
    c.valid_from = sqlx_column_text(st, 3);
    c.old_value = sqlx_column_text(st, 4);
    c.new_value = sqlx_column_text(st, 5);
    c.recorded_at = sqlx_column_int64(st, 6);
    c.actor = sqlx_column_text(st, 7);
    return w->change(w->ctx, &c);
}

int hub_units_each_change(hub_db_t *db, const char *code,
                          hub_units_change_fn fn, void *ctx)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_units_sql_each_change);
    hub_units_walk_t w = {NULL, fn, ctx};
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, code, &rc);
    return hub_dbx_each(db, st, rc, "unit history", hub_units_read_change,
                        &w);
}
