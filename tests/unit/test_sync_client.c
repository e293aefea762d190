#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "platform/pclock.h"
#include "upload/client.h"

#include "fakehub.h"

typedef struct fixture {
    fakehub_t hub;
    sync_client_t *c;
    sync_reply_t r;
} fixture_t;

static const char ingest[] = "{\"upload_id\": \"abc:9\", \"upto_seq\": 9}";

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    sync_client_opts_t o;
    char err[256];

    if (!f || fakehub_start(&f->hub) != 0)
        return -1;
    memset(&o, 0, sizeof(o));
    o.hub_url = f->hub.url;
    o.user_agent = "sipas-test";
    o.stall_timeout_s = 2;
    if (sync_client_open(&f->c, &o, err, sizeof(err)) != 0)
        return -1;
    sync_reply_clear(&f->r);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    sync_reply_clear(&f->r);
    sync_client_close(f->c);
    fakehub_stop(&f->hub);
    free(f);
    return 0;
}

static sync_class_t post(fixture_t *f, const char *path, const char *body,
                         const char *upload_id)
{
    sync_reply_clear(&f->r);
    return sync_client_post(f->c, path, "abc", "s3cr3t", body, strlen(body),
                            upload_id, &f->r);
}

/* ---- URL and pin checks ----------------------------------------------- */

