#include "sqldb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SQLDB_MODE_TEXT_MAX 16
#define SQLDB_PRAGMA_SQL_MAX 64
/* "file:" + every byte percent-encoded at worst + the query */
#define SQLDB_URI_MAX (SQLDB_PATH_MAX * 3 + 64)
#define SQLDB_COPY_BUF 65536
#define SQLDB_COPY_TRIES 3 /* a file that keeps changing while copied */
#define SQLDB_COPY_NAME "db" /* the copy's name in its private directory */

static const char sqldb_sql_begin_write[] = "BEGIN IMMEDIATE";
static const char sqldb_sql_begin_read[] = "BEGIN";
static const char sqldb_sql_commit[] = "COMMIT";
static const char sqldb_sql_rollback[] = "ROLLBACK";
static const char sqldb_sql_version[] = "PRAGMA user_version";

/* ---- errors ------------------------------------------------------------- */

void sqldb_set_error(sqldb_t *db, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(db->err, sizeof(db->err), fmt, ap);
    va_end(ap);
}

int sqldb_note(sqldb_t *db, int rc, const char *what)
{
    sqldb_set_error(db, "%s: %s: %s", db->path, what,
                    db->conn ? sqlite3_errmsg(db->conn)
                             : sqlite3_errstr(rc & 0xff));
    return rc;
}

const char *sqldb_last_error(const sqldb_t *db)
{
    return db ? db->err : "no database";
}

int sqldb_is_damage(int rc)
{
    rc &= 0xff;
    return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

/* ---- kept statements ---------------------------------------------------- */

/* SQLite's calls take no NULL connection: a handle that was never opened
 * (or is closed) refuses here, naming what was asked of it. */
static int sqldb_refuse_closed(sqldb_t *db, const char *sql)
{
    sqldb_set_error(db, "%s: no SQLite connection for: %.80s", db->path,
                    sql);
    return SQLITE_MISUSE;
}

sqlite3_stmt *sqldb_stmt(sqldb_t *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int i, rc;

    if (!db->conn) {
        (void)sqldb_refuse_closed(db, sql);
        return NULL;
    }
    for (i = 0; i < db->n_stmts; i++)
        if (db->stmts[i].sql == sql)
            return db->stmts[i].st;
    if (db->n_stmts >= SQLDB_STMT_MAX) {
        sqldb_set_error(db, "%s: statement cache full (%d)", db->path,
                        SQLDB_STMT_MAX);
        return NULL;
    }
    rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &st, NULL);
    if (rc != SQLITE_OK) {
        /* prepare leaves st NULL on failure; nothing to finalize. */
        (void)sqldb_note(db, rc, "prepare");
        return NULL;
    }
    db->stmts[db->n_stmts].sql = sql;
    db->stmts[db->n_stmts].st = st;
    db->n_stmts++;
    return st;
}

void sqldb_release(sqlite3_stmt *st)
{
    /* reset repeats the last step's error, which the caller has already
     * handled; clearing bindings cannot fail on a valid statement.
     * Resetting at once ends the statement's read snapshot, so a reader
     * never pins the WAL and checkpoints can progress. */
    (void)sqlite3_reset(st);
    (void)sqlite3_clear_bindings(st);
}

void sqldb_bind_text(sqlite3_stmt *st, int i, const char *v, int *rc)
{
    if (*rc != SQLITE_OK)
        return;
    *rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC)
            : sqlite3_bind_null(st, i);
}

void sqldb_bind_int64(sqlite3_stmt *st, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_int64(st, i, v);
}

void sqldb_bind_blob(sqlite3_stmt *st, int i, const void *v, int len,
                     int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = sqlite3_bind_blob(st, i, v, len, SQLITE_STATIC);
}

const char *sqldb_column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? (const char *)t : "";
}

void sqldb_column_copy(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    snprintf(out, cap, "%s", sqldb_column_text(st, i));
}

