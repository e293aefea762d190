#include "store.h"

#include "core/config.h"
#include "core/hex.h"
#include "core/vntime.h"
#include "db/sqldb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Longest suffix a damaged file may get: ".corrupt-YYYYmmdd-HHMMSS-NNN"
 * plus "-wal"; checked once at open so recovery can always name files. */
#define STORE_SUFFIX_ROOM 48
#define STORE_BUSY_TIMEOUT_MS 5000
#define STORE_INSTALL_ID_BYTES 16
#define STORE_RENAME_TRIES 100

/* Statements prepared once per handle, on first use: a commit at the
 * counter must not pay for parsing SQL. */
enum store_stmt_id {
    STMT_INSERT_RESPONSE,
    STMT_INSERT_ANSWER,
    STMT_DOSSIER_RATED,
    STMT_STATE_GET,
    STMT_STATE_SET,
    STMT_STATE_DELETE,
    STMT_AUDIT,
    STMT_EACH_ROW,
    STMT_EACH_AUDIT,
    STMT_RECENT_FINISHES,
    STMT_STATS_COUNTS,
    STMT_STATS_LAST,
    STMT_STATS_MONTH,
    STMT_SYNC_RESPONSES,
    STMT_SYNC_ANSWERS,
    STMT_SYNC_PENDING,
    STMT_SYNC_PENDING_TESTS,
    STMT_SYNC_SYNCED_READING,
    STMT_PRUNE_ANSWERS,
    STMT_PRUNE_RESPONSES,
    STMT_COUNT
};

/* The kiosk's own counts of real ratings leave the tests out (made before
 * enrollment, never uploaded): they are counted apart, so a technician
 * sees both. TEST is the expression that tells a test row. */
#define STORE_STATS_COUNTS(TEST)                                             \
    "SELECT count(*),"                                                       \
    " coalesce(sum(partial = 0 AND suppressed = 0 AND NOT " TEST "), 0),"    \
    " coalesce(sum(partial <> 0 AND NOT " TEST "), 0),"                      \
    " coalesce(sum(suppressed <> 0 AND NOT " TEST "), 0),"                   \
    " coalesce(sum(recorded_at >= ?1 AND recorded_at < ?2 AND NOT " TEST     \
    "), 0),"                                                                 \
    " coalesce(sum(" TEST "), 0),"                                           \
    " coalesce(sum(recorded_at >= ?1 AND recorded_at < ?2 AND " TEST "), 0)" \
    " FROM responses"
#define STORE_PENDING_TESTS(TEST)                                            \
    "SELECT count(*) FROM responses WHERE seq > ?1 AND " TEST
/* The public figure counts only overall answers on the 1..5 SIPAS scale
 * of real ratings; the per-dossier instrument scores 0..2 and is kept
 * apart. */
#define STORE_STATS_MONTH(TEST)                                              \
    "SELECT count(*), coalesce(sum(a.value >= 4), 0)"                        \
    " FROM answers a JOIN responses r ON r.seq = a.seq"                      \
    " WHERE a.element = 'overall' AND a.value BETWEEN 1 AND 5"               \
    " AND r.instrument <> 'c01-counter'"                                     \
    " AND r.partial = 0 AND r.suppressed = 0 AND NOT " TEST                  \
    " AND r.recorded_at >= ?1 AND r.recorded_at < ?2"

static const char *const store_stmt_sql[STMT_COUNT] = {
    [STMT_INSERT_RESPONSE] =
        "INSERT INTO responses(install_id, recorded_at, boot_ms, boot_id,"
        " clock_synced, unit, counter, field, dossier, officer, lang,"
        " instrument, instrument_version, partial, suppressed, duration_ms,"
        " test)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, ?16, ?17)",
    [STMT_INSERT_ANSWER] =
        "INSERT INTO answers(seq, ord, question, element, value, code)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
    [STMT_DOSSIER_RATED] =
        "SELECT EXISTS(SELECT 1 FROM responses WHERE dossier = ?1)",
    [STMT_STATE_GET] = "SELECT value FROM state WHERE key = ?1",
    [STMT_STATE_SET] =
        "INSERT INTO state(key, value) VALUES(?1, ?2)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    [STMT_STATE_DELETE] = "DELETE FROM state WHERE key = ?1",
    [STMT_AUDIT] = "INSERT INTO audit(at, kind, detail) VALUES(?1, ?2, ?3)",
    [STMT_EACH_ROW] =
        "SELECT r.seq, r.install_id, r.recorded_at, r.clock_synced,"
        " r.boot_id, r.unit, r.counter, r.field, r.dossier, r.officer,"
        " r.lang, r.instrument, r.instrument_version, r.partial,"
        " r.suppressed, a.question, a.element, a.value, a.code, r.test,"
        " r.boot_ms"
        " FROM responses r JOIN answers a ON a.seq = r.seq"
        " WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2"
        " ORDER BY r.seq, a.ord",
    [STMT_EACH_AUDIT] =
        "SELECT id, at, kind, detail FROM"
        " (SELECT id, at, kind, detail FROM audit ORDER BY id DESC LIMIT ?1)"
        " ORDER BY id",
    [STMT_RECENT_FINISHES] =
        "SELECT boot_ms FROM"
        " (SELECT seq, boot_ms FROM responses WHERE boot_id = ?1"
        "  AND partial = 0 AND suppressed = 0 ORDER BY seq DESC LIMIT ?2)"
        " ORDER BY seq",
    [STMT_STATS_COUNTS] =
        STORE_STATS_COUNTS("(test <> 0)"),
    [STMT_STATS_LAST] =
        "SELECT seq, recorded_at FROM responses ORDER BY seq DESC LIMIT 1",
    #define STORE_PENDING_TESTS(TEST)                                            \
    "SELECT count(*) FROM responses WHERE seq > ?1 AND " TEST
/* The public figure counts only overall answers on the 1..5 SIPAS
     * scale; the per-dossier instrument scores 0..2 and is kept apart. */
    [STMT_STATS_MONTH] = STORE_STATS_MONTH("(r.test <> 0)"),
    [STMT_SYNC_RESPONSES] =
        "SELECT seq, recorded_at, boot_ms, boot_id, clock_synced, unit,"
        " counter, field, dossier, officer, lang, instrument,"
        " instrument_version, partial, suppressed, duration_ms, test"
        " FROM responses WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
    [STMT_SYNC_ANSWERS] =
        "SELECT question, element, value, code FROM answers"
        " WHERE seq = ?1 ORDER BY ord",
    [STMT_SYNC_PENDING_TESTS] = STORE_PENDING_TESTS("(test <> 0)"),
    [STMT_SYNC_PENDING] =
        "SELECT count(*), coalesce(max(seq), 0) FROM responses WHERE seq > ?1",
    /* The first synchronised reading of a boot anchors its other ones. */
    [STMT_SYNC_SYNCED_READING] =
        "SELECT recorded_at, boot_ms FROM responses"
        " WHERE boot_id = ?1 AND clock_synced = 1 ORDER BY seq LIMIT 1",
    /* Both deletes pick the same oldest rows: same criteria, same order,
     * one transaction. */
    [STMT_PRUNE_ANSWERS] =
        "DELETE FROM answers WHERE seq IN (SELECT seq FROM responses"
        " WHERE recorded_at < ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3)",
    [STMT_PRUNE_RESPONSES] =
        "DELETE FROM responses WHERE seq IN (SELECT seq FROM responses"
        " WHERE recorded_at < ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3)",
};

