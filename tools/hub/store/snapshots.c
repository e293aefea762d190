/*
 * Writing an upload: per day, keep the snapshot with the larger upto_seq.
 */
#include "hub/store/snapshots.h"
#include "hub/store/db_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/log.h"
#include "hub/store/commitq.h"
#include "hub/store/dayrows.h"
#include "hub/store/dbx.h"
#include "hub/store/dossiers.h"
#include "hub/store/kiosks.h"
#include "hub/store/partitions.h"
#include "hub/store/units.h"

static const char hub_ingest_sql_held[] =
    "SELECT upto_seq FROM day_snapshots WHERE install_id = ?1 AND day = ?2";
static const char hub_ingest_sql_highest[] =
    "SELECT coalesce(max(upto_seq), 0) FROM day_snapshots"
    " WHERE install_id = ?1";
static const char hub_ingest_sql_count[] =
    "SELECT (SELECT count(*) FROM day_responses WHERE install_id = ?1)"
    " + (SELECT count(*) FROM day_answers WHERE install_id = ?1)"
    " + (SELECT count(*) FROM day_elements"
    "    WHERE install_id = ?1 AND exact = 1)"
    " + (SELECT count(*) FROM dossier_ratings WHERE install_id = ?1)";
static const char hub_ingest_sql_put_snapshot[] =
    "INSERT INTO day_snapshots(install_id, day, upto_seq, estimated,"
    " upload_id, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT(install_id, day) DO UPDATE SET"
    " upto_seq = excluded.upto_seq, estimated = excluded.estimated,"
    " upload_id = excluded.upload_id, received_at = excluded.received_at";

/* The first column of sql's one row, with ?1 install_id and ?2 day (or
 * NULL: none): 0 when there is no row. */
static int hub_ingest_get_int(hub_db_t *db, const char *sql,
                              const char *install_id, const char *day,
                              const char *what, int64_t *out)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), sql);
    int rc = HUB_OK;

    *out = 0;
    sqlx_bind_text(st, 1, install_id, &rc);
    if (day)
        sqlx_bind_text(st, 2, day, &rc);
    rc = hub_dbx_next(db, st, rc, what);
    if (rc == HUB_NOT_FOUND)
        return HUB_OK;
    if (rc != HUB_OK)
        return rc;
    *out = sqlx_column_int64(st, 0);
    sqlx_reset(st);
    return HUB_OK;
}

/* The upto_seq held for (kiosk, day), 0 when there is none (uploads
 * start at 1). */
static int hub_ingest_get_held(hub_db_t *db, const char *install_id,
                               const char *day, int64_t *held)
{
    return hub_ingest_get_int(db, hub_ingest_sql_held, install_id, day,
                              "snapshot lookup", held);
}

/* The highest upto_seq held for the kiosk, on any day: it survives a
 * re-enrollment, as the kiosk's acked_seq does. */
static int hub_ingest_get_highest(hub_db_t *db, const char *install_id,
                                  int64_t *highest)
{
    return hub_ingest_get_int(db, hub_ingest_sql_highest, install_id, NULL,
                              "highest snapshot", highest);
}

static int hub_ingest_check_seq(hub_db_t *db, const hub_upload_t *up,
                                hub_ingest_result_t *res)
{
    int64_t highest;
    int rc;

    rc = hub_ingest_get_highest(db, up->install_id, &highest);
    if (rc != HUB_OK)
        return rc;
    if (up->upto_seq - highest <= HUB_INGEST_SEQ_JUMP_MAX)
        return HUB_OK;
    snprintf(res->refusal, sizeof(res->refusal),
             "upto_seq: %lld is more than %lld above the highest this kiosk"
             " was acknowledged (%lld)",
             (long long)up->upto_seq, (long long)HUB_INGEST_SEQ_JUMP_MAX,
             (long long)highest);
    return HUB_CONFLICT;
}