static void test_only_https_or_loopback_http(void **state)
{
    char err[256];

    (void)state;
    assert_int_equal(sync_client_check_url("https://hub.example.vn", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("https://10.0.0.5:8443/", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("http://127.0.0.1:8080", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("http://127.9.9.9", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("http://[::1]:80", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("http://localhost:80", err,
                                           sizeof(err)), 0);
    assert_int_equal(sync_client_check_url("http://hub.example.vn", err,
                                           sizeof(err)), -1);
    assert_non_null(strstr(err, "https://"));
    assert_int_equal(sync_client_check_url("http://10.0.0.5", err,
                                           sizeof(err)), -1);
    /* A host that merely starts like a loopback address is not one. */
    assert_int_equal(sync_client_check_url("http://127.0.0.1.example.vn",
                                           err, sizeof(err)), -1);
    assert_int_equal(sync_client_check_url("ftp://hub.example.vn", err,
                                           sizeof(err)), -1);
    assert_int_equal(sync_client_check_url("not a url", err, sizeof(err)),
                     -1);
    assert_int_equal(sync_client_check_url("", err, sizeof(err)), -1);
}

static void test_pin_forms(void **state)
{
    char out[128], err[256];
    char hex[65];

    (void)state;
    assert_int_equal(sync_client_normalise_pin(
                         "sha256//c0k3LjHJ6/rwPoODwddU93o1zo2MZ9LSDhV98h1+vzo=",
                         out, sizeof(out), err, sizeof(err)),
                     0);
    assert_string_equal(out,
                        "sha256//c0k3LjHJ6/rwPoODwddU93o1zo2MZ9LSDhV98h1+vzo=");
    assert_int_equal(sync_client_normalise_pin(
                         "c0k3LjHJ6/rwPoODwddU93o1zo2MZ9LSDhV98h1+vzo=", out,
                         sizeof(out), err, sizeof(err)),
                     0);
    assert_string_equal(out,
                        "sha256//c0k3LjHJ6/rwPoODwddU93o1zo2MZ9LSDhV98h1+vzo=");
    /* 32 zero bytes in hex are 43 "A" and "=" in base64. */
    memset(hex, '0', 64);
    hex[64] = '\0';
    assert_int_equal(sync_client_normalise_pin(hex, out, sizeof(out), err,
                                               sizeof(err)),
                     0);
    assert_string_equal(out,
                        "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert_int_equal(sync_client_normalise_pin("abc", out, sizeof(out), err,
                                               sizeof(err)),
                     -1);
    hex[10] = 'g';
    assert_int_equal(sync_client_normalise_pin(hex, out, sizeof(out), err,
                                               sizeof(err)),
                     -1);
}

static void test_missing_ca_file_is_refused(void **state)
{
    sync_client_opts_t o;
    sync_client_t *c = NULL;
    char err[256];

    (void)state;
    memset(&o, 0, sizeof(o));
    o.hub_url = "https://hub.example.vn";
    o.ca_file = "/nonexistent/ca.pem";
    assert_int_equal(sync_client_open(&c, &o, err, sizeof(err)), -1);
    assert_null(c);
    assert_non_null(strstr(err, "/nonexistent/ca.pem"));
}

/* ---- acknowledgements ------------------------------------------------- */

static void test_ack_is_ok_and_matching_id(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"), SYNC_ACKED);
    assert_int_equal(f->r.status, 200);
    assert_int_equal(f->r.hub_time_ms, f->hub.hub_time);
    assert_true(f->r.boot_recv_ms >= f->r.boot_sent_ms);
    pthread_mutex_lock(&f->hub.mu);
    assert_string_equal(f->hub.reqs[0].auth, "Bearer s3cr3t");
    assert_string_equal(f->hub.reqs[0].kiosk, "abc");
    pthread_mutex_unlock(&f->hub.mu);
}

static void test_not_acks(void **state)
{
    fixture_t *f = *state;

    fakehub_push(&f->hub, 200, "Content-Type: text/html\r\n",
                 "<html><body>Wi-Fi login</body></html>");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    assert_non_null(strstr(f->r.message, "captive portal"));
    fakehub_push(&f->hub, 200, NULL, "");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    fakehub_push(&f->hub, 200, NULL,
                 "{\"ok\": false, \"upload_id\": \"abc:9\"}");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    fakehub_push(&f->hub, 200, NULL,
                 "{\"ok\": true, \"upload_id\": \"abc:8\"}");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    assert_non_null(strstr(f->r.message, "another upload"));
    /* Truncated JSON, as a dropped proxy connection leaves it. */
    fakehub_push(&f->hub, 200, NULL, "{\"ok\": true, \"upload_id\": \"ab");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    /* Duplicate keys are refused too. */
    fakehub_push(&f->hub, 200, NULL,
                 "{\"ok\": false, \"ok\": true, \"upload_id\": \"abc:9\"}");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
}

static void test_answer_is_capped(void **state)
{
    fixture_t *f = *state;
    char *big = malloc(SYNC_REPLY_MAX + 2);

    assert_non_null(big);
    memset(big, ' ', SYNC_REPLY_MAX + 1);
    big[SYNC_REPLY_MAX + 1] = '\0';
    fakehub_push(&f->hub, 200, NULL, big);
    free(big);
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_TRANSIENT);
    assert_non_null(strstr(f->r.message, "larger than"));
}

/* ---- refusals --------------------------------------------------------- */

static void test_status_classes(void **state)
{
    static const struct {
        int status;
        sync_class_t cls;
    } cases[] = {
        {401, SYNC_UNAUTHORIZED}, {403, SYNC_REVOKED}, {413, SYNC_TOO_LARGE},
        {408, SYNC_TRANSIENT},    {429, SYNC_TRANSIENT}, {500, SYNC_TRANSIENT},
        {502, SYNC_TRANSIENT},    {503, SYNC_TRANSIENT}, {504, SYNC_TRANSIENT},
        {302, SYNC_TRANSIENT},    {400, SYNC_PERMANENT}, {404, SYNC_PERMANENT},
        {409, SYNC_PERMANENT},    {418, SYNC_PERMANENT},
    };
    fixture_t *f = *state;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fakehub_push(&f->hub, cases[i].status, "Location: http://portal/\r\n",
                     "{\"error\": \"e\", \"message\": \"the hub's words\"}");
        assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                         cases[i].cls);
        assert_int_equal(f->r.status, cases[i].status);
        assert_string_equal(f->r.error_code, "e");
        assert_non_null(strstr(f->r.message, "the hub's words"));
    }
    /* The redirect was not followed. */
    assert_int_equal(fakehub_count(&f->hub, NULL), (int)i);
    /* An upload naming another unit is refused; the kiosk is not revoked. */
    fakehub_push(&f->hub, 403, NULL,
                 "{\"error\": \"wrong-unit\", \"message\":"
                 " \"days[0].responses[0].unit: XA-KHAC\"}");
    assert_int_equal(post(f, "/api/v1/ingest", ingest, "abc:9"),
                     SYNC_PERMANENT);
    assert_non_null(strstr(f->r.message, "days[0].responses[0].unit"));
}

static void test_retry_after_forms(void **state)
{
    fixture_t *f = *state;
    char date[64], line[128];
    pclock_t clock;
    time_t when;
    struct tm tm;

    /* A date is read against the kiosk's clock. */
    pclock_init(&clock, 0);
    when = (time_t)(pclock_wall_ms(&clock) / 1000) + 120;

    fakehub_push(&f->hub, 503, "Retry-After: 30\r\n", "{}");
    post(f, "/api/v1/ingest", ingest, "abc:9");
    assert_int_equal(f->r.retry_after_ms, 30000);
    gmtime_r(&when, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(line, sizeof(line), "Retry-After: %s\r\n", date);
    fakehub_push(&f->hub, 429, line, "{}");
    post(f, "/api/v1/ingest", ingest, "abc:9");
    assert_true(f->r.retry_after_ms > 100000 && f->r.retry_after_ms <= 121000);
    fakehub_push(&f->hub, 500, NULL, "{}");
    post(f, "/api/v1/ingest", ingest, "abc:9");
    assert_int_equal(f->r.retry_after_ms, -1);
}

/* ---- the network ------------------------------------------------------ */

static void test_refused_connection(void **state)
{
    fixture_t *f = *state;
    sync_client_opts_t o;
    sync_client_t *c = NULL;
    sync_reply_t r;
    char err[256], url[64];
    int port = f->hub.port;

    (void)f;
    fakehub_stop(&f->hub);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    memset(&o, 0, sizeof(o));
    o.hub_url = url;
    assert_int_equal(sync_client_open(&c, &o, err, sizeof(err)), 0);
    assert_int_equal(sync_client_post(c, "/api/v1/heartbeat", "a", "b", "{}",
                                      2, NULL, &r),
                     SYNC_TRANSIENT);
    assert_non_null(strstr(r.message, "hub unreachable"));
    assert_int_equal(r.status, 0);
    sync_reply_clear(&r);
    sync_client_close(c);
    /* teardown stops the hub again: give it a fresh one */
    assert_int_equal(fakehub_start(&f->hub), 0);
}

/* https:// to a server that only speaks plain HTTP (it waits for a
 * request line that never comes): never an acknowledgement, transient. */
static void test_tls_is_required_to_succeed(void **state)
{
    fixture_t *f = *state;
    sync_client_opts_t o;
    sync_client_t *c = NULL;
    sync_reply_t r;
    char err[256], url[64];

    snprintf(url, sizeof(url), "https://127.0.0.1:%d", f->hub.port);
    memset(&o, 0, sizeof(o));
    o.hub_url = url;
    o.connect_timeout_s = 1;
    assert_int_equal(sync_client_open(&c, &o, err, sizeof(err)), 0);
    assert_int_equal(sync_client_post(c, "/api/v1/heartbeat", "a", "b", "{}",
                                      2, NULL, &r),
                     SYNC_TRANSIENT);
    assert_int_equal(r.status, 0);
    sync_reply_clear(&r);
    sync_client_close(c);
}

static void test_stall_is_given_up(void **state)
{
    fixture_t *f = *state;

    atomic_store(&f->hub.hang_ms, 9000);
    assert_int_equal(post(f, "/api/v1/heartbeat", "{}", NULL),
                     SYNC_TRANSIENT);
    assert_non_null(strstr(f->r.message, "too slow"));
    atomic_store(&f->hub.hang_ms, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_only_https_or_loopback_http),
        cmocka_unit_test(test_pin_forms),
        cmocka_unit_test(test_missing_ca_file_is_refused),
        T(test_ack_is_ok_and_matching_id),
        T(test_not_acks),
        T(test_answer_is_capped),
        T(test_status_classes),
        T(test_retry_after_forms),
        T(test_refused_connection),
        T(test_tls_is_required_to_succeed),
        T(test_stall_is_given_up),
    };
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
