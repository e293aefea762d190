/*
 * sqlx.h - one SQL connection, SQLite or PostgreSQL, behind one set of
 * calls, so the store's modules can be written once for both.
 *
 * sqlx_open() picks the driver from its target: "postgresql://..." (or
 * "postgres://...") is a PostgreSQL server reached through libpq
 * (sqlx_pg.c); anything else is the path of an SQLite file (sqlx_sqlite.c,
 * on app/db's sqldb). The SQL is one text in a common dialect:
 *
 *   - parameters are "?" or "?N" (1-based); PostgreSQL gets them as $N.
 *     An unbound parameter is NULL.
 *   - a parameter whose type no column gives (SELECT ?, ? + 1) is written
 *     CAST(? AS BIGINT) or CAST(? AS TEXT): PostgreSQL infers int4 or
 *     text otherwise, and int4 overflows past 2^31. A number the text
 *     skips (?1 and ?3 but no ?2) is a parameter PostgreSQL is told is
 *     text and never reads, so statements of one family may share their
 *     numbering and their binding code.
 *   - 64-bit integers are BIGINT in tables (PostgreSQL's INTEGER is 32
 *     bits); text is TEXT and always UTF-8.
 *   - INSERT ... ON CONFLICT (key) DO UPDATE SET c = excluded.c and
 *     ON CONFLICT DO NOTHING read the same in both.
 *   - bytes (digests) are bound with sqlx_bind_blob() and read with
 *     sqlx_column_blob(); the column is BLOB or BYTEA.
 *   - what differs (a generated key, a blob type) is asked of
 *     sqlx_dialect_phrase(); SUM() of BIGINT is NUMERIC in PostgreSQL,
 *     so read it with sqlx_column_int64() or CAST it AS BIGINT.
 *
 * Results: sqlx_step() gives SQLX_ROW, SQLX_DONE, or a hub_rc_t below 0.
 * Every other int-returning call gives HUB_OK or a hub_rc_t: a unique (or
 * other constraint) violation HUB_EXISTS; a busy file, a lock wait past
 * busy_timeout_ms, a PostgreSQL serialization failure or deadlock
 * HUB_BUSY (the caller runs the whole transaction again: only it knows
 * what it contained); a full disk HUB_FULL; anything else HUB_ERROR. The
 * reason is in sqlx_last_error(): "DRIVER: STATEMENT: message", the
 * statement shortened to SQLX_ERR_SQL_MAX bytes.
 *
 * Transactions: sqlx_begin() is SQLite's BEGIN IMMEDIATE (with the
 * file's advisory write lock, as hub_db_begin_write()) and PostgreSQL's
 * BEGIN ISOLATION LEVEL SERIALIZABLE, so a transaction that reads and
 * then writes behaves as it does with SQLite's single writer even when
 * several hub processes share the server. A failed sqlx_commit() has
 * rolled back. Outside a transaction each statement commits by itself.
 * After a failed statement PostgreSQL refuses the rest of the
 * transaction (its COMMIT rolls back and fails) where SQLite goes on:
 * portable code rolls back, to a SAVEPOINT or all of it, after a
 * failure, as commitq.c already does.
 *
 * PostgreSQL results: each execution is one PQexecPrepared() whose whole
 * result is held until sqlx_reset(), not libpq's single-row mode. Single
 * rows would keep the connection busy until the last one is read, so a
 * caller could not run another statement while walking rows (the store
 * does: each_* callbacks), and a statement could not be kept prepared
 * across executions the same way. The price is memory for the whole
 * result: a result above SQLX_RESULT_ROWS_MAX rows is refused
 * (HUB_ERROR), so an unbounded query shows in tests, not in production;
 * the store pages with LIMIT, or reads through a cursor a page at a time
 * (dbx.h, hub_dbx_each_cursor()).
 *
 * Ownership: sqlx_open() returns a handle freed with sqlx_close().
 * Statements from sqlx_prepare() belong to the handle: it keeps each one
 * prepared for the connection's life, keyed by the address of its SQL,
 * which therefore must have static storage (as sqldb_stmt()); reuse one
 * with sqlx_reset(), drop it early with sqlx_finalize(), never free it.
 * Text and bytes bound with sqlx_bind_text() and sqlx_bind_blob() are
 * borrowed and must live until the statement is reset (sqlx_reset(), a
 * new binding, or its next sqlx_prepare()): SQLite reads them in place
 * on every step. Column text is valid until the next
 * step, reset or finalize of its statement.
 * Threads: one thread at a time per handle; the caller serialises (one
 * handle per thread is the PostgreSQL way to use several).
 * Connections: a PostgreSQL connection that breaks stays broken
 * (HUB_ERROR); the caller closes and opens again.
 */
