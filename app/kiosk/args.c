#include "args.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"

static const char args_usage[] =
    "Usage: sipas-kiosk [options]\n"
    "Satisfaction-rating kiosk for one-stop counters (Bộ phận Một cửa).\n"
    "\n"
    "  --config FILE       kiosk configuration (JSON); default: embedded demo\n"
    "  --data DIR          data directory (database); default: ./var\n"
    "  --window WxH        run in a window of this size instead of fullscreen\n"
    "  --lang CODE         language shown first (vi, en, km) among those offered\n"
    "  --dpi N             panel density, overrides the configuration\n"
    "  --assets DIR        assets directory (surveys, i18n); default: found\n"
    "                      next to the binary, or /usr/share/sipas-kiosk\n"
    "  --script FILE       replay input from FILE with virtual time, then exit\n"
    "                      (0 when every step held, 1 with a message otherwise)\n"
    "  --screenshots DIR   where script `shot NAME` saves NAME.png\n"
    "  --events FILE|-     JSON lines: screen changes, committed responses\n"
    "  --latency FILE      with --script: draw and present every frame as the\n"
    "                      interactive loop does, and write one line per tap:\n"
    "                      TARGET PRESS_US TAP_US TAP_CPU_US FRAMES\n                      (see README.md)\n"
    "  --help, --version\n"
    "\n"
    "Script steps (one per line, # comments):\n"
    "  tap ID | tap X Y | type TEXT | key KEYS | quit | wait MS | shot NAME |\n"
    "  expect SCREEN; KEYS are key names joined by +, e.g. ctrl+alt+f1\n";

static int args_window(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10), b;

    if (end == s || (*end != 'x' && *end != 'X'))
        return -1;
    b = strtol(end + 1, &end, 10);
    if (*end != '\0' || a < 200 || b < 200 || a > 8192 || b > 8192)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

int args_parse(int argc, char **argv, kiosk_args_t *a, char *err, size_t cap)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"data", required_argument, NULL, 'd'},
        {"window", required_argument, NULL, 'w'},
        {"lang", required_argument, NULL, 'l'},
        {"dpi", required_argument, NULL, 'D'},
        {"assets", required_argument, NULL, 'a'},
        {"script", required_argument, NULL, 's'},
        {"screenshots", required_argument, NULL, 'S'},
        {"events", required_argument, NULL, 'e'},
        {"latency", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    char *end;

    memset(a, 0, sizeof(*a));
    a->data = "var";
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'd': a->data = optarg; break;
        case 'l': a->lang = optarg; break;
        case 'a': a->assets = optarg; break;
        case 's': a->script = optarg; break;
        case 'S': a->screenshots = optarg; break;
        case 'e': a->events = optarg; break;
        case 'L': a->latency = optarg; break;
        case 'w':
            if (args_window(optarg, &a->win_w, &a->win_h) != 0) {
                snprintf(err, cap, "--window: expected WxH such as 800x480, got '%s'", optarg);
                return -1;
            }
            break;
        case 'D':
            a->dpi = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || a->dpi < 50 || a->dpi > 600) {
                snprintf(err, cap, "--dpi: expected 50..600, got '%s'", optarg);
                return -1;
            }
            break;
        case 'h':
            fputs(args_usage, stdout);
            return 1;
        case 'V':
            printf("sipas-kiosk %s\n", SIPAS_VERSION);
            return 1;
        default:
            snprintf(err, cap, "unknown or incomplete option '%s' (see --help)",
                     argv[optind - 1]);
            return -1;
        }
    }
    if (a->latency && !a->script) {
        snprintf(err, cap, "--latency needs --script");
        return -1;
    }
    if (optind < argc) {
        snprintf(err, cap, "unexpected argument '%s' (see --help)", argv[optind]);
        return -1;
    }
    return 0;
}
