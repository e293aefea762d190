/*
 * sipasctl - the technician's and analyst's tool for a kiosk's data.
 *
 * Commands read the kiosk database read-only, so they are safe to run
 * while the kiosk is serving citizens; provision and sync write only the
 * kiosk's hub state (sync.db), under the same lock the kiosk's own
 * uploader takes.
 */
#include "ctl.h"

#include <curl/curl.h>
#include <string.h>

typedef struct ctl_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} ctl_command_t;

static const ctl_command_t ctl_commands[] = {
    {"export", "write stored answers as CSV or JSON", ctl_export_main},
    {"status", "what the kiosk's database holds, at a glance",
     ctl_status_main},
    {"check", "full integrity check of the kiosk's database", ctl_check_main},
    {"provision", "enrol the kiosk with the provincial hub",
     ctl_provision_main},
    {"sync", "upload everything pending to the hub now", ctl_sync_main},
    {"report", "satisfaction report as CSV, XLSX or PDF (runs sipas-report)",
     ctl_report_main},
};

#define CTL_N_COMMANDS (sizeof(ctl_commands) / sizeof(ctl_commands[0]))

static void ctl_print_usage(FILE *fp)
{
    size_t i;

    fprintf(fp,
            "Usage: sipasctl COMMAND [OPTIONS]\n"
            "       sipasctl help [COMMAND]\n"
            "\n"
            "Reads the data of a satisfaction-rating kiosk (the directory"
            " given to\nsipas-kiosk --data), enrols it with the provincial"
            " hub and uploads\nits counts. Safe while the kiosk runs.\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < CTL_N_COMMANDS; i++)
        fprintf(fp, "  %-10s %s\n", ctl_commands[i].name,
                ctl_commands[i].summary);
    fprintf(fp,
            "\n"
            "Run 'sipasctl COMMAND --help' for a command's options.\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  failure: no database, damaged database, I/O error,"
            " failed check,\n"
            "     hub unreachable or refusing\n"
            "  2  usage error: unknown command or option, bad value\n");
}

static const ctl_command_t *ctl_find_command(const char *name)
{
    size_t i;

    for (i = 0; i < CTL_N_COMMANDS; i++)
        if (strcmp(ctl_commands[i].name, name) == 0)
            return &ctl_commands[i];
    return NULL;
}

/* "sipasctl help export" is the same as "sipasctl export --help". */
static int ctl_run_help(int argc, char **argv)
{
    const ctl_command_t *cmd;
    char help[] = "--help";
    char *args[3];

    if (argc < 2) {
        ctl_print_usage(stdout);
        return CTL_EXIT_OK;
    }
    cmd = ctl_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "sipasctl: no command named \"%s\"\n", argv[1]);
        return CTL_EXIT_USAGE;
    }
    args[0] = argv[1];
    args[1] = help;
    args[2] = NULL;
    return cmd->run(2, args);
}

int main(int argc, char **argv)
{
    const ctl_command_t *cmd;
    int rc;

    if (argc < 2) {
        ctl_print_usage(stderr);
        return CTL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        ctl_print_usage(stdout);
        return CTL_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return ctl_run_help(argc - 1, argv + 1);
    cmd = ctl_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "sipasctl: unknown command \"%s\"\n"
                        "Try 'sipasctl --help'.\n", argv[1]);
        return CTL_EXIT_USAGE;
    }
    /* libcurl's global state is set up once, before anything could start
     * a thread, as its documentation requires. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "sipasctl: cannot initialise libcurl\n");
        return CTL_EXIT_FAIL;
    }
    rc = cmd->run(argc - 1, argv + 1);
    curl_global_cleanup();
    return rc;
}
