/*
 * sipas-hub migrate: a province's SQLite hub moved into an empty
 * PostgreSQL database (store/migrate.h), then checked: each table's rows
 * counted and summed on both sides before the commit, and statistics by
 * unit, month, field and officer asked of both after it and compared
 * byte for byte, the file's lock held until the summary is printed.
 */
#include "hub/cmd/cmd.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/vntime.h"
#include "hub/base/clock.h"
#include "hub/domain/stats.h"
#include "hub/store/migrate.h"
#include "hub/store/sqlx.h"

#define MIGRATE_CMD "migrate"
#define MIGRATE_ERR_MAX 2048

static void migrate_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-hub migrate --from PATH --to postgresql://...\n"
            "\n"
            "Copies a province's hub database, an SQLite file, into an empty"
            " PostgreSQL\ndatabase: every table, column by column, in one"
            " transaction there, so a run\nthat fails or is interrupted"
            " leaves the target empty and can simply be run\nagain. A target"
            " that holds any hub data is refused. The file's write lock is"
            "\nheld throughout: a hub serving it cannot acknowledge an"
            " upload the copy\nmisses (its kiosks send again later). Stop"
            " the hub first, then start it with\n--db postgresql://... once"
            " this has succeeded.\n"
            "\n"
            "Before it commits, each table's rows are counted and summed on"
            " both sides;\nafter, the statistics by unit, month, field and"
            " officer (every whole month\nfrom the summaries, the last day"
            " from its day rows) are compared byte for\nbyte, and a"
            " difference empties the target again. Prints each table and"
            " its\nrows; the migration is audited on the target.\n"
            "\n"
            "  -f, --from PATH     the SQLite hub database (schema upgraded"
            " first if older)\n"
            "  -t, --to URI        the PostgreSQL database"
            " (postgresql://USER@HOST:PORT/DB)\n"
            "  -h, --help          this text\n"
            "\n"
            "Exit status: 0 copied and checked; 1 refused or failed (target"
            " left empty);\n2 usage error.\n");
}

/* The requests compared: each grouping a province's report needs. */
static const hub_stats_group_t migrate_groups[] = {
    HUB_STATS_BY_UNIT, HUB_STATS_BY_MONTH, HUB_STATS_BY_FIELD,
    HUB_STATS_BY_OFFICER,
};

