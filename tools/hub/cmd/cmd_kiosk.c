/*
 * sipas-hub kiosk list|revoke: the enrolled kiosks and their health.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/kiosks.h"

#define KIOSK_CMD "kiosk"
#define KIOSK_FACTS_MAX 512

static void kiosk_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub kiosk list [--json] --db PATH\n"
            "       sipas-hub kiosk revoke INSTALL_ID --db PATH\n"
            "\n"
            "list shows every enrolled kiosk, one per line, tab-separated:"
            " INSTALL_ID,\nUNIT, COUNTER, VERSION, ENROLLED, LAST_SEEN,"
            " REVOKED (- when active),\nHEARTBEAT, the facts of its"
            " latest heartbeat (clock, free space, database\ncheck, pending"
            " responses) and SELFTEST, the latest installation record\n"
            "(sipasctl selftest): its result, when it arrived and the checks"
            " that did\nnot pass. Times are local (+07:00).\n"
            "\n"
            "revoke refuses every later request of the kiosk (403); what it"
            " uploaded\nstays. Enrolling it again with a new code lifts the"
            " revocation.\n"
            "\n"
            "  -j, --json          list as a JSON array (heartbeat as sent)\n"
            "  -d, --db PATH       the hub database\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 done; 1 no such kiosk or database error; 2 usage"
            " error.\n");
}

static int kiosk_parse(int argc, char **argv, const char **db, int *json)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *db = NULL;
    *json = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:jh", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            *db = optarg;
            break;
        case 'j':
            *json = 1;
            break;
        case 'h':
            kiosk_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(KIOSK_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!*db) {
        hub_cmd_say(KIOSK_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
}

/* "12.3 GiB" */
static void kiosk_format_bytes(json_int_t bytes, char *buf, size_t cap)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    size_t i = 0;

    while (v >= 1024.0 && i + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024.0;
        i++;
    }
    snprintf(buf, cap, i == 0 ? "%.0f %s" : "%.1f %s", v, units[i]);
}

static void kiosk_append(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void kiosk_append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len >= cap - 1)
        return;
    if (len > 0)
        snprintf(buf + len, cap - len, "; ");
    len = strlen(buf);
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* The facts a technician scans for, in words, from the stored JSON. */
static void kiosk_summarise(const hub_kiosk_info_t *k, char *buf, size_t cap)
{
    char when[VNTIME_ISO_MAX], size[32];
    json_t *hb, *v;

    buf[0] = '\0';
    hb = k->heartbeat[0] ? json_loads(k->heartbeat, 0, NULL) : NULL;
    if (!hb) {
        snprintf(buf, cap, "-");
        return;
    }
    hub_cmd_format_time(k->heartbeat_at, when, sizeof(when));
    kiosk_append(buf, cap, "at %s", when);
    if ((v = json_object_get(hb, "clock_synced")))
        kiosk_append(buf, cap, "clock %s", json_is_true(v) ? "synced"
                                                           : "NOT synced");
    if ((v = json_object_get(hb, "clock_offset_ms")))
        kiosk_append(buf, cap, "offset %lld ms",
                     (long long)json_integer_value(v));
    if ((v = json_object_get(hb, "free_bytes"))) {
        kiosk_format_bytes(json_integer_value(v), size, sizeof(size));
        kiosk_append(buf, cap, "free %s", size);
    }
    if ((v = json_object_get(hb, "integrity")))
        kiosk_append(buf, cap, "integrity %s", json_string_value(v));
    if ((v = json_object_get(hb, "pending")))
        kiosk_append(buf, cap, "pending %lld",
                     (long long)json_integer_value(v));
    if ((v = json_object_get(hb, "acked_seq")))
        kiosk_append(buf, cap, "acked %lld",
                     (long long)json_integer_value(v));
    if ((v = json_object_get(hb, "uptime_s")))
        kiosk_append(buf, cap, "up %lld h",
                     (long long)json_integer_value(v) / 3600);
    json_decref(hb);
}

/* The latest self-test in words: its result, when, and the checks that
 * did not pass. */
static void kiosk_summarise_installation(const hub_kiosk_info_t *k,
                                         char *buf, size_t cap)
{
    char when[VNTIME_ISO_MAX];
    json_t *rec, *c;
    const char *st;
    size_t i;

    buf[0] = '\0';
    rec = k->installation[0] ? json_loads(k->installation, 0, NULL) : NULL;
    if (!rec) {
        snprintf(buf, cap, "-");
        return;
    }
    hub_cmd_format_time(k->installation_at, when, sizeof(when));
    kiosk_append(buf, cap, "%s at %s",
                 json_string_value(json_object_get(rec, "result")), when);
    json_array_foreach(json_object_get(rec, "checks"), i, c) {
        st = json_string_value(json_object_get(c, "status"));
        if (st && strcmp(st, "pass") != 0)
            kiosk_append(buf, cap, "%s %s",
                         json_string_value(json_object_get(c, "id")), st);
    }
    json_decref(rec);
}

