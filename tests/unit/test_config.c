#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

#include "testutil.h"

static void parse_ok(const char *text, config_t *c)
{
    err_t err;
    char msg[600];

    if (config_parse(text, strlen(text), "kiosk.json", c, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("unexpected error: %s", msg);
    }
}

static void assert_config_equal(const config_t *a, const config_t *b)
{
    int i;

    assert_string_equal(a->unit_code, b->unit_code);
    assert_string_equal(a->unit_name, b->unit_name);
    assert_string_equal(a->counter, b->counter);
    assert_int_equal(a->n_fields, b->n_fields);
    for (i = 0; i < a->n_fields; i++)
        assert_string_equal(a->fields[i], b->fields[i]);
    assert_string_equal(a->dossier_field, b->dossier_field);
    assert_string_equal(a->survey, b->survey);
    assert_int_equal(a->n_langs, b->n_langs);
    for (i = 0; i < a->n_langs; i++)
        assert_string_equal(a->langs[i], b->langs[i]);
    assert_int_equal(a->inactivity_ms, b->inactivity_ms);
    assert_int_equal(a->thanks_ms, b->thanks_ms);
    assert_int_equal(a->highlight_ms, b->highlight_ms);
    assert_int_equal(a->min_interval_ms, b->min_interval_ms);
    assert_int_equal(a->burst_count, b->burst_count);
    assert_int_equal(a->burst_window_ms, b->burst_window_ms);
    assert_string_equal(a->admin_pin_hash, b->admin_pin_hash);
    assert_int_equal(a->admin_taps, b->admin_taps);
    assert_int_equal(a->admin_window_ms, b->admin_window_ms);
    assert_string_equal(a->badge_prefix, b->badge_prefix);
    assert_int_equal(a->n_officers, b->n_officers);
    for (i = 0; i < a->n_officers; i++) {
        assert_string_equal(a->officers[i].code, b->officers[i].code);
        assert_string_equal(a->officers[i].name, b->officers[i].name);
    }
    assert_int_equal(a->dpi, b->dpi);
    assert_int_equal(a->touch.rotation, b->touch.rotation);
    assert_true(a->touch.min_x == b->touch.min_x);
    assert_true(a->touch.max_x == b->touch.max_x);
    assert_true(a->touch.min_y == b->touch.min_y);
    assert_true(a->touch.max_y == b->touch.max_y);
    assert_int_equal(a->show_public_figure, b->show_public_figure);
    assert_int_equal(a->reach, b->reach);
    assert_int_equal(a->max_db_bytes, b->max_db_bytes);
}

static void test_defaults(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    assert_string_equal(c.unit_code, "DEMO-XA-01");
    assert_string_equal(c.unit_name, "Trung tâm Phục vụ hành chính công xã Minh Tân");
    assert_string_equal(c.counter, "Quầy 1");
    assert_int_equal(c.n_fields, 5);
    assert_string_equal(c.fields[0], "dat-dai");
    assert_string_equal(c.fields[4], "khac");
    assert_string_equal(c.dossier_field, "khac");
    assert_string_equal(c.survey, "sipas-short");
    assert_int_equal(c.n_langs, 3);
    assert_string_equal(c.langs[0], "vi");
    assert_string_equal(c.langs[1], "en");
    assert_string_equal(c.langs[2], "km");
    assert_false(c.langs_given);
    assert_int_equal(c.inactivity_ms, 30000);
    assert_int_equal(c.thanks_ms, 5000);
    assert_int_equal(c.highlight_ms, 250);
    assert_int_equal(c.min_interval_ms, 10000);
    assert_int_equal(c.burst_count, 6);
    assert_int_equal(c.burst_window_ms, 120000);
    assert_int_equal(c.admin_taps, 5);
    assert_int_equal(c.admin_window_ms, 3000);
    assert_string_equal(c.badge_prefix, "CB:");
    assert_int_equal(c.n_officers, 2);
    assert_string_equal(c.officers[0].code, "CB001");
    assert_string_equal(c.officers[0].name, "Nguyễn Thị Hoa");
    assert_string_equal(c.officers[1].code, "CB002");
    assert_string_equal(c.officers[1].name, "Trần Văn Bình");
    assert_int_equal(c.dpi, 133);
    assert_int_equal(c.touch.rotation, 0);
    assert_true(c.touch.min_x == 0.0 && c.touch.max_x == 1.0);
    assert_true(c.touch.min_y == 0.0 && c.touch.max_y == 1.0);
    assert_int_equal(c.show_public_figure, 0);
    assert_int_equal(c.reach, CONFIG_REACH_FULL);
    assert_int_equal(c.max_db_bytes, 0);
}

/* The demo hash must really be the demo PIN, and only that PIN. */
static void test_default_pin_hash(void **state)
{
    config_t c;
    struct crypt_data *cd = calloc(1, sizeof(*cd));
    const char *h;

    (void)state;
    assert_non_null(cd);
    config_defaults(&c);
    assert_int_equal(c.admin_pin_hash[0], '$');
    h = crypt_r("1234", c.admin_pin_hash, cd);
    assert_non_null(h);
    assert_string_equal(h, c.admin_pin_hash);
    h = crypt_r("1235", c.admin_pin_hash, cd);
    assert_true(h == NULL || strcmp(h, c.admin_pin_hash) != 0);
    free(cd);
}

static void test_empty_object_keeps_defaults(void **state)
{
    config_t c, d;

    (void)state;
    config_defaults(&c);
    config_defaults(&d);
    parse_ok("{}", &c);
    assert_config_equal(&c, &d);
}

static void test_shipped_configs_equal_defaults(void **state)
{
    static const char *const files[] = {"assets/config/default.json",
                                        "assets/config/example-full.json"};
    config_t c, d;
    err_t err;
    char msg[600];
    size_t i, len;

    (void)state;
    config_defaults(&d);
    for (i = 0; i < 2; i++) {
        char *text = testutil_read_file(files[i], &len);

        memset(&c, 0x5A, sizeof(c));
        config_defaults(&c);
        if (config_parse(text, len, files[i], &c, &err) != 0) {
            err_format(&err, msg, sizeof(msg));
            free(text);
            fail_msg("%s", msg);
        }
        free(text);
        assert_config_equal(&c, &d);
    }
}

/* example-full.json must really list every key: dropping any one of them
 * from the text would leave it undocumented for technicians. */
static void test_example_full_names_every_key(void **state)
{
    static const char *const keys[] = {
        "\"unit\"", "\"code\"", "\"name\"", "\"counter\"", "\"fields\"",
        "\"dossier_field\"", "\"survey\"", "\"languages\"", "\"timeouts\"",
        "\"inactivity_s\"", "\"thanks_s\"", "\"highlight_ms\"", "\"misuse\"",
        "\"min_interval_s\"", "\"burst_count\"", "\"burst_window_s\"",
        "\"admin\"", "\"pin_hash\"", "\"taps\"", "\"window_s\"",
        "\"officers\"", "\"badge_prefix\"", "\"list\"", "\"display\"",
        "\"dpi\"", "\"public_figure\"", "\"reach\"", "\"touch\"",
        "\"rotation\"", "\"min_x\"", "\"max_x\"", "\"min_y\"", "\"max_y\"",
        "\"storage\"", "\"max_kb\"",
    };
    size_t len, i;
    char *text = testutil_read_file("assets/config/example-full.json", &len);

    (void)state;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strstr(text, keys[i]) == NULL)
            fail_msg("example-full.json lacks %s", keys[i]);
    free(text);
}

