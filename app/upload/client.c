#include "client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/backoff.h"
#include "core/hex.h"
#include "core/hubtext.h"
#include "core/vntime.h"
#include "platform/pclock.h"

#define SYNC_URL_MAX 2048
#define SYNC_HEADER_MAX 640
#define SYNC_POLL_MS 1000
#define SYNC_PIN_RAW 32

struct sync_client {
    CURLM *multi;
    CURL *easy;
    char base[SYNC_URL_MAX];
    char ca_file[1024];
    char pin[128];
    char user_agent[64];
    char host[256];
    long connect_timeout_s, stall_timeout_s;
    int loopback_http;
    const atomic_int *stop;
    pclock_t clock;
    /* The answer being received. */
    char body[SYNC_REPLY_MAX + 1];
    size_t body_len;
    int body_overflow;
    char retry_after[64];
    char date[128];
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- URL checks ------------------------------------------------------- */

static int sync_is_loopback(const char *host)
{
    unsigned char buf[16];
    char bare[64];
    size_t n = strlen(host);

    if (strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, buf) == 1)
        return buf[0] == 127;
    /* curl reports an IPv6 host with its brackets. */
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
        n - 2 < sizeof(bare)) {
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
        host = bare;
    }
    if (inet_pton(AF_INET6, host, buf) == 1) {
        static const unsigned char one[16] = {[15] = 1};
        return memcmp(buf, one, sizeof(one)) == 0;
    }
    return 0;
}

/* Scheme and host of url, through curl's own parser so what is checked is
 * what curl will connect to. */
static int sync_split_url(const char *url, char *scheme, size_t scap,
                          char *host, size_t hcap, char *err, size_t cap)
{
    CURLU *u = curl_url();
    char *s = NULL, *h = NULL;
    int rc = -1;

    if (!u) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &s, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) {
        snprintf(err, cap, "\"%s\" is not a URL (e.g. https://hub.example.vn)",
                 url);
    } else if (strlen(s) >= scap || strlen(h) >= hcap) {
        snprintf(err, cap, "the hub's address is too long");
    } else {
        snprintf(scheme, scap, "%s", s);
        snprintf(host, hcap, "%s", h);
        rc = 0;
    }
    curl_free(s);
    curl_free(h);
    curl_url_cleanup(u);
    return rc;
}

int sync_client_check_url(const char *url, char *err, size_t cap)
{
    char scheme[16], host[256];

    if (!url || !url[0]) {
        snprintf(err, cap, "no hub URL");
        return -1;
    }
    if (strlen(url) >= SYNC_URL_MAX - 64) {
        snprintf(err, cap, "the hub URL is too long");
        return -1;
    }
    if (sync_split_url(url, scheme, sizeof(scheme), host, sizeof(host), err,
                       cap) != 0)
        return -1;
    if (strcasecmp(scheme, "https") == 0)
        return 0;
    if (strcasecmp(scheme, "http") == 0 && sync_is_loopback(host))
        return 0;
    if (strcasecmp(scheme, "http") == 0)
        snprintf(err, cap, "plain http:// is accepted only to this machine"
                 " (127.0.0.1, ::1, localhost); use https:// for %s", host);
    else
        snprintf(err, cap, "unsupported scheme \"%s\" (use https://)", scheme);
    return -1;
}

/* ---- pins ------------------------------------------------------------- */

