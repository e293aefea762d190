/*
 * sipas-hub unit add|list|rename|move|merge|history|import: the province's
 * administrative tree and its history.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <string.h>

#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/base/valid.h"
#include "hub/store/units.h"

#define UNIT_CMD "unit"

static void unit_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub unit add CODE NAME [--parent CODE] --db PATH\n"
            "       sipas-hub unit list --db PATH\n"
            "       sipas-hub unit rename CODE NEW-NAME [--from DATE]"
            " --db PATH\n"
            "       sipas-hub unit move CODE --parent NEW [--from DATE]"
            " --db PATH\n"
            "       sipas-hub unit merge OLD --into NEW --from DATE"
            " --db PATH\n"
            "       sipas-hub unit history CODE --db PATH\n"
            "       sipas-hub unit import FILE --db PATH\n"
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
            "  rename CODE NAME    a new name from DATE on\n"
            "  move CODE           under another parent (--parent) from"
            " DATE on\n"
            "  merge OLD           from DATE on OLD is part of NEW (--into);"
            " ratings given\n"
            "                      in OLD keep its code and count for NEW"
            " (rollup=current)\n"
            "  history CODE        the unit's changes: VALID_FROM, CHANGE,"
            " BEFORE, AFTER,\n"
            "                      RECORDED, BY, tab-separated\n"
            "  import FILE         units and dated merges, renames and moves"
            " from a\n"
            "                      hierarchy file (sipas-units/1, docs/HUB.md;"
            " example:\n"
            "                      assets/units/example-2025.json), all or"
            " nothing; errors\n"
            "                      name file, line and field\n"
            "  -f, --from DATE     local date the change takes effect"
            " (YYYY-MM-DD; default\n"
            "                      today; required for merge). A unit's"
            " changes are kept in\n"
            "                      date order: none may come before its"
            " latest one\n"
            "  -i, --into CODE     the unit OLD becomes part of\n"
            "  -d, --db PATH       the hub database (add and import create"
            " it)\n"
            "  -h, --help          this text\n"
            "\n"
            "Every change is recorded with who made it and when, and in"
            " the audit trail.\n"
            "\n"
            "Exit status: 0 done; 1 refused (unit exists, parent missing,"
            " change out of\ndate order, ...) or database error; 2 usage"
            " error.\n",
            HUB_NAME_MAX);
}

typedef struct unit_opts {
    const char *db, *parent, *from, *into;
} unit_opts_t;

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int unit_parse(int argc, char **argv, unit_opts_t *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"parent", required_argument, NULL, 'p'},
        {"from", required_argument, NULL, 'f'},
        {"into", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:p:f:i:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'p':
            o->parent = optarg;
            break;
        case 'f':
            o->from = optarg;
            break;
        case 'i':
            o->into = optarg;
            break;
        case 'h':
            unit_print_help(stdout);
            return 1;
        default:
            hub_cmd_report_bad_option(UNIT_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (!o->db) {
        hub_cmd_say(UNIT_CMD, "--db PATH is required");
        return -1;
    }
    return 0;
}

static int unit_check_code(const char *what, const char *code)
{
    if (hub_valid_code(code))
        return 0;
    hub_cmd_say(UNIT_CMD,
                "%s \"%s\" is not a unit code (1-64 letters,"
                " digits, '.', '_', '-')",
                what, code);
    return -1;
}

static int unit_check_name(const char *name)
{
    if (hub_valid_name(name, HUB_NAME_MAX, 0))
        return 0;
    hub_cmd_say(UNIT_CMD,
                "the name must be UTF-8 text of 1 to %d bytes"
                " without control characters",
                HUB_NAME_MAX);
    return -1;
}

/* ---- add and list -------------------------------------------------------- */

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

