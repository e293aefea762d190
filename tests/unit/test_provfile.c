#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/provfile.h"
#include "core/provresult.h"
#include "core/wpaconf.h"

#define GOOD                                                                  \
    "{\n"                                                                     \
    "  \"format\": 1,\n"                                                      \
    "  \"hub\": \"https://sipas.example.gov.vn\",\n"                          \
    "  \"code\": \"7KQ2-M9TX-4HBD\",\n"                                       \
    "  \"counter\": \"Quầy 3\",\n"                                            \
    "  \"fields\": [\"dat-dai\", \"tu-phap\"],\n"                             \
    "  \"language\": \"en\",\n"                                               \
    "  \"admin_pin_hash\": \"$y$j9T$abc$def\",\n"                             \
    "  \"wifi\": {\"ssid\": \"UBND Xa\", \"psk\": \"mat khau 123\",\n"        \
    "           \"country\": \"VN\"}\n"                                       \
    "}\n"

/* The rule of the sync client, kept small: https, or http to loopback. */
static int only_https(const char *url, char *why, size_t cap)
{
    if (strncmp(url, "https://", 8) == 0 ||
        strncmp(url, "http://127.0.0.1", 16) == 0)
        return 0;
    snprintf(why, cap, "must start with https://");
    return -1;
}

static int parse(const char *text, provfile_kind_t kind, provfile_t *p,
                 err_t *e)
{
    return provfile_parse(text, strlen(text), "sipas-provision.json", kind,
                          only_https, p, e);
}

static void expect_error(const char *text, int line, const char *field,
                         const char *words)
{
    provfile_t p;
    err_t e;

    assert_int_equal(parse(text, PROVFILE_KIND_PROVISION, &p, &e), -1);
    assert_string_equal(e.file, "sipas-provision.json");
    if (line > 0)
        assert_int_equal(e.line, line);
    assert_string_equal(e.field, field);
    if (!strstr(e.msg, words))
        fail_msg("\"%s\" does not say \"%s\"", e.msg, words);
    /* Nothing half-read is left behind, the code least of all. */
    assert_string_equal(p.code, "");
    assert_int_equal(p.wifi.present, 0);
}

static void test_good_file(void **state)
{
    provfile_t p;
    err_t e;

    (void)state;
    assert_int_equal(parse(GOOD, PROVFILE_KIND_PROVISION, &p, &e), 0);
    assert_int_equal(p.format, 1);
    assert_string_equal(p.hub, "https://sipas.example.gov.vn");
    assert_string_equal(p.code, "7KQ2-M9TX-4HBD");
    assert_string_equal(p.counter, "Quầy 3");
    assert_int_equal(p.n_fields, 2);
    assert_string_equal(p.fields[1], "tu-phap");
    assert_string_equal(p.language, "en");
    assert_string_equal(p.admin_pin_hash, "$y$j9T$abc$def");
    assert_int_equal(p.wifi.present, 1);
    assert_string_equal(p.wifi.ssid, "UBND Xa");
    assert_string_equal(p.wifi.country, "VN");
    provfile_wipe(&p);
    assert_string_equal(p.code, "");
}

