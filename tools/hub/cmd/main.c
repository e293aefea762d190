/*
 * sipas-hub - the provincial hub: receives the kiosks' daily counts,
 * enrolls kiosks, and answers analysts' questions about the totals.
 */
#include "core/cli.h"
#include "hub/cmd/cmd.h"

#define HUB_CMD(name, summary, fn)                                             \
    {name, "[OPTIONS]", summary, 0, CLI_ANY, fn}

static const cli_command_t hub_commands[] = {
    HUB_CMD("serve", "run the HTTP(S) API for kiosks and analysts",
            hub_cmd_serve_main),
    HUB_CMD("unit", "units: add, list, rename, move, merge, history",
            hub_cmd_unit_main),
    HUB_CMD("enroll-code", "print a one-time code that enrolls one kiosk",
            hub_cmd_code_main),
    HUB_CMD("token", "add, list or revoke analyst tokens",
            hub_cmd_token_main),
    HUB_CMD("kiosk", "list enrolled kiosks, or revoke one",
            hub_cmd_kiosk_main),
    HUB_CMD("audit", "show the audit trail", hub_cmd_audit_main),
    HUB_CMD("national", "credentials of the provinces pushing to this hub",
            hub_cmd_national_main),
    HUB_CMD("forward", "push the month summaries to the national hub",
            hub_cmd_forward_main),
    HUB_CMD("partitions", "PostgreSQL's months of snapshot rows: list,"
            " add, detach", hub_cmd_partitions_main),
};

static const cli_program_t hub_program = {
    .name = "sipas-hub",
    .about = "The provincial hub of the satisfaction-rating kiosks: one"
             " SQLite file (or a\nPostgreSQL database) holds the units, the"
             " enrolled kiosks and their daily\ncounts.\n",
    .notes = "Run 'sipas-hub COMMAND --help' for a command's options; see"
             " docs/HUB.md.\n"
             "\n"
             "Exit status:\n"
             "  0  success\n"
             "  1  failure: database error, refused operation, cannot"
             " listen\n"
             "  2  usage error: unknown command or option, bad value\n",
    .width = 12,
    .commands = hub_commands,
    .n_commands = sizeof(hub_commands) / sizeof(hub_commands[0]),
    .exit_ok = HUB_EXIT_OK,
    .exit_fail = HUB_EXIT_FAIL,
    .exit_usage = HUB_EXIT_USAGE,
};

int main(int argc, char **argv)
{
    return cli_main(&hub_program, argc, argv);
}
