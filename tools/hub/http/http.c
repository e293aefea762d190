#include "hub/http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hub/base/clock.h"
#include "hub/base/log.h"
#include "hub/base/peer.h"
#include "hub/http/deadline.h"

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
/* How often the reaper looks for connections past their deadline: a cut
 * comes at most this late. */
#define HUB_HTTP_REAP_EVERY_MS 200
/* What a client cut for slowness reads, when a reply can still reach it
 * (plain HTTP, before the hub has begun its own reply). */
#define HUB_HTTP_TIMEOUT_BODY                                                \
    "{\"error\":\"request-timeout\",\"message\":\"the request was not"   \
    " received in time; send it again, faster\"}"
#define HUB_HTTP_TIMEOUT_REPLY                                               \
    "HTTP/1.1 408 Request Timeout\r\n"                                      \
    "Content-Type: application/json; charset=utf-8\r\n"                     \
    "Cache-Control: no-store\r\nConnection: close\r\n"                      \
    "Content-Length: %zu\r\n\r\n%s"

/* One open connection, from libmicrohttpd's STARTED notification to its
 * CLOSED one; lives in hub_http's list, under its lock. */
typedef struct hub_http_sock {
    struct hub_http_sock *prev, *next;
    int fd;  /* valid while listed: CLOSED comes before the close */
    int cut; /* shut down once; libmicrohttpd closes it in its time */
    int kept; /* a request was answered: now kept alive between two */
    hub_deadline_t dl;
    char client[HUB_HTTP_ADDR_MAX];
} hub_http_sock_t;

struct hub_http {
    struct MHD_Daemon *daemon;
    hub_ctx_t *ctx;
    char *cert, *key; /* copies that libmicrohttpd reads while running */
    hub_peer_list_t trusted; /* proxies whose forwarded address counts */
    int tls;
    hub_deadline_limits_t limits;
    /* The reaper shuts down sockets past their deadline. The lock guards
     * the list and every deadline in it, and is held by the CLOSED
     * notification while it unlists a socket, so the reaper never shuts
     * down a descriptor number that was closed and given to another. */
    pthread_mutex_t lock;
    pthread_cond_t wake; /* cuts the reaper's sleep short at stop */
    pthread_t reaper;
    int sync_ready, reaper_running, stopping;
    hub_http_sock_t *socks;
};

typedef enum hub_http_state {
    HUB_HTTP_RECEIVING,
    HUB_HTTP_ANSWERED /* a reply went out before the body (404, 413, ...) */
} hub_http_state_t;

