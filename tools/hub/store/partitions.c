#include "hub/store/partitions.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/vntime.h"
#include "hub/store/db_sql.h"
#include "hub/store/dbx.h"
#include "hub/store/pgschema.h"

/* Tries at a month: see hub_partitions_make(). */
#define HUB_PARTITIONS_TRIES 5
#define HUB_PARTITIONS_SQL_MAX 256
#define HUB_PARTITIONS_DETAIL_MAX 256

/* The months are read from day_snapshots' partitions: pgschema.c makes
 * and names the four tables' together. Detached and archived tables are
 * those of the name that are no partition. */
static const char hub_partitions_sql_each[] =
    "SELECT c.relname,"
    " CASE WHEN c.relispartition THEN 0"
    " WHEN n.nspname = '" HUB_PARTITIONS_ARCHIVE "' THEN 2 ELSE 1 END"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'r'"
    " AND c.relname ~ '^day_snapshots_[0-9]{4}_[0-9]{2}$'"
    " AND (n.nspname = current_schema()"
    " OR n.nspname = '" HUB_PARTITIONS_ARCHIVE "')"
    " ORDER BY c.relname";

static const char *const hub_partitions_states[] = {
    "attached", "detached", "archived",
};

const char *hub_partition_state_name(hub_partition_state_t s)
{
    return (unsigned)s < 3 ? hub_partitions_states[s] : "unknown";
}

int hub_partitions_month_of(int64_t wall_ms)
{
    vntime_civil_t c;

    vntime_split_ms(wall_ms, &c);
    return c.year * 12 + c.month - 1;
}

static int hub_partitions_unsupported(hub_db_t *db)
{
    sqldb_set_error(&db->sql, "month partitions are PostgreSQL's: this"
                              " database is an SQLite file");
    return HUB_UNSUPPORTED;
}

static int hub_partitions_state_of(hub_db_t *db, int month, int *state);

/* Several processes meeting a new month at once all make it: one's
 * CREATE TABLE commits while another's waits on the catalog, and that
 * one then fails despite IF NOT EXISTS ("relation ... already exists",
 * a unique violation in the catalog, or a deadlock with an upload's
 * locks). Seen with three processes and a dozen uploads at once: the
 * upload was answered 500 and the kiosk's rows waited for its next try.
 * So a failed try is followed by a look: the month there, made by the
 * other, is success; else a pause a little longer each time (the makers
 * that met do not meet again) and another try. */
static int hub_partitions_make(hub_db_t *db, int month)
{
    char err[SQLX_ERR_MAX];
    int i, rc = HUB_ERROR, state;

    for (i = 0; i < HUB_PARTITIONS_TRIES && rc != HUB_OK; i++) {
        if (i > 0) {
            struct timespec pause = {0, (long)i * 2000000L};

            if (hub_partitions_state_of(db, month, &state) == HUB_OK &&
                state == HUB_PARTITION_ATTACHED)
                return HUB_OK;
            (void)nanosleep(&pause, NULL);
        }
        rc = hub_pgschema_add_month_whole(hub_dbx(db), month / 12,
                                          month % 12 + 1, err, sizeof(err));
    }
    if (rc != HUB_OK)
        sqldb_set_error(&db->sql, "partitions of %04d-%02d: %s", month / 12,
                        month % 12 + 1, err);
    return rc;
}

int hub_partitions_ensure(hub_db_t *db, int64_t now_ms, int ahead)
{
    int first = hub_partitions_month_of(now_ms), m, rc = HUB_OK;

    if (!hub_dbx_is_pg(db))
        return hub_partitions_unsupported(db);
    if (ahead < 0 || ahead > HUB_PARTITIONS_AHEAD_MAX)
        ahead = HUB_PARTITIONS_AHEAD;
    for (m = first; m <= first + ahead && rc == HUB_OK; m++)
        rc = hub_partitions_make(db, m);
    return rc;
}