/* A row of a unit the hub knows must be the kiosk's own unit (or one
 * merged into it: a day's snapshot may hold responses from before the
 * kiosk was re-enrolled). A code the hub does not know names no real
 * unit: such rows (test ratings a kiosk recorded before enrollment, with
 * the demo unit, from a kiosk that still sends them) are ignored, never
 * counted, and the acknowledgement says so. *checked and *unknown
 * remember the last code found acceptable or unknown, as rows come
 * grouped by unit. HUB_OK with *ignore set for an unknown code. */
static int hub_ingest_check_unit(hub_db_t *db, const char *own,
                                 const char *unit, const char **checked,
                                 const char **unknown, const char *path,
                                 size_t day, size_t row, int *ignore,
                                 hub_ingest_result_t *res)
{
    char name[HUB_NAME_MAX + 1];
    int rc, same;

    *ignore = 0;
    if (strcmp(unit, own) == 0 || (*checked && strcmp(unit, *checked) == 0))
        return HUB_OK;
    if (*unknown && strcmp(unit, *unknown) == 0) {
        *ignore = 1;
        return HUB_OK;
    }
    rc = hub_units_get_name(db, unit, name, sizeof(name));
    if (rc == HUB_OK) {
        rc = hub_units_is_merged_into(db, unit, own, &same);
        if (rc == HUB_OK && !same)
            rc = HUB_FOREIGN;
    } else if (rc == HUB_NOT_FOUND) {
        *unknown = unit;
        *ignore = 1;
        if (!res->ignored_unit[0])
            snprintf(res->ignored_unit, sizeof(res->ignored_unit), "%s",
                     unit);
        return HUB_OK;
    }
    if (rc == HUB_OK) {
        *checked = unit;
        return HUB_OK;
    }
    if (rc != HUB_FOREIGN)
        return rc;
    snprintf(res->refusal, sizeof(res->refusal),
             "days[%zu].%s[%zu].unit: %s is not this kiosk's unit (%s)", day,
             path, row, unit, own);
    return HUB_FOREIGN;
}


static int hub_ingest_check_units(hub_db_t *db, const hub_upload_t *up,
                                  const char *own, hub_dayrows_skip_t *skip,
                                  hub_ingest_result_t *res)
{
    const char *checked = NULL, *unknown = NULL;
    size_t i, j, k;
    int rc = HUB_OK, ignore;

    for (i = 0; rc == HUB_OK && i < up->n_days; i++) {
        const hub_day_t *day = &up->days[i];

        for (j = 0; rc == HUB_OK && j < day->resp_n; j++) {
            k = day->resp_first + j;
            rc = hub_ingest_check_unit(db, own, up->resp[k].d.unit, &checked,
                                       &unknown, "responses", i, j, &ignore,
                                       res);
            skip->resp[k] = (unsigned char)ignore;
            res->ignored_rows += ignore;
        }
        for (j = 0; rc == HUB_OK && j < day->ans_n; j++) {
            k = day->ans_first + j;
            rc = hub_ingest_check_unit(db, own, up->ans[k].d.unit, &checked,
                                       &unknown, "answers", i, j, &ignore,
                                       res);
            skip->ans[k] = (unsigned char)ignore;
            res->ignored_rows += ignore;
        }
        for (j = 0; rc == HUB_OK && j < day->el_n; j++) {
            k = day->el_first + j;
            rc = hub_ingest_check_unit(db, own, up->el[k].d.unit, &checked,
                                       &unknown, "elements", i, j, &ignore,
                                       res);
            skip->el[k] = (unsigned char)ignore;
            res->ignored_rows += ignore;
        }
    }
    /* Dossier-bound ratings are held to the same rule, reported by their
     * index in "dossiers" (day 0 of the message's form is not used). */
    for (k = 0; rc == HUB_OK && k < up->n_dos; k++) {
        rc = hub_ingest_check_unit(db, own, up->dos[k].unit, &checked,
                                   &unknown, "dossiers", 0, k, &ignore, res);
        skip->dos[k] = (unsigned char)ignore;
        res->ignored_rows += ignore;
    }
    if (rc == HUB_FOREIGN && strstr(res->refusal, ".dossiers[")) {
        /* "days[0].dossiers[k]" reads wrong: dossiers sit at the top. */
        char *p = strstr(res->refusal, "dossiers[");
        memmove(res->refusal, p, strlen(p) + 1);
    }
    return rc;
}

