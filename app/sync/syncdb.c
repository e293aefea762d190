#include "syncdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SYNCDB_BUSY_TIMEOUT_MS 5000
#define SYNCDB_LOCK_POLL_MS 50
#define SYNCDB_SCHEMA_VERSION 1

struct syncdb {
    sqlite3 *db;
    int readonly;
    char path[SYNCDB_PATH_MAX + 16];
    char err[SYNCDB_ERROR_MAX];
};

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
    " learned_at INTEGER NOT NULL);"
    "PRAGMA user_version = 1;";

/* ---- errors ----------------------------------------------------------- */

static void syncdb_set_error(syncdb_t *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void syncdb_set_error(syncdb_t *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(db->err, sizeof(db->err), fmt, ap);
    va_end(ap);
}

static int syncdb_fail(syncdb_t *db, const char *what)
{
    syncdb_set_error(db, "%s: %s: %s", db->path, what,
                     db->db ? sqlite3_errmsg(db->db) : "no handle");
    return SYNCDB_ERROR;
}

const char *syncdb_last_error(const syncdb_t *db)
{
    return db ? db->err : "no sync database";
}

/* ---- statements --------------------------------------------------------- */

/* Prepares sql; a failure is noted and NULL returned. */
static sqlite3_stmt *syncdb_prepare(syncdb_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;

    if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
        syncdb_fail(db, "prepare");
        (void)sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

static void syncdb_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_STATIC);
}

