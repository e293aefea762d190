#include "hub/domain/checker.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hub/base/clock.h"
#include "hub/base/log.h"
#include "hub/store/integrity.h"
#include "hub/store/pghealth.h"

#define HUB_CHECKER_ACTOR "hub"
/* The thread wakes at least this often to read the wall clock again: it
 * may be stepped (NTP, or a test's offset) while the thread waits. */
#define HUB_CHECKER_NAP_MS 60000
/* A check that could not finish (the WAL bound, an I/O error) is tried
 * again this much later rather than at once. */
#define HUB_CHECKER_RETRY_MS (INT64_C(3600) * 1000)
#define HUB_CHECKER_DETAIL_MAX (HUB_INTEGRITY_TEXT_MAX + 64)

typedef enum hub_checker_result {
    HUB_CHECKER_NEVER = 0,
    HUB_CHECKER_RUNNING,
    HUB_CHECKER_OK,
    HUB_CHECKER_FAILED,
    HUB_CHECKER_INTERRUPTED,
    HUB_CHECKER_ERROR
} hub_checker_result_t;

static const char *const hub_checker_names[] = {
    "never", "running", "ok", "failed", "interrupted", "error",
};

/* What /healthz shows; under the mutex. */
typedef struct hub_checker_state {
    hub_checker_result_t result;
    const char *reason; /* static text; NULL for a check of an earlier run */
    int64_t started_ms, finished_ms; /* 0: unknown */
    char text[HUB_INTEGRITY_TEXT_MAX];
} hub_checker_state_t;

struct hub_checker {
    hub_db_t *db;
    hub_checker_options_t opt;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    int stopping;             /* under the mutex */
    hub_integrity_t *running; /* the check's connection while it runs */
    hub_checker_state_t now, previous;
    int64_t last_done_ms;     /* finish of the latest ok or failed, 0 none */
    int64_t next_ms;          /* -1: none planned */
};

static void hub_checker_lock(hub_checker_t *k)
{
    /* Fails only on a programming error (as hub_db_lock()). */
    if (pthread_mutex_lock(&k->mutex) != 0)
        abort();
}

static void hub_checker_unlock(hub_checker_t *k)
{
    if (pthread_mutex_unlock(&k->mutex) != 0)
        abort();
}

/* ---- the audit trail ---------------------------------------------------- */

/* One audit row in a transaction of its own. A refused write (a full
 * disk, a damaged page) loses the row, not the result: it is in the log
 * and in /healthz. */
static void hub_checker_audit(hub_checker_t *k, const char *action,
                              const char *detail)
{
    int rc;

    hub_db_lock(k->db);
    rc = hub_db_begin_write(k->db);
    if (rc == HUB_OK)
        rc = hub_db_audit(k->db, hub_clock_now_ms(), HUB_CHECKER_ACTOR,
                          action, detail);
    if (rc == HUB_OK)
        rc = hub_db_commit(k->db);
    else
        hub_db_rollback(k->db);
    if (rc != HUB_OK)
        hub_log_say("integrity check: cannot audit %s: %s", action,
                    hub_db_last_error(k->db));
    hub_db_unlock(k->db);
}

/* quick_check's lines on one audit line. */
static void hub_checker_flatten_lines(const char *text, char *out, size_t cap)
{
    size_t i;

    snprintf(out, cap, "%s", text);
    for (i = 0; out[i]; i++)
        if (out[i] == '\n')
            out[i] = ';';
}

/* ---- planning ----------------------------------------------------------- */

/* When the next scheduled check is due: -1 never. Under the mutex. */
static int64_t hub_checker_plan_next(const hub_checker_t *k, int64_t now_ms)
{
    if (k->opt.every_ms <= 0)
        return -1;
    if (k->last_done_ms <= 0)
        return now_ms;
    return k->last_done_ms + k->opt.every_ms;
}

/* The previous server's latest completed check, from the trail, so the
 * schedule and /healthz carry over a restart. */
