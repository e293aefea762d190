#include "syncdb.h"

#include "core/hubtext.h"
#include "db/sqldb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYNCDB_BUSY_TIMEOUT_MS 5000
#define SYNCDB_LOCK_POLL_MS 50
#define SYNCDB_ASIDE_TRIES 100

struct syncdb {
    sqldb_t sql; /* names sync.db and keeps its error text */
    int readonly;
    int checked; /* quick_check passed (at open, for the writer) */
};

/* Version 1 as first written: its table name keeps the old spelling,
 * which version 2 renames. */
static const char syncdb_schema[] =
    "CREATE TABLE enrolment("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " hub_url TEXT NOT NULL, ca_file TEXT NOT NULL, pin TEXT NOT NULL,"
    " install_id TEXT NOT NULL, secret TEXT NOT NULL,"
    " unit_code TEXT NOT NULL, unit_name TEXT NOT NULL,"
    " counter TEXT NOT NULL, enrolled_at INTEGER NOT NULL);"
    "CREATE TABLE progress("
    " id INTEGER PRIMARY KEY CHECK (id = 1),"
    " acked_seq INTEGER NOT NULL DEFAULT 0,"
    " last_attempt INTEGER NOT NULL DEFAULT 0,"
    " last_ok INTEGER NOT NULL DEFAULT 0,"
    " last_error_at INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '',"
    " failures INTEGER NOT NULL DEFAULT 0,"
    " blocked INTEGER NOT NULL DEFAULT 0,"
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " pending INTEGER NOT NULL DEFAULT 0,"
    " hub_time INTEGER NOT NULL DEFAULT 0,"
    " hub_offset INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO progress(id) VALUES (1);"
    "CREATE TABLE days("
    " day TEXT PRIMARY KEY,"
    " upto_seq INTEGER NOT NULL,"
    " snapshot TEXT NOT NULL,"
    " acked_at INTEGER NOT NULL);"
    "CREATE TABLE anchors("
    " boot_id TEXT PRIMARY KEY,"
    " known INTEGER NOT NULL,"
    " wall_minus_boot INTEGER NOT NULL,"
    " source TEXT NOT NULL,"
    " learned_at INTEGER NOT NULL);";

/* Applied in order, each with its user_version bump in one transaction; a
 * later version appends an entry, never edits one. */
static const sqldb_migration_t syncdb_migrations[] = {
    {syncdb_schema, NULL},
    {"ALTER TABLE enrolment RENAME TO enrollment;", NULL},
};

#define SYNCDB_SCHEMA_VERSION \
    ((int)(sizeof(syncdb_migrations) / sizeof(syncdb_migrations[0])))

/* The writer: WAL and synchronous=FULL. NORMAL could lose an
 * acknowledgement on power loss, and then the upload would only be
 * repeated - but a lost enrollment could not. The file holds the secret. */
static const sqldb_options_t syncdb_rw_options = {
    .create = SQLDB_CREATE_PRIVATE,
    .busy_timeout_ms = SYNCDB_BUSY_TIMEOUT_MS,
    /* A damaged file must not be written over, nor read as "not
     * enrolled". The check reads the whole file, which grows with every
     * acknowledged day: SYNCDB_CACHE_KIB keeps what it leaves cached
     * small. */
    .quick_check = 1,
    .wal = 1,
    .synchronous_full = 1,
    .cache_kib = SYNCDB_CACHE_KIB,
};

static const sqldb_options_t syncdb_ro_options = {
    .readonly = 1,
    .busy_timeout_ms = SYNCDB_BUSY_TIMEOUT_MS,
    .cache_kib = SYNCDB_CACHE_KIB,
};

/* ---- errors ----------------------------------------------------------- */

static int syncdb_rc(int sqlite_rc)
{
    return sqlite_rc == SQLITE_OK ? SYNCDB_OK : SYNCDB_ERROR;
}

const char *syncdb_last_error(const syncdb_t *db)
{
    return db ? sqldb_last_error(&db->sql) : "no sync database";
}

/* ---- open ------------------------------------------------------------- */

