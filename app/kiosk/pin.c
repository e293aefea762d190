#include "pin.h"

#include <crypt.h>
#include <string.h>

/* Compares in time independent of where the strings differ. */
static int pin_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i;
    unsigned char diff = (unsigned char)(la != lb);

    for (i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

int pin_check(const char *pin, const char *hash)
{
    struct crypt_data data;
    const char *out;
    int ok;

    if (!pin || !hash || hash[0] != '$')
        return 0;
    memset(&data, 0, sizeof(data));
    out = crypt_r(pin, hash, &data);
    ok = out && out[0] == '$' && pin_equal(out, hash);
    explicit_bzero(&data, sizeof(data));
    return ok;
}
