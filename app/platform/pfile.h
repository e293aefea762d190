/*
 * pfile.h - a small file a person put somewhere (a CA certificate on an
 * SD card, a file named on a command line), read whole with a hard cap.
 *
 * Only regular files: a FIFO or a device must not hang a boot or fill
 * memory, so the file is opened non-blocking and checked before reading.
 * Ownership: *out is allocated here and owned by the caller (free()).
 */
#ifndef SIPAS_PFILE_H
#define SIPAS_PFILE_H

#include <stddef.h>

#define PFILE_NOFOLLOW 1 /* a symbolic link is refused (ELOOP) */

/* path, at most max bytes, into *out (NUL-terminated) and *len. 0, or -1
 * with errno: the open's, EINVAL when not a regular file, EFBIG when
 * larger than max, ENOMEM, or the read's. */
int pfile_read_small(const char *path, int flags, size_t max, char **out,
                     size_t *len);

#endif