static const char sync_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void sync_encode_b64(const unsigned char *in, size_t n, char *out)
{
    size_t i, o = 0;
    unsigned v;

    for (i = 0; i + 2 < n; i += 3) {
        v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = sync_b64[v >> 18 & 63];
        out[o++] = sync_b64[v >> 12 & 63];
        out[o++] = sync_b64[v >> 6 & 63];
        out[o++] = sync_b64[v & 63];
    }
    if (i < n) {
        v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
        out[o++] = sync_b64[v >> 18 & 63];
        out[o++] = sync_b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? sync_b64[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
}

static int sync_is_b64_of_32(const char *s)
{
    size_t i;

    /* 32 bytes are 43 characters and one "=". */
    if (strlen(s) != 44 || s[43] != '=')
        return 0;
    for (i = 0; i < 43; i++)
        if (!s[i] || !strchr(sync_b64, s[i]))
            return 0;
    return 1;
}

int sync_client_normalise_pin(const char *in, char *out, size_t cap,
                              char *err, size_t errcap)
{
    unsigned char raw[SYNC_PIN_RAW];
    char b64[64];

    if (cap < sizeof("sha256//") + 44) {
        snprintf(err, errcap, "no room for the pin");
        return -1;
    }
    if (strncmp(in, "sha256//", 8) == 0)
        in += 8;
    if (sync_is_b64_of_32(in)) {
        snprintf(out, cap, "sha256//%s", in);
        return 0;
    }
    if (strlen(in) == 2 * SYNC_PIN_RAW &&
        hex_decode(in, raw, SYNC_PIN_RAW) == 0) {
        sync_encode_b64(raw, sizeof(raw), b64);
        snprintf(out, cap, "sha256//%s", b64);
        return 0;
    }
    snprintf(err, errcap,
             "the pin must be the SHA-256 of the hub's public key: 64 hex"
             " digits or base64 (sha256//...)");
    return -1;
}

/* ---- open / close ----------------------------------------------------- */

static int64_t sync_boot_ms(const sync_client_t *c)
{
    return (int64_t)pclock_boot_ms(&c->clock);
}

static size_t sync_on_body(char *p, size_t size, size_t n, void *ctx)
{
    sync_client_t *c = ctx;
    size_t len = size * n;

    if (len > SYNC_REPLY_MAX - c->body_len) {
        /* Returning short makes curl stop: nobody reads a 64 KiB answer
         * from a hub that only ever sends small ones. */
        c->body_overflow = 1;
        return 0;
    }
    memcpy(c->body + c->body_len, p, len);
    c->body_len += len;
    c->body[c->body_len] = '\0';
    return len;
}

/* Keeps the value of header name (case-insensitive) in out. */
static void sync_keep_header(const char *line, size_t len, const char *name,
                             char *out, size_t cap)
{
    size_t n = strlen(name), v;

    if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    line += n + 1;
    len -= n + 1;
    while (len > 0 && (*line == ' ' || *line == '\t')) {
        line++;
        len--;
    }
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    v = len < cap - 1 ? len : cap - 1;
    memcpy(out, line, v);
    out[v] = '\0';
}

static size_t sync_on_header(char *p, size_t size, size_t n, void *ctx)
{
    sync_client_t *c = ctx;
    size_t len = size * n;

    /* A new status line starts a new set of headers (after a 100). */
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
        c->retry_after[0] = '\0';
        c->date[0] = '\0';
    }
    sync_keep_header(p, len, "Retry-After", c->retry_after,
                     sizeof(c->retry_after));
    sync_keep_header(p, len, "Date", c->date, sizeof(c->date));
    return len;
}

static int sync_on_progress(void *ctx, curl_off_t a, curl_off_t b,
                            curl_off_t d, curl_off_t e)
{
    const sync_client_t *c = ctx;

    (void)a;
    (void)b;
    (void)d;
    (void)e;
    return c->stop && atomic_load(c->stop) ? 1 : 0;
}

/* Options that hold for every request of this client. */
static CURLcode sync_setup_easy(sync_client_t *c)
{
    CURL *e = c->easy;
    CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                       \
    do {                                                                    \
        if (rc == CURLE_OK)                                                 \
            rc = curl_easy_setopt(e, opt, val);                             \
    } while (0)
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, c->errbuf);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_MAXREDIRS, 0L);
    SET(CURLOPT_PROTOCOLS_STR, c->loopback_http ? "http,https" : "https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (c->ca_file[0])
        SET(CURLOPT_CAINFO, c->ca_file);
    if (c->pin[0])
        SET(CURLOPT_PINNEDPUBLICKEY, c->pin);
    SET(CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
    SET(CURLOPT_LOW_SPEED_LIMIT, (long)SYNC_LOW_SPEED_BPS);
    SET(CURLOPT_LOW_SPEED_TIME, c->stall_timeout_s);
    SET(CURLOPT_TIMEOUT, (long)SYNC_TOTAL_TIMEOUT_S);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_USERAGENT, c->user_agent);
    SET(CURLOPT_WRITEFUNCTION, sync_on_body);
    SET(CURLOPT_WRITEDATA, c);
    SET(CURLOPT_HEADERFUNCTION, sync_on_header);
    SET(CURLOPT_HEADERDATA, c);
    SET(CURLOPT_XFERINFOFUNCTION, sync_on_progress);
    SET(CURLOPT_XFERINFODATA, c);
    SET(CURLOPT_NOPROGRESS, 0L);
    /* A proxy from the environment must never see loopback traffic. */
    if (c->loopback_http)
        SET(CURLOPT_PROXY, "");
#undef SET
    return rc;
}

