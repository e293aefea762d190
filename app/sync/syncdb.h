/*
 * syncdb.h - what the kiosk knows about its hub, in DIR/sync.db.
 *
 * Kept apart from kiosk.db so that the kiosk's one writer connection stays
 * the only writer of the responses, and so provisioning can happen before
 * the kiosk ever ran. Holds: the enrollment (hub URL, CA file, optional key
 * pin, install id, secret, unit), progress (acked_seq, last attempt, last
 * success, last error, backoff), the acknowledged snapshot of every day
 * (the next snapshot of a day starts from it, so pruning raw responses
 * never shrinks what the hub holds) and the clock anchor of each boot
 * (frozen once used, so a response never moves to another day).
 * WAL with synchronous=FULL, like the store. The file holds the kiosk's
 * secret: it is created 0600 (SQLite gives -wal and -shm the same mode).
 *
 * Retention: every acknowledged day's snapshot is kept for as long as the
 * enrollment lasts (about 55 KB for a day of 300 responses, some 14 MB a
 * year). None can go: a response can still land on any day from
 * 2000-01-01 on (a clock that was wrong, see dayclock.h), and its day's
 * next snapshot must then carry the whole day, whose raw responses
 * retention may have deleted. So the file grows for good, and every
 * connection here caps its page cache at SYNCDB_CACHE_KIB: a writer's
 * quick_check reads the whole file at each open, and a reader's before
 * its first answer, which with SQLite's default cache (2,000 KiB) left a
 * process holding as much of the file as fit.
 *
 * Writers take the sync lock first (DIR/sync.lock, flock): the kiosk's
 * worker, `sipasctl sync` and `sipasctl provision` never write or upload at
 * the same time, and no two connections ever write or checkpoint at once.
 * Readers (status, the kiosk at start) open read-only without the lock.
 *
 * Ownership: syncdb_open() returns a handle closed with syncdb_close();
 * syncdb_get_day() returns text the caller frees. Strings passed in are
 * borrowed. A handle is used by one thread.
 */
#ifndef SIPAS_SYNCDB_H
#define SIPAS_SYNCDB_H

#include <stddef.h>
#include <stdint.h>

#define SYNCDB_NAME "sync.db"
#define SYNCDB_LOCK_NAME "sync.lock"
#define SYNCDB_URL_MAX 512
#define SYNCDB_PATH_MAX 1024
#define SYNCDB_PIN_MAX 128
#define SYNCDB_ID_MAX 64
#define SYNCDB_SECRET_MAX 80
#define SYNCDB_CODE_MAX 65
#define SYNCDB_TEXT_MAX 256
#define SYNCDB_ERROR_MAX 512
#define SYNCDB_BOOT_ID_MAX 40
/* Page cache per connection: a pass reads a few days' snapshots and
 * writes them back in one transaction; more spills to the WAL early. */
#define SYNCDB_CACHE_KIB 256

enum syncdb_rc {
    SYNCDB_OK = 0,
    SYNCDB_ERROR = -1,
    SYNCDB_MISSING = -2, /* read-only open: no sync.db (never provisioned) */
    SYNCDB_BUSY = -3,    /* the sync lock is held by someone else */
    SYNCDB_DAMAGED = -4  /* sync.db is not a database, or fails quick_check:
                            a fault to show, never "not enrolled" */
};

typedef struct syncdb syncdb_t;

typedef struct syncdb_enrollment {
    char hub_url[SYNCDB_URL_MAX];
    char ca_file[SYNCDB_PATH_MAX]; /* "" = the system's CA bundle */
    char pin[SYNCDB_PIN_MAX];      /* "sha256//base64" or "" */
    char install_id[SYNCDB_ID_MAX];
    char secret[SYNCDB_SECRET_MAX];
    char unit_code[SYNCDB_CODE_MAX];
    char unit_name[SYNCDB_TEXT_MAX];
    char counter[SYNCDB_TEXT_MAX]; /* set with --counter, else "" */
    int64_t enrolled_at_ms;
} syncdb_enrollment_t;

/* Blocked states: uploading stops until a technician provisions again. */
enum syncdb_blocked {
    SYNCDB_UNBLOCKED = 0,
    SYNCDB_BLOCKED_UNAUTHORIZED = 401,
    SYNCDB_BLOCKED_REVOKED = 403,
    SYNCDB_BLOCKED_REPLACED = 1 /* kiosk.db has another install id now */
};

