/*
 * peer.h - who the client is when the hub sits behind a proxy.
 *
 * Behind nginx every request comes from the proxy's address, so limits
 * and the audit keyed by address would lump every kiosk together. The
 * proxy names the client in X-Forwarded-For (or X-Real-IP), but anyone
 * can send those headers: they are believed only when the TCP peer is a
 * proxy the operator listed (--trusted-proxy), and then only up to the
 * first hop that is not itself a trusted proxy, read from the right (the
 * entries further left were written by the client and prove nothing).
 * Pure: no I/O, no allocation.
 * Ownership: strings are borrowed for the call; out buffers are the
 * caller's.
 */
#ifndef SIPAS_HUB_PEER_H
#define SIPAS_HUB_PEER_H

#include <stddef.h>

#define HUB_PEER_MAX 32       /* trusted proxies (addresses or networks) */
#define HUB_PEER_ADDR_MAX 64  /* an address in text, IPv6 included */
#define HUB_PEER_HOPS_MAX 32  /* X-Forwarded-For entries looked at */

typedef struct hub_peer_net {
    int family;               /* AF_INET or AF_INET6 */
    unsigned char addr[16];   /* network byte order */
    int bits;                 /* prefix length */
} hub_peer_net_t;

typedef struct hub_peer_list {
    hub_peer_net_t nets[HUB_PEER_MAX];
    int n;
} hub_peer_list_t;

/* "ADDR[,ADDR...]", each an IPv4 or IPv6 address with an optional
 * "/BITS": 0, or -1 with the reason in err. */
int hub_peer_parse_list(const char *text, hub_peer_list_t *out, char *err,
                        size_t err_cap);
/* 1 when the address text addr lies in one of the list's networks. */
int hub_peer_is_trusted(const hub_peer_list_t *l, const char *addr);
/* The client's address into out: peer itself unless peer is trusted;
 * then the right-most X-Forwarded-For entry that is not a trusted proxy
 * (the left-most when all are), else X-Real-IP, else peer. A malformed
 * entry stops the walk at the hop before it. Either header may be NULL.
 * out is in canonical form (inet_ntop). */
void hub_peer_get_client(const hub_peer_list_t *l, const char *peer,
                         const char *forwarded_for, const char *real_ip,
                         char *out, size_t cap);
/* The key an address is limited by: itself for IPv4 (and anything
 * unparsable), its /64 for IPv6, since one subscriber holds a whole /64
 * and could otherwise take a fresh key for every request. */
void hub_peer_get_key(const char *addr, char *out, size_t cap);

#endif