int sync_client_open(sync_client_t **out, const sync_client_opts_t *o,
                     char *err, size_t cap)
{
    char scheme[16];
    sync_client_t *c;
    size_t n;

    *out = NULL;
    if (sync_client_check_url(o->hub_url, err, cap) != 0)
        return -1;
    if (o->ca_file && o->ca_file[0] && access(o->ca_file, R_OK) != 0) {
        snprintf(err, cap, "cannot read the CA file %s: %s", o->ca_file,
                 strerror(errno));
        return -1;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, cap, "out of memory");
        return -1;
    }
    n = strlen(o->hub_url);
    while (n > 0 && o->hub_url[n - 1] == '/')
        n--;
    snprintf(c->base, sizeof(c->base), "%.*s", (int)n, o->hub_url);
    snprintf(c->ca_file, sizeof(c->ca_file), "%s",
             o->ca_file ? o->ca_file : "");
    snprintf(c->pin, sizeof(c->pin), "%s", o->pin ? o->pin : "");
    snprintf(c->user_agent, sizeof(c->user_agent), "%s",
             o->user_agent ? o->user_agent : "sipas-kiosk");
    c->connect_timeout_s = o->connect_timeout_s > 0 ? o->connect_timeout_s
                                                    : SYNC_CONNECT_TIMEOUT_S;
    c->stall_timeout_s =
        o->stall_timeout_s > 0 ? o->stall_timeout_s : SYNC_STALL_TIMEOUT_S;
    c->stop = o->stop;
    if (o->clock)
        c->clock = *o->clock;
    else
        pclock_init(&c->clock, 0);
    if (sync_split_url(c->base, scheme, sizeof(scheme), c->host,
                       sizeof(c->host), err, cap) != 0) {
        free(c);
        return -1;
    }
    c->loopback_http = strcasecmp(scheme, "http") == 0;
    c->multi = curl_multi_init();
    c->easy = curl_easy_init();
    if (!c->multi || !c->easy || sync_setup_easy(c) != CURLE_OK) {
        snprintf(err, cap, "cannot set up libcurl: %s",
                 c->errbuf[0] ? c->errbuf : "out of memory");
        sync_client_close(c);
        return -1;
    }
    *out = c;
    return 0;
}

void sync_client_close(sync_client_t *c)
{
    if (!c)
        return;
    if (c->easy)
        curl_easy_cleanup(c->easy);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    free(c);
}

void sync_client_wake(sync_client_t *c)
{
    /* Thread-safe by libcurl's contract; a failure only means the loop
     * notices the stop flag at its next poll timeout instead. */
    if (c && c->multi)
        (void)curl_multi_wakeup(c->multi);
}

void sync_reply_clear(sync_reply_t *r)
{
    json_decref(r->body);
    memset(r, 0, sizeof(*r));
    r->retry_after_ms = -1;
}

/* ---- classifying ------------------------------------------------------- */

