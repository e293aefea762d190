/*
 * hub-load - ingest throughput of a running sipas-hub.
 *
 *   hub-load URL KIOSKS-FILE DAY CLIENTS SECONDS ROWS
 *
 * KIOSKS-FILE holds one "INSTALL_ID SECRET" per line (enrolled kiosks).
 * CLIENTS uploads are kept in flight at once with libcurl's multi
 * interface, each one a realistic day snapshot of ROWS rows for DAY; every
 * kiosk's upto_seq grows with each upload, so each one really replaces the
 * day. Prints "hub ingest: X uploads/s (N clients, R rows per upload)"
 * and exits 1 if any upload was not acknowledged.
 */
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOAD_KIOSKS_MAX 1000
#define LOAD_CLIENTS_MAX 256
#define LOAD_REPLY_MAX 4096
#define LOAD_BODY_MAX (1024 * 1024)
#define LOAD_ROW_MAX 512

typedef struct load_kiosk {
    char id[33], secret[65];
    long long seq;
} load_kiosk_t;

typedef struct load_slot {
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    size_t body_len;
    char reply[LOAD_REPLY_MAX];
    size_t reply_len;
    int kiosk;
} load_slot_t;

typedef struct load {
    const char *url, *day;
    int n_kiosks, clients, rows;
    load_kiosk_t kiosks[LOAD_KIOSKS_MAX];
    load_slot_t slots[LOAD_CLIENTS_MAX];
    int next_kiosk;
    long long done, failed;
} load_t;

static double load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t load_on_reply(char *data, size_t size, size_t n, void *ctx)
{
    load_slot_t *s = ctx;
    size_t len = size * n, room = sizeof(s->reply) - 1 - s->reply_len;

    if (len > room)
        len = room;
    memcpy(s->reply + s->reply_len, data, len);
    s->reply_len += len;
    s->reply[s->reply_len] = '\0';
    return size * n;
}

static int load_append(load_slot_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_append(load_slot_t *s, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(s->body + s->body_len, LOAD_BODY_MAX - s->body_len, fmt,
                  ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= LOAD_BODY_MAX - s->body_len)
        return -1;
    s->body_len += (size_t)n;
    return 0;
}

/* One day snapshot: response rows by officer and field, four answer rows
 * each (overall 5 and 4, tiep-can 5 and 3), ROWS rows in all. */
static int load_make_body(load_t *l, load_slot_t *s, load_kiosk_t *k)
{
    static const char *const fields[] = {"dat-dai", "xay-dung", "dau-tu",
                                         "tu-phap", "khac"};
    static const char *const answers[][2] = {
        {"overall", "5"}, {"overall", "4"}, {"tiep-can", "5"},
        {"tiep-can", "3"}};
    char dims[LOAD_ROW_MAX];
    int n_dims = l->rows / 5, i, a, bad = 0;

    if (n_dims < 1)
        n_dims = 1;
    s->body_len = 0;
    k->seq++;
    bad |= load_append(s, "{\"install_id\":\"%s\",\"upload_id\":\"%s:%lld\","
                          "\"upto_seq\":%lld,\"days\":[{\"day\":\"%s\","
                          "\"estimated\":0,\"responses\":[",
                       k->id, k->id, k->seq, k->seq, l->day);
    for (i = 0; i < n_dims && !bad; i++) {
        snprintf(dims, sizeof(dims),
                 "\"unit\":\"BENCH-XA\",\"counter\":\"Quầy %d\","
                 "\"officer\":\"CB%03d\",\"field\":\"%s\","
                 "\"instrument\":\"sipas-short\",\"version\":1",
                 1 + i % 3, i / 5, fields[i % 5]);
        bad |= load_append(s, "%s{%s,\"complete\":%lld,\"partial\":1,"
                              "\"suppressed\":0}", i ? "," : "", dims,
                           k->seq % 1000);
    }
    bad |= load_append(s, "],\"answers\":[");
    for (i = 0; i < n_dims && !bad; i++) {
        snprintf(dims, sizeof(dims),
                 "\"unit\":\"BENCH-XA\",\"counter\":\"Quầy %d\","
                 "\"officer\":\"CB%03d\",\"field\":\"%s\","
                 "\"instrument\":\"sipas-short\",\"version\":1",
                 1 + i % 3, i / 5, fields[i % 5]);
        for (a = 0; a < 4 && !bad; a++)
            bad |= load_append(s, "%s{%s,\"partial\":0,\"question\":\"%s\","
                                  "\"element\":\"%s\",\"answer\":\"%s\","
                                  "\"n\":%d}", i || a ? "," : "", dims,
                               answers[a][0], answers[a][0], answers[a][1],
                               1 + a);
    }
    bad |= load_append(s, "]}],\"heartbeat\":{\"version\":\"bench\","
                          "\"pending\":0,\"acked_seq\":%lld}}", k->seq - 1);
    return bad ? -1 : 0;
}

static int load_start(load_t *l, CURLM *multi, load_slot_t *s)
{
    char auth[128], kiosk[64], url[512];
    load_kiosk_t *k;

    /* Slots take kiosks in turn, so no kiosk has two uploads in flight
     * as long as there are more kiosks than clients. */
    s->kiosk = l->next_kiosk;
    l->next_kiosk = (l->next_kiosk + 1) % l->n_kiosks;
    k = &l->kiosks[s->kiosk];
    if (load_make_body(l, s, k) != 0)
        return -1;
    curl_slist_free_all(s->headers);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", k->secret);
    snprintf(kiosk, sizeof(kiosk), "X-Sipas-Kiosk: %s", k->id);
    s->headers = curl_slist_append(NULL, auth);
    s->headers = curl_slist_append(s->headers, kiosk);
    s->headers = curl_slist_append(s->headers,
                                   "Content-Type: application/json");
    s->headers = curl_slist_append(s->headers, "Expect:");
    if (!s->headers)
        return -1;
    snprintf(url, sizeof(url), "%s/api/v1/ingest", l->url);
    s->reply_len = 0;
    s->reply[0] = '\0';
    curl_easy_setopt(s->easy, CURLOPT_URL, url);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, s->body);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long)s->body_len);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, load_on_reply);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    return curl_multi_add_handle(multi, s->easy) == CURLM_OK ? 0 : -1;
}

