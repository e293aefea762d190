#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/flow.h"
#include "core/misuse.h"
#include "core/survey.h"

#include "testutil.h"

#define SHORT_SURVEY "assets/surveys/sipas-short.json"
#define FULL_SURVEY "assets/surveys/sipas-full.json"
#define C01_SURVEY "assets/surveys/c01-counter.json"

#define T_BOOT UINT64_C(3600000) /* an hour of uptime */
#define KIOSK_PIN "2468"
#define FIRST_SEQ 41
#define COMMIT_LOG_MAX 8
#define RATED_MAX 4

#define DOSSIER_A "000.00.07.H42-230815-0005"
#define DOSSIER_B "000.00.07.H42-240229-0117"

/* ---- fake host -------------------------------------------------------- */

typedef struct fake {
    /* commit */
    int commit_calls;
    int commits;   /* successful ones */
    int fail_next; /* this many calls fail before one succeeds */
    int64_t next_seq;
    flow_response_t attempt; /* what the last call received */
    flow_response_t log[COMMIT_LOG_MAX]; /* successful ones, in order */
    /* dossier_rated */
    int rated_calls;
    int rated_unknown;  /* answer for codes not in the list: 0 or -1 */
    int n_rated;
    const char *rated[RATED_MAX];
    char rated_asked[DOSSIER_CODE_MAX];
    /* pin_ok */
    int pin_calls;
    char pin_tried[FLOW_PIN_MAX + 1];
    /* officer_changed */
    int officer_calls;
    char officer[CONFIG_CODE_MAX];
} fake_t;

static int fake_dossier_rated(void *ctx, const char *dossier)
{
    fake_t *k = ctx;
    int i;

    k->rated_calls++;
    snprintf(k->rated_asked, sizeof(k->rated_asked), "%s", dossier);
    for (i = 0; i < k->n_rated; i++)
        if (strcmp(k->rated[i], dossier) == 0)
            return 1;
    return k->rated_unknown;
}

static int fake_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    fake_t *k = ctx;

    k->commit_calls++;
    k->attempt = *r;
    if (k->fail_next > 0) {
        k->fail_next--;
        return -1;
    }
    if (k->commits < COMMIT_LOG_MAX)
        k->log[k->commits] = *r;
    k->commits++;
    *seq = k->next_seq++;
    return 0;
}

static int fake_pin_ok(void *ctx, const char *pin)
{
    fake_t *k = ctx;

    k->pin_calls++;
    snprintf(k->pin_tried, sizeof(k->pin_tried), "%s", pin);
    return strcmp(pin, KIOSK_PIN) == 0;
}

static void fake_officer_changed(void *ctx, const char *code)
{
    fake_t *k = ctx;

    k->officer_calls++;
    snprintf(k->officer, sizeof(k->officer), "%s", code);
}

/* ---- fixture ---------------------------------------------------------- */

typedef struct fixture {
    config_t config;
    survey_t *survey;
    fake_t fake;
    flow_ops_t ops;
    flow_t flow;
    uint64_t now;
} fixture_t;

static survey_t *load_survey(const char *path)
{
    survey_t *s = NULL;
    size_t n;
    char *text = testutil_read_file(path, &n);
    err_t err;
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 32];

    if (survey_parse(text, n, path, &s, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fprintf(stderr, "%s\n", msg);
        s = NULL;
    }
    free(text);
    return s;
}

static int setup_with(void **state, const char *path)
{
    fixture_t *x = calloc(1, sizeof(*x));

    if (!x)
        return -1;
    x->survey = load_survey(path);
    if (!x->survey) {
        free(x);
        return -1;
    }
    config_defaults(&x->config);
    x->fake.next_seq = FIRST_SEQ;
    x->ops.ctx = &x->fake;
    x->ops.dossier_rated = fake_dossier_rated;
    x->ops.commit = fake_commit;
    x->ops.pin_ok = fake_pin_ok;
    x->ops.officer_changed = fake_officer_changed;
    x->now = T_BOOT;
    *state = x;
    return 0;
}

static int setup_short(void **state)
{
    return setup_with(state, SHORT_SURVEY);
}

static int setup_full(void **state)
{
    return setup_with(state, FULL_SURVEY);
}

static int setup_c01(void **state)
{
    return setup_with(state, C01_SURVEY);
}

static int teardown(void **state)
{
    fixture_t *x = *state;

    survey_free(x->survey);
    free(x);
    return 0;
}

/* ---- driving the machine ---------------------------------------------- */

/* Starts the machine on the configuration as the test left it. */
static fixture_t *begin(void **state)
{
    fixture_t *x = *state;

    flow_init(&x->flow, x->survey, &x->config, &x->ops, x->now);
    return x;
}

static int tap(fixture_t *x, const char *id)
{
    return flow_tap(&x->flow, id, x->now);
}

static int scan(fixture_t *x, const char *text)
{
    return flow_scan(&x->flow, text, x->now);
}

static void advance(fixture_t *x, uint64_t ms)
{
    x->now += ms;
    flow_tick(&x->flow, x->now);
}

static void tap_ok(fixture_t *x, const char *id)
{
    if (tap(x, id) != 1)
        fail_msg("tap %s ignored on %s", id, flow_screen_id(x->flow.screen));
}

static void expect_screen(const fixture_t *x, flow_screen_t s)
{
    assert_string_equal(flow_screen_id(x->flow.screen), flow_screen_id(s));
}

static void expect_question(const fixture_t *x, const char *id)
{
    const survey_question_t *q = flow_current_question(&x->flow);

    if (!q)
        fail_msg("expected question %s, screen is %s", id,
                 flow_screen_id(x->flow.screen));
    assert_string_equal(q->id, id);
}

/* Taps answer.<value> and lets the highlight run out. */
static void answer(fixture_t *x, int value)
{
    char id[32];

    snprintf(id, sizeof(id), "answer.%d", value);
    tap_ok(x, id);
    if (x->config.highlight_ms > 0)
        advance(x, (uint64_t)x->config.highlight_ms);
}

static void reason(fixture_t *x, const char *code)
{
    char id[SURVEY_ID_MAX + 16];

    snprintf(id, sizeof(id), "reason.%s", code);
    tap_ok(x, id);
}

static int reason_tap(fixture_t *x, const char *code)
{
    char id[SURVEY_ID_MAX + 16];

    snprintf(id, sizeof(id), "reason.%s", code);
    return tap(x, id);
}

static int qindex(const fixture_t *x, const char *id)
{
    int i = survey_find_question(x->survey, id);

    if (i < 0)
        fail_msg("no question %s in %s", id, x->survey->id);
    return i;
}

/* Scale value given to question id in r, or -1. */
static int value_of(const fixture_t *x, const flow_response_t *r,
                    const char *id)
{
    int i, qi = qindex(x, id);

    for (i = 0; i < r->n_answers; i++)
        if (r->answers[i].question == qi)
            return r->answers[i].value;
    return -1;
}

static int count_of(const fixture_t *x, const flow_response_t *r,
                    const char *id)
{
    int i, qi = qindex(x, id), n = 0;

    for (i = 0; i < r->n_answers; i++)
        n += r->answers[i].question == qi;
    return n;
}

static int has_code(const fixture_t *x, const flow_response_t *r,
                    const char *id, const char *code)
{
    int i, qi = qindex(x, id);

    for (i = 0; i < r->n_answers; i++)
        if (r->answers[i].question == qi &&
            strcmp(r->answers[i].code, code) == 0)
            return 1;
    return 0;
}

/* Whether option code of the current multi question shows as chosen. */
static int shown_chosen(const fixture_t *x, const char *code)
{
    const survey_question_t *q = flow_current_question(&x->flow);
    int i;

    assert_non_null(q);
    for (i = 0; i < q->n_options; i++)
        if (strcmp(q->options[i].code, code) == 0)
            return x->flow.chosen[i];
    fail_msg("no option %s in %s", code, q->id);
    return -1;
}

static int n_shown_chosen(const fixture_t *x)
{
    int i, n = 0;

    for (i = 0; i < SURVEY_OPTION_MAX; i++)
        n += x->flow.chosen[i] != 0;
    return n;
}

static const flow_response_t *last_commit(const fixture_t *x)
{
    assert_true(x->fake.commits > 0);
    assert_true(x->fake.commits <= COMMIT_LOG_MAX);
    return &x->fake.log[x->fake.commits - 1];
}

static const char *const short_ids[6] = {
    "overall", "tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y",
};

/* The rest of the short survey after the overall question, all 4 or 5. */
static void answer_rest_high(fixture_t *x)
{
    int i;

    for (i = 1; i < 6; i++) {
        expect_question(x, short_ids[i]);
        answer(x, 4 + i % 2);
    }
    expect_screen(x, FLOW_THANKS);
}

/* One complete short response from idle, ending on the thanks screen. */
static void complete_short(fixture_t *x, int overall)
{
    expect_screen(x, FLOW_IDLE);
    tap_ok(x, "start");
    if (x->config.n_fields > 1)
        tap_ok(x, "field.dat-dai");
    expect_question(x, "overall");
    answer(x, overall);
    if (overall <= 2)
        tap_ok(x, "next");
    answer_rest_high(x);
}

/* ---- the default path ------------------------------------------------- */

