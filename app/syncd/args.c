#include "args.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/version.h"

static const char syncd_usage[] =
    "Usage: sipas-sync [options]\n"
    "Uploads the kiosk's responses to the provincial hub (sipas-hub).\n"
    "Runs beside sipas-kiosk on the same data directory: the kiosk wakes\n"
    "it after each stored response, and it tries on its own timer too.\n"
    "\n"
    "  --config FILE       kiosk configuration (JSON), for its \"sync\" settings;\n"
    "                      default: built-in settings\n"
    "  --data DIR          data directory (kiosk.db, sync.db); default: ./var\n"
    "  --help, --version\n"
    "\n"
    "Enrollment is sipasctl provision's; without it sipas-sync waits for it.\n"
    "SIGTERM stops it at once, an upload in flight included (it is sent\n"
    "again, and the hub counts it once).\n";

int syncd_parse_args(int argc, char **argv, syncd_args_t *a, char *err,
                     size_t cap)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    a->data = "var";
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'd': a->data = optarg; break;
        case 'h':
            fputs(syncd_usage, stdout);
            return 1;
        case 'V':
            printf("sipas-sync %s\n", SIPAS_VERSION);
            return 1;
        default:
            snprintf(err, cap, "unknown or incomplete option '%s' (see --help)",
                     argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        snprintf(err, cap, "unexpected argument '%s' (see --help)", argv[optind]);
        return -1;
    }
    return 0;
}