/* A database of schema version 1 has no test column: a tool reading it
 * (the kiosk has not run since the update, or its card is read-only)
 * takes the rule of the migration below instead. Only the statements
 * that read the flag need a second text. */
#define STORE_TEST_V1(prefix) "(" prefix "unit IS '" CONFIG_DEMO_UNIT "')"
static const char *const store_stmt_sql_v1[STMT_COUNT] = {
    [STMT_EACH_ROW] =
        "SELECT r.seq, r.install_id, r.recorded_at, r.clock_synced,"
        " r.boot_id, r.unit, r.counter, r.field, r.dossier, r.officer,"
        " r.lang, r.instrument, r.instrument_version, r.partial,"
        " r.suppressed, a.question, a.element, a.value, a.code, "
        STORE_TEST_V1("r.") ", r.boot_ms"
        " FROM responses r JOIN answers a ON a.seq = r.seq"
        " WHERE r.recorded_at >= ?1 AND r.recorded_at < ?2"
        " ORDER BY r.seq, a.ord",
    [STMT_STATS_COUNTS] =
        STORE_STATS_COUNTS(STORE_TEST_V1("")),
    [STMT_STATS_MONTH] = STORE_STATS_MONTH(STORE_TEST_V1("r.")),
    [STMT_SYNC_PENDING_TESTS] = STORE_PENDING_TESTS(STORE_TEST_V1("")),
    [STMT_SYNC_RESPONSES] =
        "SELECT seq, recorded_at, boot_ms, boot_id, clock_synced, unit,"
        " counter, field, dossier, officer, lang, instrument,"
        " instrument_version, partial, suppressed, duration_ms, "
        STORE_TEST_V1("")
        " FROM responses WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
};

/* Schema versions, applied in order, each in its own transaction that
 * also bumps PRAGMA user_version; a later version appends an entry and
 * never edits an old one. */
static const char store_schema_v1[] =
    "CREATE TABLE meta("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"
    "CREATE TABLE responses("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " install_id TEXT NOT NULL,"
    " recorded_at INTEGER NOT NULL,"
    " boot_ms INTEGER NOT NULL,"
    " boot_id TEXT,"
    " clock_synced INTEGER NOT NULL DEFAULT 0,"
    " unit TEXT, counter TEXT, field TEXT, dossier TEXT, officer TEXT,"
    " lang TEXT,"
    " instrument TEXT NOT NULL,"
    " instrument_version INTEGER NOT NULL DEFAULT 0,"
    " partial INTEGER NOT NULL DEFAULT 0,"
    " suppressed INTEGER NOT NULL DEFAULT 0,"
    " duration_ms INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE answers("
    " seq INTEGER NOT NULL REFERENCES responses(seq),"
    " ord INTEGER NOT NULL,"
    " question TEXT NOT NULL,"
    " element TEXT,"
    " value INTEGER NOT NULL DEFAULT 0,"
    " code TEXT,"
    " PRIMARY KEY(seq, ord));"
    "CREATE INDEX responses_dossier ON responses(dossier);"
    "CREATE INDEX responses_recorded_at ON responses(recorded_at);"
    "CREATE TABLE state("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"
    "CREATE TABLE audit("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " detail TEXT NOT NULL DEFAULT '');";

/* Version 2: whether a response was recorded before the kiosk was
 * enrolled (a test, never counted). Before the flag existed such a
 * response could only be told by the demo unit it carries. */
static const char store_schema_v2[] =
    "ALTER TABLE responses ADD COLUMN test INTEGER NOT NULL DEFAULT 0;"
    "UPDATE responses SET test = 1 WHERE unit IS '" CONFIG_DEMO_UNIT "';";

struct store {
    sqldb_t sql; /* names kiosk.db and keeps its error text */
    int readonly;
    int schema;    /* PRAGMA user_version as opened */
    char dir[STORE_PATH_MAX];
    char install_id[STORE_ID_MAX];
    int64_t (*wall_ms)(void *ctx); /* store_options_t's clock, or NULL */
    void *wall_ctx;
};

static int store_seed_meta(sqldb_t *db, void *ctx);

/* The text of statement id for the schema s was opened with. */
static const char *store_sql(const store_t *s, enum store_stmt_id id)
{
    if (s->schema == 1 && store_stmt_sql_v1[id])
        return store_stmt_sql_v1[id];
    return store_stmt_sql[id];
}

/* Each with the data its schema needs, seeded in the same transaction. */
static const sqldb_migration_t store_migrations[] = {
    {store_schema_v1, store_seed_meta},
    {store_schema_v2, NULL},
};

#define STORE_SCHEMA_VERSION \
    ((int)(sizeof(store_migrations) / sizeof(store_migrations[0])))

/* A failed open has no handle to ask, so its reason is kept here. */
static _Thread_local char store_open_failure[SQLDB_ERR_MAX];

/* ---- errors ---------------------------------------------------------- */

static int store_map_rc(int rc)
{
    if ((rc & 0xff) == SQLITE_FULL)
        return STORE_FULL;
    if (sqldb_is_damage(rc))
        return STORE_CORRUPT;
    return STORE_ERROR;
}

const char *store_last_error(const store_t *s)
{
    return s ? sqldb_last_error(&s->sql) : store_open_failure;
}

/* ---- small OS pieces ------------------------------------------------- */

