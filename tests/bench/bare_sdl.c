/*
 * bare-sdl: the least an SDL2 + SDL2_ttf kiosk must do before its first
 * frame, as a reference for the kiosk's start-up time and memory. Opens
 * video, a window and a renderer, loads Noto Sans regular and bold from
 * files, draws one rating screen as a plain program would (a title bar,
 * the question wrapped in bold, five answer buttons with their labels, a
 * progress line), presents it, sends READY=1 to $NOTIFY_SOCKET, then
 * sleeps until SIGTERM.
 *
 *   bare-sdl --font PATH [--bold PATH] [--window WxH] [--shot FILE.bmp]
 *            [--frames N]
 *
 * With --shot it saves the frame as BMP and exits instead of waiting.
 * With --frames N it is the floor under the kiosk's tap to frame instead:
 * the screen, drawn once, is redrawn whole N times (copied from a texture
 * over the whole window) and presented, one line per frame on stdout,
 * "WALL_US CPU_US" from the copy to SDL_RenderPresent returning; then it
 * exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bare_common.h"

#define BARE_ANSWERS 5

static const char bare_title[] = "Đánh giá sự hài lòng — Bộ phận Một cửa";
static const char bare_question[] =
    "Ông/Bà có hài lòng với thái độ giao tiếp, hướng dẫn của công chức "
    "tiếp nhận hồ sơ hôm nay không?";
static const char *const bare_answers[BARE_ANSWERS] = {
    "Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng",
    "Rất hài lòng"};
static const char bare_progress[] = "Câu 1 / 6";

static TTF_Font *bare_font(const char *path, int px)
{
    TTF_Font *f = TTF_OpenFont(path, px);

    if (!f) {
        fprintf(stderr, "bare-sdl: %s: %s\n", path, TTF_GetError());
        return NULL;
    }
#if SDL_TTF_VERSION_ATLEAST(2, 20, 0)
    TTF_SetFontScriptName(f, "Latn");
#endif
    /* Light hinting, as the kiosk draws: both pay for the same glyphs. */
    TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
    return f;
}

/* Draws text at (x, y), or centred on x when centre is set; wraps at
 * wrap px when wrap > 0. 0 or -1. */
static int bare_text(SDL_Renderer *ren, TTF_Font *f, const char *s, int x,
                     int y, int wrap, int centre)
{
    SDL_Color ink = {0x1a, 0x23, 0x3a, 0xff};
    SDL_Surface *surf = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(f, s, ink, (Uint32)wrap)
                                 : TTF_RenderUTF8_Blended(f, s, ink);
    SDL_Texture *tex;
    SDL_Rect dst;

    if (!surf)
        return -1;
    tex = SDL_CreateTextureFromSurface(ren, surf);
    dst.w = surf->w;
    dst.h = surf->h;
    dst.x = centre ? x - surf->w / 2 : x;
    dst.y = y;
    SDL_FreeSurface(surf);
    if (!tex)
        return -1;
    SDL_RenderCopy(ren, tex, NULL, &dst);
    SDL_DestroyTexture(tex);
    return 0;
}

static int bare_draw(SDL_Renderer *ren, int w, int h, const char *regular,
                     const char *bold)
{
    int unit = (w < h ? w : h) / 20, gap = unit / 2, i, rc = 0;
    int bw = (w - 2 * unit - (BARE_ANSWERS - 1) * gap) / BARE_ANSWERS;
    TTF_Font *small = bare_font(regular, unit * 4 / 5);
    TTF_Font *label = bare_font(regular, unit);
    TTF_Font *big = bare_font(bold, unit * 6 / 5);
    SDL_Rect r;

    if (!small || !label || !big)
        rc = -1;
    SDL_SetRenderDrawColor(ren, 0xf7, 0xf8, 0xfa, 0xff);
    SDL_RenderClear(ren);
    r = (SDL_Rect){0, 0, w, 3 * unit};
    SDL_SetRenderDrawColor(ren, 0xc8, 0x10, 0x2e, 0xff);
    SDL_RenderFillRect(ren, &r);
    if (rc == 0)
        rc = bare_text(ren, small, bare_title, unit, unit, 0, 0);
    if (rc == 0)
        rc = bare_text(ren, big, bare_question, unit, 4 * unit, w - 2 * unit, 0);
    for (i = 0; rc == 0 && i < BARE_ANSWERS; i++) {
        r = (SDL_Rect){unit + i * (bw + gap), h * 11 / 20, bw, h / 4};
        SDL_SetRenderDrawColor(ren, 0xff, 0xff, 0xff, 0xff);
        SDL_RenderFillRect(ren, &r);
        SDL_SetRenderDrawColor(ren, 0x1a, 0x23, 0x3a, 0xff);
        SDL_RenderDrawRect(ren, &r);
        rc = bare_text(ren, label, bare_answers[i], r.x + 4, r.y + r.h / 3,
                       bw - 8, 0);
    }
    if (rc == 0)
        rc = bare_text(ren, small, bare_progress, w / 2, h - 2 * unit, 0, 1);
    if (small)
        TTF_CloseFont(small);
    if (label)
        TTF_CloseFont(label);
    if (big)
        TTF_CloseFont(big);
    return rc;
}

