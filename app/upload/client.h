/*
 * client.h - one HTTPS conversation with the hub at a time.
 *
 * libcurl, one easy handle per thread (driven through a multi handle only
 * so that another thread can interrupt a transfer at once with
 * sync_client_wake()). The rules of docs/SYNC_PROTOCOL.md live here:
 *  - TLS verification always on, the configured CA bundle, an optional
 *    SHA-256 public-key pin, no redirects; plain http:// only to a loopback
 *    address;
 *  - connect timeout, then a low-speed limit instead of a short total
 *    timeout (a slow rural link is not an error, a stalled one is);
 *  - the answer is read up to SYNC_REPLY_MAX bytes; only a 200 whose JSON
 *    body says "ok": true (and echoes the upload id, when one was sent) is
 *    an acknowledgement: a captive portal's 200 with HTML is not;
 *  - every outcome is classified (acknowledged, transient, too large,
 *    unauthorized, revoked, permanent) with a message a technician can act
 *    on, e.g. a certificate "not yet valid" blames the device clock.
 * curl_global_init() must have run in main() before any thread started.
 *
 * Ownership: sync_client_open() returns a client freed with
 * sync_client_close(). A reply's body is owned by the reply and released
 * by sync_reply_clear(). Option strings are copied.
 * Threads: a client is used by one thread; sync_client_wake() may be called
 * from any thread while the client exists.
 */
#ifndef SIPAS_SYNC_CLIENT_H
#define SIPAS_SYNC_CLIENT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/pclock.h"

#define SYNC_REPLY_MAX (64 * 1024)
#define SYNC_MESSAGE_MAX 512
#define SYNC_CONNECT_TIMEOUT_S 15
#define SYNC_STALL_TIMEOUT_S 60
/* A transfer slower than this many bytes a second for the stall time is
 * given up. */
#define SYNC_LOW_SPEED_BPS 10
/* A backstop only: long enough for a 1 MiB upload over a poor link. */
#define SYNC_TOTAL_TIMEOUT_S 900

typedef enum sync_class {
    SYNC_ACKED = 0,       /* the hub's explicit acknowledgement */
    SYNC_TRANSIENT,       /* retry with backoff (network, 5xx, 408, 429, ...) */
    SYNC_TOO_LARGE,       /* 413: send less */
    SYNC_UNAUTHORIZED,    /* 401: unknown kiosk or wrong secret */
    SYNC_REVOKED,         /* 403: this kiosk was revoked */
    SYNC_PERMANENT,       /* any other refusal; a technician must act */
    SYNC_STOPPED          /* interrupted by sync_client_wake() and stop */
} sync_class_t;

typedef struct sync_reply {
    sync_class_t cls;
    long status;              /* HTTP status, 0 when none came */
    int64_t retry_after_ms;   /* -1: the hub named no time */
    json_t *body;             /* the JSON answer, or NULL */
    char error_code[64];      /* the hub's "error" for a refusal */
    char message[SYNC_MESSAGE_MAX]; /* what happened, in plain words */
    int64_t hub_time_ms;      /* the hub's clock (hub_time or Date), 0 */
    int64_t boot_sent_ms;     /* CLOCK_BOOTTIME when the request left */
    int64_t boot_recv_ms;     /* ... and when the answer was complete */
} sync_reply_t;

typedef struct sync_client_opts {
    const char *hub_url;      /* base, e.g. https://hub.example.vn:8443 */
    const char *ca_file;      /* "" or NULL: the system's CA bundle */
    const char *pin;          /* "sha256//base64", or "" / NULL */
    long connect_timeout_s;   /* 0 = SYNC_CONNECT_TIMEOUT_S */
    long stall_timeout_s;     /* 0 = SYNC_STALL_TIMEOUT_S */
    const char *user_agent;   /* "sipas-kiosk/0.1.0" */
    /* Set (non-zero) to abandon the current transfer; may be NULL. */
    const atomic_int *stop;
    /* The kiosk's clocks (copied): boottime stamps the exchange, wall time
     * reads Retry-After dates and is named when TLS blames the clock.
     * NULL: the device's clocks as pclock_init() finds them. */
    const pclock_t *clock;
} sync_client_opts_t;

typedef struct sync_client sync_client_t;

/* 0, or -1 with err filled (bad URL, not https to a non-loopback host,
 * unreadable CA file, out of memory). */
int sync_client_open(sync_client_t **out, const sync_client_opts_t *o,
                     char *err, size_t cap);
void sync_client_close(sync_client_t *c);
/* Ends the current or next wait of the client's transfer loop. */
void sync_client_wake(sync_client_t *c);

/* POSTs body (JSON) to base URL + path. install_id/secret NULL: no kiosk
 * authentication (enrollment); install_id NULL with a secret: only
 * "Authorization: Bearer" (a hub forwarding to the national hub). expect_upload_id non-NULL: the answer must
 * echo it. Always fills r (clear it afterwards); returns r->cls. */
sync_class_t sync_client_post(sync_client_t *c, const char *path,
                              const char *install_id, const char *secret,
                              const char *body, size_t len,
                              const char *expect_upload_id, sync_reply_t *r);
void sync_reply_clear(sync_reply_t *r);
/* Judges an answer that came by other means than a transfer (tests and
 * tests/fuzz/sync_answer.c): the status, the header lines and the body as
 * they came off the wire, read and classified as sync_client_post() does.
 * Fills r (clear it afterwards); returns r->cls. */
sync_class_t sync_client_judge(sync_client_t *c, long status,
                               const char *headers, size_t hlen,
                               const char *body, size_t blen,
                               const char *expect_upload_id, sync_reply_t *r);

/* 0 when url is https://, or http:// to a loopback address (127.0.0.0/8,
 * ::1, localhost); -1 with a reason otherwise. */
int sync_client_check_url(const char *url, char *err, size_t cap);
/* A key pin as given by a technician ("sha256//BASE64", BASE64 of 32
 * bytes, or 64 hex digits) in curl's form "sha256//BASE64". */
int sync_client_normalise_pin(const char *in, char *out, size_t cap,
                              char *err, size_t errcap);

#endif
