/*
 * store.h - the kiosk's durable record: one SQLite file, one writer.
 *
 * WAL with synchronous=FULL so an acknowledged response survives power loss;
 * one transaction per citizen response; sequence numbers from AUTOINCREMENT,
 * never reused, so (install_id, seq) names a response forever. Rows are
 * ordered by seq, never by wall time: a Pi has no RTC.
 * At open: quick_check; a corrupt file is moved aside (with its -wal and
 * -shm) and a fresh one started, and the open report says so.
 *
 * Ownership: store_open*() returns a handle the caller closes with
 * store_close(). Strings in records passed in are borrowed for the call.
 * Threads: a handle is used by one thread; the kiosk has exactly one
 * read-write handle.
 */
#ifndef SIPAS_STORE_H
#define SIPAS_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_PATH_MAX 1024
#define STORE_ID_MAX 64
#define STORE_TEXT_MAX 256
#define STORE_DB_NAME "kiosk.db"

typedef struct store store_t;

typedef enum store_rc {
    STORE_OK = 0,
    STORE_ERROR = -1,   /* anything else; see store_last_error() */
    STORE_FULL = -2,    /* disk or configured cap full: nothing written */
    STORE_CORRUPT = -3, /* read-only open of a damaged file */
    STORE_MISSING = -4, /* read-only open: no database in that directory */
    STORE_SCHEMA = -5   /* a table of the schema is gone (dropped by hand
                           or a tool): SQLite sees no damage and nothing
                           retries it back, so the kiosk is out of service
                           until the file is replaced */
} store_rc_t;

typedef struct store_open_report {
    int created;                   /* a new database was made */
    int recovered;                 /* a damaged one was moved aside */
    char moved_to[STORE_PATH_MAX]; /* where it went */
    char check[STORE_TEXT_MAX];    /* quick_check's first line */
} store_open_report_t;

typedef struct store_answer {
    const char *question;
    const char *element;
    int value;          /* scale answer; 0 for multi-choice */
    const char *code;   /* multi-choice option code, or NULL */
} store_answer_t;

typedef struct store_response {
    const char *unit, *counter, *field, *dossier, *officer, *lang;
    const char *instrument;
    int instrument_version;
    int partial;
    int suppressed;       /* 0 counted; else the misuse verdict code */
    /* 1: recorded while the kiosk was not enrolled with a hub (a
     * technician trying it out, a demonstration). A test rating is kept
     * and exported as such but never counted anywhere: it is not
     * uploaded. Rows from before this flag existed are tests when they
     * carry the demo unit (CONFIG_DEMO_UNIT). */
    int test;
    int64_t wall_ms;      /* Unix time in ms, as the device believed */
    int64_t boot_ms;      /* CLOCK_BOOTTIME in ms */
    const char *boot_id;
    int clock_synced;
    int duration_ms;
    int n_answers;
    const store_answer_t *answers;
} store_response_t;

/* One exported row: a response joined with one of its answers. Strings are
 * valid only during the callback. */
typedef struct store_row {
    int64_t seq;
    const char *install_id;
    int64_t recorded_at_ms;
    int clock_synced;
    const char *boot_id;
    const char *unit, *counter, *field, *dossier, *officer, *lang;
    const char *instrument;
    int instrument_version;
    int partial, suppressed;
    int test;           /* see store_response_t */
    int64_t boot_ms;    /* CLOCK_BOOTTIME at the commit */
    const char *question, *element;
    int value;          /* scale answer, 0 for multi */
    const char *code;   /* multi code, "" for scale */
} store_row_t;

typedef struct store_stats {
    int64_t responses;      /* all stored, tests included */
    /* The next four are of real ratings: tests are left out. */
    int64_t counted;        /* not suppressed, not partial */
    int64_t partial;
    int64_t suppressed;
    int64_t today;          /* recorded since local midnight (UTC+7) */
    int64_t test;           /* recorded before enrollment: never counted */
    int64_t today_test;     /* of them, recorded since local midnight */
    int64_t last_seq;       /* 0 when empty */
    int64_t last_wall_ms;   /* of last_seq */
    int64_t db_bytes;       /* database + WAL */
    /* This month's counted overall answers before today, for the public
     * figure (none on the 1st). */
    int64_t month_overall, month_overall_satisfied;
    char install_id[STORE_ID_MAX];
} store_stats_t;

typedef struct store_options {
    int64_t max_db_bytes;   /* 0 = no cap; else PRAGMA max_page_count */
    /* The wall clock (ms since the epoch) that stamps the store's own
     * records (creation, audit of recovery and pruning, the name of a
     * damaged file moved aside): the kiosk passes its platform clock so a
     * clock offset reaches them too. NULL: CLOCK_REALTIME. */
    int64_t (*wall_ms)(void *ctx);
    void *wall_ctx;
} store_options_t;

/* Read-write open, creating dir (mode 0750) and database as needed; opt
 * and report may be NULL. On failure *out is NULL and nothing needs
 * closing. When a damaged file was moved aside, report->check holds what
 * was wrong with it (the fresh database is then "ok"). */
int store_open(const char *dir, const store_options_t *opt, store_t **out,
               store_open_report_t *report);
/* Read-only open for tools; never creates, never recovers. STORE_MISSING
 * when dir or its kiosk.db does not exist (or holds no schema yet),
 * STORE_CORRUPT when the file is not a readable kiosk database. Works
 * while the kiosk holds the database open. */