static void test_short_survey_path(void **state)
{
    static const int values[6] = {5, 4, 4, 3, 5, 4};
    static const char *const elements[6] = {
        "overall", "tiep-can", "thu-tuc", "cong-chuc", "ket-qua", "gop-y",
    };
    fixture_t *x = begin(state);
    const flow_response_t *r;
    uint64_t started;
    int i, pos, count;

    expect_screen(x, FLOW_IDLE);
    assert_null(flow_current_question(&x->flow));
    assert_int_equal(tap(x, "field.dat-dai"), 0);
    assert_int_equal(tap(x, "answer.5"), 0);

    x->now += 1500;
    started = x->now;
    tap_ok(x, "start");
    expect_screen(x, FLOW_FIELD);
    assert_null(flow_current_question(&x->flow));
    assert_int_equal(tap(x, "field.nope"), 0);
    assert_int_equal(tap(x, "field."), 0);
    assert_int_equal(tap(x, "answer.5"), 0);
    expect_screen(x, FLOW_FIELD);
    x->now += 2000;
    tap_ok(x, "field.dat-dai");

    for (i = 0; i < 6; i++) {
        expect_screen(x, FLOW_QUESTION);
        expect_question(x, short_ids[i]);
        flow_progress(&x->flow, &pos, &count);
        assert_int_equal(pos, i + 1);
        assert_int_equal(count, 6);
        assert_int_equal(x->fake.commit_calls, 0);
        x->now += 700;
        answer(x, values[i]);
    }

    expect_screen(x, FLOW_THANKS);
    assert_int_equal(x->fake.commit_calls, 1);
    assert_int_equal(x->fake.commits, 1);
    assert_int_equal(x->flow.last_seq, FIRST_SEQ);
    r = last_commit(x);
    assert_string_equal(r->field, "dat-dai");
    assert_string_equal(r->dossier, "");
    assert_string_equal(r->officer, "");
    assert_string_equal(r->lang, "vi");
    assert_int_equal(r->partial, 0);
    assert_int_equal(r->suppressed, MISUSE_OK);
    assert_int_equal(r->started_ms, started);
    assert_int_equal(r->finished_ms, x->now);
    assert_int_equal(r->n_answers, 6);
    for (i = 0; i < 6; i++) {
        const flow_answer_t *a = &r->answers[i];

        assert_int_equal(a->question, qindex(x, short_ids[i]));
        assert_int_equal(a->value, values[i]);
        assert_string_equal(a->code, "");
        assert_string_equal(x->survey->questions[a->question].element,
                            elements[i]);
    }
    /* Nothing of the response stays in the machine. */
    assert_int_equal(x->flow.resp.n_answers, 0);
    assert_int_equal(x->flow.active, 0);
    assert_null(flow_current_question(&x->flow));
}

/* ---- the citizen's view --------------------------------------------- */

static void expect_view(const fixture_t *x, int contrast, int large)
{
    assert_int_equal(x->flow.view.contrast, contrast);
    assert_int_equal(x->flow.view.large, large);
}

/* High contrast and large text hold for one citizen's survey and are gone
 * for the next, whether the survey ended in thanks, a timeout or the
 * "done" button; they never reach the stored response. */
static void test_view_for_one_citizen(void **state)
{
    fixture_t *x = begin(state);
    flow_response_t plain;

    expect_view(x, 0, 0);
    tap_ok(x, "view.contrast");
    expect_view(x, 1, 0);
    tap_ok(x, "view.large");
    expect_view(x, 1, 1);
    tap_ok(x, "view.large");
    expect_view(x, 1, 0);
    tap_ok(x, "view.large");
    expect_screen(x, FLOW_IDLE); /* a toggle never starts the survey */
    assert_int_equal(x->fake.commit_calls, 0);

    /* Thanks, then back to idle by time. */
    complete_short(x, 5);
    expect_view(x, 1, 1);
    advance(x, (uint64_t)x->config.thanks_ms);
    expect_screen(x, FLOW_IDLE);
    expect_view(x, 0, 0);

    /* The same survey without the view stores the same response. */
    x->now += 60000;
    complete_short(x, 5);
    plain = *last_commit(x);
    tap_ok(x, "done");
    expect_view(x, 0, 0);
    x->now += 60000;
    tap_ok(x, "view.contrast");
    tap_ok(x, "view.large");
    complete_short(x, 5);
    assert_int_equal(last_commit(x)->n_answers, plain.n_answers);
    assert_string_equal(last_commit(x)->lang, plain.lang);
    assert_string_equal(last_commit(x)->field, plain.field);
    assert_int_equal(memcmp(last_commit(x)->answers, plain.answers,
                            sizeof(plain.answers[0]) * (size_t)plain.n_answers),
                     0);
    /* "done" on thanks. */
    tap_ok(x, "done");
    expect_screen(x, FLOW_IDLE);
    expect_view(x, 0, 0);

    /* An abandoned survey: the timeout returns to idle, view reset. */
    x->now += 60000;
    tap_ok(x, "view.contrast");
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    expect_view(x, 1, 0);
    advance(x, (uint64_t)x->config.inactivity_ms);
    expect_screen(x, FLOW_IDLE);
    expect_view(x, 0, 0);
}

/* Switched on at idle and walked away from: the next citizen does not
 * find it on. */
static void test_view_reset_on_idle_timeout(void **state)
{
    fixture_t *x = begin(state);

    assert_int_equal(flow_next_deadline(&x->flow), UINT64_MAX);
    tap_ok(x, "view.large");
    assert_int_equal(flow_next_deadline(&x->flow),
                     x->now + (uint64_t)x->config.inactivity_ms);
    advance(x, (uint64_t)x->config.inactivity_ms - 1);
    expect_view(x, 0, 1);
    advance(x, 1);
    expect_view(x, 0, 0);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(flow_next_deadline(&x->flow), UINT64_MAX);
    /* The toggles are on the idle screen only. */
    tap_ok(x, "start");
    assert_int_equal(tap(x, "view.contrast"), 0);
    expect_view(x, 0, 0);
}

static void test_single_field_skips_field_screen(void **state)
{
    fixture_t *x = *state;
    const flow_response_t *r;

    x->config.n_fields = 1;
    snprintf(x->config.fields[0], CONFIG_CODE_MAX, "tu-phap");
    begin(state);
    tap_ok(x, "start");
    expect_screen(x, FLOW_QUESTION);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.field, "tu-phap");
    /* With no field screen to go back to, back leaves the survey. */
    tap_ok(x, "back");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);

    complete_short(x, 5);
    r = last_commit(x);
    assert_string_equal(r->field, "tu-phap");
    assert_int_equal(r->n_answers, 6);
}

static void test_field_list_empty_goes_straight_to_questions(void **state)
{
    fixture_t *x = *state;

    x->config.n_fields = 0;
    begin(state);
    tap_ok(x, "start");
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.field, "");
}

/* ---- highlight -------------------------------------------------------- */

static void test_highlight(void **state)
{
    fixture_t *x = begin(state);
    uint64_t tapped;

    tap_ok(x, "start");
    tap_ok(x, "field.xay-dung");
    tapped = x->now;
    tap_ok(x, "answer.5");
    expect_question(x, "overall");
    assert_int_equal(x->flow.selected, 5);
    assert_int_equal(flow_highlight_deadline(&x->flow), tapped + 250);

    /* A second finger during the highlight changes nothing. */
    x->now += 100;
    assert_int_equal(tap(x, "answer.1"), 0);
    assert_int_equal(tap(x, "back"), 0);
    assert_int_equal(tap(x, "skip"), 0);
    assert_int_equal(scan(x, DOSSIER_A), 0);
    assert_int_equal(x->fake.rated_calls, 0);
    assert_int_equal(x->flow.selected, 5);
    assert_int_equal(x->flow.resp.n_answers, 1);
    assert_int_equal(x->flow.resp.answers[0].value, 5);

    /* The deadline does not move with the ignored taps. */
    assert_int_equal(flow_highlight_deadline(&x->flow), tapped + 250);
    x->now = tapped + 249;
    flow_tick(&x->flow, x->now);
    expect_question(x, "overall");
    x->now = tapped + 250;
    flow_tick(&x->flow, x->now);
    expect_question(x, "tiep-can");
    assert_int_equal(flow_highlight_deadline(&x->flow), 0);
    assert_int_equal(x->flow.selected, -1);
    assert_int_equal(value_of(x, &x->flow.resp, "overall"), 5);
    /* Taps work again. */
    tap_ok(x, "answer.4");
}

static void test_no_highlight_advances_at_once(void **state)
{
    fixture_t *x = *state;

    x->config.highlight_ms = 0;
    begin(state);
    tap_ok(x, "start");
    tap_ok(x, "field.khac");
    tap_ok(x, "answer.3");
    expect_question(x, "tiep-can");
    assert_int_equal(flow_highlight_deadline(&x->flow), 0);
}

static void test_answer_ids_checked_against_scale(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    tap_ok(x, "field.khac");
    assert_int_equal(tap(x, "answer.6"), 0);
    assert_int_equal(tap(x, "answer.0"), 0);
    assert_int_equal(tap(x, "answer.x"), 0);
    assert_int_equal(tap(x, "answer.5x"), 0);
    assert_int_equal(tap(x, "answer."), 0);
    assert_int_equal(tap(x, "next"), 0);
    assert_int_equal(tap(x, "reason.cho-lau"), 0);
    assert_int_equal(x->flow.resp.n_answers, 0);
    assert_int_equal(flow_highlight_deadline(&x->flow), 0);
}

/* ---- reasons ---------------------------------------------------------- */