int syncdb_open(const char *dir, int readonly, syncdb_t **out, char *err,
                size_t cap)
{
    char path[SYNCDB_PATH_MAX + 16];
    struct stat st;
    syncdb_t *db;
    int rc;

    if (!out || !dir || !dir[0]) {
        snprintf(err, cap, "no data directory given");
        return SYNCDB_ERROR;
    }
    *out = NULL;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SYNCDB_NAME) >=
        sizeof(path)) {
        snprintf(err, cap, "data directory path too long");
        return SYNCDB_ERROR;
    }
    if (readonly && stat(path, &st) != 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return errno == ENOENT || errno == ENOTDIR ? SYNCDB_MISSING
                                                   : SYNCDB_ERROR;
    }
    db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(err, cap, "out of memory");
        return SYNCDB_ERROR;
    }
    db->readonly = readonly;
    rc = sqldb_init(&db->sql, path);
    if (rc == SQLITE_OK)
        rc = sqldb_open(&db->sql,
                        readonly ? &syncdb_ro_options : &syncdb_rw_options,
                        NULL, 0);
    if (rc == SQLITE_OK && !readonly)
        rc = sqldb_migrate(&db->sql, syncdb_migrations,
                           SYNCDB_SCHEMA_VERSION, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s", sqldb_last_error(&db->sql));
        syncdb_close(db);
        return sqldb_is_damage(rc) ? SYNCDB_DAMAGED : SYNCDB_ERROR;
    }
    db->checked = !readonly;
    *out = db;
    return SYNCDB_OK;
}

/* enum store_medium has sqldb's values (checked in store.c). */
int syncdb_medium(const syncdb_t *db)
{
    return db ? sqldb_medium(&db->sql) : SQLDB_MEDIUM_WRITABLE;
}

void syncdb_close(syncdb_t *db)
{
    if (!db)
        return;
    sqldb_close(&db->sql);
    free(db);
}

/* ---- enrollment ------------------------------------------------------- */

/* The file's schema version into *version, or a SYNCDB_ code. A
 * read-only handle on a file with no tables yet (0) is "not enrolled"; a
 * read-only handle was never checked at open, so it is checked here: a
 * damaged file can still have a readable header. */
