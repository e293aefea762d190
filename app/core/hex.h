/*
 * hex.h - bytes as hexadecimal text and back.
 *
 * Secrets, install ids and key pins travel as hex: written in lowercase,
 * read in either case (a pin pasted from openssl is uppercase).
 */
#ifndef SIPAS_CORE_HEX_H
#define SIPAS_CORE_HEX_H

#include <stddef.h>

/* len bytes of in as 2 * len lowercase digits and a NUL in out. */
void hex_encode(const unsigned char *in, size_t len, char *out);
/* The value of one hex digit, either case; -1 for anything else. */
int hex_digit_value(int c);
/* The 2 * len digits at in (either case) into len bytes of out; 0, or -1
 * at the first character that is not a digit (out then partly written). */
int hex_decode(const char *in, unsigned char *out, size_t len);
/* 1 when s is exactly len lowercase hex digits (s NULL: 0). */
int hex_is_lower(const char *s, size_t len);

#endif
