#include "hub/store/migrate.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "hub/store/db_sql.h"
#include "hub/store/dbx.h"
#include "hub/store/pgschema.h"

#define MIGRATE_COLS_MAX 32
#define MIGRATE_SQL_MAX 4096
#define MIGRATE_PROBE_SQL_MAX 160
/* A batch is one INSERT of a JSON array: few round trips, and a bounded
 * message. A table whose rows refer to each other (units: parent,
 * merged_into) goes in one statement, since PostgreSQL checks a foreign
 * key at the end of each statement; its cap is the larger one. */
#define MIGRATE_BATCH_ROWS 5000
#define MIGRATE_BATCH_BYTES (4u << 20)
#define MIGRATE_ONE_STATEMENT_BYTES (64u << 20)
#define MIGRATE_MONTHS_MAX 2400
#define MIGRATE_SUM_MODULUS 1000003
#define MIGRATE_HEX_CHUNK 64 /* bytes hex-encoded at a time */

/* SQLite's own bookkeeping, not the hub's data (migrate.h). */
static const char migrate_sql_source_tables[] =
    "SELECT name FROM sqlite_master WHERE type = 'table'"
    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    " AND name <> 'stat_writer_sums'"
    " ORDER BY name <> 'units', name";
static const char migrate_sql_source_sequence[] =
    "SELECT seq FROM sqlite_sequence WHERE name = ?1";
static const char migrate_sql_source_days[] =
    "SELECT COALESCE(MIN(day), ''), COALESCE(MAX(day), '')"
    " FROM day_snapshots";

static const char migrate_sql_target_columns[] =
    "SELECT column_name, data_type, is_identity"
    " FROM information_schema.columns"
    " WHERE table_schema = current_schema()"
    " AND table_name = CAST(?1 AS TEXT) ORDER BY ordinal_position";
static const char migrate_sql_target_partitioned[] =
    "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_partitioned_table"
    " WHERE partrelid = to_regclass(CAST(?1 AS TEXT))";
static const char migrate_sql_target_self_reference[] =
    "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_constraint"
    " WHERE contype = 'f' AND conrelid = to_regclass(CAST(?1 AS TEXT))"
    " AND confrelid = conrelid";

typedef enum migrate_kind {
    MIGRATE_INT = 0,
    MIGRATE_TEXT,
    MIGRATE_BYTES
} migrate_kind_t;

/* How one table is copied. The SQL texts are the target's kept
 * statements, keyed by address (sqlx.h): they live as long as the run,
 * and each is finalized when its table is done. */
typedef struct migrate_plan {
    char table[HUB_MIGRATE_NAME_MAX];
    int n_cols;
    char cols[MIGRATE_COLS_MAX][HUB_MIGRATE_NAME_MAX];
    migrate_kind_t kind[MIGRATE_COLS_MAX];
    int identity;        /* the identity column's index, or -1 */
    int from_rowid;      /* the column read as SQLite's rowid, or -1 */
    int partitioned;     /* by month on "day" (pgschema.h) */
    int one_statement;   /* rows refer to each other */
    char select_sql[MIGRATE_SQL_MAX]; /* source */
    char insert_sql[MIGRATE_SQL_MAX]; /* target */
    char sums_src_sql[MIGRATE_SQL_MAX]; /* the rows' fingerprint */
    char sums_dst_sql[MIGRATE_SQL_MAX];
    char identity_sql[MIGRATE_SQL_MAX];
    sqlx_stmt_t *kept[3];
} migrate_plan_t;

typedef struct migrate_run {
    hub_db_t *src, *dst;
    char *err;
    size_t cap;
    migrate_plan_t plans[HUB_MIGRATE_TABLES_MAX];
    int n_plans;
    int months[MIGRATE_MONTHS_MAX]; /* year * 12 + month - 1, made */
    int n_months;
    char *json;                     /* one batch */
    size_t json_len, json_cap;
} migrate_run_t;

static int migrate_fail(char *err, size_t cap, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int migrate_fail(char *err, size_t cap, int rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, cap, fmt, ap);
    va_end(ap);
    return rc;
}

/* Table and column names go into SQL text, so only the hub's own kind
 * of name passes: lower-case letters, digits and underscores. */
static int migrate_is_plain_name(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= HUB_MIGRATE_NAME_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return 0;
    return 1;
}

/* ---- the source's write lock --------------------------------------- */

