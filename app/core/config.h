/*
 * config.h - the kiosk's configuration (one JSON file per kiosk).
 *
 * Everything a technician sets per counter. Every key is optional; what is
 * absent takes the default documented in README.md, so the embedded default
 * is just "{}" plus a demo unit. Unknown keys are errors (a typo must not be
 * silently ignored), reported with file, line and field.
 * Pure: parses text handed to it.
 * Ownership: plain value type, no heap.
 */
#ifndef SIPAS_CONFIG_H
#define SIPAS_CONFIG_H

#include <stddef.h>

#include "dossier.h"
#include "err.h"

#define CONFIG_CODE_MAX 64
/* The unit of the embedded default: a kiosk not yet enrolled with a hub
 * stamps it, so its ratings are tests (see app/store/store.h). */
#define CONFIG_DEMO_UNIT "DEMO-XA-01"
#define CONFIG_NAME_MAX 240
#define CONFIG_FIELD_MAX 12
#define CONFIG_LANG_MAX 8
#define CONFIG_OFFICER_MAX 64
#define CONFIG_HASH_MAX 160
#define CONFIG_PATH_MAX 512
#define CONFIG_SOURCE_MAX (256 * 1024)

typedef struct config_officer {
    char code[CONFIG_CODE_MAX];
    char name[CONFIG_NAME_MAX];
} config_officer_t;

/* Linear touch map: raw 0..1 panel coordinates to 0..1 screen ones. */
/* Where a citizen's controls may lie on a portrait panel. A tall panel's
 * top third is out of reach from a wheelchair. */
typedef enum config_reach {
    CONFIG_REACH_FULL = 0, /* anywhere on the screen */
    CONFIG_REACH_LOW       /* below the top third (portrait only) */
} config_reach_t;

typedef struct config_touch {
    int rotation;        /* 0, 90, 180, 270: panel relative to display */
    double min_x, max_x; /* raw range that spans the screen; clamped */
    double min_y, max_y;
} config_touch_t;

/* Uploading to the provincial hub once the kiosk is provisioned (see
 * docs/SYNC_PROTOCOL.md). */
typedef struct config_sync {
    int enabled;           /* the kiosk uploads by itself */
    int interval_s;        /* between uploads when nothing else prompts one */
    int retention_days;    /* 0: keep raw responses; N: delete acknowledged
                              ones recorded more than N days ago */
    int batch;             /* responses per upload */
    int connect_timeout_s; /* give up connecting after this long */
    int stall_timeout_s;   /* give up a transfer stalled this long */
} config_sync_t;

typedef struct config {
    char unit_code[CONFIG_CODE_MAX];
    char unit_name[CONFIG_NAME_MAX];
    char counter[CONFIG_CODE_MAX];
    int n_fields;
    char fields[CONFIG_FIELD_MAX][CONFIG_CODE_MAX]; /* slugs, in order */
    char dossier_field[CONFIG_CODE_MAX]; /* field of a scanned dossier */
    /* Shapes of the dossier codes a scan binds, tried in order; a list in
     * the file replaces the whole list. */
    int n_dossier_formats;
    dossierfmt_t dossier_formats[DOSSIER_FORMAT_MAX];
    char survey[CONFIG_PATH_MAX];        /* survey id or path to a file */
    int n_langs;
    char langs[CONFIG_LANG_MAX][8];      /* offered on the idle screen */
    /* 1 when the file set "languages"; the defaults (vi, en, km) are only
     * offered where the survey and the UI words have them. */
    int langs_given;
    /* Times in milliseconds. */
    int inactivity_ms;  /* abandon a survey after this long untouched */
    int thanks_ms;      /* how long the thank-you stays */
    int highlight_ms;   /* answer highlight before advancing, <= 400 */
    /* Misuse rules, see misuse.h. 0 disables a rule. */
    int min_interval_ms;
    int burst_count;
    int burst_window_ms;
    /* Administration. */
    char admin_pin_hash[CONFIG_HASH_MAX]; /* crypt(3) string */
    int admin_taps;                       /* taps on the hidden corner */
    int admin_window_ms;                  /* ... within this time */
    char badge_prefix[CONFIG_CODE_MAX];   /* scanned text that signs in */
    int n_officers;
    config_officer_t officers[CONFIG_OFFICER_MAX];
    /* Display. */
    int dpi;              /* physical pixel density of the panel */
    config_touch_t touch;
    int show_public_figure; /* this month's satisfaction on the idle screen */
    config_reach_t reach;   /* ignored on a landscape panel */
    /* Spoken prompts: which regional Vietnamese voice (voice_variant_t). */
    int voice_variant;
    /* Storage: cap the database so it can never fill the data partition. */
    long max_db_bytes;    /* 0 = no cap */
    config_sync_t sync;
} config_t;

/* Fills every default (the demo unit). */
void config_defaults(config_t *c);
/* Parses text over the defaults already in *c. 0 or -1 with err filled. */
int config_parse(const char *text, size_t len, const char *name, config_t *c,
                 err_t *err);
/* Officer by code, or NULL. */
const config_officer_t *config_find_officer(const config_t *c,
                                            const char *code);

#endif
