/*
 * kiosk.h - the running kiosk: configuration, survey, store, flow and
 * screen wired together, and the event loop.
 *
 * A tap travels: SDL finger event -> touch map -> layout_hit (pure) ->
 * flow_tap (pure) -> on the last answer the flow calls kiosk's commit ->
 * store_commit_response (durable) -> "committed" event -> thanks screen.
 * Ownership: kiosk_t is owned by main(); kiosk_close() releases all.
 */
#ifndef SIPAS_KIOSK_H
#define SIPAS_KIOSK_H

#include <SDL.h>

#include "core/config.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/survey.h"
#include "kiosk/args.h"
#include "kiosk/assets.h"
#include "kiosk/events.h"
#include "kiosk/speak.h"
#include "platform/pclock.h"
#include "platform/wake.h"
#include "store/store.h"
#include "sync/watch.h"
#include "ui/layout.h"
#include "ui/screens.h"
#include "ui/text.h"

#define KIOSK_SCAN_MAX 128
#define KIOSK_DETAIL_MAX 640

typedef struct kiosk {
    kiosk_args_t args;
    char assets_dir[1024];
    char config_name[1024];
    asset_t config_src;             /* during start-up only */
    config_t config;
    survey_t *survey;
    i18n_t *i18n;
    store_t *store;
    events_t *events;
    pclock_t clock;
    wake_t *wake;
    flow_t flow;
    ui_info_t info;
    int oos;                        /* out of service: why is in detail */
    char detail[KIOSK_DETAIL_MAX];
    int store_failing;              /* last commit failed */

    SDL_Window *win;
    SDL_Renderer *ren;
    text_cache_t *text;
    ui_fit_cache_t *fits;           /* owned; NULL: every fit searched */
    int video_sleeps;               /* driver cannot block: use wake */
    int w, h, dpi;
    ui_screen_t screen;
    int dirty;
    uint64_t signature;             /* of what is shown */
    uint64_t info_rev;              /* bumped when info changes */
    int64_t prov_seen;              /* provision-result.json's mtime, ns */
    int built;                      /* screen holds a build of built_sig */
    uint64_t built_sig;
    flow_screen_t shown;            /* last screen announced */
    view_t view_shown;              /* last view announced */
    speak_t *speak;                 /* spoken prompts (listening) */
    unsigned said;                  /* flow.say.seq last played */
    unsigned grid_round_noted;      /* touch grid written to the data dir */
    uint32_t grid_tapped_noted;

    int finger;                     /* a finger or button is down */
    char pressed[UI_ID_MAX];
    char scan[KIOSK_SCAN_MAX];
    size_t scan_len;
    int scan_overflow;

    uint64_t watchdog_ms, last_ping;
    uint64_t frames;
    uint64_t presented_at;          /* SDL performance counter when the
                                       last frame's present returned */
    int ready_sent;
    int quit;
    int quit_refused;               /* an SDL_QUIT was heard and ignored */

    /* Uploading to the hub is sipas-sync's, a process of its own: the
     * kiosk kicks it after each commit and a thread watches what it
     * records in sync.db (see kiosk_sync_* in kiosk.c). */
    sync_watch_t *sync;             /* NULL when not watching */
    int kick_fd;                    /* to wake sipas-sync, or -1 */
    sync_view_t sync_view;          /* as last published */
    uint64_t sync_rev;              /* enrollment revision applied */
    int sync_damaged;               /* sync.db damage was reported */
    int unit_unknown;               /* ... and no enrolled unit is known */
    int enrolled;                   /* an enrolled unit stamps responses:
                                       until then they are tests */
    int64_t prune_before_ms;        /* retention work for the writer */
    int64_t prune_max_seq;
} kiosk_t;

/* Loads configuration, words, survey and store. Never fails outright: a
 * bad file puts the kiosk out of service with the reason in k->detail.
 * Returns -1 only when nothing can run (out of memory). */
int kiosk_open(kiosk_t *k, const kiosk_args_t *args, const char *argv0);
/* Opens SDL video, window, renderer and fonts. 0 or -1 (SDL_GetError). */
int kiosk_video_open(kiosk_t *k);
/* What the first frame need not wait for: noting the display for the
 * self-test (a file written and synced) and watching the uploader's
 * progress (a thread). kiosk_run calls it once the first frame is up;
 * script mode before its first line. */
void kiosk_start_background(kiosk_t *k);
void kiosk_close(kiosk_t *k);

/* Processes queued SDL events, fires due deadlines, redraws on change
 * (in script mode only with --latency: otherwise `shot` draws). */
void kiosk_pump(kiosk_t *k);
/* Makes k->screen describe the current state (cached). */
void kiosk_build(kiosk_t *k);
/* Builds and draws the current screen now (for screenshots). */
int kiosk_render(kiosk_t *k);
/* The interactive loop, until SIGTERM (or SIGINT) or the admin's exit;
 * nothing a keyboard can do ends it. */
int kiosk_run(kiosk_t *k);

/* Pushes a finger down (down != 0) or up at pixel (x, y) through the real
 * input path; a tap is one of each, pumped apart as a finger's are. */
int kiosk_push_finger(kiosk_t *k, int x, int y, int down);
/* Pushes text and Enter, as a USB barcode scanner types them. */
int kiosk_push_text(kiosk_t *k, const char *text);
/* Pushes a key combination as a keyboard sends it: keys[0..n-1] go down
 * in order (modifiers first), then up in reverse, each event carrying the
 * modifier state SDL would report. Key events only, no text. */
int kiosk_push_keys(kiosk_t *k, const SDL_Scancode *keys, int n);
/* Pushes SDL_QUIT, what SDL reports when a window manager closes the
 * window (Alt+F4 on a desktop). */
int kiosk_push_quit(kiosk_t *k);

#endif