static void test_errors_name_line_and_field(void **state)
{
    (void)state;
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"A-B\",\n"
                 " \"counter\": \"Q\", \"rotation\": 90}",
                 2, "rotation", "unknown key");
    expect_error("{\"format\": 2}", 1, "format", "from 1 to 1");
    expect_error("{\"hub\": \"https://h\"}", 1, "format", "is required");
    expect_error("{\"format\": 1, \"code\": \"AB\", \"counter\": \"Q\",\n"
                 "\"hub\": \"http://example.org\"}",
                 2, "hub", "https://");
    expect_error("{\"format\": 1, \"hub\": \"https://h\"}", 1, "code",
                 "is required");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"A B\","
                 " \"counter\": \"Q\"}",
                 1, "code", "A-Z");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\"}",
                 1, "counter", "is required");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\",\n"
                 "\"counter\": \"Q\",\n\"fields\": [\"dat-dai\", \"nope\"]}",
                 3, "fields[1]", "procedure field");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
                 "\"counter\": \"Q\", \"language\": \"Viet\"}",
                 1, "language", "two or three small letters");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
                 "\"counter\": \"Q\", \"admin_pin_hash\": \"1234\"}",
                 1, "admin_pin_hash", "never the PIN");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
                 "\"counter\": \"Q\", \"wifi\": {\"ssid\": \"x\"}}",
                 1, "wifi.country", "is required");
    expect_error("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
                 "\"counter\": \"Q\", \"wifi\": {\"ssid\": \"x\", "
                 "\"psk\": \"short\", \"country\": \"VN\"}}",
                 1, "wifi.psk", "8 to 63");
    expect_error("{\"format\": 1,\n\"format\": 1}", 2, "", "duplicate");
    expect_error("[1]", 1, "", "must be an object");
}

/* A line break in the SSID or key would start a second network block
 * (or any other directive) in wpa_supplicant's file. */
/* A provisioning file with "ca": NAME (NAME written as JSON, quotes and
 * all), ca on line 3. */
static int parse_ca(const char *name_json, provfile_t *p, err_t *e)
{
    char text[512];

    snprintf(text, sizeof(text),
             "{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\",\n"
             " \"counter\": \"Q\",\n"
             " \"ca\": %s}\n",
             name_json);
    return parse(text, PROVFILE_KIND_PROVISION, p, e);
}

static void test_ca_names_accepted(void **state)
{
    static const char *const good[] = {
        "sipas-hub-ca.pem", "Hue_Gov-CA.2025.crt", "a.pem", "CA.crt",
        /* 64 bytes, the most */
        "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcde.pem",
    };
    char json[128];
    provfile_t p;
    err_t e;
    size_t i;

    (void)state;
    assert_int_equal(strlen(good[4]), PROVFILE_CA_NAME_MAX);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        snprintf(json, sizeof(json), "\"%s\"", good[i]);
        if (parse_ca(json, &p, &e) != 0)
            fail_msg("%s refused: %s: %s", good[i], e.field, e.msg);
        assert_string_equal(p.ca, good[i]);
    }
    /* Without the key, the system's CAs: nothing named. */
    assert_int_equal(parse(GOOD, PROVFILE_KIND_PROVISION, &p, &e), 0);
    assert_string_equal(p.ca, "");
}

static void test_ca_names_refused(void **state)
{
    static const struct {
        const char *json, *words;
    } bad[] = {
        {"\"\"", "at most 64"},
        {"3", "at most 64"},
        {"[\"ca.pem\"]", "at most 64"},
        {"\"abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdef.pem\"",
         "at most 64"},
        {"\"ca .pem\"", "at most 64"},
        {"\"../ca.pem\"", "not a path"},
        {"\"certs/ca.pem\"", "not a path"},
        {"\"/etc/ssl/ca.pem\"", "not a path"},
        {"\"..\\\\ca.pem\"", "not a path"},
        {"\"ca..pem\"", "not a path"},
        {"\".ca.pem\"", "not starting with"},
        {"\".pem\"", "not starting with"},
        {"\"ca:1.pem\"", "A-Z, a-z, 0-9"},
        {"\"c\u00e1.pem\"", "at most 64"},
        {"\"ca.txt\"", "\".pem\" or \".crt\""},
        {"\"ca.pem.bak\"", "\".pem\" or \".crt\""},
        {"\"ca.PEM\"", "\".pem\" or \".crt\""},
        {"\"ca\"", "\".pem\" or \".crt\""},
    };
    provfile_t p;
    err_t e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse_ca(bad[i].json, &p, &e) == 0)
            fail_msg("accepted: %s", bad[i].json);
        if (strcmp(e.field, "ca") != 0 || e.line != 3 ||
            !strstr(e.msg, bad[i].words))
            fail_msg("%s: %s:%d:%d: %s: %s (expected ca at line 3, \"%s\")",
                     bad[i].json, e.file, e.line, e.column, e.field, e.msg,
                     bad[i].words);
        assert_string_equal(p.ca, "");
        assert_string_equal(p.code, "");
    }
}