static void sync_say(sync_reply_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sync_say(sync_reply_t *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

/* The kiosk's wall clock, as the rest of the kiosk reads it. */
static int64_t sync_wall_ms(const sync_client_t *c)
{
    return pclock_wall_ms(&c->clock);
}

/* TLS failures name their likely cause: a Pi without RTC that has not
 * synced yet fails every handshake with "not yet valid". */
static void sync_explain_tls(sync_client_t *c, sync_reply_t *r,
                             CURLcode code)
{
    char now[VNTIME_ISO_MAX];
    const char *e = c->errbuf[0] ? c->errbuf : curl_easy_strerror(code);

    if (vntime_format_iso(sync_wall_ms(c), now, sizeof(now)) != 0)
        now[0] = '\0';
    if (strstr(e, "not yet valid"))
        sync_say(r, "TLS certificate not yet valid — the device clock may be"
                 " wrong (it says %s): %s", now, e);
    else if (strstr(e, "expired"))
        sync_say(r, "TLS certificate expired — or the device clock is ahead"
                 " (it says %s): %s", now, e);
    else if (code == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
        sync_say(r, "the hub's public key does not match the configured pin"
                 " (another server, or the hub's key changed): %s", e);
    else if (strstr(e, "no alternative certificate subject name") ||
             strstr(e, "does not match target host"))
        sync_say(r, "the hub's certificate is not for %s: %s", c->host, e);
    else if (code == CURLE_SSL_CONNECT_ERROR && !strstr(e, "certificate"))
        sync_say(r, "TLS handshake with %s failed (not a TLS server there,"
                 " or something between the kiosk and the hub): %s", c->base,
                 e);
    else
        sync_say(r, "TLS: the hub's certificate could not be verified with"
                 " %s (wrong CA file, or something between the kiosk and the"
                 " hub): %s", c->ca_file[0] ? c->ca_file : "the system's CAs",
                 e);
}

static sync_class_t sync_classify_curl(sync_client_t *c, sync_reply_t *r,
                                       CURLcode code)
{
    const char *e = c->errbuf[0] ? c->errbuf : curl_easy_strerror(code);

    switch (code) {
    case CURLE_ABORTED_BY_CALLBACK:
        sync_say(r, "stopped");
        return SYNC_STOPPED;
    case CURLE_COULDNT_RESOLVE_HOST:
        sync_say(r, "hub unreachable: cannot resolve %s (no network or DNS):"
                 " %s", c->host, e);
        break;
    case CURLE_COULDNT_CONNECT:
        sync_say(r, "hub unreachable: cannot connect to %s: %s", c->base, e);
        break;
    case CURLE_OPERATION_TIMEDOUT:
        sync_say(r, "hub too slow, given up (limits: connect %ld s, under"
                 " %d bytes/s for %ld s): %s", c->connect_timeout_s,
                 SYNC_LOW_SPEED_BPS, c->stall_timeout_s, e);
        break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_CONNECT_ERROR:
        sync_explain_tls(c, r, code);
        break;
    case CURLE_WRITE_ERROR:
        if (c->body_overflow) {
            sync_say(r, "the answer is larger than %d bytes: not the hub's",
                     SYNC_REPLY_MAX);
            break;
        }
        sync_say(r, "reading the answer failed: %s", e);
        break;
    case CURLE_UNSUPPORTED_PROTOCOL:
        sync_say(r, "refused to follow %s: %s", c->base, e);
        return SYNC_PERMANENT;
    default:
        sync_say(r, "connection to the hub failed: %s", e);
        break;
    }
    return SYNC_TRANSIENT;
}

/* An HTTP date in milliseconds, 0 when there is none. curl reads years
 * far beyond 9999 (any number of digits), whose milliseconds would not
 * fit: such a date is no date. */
#define SYNC_DATE_MAX_S INT64_C(253402300799) /* 9999-12-31 23:59:59 UTC */
static int64_t sync_read_date_ms(const char *text)
{
    time_t d = curl_getdate(text, NULL);

    return d > 0 && (int64_t)d <= SYNC_DATE_MAX_S ? (int64_t)d * 1000 : 0;
}

/* The hub's clock: hub_time in the body, else the Date header. */
static int64_t sync_hub_time(const sync_client_t *c, json_t *body)
{
    json_t *t = body ? json_object_get(body, "hub_time") : NULL;

    if (json_is_integer(t) && json_integer_value(t) > 0)
        return (int64_t)json_integer_value(t);
    return c->date[0] ? sync_read_date_ms(c->date) : 0;
}

static json_t *sync_parse_body(const sync_client_t *c)
{
    json_error_t je;

    if (c->body_len == 0)
        return NULL;
    return json_loadb(c->body, c->body_len, JSON_REJECT_DUPLICATES, &je);
}

static sync_class_t sync_classify_ok(sync_client_t *c, sync_reply_t *r,
                                     const char *expect_upload_id)
{
    json_t *ok, *id;

    if (!json_is_object(r->body)) {
        sync_say(r, "HTTP 200 without the hub's acknowledgement (%s): a"
                 " captive portal or a proxy answered, not the hub",
                 c->body_len ? "not JSON" : "empty");
        return SYNC_TRANSIENT;
    }
    ok = json_object_get(r->body, "ok");
    id = json_object_get(r->body, "upload_id");
    if (!json_is_true(ok)) {
        sync_say(r, "HTTP 200 without \"ok\": true: not an acknowledgement");
        return SYNC_TRANSIENT;
    }
    if (expect_upload_id &&
        (!json_is_string(id) ||
         strcmp(json_string_value(id), expect_upload_id) != 0)) {
        char named[SYNC_MESSAGE_MAX / 4];
        (void)hubtext_sanitize(json_is_string(id) ? json_string_value(id)
                                                  : "none",
                               named, sizeof(named));
        sync_say(r, "the acknowledgement names another upload (%s, sent %s)",
                 named, expect_upload_id);
        return SYNC_TRANSIENT;
    }
    r->hub_time_ms = sync_hub_time(c, r->body);
    sync_say(r, "acknowledged");
    return SYNC_ACKED;
}

/* The hub's own words for a refusal, when its JSON error body came; made
 * safe here, since they go on to terminals, logs, sync.db and the
 * kiosk's admin screen. */
static void sync_read_refusal(sync_reply_t *r, char *words, size_t cap)
{
    json_t *code = r->body ? json_object_get(r->body, "error") : NULL;
    json_t *msg = r->body ? json_object_get(r->body, "message") : NULL;
    char said[SYNC_MESSAGE_MAX / 2];

    words[0] = '\0';
    if (json_is_string(code))
        (void)hubtext_sanitize(json_string_value(code), r->error_code,
                               sizeof(r->error_code));
    if (json_is_string(msg)) {
        (void)hubtext_sanitize(json_string_value(msg), said, sizeof(said));
        snprintf(words, cap, ": %s", said);
    } else if (r->error_code[0]) {
        snprintf(words, cap, ": %s", r->error_code);
    }
}

static sync_class_t sync_classify_status(sync_client_t *c, sync_reply_t *r,
                                         const char *expect_upload_id)
{
    char words[SYNC_MESSAGE_MAX / 2];
    long s = r->status;

    if (s == 200)
        return sync_classify_ok(c, r, expect_upload_id);
    r->retry_after_ms = backoff_parse_retry_after(c->retry_after);
    if (r->retry_after_ms < 0 && c->retry_after[0]) {
        int64_t when = sync_read_date_ms(c->retry_after);
        int64_t now = sync_wall_ms(c);
        if (when > 0)
            r->retry_after_ms = when > now ? when - now : 0;
    }
    sync_read_refusal(r, words, sizeof(words));
    if (s == 401) {
        sync_say(r, "the hub does not know this kiosk or its secret (401%s);"
                 " provision it again with a new code", words);
        return SYNC_UNAUTHORIZED;
    }
    /* A 403 refusing what an upload names (another unit's rows, another
     * kiosk) refuses that upload only: the kiosk is not revoked, it backs
     * off at the cap as for any other refusal. */
    if (s == 403 && strcmp(r->error_code, "wrong-unit") != 0 &&
        strcmp(r->error_code, "wrong-kiosk") != 0) {
        sync_say(r, "this kiosk was revoked at the hub (403%s); nothing more"
                 " is uploaded until it is provisioned with a new code",
                 words);
        return SYNC_REVOKED;
    }
    if (s == 413) {
        sync_say(r, "the hub found the upload too large (413%s)", words);
        return SYNC_TOO_LARGE;
    }
    /* Over the kiosk's quota at the hub: the data stays here and goes
     * when the hub says (Retry-After), like any refusal that passes. */
    if (s == 429 && strcmp(r->error_code, "quota-exceeded") == 0) {
        sync_say(r, "the hub refuses more from this kiosk for now: over its"
                 " quota (429%s); the responses stay on the kiosk and are"
                 " sent later", words);
        return SYNC_TRANSIENT;
    }
    if (s == 408 || s == 429 || s >= 500 || (s >= 300 && s < 400) ||
        (s > 200 && s < 300)) {
        sync_say(r, "the hub is not accepting now (HTTP %ld%s)%s", s, words,
                 s >= 300 && s < 400 ? " - a redirect, not followed" : "");
        return SYNC_TRANSIENT;
    }
    sync_say(r, "the hub refused the request (HTTP %ld%s)", s, words);
    return SYNC_PERMANENT;
}

/* ---- the transfer ----------------------------------------------------- */

static CURLcode sync_transfer(sync_client_t *c)
{
    CURLMsg *m;
    CURLMcode mc;
    CURLcode done = CURLE_OK;
    int running = 1, left;

    if (curl_multi_add_handle(c->multi, c->easy) != CURLM_OK)
        return CURLE_OUT_OF_MEMORY;
    while (running) {
        mc = curl_multi_perform(c->multi, &running);
        if (mc != CURLM_OK) {
            done = CURLE_RECV_ERROR;
            break;
        }
        if (c->stop && atomic_load(c->stop)) {
            done = CURLE_ABORTED_BY_CALLBACK;
            running = 0;
            break;
        }
        if (running && curl_multi_poll(c->multi, NULL, 0, SYNC_POLL_MS,
                                       NULL) != CURLM_OK) {
            done = CURLE_RECV_ERROR;
            break;
        }
    }
    while ((m = curl_multi_info_read(c->multi, &left)) != NULL)
        if (m->msg == CURLMSG_DONE)
            done = m->data.result;
    /* Removing keeps the connection in the multi's cache for the next
     * request; a failure here has nothing left to clean. */
    (void)curl_multi_remove_handle(c->multi, c->easy);
    return done;
}

static struct curl_slist *sync_headers(const char *install_id,
                                       const char *secret)
{
    char line[SYNC_HEADER_MAX];
    struct curl_slist *h = NULL, *t;
    const char *fixed[] = {"Content-Type: application/json",
                           "Accept: application/json",
                           /* No 100-continue round trip: bodies are
                            * small and every millisecond of a flaky link
                            * is a chance to fail. */
                           "Expect:"};
    size_t i;

    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (!(t = curl_slist_append(h, fixed[i])))
            goto fail;
        h = t;
    }
    if (secret) {
        snprintf(line, sizeof(line), "Authorization: Bearer %s", secret);
        if (!(t = curl_slist_append(h, line)))
            goto fail;
        h = t;
    }
    if (install_id && secret) {
        snprintf(line, sizeof(line), "X-Sipas-Kiosk: %s", install_id);
        if (!(t = curl_slist_append(h, line)))
            goto fail;
        h = t;
    }
    return h;
fail:
    curl_slist_free_all(h);
    return NULL;
}

/* Forgets the last answer before the next one. */
static void sync_start_answer(sync_client_t *c, sync_reply_t *r)
{
    memset(r, 0, sizeof(*r));
    r->retry_after_ms = -1;
    c->body_len = 0;
    c->body[0] = '\0';
    c->body_overflow = 0;
    c->retry_after[0] = '\0';
    c->date[0] = '\0';
    c->errbuf[0] = '\0';
}

sync_class_t sync_client_judge(sync_client_t *c, long status,
                               const char *headers, size_t hlen,
                               const char *body, size_t blen,
                               const char *expect_upload_id, sync_reply_t *r)
{
    size_t line;

    sync_start_answer(c, r);
    /* One call per header line, ending included, as curl makes them. */
    while (hlen > 0) {
        const char *nl = memchr(headers, '\n', hlen);

        line = nl ? (size_t)(nl - headers) + 1 : hlen;
        (void)sync_on_header((char *)headers, 1, line, c);
        headers += line;
        hlen -= line;
    }
    if (blen > 0 && sync_on_body((char *)body, 1, blen, c) != blen)
        return r->cls = sync_classify_curl(c, r, CURLE_WRITE_ERROR);
    r->status = status;
    r->body = sync_parse_body(c);
    return r->cls = sync_classify_status(c, r, expect_upload_id);
}

sync_class_t sync_client_post(sync_client_t *c, const char *path,
                              const char *install_id, const char *secret,
                              const char *body, size_t len,
                              const char *expect_upload_id, sync_reply_t *r)
{
    char url[SYNC_URL_MAX];
    struct curl_slist *hdr;
    CURLcode code = CURLE_OK;

    sync_start_answer(c, r);
    if ((size_t)snprintf(url, sizeof(url), "%s%s", c->base, path) >=
        sizeof(url)) {
        sync_say(r, "URL too long");
        return r->cls = SYNC_PERMANENT;
    }
    hdr = sync_headers(install_id, secret);
    if (!hdr) {
        sync_say(r, "out of memory");
        return r->cls = SYNC_TRANSIENT;
    }
#define SET(opt, val)                                                       \
    do {                                                                    \
        if (code == CURLE_OK)                                               \
            code = curl_easy_setopt(c->easy, opt, val);                     \
    } while (0)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_HTTPHEADER, hdr);
    SET(CURLOPT_POSTFIELDS, body);
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
#undef SET
    r->boot_sent_ms = sync_boot_ms(c);
    if (code == CURLE_OK)
        code = sync_transfer(c);
    r->boot_recv_ms = sync_boot_ms(c);
    if (code == CURLE_OK &&
        curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &r->status) !=
            CURLE_OK)
        r->status = 0;
    /* The headers list must outlive the transfer, not the handle. */
    (void)curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER,
                           (struct curl_slist *)NULL);
    curl_slist_free_all(hdr);
    if (code != CURLE_OK)
        return r->cls = sync_classify_curl(c, r, code);
    r->body = sync_parse_body(c);
    return r->cls = sync_classify_status(c, r, expect_upload_id);
}
