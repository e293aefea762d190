/*
 * report_cmd.c - sipas-report: "Báo cáo kết quả đánh giá mức độ hài lòng"
 * for a province or one of its units, over a quarter, a half year, a year
 * or any range, from the hub's statistics, as CSV, XLSX or PDF.
 */
#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/periodrule.h"
#include "core/version.h"
#include "core/vntime.h"
#include "report_fetch.h"
#include "report_model.h"
#include "report_render.h"

#define REPORT_PATH_MAX 4096
#define REPORT_QUERY_MAX 256
#define REPORT_ERR_MAX 512
#define REPORT_TOKEN_ENV "SIPAS_HUB_TOKEN"

typedef enum report_format {
    REPORT_CSV = 0,
    REPORT_XLSX,
    REPORT_PDF
} report_format_t;

typedef struct report_opts {
    report_hub_t hub;
    const char *period, *from, *to, *unit, *output, *issued, *fonts;
    const char *rule_name; /* --period-rule as given, or NULL */
    report_format_t format;
    int have_format;
    report_period_t range;
} report_opts_t;

static const char *const report_exts[] = {"csv", "xlsx", "pdf"};

void report_say(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, REPORT_PROGRAM ": ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void report_bad_option(int opt, const char *arg)
{
    if (opt == ':')
        report_say("%s needs a value", arg);
    else
        report_say("unknown option %s", arg);
    fprintf(stderr, "Try '" REPORT_PROGRAM " --help'.\n");
}

static int64_t report_now_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void report_print_version(FILE *fp)
{
    fprintf(fp, REPORT_PROGRAM " %s\n", SIPAS_VERSION);
}

void report_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipas-report --hub URL --token TOKEN --period PERIOD"
            " --format FMT\n"
            "                    [--unit CODE] [--output FILE] [--ca FILE]\n"
            "       sipas-report ... --period PERIOD --period-rule R ...\n"
            "       sipas-report ... --from DATE --to DATE ...\n"
            "       sipas-report --version\n"
            "\n"
            "The same program runs as 'sipasctl report ...'.\n"
            "\n"
            "Writes the report \"Báo cáo kết quả đánh giá mức độ hài lòng\" of"
            " the\nprovince (or of one unit and everything under it) from the"
            " hub's\nstatistics: a summary with the satisfaction index, its"
            " 95%% interval and\nthe province's targets; a table per unit and"
            " per procedure field; the\nmonths of the period; the Circular"
            " 01/2018 scores when that survey has\ndata; reasons for low"
            " ratings; a note on the method.\n"
            "\n"
            "  -H, --hub URL        the hub, https://HOST[:PORT] (http:// only"
            " to this\n"
            "                       machine)\n"
            "  -t, --token TOKEN    an analyst token (`sipas-hub token add`);"
            " default:\n"
            "                       the " REPORT_TOKEN_ENV " environment"
            " variable, which\n"
            "                       other users cannot read with ps\n"
            "  -p, --period PERIOD  2026-Q3 (quarter), 2026-H1 (half year),"
            " 2026 (year)\n"
            "                       or 2026-11 (month)\n"
            "      --period-rule R  calendar (default: calendar quarters,"
            " halves, years,\n"
            "                       months) or decree-09: the data cut-off"
            " of Decree\n"
            "                       09/2019/NĐ-CP Art. 12, from the 15th of"
            " the month\n"
            "                       before the period to the 14th of its"
            " last month\n"
            "                       (2026-Q1: 2025-12-15 to 2026-03-14); the"
            " report\n"
            "                       names its rule and dates\n"
            "      --from DATE      an ad hoc report (\"đột xuất\"): first"
            " day ...\n"
            "      --to DATE        ... and last day, YYYY-MM-DD, inclusive\n"
            "  -u, --unit CODE      one unit and its subtree (default: the"
            " token's scope)\n"
            "  -f, --format FMT     csv (UTF-8 with BOM), xlsx or pdf (A4)\n"
            "  -o, --output FILE    write FILE (complete or not at all);"
            " default: CSV\n"
            "                       to stdout, XLSX and PDF to"
            " bao-cao-PERIOD.EXT,\n"
            "                       whose name is then printed\n"
            "      --ca FILE        CA bundle that signs the hub's certificate"
            "\n"
            "                       (default: the system's)\n"
            "      --date DATE      date of issue on the title block"
            " (default: today)\n"
            "      --fonts DIR      directory holding NotoSans-Regular.ttf"
            " and\n"
            "                       NotoSans-Bold.ttf for the PDF (default:"
            " assets/fonts\n"
            "                       next to the program, else the system's)\n"
            "  -h, --help           this text\n"
            "      --version        the program's version\n"
            "\n"
            "Dates are local dates of the province (UTC+7). Every figure is"
            " the hub's\n(docs/STATS_API.md); see docs/REPORTS.md for the"
            " contents.\n"
            "\n"
            "Exit status: 0 written; 1 hub unreachable, token refused, TLS"
            " failure,\nunusable answer or write error; 2 usage error (bad"
            " period, date, format).\n");
}

