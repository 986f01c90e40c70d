/* cursor: opaque, tamper-checked keyset pagination cursors. */
#ifndef TECHPOOL_CURSOR_H
#define TECHPOOL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>

#define CURSOR_KEY_BYTES 32
#define CURSOR_MAX_TEXT 512

/* Sets the process-wide secret key (from the database, shared by all daemons). */
void cursor_set_key(const unsigned char key[CURSOR_KEY_BYTES]);

/* Encodes the position text (e.g. "2026-03-01T08:00:00.123456Z,42") for the list
 * named scope into out (URL-safe, no padding). Returns false when out is too small,
 * when no key has been set, or when position is empty, not printable ASCII, or so long
 * that the cursor would exceed CURSOR_MAX_TEXT characters. */
bool cursor_encode(const char *scope, const char *position, char *out, size_t out_size);
/* Decodes a cursor made by cursor_encode for the same scope into position.
 * Returns false for anything malformed, tampered with, or made for another scope. */
bool cursor_decode(const char *scope, const char *cursor, char *position, size_t position_size);

#endif