/* Rows of day that are kept. */
static size_t hub_ingest_kept_rows(const hub_day_t *day,
                                   const hub_dayrows_skip_t *skip)
{
    size_t i, n = 0;

    for (i = day->resp_first; i < day->resp_first + day->resp_n; i++)
        n += !skip->resp[i];
    for (i = day->ans_first; i < day->ans_first + day->ans_n; i++)
        n += !skip->ans[i];
    for (i = day->el_first; i < day->el_first + day->el_n; i++)
        n += !skip->el[i];
    return n;
}

/* The rows held for a kiosk, counted once per process (base/quota.h):
 * both tables are indexed by install_id first. */
static int hub_ingest_count_held(hub_db_t *db, hub_quota_t *q,
                                 const char *install_id)
{
    int64_t held;
    int rc;

    if (!q || hub_quota_get_held(q, install_id, &held))
        return HUB_OK;
    rc = hub_ingest_get_int(db, hub_ingest_sql_count, install_id, NULL,
                            "count rows", &held);
    if (rc == HUB_OK)
        hub_quota_set_held(q, install_id, held);
    return rc;
}

static int hub_ingest_put_snapshot(hub_db_t *db, const hub_upload_t *up,
                                   const hub_day_t *day, int64_t now_ms)
{
    sqlx_stmt_t *st = sqlx_prepare(hub_dbx(db), hub_ingest_sql_put_snapshot);
    int rc = HUB_OK;

    sqlx_bind_text(st, 1, up->install_id, &rc);
    sqlx_bind_text(st, 2, day->day, &rc);
    sqlx_bind_int64(st, 3, up->upto_seq, &rc);
    sqlx_bind_int64(st, 4, day->estimated, &rc);
    sqlx_bind_text(st, 5, up->upload_id, &rc);
    sqlx_bind_int64(st, 6, now_ms, &rc);
    return hub_dbx_run(db, st, rc, "put snapshot");
}

/* On PostgreSQL, the partitions of the upload's months (partitions.h),
 * after its write met a month without them (HUB_NO_PARTITION): a
 * kiosk's late or back-dated days land in months no one made ahead.
 * Outside the upload's transaction: CREATE TABLE ... PARTITION OF locks
 * the parent tables, which must not last as long as a group of uploads.
 * Under the lock. */
static int hub_ingest_make_months(hub_db_t *db, const hub_upload_t *up)
{
    size_t i;
    int rc = HUB_OK;

    for (i = 0; rc == HUB_OK && i < up->n_days; i++)
        /* A month's days usually follow each other: asked once. */
        if (i == 0 ||
            strncmp(up->days[i].day, up->days[i - 1].day, 7) != 0)
            rc = hub_partitions_ensure_day(db, up->days[i].day);
    return rc;
}

/* A snapshot with an equal upto_seq is replaced too: it describes the
 * same responses, so a retry rewrites identical rows, and a kiosk whose
 * earlier upload was cut short by a crash can always complete it. */
static int hub_ingest_store_day(hub_db_t *db, const hub_upload_t *up,
                                const hub_day_t *day,
                                const hub_dayrows_skip_t *skip, int64_t now_ms,
                                int *stale, hub_ingest_result_t *res)
{
    size_t kept = hub_ingest_kept_rows(day, skip);
    int64_t held;
    int rc;

    /* A day of nothing but ignored rows was never a day of service: it
     * must not count as one a kiosk reported. */
    if (kept == 0 && day->resp_n + day->ans_n + day->el_n > 0)
        return HUB_OK;
    rc = hub_ingest_get_held(db, up->install_id, day->day, &held);
    if (rc != HUB_OK)
        return rc;
    *stale = held > up->upto_seq;
    if (*stale)
        return HUB_OK;
    rc = hub_dayrows_write(db, up, day, skip, &res->rows_dropped);
    if (rc == HUB_OK)
        res->rows_added += (int64_t)kept;
    if (rc == HUB_OK)
        rc = hub_ingest_put_snapshot(db, up, day, now_ms);
    return rc;
}

