#include "enroll.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/agg.h"
#include "core/hex.h"
#include "core/hubtext.h"
#include "platform/pclock.h"
#include "store/store.h"

#define SYNC_ENROLL_PATH "/api/v1/enroll"
#define SYNC_ERR_MAX 512

static void enroll_say(sync_enroll_result_t *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void enroll_say(sync_enroll_result_t *res, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
}

/* The kiosk's wall clock (pclock), for a store made here too. */
static int64_t enroll_wall_ms(void *ctx)
{
    return pclock_wall_ms(ctx);
}

/* The install id the kiosk stamps on its responses; the database is
 * created when the kiosk never ran, so the id exists before enrollment. */
static sync_enroll_outcome_t
enroll_read_install_id(const sync_enroll_request_t *rq, pclock_t *clock,
                      sync_enroll_result_t *res, char *id, size_t cap)
{
    store_options_t so;
    store_open_report_t rep;
    int64_t last = 0, tests = 0;
    store_t *s = NULL;
    int rc;

    rc = store_open_readonly(rq->data_dir, &s);
    if (rc == STORE_MISSING) {
        memset(&so, 0, sizeof(so));
        so.wall_ms = enroll_wall_ms;
        so.wall_ctx = clock;
        rc = store_open(rq->data_dir, &so, &s, &rep);
        res->created_store = rc == STORE_OK;
    }
    if (rc != STORE_OK) {
        enroll_say(res, "cannot %s the kiosk database in %s: %s",
                  rc == STORE_CORRUPT ? "use (damaged)" : "open",
                  rq->data_dir, store_last_error(NULL));
        return SYNC_ENROLL_LOCAL_ERROR;
    }
    snprintf(id, cap, "%s", store_get_install_id(s));
    /* Ratings made before enrollment are tests and never go up. */
    if (store_get_pending(s, 0, &res->pending, &last, NULL) != STORE_OK ||
        store_get_pending_tests(s, 0, &tests) != STORE_OK)
        res->pending = tests = 0;
    res->pending -= tests;
    res->tests = tests;
    store_close(s);
    return SYNC_ENROLL_OK;
}

static char *enroll_build_body(const sync_enroll_request_t *rq,
                              const char *install_id)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "code", rq->code, "install_id",
                          install_id, "version",
                          rq->version ? rq->version : "0");
    char *text;

    if (o && rq->counter &&
        json_object_set_new(o, "counter", json_string(rq->counter)) != 0) {
        json_decref(o);
        return NULL;
    }
    text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return text;
}

int sync_enroll_read_answer(const json_t *body, const char *install_id,
                            syncdb_enrollment_t *e, char *bad, size_t cap)
{
    const json_t *unit = json_object_get(body, "unit");
    const char *id = json_string_value(json_object_get(body, "install_id"));
    const char *secret = json_string_value(json_object_get(body, "secret"));
    const char *code = json_string_value(json_object_get(unit, "code"));
    const char *name = json_string_value(json_object_get(unit, "name"));

    if (!id || strcmp(id, install_id) != 0 || !secret ||
        strlen(secret) >= sizeof(e->secret) || !hex_is_lower(secret, 64) ||
        !code || !name)
        return -1;
    if (!hubtext_is_unit_code(code) || strlen(code) >= sizeof(e->unit_code)) {
        (void)hubtext_sanitize(code, bad, cap);
        return -2;
    }
    snprintf(e->secret, sizeof(e->secret), "%s", secret);
    snprintf(e->unit_code, sizeof(e->unit_code), "%s", code);
    (void)hubtext_sanitize(name, e->unit_name, sizeof(e->unit_name));
    return 0;
}

static sync_enroll_outcome_t enroll_refused(const sync_reply_t *r,
                                          sync_enroll_result_t *res)
{
    switch (r->status) {
    case 404:
        enroll_say(res, "unknown enrollment code: check it (it looks like"
                  " 7KQ2-M9TX-4HBD) or ask the province for a new one");
        return SYNC_ENROLL_UNKNOWN_CODE;
    case 409:
        enroll_say(res, "this enrollment code was used already: ask the"
                  " province for a new one (sipas-hub enroll-code)");
        return SYNC_ENROLL_CODE_USED;
    case 410:
        enroll_say(res, "this enrollment code has expired: ask the province"
                  " for a new one (sipas-hub enroll-code)");
        return SYNC_ENROLL_CODE_EXPIRED;
    default:
        break;
    }
    enroll_say(res, "%s", r->message);
    if (r->cls == SYNC_TRANSIENT || r->cls == SYNC_STOPPED)
        return SYNC_ENROLL_UNREACHABLE;
    return SYNC_ENROLL_REFUSED;
}