/* One request in progress; freed by the completion callback. */
typedef struct hub_http_conn {
    hub_http_t *h;
    hub_http_sock_t *sock; /* NULL when the connection is not tracked */
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

/* ---- deadlines --------------------------------------------------------- */

static void hub_http_get_peer(struct MHD_Connection *c, char *out,
                              size_t cap);

static void hub_http_enter(hub_http_t *h, hub_http_sock_t *s,
                           hub_deadline_phase_t phase)
{
    int64_t now = hub_clock_mono_ms();

    if (!s)
        return;
    (void)pthread_mutex_lock(&h->lock); /* a default mutex: cannot fail */
    switch (phase) {
    case HUB_DEADLINE_HEAD:
        hub_deadline_begin_head(&s->dl, now);
        s->kept = 1;
        break;
    case HUB_DEADLINE_BODY:
        hub_deadline_begin_body(&s->dl, now);
        break;
    case HUB_DEADLINE_WORK:
        hub_deadline_begin_work(&s->dl, now);
        break;
    case HUB_DEADLINE_REPLY:
    default:
        hub_deadline_begin_reply(&s->dl, now);
        break;
    }
    (void)pthread_mutex_unlock(&h->lock);
}

static void hub_http_count_body(hub_http_t *h, hub_http_sock_t *s,
                                size_t n)
{
    if (!s)
        return;
    (void)pthread_mutex_lock(&h->lock);
    hub_deadline_add_body(&s->dl, n);
    (void)pthread_mutex_unlock(&h->lock);
}

/* Under the lock. A 408 goes out first when the client is still sending
 * and the connection is plain HTTP (under TLS only GnuTLS may write), but
 * not on a kept-alive connection waiting for its next request: a client
 * that sends one just then would read the 408 as its answer, where a
 * silent close makes it retry on a fresh connection. shutdown() then
 * wakes the connection's thread, which closes it. */
static void hub_http_cut(hub_http_t *h, hub_http_sock_t *s,
                         hub_deadline_verdict_t v, int64_t now)
{
    char reply[512];
    int n;

    if (!h->tls && ((s->dl.phase == HUB_DEADLINE_HEAD && !s->kept) ||
                    s->dl.phase == HUB_DEADLINE_BODY)) {
        n = snprintf(reply, sizeof(reply), HUB_HTTP_TIMEOUT_REPLY,
                     sizeof(HUB_HTTP_TIMEOUT_BODY) - 1,
                     HUB_HTTP_TIMEOUT_BODY);
        /* Best effort, never blocking: a client whose buffer is full is
         * simply closed. */
        if (n > 0 && (size_t)n < sizeof(reply))
            (void)send(s->fd, reply, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    if (shutdown(s->fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
        hub_log_say("http: cannot shut down a slow connection: %s",
                    strerror(errno));
    s->cut = 1;
    hub_log_say("slow client %s cut after %lld ms: %s", s->client,
                (long long)(now - s->dl.head_start_ms),
                hub_deadline_describe(v));
}

static void *hub_http_reap(void *arg)
{
    hub_http_t *h = arg;
    hub_http_sock_t *s;
    struct timespec until;
    int64_t now;

    (void)pthread_mutex_lock(&h->lock);
    while (!h->stopping) {
        now = hub_clock_mono_ms();
        for (s = h->socks; s; s = s->next) {
            hub_deadline_verdict_t v;

            if (s->cut)
                continue;
            v = hub_deadline_check(&s->dl, &h->limits, now);
            if (v != HUB_DEADLINE_OK)
                hub_http_cut(h, s, v, now);
        }
        if (clock_gettime(CLOCK_MONOTONIC, &until) != 0)
            break; /* cannot happen on Linux; the idle timeout remains */
        until.tv_nsec += (long)HUB_HTTP_REAP_EVERY_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        /* ETIMEDOUT is the usual way out; a wake-up at stop another. */
        (void)pthread_cond_timedwait(&h->wake, &h->lock, &until);
    }
    (void)pthread_mutex_unlock(&h->lock);
    return NULL;
}

static void hub_http_on_connection(void *cls, struct MHD_Connection *c,
                                   void **socket_context,
                                   enum MHD_ConnectionNotificationCode toe)
{
    hub_http_t *h = cls;
    hub_http_sock_t *s;
    const union MHD_ConnectionInfo *info;

    if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        s = *socket_context;
        *socket_context = NULL;
        if (!s)
            return;
        (void)pthread_mutex_lock(&h->lock);
        if (s->prev)
            s->prev->next = s->next;
        else
            h->socks = s->next;
        if (s->next)
            s->next->prev = s->prev;
        (void)pthread_mutex_unlock(&h->lock);
        free(s);
        return;
    }
    info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    s = info ? calloc(1, sizeof(*s)) : NULL;
    *socket_context = s;
    if (!s) {
        /* A connection no deadline would watch is not kept. */
        if (info)
            (void)shutdown(info->connect_fd, SHUT_RDWR);
        return;
    }
    s->fd = info->connect_fd;
    hub_http_get_peer(c, s->client, sizeof(s->client));
    (void)pthread_mutex_lock(&h->lock);
    hub_deadline_begin_head(&s->dl, hub_clock_mono_ms());
    s->next = h->socks;
    if (h->socks)
        h->socks->prev = s;
    h->socks = s;
    (void)pthread_mutex_unlock(&h->lock);
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
    hub_http_enter(conn->h, conn->sock, HUB_DEADLINE_REPLY);
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

/* The TCP peer's address, "?" when it cannot be read. */
static void hub_http_get_peer(struct MHD_Connection *c, char *out,
                              size_t cap)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;

    snprintf(out, cap, "?");
    if (sa && sa->sa_family == AF_INET &&
        !inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
                   (socklen_t)cap))
        snprintf(out, cap, "?");
    if (sa && sa->sa_family == AF_INET6 &&
        !inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                   out, (socklen_t)cap))
        snprintf(out, cap, "?");
}

/* The client's address: the TCP peer, or the address a trusted proxy
 * forwarded (peer.h); an untrusted peer's headers are ignored. */
static void hub_http_get_client(const hub_http_t *h, struct MHD_Connection *c,
                                char *out, size_t cap)
{
    char peer[HUB_HTTP_ADDR_MAX];
    hub_http_forwarded_t fwd;

    hub_http_get_peer(c, peer, sizeof(peer));
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

static enum MHD_Result hub_http_begin(hub_http_t *h,
                                      struct MHD_Connection *c,
                                      const char *url, const char *method,
                                      void **con_cls)
{
    hub_http_conn_t *conn = calloc(1, sizeof(*conn));
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    hub_reply_t r;
    size_t body_max;

    if (!conn)
        return MHD_NO;
    *con_cls = conn;
    conn->h = h;
    conn->sock = info ? info->socket_context : NULL;
    hub_http_enter(h, conn->sock, HUB_DEADLINE_BODY);
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

    hub_http_enter(h, conn->sock, HUB_DEADLINE_WORK);
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
        hub_http_count_body(conn->h, conn->sock, *upload_data_size);
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
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    (void)toe;
    /* A kept-alive connection waits for its next request's head. */
    if (info)
        hub_http_enter(cls, info->socket_context, HUB_DEADLINE_HEAD);
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

/* The most connections one address may hold: what the operator asked, but
 * never so many that the others lose their last eighth. Slow clients from
 * a few addresses then cannot fill the table; behind a proxy, where every
 * connection comes from the proxy, the proxy gets seven eighths. */
static unsigned int hub_http_per_ip_cap(const hub_http_options_t *opt)
{
    unsigned int total = opt->max_connections;
    unsigned int reserve = total / 8 > 0 ? total / 8 : (total > 1 ? 1 : 0);

    return opt->max_per_ip < total - reserve ? opt->max_per_ip
                                             : total - reserve;
}

/* The lock, the reaper's condition (on the monotonic clock, as the
 * deadlines are) and the reaper itself; 0 or -1 with err set. */
static int hub_http_start_reaper(hub_http_t *h, char *err, size_t err_cap)
{
    pthread_condattr_t attr;
    int rc;

    if (pthread_condattr_init(&attr) != 0) {
        snprintf(err, err_cap, "cannot set up the connection reaper");
        return -1;
    }
    rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(&h->wake, &attr);
    (void)pthread_condattr_destroy(&attr); /* no longer needed either way */
    if (rc == 0 && pthread_mutex_init(&h->lock, NULL) != 0) {
        (void)pthread_cond_destroy(&h->wake); /* nobody waits on it */
        rc = -1;
    }
    if (rc != 0) {
        snprintf(err, err_cap, "cannot set up the connection reaper");
        return -1;
    }
    h->sync_ready = 1;
    if (pthread_create(&h->reaper, NULL, hub_http_reap, h) != 0) {
        snprintf(err, err_cap, "cannot start the connection reaper");
        return -1;
    }
    h->reaper_running = 1;
    return 0;
}

int hub_http_start(hub_ctx_t *ctx, const hub_http_options_t *opt,
                   hub_http_t **out, char *url, size_t url_cap, char *err,
                   size_t err_cap)
{
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
                         MHD_USE_ERROR_LOG;
    int tls = opt->cert_pem != NULL, fd;
    unsigned int per_ip = hub_http_per_ip_cap(opt);
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
    h->tls = tls;
    h->limits.head_ms = (int64_t)opt->header_timeout_s * 1000;
    h->limits.request_ms = (int64_t)opt->request_timeout_s * 1000;
    h->limits.min_rate = (int64_t)opt->min_rate;
    if (hub_http_start_reaper(h, err, err_cap) != 0) {
        hub_http_stop(h);
        return -1;
    }
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
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
        MHD_OPTION_CONNECTION_TIMEOUT, opt->timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, hub_http_on_completed, h,
        MHD_OPTION_NOTIFY_CONNECTION, hub_http_on_connection, h,
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
    if (per_ip < opt->max_per_ip)
        hub_log_say("one address may hold %u of the %u connections (an"
                    " eighth stays for the others)", per_ip,
                    opt->max_connections);
    *out = h;
    return 0;
}

void hub_http_stop(hub_http_t *h)
{
    if (!h)
        return;
    /* The daemon first: its connections' CLOSED notifications take the
     * lock the reaper uses until it has stopped. */
    if (h->daemon)
        MHD_stop_daemon(h->daemon);
    if (h->reaper_running) {
        (void)pthread_mutex_lock(&h->lock);
        h->stopping = 1;
        (void)pthread_cond_signal(&h->wake);
        (void)pthread_mutex_unlock(&h->lock);
        if (pthread_join(h->reaper, NULL) != 0)
            hub_log_say("http: cannot join the connection reaper");
    }
    if (h->sync_ready) {
        (void)pthread_cond_destroy(&h->wake); /* the reaper has ended */
        (void)pthread_mutex_destroy(&h->lock);
    }
    free(h->cert);
    free(h->key);
    free(h);
}
