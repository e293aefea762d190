#include "hub/domain/partmaint.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/base/log.h"
#include "hub/store/partitions.h"

/* The wall clock is read again at least this often (it may be stepped),
 * and a failed round is run again after it. */
#define HUB_PARTMAINT_NAP_MS (INT64_C(3600) * 1000)
#define HUB_PARTMAINT_DAY_MS (INT64_C(86400) * 1000)

struct hub_partmaint {
    hub_db_t *db;
    int ahead;
    hub_partmaint_clock_fn now;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    int stopping;     /* under the mutex */
    int64_t next_ms;  /* wall time of the next round */
};

/* One round under the database lock: HUB_OK, or a hub_rc with the
 * reason in err. */
static int hub_partmaint_round(hub_partmaint_t *p, int64_t now_ms, char *err,
                               size_t cap)
{
    int rc;

    hub_db_lock(p->db);
    rc = hub_partitions_ensure(p->db, now_ms, p->ahead);
    if (rc != HUB_OK)
        snprintf(err, cap, "%s", hub_db_last_error(p->db));
    hub_db_unlock(p->db);
    return rc;
}

/* The start of the hub day after now_ms's. */
static int64_t hub_partmaint_next_day(int64_t now_ms)
{
    return vntime_get_day_start(now_ms) + HUB_PARTMAINT_DAY_MS;
}

static void *hub_partmaint_run(void *arg)
{
    hub_partmaint_t *p = arg;
    char err[512];
    int64_t now, left;

    if (pthread_mutex_lock(&p->mutex) != 0)
        abort(); /* only on a programming error */
    while (!p->stopping) {
        now = p->now();
        left = p->next_ms - now;
        if (left > 0) {
            hub_clock_cond_wait_ms(&p->wake, &p->mutex,
                                   left < HUB_PARTMAINT_NAP_MS
                                       ? left
                                       : HUB_PARTMAINT_NAP_MS);
            continue;
        }
        (void)pthread_mutex_unlock(&p->mutex);
        if (hub_partmaint_round(p, now, err, sizeof(err)) == HUB_OK) {
            now = hub_partmaint_next_day(now);
        } else {
            hub_log_say("month partitions: %s; trying again in an hour",
                        err);
            now += HUB_PARTMAINT_NAP_MS;
        }
        if (pthread_mutex_lock(&p->mutex) != 0)
            abort();
        p->next_ms = now;
    }
    (void)pthread_mutex_unlock(&p->mutex);
    return NULL;
}

hub_partmaint_t *hub_partmaint_start(hub_db_t *db, int ahead,
                                     hub_partmaint_clock_fn now_fn, char *err,
                                     size_t cap)
{
    hub_partmaint_t *p = calloc(1, sizeof(*p));
    int64_t now;

    if (!p) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    p->db = db;
    p->ahead = ahead;
    p->now = now_fn ? now_fn : hub_clock_now_ms;
    now = p->now();
    if (hub_partmaint_round(p, now, err, cap) != HUB_OK) {
        free(p);
        return NULL;
    }
    p->next_ms = hub_partmaint_next_day(now);
    if (pthread_mutex_init(&p->mutex, NULL) != 0) {
        free(p);
        snprintf(err, cap, "cannot create a mutex");
        return NULL;
    }
    if (hub_clock_cond_init(&p->wake) != 0) {
        (void)pthread_mutex_destroy(&p->mutex);
        free(p);
        snprintf(err, cap, "cannot create a condition");
        return NULL;
    }
    if (pthread_create(&p->thread, NULL, hub_partmaint_run, p) != 0) {
        (void)pthread_cond_destroy(&p->wake);
        (void)pthread_mutex_destroy(&p->mutex);
        free(p);
        snprintf(err, cap, "cannot start the partitions' thread");
        return NULL;
    }
    return p;
}

void hub_partmaint_wake(hub_partmaint_t *p)
{
    if (pthread_mutex_lock(&p->mutex) != 0)
        abort();
    (void)pthread_cond_signal(&p->wake);
    (void)pthread_mutex_unlock(&p->mutex);
}

void hub_partmaint_stop(hub_partmaint_t *p)
{
    if (!p)
        return;
    if (pthread_mutex_lock(&p->mutex) != 0)
        abort();
    p->stopping = 1;
    (void)pthread_cond_signal(&p->wake);
    (void)pthread_mutex_unlock(&p->mutex);
    (void)pthread_join(p->thread, NULL);
    (void)pthread_cond_destroy(&p->wake);
    (void)pthread_mutex_destroy(&p->mutex);
    free(p);
}
