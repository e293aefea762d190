/*
 * flow.h - the citizen's path through a survey, as a pure state machine.
 *
 * Input arrives as widget taps (by stable widget id), scanned text and clock
 * ticks; the machine decides the screen and, at the end, hands a finished
 * response to the host's commit function. It never reads a clock, a file or
 * a database: the host passes the monotonic time in, and answers questions
 * the machine asks through flow_ops_t. Tests drive it directly.
 *
 * Screens and widget ids are a contract (README.md, "Script mode"):
 *   idle     start, lang.<code>, view.contrast, view.large, view.listen,
 *            admin.corner (hidden)
 *   field    field.<slug>, back
 *   question answer.<value>, skip (if skippable), back, prompt (listen)
 *   reasons / choices   reason.<code>, next, skip, back, prompt (listen)
 *   thanks   done
 *   already-rated  done
 *   pin      pin.0 .. pin.9, pin.del, pin.ok, back
 *   admin    officer.<code>, admin.selftest, admin.signout, admin.exit,
 *            done
 *   selftest grid.0 .. grid.11 (the touch grid), done (back to admin)
 *   paused, out-of-service   (no citizen input)
 *
 * Listening (view.listen, for one citizen): the machine asks the host to
 * read prompts aloud through flow_t.say. The question is read when its
 * screen appears and when its text ("prompt") is touched; a first touch
 * on an answer or a choice reads it and marks it, a second touch on the
 * same one takes it as a tap does without listening. Time without input
 * before a survey is abandoned doubles: listening takes longer.
 *
 * Ownership: flow_t is a value the host owns; it borrows the survey and the
 * configuration, which must outlive it.
 */
#ifndef SIPAS_FLOW_H
#define SIPAS_FLOW_H

#include <stdint.h>

#include "config.h"
#include "dossier.h"
#include "misuse.h"
#include "survey.h"
#include "view.h"

#define FLOW_ANSWER_MAX 256
#define FLOW_PIN_MAX 12
#define FLOW_RETRY_MS 5000   /* storage retry while paused */
#define FLOW_COMMIT_FAULT (-2) /* commit: storage is gone for good */
#define FLOW_NOTICE_MS 4000
#define FLOW_ADMIN_TIMEOUT_MS 120000
/* Wrong PINs in a row before the admin gesture is locked, and for how long:
 * a 4-digit PIN must not be guessable by trying codes at the counter. */
#define FLOW_PIN_TRIES 5
#define FLOW_PIN_LOCK_MS (5 * 60 * 1000)
/* Cells of the admin screen's touch grid: 3 x 4 reaches every part of
 * the panel with targets far above 9 mm on a 7-inch screen. */
#define FLOW_GRID_CELLS 12

typedef enum flow_screen {
    FLOW_IDLE = 0,
    FLOW_FIELD,
    FLOW_QUESTION,
    FLOW_REASONS,  /* a follow-up multi-choice question */
    FLOW_CHOICES,  /* an in-order multi-choice question */
    FLOW_THANKS,
    FLOW_ALREADY,  /* this dossier was rated before */
    FLOW_PIN,
    FLOW_ADMIN,
    FLOW_PAUSED,   /* storage failed; the response waits in memory */
    FLOW_OUT_OF_SERVICE,
    FLOW_SELFTEST, /* the admin screen's touch grid */
    FLOW_SCREEN_COUNT
} flow_screen_t;

/* A prompt to read aloud. The host plays one whenever seq changes; the
 * machine never waits for it, so a silent kiosk rates exactly the same. */
typedef enum flow_say_kind {
    FLOW_SAY_NONE = 0,
    FLOW_SAY_QUESTION,  /* question's text (and hint) */
    FLOW_SAY_OPTION,    /* option `option` of question `question` */
    FLOW_SAY_UI         /* the UI words of i18n key `key` */
} flow_say_kind_t;

typedef struct flow_say {
    unsigned seq;       /* bumped for every prompt asked for */
    flow_say_kind_t kind;
    int question;       /* index into survey->questions */
    int option;         /* index into that question's options */
    const char *key;    /* FLOW_SAY_UI: a static i18n key */
} flow_say_t;

/* The prompt played when listening is switched on. */
#define FLOW_SAY_KEY_ON "voice.on"
#define FLOW_SAY_KEY_THANKS "thanks.title"
/* Widget id of a question's text while listening. */
#define FLOW_ID_PROMPT "prompt"

typedef struct flow_answer {
    int question;                /* index into survey->questions */
    int value;                   /* scale answer; 0 for multi */
    char code[SURVEY_ID_MAX];    /* multi: chosen option code */
} flow_answer_t;

