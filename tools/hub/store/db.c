#include "hub/store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hub/base/crypto.h"

#define HUB_DB_BUSY_TIMEOUT_MS 5000
#define HUB_DB_LOCK_POLL_MS 2
#define HUB_DB_STMT_MAX 128 /* every statement of the hub, with room */
#define HUB_DB_LOCK_SUFFIX "-lock"
#define HUB_DB_CACHE_KIB "131072" /* 128 MiB of pages, at most */

/* Schema version 1. Snapshot rows are keyed by (install_id, day) through
 * the *_kiosk indexes, which is how an upload replaces a day; the *_day
 * indexes serve statistics over a date range and a unit. Codes and tokens
 * are stored as SHA-256 digests only. */
static const char hub_db_schema_v1[] =
    "CREATE TABLE units("
    " code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " parent TEXT REFERENCES units(code),"
    " created_at INTEGER NOT NULL);"
    "CREATE INDEX units_parent ON units(parent);"
    "CREATE TABLE enroll_codes("
    " hash BLOB PRIMARY KEY,"
    " unit TEXT NOT NULL REFERENCES units(code),"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " used_by TEXT);"
    "CREATE TABLE kiosks("
    " install_id TEXT PRIMARY KEY,"
    " unit TEXT NOT NULL REFERENCES units(code),"
    " counter TEXT NOT NULL DEFAULT '',"
    " version TEXT NOT NULL DEFAULT '',"
    " secret_hash BLOB NOT NULL,"
    " enrolled_at INTEGER NOT NULL,"
    " last_seen_at INTEGER,"
    " revoked_at INTEGER);"
    "CREATE TABLE tokens("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " hash BLOB NOT NULL UNIQUE,"
    " scope_unit TEXT REFERENCES units(code),"
    " created_at INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE TABLE day_snapshots("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " upto_seq INTEGER NOT NULL,"
    " estimated INTEGER NOT NULL,"
    " upload_id TEXT NOT NULL,"
    " received_at INTEGER NOT NULL,"
    " PRIMARY KEY(install_id, day)) WITHOUT ROWID;"
    "CREATE TABLE day_responses("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " counter TEXT NOT NULL,"
    " officer TEXT NOT NULL,"
    " field TEXT NOT NULL,"
    " instrument TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL,"
    " suppressed INTEGER NOT NULL);"
    "CREATE INDEX day_responses_kiosk ON day_responses(install_id, day);"
    "CREATE INDEX day_responses_day ON day_responses(day, unit);"
    "CREATE TABLE day_answers("
    " install_id TEXT NOT NULL,"
    " day TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " counter TEXT NOT NULL,"
    " officer TEXT NOT NULL,"
    " field TEXT NOT NULL,"
    " instrument TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " partial INTEGER NOT NULL,"
    " question TEXT NOT NULL,"
    " element TEXT NOT NULL,"
    " answer TEXT NOT NULL,"
    " n INTEGER NOT NULL);"
    "CREATE INDEX day_answers_kiosk ON day_answers(install_id, day);"
    "CREATE INDEX day_answers_day ON day_answers(day, unit);"
    "CREATE TABLE heartbeats("
    " install_id TEXT PRIMARY KEY,"
    " seen_at INTEGER NOT NULL,"
    " body TEXT NOT NULL);"
    "CREATE TABLE audit("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " detail TEXT NOT NULL DEFAULT '');";

/* Schema version 2: the unit tree with history, and summaries for
 * statistics.
 *
 * units.merged_into / merged_from: from that local date the unit is part
 * of another one (its ratings keep its own code). unit_changes: every
 * rename, move and merge with the date it takes effect and the value it
 * replaced, so the tree can be seen as it stood on any date.
 *
 * stat_day_*: complete answers and response counts per day and unit;
 * stat_month_*: the same per month and unit; stat_staff_*: per unit,
 * month, counter and officer. Triggers on the snapshot rows keep them
 * equal to the sums of day_responses and day_answers at every commit: an
 * upload replaces a day by deleting its rows and inserting the new ones,
 * and each row adds or takes away exactly what it holds. "rows" counts the snapshot rows behind a summary row,
 * which is dropped when it reaches 0, so a summary row exists exactly when
 * a snapshot row does. Existing rows are summed in at migration. */
#define HUB_DB_DAY_KEY_OLD                                                \
    "day = old.day AND unit = old.unit"                                   \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_MONTH_KEY_NEW                                              \
    "substr(new.day, 1, 7), new.unit, new.field, new.instrument"