static void test_low_answer_opens_reasons_once(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;
    int pos, count;

    tap_ok(x, "start");
    tap_ok(x, "field.dau-tu");
    answer(x, 2);
    expect_screen(x, FLOW_REASONS);
    expect_question(x, "reasons");
    /* The progress stays on the question that opened the reasons. */
    flow_progress(&x->flow, &pos, &count);
    assert_int_equal(pos, 1);
    assert_int_equal(count, 6);
    assert_int_equal(n_shown_chosen(x), 0);

    reason(x, "cho-lau");
    reason(x, "thai-do");
    reason(x, "thai-do"); /* toggled off again */
    reason(x, "tre-hen");
    assert_int_equal(reason_tap(x, "khong-co"), 0);
    assert_int_equal(tap(x, "answer.3"), 0);
    assert_int_equal(shown_chosen(x, "cho-lau"), 1);
    assert_int_equal(shown_chosen(x, "thai-do"), 0);
    assert_int_equal(shown_chosen(x, "tre-hen"), 1);
    /* Choices are recorded only on leaving the screen. */
    assert_int_equal(count_of(x, &x->flow.resp, "reasons"), 0);
    tap_ok(x, "next");

    expect_question(x, "tiep-can");
    answer(x, 1); /* a second low answer: no reasons again */
    expect_screen(x, FLOW_QUESTION);
    expect_question(x, "thu-tuc");
    answer(x, 2);
    expect_question(x, "cong-chuc");
    answer(x, 5);
    answer(x, 5);
    answer(x, 1);
    expect_screen(x, FLOW_THANKS);

    r = last_commit(x);
    assert_int_equal(value_of(x, r, "overall"), 2);
    assert_int_equal(value_of(x, r, "tiep-can"), 1);
    assert_int_equal(value_of(x, r, "thu-tuc"), 2);
    assert_int_equal(value_of(x, r, "gop-y"), 1);
    assert_int_equal(count_of(x, r, "reasons"), 2);
    assert_true(has_code(x, r, "reasons", "cho-lau"));
    assert_true(has_code(x, r, "reasons", "tre-hen"));
    assert_false(has_code(x, r, "reasons", "thai-do"));
    assert_int_equal(value_of(x, r, "reasons"), 0);
    assert_int_equal(r->n_answers, 8);
    assert_string_equal(
        x->survey->questions[qindex(x, "reasons")].element, "reasons");
}

static void test_empty_reasons_allowed(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 1);
    expect_screen(x, FLOW_REASONS);
    tap_ok(x, "next");
    answer_rest_high(x);
    r = last_commit(x);
    assert_int_equal(r->n_answers, 6);
    assert_int_equal(count_of(x, r, "reasons"), 0);
    assert_int_equal(value_of(x, r, "overall"), 1);
}

static void test_reasons_from_a_later_question(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 5);
    answer(x, 3);
    expect_question(x, "thu-tuc");
    answer(x, 2);
    expect_screen(x, FLOW_REASONS);
    reason(x, "thu-tuc-ruom-ra");
    tap_ok(x, "next");
    /* Goes on after the question that opened the reasons. */
    expect_question(x, "cong-chuc");
    answer(x, 2);
    expect_question(x, "ket-qua");
    answer(x, 4);
    answer(x, 4);
    r = last_commit(x);
    assert_int_equal(count_of(x, r, "reasons"), 1);
    assert_true(has_code(x, r, "reasons", "thu-tuc-ruom-ra"));
    assert_int_equal(r->n_answers, 7);
}

static void test_skip_on_reasons_records_nothing(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 1);
    reason(x, "cho-lau");
    reason(x, "thai-do");
    tap_ok(x, "skip");
    expect_question(x, "tiep-can");
    assert_int_equal(count_of(x, &x->flow.resp, "reasons"), 0);
    assert_int_equal(x->flow.resp.n_answers, 1);
}

/* ---- skip and back ---------------------------------------------------- */

static void test_skip(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;
    int i;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    /* The overall question cannot be skipped. */
    assert_int_equal(tap(x, "skip"), 0);
    expect_question(x, "overall");
    assert_int_equal(x->flow.resp.n_answers, 0);
    answer(x, 4);
    for (i = 1; i < 6; i++) {
        expect_question(x, short_ids[i]);
        tap_ok(x, "skip");
    }
    expect_screen(x, FLOW_THANKS);
    r = last_commit(x);
    assert_int_equal(r->partial, 0);
    assert_int_equal(r->n_answers, 1);
    assert_int_equal(value_of(x, r, "overall"), 4);
}

static void test_skip_clears_an_earlier_answer(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 4);
    answer(x, 5);
    expect_question(x, "thu-tuc");
    tap_ok(x, "back");
    expect_question(x, "tiep-can");
    assert_int_equal(x->flow.selected, 5);
    tap_ok(x, "skip");
    expect_question(x, "thu-tuc");
    assert_int_equal(value_of(x, &x->flow.resp, "tiep-can"), -1);
    answer(x, 3);
    answer(x, 3);
    answer(x, 3);
    answer(x, 3);
    r = last_commit(x);
    assert_int_equal(r->n_answers, 5);
    assert_int_equal(value_of(x, r, "tiep-can"), -1);
    assert_int_equal(value_of(x, r, "thu-tuc"), 3);
}

static void test_back_from_first_question_returns_to_field(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    expect_question(x, "overall");
    tap_ok(x, "back");
    expect_screen(x, FLOW_FIELD);
    assert_null(flow_current_question(&x->flow));
    assert_int_equal(x->fake.commit_calls, 0);
    tap_ok(x, "field.xay-dung");
    expect_question(x, "overall");
    answer(x, 5);
    answer_rest_high(x);
    r = last_commit(x);
    assert_string_equal(r->field, "xay-dung");
}

static void test_back_from_field_returns_to_idle(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    expect_screen(x, FLOW_FIELD);
    tap_ok(x, "back");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);
    assert_int_equal(x->flow.active, 0);
}

static void test_back_shows_previous_answer(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 4);
    answer(x, 3);
    answer(x, 5);
    expect_question(x, "cong-chuc");
    tap_ok(x, "back");
    expect_question(x, "thu-tuc");
    assert_int_equal(x->flow.selected, 5);
    tap_ok(x, "back");
    expect_question(x, "tiep-can");
    assert_int_equal(x->flow.selected, 3);
    /* A changed answer replaces the old one. */
    answer(x, 1); /* opens the reasons: none were asked yet */
    expect_screen(x, FLOW_REASONS);
    tap_ok(x, "next");
    expect_question(x, "thu-tuc");
    assert_int_equal(x->flow.selected, 5);
    assert_int_equal(count_of(x, &x->flow.resp, "tiep-can"), 1);
    assert_int_equal(value_of(x, &x->flow.resp, "tiep-can"), 1);
    assert_int_equal(x->fake.commit_calls, 0);
}

static void test_back_from_reasons_clears_reasons(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 2);
    reason(x, "cho-lau");
    reason(x, "phi-sai-quy-dinh");
    tap_ok(x, "next");
    expect_question(x, "tiep-can");
    assert_int_equal(count_of(x, &x->flow.resp, "reasons"), 2);

    /* Back onto the reasons shows what was chosen. */
    tap_ok(x, "back");
    expect_screen(x, FLOW_REASONS);
    assert_int_equal(shown_chosen(x, "cho-lau"), 1);
    assert_int_equal(shown_chosen(x, "phi-sai-quy-dinh"), 1);
    assert_int_equal(n_shown_chosen(x), 2);

    /* Back from the reasons forgets them. */
    tap_ok(x, "back");
    expect_question(x, "overall");
    assert_int_equal(x->flow.selected, 2);
    assert_int_equal(count_of(x, &x->flow.resp, "reasons"), 0);
    assert_int_equal(value_of(x, &x->flow.resp, "overall"), 2);

    /* A better answer now skips the reasons ... */
    answer(x, 4);
    expect_question(x, "tiep-can");
    /* ... and a low one later may open them, since none were given. */
    answer(x, 1);
    expect_screen(x, FLOW_REASONS);
    assert_int_equal(n_shown_chosen(x), 0);
    reason(x, "cho-lau");
    tap_ok(x, "next");
    expect_question(x, "thu-tuc");
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    r = last_commit(x);
    assert_int_equal(value_of(x, r, "overall"), 4);
    assert_int_equal(value_of(x, r, "tiep-can"), 1);
    assert_int_equal(count_of(x, r, "reasons"), 1);
    assert_true(has_code(x, r, "reasons", "cho-lau"));
    assert_false(has_code(x, r, "reasons", "phi-sai-quy-dinh"));
}

static void test_back_and_forth_through_reasons(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 2);
    reason(x, "tre-hen");
    tap_ok(x, "next");
    tap_ok(x, "back");
    expect_screen(x, FLOW_REASONS);
    /* Change the choice and go forward again. */
    reason(x, "tre-hen");
    reason(x, "cho-lau");
    tap_ok(x, "next");
    expect_question(x, "tiep-can");
    answer_rest_high(x);
    r = last_commit(x);
    assert_int_equal(count_of(x, r, "reasons"), 1);
    assert_true(has_code(x, r, "reasons", "cho-lau"));
    assert_int_equal(r->n_answers, 7);
}

/* ---- time ------------------------------------------------------------- */

static void test_inactivity_commits_partial(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;
    uint64_t last_tap;

    tap_ok(x, "lang.en");
    tap_ok(x, "start");
    tap_ok(x, "field.tu-phap");
    answer(x, 5);
    last_tap = x->now;
    tap_ok(x, "answer.4");
    advance(x, 250);
    expect_question(x, "thu-tuc");
    assert_int_equal(flow_next_deadline(&x->flow), last_tap + 30000);

    x->now = last_tap + 29999;
    flow_tick(&x->flow, x->now);
    expect_question(x, "thu-tuc");
    assert_int_equal(x->fake.commit_calls, 0);

    x->now = last_tap + 30000;
    flow_tick(&x->flow, x->now);
    expect_screen(x, FLOW_IDLE); /* no thanks for a walk-away */
    assert_int_equal(x->fake.commits, 1);
    r = last_commit(x);
    assert_int_equal(r->partial, 1);
    assert_int_equal(r->suppressed, MISUSE_OK);
    assert_int_equal(r->n_answers, 2);
    assert_int_equal(value_of(x, r, "overall"), 5);
    assert_int_equal(value_of(x, r, "tiep-can"), 4);
    assert_string_equal(r->field, "tu-phap");
    assert_string_equal(r->lang, "en");
    assert_int_equal(r->finished_ms, x->now);
    assert_int_equal(x->flow.last_seq, FIRST_SEQ);
    /* An abandoned response does not enter the misuse history. */
    assert_int_equal(x->flow.misuse.n, 0);
    assert_string_equal(flow_lang_code(&x->flow), "vi");
    assert_int_equal(x->flow.resp.n_answers, 0);
}