/* "day_snapshots_YYYY_MM": the month as hub_partitions_month_of() has
 * it, or -1. */
static int hub_partitions_parse_name(const char *name)
{
    int y, m, n = 0;

    if (sscanf(name, "day_snapshots_%4d_%2d%n", &y, &m, &n) != 2 ||
        name[n] != '\0' || m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
}

typedef struct hub_partitions_walk {
    int (*fn)(void *ctx, const hub_partition_t *p);
    void *ctx;
} hub_partitions_walk_t;

static int hub_partitions_read(void *ctx, sqlx_stmt_t *st)
{
    const hub_partitions_walk_t *w = ctx;
    int month = hub_partitions_parse_name(sqlx_column_text(st, 0));
    hub_partition_t p;

    if (month < 0)
        return 0; /* matched the pattern, not a month: not ours */
    p.year = month / 12;
    p.month = month % 12 + 1;
    p.state = (hub_partition_state_t)sqlx_column_int64(st, 1);
    return w->fn(w->ctx, &p);
}

int hub_partitions_each(hub_db_t *db,
                        int (*fn)(void *ctx, const hub_partition_t *p),
                        void *ctx)
{
    hub_partitions_walk_t w = {fn, ctx};

    if (!hub_dbx_is_pg(db))
        return hub_partitions_unsupported(db);
    return hub_dbx_each(db, sqlx_prepare(hub_dbx(db), hub_partitions_sql_each),
                        HUB_OK, "partitions", hub_partitions_read, &w);
}

/* The state of one month, for hub_partitions_ensure_day(). */
typedef struct hub_partitions_find {
    int month;
    int state; /* -1: no partitions at all */
} hub_partitions_find_t;

static int hub_partitions_find_one(void *ctx, const hub_partition_t *p)
{
    hub_partitions_find_t *f = ctx;

    if (p->year * 12 + p->month - 1 != f->month)
        return 0;
    /* An attached month wins over a stray copy of its name elsewhere. */
    if (f->state != HUB_PARTITION_ATTACHED)
        f->state = (int)p->state;
    return 0;
}

/* The month's state in *state, -1 when it has no tables at all. */
static int hub_partitions_state_of(hub_db_t *db, int month, int *state)
{
    hub_partitions_find_t f = {month, -1};
    int rc = hub_partitions_each(db, hub_partitions_find_one, &f);

    *state = f.state;
    return rc;
}

int hub_partitions_ensure_day(hub_db_t *db, const char *day)
{
    int64_t start = day ? vntime_parse_date(day) : -1;
    hub_partitions_find_t f = {0, -1};
    int rc;

    if (!hub_dbx_is_pg(db))
        return hub_partitions_unsupported(db);
    if (start == -1) {
        sqldb_set_error(&db->sql, "partitions: \"%s\" is no date",
                        day ? day : "");
        return HUB_ERROR;
    }
    f.month = hub_partitions_month_of(start);
    rc = hub_partitions_state_of(db, f.month, &f.state);
    if (rc != HUB_OK)
        return rc;
    if (f.state == HUB_PARTITION_DETACHED || f.state == HUB_PARTITION_ARCHIVED) {
        sqldb_set_error(&db->sql, "month %04d-%02d is %s: its snapshot rows"
                        " are out of the live tables (docs/HUB.md,"
                        " \"Snapshot rows by month\")", f.month / 12,
                        f.month % 12 + 1,
                        hub_partition_state_name(
                            (hub_partition_state_t)f.state));
        return HUB_CONFLICT;
    }
    return f.state == HUB_PARTITION_ATTACHED ? HUB_OK
                                             : hub_partitions_make(db, f.month);
}

/* The attached months before a bound, gathered before any is changed. */
typedef struct hub_partitions_old {
    int before, n;
    int months[HUB_PARTITIONS_MAX];
} hub_partitions_old_t;

static int hub_partitions_take_old(void *ctx, const hub_partition_t *p)
{
    hub_partitions_old_t *o = ctx;
    int month = p->year * 12 + p->month - 1;

    if (p->state != HUB_PARTITION_ATTACHED || month >= o->before)
        return 0;
    if (o->n >= HUB_PARTITIONS_MAX)
        return HUB_ERROR;
    o->months[o->n++] = month;
    return 0;
}

/* sqlx_exec() of sql, the reason noted on db. */
static int hub_partitions_run(hub_db_t *db, const char *sql)
{
    int rc = sqlx_exec(hub_dbx(db), sql);

    return rc == HUB_OK ? rc : hub_dbx_fail(db, rc, "partitions");
}

/* One table's partition of month out of the live table, and to the
 * archive. DDL takes no parameters: its text is built from checked
 * numbers and the fixed table names only. */
static int hub_partitions_detach_table(hub_db_t *db, const char *table,
                                       int month, int archive)
{
    char part[HUB_PARTITIONS_SQL_MAX / 2], sql[HUB_PARTITIONS_SQL_MAX];
    int rc;

    snprintf(part, sizeof(part), "%s_%04d_%02d", table, month / 12,
             month % 12 + 1);
    snprintf(sql, sizeof(sql), "ALTER TABLE %s DETACH PARTITION %s", table,
             part);
    rc = hub_partitions_run(db, sql);
    if (rc != HUB_OK || !archive)
        return rc;
    snprintf(sql, sizeof(sql),
             "ALTER TABLE %s SET SCHEMA " HUB_PARTITIONS_ARCHIVE, part);
    return hub_partitions_run(db, sql);
}

static int hub_partitions_detach_month(hub_db_t *db, int month, int archive,
                                       int64_t now_ms, const char *actor)
{
    char detail[HUB_PARTITIONS_DETAIL_MAX];
    int i, rc = HUB_OK;

    for (i = 0; hub_pgschema_monthly[i] && rc == HUB_OK; i++)
        rc = hub_partitions_detach_table(db, hub_pgschema_monthly[i], month,
                                         archive);
    if (rc != HUB_OK)
        return rc;
    snprintf(detail, sizeof(detail), "%04d-%02d: snapshot rows detached%s",
             month / 12, month % 12 + 1,
             archive ? ", moved to schema " HUB_PARTITIONS_ARCHIVE : "");
    return hub_db_audit(db, now_ms, actor, "partitions.detach", detail);
}

int hub_partitions_detach(hub_db_t *db, int before_month, int archive,
                          int64_t now_ms, const char *actor, int *n_done)
{
    hub_partitions_old_t old; /* 4.8 KiB */
    int newest = hub_partitions_month_of(now_ms) - HUB_PARTITIONS_KEEP + 1;
    int i, rc;

    *n_done = 0;
    if (!hub_dbx_is_pg(db))
        return hub_partitions_unsupported(db);
    if (before_month > newest) {
        sqldb_set_error(&db->sql, "the months from %04d-%02d on stay: kiosks"
                        " still upload their days", newest / 12,
                        newest % 12 + 1);
        return HUB_CONFLICT;
    }
    memset(&old, 0, sizeof(old));
    old.before = before_month;
    rc = hub_partitions_each(db, hub_partitions_take_old, &old);
    if (rc != HUB_OK)
        return rc;
    rc = hub_db_begin_write(db);
    if (rc == HUB_OK && archive && old.n > 0)
        rc = hub_partitions_run(db, "CREATE SCHEMA IF NOT EXISTS "
                                    HUB_PARTITIONS_ARCHIVE);
    for (i = 0; i < old.n && rc == HUB_OK; i++)
        rc = hub_partitions_detach_month(db, old.months[i], archive, now_ms,
                                         actor);
    if (rc == HUB_OK)
        rc = hub_db_commit(db);
    else
        hub_db_rollback(db);
    if (rc == HUB_OK)
        *n_done = old.n;
    return rc;
}
