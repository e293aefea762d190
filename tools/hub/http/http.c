#include "hub/http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hub/base/clock.h"
#include "hub/base/log.h"
#include "hub/base/peer.h"

#define HUB_HTTP_HOST_MAX 256
#define HUB_HTTP_PORT_MAX 8
#define HUB_HTTP_ADDR_MAX 64 /* an IPv6 address in text and then some */
#define HUB_HTTP_LISTEN_BACKLOG 128
#define HUB_HTTP_LOG_PATH_MAX 96
#define HUB_HTTP_FORWARDED_MAX 1024 /* X-Forwarded-For, all lines joined */
/* A body buffer starts this small and doubles up to the declared length,
 * so a client that declares 1 MiB and sends nothing holds no megabyte. */
#define HUB_HTTP_BODY_START (16 * 1024)
/* TLS 1.0 and 1.1 are off: every kiosk's libcurl speaks 1.2 or 1.3. */
#define HUB_HTTP_TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct hub_http {
    struct MHD_Daemon *daemon;
    hub_ctx_t *ctx;
    char *cert, *key; /* copies that libmicrohttpd reads while running */
    hub_peer_list_t trusted; /* proxies whose forwarded address counts */
};

typedef enum hub_http_state {
    HUB_HTTP_RECEIVING,
    HUB_HTTP_ANSWERED /* a reply went out before the body (404, 413, ...) */
} hub_http_state_t;

/* One request in progress; freed by the completion callback. */
typedef struct hub_http_conn {
    hub_http_state_t state;
    char *body;
    size_t len, cap; /* bytes held, bytes allocated (plus a NUL) */
    size_t limit;    /* the declared Content-Length */
    int64_t started_mono;
    hub_request_t req;
    char client[HUB_HTTP_ADDR_MAX];
} hub_http_conn_t;

/* ---- the listening socket -------------------------------------------- */

/* "HOST:PORT" with HOST possibly "[v6]"; 0 or -1. */
static int hub_http_split_listen(const char *listen, char *host,
                                 char *port)
{
    const char *colon = strrchr(listen, ':');
    size_t hlen;

    if (!colon || !colon[1] || strlen(colon + 1) >= HUB_HTTP_PORT_MAX)
        return -1;
    hlen = (size_t)(colon - listen);
    if (hlen >= 2 && listen[0] == '[' && listen[hlen - 1] == ']') {
        listen++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= HUB_HTTP_HOST_MAX)
        return -1;
    memcpy(host, listen, hlen);
    host[hlen] = '\0';
    snprintf(port, HUB_HTTP_PORT_MAX, "%s", colon + 1);
    return strspn(port, "0123456789") == strlen(port) ? 0 : -1;
}

static int hub_http_bind_one(const struct addrinfo *ai)
{
    int fd, one = 1, flags;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0)
        return -1;
    /* A restarted hub must not wait out TIME_WAIT to listen again; a v6
     * socket listens on v6 only, as the operator asked. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        (ai->ai_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, HUB_HTTP_LISTEN_BACKLOG) != 0 ||
        (flags = fcntl(fd, F_GETFL)) < 0 ||
        fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        int keep = errno;

        (void)close(fd); /* never used, nothing to flush */
        errno = keep;
        return -1;
    }
    return fd;
}

/* The address a socket really listens on, as a URL. */
static int hub_http_format_url(int fd, int tls, char *url, size_t cap)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char addr[HUB_HTTP_ADDR_MAX];
    const char *scheme = tls ? "https" : "http";

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

        if (!inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr)))
            return -1;
        snprintf(url, cap, "%s://%s:%u", scheme, addr, ntohs(in->sin_port));
        return 0;
    }
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

        if (!inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr)))
            return -1;
        snprintf(url, cap, "%s://[%s]:%u", scheme, addr,
                 ntohs(in6->sin6_port));
        return 0;
    }
    return -1;
}

static int hub_http_open_listener(const char *listen, char *err,
                                  size_t err_cap)
{
    char host[HUB_HTTP_HOST_MAX], port[HUB_HTTP_PORT_MAX];
    struct addrinfo hints, *res = NULL, *ai;
    int rc, fd = -1, last_errno = 0;

    if (hub_http_split_listen(listen, host, port) != 0) {
        snprintf(err, err_cap, "--listen \"%s\" is not HOST:PORT", listen);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, err_cap, "cannot resolve %s: %s", host,
                 gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = hub_http_bind_one(ai);
        if (fd < 0)
            last_errno = errno;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, err_cap, "cannot listen on %s: %s", listen,
                 strerror(last_errno));
    return fd;
}

/* ---- replies ----------------------------------------------------------- */

