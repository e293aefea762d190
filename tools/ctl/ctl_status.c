/*
 * sipasctl status, and the database half of check: the database's health
 * and contents at a glance, and the full integrity check.
 */
#include "ctl.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>
#include <sys/statvfs.h>

#include "core/vntime.h"

#define STATUS_CMD "status"
#define STATUS_AUDIT_ROWS 5
#define STATUS_PATH_MAX (STORE_PATH_MAX + 16)

typedef struct status_audit {
    int64_t id, at_ms;
    char kind[64];
    char detail[STORE_PATH_MAX + STORE_TEXT_MAX];
} status_audit_t;

typedef struct status_info {
    char db_path[STATUS_PATH_MAX];
    const char *dir;
    store_stats_t stats;
    int stats_rc;
    char stats_err[STORE_TEXT_MAX];
    char officer[STORE_TEXT_MAX];
    int officer_rc;
    int medium; /* enum store_medium of kiosk.db */
    int64_t free_bytes, total_bytes;
    int space_rc;
    char check[STORE_TEXT_MAX];
    int check_rc;
    int n_audit;
    status_audit_t audit[STATUS_AUDIT_ROWS];
    int audit_rc;
    ctl_sync_facts_t sync;
} status_info_t;

/* ---- help and options --------------------------------------------------- */

static void status_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl status --data DIR [--json]\n"
            "\n"
            "What a technician needs at a glance: where the database is and"
            " how big,\nthe install id, how many responses are stored "
            "(counted, partial,\nsuppressed, test ratings from before"
            " enrollment, today), the last one, the "
            "officer on duty, free space on the\ndata partition, a quick "
            "integrity check, uploading to the hub (unit,\npending, last "
            "success, last error) and the latest audit entries.\n"
            "Reads the database read-only; safe while the kiosk runs.\n"
            "\n"
            "  -d, --data DIR   the kiosk's data directory (holds "
            STORE_DB_NAME ")\n"
            "  -j, --json       one JSON object instead of text\n"
            "  -h, --help       this text\n"
            "\n"
            "Exit status: 0 healthy; 1 database missing, damaged or "
            "unreadable, or\n" SYNCDB_NAME " damaged; 2 usage error.\n");
}

/* --data, --help and --json.
 * 0 to go on, 1 when help was printed, -1 on a usage error. */
