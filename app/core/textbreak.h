/*
 * textbreak.h - where a line of UI text may be broken, with no dictionary.
 *
 * Vietnamese and English break at spaces. Khmer writes no spaces between
 * words, so the UI words carry U+200B ZERO WIDTH SPACE between words and
 * phrases, placed by the translator; a line may break there and the mark
 * itself is never drawn. A segment still wider than the line may break
 * between grapheme clusters, tailored so that a consonant, COENG U+17D2
 * and its subscript consonant stay one unit (UAX #29 alone would split
 * them, as Khmer has no conjunct rule there).
 * Pure: byte offsets into UTF-8 the caller owns; nothing is allocated.
 */
#ifndef SIPAS_TEXTBREAK_H
#define SIPAS_TEXTBREAK_H

#include <stddef.h>

/* Bytes of U+200B at pos in s (len bytes): 3, or 0 when it is not there. */
size_t textbreak_zwsp_len(const char *s, size_t len, size_t pos);
/* First byte at or after pos that is neither a space nor U+200B. */
size_t textbreak_skip_gaps(const char *s, size_t len, size_t pos);
/* End of the word starting at pos: the first space, line feed or U+200B
 * after it, or len. */
size_t textbreak_word_end(const char *s, size_t len, size_t pos);
/* End of the grapheme cluster starting at pos (Khmer-tailored, see above);
 * always > pos when pos < len. */
size_t textbreak_cluster_end(const char *s, size_t len, size_t pos);
/* 1 when s[0..len) holds a code point of the Khmer blocks (U+1780-U+17FF,
 * U+19E0-U+19FF). */
int textbreak_has_khmer(const char *s, size_t len);
/* The code point at pos, or -1 for bytes that are not valid UTF-8. */
long textbreak_cp_at(const char *s, size_t len, size_t pos);
/* 1 for the code points drawn with the Khmer face. */
int textbreak_is_khmer_cp(long cp);
/* Copies s[0..len) to out (cap bytes, NUL-terminated) without U+200B,
 * which must never reach a font as a glyph. Returns the bytes written, or
 * -1 when out is too small. */
int textbreak_strip_zwsp(const char *s, size_t len, char *out, size_t cap);

#endif
