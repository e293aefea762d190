/*
 * Group commit by a leader: the first writer to find no transaction in
 * progress takes every waiting item (up to the batch bound, one per key)
 * and writes them; the others sleep until their item is finished, and one
 * of those left waiting leads the next batch.
 */
#include "hub/store/commitq.h"
#include "hub/store/db_sql.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub/store/dbx.h"

struct hub_commitq {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    hub_commitq_item_t *head; /* waiting, oldest first */
    int leading;
    size_t tries_again; /* under the database lock */
};

static const char hub_commitq_sql_save[] = "SAVEPOINT hub_item";
static const char hub_commitq_sql_undo[] = "ROLLBACK TO hub_item";
static const char hub_commitq_sql_release[] = "RELEASE hub_item";

hub_commitq_t *hub_commitq_new(void)
{
    hub_commitq_t *q = calloc(1, sizeof(*q));

    if (!q)
        return NULL;
    if (pthread_mutex_init(&q->mutex, NULL) != 0) {
        free(q);
        return NULL;
    }
    if (pthread_cond_init(&q->cond, NULL) != 0) {
        (void)pthread_mutex_destroy(&q->mutex);
        free(q);
        return NULL;
    }
    return q;
}

void hub_commitq_free(hub_commitq_t *q)
{
    if (!q)
        return;
    (void)pthread_cond_destroy(&q->cond);
    (void)pthread_mutex_destroy(&q->mutex);
    free(q);
}

static void hub_commitq_lock(hub_commitq_t *q)
{
    /* Fails only on a programming error, as hub_db_lock. */
    if (pthread_mutex_lock(&q->mutex) != 0)
        abort();
}

static void hub_commitq_unlock(hub_commitq_t *q)
{
    if (pthread_mutex_unlock(&q->mutex) != 0)
        abort();
}

static int hub_commitq_key_taken(hub_commitq_item_t *const *batch, size_t n,
                                 const char *key)
{
    size_t i;

    if (!key[0])
        return 0;
    for (i = 0; i < n; i++)
        if (strcmp(batch[i]->key, key) == 0)
            return 1;
    return 0;
}

/* Unlinks the next batch from the queue, oldest first; an item whose key
 * is already in the batch stays for the next. Under q->mutex. */
static size_t hub_commitq_take(hub_commitq_t *q, hub_commitq_item_t **batch)
{
    hub_commitq_item_t **link = &q->head, *it;
    size_t n = 0;

    while ((it = *link) && n < HUB_COMMITQ_BATCH_MAX) {
        if (hub_commitq_key_taken(batch, n, it->key)) {
            link = &it->next;
            continue;
        }
        *link = it->next;
        it->next = NULL;
        batch[n++] = it;
    }
    return n;
}

static int hub_commitq_sql(hub_db_t *db, const char *sql)
{
    return hub_dbx_run(db, sqlx_prepare(hub_dbx(db), sql), HUB_OK, sql);
}

/* One item in its savepoint. A failure the database answered by ending
 * the whole transaction (SQLite's full disk) is returned as *lost, and
 * so is PostgreSQL's HUB_BUSY: a serialization failure is the whole
 * transaction's, to be run again (hub_commitq_write). */
static void hub_commitq_work(hub_db_t *db, hub_commitq_item_t *it, int *lost)
{
    int rc = hub_commitq_sql(db, hub_commitq_sql_save);

    if (rc != HUB_OK) {
        it->rc = *lost = rc;
        return;
    }
    it->rc = it->work(db, it->arg);
    if (!sqlx_in_transaction(hub_dbx(db))) {
        *lost = it->rc != HUB_OK ? it->rc : HUB_ERROR;
        return;
    }
    if (it->rc == HUB_BUSY && hub_dbx_is_pg(db)) {
        *lost = HUB_BUSY;
        return;
    }
    if (it->rc != HUB_OK &&
        hub_commitq_sql(db, hub_commitq_sql_undo) != HUB_OK)
        *lost = it->rc;
    if (!*lost && hub_commitq_sql(db, hub_commitq_sql_release) != HUB_OK)
        *lost = HUB_ERROR;
}

