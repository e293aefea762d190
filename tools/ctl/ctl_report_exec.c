/*
 * sipasctl report: runs sipas-report, the program that writes the
 * satisfaction report, with the same arguments, so its options, output and
 * exit status are sipas-report's own. The report needs PDF and spreadsheet
 * libraries a kiosk does not carry, hence a program of its own that comes
 * with the report package.
 *
 * sipas-report is looked for next to this program's own executable, then
 * on PATH. When it is nowhere, sipasctl says so and exits
 * CTL_EXIT_NOT_INSTALLED (127, as a shell does for a missing command);
 * when it is there but cannot be run, CTL_EXIT_CANNOT_RUN (126).
 */
#include "ctl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPORT_PROGRAM "sipas-report"
#define REPORT_ARGS_MAX 256

/* DIR/sipas-report, where DIR holds the running sipasctl; 0 when that is
 * an executable file, -1 otherwise. */
static int ctl_report_sibling(char *buf, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;
    int len;

    if (n <= 0)
        return -1;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    len = snprintf(buf, cap, "%s/" REPORT_PROGRAM, exe);
    if (len < 0 || (size_t)len >= cap)
        return -1;
    return access(buf, X_OK) == 0 ? 0 : -1;
}

int ctl_report_main(int argc, char **argv)
{
    char path[PATH_MAX], name[] = REPORT_PROGRAM;
    char *args[REPORT_ARGS_MAX + 2];
    int i, err = ENOENT;

    if (argc > REPORT_ARGS_MAX) {
        ctl_say("report", "too many arguments");
        return CTL_EXIT_USAGE;
    }
    /* argv[0] is "report"; sipas-report sees the rest unchanged. */
    args[0] = name;
    for (i = 1; i < argc; i++)
        args[i] = argv[i];
    args[argc] = NULL;
    fflush(NULL);
    if (ctl_report_sibling(path, sizeof(path)) == 0) {
        execv(path, args);
        err = errno;
    }
    execvp(REPORT_PROGRAM, args);
    /* ENOENT from the PATH search says no more than "not there"; an
     * executable that was found and refused matters more. */
    if (errno != ENOENT)
        err = errno;
    if (err == ENOENT) {
        ctl_say("report", REPORT_PROGRAM " is not installed (it comes with"
                " the report package)");
        return CTL_EXIT_NOT_INSTALLED;
    }
    ctl_say("report", "cannot run " REPORT_PROGRAM ": %s", strerror(err));
    return CTL_EXIT_CANNOT_RUN;
}