static int64_t store_now_ms(const store_t *s)
{
    struct timespec ts;

    if (s->wall_ms)
        return s->wall_ms(s->wall_ctx);
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int store_make_dirs(store_t *s, const char *dir)
{
    char buf[STORE_PATH_MAX];
    struct stat st;
    size_t i, len;

    len = strlen(dir);
    if (len == 0 || len >= sizeof(buf)) {
        sqldb_set_error(&s->sql, "bad data directory \"%s\"", dir);
        return STORE_ERROR;
    }
    memcpy(buf, dir, len + 1);
    for (i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST) {
            sqldb_set_error(&s->sql, "cannot create %s: %s", buf,
                            strerror(errno));
            return STORE_ERROR;
        }
        buf[i] = dir[i];
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        sqldb_set_error(&s->sql, "%s is not a directory", dir);
        return STORE_ERROR;
    }
    return STORE_OK;
}

/* A rename is only durable once the directory entry reaches the card. */
static int store_sync_dir(store_t *s)
{
    int fd, rc;

    fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        sqldb_set_error(&s->sql, "cannot open %s: %s", s->dir,
                        strerror(errno));
        return STORE_ERROR;
    }
    rc = fsync(fd);
    if (rc != 0)
        sqldb_set_error(&s->sql, "cannot sync %s: %s", s->dir,
                        strerror(errno));
    if (close(fd) != 0 && rc == 0) {
        sqldb_set_error(&s->sql, "cannot close %s: %s", s->dir,
                        strerror(errno));
        rc = -1;
    }
    return rc == 0 ? STORE_OK : STORE_ERROR;
}