static void test_partial_override(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    parse_ok("{\"timeouts\": {\"thanks_s\": 7},\n"
             " \"misuse\": {\"min_interval_s\": 0, \"burst_count\": 0},\n"
             " \"display\": {\"public_figure\": true, \"touch\": "
             "{\"rotation\": 270, \"max_x\": 0.95, \"min_y\": -0.1}},\n"
             " \"storage\": {\"max_kb\": 64},\n"
             " \"languages\": [\"en\", \"vi\", \"km\"],\n"
             " \"survey\": \"/etc/sipas/surveys/tinh.json\"}",
             &c);
    assert_int_equal(c.thanks_ms, 7000);
    assert_int_equal(c.inactivity_ms, 30000);
    assert_int_equal(c.highlight_ms, 250);
    assert_int_equal(c.min_interval_ms, 0);
    assert_int_equal(c.burst_count, 0);
    assert_int_equal(c.burst_window_ms, 120000);
    assert_int_equal(c.show_public_figure, 1);
    assert_int_equal(c.touch.rotation, 270);
    assert_true(c.touch.max_x == 0.95 && c.touch.min_x == 0.0);
    assert_true(c.touch.min_y == -0.1);
    assert_int_equal(c.max_db_bytes, 65536);
    assert_int_equal(c.n_langs, 3);
    assert_string_equal(c.langs[0], "en");
    assert_string_equal(c.survey, "/etc/sipas/surveys/tinh.json");
    assert_string_equal(c.unit_code, "DEMO-XA-01");
}