static int kiosk_print_text(void *ctx, const hub_kiosk_info_t *k)
{
    char enrolled[VNTIME_ISO_MAX], seen[VNTIME_ISO_MAX];
    char revoked[VNTIME_ISO_MAX], facts[KIOSK_FACTS_MAX];
    char installed[KIOSK_FACTS_MAX];

    (void)ctx;
    hub_cmd_format_time(k->enrolled_at, enrolled, sizeof(enrolled));
    hub_cmd_format_time(k->last_seen_at, seen, sizeof(seen));
    hub_cmd_format_time(k->revoked_at, revoked, sizeof(revoked));
    kiosk_summarise(k, facts, sizeof(facts));
    kiosk_summarise_installation(k, installed, sizeof(installed));
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k->install_id,
           k->unit, k->counter[0] ? k->counter : "-",
           k->version[0] ? k->version : "-", enrolled, seen, revoked, facts,
           installed);
    return 0;
}

static json_t *kiosk_time_json(int64_t ms)
{
    char iso[VNTIME_ISO_MAX];

    if (ms == 0 || vntime_format_iso(ms, iso, sizeof(iso)) != 0)
        return json_null();
    return json_string(iso);
}

static int kiosk_add_json(void *ctx, const hub_kiosk_info_t *k)
{
    json_t *list = ctx, *hb, *rec, *obj;

    hb = k->heartbeat[0] ? json_loads(k->heartbeat, 0, NULL) : NULL;
    rec = k->installation[0] ? json_loads(k->installation, 0, NULL) : NULL;
    obj = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o,"
                    " s:o}",
                    "install_id", k->install_id, "unit", k->unit, "counter",
                    k->counter, "version", k->version, "enrolled_at",
                    kiosk_time_json(k->enrolled_at), "last_seen_at",
                    kiosk_time_json(k->last_seen_at), "revoked_at",
                    kiosk_time_json(k->revoked_at), "heartbeat_at",
                    kiosk_time_json(k->heartbeat_at), "heartbeat",
                    hb ? hb : json_null(), "installation_at",
                    kiosk_time_json(k->installation_at), "installation",
                    rec ? rec : json_null());
    if (!obj || json_array_append_new(list, obj) != 0)
        return HUB_ERROR;
    return 0;
}

static int kiosk_list(int argc, char **argv)
{
    const char *path;
    json_t *list = NULL;
    hub_db_t *db;
    int rc, ex, json;

    rc = kiosk_parse(argc, argv, &path, &json);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc) {
        hub_cmd_say(KIOSK_CMD, "list takes only --db and --json");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(KIOSK_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(KIOSK_CMD, db, "kiosk.list", "");
    if (json) {
        list = json_array();
        rc = list ? hub_kiosks_each(db, kiosk_add_json, list) : HUB_ERROR;
        if (rc == HUB_OK && json_dumpf(list, stdout, JSON_INDENT(1)) != 0)
            rc = HUB_ERROR;
        if (rc == HUB_OK)
            putchar('\n');
        json_decref(list);
    } else {
        printf("INSTALL_ID\tUNIT\tCOUNTER\tVERSION\tENROLLED\tLAST_SEEN\t"
               "REVOKED\tHEARTBEAT\tSELFTEST\n");
        rc = hub_kiosks_each(db, kiosk_print_text, NULL);
    }
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(KIOSK_CMD, db, rc);
    if (fflush(stdout) != 0) {
        hub_cmd_say(KIOSK_CMD, "cannot write the list");
        ex = HUB_EXIT_FAIL;
    }
    hub_db_close(db);
    return ex;
}

static int kiosk_write_revoke(hub_db_t *db, const char *id, int *was)
{
    char detail[HUB_CMD_DETAIL_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_kiosks_revoke(db, id, now, was);
    snprintf(detail, sizeof(detail), "install_id=%s", id);
    return hub_cmd_audit_write(db, rc, now, "kiosk.revoke", detail);
}

static int kiosk_revoke(int argc, char **argv)
{
    const char *path, *id;
    hub_db_t *db;
    int rc, ex, json, was = 0;

    rc = kiosk_parse(argc, argv, &path, &json);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (argc - optind != 1 || json) {
        hub_cmd_say(KIOSK_CMD, "revoke needs one INSTALL_ID");
        return HUB_EXIT_USAGE;
    }
    id = argv[optind];
    if (!hex_is_lower(id, HUB_INSTALL_ID_LEN)) {
        hub_cmd_say(KIOSK_CMD, "\"%s\" is not an install id (32 lowercase"
                               " hex digits)", id);
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(KIOSK_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = kiosk_write_revoke(db, id, &was);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(KIOSK_CMD, "no kiosk %s", id);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(KIOSK_CMD, db, rc);
    } else {
        hub_cmd_say(KIOSK_CMD, was ? "%s was revoked already"
                                   : "%s revoked; its data is kept", id);
    }
    hub_db_close(db);
    return ex;
}

int hub_cmd_kiosk_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return kiosk_list(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
        return kiosk_revoke(argc - 1, argv + 1);
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        kiosk_print_help(stdout);
        return HUB_EXIT_OK;
    }
    kiosk_print_help(stderr);
    return HUB_EXIT_USAGE;
}
