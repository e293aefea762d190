/*
 * args.h - sipas-sync's command line: the kiosk's --config and --data, so
 * both programs of a device are started with the same two paths.
 * Ownership: strings point into argv.
 */
#ifndef SIPAS_SYNCD_ARGS_H
#define SIPAS_SYNCD_ARGS_H

#include <stddef.h>

typedef struct syncd_args {
    const char *config;      /* NULL: the built-in upload settings */
    const char *data;        /* data directory, default ./var */
} syncd_args_t;

/* 0 to run, 1 when --help/--version was printed, -1 on a usage error
 * (message in err). */
int syncd_parse_args(int argc, char **argv, syncd_args_t *a, char *err,
                     size_t cap);

#endif