static int hub_http_add_header(struct MHD_Response *resp, const char *name,
                               const char *value)
{
    return MHD_add_response_header(resp, name, value) == MHD_YES ? 0 : -1;
}

/* A path or method as it may appear in the log: printable ASCII only, so a
 * request cannot write a line of its own into the log. */
static void hub_http_clean_text(const char *text, char *out, size_t cap)
{
    size_t i;

    for (i = 0; text[i] && i + 1 < cap; i++)
        out[i] = (text[i] > 0x20 && text[i] < 0x7F) ? text[i] : '?';
    out[i] = '\0';
}

static enum MHD_Result hub_http_send(struct MHD_Connection *c,
                                     hub_http_conn_t *conn, hub_reply_t *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;
    char retry[16], path[HUB_HTTP_LOG_PATH_MAX], method[16];
    int bad = 0, web = r->content_type && r->content_type[0] && !r->error[0];

    if (hub_reply_finish(r) != 0)
        return MHD_NO;
    resp = MHD_create_response_from_buffer(r->body_len, r->body,
                                           MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    if (web) {
        /* Not JSON (a dashboard file): its own type, caching, ETag. */
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                   r->content_type);
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                   r->cache_control ? r->cache_control
                                                    : "no-store");
        if (r->etag[0])
            bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
        if (r->security_policy)
            bad |= hub_http_add_header(resp, "Content-Security-Policy",
                                       r->security_policy);
    } else {
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                   "application/json; charset=utf-8");
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                   "no-store");
    }
    bad |= hub_http_add_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->retry_after_s > 0) {
        snprintf(retry, sizeof(retry), "%d", r->retry_after_s);
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
    }
    if (r->allow)
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->status == 401)
        bad |= hub_http_add_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                   "Bearer realm=\"sipas-hub\"");
    ret = bad ? MHD_NO
              : MHD_queue_response(c, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    hub_http_clean_text(conn->req.path, path, sizeof(path));
    hub_http_clean_text(conn->req.method, method, sizeof(method));
    if (!hub_log_is_quiet() || r->status >= 500)
        hub_log_say("%s %s %d %s%s%s %lld ms", method, path,
                    r->status, conn->client,
                    r->error[0] ? " " : "", r->error,
                    (long long)(hub_clock_mono_ms() - conn->started_mono));
    return ret;
}

/* An answer before the body is read: the connection then closes, so a
 * refused upload costs the hub nothing more. */
static enum MHD_Result hub_http_answer_early(struct MHD_Connection *c,
                                             hub_http_conn_t *conn,
                                             hub_reply_t *r)
{
    enum MHD_Result ret;

    conn->state = HUB_HTTP_ANSWERED;
    ret = hub_http_send(c, conn, r);
    hub_reply_clear(r);
    return ret;
}

/* ---- requests ---------------------------------------------------------- */

static enum MHD_Result hub_http_collect_query(void *cls,
                                              enum MHD_ValueKind kind,
                                              const char *key,
                                              const char *value)
{
    hub_request_t *req = cls;

    (void)kind;
    if (req->n_query >= HUB_API_QUERY_MAX) {
        req->query_overflow = 1;
        return MHD_NO;
    }
    req->query[req->n_query].key = key;
    req->query[req->n_query].value = value;
    req->n_query++;
    return MHD_YES;
}

/* Every X-Forwarded-For header joined in order, as RFC 9110 reads
 * repeated fields: a proxy that adds its own line after the client's must
 * not have the client's read as the last hop. */
typedef struct hub_http_forwarded {
    char text[HUB_HTTP_FORWARDED_MAX];
    size_t len;
    int overflow;
} hub_http_forwarded_t;

static enum MHD_Result hub_http_join_forwarded(void *cls,
                                               enum MHD_ValueKind kind,
                                               const char *key,
                                               const char *value)
{
    hub_http_forwarded_t *f = cls;
    size_t n = strlen(value), sep = f->len ? 2 : 0;

    (void)kind;
    if (strcasecmp(key, "X-Forwarded-For") != 0)
        return MHD_YES;
    if (f->len + sep + n >= sizeof(f->text)) {
        f->overflow = 1;
        return MHD_NO;
    }
    memcpy(f->text + f->len, ", ", sep);
    memcpy(f->text + f->len + sep, value, n);
    f->len += sep + n;
    f->text[f->len] = '\0';
    return MHD_YES;
}

/* The client's address: the TCP peer, or the address a trusted proxy
 * forwarded (peer.h); an untrusted peer's headers are ignored. */