static void hub_checker_load_last(hub_checker_t *k)
{
    char err[HUB_INTEGRITY_TEXT_MAX], detail[HUB_INTEGRITY_TEXT_MAX];
    hub_integrity_t *c;
    int64_t at = 0;
    int failed = 0, found;

    if (hub_integrity_open(k->opt.db_path, &c, err, sizeof(err)) != 0) {
        hub_log_say("integrity check: cannot read the last result: %s", err);
        return;
    }
    found = hub_integrity_find_last(c, &at, &failed, detail, sizeof(detail));
    if (found < 0)
        hub_log_say("integrity check: cannot read the last result: %s",
                    detail);
    hub_integrity_close(c);
    if (found <= 0)
        return;
    hub_checker_lock(k);
    k->last_done_ms = at;
    k->now.result = failed ? HUB_CHECKER_FAILED : HUB_CHECKER_OK;
    k->now.finished_ms = at;
    snprintf(k->now.text, sizeof(k->now.text), "%s", detail);
    hub_checker_unlock(k);
}

/* ---- one check ---------------------------------------------------------- */

static hub_checker_result_t hub_checker_from_verdict(hub_integrity_verdict_t v)
{
    switch (v) {
    case HUB_INTEGRITY_OK:
        return HUB_CHECKER_OK;
    case HUB_INTEGRITY_FAILED:
        return HUB_CHECKER_FAILED;
    case HUB_INTEGRITY_INTERRUPTED:
        return HUB_CHECKER_INTERRUPTED;
    default:
        return HUB_CHECKER_ERROR;
    }
}

/* ok and failed say something of the file; never is where all begins. */
static int hub_checker_is_complete(hub_checker_result_t r)
{
    return r == HUB_CHECKER_OK || r == HUB_CHECKER_FAILED ||
           r == HUB_CHECKER_NEVER;
}

/* Marks the check running and hands its connection to hub_checker_stop();
 * 0, or -1 when the server is stopping already. */
static int hub_checker_begin(hub_checker_t *k, hub_integrity_t *c,
                             const char *reason, int64_t started)
{
    hub_checker_lock(k);
    if (k->stopping) {
        hub_checker_unlock(k);
        return -1;
    }
    k->running = c;
    /* previous keeps the last completed result, so a failure stays in
     * view through a check that runs or does not finish. */
    if (hub_checker_is_complete(k->now.result))
        k->previous = k->now;
    k->now.result = HUB_CHECKER_RUNNING;
    k->now.reason = reason;
    k->now.started_ms = started;
    k->now.finished_ms = 0;
    k->now.text[0] = '\0';
    hub_checker_unlock(k);
    return 0;
}

static void hub_checker_finish(hub_checker_t *k, hub_checker_result_t res,
                               const char *reason, const char *text,
                               int64_t finished)
{
    hub_checker_lock(k);
    k->running = NULL;
    k->now.result = res;
    k->now.reason = reason;
    k->now.finished_ms = finished;
    snprintf(k->now.text, sizeof(k->now.text), "%s", text);
    if (res == HUB_CHECKER_OK || res == HUB_CHECKER_FAILED)
        k->last_done_ms = finished;
    k->next_ms = hub_checker_plan_next(k, finished);
    /* Not finished for a reason other than the stop: try again later
     * (also after a start that owed a check to an unclean stop). */
    if ((res == HUB_CHECKER_ERROR || res == HUB_CHECKER_INTERRUPTED) &&
        !k->stopping)
        k->next_ms = finished + HUB_CHECKER_RETRY_MS;
    hub_checker_unlock(k);
}

