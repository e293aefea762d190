/*
 * args.h - the kiosk's command line (see --help and README.md, "Running it").
 * Ownership: strings point into argv.
 */
#ifndef SIPAS_ARGS_H
#define SIPAS_ARGS_H

#include <stddef.h>

typedef struct kiosk_args {
    const char *config;      /* NULL: embedded demo configuration */
    const char *data;        /* data directory, default ./var */
    const char *lang;        /* first language, NULL: the configuration's */
    const char *script;      /* replay input from this file, then exit */
    const char *screenshots; /* where `shot` writes */
    const char *events;      /* JSON lines to this file, "-" = stdout */
    const char *latency;     /* with script: draw every frame, time taps */
    const char *assets;      /* assets directory override */
    int win_w, win_h;        /* 0: fullscreen */
    int dpi;                 /* 0: the configuration's */
} kiosk_args_t;

/* 0 to run, 1 when --help/--version was printed, -1 on a usage error
 * (message in err). */
int args_parse(int argc, char **argv, kiosk_args_t *a, char *err, size_t cap);

#endif
