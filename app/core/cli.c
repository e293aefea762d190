#include "cli.h"

#include <string.h>

#include "version.h"

void cli_print_usage(const cli_program_t *p, FILE *fp)
{
    size_t i;

    fprintf(fp,
            "Usage: %s COMMAND [OPTIONS]\n       %s help [COMMAND]\n"
            "       %s --version\n\n%s",
            p->name, p->name, p->name, p->about);
    fputs("\nCommands:\n", fp);
    for (i = 0; i < p->n_commands; i++)
        fprintf(fp, "  %-*s %s\n", p->width, p->commands[i].name,
                p->commands[i].summary);
    fprintf(fp, "\n%s", p->notes);
}

const cli_command_t *cli_find(const cli_program_t *p, const char *name)
{
    size_t i;

    for (i = 0; i < p->n_commands; i++)
        if (strcmp(p->commands[i].name, name) == 0)
            return &p->commands[i];
    return NULL;
}

/* "PROGRAM help COMMAND" is the same as "PROGRAM COMMAND --help". */
static int cli_run_help(const cli_program_t *p, int argc, char **argv)
{
    const cli_command_t *cmd;
    char help[] = "--help";
    char *args[3];

    if (argc < 2) {
        cli_print_usage(p, stdout);
        return p->exit_ok;
    }
    cmd = cli_find(p, argv[1]);
    if (!cmd) {
        fprintf(stderr, "%s: no command named \"%s\"\n", p->name, argv[1]);
        return p->exit_usage;
    }
    args[0] = argv[1];
    args[1] = help;
    args[2] = NULL;
    return cmd->run(2, args);
}

int cli_main(const cli_program_t *p, int argc, char **argv)
{
    const cli_command_t *cmd;
    int n, rc;

    if (argc < 2) {
        cli_print_usage(p, stderr);
        return p->exit_usage;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_print_usage(p, stdout);
        return p->exit_ok;
    }
    /* Packaging tools and technicians ask every program the same way. */
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s %s\n", p->name, SIPAS_VERSION);
        return p->exit_ok;
    }
    if (strcmp(argv[1], "help") == 0)
        return cli_run_help(p, argc - 1, argv + 1);
    cmd = cli_find(p, argv[1]);
    if (!cmd) {
        fprintf(stderr, "%s: unknown command \"%s\"\nTry '%s --help'.\n",
                p->name, argv[1], p->name);
        return p->exit_usage;
    }
    n = argc - 2;
    if (n < cmd->min_args || (cmd->max_args != CLI_ANY && n > cmd->max_args)) {
        fprintf(stderr, "Usage: %s %s %s\nTry '%s %s --help'.\n", p->name,
                cmd->name, cmd->usage, p->name, cmd->name);
        return p->exit_usage;
    }
    if (p->setup && p->setup() != 0)
        return p->exit_fail;
    rc = cmd->run(argc - 1, argv + 1);
    if (p->teardown)
        p->teardown();
    return rc;
}
