/*
 * cmd.h - pieces shared by the sipas-hub commands.
 *
 * Each command is one function taking its own argv (argv[0] is the
 * command's name) and returning the exit status; main.c's table lists
 * them. Messages for people go to stderr as "sipas-hub COMMAND: what
 * happened"; stdout carries only the output (a code, a token, a listing)
 * so it can be piped. Every command that reads or changes the database
 * writes an audit row naming the operating-system user.
 * Ownership: handles returned here are closed by the caller with
 * hub_db_close(); strings passed in are borrowed.
 */
#ifndef SIPAS_HUB_CMD_H
#define SIPAS_HUB_CMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hub/store/db.h"

enum hub_exit {
    HUB_EXIT_OK = 0,
    HUB_EXIT_FAIL = 1, /* database, I/O, refused operation */
    HUB_EXIT_USAGE = 2 /* unknown command or option, bad value */
};

#define HUB_CMD_ACTOR_MAX 96
#define HUB_CMD_DETAIL_MAX 512

void hub_cmd_say(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* What getopt_long reported for an option it could not use, in words. */
void hub_cmd_report_bad_option(const char *cmd, int opt, const char *arg);
/* Opens the database at path (creating it when create), with a message
 * on stderr when that fails. HUB_EXIT_OK with *out set, or HUB_EXIT_FAIL. */
int hub_cmd_open_db(const char *cmd, const char *path, int create,
                    hub_db_t **out);
/* A message for a failed database call; returns HUB_EXIT_FAIL. */
int hub_cmd_report_db(const char *cmd, hub_db_t *db, int rc);
/* An integer flag value in lo..hi; -1 with a usage message otherwise. */
int hub_cmd_parse_long(const char *cmd, const char *flag, const char *text,
                       long lo, long hi, long *out);
/* "cli:USER" for the audit trail. */
void hub_cmd_get_actor(char *buf, size_t cap);
/* Audit row for a command that only reads, in its own transaction. A
 * failure is reported but does not fail the command: reading must keep
 * working on a full disk, which is when it is needed most. */
void hub_cmd_audit_read(const char *cmd, hub_db_t *db, const char *action,
                        const char *detail);
/* Ends a write transaction the caller began: when rc is HUB_OK, the audit
 * row (stamped now, by the CLI user) goes in with the change and both
 * commit; otherwise everything rolls back, so no change lands unaudited.
 * Returns the first failure, or the commit's result. */
int hub_cmd_audit_write(hub_db_t *db, int rc, int64_t now, const char *action,
                        const char *detail);
/* Local ISO time of a Unix ms, "-" for 0. */
void hub_cmd_format_time(int64_t ms, char *buf, size_t cap);

int hub_cmd_serve_main(int argc, char **argv);
int hub_cmd_unit_main(int argc, char **argv);
/* `unit import FILE`: the hierarchy file into the database at db_path,
 * all or nothing; an exit status. */
int hub_cmd_unit_import(const char *db_path, const char *path);
int hub_cmd_code_main(int argc, char **argv);
int hub_cmd_token_main(int argc, char **argv);
int hub_cmd_kiosk_main(int argc, char **argv);
int hub_cmd_audit_main(int argc, char **argv);
int hub_cmd_national_main(int argc, char **argv);
int hub_cmd_forward_main(int argc, char **argv);
int hub_cmd_partitions_main(int argc, char **argv);

#endif