#define HUB_DB_MONTH_KEY_OLD                                              \
    "month = substr(old.day, 1, 7) AND unit = old.unit"                   \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_STAFF_KEY_OLD                                              \
    "unit = old.unit AND month = substr(old.day, 1, 7)"                   \
    " AND counter = old.counter AND officer = old.officer"                \
    " AND field = old.field AND instrument = old.instrument"
#define HUB_DB_ANSWER_KEY_OLD                                             \
    " AND question = old.question AND element = old.element"              \
    " AND answer = old.answer"
#define HUB_DB_RESP_ADD                                                   \
    "INSERT INTO stat_day_responses(day, unit, field, instrument,"        \
    " complete, partial, suppressed, rows) SELECT new.day, new.unit,"     \
    " new.field, new.instrument, new.complete, new.partial,"              \
    " new.suppressed, 1 WHERE 1"                                          \
    " ON CONFLICT(day, unit, field, instrument) DO UPDATE SET"            \
    " complete = complete + excluded.complete,"                           \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"    \
    "INSERT INTO stat_month_responses(month, unit, field, instrument,"    \
    " complete, partial, suppressed, rows) SELECT " HUB_DB_MONTH_KEY_NEW  \
    ", new.complete, new.partial, new.suppressed, 1 WHERE 1"              \
    " ON CONFLICT(month, unit, field, instrument) DO UPDATE SET"          \
    " complete = complete + excluded.complete,"                           \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"    \
    "INSERT INTO stat_staff_responses(unit, month, counter, officer,"     \
    " field, instrument, complete, partial, suppressed, rows)"            \
    " SELECT new.unit, substr(new.day, 1, 7), new.counter, new.officer,"  \
    " new.field, new.instrument, new.complete, new.partial,"              \
    " new.suppressed, 1 WHERE 1"                                          \
    " ON CONFLICT(unit, month, counter, officer, field, instrument)"      \
    " DO UPDATE SET complete = complete + excluded.complete,"             \
    " partial = partial + excluded.partial,"                              \
    " suppressed = suppressed + excluded.suppressed, rows = rows + 1;"
#define HUB_DB_RESP_DROP                                                  \
    "UPDATE stat_day_responses SET complete = complete - old.complete,"   \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_DAY_KEY_OLD ";"                                      \
    "UPDATE stat_month_responses SET complete = complete - old.complete," \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_MONTH_KEY_OLD ";"                                    \
    "UPDATE stat_staff_responses SET complete = complete - old.complete," \
    " partial = partial - old.partial,"                                   \
    " suppressed = suppressed - old.suppressed, rows = rows - 1"          \
    " WHERE " HUB_DB_STAFF_KEY_OLD ";"
#define HUB_DB_ANS_ADD                                                    \
    "INSERT INTO stat_day_answers(day, unit, field, instrument, question," \
    " element, answer, n, rows) SELECT new.day, new.unit, new.field,"     \
    " new.instrument, new.question, new.element, new.answer, new.n, 1"    \
    " WHERE new.partial = 0 ON CONFLICT(day, unit, field, instrument,"    \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " rows = rows + 1;"                                                   \
    "INSERT INTO stat_month_answers(month, unit, field, instrument,"      \
    " question, element, answer, n, rows) SELECT " HUB_DB_MONTH_KEY_NEW   \
    ", new.question, new.element, new.answer, new.n, 1"                   \
    " WHERE new.partial = 0 ON CONFLICT(month, unit, field, instrument,"  \
    " question, element, answer) DO UPDATE SET n = n + excluded.n,"       \
    " rows = rows + 1;"                                                   \
    "INSERT INTO stat_staff_answers(unit, month, counter, officer, field," \
    " instrument, question, element, answer, n, rows) SELECT new.unit,"   \
    " substr(new.day, 1, 7), new.counter, new.officer, new.field,"        \
    " new.instrument, new.question, new.element, new.answer, new.n, 1"    \
    " WHERE new.partial = 0 ON CONFLICT(unit, month, counter, officer,"   \
    " field, instrument, question, element, answer) DO UPDATE SET"        \
    " n = n + excluded.n, rows = rows + 1;"
#define HUB_DB_ANS_DROP                                                   \
    "UPDATE stat_day_answers SET n = n - old.n, rows = rows - 1"          \
    " WHERE old.partial = 0 AND " HUB_DB_DAY_KEY_OLD                      \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_month_answers SET n = n - old.n, rows = rows - 1"        \
    " WHERE old.partial = 0 AND " HUB_DB_MONTH_KEY_OLD                    \
    HUB_DB_ANSWER_KEY_OLD ";"                                             \
    "UPDATE stat_staff_answers SET n = n - old.n, rows = rows - 1"        \
    " WHERE old.partial = 0 AND " HUB_DB_STAFF_KEY_OLD                    \
    HUB_DB_ANSWER_KEY_OLD ";"