/* ---- options ------------------------------------------------------------ */

enum {
    REPORT_OPT_FROM = 256,
    REPORT_OPT_TO,
    REPORT_OPT_CA,
    REPORT_OPT_DATE,
    REPORT_OPT_FONTS,
    REPORT_OPT_RULE,
    REPORT_OPT_VERSION
};

static int report_set_format(report_opts_t *o, const char *text)
{
    size_t i;

    for (i = 0; i < sizeof(report_exts) / sizeof(report_exts[0]); i++)
        if (strcmp(text, report_exts[i]) == 0) {
            o->format = (report_format_t)i;
            o->have_format = 1;
            return 0;
        }
    report_say("--format: \"%s\" is not csv, xlsx or pdf", text);
    return -1;
}

/* Codes are what the hub accepts (docs/HUB.md), which also keeps the
 * query string free of characters that would need escaping. */
static int report_is_code(const char *s)
{
    size_t n = strlen(s), i;

    if (n < 1 || n > 64)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
              s[i] == '-'))
            return 0;
    return 1;
}

static int report_check_dates(report_opts_t *o)
{
    periodrule_rule_t rule = PERIODRULE_CALENDAR;

    if (o->period && (o->from || o->to)) {
        report_say("give either --period or --from and --to");
        return -1;
    }
    if (o->rule_name && periodrule_parse(o->rule_name, &rule) != 0) {
        report_say("--period-rule: \"%s\" is not calendar or decree-09",
                   o->rule_name);
        return -1;
    }
    if (o->rule_name && !o->period) {
        report_say("--period-rule goes with --period; --from and --to"
                   " name the days themselves");
        return -1;
    }
    if (o->period) {
        if (report_parse_period(o->period, rule, &o->range) != 0) {
            report_say("--period: \"%s\" is not a period (2026-Q3, 2026-H1,"
                       " 2026 or 2026-11; years 2000 to 2100)", o->period);
            return -1;
        }
        return 0;
    }
    if (!o->from || !o->to) {
        report_say("--period, or --from and --to, is required");
        return -1;
    }
    if (vntime_parse_date(o->from) == -1 || vntime_parse_date(o->to) == -1) {
        report_say("--from and --to must be dates YYYY-MM-DD");
        return -1;
    }
    if (report_make_range(o->from, o->to, &o->range) != 0) {
        report_say("--from %s is after --to %s", o->from, o->to);
        return -1;
    }
    return 0;
}

/* What getopt cannot check: required flags and how they combine. */
static int report_check_opts(report_opts_t *o)
{
    char err[REPORT_ERR_MAX];

    if (!o->hub.url) {
        report_say("--hub URL is required");
        return -1;
    }
    if (!o->hub.token)
        o->hub.token = getenv(REPORT_TOKEN_ENV);
    if (!o->hub.token) {
        report_say("--token TOKEN (or " REPORT_TOKEN_ENV ") is required");
        return -1;
    }
    if (!o->have_format) {
        report_say("--format csv|xlsx|pdf is required");
        return -1;
    }
    if (o->unit && !report_is_code(o->unit)) {
        report_say("--unit: \"%s\" is not a unit code", o->unit);
        return -1;
    }
    if (o->issued && vntime_parse_date(o->issued) == -1) {
        report_say("--date: \"%s\" is not a date (YYYY-MM-DD)", o->issued);
        return -1;
    }
    if (report_check_dates(o) != 0)
        return -1;
    /* A missing CA file is a failure, not a usage error: checked later. */
    if (report_check_hub(&(report_hub_t){o->hub.url, o->hub.token, NULL},
                         err, sizeof(err)) != 0) {
        report_say("%s", err);
        return -1;
    }
    return 0;
}

/* 0 to go on, 1 when help or the version was printed, -1 on a usage
 * error. */
