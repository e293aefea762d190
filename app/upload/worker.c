#include "worker.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "core/agg.h"
#include "core/backoff.h"
#include "core/vntime.h"
#include "platform/pclock.h"
#include "store/store.h"
#include "sync/dayclock.h"
#include "sync/dossier_rows.h"
#include "sync/snapshot.h"

#define SYNC_BOOTS_MAX 128
#define SYNC_ANSWER_TEXT 24
#define SYNC_ERR_MAX 512
#define SYNC_DAY_MS (INT64_C(86400000))
#define SYNC_INTEGRITY_EVERY_MS (SYNC_DAY_MS)
/* Databases whose verdict a process remembers at once. */
#define SYNC_VERDICTS_MAX 8
#define SYNC_PATH_INGEST "/api/v1/ingest"
#define SYNC_PATH_HEARTBEAT "/api/v1/heartbeat"

/* Everything one pass works with. */
typedef struct sync_pass {
    const sync_options_t *o;
    const sync_hooks_t *h;
    sync_result_t *res;
    pclock_t clock;
    syncdb_t *db;
    store_t *store;         /* NULL: the kiosk never stored anything */
    sync_client_t *client;
    syncdb_enrollment_t en;
    syncdb_progress_t pg;
    int64_t batch;          /* responses per upload, halved on 413 */
    int requests;           /* acknowledged exchanges in this pass */
    int have_anchor;        /* this boot's anchor is known */
    int64_t anchor;
    sync_reply_t reply;     /* of the last exchange */
} sync_pass_t;

/* One batch being built. */
typedef struct sync_batch {
    sync_pass_t *p;
    int64_t acked, upto;
    int n_boots;
    char boots[SYNC_BOOTS_MAX][SYNCDB_BOOT_ID_MAX];
    int n_anchors;
    agg_anchor_t anchors[SYNC_BOOTS_MAX];
    agg_t *agg;
    int64_t responses;      /* read, tests included */
    int64_t tests;          /* of which tests: not sent */
    int failed;             /* a local error inside a walk */
    char why[SYNC_ERR_MAX];
    char text[STORE_SYNC_ANSWERS_MAX][SYNC_ANSWER_TEXT];
    agg_answer_t answers[STORE_SYNC_ANSWERS_MAX];
    /* Dossier-bound ratings read, in seq order; those above upto when the
     * batch was cut are left for the next one. */
    json_t *dossiers;
} sync_batch_t;