/* A summary row goes when its last snapshot row goes: a trigger on the
 * summary itself, so the common case (rows still above 0) costs no
 * second lookup. */
#define HUB_DB_GONE(table, key)                                           \
    "CREATE TRIGGER " table "_gone AFTER UPDATE OF rows ON " table        \
    " WHEN new.rows <= 0 BEGIN DELETE FROM " table " WHERE " key "; END;"
#define HUB_DB_KEY_NEW(first)                                             \
    first " AND unit = new.unit AND field = new.field"                    \
    " AND instrument = new.instrument"
#define HUB_DB_STAFF_KEY_NEW                                              \
    "unit = new.unit AND month = new.month AND counter = new.counter"     \
    " AND officer = new.officer AND field = new.field"                    \
    " AND instrument = new.instrument"
#define HUB_DB_ANSWER_KEY_NEW                                             \
    " AND question = new.question AND element = new.element"              \
    " AND answer = new.answer"

static const char hub_db_schema_v2[] =
    "ALTER TABLE units ADD COLUMN merged_into TEXT REFERENCES units(code);"
    "ALTER TABLE units ADD COLUMN merged_from TEXT;"
    "CREATE TABLE unit_changes("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL REFERENCES units(code),"
    " kind TEXT NOT NULL CHECK(kind IN ('rename', 'move', 'merge')),"
    " valid_from TEXT NOT NULL,"
    " old_value TEXT NOT NULL,"
    " new_value TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX unit_changes_code ON unit_changes(code, valid_from, id);"
    "CREATE TABLE stat_day_responses("
    " day TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(day, unit, field, instrument)) WITHOUT ROWID;"
    "CREATE TABLE stat_day_answers("
    " day TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, question TEXT NOT NULL,"
    " element TEXT NOT NULL, answer TEXT NOT NULL, n INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(day, unit, field, instrument, question, element,"
    " answer)) WITHOUT ROWID;"
    "CREATE TABLE stat_month_responses("
    " month TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, complete INTEGER NOT NULL,"
    " partial INTEGER NOT NULL, suppressed INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(month, unit, field, instrument)) WITHOUT ROWID;"
    "CREATE TABLE stat_month_answers("
    " month TEXT NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL,"
    " instrument TEXT NOT NULL, question TEXT NOT NULL,"
    " element TEXT NOT NULL, answer TEXT NOT NULL, n INTEGER NOT NULL,"
    " rows INTEGER NOT NULL,"
    " PRIMARY KEY(month, unit, field, instrument, question, element,"
    " answer)) WITHOUT ROWID;"
    "CREATE TABLE stat_staff_responses("
    " unit TEXT NOT NULL, month TEXT NOT NULL, counter TEXT NOT NULL,"
    " officer TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
    " complete INTEGER NOT NULL, partial INTEGER NOT NULL,"
    " suppressed INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(unit, month, counter, officer, field, instrument))"
    " WITHOUT ROWID;"
    "CREATE TABLE stat_staff_answers("
    " unit TEXT NOT NULL, month TEXT NOT NULL, counter TEXT NOT NULL,"
    " officer TEXT NOT NULL, field TEXT NOT NULL, instrument TEXT NOT NULL,"
    " question TEXT NOT NULL, element TEXT NOT NULL, answer TEXT NOT NULL,"
    " n INTEGER NOT NULL, rows INTEGER NOT NULL,"
    " PRIMARY KEY(unit, month, counter, officer, field, instrument,"
    " question, element, answer)) WITHOUT ROWID;"
    HUB_DB_GONE("stat_day_responses", HUB_DB_KEY_NEW("day = new.day"))
    HUB_DB_GONE("stat_month_responses", HUB_DB_KEY_NEW("month = new.month"))
    HUB_DB_GONE("stat_staff_responses", HUB_DB_STAFF_KEY_NEW)
    HUB_DB_GONE("stat_day_answers",
                HUB_DB_KEY_NEW("day = new.day") HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_GONE("stat_month_answers",
                HUB_DB_KEY_NEW("month = new.month") HUB_DB_ANSWER_KEY_NEW)
    HUB_DB_GONE("stat_staff_answers",
                HUB_DB_STAFF_KEY_NEW HUB_DB_ANSWER_KEY_NEW)
    "CREATE TRIGGER stat_responses_add AFTER INSERT ON day_responses"
    " BEGIN " HUB_DB_RESP_ADD " END;"
    "CREATE TRIGGER stat_responses_drop AFTER DELETE ON day_responses"
    " BEGIN " HUB_DB_RESP_DROP " END;"
    "CREATE TRIGGER stat_responses_change AFTER UPDATE ON day_responses"
    " BEGIN " HUB_DB_RESP_DROP HUB_DB_RESP_ADD " END;"
    "CREATE TRIGGER stat_answers_add AFTER INSERT ON day_answers"
    " BEGIN " HUB_DB_ANS_ADD " END;"
    "CREATE TRIGGER stat_answers_drop AFTER DELETE ON day_answers"
    " BEGIN " HUB_DB_ANS_DROP " END;"
    "CREATE TRIGGER stat_answers_change AFTER UPDATE ON day_answers"
    " BEGIN " HUB_DB_ANS_DROP HUB_DB_ANS_ADD " END;"
    "INSERT INTO stat_day_responses SELECT day, unit, field, instrument,"
    " sum(complete), sum(partial), sum(suppressed), count(*)"
    " FROM day_responses GROUP BY 1, 2, 3, 4;"
    "INSERT INTO stat_day_answers SELECT day, unit, field, instrument,"
    " question, element, answer, sum(n), count(*) FROM day_answers"
    " WHERE partial = 0 GROUP BY 1, 2, 3, 4, 5, 6, 7;"
    "INSERT INTO stat_month_responses SELECT substr(day, 1, 7), unit,"
    " field, instrument, sum(complete), sum(partial), sum(suppressed),"
    " count(*) FROM day_responses GROUP BY 1, 2, 3, 4;"
    "INSERT INTO stat_staff_responses SELECT unit, substr(day, 1, 7),"
    " counter, officer, field, instrument, sum(complete), sum(partial),"
    " sum(suppressed), count(*) FROM day_responses"
    " GROUP BY 1, 2, 3, 4, 5, 6;"
    "INSERT INTO stat_month_answers SELECT substr(day, 1, 7), unit, field,"
    " instrument, question, element, answer, sum(n), count(*)"
    " FROM day_answers WHERE partial = 0 GROUP BY 1, 2, 3, 4, 5, 6, 7;"
    "INSERT INTO stat_staff_answers SELECT unit, substr(day, 1, 7),"
    " counter, officer, field, instrument, question, element, answer,"
    " sum(n), count(*) FROM day_answers WHERE partial = 0"
    " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;";

/* Applied in order, each with its PRAGMA user_version bump in one
 * transaction. A later version appends an entry, never edits one. */
static const char *const hub_db_migrations[] = {
    hub_db_schema_v1,
    hub_db_schema_v2,
};

#define HUB_DB_SCHEMA_VERSION \
    ((int)(sizeof(hub_db_migrations) / sizeof(hub_db_migrations[0])))

typedef struct hub_db_cached {
    const char *sql;
    sqlite3_stmt *st;
} hub_db_cached_t;

struct hub_db {
    sqlite3 *db;
    pthread_mutex_t mutex;
    int lock_fd; /* the advisory lock file, held during write transactions */
    int holds_flock;
    char path[HUB_DB_PATH_MAX];
    hub_db_cached_t stmts[HUB_DB_STMT_MAX];
    int n_stmts;
    char err[HUB_DB_ERR_MAX];
};

/* A failed open has no handle to keep its reason. */
static _Thread_local char hub_db_open_failure[HUB_DB_ERR_MAX];

static const char hub_db_sql_audit[] =
    "INSERT INTO audit(at, actor, action, detail) VALUES(?1, ?2, ?3, ?4)";
static const char hub_db_sql_ping[] = "SELECT 1";
static const char hub_db_sql_each_audit[] =
    "SELECT id, at, actor, action, detail FROM"
    " (SELECT * FROM audit ORDER BY id DESC LIMIT ?1) ORDER BY id";
static const char hub_db_sql_begin_write[] = "BEGIN IMMEDIATE";
static const char hub_db_sql_begin_read[] = "BEGIN";
static const char hub_db_sql_commit[] = "COMMIT";
static const char hub_db_sql_rollback[] = "ROLLBACK";

/* ---- errors ------------------------------------------------------------ */

static void hub_db_set_error(hub_db_t *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void hub_db_set_error(hub_db_t *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(db->err, sizeof(db->err), fmt, ap);
    va_end(ap);
}

const char *hub_db_open_error(void)
{
    return hub_db_open_failure;
}

const char *hub_db_last_error(const hub_db_t *db)
{
    return db ? db->err : hub_db_open_failure;
}

sqlite3 *hub_db_handle(hub_db_t *db)
{
    return db->db;
}

int hub_db_schema_version(void)
{
    return HUB_DB_SCHEMA_VERSION;
}

int hub_db_fail(hub_db_t *db, int sqlite_rc, const char *what)
{
    int prim = sqlite_rc & 0xff;

    hub_db_set_error(db, "%s: %s", what,
                     db->db ? sqlite3_errmsg(db->db) : sqlite3_errstr(prim));
    if (prim == SQLITE_FULL)
        return HUB_FULL;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return HUB_BUSY;
    if (prim == SQLITE_CONSTRAINT)
        return HUB_EXISTS;
    return HUB_ERROR;
}

/* ---- statements -------------------------------------------------------- */

sqlite3_stmt *hub_db_stmt(hub_db_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int i, rc;

    for (i = 0; i < db->n_stmts; i++)
        if (db->stmts[i].sql == sql)
            return db->stmts[i].st;
    if (db->n_stmts >= HUB_DB_STMT_MAX) {
        hub_db_set_error(db, "statement cache full (%d)", HUB_DB_STMT_MAX);
        return NULL;
    }
    rc = sqlite3_prepare_v3(db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        (void)hub_db_fail(db, rc, "prepare");
        /* prepare leaves st NULL on failure; nothing to finalize. */
        return NULL;
    }
    db->stmts[db->n_stmts].sql = sql;
    db->stmts[db->n_stmts].st = st;
    db->n_stmts++;
    return st;
}

void hub_db_release(sqlite3_stmt *st)
{
    /* reset returns the last step's error, which the caller has already
     * handled; clearing bindings cannot fail on a valid statement. */
    (void)sqlite3_reset(st);
    (void)sqlite3_clear_bindings(st);
}

void hub_db_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc != SQLITE_OK)
        return;
    *rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
            : sqlite3_bind_null(st, i);
}