/* Stores the credentials and the hub's clock for this boot. */
static sync_enroll_outcome_t enroll_store(const sync_enroll_request_t *rq,
                                        pclock_t *clock, const sync_reply_t *r,
                                        sync_enroll_result_t *res)
{
    char err[SYNC_ERR_MAX];
    syncdb_t *db = NULL;
    int64_t mid, last = 0;
    int rc;

    rc = syncdb_open(rq->data_dir, 0, &db, err, sizeof(err));
    if (rc == SYNCDB_OK)
        rc = syncdb_set_enrollment(db, &res->enrollment, &res->reset);
    if (rc == SYNCDB_OK && r->hub_time_ms > 0 &&
        strcmp(clock->boot_id, "unknown") != 0) {
        mid = r->boot_sent_ms + (r->boot_recv_ms - r->boot_sent_ms) / 2;
        rc = syncdb_add_anchor(db, clock->boot_id, 1,
                               agg_get_anchor(r->hub_time_ms, mid),
                               "hub time", pclock_wall_ms(clock));
    }
    if (rc != SYNCDB_OK) {
        enroll_say(res, "the hub enrolled this kiosk, but saving its"
                  " credentials failed (enroll again with a new code): %s",
                  db ? syncdb_last_error(db) : err);
        syncdb_close(db);
        return SYNC_ENROLL_LOCAL_ERROR;
    }
    {
        syncdb_progress_t pg;
        if (syncdb_get_progress(db, &pg) == SYNCDB_OK)
            last = pg.acked_seq;
    }
    syncdb_close(db);
    res->pending = res->pending > last ? res->pending - last : 0;
    return SYNC_ENROLL_OK;
}

static sync_enroll_outcome_t enroll_exchange(const sync_enroll_request_t *rq,
                                           pclock_t *clock,
                                           const char *install_id,
                                           sync_enroll_result_t *res)
{
    char err[SYNC_ERR_MAX], bad[HUBTEXT_CODE_MAX + 8];
    sync_client_opts_t co;
    int rc;
    sync_client_t *c = NULL;
    sync_reply_t r;
    sync_enroll_outcome_t out;
    char *body;

    memset(&co, 0, sizeof(co));
    co.hub_url = rq->hub_url;
    co.ca_file = rq->ca_file;
    co.pin = rq->pin;
    co.connect_timeout_s = rq->connect_timeout_s;
    co.stall_timeout_s = rq->stall_timeout_s;
    co.user_agent = rq->user_agent ? rq->user_agent : "sipasctl";
    co.clock = clock;
    if (sync_client_open(&c, &co, err, sizeof(err)) != 0) {
        enroll_say(res, "%s", err);
        return SYNC_ENROLL_REFUSED;
    }
    body = enroll_build_body(rq, install_id);
    if (!body) {
        sync_client_close(c);
        enroll_say(res, "out of memory (or a counter name that is not UTF-8)");
        return SYNC_ENROLL_LOCAL_ERROR;
    }
    sync_client_post(c, SYNC_ENROLL_PATH, NULL, NULL, body, strlen(body),
                     NULL, &r);
    free(body);
    sync_client_close(c);
    if (r.cls != SYNC_ACKED) {
        out = enroll_refused(&r, res);
    } else if ((rc = sync_enroll_read_answer(r.body, install_id, &res->enrollment,
                                        bad, sizeof(bad))) == -2) {
        enroll_say(res, "the hub's answer names the unit \"%s\", which is not"
                  " a unit code (letters, digits, '.', '_', '-', at most %d):"
                  " nothing was saved; is %s a SIPAS hub?", bad,
                  HUBTEXT_CODE_MAX, rq->hub_url);
        out = SYNC_ENROLL_REFUSED;
    } else if (rc != 0) {
        enroll_say(res, "the hub's answer is not a complete enrollment (install"
                  " id, 64-hex secret, unit): is %s a SIPAS hub?",
                  rq->hub_url);
        out = SYNC_ENROLL_UNREACHABLE;
    } else {
        out = enroll_store(rq, clock, &r, res);
    }
    sync_reply_clear(&r);
    return out;
}