/* The settings kept in DATA never name a CA: the kept copy is found by
 * enrolment (sync.db), not by the settings. */
static void test_ca_not_in_settings(void **state)
{
    provfile_t p;
    char text[2048];
    err_t e;

    (void)state;
    assert_int_equal(parse_ca("\"sipas-hub-ca.pem\"", &p, &e), 0);
    assert_int_equal(provfile_format_settings(&p, text, sizeof(text)), 0);
    assert_null(strstr(text, "ca.pem"));
    assert_int_equal(parse("{\"format\": 1,\n\"ca\": \"a.pem\"}",
                           PROVFILE_KIND_SETTINGS, &p, &e),
                     -1);
    assert_string_equal(e.field, "ca");
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.msg, "unknown key"));
}

static void test_ca_pem_check(void **state)
{
    static const char good[] = "Hue Province CA\n"
                               "-----BEGIN CERTIFICATE-----\nMIIB\n"
                               "-----END CERTIFICATE-----\n";
    static const char key[] = "-----BEGIN PRIVATE KEY-----\nMIIB\n"
                              "-----END PRIVATE KEY-----\n";
    static const char open_block[] = "-----BEGIN CERTIFICATE-----\nMIIB\n";
    static const char der[] = "0\x82\x01\x0a\0\0-----BEGIN CERTIFICATE-----"
                              "-----END CERTIFICATE-----";
    static char big[PROVFILE_CA_SOURCE_MAX + 2];
    char why[256];

    (void)state;
    assert_int_equal(
        provfile_check_ca_pem(good, sizeof(good) - 1, why, sizeof(why)), 0);
    assert_int_equal(
        provfile_check_ca_pem(key, sizeof(key) - 1, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "no certificate"));
    assert_int_equal(provfile_check_ca_pem(open_block, sizeof(open_block) - 1,
                                           why, sizeof(why)),
                     -1);
    assert_int_equal(
        provfile_check_ca_pem(der, sizeof(der) - 1, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "not text"));
    assert_int_equal(provfile_check_ca_pem("", 0, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "empty"));
    /* A bundle just over the cap, certificate and all. */
    memset(big, '\n', sizeof(big));
    memcpy(big, good, sizeof(good) - 1);
    assert_int_equal(provfile_check_ca_pem(big, PROVFILE_CA_SOURCE_MAX, why,
                                           sizeof(why)),
                     0);
    assert_int_equal(provfile_check_ca_pem(big, PROVFILE_CA_SOURCE_MAX + 1,
                                           why, sizeof(why)),
                     -1);
    assert_non_null(strstr(why, "64 KiB"));
}

/* A CA file that could not be used is told as such: the fix is to copy
 * that file, not to edit the provisioning file; the words fit the
 * kiosk's banner (what, a space, what to do) with the longest name. */