static int store_fill_random_hex(char *out, size_t cap)
{
    unsigned char raw[STORE_INSTALL_ID_BYTES];
    size_t got = 0;
    ssize_t n;

    if (cap < 2 * sizeof(raw) + 1)
        return -1;
    while (got < sizeof(raw)) {
        n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    hex_encode(raw, sizeof(raw), out);
    return 0;
}

static int64_t store_file_size(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return 0;
    return (int64_t)st.st_size;
}

/* ---- handle life ----------------------------------------------------- */

static store_t *store_alloc(const char *dir, int readonly)
{
    char path[STORE_PATH_MAX];
    store_t *s;
    size_t len;

    if (!dir || !dir[0]) {
        snprintf(store_open_failure, sizeof(store_open_failure),
                 "no data directory given");
        return NULL;
    }
    len = strlen(dir);
    if (len + sizeof("/" STORE_DB_NAME) + STORE_SUFFIX_ROOM > STORE_PATH_MAX) {
        snprintf(store_open_failure, sizeof(store_open_failure),
                 "data directory path too long (%zu bytes)", len);
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(store_open_failure, sizeof(store_open_failure),
                 "out of memory");
        return NULL;
    }
    s->readonly = readonly;
    snprintf(s->dir, sizeof(s->dir), "%s", dir);
    snprintf(path, sizeof(path), "%s/%s", dir, STORE_DB_NAME);
    /* Fits: checked against STORE_PATH_MAX above. */
    (void)sqldb_init(&s->sql, path);
    return s;
}

/* The store's names for sqldb's values, so sync.db's handle can answer
 * in the same terms without a table of its own. */
_Static_assert((int)STORE_MEDIUM_IN_PLACE == (int)SQLDB_MEDIUM_WRITABLE &&
                   (int)STORE_MEDIUM_RO_COPY == (int)SQLDB_MEDIUM_RO_COPY &&
                   (int)STORE_MEDIUM_RO_IMMUTABLE ==
                       (int)SQLDB_MEDIUM_RO_IMMUTABLE,
               "enum store_medium mirrors enum sqldb_medium");

int store_medium(const store_t *s)
{
    return s ? sqldb_medium(&s->sql) : STORE_MEDIUM_IN_PLACE;
}

const char *store_medium_text(int medium)
{
    switch (medium) {
    case STORE_MEDIUM_RO_COPY:
        return "read-only medium: read from a private copy of the database"
               " and its WAL, so no committed rating is missed";
    case STORE_MEDIUM_RO_IMMUTABLE:
        return "read-only medium: the database has no WAL and is read as"
               " it is";
    default:
        return "";
    }
}

void store_close(store_t *s)
{
    if (!s)
        return;
    sqldb_close(&s->sql);
    free(s);
}

/* Ends a failed open: the reason outlives the handle. */
static int store_fail_open(store_t *s, int rc)
{
    snprintf(store_open_failure, sizeof(store_open_failure), "%s",
             sqldb_last_error(&s->sql));
    store_close(s);
    return rc;
}

/* ---- read-write open: connect, check, recover ------------------------ */

/* The one writer: checked before use, WAL, and synchronous=FULL since
 * NORMAL can lose acknowledged transactions on power loss. */
static const sqldb_options_t store_rw_options = {
    .create = SQLDB_CREATE,
    .busy_timeout_ms = STORE_BUSY_TIMEOUT_MS,
    .quick_check = 1,
    .foreign_keys = 1,
    .wal = 1,
    .synchronous_full = 1,
};

static const sqldb_options_t store_ro_options = {
    .readonly = 1,
    .busy_timeout_ms = STORE_BUSY_TIMEOUT_MS,
};

/* STORE_CORRUPT means "move it aside"; anything else that fails is
 * STORE_ERROR and leaves the file alone (a busy or unreadable card is not
 * a reason to discard acknowledged responses). */
static int store_connect_rw(store_t *s, char *check, size_t cap)
{
    int rc = sqldb_open(&s->sql, &store_rw_options, check, cap);

    return rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
}

static int store_rename_if_there(store_t *s, const char *from, const char *to)
{
    if (rename(from, to) == 0 || errno == ENOENT)
        return STORE_OK;
    sqldb_set_error(&s->sql, "cannot move %s to %s: %s", from, to,
                    strerror(errno));
    return STORE_ERROR;
}

/* Picks kiosk.db.corrupt-<stamp>[-N], a name no earlier recovery used. */
static int store_pick_aside_name(store_t *s, char *out, size_t cap)
{
    char stamp[VNTIME_STAMP_MAX];
    int i, n;

    if (vntime_format_stamp(store_now_ms(s), stamp, sizeof(stamp)) != 0)
        snprintf(stamp, sizeof(stamp), "unknown");
    for (i = 1; i <= STORE_RENAME_TRIES; i++) {
        if (i == 1)
            n = snprintf(out, cap, "%s.corrupt-%s", s->sql.path, stamp);
        else
            n = snprintf(out, cap, "%s.corrupt-%s-%d", s->sql.path, stamp, i);
        if (n < 0 || (size_t)n >= cap)
            break;
        if (access(out, F_OK) != 0 && errno == ENOENT)
            return STORE_OK;
    }
    sqldb_set_error(&s->sql, "no free name to move %s aside", s->sql.path);
    return STORE_ERROR;
}

/* The -wal and -shm files belong to the damaged file; left behind, SQLite
 * would try to replay them into the fresh one. */
static int store_move_aside(store_t *s, char *moved_to, size_t cap)
{
    static const char *const suffixes[] = {"-wal", "-shm"};
    char from[STORE_PATH_MAX + 8], to[STORE_PATH_MAX + 8];
    size_t i;
    int rc;

    rc = store_pick_aside_name(s, moved_to, cap);
    if (rc == STORE_OK)
        rc = store_rename_if_there(s, s->sql.path, moved_to);
    for (i = 0; rc == STORE_OK && i < sizeof(suffixes) / sizeof(*suffixes);
         i++) {
        snprintf(from, sizeof(from), "%s%s", s->sql.path, suffixes[i]);
        snprintf(to, sizeof(to), "%s%s", moved_to, suffixes[i]);
        rc = store_rename_if_there(s, from, to);
    }
    if (rc == STORE_OK)
        rc = store_sync_dir(s);
    return rc;
}

/* ---- schema ---------------------------------------------------------- */

static int store_seed_meta(sqldb_t *db, void *ctx)
{
    static const char sql[] = "INSERT INTO meta(key, value) VALUES"
                              " ('install_id', ?1), ('created_at', ?2)";
    char id[2 * STORE_INSTALL_ID_BYTES + 1], created[32];
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    if (store_fill_random_hex(id, sizeof(id)) != 0) {
        sqldb_set_error(db, "getrandom: %s", strerror(errno));
        return SQLITE_ERROR;
    }
    snprintf(created, sizeof(created), "%lld", (long long)store_now_ms(ctx));
    st = sqldb_stmt(db, sql);
    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_text(st, 1, id, &rc);
    sqldb_bind_text(st, 2, created, &rc);
    return sqldb_run(db, st, rc, "seed meta");
}

/* Every table the schema made, missing ones named in a comma list. */
static const char store_sql_missing_tables[] =
    "SELECT group_concat(t.name, ', ') FROM (SELECT 'meta' AS name"
    " UNION ALL SELECT 'responses' UNION ALL SELECT 'answers'"
    " UNION ALL SELECT 'state' UNION ALL SELECT 'audit') AS t"
    " WHERE t.name NOT IN"
    " (SELECT name FROM sqlite_master WHERE type = 'table')";

/* A file that passes quick_check can still lack a table: every write
 * would then fail for ever, which is a fault to report, not a pause. */
static int store_check_tables(store_t *s)
{
    char missing[STORE_TEXT_MAX];
    int rc = sqldb_query_text(&s->sql, store_sql_missing_tables, missing,
                              sizeof(missing));

    if (rc != SQLITE_OK)
        return store_map_rc(rc);
    if (missing[0]) {
        sqldb_set_error(&s->sql, "%s has lost part of its schema (table %s"
                        " missing): replace the database", s->sql.path,
                        missing);
        return STORE_SCHEMA;
    }
    return STORE_OK;
}

static int store_load_install_id(store_t *s)
{
    int rc = sqldb_query_text(
        &s->sql, "SELECT value FROM meta WHERE key = 'install_id'",
        s->install_id, sizeof(s->install_id));

    if (rc != SQLITE_OK)
        return store_map_rc(rc);
    if (!s->install_id[0]) {
        sqldb_set_error(&s->sql, "%s has no install id", s->sql.path);
        return STORE_CORRUPT;
    }
    return STORE_OK;
}

static int store_start_rw(store_t *s, const store_options_t *opt,
                          store_open_report_t *report)
{
    char fresh[STORE_TEXT_MAX];
    char detail[STORE_PATH_MAX + STORE_TEXT_MAX + 64];
    int rc;

    rc = store_connect_rw(s, report->check, sizeof(report->check));
    if (rc == STORE_CORRUPT) {
        rc = store_move_aside(s, report->moved_to, sizeof(report->moved_to));
        if (rc != STORE_OK)
            return rc;
        report->recovered = 1;
        rc = store_connect_rw(s, fresh, sizeof(fresh));
        /* A second damaged file right after a move means the card itself
         * is failing: report it, never loop. */
        if (rc == STORE_CORRUPT)
            rc = STORE_ERROR;
    }
    if (rc == STORE_OK) {
        rc = sqldb_migrate(&s->sql, store_migrations, STORE_SCHEMA_VERSION, s,
                           &report->created);
        rc = rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
        s->schema = STORE_SCHEMA_VERSION;
    }
    if (rc == STORE_OK)
        rc = store_check_tables(s);
    if (rc == STORE_OK)
        rc = store_load_install_id(s);
    /* The cap goes on after the schema exists: a technician's limit is
     * about responses, and a kiosk that cannot even create its tables
     * helps nobody. */
    if (rc == STORE_OK &&
        sqldb_cap_size(&s->sql, opt ? opt->max_db_bytes : 0) != SQLITE_OK)
        rc = STORE_ERROR;
    if (rc == STORE_OK && report->recovered) {
        snprintf(detail, sizeof(detail), "damaged database moved to %s: %s",
                 report->moved_to, report->check);
        rc = store_audit(s, store_now_ms(s), "recovered", detail);
    }
    return rc;
}

int store_open(const char *dir, const store_options_t *opt, store_t **out,
               store_open_report_t *report)
{
    store_open_report_t scratch;
    store_t *s;
    int rc;

    if (!report)
        report = &scratch;
    memset(report, 0, sizeof(*report));
    if (!out) {
        snprintf(store_open_failure, sizeof(store_open_failure),
                 "store_open: no place for the handle");
        return STORE_ERROR;
    }
    *out = NULL;
    s = store_alloc(dir, 0);
    if (!s)
        return STORE_ERROR;
    if (opt) {
        s->wall_ms = opt->wall_ms;
        s->wall_ctx = opt->wall_ctx;
    }
    rc = store_make_dirs(s, dir);
    if (rc == STORE_OK)
        rc = store_start_rw(s, opt, report);
    if (rc != STORE_OK)
        return store_fail_open(s, rc);
    *out = s;
    return STORE_OK;
}

/* ---- read-only open -------------------------------------------------- */

static int store_find_file(store_t *s)
{
    struct stat st;

    if (stat(s->sql.path, &st) != 0) {
        sqldb_set_error(&s->sql, "no kiosk database in %s", s->dir);
        return (errno == ENOENT || errno == ENOTDIR) ? STORE_MISSING
                                                     : STORE_ERROR;
    }
    if (!S_ISREG(st.st_mode)) {
        sqldb_set_error(&s->sql, "%s is not a regular file", s->sql.path);
        return STORE_ERROR;
    }
    return STORE_OK;
}

static int store_connect_ro(store_t *s)
{
    int64_t version = 0;
    int rc;

    rc = sqldb_open(&s->sql, &store_ro_options, NULL, 0);
    if (rc == SQLITE_OK)
        rc = sqldb_query_int(&s->sql, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK)
        return store_map_rc(rc);
    if (version == 0) {
        sqldb_set_error(&s->sql, "%s holds no kiosk data yet", s->sql.path);
        return STORE_MISSING;
    }
    s->schema = (int)version;
    rc = store_check_tables(s);
    return rc == STORE_OK ? store_load_install_id(s) : rc;
}

int store_open_readonly(const char *dir, store_t **out)
{
    store_t *s;
    int rc;

    if (!out) {
        snprintf(store_open_failure, sizeof(store_open_failure),
                 "store_open_readonly: no place for the handle");
        return STORE_ERROR;
    }
    *out = NULL;
    s = store_alloc(dir, 1);
    if (!s)
        return STORE_ERROR;
    rc = store_find_file(s);
    if (rc == STORE_OK)
        rc = store_connect_ro(s);
    if (rc != STORE_OK)
        return store_fail_open(s, rc);
    *out = s;
    return STORE_OK;
}

/* ---- responses ------------------------------------------------------- */

static int store_check_response(store_t *s, const store_response_t *r)
{
    int i;

    if (s->readonly) {
        sqldb_set_error(&s->sql, "database opened read-only");
        return STORE_ERROR;
    }
    if (!r || !r->instrument || r->n_answers < 0 ||
        (r->n_answers > 0 && !r->answers)) {
        sqldb_set_error(&s->sql, "incomplete response record");
        return STORE_ERROR;
    }
    for (i = 0; i < r->n_answers; i++) {
        if (!r->answers[i].question) {
            sqldb_set_error(&s->sql, "answer %d names no question", i);
            return STORE_ERROR;
        }
    }
    return STORE_OK;
}

static int store_insert_response(store_t *s, const store_response_t *r)
{
    sqlite3_stmt *st =
        sqldb_stmt(&s->sql, store_sql(s, STMT_INSERT_RESPONSE));
    int rc = SQLITE_OK;

    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_text(st, 1, s->install_id, &rc);
    sqldb_bind_int64(st, 2, r->wall_ms, &rc);
    sqldb_bind_int64(st, 3, r->boot_ms, &rc);
    sqldb_bind_text(st, 4, r->boot_id, &rc);
    sqldb_bind_int64(st, 5, r->clock_synced != 0, &rc);
    sqldb_bind_text(st, 6, r->unit, &rc);
    sqldb_bind_text(st, 7, r->counter, &rc);
    sqldb_bind_text(st, 8, r->field, &rc);
    sqldb_bind_text(st, 9, r->dossier, &rc);
    sqldb_bind_text(st, 10, r->officer, &rc);
    sqldb_bind_text(st, 11, r->lang, &rc);
    sqldb_bind_text(st, 12, r->instrument, &rc);
    sqldb_bind_int64(st, 13, r->instrument_version, &rc);
    sqldb_bind_int64(st, 14, r->partial != 0, &rc);
    sqldb_bind_int64(st, 15, r->suppressed, &rc);
    sqldb_bind_int64(st, 16, r->duration_ms, &rc);
    sqldb_bind_int64(st, 17, r->test != 0, &rc);
    return sqldb_run(&s->sql, st, rc, "insert response");
}

static int store_insert_answer(store_t *s, int64_t seq, int ord,
                               const store_answer_t *a)
{
    sqlite3_stmt *st = sqldb_stmt(&s->sql, store_sql(s, STMT_INSERT_ANSWER));
    int rc = SQLITE_OK;

    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_int64(st, 1, seq, &rc);
    sqldb_bind_int64(st, 2, ord, &rc);
    sqldb_bind_text(st, 3, a->question, &rc);
    sqldb_bind_text(st, 4, a->element, &rc);
    sqldb_bind_int64(st, 5, a->value, &rc);
    sqldb_bind_text(st, 6, a->code, &rc);
    return sqldb_run(&s->sql, st, rc, "insert answer");
}

static int store_write_response(store_t *s, const store_response_t *r,
                                int64_t *seq)
{
    int64_t rowid;
    int i, rc;

    rc = store_insert_response(s, r);
    if (rc != SQLITE_OK)
        return rc;
    rowid = sqlite3_last_insert_rowid(s->sql.conn);
    for (i = 0; rc == SQLITE_OK && i < r->n_answers; i++)
        rc = store_insert_answer(s, rowid, i, &r->answers[i]);
    *seq = rowid;
    return rc;
}

int store_commit_response(store_t *s, const store_response_t *r,
                          int64_t *seq)
{
    int64_t rowid = 0;
    int rc;

    if (!s || !seq)
        return STORE_ERROR;
    rc = store_check_response(s, r);
    if (rc != STORE_OK)
        return rc;
    rc = sqldb_begin_write(&s->sql);
    if (rc == SQLITE_OK)
        rc = store_write_response(s, r, &rowid);
    /* synchronous=FULL: COMMIT returns after the WAL is fsync'd. */
    if (rc == SQLITE_OK)
        rc = sqldb_commit(&s->sql);
    if (rc != SQLITE_OK) {
        sqldb_rollback(&s->sql);
        rc = store_map_rc(rc);
        /* A table dropped while the kiosk runs fails every commit alike. */
        return rc == STORE_ERROR && store_check_tables(s) == STORE_SCHEMA
                   ? STORE_SCHEMA
                   : rc;
    }
    *seq = rowid;
    return STORE_OK;
}

/* ---- small reads and writes ------------------------------------------ */

int store_dossier_rated(store_t *s, const char *dossier)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK, found = 0;

    if (!s || !dossier || !dossier[0])
        return 0;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_DOSSIER_RATED));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_text(st, 1, dossier, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        found = sqlite3_column_int(st, 0) != 0;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        (void)sqldb_note(&s->sql, rc, "dossier lookup");
    sqldb_release(st);
    return rc == SQLITE_OK ? found : store_map_rc(rc);
}

