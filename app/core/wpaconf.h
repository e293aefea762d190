/*
 * wpaconf.h - the Wi-Fi network of a provisioning file as a
 * wpa_supplicant configuration (the image links
 * /etc/wpa_supplicant/wpa_supplicant-wlan0.conf to the data partition).
 *
 * The SSID is written in hex, so no byte of it can end the line; the
 * passphrase is checked printable ASCII with no line break by provfile.c
 * and written quoted, the one form wpa_supplicant has for it (it reads up
 * to the last quote of the line, so a quote inside stays inside). A file
 * written here therefore holds exactly one network block.
 * Pure: formats into a buffer.
 * Ownership: the caller's buffer; it holds the key, so the caller wipes it.
 */
#ifndef SIPAS_WPACONF_H
#define SIPAS_WPACONF_H

#include <stddef.h>

#include "provfile.h"

/* 0, or -1 when out is too small or w is not a network provfile accepts. */
int wpaconf_format(const provfile_wifi_t *w, char *out, size_t cap);

#endif