static void sync_say(sync_result_t *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sync_say(sync_result_t *res, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(res->message, sizeof(res->message), fmt, ap);
    va_end(ap);
}

static int sync_stopping(const sync_pass_t *p)
{
    return p->h && p->h->stop && atomic_load(p->h->stop);
}

static uint64_t sync_random(void *ctx)
{
    uint64_t v = 0;

    (void)ctx;
    /* getrandom never blocks once the pool is up; a short read leaves a
     * less random jitter, which still spreads retries. */
    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
        v ^= (uint64_t)(uintptr_t)&v * 6364136223846793005ull;
    return v;
}

/* ---- clock anchors ------------------------------------------------------ */

/* What the hub's clock says of this boot: anchor = hub time - boottime at
 * the middle of the exchange; the first one learned is kept forever. */
static int sync_learn_hub_time(sync_pass_t *p, const sync_reply_t *r)
{
    int64_t mid, anchor;

    if (r->hub_time_ms <= 0)
        return SYNCDB_OK;
    mid = r->boot_sent_ms + (r->boot_recv_ms - r->boot_sent_ms) / 2;
    anchor = agg_get_anchor(r->hub_time_ms, mid);
    p->pg.hub_time_ms = r->hub_time_ms;
    p->pg.hub_offset_ms =
        pclock_wall_ms(&p->clock) -
        (r->hub_time_ms + (r->boot_recv_ms - mid));
    if (p->have_anchor || !dayclock_boot_anchorable(p->clock.boot_id))
        return SYNCDB_OK;
    if (syncdb_add_anchor(p->db, p->clock.boot_id, 1, anchor, "hub time",
                          pclock_wall_ms(&p->clock)) != SYNCDB_OK)
        return SYNCDB_ERROR;
    p->have_anchor = 1;
    p->anchor = anchor;
    return SYNCDB_OK;
}

static int sync_load_own_anchor(sync_pass_t *p)
{
    return dayclock_own_anchor(p->db, p->clock.boot_id, &p->have_anchor,
                               &p->anchor) == 0
               ? SYNCDB_OK
               : SYNCDB_ERROR;
}

/* The anchor of a boot in this batch (dayclock.h), frozen in sync.db once
 * used. */
static int sync_resolve_anchor(sync_batch_t *b, const char *boot_id)
{
    sync_pass_t *p = b->p;
    int64_t v;
    int known;
    agg_anchor_t *a;
    size_t len;

    if (dayclock_resolve(p->db, p->store, boot_id, p->clock.boot_id,
                         pclock_wall_ms(&p->clock), &known, &v) != 0)
        return -1;
    len = strlen(boot_id);
    if (!known || len >= sizeof(a->boot_id))
        return 0;
    a = &b->anchors[b->n_anchors++];
    memcpy(a->boot_id, boot_id, len + 1);
    a->wall_minus_boot_ms = v;
    return 0;
}

/* ---- reading a batch -------------------------------------------------- */

static int sync_collect_boot(void *ctx, int64_t seq, const store_response_t *r)
{
    sync_batch_t *b = ctx;
    const char *id = r->boot_id ? r->boot_id : "";
    int i;

    if (r->test)
        return 0;
    for (i = 0; i < b->n_boots; i++)
        if (strcmp(b->boots[i], id) == 0)
            return 0;
    if (b->n_boots == SYNC_BOOTS_MAX || strlen(id) >= SYNCDB_BOOT_ID_MAX) {
        /* Too many boots for one upload: this one starts the next. */
        b->upto = seq - 1;
        return 1;
    }
    snprintf(b->boots[b->n_boots++], SYNCDB_BOOT_ID_MAX, "%s", id);
    return 0;
}

static void sync_convert(sync_batch_t *b, const store_response_t *r,
                         int64_t seq, agg_response_t *out)
{
    int i;

    memset(out, 0, sizeof(*out));
    out->seq = seq;
    out->wall_ms = r->wall_ms;
    out->boot_ms = r->boot_ms;
    out->boot_id = r->boot_id;
    out->clock_synced = r->clock_synced;
    out->unit = r->unit;
    out->counter = r->counter;
    out->officer = r->officer;
    out->field = r->field;
    out->instrument = r->instrument;
    out->version = r->instrument_version;
    out->partial = r->partial;
    out->suppressed = r->suppressed;
    out->n_answers = r->n_answers;
    out->answers = b->answers;
    for (i = 0; i < r->n_answers && i < STORE_SYNC_ANSWERS_MAX; i++) {
        b->answers[i].question = r->answers[i].question;
        b->answers[i].element = r->answers[i].element;
        if (r->answers[i].code && r->answers[i].code[0]) {
            b->answers[i].answer = r->answers[i].code;
        } else {
            snprintf(b->text[i], SYNC_ANSWER_TEXT, "%d", r->answers[i].value);
            b->answers[i].answer = b->text[i];
        }
    }
}

/* The day's acknowledged snapshot goes in before its first new response,
 * so the upload carries the whole day. AGG_FULL when it does not fit. */
static int sync_load_base(sync_batch_t *b, const char *day)
{
    char *text = NULL;
    int64_t upto;
    int rc, rows, room_days, room_rows;

    rc = syncdb_get_day(b->p->db, day, &text, &upto);
    if (rc < 0) {
        snprintf(b->why, sizeof(b->why), "%s", syncdb_last_error(b->p->db));
        return AGG_EINVAL;
    }
    if (rc == 0)
        return AGG_OK;
    rows = snapshot_count_rows(text);
    agg_get_room(b->agg, &room_days, &room_rows);
    if (rows < 0) {
        snprintf(b->why, sizeof(b->why),
                 "the acknowledged snapshot of %s in sync.db is damaged", day);
        rc = AGG_EINVAL;
    } else if (room_days < 1 || rows > room_rows) {
        rc = AGG_FULL;
    } else {
        rc = snapshot_load_day(b->agg, day, text);
        if (rc == AGG_EINVAL)
            snprintf(b->why, sizeof(b->why),
                     "the acknowledged snapshot of %s in sync.db is damaged",
                     day);
    }
    free(text);
    return rc;
}

/* The rating's own row, at the same corrected time and day its snapshot
 * counts it in. */
static int sync_add_dossier(sync_batch_t *b, const store_response_t *r,
                            const agg_response_t *ar, int64_t seq,
                            const char *day, int estimated)
{
    int64_t at;
    int unused;
    json_t *row;

    if (!b->dossiers && !(b->dossiers = json_array()))
        return AGG_ENOMEM;
    at = agg_correct_time(ar, b->anchors, b->n_anchors, &unused);
    row = dossier_rows_build(r, seq, at, day, estimated);
    if (!row || json_array_append_new(b->dossiers, row) != 0)
        return AGG_ENOMEM;
    return AGG_OK;
}

static int sync_add_one(void *ctx, int64_t seq, const store_response_t *r)
{
    sync_batch_t *b = ctx;
    agg_response_t ar;
    char day[AGG_DAY_TEXT];
    int est, rc = AGG_OK;

    /* A test rating (recorded before enrollment) is acknowledged with its
     * batch but never sent: the hub's figures never see it. */
    if (r->test) {
        b->responses++;
        b->tests++;
        return 0;
    }
    sync_convert(b, r, seq, &ar);
    agg_get_response_day(b->agg, &ar, b->anchors, b->n_anchors, day, &est);
    if (agg_find_day(b->agg, day) < 0)
        rc = sync_load_base(b, day);
    if (rc == AGG_OK)
        rc = agg_add_response(b->agg, &ar, b->anchors, b->n_anchors, NULL);
    if (rc == AGG_OK && dossier_rows_wanted(r))
        rc = sync_add_dossier(b, r, &ar, seq, day, est);
    if (rc == AGG_FULL) {
        /* Full: everything before this response is the batch. */
        b->upto = seq - 1;
        return 1;
    }
    if (rc != AGG_OK) {
        if (!b->why[0])
            snprintf(b->why, sizeof(b->why),
                     rc == AGG_ENOMEM ? "out of memory"
                                      : "response %lld cannot be counted",
                     (long long)seq);
        b->failed = 1;
        return 1;
    }
    b->responses++;
    return 0;
}

/* Fills b->agg with the full snapshots of the days that responses in
 * (acked, upto] touch; b->upto may come down to what fits. */
static int sync_read_batch(sync_batch_t *b)
{
    sync_pass_t *p = b->p;
    agg_limits_t lim;
    int64_t now;
    int i, rc;

    rc = store_each_response(p->store, b->acked, b->upto, sync_collect_boot,
                             b);
    for (i = 0; rc >= 0 && i < b->n_boots; i++)
        if (sync_resolve_anchor(b, b->boots[i]) != 0) {
            snprintf(b->why, sizeof(b->why), "%s",
                     syncdb_last_error(p->db));
            return -1;
        }
    if (rc < 0) {
        snprintf(b->why, sizeof(b->why), "reading responses: %s",
                 store_last_error(p->store));
        return -1;
    }
    /* The plausible window and the fallback use the best clock there is:
     * the hub's, through this boot's anchor. */
    now = dayclock_now(&p->clock, p->have_anchor, p->anchor);
    dayclock_limits(now, &lim);
    if (agg_create(&b->agg, &lim) != AGG_OK) {
        snprintf(b->why, sizeof(b->why), "out of memory");
        return -1;
    }
    rc = store_each_response(p->store, b->acked, b->upto, sync_add_one, b);
    if (rc < 0 || b->failed) {
        if (!b->why[0])
            snprintf(b->why, sizeof(b->why), "reading responses: %s",
                     store_last_error(p->store));
        return -1;
    }
    return 0;
}

/* ---- JSON --------------------------------------------------------------- */

/* quick_check reads the whole file: once a day per database is enough for
 * a heartbeat. Verdicts are kept per database (by its install id), so a
 * process that serves several data directories never reports one
 * database's health as another's. */
typedef struct sync_verdict {
    char install_id[STORE_ID_MAX];
    int64_t checked_ms;
    char text[STORE_TEXT_MAX];
} sync_verdict_t;

static pthread_mutex_t sync_verdicts_mu = PTHREAD_MUTEX_INITIALIZER;
static sync_verdict_t sync_verdicts[SYNC_VERDICTS_MAX];

void sync_integrity_verdict(store_t *s, int64_t now_ms, char *out, size_t cap)
{
    sync_verdict_t *v = NULL, *slot = NULL;
    const char *id;
    int i;

    if (!out || cap == 0)
        return;
    if (!s) {
        snprintf(out, cap, "ok");
        return;
    }
    id = store_get_install_id(s);
    if (pthread_mutex_lock(&sync_verdicts_mu) != 0) {
        snprintf(out, cap, "unknown");
        return;
    }
    for (i = 0; i < SYNC_VERDICTS_MAX && !v; i++) {
        sync_verdict_t *e = &sync_verdicts[i];
        if (id[0] && strcmp(e->install_id, id) == 0)
            v = e;
        else if (!slot || !e->install_id[0] ||
                 (slot->install_id[0] && e->checked_ms < slot->checked_ms))
            slot = e; /* an empty slot, else the oldest verdict */
    }
    if (!v) {
        v = slot;
        snprintf(v->install_id, sizeof(v->install_id), "%s", id);
        v->text[0] = '\0';
    }
    if (!v->text[0] || now_ms - v->checked_ms > SYNC_INTEGRITY_EVERY_MS) {
        if (store_quick_check(s, v->text, sizeof(v->text)) != STORE_OK ||
            !v->text[0])
            snprintf(v->text, sizeof(v->text), "unreadable");
        v->checked_ms = now_ms;
    }
    snprintf(out, cap, "%s", v->text);
    (void)pthread_mutex_unlock(&sync_verdicts_mu);
}

static json_t *sync_build_heartbeat(sync_pass_t *p, int64_t pending,
                                    int64_t acked)
{
    struct statvfs vfs;
    int64_t last_seq = 0, last_wall = 0, n = 0, free_bytes = 0;
    int64_t wall = pclock_wall_ms(&p->clock);
    int64_t offset = 0;
    char integrity[STORE_TEXT_MAX];

    sync_integrity_verdict(p->store, (int64_t)pclock_mono_ms(&p->clock),
                           integrity, sizeof(integrity));
    if (p->store && store_get_pending(p->store, acked, &n, &last_seq,
                                      &last_wall) != STORE_OK)
        last_wall = 0;
    if (statvfs(p->o->data_dir, &vfs) == 0)
        free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    if (p->have_anchor)
        offset = wall - ((int64_t)pclock_boot_ms(&p->clock) + p->anchor);
    /* A kiosk that never recorded anything has no last response. */
    return json_pack("{s:s, s:I, s:b, s:I, s:I, s:s, s:I, s:I, s:o, s:I}",
                     "version", p->o->version ? p->o->version : "0",
                     "uptime_s",
                     (json_int_t)(pclock_boot_ms(&p->clock) / 1000),
                     "clock_synced", pclock_synced(&p->clock),
                     "clock_offset_ms", (json_int_t)offset, "free_bytes",
                     (json_int_t)free_bytes, "integrity", integrity,
                     "pending", (json_int_t)(pending > 0 ? pending : 0),
                     "acked_seq", (json_int_t)acked, "last_response_at",
                     last_seq > 0 ? json_integer(last_wall) : json_null(),
                     "sent_at", (json_int_t)wall);
}

/* "dossiers": the batch's dossier-bound ratings up to its last seq. Left
 * out when there are none, so a kiosk that never scans a dossier sends
 * what a hub without dossier rows takes. */
static int sync_put_dossiers(sync_batch_t *b, json_t *root)
{
    json_t *keep, *row;
    size_t i;

    if (!b->dossiers || json_array_size(b->dossiers) == 0)
        return 0;
    keep = json_array();
    if (!keep)
        return -1;
    json_array_foreach(b->dossiers, i, row) {
        if (json_integer_value(json_object_get(row, "seq")) > b->upto)
            break;
        if (json_array_append(keep, row) != 0) {
            json_decref(keep);
            return -1;
        }
    }
    if (json_array_size(keep) == 0) {
        json_decref(keep);
        return 0;
    }
    return json_object_set_new(root, "dossiers", keep);
}

/* The upload body and each day's snapshot text (for sync.db). */
static char *sync_build_upload(sync_batch_t *b, char upload_id[160],
                               syncdb_day_t *days, int *n_days)
{
    sync_pass_t *p = b->p;
    json_t *root, *arr = json_array(), *day;
    agg_day_t d;
    char *body = NULL;
    int i, bad = !arr;

    *n_days = 0;
    snprintf(upload_id, 160, "%s:%lld", p->en.install_id, (long long)b->upto);
    for (i = 0; !bad && i < agg_count_days(b->agg); i++) {
        if (agg_get_day(b->agg, i, &d) != AGG_OK ||
            !(day = snapshot_build_day(&d))) {
            bad = 1;
            break;
        }
        snprintf(days[i].day, sizeof(days[i].day), "%s", d.day);
        days[i].upto_seq = b->upto;
        days[i].snapshot = json_dumps(day, JSON_COMPACT);
        (*n_days)++;
        if (!days[i].snapshot || json_array_append_new(arr, day) != 0)
            bad = 1;
    }
    if (bad) {
        json_decref(arr);
        return NULL;
    }
    root = json_pack("{s:i, s:s, s:s, s:I, s:o, s:o}", "format",
                     SNAPSHOT_FORMAT, "install_id",
                     p->en.install_id, "upload_id", upload_id, "upto_seq",
                     (json_int_t)b->upto, "days", arr, "heartbeat",
                     sync_build_heartbeat(
                         p, p->res->pending - (b->responses - b->tests),
                         b->upto));
    if (root && sync_put_dossiers(b, root) != 0) {
        json_decref(root);
        root = NULL;
    }
    if (root)
        body = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return body;
}

static void sync_free_days(syncdb_day_t *days, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free((char *)days[i].snapshot);
        days[i].snapshot = NULL;
    }
}