static int load_read_kiosks(load_t *l, const char *path)
{
    FILE *fp = fopen(path, "r");

    if (!fp)
        return -1;
    while (l->n_kiosks < LOAD_KIOSKS_MAX &&
           fscanf(fp, "%32s %64s", l->kiosks[l->n_kiosks].id,
                  l->kiosks[l->n_kiosks].secret) == 2)
        l->n_kiosks++;
    fclose(fp);
    return l->n_kiosks > 0 ? 0 : -1;
}

static void load_finish(load_t *l, CURLM *multi, CURL *easy, int counting)
{
    long status = 0;
    int i;

    for (i = 0; i < l->clients; i++) {
        load_slot_t *s = &l->slots[i];

        if (s->easy != easy)
            continue;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(multi, easy);
        if (status == 200 && strstr(s->reply, "\"ok\":true")) {
            l->done += counting;
        } else {
            l->failed++;
            fprintf(stderr, "hub-load: HTTP %ld: %.200s\n", status, s->reply);
        }
        return;
    }
}

int main(int argc, char **argv)
{
    static load_t l;
    double start, end;
    CURLMsg *msg;
    CURLM *multi;
    int i, running, left, seconds, stopping = 0;

    if (argc != 7) {
        fprintf(stderr, "usage: hub-load URL KIOSKS-FILE DAY CLIENTS SECONDS"
                        " ROWS\n");
        return 2;
    }
    l.url = argv[1];
    l.day = argv[3];
    l.clients = atoi(argv[4]);
    seconds = atoi(argv[5]);
    l.rows = atoi(argv[6]);
    if (l.clients < 1 || l.clients > LOAD_CLIENTS_MAX || seconds < 1 ||
        l.rows < 5 || load_read_kiosks(&l, argv[2]) != 0) {
        fprintf(stderr, "hub-load: bad arguments or kiosks file\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    multi = curl_multi_init();
    for (i = 0; i < l.clients; i++) {
        l.slots[i].easy = curl_easy_init();
        l.slots[i].body = malloc(LOAD_BODY_MAX);
        if (!multi || !l.slots[i].easy || !l.slots[i].body ||
            load_start(&l, multi, &l.slots[i]) != 0)
            return 1;
    }
    start = load_now();
    end = start + seconds;
    do {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            return 1;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            load_finish(&l, multi, msg->easy_handle, 1);
            if (stopping)
                continue;
            for (i = 0; i < l.clients; i++)
                if (l.slots[i].easy == msg->easy_handle &&
                    load_start(&l, multi, &l.slots[i]) != 0)
                    return 1;
        }
        stopping = load_now() >= end;
        if (curl_multi_poll(multi, NULL, 0, 100, NULL) != CURLM_OK)
            return 1;
    } while (!stopping || running > 0);
    end = load_now();
    printf("hub ingest: %.0f uploads/s (%d clients, %d rows per upload)\n",
           (double)l.done / (end - start), l.clients,
           (l.rows / 5 < 1 ? 1 : l.rows / 5) * 5);
    printf("hub ingest: %ld uploads acknowledged\n", (long)l.done);
    for (i = 0; i < l.clients; i++) {
        curl_slist_free_all(l.slots[i].headers);
        curl_easy_cleanup(l.slots[i].easy);
        free(l.slots[i].body);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return l.failed ? 1 : 0;
}
