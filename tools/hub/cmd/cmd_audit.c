/*
 * sipas-hub audit: who changed what, and when.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "core/vntime.h"

#define AUDIT_CMD "audit"
#define AUDIT_LIMIT_DEFAULT 50
#define AUDIT_LIMIT_MAX 100000

static void audit_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub audit [--limit N] --db PATH\n"
            "\n"
            "The latest audit rows, oldest first, tab-separated: ID, TIME,"
            " ACTOR (cli:USER\nfor a command, api:ADDRESS for a request),"
            " ACTION and DETAIL. Every command,\nevery enrollment attempt,"
            " every use of an analyst token and every refused\nkiosk request"
            " leaves one (refusals of unauthenticated requests at most 120"
            " a\nminute per address); a kiosk's accepted uploads do not."
            " Secrets never appear\nin them: codes and tokens are named by"
            " their ids.\n"
            "\n"
            "  -n, --limit N       rows to show, 1 to %d (default %d)\n"
            "  -d, --db PATH       the hub database\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 done; 1 database error; 2 usage error.\n",
            AUDIT_LIMIT_MAX, AUDIT_LIMIT_DEFAULT);
}

static int audit_print_one(void *ctx, const hub_audit_row_t *row)
{
    char at[VNTIME_ISO_MAX];

    (void)ctx;
    hub_cmd_format_time(row->at_ms, at, sizeof(at));
    printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", row->id, at, row->actor,
           row->action, row->detail);
    return 0;
}

int hub_cmd_audit_main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"limit", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *path = NULL;
    long limit = AUDIT_LIMIT_DEFAULT;
    hub_db_t *db;
    int c, rc, ex;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:n:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            path = optarg;
            break;
        case 'n':
            if (hub_cmd_parse_long(AUDIT_CMD, "--limit", optarg, 1,
                                   AUDIT_LIMIT_MAX, &limit) != 0)
                return HUB_EXIT_USAGE;
            break;
        case 'h':
            audit_print_help(stdout);
            return HUB_EXIT_OK;
        default:
            hub_cmd_report_bad_option(AUDIT_CMD, c, argv[optind - 1]);
            return HUB_EXIT_USAGE;
        }
    }
    if (optind < argc || !path) {
        hub_cmd_say(AUDIT_CMD, "--db PATH is required and nothing else");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(AUDIT_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(AUDIT_CMD, db, "audit.list", "");
    printf("ID\tTIME\tACTOR\tACTION\tDETAIL\n");
    rc = hub_db_each_audit(db, (int)limit, audit_print_one, NULL);
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(AUDIT_CMD, db, rc);
    if (fflush(stdout) != 0)
        ex = HUB_EXIT_FAIL;
    hub_db_close(db);
    return ex;
}
