/*
 * sipas-hub - the provincial hub: receives the kiosks' daily counts,
 * enrols kiosks, and answers analysts' questions about the totals.
 */
#include <stdio.h>
#include <string.h>

#include "hub/cmd/cmd.h"

typedef struct hub_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} hub_command_t;

static const hub_command_t hub_commands[] = {
    {"serve", "run the HTTP(S) API for kiosks and analysts",
     hub_cmd_serve_main},
    {"unit", "units: add, list, rename, move, merge, history",
     hub_cmd_unit_main},
    {"enroll-code", "print a one-time code that enrols one kiosk",
     hub_cmd_code_main},
    {"token", "add, list or revoke analyst tokens", hub_cmd_token_main},
    {"kiosk", "list enrolled kiosks, or revoke one", hub_cmd_kiosk_main},
    {"audit", "show the audit trail", hub_cmd_audit_main},
};

#define HUB_N_COMMANDS (sizeof(hub_commands) / sizeof(hub_commands[0]))

static void hub_print_usage(FILE *fp)
{
    size_t i;

    fprintf(fp,
            "Usage: sipas-hub COMMAND [OPTIONS]\n"
            "       sipas-hub help [COMMAND]\n"
            "\n"
            "The provincial hub of the satisfaction-rating kiosks: one"
            " SQLite file holds\nthe units, the enrolled kiosks and their"
            " daily counts.\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < HUB_N_COMMANDS; i++)
        fprintf(fp, "  %-12s %s\n", hub_commands[i].name,
                hub_commands[i].summary);
    fprintf(fp,
            "\n"
            "Run 'sipas-hub COMMAND --help' for a command's options; see"
            " docs/HUB.md.\n"
            "\n"
            "Exit status:\n"
            "  0  success\n"
            "  1  failure: database error, refused operation, cannot"
            " listen\n"
            "  2  usage error: unknown command or option, bad value\n");
}

static const hub_command_t *hub_find_command(const char *name)
{
    size_t i;

    for (i = 0; i < HUB_N_COMMANDS; i++)
        if (strcmp(hub_commands[i].name, name) == 0)
            return &hub_commands[i];
    return NULL;
}

/* "sipas-hub help unit" is the same as "sipas-hub unit --help". */
static int hub_run_help(int argc, char **argv)
{
    const hub_command_t *cmd;
    char help[] = "--help";
    char *args[3];

    if (argc < 2) {
        hub_print_usage(stdout);
        return HUB_EXIT_OK;
    }
    cmd = hub_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "sipas-hub: no command named \"%s\"\n", argv[1]);
        return HUB_EXIT_USAGE;
    }
    args[0] = argv[1];
    args[1] = help;
    args[2] = NULL;
    return cmd->run(2, args);
}

int main(int argc, char **argv)
{
    const hub_command_t *cmd;

    if (argc < 2) {
        hub_print_usage(stderr);
        return HUB_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        hub_print_usage(stdout);
        return HUB_EXIT_OK;
    }
    if (strcmp(argv[1], "help") == 0)
        return hub_run_help(argc - 1, argv + 1);
    cmd = hub_find_command(argv[1]);
    if (!cmd) {
        fprintf(stderr, "sipas-hub: unknown command \"%s\"\n"
                        "Try 'sipas-hub --help'.\n", argv[1]);
        return HUB_EXIT_USAGE;
    }
    return cmd->run(argc - 1, argv + 1);
}
