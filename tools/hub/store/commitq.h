/*
 * commitq.h - group commit: writers that arrive while a transaction is
 * being written share the next one, each in a savepoint of its own.
 *
 * A durable COMMIT costs one fsync of the WAL, on a hub's disk from half a
 * millisecond to several; one per upload made the fsync, not the CPU, the
 * limit. Each item still sees exactly what it would alone: its work runs
 * inside SAVEPOINT, a failure rolls back only its own writes, and its
 * caller hears its result only after the COMMIT that made it durable (or
 * the error that lost it). Items with the same key never share a
 * transaction, so a writer's checks see its earlier writes committed.
 *
 * Ownership: an item is the caller's, on its stack, until hub_commitq_run
 * returns; the queue only links it.
 */
#ifndef SIPAS_HUB_COMMITQ_H
#define SIPAS_HUB_COMMITQ_H

#include <stddef.h>

#include "hub/store/db.h"

/* Items in one transaction at most: a bound on how long a writer that
 * arrived first waits for those behind it. */
#define HUB_COMMITQ_BATCH_MAX 64
#define HUB_COMMITQ_KEY_MAX 64
/* Times a batch PostgreSQL refused as colliding (HUB_BUSY) is run again
 * before its items hear HUB_BUSY. */
#define HUB_COMMITQ_TRIES_MAX 20

/* Runs inside the open write transaction, under the database lock:
 * HUB_OK keeps its writes, anything else rolls them back. On PostgreSQL
 * it may run again for one item (the transaction collided with another
 * hub's and is retried): it starts its results afresh each time. */
typedef int (*hub_commitq_work_fn)(hub_db_t *db, void *arg);
/* After the transaction ended, still under the lock, with the item's
 * final result (HUB_OK only once committed). May be NULL. */
typedef void (*hub_commitq_done_fn)(hub_db_t *db, void *arg, int rc);

typedef struct hub_commitq_item {
    hub_commitq_work_fn work;
    hub_commitq_done_fn done;
    void *arg;
    char key[HUB_COMMITQ_KEY_MAX]; /* "" : may share with anything */
    /* The queue's own. */
    int rc, finished;
    struct hub_commitq_item *next;
} hub_commitq_item_t;

typedef struct hub_commitq hub_commitq_t;

/* NULL when out of memory. */
hub_commitq_t *hub_commitq_new(void);
void hub_commitq_free(hub_commitq_t *q);

/* Queues the item and returns its result once its transaction has ended:
 * the calling thread may write it itself, and others' items with it. A
 * transaction that cannot begin (HUB_FULL: the disk reserve; HUB_BUSY)
 * or commit gives every item in it that result. */
int hub_commitq_run(hub_commitq_t *q, hub_db_t *db, hub_commitq_item_t *it);
/* Transactions run again after a collision (PostgreSQL) since q was
 * made, for the operator and the tests; db is q's database. */
size_t hub_commitq_get_tries_again(hub_commitq_t *q, hub_db_t *db);
/* Items queued and not yet taken into a transaction. */
size_t hub_commitq_waiting(hub_commitq_t *q);

#endif