static void hub_http_get_client(const hub_http_t *h, struct MHD_Connection *c,
                                char *out, size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    char peer[HUB_HTTP_ADDR_MAX];
    hub_http_forwarded_t fwd;

    snprintf(peer, sizeof(peer), "?");
    if (sa && sa->sa_family == AF_INET &&
        !inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, peer,
                   (socklen_t)sizeof(peer)))
        snprintf(peer, sizeof(peer), "?");
    if (sa && sa->sa_family == AF_INET6 &&
        !inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                   peer, (socklen_t)sizeof(peer)))
        snprintf(peer, sizeof(peer), "?");
    if (!hub_peer_is_trusted(&h->trusted, peer)) {
        snprintf(out, cap, "%s", peer);
        return;
    }
    memset(&fwd, 0, sizeof(fwd));
    (void)MHD_get_connection_values(c, MHD_HEADER_KIND,
                                    hub_http_join_forwarded, &fwd);
    /* Too long to read whole: the proxy is all that is known. */
    hub_peer_get_client(&h->trusted, peer,
                        fwd.overflow ? "-" : fwd.len ? fwd.text : NULL,
                        MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                    "X-Real-IP"),
                        out, cap);
}

/* "application/json", optionally with parameters such as charset. */
static int hub_http_is_json(const char *type)
{
    static const char json[] = "application/json";
    size_t n = sizeof(json) - 1;

    if (strncasecmp(type, json, n) != 0)
        return 0;
    return type[n] == '\0' || type[n] == ';' || type[n] == ' ';
}

/* A declared length as a number; -1 when the header is not one. */
static long long hub_http_parse_length(const char *text)
{
    char *end;
    long long v;

    if (!text[0] || strspn(text, "0123456789") != strlen(text) ||
        strlen(text) > 15)
        return -1;
    errno = 0;
    v = strtoll(text, &end, 10);
    return errno || *end ? -1 : v;
}

/* Checks of the head of a request that decide whether its body is worth
 * receiving; 0 to go on, or the status put in r. */
static int hub_http_check_head(struct MHD_Connection *c, size_t body_max,
                               hub_http_conn_t *conn, hub_reply_t *r)
{
    const char *length = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *chunked = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    const char *type = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    long long n = length ? hub_http_parse_length(length) : 0;

    if (chunked)
        /* Without a declared length a body could only be measured by
         * reading it; every kiosk declares one. */
        return hub_reply_fail(r, 411, "length-required",
                              "send Content-Length, not a chunked body");
    if (n < 0)
        return hub_reply_fail(r, 400, "bad-request", "bad Content-Length");
    if (body_max == 0) {
        if (n > 0)
            return hub_reply_fail(r, 400, "bad-request",
                                  "%s takes no request body", conn->req.path);
        return 0;
    }
    if ((size_t)n > body_max)
        return hub_reply_fail(r, 413, "too-large",
                              "the body is over %zu bytes; send smaller"
                              " batches", body_max);
    if (type && !hub_http_is_json(type))
        return hub_reply_fail(r, 415, "unsupported-media-type",
                              "send Content-Type: application/json");
    conn->limit = (size_t)n;
    return 0;
}

/* Room for more bytes of body, within the declared length; 0 or -1. */
static int hub_http_reserve(hub_http_conn_t *conn, size_t more)
{
    size_t want = conn->len + more, cap = conn->cap;
    char *p;

    if (more > conn->limit - conn->len)
        return -1;
    if (conn->body && want <= cap)
        return 0;
    if (cap == 0)
        cap = HUB_HTTP_BODY_START;
    while (cap < want)
        cap *= 2;
    if (cap > conn->limit)
        cap = conn->limit;
    p = realloc(conn->body, cap + 1);
    if (!p)
        return -1;
    conn->body = p;
    conn->cap = cap;
    return 0;
}

static enum MHD_Result hub_http_begin(const hub_http_t *h,
                                      struct MHD_Connection *c,
                                      const char *url, const char *method,
                                      void **con_cls)
{
    hub_http_conn_t *conn = calloc(1, sizeof(*conn));
    hub_reply_t r;
    size_t body_max;

    if (!conn)
        return MHD_NO;
    *con_cls = conn;
    conn->started_mono = hub_clock_mono_ms();
    conn->req.method = method;
    conn->req.path = url;
    hub_http_get_client(h, c, conn->client, sizeof(conn->client));
    hub_reply_init(&r);
    if (!hub_api_route(method, url, &body_max, &r) ||
        hub_http_check_head(c, body_max, conn, &r) != 0)
        return hub_http_answer_early(c, conn, &r);
    hub_reply_clear(&r);
    conn->state = HUB_HTTP_RECEIVING;
    return MHD_YES;
}

