/*
 * hubtext.h - text that came from the hub, made safe before it is kept or
 * shown.
 *
 * A hub (or whatever answers at its address) may send anything: error
 * messages with terminal escape sequences, a right-to-left override that
 * makes a line read backwards, bytes that are not UTF-8, a unit "code"
 * with a quote and a newline. Every piece of hub text passes here before
 * it reaches a terminal, a log, sync.db or the kiosk's screen.
 * Pure: no I/O, no allocation.
 * Ownership: strings are borrowed for the call; out is the caller's.
 */
#ifndef SIPAS_CORE_HUBTEXT_H
#define SIPAS_CORE_HUBTEXT_H

#include <stddef.h>

/* The hub's own rule for codes (tools/hub/base/valid.c, hub_valid_code):
 * what it stores as a unit code, it enforces at every entrance. */
#define HUBTEXT_CODE_MAX 64
/* What replaces a character that must not be shown. */
#define HUBTEXT_REPLACEMENT '?'
#define HUBTEXT_ELLIPSIS "..."

/* Copies in (NULL reads as "") into out, at most cap - 1 bytes and a NUL
 * (cap > 0), as valid UTF-8 that prints as plain text: tab, CR, LF and
 * the Unicode line separators become a space; other C0 and C1 controls,
 * ESC, DEL, the bidirectional controls (U+061C, U+200E-200F,
 * U+202A-202E, U+2066-2069) and every byte that is not part of a valid
 * UTF-8 sequence become HUBTEXT_REPLACEMENT. Text that does not fit is
 * cut at a character boundary and ends in HUBTEXT_ELLIPSIS. Returns 1
 * when anything was replaced or cut, 0 when out equals in. */
int hubtext_sanitize(const char *in, char *out, size_t cap);

/* 1 when s is a unit code as the hub accepts one: [A-Za-z0-9._-]{1,64}. */
int hubtext_is_unit_code(const char *s);

#endif
