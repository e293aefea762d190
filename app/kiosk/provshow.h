/*
 * provshow.h - what provisioning from the SD card left in the data
 * directory, as the kiosk uses it: the kept settings (provisioned.json)
 * over the packaged configuration, and the result
 * (provision-result.json) as a banner for the technician on the idle
 * screen.
 * Ownership: the caller's buffers and structs; nothing is kept.
 */
#ifndef SIPAS_PROVSHOW_H
#define SIPAS_PROVSHOW_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/err.h"

#define PROVSHOW_SETTINGS "provisioned.json"
/* How long after provisioning the result stays on the idle screen (it
 * goes earlier, with the first rating). */
#define PROVSHOW_BANNER_MS (60 * 60 * 1000)

/* Applies DATA/provisioned.json over c. 0 applied or none there, -1 with e
 * naming the file, line and field. A language c does not offer is left
 * out and named in note (else note is ""). */
int provshow_apply_settings(const char *data, config_t *c, err_t *e,
                            char *note, size_t cap);

/* The Vietnamese banner for a result recorded less than PROVSHOW_BANNER_MS
 * before now_ms, in out; "" when there is none to show. *failed is 1 for a
 * result that needs the technician. */
void provshow_read_banner(const char *data, int64_t now_ms, char *out,
                          size_t cap, int *failed);

/* 1 when DATA/provision-result.json was written since *seen (its
 * modification time in ns, 0 when there was none), updating *seen; 0 when
 * it was not. A run of the retry timer lands while the kiosk runs. */
int provshow_result_changed(const char *data, int64_t *seen);

#endif