typedef struct flow_response {
    char field[CONFIG_CODE_MAX];
    char dossier[DOSSIER_CODE_MAX];
    char officer[CONFIG_CODE_MAX];
    char lang[SURVEY_LANG_CODE_MAX];
    int partial;     /* abandoned before the last question */
    int suppressed;  /* misuse_verdict_t, 0 = counted */
    uint64_t started_ms, finished_ms; /* monotonic */
    int n_answers;
    flow_answer_t answers[FLOW_ANSWER_MAX];
} flow_response_t;

/* What the machine asks of the host. All function pointers are required. */
typedef struct flow_ops {
    void *ctx;
    /* 1 if a response already names this dossier, 0 if not, -1 on error
     * (treated as not rated: a citizen is never turned away by a fault). */
    int (*dossier_rated)(void *ctx, const char *dossier);
    /* Stores r durably; 0 and *seq on success, -1 when it could not (the
     * machine pauses and retries), FLOW_COMMIT_FAULT when it never will
     * (the machine goes out of service). */
    int (*commit)(void *ctx, const flow_response_t *r, int64_t *seq);
    /* 1 if pin matches the configured hash. */
    int (*pin_ok)(void *ctx, const char *pin);
    /* The officer on duty changed ("" = nobody). */
    void (*officer_changed)(void *ctx, const char *code);
} flow_ops_t;

typedef struct flow {
    const survey_t *survey;
    const config_t *config;
    flow_ops_t ops;
    misuse_t misuse;

    flow_screen_t screen;
    int lang;                   /* index into config->langs */
    view_t view;                /* this citizen's view; reset at idle */
    int question;               /* current question index */
    int history[SURVEY_QUESTION_MAX]; /* questions visited, for back */
    int depth;
    int follow_up_done;         /* the follow-up was asked this response */
    int selected;               /* highlighted answer value, -1 none */
    uint64_t highlight_until;   /* 0 = no highlight pending */
    int chosen[SURVEY_OPTION_MAX]; /* multi: toggled options */
    int heard;                  /* listening: option read, awaiting its
                                   second touch; -1 none */
    flow_say_t say;             /* last prompt asked for */
    int active;                 /* a response is in progress */
    uint64_t last_input_ms;
    uint64_t screen_until;      /* thanks/already: back to idle at */
    uint64_t retry_at;          /* paused: next commit attempt */
    int after_paused_idle;      /* paused partial: go idle, not thanks */
    char officer[CONFIG_CODE_MAX];
    char pin[FLOW_PIN_MAX + 1];
    int pin_failed;
    int pin_failures;           /* wrong PINs in a row */
    uint64_t pin_locked_until;  /* gesture ignored until then */
    int corner_taps;
    uint64_t corner_first_ms;
    const char *notice;         /* i18n key shown briefly, or NULL */
    uint64_t notice_until;
    int exit_requested;
    uint32_t grid_tapped;       /* touch grid: bit n = grid.n was tapped */
    unsigned grid_round;        /* runs of the grid since start */
    int64_t last_seq;           /* seq of the last committed response */
    flow_response_t resp;
} flow_t;

void flow_init(flow_t *f, const survey_t *s, const config_t *c,
               const flow_ops_t *ops, uint64_t now_ms);
/* Host-detected failure (bad survey): the machine stays out of service. */
void flow_set_out_of_service(flow_t *f);
/* Restores the officer on duty after a restart, without calling back. */
void flow_restore_officer(flow_t *f, const char *code);

/* The kiosk is stopping: answers given so far are stored as a partial
 * response (as an inactivity timeout would), never dropped. */
void flow_shutdown(flow_t *f, uint64_t now_ms);

/* A tap on widget id. Returns 1 if the tap changed anything, 0 if it was
 * ignored (unknown id on this screen, a tap during a highlight). */
int flow_tap(flow_t *f, const char *id, uint64_t now_ms);
/* A scanned line (dossier code or officer badge). 1 if acted on. */
int flow_scan(flow_t *f, const char *text, uint64_t now_ms);
/* Fires deadlines that are due (highlight, inactivity, thanks, retry). */
void flow_tick(flow_t *f, uint64_t now_ms);
/* Earliest pending deadline, or UINT64_MAX when nothing is pending: the
 * host sleeps until then. */
uint64_t flow_next_deadline(const flow_t *f);
/* How long a survey may go untouched: doubled while listening. */
uint64_t flow_inactivity_ms(const flow_t *f);
/* Deadline of a highlight in progress, or 0. */
uint64_t flow_highlight_deadline(const flow_t *f);

/* Stable screen id of the script-mode contract ("idle", "question", ...). */
const char *flow_screen_id(flow_screen_t s);
const char *flow_lang_code(const flow_t *f);
/* Current question, or NULL outside question/reasons/choices screens. */
const survey_question_t *flow_current_question(const flow_t *f);
/* 1-based position among in-order questions, and their count, for the
 * progress indicator. */
void flow_progress(const flow_t *f, int *pos, int *count);

#endif
