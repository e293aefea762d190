/*
 * Hub API without the network: routing, enrollment, kiosk and analyst
 * authentication, rate limits, statistics scopes, and the small pure
 * pieces (enrollment codes, validators). Runs on a real SQLite file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hex.h"
#include "core/vntime.h"
#include "hub/api/api.h"
#include "hub/base/code.h"
#include "hub/base/crypto.h"
#include "hub/base/ratelimit.h"
#include "hub/base/valid.h"
#include "hub/store/db_sql.h"
#include "hub/store/enroll.h"
#include "hub/store/kiosks.h"
#include "hub/store/tokens.h"
#include "hub/store/units.h"

#include "testutil.h"

#define K1 "0123456789abcdef0123456789abcdef"
#define K2 "fedcba9876543210fedcba9876543210"
#define HOUR_MS INT64_C(3600000)

typedef struct fixture {
    char root[256];
    char db_path[320];
    hub_ctx_t ctx;
    hub_reply_t r;
    int64_t now, mono;
    char secret1[HUB_SECRET_LEN + 1];
    char secret2[HUB_SECRET_LEN + 1];
} fixture_t;

/* ---- fixture ---------------------------------------------------------- */

static void add_units(hub_db_t *db)
{
    assert_int_equal(hub_db_begin_write(db), HUB_OK);
    assert_int_equal(hub_units_add(db, "TINH", "Tỉnh", NULL, 1), HUB_OK);
    assert_int_equal(hub_units_add(db, "HUYEN-A", "Huyện A", "TINH", 1),
                     HUB_OK);
    assert_int_equal(
        hub_units_add(db, "XA-MINHTAN", "UBND xã Minh Tân", "HUYEN-A", 1),
        HUB_OK);
    assert_int_equal(hub_units_add(db, "HUYEN-B", "Huyện B", "TINH", 1),
                     HUB_OK);
    assert_int_equal(hub_units_add(db, "XA-KHAC", "Xã khác", "HUYEN-B", 1),
                     HUB_OK);
    assert_int_equal(hub_db_commit(db), HUB_OK);
}

static int open_fixture(fixture_t *f, int rate)
{
    hub_db_options_t opt = {1, 1, 0};

    if (hub_db_open(f->db_path, &opt, &f->ctx.db) != HUB_OK)
        return -1;
    f->ctx.kiosk_limit = hub_ratelimit_new(rate, 60000, 1000);
    f->ctx.enroll_limit = hub_ratelimit_new(rate, 60000, 1000);
    return f->ctx.kiosk_limit && f->ctx.enroll_limit ? 0 : -1;
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    if (testutil_make_tmpdir(f->root, sizeof(f->root), "sipas-hubapi") !=
        0) {
        free(f);
        return -1;
    }
    snprintf(f->db_path, sizeof(f->db_path), "%s/hub.db", f->root);
    if (open_fixture(f, 120) != 0)
        return -1;
    f->now = vntime_parse_date("2026-11-22") + 10 * HOUR_MS;
    f->mono = 1000000;
    hub_reply_init(&f->r);
    add_units(f->ctx.db);
    *state = f;
    return 0;
}

static void close_fixture(fixture_t *f)
{
    hub_ratelimit_free(f->ctx.kiosk_limit);
    hub_ratelimit_free(f->ctx.enroll_limit);
    hub_db_close(f->ctx.db);
    memset(&f->ctx, 0, sizeof(f->ctx));
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    int rc;

    hub_reply_clear(&f->r);
    close_fixture(f);
    rc = testutil_remove_tree(f->root);
    free(f);
    return rc;
}

/* ---- requests --------------------------------------------------------- */

typedef struct call {
    const char *method, *path, *auth, *kiosk, *body;
    const char *query[2 * HUB_API_QUERY_MAX + 1]; /* key, value, ..., NULL */
} call_t;

static int run(fixture_t *f, const call_t *c)
{
    hub_request_t req;
    size_t i;

    memset(&req, 0, sizeof(req));
    req.method = c->method;
    req.path = c->path;
    req.authorization = c->auth;
    req.kiosk = c->kiosk;
    req.body = c->body;
    req.body_len = c->body ? strlen(c->body) : 0;
    for (i = 0; c->query[2 * i]; i++) {
        req.query[i].key = c->query[2 * i];
        req.query[i].value = c->query[2 * i + 1];
    }
    req.n_query = i;
    req.client = "192.0.2.7";
    req.now_ms = f->now;
    req.mono_ms = f->mono;
    hub_reply_clear(&f->r);
    return hub_api_handle(&f->ctx, &req, &f->r);
}

static json_t *reply_json(fixture_t *f)
{
    json_t *v;

    assert_int_equal(hub_reply_finish(&f->r), 0);
    v = json_loadb(f->r.body, f->r.body_len, 0, NULL);
    assert_non_null(v);
    return v;
}

