#include "status.h"

#include <stdio.h>
#include <string.h>

#include "core/vntime.h"
#include "sync/dayclock.h"

#define SYNC_STATUS_DAY_MS (INT64_C(86400000))

int sync_read_enrollment(const char *data_dir, syncdb_enrollment_t *out,
                         char *err, size_t cap)
{
    char local[SYNCDB_ERROR_MAX];
    syncdb_t *db = NULL;
    int rc;

    if (!err || cap == 0) {
        err = local;
        cap = sizeof(local);
    }
    err[0] = '\0';
    memset(out, 0, sizeof(*out));
    rc = syncdb_open(data_dir, 1, &db, err, cap);
    if (rc == SYNCDB_MISSING) {
        err[0] = '\0';
        return 0;
    }
    if (rc != SYNCDB_OK)
        return rc;
    rc = syncdb_get_enrollment(db, out);
    if (rc < 0)
        snprintf(err, cap, "%s", syncdb_last_error(db));
    syncdb_close(db);
    memset(out->secret, 0, sizeof(out->secret));
    return rc;
}

int64_t sync_prune_before(int64_t now_ms, int retention_days)
{
    return vntime_get_day_start(now_ms) -
           (int64_t)retention_days * SYNC_STATUS_DAY_MS;
}

/* Retention's "today" is the uploader's: the hub's clock through this
 * boot's anchor, else a synchronised device clock, else none at all (an
 * unsynchronised clock could delete what the hub does not have by date). */
static void sync_plan_prune(syncdb_t *db, const pclock_t *clock,
                            int retention_days, int64_t acked_seq,
                            sync_view_t *v)
{
    int have = 0;
    int64_t anchor = 0, now;

    v->prune_before_ms = 0;
    v->prune_max_seq = 0;
    if (retention_days <= 0 || acked_seq <= 0)
        return;
    if (dayclock_own_anchor(db, clock->boot_id, &have, &anchor) != 0)
        return;
    if (!have && !pclock_synced(clock))
        return;
    now = dayclock_now(clock, have, anchor);
    v->prune_before_ms = sync_prune_before(now, retention_days);
    v->prune_max_seq = acked_seq;
}

int sync_read_progress(const char *data_dir, const pclock_t *clock,
                       int retention_days, sync_view_t *v)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_progress_t pg;
    syncdb_t *db = NULL;
    int rc;

    rc = syncdb_open(data_dir, 1, &db, err, sizeof(err));
    if (rc == SYNCDB_MISSING)
        return 0;
    if (rc != SYNCDB_OK)
        return rc;
    if (syncdb_get_progress(db, &pg) != SYNCDB_OK) {
        syncdb_close(db);
        return SYNCDB_ERROR;
    }
    v->pending = pg.pending;
    v->last_ok_ms = pg.last_ok_ms;
    snprintf(v->last_error, sizeof(v->last_error), "%s", pg.last_error);
    v->blocked = pg.blocked != SYNCDB_UNBLOCKED;
    sync_plan_prune(db, clock, retention_days, pg.acked_seq, v);
    syncdb_close(db);
    return 0;
}

/* The first clause of an error ("hub unreachable" of "hub unreachable:
 * cannot connect to ..."), so the screen shows the cause, not the HTTP
 * client's sentence; a colon inside parentheses does not end it. */
static void sync_short_error(const char *e, char *out, size_t cap)
{
    size_t i, n = strlen(e);
    int depth = 0;

    for (i = 0; i + 1 < n; i++) {
        if (e[i] == '(')
            depth++;
        else if (e[i] == ')' && depth > 0)
            depth--;
        else if (e[i] == ':' && e[i + 1] == ' ' && depth == 0)
            break;
    }
    if (i + 1 >= n)
        i = n;
    snprintf(out, cap, "%.*s", (int)i, e);
}

void sync_view_format(const sync_view_t *v, char *out, size_t cap)
{
    char when[VNTIME_ISO_MAX] = "chưa có", err[SYNC_STATUS_TEXT_MAX];

    if (v->damaged) {
        snprintf(out, cap, "%s · sync.db hỏng, không gửi được"
                 " (sipasctl provision --repair)",
                 v->enrolled ? v->enrollment.unit_code : "chưa rõ đơn vị");
        return;
    }
    if (!v->enrolled) {
        snprintf(out, cap, "chưa đăng ký với máy chủ (sipasctl provision)");
        return;
    }
    if (v->last_ok_ms > 0 &&
        vntime_format_iso(v->last_ok_ms, when, sizeof(when)) == 0)
        when[16] = '\0'; /* "YYYY-MM-DDTHH:MM" is enough on a screen */
    sync_short_error(v->last_error, err, sizeof(err));
    if (v->blocked)
        snprintf(out, cap, "%s · dừng: %s", v->enrollment.unit_code, err);
    else if (err[0])
        snprintf(out, cap, "%s · chờ gửi %lld · lần cuối %s · lỗi: %s",
                 v->enrollment.unit_code, (long long)v->pending, when, err);
    else
        snprintf(out, cap, "%s · chờ gửi %lld · lần cuối %s",
                 v->enrollment.unit_code, (long long)v->pending, when);
}
