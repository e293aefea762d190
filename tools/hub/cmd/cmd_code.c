/*
 * sipas-hub enroll-code: a one-time code that enrolls one kiosk into a unit.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/enroll.h"
#include "hub/store/units.h"

#define CODE_CMD "enroll-code"
#define CODE_TTL_DEFAULT 72

static void code_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub enroll-code --unit CODE [--ttl-hours N]"
            " --db PATH\n"
            "\n"
            "Prints a one-time enrollment code (XXXX-XXXX-XXXX) on stdout."
            " A technician\nenters it on a kiosk (sipasctl provision"
            " --code ...); the kiosk is then\nenrolled into the unit and"
            " the code is used up. The hub keeps only the\ncode's SHA-256."
            "\n"
            "\n"
            "  -u, --unit CODE     the unit the kiosk will belong to (must"
            " exist)\n"
            "  -t, --ttl-hours N   hours the code stays valid, 0 to %d"
            " (default %d)\n"
            "  -d, --db PATH       the hub database\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 printed; 1 no such unit or database error;"
            " 2 usage error.\n",
            HUB_ENROLL_TTL_MAX_HOURS, CODE_TTL_DEFAULT);
}

typedef struct code_opts {
    const char *db, *unit;
    long ttl;
} code_opts_t;

static int code_parse(int argc, char **argv, code_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"unit", required_argument, NULL, 'u'},
        {"ttl-hours", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->ttl = CODE_TTL_DEFAULT;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:u:t:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'u':
            o->unit = optarg;
            break;
        case 't':
            if (hub_cmd_parse_long(CODE_CMD, "--ttl-hours", optarg, 0,
                                   HUB_ENROLL_TTL_MAX_HOURS, &o->ttl) != 0)
                return -1;
            break;
        case 'h':
            code_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(CODE_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        hub_cmd_say(CODE_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (!o->db || !o->unit) {
        hub_cmd_say(CODE_CMD, "--unit CODE and --db PATH are required");
        return -1;
    }
    if (!hub_valid_code(o->unit)) {
        hub_cmd_say(CODE_CMD, "--unit \"%s\" is not a unit code", o->unit);
        return -1;
    }
    return 0;
}

static int code_write(hub_db_t *db, const code_opts_t *o,
                      char code[HUB_CODE_TEXT], int64_t *expires)
{
    char detail[HUB_CMD_DETAIL_MAX];
    char until[VNTIME_ISO_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_enroll_add_code(db, o->unit, (int)o->ttl, now, code, expires);
    hub_cmd_format_time(*expires, until, sizeof(until));
    /* The code itself stays out of the audit trail: it is a secret. */
    snprintf(detail, sizeof(detail), "unit=%s expires=%s", o->unit, until);
    return hub_cmd_audit_write(db, rc, now, "enroll-code.add", detail);
}

int hub_cmd_code_main(int argc, char **argv)
{
    char code[HUB_CODE_TEXT], until[VNTIME_ISO_MAX];
    int64_t expires = 0;
    code_opts_t o;
    hub_db_t *db;
    int rc, ex;

    rc = code_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(CODE_CMD, o.db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = code_write(db, &o, code, &expires);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(CODE_CMD, "no unit %s (see sipas-hub unit list)", o.unit);
        ex = HUB_EXIT_FAIL;
    } else if (rc != HUB_OK) {
        ex = hub_cmd_report_db(CODE_CMD, db, rc);
    } else {
        printf("%s\n", code);
        hub_cmd_format_time(expires, until, sizeof(until));
        hub_cmd_say(CODE_CMD, "one-time code for %s, valid until %s", o.unit,
                    until);
        if (fflush(stdout) != 0) {
            hub_cmd_say(CODE_CMD, "cannot write the code");
            ex = HUB_EXIT_FAIL;
        }
    }
    hub_db_close(db);
    return ex;
}
