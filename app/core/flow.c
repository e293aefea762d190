#include "flow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const flow_screen_ids[FLOW_SCREEN_COUNT] = {
    [FLOW_IDLE] = "idle",
    [FLOW_FIELD] = "field",
    [FLOW_QUESTION] = "question",
    [FLOW_REASONS] = "reasons",
    [FLOW_CHOICES] = "choices",
    [FLOW_THANKS] = "thanks",
    [FLOW_ALREADY] = "already-rated",
    [FLOW_PIN] = "pin",
    [FLOW_ADMIN] = "admin",
    [FLOW_PAUSED] = "paused",
    [FLOW_OUT_OF_SERVICE] = "out-of-service",
    [FLOW_SELFTEST] = "selftest",
};

const char *flow_screen_id(flow_screen_t s)
{
    if ((int)s < 0 || s >= FLOW_SCREEN_COUNT)
        return "unknown";
    return flow_screen_ids[s];
}

const char *flow_lang_code(const flow_t *f)
{
    if (f->config->n_langs == 0)
        return "vi";
    return f->config->langs[f->lang];
}

static void flow_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Matches "prefix" + suffix and returns the suffix, or NULL. */
static const char *flow_id_suffix(const char *id, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(id, prefix, n) == 0 && id[n] ? id + n : NULL;
}

static void flow_clear_response(flow_t *f)
{
    memset(&f->resp, 0, sizeof(f->resp));
    f->active = 0;
    f->depth = 0;
    f->question = -1;
    f->follow_up_done = 0;
    f->selected = -1;
    f->highlight_until = 0;
    f->heard = -1;
    memset(f->chosen, 0, sizeof(f->chosen));
}

/* ---- prompts read aloud ----------------------------------------------- */

static void flow_say(flow_t *f, flow_say_kind_t kind, int qi, int oi,
                     const char *key)
{
    f->say.seq++;
    f->say.kind = kind;
    f->say.question = qi;
    f->say.option = oi;
    f->say.key = key;
}

static void flow_say_question(flow_t *f)
{
    if (f->view.listen)
        flow_say(f, FLOW_SAY_QUESTION, f->question, -1, NULL);
}

uint64_t flow_inactivity_ms(const flow_t *f)
{
    uint64_t ms = (uint64_t)f->config->inactivity_ms;

    return f->view.listen ? 2 * ms : ms;
}

/* Listening: the first touch on option oi reads it and marks it; 1 when
 * this touch was that first one (nothing is taken yet). */
static int flow_first_hearing(flow_t *f, int oi)
{
    if (!f->view.listen)
        return 0;
    if (f->heard == oi) {
        f->heard = -1;
        return 0;
    }
    f->heard = oi;
    flow_say(f, FLOW_SAY_OPTION, f->question, oi, NULL);
    return 1;
}

static void flow_go_idle(flow_t *f)
{
    flow_clear_response(f);
    f->screen = FLOW_IDLE;
    f->lang = 0; /* the next citizen starts in the default language */
    view_reset(&f->view); /* ... and sees the kiosk as it always is */
    f->pin[0] = '\0';
    f->pin_failed = 0;
    f->corner_taps = 0;
}

void flow_init(flow_t *f, const survey_t *s, const config_t *c,
               const flow_ops_t *ops, uint64_t now_ms)
{
    memset(f, 0, sizeof(*f));
    f->survey = s;
    f->config = c;
    f->ops = *ops;
    misuse_init(&f->misuse, c->min_interval_ms, c->burst_count,
                c->burst_window_ms);
    f->last_input_ms = now_ms;
    flow_go_idle(f);
}

void flow_set_out_of_service(flow_t *f)
{
    flow_clear_response(f);
    f->screen = FLOW_OUT_OF_SERVICE;
}

void flow_restore_officer(flow_t *f, const char *code)
{
    flow_copy(f->officer, sizeof(f->officer), code);
}