int hub_migrate_hold_source(hub_db_t *src, char *err, size_t cap)
{
    int rc;

    if (hub_dbx_is_pg(src))
        return migrate_fail(err, cap, HUB_ERROR,
                            "the source must be an SQLite file");
    rc = hub_db_rc(sqldb_hold_write_lock(&src->sql));
    if (rc != HUB_OK)
        snprintf(err, cap, "%s", sqldb_last_error(&src->sql));
    return rc;
}

void hub_migrate_release_source(hub_db_t *src)
{
    if (!hub_dbx_is_pg(src))
        sqldb_release_write_lock(&src->sql);
}

/* ---- the target's emptiness ---------------------------------------- */

/* One probe per known table, each at a fixed address and always the
 * same text, so kept statements stay right across calls. */
static char migrate_probe_sql[HUB_MIGRATE_TABLES_MAX][MIGRATE_PROBE_SQL_MAX];

int hub_migrate_check_empty(hub_db_t *dst, char *err, size_t cap)
{
    sqlx_t *x = hub_dbx(dst);
    sqlx_stmt_t *st;
    int i, rc, n;

    for (i = 0; hub_pgschema_tables[i]; i++) {
        if (i >= HUB_MIGRATE_TABLES_MAX)
            return migrate_fail(err, cap, HUB_ERROR,
                                "more than %d tables on PostgreSQL",
                                HUB_MIGRATE_TABLES_MAX);
        n = snprintf(migrate_probe_sql[i], sizeof(migrate_probe_sql[i]),
                     "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM"
                     " %s LIMIT 1) AS t", hub_pgschema_tables[i]);
        if (n < 0 || (size_t)n >= sizeof(migrate_probe_sql[i]))
            return migrate_fail(err, cap, HUB_ERROR, "table name too long");
        st = sqlx_prepare(x, migrate_probe_sql[i]);
        rc = sqlx_step(st);
        if (rc != SQLX_ROW) {
            sqlx_reset(st);
            return migrate_fail(err, cap, rc == SQLX_DONE ? HUB_ERROR : rc,
                                "%s", sqlx_last_error(x));
        }
        n = (int)sqlx_column_int64(st, 0);
        sqlx_reset(st);
        if (n != 0)
            return migrate_fail(err, cap, HUB_EXISTS,
                                "the target already holds hub data (table"
                                " %s has rows)", hub_pgschema_tables[i]);
    }
    return HUB_OK;
}

int hub_migrate_empty_target(hub_db_t *dst, char *err, size_t cap)
{
    char sql[MIGRATE_SQL_MAX] = "TRUNCATE ";
    size_t len = strlen(sql);
    int i, n, rc;

    for (i = 0; hub_pgschema_tables[i]; i++) {
        n = snprintf(sql + len, sizeof(sql) - len, "%s%s", i ? ", " : "",
                     hub_pgschema_tables[i]);
        if (n < 0 || (size_t)n >= sizeof(sql) - len)
            return migrate_fail(err, cap, HUB_ERROR, "too many tables");
        len += (size_t)n;
    }
    rc = hub_db_begin_write(dst);
    if (rc == HUB_OK)
        rc = sqlx_exec(hub_dbx(dst), sql);
    if (rc == HUB_OK)
        return hub_db_commit(dst) == HUB_OK
                   ? HUB_OK
                   : migrate_fail(err, cap, HUB_ERROR, "%s",
                                  hub_db_last_error(dst));
    snprintf(err, cap, "%s", sqlx_last_error(hub_dbx(dst)));
    hub_db_rollback(dst);
    return rc;
}

/* ---- the source (SQLite, read inside the caller's transaction) ------ */

static int migrate_source_fail(migrate_run_t *r, const char *what)
{
    return migrate_fail(r->err, r->cap, hub_db_rc(sqlite3_errcode(
                                            r->src->sql.conn)),
                        "%s: %s: %s", r->src->sql.path, what,
                        sqlite3_errmsg(r->src->sql.conn));
}

static int migrate_source_prepare(migrate_run_t *r, const char *sql,
                                  sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(r->src->sql.conn, sql, -1, st, NULL) !=
        SQLITE_OK) {
        *st = NULL;
        return migrate_source_fail(r, sql);
    }
    return HUB_OK;
}

/* One integer of sql (bound with text ?1 when given): HUB_OK with *out,
 * 0 when there is no row. */
