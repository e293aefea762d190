/*
 * The self-test's verdicts (core/selftest.h): bounds, the clock's and the
 * hub's cases, the watchdog, what the kiosk wrote at start, the touch
 * grid, the overall result and the installation record's JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/selftest.h"

static const selftest_limits_t limits = {100.0, INT64_C(256) << 20};

static const selftest_check_t *find(const selftest_report_t *r,
                                    const char *id)
{
    int i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    return NULL;
}

static selftest_status_t status_of(const selftest_report_t *r,
                                   const char *id)
{
    const selftest_check_t *c = find(r, id);

    assert_non_null(c);
    return c->status;
}

static void test_storage(void **state)
{
    selftest_storage_t s = {1, "", 12.5, INT64_C(8) << 30};
    selftest_report_t r;

    (void)state;
    selftest_init_report(&r);
    selftest_check_storage(&r, &s, &limits);
    assert_int_equal(status_of(&r, "storage.fsync"), SELFTEST_PASS);
    assert_int_equal(status_of(&r, "storage.free"), SELFTEST_PASS);
    assert_string_equal(find(&r, "storage.fsync")->value, "12.5 ms/fsync");
    assert_string_equal(find(&r, "storage.free")->value, "8.0 GiB");
    /* Past either bound fails, with what to do. */
    s.fsync_ms = 100.1;
    s.free_bytes = (INT64_C(256) << 20) - 1;
    selftest_init_report(&r);
    selftest_check_storage(&r, &s, &limits);
    assert_int_equal(status_of(&r, "storage.fsync"), SELFTEST_FAIL);
    assert_int_equal(status_of(&r, "storage.free"), SELFTEST_FAIL);
    assert_non_null(strstr(find(&r, "storage.fsync")->action, "pSLC"));
    assert_non_null(strstr(find(&r, "storage.free")->message, "256 MiB"));
    /* A directory that cannot be written is named as such. */
    s.written = 0;
    snprintf(s.error, sizeof(s.error), "Read-only file system");
    s.free_bytes = -1;
    selftest_init_report(&r);
    selftest_check_storage(&r, &s, &limits);
    assert_int_equal(status_of(&r, "storage.write"), SELFTEST_FAIL);
    assert_null(find(&r, "storage.fsync"));
    assert_int_equal(status_of(&r, "storage.free"), SELFTEST_FAIL);
}

static void test_clock(void **state)
{
    selftest_clock_t c = {1, 0, 1, 1500, 0};
    selftest_report_t r;

    (void)state;
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_PASS);
    /* timesyncd's word is enough, and so is no hub clock to compare. */
    c = (selftest_clock_t){0, 1, 0, 0, 0};
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_PASS);
    /* Not synchronised, but agreeing with the hub: a warning. */
    c = (selftest_clock_t){0, 0, 1, -SELFTEST_CLOCK_SLACK_MS, 0};
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_WARN);
    /* Not synchronised and nothing to compare with, or far off: fails. */
    c = (selftest_clock_t){0, 0, 0, 0, 0};
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_FAIL);
    /* ... unless the kiosk knows this boot's true time already. */
    c.kiosk_anchored = 1;
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_WARN);
    c = (selftest_clock_t){1, 1, 1, SELFTEST_CLOCK_SLACK_MS + 1, 0};
    selftest_init_report(&r);
    selftest_check_clock(&r, &c);
    assert_int_equal(status_of(&r, "clock"), SELFTEST_FAIL);
}

static void test_hub(void **state)
{
    selftest_hub_t h;
    selftest_report_t r;
    int o;

    (void)state;
    memset(&h, 0, sizeof(h));
    snprintf(h.url, sizeof(h.url), "https://hub.example.vn");
    snprintf(h.unit, sizeof(h.unit), "XA-MINHTAN");
    h.elapsed_ms = 42;
    selftest_init_report(&r);
    selftest_check_hub(&r, &h);
    assert_int_equal(status_of(&r, "hub"), SELFTEST_PASS);
    assert_string_equal(find(&r, "hub")->value, "HTTPS, 42 ms");
    for (o = SELFTEST_HUB_NOT_ENROLLED; o <= SELFTEST_HUB_REFUSED; o++) {
        h.outcome = (selftest_hub_outcome_t)o;
        selftest_init_report(&r);
        selftest_check_hub(&r, &h);
        assert_int_equal(status_of(&r, "hub"), SELFTEST_FAIL);
        assert_true(find(&r, "hub")->action[0] != '\0');
    }
    h.outcome = SELFTEST_HUB_CAPTIVE;
    h.status = 302;
    selftest_init_report(&r);
    selftest_check_hub(&r, &h);
    assert_string_equal(find(&r, "hub")->action,
                        "captive portal: mở trình duyệt trên mạng này để"
                        " đăng nhập Wi-Fi, hoặc dùng mạng khác");
    h.outcome = SELFTEST_HUB_NOT_ENROLLED;
    selftest_init_report(&r);
    selftest_check_hub(&r, &h);
    assert_non_null(strstr(find(&r, "hub")->action, "sipasctl provision"));
}

static void test_watchdog(void **state)
{
    selftest_watchdog_t w = {1, 1, 10, "bcm2835", 10000000};
    selftest_report_t r;

    (void)state;
    selftest_init_report(&r);
    selftest_check_watchdog(&r, &w);
    assert_int_equal(status_of(&r, "watchdog"), SELFTEST_PASS);
    /* Longer than a Pi's watchdog can count: systemd gives up on it. */
    w.runtime_usec = 60000000;
    selftest_init_report(&r);
    selftest_check_watchdog(&r, &w);
    assert_int_equal(status_of(&r, "watchdog"), SELFTEST_WARN);
    w.active = 0;
    selftest_init_report(&r);
    selftest_check_watchdog(&r, &w);
    assert_int_equal(status_of(&r, "watchdog"), SELFTEST_FAIL);
    w.present = 0;
    selftest_init_report(&r);
    selftest_check_watchdog(&r, &w);
    assert_int_equal(status_of(&r, "watchdog"), SELFTEST_FAIL);
    assert_non_null(strstr(find(&r, "watchdog")->action,
                           "RuntimeWatchdogSec"));
}

