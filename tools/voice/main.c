/*
 * sipas-voice-texts - what the spoken prompts say, for the build.
 *
 *   sipas-voice-texts texts LANG UI.json SURVEY.json...
 *       one line per prompt: <name> TAB <text>, names as in core/voice.h
 *   sipas-voice-texts encode RATE IN.wav OUT.wav [IN.wav OUT.wav]...
 *       16-bit mono PCM WAVs again at RATE Hz (espeak-ng writes 22050;
 *       16000 is as clear for speech), as IMA ADPCM: 4 bits a sample, a
 *       quarter of the size, and SDL_LoadWAV reads it. One run for a
 *       whole set, since starting a process costs more than the work
 *
 * tools/voice/make-voice.sh runs espeak-ng on each text. Nothing here
 * speaks or plays: the names and texts come from the same code the kiosk
 * uses, so a generated file is always the one the kiosk asks for.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/i18n.h"
#include "core/survey.h"
#include "core/voice.h"

#define TEXT_FILE_MAX (SURVEY_SOURCE_MAX > I18N_POOL_MAX ? SURVEY_SOURCE_MAX : I18N_POOL_MAX)
#define LINE_TEXT_MAX (2 * SURVEY_TEXT_MAX + 4)
#define WAV_MAX (64u * 1024u * 1024u)

static int voice_read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (!f) {
        fprintf(stderr, "sipas-voice-texts: %s: %s\n", path, strerror(errno));
        return -1;
    }
    buf = malloc(TEXT_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return -1;
    }
    n = fread(buf, 1, TEXT_FILE_MAX + 1, f);
    if (ferror(f) || n > TEXT_FILE_MAX) {
        fprintf(stderr, "sipas-voice-texts: %s: unreadable or too large\n",
                path);
        fclose(f);
        free(buf);
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

/* One TSV line: tabs and line breaks in a text would split it. */
static void voice_print(const char *name, const char *a, const char *b)
{
    char text[LINE_TEXT_MAX];
    size_t i;

    snprintf(text, sizeof(text), "%s%s%s", a, b && b[0] ? " " : "",
             b ? b : "");
    for (i = 0; text[i]; i++)
        if (text[i] == '\t' || text[i] == '\n' || text[i] == '\r')
            text[i] = ' ';
    printf("%s\t%s\n", name, text);
}

/* Every scale is listed once (its words are shared, see voice.h). */
static int voice_scale_seen(const survey_t *s, int qi)
{
    int i;

    for (i = 0; i < qi; i++)
        if (s->questions[i].kind == SURVEY_KIND_SCALE &&
            strcmp(s->questions[i].scale, s->questions[qi].scale) == 0)
            return 1;
    return 0;
}

static int voice_list_survey(const char *path, const char *lang)
{
    char *text, name[VOICE_NAME_MAX];
    size_t len;
    survey_t *s = NULL;
    err_t e;
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 32];
    int li, qi, oi;

    if (voice_read_file(path, &text, &len) != 0)
        return -1;
    err_clear(&e);
    if (survey_parse(text, len, path, &s, &e) != 0) {
        err_format(&e, msg, sizeof(msg));
        fprintf(stderr, "sipas-voice-texts: %s\n", msg);
        free(text);
        return -1;
    }
    free(text);
    li = survey_find_lang(s, lang);
    if (li < 0) {
        survey_free(s); /* this survey has no words in lang: nothing */
        return 0;
    }
    for (qi = 0; qi < s->n_questions; qi++) {
        const survey_question_t *q = &s->questions[qi];
        if (voice_name_question(s, qi, name, sizeof(name)) != 0)
            goto fail;
        voice_print(name, survey_text(q->text, li),
                    q->hint[li] ? survey_text(q->hint, li) : NULL);
        if (q->kind == SURVEY_KIND_SCALE && voice_scale_seen(s, qi))
            continue;
        for (oi = 0; oi < q->n_options; oi++) {
            if (voice_name_option(s, qi, oi, name, sizeof(name)) != 0)
                goto fail;
            voice_print(name, survey_text(q->options[oi].label, li), NULL);
        }
    }
    survey_free(s);
    return 0;
fail:
    fprintf(stderr, "sipas-voice-texts: %s: an id is too long for a file name\n",
            path);
    survey_free(s);
    return -1;
}