static int migrate_source_int(migrate_run_t *r, const char *sql,
                              const char *param, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = migrate_source_prepare(r, sql, &st);

    *out = 0;
    if (rc != HUB_OK)
        return rc;
    if (param && sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC) !=
                     SQLITE_OK)
        rc = migrate_source_fail(r, sql);
    if (rc == HUB_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            *out = sqlite3_column_int64(st, 0);
        rc = rc == SQLITE_ROW || rc == SQLITE_DONE
                 ? HUB_OK
                 : migrate_source_fail(r, sql);
    }
    (void)sqlite3_finalize(st); /* its error, if any, is noted above */
    return rc;
}

static int migrate_list_tables(migrate_run_t *r)
{
    sqlite3_stmt *st;
    const char *name;
    int rc = migrate_source_prepare(r, migrate_sql_source_tables, &st);
    int step = SQLITE_DONE;

    while (rc == HUB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        name = (const char *)sqlite3_column_text(st, 0);
        if (!name || !migrate_is_plain_name(name))
            rc = migrate_fail(r->err, r->cap, HUB_CONFLICT,
                              "the SQLite file has a table named \"%s\","
                              " not one of the hub's", name ? name : "");
        else if (r->n_plans >= HUB_MIGRATE_TABLES_MAX)
            rc = migrate_fail(r->err, r->cap, HUB_ERROR,
                              "more than %d tables", HUB_MIGRATE_TABLES_MAX);
        else
            snprintf(r->plans[r->n_plans++].table, HUB_MIGRATE_NAME_MAX,
                     "%s", name);
    }
    if (rc == HUB_OK && step != SQLITE_DONE)
        rc = migrate_source_fail(r, "tables");
    (void)sqlite3_finalize(st);
    return rc;
}

/* The source's columns, each matched by name with the plan's (the
 * target's): none missing on either side. */
static int migrate_match_source_columns(migrate_run_t *r, migrate_plan_t *p,
                                        int *from_rowid)
{
    char sql[MIGRATE_PROBE_SQL_MAX];
    int seen[MIGRATE_COLS_MAX] = {0};
    sqlite3_stmt *st;
    const char *name;
    int rc, i, step = SQLITE_DONE;

    snprintf(sql, sizeof(sql), "PRAGMA table_info(%s)", p->table);
    rc = migrate_source_prepare(r, sql, &st);
    while (rc == HUB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        name = (const char *)sqlite3_column_text(st, 1);
        for (i = 0; name && i < p->n_cols; i++)
            if (strcmp(p->cols[i], name) == 0)
                break;
        if (!name || i == p->n_cols)
            rc = migrate_fail(r->err, r->cap, HUB_CONFLICT,
                              "%s.%s has no column on PostgreSQL", p->table,
                              name ? name : "");
        else
            seen[i] = 1;
    }
    if (rc == HUB_OK && step != SQLITE_DONE)
        rc = migrate_source_fail(r, sql);
    (void)sqlite3_finalize(st);
    /* SQLite's implicit rowid, made a column on PostgreSQL (pgschema.h:
     * enroll_codes), is read as such. */
    *from_rowid = -1;
    for (i = 0; rc == HUB_OK && i < p->n_cols; i++) {
        if (seen[i])
            continue;
        if (strcmp(p->cols[i], "rowid") == 0 && *from_rowid < 0)
            *from_rowid = i;
        else
            rc = migrate_fail(r->err, r->cap, HUB_CONFLICT,
                              "%s.%s on PostgreSQL has no column in the"
                              " SQLite file", p->table, p->cols[i]);
    }
    return rc;
}

/* ---- the plan: the target's columns, then the SQL texts ------------- */

static int migrate_target_int(migrate_run_t *r, const char *sql,
                              const char *table, int64_t *out)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(r->dst), sql);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, table, &rc);
    rc = hub_dbx_next(r->dst, st, rc, table);
    *out = rc == HUB_OK ? sqlx_column_int64(st, 0) : 0;
    sqlx_reset(st);
    if (rc == HUB_NOT_FOUND)
        rc = HUB_OK;
    if (rc != HUB_OK)
        snprintf(r->err, r->cap, "%s", hub_db_last_error(r->dst));
    return rc;
}

