/*
 * sipasctl check: the full integrity check of the kiosk's database
 * (--data), the language check of the UI words and surveys (--assets,
 * --ui, --survey), or both in one run.
 */
#include "ctl.h"

#include <getopt.h>
#include <string.h>

#define CHECK_CMD "check"

enum { CHECK_OPT_STRICT = 1000 };

typedef struct check_opts {
    const char *data;
    ctl_langs_opts_t langs;
} check_opts_t;

static void check_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl check --data DIR\n"
            "       sipasctl check --assets DIR [--lang CODE] [--strict-lang]\n"
            "       sipasctl check --ui FILE --survey FILE... [--lang CODE]"
            " [--strict-lang]\n"
            "\n"
            "With --data, runs SQLite's full integrity check on the kiosk "
            "database and\nprints its verdict (\"ok\" or the first problem "
            "found). Slower than the quick\ncheck the kiosk runs at every "
            "start; use it when provisioning or after a\npower problem. "
            "Reads the database read-only.\n"
            "\n"
            "With --assets, --ui or --survey, lists the strings each "
            "language lacks\nagainst Vietnamese, the reference: for every "
            "language that the UI words\nname or a survey's \"languages\" "
            "lists, one line per missing string naming\nthe file and the key "
            "(ui.json) or the JSON path (a survey, such as\n"
            "questions[2].options[1].label), then a count per language. "
            "A missing\nstring is a warning: the kiosk shows the Vietnamese "
            "one there. A key\nVietnamese lacks (misspelt), a language code "
            "no file names, and a file\nthe kiosk would refuse are errors. "
            "docs/LANGUAGES.md tells how a\nprovince adds a language.\n"
            "\n"
            "  -d, --data DIR     the kiosk's data directory (holds "
            STORE_DB_NAME ")\n"
            "  -a, --assets DIR   check DIR/i18n/ui.json and every "
            "DIR/surveys/NAME.json\n"
            "  -u, --ui FILE      the UI words to check (instead of DIR's)\n"
            "  -s, --survey FILE  a survey to check (instead of DIR's); "
            "repeatable\n"
            "  -l, --lang CODE    report only this language\n"
            "      --strict-lang  missing strings are errors, not warnings\n"
            "  -h, --help         this text\n"
            "\n"
            "Exit status: 0 the database check said ok and no language "
            "error was found\n(warnings allowed); 1 damage found, no "
            "database, a file unreadable or\nrefused, a misspelt key or "
            "language code, or with --strict-lang a\nmissing string; 2 "
            "usage error.\n");
}

static int check_add_survey(check_opts_t *o, const char *path)
{
    if (o->langs.n_surveys >= CTL_LANGS_SURVEYS_MAX) {
        ctl_say(CHECK_CMD, "at most %d --survey files", CTL_LANGS_SURVEYS_MAX);
        return -1;
    }
    o->langs.surveys[o->langs.n_surveys++] = path;
    return 0;
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int check_parse(int argc, char **argv, check_opts_t *o)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"assets", required_argument, NULL, 'a'},
        {"ui", required_argument, NULL, 'u'},
        {"survey", required_argument, NULL, 's'},
        {"lang", required_argument, NULL, 'l'},
        {"strict-lang", no_argument, NULL, CHECK_OPT_STRICT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":d:a:u:s:l:h", longs, NULL)) != -1) {
        if (c == 'd') {
            o->data = optarg;
        } else if (c == 'a') {
            o->langs.assets = optarg;
        } else if (c == 'u') {
            o->langs.ui = optarg;
        } else if (c == 's') {
            if (check_add_survey(o, optarg) != 0)
                return -1;
        } else if (c == 'l') {
            o->langs.only = optarg;
        } else if (c == CHECK_OPT_STRICT) {
            o->langs.strict = 1;
        } else if (c == 'h') {
            check_print_help(stdout);
            return 1;
        } else {
            ctl_report_bad_option(CHECK_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        ctl_say(CHECK_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    return 0;
}

static int check_wants_langs(const check_opts_t *o)
{
    return o->langs.assets || o->langs.ui || o->langs.n_surveys > 0;
}

int ctl_check_main(int argc, char **argv)
{
    check_opts_t o;
    int rc, db_rc = CTL_EXIT_OK, lang_rc = CTL_EXIT_OK;

    rc = check_parse(argc, argv, &o);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    if (!o.data && !check_wants_langs(&o)) {
        ctl_say(CHECK_CMD, "--data DIR is required (or --assets DIR for the"
                           " language check)");
        return CTL_EXIT_USAGE;
    }
    if ((o.langs.only || o.langs.strict) && !check_wants_langs(&o)) {
        ctl_say(CHECK_CMD, "--lang and --strict-lang need --assets DIR, --ui"
                           " FILE or --survey FILE");
        return CTL_EXIT_USAGE;
    }
    /* The database's verdict comes first, alone on its line as ever. */
    if (o.data)
        db_rc = ctl_check_database(CHECK_CMD, o.data);
    if (check_wants_langs(&o))
        lang_rc = ctl_langs_check(CHECK_CMD, &o.langs);
    return db_rc != CTL_EXIT_OK ? db_rc : lang_rc;
}
