/*
 * sipasctl - the technician's and analyst's tool for a kiosk's data.
 *
 * Commands read the kiosk database read-only, so they are safe to run
 * while the kiosk is serving citizens.
 */
#include "ctl.h"

#include <string.h>

typedef struct ctl_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} ctl_command_t;

/* Enrolment with the hub (provision) and upload (sync) join this table
 * when the kiosk learns to talk to the hub. */
static const ctl_command_t ctl_commands[] = {
    {"export", "write stored answers as CSV or JSON", ctl_export_main},
    {"status", "what the kiosk's database holds, at a glance",
     ctl_status_main},
    {"check", "full integrity check of the kiosk's database", ctl_check_main},
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
            " given to\nsipas-kiosk --data). Safe while the kiosk runs.\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < CTL_N_COMMANDS; i++)
        fprintf(fp, "  %-8s %s\n", ctl_commands[i].name,
                ctl_commands[i].summary);
    fprintf(fp,
            "\n"
            "Run 'sipasctl COMMAND --help' for a command's options.\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  failure: no database, damaged database, I/O error,"
            " failed check\n"
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
    return cmd->run(argc - 1, argv + 1);
}
