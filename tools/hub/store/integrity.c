#include "hub/store/integrity.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db/sqldb.h"

#define HUB_INTEGRITY_BUSY_MS 5000
/* How often the watcher looks at the WAL while a check runs: growth
 * comes at the pace of uploads, a few MiB a second at the very most. */
#define HUB_INTEGRITY_WATCH_MS 500
/* ... in naps this short, so the end of a check is not held up. */
#define HUB_INTEGRITY_NAP_MS 20
#define HUB_INTEGRITY_CACHE_KIB 8192 /* quick_check reads each page once */


/* Why a check stopped early. */
enum {
    HUB_INTEGRITY_GO = 0,
    HUB_INTEGRITY_ASKED = 1, /* hub_integrity_interrupt() */
    HUB_INTEGRITY_WAL = 2    /* the WAL grew past the bound */
};

struct hub_integrity {
    sqldb_t sql;
    atomic_int stop;    /* enum above */
    atomic_int running; /* a check is in progress: the watcher's cue */
    int64_t wal_start, wal_growth_max;
    char wal_path[SQLDB_PATH_MAX + 8];
};

static const char hub_integrity_sql_check[] = "PRAGMA quick_check(%d)";
/* The trail is append-only: the newest integrity row is found by walking
 * ids downwards, without an index on action. */
static const char hub_integrity_sql_last[] =
    "SELECT at, action, detail FROM audit"
    " WHERE action IN ('integrity.ok', 'integrity.failed')"
    " ORDER BY id DESC LIMIT 1";

int hub_integrity_open(const char *path, hub_integrity_t **out, char *err,
                       size_t cap)
{
    /* Read-only: the check can never change the file, and closing it
     * never checkpoints. A small cache: the pages are read once. */
    sqldb_options_t o = {
        .readonly = 1,
        .busy_timeout_ms = HUB_INTEGRITY_BUSY_MS,
        .cache_kib = HUB_INTEGRITY_CACHE_KIB,
    };
    hub_integrity_t *c;
    int rc;

    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    if (sqldb_init(&c->sql, path) != SQLITE_OK) {
        snprintf(err, cap, "%s", sqldb_last_error(&c->sql));
        free(c);
        return -1;
    }
    snprintf(c->wal_path, sizeof(c->wal_path), "%s-wal", path);
    rc = sqldb_open(&c->sql, &o, NULL, 0);
    if (rc != SQLITE_OK) {
        snprintf(err, cap, "%s", sqldb_last_error(&c->sql));
        free(c);
        return -1;
    }
    *out = c;
    return 0;
}

void hub_integrity_close(hub_integrity_t *c)
{
    if (!c)
        return;
    sqldb_close(&c->sql);
    free(c);
}

void hub_integrity_interrupt(hub_integrity_t *c)
{
    int go = HUB_INTEGRITY_GO;

    (void)atomic_compare_exchange_strong(&c->stop, &go, HUB_INTEGRITY_ASKED);
    if (c->sql.conn)
        sqlite3_interrupt(c->sql.conn);
}

int hub_integrity_find_last(hub_integrity_t *c, int64_t *at_ms, int *failed,
                            char *detail, size_t cap)
{
    sqlite3_stmt *st = sqldb_stmt(&c->sql, hub_integrity_sql_last);
    int rc;

    if (!st) {
        snprintf(detail, cap, "%s", sqldb_last_error(&c->sql));
        return -1;
    }
    rc = sqldb_next(&c->sql, st, "last integrity check");
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        snprintf(detail, cap, "%s", sqldb_last_error(&c->sql));
        return -1;
    }
    *at_ms = sqlite3_column_int64(st, 0);
    *failed = strcmp(sqldb_column_text(st, 1), "integrity.failed") == 0;
    sqldb_column_copy(st, 2, detail, cap);
    sqldb_release(st);
    return 1;
}

/* Size of the WAL file, 0 when there is none. stat() and never open():
 * closing any descriptor of a file drops every POSIX lock this process
 * holds on it, SQLite's read locks on -shm and -wal included, and a
 * checkpoint would then overwrite pages under the check's snapshot.
 * The size stands for the growth because, while the check holds its
 * snapshot, the WAL cannot start over: new frames go after the valid
 * ones, filling at most what was left of the file (journal_size_limit
 * keeps that under 64 MiB) before making it longer. */
