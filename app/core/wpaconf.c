#include "wpaconf.h"

#include <stdio.h>
#include <string.h>

#include "hex.h"

/* What provfile.c lets through, checked again: this text is executed by
 * wpa_supplicant as root. */
static int wpaconf_is_safe(const provfile_wifi_t *w)
{
    size_t i, n = strlen(w->psk);

    if (!w->present || w->ssid[0] == '\0' ||
        strlen(w->ssid) > PROVFILE_SSID_MAX || strlen(w->country) != 2)
        return 0;
    for (i = 0; i < 2; i++)
        if (w->country[i] < 'A' || w->country[i] > 'Z')
            return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)w->psk[i] < 0x20 || w->psk[i] == 0x7F ||
            (unsigned char)w->psk[i] > 0x7F)
            return 0;
    return n == 0 || (n >= PROVFILE_PSK_MIN && n <= PROVFILE_PSK_MAX);
}

static int wpaconf_is_hex_key(const char *psk)
{
    size_t i;

    if (strlen(psk) != PROVFILE_PSK_MAX)
        return 0;
    for (i = 0; i < PROVFILE_PSK_MAX; i++)
        if (!strchr("0123456789abcdefABCDEF", psk[i]))
            return 0;
    return 1;
}

int wpaconf_format(const provfile_wifi_t *w, char *out, size_t cap)
{
    char ssid_hex[PROVFILE_SSID_MAX * 2 + 1], key[PROVFILE_PSK_MAX + 16];
    int n;

    if (!wpaconf_is_safe(w))
        return -1;
    hex_encode((const unsigned char *)w->ssid, strlen(w->ssid), ssid_hex);
    if (w->psk[0] == '\0')
        snprintf(key, sizeof(key), "key_mgmt=NONE");
    else if (wpaconf_is_hex_key(w->psk))
        snprintf(key, sizeof(key), "psk=%s", w->psk);
    else
        snprintf(key, sizeof(key), "psk=\"%s\"", w->psk);
    n = snprintf(out, cap,
                 "# Written by sipasctl provision from sipas-provision.json.\n"
                 "ctrl_interface=DIR=/run/wpa_supplicant GROUP=netdev\n"
                 "update_config=0\n"
                 "country=%s\n"
                 "\n"
                 "network={\n"
                 "\tssid=%s\n"
                 "\tscan_ssid=1\n"
                 "\t%s\n"
                 "}\n",
                 w->country, ssid_hex, key);
    explicit_bzero(key, sizeof(key));
    return n > 0 && (size_t)n < cap ? 0 : -1;
}