/* ---- exchanges ---------------------------------------------------------- */

static sync_class_t sync_post(sync_pass_t *p, const char *path,
                              const char *body, const char *upload_id)
{
    sync_reply_clear(&p->reply);
    return sync_client_post(p->client, path, p->en.install_id, p->en.secret,
                            body, strlen(body), upload_id, &p->reply);
}

static sync_class_t sync_heartbeat(sync_pass_t *p)
{
    json_t *hb = sync_build_heartbeat(p, p->res->pending, p->pg.acked_seq);
    char *body = hb ? json_dumps(hb, JSON_COMPACT) : NULL;
    sync_class_t cls;

    json_decref(hb);
    if (!body) {
        sync_say(p->res, "out of memory building a heartbeat");
        return SYNC_TRANSIENT;
    }
    cls = sync_post(p, SYNC_PATH_HEARTBEAT, body, NULL);
    free(body);
    if (cls != SYNC_ACKED) {
        sync_say(p->res, "%s", p->reply.message);
        return cls;
    }
    p->requests++;
    if (sync_learn_hub_time(p, &p->reply) != SYNCDB_OK) {
        sync_say(p->res, "recording the hub's time: %s",
                 syncdb_last_error(p->db));
        return SYNC_PERMANENT;
    }
    return cls;
}