static void test_reach(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    parse_ok("{\"display\": {\"reach\": \"low\"}}", &c);
    assert_int_equal(c.reach, CONFIG_REACH_LOW);
    /* Another display key leaves it as it was. */
    parse_ok("{\"display\": {\"dpi\": 210}}", &c);
    assert_int_equal(c.reach, CONFIG_REACH_LOW);
    parse_ok("{\"display\": {\"reach\": \"full\"}}", &c);
    assert_int_equal(c.reach, CONFIG_REACH_FULL);
}

static void test_officers_replace_list(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    parse_ok("{\"officers\": {\"badge_prefix\": \"NV-\", \"list\": [\n"
             "  {\"code\": \"H42.07\", \"name\": \"Lê Thị Mai\"}]}}",
             &c);
    assert_string_equal(c.badge_prefix, "NV-");
    assert_int_equal(c.n_officers, 1);
    assert_non_null(config_find_officer(&c, "H42.07"));
    assert_string_equal(config_find_officer(&c, "H42.07")->name, "Lê Thị Mai");
    assert_null(config_find_officer(&c, "CB001"));
    assert_null(config_find_officer(&c, NULL));
    assert_null(config_find_officer(NULL, "H42.07"));
    parse_ok("{\"officers\": {\"list\": []}}", &c);
    assert_int_equal(c.n_officers, 0);
}

static void test_names_become_nfc(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    /* "Quầy 2" typed with combining circumflex and grave (NFD). */
    parse_ok("{\"counter\": \"Qua\xCC\x82\xCC\x80y 2\"}", &c);
    assert_string_equal(c.counter, "Qu\xE1\xBA\xA7y 2");
}

typedef struct bad_case {
    const char *text;
    const char *field;
    int line;
    const char *words;
} bad_case_t;

