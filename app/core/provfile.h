/*
 * provfile.h - the provisioning file a technician copies onto the SD
 * card's boot partition (sipas-provision.json, see docs/PROVISIONING.md),
 * and the settings a kiosk keeps from it (DATA/provisioned.json).
 *
 * One parser reads both: the provisioning file holds the hub, the one-time
 * enrolment code and optionally Wi-Fi; the settings file is what is left
 * once the secrets are spent (no code, no Wi-Fi). Unknown keys are errors,
 * reported like the configuration's: file, line, column and field.
 * Pure: parses text handed to it; the hub address rule is passed in, so it
 * lives in one place (the sync client).
 * Ownership: provfile_t is a plain value type with no heap; it holds the
 * code and the Wi-Fi key, so callers wipe it with provfile_wipe().
 */
#ifndef SIPAS_PROVFILE_H
#define SIPAS_PROVFILE_H

#include <stddef.h>

#include "config.h"
#include "err.h"

#define PROVFILE_FORMAT 1
#define PROVFILE_SOURCE_MAX (16 * 1024)
#define PROVFILE_URL_MAX 512
#define PROVFILE_CODE_MAX 64
#define PROVFILE_SSID_MAX 32     /* bytes, IEEE 802.11 */
#define PROVFILE_PSK_MIN 8       /* a WPA passphrase: 8 to 63 ... */
#define PROVFILE_PSK_MAX 64      /* ... printable ASCII, or 64 hex digits */
#define PROVFILE_CA_NAME_MAX 64  /* bytes of the CA file's name */
/* A CA bundle of a few certificates is a few KiB; a cap keeps a stray
 * large file on the card from being copied into DATA. */
#define PROVFILE_CA_SOURCE_MAX (64 * 1024)
#define PROVFILE_PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PROVFILE_PEM_END "-----END CERTIFICATE-----"

/* What is read: the provisioning file, or the kept settings. */
typedef enum provfile_kind {
    PROVFILE_KIND_PROVISION = 0, /* hub and code required */
    PROVFILE_KIND_SETTINGS       /* no code, no wifi: what the kiosk reads */
} provfile_kind_t;

/* 0 when url is a hub address this kiosk may use, else -1 with why. */
typedef int (*provfile_url_check_fn)(const char *url, char *why, size_t cap);

typedef struct provfile_wifi {
    int present;
    char ssid[PROVFILE_SSID_MAX + 1];
    char psk[PROVFILE_PSK_MAX + 1]; /* "" for an open network */
    char country[3];                /* ISO 3166 alpha-2, such as VN */
} provfile_wifi_t;

typedef struct provfile {
    int format;
    char hub[PROVFILE_URL_MAX];
    char code[PROVFILE_CODE_MAX];
    char counter[CONFIG_CODE_MAX];  /* "" = the configuration's */
    int n_fields;                   /* 0 = the configuration's */
    char fields[CONFIG_FIELD_MAX][CONFIG_CODE_MAX];
    char language[8];               /* "" = the configuration's first */
    char admin_pin_hash[CONFIG_HASH_MAX]; /* "" = the configuration's */
    provfile_wifi_t wifi;
    /* The CA bundle beside the file on the card, a bare file name;
     * "" = the system's CAs. Kind PROVISION only. */
    char ca[PROVFILE_CA_NAME_MAX + 1];
} provfile_t;

/* Parses text of the given kind into *p (cleared first). check_url may be
 * NULL (then only the length and "://" are checked). 0, or -1 with err
 * naming name, line, column and field. */
int provfile_parse(const char *text, size_t len, const char *name,
                   provfile_kind_t kind, provfile_url_check_fn check_url,
                   provfile_t *p, err_t *err);

/* The settings of p over c: counter, fields, PIN hash, and the language
 * moved first when c offers it. 0, or -1 when c does not offer p's
 * language (everything else is applied). */
int provfile_apply_config(const provfile_t *p, config_t *c);

/* p's settings as a settings file (no code, no Wi-Fi), JSON and a final
 * newline, into out. 0, or -1 when it does not fit. */
int provfile_format_settings(const provfile_t *p, char *out, size_t cap);

/* 0 when text (len bytes, not NUL-terminated) looks like a PEM CA
 * bundle: no NUL byte, at most PROVFILE_CA_SOURCE_MAX bytes, and at
 * least one certificate block, BEGIN then END. Else -1 with why (English).
 * The TLS library judges the certificates themselves; this only keeps a
 * wrong file (a key, a DER file, a document) from being taken for one. */
int provfile_check_ca_pem(const char *text, size_t len, char *why,
                          size_t cap);

/* Clears p, secrets included, in a way the compiler keeps. */
void provfile_wipe(provfile_t *p);

#endif
