/*
 * The kiosk's reading of the hub's answers (app/upload/client.c): what an
 * upload or enrollment gets back decides whether the kiosk forgets its
 * data, backs off or stops, so a hostile or broken server must not crash
 * it. Input: a 16-bit word (big-endian) whose low bit says whether an
 * upload id is expected and whose other bits give the status, 100..599;
 * then the header lines up to an empty line, then the body.
 */
#include "fuzz.h"

#include <curl/curl.h>

#include "platform/pclock.h"
#include "upload/client.h"

static sync_client_t *fuzz_client;

static sync_client_t *fuzz_open(void)
{
    static pclock_t clk;
    sync_client_opts_t o;
    char err[256];

    if (fuzz_client)
        return fuzz_client;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
        abort();
    pclock_init(&clk, 1);
    clk.wall_base = FUZZ_NOW_MS; /* Retry-After dates replay alike */
    clk.wall_offset_ms = 0;
    memset(&o, 0, sizeof(o));
    o.hub_url = "http://127.0.0.1:9";
    o.user_agent = "sipas-fuzz";
    o.clock = &clk;
    if (sync_client_open(&fuzz_client, &o, err, sizeof(err)) != 0)
        abort();
    return fuzz_client;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text, *sep;
    size_t rest, hlen;
    unsigned word;
    sync_reply_t r;

    if (size < 2)
        return 0;
    word = (unsigned)data[0] << 8 | data[1];
    text = (const char *)data + 2;
    rest = size - 2;
    sep = memmem(text, rest, "\r\n\r\n", 4);
    hlen = sep ? (size_t)(sep - text) + 2 : 0;
    (void)sync_client_judge(fuzz_open(), 100 + (long)((word >> 1) % 500), text, hlen,
                            sep ? sep + 4 : text,
                            sep ? rest - hlen - 2 : rest,
                            word & 1 ? "fuzz-upload-1" : NULL, &r);
    sync_reply_clear(&r);
    return 0;
}