static int sync_count_pending(sync_pass_t *p, int64_t *pending,
                              int64_t *last_seq)
{
    int64_t tests = 0;

    *pending = *last_seq = 0;
    if (!p->store)
        return 0;
    if (store_get_pending(p->store, p->pg.acked_seq, pending, last_seq,
                          NULL) != STORE_OK ||
        store_get_pending_tests(p->store, p->pg.acked_seq, &tests) !=
            STORE_OK) {
        sync_say(p->res, "reading the kiosk database: %s",
                 store_last_error(p->store));
        return -1;
    }
    /* Tests still go through a batch, to be acknowledged by range, but
     * nobody waits for them to arrive. */
    p->res->pending = *pending - tests;
    return 0;
}

/* Records an acknowledged batch: sync.db first (one transaction), then the
 * report. */
static int sync_record_ack(sync_pass_t *p, sync_batch_t *b, syncdb_day_t *days,
                           int n_days)
{
    json_t *stale = json_object_get(p->reply.body, "stale_days");
    sync_batch_report_t rep;
    int64_t pending, last;

    p->requests++;
    p->pg.acked_seq = b->upto;
    p->pg.last_ok_ms = pclock_wall_ms(&p->clock);
    p->pg.failures = 0;
    p->pg.last_error[0] = '\0';
    p->pg.next_try_ms = 0;
    p->pg.pending = p->res->pending - (b->responses - b->tests);
    if (p->pg.pending < 0)
        p->pg.pending = 0;
    if (sync_learn_hub_time(p, &p->reply) != SYNCDB_OK ||
        syncdb_commit_ack(p->db, days, n_days, &p->pg) != SYNCDB_OK) {
        sync_say(p->res, "recording the acknowledgement: %s",
                 syncdb_last_error(p->db));
        return -1;
    }
    p->res->uploaded += b->responses - b->tests;
    p->res->tests += b->tests;
    p->res->batches++;
    p->res->acked_seq = b->upto;
    if (sync_count_pending(p, &pending, &last) != 0)
        return -1;
    rep.responses = b->responses - b->tests;
    rep.tests = b->tests;
    rep.days = n_days;
    rep.stale_days = json_is_integer(stale) ? (int)json_integer_value(stale)
                                            : 0;
    rep.acked_seq = b->upto;
    rep.pending = pending;
    if (p->h && p->h->on_batch)
        p->h->on_batch(p->h->ctx, &rep);
    return 0;
}

