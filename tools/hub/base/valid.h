/*
 * valid.h - what the hub accepts as a code, a name, an id, a secret.
 *
 * Every string that reaches the database from a request or a command line
 * passes one of these first. Codes are a closed alphabet so that nothing
 * that looks like markup, a path or SQL can ever be stored as a code; names
 * are free text for people but must be valid UTF-8 without control
 * characters, so they print safely in a terminal or a CSV cell.
 * Pure: no I/O, no allocation.
 * Ownership: strings are borrowed for the call.
 */
#ifndef SIPAS_HUB_VALID_H
#define SIPAS_HUB_VALID_H

#include <stddef.h>

#define HUB_CODE_MAX 64         /* bytes of a code */
#define HUB_NAME_MAX 200        /* bytes of a name */
#define HUB_INSTALL_ID_LEN 32   /* lowercase hex, as the kiosk makes it */
#define HUB_SECRET_LEN 64       /* lowercase hex of 256 bits */
#define HUB_UPLOAD_ID_MAX 128
#define HUB_VERSION_MAX 64      /* a software version string */

/* 1 when s is [A-Za-z0-9._-]{1,64}. */
int hub_valid_code(const char *s);
/* 1 when s is valid UTF-8 of at most max bytes without C0/C1 control
 * characters or DEL; an empty string only when allow_empty. */
int hub_valid_name(const char *s, size_t max, int allow_empty);
/* Bytes of the longest prefix of s that is valid UTF-8: where a message
 * cut by snprintf or built from foreign text must end to stay printable
 * and JSON-safe. */
size_t hub_valid_utf8_prefix(const char *s);
/* 1 when s is [A-Za-z0-9._:-]{1,128}: an upload id such as "ID:1234". */
int hub_valid_upload_id(const char *s);
/* 1 when s is printable ASCII (0x21..0x7e), 1..64 bytes: "0.1.0". */
int hub_valid_version(const char *s);

#endif
