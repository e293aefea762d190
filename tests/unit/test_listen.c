/* Listening ("Nghe"): prompts asked for, two touches to choose, the doubled
 * timeout, the reset for the next citizen; and the prompts' file names. */
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
#include "core/survey.h"
#include "core/voice.h"

#include "testutil.h"

#define SHORT_SURVEY "assets/surveys/sipas-short.json"
#define T_BOOT UINT64_C(3600000)

typedef struct fixture {
    config_t config;
    survey_t *survey;
    flow_ops_t ops;
    flow_t flow;
    uint64_t now;
    int commits;
    flow_response_t last;
} fixture_t;

static int fake_rated(void *ctx, const char *dossier)
{
    (void)ctx;
    (void)dossier;
    return 0;
}

static int fake_commit(void *ctx, const flow_response_t *r, int64_t *seq)
{
    fixture_t *x = ctx;

    x->last = *r;
    *seq = ++x->commits;
    return 0;
}

static int fake_pin(void *ctx, const char *pin)
{
    (void)ctx;
    (void)pin;
    return 0;
}

static void fake_officer(void *ctx, const char *code)
{
    (void)ctx;
    (void)code;
}

static int setup(void **state)
{
    fixture_t *x = calloc(1, sizeof(*x));
    size_t n;
    char *text;
    err_t err;

    if (!x)
        return -1;
    text = testutil_read_file(SHORT_SURVEY, &n);
    if (survey_parse(text, n, SHORT_SURVEY, &x->survey, &err) != 0) {
        free(text);
        free(x);
        return -1;
    }
    free(text);
    config_defaults(&x->config);
    x->ops.ctx = x;
    x->ops.dossier_rated = fake_rated;
    x->ops.commit = fake_commit;
    x->ops.pin_ok = fake_pin;
    x->ops.officer_changed = fake_officer;
    x->now = T_BOOT;
    flow_init(&x->flow, x->survey, &x->config, &x->ops, x->now);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *x = *state;

    survey_free(x->survey);
    free(x);
    return 0;
}

static void tap_ok(fixture_t *x, const char *id)
{
    if (flow_tap(&x->flow, id, x->now) != 1)
        fail_msg("tap %s ignored on %s", id, flow_screen_id(x->flow.screen));
}

static void advance(fixture_t *x, uint64_t ms)
{
    x->now += ms;
    flow_tick(&x->flow, x->now);
}

static void expect_screen(const fixture_t *x, flow_screen_t s)
{
    assert_string_equal(flow_screen_id(x->flow.screen), flow_screen_id(s));
}

static void expect_said(const fixture_t *x, unsigned seq, flow_say_kind_t k,
                        const char *name)
{
    char buf[VOICE_NAME_MAX];
    const flow_say_t *s = &x->flow.say;

    assert_int_equal(s->seq, seq);
    assert_int_equal(s->kind, k);
    if (k == FLOW_SAY_QUESTION)
        assert_int_equal(voice_name_question(x->survey, s->question, buf,
                                             sizeof(buf)), 0);
    else if (k == FLOW_SAY_OPTION)
        assert_int_equal(voice_name_option(x->survey, s->question, s->option,
                                           buf, sizeof(buf)), 0);
    else
        assert_int_equal(voice_name_ui(s->key, buf, sizeof(buf)), 0);
    assert_string_equal(buf, name);
}

/* Listening is switched on at idle, reads the question as it appears,
 * and takes an answer only at its second touch. */
static void test_two_touches_choose(void **state)
{
    fixture_t *x = *state;

    assert_int_equal(x->flow.say.seq, 0);
    tap_ok(x, VIEW_ID_LISTEN);
    assert_true(x->flow.view.listen);
    expect_said(x, 1, FLOW_SAY_UI, "ui.voice.on");
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    expect_screen(x, FLOW_QUESTION);
    expect_said(x, 2, FLOW_SAY_QUESTION, "sipas-short.overall");

    /* First touch: read and marked, nothing taken. */
    tap_ok(x, "answer.4");
    expect_said(x, 3, FLOW_SAY_OPTION, "sipas-short.sipas5.4");
    assert_int_equal(x->flow.selected, 4);
    assert_int_equal(x->flow.resp.n_answers, 0);
    assert_int_equal(x->flow.highlight_until, 0);
    /* Another answer: read, the mark moves. */
    tap_ok(x, "answer.5");
    expect_said(x, 4, FLOW_SAY_OPTION, "sipas-short.sipas5.5");
    assert_int_equal(x->flow.selected, 5);
    assert_int_equal(x->flow.resp.n_answers, 0);
    /* The question's text reads the question again. */
    tap_ok(x, FLOW_ID_PROMPT);
    expect_said(x, 5, FLOW_SAY_QUESTION, "sipas-short.overall");
    /* Second touch on the same answer: taken as a tap always is. */
    tap_ok(x, "answer.5");
    assert_int_equal(x->flow.resp.n_answers, 1);
    assert_int_equal(x->flow.resp.answers[0].value, 5);
    advance(x, (uint64_t)x->config.highlight_ms);
    expect_screen(x, FLOW_QUESTION);
    expect_said(x, 6, FLOW_SAY_QUESTION, "sipas-short.tiep-can");
}

/* On the reasons screen a choice is read at its first touch and
 * toggled at its second. */