/* Builds, sends and records one batch. 1 = send again smaller, 0 = done,
 * a class > 0 otherwise (in *cls). */
static int sync_send_batch(sync_pass_t *p, sync_batch_t *b, sync_class_t *cls)
{
    syncdb_day_t days[AGG_DAYS_MAX];
    char upload_id[160];
    char *body;
    int n_days = 0, rc = 0;

    if (sync_read_batch(b) != 0) {
        sync_say(p->res, "%s", b->why);
        return -1;
    }
    if (b->upto <= b->acked) {
        sync_say(p->res, "response %lld alone exceeds what one upload may"
                 " carry", (long long)(b->acked + 1));
        *cls = SYNC_PERMANENT;
        return 2;
    }
    body = sync_build_upload(b, upload_id, days, &n_days);
    if (!body) {
        sync_free_days(days, n_days);
        sync_say(p->res, "out of memory building an upload");
        return -1;
    }
    if (strlen(body) > SYNC_BODY_MAX) {
        *cls = SYNC_TOO_LARGE;
    } else {
        *cls = sync_post(p, SYNC_PATH_INGEST, body, upload_id);
        if (*cls == SYNC_ACKED && sync_record_ack(p, b, days, n_days) != 0)
            rc = -1;
    }
    free(body);
    sync_free_days(days, n_days);
    if (rc != 0)
        return rc;
    if (*cls == SYNC_TOO_LARGE && b->upto - b->acked > 1) {
        /* Halve and go again at once: not a failure of the network. */
        p->batch = (b->upto - b->acked) / 2;
        return 1;
    }
    if (*cls == SYNC_TOO_LARGE) {
        sync_say(p->res, "one response's day is too large for the hub: %s",
                 p->reply.message[0] ? p->reply.message : "over 1 MB");
        *cls = SYNC_PERMANENT;
        return 2;
    }
    if (*cls != SYNC_ACKED)
        sync_say(p->res, "%s", p->reply.message);
    return *cls == SYNC_ACKED ? 0 : 2;
}