static void flow_notice(flow_t *f, const char *key, uint64_t now_ms)
{
    f->notice = key;
    f->notice_until = now_ms + FLOW_NOTICE_MS;
}

/* ---- answers ---------------------------------------------------------- */

static void flow_clear_answers(flow_t *f, int qi)
{
    int i, n = 0;

    for (i = 0; i < f->resp.n_answers; i++)
        if (f->resp.answers[i].question != qi)
            f->resp.answers[n++] = f->resp.answers[i];
    f->resp.n_answers = n;
}

static void flow_add_answer(flow_t *f, int qi, int value, const char *code)
{
    flow_answer_t *a;

    /* Capacity is sized for every option of every question; the guard only
     * keeps a broken survey from writing past the array. */
    if (f->resp.n_answers >= FLOW_ANSWER_MAX)
        return;
    a = &f->resp.answers[f->resp.n_answers++];
    a->question = qi;
    a->value = value;
    flow_copy(a->code, sizeof(a->code), code);
}

static int flow_answer_of(const flow_t *f, int qi)
{
    int i;

    for (i = 0; i < f->resp.n_answers; i++)
        if (f->resp.answers[i].question == qi)
            return f->resp.answers[i].value;
    return -1;
}

/* ---- navigation ------------------------------------------------------- */

static int flow_next_in_order(const survey_t *s, int from)
{
    int i;

    for (i = from; i < s->n_questions; i++)
        if (!s->questions[i].is_follow_up)
            return i;
    return -1;
}

static void flow_enter_question(flow_t *f, int qi)
{
    const survey_question_t *q = &f->survey->questions[qi];
    int i, j;

    f->question = qi;
    f->selected = -1;
    f->highlight_until = 0;
    f->heard = -1;
    memset(f->chosen, 0, sizeof(f->chosen));
    flow_say_question(f);
    if (q->kind == SURVEY_KIND_MULTI) {
        /* Coming back to a multi-choice screen shows what was chosen. */
        for (i = 0; i < f->resp.n_answers; i++) {
            if (f->resp.answers[i].question != qi)
                continue;
            for (j = 0; j < q->n_options; j++)
                if (strcmp(q->options[j].code, f->resp.answers[i].code) == 0)
                    f->chosen[j] = 1;
        }
        f->screen = q->is_follow_up ? FLOW_REASONS : FLOW_CHOICES;
    } else {
        f->selected = flow_answer_of(f, qi);
        f->screen = FLOW_QUESTION;
    }
}

static void flow_push_and_enter(flow_t *f, int qi)
{
    if (f->question >= 0 && f->depth < SURVEY_QUESTION_MAX)
        f->history[f->depth++] = f->question;
    flow_enter_question(f, qi);
}

static void flow_begin(flow_t *f, uint64_t now_ms)
{
    flow_clear_response(f);
    f->active = 1;
    f->resp.started_ms = now_ms;
    flow_copy(f->resp.officer, sizeof(f->resp.officer), f->officer);
    flow_copy(f->resp.lang, sizeof(f->resp.lang), flow_lang_code(f));
    if (f->config->n_fields == 1)
        flow_copy(f->resp.field, sizeof(f->resp.field), f->config->fields[0]);
}

static void flow_start_questions(flow_t *f)
{
    int first = flow_next_in_order(f->survey, 0);

    f->depth = 0;
    f->question = -1;
    flow_enter_question(f, first);
}

/* Hands the response to storage; on failure the machine pauses and keeps
 * it in memory, retrying, so nothing a citizen gave is dropped. */
