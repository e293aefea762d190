/*
 * fakehub.h - a scripted stand-in for the hub, for the sync unit tests.
 *
 * One thread serves plain HTTP on 127.0.0.1 (a free port), one request per
 * connection. It records every request and answers with the next canned
 * reply, or, when none is queued, as the protocol says the hub does:
 * heartbeat {"ok": true, "hub_time"}, ingest an acknowledgement echoing
 * upload_id, enroll a secret and a unit. hang_ms holds every answer back
 * (a stalled hub).
 * Header-only: each test binary is one file; everything here is static
 * inline, so a test that uses part of it builds without warnings.
 */
#ifndef SIPAS_TEST_FAKEHUB_H
#define SIPAS_TEST_FAKEHUB_H

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAKEHUB_QUEUE 32
#define FAKEHUB_REQS 256
#define FAKEHUB_HEAD_MAX 8192
#define FAKEHUB_BODY_MAX (4 << 20)

typedef struct fakehub_reply {
    int status;
    char headers[256]; /* extra header lines, each ending "\r\n" */
    char *body;        /* owned */
    size_t len;        /* 0 with body NULL: empty */
} fakehub_reply_t;

typedef struct fakehub_request {
    char path[128];
    char auth[160];
    char kiosk[80];
    char *body; /* owned, NUL-terminated */
} fakehub_request_t;

typedef struct fakehub {
    int fd, port;
    char url[64];
    pthread_t tid;
    atomic_int stop;
    pthread_mutex_t mu;
    fakehub_reply_t queue[FAKEHUB_QUEUE];
    int n_queued, next;
    fakehub_request_t reqs[FAKEHUB_REQS];
    int n_reqs;
    int64_t hub_time;
    atomic_int hang_ms;
} fakehub_t;

static inline void fakehub_push(fakehub_t *h, int status,
                                const char *headers, const char *body)
{
    fakehub_reply_t *r;

    pthread_mutex_lock(&h->mu);
    if (h->n_queued < FAKEHUB_QUEUE) {
        r = &h->queue[h->n_queued++];
        r->status = status;
        snprintf(r->headers, sizeof(r->headers), "%s", headers ? headers : "");
        r->body = body ? strdup(body) : NULL;
        r->len = body ? strlen(body) : 0;
    }
    pthread_mutex_unlock(&h->mu);
}

static inline int fakehub_count(fakehub_t *h, const char *path)
{
    int i, n = 0;

    pthread_mutex_lock(&h->mu);
    for (i = 0; i < h->n_reqs; i++)
        if (!path || strcmp(h->reqs[i].path, path) == 0)
            n++;
    pthread_mutex_unlock(&h->mu);
    return n;
}

/* The i-th request to path, parsed; NULL when there is none. */
static inline json_t *fakehub_body(fakehub_t *h, const char *path,
                                   int i)
{
    json_error_t je;
    json_t *v = NULL;
    int k, n = 0;

    pthread_mutex_lock(&h->mu);
    for (k = 0; k < h->n_reqs; k++)
        if (strcmp(h->reqs[k].path, path) == 0 && n++ == i) {
            v = json_loads(h->reqs[k].body, 0, &je);
            break;
        }
    pthread_mutex_unlock(&h->mu);
    return v;
}

static inline void fakehub_copy_header(const char *head, const char *name,
                                       char *out, size_t cap)
{
    const char *p = head;
    size_t n = strlen(name), len;

    out[0] = '\0';
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ')
                p++;
            len = strcspn(p, "\r\n");
            snprintf(out, cap, "%.*s", (int)(len < cap ? len : cap - 1), p);
            return;
        }
    }
}