static void test_ca_result_words(void **state)
{
    char text[PROVRESULT_SOURCE_MAX], what[PROVRESULT_SAY_MAX];
    char todo[PROVRESULT_SAY_MAX];
    provresult_t r, back;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.status = PROVRESULT_BAD_FILE;
    r.line = 7;
    snprintf(r.field, sizeof(r.field), "ca");
    memset(r.ca_file, 'x', PROVFILE_CA_NAME_MAX - 4);
    snprintf(r.ca_file + PROVFILE_CA_NAME_MAX - 4, 5, ".pem");
    provresult_say_what(&r, what, sizeof(what));
    provresult_say_todo(&r, todo, sizeof(todo));
    /* Too long a word for a line of the screen: named by its key only. */
    assert_null(strstr(what, "xxxx"));
    assert_non_null(strstr(what, "nêu ở mục \"ca\""));
    assert_non_null(strstr(what, "Chưa thay đổi gì."));
    assert_non_null(strstr(todo, "Chép tệp này và tệp sipas-provision.json"));
    assert_true(strlen(what) + 1 + strlen(todo) < PROVRESULT_SAY_MAX);
    assert_int_equal(provresult_format(&r, text, sizeof(text)), 0);
    assert_non_null(strstr(text, "\"ca_file\": \"xxxx"));
    assert_int_equal(provresult_parse(text, strlen(text), &back), 0);
    assert_string_equal(back.ca_file, r.ca_file);
    assert_int_equal(back.status, PROVRESULT_BAD_FILE);
    snprintf(r.ca_file, sizeof(r.ca_file), "sipas-hub-ca.pem");
    provresult_say_what(&r, what, sizeof(what));
    assert_non_null(strstr(what, "\"sipas-hub-ca.pem\" (mục \"ca\")"));
    assert_non_null(strstr(what, "Chưa thay đổi gì."));
    /* A bad file of the usual kind keeps its words. */
    r.ca_file[0] = '\0';
    provresult_say_what(&r, what, sizeof(what));
    assert_non_null(strstr(what, "có lỗi ở dòng 7, mục \"ca\""));
}

static void test_wifi_injection_refused(void **state)
{
    static const char *const bad[] = {
        "{\"ssid\": \"a\\\"\\n}\\nnetwork={\\nssid=\\\"evil\", "
        "\"psk\": \"12345678\", \"country\": \"VN\"}",
        "{\"ssid\": \"ok\", \"psk\": \"12345678\\\"\\n}\\nnetwork={\\n"
        "ssid=\\\"evil\\\"\\nkey_mgmt=NONE\", \"country\": \"VN\"}",
        "{\"ssid\": \"ok\", \"psk\": \"1234567\\u0000x\", \"country\": \"VN\"}",
        "{\"ssid\": \"o\\u0000k\", \"psk\": \"12345678\", \"country\": \"VN\"}",
        "{\"ssid\": \"ok\", \"psk\": \"mật khẩu dài\", \"country\": \"VN\"}",
        "{\"ssid\": \"ok\", \"psk\": \"12345678\", \"country\": \"V\\n\"}",
    };
    char text[1024];
    provfile_t p;
    err_t e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text),
                 "{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
                 " \"counter\": \"Q\", \"wifi\": %s}",
                 bad[i]);
        if (parse(text, PROVFILE_KIND_PROVISION, &p, &e) == 0)
            fail_msg("accepted: %s", bad[i]);
        /* jansson itself refuses a NUL inside a string. */
        if (!strstr(e.field, "wifi.") && !strstr(e.msg, "invalid JSON"))
            fail_msg("%s: %s", e.field, e.msg);
    }
}

static void test_wpa_file_has_one_network(void **state)
{
    provfile_wifi_t w;
    char out[1024];
    const char *n;

    (void)state;
    memset(&w, 0, sizeof(w));
    w.present = 1;
    snprintf(w.ssid, sizeof(w.ssid), "a\"}x");
    snprintf(w.psk, sizeof(w.psk), "pa\"ss word");
    snprintf(w.country, sizeof(w.country), "VN");
    assert_int_equal(wpaconf_format(&w, out, sizeof(out)), 0);
    /* The SSID in hex: "a\"}x" is 61 22 7d 78. */
    assert_non_null(strstr(out, "\tssid=61227d78\n"));
    assert_non_null(strstr(out, "\tpsk=\"pa\"ss word\"\n"));
    assert_non_null(strstr(out, "country=VN\n"));
    n = strstr(out, "network={");
    assert_non_null(n);
    assert_null(strstr(n + 1, "network={"));
    /* A key that slipped past the parser is refused here too. */
    snprintf(w.psk, sizeof(w.psk), "12345678\n}\nnetwork={");
    assert_int_equal(wpaconf_format(&w, out, sizeof(out)), -1);
    w.psk[0] = '\0';
    assert_int_equal(wpaconf_format(&w, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "key_mgmt=NONE"));
    memset(w.psk, 'a', PROVFILE_PSK_MAX);
    w.psk[PROVFILE_PSK_MAX] = '\0';
    assert_int_equal(wpaconf_format(&w, out, sizeof(out)), 0);
    assert_non_null(strstr(out, "\tpsk=aaaa"));
    assert_null(strstr(out, "psk=\""));
}