static int unit_add(const unit_opts_t *o, int argc, char **argv)
{
    const char *code, *name;
    hub_db_t *db;
    int rc, ex;

    if (argc - optind != 2 || o->from || o->into) {
        hub_cmd_say(UNIT_CMD, "add needs CODE and NAME (and takes only"
                              " --parent)");
        return HUB_EXIT_USAGE;
    }
    code = argv[optind];
    name = argv[optind + 1];
    if (unit_check_code("unit", code) != 0 || unit_check_name(name) != 0 ||
        (o->parent && unit_check_code("--parent", o->parent) != 0))
        return HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(UNIT_CMD, o->db, 1, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = unit_write(db, code, name, o->parent);
    if (rc == HUB_EXISTS)
        hub_cmd_say(UNIT_CMD, "unit %s exists already", code);
    else if (rc == HUB_NOT_FOUND)
        hub_cmd_say(UNIT_CMD, "no parent unit %s; add it first", o->parent);
    else if (rc == HUB_DENIED)
        hub_cmd_say(UNIT_CMD,
                    "%s is at the deepest level (%d) or was merged"
                    " into another unit; a unit cannot go below"
                    " it",
                    o->parent, HUB_UNITS_DEPTH_MAX);
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
    printf("%s\t%s\t%s\n", u->code, u->parent[0] ? u->parent : "-", u->name);
    return 0;
}

static int unit_list(const unit_opts_t *o, int argc, char **argv)
{
    hub_db_t *db;
    int rc, ex;

    (void)argv;
    if (optind < argc || o->parent || o->from || o->into) {
        hub_cmd_say(UNIT_CMD, "list takes only --db");
        return HUB_EXIT_USAGE;
    }
    ex = hub_cmd_open_db(UNIT_CMD, o->db, 0, &db);
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

/* ---- rename, move, merge ---------------------------------------------------
 */

typedef enum unit_change_kind {
    UNIT_RENAME,
    UNIT_MOVE,
    UNIT_MERGE
} unit_change_kind_t;

typedef struct unit_change {
    unit_change_kind_t kind;
    const char *code;
    const char *value; /* new name, new parent, or the unit merged into */
    char from[VNTIME_DATE_MAX];
} unit_change_t;

static const char *const unit_change_actions[] = {"unit.rename", "unit.move",
                                                  "unit.merge"};

static void unit_say_refusal(const unit_change_t *c, const hub_units_why_t *w)
{
    switch (w->refusal) {
    case HUB_UNITS_NO_UNIT:
        hub_cmd_say(UNIT_CMD, "no unit %s", c->code);
        break;
    case HUB_UNITS_NO_TARGET:
        hub_cmd_say(UNIT_CMD, "no unit %s", c->value);
        break;
    case HUB_UNITS_IS_MERGED:
        hub_cmd_say(UNIT_CMD, "%s was merged into %s; it changes no more",
                    c->code, w->other);
        break;
    case HUB_UNITS_TARGET_MERGED:
        hub_cmd_say(UNIT_CMD,
                    "%s was merged into another unit; name the"
                    " unit it is part of",
                    c->value);
        break;
    case HUB_UNITS_SAME:
        hub_cmd_say(UNIT_CMD, "nothing to change: %s already has that %s",
                    c->code, c->kind == UNIT_RENAME ? "name" : "parent");
        break;
    case HUB_UNITS_LOOP:
        hub_cmd_say(UNIT_CMD,
                    "%s is %s or lies within it: the tree would"
                    " loop",
                    c->value, c->code);
        break;
    case HUB_UNITS_TOO_DEEP:
        hub_cmd_say(UNIT_CMD, "the tree would be deeper than %d levels",
                    HUB_UNITS_DEPTH_MAX);
        break;
    case HUB_UNITS_OUT_OF_ORDER:
        hub_cmd_say(UNIT_CMD,
                    "%s has a change from %s already; changes are"
                    " recorded in date order (--from %s or later)",
                    c->code, w->date, w->date);
        break;
    default:
        hub_cmd_say(UNIT_CMD, "refused");
        break;
    }
}

static int unit_apply(hub_db_t *db, const unit_change_t *c,
                      hub_units_why_t *why)
{
    char actor[HUB_CMD_ACTOR_MAX], detail[HUB_CMD_DETAIL_MAX];
    hub_units_stamp_t stamp;
    int rc;

    hub_cmd_get_actor(actor, sizeof(actor));
    stamp.now_ms = hub_clock_now_ms();
    stamp.actor = actor;
    snprintf(detail, sizeof(detail), "code=%s from=%s %s=%s", c->code, c->from,
             c->kind == UNIT_RENAME ? "name"
             : c->kind == UNIT_MOVE ? "parent"
                                    : "into",
             c->value);
    rc = hub_db_begin_write(db);
    if (rc != HUB_OK)
        return rc;
    if (c->kind == UNIT_RENAME)
        rc = hub_units_rename(db, c->code, c->value, c->from, &stamp, why);
    else if (c->kind == UNIT_MOVE)
        rc = hub_units_move(db, c->code, c->value, c->from, &stamp, why);
    else
        rc = hub_units_merge(db, c->code, c->value, c->from, &stamp, why);
    if (rc == HUB_OK)
        rc = hub_db_audit(db, stamp.now_ms, actor, unit_change_actions[c->kind],
                          detail);
    if (rc == HUB_OK)
        return hub_db_commit(db);
    hub_db_rollback(db);
    return rc;
}

/* The change asked for on the command line; -1 after a usage message. */
static int unit_read_change(const unit_opts_t *o, int argc, char **argv,
                            unit_change_t *c)
{
    int args = c->kind == UNIT_RENAME ? 2 : 1;

    c->value = c->kind == UNIT_RENAME ? NULL
               : c->kind == UNIT_MOVE ? o->parent
                                      : o->into;
    if (argc - optind != args || !(c->kind == UNIT_RENAME || c->value) ||
        (c->kind != UNIT_MOVE && o->parent) ||
        (c->kind != UNIT_MERGE && o->into) ||
        (c->kind == UNIT_MERGE && !o->from)) {
        hub_cmd_say(UNIT_CMD, "%s",
                    c->kind == UNIT_RENAME ? "rename needs CODE and NEW-NAME"
                                             " [--from DATE]"
                    : c->kind == UNIT_MOVE ? "move needs CODE --parent NEW"
                                             " [--from DATE]"
                                           : "merge needs OLD --into NEW"
                                             " --from DATE");
        return -1;
    }
    c->code = argv[optind];
    if (c->kind == UNIT_RENAME)
        c->value = argv[optind + 1];
    if (unit_check_code("unit", c->code) != 0 ||
        (c->kind == UNIT_RENAME ? unit_check_name(c->value)
         : c->kind == UNIT_MOVE ? unit_check_code("--parent", c->value)
                                : unit_check_code("--into", c->value)) != 0)
        return -1;
    if (o->from && vntime_parse_date(o->from) == -1) {
        hub_cmd_say(UNIT_CMD, "--from must be a date YYYY-MM-DD");
        return -1;
    }
    if (o->from)
        snprintf(c->from, sizeof(c->from), "%s", o->from);
    else if (vntime_format_date(hub_clock_now_ms(), c->from, sizeof(c->from)) !=
             0)
        return -1;
    return 0;
}

static int unit_make_change(const unit_opts_t *o, unit_change_kind_t kind,
                            int argc, char **argv)
{
    unit_change_t c;
    hub_units_why_t why;
    hub_db_t *db;
    int rc, ex;

    memset(&c, 0, sizeof(c));
    memset(&why, 0, sizeof(why));
    c.kind = kind;
    if (unit_read_change(o, argc, argv, &c) != 0)
        return HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(UNIT_CMD, o->db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    rc = unit_apply(db, &c, &why);
    if (rc == HUB_DENIED)
        unit_say_refusal(&c, &why);
    else if (rc != HUB_OK)
        hub_cmd_report_db(UNIT_CMD, db, rc);
    else
        hub_cmd_say(UNIT_CMD, "%s %s from %s", unit_change_actions[kind] + 5,
                    c.code, c.from);
    hub_db_close(db);
    return rc == HUB_OK ? HUB_EXIT_OK : HUB_EXIT_FAIL;
}

/* ---- history ----------------------------------------------------------- */

static int unit_print_change(void *ctx, const hub_unit_change_t *c)
{
    char when[VNTIME_ISO_MAX];

    (void)ctx;
    hub_cmd_format_time(c->recorded_at, when, sizeof(when));
    printf("%s\t%s\t%s\t%s\t%s\t%s\n", c->valid_from, c->kind,
           c->old_value[0] ? c->old_value : "-", c->new_value, when, c->actor);
    return 0;
}

static int unit_show_history(const unit_opts_t *o, int argc, char **argv)
{
    char into[HUB_CODE_MAX + 1];
    const char *code;
    hub_db_t *db;
    int rc, ex;

    if (argc - optind != 1 || o->parent || o->from || o->into) {
        hub_cmd_say(UNIT_CMD, "history needs CODE (and takes only --db)");
        return HUB_EXIT_USAGE;
    }
    code = argv[optind];
    if (unit_check_code("unit", code) != 0)
        return HUB_EXIT_USAGE;
    ex = hub_cmd_open_db(UNIT_CMD, o->db, 0, &db);
    if (ex != HUB_EXIT_OK)
        return ex;
    hub_cmd_audit_read(UNIT_CMD, db, "unit.history", code);
    rc = hub_units_get_merged_into(db, code, into, sizeof(into));
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(UNIT_CMD, "no unit %s", code);
        hub_db_close(db);
        return HUB_EXIT_FAIL;
    }
    if (rc == HUB_OK) {
        printf("VALID_FROM\tCHANGE\tBEFORE\tAFTER\tRECORDED\tBY\n");
        rc = hub_units_each_change(db, code, unit_print_change, NULL);
    }
    ex = rc == HUB_OK ? HUB_EXIT_OK : hub_cmd_report_db(UNIT_CMD, db, rc);
    if (fflush(stdout) != 0) {
        hub_cmd_say(UNIT_CMD, "cannot write the history");
        ex = HUB_EXIT_FAIL;
    }
    hub_db_close(db);
    return ex;
}

int hub_cmd_unit_main(int argc, char **argv)
{
    static const char *const subs[] = {"add",   "list",    "rename", "move",
                                       "merge", "history", "import"};
    unit_opts_t o;
    size_t i;
    int rc;

    for (i = 0; argc >= 2 && i < sizeof(subs) / sizeof(subs[0]); i++)
        if (strcmp(argv[1], subs[i]) == 0)
            break;
    if (argc < 2 || i == sizeof(subs) / sizeof(subs[0])) {
        if (argc >= 2 &&
            (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
            unit_print_help(stdout);
            return HUB_EXIT_OK;
        }
        unit_print_help(stderr);
        return HUB_EXIT_USAGE;
    }
    rc = unit_parse(argc - 1, argv + 1, &o);
    if (rc != 0)
        return rc > 0 ? HUB_EXIT_OK : HUB_EXIT_USAGE;
    argc--;
    argv++;
    switch (i) {
    case 0:
        return unit_add(&o, argc, argv);
    case 1:
        return unit_list(&o, argc, argv);
    case 2:
        return unit_make_change(&o, UNIT_RENAME, argc, argv);
    case 3:
        return unit_make_change(&o, UNIT_MOVE, argc, argv);
    case 4:
        return unit_make_change(&o, UNIT_MERGE, argc, argv);
    case 5:
        return unit_show_history(&o, argc, argv);
    default:
        if (argc - optind != 1 || o.parent || o.from || o.into) {
            hub_cmd_say(UNIT_CMD, "import needs FILE (and takes only --db)");
            return HUB_EXIT_USAGE;
        }
        return hub_cmd_unit_import(o.db, argv[optind]);
    }
}