int sqldb_run(sqldb_t *db, sqlite3_stmt *st, int bind_rc, const char *what)
{
    int rc = bind_rc;

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE || rc == SQLITE_ROW)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        (void)sqldb_note(db, rc, what);
    sqldb_release(st);
    return rc;
}

int sqldb_next(sqldb_t *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW)
        return rc;
    if (rc != SQLITE_DONE)
        (void)sqldb_note(db, rc, what);
    sqldb_release(st);
    return rc;
}

/* A kept statement run once, with no bindings. */
static int sqldb_run_sql(sqldb_t *db, const char *sql)
{
    sqlite3_stmt *st = sqldb_stmt(db, sql);

    if (!st)
        return SQLITE_ERROR;
    return sqldb_run(db, st, SQLITE_OK, sql);
}

/* ---- one-off SQL -------------------------------------------------------- */

int sqldb_exec(sqldb_t *db, const char *sql)
{
    int rc;

    if (!db->conn)
        return sqldb_refuse_closed(db, sql);
    rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? rc : sqldb_note(db, rc, sql);
}

/* Prepares sql, steps it once and finalizes it: the first row's first
 * column goes to buf (text) or v (integer), whichever is not NULL. */
static int sqldb_query(sqldb_t *db, const char *sql, char *buf, size_t cap,
                       int64_t *v)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (!db->conn)
        return sqldb_refuse_closed(db, sql);
    rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && buf)
            sqldb_column_copy(st, 0, buf, cap);
        if (rc == SQLITE_ROW && v)
            *v = sqlite3_column_int64(st, 0);
        if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        (void)sqldb_note(db, rc, sql);
    /* finalize repeats the step's error, handled above. */
    (void)sqlite3_finalize(st);
    return rc;
}

int sqldb_query_text(sqldb_t *db, const char *sql, char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return SQLITE_MISUSE;
    buf[0] = '\0';
    return sqldb_query(db, sql, buf, cap, NULL);
}

int sqldb_query_int(sqldb_t *db, const char *sql, int64_t *v)
{
    if (!v)
        return SQLITE_MISUSE;
    *v = 0;
    return sqldb_query(db, sql, NULL, 0, v);
}

/* SQLite reports every problem in one text, headed by the schema name
 * ("*** in database main ***") when there is more than one; the first
 * problem itself is the line a person needs. */
static void sqldb_trim_check(char *text)
{
    static const char head[] = "*** in database ";
    char *nl;

    if (strncmp(text, head, sizeof(head) - 1) == 0) {
        nl = strchr(text, '\n');
        if (nl)
            memmove(text, nl + 1, strlen(nl + 1) + 1);
    }
    nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
}

int sqldb_check(sqldb_t *db, const char *which, char *result, size_t cap)
{
    char sql[SQLDB_PRAGMA_SQL_MAX];
    int rc;

    if (!result || cap == 0)
        return SQLITE_MISUSE;
    snprintf(sql, sizeof(sql), "PRAGMA %s", which);
    rc = sqldb_query_text(db, sql, result, cap);
    if (rc == SQLITE_OK)
        sqldb_trim_check(result);
    return rc;
}

int sqldb_cap_size(sqldb_t *db, int64_t max_bytes)
{
    int64_t page_size = 0, pages;
    char sql[SQLDB_PRAGMA_SQL_MAX];
    int rc;

    if (max_bytes <= 0)
        return SQLITE_OK;
    rc = sqldb_query_int(db, "PRAGMA page_size", &page_size);
    if (rc != SQLITE_OK)
        return rc;
    if (page_size <= 0) {
        sqldb_set_error(db, "%s: no page size", db->path);
        return SQLITE_ERROR;
    }
    pages = max_bytes / page_size;
    if (pages < 1)
        pages = 1; /* 0 would mean "ask, do not set" */
    snprintf(sql, sizeof(sql), "PRAGMA max_page_count=%lld",
             (long long)pages);
    return sqldb_query_int(db, sql, &pages);
}

