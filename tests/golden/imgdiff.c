/*
 * imgdiff A.png B.png [TOLERANCE_PCT] - compares two screenshots.
 *
 * A pixel differs when any channel differs by more than 24 of 255 (so font
 * anti-aliasing noise passes); the images match when at most TOLERANCE_PCT
 * percent of pixels differ (default 0.5). Prints the share that differs.
 * Exit 0 match, 1 differ, 2 error.
 */
#include <stdio.h>
#include <stdlib.h>

#include <SDL.h>
#include <SDL_image.h>

static SDL_Surface *imgdiff_load(const char *path)
{
    SDL_Surface *raw = IMG_Load(path), *rgb;

    if (!raw) {
        fprintf(stderr, "imgdiff: %s: %s\n", path, IMG_GetError());
        return NULL;
    }
    rgb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0);
    SDL_FreeSurface(raw);
    return rgb;
}

int main(int argc, char **argv)
{
    SDL_Surface *a, *b;
    double tol = argc > 3 ? atof(argv[3]) : 0.5, pct;
    long diff = 0;
    int x, y, c;

    if (argc < 3) {
        fprintf(stderr, "usage: imgdiff A.png B.png [TOLERANCE_PCT]\n");
        return 2;
    }
    a = imgdiff_load(argv[1]);
    b = imgdiff_load(argv[2]);
    if (!a || !b)
        return 2;
    if (a->w != b->w || a->h != b->h) {
        printf("size differs: %dx%d vs %dx%d\n", a->w, a->h, b->w, b->h);
        return 1;
    }
    for (y = 0; y < a->h; y++) {
        const Uint8 *pa = (const Uint8 *)a->pixels + y * a->pitch;
        const Uint8 *pb = (const Uint8 *)b->pixels + y * b->pitch;
        for (x = 0; x < a->w; x++) {
            for (c = 0; c < 3; c++) {
                if (abs(pa[x * 3 + c] - pb[x * 3 + c]) > 24) {
                    diff++;
                    break;
                }
            }
        }
    }
    pct = 100.0 * (double)diff / ((double)a->w * a->h);
    printf("%.3f%% of pixels differ\n", pct);
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    return pct <= tol ? 0 : 1;
}