/* Each rule: the value on line 2 breaks it; the error names field and line. */
static const bad_case_t bad_cases[] = {
    {"{\n \"timeouts\": {\"inactivity_s\": 4}}", "timeouts.inactivity_s", 2,
     "must be an integer from 5 to 600"},
    {"{\n \"timeouts\": {\"inactivity_s\": 601}}", "timeouts.inactivity_s", 2,
     "5 to 600"},
    {"{\n \"timeouts\": {\"inactivity_s\": \"30\"}}", "timeouts.inactivity_s",
     2, "5 to 600"},
    {"{\n \"timeouts\": {\"inactivity_s\": 30.5}}", "timeouts.inactivity_s",
     2, "5 to 600"},
    {"{\n \"timeouts\": {\"thanks_s\": 0}}", "timeouts.thanks_s", 2,
     "1 to 60"},
    {"{\n \"timeouts\": {\"thanks_s\": 61}}", "timeouts.thanks_s", 2,
     "1 to 60"},
    {"{\n \"timeouts\": {\"highlight_ms\": 401}}", "timeouts.highlight_ms", 2,
     "0 to 400"},
    {"{\n \"timeouts\": {\"highlight_ms\": -1}}", "timeouts.highlight_ms", 2,
     "0 to 400"},
    {"{\n \"misuse\": {\"min_interval_s\": 3601}}", "misuse.min_interval_s",
     2, "0 to 3600"},
    {"{\n \"misuse\": {\"burst_count\": 1001}}", "misuse.burst_count", 2,
     "0 to 1000"},
    {"{\n \"misuse\": {\"burst_window_s\": 0}}", "misuse.burst_window_s", 2,
     "1 to 86400"},
    {"{\n \"misuse\": {\"burst_window_s\": 86401}}", "misuse.burst_window_s",
     2, "1 to 86400"},
    {"{\n \"admin\": {\"taps\": 2}}", "admin.taps", 2, "3 to 10"},
    {"{\n \"admin\": {\"taps\": 11}}", "admin.taps", 2, "3 to 10"},
    {"{\n \"admin\": {\"window_s\": 0}}", "admin.window_s", 2, "1 to 10"},
    {"{\n \"admin\": {\"window_s\": 11}}", "admin.window_s", 2, "1 to 10"},
    {"{\n \"admin\": {\"pin_hash\": \"1234\"}}", "admin.pin_hash", 2, "$"},
    {"{\n \"admin\": {\"pin_hash\": \"$6$ a b\"}}", "admin.pin_hash", 2,
     "crypt"},
    {"{\n \"display\": {\"dpi\": 49}}", "display.dpi", 2, "50 to 600"},
    {"{\n \"display\": {\"dpi\": 601}}", "display.dpi", 2, "50 to 600"},
    {"{\n \"display\": {\"public_figure\": 1}}", "display.public_figure", 2,
     "true or false"},
    {"{\n \"display\": {\"reach\": \"high\"}}", "display.reach", 2,
     "must be \"full\" or \"low\""},
    {"{\n \"display\": {\"reach\": \"Low\"}}", "display.reach", 2,
     "must be \"full\" or \"low\""},
    {"{\"display\": {\n \"reach\": true}}", "display.reach", 2,
     "must be \"full\" or \"low\""},
    {"{\"display\": {\n \"reach\": \"\"}}", "display.reach", 2, "\"low\""},
    {"{\n \"display\": {\"touch\": {\"rotation\": 45}}}",
     "display.touch.rotation", 2, "0, 90, 180 or 270"},
    {"{\n \"display\": {\"touch\": {\"min_x\": -0.6}}}", "display.touch.min_x",
     2, "-0.5 to 1.5"},
    {"{\n \"display\": {\"touch\": {\"max_y\": 1.6}}}", "display.touch.max_y",
     2, "-0.5 to 1.5"},
    {"{\n \"display\": {\"touch\": {\"max_y\": \"1\"}}}",
     "display.touch.max_y", 2, "number"},
    {"{\n \"display\": {\"touch\": {\"min_x\": 0.5, \"max_x\": 0.5}}}",
     "display.touch.max_x", 2, "less than"},
    {"{\n \"display\": {\"touch\": {\"min_y\": 1.2}}}", "display.touch.min_y",
     2, "less than"},
    {"{\n \"storage\": {\"max_kb\": 63}}", "storage.max_kb", 2, "64"},
    {"{\n \"storage\": {\"max_kb\": -1}}", "storage.max_kb", 2, "64"},
    {"{\n \"storage\": {\"max_kb\": 2097152}}", "storage.max_kb", 2,
     "2097151"},
    {"{\n \"fields\": []}", "fields", 2, "1 to 12"},
    {"{\n \"fields\": [\"dat-dai\", \"nong-nghiep\"]}", "fields[1]", 2,
     "procedure field"},
    {"{\n \"fields\": [\"dat-dai\", \"dat-dai\"]}", "fields[1]", 2, "twice"},
    {"{\n \"fields\": \"dat-dai\"}", "fields", 2, "list"},
    {"{\n \"dossier_field\": \"Khac\"}", "dossier_field", 2,
     "procedure field"},
    {"{\n \"languages\": [\"en\"]}", "languages", 2, "\"vi\""},
    {"{\n \"languages\": [\"vi\", \"vi\"]}", "languages[1]", 2, "twice"},
    {"{\n \"languages\": [\"vi\", \"english\"]}", "languages[1]", 2,
     "language code"},
    {"{\n \"survey\": \"SIPAS short\"}", "survey", 2, "survey id"},
    {"{\n \"survey\": \"\"}", "survey", 2, "survey id"},
    {"{\n \"unit\": {\"code\": \"DEMO XA\"}}", "unit.code", 2, "A-Z"},
    {"{\n \"unit\": {\"name\": \"\"}}", "unit.name", 2, "empty"},
    {"{\n \"unit\": \"DEMO\"}", "unit", 2, "object"},
    {"{\n \"counter\": 1}", "counter", 2, "string"},
    {"{\n \"officers\": {\"badge_prefix\": \"\"}}", "officers.badge_prefix", 2,
     "1 to 63"},
    {"{\n \"officers\": {\"list\": [{\"code\": \"CB001\"}]}}",
     "officers.list[0].name", 2, "required"},
    {"{\n \"officers\": {\"list\": [{\"name\": \"Hoa\"}]}}",
     "officers.list[0].code", 2, "required"},
    {"{\"officers\": {\"list\": [{\"code\": \"A\", \"name\": \"Hoa\"},\n"
     " {\"code\": \"A\", \"name\": \"Bình\"}]}}",
     "officers.list[1].code", 2, "twice"},
    {"{\n \"colour\": \"red\"}", "colour", 2, "unknown key"},
    {"{\"timeouts\": {\n \"inactivty_s\": 30}}", "timeouts.inactivty_s", 2,
     "unknown key"},
    {"{\"display\": {\"touch\": {\n \"swap_xy\": true}}}",
     "display.touch.swap_xy", 2, "unknown key"},
    {"{\"officers\": {\"list\": [\n {\"code\": \"A\", \"name\": \"B\", "
     "\"photo\": \"x.png\"}]}}",
     "officers.list[0].photo", 2, "unknown key"},
    {"{\"unit\": {\n \"a.b\": 1}}", "unit[\"a.b\"]", 2, "unknown key"},
    {"[\n]", "", 1, "object"},
};