static int voice_list_ui(const char *path, const char *lang)
{
    static const char *const keys[] = {FLOW_SAY_KEY_ON, FLOW_SAY_KEY_THANKS};
    char *text, name[VOICE_NAME_MAX];
    size_t len, i;
    i18n_t *t = NULL;
    err_t e;
    char msg[ERR_FILE_MAX + ERR_FIELD_MAX + ERR_MSG_MAX + 32];

    if (voice_read_file(path, &text, &len) != 0)
        return -1;
    err_clear(&e);
    if (i18n_parse(text, len, path, &t, &e) != 0) {
        err_format(&e, msg, sizeof(msg));
        fprintf(stderr, "sipas-voice-texts: %s\n", msg);
        free(text);
        return -1;
    }
    free(text);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (voice_name_ui(keys[i], name, sizeof(name)) != 0) {
            i18n_free(t);
            return -1;
        }
        voice_print(name, i18n_get(t, lang, keys[i]), NULL);
    }
    i18n_free(t);
    return 0;
}

/* ---- resampling --------------------------------------------------------- */

static uint32_t voice_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static void voice_put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Finds the fmt and data chunks of a RIFF WAVE held in buf. */
static int voice_wav_parse(const unsigned char *buf, size_t len,
                           uint32_t *rate, const unsigned char **pcm,
                           size_t *pcm_len)
{
    size_t pos = 12;
    int fmt_ok = 0;

    if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0)
        return -1;
    while (pos + 8 <= len) {
        uint32_t n = voice_u32(buf + pos + 4);
        const unsigned char *body = buf + pos + 8;
        if (n > len - pos - 8)
            n = (uint32_t)(len - pos - 8); /* espeak-ng's stdout size is open */
        if (memcmp(buf + pos, "fmt ", 4) == 0 && n >= 16) {
            /* PCM, mono, 16 bits: what espeak-ng writes. */
            if ((body[0] | body[1] << 8) != 1 || (body[2] | body[3] << 8) != 1 ||
                (body[14] | body[15] << 8) != 16)
                return -1;
            *rate = voice_u32(body + 4);
            fmt_ok = 1;
        } else if (memcmp(buf + pos, "data", 4) == 0 && fmt_ok) {
            *pcm = body;
            *pcm_len = n & ~(uint32_t)1;
            return *rate > 0 ? 0 : -1;
        }
        pos += 8 + n + (n & 1);
    }
    return -1;
}

/* IMA ADPCM (WAVE format 0x0011): 4 bits a sample, a quarter of 16-bit
 * PCM, decoded by SDL_LoadWAV itself. Blocks of VOICE_BLOCK bytes: a
 * 4-byte header (first sample, step index) and two samples a byte. */
#define VOICE_BLOCK 256
#define VOICE_BLOCK_SAMPLES ((VOICE_BLOCK - 4) * 2 + 1)

static const int voice_ima_steps[89] = {
    7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37,
    41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107, 118, 130, 143, 157, 173,
    190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658,
    724, 796, 876, 963, 1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066,
    2272, 2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894, 6484,
    7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818,
    18500, 20350, 22385, 24623, 27086, 29794, 32767};
static const int voice_ima_index[8] = {-1, -1, -1, -1, 2, 4, 6, 8};

static int voice_clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* One sample to a nibble; pred and idx follow the decoder's state. */
static unsigned voice_ima_nibble(int sample, int *pred, int *idx)
{
    int step = voice_ima_steps[*idx], diff = sample - *pred, vp = step >> 3;
    unsigned nib = 0;

    if (diff < 0) {
        nib = 8;
        diff = -diff;
    }
    if (diff >= step) {
        nib |= 4;
        diff -= step;
        vp += step;
    }
    step >>= 1;
    if (diff >= step) {
        nib |= 2;
        diff -= step;
        vp += step;
    }
    step >>= 1;
    if (diff >= step) {
        nib |= 1;
        vp += step;
    }
    *pred = voice_clamp(*pred + ((nib & 8) ? -vp : vp), -32768, 32767);
    *idx = voice_clamp(*idx + voice_ima_index[nib & 7], 0, 88);
    return nib;
}

/* Encodes n samples into whole blocks (the last padded with silence;
 * the fact chunk gives SDL the true length). Returns bytes written to
 * out, which holds ((n + VOICE_BLOCK_SAMPLES - 1) / VOICE_BLOCK_SAMPLES)
 * blocks. */
static size_t voice_ima_encode(const int16_t *pcm, size_t n, unsigned char *out)
{
    size_t o = 0, i = 0, k;
    int pred, idx = 0;

    while (i < n) {
        unsigned char *b = out + o;
        pred = pcm[i++];
        b[0] = (unsigned char)(pred & 0xff);
        b[1] = (unsigned char)((uint16_t)pred >> 8);
        b[2] = (unsigned char)idx;
        b[3] = 0;
        for (k = 0; k < VOICE_BLOCK - 4; k++) {
            int lo = i < n ? pcm[i] : 0, hi;
            unsigned nl, nh;
            i++;
            nl = voice_ima_nibble(lo, &pred, &idx);
            hi = i < n ? pcm[i] : 0;
            i++;
            nh = voice_ima_nibble(hi, &pred, &idx);
            b[4 + k] = (unsigned char)(nl | nh << 4);
        }
        o += VOICE_BLOCK;
        if (i > n)
            break;
    }
    return o;
}