static void flow_commit(flow_t *f, uint64_t now_ms, int to_idle)
{
    int64_t seq = 0;

    int rc;

    f->after_paused_idle = to_idle;
    rc = f->ops.commit(f->ops.ctx, &f->resp, &seq);
    if (rc == FLOW_COMMIT_FAULT) {
        /* Retrying would pause for ever behind a "please wait". */
        flow_set_out_of_service(f);
        return;
    }
    if (rc != 0) {
        f->screen = FLOW_PAUSED;
        f->retry_at = now_ms + FLOW_RETRY_MS;
        return;
    }
    f->last_seq = seq;
    if (to_idle) {
        flow_go_idle(f);
        return;
    }
    flow_clear_response(f);
    f->screen = FLOW_THANKS;
    if (f->view.listen)
        flow_say(f, FLOW_SAY_UI, -1, -1, FLOW_SAY_KEY_THANKS);
    f->screen_until = now_ms + (uint64_t)f->config->thanks_ms;
}

static void flow_finish(flow_t *f, uint64_t now_ms, int partial)
{
    f->active = 0;
    f->resp.partial = partial;
    f->resp.finished_ms = now_ms;
    /* Abandoned responses are never counted, so only finished ones are
     * judged (and enter the misuse history). */
    f->resp.suppressed = partial ? 0 : (int)misuse_judge(&f->misuse, now_ms);
    flow_commit(f, now_ms, partial);
}

/* Leaves a survey early: what was answered is kept as a partial response. */
static void flow_abandon(flow_t *f, uint64_t now_ms)
{
    if (f->active && f->resp.n_answers > 0)
        flow_finish(f, now_ms, 1);
    else
        flow_go_idle(f);
}

void flow_shutdown(flow_t *f, uint64_t now_ms)
{
    if (f->screen == FLOW_PAUSED || f->screen == FLOW_OUT_OF_SERVICE)
        return; /* the paused response could not be stored anyway */
    flow_abandon(f, now_ms);
}

static void flow_advance(flow_t *f, uint64_t now_ms)
{
    const survey_question_t *q = &f->survey->questions[f->question];
    int base, next, v;

    if (q->kind == SURVEY_KIND_SCALE && q->follow_up_index >= 0 &&
        !f->follow_up_done) {
        v = flow_answer_of(f, f->question);
        if (v >= 0 && v <= q->follow_up_le) {
            f->follow_up_done = 1;
            flow_push_and_enter(f, q->follow_up_index);
            return;
        }
    }
    /* After a follow-up, go on from the question that opened it. */
    base = q->is_follow_up && f->depth > 0 ? f->history[f->depth - 1]
                                           : f->question;
    next = flow_next_in_order(f->survey, base + 1);
    if (next < 0) {
        flow_finish(f, now_ms, 0);
        return;
    }
    flow_push_and_enter(f, next);
}

static void flow_back(flow_t *f, uint64_t now_ms)
{
    const survey_question_t *q = &f->survey->questions[f->question];

    if (q->is_follow_up) {
        /* Follow-up answers exist only for a path walked forward. */
        flow_clear_answers(f, f->question);
        f->follow_up_done = 0;
    }
    if (f->depth > 0) {
        f->depth--;
        flow_enter_question(f, f->history[f->depth]);
        return;
    }
    /* Answers given are kept; the field can be changed and the survey
     * resumed. */
    if (f->config->n_fields > 1 && f->resp.dossier[0] == '\0') {
        f->question = -1;
        f->screen = FLOW_FIELD;
        return;
    }
    flow_abandon(f, now_ms);
}

/* ---- taps per screen -------------------------------------------------- */

static int flow_tap_idle(flow_t *f, const char *id, uint64_t now_ms)
{
    const char *arg;
    int i;

    if (strcmp(id, "start") == 0) {
        flow_begin(f, now_ms);
        if (f->config->n_fields > 1)
            f->screen = FLOW_FIELD;
        else
            flow_start_questions(f);
        return 1;
    }
    if (view_tap(&f->view, id)) {
        if (strcmp(id, VIEW_ID_LISTEN) == 0 && f->view.listen)
            flow_say(f, FLOW_SAY_UI, -1, -1, FLOW_SAY_KEY_ON);
        return 1;
    }
    if ((arg = flow_id_suffix(id, "lang.")) != NULL) {
        for (i = 0; i < f->config->n_langs; i++) {
            if (strcmp(f->config->langs[i], arg) == 0) {
                f->lang = i;
                return 1;
            }
        }
        return 0;
    }
    if (strcmp(id, "admin.corner") == 0) {
        if (now_ms < f->pin_locked_until)
            return 0;
        if (f->corner_taps == 0 ||
            now_ms - f->corner_first_ms > (uint64_t)f->config->admin_window_ms) {
            f->corner_taps = 0;
            f->corner_first_ms = now_ms;
        }
        if (++f->corner_taps >= f->config->admin_taps) {
            f->corner_taps = 0;
            f->pin[0] = '\0';
            f->pin_failed = 0;
            f->screen = FLOW_PIN;
        }
        /* The corner is invisible: counting taps changes nothing shown. */
        return f->screen == FLOW_PIN;
    }
    return 0;
}