static sync_class_t sync_upload_batch(sync_pass_t *p, int64_t last_seq,
                                      int *local_error)
{
    sync_batch_t *b;
    sync_class_t cls = SYNC_TRANSIENT;
    int rc;

    do {
        b = calloc(1, sizeof(*b));
        if (!b) {
            sync_say(p->res, "out of memory");
            *local_error = 1;
            return SYNC_TRANSIENT;
        }
        b->p = p;
        b->acked = p->pg.acked_seq;
        b->upto = last_seq - b->acked > p->batch ? b->acked + p->batch
                                                 : last_seq;
        rc = sync_send_batch(p, b, &cls);
        agg_free(b->agg);
        json_decref(b->dossiers);
        free(b);
    } while (rc == 1 && !sync_stopping(p));
    if (rc < 0)
        *local_error = 1;
    if (rc == 1)
        cls = SYNC_STOPPED;
    return cls;
}

/* ---- the pass ----------------------------------------------------------- */

static sync_outcome_t sync_outcome_of(sync_pass_t *p, sync_class_t cls)
{
    switch (cls) {
    case SYNC_ACKED:
        return SYNC_DONE;
    case SYNC_STOPPED:
        return SYNC_INTERRUPTED;
    case SYNC_UNAUTHORIZED:
        p->pg.blocked = SYNCDB_BLOCKED_UNAUTHORIZED;
        return SYNC_BLOCKED;
    case SYNC_REVOKED:
        p->pg.blocked = SYNCDB_BLOCKED_REVOKED;
        return SYNC_BLOCKED;
    case SYNC_PERMANENT:
    case SYNC_TOO_LARGE:
        return SYNC_REFUSED;
    case SYNC_TRANSIENT:
        break;
    }
    return SYNC_FAILED;
}

static sync_outcome_t sync_drain(sync_pass_t *p)
{
    int64_t pending, last_seq;
    sync_class_t cls;
    int local_error = 0;

    if (sync_count_pending(p, &pending, &last_seq) != 0)
        return SYNC_LOCAL_ERROR;
    /* Learn the hub's clock before the first upload of this boot, so no
     * response of it is ever counted on a day its wrong clock made up. */
    if (!p->have_anchor && (cls = sync_heartbeat(p)) != SYNC_ACKED)
        return sync_outcome_of(p, cls);
    for (;;) {
        if (sync_stopping(p))
            return SYNC_INTERRUPTED;
        if (sync_count_pending(p, &pending, &last_seq) != 0)
            return SYNC_LOCAL_ERROR;
        if (pending == 0)
            break;
        cls = sync_upload_batch(p, last_seq, &local_error);
        if (local_error)
            return SYNC_LOCAL_ERROR;
        if (cls != SYNC_ACKED)
            return sync_outcome_of(p, cls);
    }
    if (p->requests == 0 && (cls = sync_heartbeat(p)) != SYNC_ACKED)
        return sync_outcome_of(p, cls);
    if (p->res->uploaded > 0 || p->res->tests > 0)
        sync_say(p->res, "all acknowledged by the hub: %lld responses in %d"
                 " upload%s (acked seq %lld)%s", (long long)p->res->uploaded,
                 p->res->batches, p->res->batches == 1 ? "" : "s",
                 (long long)p->pg.acked_seq,
                 p->res->tests > 0 ? "; test ratings from before enrollment"
                                     " are kept on the kiosk, never sent"
                                   : "");
    else
        sync_say(p->res, "nothing pending (acked seq %lld); heartbeat"
                 " acknowledged", (long long)p->pg.acked_seq);
    return SYNC_DONE;
}

