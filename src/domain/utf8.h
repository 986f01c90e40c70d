/* utf8: the one check of well-formed UTF-8, for URLs, JSON bodies and imported files alike. */
#ifndef TECHPOOL_UTF8_H
#define TECHPOOL_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the len bytes of text are well-formed UTF-8 (NUL bytes count as characters). */
bool utf8_valid(const char *text, size_t len);

#endif