/* ---- the advisory write lock -------------------------------------------- */

static int sqldb_open_lock_file(sqldb_t *db)
{
    char lock_path[SQLDB_PATH_MAX + sizeof(SQLDB_LOCK_SUFFIX)];

    snprintf(lock_path, sizeof(lock_path), "%s%s", db->path,
             SQLDB_LOCK_SUFFIX);
    db->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (db->lock_fd < 0) {
        sqldb_set_error(db, "cannot open %s: %s", lock_path,
                        strerror(errno));
        return SQLITE_CANTOPEN;
    }
    return SQLITE_OK;
}

/* Waits as long as SQLite's busy timeout would, then gives up with
 * SQLITE_BUSY rather than hang its caller. */
static int sqldb_take_lock(sqldb_t *db)
{
    struct timespec pause = {0, SQLDB_LOCK_POLL_MS * 1000000L};
    int waited = 0;

    if (db->lock_fd < 0 || db->holds_lock)
        return SQLITE_OK;
    while (flock(db->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            sqldb_set_error(db, "cannot lock %s%s: %s", db->path,
                            SQLDB_LOCK_SUFFIX, strerror(errno));
            return SQLITE_IOERR;
        }
        if (waited >= db->busy_timeout_ms) {
            sqldb_set_error(db, "%s is locked by another process",
                            db->path);
            return SQLITE_BUSY;
        }
        /* An interrupted pause only shortens one poll. */
        (void)nanosleep(&pause, NULL);
        waited += SQLDB_LOCK_POLL_MS;
    }
    db->holds_lock = 1;
    return SQLITE_OK;
}

static void sqldb_drop_lock(sqldb_t *db)
{
    if (!db->holds_lock)
        return;
    /* Unlocking our own lock cannot fail on a valid descriptor; the
     * kernel drops it at close or exit in any case. */
    (void)flock(db->lock_fd, LOCK_UN);
    db->holds_lock = 0;
}

/* ---- transactions ------------------------------------------------------- */

int sqldb_begin_write(sqldb_t *db)
{
    int rc = sqldb_take_lock(db);

    if (rc != SQLITE_OK)
        return rc;
    rc = sqldb_run_sql(db, sqldb_sql_begin_write);
    if (rc != SQLITE_OK)
        sqldb_drop_lock(db);
    return rc;
}

int sqldb_commit(sqldb_t *db)
{
    int rc = sqldb_run_sql(db, sqldb_sql_commit);

    /* A failed COMMIT (disk full at the last moment) leaves the
     * transaction open; roll it back so the next one starts clean. */
    if (rc != SQLITE_OK)
        sqldb_rollback(db);
    sqldb_drop_lock(db);
    return rc;
}

void sqldb_rollback(sqldb_t *db)
{
    char keep[SQLDB_ERR_MAX];

    /* SQLite may already have rolled back on its own (SQLITE_FULL does);
     * the reason for the failure is worth more than the rollback's. */
    if (db->conn && !sqlite3_get_autocommit(db->conn)) {
        snprintf(keep, sizeof(keep), "%s", db->err);
        if (sqldb_run_sql(db, sqldb_sql_rollback) == SQLITE_OK)
            snprintf(db->err, sizeof(db->err), "%s", keep);
    }
    sqldb_drop_lock(db);
}

int sqldb_begin_read(sqldb_t *db)
{
    return sqldb_run_sql(db, sqldb_sql_begin_read);
}

void sqldb_end_read(sqldb_t *db)
{
    /* A read transaction has nothing to lose: COMMIT only ends it. */
    if (db->conn && !sqlite3_get_autocommit(db->conn) &&
        sqldb_run_sql(db, sqldb_sql_commit) != SQLITE_OK)
        sqldb_rollback(db);
}

int sqldb_hold_write_lock(sqldb_t *db)
{
    return sqldb_take_lock(db);
}