static void test_inactivity_on_reasons_keeps_answers(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.tu-phap");
    answer(x, 1);
    reason(x, "cho-lau");
    advance(x, 30000);
    expect_screen(x, FLOW_IDLE);
    r = last_commit(x);
    assert_int_equal(r->partial, 1);
    assert_int_equal(value_of(x, r, "overall"), 1);
}

static void test_inactivity_without_answers(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    expect_screen(x, FLOW_FIELD);
    advance(x, 29999);
    expect_screen(x, FLOW_FIELD);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);

    tap_ok(x, "start");
    tap_ok(x, "field.khac");
    expect_question(x, "overall");
    advance(x, 30000);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);
    assert_int_equal(x->flow.active, 0);
}

static void test_idle_never_times_out(void **state)
{
    fixture_t *x = begin(state);

    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);
    advance(x, 3600000);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);
}

static void test_thanks_returns_to_idle(void **state)
{
    fixture_t *x = begin(state);
    uint64_t finished;

    complete_short(x, 5);
    finished = x->now;
    assert_int_equal(flow_next_deadline(&x->flow), finished + 5000);
    assert_int_equal(tap(x, "start"), 0);
    assert_int_equal(tap(x, "answer.5"), 0);
    advance(x, 4999);
    expect_screen(x, FLOW_THANKS);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);

    /* done leaves at once. */
    x->now += 20000;
    complete_short(x, 4);
    tap_ok(x, "done");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commits, 2);
    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);
}

static void test_thanks_time_from_config(void **state)
{
    fixture_t *x = *state;

    x->config.thanks_ms = 1200;
    begin(state);
    complete_short(x, 5);
    advance(x, 1199);
    expect_screen(x, FLOW_THANKS);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
}

static void test_commit_failure_keeps_response(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;
    uint64_t failed_at;
    int i;

    x->fake.fail_next = 8;
    tap_ok(x, "start");
    assert_int_equal(tap(x, "field.y-te"), 0); /* not offered by default */
    expect_screen(x, FLOW_FIELD);
    tap_ok(x, "field.dau-tu");
    for (i = 0; i < 6; i++)
        answer(x, 5 - i % 3);
    failed_at = x->now;
    expect_screen(x, FLOW_PAUSED);
    assert_int_equal(x->fake.commit_calls, 1);
    assert_int_equal(x->fake.commits, 0);
    /* The response waits in memory. */
    assert_int_equal(x->flow.resp.n_answers, 6);
    assert_string_equal(x->flow.resp.field, "dau-tu");
    /* No citizen input while paused. */
    assert_int_equal(tap(x, "done"), 0);
    assert_int_equal(tap(x, "start"), 0);
    assert_int_equal(tap(x, "back"), 0);
    assert_int_equal(scan(x, DOSSIER_A), 0);
    assert_int_equal(scan(x, "CB:CB001"), 0);
    assert_int_equal(x->fake.officer_calls, 0);
    assert_int_equal(flow_next_deadline(&x->flow), failed_at + FLOW_RETRY_MS);

    advance(x, FLOW_RETRY_MS - 1);
    expect_screen(x, FLOW_PAUSED);
    assert_int_equal(x->fake.commit_calls, 1);
    advance(x, 1);
    expect_screen(x, FLOW_PAUSED); /* second failure */
    assert_int_equal(x->fake.commit_calls, 2);
    assert_int_equal(flow_next_deadline(&x->flow), x->now + FLOW_RETRY_MS);
    /* It keeps trying, well past the inactivity time, without dropping
     * the response or giving up. */
    for (i = 3; i <= 8; i++) {
        advance(x, FLOW_RETRY_MS);
        expect_screen(x, FLOW_PAUSED);
        assert_int_equal(x->fake.commit_calls, i);
        assert_int_equal(x->fake.attempt.n_answers, 6);
    }
    assert_true(x->now - failed_at > 30000);
    assert_int_equal(x->flow.resp.n_answers, 6);

    advance(x, FLOW_RETRY_MS);
    expect_screen(x, FLOW_THANKS);
    assert_int_equal(x->fake.commit_calls, 9);
    assert_int_equal(x->fake.commits, 1);
    assert_int_equal(x->flow.last_seq, FIRST_SEQ);
    r = last_commit(x);
    assert_int_equal(r->n_answers, 6);
    assert_int_equal(r->partial, 0);
    assert_string_equal(r->field, "dau-tu");
    assert_int_equal(r->finished_ms, failed_at);
    for (i = 0; i < 6; i++) {
        assert_int_equal(r->answers[i].question, qindex(x, short_ids[i]));
        assert_int_equal(r->answers[i].value, 5 - i % 3);
    }
    assert_int_equal(x->flow.resp.n_answers, 0);
    assert_int_equal(flow_next_deadline(&x->flow), x->now + 5000);
}

/* Storage that will never work again (a table dropped) is a fault: out of
 * service at once, not a pause that retries for ever. */
static int fault_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    fake_t *k = ctx;

    (void)r;
    (void)seq;
    k->commit_calls++;
    return FLOW_COMMIT_FAULT;
}

static void test_commit_fault_is_out_of_service(void **state)
{
    fixture_t *x = begin(state);
    int i;

    x->flow.ops.commit = fault_commit;
    tap_ok(x, "start");
    tap_ok(x, "field.dau-tu");
    for (i = 0; i < 6; i++)
        answer(x, 4);
    expect_screen(x, FLOW_OUT_OF_SERVICE);
    assert_int_equal(x->fake.commit_calls, 1);
    advance(x, FLOW_RETRY_MS * 3);
    expect_screen(x, FLOW_OUT_OF_SERVICE);
    assert_int_equal(x->fake.commit_calls, 1);
    assert_int_equal(tap(x, "start"), 0);
}

static void test_commit_failure_of_partial_ends_on_idle(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    x->fake.fail_next = 1;
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 3);
    advance(x, 30000);
    expect_screen(x, FLOW_PAUSED);
    assert_int_equal(x->flow.resp.partial, 1);
    advance(x, FLOW_RETRY_MS);
    expect_screen(x, FLOW_IDLE);
    r = last_commit(x);
    assert_int_equal(r->partial, 1);
    assert_int_equal(value_of(x, r, "overall"), 3);
    assert_int_equal(x->fake.commit_calls, 2);
}

/* ---- misuse ----------------------------------------------------------- */

static void test_too_soon_is_still_committed(void **state)
{
    fixture_t *x = begin(state);
    uint64_t first_done;

    complete_short(x, 5);
    first_done = x->now;
    assert_int_equal(last_commit(x)->suppressed, MISUSE_OK);
    tap_ok(x, "done");

    complete_short(x, 5);
    assert_true(x->now - first_done < 10000);
    assert_int_equal(x->fake.commits, 2);
    assert_int_equal(last_commit(x)->suppressed, MISUSE_TOO_SOON);
    assert_int_equal(last_commit(x)->n_answers, 6);
    assert_int_equal(x->flow.last_seq, FIRST_SEQ + 1);
    tap_ok(x, "done");

    /* Ten seconds after the last counted one, the next counts again. */
    x->now = first_done + 10000 - 6 * 250;
    complete_short(x, 4);
    assert_int_equal(x->now, first_done + 10000);
    assert_int_equal(last_commit(x)->suppressed, MISUSE_OK);
    assert_int_equal(x->fake.commits, 3);
}

static void test_burst_is_flagged(void **state)
{
    fixture_t *x = *state;

    x->config.min_interval_ms = 0;
    x->config.burst_count = 2;
    x->config.burst_window_ms = 60000;
    begin(state);
    complete_short(x, 5);
    tap_ok(x, "done");
    complete_short(x, 5);
    tap_ok(x, "done");
    complete_short(x, 5);
    assert_int_equal(x->fake.commits, 3);
    assert_int_equal(x->fake.log[0].suppressed, MISUSE_OK);
    assert_int_equal(x->fake.log[1].suppressed, MISUSE_OK);
    assert_int_equal(x->fake.log[2].suppressed, MISUSE_BURST);
}

static void test_misuse_rules_off(void **state)
{
    fixture_t *x = *state;

    x->config.min_interval_ms = 0;
    x->config.burst_count = 0;
    begin(state);
    complete_short(x, 5);
    tap_ok(x, "done");
    complete_short(x, 5);
    assert_int_equal(x->fake.log[1].suppressed, MISUSE_OK);
}

/* ---- dossiers --------------------------------------------------------- */

static void test_dossier_scan_at_idle(void **state)
{
    fixture_t *x = *state;
    const flow_response_t *r;
    uint64_t scanned;

    snprintf(x->config.dossier_field, CONFIG_CODE_MAX, "tu-phap");
    begin(state);
    x->now += 500;
    scanned = x->now;
    assert_int_equal(scan(x, "  000.00.07.h42-230815-0005\r\n"), 1);
    assert_int_equal(x->fake.rated_calls, 1);
    assert_string_equal(x->fake.rated_asked, DOSSIER_A);
    /* The field screen is skipped. */
    expect_screen(x, FLOW_QUESTION);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.dossier, DOSSIER_A);
    assert_string_equal(x->flow.resp.field, "tu-phap");
    assert_non_null(x->flow.notice);
    assert_string_equal(x->flow.notice, "notice.dossier");
    answer(x, 5);
    answer_rest_high(x);
    r = last_commit(x);
    assert_string_equal(r->dossier, DOSSIER_A);
    assert_string_equal(r->field, "tu-phap");
    assert_int_equal(r->started_ms, scanned);
    assert_int_equal(r->n_answers, 6);
}

