/*
 * ctl.h - pieces shared by the sipasctl commands.
 *
 * Each command is one function taking its own argv (argv[0] is the command
 * name) and returning the process exit status; the table in sipasctl.c
 * lists them, so a new command is one file and one table line.
 * Messages for people go to stderr as "sipasctl COMMAND: what happened";
 * stdout carries only the command's output, so it can be piped.
 * Ownership: handles returned here are closed by the caller with
 * store_close(); strings passed in are borrowed.
 */
#ifndef SIPAS_CTL_H
#define SIPAS_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "store/store.h"
#include "sync/syncdb.h"

enum ctl_exit {
    CTL_EXIT_OK = 0,
    CTL_EXIT_FAIL = 1, /* missing or damaged database, I/O, failed check */
    CTL_EXIT_USAGE = 2, /* unknown command or option, bad flag value */
    CTL_EXIT_CANNOT_RUN = 126,   /* report: sipas-report found, not runnable */
    CTL_EXIT_NOT_INSTALLED = 127 /* report: sipas-report not installed */
};

/* What getopt_long reports for an option it could not use, in words. */
void ctl_report_bad_option(const char *cmd, int opt, const char *arg);
void ctl_say(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Read-only open of the kiosk database in dir, with a message on stderr
 * naming the problem when it fails. Returns CTL_EXIT_OK with *out set, or
 * CTL_EXIT_FAIL. */
int ctl_open_data(const char *cmd, const char *dir, store_t **out);

/* "YYYY-MM-DD" of --from/--to into local-midnight Unix ms; on a bad value
 * prints a usage message naming flag and returns -1. */
int ctl_parse_date_flag(const char *cmd, const char *flag, const char *text,
                        int64_t *ms);

/* A whole number flag from lo to hi: 0 with *out set, or -1 after a
 * usage message naming the flag and the range. */
int ctl_parse_long(const char *cmd, const char *flag, const char *text,
                   long lo, long hi, long *out);

/* Current wall time in Unix ms. */
int64_t ctl_now_ms(void);

/* "12.3 MiB" */
void ctl_format_bytes(int64_t bytes, char *buf, size_t cap);

int ctl_export_main(int argc, char **argv);
int ctl_status_main(int argc, char **argv);
int ctl_check_main(int argc, char **argv);
int ctl_provision_main(int argc, char **argv);
int ctl_sync_main(int argc, char **argv);
int ctl_report_main(int argc, char **argv); /* runs sipas-report */
int ctl_selftest_main(int argc, char **argv);

/* The database half of `check`: SQLite's full integrity check of DIR's
 * database, its verdict ("ok" or the first problem) on stdout.
 * CTL_EXIT_OK only when it said ok. */
int ctl_check_database(const char *cmd, const char *data);

/* The language half of `check` (ctl_langs.c): what each language lacks
 * against Vietnamese. Strings are borrowed. */
#define CTL_LANGS_SURVEYS_MAX 16
typedef struct ctl_langs_opts {
    const char *assets; /* DIR with i18n/ui.json, surveys/NAME.json; or NULL */
    const char *ui;     /* a UI words file instead of DIR's; or NULL */
    int n_surveys;      /* surveys instead of DIR's */
    const char *surveys[CTL_LANGS_SURVEYS_MAX];
    const char *only;   /* report this language only; NULL: every one */
    int strict;         /* missing strings are errors, not warnings */
} ctl_langs_opts_t;

/* Prints one line per finding and a summary per language on stdout.
 * CTL_EXIT_OK, or CTL_EXIT_FAIL when a file is unreadable or refused by
 * the kiosk, a key is misspelt, or (strict) a string is missing. */
int ctl_langs_check(const char *cmd, const ctl_langs_opts_t *o);

/* What `status` tells about provisioning from the SD card (the last
 * DIR/provision-result.json); JSON null when there is none. */
void ctl_provision_print_text(const char *dir);
json_t *ctl_provision_build_json(const char *dir);

/* What `status` tells about uploading to the hub. */
typedef struct ctl_sync_facts {
    int enrolled;
    syncdb_enrollment_t enrollment; /* secret cleared */
    syncdb_progress_t progress;
    int64_t pending;              /* responses not yet acknowledged */
    int64_t days;                 /* days the hub acknowledged */
    char error[512];              /* sync.db unreadable */
    int damaged;                  /* ... because it is damaged */
    int medium;                   /* enum store_medium of sync.db */
} ctl_sync_facts_t;

/* Reads DIR/sync.db read-only (s, the open store, counts what is pending;
 * may be NULL). 0, or -1 with f->error set (and f->damaged when sync.db
 * is damaged). */
int ctl_sync_gather(store_t *s, const char *dir, ctl_sync_facts_t *f);
void ctl_sync_print_text(const ctl_sync_facts_t *f);
/* New reference, or NULL when out of memory. */
json_t *ctl_sync_build_json(const ctl_sync_facts_t *f);

#endif
