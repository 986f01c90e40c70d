/* text: when free text counts as written. Whitespace and characters that render as nothing
 * (zero-width, bidi controls, soft hyphen, other format characters) do not count; the
 * database's tp_text_blank() (0017_text_rules.sql) applies the same rule. */
#ifndef TECHPOOL_TEXT_H
#define TECHPOOL_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when code point c is whitespace (Unicode White_Space), a format character (category
 * Cf, e.g. U+200B, U+202E, U+00AD, U+FEFF) or another default-ignorable code point (variation
 * selectors, Hangul fillers, tags). */
bool text_invisible(unsigned long c);

/* The number of bytes at the start of value (len bytes of UTF-8) that are invisible code points;
 * it stops at the first visible one or at a byte sequence that is not valid UTF-8. */
size_t text_invisible_prefix(const char *value, size_t len);

/* True when value (len bytes of UTF-8) holds nothing but invisible code points. */
bool text_blank(const char *value, size_t len);

/* Field check (a NUL-terminated value): "must not be blank" when value is blank, else NULL. */
const char *text_not_blank(const char *value);

#endif