static void test_dossier_scan_single_field_keeps_field(void **state)
{
    fixture_t *x = *state;

    x->config.n_fields = 1;
    snprintf(x->config.fields[0], CONFIG_CODE_MAX, "xay-dung");
    begin(state);
    assert_int_equal(scan(x, DOSSIER_B), 1);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.dossier, DOSSIER_B);
    assert_string_equal(x->flow.resp.field, "xay-dung");
}

static void test_dossier_scan_on_field_screen(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    expect_screen(x, FLOW_FIELD);
    assert_int_equal(scan(x, DOSSIER_B), 1);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.dossier, DOSSIER_B);
    assert_string_equal(x->flow.resp.field, "khac");
    /* A bound dossier leaves no field to go back to. */
    tap_ok(x, "back");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);
}

static void test_dossier_scan_keeps_chosen_field(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    /* The citizen picked a field, then scans the receipt before the first
     * answer: the dossier binds, the chosen field stays. */
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    expect_question(x, "overall");
    assert_int_equal(scan(x, DOSSIER_A), 1);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.dossier, DOSSIER_A);
    assert_string_equal(x->flow.resp.field, "dat-dai");
    answer(x, 5);
    answer_rest_high(x);
    r = last_commit(x);
    assert_string_equal(r->dossier, DOSSIER_A);
    assert_string_equal(r->field, "dat-dai");
}

static void test_dossier_already_rated(void **state)
{
    fixture_t *x = begin(state);

    x->fake.rated[x->fake.n_rated++] = DOSSIER_A;
    assert_int_equal(scan(x, DOSSIER_A), 1);
    expect_screen(x, FLOW_ALREADY);
    assert_string_equal(flow_screen_id(x->flow.screen), "already-rated");
    assert_int_equal(x->flow.active, 0);
    assert_string_equal(x->flow.resp.dossier, "");
    assert_int_equal(flow_next_deadline(&x->flow), x->now + 5000);
    assert_int_equal(tap(x, "start"), 0);
    advance(x, 4999);
    expect_screen(x, FLOW_ALREADY);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);

    /* Also from the field screen, and done leaves at once. */
    tap_ok(x, "start");
    assert_int_equal(scan(x, DOSSIER_A), 1);
    expect_screen(x, FLOW_ALREADY);
    tap_ok(x, "done");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commit_calls, 0);

    /* Another dossier is fine. */
    assert_int_equal(scan(x, DOSSIER_B), 1);
    expect_question(x, "overall");
}

static void test_dossier_lookup_error_does_not_turn_away(void **state)
{
    fixture_t *x = begin(state);

    x->fake.rated_unknown = -1;
    assert_int_equal(scan(x, DOSSIER_A), 1);
    expect_question(x, "overall");
    assert_string_equal(x->flow.resp.dossier, DOSSIER_A);
}

static void test_dossier_scan_after_first_answer_ignored(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 5);
    expect_question(x, "tiep-can");
    assert_int_equal(scan(x, DOSSIER_A), 0);
    assert_int_equal(x->fake.rated_calls, 0);
    assert_string_equal(x->flow.resp.dossier, "");
    assert_null(x->flow.notice);
    expect_question(x, "tiep-can");
    /* Nor on the reasons screen. */
    tap_ok(x, "back");
    answer(x, 1);
    expect_screen(x, FLOW_REASONS);
    assert_int_equal(scan(x, DOSSIER_A), 0);
    assert_int_equal(scan(x, "garbage"), 0);
    tap_ok(x, "next");
    answer_rest_high(x);
    r = last_commit(x);
    assert_string_equal(r->dossier, "");
    assert_string_equal(r->field, "dat-dai");
    /* Nor on the thanks screen. */
    assert_int_equal(scan(x, DOSSIER_A), 0);
    expect_screen(x, FLOW_THANKS);
}

static void test_invalid_scan_notice(void **state)
{
    fixture_t *x = begin(state);
    uint64_t scanned = x->now;

    assert_null(x->flow.notice);
    assert_int_equal(scan(x, "HELLO"), 1);
    expect_screen(x, FLOW_IDLE);
    assert_non_null(x->flow.notice);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    assert_int_equal(x->fake.rated_calls, 0);
    assert_int_equal(flow_next_deadline(&x->flow), scanned + FLOW_NOTICE_MS);
    advance(x, FLOW_NOTICE_MS - 1);
    assert_non_null(x->flow.notice);
    advance(x, 1);
    assert_null(x->flow.notice);
    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);

    /* A well-formed code with an impossible date is no code. */
    assert_int_equal(scan(x, "000.00.07.H42-230229-0005"), 1);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.rated_calls, 0);

    /* On the field screen too. */
    advance(x, FLOW_NOTICE_MS);
    tap_ok(x, "start");
    assert_int_equal(scan(x, "12345"), 1);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    expect_screen(x, FLOW_FIELD);

    /* A question screen says nothing. */
    advance(x, FLOW_NOTICE_MS);
    tap_ok(x, "field.khac");
    assert_int_equal(scan(x, "12345"), 0);
    assert_null(x->flow.notice);
}

/* ---- officers --------------------------------------------------------- */

static void test_badge_sign_in_and_out(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    assert_int_equal(scan(x, "CB:CB001"), 1);
    assert_string_equal(x->flow.officer, "CB001");
    assert_int_equal(x->fake.officer_calls, 1);
    assert_string_equal(x->fake.officer, "CB001");
    assert_string_equal(x->flow.notice, "notice.signed_in");
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.rated_calls, 0);

    complete_short(x, 5);
    r = last_commit(x);
    assert_string_equal(r->officer, "CB001");
    tap_ok(x, "done");

    /* Another officer takes over without signing the first out. */
    assert_int_equal(scan(x, "CB:CB002"), 1);
    assert_string_equal(x->flow.officer, "CB002");
    assert_int_equal(x->fake.officer_calls, 2);
    assert_string_equal(x->fake.officer, "CB002");

    /* The same badge again signs out. */
    assert_int_equal(scan(x, "CB:CB002"), 1);
    assert_string_equal(x->flow.officer, "");
    assert_int_equal(x->fake.officer_calls, 3);
    assert_string_equal(x->fake.officer, "");
    assert_string_equal(x->flow.notice, "notice.signed_out");

    x->now += 20000;
    complete_short(x, 5);
    assert_string_equal(last_commit(x)->officer, "");
}

static void test_badge_unknown_officer_refused(void **state)
{
    fixture_t *x = begin(state);

    assert_int_equal(scan(x, "CB:CB001"), 1);
    assert_int_equal(scan(x, "CB:CB999"), 1);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    assert_string_equal(x->flow.officer, "CB001");
    assert_int_equal(x->fake.officer_calls, 1);
    assert_int_equal(scan(x, "CB:"), 1);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    assert_string_equal(x->flow.officer, "CB001");
    /* Leading spaces after the prefix are the scanner's, not the code's. */
    assert_int_equal(scan(x, "CB:  CB001"), 1);
    assert_string_equal(x->flow.officer, "");
    assert_int_equal(x->fake.officer_calls, 2);
}

static void test_badge_any_officer_without_list(void **state)
{
    fixture_t *x = *state;

    x->config.n_officers = 0;
    begin(state);
    assert_int_equal(scan(x, "CB:QUAY-7"), 1);
    assert_string_equal(x->flow.officer, "QUAY-7");
    assert_string_equal(x->fake.officer, "QUAY-7");
    assert_string_equal(x->flow.notice, "notice.signed_in");
}

static void test_badge_prefix_from_config(void **state)
{
    fixture_t *x = *state;

    snprintf(x->config.badge_prefix, CONFIG_CODE_MAX, "OFF#");
    begin(state);
    /* The old prefix is now just bad input. */
    assert_int_equal(scan(x, "CB:CB001"), 1);
    assert_string_equal(x->flow.notice, "notice.bad_code");
    assert_string_equal(x->flow.officer, "");
    assert_int_equal(scan(x, "OFF#CB002"), 1);
    assert_string_equal(x->flow.officer, "CB002");
}

static void test_badge_ignored_mid_survey(void **state)
{
    fixture_t *x = begin(state);

    assert_int_equal(scan(x, "CB:CB001"), 1);
    tap_ok(x, "start");
    assert_int_equal(scan(x, "CB:CB002"), 0);
    assert_int_equal(scan(x, "CB:CB001"), 0);
    tap_ok(x, "field.dat-dai");
    assert_int_equal(scan(x, "CB:CB001"), 0);
    answer(x, 5);
    assert_int_equal(scan(x, "CB:CB002"), 0);
    assert_string_equal(x->flow.officer, "CB001");
    assert_int_equal(x->fake.officer_calls, 1);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    assert_int_equal(scan(x, "CB:CB002"), 0); /* thanks */
    assert_string_equal(last_commit(x)->officer, "CB001");
    assert_int_equal(x->fake.officer_calls, 1);
}

static void test_restore_officer_without_callback(void **state)
{
    fixture_t *x = begin(state);

    flow_restore_officer(&x->flow, "CB002");
    assert_int_equal(x->fake.officer_calls, 0);
    complete_short(x, 4);
    assert_string_equal(last_commit(x)->officer, "CB002");
    tap_ok(x, "done");
    assert_int_equal(scan(x, "CB:CB002"), 1);
    assert_string_equal(x->flow.officer, "");
    assert_int_equal(x->fake.officer_calls, 1);
}

/* ---- administration --------------------------------------------------- */

static void corner_taps(fixture_t *x, int n, uint64_t gap)
{
    int i;

    for (i = 0; i < n; i++) {
        x->now += gap;
        tap(x, "admin.corner");
    }
}

static void test_admin_corner_opens_pin(void **state)
{
    fixture_t *x = begin(state);
    int i;

    for (i = 0; i < 4; i++) {
        x->now += 500;
        assert_int_equal(tap(x, "admin.corner"), 0);
        expect_screen(x, FLOW_IDLE);
    }
    x->now += 500;
    assert_int_equal(tap(x, "admin.corner"), 1);
    expect_screen(x, FLOW_PIN);
    assert_string_equal(x->flow.pin, "");
    assert_int_equal(x->flow.pin_failed, 0);
}