/* IN (16-bit mono PCM, any rate) to OUT at rate: resampled, then IMA
 * ADPCM. */
static int voice_encode(const char *in, const char *out, const char *rate_s)
{
    FILE *f = fopen(in, "rb");
    unsigned char *buf, *ima, hdr[60];
    const unsigned char *pcm;
    size_t len, pcm_len, n_in, n_out, n_ima, i;
    uint32_t from = 0, to = (uint32_t)strtoul(rate_s, NULL, 10);
    int16_t *dst;
    int rc = -1;

    if (!f || to < 8000 || to > 48000) {
        fprintf(stderr, "sipas-voice-texts: %s: %s\n", in,
                f ? "rate must be 8000 to 48000" : strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    buf = malloc(WAV_MAX);
    if (!buf) {
        fclose(f);
        return -1;
    }
    len = fread(buf, 1, WAV_MAX, f);
    fclose(f);
    if (voice_wav_parse(buf, len, &from, &pcm, &pcm_len) != 0) {
        fprintf(stderr, "sipas-voice-texts: %s: not a 16-bit mono PCM WAV\n",
                in);
        free(buf);
        return -1;
    }
    n_in = pcm_len / 2;
    n_out = n_in ? (size_t)((uint64_t)n_in * to / from) : 0;
    if (n_out == 0)
        n_out = 1; /* one silent sample: a valid, empty-sounding file */
    dst = calloc(n_out, sizeof(*dst));
    ima = malloc((n_out / VOICE_BLOCK_SAMPLES + 1) * VOICE_BLOCK);
    if (!dst || !ima) {
        free(dst);
        free(ima);
        free(buf);
        return -1;
    }
    /* Linear interpolation: speech from a synthesiser has little above
     * 8 kHz, so no filter is needed before going down to 16 kHz. */
    for (i = 0; i < n_out && n_in > 0; i++) {
        uint64_t num = (uint64_t)i * from;
        size_t j = (size_t)(num / to);
        int32_t a = (int16_t)(pcm[2 * j] | pcm[2 * j + 1] << 8), b = a;
        int32_t frac = (int32_t)(num % to);
        if (j + 1 < n_in)
            b = (int16_t)(pcm[2 * j + 2] | pcm[2 * j + 3] << 8);
        dst[i] = (int16_t)(a + (int32_t)((int64_t)(b - a) * frac / to));
    }
    n_ima = voice_ima_encode(dst, n_out, ima);
    /* RIFF, fmt (20 bytes: cbSize 2, samples per block), fact, data */
    memcpy(hdr, "RIFF\0\0\0\0WAVEfmt \x14\0\0\0\x11\0\x01\0", 24);
    voice_put32(hdr + 4, (uint32_t)(sizeof(hdr) - 8 + n_ima));
    voice_put32(hdr + 24, to);
    voice_put32(hdr + 28, (uint32_t)((uint64_t)to * VOICE_BLOCK / VOICE_BLOCK_SAMPLES));
    hdr[32] = VOICE_BLOCK & 0xff;
    hdr[33] = VOICE_BLOCK >> 8;
    memcpy(hdr + 34, "\x04\0\x02\0", 4);
    hdr[38] = VOICE_BLOCK_SAMPLES & 0xff;
    hdr[39] = VOICE_BLOCK_SAMPLES >> 8;
    memcpy(hdr + 40, "fact\x04\0\0\0", 8);
    voice_put32(hdr + 48, (uint32_t)n_out);
    memcpy(hdr + 52, "data", 4);
    voice_put32(hdr + 56, (uint32_t)n_ima);
    f = fopen(out, "wb");
    if (f && fwrite(hdr, 1, sizeof(hdr), f) == sizeof(hdr) &&
        fwrite(ima, 1, n_ima, f) == n_ima)
        rc = 0;
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "sipas-voice-texts: %s: cannot write\n", out);
    free(ima);
    free(dst);
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    int i;

    if (argc >= 5 && strcmp(argv[1], "texts") == 0) {
        if (voice_list_ui(argv[3], argv[2]) != 0)
            return 1;
        for (i = 4; i < argc; i++)
            if (voice_list_survey(argv[i], argv[2]) != 0)
                return 1;
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (argc >= 5 && argc % 2 == 1 && strcmp(argv[1], "encode") == 0) {
        for (i = 3; i + 1 < argc; i += 2)
            if (voice_encode(argv[i], argv[i + 1], argv[2]) != 0)
                return 1;
        return 0;
    }
    fprintf(stderr,
            "usage: sipas-voice-texts texts LANG UI.json SURVEY.json...\n"
            "       sipas-voice-texts encode RATE IN.wav OUT.wav...\n");
    return 2;
}