void sqldb_release_write_lock(sqldb_t *db)
{
    sqldb_drop_lock(db);
}

/* ---- schema ------------------------------------------------------------- */

static int sqldb_migrate_step(sqldb_t *db, const sqldb_migration_t *steps,
                              int n, void *ctx, int *created, int *done)
{
    char sql[SQLDB_PRAGMA_SQL_MAX];
    int64_t version = 0;
    int rc;

    rc = sqldb_begin_write(db);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqldb_query_int(db, sqldb_sql_version, &version);
    if (rc == SQLITE_OK && (version > n || version < 0)) {
        sqldb_set_error(db, "%s has schema version %lld, newer than this"
                        " program's %d", db->path, (long long)version, n);
        rc = SQLITE_ERROR;
    }
    if (rc == SQLITE_OK && version < n) {
        if (version == 0 && created)
            *created = 1;
        rc = sqldb_exec(db, steps[version].sql);
        if (rc == SQLITE_OK && steps[version].seed)
            rc = steps[version].seed(db, ctx);
        snprintf(sql, sizeof(sql), "PRAGMA user_version=%lld",
                 (long long)version + 1);
        if (rc == SQLITE_OK)
            rc = sqldb_exec(db, sql);
    }
    if (rc != SQLITE_OK) {
        sqldb_rollback(db);
        return rc;
    }
    *done = version >= n;
    return sqldb_commit(db);
}

int sqldb_migrate(sqldb_t *db, const sqldb_migration_t *steps, int n,
                  void *ctx, int *created)
{
    int done = 0, rc = SQLITE_OK;

    while (rc == SQLITE_OK && !done)
        rc = sqldb_migrate_step(db, steps, n, ctx, created, &done);
    return rc;
}

/* ---- open and close ----------------------------------------------------- */

int sqldb_init(sqldb_t *db, const char *path)
{
    memset(db, 0, sizeof(*db));
    db->lock_fd = -1;
    if (!path || !path[0]) {
        sqldb_set_error(db, "no database file given");
        return SQLITE_MISUSE;
    }
    if (strlen(path) >= sizeof(db->path)) {
        sqldb_set_error(db, "database path too long (%zu bytes)",
                        strlen(path));
        return SQLITE_TOOBIG;
    }
    snprintf(db->path, sizeof(db->path), "%s", path);
    return SQLITE_OK;
}

/* The file exists with mode 0600 before SQLite opens it, so what it holds
 * is never readable by others, not even for a moment. */
static int sqldb_create_private(sqldb_t *db)
{
    int fd = open(db->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0) {
        sqldb_set_error(db, "cannot create %s: %s", db->path,
                        strerror(errno));
        return SQLITE_CANTOPEN;
    }
    if (fchmod(fd, 0600) != 0) {
        sqldb_set_error(db, "cannot restrict %s: %s", db->path,
                        strerror(errno));
        (void)close(fd);
        return SQLITE_CANTOPEN;
    }
    if (close(fd) != 0) {
        sqldb_set_error(db, "cannot close %s: %s", db->path,
                        strerror(errno));
        return SQLITE_IOERR;
    }
    return SQLITE_OK;
}

/* Until the file has passed its check, closing must not checkpoint: that
 * would fold the WAL into a damaged file and delete it, and whoever
 * investigates wants both exactly as they were found. */
static int sqldb_set_close_checkpoint(sqldb_t *db, int on)
{
    return sqlite3_db_config(db->conn, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, !on,
                             (int *)NULL);
}