static void test_reasons_read_then_chosen(void **state)
{
    fixture_t *x = *state;
    const char *code;
    char id[SURVEY_ID_MAX + 8], name[VOICE_NAME_MAX];

    tap_ok(x, VIEW_ID_LISTEN);
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    tap_ok(x, "answer.1");
    tap_ok(x, "answer.1");
    advance(x, (uint64_t)x->config.highlight_ms);
    expect_screen(x, FLOW_REASONS);
    expect_said(x, 4, FLOW_SAY_QUESTION, "sipas-short.reasons");
    code = flow_current_question(&x->flow)->options[0].code;
    snprintf(id, sizeof(id), "reason.%s", code);
    snprintf(name, sizeof(name), "sipas-short.reasons.%s", code);
    tap_ok(x, id);
    expect_said(x, 5, FLOW_SAY_OPTION, name);
    assert_int_equal(x->flow.chosen[0], 0);
    assert_int_equal(x->flow.heard, 0);
    tap_ok(x, id);
    assert_int_equal(x->flow.chosen[0], 1);
    assert_int_equal(x->flow.heard, -1);
    assert_int_equal(x->flow.say.seq, 5);
    tap_ok(x, "next");
    expect_screen(x, FLOW_QUESTION);
}

/* Without listening nothing is asked for, one touch answers, and the
 * prompt id means nothing. */
static void test_silent_without_listening(void **state)
{
    fixture_t *x = *state;

    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    assert_int_equal(flow_tap(&x->flow, FLOW_ID_PROMPT, x->now), 0);
    tap_ok(x, "answer.5");
    assert_int_equal(x->flow.resp.n_answers, 1);
    assert_int_equal(x->flow.say.seq, 0);
}

/* The time a survey may go untouched doubles while listening, and
 * listening is gone for the next citizen. */
static void test_timeout_doubles(void **state)
{
    fixture_t *x = *state;
    uint64_t base = (uint64_t)x->config.inactivity_ms;

    tap_ok(x, VIEW_ID_LISTEN);
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    tap_ok(x, "answer.5");
    tap_ok(x, "answer.5");
    advance(x, (uint64_t)x->config.highlight_ms);
    x->flow.last_input_ms = x->now;
    assert_int_equal(flow_inactivity_ms(&x->flow), 2 * base);
    assert_int_equal(flow_next_deadline(&x->flow), x->now + 2 * base);
    advance(x, base);
    expect_screen(x, FLOW_QUESTION);
    advance(x, base - 1);
    expect_screen(x, FLOW_QUESTION);
    advance(x, 1);
    expect_screen(x, FLOW_IDLE);
    /* the partial response was kept, the view reset */
    assert_int_equal(x->commits, 1);
    assert_int_equal(x->last.partial, 1);
    assert_int_equal(x->flow.view.listen, 0);
    assert_int_equal(flow_inactivity_ms(&x->flow), base);
}

/* After thanks the next citizen starts without listening. */
static void test_thanks_said_and_reset(void **state)
{
    fixture_t *x = *state;
    int i;

    tap_ok(x, VIEW_ID_LISTEN);
    tap_ok(x, "start");
    tap_ok(x, "field.dat-dai");
    for (i = 0; i < 6; i++) {
        tap_ok(x, "answer.5");
        tap_ok(x, "answer.5");
        advance(x, (uint64_t)x->config.highlight_ms);
    }
    expect_screen(x, FLOW_THANKS);
    assert_int_equal(x->commits, 1);
    assert_int_equal(x->last.partial, 0);
    assert_int_equal(x->last.n_answers, 6);
    expect_said(x, x->flow.say.seq, FLOW_SAY_UI, "ui.thanks.title");
    tap_ok(x, "done");
    assert_int_equal(x->flow.view.listen, 0);
    assert_true(view_is_default(&x->flow.view));
}

/* Names are stable, ids only, and cannot leave their folder. */
static void test_names(void **state)
{
    fixture_t *x = *state;
    char buf[VOICE_NAME_MAX], tiny[8];
    survey_t *s = x->survey;
    int qi = survey_find_question(s, "gop-y");

    assert_int_equal(voice_name_question(s, qi, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "sipas-short.gop-y");
    assert_int_equal(voice_name_option(s, qi, 0, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "sipas-short.sipas5.5");
    assert_int_equal(voice_name_ui("thanks.title", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "ui.thanks.title");
    assert_int_equal(voice_name_ui("../x/y z", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "ui..._x_y_z"); /* no separator left */
    assert_int_equal(voice_name_ui("thanks.title", tiny, sizeof(tiny)), -1);
    assert_string_equal(tiny, "");
    assert_int_equal(voice_name_question(s, 99, buf, sizeof(buf)), -1);
    assert_int_equal(voice_name_option(s, qi, 99, buf, sizeof(buf)), -1);
    assert_int_equal(voice_folder("vi", VOICE_NORTH, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "vi");
    assert_int_equal(voice_folder("vi", VOICE_SOUTH, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "vi-south");
    assert_int_equal(voice_folder("km", VOICE_CENTRAL, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "km");
    assert_int_equal(voice_variant_parse("central"), VOICE_CENTRAL);
    assert_int_equal(voice_variant_parse("hue"), -1);
}

/* The configuration picks the regional voice, and refuses others. */
static void test_config_variant(void **state)
{
    config_t c;
    err_t e;
    const char *ok = "{\"voice\": {\"variant\": \"south\"}}";
    const char *bad = "{\"voice\": {\"variant\": \"hue\"}}";

    (void)state;
    config_defaults(&c);
    assert_int_equal(c.voice_variant, VOICE_NORTH);
    assert_int_equal(config_parse(ok, strlen(ok), "t.json", &c, &e), 0);
    assert_int_equal(c.voice_variant, VOICE_SOUTH);
    assert_int_equal(config_parse(bad, strlen(bad), "t.json", &c, &e), -1);
    assert_int_equal(c.voice_variant, VOICE_SOUTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_two_touches_choose, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reasons_read_then_chosen, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_silent_without_listening, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timeout_doubles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_thanks_said_and_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test(test_config_variant),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
