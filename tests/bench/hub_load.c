/*
 * hub-load - ingest throughput of a running sipas-hub.
 *
 *   hub-load URL KIOSKS-FILE DAY CLIENTS SECONDS ROWS [new-connections]
 *
 * KIOSKS-FILE holds one "INSTALL_ID SECRET" per line (enrolled kiosks).
 * CLIENTS uploads are kept in flight at once with libcurl's multi
 * interface, each one a realistic day snapshot of ROWS rows for DAY; every
 * kiosk's upto_seq grows with each upload, so each one really replaces the
 * day. Prints "hub ingest: X uploads/s (N clients, R rows per upload)"
 * and exits 1 if any upload was not acknowledged, other than those
 * answered 503 busy (counted: a kiosk sends its day again later). With "new-connections"
 * every upload opens a connection of its own, as kiosks that upload every
 * few minutes do; otherwise each client keeps its connection alive.
 * With "warm-up", each kiosk uploads once and the program stops: the
 * day's first upload (all rows new) is not the steady state measured.
 *
 * The generator shares the machine with the hub it measures, so a body is
 * written once per kiosk and only its numbers are written over for each
 * upload: sequence numbers start at LOAD_SEQ_FIRST and keep their width,
 * so the body keeps its length and layout. Each upload changes the counts
 * of all its response rows and none of its answer rows.
 */
#include <curl/curl.h>
#include <sys/resource.h>
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
#define LOAD_PATCH_MAX 4096
/* Six digits, seq - 1 included: the warm-up's from 100,001, the measured
 * uploads' from 200,001, within the hub's allowed jump above what it
 * holds (HUB_INGEST_SEQ_JUMP_MAX). */
#define LOAD_SEQ_FIRST 100000LL
#define LOAD_SEQ_DIGITS 6

/* Where a number of the body is: the kiosk's seq, seq - 1, or a response
 * count (100 + seq % 900, three digits). */
enum { LOAD_SEQ, LOAD_ACKED, LOAD_COUNT };
typedef struct load_patch {
    size_t off;
    int what;
} load_patch_t;

typedef struct load_kiosk {
    char id[33], secret[65];
    long long seq;
    char *body; /* written once, its numbers patched per upload */
    size_t body_len;
    load_patch_t *patch;
    int n_patch;
} load_kiosk_t;

typedef struct load_slot {
    CURL *easy;
    struct curl_slist *headers;
    char reply[LOAD_REPLY_MAX];
    size_t reply_len;
    int kiosk;
} load_slot_t;

typedef struct load {
    const char *url, *day;
    int n_kiosks, clients, rows;
    int fresh; /* 1: a new connection per upload */
    int warm;  /* 1: one upload per kiosk, then stop */
    int started;
    load_kiosk_t kiosks[LOAD_KIOSKS_MAX];
    load_slot_t slots[LOAD_CLIENTS_MAX];
    int next_kiosk;
    long long done, failed;
    long long busy; /* 503 busy: a kiosk sends its day again later */
} load_t;

