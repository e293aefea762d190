/*
 * log.h - the hub's diagnostic lines on stderr.
 *
 * One line per event, "sipas-hub: 2026-11-22T09:15:03+07:00 what
 * happened", so journald or a redirected file keeps a readable record.
 * Each line is written with one call, so lines from request threads do
 * not interleave.
 * Ownership: arguments are borrowed; set quiet before threads start.
 */
#ifndef SIPAS_HUB_LOG_H
#define SIPAS_HUB_LOG_H

/* Silences hub_log_request() (errors still go out). */
void hub_log_set_quiet(int quiet);
int hub_log_is_quiet(void);
void hub_log_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
