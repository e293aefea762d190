/*
 * integrity.h - PRAGMA quick_check of the hub database on a connection of
 * its own, read-only, so that it can run while the server serves.
 *
 * In WAL mode a reader does not block the writer, nor the writer the
 * reader: the server's one connection goes on committing uploads while
 * the check reads the snapshot it began with. What the check does cost is
 * the WAL: frames committed after its snapshot cannot be copied back into
 * the file until it ends, so the WAL grows by everything written meanwhile.
 * hub_integrity_run() bounds that growth (wal_growth_max) and gives up
 * past it rather than let the WAL take the disk.
 *
 * The check never writes: not the file, not an audit row (the caller
 * records results through the server's own handle, db.h).
 *
 * Ownership: hub_integrity_open() returns a handle closed with
 * hub_integrity_close(); strings passed in are borrowed.
 * Threads: one thread opens, runs and closes; hub_integrity_interrupt()
 * may be called from any other thread while the handle is open (the
 * caller makes sure it is not closed meanwhile).
 */
#ifndef SIPAS_HUB_INTEGRITY_H
#define SIPAS_HUB_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

/* The first problems quick_check reports, one a line: enough to tell an
 * index page from the freelist, and no more in /healthz. */
#define HUB_INTEGRITY_LINES_MAX 5
#define HUB_INTEGRITY_TEXT_MAX 1024

typedef enum hub_integrity_verdict {
    HUB_INTEGRITY_OK = 0,
    HUB_INTEGRITY_FAILED = 1,      /* quick_check found problems */
    HUB_INTEGRITY_INTERRUPTED = 2, /* stopped before the end: the reason
                                    * is in the text */
    HUB_INTEGRITY_ERROR = 3        /* could not check (cannot open, I/O):
                                    * the reason is in the text */
} hub_integrity_verdict_t;

typedef struct hub_integrity hub_integrity_t;

/* Opens path read-only. 0, or -1 with the reason in err. */
int hub_integrity_open(const char *path, hub_integrity_t **out, char *err,
                       size_t cap);
void hub_integrity_close(hub_integrity_t *c);

/* The latest completed check recorded in the audit trail (actions
 * integrity.ok and integrity.failed): 1 with *at_ms, *failed and its
 * detail (truncated to cap), 0 when there is none, -1 with the reason in
 * detail.
 * Reads backwards from the newest row, on this connection, so a long
 * trail costs the caller's thread only. */
int hub_integrity_find_last(hub_integrity_t *c, int64_t *at_ms, int *failed,
                            char *detail, size_t cap);

/* PRAGMA quick_check over the whole file in one read transaction.
 * text gets "ok", the first problems (at most HUB_INTEGRITY_LINES_MAX
 * lines, capped to cap), or why it stopped. wal_growth_max > 0: give up
 * once the WAL has grown by that many bytes since the check began. */
hub_integrity_verdict_t hub_integrity_run(hub_integrity_t *c,
                                          int64_t wal_growth_max, char *text,
                                          size_t cap);

/* Makes a running (or the next) hub_integrity_run() stop with
 * HUB_INTEGRITY_INTERRUPTED and "interrupted" soon: sqlite3_interrupt()
 * on the connection. */
void hub_integrity_interrupt(hub_integrity_t *c);

#endif