static int64_t hub_integrity_get_wal_size(const hub_integrity_t *c)
{
    struct stat st;

    return stat(c->wal_path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static void hub_integrity_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The watcher: quick_check is one long step inside SQLite, so the bound on
 * the WAL is kept from beside it, with sqlite3_interrupt(), which SQLite
 * allows from another thread while the connection is open. */
static void *hub_integrity_watch_wal(void *arg)
{
    hub_integrity_t *c = arg;
    int go, napped;

    while (atomic_load(&c->running)) {
        for (napped = 0; napped < HUB_INTEGRITY_WATCH_MS &&
                         atomic_load(&c->running);
             napped += HUB_INTEGRITY_NAP_MS)
            hub_integrity_sleep_ms(HUB_INTEGRITY_NAP_MS);
        if (!atomic_load(&c->running))
            break;
        if (hub_integrity_get_wal_size(c) - c->wal_start <= c->wal_growth_max)
            continue;
        go = HUB_INTEGRITY_GO;
        if (atomic_compare_exchange_strong(&c->stop, &go, HUB_INTEGRITY_WAL))
            sqlite3_interrupt(c->sql.conn);
        break;
    }
    return NULL;
}

/* Appends the lines of one row of quick_check's answer to text: SQLite
 * gives a database's problems as one row of lines, headed by "*** in
 * database main ***", which is not a problem. At most
 * HUB_INTEGRITY_LINES_MAX lines in all, capped to cap. */
static void hub_integrity_add_row(char *text, size_t cap, const char *row,
                                  int *lines, int *problems)
{
    const char *p = row, *end;
    size_t n, len;

    while (*p) {
        end = strchr(p, '\n');
        len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0 && strncmp(p, "*** ", 4) != 0) {
            if (len != 2 || strncmp(p, "ok", 2) != 0)
                (*problems)++;
            n = strlen(text);
            if (*lines < HUB_INTEGRITY_LINES_MAX && n + 2 < cap) {
                snprintf(text + n, cap - n, "%s%.*s", n ? "\n" : "",
                         (int)len, p);
                (*lines)++;
            }
        }
        p += len;
        if (*p == '\n')
            p++;
    }
}

static hub_integrity_verdict_t hub_integrity_say_stopped(hub_integrity_t *c,
                                                     char *text, size_t cap)
{
    if (atomic_load(&c->stop) == HUB_INTEGRITY_WAL)
        snprintf(text, cap, "interrupted: the WAL grew by more than %lld MiB"
                 " while the check held it", (long long)(c->wal_growth_max >>
                                                          20));
    else
        snprintf(text, cap, "interrupted");
    return HUB_INTEGRITY_INTERRUPTED;
}

/* Steps quick_check's rows into text: "ok" alone, or problems. */
static int hub_integrity_step_check(hub_integrity_t *c, char *text, size_t cap,
                              int *problems)
{
    char sql[sizeof(hub_integrity_sql_check) + 16];
    sqlite3_stmt *st = NULL;
    const char *row;
    int rc, lines = 0;

    snprintf(sql, sizeof(sql), hub_integrity_sql_check,
             HUB_INTEGRITY_LINES_MAX);
    rc = sqlite3_prepare_v2(c->sql.conn, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    text[0] = '\0';
    *problems = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        row = (const char *)sqlite3_column_text(st, 0);
        if (row)
            hub_integrity_add_row(text, cap, row, &lines, problems);
    }
    (void)sqlite3_finalize(st); /* the step's result is the one that counts */
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

hub_integrity_verdict_t hub_integrity_run(hub_integrity_t *c,
                                          int64_t wal_growth_max, char *text,
                                          size_t cap)
{
    pthread_t watcher;
    int watching = 0, rc, problems = 0;

    if (cap == 0)
        return HUB_INTEGRITY_ERROR;
    if (atomic_load(&c->stop) != HUB_INTEGRITY_GO)
        return hub_integrity_say_stopped(c, text, cap);
    c->wal_start = hub_integrity_get_wal_size(c);
    c->wal_growth_max = wal_growth_max;
    atomic_store(&c->running, 1);
    if (wal_growth_max > 0)
        watching = pthread_create(&watcher, NULL, hub_integrity_watch_wal,
                                  c) == 0;
    rc = hub_integrity_step_check(c, text, cap, &problems);
    atomic_store(&c->running, 0);
    if (watching)
        (void)pthread_join(watcher, NULL); /* joinable, ours: cannot fail */
    /* An interrupt can cut the check short without an error code; the
     * flag is what says it was not whole. */
    if (atomic_load(&c->stop) != HUB_INTEGRITY_GO ||
        (rc & 0xff) == SQLITE_INTERRUPT)
        return hub_integrity_say_stopped(c, text, cap);
    if (sqldb_is_damage(rc)) {
        /* A file too damaged to read at all is a failed check. */
        snprintf(text, cap, "%s", sqlite3_errmsg(c->sql.conn));
        return HUB_INTEGRITY_FAILED;
    }
    if (rc != SQLITE_OK) {
        snprintf(text, cap, "cannot check: %s", sqlite3_errmsg(c->sql.conn));
        return HUB_INTEGRITY_ERROR;
    }
    if (problems == 0 && strcmp(text, "ok") == 0)
        return HUB_INTEGRITY_OK;
    if (!text[0])
        snprintf(text, cap, "quick_check gave no answer");
    return HUB_INTEGRITY_FAILED;
}