int store_open_readonly(const char *dir, store_t **out);
/* How a read-only handle reached its file. A data directory on a
 * medium that refuses writes (a worn SD card remounts read-only) is read
 * in full all the same: see sqldb_medium() in app/db/sqldb.h. */
enum store_medium {
    STORE_MEDIUM_IN_PLACE = 0,    /* as usual */
    STORE_MEDIUM_RO_COPY = 1,     /* read-only: a private copy with its WAL */
    STORE_MEDIUM_RO_IMMUTABLE = 2 /* read-only: the file, it has no WAL */
};
/* enum store_medium of s (syncdb_medium() gives the same for sync.db). */
int store_medium(const store_t *s);
/* The same in words, for people: "" for STORE_MEDIUM_IN_PLACE. */
const char *store_medium_text(int medium);
void store_close(store_t *s);
/* Last error text of this handle (never NULL). With s NULL: why the last
 * store_open*() on this thread failed. */
const char *store_last_error(const store_t *s);

/* One transaction; on STORE_OK *seq is durable (fsync'd) before return. */
int store_commit_response(store_t *s, const store_response_t *r,
                          int64_t *seq);
/* 1 if any stored response names dossier, 0 if none, <0 on error. */
int store_dossier_rated(store_t *s, const char *dossier);

/* Key-value state that must survive restarts (officer on duty, ...).
 * get: an absent key gives "" and STORE_OK; a value that does not fit in
 * cap is an error (never silently cut). set: value NULL removes the key. */
int store_state_get(store_t *s, const char *key, char *buf, size_t cap);
int store_state_set(store_t *s, const char *key, const char *value);
/* Appends to the audit trail (officer shifts, admin access, recovery). */
int store_audit(store_t *s, int64_t wall_ms, const char *kind,
                const char *detail);

/* Rows with from_ms <= recorded_at < to_ms (pass INT64_MIN/INT64_MAX for
 * no bound), by seq then answer order. Stops early if cb returns non-zero
 * and returns that value. */
int store_each_row(store_t *s, int64_t from_ms, int64_t to_ms,
                   int (*cb)(void *ctx, const store_row_t *row), void *ctx);
int store_get_stats(store_t *s, int64_t now_wall_ms, store_stats_t *st);
/* Finish times (boot_ms) of counted responses on this boot, for misuse
 * history after a restart; newest last, at most cap. */
int store_recent_finishes(store_t *s, const char *boot_id, uint64_t *out,
                          int cap, int *n);
/* Full (integrity) or fast (quick) check; result gets the first line,
 * "ok" for a sound file. STORE_OK whenever the check ran, whatever it
 * found; STORE_CORRUPT when SQLite refused to read the file at all
 * (result then holds its message); STORE_ERROR otherwise. */
int store_integrity_check(store_t *s, char *result, size_t cap);
int store_quick_check(store_t *s, char *result, size_t cap);

/* One audit entry. Strings are valid only during the callback. */
typedef struct store_audit_row {
    int64_t id;
    int64_t at_ms;
    const char *kind, *detail;
} store_audit_row_t;

/* The newest `limit` audit entries, oldest first; early stop as in
 * store_each_row. */
int store_each_audit(store_t *s, int limit,
                     int (*cb)(void *ctx, const store_audit_row_t *row),
                     void *ctx);

/* ---- for the sync worker ---------------------------------------------- */

/* Caps on one response as handed to store_each_response(). */
#define STORE_SYNC_ANSWERS_MAX 256
#define STORE_SYNC_TEXT_MAX 32768

/* Called once per response with all its answers; r and its strings are
 * valid only during the call. Non-zero stops the walk. */
typedef int (*store_response_cb)(void *ctx, int64_t seq,
                                 const store_response_t *r);

/* Responses with after_seq < seq <= upto_seq, by seq, in one read
 * transaction (a consistent snapshot while the kiosk commits). Works on a
 * read-only handle. Returns STORE_OK, the callback's non-zero value when it
 * stopped early, or an error (a response beyond the caps above is one). */
int store_each_response(store_t *s, int64_t after_seq, int64_t upto_seq,
                        store_response_cb cb, void *ctx);
/* How many responses have seq > after_seq, the newest seq (0 when the
 * store is empty) and, when last_wall_ms is not NULL, its recorded time. */
int store_get_pending(store_t *s, int64_t after_seq, int64_t *pending,
                      int64_t *last_seq, int64_t *last_wall_ms);
/* How many of the responses with seq > after_seq are tests: they are in
 * the pending count, since their range is acknowledged, but never wait to
 * be uploaded. */
int store_get_pending_tests(store_t *s, int64_t after_seq, int64_t *tests);
/* The install id of the database behind s (never NULL). */
const char *store_get_install_id(const store_t *s);
/* Wall and boot time of the first response of boot_id recorded with the
 * clock synchronised: 1 found, 0 none, < 0 error. */
int store_find_synced_reading(store_t *s, const char *boot_id,
                              int64_t *wall_ms, int64_t *boot_ms);
/* Retention: deletes, oldest first and at most limit of them, responses
 * (with their answers) recorded before before_ms whose seq <= max_seq (the
 * hub has acknowledged them), in one transaction with an audit entry.
 * Only the writer may call it; *deleted tells how many went, so the caller
 * can go on in small steps without holding the counter up. */
int store_prune_responses(store_t *s, int64_t before_ms, int64_t max_seq,
                          int limit, int *deleted);

#endif