static int flow_tap_field(flow_t *f, const char *id, uint64_t now_ms)
{
    const char *arg;
    int i;

    if (strcmp(id, "back") == 0) {
        flow_abandon(f, now_ms);
        return 1;
    }
    if ((arg = flow_id_suffix(id, "field.")) == NULL)
        return 0;
    for (i = 0; i < f->config->n_fields; i++) {
        if (strcmp(f->config->fields[i], arg) == 0) {
            flow_copy(f->resp.field, sizeof(f->resp.field), arg);
            flow_start_questions(f);
            return 1;
        }
    }
    return 0;
}

static int flow_tap_question(flow_t *f, const char *id, uint64_t now_ms)
{
    const survey_question_t *q = &f->survey->questions[f->question];
    const char *arg;
    char *end;
    long v;
    int oi;

    if (strcmp(id, "back") == 0) {
        flow_back(f, now_ms);
        return 1;
    }
    if (f->view.listen && strcmp(id, FLOW_ID_PROMPT) == 0) {
        flow_say_question(f);
        return 1;
    }
    if (strcmp(id, "skip") == 0) {
        if (!q->skippable)
            return 0;
        flow_clear_answers(f, f->question);
        flow_advance(f, now_ms);
        return 1;
    }
    if ((arg = flow_id_suffix(id, "answer.")) == NULL)
        return 0;
    v = strtol(arg, &end, 10);
    if (*end != '\0' || !survey_find_value(q, (int)v))
        return 0;
    oi = (int)(survey_find_value(q, (int)v) - q->options);
    if (flow_first_hearing(f, oi)) {
        /* Marked as heard; what was recorded before stays recorded. */
        f->selected = (int)v;
        return 1;
    }
    flow_clear_answers(f, f->question);
    flow_add_answer(f, f->question, (int)v, NULL);
    f->selected = (int)v;
    if (f->config->highlight_ms <= 0)
        flow_advance(f, now_ms);
    else
        f->highlight_until = now_ms + (uint64_t)f->config->highlight_ms;
    return 1;
}

static int flow_count_chosen(const flow_t *f, int n)
{
    int i, c = 0;

    for (i = 0; i < n; i++)
        c += f->chosen[i] != 0;
    return c;
}

static int flow_tap_multi(flow_t *f, const char *id, uint64_t now_ms)
{
    const survey_question_t *q = &f->survey->questions[f->question];
    const char *arg;
    int i, skip;

    if (strcmp(id, "back") == 0) {
        flow_back(f, now_ms);
        return 1;
    }
    if (f->view.listen && strcmp(id, FLOW_ID_PROMPT) == 0) {
        flow_say_question(f);
        return 1;
    }
    skip = strcmp(id, "skip") == 0;
    if (skip || strcmp(id, "next") == 0) {
        flow_clear_answers(f, f->question);
        for (i = 0; i < q->n_options && !skip; i++)
            if (f->chosen[i])
                flow_add_answer(f, f->question, 0, q->options[i].code);
        flow_advance(f, now_ms);
        return 1;
    }
    if ((arg = flow_id_suffix(id, "reason.")) == NULL)
        return 0;
    for (i = 0; i < q->n_options; i++) {
        if (strcmp(q->options[i].code, arg) != 0)
            continue;
        if (flow_first_hearing(f, i))
            return 1;
        if (!f->chosen[i] && q->max_choices > 0 &&
            flow_count_chosen(f, q->n_options) >= q->max_choices)
            return 0;
        f->chosen[i] = !f->chosen[i];
        return 1;
    }
    return 0;
}