static char *bearer(const char *secret)
{
    static char buf[4][128];
    static int next;
    char *b = buf[next++ % 4];

    snprintf(b, sizeof(buf[0]), "Bearer %s", secret);
    return b;
}

static void new_code(fixture_t *f, const char *unit, int ttl,
                     char code[HUB_CODE_TEXT])
{
    int64_t expires;

    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(
        hub_enroll_add_code(f->ctx.db, unit, ttl, f->now, code, &expires),
        HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    assert_int_equal(expires, f->now + ttl * HOUR_MS);
}

static int enroll_with(fixture_t *f, const char *code, const char *id,
                       char secret[HUB_SECRET_LEN + 1])
{
    char body[512];
    call_t c = {"POST", "/api/v1/enroll", NULL, NULL, body, {NULL}};
    json_t *v;
    int status;

    snprintf(body, sizeof(body),
             "{\"code\": \"%s\", \"install_id\": \"%s\", \"counter\":"
             " \"Quầy 1\", \"version\": \"0.1.0\"}",
             code, id);
    status = run(f, &c);
    if (status == 200 && secret) {
        v = reply_json(f);
        snprintf(secret, HUB_SECRET_LEN + 1, "%s",
                 json_string_value(json_object_get(v, "secret")));
        json_decref(v);
    }
    return status;
}

static void enroll_both(fixture_t *f)
{
    char code[HUB_CODE_TEXT];

    new_code(f, "XA-MINHTAN", 72, code);
    assert_int_equal(enroll_with(f, code, K1, f->secret1), 200);
    new_code(f, "XA-KHAC", 72, code);
    assert_int_equal(enroll_with(f, code, K2, f->secret2), 200);
}

static int64_t query_int(fixture_t *f, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v;

    assert_int_equal(
        sqlite3_prepare_v2(f->ctx.db->sql.conn, sql, -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int heartbeat(fixture_t *f, const char *kiosk, const char *secret)
{
    call_t c = {"POST",
                "/api/v1/heartbeat",
                bearer(secret),
                kiosk,
                "{\"version\": \"0.2.0\", \"pending\": 3, \"clock_synced\":"
                " false, \"last_response_at\": null}",
                {NULL}};

    return run(f, &c);
}

/* ---- routing ---------------------------------------------------------- */

static void test_routes(void **state)
{
    fixture_t *f = *state;
    call_t unknown = {"GET", "/api/v2/stats", NULL, NULL, NULL, {NULL}};
    call_t wrong = {"GET", "/api/v1/ingest", NULL, NULL, NULL, {NULL}};
    call_t post_health = {"POST", "/healthz", NULL, NULL, NULL, {NULL}};
    call_t health = {"GET", "/healthz", NULL, NULL, NULL, {NULL}};
    call_t health_body = {"GET", "/healthz", NULL, NULL, "{}", {NULL}};
    json_t *v;

    assert_int_equal(run(f, &unknown), 404);
    assert_string_equal(f->r.error, "not-found");
    assert_int_equal(run(f, &wrong), 405);
    assert_string_equal(f->r.allow, "POST");
    assert_int_equal(run(f, &post_health), 405);
    assert_string_equal(f->r.allow, "GET, HEAD");
    assert_int_equal(run(f, &health), 200);
    v = reply_json(f);
    assert_true(json_is_true(json_object_get(v, "ok")));
    json_decref(v);
    assert_int_equal(run(f, &health_body), 400);
}

/* ---- enrollment -------------------------------------------------------- */

static void test_enroll_answers(void **state)
{
    fixture_t *f = *state;
    char code[HUB_CODE_TEXT], expired[HUB_CODE_TEXT];
    char secret[HUB_SECRET_LEN + 1];
    json_t *v;

    new_code(f, "XA-MINHTAN", 72, code);
    assert_int_equal(enroll_with(f, code, K1, secret), 200);
    v = reply_json(f);
    assert_true(json_is_true(json_object_get(v, "ok")));
    assert_string_equal(json_string_value(json_object_get(v, "install_id")),
                        K1);
    assert_true(hex_is_lower(secret, HUB_SECRET_LEN));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(v, "unit"), "code")),
        "XA-MINHTAN");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(v, "unit"), "name")),
        "UBND xã Minh Tân");
    assert_int_equal(json_integer_value(json_object_get(v, "hub_time")),
                     f->now);
    json_decref(v);
    /* Used once: never again, for anyone. */
    assert_int_equal(enroll_with(f, code, K2, NULL), 409);
    assert_string_equal(f->r.error, "code-used");
    new_code(f, "XA-MINHTAN", 0, expired);
    assert_int_equal(enroll_with(f, expired, K2, NULL), 410);
    assert_string_equal(f->r.error, "code-expired");
    assert_int_equal(enroll_with(f, "ZZZZ-ZZZZ-ZZZZ", K2, NULL), 404);
    assert_string_equal(f->r.error, "unknown-code");
    assert_int_equal(enroll_with(f, "hello", K2, NULL), 404);
    assert_int_equal(enroll_with(f, code, "not-hex", NULL), 400);
    assert_string_equal(f->r.error, "bad-request");
    /* The hub keeps digests only, and the audit trail has no secret. */
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks"), 1);
    assert_int_equal(query_int(f, "SELECT length(secret_hash) FROM kiosks"),
                     32);
    assert_int_equal(query_int(f, "SELECT count(*) FROM audit WHERE action ="
                                  " 'kiosk.enroll'"),
                     1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM enroll_codes WHERE"
                                  " used_by = '" K1 "'"),
                     1);
}