static int sqldb_run_quick_check(sqldb_t *db, char *check, size_t cap)
{
    char local[SQLDB_ERR_MAX];
    int rc;

    if (!check || cap == 0) {
        check = local;
        cap = sizeof(local);
    }
    rc = sqldb_set_close_checkpoint(db, 0);
    if (rc != SQLITE_OK)
        return sqldb_note(db, rc, "open");
    rc = sqldb_check(db, "quick_check", check, cap);
    if (rc != SQLITE_OK)
        return rc;
    if (strcmp(check, "ok") != 0) {
        sqldb_set_error(db, "%s: quick_check: %s", db->path, check);
        return SQLITE_CORRUPT;
    }
    rc = sqldb_set_close_checkpoint(db, 1);
    return rc == SQLITE_OK ? rc : sqldb_note(db, rc, "open");
}

static int sqldb_set_pragmas(sqldb_t *db, const sqldb_options_t *opt)
{
    char mode[SQLDB_MODE_TEXT_MAX];
    int rc = SQLITE_OK;

    if (opt->foreign_keys)
        rc = sqldb_exec(db, "PRAGMA foreign_keys=ON");
    if (rc == SQLITE_OK && opt->wal) {
        rc = sqldb_query_text(db, "PRAGMA journal_mode=WAL", mode,
                              sizeof(mode));
        if (rc == SQLITE_OK && strcmp(mode, "wal") != 0) {
            sqldb_set_error(db, "%s: WAL journal refused (got \"%s\")",
                            db->path, mode);
            return SQLITE_ERROR;
        }
    }
    if (rc == SQLITE_OK && opt->synchronous_full)
        rc = sqldb_exec(db, "PRAGMA synchronous=FULL");
    return rc;
}

/* ---- read-only media ----------------------------------------------------- */

static int sqldb_connect_as(sqldb_t *db, const char *name, int flags,
                            const sqldb_options_t *opt)
{
    char sql[SQLDB_PRAGMA_SQL_MAX];
    int rc = sqlite3_open_v2(name, &db->conn, flags, NULL);

    if (rc != SQLITE_OK)
        return sqldb_note(db, rc, "open");
    rc = sqlite3_busy_timeout(db->conn, opt->busy_timeout_ms);
    if (rc != SQLITE_OK)
        return sqldb_note(db, rc, "busy timeout");
    /* Before anything reads a page: quick_check at open reads every one,
     * and would fill SQLite's default cache (2,000 KiB) first. The cache
     * belongs to the connection, never to the file: a read-only
     * connection takes it too. The pragma reads the schema, so a file
     * that is no database fails here: said as a failed open. */
    if (opt->cache_kib > 0) {
        snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%lld",
                 (long long)opt->cache_kib);
        rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return sqldb_note(db, rc, "open");
    }
    return SQLITE_OK;
}

/* sqlite3_open_v2 opens lazily: a WAL file whose -shm cannot be made
 * fails only at the first read. */
static int sqldb_probe(sqldb_t *db)
{
    int64_t version = 0;

    return sqldb_query_int(db, "PRAGMA user_version", &version);
}

/* 1 when the directory holding the file refuses writes (a read-only
 * mount, or one this user may not write), so SQLite cannot make -shm. */
static int sqldb_dir_refuses_writes(const sqldb_t *db)
{
    char dir[SQLDB_PATH_MAX];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", db->path);
    slash = strrchr(dir, '/');
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (access(dir, W_OK) == 0)
        return 0;
    return errno == EROFS || errno == EACCES || errno == EPERM;
}

static int sqldb_copy_file(const char *from, const char *to)
{
    char buf[SQLDB_COPY_BUF];
    ssize_t n, w, off;
    int in, out, rc = 0, saved;

    in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        saved = errno;
        (void)close(in); /* read-only: nothing to lose */
        errno = saved;
        return -1;
    }
    while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno != EINTR)
                rc = -1;
            continue;
        }
        for (off = 0; rc == 0 && off < n; off += w) {
            w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno != EINTR)
                rc = -1;
            if (w < 0)
                w = 0;
        }
    }
    saved = errno;
    (void)close(in); /* read-only: nothing to lose */
    if (close(out) != 0 && rc == 0)
        rc = -1;
    else
        errno = saved;
    return rc;
}