static int migrate_target_columns(migrate_run_t *r, migrate_plan_t *p)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(r->dst),
                                   migrate_sql_target_columns);
    const char *name, *type;
    int rc = HUB_OK;

    p->identity = -1;
    sqlx_bind_text(st, 1, p->table, &rc);
    while ((rc = hub_dbx_next(r->dst, st, rc, p->table)) == HUB_OK) {
        name = sqlx_column_text(st, 0);
        type = sqlx_column_text(st, 1);
        if (p->n_cols >= MIGRATE_COLS_MAX || !migrate_is_plain_name(name)) {
            sqlx_reset(st);
            return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                                "%s on PostgreSQL: column \"%s\" not"
                                " copied", p->table, name);
        }
        if (strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0)
            p->kind[p->n_cols] = MIGRATE_INT;
        else if (strcmp(type, "text") == 0)
            p->kind[p->n_cols] = MIGRATE_TEXT;
        else if (strcmp(type, "bytea") == 0)
            p->kind[p->n_cols] = MIGRATE_BYTES;
        else {
            sqlx_reset(st);
            return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                                "%s.%s on PostgreSQL is %s, not copied",
                                p->table, name, type);
        }
        if (strcmp(sqlx_column_text(st, 2), "YES") == 0)
            p->identity = p->n_cols;
        snprintf(p->cols[p->n_cols++], HUB_MIGRATE_NAME_MAX, "%s", name);
    }
    if (rc != HUB_NOT_FOUND)
        return migrate_fail(r->err, r->cap, rc, "%s",
                            hub_db_last_error(r->dst));
    if (p->n_cols == 0)
        return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                            "table %s of the SQLite file has no counterpart"
                            " on PostgreSQL", p->table);
    return HUB_OK;
}

/* Appends to a plan's SQL text; HUB_ERROR when it does not fit. */
static int migrate_sql_append(char *sql, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int migrate_sql_append(char *sql, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(sql);
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(sql + len, cap - len, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= cap - len ? HUB_ERROR : HUB_OK;
}

/* The rows' fingerprint, the same number on both sides for the same
 * rows: their count, then per column the sum of its integers (modulo a
 * prime, so no sum overflows) or of its lengths (text in characters,
 * bytes in bytes, as both count them). */
static int migrate_plan_sums(migrate_plan_t *p)
{
    const char *col;
    int i, rc = HUB_OK;

    p->sums_src_sql[0] = p->sums_dst_sql[0] = '\0';
    rc |= migrate_sql_append(p->sums_src_sql, MIGRATE_SQL_MAX,
                             "SELECT COUNT(*)");
    rc |= migrate_sql_append(p->sums_dst_sql, MIGRATE_SQL_MAX,
                             "SELECT CAST(COUNT(*) AS BIGINT)");
    for (i = 0; i < p->n_cols; i++) {
        col = i == p->from_rowid ? "rowid" : p->cols[i];
        if (p->kind[i] == MIGRATE_INT) {
            rc |= migrate_sql_append(p->sums_src_sql, MIGRATE_SQL_MAX,
                                     ", COALESCE(SUM(%s %% %d), 0)", col,
                                     MIGRATE_SUM_MODULUS);
            rc |= migrate_sql_append(p->sums_dst_sql, MIGRATE_SQL_MAX,
                                     ", CAST(COALESCE(SUM(%s %% %d), 0) AS"
                                     " BIGINT)", p->cols[i],
                                     MIGRATE_SUM_MODULUS);
        } else {
            rc |= migrate_sql_append(p->sums_src_sql, MIGRATE_SQL_MAX,
                                     ", COALESCE(SUM(LENGTH(%s)), 0)", col);
            rc |= migrate_sql_append(p->sums_dst_sql, MIGRATE_SQL_MAX,
                                     ", CAST(COALESCE(SUM(LENGTH(%s)), 0) AS"
                                     " BIGINT)", p->cols[i]);
        }
    }
    rc |= migrate_sql_append(p->sums_src_sql, MIGRATE_SQL_MAX, " FROM %s",
                             p->table);
    rc |= migrate_sql_append(p->sums_dst_sql, MIGRATE_SQL_MAX, " FROM %s",
                             p->table);
    return rc == HUB_OK ? HUB_OK : HUB_ERROR;
}

/* The texts: the source's columns in the target's order, and an INSERT
 * taking one JSON array of rows, each an array of those columns (bytes
 * as hex). */
static int migrate_plan_sql(migrate_plan_t *p)
{
    int i, rc = HUB_OK;

    p->select_sql[0] = p->insert_sql[0] = '\0';
    rc |= migrate_sql_append(p->select_sql, MIGRATE_SQL_MAX, "SELECT ");
    rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX,
                             "INSERT INTO %s(", p->table);
    for (i = 0; i < p->n_cols; i++) {
        rc |= migrate_sql_append(p->select_sql, MIGRATE_SQL_MAX, "%s%s",
                                 i ? ", " : "",
                                 i == p->from_rowid ? "rowid" : p->cols[i]);
        rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX, "%s%s",
                                 i ? ", " : "", p->cols[i]);
    }
    rc |= migrate_sql_append(p->select_sql, MIGRATE_SQL_MAX, " FROM %s",
                             p->table);
    rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX, ") SELECT ");
    for (i = 0; i < p->n_cols; i++) {
        rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX, "%s",
                                 i ? ", " : "");
        if (p->kind[i] == MIGRATE_INT)
            rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX,
                                     "CAST(e->>%d AS BIGINT)", i);
        else if (p->kind[i] == MIGRATE_TEXT)
            rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX,
                                     "e->>%d", i);
        else
            rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX,
                                     "decode(e->>%d, 'hex')", i);
    }
    rc |= migrate_sql_append(p->insert_sql, MIGRATE_SQL_MAX,
                             " FROM json_array_elements(CAST(?1 AS JSON))"
                             " AS r(e)");
    p->identity_sql[0] = '\0';
    /* The next key past both the copied ones and any SQLite handed out
     * before (AUTOINCREMENT never reuses one: nor may PostgreSQL). */
    if (p->identity >= 0)
        rc |= migrate_sql_append(
            p->identity_sql, MIGRATE_SQL_MAX,
            "SELECT setval(pg_get_serial_sequence('%s', '%s'),"
            " GREATEST(COALESCE(MAX(%s), 0), CAST(?1 AS BIGINT)) + 1,"
            " false) FROM %s",
            p->table, p->cols[p->identity], p->cols[p->identity], p->table);
    if (rc == HUB_OK)
        rc = migrate_plan_sums(p);
    return rc == HUB_OK ? HUB_OK : HUB_ERROR;
}