static void test_enroll_refuses_malformed(void **state)
{
    static const char *const bodies[] = {
        "",
        "[]",
        "{\"code\": 1, \"install_id\": \"" K1 "\"}",
        "{\"install_id\": \"" K1 "\"}",
        "{\"code\": \"AAAA-AAAA-AAAA\"}",
        "{\"code\": \"AAAA-AAAA-AAAA\", \"install_id\": \"" K1 "\","
        " \"extra\": 1}",
        "{\"code\": \"AAAA-AAAA-AAAA\", \"code\": \"BBBB-BBBB-BBBB\","
        " \"install_id\": \"" K1 "\"}",
        "{\"code\": \"AAAA-AAAA-AAAA\", \"install_id\": \"" K1 "\","
        " \"counter\": \"a\\u0001b\"}",
        "{\"code\": \"AAAA-AAAA-AAAA\", \"install_id\": \"" K1 "\","
        " \"version\": \"0.1 beta\"}",
    };
    fixture_t *f = *state;
    call_t c = {"POST", "/api/v1/enroll", NULL, NULL, NULL, {NULL}};
    size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        c.body = bodies[i];
        if (run(f, &c) != 400)
            fail_msg("body %zu: expected 400, got %d", i, f->r.status);
    }
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks"), 0);
}

/* People type codes: lower case, I/L for 1 and O for 0 are the same. */
static void test_enroll_forgiving_code(void **state)
{
    fixture_t *f = *state;
    char code[HUB_CODE_TEXT], typed[HUB_CODE_TEXT + 4];
    size_t i, o = 0;

    new_code(f, "XA-MINHTAN", 1, code);
    for (i = 0; code[i]; i++) {
        char ch = code[i];

        if (ch == '-') {
            typed[o++] = ' ';
            continue;
        }
        typed[o++] = ch == '0'   ? 'o'
                     : ch == '1' ? 'l'
                                 : (char)tolower((unsigned char)ch);
    }
    typed[o] = '\0';
    assert_int_equal(enroll_with(f, typed, K1, NULL), 200);
}

static void test_reenroll_replaces_secret(void **state)
{
    fixture_t *f = *state;
    char code[HUB_CODE_TEXT], old[HUB_SECRET_LEN + 1];
    int was;

    enroll_both(f);
    snprintf(old, sizeof(old), "%s", f->secret1);
    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_kiosks_revoke(f->ctx.db, K1, f->now, &was), HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    assert_int_equal(heartbeat(f, K1, old), 403);
    assert_string_equal(f->r.error, "revoked");
    /* A wrong secret learns nothing about the revocation. */
    assert_int_equal(heartbeat(f, K1, f->secret2), 401);
    new_code(f, "HUYEN-A", 72, code);
    assert_int_equal(enroll_with(f, code, K1, f->secret1), 200);
    assert_string_not_equal(old, f->secret1);
    assert_int_equal(heartbeat(f, K1, old), 401);
    assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks WHERE unit ="
                                  " 'HUYEN-A' AND revoked_at IS NULL"),
                     1);
}

/* A code of another unit must not take an active kiosk over: its secret,
 * unit and history stay, the attempt is audited, the code stays usable. */