static int syncdb_get_version(syncdb_t *db, int *version)
{
    char check[SYNCDB_ERROR_MAX];
    int64_t v = 0;
    int rc;

    *version = 0;
    rc = sqldb_query_int(&db->sql, "PRAGMA user_version", &v);
    if (rc == SQLITE_OK && !db->checked) {
        rc = sqldb_check(&db->sql, "quick_check", check, sizeof(check));
        if (rc == SQLITE_OK && strcmp(check, "ok") != 0) {
            sqldb_set_error(&db->sql, "%s: quick_check: %s",
                            db->sql.path, check);
            rc = SQLITE_CORRUPT;
        }
        db->checked = rc == SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        return sqldb_is_damage(rc) ? SYNCDB_DAMAGED : SYNCDB_ERROR;
    *version = v > SYNCDB_SCHEMA_VERSION ? SYNCDB_SCHEMA_VERSION : (int)v;
    return SYNCDB_OK;
}

#define SYNCDB_ENROLLMENT_COLUMNS                                         \
    "SELECT hub_url, ca_file, pin, install_id, secret, unit_code,"        \
    " unit_name, counter, enrolled_at"
static const char syncdb_sql_read_enrollment[] =
    SYNCDB_ENROLLMENT_COLUMNS " FROM enrollment WHERE id = 1";
/* A version-1 file, read by sipasctl before an upgraded kiosk has opened
 * it for writing and so migrated it. */
static const char syncdb_sql_read_enrollment_v1[] =
    SYNCDB_ENROLLMENT_COLUMNS " FROM enrolment WHERE id = 1";

int syncdb_get_enrollment(syncdb_t *db, syncdb_enrollment_t *e)
{
    sqlite3_stmt *st;
    int rc, version;

    memset(e, 0, sizeof(*e));
    rc = syncdb_get_version(db, &version);
    if (rc != SYNCDB_OK)
        return rc;
    if (version == 0)
        return 0;
    st = sqldb_stmt(&db->sql, version == 1 ? syncdb_sql_read_enrollment_v1
                                           : syncdb_sql_read_enrollment);
    if (!st)
        return SYNCDB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        sqldb_column_copy(st, 0, e->hub_url, sizeof(e->hub_url));
        sqldb_column_copy(st, 1, e->ca_file, sizeof(e->ca_file));
        sqldb_column_copy(st, 2, e->pin, sizeof(e->pin));
        sqldb_column_copy(st, 3, e->install_id, sizeof(e->install_id));
        sqldb_column_copy(st, 4, e->secret, sizeof(e->secret));
        /* Written from the hub's answer, perhaps by an older sipasctl
         * that kept it as sent: printable before anyone shows it. */
        (void)hubtext_sanitize(sqldb_column_text(st, 5), e->unit_code,
                               sizeof(e->unit_code));
        (void)hubtext_sanitize(sqldb_column_text(st, 6), e->unit_name,
                               sizeof(e->unit_name));
        sqldb_column_copy(st, 7, e->counter, sizeof(e->counter));
        e->enrolled_at_ms = sqlite3_column_int64(st, 8);
    } else if (rc != SQLITE_DONE) {
        (void)sqldb_note(&db->sql, rc, "read enrollment");
    }
    sqldb_release(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqldb_is_damage(rc) ? SYNCDB_DAMAGED : SYNCDB_ERROR;
    return rc == SQLITE_ROW;
}

static int syncdb_write_enrollment(syncdb_t *db, const syncdb_enrollment_t *e)
{
    sqlite3_stmt *st = sqldb_stmt(
        &db->sql,
        "INSERT OR REPLACE INTO enrollment(id, hub_url, ca_file, pin,"
        " install_id, secret, unit_code, unit_name, counter, enrolled_at)"
        " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_text(st, 1, e->hub_url, &rc);
    sqldb_bind_text(st, 2, e->ca_file, &rc);
    sqldb_bind_text(st, 3, e->pin, &rc);
    sqldb_bind_text(st, 4, e->install_id, &rc);
    sqldb_bind_text(st, 5, e->secret, &rc);
    sqldb_bind_text(st, 6, e->unit_code, &rc);
    sqldb_bind_text(st, 7, e->unit_name, &rc);
    sqldb_bind_text(st, 8, e->counter, &rc);
    sqldb_bind_int64(st, 9, e->enrolled_at_ms, &rc);
    return syncdb_rc(sqldb_run(&db->sql, st, rc, "write enrollment"));
}

int syncdb_set_enrollment(syncdb_t *db, const syncdb_enrollment_t *e,
                         int *reset)
{
    syncdb_enrollment_t old;
    int had, rc;

    *reset = 0;
    if (db->readonly) {
        sqldb_set_error(&db->sql, "%s opened read-only", db->sql.path);
        return SYNCDB_ERROR;
    }
    if (sqldb_begin_write(&db->sql) != SQLITE_OK)
        return SYNCDB_ERROR;
    had = syncdb_get_enrollment(db, &old);
    rc = had < 0 ? SYNCDB_ERROR : SYNCDB_OK;
    if (rc == SYNCDB_OK && had == 1 &&
        (strcmp(old.install_id, e->install_id) != 0 ||
         strcmp(old.hub_url, e->hub_url) != 0)) {
        *reset = 1;
        rc = syncdb_rc(sqldb_exec(&db->sql,
                                  "DELETE FROM days;"
                                  "UPDATE progress SET acked_seq = 0,"
                                  " last_ok = 0, pending = 0"));
    }
    if (rc == SYNCDB_OK)
        rc = syncdb_rc(sqldb_exec(&db->sql,
                                  "UPDATE progress SET blocked = 0,"
                                  " failures = 0, next_try = 0,"
                                  " last_error = '', last_error_at = 0"));
    if (rc == SYNCDB_OK)
        rc = syncdb_write_enrollment(db, e);
    if (rc == SYNCDB_OK)
        rc = syncdb_rc(sqldb_commit(&db->sql));
    if (rc != SYNCDB_OK)
        sqldb_rollback(&db->sql);
    return rc;
}

/* ---- progress --------------------------------------------------------- */

int syncdb_get_progress(syncdb_t *db, syncdb_progress_t *p)
{
    sqlite3_stmt *st;
    int rc, has;

    memset(p, 0, sizeof(*p));
    rc = syncdb_get_version(db, &has);
    if (rc != SYNCDB_OK || has == 0)
        return rc;
    st = sqldb_stmt(&db->sql, "SELECT acked_seq, last_attempt, last_ok,"
                              " last_error_at, last_error, failures, blocked,"
                              " next_try, pending, hub_time, hub_offset"
                              " FROM progress WHERE id = 1");
    if (!st)
        return SYNCDB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        p->acked_seq = sqlite3_column_int64(st, 0);
        p->last_attempt_ms = sqlite3_column_int64(st, 1);
        p->last_ok_ms = sqlite3_column_int64(st, 2);
        p->last_error_ms = sqlite3_column_int64(st, 3);
        sqldb_column_copy(st, 4, p->last_error, sizeof(p->last_error));
        p->failures = sqlite3_column_int(st, 5);
        p->blocked = sqlite3_column_int(st, 6);
        p->next_try_ms = sqlite3_column_int64(st, 7);
        p->pending = sqlite3_column_int64(st, 8);
        p->hub_time_ms = sqlite3_column_int64(st, 9);
        p->hub_offset_ms = sqlite3_column_int64(st, 10);
    } else {
        (void)sqldb_note(&db->sql, rc, "read progress");
    }
    sqldb_release(st);
    return rc == SQLITE_ROW ? SYNCDB_OK : SYNCDB_ERROR;
}

static int syncdb_write_progress(syncdb_t *db, const syncdb_progress_t *p)
{
    sqlite3_stmt *st = sqldb_stmt(
        &db->sql, "UPDATE progress SET acked_seq = ?1, last_attempt = ?2,"
                  " last_ok = ?3, last_error_at = ?4, last_error = ?5,"
                  " failures = ?6, blocked = ?7, next_try = ?8, pending = ?9,"
                  " hub_time = ?10, hub_offset = ?11 WHERE id = 1");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_int64(st, 1, p->acked_seq, &rc);
    sqldb_bind_int64(st, 2, p->last_attempt_ms, &rc);
    sqldb_bind_int64(st, 3, p->last_ok_ms, &rc);
    sqldb_bind_int64(st, 4, p->last_error_ms, &rc);
    sqldb_bind_text(st, 5, p->last_error, &rc);
    sqldb_bind_int64(st, 6, p->failures, &rc);
    sqldb_bind_int64(st, 7, p->blocked, &rc);
    sqldb_bind_int64(st, 8, p->next_try_ms, &rc);
    sqldb_bind_int64(st, 9, p->pending, &rc);
    sqldb_bind_int64(st, 10, p->hub_time_ms, &rc);
    sqldb_bind_int64(st, 11, p->hub_offset_ms, &rc);
    return syncdb_rc(sqldb_run(&db->sql, st, rc, "write progress"));
}

int syncdb_set_progress(syncdb_t *db, const syncdb_progress_t *p)
{
    return syncdb_write_progress(db, p);
}

static int syncdb_write_day(syncdb_t *db, const syncdb_day_t *d, int64_t now)
{
    sqlite3_stmt *st = sqldb_stmt(
        &db->sql,
        "INSERT OR REPLACE INTO days(day, upto_seq, snapshot, acked_at)"
        " VALUES (?1, ?2, ?3, ?4)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_text(st, 1, d->day, &rc);
    sqldb_bind_int64(st, 2, d->upto_seq, &rc);
    sqldb_bind_text(st, 3, d->snapshot, &rc);
    sqldb_bind_int64(st, 4, now, &rc);
    return syncdb_rc(sqldb_run(&db->sql, st, rc, "write day"));
}

int syncdb_commit_ack(syncdb_t *db, const syncdb_day_t *days, int n_days,
                      const syncdb_progress_t *p)
{
    int i, rc;

    if (sqldb_begin_write(&db->sql) != SQLITE_OK)
        return SYNCDB_ERROR;
    rc = SYNCDB_OK;
    for (i = 0; rc == SYNCDB_OK && i < n_days; i++)
        rc = syncdb_write_day(db, &days[i], p->last_ok_ms);
    if (rc == SYNCDB_OK)
        rc = syncdb_write_progress(db, p);
    if (rc == SYNCDB_OK)
        rc = syncdb_rc(sqldb_commit(&db->sql));
    if (rc != SYNCDB_OK)
        sqldb_rollback(&db->sql);
    return rc;
}

int syncdb_get_day(syncdb_t *db, const char *day, char **snapshot,
                   int64_t *upto_seq)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK, found = 0;

    *snapshot = NULL;
    *upto_seq = 0;
    st = sqldb_stmt(&db->sql,
                    "SELECT upto_seq, snapshot FROM days WHERE day = ?1");
    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_text(st, 1, day, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *upto_seq = sqlite3_column_int64(st, 0);
        *snapshot = strdup(sqldb_column_text(st, 1));
        if (!*snapshot)
            sqldb_set_error(&db->sql, "out of memory");
        found = *snapshot != NULL;
        rc = found ? SQLITE_OK : SQLITE_NOMEM;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else {
        (void)sqldb_note(&db->sql, rc, "read day");
    }
    sqldb_release(st);
    return rc == SQLITE_OK ? found : SYNCDB_ERROR;
}

static int syncdb_count(syncdb_t *db, const char *sql, int64_t *n)
{
    int has, rc;

    *n = 0;
    rc = syncdb_get_version(db, &has);
    if (rc != SYNCDB_OK || has == 0)
        return rc;
    return syncdb_rc(sqldb_query_int(&db->sql, sql, n));
}

int syncdb_count_days(syncdb_t *db, int64_t *n)
{
    return syncdb_count(db, "SELECT count(*) FROM days", n);
}

/* ---- anchors ---------------------------------------------------------- */

int syncdb_find_anchor(syncdb_t *db, const char *boot_id, int *found,
                       int *known, int64_t *wall_minus_boot)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    *found = *known = 0;
    *wall_minus_boot = 0;
    st = sqldb_stmt(&db->sql, "SELECT known, wall_minus_boot FROM anchors"
                              " WHERE boot_id = ?1");
    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_text(st, 1, boot_id, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = 1;
        *known = sqlite3_column_int(st, 0) != 0;
        *wall_minus_boot = sqlite3_column_int64(st, 1);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else {
        (void)sqldb_note(&db->sql, rc, "read anchor");
    }
    sqldb_release(st);
    return rc == SQLITE_OK ? SYNCDB_OK : SYNCDB_ERROR;
}

int syncdb_add_anchor(syncdb_t *db, const char *boot_id, int known,
                      int64_t wall_minus_boot, const char *source,
                      int64_t now_ms)
{
    sqlite3_stmt *st = sqldb_stmt(
        &db->sql,
        "INSERT OR IGNORE INTO anchors(boot_id, known, wall_minus_boot,"
        " source, learned_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    sqldb_bind_text(st, 1, boot_id, &rc);
    sqldb_bind_int64(st, 2, known != 0, &rc);
    sqldb_bind_int64(st, 3, wall_minus_boot, &rc);
    sqldb_bind_text(st, 4, source, &rc);
    sqldb_bind_int64(st, 5, now_ms, &rc);
    return syncdb_rc(sqldb_run(&db->sql, st, rc, "write anchor"));
}

int syncdb_count_anchors(syncdb_t *db, int64_t *n)
{
    return syncdb_count(db, "SELECT count(*) FROM anchors WHERE known", n);
}

/* ---- the sync lock ---------------------------------------------------- */

int syncdb_lock(const char *dir, int wait_ms, int *fd, char *err, size_t cap)
{
    char path[SYNCDB_PATH_MAX + 16];
    struct timespec pause = {0, SYNCDB_LOCK_POLL_MS * 1000000L};
    int waited = 0, f;

    *fd = -1;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SYNCDB_LOCK_NAME) >=
        sizeof(path)) {
        snprintf(err, cap, "data directory path too long");
        return SYNCDB_ERROR;
    }
    f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0) {
        snprintf(err, cap, "cannot open %s: %s", path, strerror(errno));
        return SYNCDB_ERROR;
    }
    /* Polling keeps the wait bounded without signals or a second thread. */
    while (flock(f, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            snprintf(err, cap, "cannot lock %s: %s", path, strerror(errno));
            close(f);
            return SYNCDB_ERROR;
        }
        if (waited >= wait_ms) {
            snprintf(err, cap, "another upload is running (%s is locked)",
                     path);
            close(f);
            return SYNCDB_BUSY;
        }
        nanosleep(&pause, NULL);
        waited += SYNCDB_LOCK_POLL_MS;
    }
    *fd = f;
    return SYNCDB_OK;
}