static void syncdb_bind_int64(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

/* Steps a statement that returns no rows and finalizes it. */
static int syncdb_finish(syncdb_t *db, sqlite3_stmt *st, int rc,
                         const char *what)
{
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (rc != SQLITE_OK)
        syncdb_fail(db, what);
    if (sqlite3_finalize(st) != SQLITE_OK && rc == SQLITE_OK) {
        syncdb_fail(db, what);
        rc = SQLITE_ERROR;
    }
    return rc == SQLITE_OK ? SYNCDB_OK : SYNCDB_ERROR;
}

static int syncdb_exec(syncdb_t *db, const char *sql)
{
    if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return syncdb_fail(db, sql);
    return SYNCDB_OK;
}

static void syncdb_copy_column(sqlite3_stmt *st, int col, char *out,
                               size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);

    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* Rolls back whatever is open; the error already noted is kept. */
static void syncdb_abort(syncdb_t *db)
{
    char keep[SYNCDB_ERROR_MAX];

    if (sqlite3_get_autocommit(db->db))
        return;
    snprintf(keep, sizeof(keep), "%s", db->err);
    (void)sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    snprintf(db->err, sizeof(db->err), "%s", keep);
}

/* ---- open ------------------------------------------------------------- */

/* The file exists with mode 0600 before SQLite opens it, so the secret is
 * never readable by others, not even for a moment. */
static int syncdb_create_file(syncdb_t *db)
{
    int fd = open(db->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        syncdb_set_error(db, "cannot create %s: %s", db->path,
                         strerror(errno));
        return SYNCDB_ERROR;
    }
    if (fchmod(fd, 0600) != 0) {
        syncdb_set_error(db, "cannot restrict %s: %s", db->path,
                         strerror(errno));
        close(fd);
        return SYNCDB_ERROR;
    }
    if (close(fd) != 0) {
        syncdb_set_error(db, "cannot close %s: %s", db->path,
                         strerror(errno));
        return SYNCDB_ERROR;
    }
    return SYNCDB_OK;
}

static int syncdb_migrate(syncdb_t *db)
{
    sqlite3_stmt *st;
    int version = -1, rc;

    if (syncdb_exec(db, "BEGIN IMMEDIATE") != SYNCDB_OK)
        return SYNCDB_ERROR;
    st = syncdb_prepare(db, "PRAGMA user_version");
    if (!st) {
        syncdb_abort(db);
        return SYNCDB_ERROR;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    (void)sqlite3_finalize(st);
    if (version < 0 || version > SYNCDB_SCHEMA_VERSION) {
        syncdb_set_error(db, "%s has schema version %d, not one this program"
                         " knows", db->path, version);
        syncdb_abort(db);
        return SYNCDB_ERROR;
    }
    rc = version == 0 ? syncdb_exec(db, syncdb_schema) : SYNCDB_OK;
    if (rc == SYNCDB_OK)
        rc = syncdb_exec(db, "COMMIT");
    if (rc != SYNCDB_OK)
        syncdb_abort(db);
    return rc;
}

static int syncdb_connect(syncdb_t *db)
{
    int flags = db->readonly ? SQLITE_OPEN_READONLY
                             : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

    if (sqlite3_open_v2(db->path, &db->db, flags | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return syncdb_fail(db, "open");
    if (sqlite3_busy_timeout(db->db, SYNCDB_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return syncdb_fail(db, "busy timeout");
    if (db->readonly)
        return SYNCDB_OK;
    /* NORMAL could lose an acknowledgement on power loss, and then the
     * upload would only be repeated - but a lost enrolment could not. */
    if (syncdb_exec(db, "PRAGMA journal_mode=WAL") != SYNCDB_OK ||
        syncdb_exec(db, "PRAGMA synchronous=FULL") != SYNCDB_OK)
        return SYNCDB_ERROR;
    return syncdb_migrate(db);
}

int syncdb_open(const char *dir, int readonly, syncdb_t **out, char *err,
                size_t cap)
{
    struct stat st;
    syncdb_t *db;
    int rc;

    if (!out || !dir || !dir[0]) {
        snprintf(err, cap, "no data directory given");
        return SYNCDB_ERROR;
    }
    *out = NULL;
    db = calloc(1, sizeof(*db));
    if (!db) {
        snprintf(err, cap, "out of memory");
        return SYNCDB_ERROR;
    }
    db->readonly = readonly;
    if ((size_t)snprintf(db->path, sizeof(db->path), "%s/%s", dir,
                         SYNCDB_NAME) >= sizeof(db->path)) {
        snprintf(err, cap, "data directory path too long");
        free(db);
        return SYNCDB_ERROR;
    }
    if (readonly && stat(db->path, &st) != 0) {
        snprintf(err, cap, "%s: %s", db->path, strerror(errno));
        free(db);
        return errno == ENOENT || errno == ENOTDIR ? SYNCDB_MISSING
                                                   : SYNCDB_ERROR;
    }
    rc = readonly ? SYNCDB_OK : syncdb_create_file(db);
    if (rc == SYNCDB_OK)
        rc = syncdb_connect(db);
    if (rc != SYNCDB_OK) {
        snprintf(err, cap, "%s", db->err);
        syncdb_close(db);
        return rc;
    }
    *out = db;
    return SYNCDB_OK;
}

void syncdb_close(syncdb_t *db)
{
    if (!db)
        return;
    /* Every statement is finalized where it was used. */
    (void)sqlite3_close_v2(db->db);
    free(db);
}

/* ---- enrolment ------------------------------------------------------- */

/* A read-only handle on a file that has no tables yet is "not enrolled". */
static int syncdb_has_schema(syncdb_t *db)
{
    sqlite3_stmt *st = syncdb_prepare(db, "PRAGMA user_version");
    int version = 0;

    if (!st)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    (void)sqlite3_finalize(st);
    return version > 0;
}

int syncdb_get_enrolment(syncdb_t *db, syncdb_enrolment_t *e)
{
    sqlite3_stmt *st;
    int rc, has;

    memset(e, 0, sizeof(*e));
    if ((has = syncdb_has_schema(db)) <= 0)
        return has < 0 ? SYNCDB_ERROR : 0;
    st = syncdb_prepare(db,
                        "SELECT hub_url, ca_file, pin, install_id, secret,"
                        " unit_code, unit_name, counter, enrolled_at"
                        " FROM enrolment WHERE id = 1");
    if (!st)
        return SYNCDB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        syncdb_copy_column(st, 0, e->hub_url, sizeof(e->hub_url));
        syncdb_copy_column(st, 1, e->ca_file, sizeof(e->ca_file));
        syncdb_copy_column(st, 2, e->pin, sizeof(e->pin));
        syncdb_copy_column(st, 3, e->install_id, sizeof(e->install_id));
        syncdb_copy_column(st, 4, e->secret, sizeof(e->secret));
        syncdb_copy_column(st, 5, e->unit_code, sizeof(e->unit_code));
        syncdb_copy_column(st, 6, e->unit_name, sizeof(e->unit_name));
        syncdb_copy_column(st, 7, e->counter, sizeof(e->counter));
        e->enrolled_at_ms = sqlite3_column_int64(st, 8);
    } else if (rc != SQLITE_DONE) {
        syncdb_fail(db, "read enrolment");
    }
    (void)sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return SYNCDB_ERROR;
    return rc == SQLITE_ROW;
}

static int syncdb_write_enrolment(syncdb_t *db, const syncdb_enrolment_t *e)
{
    sqlite3_stmt *st = syncdb_prepare(
        db, "INSERT OR REPLACE INTO enrolment(id, hub_url, ca_file, pin,"
            " install_id, secret, unit_code, unit_name, counter, enrolled_at)"
            " VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_text(st, 1, e->hub_url, &rc);
    syncdb_bind_text(st, 2, e->ca_file, &rc);
    syncdb_bind_text(st, 3, e->pin, &rc);
    syncdb_bind_text(st, 4, e->install_id, &rc);
    syncdb_bind_text(st, 5, e->secret, &rc);
    syncdb_bind_text(st, 6, e->unit_code, &rc);
    syncdb_bind_text(st, 7, e->unit_name, &rc);
    syncdb_bind_text(st, 8, e->counter, &rc);
    syncdb_bind_int64(st, 9, e->enrolled_at_ms, &rc);
    return syncdb_finish(db, st, rc, "write enrolment");
}

int syncdb_set_enrolment(syncdb_t *db, const syncdb_enrolment_t *e,
                         int *reset)
{
    syncdb_enrolment_t old;
    int had, rc;

    *reset = 0;
    if (db->readonly) {
        syncdb_set_error(db, "%s opened read-only", db->path);
        return SYNCDB_ERROR;
    }
    if (syncdb_exec(db, "BEGIN IMMEDIATE") != SYNCDB_OK)
        return SYNCDB_ERROR;
    had = syncdb_get_enrolment(db, &old);
    rc = had < 0 ? SYNCDB_ERROR : SYNCDB_OK;
    if (rc == SYNCDB_OK && had == 1 &&
        (strcmp(old.install_id, e->install_id) != 0 ||
         strcmp(old.hub_url, e->hub_url) != 0)) {
        *reset = 1;
        rc = syncdb_exec(db, "DELETE FROM days;"
                             "UPDATE progress SET acked_seq = 0, last_ok = 0,"
                             " pending = 0");
    }
    if (rc == SYNCDB_OK)
        rc = syncdb_exec(db, "UPDATE progress SET blocked = 0, failures = 0,"
                             " next_try = 0, last_error = '',"
                             " last_error_at = 0");
    if (rc == SYNCDB_OK)
        rc = syncdb_write_enrolment(db, e);
    if (rc == SYNCDB_OK)
        rc = syncdb_exec(db, "COMMIT");
    if (rc != SYNCDB_OK)
        syncdb_abort(db);
    return rc;
}

/* ---- progress --------------------------------------------------------- */

int syncdb_get_progress(syncdb_t *db, syncdb_progress_t *p)
{
    sqlite3_stmt *st;
    int rc, has;

    memset(p, 0, sizeof(*p));
    if ((has = syncdb_has_schema(db)) <= 0)
        return has < 0 ? SYNCDB_ERROR : SYNCDB_OK;
    st = syncdb_prepare(db, "SELECT acked_seq, last_attempt, last_ok,"
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
        syncdb_copy_column(st, 4, p->last_error, sizeof(p->last_error));
        p->failures = sqlite3_column_int(st, 5);
        p->blocked = sqlite3_column_int(st, 6);
        p->next_try_ms = sqlite3_column_int64(st, 7);
        p->pending = sqlite3_column_int64(st, 8);
        p->hub_time_ms = sqlite3_column_int64(st, 9);
        p->hub_offset_ms = sqlite3_column_int64(st, 10);
    } else {
        syncdb_fail(db, "read progress");
    }
    (void)sqlite3_finalize(st);
    return rc == SQLITE_ROW ? SYNCDB_OK : SYNCDB_ERROR;
}

static int syncdb_write_progress(syncdb_t *db, const syncdb_progress_t *p)
{
    sqlite3_stmt *st = syncdb_prepare(
        db, "UPDATE progress SET acked_seq = ?1, last_attempt = ?2,"
            " last_ok = ?3, last_error_at = ?4, last_error = ?5,"
            " failures = ?6, blocked = ?7, next_try = ?8, pending = ?9,"
            " hub_time = ?10, hub_offset = ?11 WHERE id = 1");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_int64(st, 1, p->acked_seq, &rc);
    syncdb_bind_int64(st, 2, p->last_attempt_ms, &rc);
    syncdb_bind_int64(st, 3, p->last_ok_ms, &rc);
    syncdb_bind_int64(st, 4, p->last_error_ms, &rc);
    syncdb_bind_text(st, 5, p->last_error, &rc);
    syncdb_bind_int64(st, 6, p->failures, &rc);
    syncdb_bind_int64(st, 7, p->blocked, &rc);
    syncdb_bind_int64(st, 8, p->next_try_ms, &rc);
    syncdb_bind_int64(st, 9, p->pending, &rc);
    syncdb_bind_int64(st, 10, p->hub_time_ms, &rc);
    syncdb_bind_int64(st, 11, p->hub_offset_ms, &rc);
    return syncdb_finish(db, st, rc, "write progress");
}

int syncdb_set_progress(syncdb_t *db, const syncdb_progress_t *p)
{
    return syncdb_write_progress(db, p);
}

static int syncdb_write_day(syncdb_t *db, const syncdb_day_t *d, int64_t now)
{
    sqlite3_stmt *st = syncdb_prepare(
        db, "INSERT OR REPLACE INTO days(day, upto_seq, snapshot, acked_at)"
            " VALUES (?1, ?2, ?3, ?4)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_text(st, 1, d->day, &rc);
    syncdb_bind_int64(st, 2, d->upto_seq, &rc);
    syncdb_bind_text(st, 3, d->snapshot, &rc);
    syncdb_bind_int64(st, 4, now, &rc);
    return syncdb_finish(db, st, rc, "write day");
}

int syncdb_commit_ack(syncdb_t *db, const syncdb_day_t *days, int n_days,
                      const syncdb_progress_t *p)
{
    int i, rc;

    if (syncdb_exec(db, "BEGIN IMMEDIATE") != SYNCDB_OK)
        return SYNCDB_ERROR;
    rc = SYNCDB_OK;
    for (i = 0; rc == SYNCDB_OK && i < n_days; i++)
        rc = syncdb_write_day(db, &days[i], p->last_ok_ms);
    if (rc == SYNCDB_OK)
        rc = syncdb_write_progress(db, p);
    if (rc == SYNCDB_OK)
        rc = syncdb_exec(db, "COMMIT");
    if (rc != SYNCDB_OK)
        syncdb_abort(db);
    return rc;
}

int syncdb_get_day(syncdb_t *db, const char *day, char **snapshot,
                   int64_t *upto_seq)
{
    sqlite3_stmt *st;
    const unsigned char *t;
    int rc = SQLITE_OK, found = 0;

    *snapshot = NULL;
    *upto_seq = 0;
    st = syncdb_prepare(db,
                        "SELECT upto_seq, snapshot FROM days WHERE day = ?1");
    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_text(st, 1, day, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *upto_seq = sqlite3_column_int64(st, 0);
        t = sqlite3_column_text(st, 1);
        *snapshot = strdup(t ? (const char *)t : "");
        if (!*snapshot)
            syncdb_set_error(db, "out of memory");
        found = *snapshot != NULL;
        rc = found ? SQLITE_OK : SQLITE_NOMEM;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else {
        syncdb_fail(db, "read day");
    }
    (void)sqlite3_finalize(st);
    return rc == SQLITE_OK ? found : SYNCDB_ERROR;
}

static int syncdb_count(syncdb_t *db, const char *sql, int64_t *n)
{
    sqlite3_stmt *st;
    int rc, has;

    *n = 0;
    if ((has = syncdb_has_schema(db)) <= 0)
        return has < 0 ? SYNCDB_ERROR : SYNCDB_OK;
    st = syncdb_prepare(db, sql);
    if (!st)
        return SYNCDB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        syncdb_fail(db, "count");
    (void)sqlite3_finalize(st);
    return rc == SQLITE_ROW ? SYNCDB_OK : SYNCDB_ERROR;
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
    st = syncdb_prepare(db, "SELECT known, wall_minus_boot FROM anchors"
                            " WHERE boot_id = ?1");
    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_text(st, 1, boot_id, &rc);
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
        syncdb_fail(db, "read anchor");
    }
    (void)sqlite3_finalize(st);
    return rc == SQLITE_OK ? SYNCDB_OK : SYNCDB_ERROR;
}

int syncdb_add_anchor(syncdb_t *db, const char *boot_id, int known,
                      int64_t wall_minus_boot, const char *source,
                      int64_t now_ms)
{
    sqlite3_stmt *st = syncdb_prepare(
        db, "INSERT OR IGNORE INTO anchors(boot_id, known, wall_minus_boot,"
            " source, learned_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    int rc = SQLITE_OK;

    if (!st)
        return SYNCDB_ERROR;
    syncdb_bind_text(st, 1, boot_id, &rc);
    syncdb_bind_int64(st, 2, known != 0, &rc);
    syncdb_bind_int64(st, 3, wall_minus_boot, &rc);
    syncdb_bind_text(st, 4, source, &rc);
    syncdb_bind_int64(st, 5, now_ms, &rc);
    return syncdb_finish(db, st, rc, "write anchor");
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