static void test_enroll_refuses_takeover(void **state)
{
    fixture_t *f = *state;
    char code[HUB_CODE_TEXT], taker[HUB_SECRET_LEN + 1];
    int was;

    enroll_both(f);
    new_code(f, "XA-KHAC", 72, code);
    taker[0] = '\0';
    assert_int_equal(enroll_with(f, code, K1, taker), 409);
    assert_string_equal(f->r.error, "other-unit");
    assert_non_null(strstr(f->r.message, "another unit"));
    assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks WHERE unit ="
                                  " 'XA-MINHTAN' AND revoked_at IS NULL"),
                     1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM audit WHERE action ="
                                  " 'kiosk.enroll-refused'"),
                     1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM enroll_codes WHERE"
                                  " used_at IS NULL"),
                     1);
    /* The kiosk's own unit may renew its secret (history kept)... */
    new_code(f, "XA-MINHTAN", 72, code);
    assert_int_equal(enroll_with(f, code, K1, f->secret1), 200);
    assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    /* ...and so may the unit its unit was merged into... */
    {
        hub_units_stamp_t stamp = {f->now, "cli:test"};
        hub_units_why_t why;

        assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
        assert_int_equal(hub_units_add(f->ctx.db, "XA-MOI", "Xã mới",
                                       "HUYEN-A", 1),
                         HUB_OK);
        assert_int_equal(hub_units_merge(f->ctx.db, "XA-MINHTAN", "XA-MOI",
                                         "2026-07-01", &stamp, &why),
                         HUB_OK);
        assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    }
    new_code(f, "XA-MOI", 72, code);
    assert_int_equal(enroll_with(f, code, K1, f->secret1), 200);
    /* ...and once revoked, any unit may take the moved kiosk. */
    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_kiosks_revoke(f->ctx.db, K1, f->now, &was), HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    new_code(f, "XA-KHAC", 72, code);
    assert_int_equal(enroll_with(f, code, K1, f->secret1), 200);
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks WHERE unit ="
                                  " 'XA-KHAC' AND install_id = '" K1 "'"),
                     1);
}

/* ---- kiosk authentication and rate limits ----------------------------- */

static void test_kiosk_auth(void **state)
{
    fixture_t *f = *state;
    call_t c = {"POST", "/api/v1/heartbeat", NULL, K1, "{}", {NULL}};

    enroll_both(f);
    assert_int_equal(run(f, &c), 401);
    assert_string_equal(f->r.error, "unauthorized");
    c.auth = "Basic dXNlcjpwYXNz";
    assert_int_equal(run(f, &c), 401);
    c.auth = bearer(
        "0000000000000000000000000000000000000000000000000000000000000000");
    assert_int_equal(run(f, &c), 401);
    /* Another kiosk's id with this kiosk's secret. */
    c.auth = bearer(f->secret1);
    c.kiosk = K2;
    assert_int_equal(run(f, &c), 401);
    c.kiosk = NULL;
    assert_int_equal(run(f, &c), 401);
    c.kiosk = "0123456789abcdef0123456789abcdeF";
    assert_int_equal(run(f, &c), 401);
    c.kiosk = K1;
    c.auth = bearer(f->secret1);
    assert_int_equal(run(f, &c), 200);
    /* The scheme is case-insensitive, as HTTP says. */
    {
        char lower[128];

        snprintf(lower, sizeof(lower), "bearer %s", f->secret1);
        c.auth = lower;
        assert_int_equal(run(f, &c), 200);
    }
    assert_int_equal(query_int(f, "SELECT count(*) FROM heartbeats"), 1);
}

static void test_heartbeat_stored(void **state)
{
    fixture_t *f = *state;
    call_t bad = {"POST", "/api/v1/heartbeat", NULL,
                  K1,     "{\"pending\": -1}", {NULL}};
    call_t query = {"POST", "/api/v1/heartbeat", NULL, K1,
                    "{}",   {"x", "1", NULL}};

    enroll_both(f);
    assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    assert_int_equal(query_int(f, "SELECT count(*) FROM kiosks WHERE"
                                  " install_id = '" K1 "' AND version ="
                                  " '0.2.0'"),
                     1);
    assert_int_equal(query_int(f, "SELECT count(*) FROM heartbeats WHERE"
                                  " body LIKE '%\"pending\":3%'"),
                     1);
    bad.auth = bearer(f->secret1);
    assert_int_equal(run(f, &bad), 400);
    {
        /* The small endpoints take small bodies. */
        char *big = malloc(HUB_API_SMALL_BODY_MAX + 2);

        assert_non_null(big);
        memset(big, ' ', HUB_API_SMALL_BODY_MAX + 1);
        big[0] = '{';
        big[HUB_API_SMALL_BODY_MAX] = '}';
        big[HUB_API_SMALL_BODY_MAX + 1] = '\0';
        bad.body = big;
        assert_int_equal(run(f, &bad), 413);
        free(big);
    }
    bad.body = "{\"pending\": 1, \"pending\": 2}";
    assert_int_equal(run(f, &bad), 400);
    bad.body = "";
    assert_int_equal(run(f, &bad), 400);
    query.auth = bearer(f->secret1);
    assert_int_equal(run(f, &query), 400);
    assert_int_equal(query_int(f, "SELECT count(*) FROM heartbeats WHERE"
                                  " body LIKE '%\"pending\":3%'"),
                     1);
}

