/*
 * crypto.h - digests, secrets and their comparison.
 *
 * The hub never stores a secret, an analyst token or an enrollment code,
 * only its SHA-256, so a copy of the database opens nothing. Digests are
 * compared in constant time so a client cannot learn a stored digest byte
 * by byte from response times. Randomness comes from getrandom(2), which
 * blocks only until the kernel's pool is first seeded.
 * Ownership: callers own every buffer; nothing is allocated.
 */
#ifndef SIPAS_HUB_CRYPTO_H
#define SIPAS_HUB_CRYPTO_H

#include <stddef.h>

#define HUB_SHA256_LEN 32
#define HUB_SECRET_BYTES 32 /* 256 bits: kiosk secrets, analyst tokens */

/* SHA-256 of len bytes; 0, or -1 when the library refuses. */
int hub_crypto_hash_sha256(const void *data, size_t len,
                           unsigned char out[HUB_SHA256_LEN]);
/* HMAC-SHA256 of len bytes under a key of key_len bytes; 0 or -1. */
int hub_crypto_hmac_sha256(const void *key, size_t key_len, const void *data,
                           size_t len, unsigned char out[HUB_SHA256_LEN]);
/* SHA-256 of a NUL-terminated string. */
int hub_crypto_hash_text(const char *text, unsigned char out[HUB_SHA256_LEN]);
/* 1 when the len bytes at a and b are equal; time depends on len only. */
int hub_crypto_equal(const void *a, const void *b, size_t len);
/* Fills buf from getrandom(2); 0, or -1. */
int hub_crypto_fill_random(void *buf, size_t len);
/* A fresh 256-bit secret as 64 lowercase hex characters (out: 65 bytes)
 * and the SHA-256 of that text, which is what the hub keeps. 0 or -1. */
int hub_crypto_new_secret(char out[2 * HUB_SECRET_BYTES + 1],
                          unsigned char hash[HUB_SHA256_LEN]);

#endif
