/*
 * code.h - one-time enrollment codes: "7KQ2-M9TX-4HBD".
 *
 * Twelve Crockford base32 symbols carry 60 random bits. A technician types
 * the code on a kiosk, so reading is forgiving the way Crockford intends:
 * lower case, I and L for 1, O for 0, and any hyphens or spaces are
 * accepted, then normalised to the canonical form, whose SHA-256 is what
 * the hub stores.
 * Pure apart from getrandom(2) in hub_code_generate().
 * Ownership: callers own every buffer.
 */
#ifndef SIPAS_HUB_CODE_H
#define SIPAS_HUB_CODE_H

#define HUB_CODE_SYMBOLS 12
#define HUB_CODE_TEXT 15 /* "XXXX-XXXX-XXXX" and NUL */

/* A fresh random code in canonical form; 0, or -1 without randomness. */
int hub_code_generate(char out[HUB_CODE_TEXT]);
/* Canonical form of what a person typed; 0, or -1 when it cannot be a
 * code (wrong length, a symbol outside the alphabet, over 64 bytes). */
int hub_code_normalise(const char *in, char out[HUB_CODE_TEXT]);

#endif
