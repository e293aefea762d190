/*
 * Facts for `sipasctl selftest`, measured on the device.
 */
#include "ctl_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/version.h"
#include "sync/dayclock.h"

#define CTL_PATH_HEARTBEAT "/api/v1/heartbeat"
#define CTL_PATH_INSTALLATION "/api/v1/installation"

static double ctl_probe_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* The timed writes: a citizen's rating is one fsync'd transaction, so the
 * time of one fsync is the time the thanks screen waits for. */
static int ctl_probe_time_fsync(const char *dir, double *ms, char *err,
                                size_t cap)
{
    char path[SYNCDB_PATH_MAX + 32], block[CTL_PROBE_BLOCK];
    double start;
    int fd, i, rc = 0;

    snprintf(path, sizeof(path), "%s/.selftest-XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    memset(block, 0x5A, sizeof(block));
    start = ctl_probe_mono_ms();
    for (i = 0; i < CTL_PROBE_WRITES && rc == 0; i++) {
        if (write(fd, block, sizeof(block)) != (ssize_t)sizeof(block) ||
            fsync(fd) != 0) {
            snprintf(err, cap, "%s", strerror(errno ? errno : ENOSPC));
            rc = -1;
        }
    }
    *ms = (ctl_probe_mono_ms() - start) / CTL_PROBE_WRITES;
    if (close(fd) != 0 && rc == 0) {
        snprintf(err, cap, "%s", strerror(errno));
        rc = -1;
    }
    if (unlink(path) != 0 && rc == 0) {
        snprintf(err, cap, "%s: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

void ctl_probe_storage(const char *dir, selftest_storage_t *out)
{
    struct statvfs vfs;

    memset(out, 0, sizeof(*out));
    out->written = ctl_probe_time_fsync(dir, &out->fsync_ms, out->error,
                                        sizeof(out->error)) == 0;
    out->free_bytes = statvfs(dir, &vfs) == 0
                          ? (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize
                          : -1;
}

/* DATA/name's text (caller frees) when it is there; *found says whether
 * it exists, and error why it could not be read. NULL when absent or
 * unreadable. */
static char *ctl_probe_slurp(const char *dir, const char *name, size_t *len,
                             int *found, char *error, size_t cap)
{
    char path[SYNCDB_PATH_MAX + 32];
    char *buf;
    FILE *fp;
    size_t n;

    *found = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "re");
    if (!fp) {
        if (errno == ENOENT)
            return NULL;
        *found = 1;
        snprintf(error, cap, "%s: %s", name, strerror(errno));
        return NULL;
    }
    *found = 1;
    buf = malloc(CTL_PROBE_FILE_MAX + 1);
    n = buf ? fread(buf, 1, CTL_PROBE_FILE_MAX + 1, fp) : 0;
    if (!buf || ferror(fp) || n > CTL_PROBE_FILE_MAX) {
        snprintf(error, cap, "%s: %s", name,
                 !buf ? "out of memory"
                 : ferror(fp) ? "read error" : "larger than 16 KiB");
        fclose(fp);
        free(buf);
        return NULL;
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

void ctl_probe_display(const char *dir, selftest_display_t *out)
{
    size_t len = 0;
    char *text;

    memset(out, 0, sizeof(*out));
    text = ctl_probe_slurp(dir, CTL_DISPLAY_NAME, &len, &out->found,
                           out->error, sizeof(out->error));
    if (text)
        (void)selftest_parse_display(text, len, out);
    free(text);
}

void ctl_probe_touch(const char *dir, selftest_touch_t *out)
{
    size_t len = 0;
    char *text;

    memset(out, 0, sizeof(*out));
    text = ctl_probe_slurp(dir, CTL_TOUCHGRID_NAME, &len, &out->found,
                           out->error, sizeof(out->error));
    if (text)
        (void)selftest_parse_touch(text, len, out);
    free(text);
}

/* ---- the hub ------------------------------------------------------------ */

static int ctl_probe_enrollment(const char *dir, const pclock_t *clock,
                                ctl_hub_probe_t *p)
{
    char err[SYNCDB_ERROR_MAX];
    syncdb_t *db = NULL;
    int64_t anchor;
    int rc;

    rc = syncdb_open(dir, 1, &db, err, sizeof(err));
    if (rc == SYNCDB_MISSING) {
        p->facts.outcome = SELFTEST_HUB_NOT_ENROLLED;
        return -1;
    }
    if (rc == SYNCDB_OK) {
        rc = syncdb_get_enrollment(db, &p->en);
        if (rc < 0)
            snprintf(err, sizeof(err), "%s", syncdb_last_error(db));
        /* The uploader's own knowledge of the time: a failed reading only
         * leaves it unknown. */
        if (rc > 0 && dayclock_own_anchor(db, clock->boot_id, &p->anchored,
                                          &anchor) != 0)
            p->anchored = 0;
        syncdb_close(db);
    }
    if (rc == 0) {
        p->facts.outcome = SELFTEST_HUB_NOT_ENROLLED;
        return -1;
    }
    if (rc < 0) {
        p->facts.outcome = SELFTEST_HUB_DAMAGED;
        snprintf(p->facts.detail, sizeof(p->facts.detail), "%s", err);
        return -1;
    }
    snprintf(p->facts.url, sizeof(p->facts.url), "%s", p->en.hub_url);
    snprintf(p->facts.unit, sizeof(p->facts.unit), "%s", p->en.unit_code);
    return 0;
}

/* A captive portal answers in its own words: a redirect, HTML, or a 200
 * that is not the hub's JSON acknowledgement. Only the hub's JSON
 * refusals are the hub's. */
static selftest_hub_outcome_t ctl_probe_classify(const sync_reply_t *r)
{
    if (r->cls == SYNC_ACKED)
        return SELFTEST_HUB_ACKED;
    if (r->status == 0)
        return SELFTEST_HUB_UNREACHABLE;
    if (r->status == 200 || (r->status >= 300 && r->status < 400) ||
        !json_is_object(r->body))
        return SELFTEST_HUB_CAPTIVE;
    if (r->cls == SYNC_UNAUTHORIZED)
        return SELFTEST_HUB_UNKNOWN_KIOSK;
    if (r->cls == SYNC_REVOKED)
        return SELFTEST_HUB_REVOKED;
    return SELFTEST_HUB_REFUSED;
}

void ctl_probe_hub(const char *dir, const pclock_t *clock,
                   long connect_timeout_s, int64_t free_bytes,
                   ctl_hub_probe_t *out)
{
    sync_client_opts_t o;
    sync_reply_t reply;
    char err[SYNC_MESSAGE_MAX], *body;
    int64_t start;
    json_t *hb;

    memset(out, 0, sizeof(*out));
    memset(&reply, 0, sizeof(reply));
    if (ctl_probe_enrollment(dir, clock, out) != 0)
        return;
    memset(&o, 0, sizeof(o));
    o.hub_url = out->en.hub_url;
    o.ca_file = out->en.ca_file;
    o.pin = out->en.pin;
    o.connect_timeout_s = connect_timeout_s;
    o.stall_timeout_s = connect_timeout_s;
    o.user_agent = "sipasctl/" SIPAS_VERSION;
    o.clock = clock;
    if (sync_client_open(&out->client, &o, err, sizeof(err)) != 0) {
        out->facts.outcome = SELFTEST_HUB_UNREACHABLE;
        snprintf(out->facts.detail, sizeof(out->facts.detail), "%s", err);
        return;
    }
    /* A heartbeat is the smallest request the hub authenticates and
     * answers in its own JSON; it also tells the hub this version. */
    hb = json_pack("{s:s, s:b, s:I, s:I, s:I}", "version", SIPAS_VERSION,
                   "clock_synced", pclock_synced(clock), "free_bytes",
                   (json_int_t)(free_bytes > 0 ? free_bytes : 0), "uptime_s",
                   (json_int_t)(pclock_boot_ms(clock) / 1000), "sent_at",
                   (json_int_t)pclock_wall_ms(clock));
    body = hb ? json_dumps(hb, JSON_COMPACT) : NULL;
    json_decref(hb);
    if (!body) {
        out->facts.outcome = SELFTEST_HUB_UNREACHABLE;
        snprintf(out->facts.detail, sizeof(out->facts.detail),
                 "out of memory");
        return;
    }
    start = (int64_t)pclock_mono_ms(clock);
    (void)sync_client_post(out->client, CTL_PATH_HEARTBEAT,
                           out->en.install_id, out->en.secret, body,
                           strlen(body), NULL, &reply);
    free(body);
    out->facts.elapsed_ms = (int64_t)pclock_mono_ms(clock) - start;
    out->facts.status = reply.status;
    out->facts.outcome = ctl_probe_classify(&reply);
    out->hub_time_ms = reply.hub_time_ms;
    out->wall_ms = pclock_wall_ms(clock);
    snprintf(out->facts.detail, sizeof(out->facts.detail), "%s",
             reply.message);
    sync_reply_clear(&reply);
    if (out->facts.outcome != SELFTEST_HUB_ACKED) {
        sync_client_close(out->client);
        out->client = NULL;
    }
}

int ctl_probe_send_record(ctl_hub_probe_t *p, const char *body, char *err,
                          size_t cap)
{
    sync_reply_t reply;
    int rc;

    memset(&reply, 0, sizeof(reply));
    if (!p->client) {
        snprintf(err, cap, "the hub check did not pass");
        return -1;
    }
    rc = sync_client_post(p->client, CTL_PATH_INSTALLATION,
                          p->en.install_id, p->en.secret, body, strlen(body),
                          NULL, &reply) == SYNC_ACKED
             ? 0
             : -1;
    if (rc != 0)
        snprintf(err, cap, "%s", reply.message);
    sync_reply_clear(&reply);
    return rc;
}

void ctl_probe_close(ctl_hub_probe_t *p)
{
    if (p->client)
        sync_client_close(p->client);
    p->client = NULL;
    memset(p->en.secret, 0, sizeof(p->en.secret));
}
