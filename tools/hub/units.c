#include "units.h"

#include <stdio.h>

static const char hub_units_sql_depth[] =
    "WITH RECURSIVE up(code, parent, depth) AS ("
    "  SELECT code, parent, 0 FROM units WHERE code = ?1"
    "  UNION ALL"
    "  SELECT u.code, u.parent, up.depth + 1 FROM units u"
    "  JOIN up ON u.code = up.parent WHERE up.depth < 64)"
    " SELECT max(depth) FROM up";
static const char hub_units_sql_insert[] =
    "INSERT INTO units(code, name, parent, created_at)"
    " VALUES(?1, ?2, ?3, ?4)";
static const char hub_units_sql_name[] =
    "SELECT name FROM units WHERE code = ?1";
static const char hub_units_sql_contains[] =
    "WITH RECURSIVE up(code, parent, depth) AS ("
    "  SELECT code, parent, 0 FROM units WHERE code = ?2"
    "  UNION ALL"
    "  SELECT u.code, u.parent, up.depth + 1 FROM units u"
    "  JOIN up ON u.code = up.parent WHERE up.depth < 64)"
    " SELECT EXISTS(SELECT 1 FROM up WHERE code = ?1)";
/* Depth-first order comes from sorting on the path of codes; a code has
 * no '/' so the path sorts parents before their children. */
static const char hub_units_sql_each[] =
    "WITH RECURSIVE tree(code, name, parent, depth, path) AS ("
    "  SELECT code, name, '', 0, code FROM units WHERE parent IS NULL"
    "  UNION ALL"
    "  SELECT u.code, u.name, u.parent, t.depth + 1, t.path || '/' || u.code"
    "  FROM units u JOIN tree t ON u.parent = t.code WHERE t.depth < 64)"
    " SELECT code, name, parent, depth FROM tree ORDER BY path";

/* Depth of an existing unit (0 for a root), HUB_NOT_FOUND when absent. */
static int hub_units_get_depth(hub_db_t *db, const char *code, int *depth)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_units_sql_depth);
    int rc = SQLITE_OK;

    if (!st)
        return HUB_ERROR;
    hub_db_bind_text(st, 1, code, &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "unit depth");
    }
    rc = hub_db_next(db, st, "unit depth");
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    /* max() over no rows is NULL: the unit does not exist. */
    rc = sqlite3_column_type(st, 0) == SQLITE_NULL ? HUB_NOT_FOUND : HUB_OK;
    *depth = sqlite3_column_int(st, 0);
    hub_db_release(st);
    return rc;
}

int hub_units_add(hub_db_t *db, const char *code, const char *name,
                  const char *parent, int64_t now_ms)
{
    sqlite3_stmt *st;
    int rc, depth = 0;

    rc = hub_units_get_depth(db, code, &depth);
    if (rc == HUB_OK)
        return HUB_EXISTS;
    if (rc != HUB_NOT_FOUND)
        return rc;
    if (parent) {
        rc = hub_units_get_depth(db, parent, &depth);
        if (rc != HUB_OK)
            return rc;
        if (depth + 1 >= HUB_UNITS_DEPTH_MAX)
            return HUB_DENIED;
    }
    st = hub_db_stmt(db, hub_units_sql_insert);
    if (!st)
        return HUB_ERROR;
    rc = SQLITE_OK;
    hub_db_bind_text(st, 1, code, &rc);
    hub_db_bind_text(st, 2, name, &rc);
    hub_db_bind_text(st, 3, parent, &rc);
    hub_db_bind_int64(st, 4, now_ms, &rc);
    return hub_db_run(db, st, rc, "add unit");
}

int hub_units_get_name(hub_db_t *db, const char *code, char *name,
                       size_t cap)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_units_sql_name);
    int rc = SQLITE_OK;

    if (!st)
        return HUB_ERROR;
    hub_db_bind_text(st, 1, code, &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "unit name");
    }
    rc = hub_db_next(db, st, "unit name");
    if (rc != HUB_OK)
        return rc;
    snprintf(name, cap, "%s", hub_db_column_text(st, 0));
    hub_db_release(st);
    return HUB_OK;
}

int hub_units_contains(hub_db_t *db, const char *ancestor, const char *code,
                       int *yes)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_units_sql_contains);
    int rc = SQLITE_OK;

    *yes = 0;
    if (!st)
        return HUB_ERROR;
    hub_db_bind_text(st, 1, ancestor, &rc);
    hub_db_bind_text(st, 2, code, &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "unit ancestry");
    }
    rc = hub_db_next(db, st, "unit ancestry");
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    *yes = sqlite3_column_int(st, 0);
    hub_db_release(st);
    return HUB_OK;
}

int hub_units_each(hub_db_t *db, hub_units_each_fn fn, void *ctx)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_units_sql_each);
    hub_unit_info_t u;
    int rc, stop;

    if (!st)
        return HUB_ERROR;
    while ((rc = hub_db_next(db, st, "list units")) == HUB_OK) {
        u.code = hub_db_column_text(st, 0);
        u.name = hub_db_column_text(st, 1);
        u.parent = hub_db_column_text(st, 2);
        u.depth = sqlite3_column_int(st, 3);
        stop = fn(ctx, &u);
        if (stop) {
            hub_db_release(st);
            return stop;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}