/* Retention: what the writer may delete once the hub has it all. */
static void sync_plan_prune(sync_pass_t *p)
{
    int64_t now;

    if (p->o->retention_days <= 0 || p->pg.acked_seq <= 0)
        return;
    if (p->have_anchor)
        now = (int64_t)pclock_boot_ms(&p->clock) + p->anchor;
    else if (pclock_synced(&p->clock))
        now = pclock_wall_ms(&p->clock);
    else
        return; /* no trustworthy "today": keep everything */
    p->res->prune_before_ms = sync_prune_before(now, p->o->retention_days);
    p->res->prune_max_seq = p->pg.acked_seq;
}

/* The backoff's base: 2 s, or SIPAS_SYNC_BACKOFF_MS (1 to 2000) so that
 * tests of retries take milliseconds, as SIPAS_CLOCK_* do for the clock. */
static int64_t sync_backoff_base(void)
{
    const char *env = getenv("SIPAS_SYNC_BACKOFF_MS");
    long v = env ? strtol(env, NULL, 10) : 0;

    return v >= 1 && v <= BACKOFF_BASE_MS ? (int64_t)v : BACKOFF_BASE_MS;
}

/* Progress after the pass: success clears, failure counts and backs off. */
static void sync_note_outcome(sync_pass_t *p, sync_outcome_t out)
{
    backoff_t b;
    int64_t wall = pclock_wall_ms(&p->clock), delay;

    p->pg.last_attempt_ms = wall;
    p->pg.pending = p->res->pending;
    if (out == SYNC_DONE) {
        p->pg.failures = 0;
        p->pg.last_error[0] = '\0';
        p->pg.next_try_ms = 0;
        p->pg.last_ok_ms = wall;
        return;
    }
    if (out == SYNC_INTERRUPTED)
        return;
    backoff_init(&b, sync_backoff_base(), 0);
    b.failures = p->pg.failures;
    /* Only a refusal waits the cap; the network and the card recover. */
    if (out == SYNC_FAILED || out == SYNC_LOCAL_ERROR || out == SYNC_BUSY)
        delay = backoff_next_delay(&b, p->reply.retry_after_ms, sync_random,
                                   NULL);
    else
        delay = backoff_cap_delay(&b, p->reply.retry_after_ms);
    p->pg.failures = b.failures;
    p->pg.next_try_ms = wall + delay;
    p->pg.last_error_ms = wall;
    snprintf(p->pg.last_error, sizeof(p->pg.last_error), "%s",
             p->res->message);
    p->res->retry_in_ms = delay;
}

static sync_outcome_t sync_open_parts(sync_pass_t *p)
{
    char err[SYNC_ERR_MAX];
    sync_client_opts_t co;
    int rc;

    rc = store_open_readonly(p->o->data_dir, &p->store);
    if (rc == STORE_MISSING) {
        p->store = NULL;
    } else if (rc != STORE_OK) {
        sync_say(p->res, "cannot read the kiosk database: %s",
                 store_last_error(NULL));
        return SYNC_LOCAL_ERROR;
    } else if (strcmp(store_get_install_id(p->store), p->en.install_id) != 0) {
        sync_say(p->res, "kiosk.db now has install id %s, but this kiosk was"
                 " enrolled as %s (the database was replaced): provision it"
                 " again", store_get_install_id(p->store), p->en.install_id);
        p->pg.blocked = SYNCDB_BLOCKED_REPLACED;
        return SYNC_BLOCKED;
    }
    memset(&co, 0, sizeof(co));
    co.hub_url = p->en.hub_url;
    co.ca_file = p->en.ca_file;
    co.pin = p->en.pin;
    co.connect_timeout_s = p->o->connect_timeout_s;
    co.stall_timeout_s = p->o->stall_timeout_s;
    co.user_agent = p->o->user_agent ? p->o->user_agent : "sipas-kiosk";
    co.stop = p->h ? p->h->stop : NULL;
    co.clock = &p->clock;
    if (sync_client_open(&p->client, &co, err, sizeof(err)) != 0) {
        sync_say(p->res, "%s", err);
        return SYNC_REFUSED;
    }
    if (p->h && p->h->on_client)
        p->h->on_client(p->h->ctx, p->client);
    return SYNC_DONE;
}