static void test_admin_corner_slow_taps(void **state)
{
    fixture_t *x = begin(state);

    /* Five taps a second apart span four seconds: more than the window. */
    corner_taps(x, 5, 1000);
    expect_screen(x, FLOW_IDLE);
    /* The fifth started a new window; four more inside it open the PIN. */
    corner_taps(x, 3, 100);
    expect_screen(x, FLOW_IDLE);
    corner_taps(x, 1, 100);
    expect_screen(x, FLOW_PIN);
}

static void test_admin_corner_window_edge(void **state)
{
    fixture_t *x = begin(state);

    /* The last of five taps exactly at the end of the window counts. */
    corner_taps(x, 1, 1000);
    corner_taps(x, 3, 500);
    corner_taps(x, 1, 1500);
    expect_screen(x, FLOW_PIN);
}

static void test_admin_corner_only_on_idle(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    corner_taps(x, 6, 100);
    expect_screen(x, FLOW_FIELD);
    tap_ok(x, "field.dat-dai");
    corner_taps(x, 6, 100);
    expect_question(x, "overall");
}

static void test_admin_corner_from_config(void **state)
{
    fixture_t *x = *state;

    x->config.admin_taps = 3;
    x->config.admin_window_ms = 1000;
    begin(state);
    corner_taps(x, 3, 600); /* spans 1200 ms */
    expect_screen(x, FLOW_IDLE);
    corner_taps(x, 2, 400);
    expect_screen(x, FLOW_PIN);
}

static void enter_pin_screen(fixture_t *x)
{
    corner_taps(x, x->config.admin_taps, 100);
    expect_screen(x, FLOW_PIN);
}

static void type_pin(fixture_t *x, const char *digits)
{
    char id[16];

    for (; *digits; digits++) {
        snprintf(id, sizeof(id), "pin.%c", *digits);
        tap_ok(x, id);
    }
}

static void test_pin_wrong_then_right(void **state)
{
    fixture_t *x = begin(state);
    size_t i;

    enter_pin_screen(x);
    type_pin(x, "1234");
    assert_string_equal(x->flow.pin, "1234");
    tap_ok(x, "pin.ok");
    assert_int_equal(x->fake.pin_calls, 1);
    assert_string_equal(x->fake.pin_tried, "1234");
    expect_screen(x, FLOW_PIN);
    assert_int_equal(x->flow.pin_failed, 1);
    /* The PIN is wiped, not just cut short. */
    for (i = 0; i < sizeof(x->flow.pin); i++)
        assert_int_equal(x->flow.pin[i], 0);

    type_pin(x, "2");
    assert_int_equal(x->flow.pin_failed, 0);
    type_pin(x, "49");
    tap_ok(x, "pin.del");
    type_pin(x, "68");
    assert_string_equal(x->flow.pin, KIOSK_PIN);
    tap_ok(x, "pin.ok");
    assert_int_equal(x->fake.pin_calls, 2);
    assert_string_equal(x->fake.pin_tried, KIOSK_PIN);
    expect_screen(x, FLOW_ADMIN);
    assert_int_equal(x->flow.pin_failed, 0);
    assert_string_equal(x->flow.pin, "");
}

static void test_pin_keys(void **state)
{
    fixture_t *x = begin(state);

    enter_pin_screen(x);
    /* ok on an empty PIN fails without asking the host. */
    tap_ok(x, "pin.ok");
    assert_int_equal(x->flow.pin_failed, 1);
    assert_int_equal(x->fake.pin_calls, 0);
    tap_ok(x, "pin.del"); /* harmless when empty */
    assert_string_equal(x->flow.pin, "");
    assert_int_equal(tap(x, "pin.x"), 0);
    assert_int_equal(tap(x, "pin.12"), 0);
    assert_int_equal(tap(x, "pin."), 0);
    assert_int_equal(tap(x, "answer.5"), 0);
    assert_string_equal(x->flow.pin, "");
    /* At most FLOW_PIN_MAX digits are kept. */
    type_pin(x, "1234567890123456");
    assert_int_equal(strlen(x->flow.pin), FLOW_PIN_MAX);
    assert_string_equal(x->flow.pin, "123456789012");
    tap_ok(x, "back");
    expect_screen(x, FLOW_IDLE);
    assert_string_equal(x->flow.pin, "");
}

static void test_pin_screen_times_out(void **state)
{
    fixture_t *x = begin(state);

    enter_pin_screen(x);
    type_pin(x, "24");
    assert_int_equal(flow_next_deadline(&x->flow), x->now + 30000);
    advance(x, 29999);
    expect_screen(x, FLOW_PIN);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
    assert_string_equal(x->flow.pin, "");
    assert_int_equal(x->fake.commit_calls, 0);
}

static void test_admin_screen(void **state)
{
    fixture_t *x = begin(state);

    assert_int_equal(scan(x, "CB:CB001"), 1);
    advance(x, FLOW_NOTICE_MS); /* the sign-in notice is gone */
    enter_pin_screen(x);
    type_pin(x, KIOSK_PIN);
    tap_ok(x, "pin.ok");
    expect_screen(x, FLOW_ADMIN);
    assert_int_equal(flow_next_deadline(&x->flow),
                     x->now + FLOW_ADMIN_TIMEOUT_MS);
    assert_int_equal(tap(x, "start"), 0);

    tap_ok(x, "admin.signout");
    assert_string_equal(x->flow.officer, "");
    assert_int_equal(x->fake.officer_calls, 2);
    assert_string_equal(x->fake.officer, "");
    expect_screen(x, FLOW_ADMIN);

    /* A badge works on the admin screen. */
    assert_int_equal(scan(x, "CB:CB002"), 1);
    assert_string_equal(x->flow.officer, "CB002");
    expect_screen(x, FLOW_ADMIN);

    assert_int_equal(x->flow.exit_requested, 0);
    tap_ok(x, "admin.exit");
    assert_int_equal(x->flow.exit_requested, 1);

    tap_ok(x, "done");
    expect_screen(x, FLOW_IDLE);
    assert_string_equal(x->flow.officer, "CB002");
}

static void test_admin_screen_times_out(void **state)
{
    fixture_t *x = begin(state);

    enter_pin_screen(x);
    type_pin(x, KIOSK_PIN);
    tap_ok(x, "pin.ok");
    /* Far longer than the citizen inactivity time is fine here. */
    advance(x, 60000);
    expect_screen(x, FLOW_ADMIN);
    tap_ok(x, "admin.signout");
    advance(x, FLOW_ADMIN_TIMEOUT_MS - 1);
    expect_screen(x, FLOW_ADMIN);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->flow.exit_requested, 0);
}

/* The touch grid: each cell is remembered once, a cell past the grid is
 * no cell, a new run starts empty, and leaving returns to admin. */
static void test_admin_touch_grid(void **state)
{
    fixture_t *x = begin(state);
    char id[16];
    int i;

    enter_pin_screen(x);
    type_pin(x, KIOSK_PIN);
    tap_ok(x, "pin.ok");
    tap_ok(x, "admin.selftest");
    expect_screen(x, FLOW_SELFTEST);
    assert_string_equal(flow_screen_id(FLOW_SELFTEST), "selftest");
    assert_int_equal(x->flow.grid_round, 1);
    assert_int_equal(x->flow.grid_tapped, 0);
    assert_int_equal(tap(x, "grid.12"), 0);
    assert_int_equal(tap(x, "grid.-1"), 0);
    assert_int_equal(tap(x, "grid.1x"), 0);
    assert_int_equal(tap(x, "admin.exit"), 0);
    for (i = 0; i < FLOW_GRID_CELLS; i++) {
        snprintf(id, sizeof(id), "grid.%d", i);
        tap_ok(x, id);
        tap_ok(x, id);
    }
    assert_int_equal(x->flow.grid_tapped, (1u << FLOW_GRID_CELLS) - 1);
    tap_ok(x, "done");
    expect_screen(x, FLOW_ADMIN);
    tap_ok(x, "admin.selftest");
    assert_int_equal(x->flow.grid_round, 2);
    assert_int_equal(x->flow.grid_tapped, 0);
    assert_int_equal(flow_next_deadline(&x->flow),
                     x->now + FLOW_ADMIN_TIMEOUT_MS);
    advance(x, FLOW_ADMIN_TIMEOUT_MS);
    expect_screen(x, FLOW_IDLE);
}

/* ---- shutdown --------------------------------------------------------- */

static void test_shutdown_keeps_answers_as_partial(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.xay-dung");
    answer(x, 4);
    /* Stopped during a highlight: the tapped answer is already given. */
    tap_ok(x, "answer.2");
    x->now += 100;
    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_IDLE);
    assert_int_equal(x->fake.commits, 1);
    r = last_commit(x);
    assert_int_equal(r->partial, 1);
    assert_int_equal(r->suppressed, MISUSE_OK);
    assert_int_equal(r->n_answers, 2);
    assert_int_equal(value_of(x, r, "overall"), 4);
    assert_int_equal(value_of(x, r, "tiep-can"), 2);
    assert_string_equal(r->field, "xay-dung");
    assert_int_equal(r->finished_ms, x->now);
    assert_int_equal(flow_highlight_deadline(&x->flow), 0);
}

static void test_shutdown_without_answers_stores_nothing(void **state)
{
    fixture_t *x = begin(state);

    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_IDLE);
    tap_ok(x, "start");
    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_IDLE);
    tap_ok(x, "start");
    tap_ok(x, "field.khac");
    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_IDLE);
    /* Nor on the thanks screen: that response is stored already. */
    complete_short(x, 5);
    flow_shutdown(&x->flow, x->now);
    assert_int_equal(x->fake.commit_calls, 1);
    /* Nor from the PIN screen. */
    enter_pin_screen(x);
    type_pin(x, "12");
    flow_shutdown(&x->flow, x->now);
    assert_int_equal(x->fake.commit_calls, 1);
}

