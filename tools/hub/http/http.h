/*
 * http.h - the API on the network, through libmicrohttpd.
 *
 * One thread per connection (a hard limit on connections in total and per
 * address, an idle timeout), because a request may wait on the database
 * lock and must not hold up others that are still being received. A
 * reaper thread cuts clients too slow to deserve a thread: a request's
 * head must arrive within a deadline, head and body within another, and
 * the body at a minimum average rate (deadline.h); one address never
 * holds more than seven eighths of the connections. Bodies
 * are capped before they are read: a POST must declare its length, and
 * one over 1 MiB is answered 413 at once, without reading it. TLS, when
 * a certificate is given, is libmicrohttpd's own (GnuTLS), TLS 1.2 and
 * 1.3 only.
 * Ownership: hub_http_start() returns a server stopped and freed with
 * hub_http_stop(); certificate and key text are copied. The context must
 * outlive the server.
 */
#ifndef SIPAS_HUB_HTTP_H
#define SIPAS_HUB_HTTP_H

#include <stddef.h>

#include "hub/api/api.h"
#include "hub/base/peer.h"

#define HUB_HTTP_URL_MAX 128

typedef struct hub_http_options {
    const char *listen;   /* "HOST:PORT" or "[::1]:PORT"; port 0 picks one */
    const char *cert_pem; /* PEM text, NULL for plain HTTP */
    const char *key_pem;
    unsigned int max_connections;
    unsigned int max_per_ip;
    unsigned int timeout_s;         /* idle */
    unsigned int header_timeout_s;  /* > 0: the head of a request */
    unsigned int request_timeout_s; /* > 0: head and body together */
    unsigned int min_rate;          /* body bytes/s after the grace; 0 off */
    /* Proxies whose X-Forwarded-For / X-Real-IP name the client (copied);
     * NULL or empty: the TCP peer is the client, headers ignored. */
    const hub_peer_list_t *trusted;
} hub_http_options_t;

typedef struct hub_http hub_http_t;

/* 0 with the server running and its address ("http://127.0.0.1:8080") in
 * url; -1 with the reason in err. */
int hub_http_start(hub_ctx_t *ctx, const hub_http_options_t *opt,
                   hub_http_t **out, char *url, size_t url_cap, char *err,
                   size_t err_cap);
/* Stops accepting, waits for requests in progress, frees. */
void hub_http_stop(hub_http_t *h);

#endif