static sync_outcome_t sync_pass_run(sync_pass_t *p)
{
    char err[SYNC_ERR_MAX];
    sync_outcome_t out;
    int rc;

    rc = syncdb_open(p->o->data_dir, 0, &p->db, err, sizeof(err));
    if (rc != SYNCDB_OK) {
        /* Damage is said as such: nothing is uploaded until a technician
         * repairs it, and it must not look like "not enrolled". */
        if (rc == SYNCDB_DAMAGED)
            sync_say(p->res, "sync database damaged: %s (repair:"
                     " sipasctl provision --repair)", err);
        else
            sync_say(p->res, "%s", err);
        return SYNC_LOCAL_ERROR;
    }
    rc = syncdb_get_enrollment(p->db, &p->en);
    if (rc <= 0) {
        sync_say(p->res, "%s", rc < 0 ? syncdb_last_error(p->db)
                                      : "not provisioned: run sipasctl provision"
                                        " --hub URL --code CODE first");
        return rc < 0 ? SYNC_LOCAL_ERROR : SYNC_NOT_ENROLLED;
    }
    p->res->enrolled = 1;
    p->res->enrollment = p->en;
    memset(p->res->enrollment.secret, 0, sizeof(p->res->enrollment.secret));
    if (syncdb_get_progress(p->db, &p->pg) != SYNCDB_OK ||
        sync_load_own_anchor(p) != SYNCDB_OK) {
        sync_say(p->res, "%s", syncdb_last_error(p->db));
        return SYNC_LOCAL_ERROR;
    }
    p->res->acked_seq = p->pg.acked_seq;
    p->res->pending = p->pg.pending;
    if (p->pg.blocked && !p->o->retry_blocked) {
        sync_say(p->res, "%s", p->pg.last_error[0]
                                   ? p->pg.last_error
                                   : "uploading is blocked until the kiosk"
                                     " is provisioned again");
        return SYNC_BLOCKED;
    }
    p->pg.blocked = SYNCDB_UNBLOCKED;
    out = sync_open_parts(p);
    if (out == SYNC_DONE)
        out = sync_drain(p);
    sync_note_outcome(p, out);
    sync_plan_prune(p);
    if (syncdb_set_progress(p->db, &p->pg) != SYNCDB_OK && out == SYNC_DONE) {
        sync_say(p->res, "%s", syncdb_last_error(p->db));
        out = SYNC_LOCAL_ERROR;
    }
    p->res->acked_seq = p->pg.acked_seq;
    return out;
}

sync_outcome_t sync_run_once(const sync_options_t *o, const sync_hooks_t *h,
                             sync_result_t *res)
{
    char err[SYNC_ERR_MAX];
    struct stat st;
    sync_pass_t *p;
    int fd = -1, rc;

    memset(res, 0, sizeof(*res));
    /* Without sync.db there is nothing to do, and nothing is created in a
     * directory that was never provisioned. */
    if ((size_t)snprintf(err, sizeof(err), "%s/%s", o->data_dir,
                         SYNCDB_NAME) >= sizeof(err) ||
        stat(err, &st) != 0) {
        sync_say(res, "not provisioned: run sipasctl provision --hub URL"
                 " --code CODE first (no %s in %s)", SYNCDB_NAME, o->data_dir);
        return res->outcome = SYNC_NOT_ENROLLED;
    }
    rc = syncdb_lock(o->data_dir, o->lock_wait_ms, &fd, err, sizeof(err));
    if (rc != SYNCDB_OK) {
        sync_say(res, "%s", err);
        return res->outcome = rc == SYNCDB_BUSY ? SYNC_BUSY : SYNC_LOCAL_ERROR;
    }
    /* The pass holds a reply, a clock and handles: keep it off the stack
     * of a thread. */
    p = calloc(1, sizeof(*p));
    if (!p) {
        syncdb_unlock(fd);
        sync_say(res, "out of memory");
        return res->outcome = SYNC_LOCAL_ERROR;
    }
    p->o = o;
    p->h = h;
    p->res = res;
    p->batch = o->batch > 0 && o->batch <= SYNC_BATCH_MAX ? o->batch
                                                          : SYNC_BATCH_DEFAULT;
    pclock_init(&p->clock, 0);
    sync_reply_clear(&p->reply);
    res->outcome = sync_pass_run(p);
    if (h && h->on_client && p->client)
        h->on_client(h->ctx, NULL);
    sync_reply_clear(&p->reply);
    sync_client_close(p->client);
    store_close(p->store);
    syncdb_close(p->db);
    free(p);
    syncdb_unlock(fd);
    return res->outcome;
}