static int sqldb_same_file_state(const struct stat *a, const struct stat *b)
{
    return a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void sqldb_remove_copy(sqldb_t *db)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[SQLDB_PATH_MAX + 32];
    size_t i;

    if (!db->copy_dir[0])
        return;
    /* A copy is ours alone; a file that cannot go stays in $TMPDIR. */
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s/" SQLDB_COPY_NAME "%s",
                 db->copy_dir, suffixes[i]);
        (void)unlink(name);
    }
    (void)rmdir(db->copy_dir);
    db->copy_dir[0] = '\0';
}

/* File and WAL into a private directory, both unchanged during the copy
 * (a medium this user may not write may still be written by the kiosk). */
static int sqldb_copy_with_wal(sqldb_t *db, const char *wal, char *copy,
                               size_t cap)
{
    char copy_wal[SQLDB_PATH_MAX + 32];
    struct stat db0, wal0, db1, wal1;
    const char *tmp = getenv("TMPDIR");
    int i;

    if (!tmp || !tmp[0])
        tmp = "/tmp";
    if ((size_t)snprintf(db->copy_dir, sizeof(db->copy_dir),
                         "%s/sipas-ro-XXXXXX", tmp) >= sizeof(db->copy_dir) ||
        !mkdtemp(db->copy_dir)) {
        sqldb_set_error(db, "%s: read-only medium: cannot make a private"
                        " copy under %s: %s", db->path, tmp, strerror(errno));
        db->copy_dir[0] = '\0';
        return SQLITE_CANTOPEN;
    }
    snprintf(copy, cap, "%s/" SQLDB_COPY_NAME, db->copy_dir);
    snprintf(copy_wal, sizeof(copy_wal), "%s-wal", copy);
    for (i = 0; i < SQLDB_COPY_TRIES; i++) {
        if (stat(db->path, &db0) != 0 || stat(wal, &wal0) != 0 ||
            sqldb_copy_file(db->path, copy) != 0 ||
            sqldb_copy_file(wal, copy_wal) != 0 ||
            stat(db->path, &db1) != 0 || stat(wal, &wal1) != 0) {
            sqldb_set_error(db, "%s: read-only medium: cannot copy it and"
                            " its WAL to %s: %s (TMPDIR may name a place"
                            " with more room)", db->path, db->copy_dir,
                            strerror(errno));
            sqldb_remove_copy(db);
            return SQLITE_CANTOPEN;
        }
        if (sqldb_same_file_state(&db0, &db1) &&
            sqldb_same_file_state(&wal0, &wal1))
            return SQLITE_OK;
    }
    sqldb_set_error(db, "%s: read-only medium: the file kept changing while"
                    " it was copied", db->path);
    sqldb_remove_copy(db);
    return SQLITE_BUSY;
}

/* "file:PATH?mode=ro&immutable=1" with PATH percent-encoded. */
static void sqldb_immutable_uri(const char *path, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = (size_t)snprintf(out, cap, "file:");
    const unsigned char *p;

    for (p = (const unsigned char *)path; *p && n + 4 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("/-._~", *p)) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    snprintf(out + n, cap - n, "?mode=ro&immutable=1");
}

/* The file on a medium that refuses writes: its WAL, when it has
 * committed transactions, is replayed from a private copy; immutable=1
 * would skip them. */
static int sqldb_connect_readonly_medium(sqldb_t *db,
                                         const sqldb_options_t *opt)
{
    char wal[SQLDB_PATH_MAX + 8], name[SQLDB_URI_MAX];
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY, rc;
    struct stat st;

    snprintf(wal, sizeof(wal), "%s-wal", db->path);
    if (stat(wal, &st) == 0 && st.st_size > 0) {
        rc = sqldb_copy_with_wal(db, wal, name, sizeof(name));
        if (rc != SQLITE_OK)
            return rc;
        db->medium = SQLDB_MEDIUM_RO_COPY;
    } else {
        sqldb_immutable_uri(db->path, name, sizeof(name));
        flags |= SQLITE_OPEN_URI;
        db->medium = SQLDB_MEDIUM_RO_IMMUTABLE;
    }
    rc = sqldb_connect_as(db, name, flags, opt);
    if (rc == SQLITE_OK)
        rc = sqldb_probe(db);
    return rc;
}