static void test_settings_round_trip(void **state)
{
    provfile_t p, q;
    char text[2048];
    err_t e;

    (void)state;
    assert_int_equal(parse(GOOD, PROVFILE_KIND_PROVISION, &p, &e), 0);
    assert_int_equal(provfile_format_settings(&p, text, sizeof(text)), 0);
    /* No secret goes into the settings kept on the kiosk. */
    assert_null(strstr(text, "7KQ2"));
    assert_null(strstr(text, "mat khau"));
    assert_null(strstr(text, "wifi"));
    assert_int_equal(parse(text, PROVFILE_KIND_SETTINGS, &q, &e), 0);
    assert_string_equal(q.counter, p.counter);
    assert_string_equal(q.language, "en");
    assert_int_equal(q.n_fields, 2);
    /* A code in the settings file is refused: it belongs elsewhere. */
    assert_int_equal(parse(GOOD, PROVFILE_KIND_SETTINGS, &q, &e), -1);
    assert_string_equal(e.field, "code");
}

static void test_apply_over_config(void **state)
{
    provfile_t p;
    config_t c;
    err_t e;

    (void)state;
    assert_int_equal(parse(GOOD, PROVFILE_KIND_PROVISION, &p, &e), 0);
    config_defaults(&c);
    assert_int_equal(provfile_apply_config(&p, &c), 0);
    assert_string_equal(c.counter, "Quầy 3");
    assert_int_equal(c.n_fields, 2);
    assert_string_equal(c.fields[0], "dat-dai");
    assert_string_equal(c.langs[0], "en");
    assert_string_equal(c.langs[1], "vi");
    assert_string_equal(c.admin_pin_hash, "$y$j9T$abc$def");
    /* km is offered by the default configuration. */
    snprintf(p.language, sizeof(p.language), "km");
    config_defaults(&c);
    assert_int_equal(provfile_apply_config(&p, &c), 0);
    assert_string_equal(c.langs[0], "km");
    /* A language the file may name (Ê Đê) that the default
     * configuration does not offer. */
    provfile_wipe(&p);
    assert_int_equal(
        parse("{\"format\": 1, \"hub\": \"https://h\", \"code\": \"AB\","
              " \"counter\": \"Quầy 3\", \"language\": \"rad\"}",
              PROVFILE_KIND_PROVISION, &p, &e),
        0);
    assert_string_equal(p.language, "rad");
    config_defaults(&c);
    assert_int_equal(provfile_apply_config(&p, &c), -1);
    assert_string_equal(c.langs[0], "vi");
    assert_string_equal(c.counter, "Quầy 3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_errors_name_line_and_field),
        cmocka_unit_test(test_ca_names_accepted),
        cmocka_unit_test(test_ca_names_refused),
        cmocka_unit_test(test_ca_not_in_settings),
        cmocka_unit_test(test_ca_pem_check),
        cmocka_unit_test(test_ca_result_words),
        cmocka_unit_test(test_wifi_injection_refused),
        cmocka_unit_test(test_wpa_file_has_one_network),
        cmocka_unit_test(test_settings_round_trip),
        cmocka_unit_test(test_apply_over_config),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