static int store_copy_value(store_t *s, const char *v, char *buf, size_t cap)
{
    size_t len = strlen(v);

    if (len >= cap) {
        sqldb_set_error(&s->sql,
                        "stored value (%zu bytes) does not fit in %zu", len,
                        cap);
        buf[0] = '\0';
        return STORE_ERROR;
    }
    memcpy(buf, v, len + 1);
    return STORE_OK;
}

int store_state_get(store_t *s, const char *key, char *buf, size_t cap)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK, out = STORE_OK;

    if (!s || !key || !buf || cap == 0)
        return STORE_ERROR;
    buf[0] = '\0';
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_STATE_GET));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_text(st, 1, key, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        out = store_copy_value(s, sqldb_column_text(st, 0), buf, cap);
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
    if (rc != SQLITE_OK)
        (void)sqldb_note(&s->sql, rc, "state get");
    sqldb_release(st);
    return rc == SQLITE_OK ? out : store_map_rc(rc);
}

int store_state_set(store_t *s, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    if (!s || !key)
        return STORE_ERROR;
    st = sqldb_stmt(&s->sql, store_sql(s, value ? STMT_STATE_SET
                                                  : STMT_STATE_DELETE));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_text(st, 1, key, &rc);
    if (value)
        sqldb_bind_text(st, 2, value, &rc);
    rc = sqldb_run(&s->sql, st, rc, "state set");
    return rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
}