static void hub_checker_report(hub_checker_t *k, hub_checker_result_t res,
                               const char *text, int64_t ms)
{
    char detail[HUB_CHECKER_DETAIL_MAX], flat[HUB_INTEGRITY_TEXT_MAX];

    hub_checker_flatten_lines(text, flat, sizeof(flat));
    if (k->opt.server_checked)
        snprintf(detail, sizeof(detail), "%s", flat);
    else if (res == HUB_CHECKER_OK)
        snprintf(detail, sizeof(detail), "quick_check: ok in %lld ms",
                 (long long)ms);
    else
        snprintf(detail, sizeof(detail), "quick_check: %s", flat);
    if (res == HUB_CHECKER_FAILED)
        hub_log_say("integrity check FAILED after %lld ms: %s; restore the"
                    " database from a backup (docs/HUB.md)", (long long)ms,
                    flat);
    else
        hub_log_say("integrity check %s after %lld ms: %s",
                    hub_checker_names[res], (long long)ms, flat);
    hub_checker_audit(k, res == HUB_CHECKER_OK       ? "integrity.ok"
                         : res == HUB_CHECKER_FAILED ? "integrity.failed"
                         : res == HUB_CHECKER_INTERRUPTED
                             ? "integrity.interrupted"
                             : "integrity.error",
                      detail);
}

/* PostgreSQL's own count, under the server's lock: a query, not a
 * read of the whole database, so no connection of its own. */
static hub_integrity_verdict_t hub_checker_ask_server(hub_checker_t *k,
                                                      char *text, size_t cap)
{
    hub_integrity_verdict_t v;

    hub_db_lock(k->db);
    v = hub_pghealth_check(k->db, text, cap);
    hub_db_unlock(k->db);
    return v;
}

static void hub_checker_run_check(hub_checker_t *k, const char *reason)
{
    char text[HUB_INTEGRITY_TEXT_MAX], detail[HUB_CHECKER_DETAIL_MAX];
    hub_integrity_verdict_t v;
    hub_checker_result_t res;
    hub_integrity_t *c;
    int64_t started = hub_clock_now_ms(), mono = hub_clock_mono_ms(), ms;

    if (k->opt.server_checked) {
        c = NULL;
        if (hub_checker_begin(k, NULL, reason, started) != 0)
            return;
        v = hub_checker_ask_server(k, text, sizeof(text));
    } else if (hub_integrity_open(k->opt.db_path, &c, text, sizeof(text)) !=
               0) {
        c = NULL;
        v = HUB_INTEGRITY_ERROR;
    } else if (hub_checker_begin(k, c, reason, started) != 0) {
        hub_integrity_close(c);
        return;
    } else {
        hub_log_say("integrity check started (%s)", reason);
        snprintf(detail, sizeof(detail), "quick_check, %s", reason);
        hub_checker_audit(k, "integrity.start", detail);
        v = hub_integrity_run(c, k->opt.wal_growth_max, text, sizeof(text));
    }
    res = hub_checker_from_verdict(v);
    ms = hub_clock_mono_ms() - mono;
    /* The connection leaves the shared state before it is closed, so the
     * stop never interrupts a closed handle. */
    hub_checker_finish(k, res, reason, text, hub_clock_now_ms());
    hub_integrity_close(c);
    hub_checker_report(k, res, text, ms);
}

/* ---- the thread --------------------------------------------------------- */

/* Waits until next_ms on the wall clock (for ever when -1), or the stop.
 * 1 when due, 0 when stopping. Under the mutex. */
static int hub_checker_wait_due(hub_checker_t *k)
{
    int64_t left;

    while (!k->stopping) {
        left = k->next_ms < 0 ? HUB_CHECKER_NAP_MS
                              : k->next_ms - hub_clock_now_ms();
        if (k->next_ms >= 0 && left <= 0)
            return 1;
        if (left > HUB_CHECKER_NAP_MS)
            left = HUB_CHECKER_NAP_MS;
        hub_clock_cond_wait_ms(&k->wake, &k->mutex, left);
    }
    return 0;
}

