#include "speak.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SDL.h>

#define SPEAK_RATE 16000
#define SPEAK_INSTALLED "/usr/share/sipas-kiosk/voice"

struct speak {
    char data_dir[SPEAK_PATH_MAX];
    char installed[SPEAK_PATH_MAX];
    events_t *ev;
    int audio_init;         /* SDL's audio subsystem is up */
    int failed;             /* opening failed: not retried until it was
                               lost and a later prompt asks again */
    int noted;              /* the one "audio-unavailable" event went out */
    SDL_AudioDeviceID dev;  /* 0: none open */
    SDL_AudioSpec have;
};

static int speak_is_dir(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int speak_is_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The generated set next to the program (build/voice in a source tree),
 * else the installed one. */
static void speak_find_installed(speak_t *s, const char *given)
{
    char exe[SPEAK_PATH_MAX];
    ssize_t n;

    if (given) {
        snprintf(s->installed, sizeof(s->installed), "%s", given);
        return;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(s->installed, sizeof(s->installed), "%s/voice", dirname(exe));
        if (speak_is_dir(s->installed))
            return;
    }
    snprintf(s->installed, sizeof(s->installed), "%s", SPEAK_INSTALLED);
}

int speak_open(speak_t **out, const char *data_dir, const char *installed,
               events_t *ev)
{
    speak_t *s = calloc(1, sizeof(*s));

    if (!s)
        return -1;
    snprintf(s->data_dir, sizeof(s->data_dir), "%s", data_dir ? data_dir : ".");
    speak_find_installed(s, installed);
    s->ev = ev;
    *out = s;
    return 0;
}

static void speak_close_device(speak_t *s)
{
    if (s->dev) {
        SDL_CloseAudioDevice(s->dev);
        s->dev = 0;
    }
}

void speak_close(speak_t *s)
{
    if (!s)
        return;
    speak_close_device(s);
    if (s->audio_init)
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    free(s);
}

/* The technician hears of it once: a kiosk without a speaker is a normal
 * kiosk, not one to report at every touch. */
static void speak_unavailable(speak_t *s, const char *what)
{
    char msg[512];

    s->failed = 1;
    speak_close_device(s);
    if (s->noted)
        return;
    s->noted = 1;
    snprintf(msg, sizeof(msg), "%s: %s; prompts are not read aloud", what,
             SDL_GetError());
    fprintf(stderr, "sipas-kiosk: %s\n", msg);
    events_note(s->ev, "audio-unavailable", msg);
}

/* An open device, or 0. A device that was lost (unplugged, driver gone)
 * is closed and opened again once; a failed open stays failed. */
static SDL_AudioDeviceID speak_device(speak_t *s)
{
    SDL_AudioSpec want;

    if (s->dev && SDL_GetAudioDeviceStatus(s->dev) == SDL_AUDIO_STOPPED) {
        speak_close_device(s); /* lost: try once more below */
        s->failed = 0;
    }
    if (s->dev || s->failed)
        return s->dev;
    if (!s->audio_init) {
        if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
            speak_unavailable(s, "no audio");
            return 0;
        }
        s->audio_init = 1;
    }
    SDL_zero(want);
    want.freq = SPEAK_RATE;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &s->have,
                                 SDL_AUDIO_ALLOW_ANY_CHANGE);
    if (!s->dev) {
        speak_unavailable(s, "cannot open the audio device");
        return 0;
    }
    SDL_PauseAudioDevice(s->dev, 0);
    return s->dev;
}

/* The province's recording, then the generated set; "" when neither. */
static void speak_find_file(const speak_t *s, const char *lang,
                            const char *folder, const char *name, char *path,
                            size_t cap)
{
    snprintf(path, cap, "%s/voice/%s/%s.wav", s->data_dir, lang, name);
    if (speak_is_file(path))
        return;
    snprintf(path, cap, "%s/%s/%s.wav", s->installed, folder, name);
    if (speak_is_file(path))
        return;
    path[0] = '\0';
}

/* Loads path converted to the device's format; 0 or -1. */
static int speak_load(const speak_t *s, const char *path, Uint8 **buf,
                      Uint32 *len)
{
    SDL_AudioSpec spec;
    SDL_AudioCVT cvt;
    Uint8 *data;
    Uint32 n;
    int rc;

    if (!SDL_LoadWAV(path, &spec, &data, &n))
        return -1;
    rc = SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq,
                           s->have.format, s->have.channels, s->have.freq);
    if (rc < 0) {
        SDL_FreeWAV(data);
        return -1;
    }
    if (rc == 0) {
        *buf = data;
        *len = n;
        return 0;
    }
    cvt.len = (int)n;
    cvt.buf = SDL_malloc((size_t)n * (size_t)cvt.len_mult);
    if (!cvt.buf) {
        SDL_FreeWAV(data);
        return -1;
    }
    memcpy(cvt.buf, data, n);
    SDL_FreeWAV(data);
    if (SDL_ConvertAudio(&cvt) != 0) {
        SDL_free(cvt.buf);
        return -1;
    }
    *buf = cvt.buf;
    *len = (Uint32)cvt.len_cvt;
    return 0;
}

speak_result_t speak_play(speak_t *s, const char *lang, const char *folder,
                          const char *name)
{
    char path[SPEAK_PATH_MAX * 2];
    SDL_AudioDeviceID dev;
    Uint8 *buf = NULL;
    Uint32 len = 0;
    int played = 0;

    speak_find_file(s, lang, folder, name, path, sizeof(path));
    if (!path[0]) {
        events_prompt(s->ev, name, NULL, 0);
        return SPEAK_MISSING;
    }
    dev = speak_device(s);
    if (dev && speak_load(s, path, &buf, &len) == 0) {
        SDL_ClearQueuedAudio(dev);
        played = SDL_QueueAudio(dev, buf, len) == 0;
        SDL_free(buf);
        if (!played)
            speak_unavailable(s, "audio failed");
    } else if (dev) {
        /* A damaged or foreign file: say so, as for a missing one. */
        fprintf(stderr, "sipas-kiosk: %s: %s\n", path, SDL_GetError());
        events_prompt(s->ev, name, path, 0);
        return SPEAK_MISSING;
    }
    events_prompt(s->ev, name, path, played);
    return played ? SPEAK_PLAYED : SPEAK_SILENT;
}

void speak_stop(speak_t *s)
{
    if (s && s->dev)
        SDL_ClearQueuedAudio(s->dev);
}