static enum MHD_Result hub_http_finish(hub_http_t *h,
                                       struct MHD_Connection *c,
                                       hub_http_conn_t *conn)
{
    hub_request_t *req = &conn->req;
    enum MHD_Result ret;
    hub_reply_t r;

    req->authorization = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    req->kiosk = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                             "X-Sipas-Kiosk");
    req->if_none_match = MHD_lookup_connection_value(
        c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    (void)MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND,
                                    hub_http_collect_query, req);
    req->body = conn->body;
    req->body_len = conn->len;
    req->client = conn->client;
    req->now_ms = hub_clock_now_ms();
    req->mono_ms = hub_clock_mono_ms();
    hub_reply_init(&r);
    (void)hub_api_handle(h->ctx, req, &r);
    conn->state = HUB_HTTP_ANSWERED;
    ret = hub_http_send(c, conn, &r);
    hub_reply_clear(&r);
    return ret;
}

static enum MHD_Result hub_http_on_request(void *cls,
                                           struct MHD_Connection *c,
                                           const char *url,
                                           const char *method,
                                           const char *version,
                                           const char *upload_data,
                                           size_t *upload_data_size,
                                           void **con_cls)
{
    hub_http_conn_t *conn = *con_cls;

    (void)version;
    if (!conn)
        return hub_http_begin(cls, c, url, method, con_cls);
    if (conn->state == HUB_HTTP_ANSWERED) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        /* libmicrohttpd never passes more than Content-Length; the check
         * keeps the buffer safe whatever it does. */
        if (hub_http_reserve(conn, *upload_data_size) != 0)
            return MHD_NO;
        memcpy(conn->body + conn->len, upload_data, *upload_data_size);
        conn->len += *upload_data_size;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (conn->body)
        conn->body[conn->len] = '\0';
    return hub_http_finish(cls, c, conn);
}

static void hub_http_on_completed(void *cls, struct MHD_Connection *c,
                                  void **con_cls,
                                  enum MHD_RequestTerminationCode toe)
{
    hub_http_conn_t *conn = *con_cls;

    (void)cls;
    (void)c;
    (void)toe;
    if (!conn)
        return;
    free(conn->body);
    free(conn);
    *con_cls = NULL;
}

static void hub_http_on_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    hub_log_say("http: %s", line);
}

/* ---- start and stop ---------------------------------------------------- */

static char *hub_http_copy(const char *s)
{
    return s ? strdup(s) : NULL;
}

int hub_http_start(hub_ctx_t *ctx, const hub_http_options_t *opt,
                   hub_http_t **out, char *url, size_t url_cap, char *err,
                   size_t err_cap)
{
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                         MHD_USE_ERROR_LOG;
    int tls = opt->cert_pem != NULL, fd;
    hub_http_t *h;

    *out = NULL;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        snprintf(err, err_cap, "this libmicrohttpd was built without TLS");
        return -1;
    }
    h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(err, err_cap, "out of memory");
        return -1;
    }
    h->ctx = ctx;
    if (opt->trusted)
        h->trusted = *opt->trusted;
    h->cert = hub_http_copy(opt->cert_pem);
    h->key = hub_http_copy(opt->key_pem);
    if (tls && (!h->cert || !h->key)) {
        snprintf(err, err_cap, "out of memory");
        hub_http_stop(h);
        return -1;
    }
    fd = hub_http_open_listener(opt->listen, err, err_cap);
    if (fd < 0) {
        hub_http_stop(h);
        return -1;
    }
    if (hub_http_format_url(fd, tls, url, url_cap) != 0) {
        snprintf(err, err_cap, "cannot read the listening address: %s",
                 strerror(errno));
        (void)close(fd); /* not handed over yet */
        hub_http_stop(h);
        return -1;
    }
    if (tls)
        flags |= MHD_USE_TLS;
    /* libmicrohttpd owns the socket from here and closes it at stop. */
    h->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, hub_http_on_request, h,
        /* First, so every message of the library goes through it. */
        MHD_OPTION_EXTERNAL_LOGGER, hub_http_on_log, h,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_LIMIT, opt->max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, opt->max_per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, hub_http_on_completed, h,
        /* Plain HTTP ends the list here; TLS goes on with its options. */
        tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, h->cert,
        MHD_OPTION_HTTPS_MEM_KEY, h->key,
        MHD_OPTION_HTTPS_PRIORITIES, HUB_HTTP_TLS_PRIORITIES,
        MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(err, err_cap, "cannot start the HTTP%s server%s",
                 tls ? "S" : "",
                 tls ? " (is the certificate or key malformed, or do they"
                       " not match?)" : "");
        hub_http_stop(h);
        return -1;
    }
    *out = h;
    return 0;
}

void hub_http_stop(hub_http_t *h)
{
    if (!h)
        return;
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    free(h->cert);
    free(h->key);
    free(h);
}