static double load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double load_tv_ms(const struct timeval *tv)
{
    return (double)tv->tv_sec * 1e3 + (double)tv->tv_usec / 1e3;
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

static int load_append(load_kiosk_t *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int load_append(load_kiosk_t *k, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(k->body + k->body_len, LOAD_BODY_MAX - k->body_len, fmt,
                  ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= LOAD_BODY_MAX - k->body_len)
        return -1;
    k->body_len += (size_t)n;
    return 0;
}

/* Appends a number to be written over per upload, and notes where. */
static int load_append_patch(load_kiosk_t *k, int what)
{
    if (k->n_patch == LOAD_PATCH_MAX)
        return -1;
    k->patch[k->n_patch].off = k->body_len;
    k->patch[k->n_patch++].what = what;
    return load_append(k, "%s", what == LOAD_COUNT ? "100" : "100000");
}

/* The next upload of k: its numbers written over in place. */
static void load_next_body(load_kiosk_t *k)
{
    char digits[32];
    long long v;
    int i, w;

    k->seq++;
    for (i = 0; i < k->n_patch; i++) {
        v = k->patch[i].what == LOAD_SEQ     ? k->seq
            : k->patch[i].what == LOAD_ACKED ? k->seq - 1
                                             : 100 + k->seq % 900;
        w = k->patch[i].what == LOAD_COUNT ? 3 : LOAD_SEQ_DIGITS;
        snprintf(digits, sizeof(digits), "%0*lld", w, v);
        memcpy(k->body + k->patch[i].off, digits, (size_t)w);
    }
}

/* One day snapshot: response rows by officer and field, four answer rows
 * each (overall 5 and 4, tiep-can 5 and 3), ROWS rows in all. */
static int load_make_body(load_t *l, load_kiosk_t *k)
{
    static const char *const fields[] = {"dat-dai", "xay-dung", "dau-tu",
                                         "tu-phap", "khac"};
    static const char *const answers[][2] = {
        {"overall", "5"}, {"overall", "4"}, {"tiep-can", "5"},
        {"tiep-can", "3"}};
    char dims[LOAD_ROW_MAX], *grown;
    int n_dims = l->rows / 5, i, a, bad = 0;

    if (n_dims < 1)
        n_dims = 1;
    k->body = malloc(LOAD_BODY_MAX);
    k->patch = malloc(LOAD_PATCH_MAX * sizeof(*k->patch));
    if (!k->body || !k->patch)
        return -1;
    k->body_len = 0;
    k->n_patch = 0;
    /* The warm-up's uploads come before the measured ones: both keep
     * six digits. */
    k->seq = l->warm ? LOAD_SEQ_FIRST : 2 * LOAD_SEQ_FIRST;
    bad |= load_append(k, "{\"install_id\":\"%s\",\"upload_id\":\"%s:", k->id,
                       k->id);
    bad |= load_append_patch(k, LOAD_SEQ);
    bad |= load_append(k, "\",\"upto_seq\":");
    bad |= load_append_patch(k, LOAD_SEQ);
    bad |= load_append(k, ",\"days\":[{\"day\":\"%s\","
                          "\"estimated\":0,\"responses\":[", l->day);
    for (i = 0; i < n_dims && !bad; i++) {
        snprintf(dims, sizeof(dims),
                 "\"unit\":\"BENCH-XA\",\"counter\":\"Quầy %d\","
                 "\"officer\":\"CB%03d\",\"field\":\"%s\","
                 "\"instrument\":\"sipas-short\",\"version\":1",
                 1 + i % 3, i / 5, fields[i % 5]);
        bad |= load_append(k, "%s{%s,\"complete\":", i ? "," : "", dims);
        bad |= load_append_patch(k, LOAD_COUNT);
        bad |= load_append(k, ",\"partial\":1,\"suppressed\":0}");
    }
    bad |= load_append(k, "],\"answers\":[");
    for (i = 0; i < n_dims && !bad; i++) {
        snprintf(dims, sizeof(dims),
                 "\"unit\":\"BENCH-XA\",\"counter\":\"Quầy %d\","
                 "\"officer\":\"CB%03d\",\"field\":\"%s\","
                 "\"instrument\":\"sipas-short\",\"version\":1",
                 1 + i % 3, i / 5, fields[i % 5]);
        for (a = 0; a < 4 && !bad; a++)
            bad |= load_append(k, "%s{%s,\"partial\":0,\"question\":\"%s\","
                                  "\"element\":\"%s\",\"answer\":\"%s\","
                                  "\"n\":%d}", i || a ? "," : "", dims,
                               answers[a][0], answers[a][0], answers[a][1],
                               1 + a);
    }
    bad |= load_append(k, "]}],\"heartbeat\":{\"version\":\"bench\","
                          "\"pending\":0,\"acked_seq\":");
    bad |= load_append_patch(k, LOAD_ACKED);
    bad |= load_append(k, "}}");
    if (bad)
        return -1;
    /* Room was taken for the largest body; keep what it needs. */
    grown = realloc(k->body, k->body_len + 1);
    if (grown)
        k->body = grown;
    return 0;
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
    load_next_body(k);
    l->started++;
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
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, k->body);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long)k->body_len);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, load_on_reply);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->easy, CURLOPT_FORBID_REUSE, (long)l->fresh);
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
        } else if (status == 503 && strstr(s->reply, "\"busy\"")) {
            /* Several hub processes on PostgreSQL: a transaction that
             * kept colliding with another's is refused, not lost. */
            l->busy += counting;
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
    struct rusage ru;
    CURLMsg *msg;
    CURLM *multi;
    int i, running, left, seconds, stopping = 0;

    for (i = 7; i < argc; i++) {
        if (strcmp(argv[i], "new-connections") == 0)
            l.fresh = 1;
        else if (strcmp(argv[i], "warm-up") == 0)
            l.warm = 1;
        else
            argc = 0;
    }
    if (argc < 7) {
        fprintf(stderr, "usage: hub-load URL KIOSKS-FILE DAY CLIENTS SECONDS"
                        " ROWS [new-connections] [warm-up]\n");
        return 2;
    }
    l.url = argv[1];
    l.day = argv[3];
    l.clients = atoi(argv[4]);
    seconds = atoi(argv[5]);
    l.rows = atoi(argv[6]);
    /* More kiosks than clients: a kiosk's body is never written over
     * while an upload of it is in flight. */
    if (l.clients < 1 || l.clients > LOAD_CLIENTS_MAX || seconds < 1 ||
        l.rows < 5 || load_read_kiosks(&l, argv[2]) != 0 ||
        l.n_kiosks <= l.clients) {
        fprintf(stderr, "hub-load: bad arguments or kiosks file\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    multi = curl_multi_init();
    for (i = 0; i < l.n_kiosks; i++)
        if (load_make_body(&l, &l.kiosks[i]) != 0)
            return 1;
    /* The warm-up sends each kiosk's day once: its first upload is a
     * whole day of new rows, which a hub in service holds already. */
    if (l.warm && l.clients > l.n_kiosks)
        l.clients = l.n_kiosks;
    for (i = 0; i < l.clients; i++) {
        l.slots[i].easy = curl_easy_init();
        if (!multi || !l.slots[i].easy ||
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
            if (stopping || (l.warm && l.started >= l.n_kiosks))
                continue;
            for (i = 0; i < l.clients; i++)
                if (l.slots[i].easy == msg->easy_handle &&
                    load_start(&l, multi, &l.slots[i]) != 0)
                    return 1;
        }
        stopping = l.warm ? l.started >= l.n_kiosks : load_now() >= end;
        if (curl_multi_poll(multi, NULL, 0, 100, NULL) != CURLM_OK)
            return 1;
    } while (!stopping || running > 0);
    end = load_now();
    printf("hub ingest: %.0f uploads/s (%d clients, %d rows per upload)\n",
           (double)l.done / (end - start), l.clients,
           (l.rows / 5 < 1 ? 1 : l.rows / 5) * 5);
    printf("hub ingest: %ld uploads acknowledged\n", (long)l.done);
    if (l.busy > 0)
        printf("hub ingest: %ld uploads answered busy (a kiosk sends its day"
               " again)\n", (long)l.busy);
    /* Its own cost, which the hub's two cores also pay. */
    if (l.done > 0 && getrusage(RUSAGE_SELF, &ru) == 0)
        fprintf(stderr, "hub-load: cpu %.2f ms per upload (%.2f user,"
                        " %.2f system)\n",
                (load_tv_ms(&ru.ru_utime) + load_tv_ms(&ru.ru_stime)) /
                    (double)l.done,
                load_tv_ms(&ru.ru_utime) / (double)l.done,
                load_tv_ms(&ru.ru_stime) / (double)l.done);
    for (i = 0; i < l.clients; i++) {
        curl_slist_free_all(l.slots[i].headers);
        curl_easy_cleanup(l.slots[i].easy);
    }
    for (i = 0; i < l.n_kiosks; i++) {
        free(l.kiosks[i].body);
        free(l.kiosks[i].patch);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return l.failed ? 1 : 0;
}