#ifndef SIPAS_HUB_SQLX_H
#define SIPAS_HUB_SQLX_H

#include <stddef.h>
#include <stdint.h>

#include "hub/store/db.h"

#define SQLX_TARGET_MAX 1024      /* a path or a postgresql:// URI */
#define SQLX_ERR_MAX 1536
#define SQLX_ERR_SQL_MAX 160      /* of the statement, in an error */
#define SQLX_STMT_MAX 256         /* statements one handle keeps */
#define SQLX_PARAM_MAX 32         /* parameters of one statement */
#define SQLX_SQL_MAX 16384        /* one statement's text */
#define SQLX_RESULT_ROWS_MAX 100000 /* rows of one PostgreSQL result */

/* sqlx_step()'s results besides a hub_rc_t (all below 0). */
#define SQLX_DONE 0
#define SQLX_ROW 1

typedef enum sqlx_dialect {
    SQLX_DIALECT_SQLITE = 1,
    SQLX_DIALECT_POSTGRES = 2
} sqlx_dialect_t;

/* The few phrases the dialects spell differently. */
typedef enum sqlx_phrase {
    SQLX_PHRASE_ID_KEY = 0, /* a 64-bit key the database numbers:
                             * "INTEGER PRIMARY KEY" or "BIGINT
                             * GENERATED BY DEFAULT AS IDENTITY PRIMARY
                             * KEY" */
    SQLX_PHRASE_BLOB,       /* "BLOB" or "BYTEA" */
    SQLX_PHRASE_COUNT
} sqlx_phrase_t;

/* What a column holds in the current row. */
typedef enum sqlx_type {
    SQLX_NULL = 0,
    SQLX_INT = 1,   /* an integer (PostgreSQL: int2, int4, int8) */
    SQLX_TEXT = 2,  /* text (PostgreSQL: text, varchar, char, name) */
    SQLX_OTHER = 3  /* real, numeric, blob, bool, ...: read as text */
} sqlx_type_t;

typedef struct sqlx sqlx_t;
typedef struct sqlx_stmt sqlx_stmt_t;

typedef struct sqlx_options {
    int create;          /* SQLite: make the file (mode 0600) if missing */
    int64_t max_kb;      /* SQLite: > 0 caps the file (HUB_FULL past it) */
    int busy_timeout_ms; /* how long a statement waits for a lock before
                          * HUB_BUSY (PostgreSQL: lock_timeout); 0: the
                          * driver's default of 5000 */
} sqlx_options_t;

/* Opens target with opt (NULL: defaults). HUB_OK with *out set, or a
 * hub_rc with *out NULL and the reason in err (cap bytes, cap > 0). */
int sqlx_open(const char *target, const sqlx_options_t *opt, sqlx_t **out,
              char *err, size_t cap);
/* An SQLite view of db (app/db's sqldb), already open: the same
 * connection, its kept statements (each text prepared once for both
 * interfaces) and its write lock (sqlx_begin() is sqldb_begin_write()).
 * It never opens a second connection to the file: with SQLite 3.40 two
 * writing connections can corrupt the WAL (db.h). db stays the caller's
 * and must outlive the view; sqlx_close() of the view leaves db open.
 * The view's statements are db's: sqlx_finalize() only resets one. */
struct sqldb;
int sqlx_open_sqldb(struct sqldb *db, sqlx_t **out, char *err, size_t cap);
/* Finalizes every kept statement, then closes. Safe with NULL. */
void sqlx_close(sqlx_t *x);

sqlx_dialect_t sqlx_dialect(const sqlx_t *x);
/* The dialect sqlx_open() would pick for target. */
sqlx_dialect_t sqlx_target_dialect(const char *target);
/* The phrase in x's dialect; "" for an unknown one. Static storage. */
const char *sqlx_dialect_phrase(const sqlx_t *x, sqlx_phrase_t p);
/* "sqlite" or "postgresql". */
const char *sqlx_driver_name(const sqlx_t *x);

