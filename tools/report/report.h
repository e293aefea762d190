/*
 * report.h - the sipas-report program: the periodic satisfaction report
 * from the hub's statistics (docs/REPORTS.md).
 *
 * The command is report_main(), run by main.c and, through exec, by
 * `sipasctl report`, with the same arguments and exit status either way.
 * Messages for people go to stderr as "sipas-report: what happened";
 * stdout carries only the report (CSV) or the name of the file written.
 */
#ifndef SIPAS_REPORT_H
#define SIPAS_REPORT_H

#include <stdio.h>

#define REPORT_PROGRAM "sipas-report"

enum report_exit {
    REPORT_EXIT_OK = 0,
    REPORT_EXIT_FAIL = 1, /* hub unreachable or refusing, TLS, bad answer,
                             write error */
    REPORT_EXIT_USAGE = 2 /* unknown option, bad period, date or format */
};

/* Parses argv (argv[0] is the program's name), fetches, writes; returns
 * the process exit status. curl_global_init() must have run. */
int report_main(int argc, char **argv);

void report_print_help(FILE *fp);
void report_print_version(FILE *fp);

/* One line on stderr, "sipas-report: " and the formatted text. */
void report_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