/* The statistics JSON of q on db, keys sorted; NULL on failure (said). */
static char *migrate_stats_text(hub_db_t *db, const hub_stats_query_t *q,
                                const char *side)
{
    json_t *out = NULL;
    char *text;
    int rc;

    hub_db_lock(db);
    rc = hub_stats_compute(db, q, &out);
    hub_db_unlock(db);
    if (rc != HUB_OK) {
        hub_cmd_say(MIGRATE_CMD, "statistics on the %s: %s", side,
                    hub_db_last_error(db));
        return NULL;
    }
    text = json_dumps(out, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(out);
    if (!text)
        hub_cmd_say(MIGRATE_CMD, "statistics on the %s: out of memory",
                    side);
    return text;
}

/* The periods compared: every whole month holding data (read from the
 * month and year summaries alone), and the last day (from the day rows
 * alone). On PostgreSQL a statistics request reads at most
 * SQLX_RESULT_ROWS_MAX rows, so months of day rows are not asked for. */
typedef struct migrate_window {
    char from[HUB_MIGRATE_DAY_MAX], to[HUB_MIGRATE_DAY_MAX];
    hub_stats_source_t source;
    const char *name;
} migrate_window_t;

static int migrate_make_windows(const hub_migrate_result_t *res,
                                migrate_window_t w[2])
{
    int year, month;

    if (sscanf(res->last_day, "%4d-%2d", &year, &month) != 2 ||
        month < 1 || month > 12)
        return -1;
    snprintf(w[0].from, sizeof(w[0].from), "%.8s01", res->first_day);
    snprintf(w[0].to, sizeof(w[0].to), "%04d-%02d-%02d", year, month,
             vntime_get_month_days(year, month));
    w[0].source = HUB_STATS_SOURCE_AUTO;
    w[0].name = "the summaries of every month";
    snprintf(w[1].from, sizeof(w[1].from), "%s", res->last_day);
    snprintf(w[1].to, sizeof(w[1].to), "%s", res->last_day);
    w[1].source = HUB_STATS_SOURCE_DAYS;
    w[1].name = "the day rows of the last day";
    return 0;
}

/* One grouping over each window on both sides: HUB_EXIT_OK when the
 * copy gives the file's bytes each time. */
static int migrate_compare_group(hub_db_t *src, hub_db_t *dst,
                                 const migrate_window_t w[2],
                                 hub_stats_group_t group, int *n_compared)
{
    hub_stats_query_t q;
    char *a, *b;
    int i, ok = 1;

    for (i = 0; ok && i < 2; i++) {
        hub_stats_init_query(&q);
        q.from = w[i].from;
        q.to = w[i].to;
        q.group = group;
        q.source = w[i].source;
        q.min_group = 1;
        a = migrate_stats_text(src, &q, "SQLite file");
        b = a ? migrate_stats_text(dst, &q, "copy") : NULL;
        ok = a && b && strcmp(a, b) == 0;
        if (a && b && !ok)
            hub_cmd_say(MIGRATE_CMD, "the statistics by %s from %s differ"
                        " between the SQLite file and the copy",
                        hub_stats_get_group_name(group), w[i].name);
        free(a);
        free(b);
        (*n_compared)++;
    }
    return ok ? HUB_EXIT_OK : HUB_EXIT_FAIL;
}

static int migrate_compare_stats(hub_db_t *src, hub_db_t *dst,
                                 const hub_migrate_result_t *res,
                                 int *n_compared)
{
    migrate_window_t w[2];
    size_t g;
    int ex = HUB_EXIT_OK;

    *n_compared = 0;
    if (res->first_day[0] == '\0')
        return HUB_EXIT_OK;
    if (migrate_make_windows(res, w) != 0) {
        hub_cmd_say(MIGRATE_CMD, "the snapshots' last day \"%s\" is no"
                    " date", res->last_day);
        return HUB_EXIT_FAIL;
    }
    for (g = 0; ex == HUB_EXIT_OK &&
                g < sizeof(migrate_groups) / sizeof(migrate_groups[0]);
         g++)
        ex = migrate_compare_group(src, dst, w, migrate_groups[g],
                                   n_compared);
    return ex;
}

static double migrate_seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    if (clock_gettime(CLOCK_MONOTONIC, &t1) != 0)
        return 0;
    return (double)(t1.tv_sec - t0->tv_sec) +
           (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static double migrate_cpu_seconds(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int migrate_report_copy(int rc, const char *err)
{
    if (rc == HUB_EXISTS)
        hub_cmd_say(MIGRATE_CMD, "refused: %s; nothing was changed (migrate"
                    " only into an empty database)", err);
    else if (rc == HUB_BUSY)
        hub_cmd_say(MIGRATE_CMD, "a database stayed locked; nothing was"
                    " changed, try again (%s)", err);
    else
        hub_cmd_say(MIGRATE_CMD, "failed, the target is left empty: %s",
                    err);
    return HUB_EXIT_FAIL;
}

static void migrate_print_tables(const hub_migrate_result_t *res)
{
    int i;

    printf("TABLE\tROWS\n");
    for (i = 0; i < res->n_tables; i++)
        printf("%s\t%" PRId64 "\n", res->tables[i].name,
               res->tables[i].rows);
}

/* Both open: the copy under the source's lock, then the checks. */
static int migrate_run(hub_db_t *src, hub_db_t *dst, const char *from)
{
    char err[MIGRATE_ERR_MAX], actor[HUB_CMD_ACTOR_MAX];
    char detail[HUB_CMD_DETAIL_MAX];
    hub_migrate_result_t *res;
    struct timespec t0;
    int rc, ex, compared = 0;

    if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
        memset(&t0, 0, sizeof(t0));
    rc = hub_migrate_check_empty(dst, err, sizeof(err));
    if (rc != HUB_OK)
        return migrate_report_copy(rc, err);
    res = calloc(1, sizeof(*res));
    if (!res)
        return migrate_report_copy(HUB_ERROR, "out of memory");
    rc = hub_migrate_hold_source(src, err, sizeof(err));
    if (rc != HUB_OK) {
        free(res);
        return migrate_report_copy(rc, err);
    }
    hub_cmd_get_actor(actor, sizeof(actor));
    snprintf(detail, sizeof(detail), "from %s", from);
    rc = hub_migrate_copy(src, dst, hub_clock_now_ms(), actor, detail, res,
                          err, sizeof(err));
    ex = rc == HUB_OK ? migrate_compare_stats(src, dst, res, &compared)
                      : migrate_report_copy(rc, err);
    if (rc == HUB_OK && ex != HUB_EXIT_OK) {
        if (hub_migrate_empty_target(dst, err, sizeof(err)) == HUB_OK)
            hub_cmd_say(MIGRATE_CMD, "the target was emptied again");
        else
            hub_cmd_say(MIGRATE_CMD, "emptying the target failed too: %s;"
                        " empty it by hand before the next try", err);
    }
    if (ex == HUB_EXIT_OK) {
        migrate_print_tables(res);
        hub_cmd_say(MIGRATE_CMD, "copied %d tables, %" PRId64 " rows, %d"
                    " month partitions in %.1f s (CPU %.1f s); row counts"
                    " equal, %d statistics requests identical",
                    res->n_tables, res->rows, res->months,
                    migrate_seconds_since(&t0), migrate_cpu_seconds(),
                    compared);
    }
    /* Only now may a serving hub write again: what it acknowledges from
     * here on is in the file alone (docs/HUB.md). */
    hub_migrate_release_source(src);
    free(res);
    return ex;
}

int hub_cmd_migrate_main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* The whole file is read at open: a damaged one is refused before
     * anything is copied. */
    hub_db_options_t check = {0, 1, 0};
    const char *from = NULL, *to = NULL;
    hub_db_t *src = NULL, *dst = NULL;
    int c, rc, ex;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:t:h", longs, NULL)) != -1) {
        switch (c) {
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
            break;
        case 'h':
            migrate_print_help(stdout);
            return HUB_EXIT_OK;
        default:
            hub_cmd_report_bad_option(MIGRATE_CMD, c, argv[optind - 1]);
            return HUB_EXIT_USAGE;
        }
    }
    if (optind < argc || !from || !to) {
        hub_cmd_say(MIGRATE_CMD, "--from PATH and --to URI are required and"
                                 " nothing else");
        return HUB_EXIT_USAGE;
    }
    if (sqlx_target_dialect(from) != SQLX_DIALECT_SQLITE ||
        sqlx_target_dialect(to) != SQLX_DIALECT_POSTGRES) {
        hub_cmd_say(MIGRATE_CMD, "--from is an SQLite file and --to a"
                                 " postgresql:// URI");
        return HUB_EXIT_USAGE;
    }
    rc = hub_db_open(from, &check, &src);
    if (rc == HUB_NOT_FOUND) {
        hub_cmd_say(MIGRATE_CMD, "no hub database at %s", from);
        return HUB_EXIT_FAIL;
    }
    if (rc != HUB_OK) {
        hub_cmd_say(MIGRATE_CMD, "cannot use %s: %s; nothing was copied",
                    from, hub_db_open_error());
        return HUB_EXIT_FAIL;
    }
    ex = hub_cmd_open_db(MIGRATE_CMD, to, 0, &dst);
    if (ex == HUB_EXIT_OK)
        ex = migrate_run(src, dst, from);
    if (fflush(stdout) != 0)
        ex = HUB_EXIT_FAIL;
    hub_db_close(dst);
    hub_db_close(src);
    return ex;
}