void hub_db_bind_int64(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

void hub_db_bind_blob(sqlite3_stmt *st, int i, const void *v, int len,
                      int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_blob(st, i, v, len, SQLITE_STATIC);
}

const char *hub_db_column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

int hub_db_run(hub_db_t *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
    int rc = bind_rc;

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE || rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        rc = hub_db_fail(db, rc, what);
    hub_db_release(st);
    return rc;
}

int hub_db_next(hub_db_t *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        return HUB_OK;
    rc = rc == SQLITE_DONE ? HUB_NOT_FOUND : hub_db_fail(db, rc, what);
    hub_db_release(st);
    return rc;
}

int hub_db_find_digest(hub_db_t *db, const char *sql,
                       const unsigned char *hash, const char *what,
                       sqlite3_stmt **out)
{
    sqlite3_stmt *st = hub_db_stmt(db, sql);
    int rc = SQLITE_OK;

    *out = NULL;
    if (!st)
        return HUB_ERROR;
    hub_db_bind_blob(st, 1, hash, HUB_SHA256_LEN, &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, what);
    }
    rc = hub_db_next(db, st, what);
    if (rc == HUB_OK)
        *out = st;
    return rc;
}

int hub_db_column_digest_equal(sqlite3_stmt *st, int i,
                               const unsigned char *hash)
{
    const void *blob = sqlite3_column_blob(st, i);

    return blob && sqlite3_column_bytes(st, i) == HUB_SHA256_LEN &&
           hub_crypto_equal(blob, hash, HUB_SHA256_LEN);
}

