/*
 * script.h - replays a script of taps, scans, keys and waits with virtual time
 * (--script). The contract is in README.md, "Script mode"; every step goes
 * through the same input path as a finger or a scanner.
 */
#ifndef SIPAS_SCRIPT_H
#define SIPAS_SCRIPT_H

#include "kiosk/kiosk.h"

#define SCRIPT_LINE_MAX 512

/* 0 when every step held; 1 with a message on stderr naming the file and
 * line of the step that failed. */
int script_run(kiosk_t *k, const char *path);

#endif