int store_audit(store_t *s, int64_t wall_ms, const char *kind,
                const char *detail)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    if (!s || !kind)
        return STORE_ERROR;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_AUDIT));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_int64(st, 1, wall_ms, &rc);
    sqldb_bind_text(st, 2, kind, &rc);
    sqldb_bind_text(st, 3, detail ? detail : "", &rc);
    rc = sqldb_run(&s->sql, st, rc, "audit");
    return rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
}

/* ---- iteration ------------------------------------------------------- */

static void store_read_row(sqlite3_stmt *st, store_row_t *row)
{
    row->seq = sqlite3_column_int64(st, 0);
    row->install_id = sqldb_column_text(st, 1);
    row->recorded_at_ms = sqlite3_column_int64(st, 2);
    row->clock_synced = sqlite3_column_int(st, 3);
    row->boot_id = sqldb_column_text(st, 4);
    row->unit = sqldb_column_text(st, 5);
    row->counter = sqldb_column_text(st, 6);
    row->field = sqldb_column_text(st, 7);
    row->dossier = sqldb_column_text(st, 8);
    row->officer = sqldb_column_text(st, 9);
    row->lang = sqldb_column_text(st, 10);
    row->instrument = sqldb_column_text(st, 11);
    row->instrument_version = sqlite3_column_int(st, 12);
    row->partial = sqlite3_column_int(st, 13);
    row->suppressed = sqlite3_column_int(st, 14);
    row->question = sqldb_column_text(st, 15);
    row->element = sqldb_column_text(st, 16);
    row->value = sqlite3_column_int(st, 17);
    row->code = sqldb_column_text(st, 18);
    row->test = sqlite3_column_int(st, 19);
    row->boot_ms = sqlite3_column_int64(st, 20);
}

/* Shared tail of the iterators: step failures surface, an early stop
 * returns the callback's value. */
static int store_end_iteration(store_t *s, sqlite3_stmt *st, int rc,
                               int stopped, const char *what)
{
    if (rc != SQLITE_DONE && !stopped)
        (void)sqldb_note(&s->sql, rc, what);
    sqldb_release(st);
    if (stopped)
        return stopped;
    return rc == SQLITE_DONE ? STORE_OK : store_map_rc(rc);
}

int store_each_row(store_t *s, int64_t from_ms, int64_t to_ms,
                   int (*cb)(void *ctx, const store_row_t *row), void *ctx)
{
    sqlite3_stmt *st;
    store_row_t row;
    int rc = SQLITE_OK, stopped = 0;

    if (!s || !cb)
        return STORE_ERROR;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_EACH_ROW));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_int64(st, 1, from_ms, &rc);
    sqldb_bind_int64(st, 2, to_ms, &rc);
    if (rc != SQLITE_OK)
        return store_end_iteration(s, st, rc, 0, "rows");
    while (!stopped && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        store_read_row(st, &row);
        stopped = cb(ctx, &row);
    }
    return store_end_iteration(s, st, rc, stopped, "rows");
}

int store_each_audit(store_t *s, int limit,
                     int (*cb)(void *ctx, const store_audit_row_t *row),
                     void *ctx)
{
    sqlite3_stmt *st;
    store_audit_row_t row;
    int rc = SQLITE_OK, stopped = 0;

    if (!s || !cb || limit < 0)
        return STORE_ERROR;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_EACH_AUDIT));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_int64(st, 1, limit, &rc);
    if (rc != SQLITE_OK)
        return store_end_iteration(s, st, rc, 0, "audit");
    while (!stopped && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        row.id = sqlite3_column_int64(st, 0);
        row.at_ms = sqlite3_column_int64(st, 1);
        row.kind = sqldb_column_text(st, 2);
        row.detail = sqldb_column_text(st, 3);
        stopped = cb(ctx, &row);
    }
    return store_end_iteration(s, st, rc, stopped, "audit");
}

int store_recent_finishes(store_t *s, const char *boot_id, uint64_t *out,
                          int cap, int *n)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK;

    if (!s || !boot_id || !n || cap < 0 || (cap > 0 && !out))
        return STORE_ERROR;
    *n = 0;
    if (cap == 0)
        return STORE_OK;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_RECENT_FINISHES));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_text(st, 1, boot_id, &rc);
    sqldb_bind_int64(st, 2, cap, &rc);
    if (rc != SQLITE_OK)
        return store_end_iteration(s, st, rc, 0, "recent finishes");
    while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        out[(*n)++] = (uint64_t)sqlite3_column_int64(st, 0);
    if (*n == cap && rc == SQLITE_ROW)
        rc = SQLITE_DONE;
    return store_end_iteration(s, st, rc, 0, "recent finishes");
}

/* ---- stats and checks ------------------------------------------------ */