static int hub_db_run_sql(hub_db_t *db, const char *sql)
{
    sqlite3_stmt *st = hub_db_stmt(db, sql);

    if (!st)
        return HUB_ERROR;
    return hub_db_run(db, st, SQLITE_OK, sql);
}

/* ---- locking ----------------------------------------------------------- */

void hub_db_lock(hub_db_t *db)
{
    /* Only fails on a programming error (an uninitialised or re-locked
     * default mutex); nothing sensible can continue then. */
    if (pthread_mutex_lock(&db->mutex) != 0)
        abort();
}

void hub_db_unlock(hub_db_t *db)
{
    if (pthread_mutex_unlock(&db->mutex) != 0)
        abort();
}

/* The advisory lock waits as long as SQLite's busy timeout would, then
 * gives up with "busy" rather than hang a request thread. */
static int hub_db_take_flock(hub_db_t *db)
{
    struct timespec pause = {0, HUB_DB_LOCK_POLL_MS * 1000000L};
    int waited = 0;

    while (flock(db->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            hub_db_set_error(db, "cannot lock %s%s: %s", db->path,
                             HUB_DB_LOCK_SUFFIX, strerror(errno));
            return HUB_ERROR;
        }
        if (waited >= HUB_DB_BUSY_TIMEOUT_MS) {
            hub_db_set_error(db, "%s is locked by another sipas-hub process",
                             db->path);
            return HUB_BUSY;
        }
        /* An interrupted pause only shortens one poll. */
        (void)nanosleep(&pause, NULL);
        waited += HUB_DB_LOCK_POLL_MS;
    }
    db->holds_flock = 1;
    return HUB_OK;
}