static int hub_ingest_write(hub_db_t *db, const hub_upload_t *up,
                            int64_t now_ms, hub_ingest_result_t *res)
{
    char own[HUB_CODE_MAX + 1];
    hub_dayrows_skip_t skip;
    size_t i;
    int rc, stale;

    /* One flag per row (at most HUB_INGEST_ROWS_MAX of them). */
    skip.resp = calloc(up->n_resp + 1, 1);
    skip.ans = calloc(up->n_ans + 1, 1);
    skip.el = calloc(up->n_el + 1, 1);
    skip.dos = calloc(up->n_dos + 1, 1);
    if (!skip.resp || !skip.ans || !skip.el || !skip.dos) {
        free(skip.resp);
        free(skip.ans);
        free(skip.el);
        free(skip.dos);
        return HUB_ERROR;
    }
    /* Checked again inside the transaction: a revocation that landed
     * between authentication and now must win. */
    rc = hub_kiosks_get_state(db, up->install_id, own, sizeof(own));
    if (rc == HUB_OK)
        rc = hub_ingest_check_seq(db, up, res);
    if (rc == HUB_OK)
        rc = hub_ingest_check_units(db, up, own, &skip, res);
    for (i = 0; rc == HUB_OK && i < up->n_days; i++) {
        stale = 0;
        rc = hub_ingest_store_day(db, up, &up->days[i], &skip, now_ms,
                                  &stale, res);
        res->stale_days += (size_t)stale;
    }
    if (rc == HUB_OK) {
        rc = hub_dossiers_store(db, up, skip.dos, now_ms, res);
        res->rows_added +=
            res->dossiers_new + res->dossiers_corrected;
    }
    free(skip.resp);
    free(skip.ans);
    free(skip.el);
    free(skip.dos);
    if (rc != HUB_OK)
        return rc;
    if (up->has_heartbeat)
        return hub_heartbeat_store(db, up->install_id, &up->heartbeat,
                                   now_ms);
    return hub_kiosks_touch(db, up->install_id, NULL, now_ms);
}

/* The refusal of an upload that would grow the kiosk's rows past a
 * quota, in words a technician can act on. */
static int hub_ingest_refuse_quota(const hub_quota_limits_t *lim,
                                   hub_quota_verdict_t v, int64_t now_ms,
                                   hub_ingest_result_t *res)
{
    res->quota = v;
    if (v == HUB_QUOTA_DAY) {
        res->retry_after_s = hub_quota_secs_to_next_day(now_ms);
        snprintf(res->refusal, sizeof(res->refusal),
                 "this kiosk has added its %lld rows for today; the upload"
                 " (%lld rows) is kept on the kiosk and accepted tomorrow",
                 (long long)lim->rows_day, (long long)res->rows_added);
    } else if (v == HUB_QUOTA_TOTAL) {
        res->retry_after_s = HUB_INGEST_QUOTA_RETRY_S;
        snprintf(res->refusal, sizeof(res->refusal),
                 "the hub holds its quota of %lld rows for this kiosk; the"
                 " upload is kept on the kiosk until an operator raises"
                 " --quota-rows-total", (long long)lim->rows_total);
    } else {
        res->retry_after_s = HUB_INGEST_QUOTA_RETRY_S;
        snprintf(res->refusal, sizeof(res->refusal),
                 "the hub tracks too many kiosks to take this one's"
                 " upload now");
    }
    return HUB_QUOTA;
}

/* The quotas are checked after the rows are written, inside the
 * transaction: the counts of rows dropped and added are exact then, and a
 * refusal rolls everything back. */
static int hub_ingest_write_checked(hub_db_t *db, hub_quota_t *q,
                                    const hub_upload_t *up, int64_t now_ms,
                                    hub_ingest_result_t *res)
{
    hub_quota_verdict_t v;
    int rc;

    rc = hub_ingest_count_held(db, q, up->install_id);
    if (rc == HUB_OK)
        rc = hub_ingest_write(db, up, now_ms, res);
    if (rc != HUB_OK || !q)
        return rc;
    v = hub_quota_check_write(q, up->install_id, now_ms, res->rows_dropped,
                              res->rows_added);
    if (v != HUB_QUOTA_OK)
        return hub_ingest_refuse_quota(hub_quota_get_limits(q), v, now_ms,
                                       res);
    return HUB_OK;
}