static void test_bad_values_named(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case_t *b = &bad_cases[i];
        config_t c, d;
        err_t err;

        config_defaults(&c);
        config_defaults(&d);
        if (config_parse(b->text, strlen(b->text), "kiosk.json", &c, &err) !=
            -1)
            fail_msg("case %zu accepted: %s", i, b->text);
        if (strcmp(err.field, b->field) != 0 || err.line != b->line ||
            strstr(err.msg, b->words) == NULL)
            fail_msg("case %zu: got %s (line %d): %s", i, err.field, err.line,
                     err.msg);
        assert_string_equal(err.file, "kiosk.json");
        /* A rejected file leaves the configuration as it was. */
        assert_config_equal(&c, &d);
    }
}

static void test_syntax_error(void **state)
{
    config_t c;
    err_t err;
    const char *text = "{\n \"counter\": \"Quầy 2\",\n}";

    (void)state;
    config_defaults(&c);
    assert_int_equal(config_parse(text, strlen(text), "kiosk.json", &c, &err),
                     -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "invalid JSON"));
    text = "{\"counter\": \"A\", \"counter\": \"B\"}";
    assert_int_equal(config_parse(text, strlen(text), "kiosk.json", &c, &err),
                     -1);
    assert_non_null(strstr(err.msg, "duplicate"));
    assert_string_equal(c.counter, "Quầy 1");
    assert_int_equal(config_parse(NULL, 0, "kiosk.json", &c, &err), -1);
}

static void test_limits_on_lists(void **state)
{
    char text[8192];
    size_t n;
    int i;
    config_t c;
    err_t err;

    (void)state;
    n = (size_t)snprintf(text, sizeof(text), "{\"officers\": {\"list\": [");
    for (i = 0; i <= CONFIG_OFFICER_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"code\": \"CB%03d\", \"name\": \"N\"}",
                              i ? ", " : "", i);
    n += (size_t)snprintf(text + n, sizeof(text) - n, "]}}");
    assert_true(n < sizeof(text));
    config_defaults(&c);
    assert_int_equal(config_parse(text, n, "kiosk.json", &c, &err), -1);
    assert_string_equal(err.field, "officers.list");
    assert_non_null(strstr(err.msg, "0 to 64"));
    /* Exactly the maximum is fine. */
    n = (size_t)snprintf(text, sizeof(text), "{\"officers\": {\"list\": [");
    for (i = 0; i < CONFIG_OFFICER_MAX; i++)
        n += (size_t)snprintf(text + n, sizeof(text) - n,
                              "%s{\"code\": \"CB%03d\", \"name\": \"N\"}",
                              i ? ", " : "", i);
    n += (size_t)snprintf(text + n, sizeof(text) - n, "]}}");
    parse_ok(text, &c);
    assert_int_equal(c.n_officers, CONFIG_OFFICER_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_default_pin_hash),
        cmocka_unit_test(test_empty_object_keeps_defaults),
        cmocka_unit_test(test_shipped_configs_equal_defaults),
        cmocka_unit_test(test_example_full_names_every_key),
        cmocka_unit_test(test_partial_override),
        cmocka_unit_test(test_reach),
        cmocka_unit_test(test_officers_replace_list),
        cmocka_unit_test(test_names_become_nfc),
        cmocka_unit_test(test_bad_values_named),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_limits_on_lists),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