/* Steps a one-row aggregate and hands its columns over. */
static int store_read_counts(store_t *s, enum store_stmt_id id, int64_t a,
                             int64_t b, int64_t *vals, int nvals)
{
    sqlite3_stmt *st = sqldb_stmt(&s->sql, store_sql(s, id));
    int rc = SQLITE_OK, i;

    if (!st)
        return SQLITE_ERROR;
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqldb_bind_int64(st, 1, a, &rc);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqldb_bind_int64(st, 2, b, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    for (i = 0; i < nvals; i++)
        vals[i] = rc == SQLITE_ROW ? sqlite3_column_int64(st, i) : 0;
    rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
    if (rc != SQLITE_OK)
        (void)sqldb_note(&s->sql, rc, "stats");
    sqldb_release(st);
    return rc;
}

static int store_read_stats(store_t *s, int64_t now_wall_ms,
                            store_stats_t *out)
{
    int64_t day = vntime_get_day_start(now_wall_ms);
    int64_t month = vntime_get_month_start(now_wall_ms);
    int64_t next_month = vntime_get_next_month_start(now_wall_ms);
    int64_t v[7];
    int rc;

    rc = store_read_counts(s, STMT_STATS_COUNTS, day, day + VNTIME_DAY_MS, v,
                           7);
    if (rc != SQLITE_OK)
        return rc;
    out->responses = v[0];
    out->counted = v[1];
    out->partial = v[2];
    out->suppressed = v[3];
    out->today = v[4];
    out->test = v[5];
    out->today_test = v[6];
    rc = store_read_counts(s, STMT_STATS_LAST, 0, 0, v, 2);
    if (rc != SQLITE_OK)
        return rc;
    out->last_seq = v[0];
    out->last_wall_ms = v[1];
    /* Up to yesterday: a figure that moved with each rating would show
     * the officer beside the kiosk how the citizen just rated. */
    rc = store_read_counts(s, STMT_STATS_MONTH, month,
                           day < next_month ? day : next_month, v, 2);
    if (rc != SQLITE_OK)
        return rc;
    out->month_overall = v[0];
    out->month_overall_satisfied = v[1];
    return SQLITE_OK;
}

int store_get_stats(store_t *s, int64_t now_wall_ms, store_stats_t *out)
{
    char wal[STORE_PATH_MAX + 8];
    int rc;

    if (!s || !out)
        return STORE_ERROR;
    memset(out, 0, sizeof(*out));
    /* One read transaction so the counts and the last seq agree even while
     * the kiosk keeps committing. */
    rc = sqldb_begin_read(&s->sql);
    if (rc == SQLITE_OK)
        rc = store_read_stats(s, now_wall_ms, out);
    sqldb_end_read(&s->sql);
    if (rc != SQLITE_OK)
        return store_map_rc(rc);
    snprintf(out->install_id, sizeof(out->install_id), "%s", s->install_id);
    snprintf(wal, sizeof(wal), "%s-wal", s->sql.path);
    out->db_bytes = store_file_size(s->sql.path) + store_file_size(wal);
    return STORE_OK;
}

static int store_run_check(store_t *s, const char *which, char *result,
                           size_t cap)
{
    int rc;

    if (!s || !result || cap == 0)
        return STORE_ERROR;
    rc = sqldb_check(&s->sql, which, result, cap);
    if (rc == SQLITE_OK)
        return STORE_OK;
    snprintf(result, cap, "%s", sqlite3_errmsg(s->sql.conn));
    return sqldb_is_damage(rc) ? STORE_CORRUPT : STORE_ERROR;
}

int store_integrity_check(store_t *s, char *result, size_t cap)
{
    return store_run_check(s, "integrity_check", result, cap);
}

int store_quick_check(store_t *s, char *result, size_t cap)
{
    return store_run_check(s, "quick_check", result, cap);
}

/* ---- for the sync worker ----------------------------------------------- */

/* One response's answers, copied out of their statement: the callback sees
 * the whole response at once. */
typedef struct store_answer_buf {
    store_answer_t a[STORE_SYNC_ANSWERS_MAX];
    char text[STORE_SYNC_TEXT_MAX];
    size_t used;
} store_answer_buf_t;

static const char *store_keep_text(store_answer_buf_t *b, sqlite3_stmt *st,
                                   int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    size_t n;
    char *out;

    if (!t)
        return NULL;
    n = strlen((const char *)t);
    if (n + 1 > sizeof(b->text) - b->used)
        return NULL;
    out = b->text + b->used;
    memcpy(out, t, n + 1);
    b->used += n + 1;
    return out;
}

static int store_read_answers(store_t *s, int64_t seq, store_answer_buf_t *b,
                              int *n)
{
    sqlite3_stmt *st = sqldb_stmt(&s->sql, store_sql(s, STMT_SYNC_ANSWERS));
    store_answer_t *a;
    int rc = SQLITE_OK;

    *n = 0;
    b->used = 0;
    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_int64(st, 1, seq, &rc);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == STORE_SYNC_ANSWERS_MAX) {
            sqldb_set_error(&s->sql, "response %lld has more than %d answers",
                            (long long)seq, STORE_SYNC_ANSWERS_MAX);
            rc = SQLITE_TOOBIG;
            break;
        }
        a = &b->a[*n];
        a->question = store_keep_text(b, st, 0);
        a->element = store_keep_text(b, st, 1);
        a->value = sqlite3_column_int(st, 2);
        a->code = store_keep_text(b, st, 3);
        if (!a->question || (!a->element && sqlite3_column_type(st, 1) !=
                                                SQLITE_NULL) ||
            (!a->code && sqlite3_column_type(st, 3) != SQLITE_NULL)) {
            sqldb_set_error(&s->sql,
                            "answers of response %lld exceed %d bytes",
                            (long long)seq, STORE_SYNC_TEXT_MAX);
            rc = SQLITE_TOOBIG;
            break;
        }
        (*n)++;
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    else if (rc != SQLITE_TOOBIG && rc != SQLITE_OK)
        (void)sqldb_note(&s->sql, rc, "answers");
    sqldb_release(st);
    return rc;
}

static void store_read_sync_row(sqlite3_stmt *st, store_response_t *r)
{
    memset(r, 0, sizeof(*r));
    r->wall_ms = sqlite3_column_int64(st, 1);
    r->boot_ms = sqlite3_column_int64(st, 2);
    r->boot_id = sqldb_column_text(st, 3);
    r->clock_synced = sqlite3_column_int(st, 4);
    r->unit = sqldb_column_text(st, 5);
    r->counter = sqldb_column_text(st, 6);
    r->field = sqldb_column_text(st, 7);
    r->dossier = sqldb_column_text(st, 8);
    r->officer = sqldb_column_text(st, 9);
    r->lang = sqldb_column_text(st, 10);
    r->instrument = sqldb_column_text(st, 11);
    r->instrument_version = sqlite3_column_int(st, 12);
    r->partial = sqlite3_column_int(st, 13);
    r->suppressed = sqlite3_column_int(st, 14);
    r->duration_ms = sqlite3_column_int(st, 15);
    r->test = sqlite3_column_int(st, 16);
}

