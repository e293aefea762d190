/*
 * sipas-hub partitions list|add|detach: the months of snapshot rows on
 * PostgreSQL (store/partitions.h).
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hub/base/clock.h"
#include "hub/store/partitions.h"

#define PARTS_CMD "partitions"

static void parts_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub partitions list --db postgresql://...\n"
            "       sipas-hub partitions add --month YYYY-MM --db"
            " postgresql://...\n"
            "       sipas-hub partitions detach --before YYYY-MM [--archive]"
            " --db postgresql://...\n"
            "\n"
            "On PostgreSQL the snapshot rows (day_snapshots, day_responses,"
            " day_answers,\nday_elements) are kept in one partition a month;"
            " serve makes the current and\nthe next %d months' each day.\n"
            "\n"
            "list shows each month, tab-separated: MONTH and STATE"
            " (attached: in the\nlive tables; detached: beside them;"
            " archived: in the schema %s).\n"
            "add makes a month's partitions (an old month a late upload"
            " needs).\n"
            "detach takes every attached month before YYYY-MM out of the"
            " live tables, in\none transaction with an audit row a month;"
            " with --archive their tables move\nto the schema %s (pg_dump"
            " -n %s, then drop them). The\ncurrent month and the one before"
            " always stay. The statistics keep every\nmonth: they read the"
            " summaries, not these rows; an upload replacing a day of\na"
            " detached month is refused.\n"
            "\n"
            "  -d, --db URI        the hub database (PostgreSQL)\n"
            "  -m, --month YYYY-MM the month to add\n"
            "  -b, --before YYYY-MM  detach the months before this one\n"
            "  -a, --archive       move the detached tables to %s\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 done; 1 refused or database error (an SQLite"
            " file has no\npartitions); 2 usage error.\n",
            HUB_PARTITIONS_AHEAD, HUB_PARTITIONS_ARCHIVE,
            HUB_PARTITIONS_ARCHIVE, HUB_PARTITIONS_ARCHIVE,
            HUB_PARTITIONS_ARCHIVE);
}

typedef struct parts_opts {
    const char *db, *verb;
    int month; /* hub_partitions_month_of()'s count; -1: none given */
    int archive;
} parts_opts_t;

/* "YYYY-MM" (2000 to 9998) as a month count; -1 otherwise. */
static int parts_parse_month(const char *text)
{
    int y, m, n = 0;

    if (strlen(text) != 7 || sscanf(text, "%4d-%2d%n", &y, &m, &n) != 2 ||
        n != 7 || y < 2000 || y > 9998 || m < 1 || m > 12)
        return -1;
    return y * 12 + m - 1;
}

static int parts_parse(int argc, char **argv, parts_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"month", required_argument, NULL, 'm'},
        {"before", required_argument, NULL, 'b'},
        {"archive", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->month = -1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:m:b:ah", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'm':
        case 'b':
            o->month = parts_parse_month(optarg);
            if (o->month < 0) {
                hub_cmd_say(PARTS_CMD, "--%s: \"%s\" is not a month"
                                       " YYYY-MM", c == 'm' ? "month"
                                                            : "before",
                            optarg);
                return -1;
            }
            break;
        case 'a':
            o->archive = 1;
            break;
        case 'h':
            parts_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(PARTS_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind != argc - 1 || !o->db) {
        hub_cmd_say(PARTS_CMD, "list, add or detach, and --db URI");
        return -1;
    }
    o->verb = argv[optind];
    if (strcmp(o->verb, "list") != 0 && o->month < 0) {
        hub_cmd_say(PARTS_CMD, "%s needs --%s YYYY-MM", o->verb,
                    strcmp(o->verb, "add") == 0 ? "month" : "before");
        return -1;
    }
    if (strcmp(o->verb, "list") != 0 && strcmp(o->verb, "add") != 0 &&
        strcmp(o->verb, "detach") != 0) {
        hub_cmd_say(PARTS_CMD, "unknown action \"%s\": list, add or"
                               " detach", o->verb);
        return -1;
    }
    return 0;
}

static int parts_print_one(void *ctx, const hub_partition_t *p)
{
    (void)ctx;
    printf("%04d-%02d\t%s\n", p->year, p->month,
           hub_partition_state_name(p->state));
    return 0;
}

static int parts_add(hub_db_t *db, int month)
{
    char day[16], detail[HUB_CMD_DETAIL_MAX];
    int rc;

    snprintf(day, sizeof(day), "%04d-%02d-01", month / 12, month % 12 + 1);
    rc = hub_partitions_ensure_day(db, day);
    if (rc != HUB_OK)
        return rc;
    snprintf(detail, sizeof(detail), "%.7s: partitions made", day);
    return hub_cmd_audit_write(db, hub_db_begin_write(db), hub_clock_now_ms(),
                               "partitions.add", detail);
}

static int parts_detach(hub_db_t *db, const parts_opts_t *o)
{
    char actor[HUB_CMD_ACTOR_MAX];
    int rc, n = 0;

    hub_cmd_get_actor(actor, sizeof(actor));
    rc = hub_partitions_detach(db, o->month, o->archive, hub_clock_now_ms(),
                               actor, &n);
    if (rc == HUB_OK)
        printf("%d month%s detached%s\n", n, n == 1 ? "" : "s",
               o->archive && n > 0 ? " and archived" : "");
    return rc;
}

int hub_cmd_partitions_main(int argc, char **argv)
{
    parts_opts_t o;
    hub_db_t *db;
    int rc, ex;

    rc = parts_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(PARTS_CMD, o.db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    if (strcmp(o.verb, "list") == 0) {
        if (hub_db_is_server(db)) /* else only the refusal below */
            printf("MONTH\tSTATE\n");
        rc = hub_partitions_each(db, parts_print_one, NULL);
    } else if (strcmp(o.verb, "add") == 0) {
        rc = parts_add(db, o.month);
    } else {
        rc = parts_detach(db, &o);
    }
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(PARTS_CMD, db, rc);
    if (fflush(stdout) != 0)
        ex = HUB_EXIT_FAIL;
    hub_db_close(db);
    return ex;
}
