/*
 * The provisioning file from the SD card (app/core/provfile.c) and what is
 * made of it: the kept settings must read back, and the wpa_supplicant
 * file (app/core/wpaconf.c) must hold one network and nothing a line break
 * could smuggle in, and a CA file's name must stay in the card's folder.
 * Aborts when any of them does not hold.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/provfile.h"
#include "core/wpaconf.h"

/* wpa_supplicant reads its file line by line and opens a block at a line
 * "network={": exactly one such line and one closing "}" may come out,
 * and no byte below space but the line break and the tab that indents. */
static void fuzz_check_wpa(const provfile_wifi_t *w)
{
    char out[2048], *line, *save = NULL;
    int opens = 0, closes = 0;
    size_t i;

    if (wpaconf_format(w, out, sizeof(out)) != 0)
        abort();
    for (i = 0; out[i]; i++)
        if ((unsigned char)out[i] < 0x20 && out[i] != '\n' && out[i] != '\t')
            abort();
    for (line = strtok_r(out, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        while (*line == '\t' || *line == ' ')
            line++;
        opens += strcmp(line, "network={") == 0;
        closes += strcmp(line, "}") == 0;
    }
    if (opens != 1 || closes != 1)
        abort();
}

/* The CA file's name is joined to the card's folder: an accepted one is
 * a bare name that cannot leave it. */
static void fuzz_check_ca(const char *ca)
{
    size_t n = strlen(ca);

    if (!ca[0])
        return;
    if (n > PROVFILE_CA_NAME_MAX || ca[0] == '.' || strchr(ca, '/') ||
        strchr(ca, '\\') || strstr(ca, "..") || n < 5 ||
        (strcmp(ca + n - 4, ".pem") != 0 && strcmp(ca + n - 4, ".crt") != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static provfile_t p, q;
    static char settings[4096];
    err_t err;

    if (provfile_parse((const char *)data, size, "fuzz.json",
                       PROVFILE_KIND_PROVISION, NULL, &p, &err) == 0) {
        if (provfile_format_settings(&p, settings, sizeof(settings)) != 0 ||
            provfile_parse(settings, strlen(settings), "settings.json",
                           PROVFILE_KIND_SETTINGS, NULL, &q, &err) != 0 ||
            strcmp(p.counter, q.counter) != 0 || p.n_fields != q.n_fields)
            abort();
        if (p.wifi.present)
            fuzz_check_wpa(&p.wifi);
        fuzz_check_ca(p.ca);
    }
    (void)provfile_parse((const char *)data, size, "fuzz.json",
                         PROVFILE_KIND_SETTINGS, NULL, &q, &err);
    provfile_wipe(&p);
    provfile_wipe(&q);
    return 0;
}