static void test_shutdown_while_paused(void **state)
{
    fixture_t *x = begin(state);

    x->fake.fail_next = 1;
    tap_ok(x, "start");
    tap_ok(x, "field.khac");
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    answer(x, 5);
    expect_screen(x, FLOW_PAUSED);
    /* No second attempt, and not as a partial. */
    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_PAUSED);
    assert_int_equal(x->fake.commit_calls, 1);
    assert_int_equal(x->fake.commits, 0);

    flow_set_out_of_service(&x->flow);
    flow_shutdown(&x->flow, x->now);
    expect_screen(x, FLOW_OUT_OF_SERVICE);
    assert_int_equal(x->fake.commit_calls, 1);
}

/* ---- language --------------------------------------------------------- */

static void test_language(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    assert_string_equal(flow_lang_code(&x->flow), "vi");
    assert_int_equal(tap(x, "lang.fr"), 0);
    assert_int_equal(tap(x, "lang."), 0);
    assert_string_equal(flow_lang_code(&x->flow), "vi");
    tap_ok(x, "lang.en");
    assert_int_equal(x->flow.lang, 1);
    assert_string_equal(flow_lang_code(&x->flow), "en");
    expect_screen(x, FLOW_IDLE);

    tap_ok(x, "start");
    /* Only the idle screen offers languages. */
    assert_int_equal(tap(x, "lang.vi"), 0);
    tap_ok(x, "field.dat-dai");
    assert_int_equal(tap(x, "lang.vi"), 0);
    answer(x, 5);
    answer_rest_high(x);
    r = last_commit(x);
    assert_string_equal(r->lang, "en");
    /* The thanks screen is still in the citizen's language ... */
    assert_string_equal(flow_lang_code(&x->flow), "en");
    /* ... and the next citizen starts in the default one. */
    tap_ok(x, "done");
    assert_string_equal(flow_lang_code(&x->flow), "vi");
    assert_int_equal(x->flow.lang, 0);

    x->now += 20000;
    complete_short(x, 5);
    assert_string_equal(last_commit(x)->lang, "vi");
    advance(x, 5000);
    expect_screen(x, FLOW_IDLE);

    /* Back to idle by the back button resets it as well. */
    tap_ok(x, "lang.en");
    tap_ok(x, "start");
    tap_ok(x, "back");
    assert_string_equal(flow_lang_code(&x->flow), "vi");
}

static void test_language_list_from_config(void **state)
{
    fixture_t *x = *state;

    x->config.n_langs = 3;
    snprintf(x->config.langs[2], sizeof(x->config.langs[2]), "km");
    begin(state);
    tap_ok(x, "lang.km");
    assert_string_equal(flow_lang_code(&x->flow), "km");
    tap_ok(x, "start");
    assert_string_equal(x->flow.resp.lang, "km");
}

/* ---- deadlines -------------------------------------------------------- */

static void test_next_deadline(void **state)
{
    fixture_t *x = begin(state);
    uint64_t t;

    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);

    x->now += 100;
    t = x->now;
    tap_ok(x, "start");
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);
    /* Ticks are not input. */
    advance(x, 1000);
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);

    /* A notice shorter than the inactivity time comes first. */
    scan(x, "not a code");
    assert_int_equal(flow_next_deadline(&x->flow), x->now + FLOW_NOTICE_MS);
    advance(x, FLOW_NOTICE_MS);
    assert_null(x->flow.notice);

    t = x->now;
    tap_ok(x, "field.dat-dai");
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);
    tap_ok(x, "answer.5");
    assert_int_equal(flow_next_deadline(&x->flow), t + 250);
    advance(x, 250);
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);

    /* On the reasons screen as on a question. */
    x->now += 3000;
    t = x->now;
    answer(x, 2);
    expect_screen(x, FLOW_REASONS);
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);
    x->now += 100;
    t = x->now;
    reason(x, "cho-lau");
    assert_int_equal(flow_next_deadline(&x->flow), t + 30000);
    tap_ok(x, "next");

    answer(x, 4);
    answer(x, 4);
    answer(x, 4);
    answer(x, 4);
    expect_screen(x, FLOW_THANKS);
    assert_int_equal(flow_next_deadline(&x->flow), x->now + 5000);
    tap_ok(x, "done");
    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);

    /* The configured inactivity time is used. */
    x->config.inactivity_ms = 7000;
    t = x->now;
    tap_ok(x, "start");
    assert_int_equal(flow_next_deadline(&x->flow), t + 7000);
    advance(x, 7000);
    expect_screen(x, FLOW_IDLE);
}

/* ---- other surveys ---------------------------------------------------- */

static void test_c01_counter_values(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.tu-phap");
    expect_question(x, "overall");
    /* The overall question is on a 3..1 scale: no 0, no 4. */
    assert_int_equal(tap(x, "answer.0"), 0);
    assert_int_equal(tap(x, "answer.4"), 0);
    answer(x, 2); /* 2 > when_le 1: no reasons */
    expect_screen(x, FLOW_QUESTION);
    expect_question(x, "c01-3");
    assert_int_equal(tap(x, "answer.3"), 0);
    answer(x, 0);
    expect_question(x, "c01-4");
    answer(x, 1);
    expect_question(x, "c01-7");
    answer(x, 0);
    expect_screen(x, FLOW_THANKS);

    r = last_commit(x);
    assert_int_equal(r->n_answers, 4);
    assert_int_equal(value_of(x, r, "overall"), 2);
    assert_int_equal(value_of(x, r, "c01-3"), 0);
    assert_int_equal(value_of(x, r, "c01-4"), 1);
    assert_int_equal(value_of(x, r, "c01-7"), 0);
    assert_int_equal(count_of(x, r, "c01-3"), 1);
    assert_string_equal(x->survey->questions[r->answers[1].question].element,
                        "c01-3");
    assert_string_equal(x->survey->questions[r->answers[3].question].element,
                        "c01-7");
}

static void test_c01_counter_follow_up(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;

    tap_ok(x, "start");
    tap_ok(x, "field.tu-phap");
    answer(x, 1); /* 1 <= when_le 1 */
    expect_screen(x, FLOW_REASONS);
    reason(x, "di-lai-nhieu-lan");
    tap_ok(x, "next");
    expect_question(x, "c01-3");
    /* 0 on a question without a follow-up opens nothing. */
    answer(x, 0);
    expect_question(x, "c01-4");
    tap_ok(x, "skip");
    expect_question(x, "c01-7");
    answer(x, 2);
    r = last_commit(x);
    assert_int_equal(value_of(x, r, "overall"), 1);
    assert_int_equal(value_of(x, r, "c01-3"), 0);
    assert_int_equal(value_of(x, r, "c01-4"), -1);
    assert_int_equal(value_of(x, r, "c01-7"), 2);
    assert_true(has_code(x, r, "reasons", "di-lai-nhieu-lan"));
    assert_int_equal(r->n_answers, 4);
}

static void test_full_expectations_max_choices(void **state)
{
    fixture_t *x = begin(state);
    const flow_response_t *r;
    int pos, count, i;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 5);
    for (i = 1; i <= 20; i++) {
        expect_screen(x, FLOW_QUESTION);
        tap_ok(x, "skip");
    }
    expect_screen(x, FLOW_CHOICES);
    assert_string_equal(flow_screen_id(x->flow.screen), "choices");
    expect_question(x, "mong-doi");
    flow_progress(&x->flow, &pos, &count);
    assert_int_equal(pos, 22);
    assert_int_equal(count, 22);

    reason(x, "thong-tin");
    reason(x, "nang-luc");
    reason(x, "cong-nghe");
    assert_int_equal(n_shown_chosen(x), 3);
    /* A fourth priority is refused ... */
    assert_int_equal(reason_tap(x, "nhanh-hon"), 0);
    assert_int_equal(shown_chosen(x, "nhanh-hon"), 0);
    assert_int_equal(n_shown_chosen(x), 3);
    /* ... until one is taken back. */
    reason(x, "nang-luc");
    assert_int_equal(n_shown_chosen(x), 2);
    reason(x, "nhanh-hon");
    assert_int_equal(n_shown_chosen(x), 3);
    assert_int_equal(reason_tap(x, "giam-chi-phi"), 0);
    tap_ok(x, "next");
    expect_screen(x, FLOW_THANKS);

    r = last_commit(x);
    assert_int_equal(r->n_answers, 4);
    assert_int_equal(value_of(x, r, "overall"), 5);
    assert_int_equal(count_of(x, r, "mong-doi"), 3);
    assert_true(has_code(x, r, "mong-doi", "thong-tin"));
    assert_true(has_code(x, r, "mong-doi", "cong-nghe"));
    assert_true(has_code(x, r, "mong-doi", "nhanh-hon"));
    assert_false(has_code(x, r, "mong-doi", "nang-luc"));
    assert_int_equal(count_of(x, r, "reasons"), 0);
}

static void test_full_back_onto_choices_shows_them(void **state)
{
    fixture_t *x = begin(state);
    int i;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 5);
    for (i = 1; i <= 19; i++)
        tap_ok(x, "skip");
    expect_question(x, "gy-thong-bao");
    answer(x, 4);
    expect_question(x, "mong-doi");
    reason(x, "gop-y");
    tap_ok(x, "back");
    expect_question(x, "gy-thong-bao");
    /* Choices not confirmed with next are not kept. */
    assert_int_equal(count_of(x, &x->flow.resp, "mong-doi"), 0);
    answer(x, 4);
    expect_question(x, "mong-doi");
    assert_int_equal(n_shown_chosen(x), 0);
}