static void test_rate_limit_per_kiosk(void **state)
{
    fixture_t *f = *state;
    int i;

    close_fixture(f);
    assert_int_equal(open_fixture(f, 3), 0);
    enroll_both(f);
    /* Failed authentication does not use up a kiosk's allowance. */
    for (i = 0; i < 5; i++)
        assert_int_equal(heartbeat(f, K1, f->secret2), 401);
    for (i = 0; i < 3; i++) {
        f->mono += 1000;
        assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    }
    assert_int_equal(heartbeat(f, K1, f->secret1), 429);
    assert_string_equal(f->r.error, "rate-limited");
    /* The oldest of the three was 2 s ago: it expires in 58 s. */
    assert_int_equal(f->r.retry_after_s, 58);
    assert_int_equal(heartbeat(f, K2, f->secret2), 200);
    f->mono += 58000;
    assert_int_equal(heartbeat(f, K1, f->secret1), 200);
    assert_int_equal(heartbeat(f, K1, f->secret1), 429);
}

static void test_ratelimit_window(void **state)
{
    hub_ratelimit_t *rl = hub_ratelimit_new(120, 60000, 2);
    hub_ratelimit_t *off = hub_ratelimit_new(0, 60000, 2);
    int i;

    (void)state;
    assert_non_null(rl);
    for (i = 0; i < 120; i++)
        assert_int_equal(hub_ratelimit_take(rl, "a", i * 100), 0);
    /* 120 within the last minute: the 121st waits for the first to age. */
    assert_int_equal(hub_ratelimit_take(rl, "a", 12000), 48);
    assert_int_equal(hub_ratelimit_take(rl, "a", 59999), 1);
    assert_int_equal(hub_ratelimit_take(rl, "a", 60000), 0);
    assert_int_equal(hub_ratelimit_take(rl, "a", 60050), 1);
    /* Two keys fill the table; a third is refused while both are busy
     * and admitted once one has been idle for a whole window. */
    assert_int_equal(hub_ratelimit_take(rl, "b", 60100), 0);
    assert_true(hub_ratelimit_take(rl, "c", 60200) > 0);
    assert_int_equal(hub_ratelimit_take(rl, "c", 200000), 0);
    for (i = 0; i < 1000; i++)
        assert_int_equal(hub_ratelimit_take(off, "a", 0), 0);
    hub_ratelimit_free(rl);
    hub_ratelimit_free(off);
}

/* ---- statistics ------------------------------------------------------- */

static void ingest_sample(fixture_t *f, const char *kiosk, const char *secret,
                          const char *unit, int complete, int fives, int fours)
{
    char body[2048];
    call_t c = {"POST", "/api/v1/ingest", bearer(secret), kiosk, body, {NULL}};

    snprintf(body, sizeof(body),
             "{\"install_id\": \"%s\", \"upload_id\": \"%s:9\","
             " \"upto_seq\": 9, \"days\": [{\"day\": \"2026-11-21\","
             " \"estimated\": 0, \"responses\": ["
             "{\"unit\": \"%s\", \"counter\": \"Q\", \"officer\": \"\","
             " \"field\": \"dat-dai\", \"instrument\": \"sipas-short\","
             " \"version\": 1, \"complete\": %d, \"partial\": 2,"
             " \"suppressed\": 1}], \"answers\": ["
             "{\"unit\": \"%s\", \"counter\": \"Q\", \"officer\": \"\","
             " \"field\": \"dat-dai\", \"instrument\": \"sipas-short\","
             " \"version\": 1, \"partial\": 0, \"question\": \"overall\","
             " \"element\": \"overall\", \"answer\": \"5\", \"n\": %d},"
             "{\"unit\": \"%s\", \"counter\": \"Q\", \"officer\": \"\","
             " \"field\": \"dat-dai\", \"instrument\": \"sipas-short\","
             " \"version\": 1, \"partial\": 0, \"question\": \"overall\","
             " \"element\": \"overall\", \"answer\": \"4\", \"n\": %d},"
             "{\"unit\": \"%s\", \"counter\": \"Q\", \"officer\": \"\","
             " \"field\": \"dat-dai\", \"instrument\": \"sipas-short\","
             " \"version\": 1, \"partial\": 1, \"question\": \"overall\","
             " \"element\": \"overall\", \"answer\": \"1\", \"n\": 2},"
             "{\"unit\": \"%s\", \"counter\": \"Q\", \"officer\": \"\","
             " \"field\": \"dat-dai\", \"instrument\": \"sipas-short\","
             " \"version\": 1, \"partial\": 0, \"question\": \"reasons\","
             " \"element\": \"reasons\", \"answer\": \"slow\", \"n\": 1}"
             "]}]}",
             kiosk, kiosk, unit, complete, unit, fives, unit, fours, unit,
             unit);
    assert_int_equal(run(f, &c), 200);
}