void syncdb_unlock(int fd)
{
    if (fd < 0)
        return;
    /* Closing releases the flock; nothing was written through fd. */
    (void)flock(fd, LOCK_UN);
    (void)close(fd);
}

static uint64_t syncdb_mix_stat(uint64_t h, const char *path)
{
    struct stat st;
    uint64_t parts[4];
    size_t i;

    if (stat(path, &st) != 0)
        return h;
    parts[0] = (uint64_t)st.st_ino;
    parts[1] = (uint64_t)st.st_size;
    parts[2] = (uint64_t)st.st_mtim.tv_sec;
    parts[3] = (uint64_t)st.st_mtim.tv_nsec;
    for (i = 0; i < 4; i++)
        h = (h ^ parts[i]) * 1099511628211ull;
    return h;
}

uint64_t syncdb_get_fingerprint(const char *dir)
{
    char path[SYNCDB_PATH_MAX + 16];
    uint64_t h;

    snprintf(path, sizeof(path), "%s/%s", dir, SYNCDB_NAME);
    h = syncdb_mix_stat(1469598103934665603ull, path);
    if (h == 1469598103934665603ull)
        return 0;
    snprintf(path, sizeof(path), "%s/%s-wal", dir, SYNCDB_NAME);
    return syncdb_mix_stat(h, path);
}

