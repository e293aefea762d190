/*
 * assets.h - finding and reading the kiosk's data files.
 *
 * The assets directory is, in order: --assets, $SIPAS_ASSETS, ../assets
 * next to the binary, /usr/share/sipas-kiosk/assets. A file that is not
 * there falls back to its embedded copy where one exists.
 * Ownership: asset_t owns its data when .owned is set; asset_free() frees.
 */
#ifndef SIPAS_ASSETS_H
#define SIPAS_ASSETS_H

#include <stddef.h>

#define ASSET_PATH_MAX 1024

typedef struct asset {
    const char *data; /* NUL-terminated */
    size_t len;
    int owned;
    char name[ASSET_PATH_MAX]; /* path, or "<embedded:...>" */
} asset_t;

/* Fills dir with the first assets directory that exists; "" if none. */
void assets_find_dir(const char *flag, const char *argv0, char *dir,
                     size_t cap);
/* Reads a whole file of at most cap bytes. 0, or -1 with err set (a
 * missing file gives errno ENOENT so callers can fall back). */
int assets_read(const char *path, size_t cap, asset_t *a, char *err,
                size_t errcap);
void asset_embedded(asset_t *a, const char *label, const char *data,
                    size_t len);
void asset_free(asset_t *a);

#endif