/* The frame as the renderer holds it, to BMP (no image library). */
static int bare_save(SDL_Renderer *ren, int w, int h, const char *path)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    int rc = -1;

    if (s && SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888,
                                  s->pixels, s->pitch) == 0 &&
        SDL_SaveBMP(s, path) == 0)
        rc = 0;
    if (rc != 0)
        fprintf(stderr, "bare-sdl: %s: %s\n", path, SDL_GetError());
    SDL_FreeSurface(s);
    return rc;
}

static double bare_cpu_us(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return -1;
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The frame the renderer holds, redrawn whole and presented n times,
 * each timed. 0 or -1. */
static int bare_frames(SDL_Renderer *ren, int w, int h, long n)
{
    double freq = (double)SDL_GetPerformanceFrequency();
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    SDL_Texture *tex = NULL;
    long f;
    int rc = -1;

    if (s && SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888,
                                  s->pixels, s->pitch) == 0)
        tex = SDL_CreateTextureFromSurface(ren, s);
    SDL_FreeSurface(s);
    /* Opaque: a copy, not a blend, as the least a redraw can be. */
    if (tex && SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_NONE) != 0) {
        SDL_DestroyTexture(tex);
        tex = NULL;
    }
    for (f = 0, rc = tex ? 0 : -1; rc == 0 && f < n; f++) {
        Uint64 t0 = SDL_GetPerformanceCounter();
        double c0 = bare_cpu_us();
        rc |= SDL_RenderCopy(ren, tex, NULL, NULL);
        SDL_RenderPresent(ren);
        printf("%.1f %.1f\n",
               (double)(SDL_GetPerformanceCounter() - t0) * 1e6 / freq,
               bare_cpu_us() - c0);
    }
    if (tex)
        SDL_DestroyTexture(tex);
    return rc == 0 && fflush(stdout) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *font_path = NULL, *bold_path = NULL, *shot = NULL;
    int w = 800, h = 480, i, quit = 0;
    long frames = -1;
    char *end;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Event ev;
    sigset_t term, old;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--font") == 0 && i + 1 < argc)
            font_path = argv[++i];
        else if (strcmp(argv[i], "--bold") == 0 && i + 1 < argc)
            bold_path = argv[++i];
        else if (strcmp(argv[i], "--shot") == 0 && i + 1 < argc)
            shot = argv[++i];
        else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc &&
                 (frames = strtol(argv[i + 1], &end, 10)) >= 0 && *end == '\0')
            i++;
        else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc &&
                 bare_window_size(argv[i + 1], &w, &h) == 0)
            i++;
        else
            break;
    }
    if (!font_path || i < argc) {
        fputs("usage: bare-sdl --font PATH [--bold PATH] [--window WxH]"
              " [--shot FILE.bmp] [--frames N]\n", stderr);
        return 2;
    }
    if (bare_open(w, h, &win, &ren) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bare-sdl: %s\n", SDL_GetError());
        return 1;
    }
    if (bare_draw(ren, w, h, font_path, bold_path ? bold_path : font_path) != 0) {
        fprintf(stderr, "bare-sdl: text: %s\n", SDL_GetError());
        return 1;
    }
    if (shot)
        return bare_save(ren, w, h, shot) == 0 ? 0 : 1;
    SDL_RenderPresent(ren);
    if (frames >= 0) {
        if (bare_frames(ren, w, h, frames) != 0) {
            fprintf(stderr, "bare-sdl: frames: %s\n", SDL_GetError());
            return 1;
        }
        quit = 1;
    }
    if (!quit && bare_notify("READY=1") != 0)
        fputs("bare-sdl: could not notify\n", stderr);

    /* SDL turns SIGTERM into SDL_QUIT. The signal stays blocked except
     * inside sigsuspend(), so one arriving between the check and the sleep
     * is not lost. */
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigaddset(&term, SIGINT);
    sigprocmask(SIG_BLOCK, &term, &old);
    while (!quit) {
        while (SDL_PollEvent(&ev))
            if (ev.type == SDL_QUIT)
                quit = 1;
        if (!quit)
            sigsuspend(&old);
    }
    TTF_Quit();
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}
