/*
 * sipasctl sync: upload everything pending to the hub now; and the sync
 * facts `sipasctl status` shows.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/vntime.h"
#include "core/version.h"
#include "platform/pclock.h"
#include "sync/syncdb.h"
#include "upload/worker.h"

#define SYNC_CMD "sync"
#define SYNC_TIMEOUT_DEFAULT_S 60

typedef struct sync_args {
    const char *data;
    long timeout_s;
    long batch;
    long connect_timeout_s;
    long stall_timeout_s;
} sync_args_t;

static void sync_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl sync --data DIR [--once] [--timeout S]"
            " [--batch N]\n"
            "                     [--connect-timeout S] [--stall-timeout S]\n"
            "\n"
            "Uploads to the hub every response it has not acknowledged yet,"
            " oldest\nfirst, in batches (per local day, full counts: a retry"
            " never counts\ntwice), and prints a line per batch. With nothing"
            " pending it sends a\nheartbeat. Safe while the kiosk runs: its own"
            " uploader waits, or this\ncommand waits for it. Transient"
            " failures (no network, hub busy, 5xx,\nan answer that is not the"
            " hub's) are retried with backoff until the\ntimeout; a refusal"
            " (revoked, unknown kiosk) stops at once.\n"
            "\n"
            "  -d, --data DIR          the kiosk's data directory\n"
            "      --once              one run, then exit (the default)\n"
            "  -t, --timeout S         retry transient failures for up to S"
            " seconds\n"
            "                          (default %d; 0: a single attempt)\n"
            "  -b, --batch N           responses per upload (1 to %d,"
            " default %d)\n"
            "      --connect-timeout S give up connecting after S seconds"
            " (default 15)\n"
            "      --stall-timeout S   give up a transfer slower than 10"
            " bytes/s for\n"
            "                          S seconds (default 60)\n"
            "  -h, --help              this text\n"
            "\n"
            "Exit status: 0 the hub acknowledged everything; 1 something is"
            " still\npending (the message says why: not provisioned, revoked,"
            " hub\nunreachable, ...); 2 usage error.\n",
            SYNC_TIMEOUT_DEFAULT_S, SYNC_BATCH_MAX, SYNC_BATCH_DEFAULT);
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int sync_parse(int argc, char **argv, sync_args_t *a)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"once", no_argument, NULL, 'o'},
        {"timeout", required_argument, NULL, 't'},
        {"batch", required_argument, NULL, 'b'},
        {"connect-timeout", required_argument, NULL, 'C'},
        {"stall-timeout", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;

    memset(a, 0, sizeof(*a));
    a->timeout_s = SYNC_TIMEOUT_DEFAULT_S;
    a->batch = SYNC_BATCH_DEFAULT;
    opterr = 0;
    optind = 1;
    while (rc == 0 &&
           (c = getopt_long(argc, argv, ":d:t:b:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': a->data = optarg; break;
        case 'o': break;
        case 't':
            rc = ctl_parse_long(SYNC_CMD, "--timeout", optarg, 0, 86400,
                                &a->timeout_s);
            break;
        case 'b':
            rc = ctl_parse_long(SYNC_CMD, "--batch", optarg, 1,
                                SYNC_BATCH_MAX, &a->batch);
            break;
        case 'C':
            rc = ctl_parse_long(SYNC_CMD, "--connect-timeout", optarg, 1,
                                600, &a->connect_timeout_s);
            break;
        case 'S':
            rc = ctl_parse_long(SYNC_CMD, "--stall-timeout", optarg, 1,
                                3600, &a->stall_timeout_s);
            break;
        case 'h':
            sync_print_help(stdout);
            return 1;
        default:
            ctl_report_bad_option(SYNC_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (rc != 0)
        return -1;
    if (optind < argc) {
        ctl_say(SYNC_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (!a->data) {
        ctl_say(SYNC_CMD, "--data DIR is required");
        return -1;
    }
    return 0;
}

static int64_t sync_mono_ms(void)
{
    pclock_t c;

    pclock_init(&c, 0);
    return (int64_t)pclock_mono_ms(&c);
}

static void sync_pause_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};

    /* An interrupted pause only makes the next attempt come sooner. */
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void sync_on_batch(void *ctx, const sync_batch_report_t *b)
{
    (void)ctx;
    printf("uploaded %lld responses (%d day%s), %lld pending\n",
           (long long)b->responses, b->days, b->days == 1 ? "" : "s",
           (long long)b->pending);
    if (b->tests > 0)
        printf("not sent: %lld test rating%s recorded before enrollment\n",
               (long long)b->tests, b->tests == 1 ? "" : "s");
    if (b->stale_days > 0)
        printf("note: the hub already held newer counts for %d of those"
               " days\n", b->stale_days);
    fflush(stdout);
}

