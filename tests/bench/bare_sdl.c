/*
 * bare-sdl: the least an SDL2 + SDL2_ttf kiosk must do before its first
 * frame, as a reference for the kiosk's start-up time and memory. Opens
 * video, a window and a renderer, loads Noto Sans from a file, renders one
 * line of Vietnamese to a texture, presents one frame, sends READY=1 to
 * $NOTIFY_SOCKET, then sleeps until SIGTERM.
 *
 *   bare-sdl --font PATH [--window WxH]
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "bare_common.h"

static const char bare_line[] =
    "Ông/Bà có hài lòng với sự phục vụ hôm nay không?";

int main(int argc, char **argv)
{
    const char *font_path = NULL;
    int w = 800, h = 480, i, quit = 0;
    SDL_Window *win;
    SDL_Renderer *ren;
    TTF_Font *font;
    SDL_Surface *surf;
    SDL_Texture *tex;
    SDL_Color ink = {0x1a, 0x23, 0x3a, 0xff};
    SDL_Rect dst;
    SDL_Event ev;
    sigset_t term, old;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--font") == 0 && i + 1 < argc)
            font_path = argv[++i];
        else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc &&
                 bare_window_size(argv[i + 1], &w, &h) == 0)
            i++;
        else
            break;
    }
    if (!font_path || i < argc) {
        fputs("usage: bare-sdl --font PATH [--window WxH]\n", stderr);
        return 2;
    }
    if (bare_open(w, h, &win, &ren) != 0 || TTF_Init() != 0) {
        fprintf(stderr, "bare-sdl: %s\n", SDL_GetError());
        return 1;
    }
    font = TTF_OpenFont(font_path, 28);
    if (!font) {
        fprintf(stderr, "bare-sdl: %s: %s\n", font_path, TTF_GetError());
        return 1;
    }
#if SDL_TTF_VERSION_ATLEAST(2, 20, 0)
    TTF_SetFontScriptName(font, "Latn");
#endif
    surf = TTF_RenderUTF8_Blended(font, bare_line, ink);
    tex = surf ? SDL_CreateTextureFromSurface(ren, surf) : NULL;
    if (!tex) {
        fprintf(stderr, "bare-sdl: text: %s\n", SDL_GetError());
        return 1;
    }
    dst.w = surf->w;
    dst.h = surf->h;
    dst.x = (w - dst.w) / 2;
    dst.y = (h - dst.h) / 2;
    SDL_FreeSurface(surf);
    SDL_SetRenderDrawColor(ren, 0xf7, 0xf8, 0xfa, 0xff);
    SDL_RenderClear(ren);
    SDL_RenderCopy(ren, tex, NULL, &dst);
    SDL_RenderPresent(ren);
    if (bare_notify("READY=1") != 0)
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
    SDL_DestroyTexture(tex);
    TTF_CloseFont(font);
    TTF_Quit();
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}
