#include "hub/base/crypto.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/random.h>

#include "core/hex.h"

int hub_crypto_hash_sha256(const void *data, size_t len,
                           unsigned char out[HUB_SHA256_LEN])
{
    return gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, out) == 0 ? 0 : -1;
}

int hub_crypto_hmac_sha256(const void *key, size_t key_len, const void *data,
                           size_t len, unsigned char out[HUB_SHA256_LEN])
{
    return gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, key_len, data, len,
                            out) == 0
               ? 0
               : -1;
}

int hub_crypto_hash_text(const char *text, unsigned char out[HUB_SHA256_LEN])
{
    return hub_crypto_hash_sha256(text, strlen(text), out);
}

int hub_crypto_equal(const void *a, const void *b, size_t len)
{
    const volatile unsigned char *x = a;
    const volatile unsigned char *y = b;
    unsigned char diff = 0;
    size_t i;

    /* No early exit: every byte is looked at whatever the first
     * difference. volatile keeps the compiler from adding one. */
    for (i = 0; i < len; i++)
        diff |= (unsigned char)(x[i] ^ y[i]);
    return diff == 0;
}

int hub_crypto_fill_random(void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;
    ssize_t n;

    while (got < len) {
        n = getrandom(p + got, len - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

int hub_crypto_new_secret(char out[2 * HUB_SECRET_BYTES + 1],
                          unsigned char hash[HUB_SHA256_LEN])
{
    unsigned char raw[HUB_SECRET_BYTES];
    int rc;

    if (hub_crypto_fill_random(raw, sizeof(raw)) != 0)
        return -1;
    hex_encode(raw, sizeof(raw), out);
    /* The raw bytes are not needed any more; do not leave them on the
     * stack for whatever reads it next. */
    explicit_bzero(raw, sizeof(raw));
    rc = hub_crypto_hash_text(out, hash);
    return rc;
}