/* The kept statement of sql (prepared on first use: a syntax error shows
 * here), reset and with no bindings. NULL on failure, the reason in
 * sqlx_last_error(). */
sqlx_stmt_t *sqlx_prepare(sqlx_t *x, const char *sql);

/* Binders chain on *rc (a hub_rc, HUB_OK to start): after a failure they
 * do nothing, so a run of binds needs one check. i is 1-based; NULL text
 * binds NULL. Binding a running statement resets it first. A NULL st
 * (a failed sqlx_prepare()) sets HUB_ERROR, and sqlx_step(NULL) returns
 * it, so prepare, binds and step need one check at the end. */
void sqlx_bind_int64(sqlx_stmt_t *st, int i, int64_t v, int *rc);
void sqlx_bind_text(sqlx_stmt_t *st, int i, const char *v, int *rc);
void sqlx_bind_null(sqlx_stmt_t *st, int i, int *rc);
/* Bytes (len of them, borrowed as text is) into a BLOB / BYTEA column:
 * how the store keeps digests. */
void sqlx_bind_blob(sqlx_stmt_t *st, int i, const void *v, int len,
                    int *rc);

/* The highest parameter number of st's SQL (0 for NULL). */
int sqlx_parameter_count(sqlx_stmt_t *st);

/* SQLX_ROW with a row to read, SQLX_DONE after the last, or a hub_rc
 * (< 0). After SQLX_DONE or an error the statement stays so until
 * sqlx_reset(). */
int sqlx_step(sqlx_stmt_t *st);
int sqlx_column_count(sqlx_stmt_t *st);
sqlx_type_t sqlx_column_type(sqlx_stmt_t *st, int i);
int sqlx_column_is_null(sqlx_stmt_t *st, int i);
/* 0 for NULL, text that is no number, or no row. */
int64_t sqlx_column_int64(sqlx_stmt_t *st, int i);
/* "" for NULL or no row; never NULL. */
const char *sqlx_column_text(sqlx_stmt_t *st, int i);
/* Copies column i's bytes, a BLOB / BYTEA, into out (cap bytes): their
 * length, or -1 for NULL, no row, no blob, or more than cap bytes. */
int sqlx_column_blob(sqlx_stmt_t *st, int i, unsigned char *out, int cap);
/* Rows the statement's last execution inserted, updated or deleted;
 * read it before the reset. 0 for a query or no execution. */
int64_t sqlx_changes(sqlx_stmt_t *st);
/* Ends the statement's execution and clears its bindings. Safe with
 * NULL. */
void sqlx_reset(sqlx_stmt_t *st);
/* Drops a kept statement now instead of at sqlx_close(); the next
 * sqlx_prepare() of its SQL prepares it again. Safe with NULL. */
void sqlx_finalize(sqlx_stmt_t *st);

/* Runs st[0..n), each prepared and bound, none giving rows, in that
 * order, and resets them all: HUB_OK, or the first failure's hub_rc
 * (its statement in sqlx_last_error()). PostgreSQL sends them together
 * and reads their results together, one round trip (libpq's pipeline
 * mode), and after a failure skips the rest, which the failed
 * transaction would refuse anyway; SQLite runs them one by one. A
 * statement may appear once (its bindings are its own). */
#define SQLX_RUN_ALL_MAX 64
int sqlx_run_all(sqlx_t *x, sqlx_stmt_t *const *st, int n);

/* Runs a script of statements without parameters (schema, pragmas). */
int sqlx_exec(sqlx_t *x, const char *script);

int sqlx_begin(sqlx_t *x);
/* Whether a transaction is open (also one a failed statement has left
 * for a rollback): 0 after the database ended it by itself, as SQLite
 * does on a full disk, or PostgreSQL's connection broke. */
int sqlx_in_transaction(sqlx_t *x);
int sqlx_commit(sqlx_t *x);
/* Keeps the error already noted; quiet and safe with no transaction. */
void sqlx_rollback(sqlx_t *x);

/* Why the last call failed; valid until the next call on x. */
const char *sqlx_last_error(const sqlx_t *x);
/* The hub_rc of the last sqlx_prepare() that returned NULL: PostgreSQL
 * locks a statement's tables as it prepares it, so a deadlock or a lock
 * timeout there is HUB_BUSY, a collision to run again, not a fault. */
int sqlx_prepare_rc(const sqlx_t *x);

#endif
