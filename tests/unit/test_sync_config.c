#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/config.h"

/* The "sync" section of a kiosk's configuration. */

static int parse(const char *text, config_t *c, err_t *e)
{
    config_defaults(c);
    err_clear(e);
    return config_parse(text, strlen(text), "kiosk.json", c, e);
}

static void test_defaults(void **state)
{
    config_t c;

    (void)state;
    config_defaults(&c);
    assert_int_equal(c.sync.enabled, 1);
    assert_int_equal(c.sync.interval_s, 300);
    assert_int_equal(c.sync.retention_days, 0);
    assert_int_equal(c.sync.batch, 2000);
    assert_int_equal(c.sync.connect_timeout_s, 15);
    assert_int_equal(c.sync.stall_timeout_s, 60);
}

static void test_every_key(void **state)
{
    config_t c;
    err_t e;

    (void)state;
    assert_int_equal(parse("{\"sync\": {\"enabled\": false, \"interval_s\": 1,"
                           " \"retention_days\": 90, \"batch\": 500,"
                           " \"connect_timeout_s\": 5,"
                           " \"stall_timeout_s\": 30}}",
                           &c, &e),
                     0);
    assert_int_equal(c.sync.enabled, 0);
    assert_int_equal(c.sync.interval_s, 1);
    assert_int_equal(c.sync.retention_days, 90);
    assert_int_equal(c.sync.batch, 500);
    assert_int_equal(c.sync.connect_timeout_s, 5);
    assert_int_equal(c.sync.stall_timeout_s, 30);
    /* Absent keys keep their defaults. */
    assert_int_equal(parse("{\"sync\": {\"retention_days\": 7}}", &c, &e), 0);
    assert_int_equal(c.sync.interval_s, 300);
    assert_int_equal(c.sync.retention_days, 7);
}

static void test_mistakes_name_file_line_and_key(void **state)
{
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\n \"sync\": {\"interval_s\": 0}}", "sync.interval_s"},
        {"{\n \"sync\": {\"batch\": 20001}}", "sync.batch"},
        {"{\n \"sync\": {\"retention_days\": -1}}", "sync.retention_days"},
        {"{\n \"sync\": {\"enabled\": \"yes\"}}", "sync.enabled"},
        {"{\n \"sync\": {\"intervall_s\": 60}}", "sync"},
    };
    static const char both[] = "{\n \"counter\": \"Q9\",\n"
                               " \"sync\": {\"batch\": 7, \"interval_s\": 0}}";
    config_t c, before;
    err_t e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i].text, &c, &e), -1);
        assert_string_equal(e.file, "kiosk.json");
        assert_int_equal(e.line, 2);
        assert_non_null(strstr(e.field, bad[i].field));
    }
    /* On error the configuration is left as it was: a configuration that
     * is not the defaults keeps every value, also those of keys read before
     * the mistake. */
    assert_int_equal(parse("{\"counter\": \"Q2\", \"sync\": {\"interval_s\": 42,"
                           " \"batch\": 500}}",
                           &c, &e),
                     0);
    memcpy(&before, &c, sizeof(c));
    err_clear(&e);
    assert_int_equal(config_parse(both, strlen(both), "kiosk.json", &c, &e), -1);
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.field, "sync.interval_s"));
    assert_memory_equal(&c, &before, sizeof(c));
    assert_string_equal(c.counter, "Q2");
    assert_int_equal(c.sync.batch, 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_mistakes_name_file_line_and_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