static void *hub_checker_run_thread(void *arg)
{
    hub_checker_t *k = arg;
    const char *reason = "after an unclean shutdown";
    int64_t now;
    int due;

    if (!k->opt.server_checked)
        hub_checker_load_last(k);
    hub_checker_lock(k);
    now = hub_clock_now_ms();
    k->next_ms = k->opt.after_unclean ? now : hub_checker_plan_next(k, now);
    if (!k->opt.after_unclean)
        reason = "scheduled";
    for (;;) {
        due = hub_checker_wait_due(k);
        hub_checker_unlock(k);
        if (!due)
            return NULL;
        hub_checker_run_check(k, reason);
        reason = "scheduled";
        hub_checker_lock(k);
    }
}

/* ---- life --------------------------------------------------------------- */

hub_checker_t *hub_checker_start(hub_db_t *db, const hub_checker_options_t *o)
{
    hub_checker_t *k = calloc(1, sizeof(*k));
    int ok;

    if (!k)
        return NULL;
    k->db = db;
    k->opt = *o;
    k->next_ms = -1;
    if (pthread_mutex_init(&k->mutex, NULL) != 0) {
        free(k);
        return NULL;
    }
    ok = hub_clock_cond_init(&k->wake) == 0;
    if (ok &&
        pthread_create(&k->thread, NULL, hub_checker_run_thread, k) != 0) {
        (void)pthread_cond_destroy(&k->wake);
        ok = 0;
    }
    if (!ok) {
        (void)pthread_mutex_destroy(&k->mutex);
        free(k);
        return NULL;
    }
    return k;
}

void hub_checker_stop(hub_checker_t *k)
{
    if (!k)
        return;
    hub_checker_lock(k);
    k->stopping = 1;
    if (k->running)
        hub_integrity_interrupt(k->running);
    (void)pthread_cond_signal(&k->wake);
    hub_checker_unlock(k);
    (void)pthread_join(k->thread, NULL); /* ours, joinable */
    (void)pthread_cond_destroy(&k->wake);
    (void)pthread_mutex_destroy(&k->mutex);
    free(k);
}

/* ---- /healthz ----------------------------------------------------------- */

static json_t *hub_checker_json_ms(int64_t ms)
{
    return ms > 0 ? json_integer((json_int_t)ms) : json_null();
}

/* quick_check's lines as an array; empty for ok and while running. */
static json_t *hub_checker_json_lines(const hub_checker_state_t *s)
{
    char copy[HUB_INTEGRITY_TEXT_MAX];
    json_t *a = json_array();
    char *line, *save = NULL;

    if (!a || s->result == HUB_CHECKER_OK ||
        s->result == HUB_CHECKER_RUNNING || s->result == HUB_CHECKER_NEVER)
        return a;
    snprintf(copy, sizeof(copy), "%s", s->text);
    for (line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        if (json_array_append_new(a, json_string(line)) != 0)
            break; /* invalid UTF-8 from SQLite cannot happen; stop there */
    return a;
}

static json_t *hub_checker_json_state(const hub_checker_state_t *s)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o}", "result",
                     hub_checker_names[s->result], "reason",
                     s->reason ? json_string(s->reason) : json_null(),
                     "started_at", hub_checker_json_ms(s->started_ms),
                     "finished_at", hub_checker_json_ms(s->finished_ms),
                     "errors", hub_checker_json_lines(s));
}

json_t *hub_checker_status_json(hub_checker_t *k)
{
    json_t *o;

    hub_checker_lock(k);
    o = hub_checker_json_state(&k->now);
    if (o) {
        (void)json_object_set_new(o, "every_hours",
                                  json_integer(k->opt.every_ms / 3600000));
        (void)json_object_set_new(o, "next_at",
                                  k->next_ms >= 0 && !k->running
                                      ? json_integer(k->next_ms)
                                      : json_null());
        if (!hub_checker_is_complete(k->now.result))
            (void)json_object_set_new(o, "previous",
                                      hub_checker_json_state(&k->previous));
        if (k->opt.server_checked) {
            (void)json_object_set_new(o, "method", json_string("postgresql"));
            (void)json_object_set_new(o, "detail", json_string(k->now.text));
        }
    }
    hub_checker_unlock(k);
    return o;
}
