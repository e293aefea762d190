/*
 * sipas-hub national credential add|revoke: on the national hub, the
 * credentials with which provincial hubs push their month rows.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/national.h"

#define NATIONAL_CMD "national"

static void national_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub national credential add --province CODE"
            " --db PATH\n"
            "       sipas-hub national credential revoke ID --db PATH\n"
            "\n"
            "On the national hub: a province's hub pushes its month rows to"
            "\nPOST /api/v1/national/months with a credential made here."
            " add prints it\non stdout, once, as CODE:SECRET (the hub keeps"
            " only the secret's SHA-256):\nput it in a file for `sipas-hub"
            " forward --credential FILE` on the\nprovince's hub. It writes"
            " rows of CODE's subtree only.\n"
            "\n"
            "  -p, --province CODE   the province's unit on this hub\n"
            "  -d, --db PATH         the hub database\n"
            "  -h, --help            this text\n"
            "\n"
            "Exit status: 0 done; 1 no such unit or credential, or database"
            " error; 2 usage\nerror.\n");
}

typedef struct national_opts {
    const char *db, *province;
} national_opts_t;

static int national_parse(int argc, char **argv, national_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"province", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:p:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'p':
            o->province = optarg;
            break;
        case 'h':
            national_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(NATIONAL_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!o->db) {
        hub_cmd_say(NATIONAL_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
}

static int national_add(hub_db_t *db, const char *province, int64_t now)
{
    char secret[HUB_TOKEN_TEXT], detail[HUB_CMD_DETAIL_MAX];
    int64_t id = 0;
    int rc = hub_db_begin_write(db), ex = HUB_EXIT_OK;

    if (rc != HUB_OK)
        return hub_cmd_report_db(NATIONAL_CMD, db, rc);
    rc = hub_national_add_credential(db, province, now, secret, &id);
    snprintf(detail, sizeof(detail), "id=%" PRId64 " province=%s", id,
             province);
    rc = hub_cmd_audit_write(db, rc, now, "national.credential-add", detail);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(NATIONAL_CMD, "no unit %s on this hub", province);
        return HUB_EXIT_FAIL;
    }
    if (rc != HUB_OK)
        return hub_cmd_report_db(NATIONAL_CMD, db, rc);
    printf("%s:%s\n", province, secret);
    hub_cmd_say(NATIONAL_CMD,
                "credential %" PRId64 " for %s; it is shown only this once",
                id, province);
    if (fflush(stdout) != 0) {
        hub_cmd_say(NATIONAL_CMD, "cannot write the credential");
        ex = HUB_EXIT_FAIL;
    }
    explicit_bzero(secret, sizeof(secret));
    return ex;
}

static int national_revoke(hub_db_t *db, const char *id_text, int64_t now)
{
    char detail[HUB_CMD_DETAIL_MAX];
    long id;
    int rc;

    if (hub_cmd_parse_long(NATIONAL_CMD, "ID", id_text, 1, INT32_MAX, &id) !=
        0)
        return HUB_EXIT_USAGE;
    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return hub_cmd_report_db(NATIONAL_CMD, db, rc);
    rc = hub_national_revoke_credential(db, id, now);
    snprintf(detail, sizeof(detail), "id=%ld", id);
    rc = hub_cmd_audit_write(db, rc, now, "national.credential-revoke",
                             detail);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(NATIONAL_CMD, "no active credential %ld", id);
        return HUB_EXIT_FAIL;
    }
    return rc == HUB_OK ? HUB_EXIT_OK
                        : hub_cmd_report_db(NATIONAL_CMD, db, rc);
}

int hub_cmd_national_main(int argc, char **argv)
{
    national_opts_t o;
    const char *verb;
    hub_db_t *db;
    int rc, ex;

    if (argc < 2 || strcmp(argv[1], "credential") != 0) {
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                          strcmp(argv[1], "-h") == 0)) {
            national_print_help(stdout);
            return HUB_EXIT_OK;
        }
        national_print_help(stderr);
        return HUB_EXIT_USAGE;
    }
    if (argc < 3) {
        national_print_help(stderr);
        return HUB_EXIT_USAGE;
    }
    verb = argv[2];
    optind = 0;
    rc = national_parse(argc - 2, argv + 2, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (strcmp(verb, "add") == 0 && optind == argc - 2 && o.province &&
        hub_valid_code(o.province)) {
        if (hub_cmd_open_db(NATIONAL_CMD, o.db, 0, &db) != HUB_EXIT_OK)
            return HUB_EXIT_FAIL;
        ex = national_add(db, o.province, hub_clock_now_ms());
    } else if (strcmp(verb, "revoke") == 0 && optind == argc - 3 &&
               !o.province) {
        if (hub_cmd_open_db(NATIONAL_CMD, o.db, 0, &db) != HUB_EXIT_OK)
            return HUB_EXIT_FAIL;
        ex = national_revoke(db, argv[2 + optind], hub_clock_now_ms());
    } else {
        hub_cmd_say(NATIONAL_CMD, "credential add --province CODE, or"
                                  " credential revoke ID; see --help");
        return HUB_EXIT_USAGE;
    }
    hub_db_close(db);
    return ex;
}