static int migrate_plan_table(migrate_run_t *r, migrate_plan_t *p)
{
    int64_t n = 0;
    int rc;

    rc = migrate_target_columns(r, p);
    if (rc == HUB_OK)
        rc = migrate_match_source_columns(r, p, &p->from_rowid);
    if (rc == HUB_OK)
        rc = migrate_target_int(r, migrate_sql_target_partitioned, p->table,
                                &n);
    p->partitioned = n > 0;
    if (rc == HUB_OK)
        rc = migrate_target_int(r, migrate_sql_target_self_reference,
                                p->table, &n);
    p->one_statement = n > 0;
    if (rc == HUB_OK && migrate_plan_sql(p) != HUB_OK)
        rc = migrate_fail(r->err, r->cap, HUB_ERROR,
                          "%s: statement too long", p->table);
    return rc;
}

/* ---- month partitions ----------------------------------------------- */

static int migrate_add_month(migrate_run_t *r, const char *month)
{
    int year, mon, key, i;

    if (sscanf(month, "%4d-%2d", &year, &mon) != 2 || strlen(month) != 7)
        return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                            "a row of day \"%s...\" fits no month", month);
    key = year * 12 + mon - 1;
    for (i = 0; i < r->n_months; i++)
        if (r->months[i] == key)
            return HUB_OK;
    if (r->n_months >= MIGRATE_MONTHS_MAX)
        return migrate_fail(r->err, r->cap, HUB_ERROR,
                            "more than %d months", MIGRATE_MONTHS_MAX);
    r->months[r->n_months++] = key;
    return hub_pgschema_add_month(hub_dbx(r->dst), year, mon, r->err,
                                  r->cap);
}

static int migrate_add_months(migrate_run_t *r, const migrate_plan_t *p)
{
    char sql[MIGRATE_PROBE_SQL_MAX];
    sqlite3_stmt *st;
    const char *month;
    int rc, step = SQLITE_DONE;

    snprintf(sql, sizeof(sql), "SELECT DISTINCT substr(day, 1, 7) FROM %s",
             p->table);
    rc = migrate_source_prepare(r, sql, &st);
    while (rc == HUB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        month = (const char *)sqlite3_column_text(st, 0);
        rc = migrate_add_month(r, month ? month : "");
    }
    if (rc == HUB_OK && step != SQLITE_DONE)
        rc = migrate_source_fail(r, sql);
    (void)sqlite3_finalize(st);
    return rc;
}

/* ---- rows as JSON --------------------------------------------------- */