typedef struct syncdb_progress {
    int64_t acked_seq;        /* every response with seq <= is at the hub */
    int64_t last_attempt_ms;  /* wall times, 0 = never */
    int64_t last_ok_ms;
    int64_t last_error_ms;
    char last_error[SYNCDB_ERROR_MAX]; /* "" after a success */
    int failures;             /* in a row */
    int blocked;              /* enum syncdb_blocked */
    int64_t next_try_ms;      /* wall time before which no attempt, 0 = any */
    int64_t pending;          /* responses not yet acknowledged, as last seen */
    int64_t hub_time_ms;      /* the hub's clock at the last answer */
    int64_t hub_offset_ms;    /* device wall minus hub time, then */
} syncdb_progress_t;

/* An acknowledged snapshot of one day. */
typedef struct syncdb_day {
    char day[11];
    int64_t upto_seq;
    const char *snapshot;     /* JSON of the day as uploaded */
} syncdb_day_t;

/* readonly: never creates, SYNCDB_MISSING when there is no sync.db.
 * Otherwise creates DIR/sync.db (0600) and its tables after a quick_check
 * (SYNCDB_DAMAGED when the file is damaged); the caller holds the sync
 * lock. err gets the reason on failure. */
int syncdb_open(const char *dir, int readonly, syncdb_t **out, char *err,
                size_t cap);
void syncdb_close(syncdb_t *db);
/* enum store_medium of the handle (app/store/store.h). */
int syncdb_medium(const syncdb_t *db);
const char *syncdb_last_error(const syncdb_t *db);

/* 1 enrolled (filled), 0 not enrolled, < 0 error: SYNCDB_DAMAGED when the
 * file is damaged (a read-only handle runs quick_check first, so a file
 * whose header still reads is not taken for "not enrolled" either). An
 * empty file is one being created: not enrolled. */
int syncdb_get_enrollment(syncdb_t *db, syncdb_enrollment_t *out);
/* Stores e. When the install id or hub changed, progress and acknowledged
 * days start over (*reset = 1): they described another hub's copy. The
 * blocked state always clears: a technician acted. */
int syncdb_set_enrollment(syncdb_t *db, const syncdb_enrollment_t *e,
                         int *reset);

int syncdb_get_progress(syncdb_t *db, syncdb_progress_t *out);
int syncdb_set_progress(syncdb_t *db, const syncdb_progress_t *p);
/* One transaction: the days' snapshots, then progress (acked_seq in it). */
int syncdb_commit_ack(syncdb_t *db, const syncdb_day_t *days, int n_days,
                      const syncdb_progress_t *p);
/* 1 and *snapshot (malloc'd, caller frees) when day was acknowledged, 0 if
 * not, < 0 on error. */
int syncdb_get_day(syncdb_t *db, const char *day, char **snapshot,
                   int64_t *upto_seq);
int syncdb_count_days(syncdb_t *db, int64_t *n);

/* Anchors. *known = 0 means "this boot is over and never got one". */
int syncdb_find_anchor(syncdb_t *db, const char *boot_id, int *found,
                       int *known, int64_t *wall_minus_boot);
/* First one wins: an anchor, once used, never changes. */
int syncdb_add_anchor(syncdb_t *db, const char *boot_id, int known,
                      int64_t wall_minus_boot, const char *source,
                      int64_t now_ms);
int syncdb_count_anchors(syncdb_t *db, int64_t *n);

/* The sync lock: *fd on SYNCDB_OK; waits up to wait_ms (0: try once)
 * before SYNCDB_BUSY. */
int syncdb_lock(const char *dir, int wait_ms, int *fd, char *err, size_t cap);
void syncdb_unlock(int fd);

/* Moves a damaged DIR/sync.db and its -wal and -shm aside, to
 * sync.db.damaged-YYYYmmdd-HHMMSS (kept for a look, never read again), so
 * a fresh one can be created. The caller holds the sync lock. moved_to
 * gets the new name. */
int syncdb_move_aside(const char *dir, char *moved_to, size_t moved_cap,
                      char *err, size_t cap);

/* A fingerprint of sync.db and its WAL (inode, size, mtime): when it
 * changes, someone (provisioning) wrote; cheap enough to ask every few
 * seconds. 0 when there is no sync.db. */
uint64_t syncdb_get_fingerprint(const char *dir);

#endif
