/*
 * sipasctl selftest: the commissioning self-test (docs/SELFTEST.md).
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/selftest.h"
#include "core/version.h"
#include "ctl_probe.h"
#include "platform/pclock.h"
#include "platform/psys.h"

#define SELFTEST_CMD "selftest"
#define SELFTEST_TIMEOUT_DEFAULT_S 10
/* Widths of the table's first columns, in characters. */
#define SELFTEST_COL_ID 15
#define SELFTEST_COL_STATUS 8

typedef struct selftest_args {
    const char *data;
    const char *root;
    int json;
    int no_send;
    long timeout_s;
    selftest_limits_t limits;
} selftest_args_t;

static void selftest_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl selftest --data DIR [--json] [--no-send]\n"
            "                         [--fsync-max-ms N] [--free-min-mb N]"
            " [--timeout S]\n"
            "\n"
            "The commissioning self-test: storage speed and free space, the"
            " clock, the\nhub (an authenticated request the hub must"
            " acknowledge; a captive portal\nis named as such), the"
            " hardware watchdog, the display and touch devices\nthe kiosk"
            " found at its last start, and the admin screen's touch grid"
            " when\nit was run. One line per check: result, what was"
            " measured, what it\nmeans and what to do. The report goes to"
            " the hub as the kiosk's\ninstallation record.\n"
            "\n"
            "  -d, --data DIR        the kiosk's data directory\n"
            "  -j, --json            the report as JSON (the installation"
            " record)\n"
            "  -n, --no-send         do not send the report to the hub\n"
            "      --fsync-max-ms N  slowest fsync'd write that passes"
            " (default %.0f)\n"
            "      --free-min-mb N   least free space that passes, MiB"
            " (default %lld)\n"
            "  -t, --timeout S       give up connecting to the hub after S"
            " seconds\n"
            "                        (default %d)\n"
            "      --root DIR        read /sys and /run under DIR"
            " (a copy of a device's)\n"
            "  -h, --help            this text\n"
            "\n"
            "Exit status: 0 every check passed (a warning passes, with a"
            " remark) and\nthe record reached the hub (or --no-send); 1 a"
            " check failed or the\nrecord was not taken; 2 usage error.\n",
            SELFTEST_FSYNC_MS_MAX_DEFAULT,
            (long long)(SELFTEST_FREE_MIN_DEFAULT / (1024 * 1024)),
            SELFTEST_TIMEOUT_DEFAULT_S);
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int selftest_parse(int argc, char **argv, selftest_args_t *a)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"no-send", no_argument, NULL, 'n'},
        {"fsync-max-ms", required_argument, NULL, 'F'},
        {"free-min-mb", required_argument, NULL, 'M'},
        {"timeout", required_argument, NULL, 't'},
        {"root", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long v;
    int c, rc = 0;

    memset(a, 0, sizeof(*a));
    a->timeout_s = SELFTEST_TIMEOUT_DEFAULT_S;
    a->limits.fsync_ms_max = SELFTEST_FSYNC_MS_MAX_DEFAULT;
    a->limits.free_min_bytes = SELFTEST_FREE_MIN_DEFAULT;
    opterr = 0;
    optind = 1;
    while (rc == 0 &&
           (c = getopt_long(argc, argv, ":d:jnt:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': a->data = optarg; break;
        case 'j': a->json = 1; break;
        case 'n': a->no_send = 1; break;
        case 'R': a->root = optarg; break;
        case 'F':
            rc = ctl_parse_long(SELFTEST_CMD, "--fsync-max-ms", optarg, 1,
                                60000, &v);
            a->limits.fsync_ms_max = (double)v;
            break;
        case 'M':
            rc = ctl_parse_long(SELFTEST_CMD, "--free-min-mb", optarg, 0,
                                INT32_MAX, &v);
            a->limits.free_min_bytes = (int64_t)v * 1024 * 1024;
            break;
        case 't':
            rc = ctl_parse_long(SELFTEST_CMD, "--timeout", optarg, 1, 600,
                                &a->timeout_s);
            break;
        case 'h':
            selftest_print_help(stdout);
            return 1;
        default:
            ctl_report_bad_option(SELFTEST_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (rc != 0)
        return -1;
    if (optind < argc) {
        ctl_say(SELFTEST_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (!a->data) {
        ctl_say(SELFTEST_CMD, "--data DIR is required");
        return -1;
    }
    return 0;
}

/* Pads to width characters (not bytes): Vietnamese words are wider in
 * UTF-8 than on screen. */
static void selftest_print_cell(const char *text, int width)
{
    int chars = 0;
    const char *p;

    for (p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    fputs(text, stdout);
    for (; chars < width; chars++)
        putchar(' ');
    putchar(' ');
}

static void selftest_print_table(const selftest_report_t *r)
{
    const selftest_check_t *c;
    selftest_status_t res = selftest_get_result(r);
    int i;

    selftest_print_cell("KIỂM TRA", SELFTEST_COL_ID);
    selftest_print_cell("KẾT QUẢ", SELFTEST_COL_STATUS);
    printf("ĐO ĐƯỢC\n");
    for (i = 0; i < r->n; i++) {
        c = &r->checks[i];
        selftest_print_cell(c->id, SELFTEST_COL_ID);
        selftest_print_cell(selftest_status_words(c->status),
                            SELFTEST_COL_STATUS);
        printf("%s\n", c->value);
        printf("%*s%s\n", SELFTEST_COL_ID + SELFTEST_COL_STATUS + 2, "",
               c->message);
        if (c->action[0])
            printf("%*s→ %s\n", SELFTEST_COL_ID + SELFTEST_COL_STATUS + 2,
                   "", c->action);
    }
    printf("\n%s: %s\n", "Kết quả chung", selftest_status_words(res));
}

static void selftest_gather(const selftest_args_t *a, selftest_report_t *r,
                            ctl_hub_probe_t *hub)
{
    selftest_storage_t storage;
    selftest_clock_t clk;
    selftest_watchdog_t wd;
    selftest_display_t disp;
    selftest_touch_t touch;
    psys_watchdog_t pw;
    pclock_t clock;
    psys_t sys;

    pclock_init(&clock, 0);
    psys_init(&sys, a->root);
    selftest_init_report(r);
    ctl_probe_storage(a->data, &storage);
    selftest_check_storage(r, &storage, &a->limits);
    ctl_probe_hub(a->data, &clock, a->timeout_s, storage.free_bytes, hub);
    memset(&clk, 0, sizeof(clk));
    clk.kernel_synced = pclock_synced(&clock);
    clk.timesyncd_synced = psys_timesyncd_synced(&sys);
    clk.hub_known = hub->hub_time_ms > 0;
    clk.hub_offset_ms = hub->wall_ms - hub->hub_time_ms;
    clk.kiosk_anchored = hub->anchored;
    selftest_check_clock(r, &clk);
    selftest_check_hub(r, &hub->facts);
    psys_read_watchdog(&sys, &pw);
    wd.present = pw.present;
    wd.active = pw.active;
    wd.timeout_s = pw.timeout_s;
    wd.runtime_usec = pw.runtime_usec;
    snprintf(wd.identity, sizeof(wd.identity), "%s", pw.identity);
    selftest_check_watchdog(r, &wd);
    ctl_probe_display(a->data, &disp);
    selftest_check_display(r, &disp);
    ctl_probe_touch(a->data, &touch);
    selftest_check_touch(r, &touch);
}

/* The record to the hub; 0 sent or not asked for. */
static int selftest_send(const selftest_args_t *a, ctl_hub_probe_t *hub,
                         const char *body)
{
    char err[SYNC_MESSAGE_MAX];

    if (a->no_send)
        return 0;
    if (!body) {
        ctl_say(SELFTEST_CMD, "out of memory building the record");
        return -1;
    }
    if (ctl_probe_send_record(hub, body, err, sizeof(err)) != 0) {
        ctl_say(SELFTEST_CMD, "the installation record was not sent: %s",
                err);
        return -1;
    }
    if (!a->json)
        printf("Đã gửi biên bản lắp đặt lên hub %s.\n", hub->en.hub_url);
    return 0;
}

int ctl_selftest_main(int argc, char **argv)
{
    static selftest_report_t report; /* large; one per run */
    ctl_hub_probe_t hub;
    selftest_args_t a;
    char *body = NULL;
    json_t *rec;
    int rc, sent;

    rc = selftest_parse(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    selftest_gather(&a, &report, &hub);
    rec = selftest_build_json(&report,
                              hub.en.install_id[0] ? hub.en.install_id
                                                   : NULL,
                              SIPAS_VERSION, ctl_now_ms());
    if (rec)
        body = json_dumps(rec, JSON_COMPACT);
    if (a.json && rec) {
        if (json_dumpf(rec, stdout, JSON_INDENT(2)) == 0)
            putchar('\n');
    } else {
        selftest_print_table(&report);
    }
    json_decref(rec);
    sent = selftest_send(&a, &hub, body);
    free(body);
    ctl_probe_close(&hub);
    if (fflush(stdout) != 0) {
        ctl_say(SELFTEST_CMD, "cannot write the report");
        return CTL_EXIT_FAIL;
    }
    return selftest_get_result(&report) == SELFTEST_FAIL || sent != 0
               ? CTL_EXIT_FAIL
               : CTL_EXIT_OK;
}