static void hub_db_drop_flock(hub_db_t *db)
{
    if (!db->holds_flock)
        return;
    /* Unlocking our own lock cannot fail on a valid descriptor; the
     * kernel drops it at close or exit in any case. */
    (void)flock(db->lock_fd, LOCK_UN);
    db->holds_flock = 0;
}

int hub_db_begin_write(hub_db_t *db)
{
    int rc = hub_db_take_flock(db);

    if (rc != HUB_OK)
        return rc;
    rc = hub_db_run_sql(db, hub_db_sql_begin_write);
    if (rc != HUB_OK)
        hub_db_drop_flock(db);
    return rc;
}

int hub_db_commit(hub_db_t *db)
{
    int rc = hub_db_run_sql(db, hub_db_sql_commit);

    /* A failed COMMIT (disk full at the last moment) leaves the
     * transaction open; roll it back so the next request starts clean. */
    if (rc != HUB_OK)
        hub_db_rollback(db);
    hub_db_drop_flock(db);
    return rc;
}

void hub_db_rollback(hub_db_t *db)
{
    char keep[HUB_DB_ERR_MAX];

    /* SQLite may already have rolled back on its own (SQLITE_FULL does);
     * the reason for the failure is worth more than the rollback's. */
    if (!sqlite3_get_autocommit(db->db)) {
        snprintf(keep, sizeof(keep), "%s", db->err);
        if (hub_db_run_sql(db, hub_db_sql_rollback) == HUB_OK)
            snprintf(db->err, sizeof(db->err), "%s", keep);
    }
    hub_db_drop_flock(db);
}

int hub_db_begin_read(hub_db_t *db)
{
    return hub_db_run_sql(db, hub_db_sql_begin_read);
}

void hub_db_end_read(hub_db_t *db)
{
    /* A read transaction has nothing to lose: COMMIT only ends it. */
    if (!sqlite3_get_autocommit(db->db) &&
        hub_db_run_sql(db, hub_db_sql_commit) != HUB_OK)
        hub_db_rollback(db);
}

/* ---- one-off queries at open ----------------------------------------- */

static int hub_db_exec(hub_db_t *db, const char *sql)
{
    int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? HUB_OK : hub_db_fail(db, rc, sql);
}

