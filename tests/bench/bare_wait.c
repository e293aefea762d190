/*
 * bare-wait: the textbook SDL2 idle loop, as a reference for the kiosk's
 * idle wakeups. Opens a window and renderer, presents one frame, sends
 * READY=1 to $NOTIFY_SOCKET, then waits for events with
 * SDL_WaitEventTimeout(&ev, 1000) until SDL_QUIT (SIGTERM). Drivers that
 * cannot block (KMSDRM, dummy) turn that wait into SDL_Delay(1) polling.
 *
 *   bare-wait [--window WxH]
 */
#include <stdio.h>
#include <string.h>

#include <SDL.h>

#include "bare_common.h"

int main(int argc, char **argv)
{
    int w = 800, h = 480, quit = 0;
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Event ev;

    if (argc == 3 && strcmp(argv[1], "--window") == 0) {
        if (bare_window_size(argv[2], &w, &h) != 0) {
            fputs("usage: bare-wait [--window WxH]\n", stderr);
            return 2;
        }
    } else if (argc != 1) {
        fputs("usage: bare-wait [--window WxH]\n", stderr);
        return 2;
    }
    if (bare_open(w, h, &win, &ren) != 0) {
        fprintf(stderr, "bare-wait: %s\n", SDL_GetError());
        return 1;
    }
    SDL_SetRenderDrawColor(ren, 0xf7, 0xf8, 0xfa, 0xff);
    SDL_RenderClear(ren);
    SDL_RenderPresent(ren);
    if (bare_notify("READY=1") != 0)
        fputs("bare-wait: could not notify\n", stderr);
    while (!quit) {
        if (SDL_WaitEventTimeout(&ev, 1000) && ev.type == SDL_QUIT)
            quit = 1;
    }
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    SDL_Quit();
    return 0;
}
