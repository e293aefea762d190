#include "hub/base/code.h"

#include <stdint.h>
#include <string.h>

#include "hub/base/crypto.h"

#define HUB_CODE_INPUT_MAX 64

static const char hub_code_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Symbol value of an input character, -1 for none, -2 for a separator. */
static int hub_code_value(char ch)
{
    const char *p;

    if (ch == '-' || ch == ' ')
        return -2;
    if (ch >= 'a' && ch <= 'z')
        ch = (char)(ch - 'a' + 'A');
    if (ch == 'I' || ch == 'L')
        ch = '1';
    else if (ch == 'O')
        ch = '0';
    p = strchr(hub_code_alphabet, ch);
    return (ch != '\0' && p) ? (int)(p - hub_code_alphabet) : -1;
}

static void hub_code_format(const int symbols[HUB_CODE_SYMBOLS],
                            char out[HUB_CODE_TEXT])
{
    int i, o = 0;

    for (i = 0; i < HUB_CODE_SYMBOLS; i++) {
        if (i > 0 && i % 4 == 0)
            out[o++] = '-';
        out[o++] = hub_code_alphabet[symbols[i]];
    }
    out[o] = '\0';
}

int hub_code_generate(char out[HUB_CODE_TEXT])
{
    int symbols[HUB_CODE_SYMBOLS];
    uint64_t bits = 0;
    unsigned char raw[8];
    int i;

    if (hub_crypto_fill_random(raw, sizeof(raw)) != 0)
        return -1;
    for (i = 0; i < 8; i++)
        bits = (bits << 8) | raw[i];
    /* 12 symbols of 5 bits use 60 of the 64 random bits. */
    for (i = 0; i < HUB_CODE_SYMBOLS; i++) {
        symbols[i] = (int)(bits & 0x1F);
        bits >>= 5;
    }
    hub_code_format(symbols, out);
    return 0;
}

int hub_code_normalise(const char *in, char out[HUB_CODE_TEXT])
{
    int symbols[HUB_CODE_SYMBOLS];
    int n = 0, v;
    size_t i;

    for (i = 0; in[i]; i++) {
        if (i >= HUB_CODE_INPUT_MAX)
            return -1;
        v = hub_code_value(in[i]);
        if (v == -2)
            continue;
        if (v < 0 || n >= HUB_CODE_SYMBOLS)
            return -1;
        symbols[n++] = v;
    }
    if (n != HUB_CODE_SYMBOLS)
        return -1;
    hub_code_format(symbols, out);
    return 0;
}