/* ---- moving a damaged file aside ---------------------------------------- */

static int syncdb_rename_if_there(const char *from, const char *to,
                                  char *err, size_t cap)
{
    if (rename(from, to) == 0 || errno == ENOENT)
        return SYNCDB_OK;
    snprintf(err, cap, "cannot move %s to %s: %s", from, to, strerror(errno));
    return SYNCDB_ERROR;
}

/* sync.db.damaged-<stamp>[-N], a name no earlier move used. */
static int syncdb_pick_aside_name(const char *path, char *out, size_t cap,
                                  char *err, size_t err_cap)
{
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    int i, n;

    if (!gmtime_r(&now, &tm) ||
        strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
        snprintf(stamp, sizeof(stamp), "unknown");
    for (i = 1; i <= SYNCDB_ASIDE_TRIES; i++) {
        if (i == 1)
            n = snprintf(out, cap, "%s.damaged-%s", path, stamp);
        else
            n = snprintf(out, cap, "%s.damaged-%s-%d", path, stamp, i);
        if (n < 0 || (size_t)n >= cap)
            break;
        if (access(out, F_OK) != 0 && errno == ENOENT)
            return SYNCDB_OK;
    }
    snprintf(err, err_cap, "no free name to move %s aside", path);
    return SYNCDB_ERROR;
}

/* The -wal and -shm files go with it: left behind, SQLite would replay
 * them into the fresh file. */
int syncdb_move_aside(const char *dir, char *moved_to, size_t moved_cap,
                      char *err, size_t cap)
{
    static const char *const suffixes[] = {"-wal", "-shm"};
    char path[SYNCDB_PATH_MAX + 16], from[SYNCDB_PATH_MAX + 24],
        to[SYNCDB_PATH_MAX + 64];
    size_t i;
    int rc, fd;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, SYNCDB_NAME) >=
            sizeof(path) ||
        moved_cap > sizeof(to) - 8) {
        snprintf(err, cap, "data directory path too long");
        return SYNCDB_ERROR;
    }
    rc = syncdb_pick_aside_name(path, moved_to, moved_cap, err, cap);
    if (rc == SYNCDB_OK)
        rc = syncdb_rename_if_there(path, moved_to, err, cap);
    for (i = 0; rc == SYNCDB_OK && i < sizeof(suffixes) / sizeof(*suffixes);
         i++) {
        snprintf(from, sizeof(from), "%s%s", path, suffixes[i]);
        snprintf(to, sizeof(to), "%s%s", moved_to, suffixes[i]);
        rc = syncdb_rename_if_there(from, to, err, cap);
    }
    if (rc != SYNCDB_OK)
        return rc;
    /* A rename is only durable once the directory entry reaches the card. */
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        snprintf(err, cap, "cannot sync %s: %s", dir, strerror(errno));
        if (fd >= 0)
            (void)close(fd);
        return SYNCDB_ERROR;
    }
    (void)close(fd);
    return SYNCDB_OK;
}
