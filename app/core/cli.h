/*
 * cli.h - a program of commands: "PROGRAM COMMAND [ARGS]", dispatched
 * from a table.
 *
 * Each command is a row: its name, the synopsis of its arguments, a line
 * for the command list, how many arguments it takes and the function
 * that runs it with argv[0] = its name. cli_main() handles what every
 * such program shares: the usage ("--help", "-h", "help", "help
 * COMMAND", which runs "COMMAND --help"), an unknown command, and a
 * wrong number of arguments, each with the program's exit statuses.
 */
#ifndef SIPAS_CORE_CLI_H
#define SIPAS_CORE_CLI_H

#include <stddef.h>
#include <stdio.h>

#define CLI_ANY (-1) /* max_args: no upper bound */

typedef struct cli_command {
    const char *name;
    const char *usage;   /* synopsis of the arguments, "[OPTIONS]" */
    const char *summary; /* one line for the command list */
    int min_args;        /* arguments after the name */
    int max_args;        /* CLI_ANY: any number */
    int (*run)(int argc, char **argv);
} cli_command_t;

typedef struct cli_program {
    const char *name;  /* "sipasctl" */
    const char *about; /* after the usage lines, before "Commands:" */
    const char *notes; /* after the command list: more help, exit statuses */
    int width;         /* of the names column in the command list */
    const cli_command_t *commands;
    size_t n_commands;
    int exit_ok, exit_fail, exit_usage;
    /* Run before a command (not before help) and after it; a non-zero
     * return from setup prints nothing more and exits with exit_fail. */
    int (*setup)(void);
    void (*teardown)(void);
} cli_program_t;

/* The usage and the command list, as "--help" prints them. */
void cli_print_usage(const cli_program_t *p, FILE *fp);
/* The command named name, or NULL. */
const cli_command_t *cli_find(const cli_program_t *p, const char *name);
/* The whole program: what main() returns. */
int cli_main(const cli_program_t *p, int argc, char **argv);

#endif
