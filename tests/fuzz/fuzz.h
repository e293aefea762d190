/*
 * fuzz.h - what every libFuzzer harness of tests/fuzz shares.
 *
 * Each harness is one file, tests/fuzz/<name>.c, defining
 * LLVMFuzzerTestOneInput for one parser of the project; docs/FUZZING.md
 * says how they are built, run and extended.
 * Ownership: fuzz_text() returns a copy the caller frees.
 */
#ifndef SIPAS_FUZZ_H
#define SIPAS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a C string: parsers that take one stop at the first NUL,
 * as they would on text read from a file or a header. NULL only when
 * memory runs out, which libFuzzer reports by itself. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s) {
        if (size)
            memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

/* Fixed "now" for parsers that judge dates against the clock, so that a
 * saved input replays the same way at any date: 2026-11-22 10:00 in
 * Vietnam (03:00 UTC). */
#define FUZZ_NOW_MS INT64_C(1795316400000)

#endif
