/*
 * conf.h - the upload settings sipas-sync takes from the kiosk's
 * configuration: the file the kiosk reads, then what provisioning from
 * the SD card kept in the data directory, as the kiosk applies them.
 * Ownership: the caller's struct and buffers.
 */
#ifndef SIPAS_SYNCD_CONF_H
#define SIPAS_SYNCD_CONF_H

#include <stddef.h>

#include "core/config.h"

/* Fills c. A file that cannot be read or parsed leaves the built-in
 * settings (uploading must not stop on a setting of the screen the
 * kiosk itself complains about): 0 read, 1 defaults kept and the reason
 * in note. */
int syncd_load_config(const char *path, const char *data, config_t *c,
                      char *note, size_t cap);

#endif