static int flow_tap_pin(flow_t *f, const char *id, uint64_t now_ms)
{
    const char *arg;
    size_t n = strlen(f->pin);

    if (strcmp(id, "back") == 0) {
        flow_go_idle(f);
        return 1;
    }
    if (strcmp(id, "pin.del") == 0) {
        if (n > 0)
            f->pin[n - 1] = '\0';
        return 1;
    }
    if (strcmp(id, "pin.ok") == 0) {
        if (n > 0 && f->ops.pin_ok(f->ops.ctx, f->pin) == 1) {
            f->screen = FLOW_ADMIN;
            f->pin_failed = 0;
            f->pin_failures = 0;
        } else {
            f->pin_failed = 1;
            if (++f->pin_failures >= FLOW_PIN_TRIES) {
                f->pin_failures = 0;
                f->pin_locked_until = now_ms + FLOW_PIN_LOCK_MS;
                flow_go_idle(f);
            }
        }
        /* The PIN never stays in memory longer than its check. */
        memset(f->pin, 0, sizeof(f->pin));
        return 1;
    }
    arg = flow_id_suffix(id, "pin.");
    if (!arg || arg[0] < '0' || arg[0] > '9' || arg[1] != '\0')
        return 0;
    if (n < FLOW_PIN_MAX) {
        f->pin[n] = arg[0];
        f->pin[n + 1] = '\0';
    }
    f->pin_failed = 0;
    return 1;
}

static void flow_set_officer(flow_t *f, const char *code)
{
    flow_copy(f->officer, sizeof(f->officer), code);
    f->ops.officer_changed(f->ops.ctx, f->officer);
}

static int flow_tap_admin(flow_t *f, const char *id, uint64_t now_ms)
{
    const char *arg;

    (void)now_ms;
    if ((arg = flow_id_suffix(id, "officer.")) != NULL) {
        if (!config_find_officer(f->config, arg))
            return 0;
        if (strcmp(arg, f->officer) != 0)
            flow_set_officer(f, arg);
        return 1;
    }
    if (strcmp(id, "admin.signout") == 0) {
        flow_set_officer(f, "");
        return 1;
    }
    if (strcmp(id, "admin.exit") == 0) {
        f->exit_requested = 1;
        return 1;
    }
    if (strcmp(id, "admin.selftest") == 0) {
        f->screen = FLOW_SELFTEST;
        f->grid_tapped = 0;
        f->grid_round++;
        return 1;
    }
    if (strcmp(id, "done") == 0 || strcmp(id, "back") == 0) {
        flow_go_idle(f);
        return 1;
    }
    return 0;
}

/* The touch grid: each cell remembers it was reached; the technician
 * goes back to the admin screen when done. */
static int flow_tap_selftest(flow_t *f, const char *id)
{
    const char *arg = flow_id_suffix(id, "grid.");
    char *end;
    long n;

    if (arg) {
        n = strtol(arg, &end, 10);
        if (end == arg || *end != '\0' || n < 0 || n >= FLOW_GRID_CELLS)
            return 0;
        f->grid_tapped |= UINT32_C(1) << n;
        return 1;
    }
    if (strcmp(id, "done") == 0 || strcmp(id, "back") == 0) {
        f->screen = FLOW_ADMIN;
        return 1;
    }
    return 0;
}

