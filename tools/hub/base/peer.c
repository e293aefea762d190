#include "hub/base/peer.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* An address in text into net (bits the full length): 0 or -1. */
static int hub_peer_parse_addr(const char *text, hub_peer_net_t *net)
{
    memset(net, 0, sizeof(*net));
    if (inet_pton(AF_INET, text, net->addr) == 1) {
        net->family = AF_INET;
        net->bits = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, text, net->addr) == 1) {
        net->family = AF_INET6;
        net->bits = 128;
        return 0;
    }
    return -1;
}

/* One "ADDR[/BITS]" of len bytes; 0 or -1. */
static int hub_peer_parse_net(const char *s, size_t len, hub_peer_net_t *net)
{
    char buf[HUB_PEER_ADDR_MAX];
    char *slash, *end;
    long bits;
    int full;

    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    if (hub_peer_parse_addr(buf, net) != 0)
        return -1;
    if (!slash)
        return 0;
    full = net->bits;
    if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1))
        return -1;
    bits = strtol(slash + 1, &end, 10);
    if (*end || bits < 0 || bits > full)
        return -1;
    net->bits = (int)bits;
    return 0;
}

int hub_peer_parse_list(const char *text, hub_peer_list_t *out, char *err,
                        size_t err_cap)
{
    const char *p = text, *comma;
    size_t len;

    memset(out, 0, sizeof(*out));
    for (;;) {
        comma = strchr(p, ',');
        len = comma ? (size_t)(comma - p) : strlen(p);
        if (out->n >= HUB_PEER_MAX) {
            snprintf(err, err_cap, "more than %d trusted proxies",
                     HUB_PEER_MAX);
            return -1;
        }
        if (hub_peer_parse_net(p, len, &out->nets[out->n]) != 0) {
            snprintf(err, err_cap,
                     "\"%.*s\" is not an IP address or ADDRESS/BITS",
                     (int)(len < HUB_PEER_ADDR_MAX ? len : HUB_PEER_ADDR_MAX),
                     p);
            return -1;
        }
        out->n++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int hub_peer_net_contains(const hub_peer_net_t *net,
                                 const hub_peer_net_t *a)
{
    int whole = net->bits / 8, rest = net->bits % 8;
    unsigned char mask;

    if (net->family != a->family)
        return 0;
    if (memcmp(net->addr, a->addr, (size_t)whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    mask = (unsigned char)(0xff << (8 - rest));
    return (net->addr[whole] & mask) == (a->addr[whole] & mask);
}

static int hub_peer_list_contains(const hub_peer_list_t *l,
                                  const hub_peer_net_t *a)
{
    int i;

    for (i = 0; i < l->n; i++)
        if (hub_peer_net_contains(&l->nets[i], a))
            return 1;
    return 0;
}

int hub_peer_is_trusted(const hub_peer_list_t *l, const char *addr)
{
    hub_peer_net_t a;

    if (!l || l->n == 0 || !addr || hub_peer_parse_addr(addr, &a) != 0)
        return 0;
    return hub_peer_list_contains(l, &a);
}

/* The canonical text of an address; 0 or -1. */
static int hub_peer_format(const hub_peer_net_t *a, char *out, size_t cap)
{
    char buf[INET6_ADDRSTRLEN];

    if (!inet_ntop(a->family, a->addr, buf, sizeof(buf)))
        return -1;
    snprintf(out, cap, "%s", buf);
    return 0;
}

/* The entry of header ending just before end (entries are separated by
 * ',' and optional blanks) into net; its start in *start. 0, or -1 when
 * it is not an address. */
static int hub_peer_take_hop(const char *header, const char *end,
                             const char **start, hub_peer_net_t *net)
{
    const char *b = end, *e = end;

    while (e > header && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    b = e;
    while (b > header && b[-1] != ',')
        b--;
    *start = b;
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    if (hub_peer_parse_net(b, (size_t)(e - b), net) != 0 ||
        net->bits != (net->family == AF_INET ? 32 : 128))
        return -1; /* a network is no client */
    return 0;
}

void hub_peer_get_client(const hub_peer_list_t *l, const char *peer,
                         const char *forwarded_for, const char *real_ip,
                         char *out, size_t cap)
{
    hub_peer_net_t hop, last;
    const char *end, *start;
    int hops = 0;

    snprintf(out, cap, "%s", peer ? peer : "?");
    if (!hub_peer_is_trusted(l, peer))
        return;
    if (forwarded_for && forwarded_for[0]) {
        if (hub_peer_parse_addr(peer, &last) != 0)
            return;
        end = forwarded_for + strlen(forwarded_for);
        while (hops++ < HUB_PEER_HOPS_MAX) {
            if (hub_peer_take_hop(forwarded_for, end, &start, &hop) != 0)
                break; /* the hop before a malformed one answers */
            last = hop;
            if (!hub_peer_list_contains(l, &hop) || start == forwarded_for)
                break;
            end = start - 1; /* before the ',' */
        }
        if (hub_peer_format(&last, out, cap) != 0)
            snprintf(out, cap, "%s", peer);
        return;
    }
    if (real_ip && hub_peer_parse_net(real_ip, strlen(real_ip), &hop) == 0 &&
        hop.bits == (hop.family == AF_INET ? 32 : 128) &&
        hub_peer_format(&hop, out, cap) != 0)
        snprintf(out, cap, "%s", peer);
}

void hub_peer_get_key(const char *addr, char *out, size_t cap)
{
    hub_peer_net_t a;
    char buf[INET6_ADDRSTRLEN];

    if (hub_peer_parse_addr(addr, &a) != 0 || a.family != AF_INET6) {
        snprintf(out, cap, "%s", addr);
        return;
    }
    memset(a.addr + 8, 0, 8); /* the /64 a subscriber is given whole */
    if (!inet_ntop(AF_INET6, a.addr, buf, sizeof(buf))) {
        snprintf(out, cap, "%s", addr);
        return;
    }
    snprintf(out, cap, "%s/64", buf);
}