static int sqldb_connect_readonly(sqldb_t *db, const sqldb_options_t *opt)
{
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY, rc;

    rc = sqldb_connect_as(db, db->path, flags, opt);
    if (rc == SQLITE_OK)
        rc = sqldb_probe(db);
    if (rc == SQLITE_OK)
        return rc;
    if (((rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY) ||
        !sqldb_dir_refuses_writes(db))
        return rc;
    /* Closed without a checkpoint: a read-only connection makes none. */
    (void)sqlite3_close_v2(db->conn);
    db->conn = NULL;
    return sqldb_connect_readonly_medium(db, opt);
}

int sqldb_medium(const sqldb_t *db)
{
    return db ? db->medium : SQLDB_MEDIUM_WRITABLE;
}

static int sqldb_connect(sqldb_t *db, const sqldb_options_t *opt,
                         char *check, size_t cap)
{
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE, rc;

    if (opt->readonly)
        return sqldb_connect_readonly(db, opt);
    if (opt->create == SQLDB_CREATE)
        flags |= SQLITE_OPEN_CREATE;
    if (opt->create == SQLDB_CREATE_PRIVATE) {
        rc = sqldb_create_private(db);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (opt->write_lock) {
        rc = sqldb_open_lock_file(db);
        if (rc != SQLITE_OK)
            return rc;
    }
    rc = sqldb_connect_as(db, db->path, flags, opt);
    if (rc != SQLITE_OK)
        return rc;
    if (opt->quick_check) {
        rc = sqldb_run_quick_check(db, check, cap);
        if (rc != SQLITE_OK)
            return rc;
    }
    return sqldb_set_pragmas(db, opt);
}

int sqldb_open(sqldb_t *db, const sqldb_options_t *opt, char *check,
               size_t cap)
{
    static const sqldb_options_t none;
    int rc;

    if (!opt)
        opt = &none;
    if (check && cap > 0)
        check[0] = '\0';
    db->busy_timeout_ms = opt->busy_timeout_ms;
    rc = sqldb_connect(db, opt, check, cap);
    if (rc == SQLITE_OK)
        return rc;
    if (sqldb_is_damage(rc) && check && cap > 0 && !check[0] && db->conn)
        snprintf(check, cap, "%s", sqlite3_errmsg(db->conn));
    sqldb_close(db);
    return rc;
}

void sqldb_close(sqldb_t *db)
{
    char keep[SQLDB_ERR_MAX];
    int i, locked;

    if (!db)
        return;
    for (i = 0; i < db->n_stmts; i++)
        (void)sqlite3_finalize(db->stmts[i].st); /* errors seen at step */
    db->n_stmts = 0;
    if (db->conn) {
        /* The last connection to close checkpoints the WAL into the
         * file: a write, so it takes the advisory lock like any other. */
        snprintf(keep, sizeof(keep), "%s", db->err);
        locked = sqldb_take_lock(db) == SQLITE_OK;
        snprintf(db->err, sizeof(db->err), "%s", keep);
        /* Every statement is finalized, so close_v2 closes now; a void
         * close has nobody to tell otherwise. */
        (void)sqlite3_close_v2(db->conn);
        db->conn = NULL;
        if (locked)
            sqldb_drop_lock(db);
    }
    if (db->lock_fd >= 0)
        (void)close(db->lock_fd); /* only a lock file, nothing to flush */
    db->lock_fd = -1;
    db->holds_lock = 0;
    sqldb_remove_copy(db);
    db->medium = SQLDB_MEDIUM_WRITABLE;
}
