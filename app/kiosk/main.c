/*
 * sipas-kiosk: wiring only. See kiosk.h for how a tap becomes a record.
 */
#include <stdio.h>
#include <stdlib.h>

#include <SDL.h>

#include "kiosk/args.h"
#include "kiosk/kiosk.h"
#include "kiosk/script.h"

int main(int argc, char **argv)
{
    kiosk_args_t args;
    kiosk_t *k;
    char err[256];
    int rc;

    rc = args_parse(argc, argv, &args, err, sizeof(err));
    if (rc != 0) {
        if (rc < 0)
            fprintf(stderr, "sipas-kiosk: %s\n", err);
        return rc < 0 ? 2 : 0;
    }
    /* The kiosk struct holds a screen and a flow: too big for the stack. */
    k = calloc(1, sizeof(*k));
    if (!k || kiosk_open(k, &args, argv[0]) != 0) {
        fprintf(stderr, "sipas-kiosk: cannot start\n");
        return 1;
    }
    if (kiosk_video_open(k) != 0) {
        fprintf(stderr, "sipas-kiosk: video: %s\n", SDL_GetError());
        kiosk_close(k);
        SDL_Quit();
        return 1;
    }
    rc = args.script ? script_run(k, args.script) : kiosk_run(k);
    kiosk_close(k);
    free(k);
    SDL_Quit();
    return rc;
}
