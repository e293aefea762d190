/*
 * sipas-hub unit add|list: the province's administrative tree.
 */
#include "cmd.h"

#include <getopt.h>
#include <string.h>

#include "clock.h"
#include "units.h"
#include "valid.h"

#define UNIT_CMD "unit"

static void unit_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub unit add CODE NAME [--parent CODE] --db PATH\n"
            "       sipas-hub unit list --db PATH\n"
            "\n"
            "Units form the province's tree: the province, its departments"
            " and districts,\nand their communes and service units. A kiosk"
            " is enrolled into one unit;\nstatistics for a unit cover"
            " everything below it.\n"
            "\n"
            "  add CODE NAME       a new unit; CODE is 1-64 letters, digits,"
            " '.', '_', '-'\n"
            "                      (e.g. XA-MINHTAN), NAME is text of up to"
            " %d bytes\n"
            "  -p, --parent CODE   the unit above it (must exist); none for"
            " the province\n"
            "  list                every unit, parents before children:\n"
            "                      CODE, PARENT (- for none) and NAME,"
            " tab-separated\n"
            "  -d, --db PATH       the hub database (add creates it)\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 done; 1 refused (unit exists, parent missing) or"
            " database\nerror; 2 usage error.\n",
            HUB_NAME_MAX);
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int unit_parse(int argc, char **argv, const char **db,
                      const char **parent)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"parent", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    *db = NULL;
    *parent = NULL;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:p:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            *db = optarg;
            break;
        case 'p':
            *parent = optarg;
            break;
        case 'h':
            unit_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(UNIT_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!*db) {
        hub_cmd_say(UNIT_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
}

static int unit_check_add(const char *code, const char *name,
                          const char *parent)
{
    if (!hub_valid_code(code)) {
        hub_cmd_say(UNIT_CMD, "\"%s\" is not a unit code (1-64 letters,"
                              " digits, '.', '_', '-')", code);
        return -1;
    }
    if (parent && !hub_valid_code(parent)) {
        hub_cmd_say(UNIT_CMD, "--parent \"%s\" is not a unit code", parent);
        return -1;
    }
    if (!hub_valid_name(name, HUB_NAME_MAX, 0)) {
        hub_cmd_say(UNIT_CMD, "the name must be UTF-8 text of 1 to %d bytes"
                              " without control characters", HUB_NAME_MAX);
        return -1;
    }
    return 0;
}

static int unit_write(hub_db_t *db, const char *code, const char *name,
                      const char *parent)
{
    char actor[HUB_CMD_ACTOR_MAX], detail[HUB_CMD_DETAIL_MAX];
    int64_t now = hub_clock_now_ms();
    int rc;

    hub_cmd_get_actor(actor, sizeof(actor));
    snprintf(detail, sizeof(detail), "code=%s parent=%s name=%s", code,
             parent ? parent : "-", name);
    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    rc = hub_units_add(db, code, name, parent, now);
    if (rc == HUB_OK)
        rc = hub_db_audit(db, now, actor, "unit.add", detail);
    if (rc == HUB_OK)
        return hub_db_commit(db);
    hub_db_rollback(db);
    return rc;
}

static int unit_add(int argc, char **argv)
{
    const char *path, *parent, *code, *name;
    hub_db_t *db;
    int rc, ex;

    rc = unit_parse(argc, argv, &path, &parent);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (argc - optind != 2) {
        hub_cmd_say(UNIT_CMD, "add needs CODE and NAME");
        return HUB_EXIT_USAGE;
    }
    code = argv[optind];
    name = argv[optind + 1];
    if (unit_check_add(code, name, parent) != 0)
        return HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(UNIT_CMD, path, 1, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = unit_write(db, code, name, parent);
    if (rc == HUB_EXISTS)
        hub_cmd_say(UNIT_CMD, "unit %s exists already", code);
    else if (rc == HUB_NOT_FOUND)
        hub_cmd_say(UNIT_CMD, "no parent unit %s; add it first", parent);
    else if (rc == HUB_DENIED)
        hub_cmd_say(UNIT_CMD, "%s is at the deepest level (%d); a unit"
                              " cannot go below it", parent,
                    HUB_UNITS_DEPTH_MAX);
    else if (rc != HUB_OK)
        hub_cmd_report_db(UNIT_CMD, db, rc);
    else
        hub_cmd_say(UNIT_CMD, "added %s", code);
    hub_db_close(db);
    return rc == HUB_OK ? HUB_EXIT_OK : HUB_EXIT_FAIL;
}

static int unit_print_one(void *ctx, const hub_unit_info_t *u)
{
    (void)ctx;
    printf("%s\t%s\t%s\n", u->code, u->parent[0] ? u->parent : "-",
           u->name);
    return 0;
}

static int unit_list(int argc, char **argv)
{
    const char *path, *parent;
    hub_db_t *db;
    int rc, ex;

    rc = unit_parse(argc, argv, &path, &parent);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    if (optind < argc || parent) {
        hub_cmd_say(UNIT_CMD, "list takes only --db");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(UNIT_CMD, path, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(UNIT_CMD, db, "unit.list", "");
    printf("CODE\tPARENT\tNAME\n");
    rc = hub_units_each(db, unit_print_one, NULL);
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(UNIT_CMD, db, rc);
    if (fflush(stdout) != 0) {
        hub_cmd_say(UNIT_CMD, "cannot write the list");
        ex = HUB_EXIT_FAIL;
    }
    hub_db_close(db);
    return ex;
}

int hub_cmd_unit_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "add") == 0)
        return unit_add(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "list") == 0)
        return unit_list(argc - 1, argv + 1);
    if (argc >= 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        unit_print_help(stdout);
        return HUB_EXIT_OK;
    }
    unit_print_help(stderr);
    return HUB_EXIT_USAGE;
}