static int migrate_json_put(migrate_run_t *r, const char *s, size_t n)
{
    size_t want = r->json_len + n + 1, cap;
    char *grown;

    if (want > r->json_cap) {
        if (want > MIGRATE_ONE_STATEMENT_BYTES + 1)
            return migrate_fail(r->err, r->cap, HUB_ERROR,
                                "rows that refer to each other exceed %u"
                                " bytes", MIGRATE_ONE_STATEMENT_BYTES);
        cap = r->json_cap ? r->json_cap : 1u << 16;
        while (cap < want)
            cap *= 2;
        grown = realloc(r->json, cap);
        if (!grown)
            return migrate_fail(r->err, r->cap, HUB_ERROR, "out of memory");
        r->json = grown;
        r->json_cap = cap;
    }
    memcpy(r->json + r->json_len, s, n);
    r->json_len += n;
    r->json[r->json_len] = '\0';
    return HUB_OK;
}

/* A JSON string: quotes, backslashes and control characters escaped;
 * UTF-8 passes as it is (PostgreSQL refuses what is not). */
static int migrate_json_string(migrate_run_t *r, const unsigned char *s,
                               int n)
{
    char esc[8];
    int i, start = 0, rc = migrate_json_put(r, "\"", 1);

    for (i = 0; rc == HUB_OK && i < n; i++) {
        if (s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            continue;
        rc = migrate_json_put(r, (const char *)s + start, (size_t)(i - start));
        snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
        if (rc == HUB_OK)
            rc = migrate_json_put(r, esc, strlen(esc));
        start = i + 1;
    }
    if (rc == HUB_OK)
        rc = migrate_json_put(r, (const char *)s + start, (size_t)(n - start));
    return rc == HUB_OK ? migrate_json_put(r, "\"", 1) : rc;
}

static int migrate_json_hex(migrate_run_t *r, const unsigned char *b, int n)
{
    char hex[2 * MIGRATE_HEX_CHUNK + 1];
    int i, k, rc = migrate_json_put(r, "\"", 1);

    for (i = 0; rc == HUB_OK && i < n; i += k) {
        k = n - i < MIGRATE_HEX_CHUNK ? n - i : MIGRATE_HEX_CHUNK;
        hex_encode(b + i, (size_t)k, hex);
        rc = migrate_json_put(r, hex, 2 * (size_t)k);
    }
    return rc == HUB_OK ? migrate_json_put(r, "\"", 1) : rc;
}

/* Column i of the source's row, as the target's kind wants it. */
static int migrate_json_value(migrate_run_t *r, const migrate_plan_t *p,
                              sqlite3_stmt *st, int i)
{
    char num[32];
    int type = sqlite3_column_type(st, i);

    if (type == SQLITE_NULL)
        return migrate_json_put(r, "null", 4);
    if (type == SQLITE_INTEGER && p->kind[i] != MIGRATE_BYTES) {
        snprintf(num, sizeof(num), p->kind[i] == MIGRATE_INT
                                       ? "%" PRId64 : "\"%" PRId64 "\"",
                 (int64_t)sqlite3_column_int64(st, i));
        return migrate_json_put(r, num, strlen(num));
    }
    if (type == SQLITE_TEXT && p->kind[i] == MIGRATE_TEXT)
        return migrate_json_string(r, sqlite3_column_text(st, i),
                                   sqlite3_column_bytes(st, i));
    if (type == SQLITE_BLOB && p->kind[i] == MIGRATE_BYTES)
        return migrate_json_hex(r, sqlite3_column_blob(st, i),
                                sqlite3_column_bytes(st, i));
    return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                        "%s.%s holds a value of SQLite type %d where"
                        " PostgreSQL keeps %s", p->table, p->cols[i], type,
                        p->kind[i] == MIGRATE_INT    ? "an integer"
                        : p->kind[i] == MIGRATE_TEXT ? "text"
                                                     : "bytes");
}

/* ---- copying one table ---------------------------------------------- */

static int migrate_flush(migrate_run_t *r, migrate_plan_t *p)
{
    int rc = HUB_OK;

    if (r->json_len <= 1)
        return HUB_OK;
    rc = migrate_json_put(r, "]", 1);
    if (rc != HUB_OK)
        return rc;
    p->kept[0] = sqlx_prepare(hub_dbx(r->dst), p->insert_sql);
    sqlx_bind_text(p->kept[0], 1, r->json, &rc);
    rc = hub_dbx_run(r->dst, p->kept[0], rc, p->table);
    if (rc != HUB_OK)
        snprintf(r->err, r->cap, "%s", hub_db_last_error(r->dst));
    r->json_len = 0;
    return rc;
}