int hub_ingest_store(hub_db_t *db, const hub_upload_t *up, int64_t now_ms,
                     hub_ingest_result_t *res)
{
    return hub_ingest_store_quota(db, NULL, up, now_ms, res);
}

/* One upload in the group commit (store/commitq.h). */
typedef struct hub_ingest_job {
    hub_quota_t *q;
    const hub_upload_t *up;
    int64_t now_ms;
    hub_ingest_result_t *res;
    int wrote; /* its own writes succeeded */
} hub_ingest_job_t;

/* Refusals are answers, not faults: only the others are logged. */
static int hub_ingest_is_fault(int rc)
{
    return rc != HUB_OK && rc != HUB_DENIED && rc != HUB_REVOKED &&
           rc != HUB_CONFLICT && rc != HUB_FOREIGN && rc != HUB_QUOTA &&
           rc != HUB_NO_PARTITION;
}

static int hub_ingest_job_work(hub_db_t *db, void *arg)
{
    hub_ingest_job_t *j = arg;
    int rc;

    /* Afresh: a transaction PostgreSQL refused runs again (commitq.h). */
    memset(j->res, 0, sizeof(*j->res));
    j->res->days = j->up->n_days;
    rc = hub_ingest_write_checked(db, j->q, j->up, j->now_ms, j->res);

    j->wrote = rc == HUB_OK;
    /* The handle's error text is only this upload's until the next. A
     * collision is run again (commitq.h): said only if it stays. */
    if (hub_ingest_is_fault(rc) && rc != HUB_BUSY)
        hub_log_say("ingest from %s: %s", j->up->install_id,
                    hub_db_last_error(db));
    return rc;
}

static void hub_ingest_job_done(hub_db_t *db, void *arg, int rc)
{
    hub_ingest_job_t *j = arg;

    /* Recorded once committed, still under the lock, so no other upload
     * of the kiosk was checked in between. */
    if (rc == HUB_OK && j->q)
        hub_quota_add_write(j->q, j->up->install_id, j->now_ms,
                            j->res->rows_dropped, j->res->rows_added);
    if (rc != HUB_OK && (j->wrote || rc == HUB_BUSY) &&
        hub_ingest_is_fault(rc))
        hub_log_say("ingest from %s: %s", j->up->install_id,
                    hub_db_last_error(db));
    if (rc != HUB_OK)
        j->res->stale_days = 0;
}

/* Times an upload that met a month without partitions makes them and
 * runs again: another process may detach one meanwhile, but not thrice. */
#define HUB_INGEST_MONTH_TRIES 3

int hub_ingest_store_quota(hub_db_t *db, hub_quota_t *q,
                           const hub_upload_t *up, int64_t now_ms,
                           hub_ingest_result_t *res)
{
    hub_ingest_job_t job = {q, up, now_ms, res, 0};
    hub_commitq_item_t it;
    int rc, tries = 0;

    memset(res, 0, sizeof(*res));
    res->days = up->n_days;
    for (;;) {
        memset(&it, 0, sizeof(it));
        it.work = hub_ingest_job_work;
        it.done = hub_ingest_job_done;
        it.arg = &job;
        /* Two uploads of one kiosk never share a transaction: the
         * second's sequence and quota checks must see the first
         * committed. */
        snprintf(it.key, sizeof(it.key), "%s", up->install_id);
        rc = hub_commitq_run(hub_db_commitq(db), db, &it);
        if (rc != HUB_NO_PARTITION || ++tries > HUB_INGEST_MONTH_TRIES)
            return rc;
        hub_db_lock(db);
        rc = hub_ingest_make_months(db, up);
        /* Said here: the answer only says the database failed. */
        if (rc != HUB_OK)
            hub_log_say("ingest from %s: %s", up->install_id,
                        hub_db_last_error(db));
        hub_db_unlock(db);
        if (rc != HUB_OK)
            return rc;
    }
}