static char *new_token(fixture_t *f, const char *unit)
{
    static char tok[2][HUB_TOKEN_TEXT];
    static int next;
    char *t = tok[next++ % 2];
    int64_t id;

    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_tokens_add(f->ctx.db, unit, f->now, t, &id), HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    return t;
}

static json_t *stats(fixture_t *f, const char *token, const char *unit,
                     const char *group, int expect)
{
    call_t c = {
        "GET",         "/api/v1/stats",
        bearer(token), NULL,
        NULL,          {"from", "2026-11-01", "to", "2026-11-30", NULL}};
    int n = 4;

    if (unit) {
        c.query[n++] = "unit";
        c.query[n++] = unit;
    }
    if (group) {
        c.query[n++] = "group";
        c.query[n++] = group;
    }
    c.query[n] = NULL;
    assert_int_equal(run(f, &c), expect);
    return expect == 200 ? reply_json(f) : NULL;
}

static json_int_t group_int(json_t *v, size_t i, const char *key)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(v, "groups"), i), key));
}

static void test_stats_counts_and_scope(void **state)
{
    fixture_t *f = *state;
    char *province, *district;
    json_t *v, *q, *counts;

    enroll_both(f);
    ingest_sample(f, K1, f->secret1, "XA-MINHTAN", 10, 6, 4);
    ingest_sample(f, K2, f->secret2, "XA-KHAC", 5, 1, 3);
    province = new_token(f, NULL);
    district = new_token(f, "HUYEN-A");

    v = stats(f, province, NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "groups")), 1);
    assert_int_equal(group_int(v, 0, "responses"), 15);
    assert_int_equal(group_int(v, 0, "partial"), 4);
    assert_int_equal(group_int(v, 0, "suppressed"), 2);
    q = json_array_get(
        json_object_get(json_array_get(json_object_get(v, "groups"), 0),
                        "questions"),
        0);
    assert_string_equal(json_string_value(json_object_get(q, "id")),
                        "overall");
    counts = json_object_get(q, "counts");
    /* Every scale value shows; partial answers (the "1"s) are left out. */
    assert_int_equal(json_object_size(counts), 5);
    assert_int_equal(json_integer_value(json_object_get(counts, "1")), 0);
    assert_int_equal(json_integer_value(json_object_get(counts, "4")), 7);
    assert_int_equal(json_integer_value(json_object_get(counts, "5")), 7);
    q = json_array_get(
        json_object_get(json_array_get(json_object_get(v, "groups"), 0),
                        "questions"),
        1);
    assert_string_equal(json_string_value(json_object_get(q, "id")),
                        "reasons");
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(q, "counts"), "slow")),
                     2);
    json_decref(v);

    v = stats(f, province, NULL, "unit", 200);
    assert_int_equal(json_array_size(json_object_get(v, "groups")), 2);
    json_decref(v);
    v = stats(f, province, "HUYEN-A", NULL, 200);
    assert_int_equal(group_int(v, 0, "responses"), 10);
    json_decref(v);
    v = stats(f, province, NULL, "field", 200);
    assert_int_equal(json_array_size(json_object_get(v, "groups")), 1);
    assert_int_equal(group_int(v, 0, "responses"), 15);
    json_decref(v);
    assert_null(stats(f, province, "NOPE", NULL, 404));
    {
        static const char *const periods[][2] = {{"day", "2026-11-21"},
                                                 {"month", "2026-11"},
                                                 {"quarter", "2026-Q4"},
                                                 {"half", "2026-H2"},
                                                 {"year", "2026"}};
        size_t i;

        for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++) {
            v = stats(f, province, NULL, periods[i][0], 200);
            assert_int_equal(json_array_size(json_object_get(v, "groups")), 1);
            assert_string_equal(
                json_string_value(json_object_get(
                    json_object_get(
                        json_array_get(json_object_get(v, "groups"), 0),
                        "key"),
                    periods[i][0])),
                periods[i][1]);
            assert_int_equal(group_int(v, 0, "responses"), 15);
            json_decref(v);
        }
    }
    v = stats(f, province, NULL, "counter", 200);
    {
        char *text = json_dumps(json_object_get(v, "groups"), JSON_COMPACT);

        assert_non_null(strstr(text, "{\"key\":{\"unit\":\"XA-KHAC\","
                                     "\"counter\":\"Q\"},\"responses\":5"));
        assert_non_null(strstr(text, "{\"key\":{\"unit\":\"XA-MINHTAN\","
                                     "\"counter\":\"Q\"},\"responses\":10"));
        free(text);
    }
    json_decref(v);

    /* A district's token sees its subtree and nothing else. */
    v = stats(f, district, NULL, "unit", 200);
    assert_int_equal(json_array_size(json_object_get(v, "groups")), 1);
    assert_int_equal(group_int(v, 0, "responses"), 10);
    json_decref(v);
    v = stats(f, district, "XA-MINHTAN", NULL, 200);
    assert_int_equal(group_int(v, 0, "responses"), 10);
    json_decref(v);
    assert_null(stats(f, district, "XA-KHAC", NULL, 403));
    assert_null(stats(f, district, "TINH", NULL, 403));
    assert_null(stats(f, district, "NOPE", NULL, 403));
    assert_string_equal(f->r.error, "forbidden");
    assert_null(stats(f, f->secret1, NULL, NULL, 401));
}