static int migrate_copy_rows(migrate_run_t *r, migrate_plan_t *p,
                             int64_t *copied)
{
    size_t batch_bytes = p->one_statement ? MIGRATE_ONE_STATEMENT_BYTES
                                          : MIGRATE_BATCH_BYTES;
    sqlite3_stmt *st;
    int64_t in_batch = 0;
    int rc, i, step = SQLITE_DONE;

    *copied = 0;
    r->json_len = 0;
    rc = migrate_source_prepare(r, p->select_sql, &st);
    while (rc == HUB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        rc = migrate_json_put(r, r->json_len ? ",[" : "[[", 2);
        for (i = 0; rc == HUB_OK && i < p->n_cols; i++) {
            if (i > 0)
                rc = migrate_json_put(r, ",", 1);
            if (rc == HUB_OK)
                rc = migrate_json_value(r, p, st, i);
        }
        if (rc == HUB_OK)
            rc = migrate_json_put(r, "]", 1);
        (*copied)++;
        if (rc == HUB_OK && !p->one_statement &&
            (++in_batch >= MIGRATE_BATCH_ROWS ||
             r->json_len >= batch_bytes)) {
            rc = migrate_flush(r, p);
            in_batch = 0;
        }
    }
    if (rc == HUB_OK && step != SQLITE_DONE)
        rc = migrate_source_fail(r, p->select_sql);
    (void)sqlite3_finalize(st);
    return rc == HUB_OK ? migrate_flush(r, p) : rc;
}

static int migrate_set_identity(migrate_run_t *r, migrate_plan_t *p)
{
    int64_t seq;
    int rc;

    if (p->identity < 0)
        return HUB_OK;
    /* No sqlite_sequence (no AUTOINCREMENT table yet) is no number. */
    if (migrate_source_int(r, migrate_sql_source_sequence, p->table, &seq) !=
        HUB_OK)
        seq = 0;
    rc = HUB_OK;
    p->kept[1] = sqlx_prepare(hub_dbx(r->dst), p->identity_sql);
    sqlx_bind_int64(p->kept[1], 1, seq, &rc);
    rc = hub_dbx_next(r->dst, p->kept[1], rc, p->table);
    sqlx_reset(p->kept[1]);
    if (rc != HUB_OK)
        snprintf(r->err, r->cap, "%s", hub_db_last_error(r->dst));
    return rc;
}

/* The source's fingerprint of the rows, read inside its transaction:
 * n values into v. */
static int migrate_source_sums(migrate_run_t *r, const migrate_plan_t *p,
                               int64_t *v, int n)
{
    sqlite3_stmt *st;
    int rc = migrate_source_prepare(r, p->sums_src_sql, &st), i;

    if (rc != HUB_OK)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_count(st) == n) {
        for (i = 0; i < n; i++)
            v[i] = sqlite3_column_int64(st, i);
    } else {
        rc = migrate_source_fail(r, p->sums_src_sql);
    }
    (void)sqlite3_finalize(st);
    return rc;
}

/* Counted and summed on both sides (migrate_plan_sums()): the source
 * inside its read transaction, the target inside the copy's. */
static int migrate_compare_sums(migrate_run_t *r, migrate_plan_t *p,
                                int64_t copied, int64_t *rows)
{
    int64_t mine[MIGRATE_COLS_MAX + 1] = {0};
    int64_t theirs[MIGRATE_COLS_MAX + 1] = {0};
    int n = p->n_cols + 1, i, rc;

    rc = migrate_source_sums(r, p, mine, n);
    if (rc != HUB_OK)
        return rc;
    *rows = mine[0];
    p->kept[2] = sqlx_prepare(hub_dbx(r->dst), p->sums_dst_sql);
    rc = hub_dbx_next(r->dst, p->kept[2], HUB_OK, p->table);
    for (i = 0; rc == HUB_OK && i < n; i++)
        theirs[i] = sqlx_column_int64(p->kept[2], i);
    sqlx_reset(p->kept[2]);
    if (rc != HUB_OK)
        return migrate_fail(r->err, r->cap, rc == HUB_NOT_FOUND ? HUB_ERROR
                                                                : rc,
                            "%s", hub_db_last_error(r->dst));
    if (theirs[0] != mine[0] || copied != mine[0])
        return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                            "%s: %" PRId64 " rows in the SQLite file, %"
                            PRId64 " read, %" PRId64 " on PostgreSQL",
                            p->table, mine[0], copied, theirs[0]);
    for (i = 1; i < n; i++)
        if (theirs[i] != mine[i])
            return migrate_fail(r->err, r->cap, HUB_CONFLICT,
                                "%s.%s: the copy's values differ from the"
                                " SQLite file's (sum %" PRId64 ", not %"
                                PRId64 ")", p->table, p->cols[i - 1],
                                theirs[i], mine[i]);
    return HUB_OK;
}

