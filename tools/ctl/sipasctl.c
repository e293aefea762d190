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
#include <stdio.h>

#include "core/cli.h"

#define CTL_CMD(name, summary, fn) {name, "[OPTIONS]", summary, 0, CLI_ANY, fn}

static const cli_command_t ctl_commands[] = {
    CTL_CMD("export", "write stored answers as CSV or JSON", ctl_export_main),
    CTL_CMD("status", "what the kiosk's database holds, at a glance",
            ctl_status_main),
    CTL_CMD("check",
            "database integrity check; strings a language lacks",
            ctl_check_main),
    CTL_CMD("provision", "enroll the kiosk with the provincial hub",
            ctl_provision_main),
    CTL_CMD("sync", "upload everything pending to the hub now",
            ctl_sync_main),
    CTL_CMD("selftest", "the commissioning self-test, sent to the hub",
            ctl_selftest_main),
    CTL_CMD("report",
            "satisfaction report as CSV, XLSX or PDF (runs sipas-report)",
            ctl_report_main),
};

/* libcurl's global state is set up once, before anything could start a
 * thread, as its documentation requires. */
static int ctl_setup(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "sipasctl: cannot initialise libcurl\n");
        return -1;
    }
    return 0;
}

static void ctl_teardown(void)
{
    curl_global_cleanup();
}

static const cli_program_t ctl_program = {
    .name = "sipasctl",
    .about = "Reads the data of a satisfaction-rating kiosk (the directory"
             " given to\nsipas-kiosk --data), enrolls it with the provincial"
             " hub and uploads\nits counts. Safe while the kiosk runs.\n",
    .notes = "Run 'sipasctl COMMAND --help' for a command's options.\n"
             "\n"
             "Exit status:\n"
             "  0  success\n"
             "  1  failure: no database, damaged database, I/O error,"
             " failed check,\n"
             "     hub unreachable or refusing\n"
             "  2  usage error: unknown command or option, bad value\n",
    .width = 10,
    .commands = ctl_commands,
    .n_commands = sizeof(ctl_commands) / sizeof(ctl_commands[0]),
    .exit_ok = CTL_EXIT_OK,
    .exit_fail = CTL_EXIT_FAIL,
    .exit_usage = CTL_EXIT_USAGE,
    .setup = ctl_setup,
    .teardown = ctl_teardown,
};

int main(int argc, char **argv)
{
    return cli_main(&ctl_program, argc, argv);
}