/* One pass with the lock wait the deadline allows. */
static sync_outcome_t sync_attempt(const sync_args_t *a, int64_t deadline,
                                   sync_result_t *res)
{
    sync_hooks_t hooks = {NULL, sync_on_batch, NULL, NULL};
    sync_options_t o;
    int64_t left = deadline - sync_mono_ms();

    memset(&o, 0, sizeof(o));
    o.data_dir = a->data;
    o.batch = (int)a->batch;
    o.connect_timeout_s = a->connect_timeout_s;
    o.stall_timeout_s = a->stall_timeout_s;
    o.version = SIPAS_VERSION;
    o.user_agent = "sipasctl/" SIPAS_VERSION;
    o.lock_wait_ms = 0;
    if (sync_run_once(&o, &hooks, res) != SYNC_BUSY || left <= 0)
        return res->outcome;
    ctl_say(SYNC_CMD, "waiting for the kiosk's own upload to finish");
    o.lock_wait_ms = left > 600000 ? 600000 : (int)left;
    return sync_run_once(&o, &hooks, res);
}

int ctl_sync_main(int argc, char **argv)
{
    static sync_result_t res; /* large; one per process */
    int64_t deadline, total = 0;
    sync_args_t a;
    int rc;

    rc = sync_parse(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    deadline = sync_mono_ms() + a.timeout_s * 1000;
    for (;;) {
        sync_attempt(&a, deadline, &res);
        total += res.uploaded;
        if (res.outcome == SYNC_DONE) {
            printf("done: %s\n", res.message);
            return fflush(stdout) == 0 ? CTL_EXIT_OK : CTL_EXIT_FAIL;
        }
        if (res.outcome != SYNC_FAILED ||
            sync_mono_ms() + res.retry_in_ms > deadline)
            break;
        ctl_say(SYNC_CMD, "%s; retrying in %.1f s", res.message,
                (double)res.retry_in_ms / 1000.0);
        sync_pause_ms(res.retry_in_ms);
    }
    fflush(stdout);
    ctl_say(SYNC_CMD, "%s", res.message);
    if (!res.enrolled)
        return CTL_EXIT_FAIL;
    fprintf(stderr, "%lld responses uploaded in this run, %lld still pending",
            (long long)total, (long long)res.pending);
    if (res.outcome == SYNC_FAILED)
        fprintf(stderr, "; next attempt in %.0f s (the kiosk keeps retrying"
                " by itself)", (double)res.retry_in_ms / 1000.0);
    fputc('\n', stderr);
    return CTL_EXIT_FAIL;
}

/* ---- facts for `sipasctl status` --------------------------------------- */

static void sync_iso(int64_t ms, char *out, size_t cap)
{
    if (ms <= 0 || vntime_format_iso(ms, out, cap) != 0)
        snprintf(out, cap, "never");
}

int ctl_sync_gather(store_t *s, const char *dir, ctl_sync_facts_t *f)
{
    char err[512];
    syncdb_t *db = NULL;
    int64_t last = 0, pending = 0, tests = 0;
    int rc;

    memset(f, 0, sizeof(*f));
    rc = syncdb_open(dir, 1, &db, err, sizeof(err));
    if (rc == SYNCDB_MISSING)
        return 0;
    if (rc != SYNCDB_OK) {
        snprintf(f->error, sizeof(f->error), "%s", err);
        f->damaged = rc == SYNCDB_DAMAGED;
        return -1;
    }
    f->medium = syncdb_medium(db);
    rc = syncdb_get_enrollment(db, &f->enrollment);
    f->damaged = rc == SYNCDB_DAMAGED;
    if (rc > 0 && (syncdb_get_progress(db, &f->progress) != SYNCDB_OK ||
                   syncdb_count_days(db, &f->days) != SYNCDB_OK))
        rc = -1;
    if (rc < 0)
        snprintf(f->error, sizeof(f->error), "%s", syncdb_last_error(db));
    if (rc > 0) {
        f->enrolled = 1;
        /* The store counts what is really waiting; sync.db only knows
         * what was waiting at the last attempt. */
        if (s && store_get_pending(s, f->progress.acked_seq, &pending, &last,
                                   NULL) == STORE_OK &&
            store_get_pending_tests(s, f->progress.acked_seq, &tests) ==
                STORE_OK)
            f->pending = pending - tests;
        else
            f->pending = f->progress.pending;
    }
    memset(f->enrollment.secret, 0, sizeof(f->enrollment.secret));
    syncdb_close(db);
    return rc < 0 ? -1 : 0;
}

void ctl_sync_print_text(const ctl_sync_facts_t *f)
{
    const syncdb_progress_t *p = &f->progress;
    char a[VNTIME_ISO_MAX], b[VNTIME_ISO_MAX];

    if (f->damaged) {
        printf("sync          DAMAGED: the sync database is damaged (%s);"
               " nothing is uploaded: repair with sipasctl provision --repair"
               " --hub URL --code CODE\n", f->error);
        return;
    }
    if (f->error[0]) {
        printf("sync          unreadable: %s\n", f->error);
        return;
    }
    if (!f->enrolled) {
        printf("sync          not provisioned (sipasctl provision --hub URL"
               " --code CODE)\n");
        return;
    }
    sync_iso(f->enrollment.enrolled_at_ms, a, sizeof(a));
    printf("sync unit     %s (%s), enrolled %s\n", f->enrollment.unit_code,
           f->enrollment.unit_name, a);
    printf("sync hub      %s\n", f->enrollment.hub_url);
    printf("sync pending  %lld responses (acknowledged up to seq %lld,"
           " %lld days)\n",
           (long long)f->pending, (long long)p->acked_seq,
           (long long)f->days);
    sync_iso(p->last_ok_ms, a, sizeof(a));
    sync_iso(p->last_attempt_ms, b, sizeof(b));
    printf("sync last ok  %s (last attempt %s)\n", a, b);
    if (p->blocked)
        printf("sync STOPPED  %s\n", p->last_error);
    else if (p->last_error[0]) {
        sync_iso(p->last_error_ms, a, sizeof(a));
        sync_iso(p->next_try_ms, b, sizeof(b));
        printf("sync error    %s (at %s, %d in a row; next try %s)\n",
               p->last_error, a, p->failures, b);
    }
}

json_t *ctl_sync_build_json(const ctl_sync_facts_t *f)
{
    const syncdb_progress_t *p = &f->progress;
    char en[VNTIME_ISO_MAX], ok[VNTIME_ISO_MAX], at[VNTIME_ISO_MAX];

    if (f->error[0])
        return json_pack("{s:b, s:s, s:b}", "enrolled", 0, "error", f->error,
                         "damaged", f->damaged != 0);
    if (!f->enrolled)
        return json_pack("{s:b}", "enrolled", 0);
    sync_iso(f->enrollment.enrolled_at_ms, en, sizeof(en));
    sync_iso(p->last_ok_ms, ok, sizeof(ok));
    sync_iso(p->last_attempt_ms, at, sizeof(at));
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s,"
                     " s:s?, s:i, s:b}",
                     "enrolled", 1, "unit", f->enrollment.unit_code,
                     "unit_name", f->enrollment.unit_name, "hub",
                     f->enrollment.hub_url, "enrolled_at", en, "pending",
                     (json_int_t)f->pending, "acked_seq",
                     (json_int_t)p->acked_seq, "days", (json_int_t)f->days,
                     "last_ok", ok, "last_attempt", at, "last_error",
                     p->last_error[0] ? p->last_error : NULL, "failures",
                     p->failures, "blocked", p->blocked != 0);
}