/* ---- screens ---------------------------------------------------------- */

static void test_screen_ids(void **state)
{
    (void)state;
    assert_string_equal(flow_screen_id(FLOW_IDLE), "idle");
    assert_string_equal(flow_screen_id(FLOW_FIELD), "field");
    assert_string_equal(flow_screen_id(FLOW_QUESTION), "question");
    assert_string_equal(flow_screen_id(FLOW_REASONS), "reasons");
    assert_string_equal(flow_screen_id(FLOW_CHOICES), "choices");
    assert_string_equal(flow_screen_id(FLOW_THANKS), "thanks");
    assert_string_equal(flow_screen_id(FLOW_ALREADY), "already-rated");
    assert_string_equal(flow_screen_id(FLOW_PIN), "pin");
    assert_string_equal(flow_screen_id(FLOW_ADMIN), "admin");
    assert_string_equal(flow_screen_id(FLOW_PAUSED), "paused");
    assert_string_equal(flow_screen_id(FLOW_OUT_OF_SERVICE),
                        "out-of-service");
    assert_string_equal(flow_screen_id(FLOW_SCREEN_COUNT), "unknown");
    assert_string_equal(flow_screen_id((flow_screen_t)-1), "unknown");
}

static void test_out_of_service(void **state)
{
    fixture_t *x = begin(state);

    flow_set_out_of_service(&x->flow);
    expect_screen(x, FLOW_OUT_OF_SERVICE);
    assert_int_equal(tap(x, "start"), 0);
    assert_int_equal(tap(x, "admin.corner"), 0);
    assert_int_equal(scan(x, DOSSIER_A), 0);
    assert_int_equal(scan(x, "CB:CB001"), 0);
    advance(x, 600000);
    expect_screen(x, FLOW_OUT_OF_SERVICE);
    assert_int_equal(x->fake.commit_calls, 0);
    assert_int_equal(x->fake.rated_calls, 0);
    assert_true(flow_next_deadline(&x->flow) == UINT64_MAX);
}

#define SHORT(fn) cmocka_unit_test_setup_teardown(fn, setup_short, teardown)
#define FULL(fn) cmocka_unit_test_setup_teardown(fn, setup_full, teardown)
#define C01(fn) cmocka_unit_test_setup_teardown(fn, setup_c01, teardown)


static void open_pin(fixture_t *x)
{
    int i;

    for (i = 0; i < x->config.admin_taps; i++)
        tap(x, "admin.corner");
}

static void enter_pin(fixture_t *x, const char *pin)
{
    char id[16];

    for (; *pin; pin++) {
        snprintf(id, sizeof(id), "pin.%c", *pin);
        tap_ok(x, id);
    }
    tap_ok(x, "pin.ok");
}

/* After FLOW_PIN_TRIES wrong PINs the gesture is dead for the lock time,
 * even the right PIN cannot be tried; afterwards it works again. */
static void test_pin_lockout(void **state)
{
    fixture_t *x = begin(state);
    int i;

    open_pin(x);
    expect_screen(x, FLOW_PIN);
    for (i = 0; i < FLOW_PIN_TRIES - 1; i++) {
        enter_pin(x, "0000");
        expect_screen(x, FLOW_PIN);
    }
    enter_pin(x, "0000");
    expect_screen(x, FLOW_IDLE);
    open_pin(x);
    expect_screen(x, FLOW_IDLE);
    advance(x, FLOW_PIN_LOCK_MS - 1000);
    open_pin(x);
    expect_screen(x, FLOW_IDLE);
    advance(x, 1000);
    open_pin(x);
    expect_screen(x, FLOW_PIN);
    enter_pin(x, KIOSK_PIN);
    expect_screen(x, FLOW_ADMIN);
}

/* A right PIN resets the count of wrong ones. */
static void test_pin_failures_reset_on_success(void **state)
{
    fixture_t *x = begin(state);
    int i;

    open_pin(x);
    for (i = 0; i < FLOW_PIN_TRIES - 1; i++)
        enter_pin(x, "1111");
    enter_pin(x, KIOSK_PIN);
    expect_screen(x, FLOW_ADMIN);
    tap_ok(x, "done");
    open_pin(x);
    enter_pin(x, "1111");
    expect_screen(x, FLOW_PIN);
}

/* Back from the first question returns to the field screen even after it
 * was answered; the answers stay and the survey resumes. */
static void test_back_to_field_keeps_answers(void **state)
{
    fixture_t *x = begin(state);

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    answer(x, 5);
    expect_question(x, "tiep-can");
    tap_ok(x, "back");
    expect_question(x, "overall");
    tap_ok(x, "back");
    expect_screen(x, FLOW_FIELD);
    assert_int_equal(x->fake.commit_calls, 0);
    tap_ok(x, "field.xay-dung");
    expect_question(x, "overall");
    assert_int_equal(x->flow.selected, 5);
    answer(x, 4);
    answer_rest_high(x);
    expect_screen(x, FLOW_THANKS);
    assert_string_equal(last_commit(x)->field, "xay-dung");
    assert_int_equal(value_of(x, last_commit(x), "overall"), 4);
}

/* Scanners may pad a badge with spaces. */
static void test_badge_spaces_trimmed(void **state)
{
    fixture_t *x = begin(state);

    assert_int_equal(scan(x, "CB:  CB002  "), 1);
    assert_string_equal(x->flow.officer, "CB002");
}

/* The admin screen signs a listed officer in; unknown codes are refused. */
static void test_admin_signs_officer_in(void **state)
{
    fixture_t *x = begin(state);

    open_pin(x);
    enter_pin(x, KIOSK_PIN);
    expect_screen(x, FLOW_ADMIN);
    assert_int_equal(tap(x, "officer.NOBODY"), 0);
    tap_ok(x, "officer.CB002");
    assert_string_equal(x->flow.officer, "CB002");
    assert_string_equal(x->fake.officer, "CB002");
    assert_int_equal(x->fake.officer_calls, 1);
    tap_ok(x, "officer.CB002"); /* already on duty: no second shift */
    assert_int_equal(x->fake.officer_calls, 1);
    tap_ok(x, "admin.signout");
    assert_string_equal(x->flow.officer, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SHORT(test_short_survey_path),
        SHORT(test_view_for_one_citizen),
        SHORT(test_view_reset_on_idle_timeout),
        SHORT(test_pin_lockout),
        SHORT(test_pin_failures_reset_on_success),
        SHORT(test_back_to_field_keeps_answers),
        SHORT(test_badge_spaces_trimmed),
        SHORT(test_admin_signs_officer_in),
        SHORT(test_single_field_skips_field_screen),
        SHORT(test_field_list_empty_goes_straight_to_questions),
        SHORT(test_highlight),
        SHORT(test_no_highlight_advances_at_once),
        SHORT(test_answer_ids_checked_against_scale),
        SHORT(test_low_answer_opens_reasons_once),
        SHORT(test_empty_reasons_allowed),
        SHORT(test_reasons_from_a_later_question),
        SHORT(test_skip_on_reasons_records_nothing),
        SHORT(test_skip),
        SHORT(test_skip_clears_an_earlier_answer),
        SHORT(test_back_from_first_question_returns_to_field),
        SHORT(test_back_from_field_returns_to_idle),
        SHORT(test_back_shows_previous_answer),
        SHORT(test_back_from_reasons_clears_reasons),
        SHORT(test_back_and_forth_through_reasons),
        SHORT(test_inactivity_commits_partial),
        SHORT(test_inactivity_on_reasons_keeps_answers),
        SHORT(test_inactivity_without_answers),
        SHORT(test_idle_never_times_out),
        SHORT(test_thanks_returns_to_idle),
        SHORT(test_thanks_time_from_config),
        SHORT(test_commit_failure_keeps_response),
        SHORT(test_commit_failure_of_partial_ends_on_idle),
        SHORT(test_too_soon_is_still_committed),
        SHORT(test_burst_is_flagged),
        SHORT(test_misuse_rules_off),
        SHORT(test_dossier_scan_at_idle),
        SHORT(test_dossier_scan_single_field_keeps_field),
        SHORT(test_dossier_scan_on_field_screen),
        SHORT(test_dossier_scan_keeps_chosen_field),
        SHORT(test_dossier_already_rated),
        SHORT(test_dossier_lookup_error_does_not_turn_away),
        SHORT(test_dossier_scan_after_first_answer_ignored),
        SHORT(test_invalid_scan_notice),
        SHORT(test_badge_sign_in_and_out),
        SHORT(test_badge_unknown_officer_refused),
        SHORT(test_badge_any_officer_without_list),
        SHORT(test_badge_prefix_from_config),
        SHORT(test_badge_ignored_mid_survey),
        SHORT(test_restore_officer_without_callback),
        SHORT(test_admin_corner_opens_pin),
        SHORT(test_admin_corner_slow_taps),
        SHORT(test_admin_corner_window_edge),
        SHORT(test_admin_corner_only_on_idle),
        SHORT(test_admin_corner_from_config),
        SHORT(test_pin_wrong_then_right),
        SHORT(test_pin_keys),
        SHORT(test_pin_screen_times_out),
        SHORT(test_admin_screen),
        SHORT(test_admin_screen_times_out),
        SHORT(test_admin_touch_grid),
        SHORT(test_shutdown_keeps_answers_as_partial),
        SHORT(test_shutdown_without_answers_stores_nothing),
        SHORT(test_shutdown_while_paused),
        SHORT(test_commit_fault_is_out_of_service),
        SHORT(test_language),
        SHORT(test_language_list_from_config),
        SHORT(test_next_deadline),
        C01(test_c01_counter_values),
        C01(test_c01_counter_follow_up),
        FULL(test_full_expectations_max_choices),
        FULL(test_full_back_onto_choices_shows_them),
        cmocka_unit_test(test_screen_ids),
        SHORT(test_out_of_service),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