int flow_tap(flow_t *f, const char *id, uint64_t now_ms)
{
    f->last_input_ms = now_ms;
    /* A second tap during the highlight would land on the next screen's
     * button under the same finger: ignore it. */
    if (f->highlight_until)
        return 0;
    switch (f->screen) {
    case FLOW_IDLE:
        return flow_tap_idle(f, id, now_ms);
    case FLOW_FIELD:
        return flow_tap_field(f, id, now_ms);
    case FLOW_QUESTION:
        return flow_tap_question(f, id, now_ms);
    case FLOW_REASONS:
    case FLOW_CHOICES:
        return flow_tap_multi(f, id, now_ms);
    case FLOW_THANKS:
    case FLOW_ALREADY:
        if (strcmp(id, "done") != 0)
            return 0;
        flow_go_idle(f);
        return 1;
    case FLOW_PIN:
        return flow_tap_pin(f, id, now_ms);
    case FLOW_ADMIN:
        return flow_tap_admin(f, id, now_ms);
    case FLOW_SELFTEST:
        return flow_tap_selftest(f, id);
    case FLOW_PAUSED:
    case FLOW_OUT_OF_SERVICE:
    case FLOW_SCREEN_COUNT:
        break;
    }
    return 0;
}

/* ---- scanned codes ---------------------------------------------------- */

static int flow_scan_badge(flow_t *f, const char *code, uint64_t now_ms)
{
    char buf[CONFIG_CODE_MAX];
    size_t n;

    if (f->screen != FLOW_IDLE && f->screen != FLOW_ADMIN)
        return 0; /* never while a citizen is rating */
    while (*code == ' ')
        code++;
    n = strlen(code);
    while (n > 0 && code[n - 1] == ' ')
        n--;
    if (n >= sizeof(buf)) {
        flow_notice(f, "notice.bad_code", now_ms);
        return 1;
    }
    memcpy(buf, code, n);
    buf[n] = '\0';
    code = buf;
    if (*code == '\0' ||
        (f->config->n_officers > 0 && !config_find_officer(f->config, code))) {
        flow_notice(f, "notice.bad_code", now_ms);
        return 1;
    }
    if (strcmp(code, f->officer) == 0) {
        flow_set_officer(f, "");
        flow_notice(f, "notice.signed_out", now_ms);
    } else {
        flow_set_officer(f, code);
        flow_notice(f, "notice.signed_in", now_ms);
    }
    return 1;
}

static int flow_scan_dossier(flow_t *f, const dossier_t *d, uint64_t now_ms)
{
    int before_first_answer =
        f->screen == FLOW_IDLE || f->screen == FLOW_FIELD ||
        (f->screen == FLOW_QUESTION && f->resp.n_answers == 0);

    if (!before_first_answer)
        return 0;
    if (f->ops.dossier_rated(f->ops.ctx, d->code) == 1) {
        flow_clear_response(f);
        f->screen = FLOW_ALREADY;
        f->screen_until = now_ms + (uint64_t)f->config->thanks_ms;
        return 1;
    }
    if (!f->active)
        flow_begin(f, now_ms);
    flow_copy(f->resp.dossier, sizeof(f->resp.dossier), d->code);
    /* dossier_field stands in for a field nobody chose; a field the
     * citizen already picked is kept. */
    if (f->config->n_fields != 1 && f->resp.field[0] == '\0')
        flow_copy(f->resp.field, sizeof(f->resp.field),
                  f->config->dossier_field);
    flow_start_questions(f);
    flow_notice(f, "notice.dossier", now_ms);
    return 1;
}

int flow_scan(flow_t *f, const char *text, uint64_t now_ms)
{
    const char *prefix = f->config->badge_prefix;
    dossier_t d;

    f->last_input_ms = now_ms;
    if (f->highlight_until)
        return 0;
    if (prefix[0] && strncmp(text, prefix, strlen(prefix)) == 0)
        return flow_scan_badge(f, text + strlen(prefix), now_ms);
    if (dossier_parse_with(f->config->dossier_formats,
                           f->config->n_dossier_formats, text, &d) == 0)
        return flow_scan_dossier(f, &d, now_ms);
    if (f->screen == FLOW_IDLE || f->screen == FLOW_FIELD) {
        flow_notice(f, "notice.bad_code", now_ms);
        return 1;
    }
    return 0;
}