static int store_walk_responses(store_t *s, int64_t after_seq,
                                int64_t upto_seq, store_response_cb cb,
                                void *ctx, int *stopped)
{
    sqlite3_stmt *st =
        sqldb_stmt(&s->sql, store_sql(s, STMT_SYNC_RESPONSES));
    store_answer_buf_t *buf;
    store_response_t r;
    int64_t seq;
    int rc = SQLITE_OK;

    if (!st)
        return SQLITE_ERROR;
    buf = malloc(sizeof(*buf));
    if (!buf) {
        sqldb_set_error(&s->sql, "out of memory");
        return SQLITE_NOMEM;
    }
    sqldb_bind_int64(st, 1, after_seq, &rc);
    sqldb_bind_int64(st, 2, upto_seq, &rc);
    while (rc == SQLITE_OK && !*stopped &&
           (rc = sqlite3_step(st)) == SQLITE_ROW) {
        seq = sqlite3_column_int64(st, 0);
        store_read_sync_row(st, &r);
        rc = store_read_answers(s, seq, buf, &r.n_answers);
        if (rc != SQLITE_OK)
            break;
        r.answers = buf->a;
        *stopped = cb(ctx, seq, &r);
    }
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        rc = SQLITE_OK;
    else if (rc != SQLITE_OK && rc != SQLITE_TOOBIG)
        (void)sqldb_note(&s->sql, rc, "responses");
    sqldb_release(st);
    free(buf);
    return rc;
}

int store_each_response(store_t *s, int64_t after_seq, int64_t upto_seq,
                        store_response_cb cb, void *ctx)
{
    int rc, stopped = 0;

    if (!s || !cb)
        return STORE_ERROR;
    /* One read transaction: the batch is one consistent snapshot even
     * while the kiosk keeps committing. */
    rc = sqldb_begin_read(&s->sql);
    if (rc == SQLITE_OK)
        rc = store_walk_responses(s, after_seq, upto_seq, cb, ctx, &stopped);
    sqldb_end_read(&s->sql);
    if (rc != SQLITE_OK)
        return rc == SQLITE_TOOBIG ? STORE_ERROR : store_map_rc(rc);
    return stopped;
}

int store_get_pending(store_t *s, int64_t after_seq, int64_t *pending,
                      int64_t *last_seq, int64_t *last_wall_ms)
{
    int64_t v[2], last[2] = {0, 0};
    int rc;

    if (!s || !pending || !last_seq)
        return STORE_ERROR;
    rc = store_read_counts(s, STMT_SYNC_PENDING, after_seq, 0, v, 2);
    if (rc == SQLITE_OK && last_wall_ms)
        rc = store_read_counts(s, STMT_STATS_LAST, 0, 0, last, 2);
    *pending = v[0];
    *last_seq = v[1];
    if (last_wall_ms)
        *last_wall_ms = last[1];
    return rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
}

int store_get_pending_tests(store_t *s, int64_t after_seq, int64_t *tests)
{
    int rc;

    if (!s || !tests)
        return STORE_ERROR;
    rc = store_read_counts(s, STMT_SYNC_PENDING_TESTS, after_seq, 0, tests,
                           1);
    return rc == SQLITE_OK ? STORE_OK : store_map_rc(rc);
}

const char *store_get_install_id(const store_t *s)
{
    return s ? s->install_id : "";
}

int store_find_synced_reading(store_t *s, const char *boot_id,
                              int64_t *wall_ms, int64_t *boot_ms)
{
    sqlite3_stmt *st;
    int rc = SQLITE_OK, found = 0;

    if (!s || !boot_id || !wall_ms || !boot_ms)
        return STORE_ERROR;
    st = sqldb_stmt(&s->sql, store_sql(s, STMT_SYNC_SYNCED_READING));
    if (!st)
        return STORE_ERROR;
    sqldb_bind_text(st, 1, boot_id, &rc);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *wall_ms = sqlite3_column_int64(st, 0);
        *boot_ms = sqlite3_column_int64(st, 1);
        found = 1;
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        (void)sqldb_note(&s->sql, rc, "synced reading");
    sqldb_release(st);
    return rc == SQLITE_OK ? found : store_map_rc(rc);
}

static int store_prune_step(store_t *s, enum store_stmt_id id,
                            int64_t before_ms, int64_t max_seq, int limit)
{
    sqlite3_stmt *st = sqldb_stmt(&s->sql, store_sql(s, id));
    int rc = SQLITE_OK;

    if (!st)
        return SQLITE_ERROR;
    sqldb_bind_int64(st, 1, before_ms, &rc);
    sqldb_bind_int64(st, 2, max_seq, &rc);
    sqldb_bind_int64(st, 3, limit, &rc);
    return sqldb_run(&s->sql, st, rc, "prune");
}

int store_prune_responses(store_t *s, int64_t before_ms, int64_t max_seq,
                          int limit, int *deleted)
{
    char detail[STORE_TEXT_MAX], when[VNTIME_ISO_MAX];
    int rc;

    if (!s || !deleted || limit <= 0)
        return STORE_ERROR;
    *deleted = 0;
    if (s->readonly) {
        sqldb_set_error(&s->sql, "database opened read-only");
        return STORE_ERROR;
    }
    rc = sqldb_begin_write(&s->sql);
    if (rc == SQLITE_OK)
        rc = store_prune_step(s, STMT_PRUNE_ANSWERS, before_ms, max_seq,
                              limit);
    if (rc == SQLITE_OK)
        rc = store_prune_step(s, STMT_PRUNE_RESPONSES, before_ms, max_seq,
                              limit);
    if (rc == SQLITE_OK) {
        *deleted = sqlite3_changes(s->sql.conn);
        if (*deleted > 0) {
            if (vntime_format_iso(before_ms, when, sizeof(when)) != 0)
                when[0] = '\0';
            snprintf(detail, sizeof(detail),
                     "%d responses recorded before %s and acknowledged by"
                     " the hub (seq <= %lld) deleted",
                     *deleted, when, (long long)max_seq);
            rc = store_audit(s, store_now_ms(s), "prune", detail) == STORE_OK
                     ? SQLITE_OK
                     : SQLITE_ERROR;
        }
    }
    if (rc == SQLITE_OK)
        rc = sqldb_commit(&s->sql);
    if (rc != SQLITE_OK) {
        *deleted = 0;
        sqldb_rollback(&s->sql);
        return store_map_rc(rc);
    }
    return STORE_OK;
}