/* Reads one request; 0, or -1 when the peer went away. */
static inline int fakehub_read(int fd, char *head, size_t cap,
                               char **body)
{
    size_t got = 0, want, have;
    char *end = NULL, lenbuf[32];
    ssize_t n;

    *body = NULL;
    while (!end) {
        if (got + 1 >= cap)
            return -1;
        n = recv(fd, head + got, cap - 1 - got, 0);
        if (n <= 0)
            return -1;
        got += (size_t)n;
        head[got] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    fakehub_copy_header(head, "Content-Length", lenbuf, sizeof(lenbuf));
    want = (size_t)strtoul(lenbuf, NULL, 10);
    if (want > FAKEHUB_BODY_MAX)
        return -1;
    *body = calloc(1, want + 1);
    if (!*body)
        return -1;
    have = got - (size_t)(end + 4 - head);
    memcpy(*body, end + 4, have < want ? have : want);
    while (have < want) {
        n = recv(fd, *body + have, want - have, 0);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return 0;
}

/* What the real hub would answer when nothing is queued. */
static inline void fakehub_default(fakehub_t *h, const char *path,
                                   const char *body, fakehub_reply_t *r)
{
    json_error_t je;
    json_t *in = json_loads(body, 0, &je), *out;

    r->status = 200;
    r->headers[0] = '\0';
    if (strcmp(path, "/api/v1/ingest") == 0)
        out = json_pack("{s:b, s:O?, s:O?, s:I, s:i, s:I}", "ok", 1,
                        "upload_id", json_object_get(in, "upload_id"),
                        "upto_seq", json_object_get(in, "upto_seq"), "days",
                        (json_int_t)json_array_size(
                            json_object_get(in, "days")),
                        "stale_days", 0, "hub_time", (json_int_t)h->hub_time);
    else if (strcmp(path, "/api/v1/enroll") == 0)
        out = json_pack("{s:b, s:O?, s:s, s:{s:s, s:s}, s:I}", "ok", 1,
                        "install_id", json_object_get(in, "install_id"),
                        "secret",
                        "0123456789abcdef0123456789abcdef"
                        "0123456789abcdef0123456789abcdef",
                        "unit", "code", "XA-THU", "name", "UBND xã Thử",
                        "hub_time", (json_int_t)h->hub_time);
    else
        out = json_pack("{s:b, s:I}", "ok", 1, "hub_time",
                        (json_int_t)h->hub_time);
    r->body = json_dumps(out, JSON_COMPACT);
    r->len = r->body ? strlen(r->body) : 0;
    json_decref(out);
    json_decref(in);
}

static inline void fakehub_answer(int fd, const fakehub_reply_t *r)
{
    char head[512];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n%s\r\n",
                     r->status, r->len, r->headers);

    if (send(fd, head, (size_t)n, MSG_NOSIGNAL) < 0)
        return;
    if (r->len)
        (void)send(fd, r->body, r->len, MSG_NOSIGNAL);
}

static inline void fakehub_serve_one(fakehub_t *h, int fd)
{
    static char head[FAKEHUB_HEAD_MAX];
    fakehub_request_t *q = NULL;
    fakehub_reply_t r;
    char *body, *sp;
    int queued = 0, waited;

    if (fakehub_read(fd, head, sizeof(head), &body) != 0) {
        free(body);
        return;
    }
    pthread_mutex_lock(&h->mu);
    if (h->n_reqs < FAKEHUB_REQS) {
        q = &h->reqs[h->n_reqs++];
        sp = strchr(head, ' ');
        snprintf(q->path, sizeof(q->path), "%.*s",
                 sp ? (int)strcspn(sp + 1, " ?") : 0, sp ? sp + 1 : "");
        fakehub_copy_header(head, "Authorization", q->auth, sizeof(q->auth));
        fakehub_copy_header(head, "X-Sipas-Kiosk", q->kiosk,
                            sizeof(q->kiosk));
        q->body = body;
    }
    if (h->next < h->n_queued) {
        r = h->queue[h->next++];
        queued = 1;
    }
    pthread_mutex_unlock(&h->mu);
    if (!queued)
        fakehub_default(h, q ? q->path : "", body, &r);
    for (waited = 0;
         waited < atomic_load(&h->hang_ms) && !atomic_load(&h->stop);
         waited += 10)
        usleep(10000);
    fakehub_answer(fd, &r);
    free(r.body);
    if (!q)
        free(body);
}

static inline void *fakehub_main(void *arg)
{
    fakehub_t *h = arg;
    struct pollfd p;
    int c;

    while (!atomic_load(&h->stop)) {
        p.fd = h->fd;
        p.events = POLLIN;
        if (poll(&p, 1, 50) <= 0)
            continue;
        c = accept(h->fd, NULL, NULL);
        if (c < 0)
            continue;
        fakehub_serve_one(h, c);
        close(c);
    }
    return NULL;
}

static inline int fakehub_start(fakehub_t *h)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);

    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->mu, NULL);
    h->hub_time = INT64_C(1795320000000); /* 2026-11-22T11:00+07:00 */
    h->fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (h->fd < 0 || bind(h->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        listen(h->fd, 16) != 0 ||
        getsockname(h->fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    h->port = ntohs(a.sin_port);
    snprintf(h->url, sizeof(h->url), "http://127.0.0.1:%d", h->port);
    return pthread_create(&h->tid, NULL, fakehub_main, h);
}

static inline void fakehub_stop(fakehub_t *h)
{
    int i;

    atomic_store(&h->stop, 1);
    pthread_join(h->tid, NULL);
    close(h->fd);
    for (i = 0; i < h->n_reqs; i++)
        free(h->reqs[i].body);
    for (i = h->next; i < h->n_queued; i++)
        free(h->queue[i].body);
    pthread_mutex_destroy(&h->mu);
}

#endif