/* Opens sync.db for writing (quick_check, then the schema in a write
 * transaction) and closes it again, under the sync lock: what fails here
 * fails before the hub spends the code. A damaged file is moved aside
 * when the technician asked for the repair. */
static sync_enroll_outcome_t enroll_check_syncdb(const sync_enroll_request_t *rq,
                                               sync_enroll_result_t *res)
{
    char err[SYNC_ERR_MAX], why[SYNC_ERR_MAX];
    syncdb_t *db = NULL;
    int rc;

    rc = syncdb_open(rq->data_dir, 0, &db, err, sizeof(err));
    if (rc == SYNCDB_DAMAGED && rq->repair) {
        snprintf(why, sizeof(why), "%s", err);
        rc = syncdb_move_aside(rq->data_dir, res->moved_to,
                               sizeof(res->moved_to), err, sizeof(err));
        if (rc == SYNCDB_OK)
            rc = syncdb_open(rq->data_dir, 0, &db, err, sizeof(err));
        if (rc == SYNCDB_DAMAGED)
            snprintf(why, sizeof(why), "%s", err);
        if (rc != SYNCDB_OK) {
            enroll_say(res, "cannot repair the sync database: %s; the code"
                       " was not used", rc == SYNCDB_DAMAGED ? why : err);
            return SYNC_ENROLL_LOCAL_ERROR;
        }
    }
    if (rc == SYNCDB_DAMAGED) {
        enroll_say(res, "the sync database is damaged: %s; the code was not"
                   " used. Run again with --repair to move %s/%s aside (kept"
                   " as %s.damaged-TIME) and enroll with a fresh one",
                   err, rq->data_dir, SYNCDB_NAME, SYNCDB_NAME);
        return SYNC_ENROLL_LOCAL_ERROR;
    }
    if (rc != SYNCDB_OK) {
        enroll_say(res, "cannot write the sync database: %s; the code was"
                   " not used", err);
        return SYNC_ENROLL_LOCAL_ERROR;
    }
    syncdb_close(db);
    return SYNC_ENROLL_OK;
}

sync_enroll_outcome_t sync_enroll(const sync_enroll_request_t *rq,
                                sync_enroll_result_t *res)
{
    char install_id[STORE_ID_MAX], err[SYNC_ERR_MAX];
    syncdb_enrollment_t *e = &res->enrollment;
    pclock_t clock;
    int fd = -1, rc;

    memset(res, 0, sizeof(*res));
    pclock_init(&clock, 0);
    res->outcome = enroll_read_install_id(rq, &clock, res, install_id,
                                         sizeof(install_id));
    if (res->outcome != SYNC_ENROLL_OK)
        return res->outcome;
    rc = syncdb_lock(rq->data_dir, rq->lock_wait_ms, &fd, err, sizeof(err));
    if (rc != SYNCDB_OK) {
        enroll_say(res, "%s", err);
        return res->outcome = rc == SYNCDB_BUSY ? SYNC_ENROLL_BUSY
                                                : SYNC_ENROLL_LOCAL_ERROR;
    }
    snprintf(e->hub_url, sizeof(e->hub_url), "%s", rq->hub_url);
    snprintf(e->ca_file, sizeof(e->ca_file), "%s",
             rq->ca_file ? rq->ca_file : "");
    snprintf(e->pin, sizeof(e->pin), "%s", rq->pin ? rq->pin : "");
    snprintf(e->install_id, sizeof(e->install_id), "%s", install_id);
    snprintf(e->counter, sizeof(e->counter), "%s",
             rq->counter ? rq->counter : "");
    e->enrolled_at_ms = pclock_wall_ms(&clock);
    res->outcome = enroll_check_syncdb(rq, res);
    if (res->outcome == SYNC_ENROLL_OK)
        res->outcome = enroll_exchange(rq, &clock, install_id, res);
    syncdb_unlock(fd);
    /* The secret stays in sync.db only. */
    memset(e->secret, 0, sizeof(e->secret));
    if (res->outcome == SYNC_ENROLL_OK)
        enroll_say(res, "enrolled into %s (%s)", e->unit_code, e->unit_name);
    return res->outcome;
}