/* ---- time ------------------------------------------------------------- */

static int flow_times_out(const flow_t *f)
{
    switch (f->screen) {
    case FLOW_FIELD:
    case FLOW_QUESTION:
    case FLOW_REASONS:
    case FLOW_CHOICES:
    case FLOW_PIN:
        return 1;
    default:
        return 0;
    }
}

static void flow_retry_commit(flow_t *f, uint64_t now_ms)
{
    f->retry_at = 0;
    flow_commit(f, now_ms, f->after_paused_idle);
}

void flow_tick(flow_t *f, uint64_t now_ms)
{
    if (f->notice && now_ms >= f->notice_until)
        f->notice = NULL;
    if (f->highlight_until && now_ms >= f->highlight_until) {
        f->highlight_until = 0;
        flow_advance(f, now_ms);
    }
    if (flow_times_out(f) &&
        now_ms - f->last_input_ms >= flow_inactivity_ms(f)) {
        if (f->screen == FLOW_PIN)
            flow_go_idle(f);
        else
            flow_abandon(f, now_ms);
        return;
    }
    switch (f->screen) {
    case FLOW_IDLE:
        /* Switched on and walked away from: the next citizen must not
         * find it so. */
        if (!view_is_default(&f->view) &&
            now_ms - f->last_input_ms >= flow_inactivity_ms(f))
            view_reset(&f->view);
        break;
    case FLOW_THANKS:
    case FLOW_ALREADY:
        if (now_ms >= f->screen_until)
            flow_go_idle(f);
        break;
    case FLOW_PAUSED:
        if (now_ms >= f->retry_at)
            flow_retry_commit(f, now_ms);
        break;
    case FLOW_ADMIN:
    case FLOW_SELFTEST:
        if (now_ms - f->last_input_ms >= FLOW_ADMIN_TIMEOUT_MS)
            flow_go_idle(f);
        break;
    default:
        break;
    }
}

static uint64_t flow_min(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

uint64_t flow_next_deadline(const flow_t *f)
{
    uint64_t d = UINT64_MAX;

    if (f->highlight_until)
        d = flow_min(d, f->highlight_until);
    if (f->notice)
        d = flow_min(d, f->notice_until);
    if (flow_times_out(f))
        d = flow_min(d, f->last_input_ms + flow_inactivity_ms(f));
    if (f->screen == FLOW_THANKS || f->screen == FLOW_ALREADY)
        d = flow_min(d, f->screen_until);
    if (f->screen == FLOW_PAUSED)
        d = flow_min(d, f->retry_at);
    if (f->screen == FLOW_IDLE && !view_is_default(&f->view))
        d = flow_min(d, f->last_input_ms + flow_inactivity_ms(f));
    if (f->screen == FLOW_ADMIN || f->screen == FLOW_SELFTEST)
        d = flow_min(d, f->last_input_ms + FLOW_ADMIN_TIMEOUT_MS);
    return d;
}

uint64_t flow_highlight_deadline(const flow_t *f)
{
    return f->highlight_until;
}

const survey_question_t *flow_current_question(const flow_t *f)
{
    if (f->screen != FLOW_QUESTION && f->screen != FLOW_REASONS &&
        f->screen != FLOW_CHOICES)
        return NULL;
    if (f->question < 0 || f->question >= f->survey->n_questions)
        return NULL;
    return &f->survey->questions[f->question];
}

void flow_progress(const flow_t *f, int *pos, int *count)
{
    int i, qi = f->question;

    *pos = 0;
    *count = 0;
    if (qi >= 0 && f->survey->questions[qi].is_follow_up && f->depth > 0)
        qi = f->history[f->depth - 1];
    for (i = 0; i < f->survey->n_questions; i++) {
        if (f->survey->questions[i].is_follow_up)
            continue;
        (*count)++;
        if (i <= qi)
            *pos = *count;
    }
}