static int report_parse(int argc, char **argv, report_opts_t *o)
{
    static const struct option longs[] = {
        {"hub", required_argument, NULL, 'H'},
        {"token", required_argument, NULL, 't'},
        {"period", required_argument, NULL, 'p'},
        {"from", required_argument, NULL, REPORT_OPT_FROM},
        {"to", required_argument, NULL, REPORT_OPT_TO},
        {"unit", required_argument, NULL, 'u'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"ca", required_argument, NULL, REPORT_OPT_CA},
        {"date", required_argument, NULL, REPORT_OPT_DATE},
        {"fonts", required_argument, NULL, REPORT_OPT_FONTS},
        {"period-rule", required_argument, NULL, REPORT_OPT_RULE},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, REPORT_OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":H:t:p:u:f:o:h", longs, NULL)) !=
           -1) {
        switch (c) {
        case 'H': o->hub.url = optarg; break;
        case 't': o->hub.token = optarg; break;
        case 'p': o->period = optarg; break;
        case REPORT_OPT_FROM: o->from = optarg; break;
        case REPORT_OPT_TO: o->to = optarg; break;
        case 'u': o->unit = optarg; break;
        case 'o': o->output = optarg; break;
        case REPORT_OPT_CA: o->hub.ca_file = optarg; break;
        case REPORT_OPT_DATE: o->issued = optarg; break;
        case REPORT_OPT_FONTS: o->fonts = optarg; break;
        case REPORT_OPT_RULE: o->rule_name = optarg; break;
        case 'f':
            if (report_set_format(o, optarg) != 0)
                return -1;
            break;
        case 'h':
            report_print_help(stdout);
            return 1;
        case REPORT_OPT_VERSION:
            report_print_version(stdout);
            return 1;
        default:
            report_bad_option(c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        report_say("unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    return report_check_opts(o);
}

/* ---- fetching ----------------------------------------------------------- */

typedef struct report_answers {
    json_t *total, *units, *fields, *months;
} report_answers_t;

static void report_drop_answers(report_answers_t *a)
{
    json_decref(a->total);
    json_decref(a->units);
    json_decref(a->fields);
    json_decref(a->months);
    memset(a, 0, sizeof(*a));
}

static int report_fetch_one(const report_opts_t *o, const char *group,
                            json_t **out)
{
    char query[REPORT_QUERY_MAX], err[REPORT_ERR_MAX];
    int n;

    n = snprintf(query, sizeof(query), "from=%s&to=%s%s%s%s%s",
                 o->range.from, o->range.to, o->unit ? "&unit=" : "",
                 o->unit ? o->unit : "", group ? "&group=" : "",
                 group ? group : "");
    if (n < 0 || (size_t)n >= sizeof(query)) {
        report_say("the request is too long");
        return -1;
    }
    if (report_fetch_stats(&o->hub, query, out, err, sizeof(err)) != 0) {
        report_say("%s", err);
        return -1;
    }
    return 0;
}

/* Four questions to the hub; the first failure stops the rest, so an
 * unreachable hub costs one timeout, not four. */
static int report_fetch_all(const report_opts_t *o, report_answers_t *a)
{
    memset(a, 0, sizeof(*a));
    if (report_fetch_one(o, NULL, &a->total) != 0 ||
        report_fetch_one(o, "unit", &a->units) != 0 ||
        report_fetch_one(o, "field", &a->fields) != 0 ||
        report_fetch_one(o, "month", &a->months) != 0) {
        report_drop_answers(a);
        return -1;
    }
    return 0;
}

/* The hub names the scope only when it is one unit; a province token
 * asking for everything gets no name. The title block then takes the
 * name from the hierarchy: the unit asked for, else the one root (the
 * province). A hub without /api/v1/units, or a tree with several roots,
 * leaves the fallback to the caller: the title is not worth failing for. */
static void report_name_scope(const report_opts_t *o, report_t *r)
{
    const json_t *u, *found = NULL;
    json_t *units = NULL;
    char err[REPORT_ERR_MAX];
    const char *parent;
    size_t i;
    int roots = 0;

    if (report_fetch_units(&o->hub, &units, err, sizeof(err)) != 0)
        return;
    json_array_foreach(json_object_get(units, "units"), i, u) {
        const char *code = json_string_value(json_object_get(u, "code"));

        parent = json_string_value(json_object_get(u, "parent"));
        if (!code)
            continue;
        if (o->unit && strcmp(code, o->unit) == 0) {
            found = u;
            roots = 1;
            break;
        }
        if (!o->unit && (!parent || !parent[0])) {
            found = u;
            roots++;
        }
    }
    if (found && roots == 1 &&
        json_is_string(json_object_get(found, "name"))) {
        snprintf(r->scope_code, sizeof(r->scope_code), "%s",
                 json_string_value(json_object_get(found, "code")));
        snprintf(r->scope_name, sizeof(r->scope_name), "%s",
                 json_string_value(json_object_get(found, "name")));
    }
    json_decref(units);
}

/* ---- writing ------------------------------------------------------------ */

/* assets/fonts beside the program (a build tree or an installed share
 * directory), when it holds the fonts. */
static const char *report_find_fonts(char *buf, size_t cap)
{
    static const char *const rel[] = {"/../assets/fonts",
                                      "/../share/sipas/fonts"};
    char exe[REPORT_PATH_MAX], probe[REPORT_PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;
    size_t i;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        snprintf(probe, sizeof(probe), "%s%s/NotoSans-Regular.ttf", exe,
                 rel[i]);
        if (access(probe, R_OK) == 0 &&
            realpath(probe, buf) != NULL && strlen(buf) < cap) {
            slash = strrchr(buf, '/');
            if (slash)
                *slash = '\0';
            return buf;
        }
    }
    return NULL;
}

static int report_render(const report_opts_t *o, const report_t *r,
                         const char *path, FILE *fp)
{
    char err[REPORT_ERR_MAX], fonts[PATH_MAX];
    const char *font_dir = o->fonts;
    int rc;

    switch (o->format) {
    case REPORT_CSV:
        rc = report_write_csv(r, fp, err, sizeof(err));
        break;
    case REPORT_XLSX:
        rc = report_write_xlsx(r, path, err, sizeof(err));
        break;
    default:
        if (!font_dir)
            font_dir = report_find_fonts(fonts, sizeof(fonts));
        rc = report_write_pdf(r, path, font_dir, err, sizeof(err));
        break;
    }
    if (rc != 0)
        report_say("%s", err);
    return rc;
}

/* Written under a temporary name and renamed at the end, so nobody picks
 * up half a report. */
static int report_to_file(const report_opts_t *o, const report_t *r,
                          const char *path)
{
    char tmp[REPORT_PATH_MAX];
    FILE *fp = NULL;
    int n, rc;

    n = snprintf(tmp, sizeof(tmp), "%s.partial", path);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        report_say("--output: path too long");
        return REPORT_EXIT_USAGE;
    }
    if (o->format == REPORT_CSV) {
        fp = fopen(tmp, "w");
        if (!fp) {
            report_say("cannot write %s: %s", tmp, strerror(errno));
            return REPORT_EXIT_FAIL;
        }
    }
    rc = report_render(o, r, tmp, fp) == 0 ? REPORT_EXIT_OK : REPORT_EXIT_FAIL;
    if (fp && fclose(fp) != 0 && rc == REPORT_EXIT_OK) {
        report_say("writing %s failed: %s", tmp, strerror(errno));
        rc = REPORT_EXIT_FAIL;
    }
    if (rc == REPORT_EXIT_OK && rename(tmp, path) != 0) {
        report_say("cannot rename %s to %s: %s", tmp, path,
                   strerror(errno));
        rc = REPORT_EXIT_FAIL;
    }
    if (rc != REPORT_EXIT_OK && unlink(tmp) != 0 && errno != ENOENT)
        report_say("cannot remove %s: %s", tmp, strerror(errno));
    return rc;
}

static int report_write(const report_opts_t *o, const report_t *r)
{
    char path[REPORT_PATH_MAX];
    int rc;

    if (o->output)
        return report_to_file(o, r, o->output);
    if (o->format == REPORT_CSV)
        return report_render(o, r, NULL, stdout) == 0 ? REPORT_EXIT_OK
                                                      : REPORT_EXIT_FAIL;
    snprintf(path, sizeof(path), "bao-cao-%s.%s", r->period.code,
             report_exts[o->format]);
    rc = report_to_file(o, r, path);
    if (rc == REPORT_EXIT_OK)
        printf("%s\n", path);
    return rc;
}

int report_main(int argc, char **argv)
{
    char err[REPORT_ERR_MAX], today[VNTIME_DATE_MAX];
    report_answers_t a;
    report_source_t src;
    report_opts_t o;
    report_t *r;
    int rc;

    rc = report_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? REPORT_EXIT_OK : REPORT_EXIT_USAGE;
    if (o.hub.ca_file && access(o.hub.ca_file, R_OK) != 0) {
        report_say("cannot read the CA file %s: %s", o.hub.ca_file,
                   strerror(errno));
        return REPORT_EXIT_FAIL;
    }
    if (!o.issued) {
        if (vntime_format_date(report_now_ms(), today, sizeof(today)) != 0)
            return REPORT_EXIT_FAIL;
        o.issued = today;
    }
    if (report_fetch_all(&o, &a) != 0)
        return REPORT_EXIT_FAIL;
    r = calloc(1, sizeof(*r));
    if (!r) {
        report_drop_answers(&a);
        report_say("out of memory");
        return REPORT_EXIT_FAIL;
    }
    src = (report_source_t){a.total, a.units, a.fields, a.months};
    if (report_load(r, &src, &o.range, o.issued, err, sizeof(err)) != 0) {
        report_say("%s", err);
        rc = REPORT_EXIT_FAIL;
    } else {
        if (!r->scope_name[0])
            report_name_scope(&o, r);
        if (!r->scope_name[0])
            snprintf(r->scope_name, sizeof(r->scope_name), "%s",
                     o.unit ? o.unit : (r->scope_code[0] ? r->scope_code
                                                          : "Toàn tỉnh"));
        rc = report_write(&o, r);
        report_free(r);
    }
    free(r);
    report_drop_answers(&a);
    return rc;
}