/* One try at the batch's transaction: its result, with *tried items
 * run. */
static int hub_commitq_try(hub_db_t *db, hub_commitq_item_t **batch,
                           size_t n, size_t *tried)
{
    size_t kept = 0;
    int rc, lost = 0;

    *tried = 0;
    rc = hub_db_begin_write(db);
    for (; rc == HUB_OK && !lost && *tried < n; (*tried)++) {
        hub_commitq_work(db, batch[*tried], &lost);
        kept += batch[*tried]->rc == HUB_OK;
    }
    if (rc == HUB_OK && lost) {
        /* The transaction is gone, and what was written in it. */
        hub_db_rollback(db);
        rc = lost;
    } else if (rc == HUB_OK && kept > 0) {
        rc = hub_db_commit(db);
    } else if (rc == HUB_OK) {
        hub_db_rollback(db);
    }
    return rc;
}

/* Writes a batch in one transaction, under the database lock. An item
 * keeps its own failure; one that succeeded, or was never tried, takes
 * the failure of the transaction. On PostgreSQL a transaction that
 * collided with another hub's (HUB_BUSY: SERIALIZABLE, sqlx.h) is run
 * again whole, its items' work included, a little later each time; on
 * SQLite HUB_BUSY already means the busy timeout ran out. */
static void hub_commitq_write(hub_commitq_t *q, hub_db_t *db,
                              hub_commitq_item_t **batch, size_t n)
{
    size_t i, tried = 0;
    int rc, again;

    hub_db_lock(db);
    rc = hub_commitq_try(db, batch, n, &tried);
    for (again = 1; rc == HUB_BUSY && hub_dbx_is_pg(db) &&
                    again <= HUB_COMMITQ_TRIES_MAX;
         again++) {
        struct timespec pause = {0, (long)again * 1000000L};

        (void)nanosleep(&pause, NULL);
        q->tries_again++;
        rc = hub_commitq_try(db, batch, n, &tried);
    }
    for (i = 0; i < n; i++) {
        if (rc != HUB_OK && (i >= tried || batch[i]->rc == HUB_OK))
            batch[i]->rc = rc;
        if (batch[i]->done)
            batch[i]->done(db, batch[i]->arg, batch[i]->rc);
    }
    hub_db_unlock(db);
}

int hub_commitq_run(hub_commitq_t *q, hub_db_t *db, hub_commitq_item_t *it)
{
    hub_commitq_item_t *batch[HUB_COMMITQ_BATCH_MAX], **link;
    size_t n, i;

    it->rc = HUB_ERROR;
    it->finished = 0;
    it->next = NULL;
    hub_commitq_lock(q);
    for (link = &q->head; *link; link = &(*link)->next)
        ;
    *link = it;
    while (!it->finished) {
        if (q->leading) {
            if (pthread_cond_wait(&q->cond, &q->mutex) != 0)
                abort();
            continue;
        }
        q->leading = 1;
        n = hub_commitq_take(q, batch);
        hub_commitq_unlock(q);
        hub_commitq_write(q, db, batch, n);
        hub_commitq_lock(q);
        for (i = 0; i < n; i++)
            batch[i]->finished = 1;
        q->leading = 0;
        if (pthread_cond_broadcast(&q->cond) != 0)
            abort();
    }
    hub_commitq_unlock(q);
    return it->rc;
}

size_t hub_commitq_waiting(hub_commitq_t *q)
{
    const hub_commitq_item_t *it;
    size_t n = 0;

    hub_commitq_lock(q);
    for (it = q->head; it; it = it->next)
        n++;
    hub_commitq_unlock(q);
    return n;
}

size_t hub_commitq_get_tries_again(hub_commitq_t *q, hub_db_t *db)
{
    size_t n;

    hub_db_lock(db);
    n = q->tries_again;
    hub_db_unlock(db);
    return n;
}