static void migrate_drop_statements(migrate_plan_t *p)
{
    size_t i;

    for (i = 0; i < sizeof(p->kept) / sizeof(p->kept[0]); i++) {
        sqlx_finalize(p->kept[i]);
        p->kept[i] = NULL;
    }
}

static int migrate_copy_table(migrate_run_t *r, migrate_plan_t *p,
                              hub_migrate_result_t *res)
{
    int64_t copied = 0, rows = 0;
    int rc = migrate_plan_table(r, p);

    if (rc == HUB_OK && p->partitioned)
        rc = migrate_add_months(r, p);
    if (rc == HUB_OK)
        rc = migrate_copy_rows(r, p, &copied);
    if (rc == HUB_OK)
        rc = migrate_set_identity(r, p);
    if (rc == HUB_OK)
        rc = migrate_compare_sums(r, p, copied, &rows);
    migrate_drop_statements(p);
    if (rc == HUB_OK) {
        snprintf(res->tables[res->n_tables].name, HUB_MIGRATE_NAME_MAX, "%s",
                 p->table);
        res->tables[res->n_tables++].rows = rows;
        res->rows += rows;
    }
    return rc;
}

static int migrate_read_days(migrate_run_t *r, hub_migrate_result_t *res)
{
    sqlite3_stmt *st;
    const char *v;
    int rc = migrate_source_prepare(r, migrate_sql_source_days, &st);

    if (rc != HUB_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        v = (const char *)sqlite3_column_text(st, 0);
        snprintf(res->first_day, sizeof(res->first_day), "%s", v ? v : "");
        v = (const char *)sqlite3_column_text(st, 1);
        snprintf(res->last_day, sizeof(res->last_day), "%s", v ? v : "");
        rc = HUB_OK;
    } else {
        rc = migrate_source_fail(r, migrate_sql_source_days);
    }
    (void)sqlite3_finalize(st);
    return rc;
}

/* Inside both transactions: everything but the commit. */
static int migrate_copy_all(migrate_run_t *r, int64_t now_ms,
                            const char *actor, const char *detail,
                            hub_migrate_result_t *res)
{
    char line[HUB_MIGRATE_DETAIL_MAX];
    int rc = hub_migrate_check_empty(r->dst, r->err, r->cap), i;

    if (rc == HUB_OK)
        rc = migrate_list_tables(r);
    if (rc == HUB_OK)
        rc = migrate_read_days(r, res);
    for (i = 0; rc == HUB_OK && i < r->n_plans; i++)
        rc = migrate_copy_table(r, &r->plans[i], res);
    res->months = r->n_months;
    if (rc == HUB_OK) {
        snprintf(line, sizeof(line), "%s: %d tables, %" PRId64 " rows",
                 detail, res->n_tables, res->rows);
        rc = hub_db_audit(r->dst, now_ms, actor, "hub.migrate", line);
        if (rc != HUB_OK)
            snprintf(r->err, r->cap, "%s", hub_db_last_error(r->dst));
    }
    return rc;
}

int hub_migrate_copy(hub_db_t *src, hub_db_t *dst, int64_t now_ms,
                     const char *actor, const char *detail,
                     hub_migrate_result_t *res, char *err, size_t cap)
{
    migrate_run_t *r;
    int rc;

    memset(res, 0, sizeof(*res));
    if (hub_dbx_is_pg(src) || !hub_dbx_is_pg(dst))
        return migrate_fail(err, cap, HUB_ERROR,
                            "copies an SQLite file into PostgreSQL only");
    r = calloc(1, sizeof(*r));
    if (!r)
        return migrate_fail(err, cap, HUB_ERROR, "out of memory");
    r->src = src;
    r->dst = dst;
    r->err = err;
    r->cap = cap;
    rc = hub_db_begin_write(dst);
    if (rc != HUB_OK) {
        snprintf(err, cap, "%s", hub_db_last_error(dst));
    } else if ((rc = hub_db_begin_read(src)) != HUB_OK) {
        snprintf(err, cap, "%s", hub_db_last_error(src));
        hub_db_rollback(dst);
    } else {
        rc = migrate_copy_all(r, now_ms, actor, detail, res);
        hub_db_end_read(src);
        if (rc != HUB_OK)
            hub_db_rollback(dst);
        else if ((rc = hub_db_commit(dst)) != HUB_OK)
            snprintf(err, cap, "%s", hub_db_last_error(dst));
    }
    free(r->json);
    free(r);
    return rc;
}