static void test_stats_empty_and_revoked_token(void **state)
{
    fixture_t *f = *state;
    char *tok = new_token(f, NULL);
    json_t *v;
    int was;

    v = stats(f, tok, NULL, NULL, 200);
    assert_int_equal(json_array_size(json_object_get(v, "groups")), 1);
    assert_int_equal(group_int(v, 0, "responses"), 0);
    json_decref(v);
    assert_int_equal(hub_db_begin_write(f->ctx.db), HUB_OK);
    assert_int_equal(hub_tokens_revoke(f->ctx.db, 1, f->now, &was), HUB_OK);
    assert_int_equal(hub_db_commit(f->ctx.db), HUB_OK);
    assert_null(stats(f, tok, NULL, NULL, 401));
}

static void test_stats_refuses_bad_parameters(void **state)
{
    fixture_t *f = *state;
    char *tok = new_token(f, NULL);
    const char *sets[][9] = {
        {"to", "2026-11-30", NULL},
        {"from", "2026-11-01", NULL},
        {"from", "2026-11-31", "to", "2026-12-01", NULL},
        {"from", "2026-12-01", "to", "2026-11-01", NULL},
        {"from", "2026-11-01", "to", "2026-11-30", "group", "week", NULL},
        {"from", "2026-11-01", "to", "2026-11-30", "unit", "a b", NULL},
        {"from", "2026-11-01", "to", "2026-11-30", "limit", "5", NULL},
        {"from", "2026-11-01", "from", "2026-11-02", "to", "2026-11-30", NULL},
        {"from", "2000-01-01", "to", "2026-11-30", NULL},
    };
    call_t c = {"GET", "/api/v1/stats", bearer(tok), NULL, NULL, {NULL}};
    size_t i, k;

    for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        for (k = 0; sets[i][k]; k++)
            c.query[k] = sets[i][k];
        c.query[k] = NULL;
        if (run(f, &c) != 400)
            fail_msg("set %zu: expected 400, got %d", i, f->r.status);
    }
}

/* ---- pure pieces ------------------------------------------------------ */

static void test_codes(void **state)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char codes[200][HUB_CODE_TEXT], norm[HUB_CODE_TEXT];
    size_t i, j;

    (void)state;
    for (i = 0; i < 200; i++) {
        assert_int_equal(hub_code_generate(codes[i]), 0);
        assert_int_equal(strlen(codes[i]), 14);
        for (j = 0; j < 14; j++) {
            if (j == 4 || j == 9)
                assert_int_equal(codes[i][j], '-');
            else
                assert_non_null(strchr(alphabet, codes[i][j]));
        }
        assert_int_equal(hub_code_normalise(codes[i], norm), 0);
        assert_string_equal(norm, codes[i]);
        for (j = 0; j < i; j++)
            assert_string_not_equal(codes[i], codes[j]);
    }
    assert_int_equal(hub_code_normalise("7kq2 m9tx 4hbd", norm), 0);
    assert_string_equal(norm, "7KQ2-M9TX-4HBD");
    assert_int_equal(hub_code_normalise("ILO0-0000-0000", norm), 0);
    assert_string_equal(norm, "1100-0000-0000");
    assert_int_equal(hub_code_normalise("7KQ2-M9TX-4HB", norm), -1);
    assert_int_equal(hub_code_normalise("7KQ2-M9TX-4HBDD", norm), -1);
    assert_int_equal(hub_code_normalise("7KQ2-M9TX-4HBU", norm), -1);
    assert_int_equal(hub_code_normalise("7KQ2-M9TX-4HB!", norm), -1);
    assert_int_equal(hub_code_normalise("", norm), -1);
}