static int hub_db_query_text(hub_db_t *db, const char *sql, char *buf,
                             size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc;

    buf[0] = '\0';
    rc = sqlite3_prepare_v2(db->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            snprintf(buf, cap, "%s", hub_db_column_text(st, 0));
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        rc = hub_db_fail(db, rc, sql);
    /* finalize repeats the step's error, handled above. */
    (void)sqlite3_finalize(st);
    return rc;
}

static int hub_db_query_int(hub_db_t *db, const char *sql, int64_t *v)
{
    char buf[32];
    int rc = hub_db_query_text(db, sql, buf, sizeof(buf));

    if (rc == HUB_OK)
        *v = strtoll(buf, NULL, 10);
    return rc;
}

/* ---- open and close ---------------------------------------------------- */

static int hub_db_fail_open(hub_db_t *db, int rc)
{
    snprintf(hub_db_open_failure, sizeof(hub_db_open_failure), "%s",
             db->err);
    hub_db_close(db);
    return rc;
}

/* The database holds digests of every secret and the province's ratings:
 * readable by the hub's user only, and SQLite gives the -wal and -shm
 * files the same mode. */
static int hub_db_create_file(hub_db_t *db)
{
    int fd = open(db->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        hub_db_set_error(db, "cannot create %s: %s", db->path,
                         strerror(errno));
        return HUB_ERROR;
    }
    if (close(fd) != 0) {
        hub_db_set_error(db, "cannot create %s: %s", db->path,
                         strerror(errno));
        return HUB_ERROR;
    }
    return HUB_OK;
}

static int hub_db_open_lock_file(hub_db_t *db)
{
    char lock_path[HUB_DB_PATH_MAX + sizeof(HUB_DB_LOCK_SUFFIX)];

    snprintf(lock_path, sizeof(lock_path), "%s%s", db->path,
             HUB_DB_LOCK_SUFFIX);
    db->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (db->lock_fd < 0) {
        hub_db_set_error(db, "cannot open %s: %s", lock_path,
                         strerror(errno));
        return HUB_ERROR;
    }
    return HUB_OK;
}

static int hub_db_set_pragmas(hub_db_t *db)
{
    char mode[16];
    int rc;

    rc = hub_db_exec(db, "PRAGMA foreign_keys=ON");
    if (rc == HUB_OK)
        rc = hub_db_query_text(db, "PRAGMA journal_mode=WAL", mode,
                               sizeof(mode));
    if (rc != HUB_OK)
        return rc;
    if (strcmp(mode, "wal") != 0) {
        hub_db_set_error(db, "%s: WAL journal refused (got \"%s\")",
                         db->path, mode);
        return HUB_ERROR;
    }
    /* NORMAL can lose acknowledged transactions on power loss. */
    rc = hub_db_exec(db, "PRAGMA synchronous=FULL");
    /* Statistics read the summaries (tens of MiB for a province-year)
     * again and again: keep them in the connection's own cache rather
     * than copying them from the OS on every request. */
    if (rc == HUB_OK)
        rc = hub_db_exec(db, "PRAGMA cache_size=-" HUB_DB_CACHE_KIB);
    return rc;
}

static int hub_db_check(hub_db_t *db)
{
    char result[256];
    char *nl;
    int rc = hub_db_query_text(db, "PRAGMA quick_check", result,
                               sizeof(result));

    if (rc != HUB_OK)
        return rc;
    nl = strchr(result, '\n');
    if (nl)
        *nl = '\0';
    if (strcmp(result, "ok") != 0) {
        hub_db_set_error(db, "%s is damaged (quick_check: %s); restore it"
                         " from a backup", db->path, result);
        return HUB_ERROR;
    }
    return HUB_OK;
}

/* One migration step; the version is read inside the transaction so two
 * processes opening a fresh file never both apply the same step. */
static int hub_db_migrate_step(hub_db_t *db, int *done)
{
    char sql[64];
    int64_t version = 0;
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_db_query_int(db, "PRAGMA user_version", &version);
    if (rc == HUB_OK && version > HUB_DB_SCHEMA_VERSION) {
        hub_db_set_error(db, "%s has schema version %lld, newer than this"
                         " program's %d", db->path, (long long)version,
                         HUB_DB_SCHEMA_VERSION);
        rc = HUB_ERROR;
    }
    if (rc == HUB_OK && version < HUB_DB_SCHEMA_VERSION) {
        rc = hub_db_exec(db, hub_db_migrations[version]);
        snprintf(sql, sizeof(sql), "PRAGMA user_version=%lld",
                 (long long)version + 1);
        if (rc == HUB_OK)
            rc = hub_db_exec(db, sql);
    }
    if (rc != HUB_OK) {
        hub_db_rollback(db);
        return rc;
    }
    *done = version >= HUB_DB_SCHEMA_VERSION;
    return hub_db_commit(db);
}

static int hub_db_migrate(hub_db_t *db)
{
    int done = 0, rc = HUB_OK;

    while (rc == HUB_OK && !done)
        rc = hub_db_migrate_step(db, &done);
    return rc;
}

/* The cap goes on after the schema exists, so a tiny cap still leaves a
 * usable (if full) database. SQLite never lowers the limit below the
 * current size. */
static int hub_db_apply_cap(hub_db_t *db, int64_t max_kb)
{
    int64_t page_size = 0, pages;
    char sql[64];
    int rc;

    if (max_kb <= 0)
        return HUB_OK;
    rc = hub_db_query_int(db, "PRAGMA page_size", &page_size);
    if (rc != HUB_OK)
        return rc;
    if (page_size <= 0) {
        hub_db_set_error(db, "%s: no page size", db->path);
        return HUB_ERROR;
    }
    pages = max_kb * 1024 / page_size;
    if (pages < 1)
        pages = 1; /* 0 would mean "ask, do not set" */
    snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%lld",
             (long long)pages);
    return hub_db_query_int(db, sql, &pages);
}

static int hub_db_connect(hub_db_t *db, const hub_db_options_t *opt)
{
    int rc;

    if (access(db->path, F_OK) != 0) {
        if (!opt->create) {
            hub_db_set_error(db, "no hub database at %s", db->path);
            return HUB_NOT_FOUND;
        }
        rc = hub_db_create_file(db);
        if (rc != HUB_OK)
            return rc;
    }
    rc = hub_db_open_lock_file(db);
    if (rc != HUB_OK)
        return rc;
    /* NOMUTEX: the hub's own mutex already serialises every use. */
    rc = sqlite3_open_v2(db->path, &db->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK)
        return hub_db_fail(db, rc, db->path);
    rc = sqlite3_busy_timeout(db->db, HUB_DB_BUSY_TIMEOUT_MS);
    if (rc != SQLITE_OK)
        return hub_db_fail(db, rc, "busy_timeout");
    if (opt->check) {
        rc = hub_db_check(db);
        if (rc != HUB_OK)
            return rc;
    }
    rc = hub_db_set_pragmas(db);
    if (rc == HUB_OK)
        rc = hub_db_migrate(db);
    if (rc == HUB_OK)
        rc = hub_db_apply_cap(db, opt->max_kb);
    return rc;
}

