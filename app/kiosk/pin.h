/*
 * pin.h - checks an admin PIN against its crypt(3) hash.
 * The PIN is never stored; only its hash is, in the configuration.
 */
#ifndef SIPAS_PIN_H
#define SIPAS_PIN_H

/* 1 when pin matches hash, 0 otherwise (also on any error). */
int pin_check(const char *pin, const char *hash);

#endif