static void test_validators(void **state)
{
    char long_code[HUB_CODE_MAX + 2];

    (void)state;
    assert_true(hub_valid_code("XA-MINHTAN"));
    assert_true(hub_valid_code("a.b_c-9"));
    assert_false(hub_valid_code(""));
    assert_false(hub_valid_code("a b"));
    assert_false(hub_valid_code("a'b"));
    assert_false(hub_valid_code("ã"));
    memset(long_code, 'x', sizeof(long_code) - 1);
    long_code[sizeof(long_code) - 1] = '\0';
    assert_false(hub_valid_code(long_code));
    long_code[HUB_CODE_MAX] = '\0';
    assert_true(hub_valid_code(long_code));

    assert_true(hub_valid_name("UBND xã Minh Tân", HUB_NAME_MAX, 0));
    assert_true(hub_valid_name("", HUB_NAME_MAX, 1));
    assert_false(hub_valid_name("", HUB_NAME_MAX, 0));
    assert_false(hub_valid_name("a\tb", HUB_NAME_MAX, 0));
    assert_false(hub_valid_name("a\x7f", HUB_NAME_MAX, 0));
    assert_false(hub_valid_name("a\xc2\x85", HUB_NAME_MAX, 0)); /* C1 NEL */
    assert_false(hub_valid_name("\xc0\xaf", HUB_NAME_MAX, 0));  /* overlong */
    assert_false(hub_valid_name("\xed\xa0\x80", HUB_NAME_MAX, 0)); /* D800 */
    assert_false(hub_valid_name("\xf4\x90\x80\x80", HUB_NAME_MAX, 0));
    assert_false(hub_valid_name("ab\xe1\xba", HUB_NAME_MAX, 0)); /* cut */
    assert_false(hub_valid_name("abcd", 3, 0));
    assert_int_equal(hub_valid_utf8_prefix("ab\xe1\xba"), 2);

    assert_true(hex_is_lower(K1, HUB_INSTALL_ID_LEN));
    assert_false(hex_is_lower(K1 "0", HUB_INSTALL_ID_LEN));
    assert_false(hex_is_lower("0123", HUB_INSTALL_ID_LEN));
    assert_false(
        hex_is_lower("0123456789ABCDEF0123456789abcdef", HUB_INSTALL_ID_LEN));
    assert_true(hub_valid_upload_id(K1 ":1234"));
    assert_false(hub_valid_upload_id("a/b"));
    assert_true(hub_valid_version("0.1.0-rc1"));
    assert_false(hub_valid_version("0.1 0"));
}

static void test_crypto(void **state)
{
    unsigned char a[HUB_SHA256_LEN], b[HUB_SHA256_LEN];
    char hex[2 * HUB_SHA256_LEN + 1], s1[65], s2[65];

    (void)state;
    /* SHA-256("abc"), FIPS 180-2. */
    assert_int_equal(hub_crypto_hash_text("abc", a), 0);
    hex_encode(a, sizeof(a), hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a"
                             "9cb410ff61f20015ad");
    memcpy(b, a, sizeof(a));
    assert_true(hub_crypto_equal(a, b, sizeof(a)));
    b[31] ^= 1;
    assert_false(hub_crypto_equal(a, b, sizeof(a)));
    assert_int_equal(hub_crypto_new_secret(s1, a), 0);
    assert_int_equal(hub_crypto_new_secret(s2, b), 0);
    assert_true(hex_is_lower(s1, HUB_SECRET_LEN));
    assert_string_not_equal(s1, s2);
    assert_int_equal(hub_crypto_hash_text(s1, b), 0);
    assert_true(hub_crypto_equal(a, b, sizeof(a)));
}

static void test_schema_versions(void **state)
{
    fixture_t *f = *state;
    hub_db_options_t opt = {0, 1, 0};
    hub_db_t *db = NULL;

    assert_int_equal(query_int(f, "PRAGMA user_version"),
                     hub_db_schema_version());
    close_fixture(f);
    /* Reopening keeps what is there. */
    assert_int_equal(hub_db_open(f->db_path, &opt, &db), HUB_OK);
    assert_int_equal(sqlite3_exec(db->sql.conn,
                                  "PRAGMA user_version = 99", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    hub_db_close(db);
    /* A newer schema than this program knows is refused, not damaged. */
    assert_int_equal(hub_db_open(f->db_path, &opt, &db), HUB_ERROR);
    assert_non_null(strstr(hub_db_open_error(), "newer"));
    assert_int_equal(hub_db_open("/nonexistent/dir/hub.db", &opt, &db),
                     HUB_NOT_FOUND);
    assert_int_equal(open_fixture(f, 120) == 0, 0);
    close_fixture(f);
    /* The fixture is reopened for teardown on a fresh file. */
    snprintf(f->db_path + strlen(f->db_path) - 6, 7, "b2.db");
    assert_int_equal(open_fixture(f, 120), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_routes),
        T(test_enroll_answers),
        T(test_enroll_refuses_malformed),
        T(test_enroll_forgiving_code),
        T(test_reenroll_replaces_secret),
        T(test_enroll_refuses_takeover),
        T(test_kiosk_auth),
        T(test_heartbeat_stored),
        T(test_rate_limit_per_kiosk),
        cmocka_unit_test(test_ratelimit_window),
        T(test_stats_counts_and_scope),
        T(test_stats_empty_and_revoked_token),
        T(test_stats_refuses_bad_parameters),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_crypto),
        T(test_schema_versions),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