int hub_db_open(const char *path, const hub_db_options_t *opt,
                hub_db_t **out)
{
    hub_db_options_t none = {0, 0, 0};
    hub_db_t *db;
    int rc;

    *out = NULL;
    if (!opt)
        opt = &none;
    if (!path || !path[0] || strlen(path) >= HUB_DB_PATH_MAX) {
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "bad database path");
        return HUB_ERROR;
    }
    db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "out of memory");
        return HUB_ERROR;
    }
    db->lock_fd = -1;
    snprintf(db->path, sizeof(db->path), "%s", path);
    if (pthread_mutex_init(&db->mutex, NULL) != 0) {
        free(db);
        snprintf(hub_db_open_failure, sizeof(hub_db_open_failure),
                 "cannot create a mutex");
        return HUB_ERROR;
    }
    rc = hub_db_connect(db, opt);
    if (rc != HUB_OK)
        return hub_db_fail_open(db, rc);
    *out = db;
    return HUB_OK;
}

void hub_db_close(hub_db_t *db)
{
    int i, locked;

    if (!db)
        return;
    for (i = 0; i < db->n_stmts; i++)
        (void)sqlite3_finalize(db->stmts[i].st); /* errors seen at step */
    /* The last connection to close checkpoints the WAL into the file:
     * that is a write, so it takes the advisory lock like any other. */
    locked = db->lock_fd >= 0 && hub_db_take_flock(db) == HUB_OK;
    /* Every statement is finalized, so close_v2 closes now. */
    (void)sqlite3_close_v2(db->db);
    if (locked)
        hub_db_drop_flock(db);
    if (db->lock_fd >= 0)
        (void)close(db->lock_fd); /* only a lock file, nothing to flush */
    (void)pthread_mutex_destroy(&db->mutex);
    free(db);
}

/* ---- small shared queries ------------------------------------------- */

int hub_db_audit(hub_db_t *db, int64_t at_ms, const char *actor,
                 const char *action, const char *detail)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_db_sql_audit);
    int rc = SQLITE_OK;

    if (!st)
        return HUB_ERROR;
    hub_db_bind_int64(st, 1, at_ms, &rc);
    hub_db_bind_text(st, 2, actor, &rc);
    hub_db_bind_text(st, 3, action, &rc);
    hub_db_bind_text(st, 4, detail ? detail : "", &rc);
    return hub_db_run(db, st, rc, "audit");
}

int hub_db_each_audit(hub_db_t *db, int limit,
                      int (*fn)(void *ctx, const hub_audit_row_t *row),
                      void *ctx)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_db_sql_each_audit);
    hub_audit_row_t row;
    int rc = SQLITE_OK, stop;

    if (!st)
        return HUB_ERROR;
    hub_db_bind_int64(st, 1, limit, &rc);
    if (rc != SQLITE_OK) {
        hub_db_release(st);
        return hub_db_fail(db, rc, "audit list");
    }
    while ((rc = hub_db_next(db, st, "audit list")) == HUB_OK) {
        row.id = sqlite3_column_int64(st, 0);
        row.at_ms = sqlite3_column_int64(st, 1);
        row.actor = hub_db_column_text(st, 2);
        row.action = hub_db_column_text(st, 3);
        row.detail = hub_db_column_text(st, 4);
        stop = fn(ctx, &row);
        if (stop) {
            hub_db_release(st);
            return stop;
        }
    }
    return rc == HUB_NOT_FOUND ? HUB_OK : rc;
}

int hub_db_ping(hub_db_t *db)
{
    sqlite3_stmt *st = hub_db_stmt(db, hub_db_sql_ping);
    int rc, one;

    if (!st)
        return HUB_ERROR;
    rc = hub_db_next(db, st, "ping");
    if (rc != HUB_OK)
        return rc == HUB_NOT_FOUND ? HUB_ERROR : rc;
    one = sqlite3_column_int(st, 0);
    hub_db_release(st);
    return one == 1 ? HUB_OK : HUB_ERROR;
}