static int status_parse(const char *cmd, int argc, char **argv,
                        const char **data, int *json)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *data = NULL;
    *json = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:jh", longs, NULL)) != -1) {
        if (c == 'd') {
            *data = optarg;
        } else if (c == 'j') {
            *json = 1;
        } else if (c == 'h') {
            status_print_help(stdout);
            return 1;
        } else {
            ctl_report_bad_option(cmd, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        ctl_say(cmd, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (!*data) {
        ctl_say(cmd, "--data DIR is required");
        return -1;
    }
    return 0;
}

/* ---- gathering ---------------------------------------------------------- */

static int status_copy_audit(void *ctx, const store_audit_row_t *row)
{
    status_info_t *info = ctx;
    status_audit_t *a;

    if (info->n_audit >= STATUS_AUDIT_ROWS)
        return 1;
    a = &info->audit[info->n_audit++];
    a->id = row->id;
    a->at_ms = row->at_ms;
    snprintf(a->kind, sizeof(a->kind), "%s", row->kind);
    snprintf(a->detail, sizeof(a->detail), "%s", row->detail);
    return 0;
}

static void status_read_space(status_info_t *info)
{
    struct statvfs vfs;

    info->space_rc = statvfs(info->dir, &vfs);
    if (info->space_rc != 0)
        return;
    info->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    info->total_bytes = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
}

static void status_gather(store_t *s, const char *dir, status_info_t *info)
{
    memset(info, 0, sizeof(*info));
    info->dir = dir;
    info->medium = store_medium(s);
    snprintf(info->db_path, sizeof(info->db_path), "%s/%s", dir,
             STORE_DB_NAME);
    info->stats_rc = store_get_stats(s, ctl_now_ms(), &info->stats);
    if (info->stats_rc != STORE_OK)
        snprintf(info->stats_err, sizeof(info->stats_err), "%s",
                 store_last_error(s));
    info->officer_rc =
        store_state_get(s, "officer", info->officer, sizeof(info->officer));
    status_read_space(info);
    info->check_rc = store_quick_check(s, info->check, sizeof(info->check));
    info->audit_rc =
        store_each_audit(s, STATUS_AUDIT_ROWS, status_copy_audit, info);
    /* Unreadable sync facts are shown as such; the database's health is
     * what the exit status is about. */
    (void)ctl_sync_gather(s, dir, &info->sync);
}

static int status_is_healthy(const status_info_t *info)
{
    /* A damaged sync.db stays so until a technician acts, unlike a
     * moment when it cannot be read. */
    return info->stats_rc == STORE_OK && info->check_rc == STORE_OK &&
           strcmp(info->check, "ok") == 0 && !info->sync.damaged;
}

/* ---- text --------------------------------------------------------------- */

static void status_print_counts(const status_info_t *info)
{
    const store_stats_t *st = &info->stats;
    char when[VNTIME_ISO_MAX];

    if (info->stats_rc != STORE_OK) {
        printf("responses     unreadable: %s\n", info->stats_err);
        return;
    }
    printf("install id    %s\n", st->install_id);
    /* Real ratings only: the tests have their own line. */
    printf("responses     %lld stored: %lld counted, %lld partial,"
           " %lld suppressed\n",
           (long long)(st->responses - st->test), (long long)st->counted,
           (long long)st->partial, (long long)st->suppressed);
    if (st->test > 0)
        printf("test ratings  %lld recorded before enrollment: kept here,"
               " never uploaded or counted (%lld today)\n",
               (long long)st->test, (long long)st->today_test);
    printf("today         %lld (since 00:00, UTC+7, by this computer's"
           " clock)\n",
           (long long)st->today);
    if (st->last_seq == 0) {
        printf("last          none yet\n");
        return;
    }
    if (vntime_format_iso(st->last_wall_ms, when, sizeof(when)) != 0)
        when[0] = '\0';
    printf("last          seq %lld at %s\n", (long long)st->last_seq, when);
}

static void status_print_space(const status_info_t *info)
{
    char free_text[32], total_text[32];

    if (info->space_rc != 0) {
        printf("free space    unknown\n");
        return;
    }
    ctl_format_bytes(info->free_bytes, free_text, sizeof(free_text));
    ctl_format_bytes(info->total_bytes, total_text, sizeof(total_text));
    printf("free space    %s of %s\n", free_text, total_text);
}

static void status_print_audit(const status_info_t *info)
{
    char when[VNTIME_ISO_MAX];
    int i;

    if (info->audit_rc != STORE_OK) {
        printf("recent audit  unreadable\n");
        return;
    }
    if (info->n_audit == 0) {
        printf("recent audit  none\n");
        return;
    }
    printf("recent audit\n");
    for (i = 0; i < info->n_audit; i++) {
        if (vntime_format_iso(info->audit[i].at_ms, when, sizeof(when)) != 0)
            when[0] = '\0';
        printf("  %s  %s  %s\n", when, info->audit[i].kind,
               info->audit[i].detail);
    }
}

static void status_print_text(const status_info_t *info)
{
    char size[32];

    ctl_format_bytes(info->stats.db_bytes, size, sizeof(size));
    printf("database      %s\n", info->db_path);
    if (info->medium != STORE_MEDIUM_IN_PLACE ||
        info->sync.medium != STORE_MEDIUM_IN_PLACE)
        printf("medium        %s\n",
               store_medium_text(info->medium != STORE_MEDIUM_IN_PLACE
                                     ? info->medium
                                     : info->sync.medium));
    if (info->stats_rc == STORE_OK)
        printf("size          %s (database and WAL)\n", size);
    status_print_counts(info);
    if (info->officer_rc != STORE_OK)
        printf("officer       unreadable\n");
    else
        printf("officer       %s\n",
               info->officer[0] ? info->officer : "none on duty");
    status_print_space(info);
    printf("quick check   %s\n", info->check);
    ctl_sync_print_text(&info->sync);
    ctl_provision_print_text(info->dir);
    status_print_audit(info);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *status_build_audit(const status_info_t *info)
{
    char when[VNTIME_ISO_MAX];
    json_t *arr = json_array();
    int i;

    for (i = 0; arr && i < info->n_audit; i++) {
        if (vntime_format_iso(info->audit[i].at_ms, when, sizeof(when)) != 0)
            when[0] = '\0';
        if (json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s?}", "id",
                               (json_int_t)info->audit[i].id, "at", when,
                               "kind", info->audit[i].kind, "detail",
                               info->audit[i].detail)) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *status_build_last(const status_info_t *info)
{
    char when[VNTIME_ISO_MAX];

    if (info->stats.last_seq == 0 ||
        vntime_format_iso(info->stats.last_wall_ms, when, sizeof(when)) != 0)
        return json_null();
    return json_string(when);
}

static json_t *status_build_json(const status_info_t *info)
{
    const store_stats_t *st = &info->stats;

    return json_pack(
        "{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o,"
        " s:o,"
        " s:o, s:s, s:o, s:b, s:b}",
        "database", info->db_path, "db_bytes", (json_int_t)st->db_bytes,
        "install_id", st->install_id, "responses", (json_int_t)st->responses,
        "counted", (json_int_t)st->counted, "partial",
        (json_int_t)st->partial, "suppressed", (json_int_t)st->suppressed,
        "test", (json_int_t)st->test, "today", (json_int_t)st->today,
        "today_test", (json_int_t)st->today_test, "last_seq",
        (json_int_t)st->last_seq,
        "last_recorded_at", status_build_last(info), "officer",
        info->officer[0] ? json_string(info->officer) : json_null(),
        "free_bytes",
        info->space_rc == 0 ? json_integer(info->free_bytes) : json_null(),
        "total_bytes",
        info->space_rc == 0 ? json_integer(info->total_bytes) : json_null(),
        "quick_check", info->check, "audit", status_build_audit(info), "ok",
        status_is_healthy(info), "read_only_medium",
        info->medium != STORE_MEDIUM_IN_PLACE ||
            info->sync.medium != STORE_MEDIUM_IN_PLACE);
}

static int status_print_json(const status_info_t *info)
{
    json_t *o = status_build_json(info);
    int rc;

    if (o && (json_object_set_new(o, "sync",
                                  ctl_sync_build_json(&info->sync)) != 0 ||
              json_object_set_new(o, "provisioning",
                                  ctl_provision_build_json(info->dir)) != 0)) {
        json_decref(o);
        o = NULL;
    }
    if (!o) {
        ctl_say(STATUS_CMD, "cannot build JSON (text that is not UTF-8?)");
        return -1;
    }
    rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (rc == 0)
        rc = fputc('\n', stdout) == EOF ? -1 : 0;
    return rc;
}

/* ---- commands ----------------------------------------------------------- */

int ctl_status_main(int argc, char **argv)
{
    static status_info_t info; /* large; one per process */
    const char *data;
    store_t *s = NULL;
    int json, rc;

    rc = status_parse(STATUS_CMD, argc, argv, &data, &json);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    if (ctl_open_data(STATUS_CMD, data, &s) != CTL_EXIT_OK)
        return CTL_EXIT_FAIL;
    status_gather(s, data, &info);
    store_close(s);
    if (json)
        rc = status_print_json(&info);
    else
        status_print_text(&info);
    if (fflush(stdout) != 0 || rc != 0) {
        ctl_say(STATUS_CMD, "writing the status failed");
        return CTL_EXIT_FAIL;
    }
    if (info.sync.damaged) {
        ctl_say(STATUS_CMD, "the sync database in %s is damaged", data);
        return CTL_EXIT_FAIL;
    }
    if (!status_is_healthy(&info)) {
        ctl_say(STATUS_CMD, "the database in %s is not healthy", data);
        return CTL_EXIT_FAIL;
    }
    return CTL_EXIT_OK;
}

int ctl_check_database(const char *cmd, const char *data)
{
    char result[STORE_TEXT_MAX];
    store_t *s = NULL;
    int rc;

    if (ctl_open_data(cmd, data, &s) != CTL_EXIT_OK)
        return CTL_EXIT_FAIL;
    rc = store_integrity_check(s, result, sizeof(result));
    store_close(s);
    printf("%s\n", result);
    if (fflush(stdout) != 0)
        return CTL_EXIT_FAIL;
    if (rc != STORE_OK || strcmp(result, "ok") != 0) {
        ctl_say(cmd, "the database in %s is damaged", data);
        return CTL_EXIT_FAIL;
    }
    return CTL_EXIT_OK;
}
