#include "hub/store/fleet.h"
#include "hub/store/dbx.h"

/* The scope: ?1 and everything below it in the current tree, or every
 * unit when ?1 is NULL. A merged unit lies below the unit it joined (as
 * for statistics), not below its last parent. The first code is read
 * from units, not bound, so the column's type and collation hold on
 * both databases (PostgreSQL's recursive query wants them alike); an
 * unknown ?1 has no kiosks either way. */
#define HUB_FLEET_SCOPE                                                  \
    "WITH RECURSIVE sub(code, depth) AS ("                                \
    "  SELECT code, 0 FROM units WHERE code = ?1"                         \
    "  UNION ALL"                                                         \
    "  SELECT u.code, sub.depth + 1 FROM units u"                         \
    "  JOIN sub ON coalesce(u.merged_into, u.parent) = sub.code"          \
    "  WHERE sub.depth < 64) "
#define HUB_FLEET_IN_SCOPE                                               \
    "(CAST(?1 AS TEXT) IS NULL OR k.unit IN (SELECT code FROM sub))"

static const char hub_fleet_sql_list[] =
    HUB_FLEET_SCOPE
    "SELECT k.install_id, k.unit, coalesce(u.name, ''), k.counter,"
    " k.version, k.enrolled_at, coalesce(k.last_seen_at, 0),"
    " coalesce(k.revoked_at, 0), coalesce(h.body, ''),"
    " coalesce(h.seen_at, 0),"
    " (SELECT max(day) FROM day_snapshots s"
    "  WHERE s.install_id = k.install_id),"
    " coalesce(i.body, ''), coalesce(i.received_at, 0)"
    " FROM kiosks k LEFT JOIN heartbeats h ON h.install_id = k.install_id"
    " LEFT JOIN units u ON u.code = k.unit"
    " LEFT JOIN installations i ON i.id = (SELECT max(id) FROM"
    "  installations x WHERE x.install_id = k.install_id)"
    " WHERE " HUB_FLEET_IN_SCOPE
    " ORDER BY k.unit, k.counter, k.install_id";
/* Active kiosks of the scope with the first day they ever reported. */
static const char hub_fleet_sql_active[] =
    HUB_FLEET_SCOPE
    "SELECT k.install_id, k.unit, k.enrolled_at,"
    " (SELECT min(day) FROM day_snapshots s"
    "  WHERE s.install_id = k.install_id)"
    " FROM kiosks k WHERE k.revoked_at IS NULL AND " HUB_FLEET_IN_SCOPE
    " ORDER BY k.install_id";
static const char hub_fleet_sql_days[] =
    HUB_FLEET_SCOPE
    "SELECT s.install_id, s.day FROM day_snapshots s"
    " JOIN kiosks k ON k.install_id = s.install_id"
    " WHERE s.day BETWEEN ?2 AND ?3 AND k.revoked_at IS NULL"
    " AND " HUB_FLEET_IN_SCOPE;

/* One reading: which kind of row, for which callback. */
typedef struct hub_fleet_call {
    enum { HUB_FLEET_KIOSK, HUB_FLEET_ACTIVE, HUB_FLEET_DAY } kind;
    union {
        int (*kiosk)(void *ctx, const hub_fleet_kiosk_t *k);
        int (*active)(void *ctx, const hub_fleet_active_t *k);
        int (*day)(void *ctx, const char *install_id, const char *day);
    } fn;
    void *ctx;
} hub_fleet_call_t;

static int hub_fleet_kiosk_row(sqlx_stmt_t *st, const hub_fleet_call_t *c)
{
    hub_fleet_kiosk_t k = {
        .install_id = sqlx_column_text(st, 0),
        .unit = sqlx_column_text(st, 1),
        .unit_name = sqlx_column_text(st, 2),
        .counter = sqlx_column_text(st, 3),
        .version = sqlx_column_text(st, 4),
        .enrolled_at = sqlx_column_int64(st, 5),
        .last_seen_at = sqlx_column_int64(st, 6),
        .revoked_at = sqlx_column_int64(st, 7),
        .heartbeat = sqlx_column_text(st, 8),
        .heartbeat_at = sqlx_column_int64(st, 9),
        .last_day = sqlx_column_is_null(st, 10) ? NULL
                                                : sqlx_column_text(st, 10),
        .installation = sqlx_column_text(st, 11),
        .installation_at = sqlx_column_int64(st, 12),
    };

    return c->fn.kiosk(c->ctx, &k);
}

static int hub_fleet_active_row(sqlx_stmt_t *st, const hub_fleet_call_t *c)
{
    hub_fleet_active_t k = {
        .install_id = sqlx_column_text(st, 0),
        .unit = sqlx_column_text(st, 1),
        .enrolled_at = sqlx_column_int64(st, 2),
        .first_day = sqlx_column_text(st, 3),
    };

    return c->fn.active(c->ctx, &k);
}

/* hub_dbx_each()'s row: to the call's callback by kind. */
static int hub_fleet_row(void *ctx, sqlx_stmt_t *st)
{
    const hub_fleet_call_t *c = ctx;

    switch (c->kind) {
    case HUB_FLEET_KIOSK:
        return hub_fleet_kiosk_row(st, c);
    case HUB_FLEET_ACTIVE:
        return hub_fleet_active_row(st, c);
    default:
        return c->fn.day(c->ctx, sqlx_column_text(st, 0),
                         sqlx_column_text(st, 1));
    }
}

/* Runs sql for the scope unit (and from, to when given), handing each
 * row to the call's callback; stops at the first non-zero return, which
 * it returns. */
static int hub_fleet_read(hub_db_t *db, const char *sql, const char *what,
                          const char *unit, const char *from, const char *to,
                          const hub_fleet_call_t *c)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, unit, &rc);
    if (from) {
        sqlx_bind_text(st, 2, from, &rc);
        sqlx_bind_text(st, 3, to, &rc);
    }
    return hub_dbx_each(db, st, rc, what, hub_fleet_row, (void *)c);
}

int hub_fleet_each_kiosk(hub_db_t *db, const char *unit,
                         int (*fn)(void *ctx, const hub_fleet_kiosk_t *k),
                         void *ctx)
{
    hub_fleet_call_t c = {.kind = HUB_FLEET_KIOSK, .fn.kiosk = fn, .ctx = ctx};

    return hub_fleet_read(db, hub_fleet_sql_list, "kiosks", unit, NULL, NULL,
                          &c);
}

int hub_fleet_each_active(hub_db_t *db, const char *unit,
                          int (*fn)(void *ctx, const hub_fleet_active_t *k),
                          void *ctx)
{
    hub_fleet_call_t c = {.kind = HUB_FLEET_ACTIVE, .fn.active = fn,
                          .ctx = ctx};

    return hub_fleet_read(db, hub_fleet_sql_active, "completeness kiosks",
                          unit, NULL, NULL, &c);
}

int hub_fleet_each_day(hub_db_t *db, const char *unit, const char *from,
                       const char *to,
                       int (*fn)(void *ctx, const char *install_id,
                                 const char *day),
                       void *ctx)
{
    hub_fleet_call_t c = {.kind = HUB_FLEET_DAY, .fn.day = fn, .ctx = ctx};

    return hub_fleet_read(db, hub_fleet_sql_days, "completeness days", unit,
                          from, to, &c);
}
