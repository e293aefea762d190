/*
 * ctl_provfile.h - sipasctl provision --file: the provisioning file from
 * the SD card's boot partition (docs/PROVISIONING.md).
 *
 * Settings are written into DATA first (each file to a temporary name,
 * then renamed), then the kiosk enrols through the same path as
 * `provision --hub --code`, then the result is recorded in
 * DATA/provision-result.json; only after that is the file deleted. A CA
 * bundle the file names ("ca") is read from beside it, checked before
 * anything is written, and kept as DATA/hub-ca.pem for enrolment and
 * every later sync; it is public and stays on the card.
 * Ownership: everything is borrowed from the caller.
 */
#ifndef SIPAS_CTL_PROVFILE_H
#define SIPAS_CTL_PROVFILE_H

#include "upload/enroll.h"

#define CTL_PROVFILE_PENDING "provision-pending.json"
#define CTL_PROVFILE_SETTINGS "provisioned.json"
#define CTL_PROVFILE_WPA "network/wpa_supplicant-wlan0.conf"
/* The hub's CA bundle when the file names one ("ca"): kept in DATA, as
 * enrolment and every later sync read it after the card's copy is gone. */
#define CTL_PROVFILE_CA "hub-ca.pem"

typedef struct ctl_provfile_opts {
    const char *data, *file;
    const char *user;         /* root reads and deletes; this user applies */
    int delete_file;
    /* What enrolment needs besides hub, code and counter. */
    sync_enroll_request_t enroll;
} ctl_provfile_opts_t;

/* The exit status: 0 ok, 1 local error, 3 bad file, 4 hub unreachable,
 * 5 code refused (provresult_status_t). */
int ctl_provfile_run(const ctl_provfile_opts_t *o);

#endif
