/*
 * The client's address behind a proxy (hub/base/peer.c) and the failure
 * counting that enrollment limits rest on (hub_ratelimit_peek): pure
 * functions, driven directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hub/base/peer.h"
#include "hub/base/ratelimit.h"

static hub_peer_list_t proxies(const char *text)
{
    hub_peer_list_t l;
    char err[128];

    assert_int_equal(hub_peer_parse_list(text, &l, err, sizeof(err)), 0);
    return l;
}

static const char *client(const hub_peer_list_t *l, const char *peer,
                          const char *xff, const char *real_ip)
{
    static char out[HUB_PEER_ADDR_MAX];

    hub_peer_get_client(l, peer, xff, real_ip, out, sizeof(out));
    return out;
}

static void test_parse_list(void **state)
{
    hub_peer_list_t l;
    char err[128];

    (void)state;
    l = proxies("127.0.0.1,10.0.0.0/8,::1,fd00::/8");
    assert_int_equal(l.n, 4);
    assert_true(hub_peer_is_trusted(&l, "10.200.3.4"));
    assert_true(hub_peer_is_trusted(&l, "fd12::7"));
    assert_false(hub_peer_is_trusted(&l, "11.0.0.1"));
    assert_false(hub_peer_is_trusted(&l, "127.0.0.2"));
    assert_false(hub_peer_is_trusted(&l, "?"));
    l = proxies("192.168.1.0/25");
    assert_true(hub_peer_is_trusted(&l, "192.168.1.127"));
    assert_false(hub_peer_is_trusted(&l, "192.168.1.128"));
    assert_int_equal(hub_peer_parse_list("", &l, err, sizeof(err)), -1);
    assert_int_equal(hub_peer_parse_list("1.2.3.4,", &l, err, sizeof(err)),
                     -1);
    assert_int_equal(hub_peer_parse_list("1.2.3.4/33", &l, err, sizeof(err)),
                     -1);
    assert_int_equal(hub_peer_parse_list("::1/129", &l, err, sizeof(err)),
                     -1);
    assert_int_equal(hub_peer_parse_list("nginx", &l, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nginx"));
    assert_int_equal(hub_peer_parse_list("1.2.3.4/-1", &l, err, sizeof(err)),
                     -1);
}

/* Attack: a client sends X-Forwarded-For itself to take a fresh address
 * per request. Without a trusted proxy, and from a peer not listed, the
 * headers are ignored. */
static void test_spoofed_headers_ignored(void **state)
{
    hub_peer_list_t none = {0}, l = proxies("10.0.0.1");

    (void)state;
    assert_string_equal(client(&none, "203.0.113.5", "1.1.1.1", "2.2.2.2"),
                        "203.0.113.5");
    assert_string_equal(client(&l, "203.0.113.5", "1.1.1.1", "2.2.2.2"),
                        "203.0.113.5");
}

/* Attack: behind the proxy, the client prepends addresses of its choice;
 * the right-most hop that is not a trusted proxy is still its own. */
static void test_right_most_untrusted(void **state)
{
    hub_peer_list_t l = proxies("127.0.0.1,10.0.0.0/8");

    (void)state;
    assert_string_equal(client(&l, "127.0.0.1", "198.51.100.7", NULL),
                        "198.51.100.7");
    assert_string_equal(client(&l, "127.0.0.1", "6.6.6.6, 198.51.100.7",
                               NULL),
                        "198.51.100.7");
    assert_string_equal(client(&l, "127.0.0.1",
                               "6.6.6.6,198.51.100.7 , 10.1.2.3", NULL),
                        "198.51.100.7");
    /* Every hop a proxy: the left-most is the client. */
    assert_string_equal(client(&l, "127.0.0.1", "10.1.1.1, 10.2.2.2", NULL),
                        "10.1.1.1");
    /* A malformed hop stops the walk at the hop after it. */
    assert_string_equal(client(&l, "127.0.0.1", "nonsense, 10.2.2.2", NULL),
                        "10.2.2.2");
    assert_string_equal(client(&l, "127.0.0.1", "1.2.3.4, bad", NULL),
                        "127.0.0.1");
    assert_string_equal(client(&l, "127.0.0.1", "1.2.3.0/24", NULL),
                        "127.0.0.1");
    /* Canonical text, so one address is one key. */
    assert_string_equal(client(&l, "127.0.0.1", "2001:DB8:0:0::1", NULL),
                        "2001:db8::1");
    /* X-Real-IP only without X-Forwarded-For. */
    assert_string_equal(client(&l, "127.0.0.1", NULL, "198.51.100.8"),
                        "198.51.100.8");
    assert_string_equal(client(&l, "127.0.0.1", NULL, "junk"), "127.0.0.1");
    assert_string_equal(client(&l, "127.0.0.1", "", NULL), "127.0.0.1");
}

static void test_limit_keys(void **state)
{
    char key[HUB_PEER_ADDR_MAX + 8];

    (void)state;
    hub_peer_get_key("198.51.100.7", key, sizeof(key));
    assert_string_equal(key, "198.51.100.7");
    /* Attack: one IPv6 subscriber cycling through its /64. */
    hub_peer_get_key("2001:db8:1:2:aaaa::1", key, sizeof(key));
    assert_string_equal(key, "2001:db8:1:2::/64");
    hub_peer_get_key("2001:db8:1:2:bbbb::9", key, sizeof(key));
    assert_string_equal(key, "2001:db8:1:2::/64");
    hub_peer_get_key("?", key, sizeof(key));
    assert_string_equal(key, "?");
}

/* Peek counts nothing and never adds a key; take after each failure. */
static void test_failure_counting(void **state)
{
    hub_ratelimit_t *rl = hub_ratelimit_new(3, 1000, 2);
    int i;

    (void)state;
    assert_non_null(rl);
    for (i = 0; i < 10; i++)
        assert_int_equal(hub_ratelimit_peek(rl, "unknown", 0), 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(hub_ratelimit_peek(rl, "code:1", 100), 0);
        assert_int_equal(hub_ratelimit_take(rl, "code:1", 100), 0);
    }
    assert_int_equal(hub_ratelimit_peek(rl, "code:1", 100), 1);
    assert_int_equal(hub_ratelimit_peek(rl, "code:2", 100), 0);
    assert_int_equal(hub_ratelimit_peek(rl, "code:1", 1100), 0);
    hub_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_list),
        cmocka_unit_test(test_spoofed_headers_ignored),
        cmocka_unit_test(test_right_most_untrusted),
        cmocka_unit_test(test_limit_keys),
        cmocka_unit_test(test_failure_counting),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