static void test_display_and_touch(void **state)
{
    static const char ok[] =
        "{\"driver\": \"KMSDRM\", \"width\": 1280, \"height\": 800,"
        " \"rotation\": 90, \"touch_devices\": 1, \"touch_names\": [],"
        " \"started_at\": 5}";
    static const char dummy[] =
        "{\"driver\": \"dummy\", \"width\": 800, \"height\": 480,"
        " \"rotation\": 0, \"touch_devices\": 0, \"started_at\": 5}";
    static const char grid[] =
        "{\"cells\": 12, \"tapped\": 12, \"width\": 800, \"height\": 480,"
        " \"rotation\": 0, \"at\": 7}";
    selftest_display_t d;
    selftest_touch_t t;
    selftest_report_t r;

    (void)state;
    assert_int_equal(selftest_parse_display(ok, strlen(ok), &d), 0);
    assert_string_equal(d.driver, "KMSDRM");
    assert_int_equal(d.rotation, 90);
    selftest_init_report(&r);
    selftest_check_display(&r, &d);
    assert_int_equal(status_of(&r, "display"), SELFTEST_PASS);
    /* The dummy driver warns; no touch device on a real one fails. */
    assert_int_equal(selftest_parse_display(dummy, strlen(dummy), &d), 0);
    selftest_init_report(&r);
    selftest_check_display(&r, &d);
    assert_int_equal(status_of(&r, "display"), SELFTEST_WARN);
    snprintf(d.driver, sizeof(d.driver), "KMSDRM");
    selftest_init_report(&r);
    selftest_check_display(&r, &d);
    assert_int_equal(status_of(&r, "display"), SELFTEST_FAIL);
    /* Never started, and a damaged file. */
    memset(&d, 0, sizeof(d));
    selftest_init_report(&r);
    selftest_check_display(&r, &d);
    assert_int_equal(status_of(&r, "display"), SELFTEST_FAIL);
    assert_int_equal(selftest_parse_display("{\"driver\": 1}", 13, &d), -1);
    assert_int_equal(selftest_parse_display("[", 1, &d), -1);
    assert_true(d.found && d.error[0]);
    /* The grid counts only when it was run, and all its cells. */
    memset(&t, 0, sizeof(t));
    selftest_init_report(&r);
    selftest_check_touch(&r, &t);
    assert_int_equal(r.n, 0);
    assert_int_equal(selftest_parse_touch(grid, strlen(grid), &t), 0);
    selftest_check_touch(&r, &t);
    assert_int_equal(status_of(&r, "touch.grid"), SELFTEST_PASS);
    t.tapped = 11;
    selftest_init_report(&r);
    selftest_check_touch(&r, &t);
    assert_int_equal(status_of(&r, "touch.grid"), SELFTEST_FAIL);
}

static void test_result_and_json(void **state)
{
    selftest_watchdog_t w = {1, 1, 10, "", -1};
    selftest_hub_t h;
    selftest_report_t r;
    json_t *v, *c;
    char *text;

    (void)state;
    selftest_init_report(&r);
    assert_int_equal(selftest_get_result(&r), SELFTEST_PASS);
    selftest_check_watchdog(&r, &w);
    w.runtime_usec = 60000000;
    selftest_check_watchdog(&r, &w);
    assert_int_equal(selftest_get_result(&r), SELFTEST_WARN);
    /* A message cut at its cap stays valid UTF-8: the detail is long and
     * Vietnamese, so the cut falls among multibyte characters. */
    memset(&h, 0, sizeof(h));
    h.outcome = SELFTEST_HUB_UNREACHABLE;
    memset(h.url, 'u', sizeof(h.url) - 1);
    for (size_t i = 0; i + 3 < sizeof(h.detail); i += 3)
        memcpy(h.detail + i, "ồ", 3);
    selftest_check_hub(&r, &h);
    assert_int_equal(selftest_get_result(&r), SELFTEST_FAIL);
    v = selftest_build_json(&r, "0123456789abcdef0123456789abcdef", "0.1.0",
                            1234);
    assert_non_null(v);
    assert_string_equal(json_string_value(json_object_get(v, "result")),
                        "fail");
    assert_int_equal(json_integer_value(json_object_get(v, "format")),
                     SELFTEST_FORMAT);
    assert_int_equal(json_array_size(json_object_get(v, "checks")), 3);
    c = json_array_get(json_object_get(v, "checks"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "status")),
                        "pass");
    assert_null(json_object_get(c, "action")); /* nothing to do */
    c = json_array_get(json_object_get(v, "checks"), 2);
    assert_true(strlen(json_string_value(json_object_get(c, "message"))) <
                SELFTEST_TEXT_MAX);
    text = json_dumps(v, JSON_COMPACT);
    assert_non_null(text);
    free(text);
    json_decref(v);
    /* Without an enrollment the record names no kiosk. */
    v = selftest_build_json(&r, NULL, "0.1.0", 1234);
    assert_null(json_object_get(v, "install_id"));
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_storage),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_hub),
        cmocka_unit_test(test_watchdog),
        cmocka_unit_test(test_display_and_touch),
        cmocka_unit_test(test_result_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
