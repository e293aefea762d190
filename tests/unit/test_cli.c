#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cli.h"
#include "core/version.h"

/* What the last command run saw. */
static int ran_argc;
static char ran_args[4][32];
static int setups, teardowns, setup_fails;

static int run_echo(int argc, char **argv)
{
    int i;

    ran_argc = argc;
    for (i = 0; i < argc && i < 4; i++)
        snprintf(ran_args[i], sizeof(ran_args[i]), "%s", argv[i]);
    return 7;
}

static int test_setup_fn(void)
{
    setups++;
    return setup_fails ? -1 : 0;
}

static void test_teardown_fn(void)
{
    teardowns++;
}

static const cli_command_t commands[] = {
    {"any", "[OPTIONS]", "takes anything", 0, CLI_ANY, run_echo},
    {"pair", "A B", "takes two", 2, 2, run_echo},
};

static const cli_program_t program = {
    .name = "prog",
    .about = "About the program.\n",
    .notes = "Notes.\n",
    .width = 6,
    .commands = commands,
    .n_commands = 2,
    .exit_ok = 0,
    .exit_fail = 1,
    .exit_usage = 2,
    .setup = test_setup_fn,
    .teardown = test_teardown_fn,
};

static int reset(void **state)
{
    (void)state;
    ran_argc = -1;
    memset(ran_args, 0, sizeof(ran_args));
    setups = teardowns = setup_fails = 0;
    return 0;
}

/* Runs cli_main with the words of line, stdout and stderr into files. */
static int run(const char *line, char *out, size_t out_cap, char *err,
               size_t err_cap)
{
    char buf[256], *argv[8], *w;
    int argc = 0, rc, saved_out, saved_err;
    FILE *fo = tmpfile(), *fe = tmpfile();
    size_t n;

    assert_non_null(fo);
    assert_non_null(fe);
    snprintf(buf, sizeof(buf), "%s", line);
    for (w = strtok(buf, " "); w && argc < 7; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    saved_out = dup(1);
    saved_err = dup(2);
    dup2(fileno(fo), 1);
    dup2(fileno(fe), 2);
    rc = cli_main(&program, argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    rewind(fo);
    rewind(fe);
    n = fread(out, 1, out_cap - 1, fo);
    out[n] = '\0';
    n = fread(err, 1, err_cap - 1, fe);
    err[n] = '\0';
    fclose(fo);
    fclose(fe);
    return rc;
}

static void test_usage_lists_the_table(void **state)
{
    char buf[1024];
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    (void)state;
    assert_non_null(fp);
    cli_print_usage(&program, fp);
    fclose(fp);
    snprintf(buf, sizeof(buf), "%s", text);
    free(text);
    assert_string_equal(buf, "Usage: prog COMMAND [OPTIONS]\n"
                             "       prog help [COMMAND]\n"
                             "       prog --version\n"
                             "\n"
                             "About the program.\n"
                             "\n"
                             "Commands:\n"
                             "  any    takes anything\n"
                             "  pair   takes two\n"
                             "\n"
                             "Notes.\n");
}

static void test_dispatches_with_setup_and_teardown(void **state)
{
    char out[1024], err[1024];

    (void)state;
    assert_int_equal(run("prog any -x y", out, sizeof(out), err, sizeof(err)),
                     7);
    assert_int_equal(ran_argc, 3);
    assert_string_equal(ran_args[0], "any");
    assert_string_equal(ran_args[2], "y");
    assert_int_equal(setups, 1);
    assert_int_equal(teardowns, 1);
    assert_string_equal(err, "");
}

static void test_unknown_command(void **state)
{
    char out[1024], err[1024];

    (void)state;
    assert_int_equal(run("prog nope", out, sizeof(out), err, sizeof(err)), 2);
    assert_string_equal(err, "prog: unknown command \"nope\"\n"
                             "Try 'prog --help'.\n");
    assert_int_equal(ran_argc, -1);
    assert_int_equal(setups, 0);
}

static void test_argument_counts(void **state)
{
    char out[1024], err[1024];

    (void)state;
    assert_int_equal(run("prog pair a", out, sizeof(out), err, sizeof(err)),
                     2);
    assert_string_equal(err, "Usage: prog pair A B\nTry 'prog pair --help'.\n");
    assert_int_equal(ran_argc, -1);
    assert_int_equal(run("prog pair a b c", out, sizeof(out), err,
                         sizeof(err)),
                     2);
    assert_int_equal(run("prog pair a b", out, sizeof(out), err, sizeof(err)),
                     7);
    assert_int_equal(ran_argc, 3);
}

static void test_help_forms(void **state)
{
    char out[1024], err[1024];

    (void)state;
    assert_int_equal(run("prog", out, sizeof(out), err, sizeof(err)), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "Usage: prog COMMAND"));
    assert_int_equal(run("prog --help", out, sizeof(out), err, sizeof(err)),
                     0);
    assert_non_null(strstr(out, "Commands:"));
    assert_int_equal(run("prog -h", out, sizeof(out), err, sizeof(err)), 0);
    assert_int_equal(run("prog help", out, sizeof(out), err, sizeof(err)), 0);
    assert_non_null(strstr(out, "Commands:"));
    /* "help COMMAND" runs "COMMAND --help", without the setup. */
    assert_int_equal(run("prog help pair", out, sizeof(out), err, sizeof(err)),
                     7);
    assert_int_equal(ran_argc, 2);
    assert_string_equal(ran_args[0], "pair");
    assert_string_equal(ran_args[1], "--help");
    assert_int_equal(setups, 0);
    assert_int_equal(run("prog help nope", out, sizeof(out), err, sizeof(err)),
                     2);
    assert_string_equal(err, "prog: no command named \"nope\"\n");
    /* --version names the program and runs no command. */
    assert_int_equal(run("prog --version", out, sizeof(out), err, sizeof(err)),
                     0);
    assert_non_null(strstr(out, "prog "));
    assert_string_equal(out + strlen("prog "), SIPAS_VERSION "\n");
    assert_int_equal(setups, 0);
}

static void test_failed_setup(void **state)
{
    char out[1024], err[1024];

    (void)state;
    setup_fails = 1;
    assert_int_equal(run("prog any", out, sizeof(out), err, sizeof(err)), 1);
    assert_int_equal(ran_argc, -1);
    assert_int_equal(teardowns, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_usage_lists_the_table, reset),
        cmocka_unit_test_setup(test_dispatches_with_setup_and_teardown, reset),
        cmocka_unit_test_setup(test_unknown_command, reset),
        cmocka_unit_test_setup(test_argument_counts, reset),
        cmocka_unit_test_setup(test_help_forms, reset),
        cmocka_unit_test_setup(test_failed_setup, reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
