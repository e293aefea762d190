/*
 * report_fetch.c - GET /api/v1/stats over libcurl.
 */
#include "report_fetch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "core/hubtext.h"
#include "core/version.h"
#include "upload/client.h"

typedef struct report_body {
    char *data;
    size_t len, cap;
    int too_large, no_memory;
} report_body_t;

/* Grows the buffer geometrically; refuses anything past the cap, so a
 * runaway answer cannot eat the machine's memory. */
static size_t report_take_body(char *ptr, size_t size, size_t nmemb,
                               void *userdata)
{
    report_body_t *b = userdata;
    size_t n = size * nmemb, want;
    char *grown;

    if (n > REPORT_FETCH_BODY_MAX - b->len) {
        b->too_large = 1;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        want = b->cap ? b->cap : 64 * 1024;
        while (want < b->len + n + 1)
            want *= 2;
        grown = realloc(b->data, want);
        if (!grown) {
            b->no_memory = 1;
            return 0;
        }
        b->data = grown;
        b->cap = want;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

int report_check_hub(const report_hub_t *hub, char *err, size_t cap)
{
    const char *t;

    if (sync_client_check_url(hub->url, err, cap) != 0)
        return -1;
    if (strlen(hub->url) >= REPORT_FETCH_URL_MAX - 256) {
        snprintf(err, cap, "the hub URL is too long");
        return -1;
    }
    if (!hub->token || !hub->token[0] ||
        strlen(hub->token) >= REPORT_FETCH_TOKEN_MAX) {
        snprintf(err, cap, "the token must be 1 to %d characters",
                 REPORT_FETCH_TOKEN_MAX - 1);
        return -1;
    }
    /* It goes into a header line: nothing that could end or split it. */
    for (t = hub->token; *t; t++)
        if (*t <= ' ' || *t > '~') {
            snprintf(err, cap, "the token holds a character that is not"
                     " printable ASCII");
            return -1;
        }
    if (hub->ca_file && access(hub->ca_file, R_OK) != 0) {
        snprintf(err, cap, "cannot read the CA file %s: %s", hub->ca_file,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Every option is checked: a silently ignored TLS option would mean an
 * unverified connection carrying the token. */
static int report_setup(CURL *c, const report_hub_t *hub, const char *url,
                        struct curl_slist *headers, report_body_t *body,
                        char *errbuf)
{
    CURLcode rc = CURLE_OK;

#define REPORT_SET(opt, val)                                              \
    do {                                                                  \
        if (rc == CURLE_OK)                                               \
            rc = curl_easy_setopt(c, opt, val);                           \
    } while (0)
    REPORT_SET(CURLOPT_ERRORBUFFER, errbuf);
    REPORT_SET(CURLOPT_URL, url);
    REPORT_SET(CURLOPT_HTTPGET, 1L);
    REPORT_SET(CURLOPT_HTTPHEADER, headers);
    REPORT_SET(CURLOPT_WRITEFUNCTION, report_take_body);
    REPORT_SET(CURLOPT_WRITEDATA, body);
    REPORT_SET(CURLOPT_FOLLOWLOCATION, 0L);
    REPORT_SET(CURLOPT_PROTOCOLS_STR, "http,https");
    REPORT_SET(CURLOPT_SSL_VERIFYPEER, 1L);
    REPORT_SET(CURLOPT_SSL_VERIFYHOST, 2L);
    REPORT_SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (hub->ca_file)
        REPORT_SET(CURLOPT_CAINFO, hub->ca_file);
    REPORT_SET(CURLOPT_CONNECTTIMEOUT, REPORT_FETCH_CONNECT_S);
    REPORT_SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    REPORT_SET(CURLOPT_LOW_SPEED_TIME, REPORT_FETCH_STALL_S);
    REPORT_SET(CURLOPT_TIMEOUT, REPORT_FETCH_TOTAL_S);
    REPORT_SET(CURLOPT_NOSIGNAL, 1L);
    REPORT_SET(CURLOPT_ACCEPT_ENCODING, "");
    REPORT_SET(CURLOPT_USERAGENT, "sipas-report/" SIPAS_VERSION);
#undef REPORT_SET
    return rc == CURLE_OK ? 0 : -1;
}

static int report_is_tls_error(CURLcode rc)
{
    return rc == CURLE_PEER_FAILED_VERIFICATION ||
           rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CACERT_BADFILE ||
           rc == CURLE_SSL_CERTPROBLEM || rc == CURLE_SSL_ISSUER_ERROR;
}

#define REPORT_HUB_TEXT_MAX 256

/* A refusal in words; the hub's own message when it sent one. */
static void report_explain_status(long status, const report_body_t *body,
                                  const char *url, char *err, size_t cap)
{
    json_t *j = body->data ? json_loadb(body->data, body->len, 0, NULL)
                           : NULL;
    const char *said = json_string_value(json_object_get(j, "message"));
    const char *named = json_string_value(json_object_get(j, "error"));
    /* The hub's words reach a terminal: made printable first. */
    char msg_buf[REPORT_HUB_TEXT_MAX], code_buf[REPORT_HUB_TEXT_MAX];
    const char *msg = NULL, *code = NULL;

    if (said) {
        (void)hubtext_sanitize(said, msg_buf, sizeof(msg_buf));
        msg = msg_buf;
    }
    if (named) {
        (void)hubtext_sanitize(named, code_buf, sizeof(code_buf));
        code = code_buf;
    }

    if (status == 401)
        snprintf(err, cap, "the hub refused the token (401): it is unknown,"
                 " revoked or mistyped; ask for a new one with `sipas-hub"
                 " token add`");
    else if (status == 403)
        snprintf(err, cap, "the token does not cover this unit (403 %s)",
                 code ? code : "forbidden");
    else if (status == 404 && code && strcmp(code, "unknown-unit") == 0)
        snprintf(err, cap, "the hub knows no such unit (404)");
    else if (status == 404)
        snprintf(err, cap, "%s answered 404: is this the hub's address?",
                 url);
    else
        snprintf(err, cap, "the hub answered HTTP %ld%s%s%s%s", status,
                 code ? " " : "", code ? code : "", msg ? ": " : "",
                 msg ? msg : "");
    json_decref(j);
}

static int report_read_answer(long status, const report_body_t *body,
                              const char *url, const char *want,
                              json_t **out, char *err, size_t cap)
{
    json_error_t jerr;

    if (status != 200) {
        report_explain_status(status, body, url, err, cap);
        return -1;
    }
    *out = body->data ? json_loadb(body->data, body->len, 0, &jerr) : NULL;
    if (!json_is_object(*out) || !json_is_array(json_object_get(*out, want))) {
        json_decref(*out);
        *out = NULL;
        snprintf(err, cap, "the hub's answer to %s is not the documented"
                 " JSON (a proxy or an older hub?)", url);
        return -1;
    }
    return 0;
}

/* GET base + path + "?" + query; the answer must be an object holding the
 * array want. */
static int report_fetch_json(const report_hub_t *hub, const char *path,
                             const char *query, const char *want,
                             json_t **out, char *err, size_t cap)
{
    char url[REPORT_FETCH_URL_MAX], auth[REPORT_FETCH_TOKEN_MAX + 32];
    char errbuf[CURL_ERROR_SIZE];
    report_body_t body = {NULL, 0, 0, 0, 0};
    struct curl_slist *headers = NULL, *h;
    size_t n = strlen(hub->url);
    long status = 0;
    CURLcode rc;
    CURL *c;
    int ret = -1;

    *out = NULL;
    errbuf[0] = '\0';
    while (n > 0 && hub->url[n - 1] == '/')
        n--;
    if (snprintf(url, sizeof(url), "%.*s%s%s%s", (int)n, hub->url, path,
                 query[0] ? "?" : "", query) >= (int)sizeof(url) ||
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
                 hub->token) >= (int)sizeof(auth)) {
        snprintf(err, cap, "the request is too long");
        return -1;
    }
    c = curl_easy_init();
    h = c ? curl_slist_append(NULL, auth) : NULL;
    headers = h ? curl_slist_append(h, "Accept: application/json") : NULL;
    if (!headers) {
        curl_slist_free_all(h);
        if (c)
            curl_easy_cleanup(c);
        snprintf(err, cap, "cannot set up libcurl (out of memory)");
        return -1;
    }
    if (report_setup(c, hub, url, headers, &body, errbuf) != 0) {
        snprintf(err, cap, "this libcurl lacks an option the report needs"
                 " (TLS 1.2, protocol limits)");
    } else if ((rc = curl_easy_perform(c)) != CURLE_OK) {
        if (body.too_large)
            snprintf(err, cap, "the hub's answer is larger than %u MiB",
                     REPORT_FETCH_BODY_MAX / (1024u * 1024u));
        else if (body.no_memory)
            snprintf(err, cap, "out of memory reading the hub's answer");
        else if (report_is_tls_error(rc))
            snprintf(err, cap, "the hub's certificate was refused: %s (give"
                     " the CA that signed it with --ca FILE)",
                     errbuf[0] ? errbuf : curl_easy_strerror(rc));
        else
            snprintf(err, cap, "cannot reach the hub at %.*s: %s", (int)n,
                     hub->url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) !=
               CURLE_OK) {
        snprintf(err, cap, "libcurl did not report the HTTP status");
    } else {
        ret = report_read_answer(status, &body, url, want, out, err, cap);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    free(body.data);
    return ret;
}

int report_fetch_stats(const report_hub_t *hub, const char *query,
                       json_t **out, char *err, size_t cap)
{
    return report_fetch_json(hub, "/api/v1/stats", query, "groups", out,
                             err, cap);
}

int report_fetch_units(const report_hub_t *hub, json_t **out, char *err,
                       size_t cap)
{
    return report_fetch_json(hub, "/api/v1/units", "", "units", out, err,
                             cap);
}
